//! `tejun build` over its own previous output keeps the files whose inputs did not change
//! (the build cache, beside the output: `.<out>.tejun-cache`). Whatever the edit, the result must be the site a
//! clean build of the same sources makes, byte for byte and file for file; a cache that is
//! damaged, foreign or lying is ignored; a failed build leaves the previous site as it was.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::harness::{read, repo, snapshot, write, Book, Run};

/// The build cache of the output folder `out`: beside it, never published with it.
fn manifest(out: &Path) -> PathBuf {
    let name = out.file_name().expect("named").to_string_lossy();
    out.with_file_name(format!(".{name}.tejun-cache"))
}

/// Every file of a built site, with its bytes.
fn site(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot(dir)
}

/// Fails naming the first files that differ, not with two trees of bytes.
fn assert_same_site(incremental: &Path, clean: &Path, after: &str) {
    let (a, b) = (site(incremental), site(clean));
    let only_a: Vec<_> = a.keys().filter(|p| !b.contains_key(*p)).collect();
    let only_b: Vec<_> = b.keys().filter(|p| !a.contains_key(*p)).collect();
    let differ: Vec<_> = a
        .iter()
        .filter(|(p, bytes)| b.get(*p).is_some_and(|other| other != *bytes))
        .map(|(p, _)| p)
        .collect();
    assert!(
        only_a.is_empty() && only_b.is_empty() && differ.is_empty(),
        "after {after}, the incremental build differs from a clean one:\n  only in the \
         incremental build: {only_a:?}\n  only in the clean build: {only_b:?}\n  different: \
         {differ:?}"
    );
}

fn build(book: &Book, out: &Path) -> Run {
    let run = build_run(book, out, false);
    run.assert_ok();
    run
}

/// [`build`] with `TEJUN_TIMINGS=1`, whose notes say which carried work a build took.
fn build_timed(book: &Book, out: &Path) -> Run {
    let run = build_run(book, out, true);
    run.assert_ok();
    run
}

/// `tejun build . --out OUT` (with `TEJUN_TIMINGS=1` when `timed`), which may fail.
fn build_run(book: &Book, out: &Path, timed: bool) -> Run {
    let mut t = book.tejun();
    if timed {
        t = t.env("TEJUN_TIMINGS", "1");
    }
    t.args(["build", "."]).arg("--out").arg(out).run()
}

/// Rebuilds `out` and builds the same sources afresh into a new folder; both must match.
/// Returns the incremental build's run.
fn rebuild_matches_clean(book: &Book, out: &Path, after: &str) -> Run {
    let run = build(book, out);
    matches_clean(book, out, after);
    run
}

/// Builds the same sources afresh into a new folder; `out`, as the last build left it,
/// must match it.
fn matches_clean(book: &Book, out: &Path, after: &str) {
    let clean = book
        .tmp()
        .join(format!("clean-{}", after.replace(' ', "-")));
    build(book, &clean);
    assert_same_site(out, &clean, after);
    fs::remove_dir_all(&clean).expect("remove the clean build");
}

/// Edits one step's command in the fixture's setup procedure (`tar xzf example.tar.gz`
/// becomes `example-2.tar.gz`): an edit to one step of one procedure.
fn edit_setup_step(book: &Book) {
    book.edit(
        "content/01-install/01-setup.toml",
        "tar xzf example.tar.gz",
        "tar xzf example-2.tar.gz",
    );
}

/// Asserts that a build's `TEJUN_TIMINGS` notes say `note`.
fn assert_note(run: &Run, note: &str) {
    let err = run.stderr();
    assert!(err.contains(note), "expected `{note}` in:\n{err}");
}

/// How many files a build says it kept from the previous one.
fn kept(run: &Run) -> usize {
    let err = run.stderr();
    err.lines()
        .find_map(|l| l.strip_prefix("kept "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The default theme's `name`, to override in a book's own theme folder.
fn default_theme_file(name: &str) -> String {
    fs::read_to_string(repo().join("themes/default").join(name)).expect("default theme file")
}

const SECOND: &str = r#"title = "Upgrade the server"

[[section]]
id = "upgrade"
title = "Upgrade"

[[section.step]]
id = "stop"
title = "Stop the service"

[[section.step.part]]
shell = "sh"
cmd = "systemctl stop exampled"

[[section.step]]
id = "start-again"
use = "start-service"
title = "Start it again"
"#;

#[test]
fn every_kind_of_edit_rebuilds_to_what_a_clean_build_makes() {
    let book = Book::fixture("problems");
    let out = book.tmp().join("site");
    let first = build(&book, &out);
    assert_eq!(kept(&first), 0, "nothing to keep the first time");
    assert!(
        manifest(&out).is_file(),
        "the build keeps a cache beside the output"
    );
    assert!(
        !out.join(".tejun-cache").exists(),
        "nothing of the cache is published with the site"
    );

    edit_setup_step(&book);
    let run = rebuild_matches_clean(&book, &out, "a step's text");
    assert!(
        kept(&run) > 0,
        "an edit of one step keeps the other files: {}",
        run.stderr()
    );
    assert!(read(&out.join("setup.html")).contains("example-2.tar.gz"));
    // The commands page lists the whole book but is keyed by its listing alone: a new
    // program in one step must still reach it.
    book.edit(
        "content/01-install/01-setup.toml",
        "tar xzf example-2.tar.gz",
        "bsdtar xzf example-2.tar.gz",
    );
    rebuild_matches_clean(&book, &out, "a step's command");
    assert!(read(&out.join("commands.html")).contains("bsdtar"));

    book.write("content/01-install/02-upgrade.toml", SECOND);
    rebuild_matches_clean(&book, &out, "a new procedure file");
    book.edit(
        "content/01-install/02-upgrade.toml",
        "title = \"Upgrade the server\"",
        "title = \"Upgrade the whole server\"",
    );
    rebuild_matches_clean(&book, &out, "a procedure title shown in every sidebar");
    book.edit(
        "content/_steps/start-service.toml",
        "systemctl start exampled",
        "systemctl start exampled.service",
    );
    rebuild_matches_clean(&book, &out, "a reusable step");
    book.edit(
        "content/_problems/disk-full.toml",
        "The data disk is full.",
        "The data disk is full, or its quota is used up.",
    );
    rebuild_matches_clean(&book, &out, "a known problem");
    book.edit(
        "book.toml",
        "title = \"Problems Fixture\"",
        "title = \"Problems Fixture, second edition\"",
    );
    rebuild_matches_clean(&book, &out, "book.toml");
    book.write(
        "themes/default/procedure_body.html",
        default_theme_file("procedure_body.html") + "<!-- a local change -->\n",
    );
    rebuild_matches_clean(&book, &out, "a theme template");
    book.write(
        "themes/default/style.css",
        default_theme_file("style.css") + "/* a local change */\n",
    );
    rebuild_matches_clean(&book, &out, "a theme asset");
    fs::remove_file(book.join("content/01-install/02-upgrade.toml")).expect("remove");
    rebuild_matches_clean(&book, &out, "a removed procedure file");
    // With no change, the build has nothing to do (tests/suite/up_to_date.rs); without the
    // record that says so (the build memo beside the output), it renders nothing and keeps
    // every file but the folder's marker (written by every build).
    let up_to_date = build(&book, &out);
    assert!(
        up_to_date.stderr().contains("up to date:"),
        "{}",
        up_to_date.stderr()
    );
    let memo = manifest(&out).with_file_name(".site.tejun-memo");
    fs::remove_file(&memo).expect("the build memo beside the output");
    let run = rebuild_matches_clean(&book, &out, "no change at all");
    assert_eq!(
        kept(&run),
        site(&out).len() - 1,
        "no change keeps every file: {}",
        run.stderr()
    );
}

/// Links to a step of `later.toml` whose number, in the Linux runbook, depends on
/// whether the Windows-only step before it is there.
const LINKING: &str = r#"title = "Check the server"

[[section]]
id = "check"
title = "Check"

[[section.step]]
id = "look"
title = "Look at the log"
body = "Then go on with [](#later/verify)."
"#;

const LATER: &str = r#"title = "Later"

[[section]]
id = "later"
title = "Later"

[[section.step]]
id = "reboot"
title = "Reboot"
when = "os = windows"
body = "Windows wants a reboot."

[[section.step]]
id = "verify"
title = "Verify"
body = "All is well."
"#;

/// Pages, the print page and runbooks are keyed by the model rather than by their
/// rendered contents, and the print page and runbooks are spliced from the previous
/// build's fragments: an edit in one procedure that another one's page, fragment or
/// numbering shows must still reach it.
/// An edit inside one procedure patches the offline index's postings the previous build
/// left in its memo instead of analysing the book again; an edit that moves the documents'
/// ids (a step more) analyses it whole. Either way the site is a clean build's.
#[test]
fn an_edit_inside_a_procedure_patches_the_carried_search_postings() {
    let book = Book::fixture("problems");
    // Procedures enough that one is a small part of the book.
    for n in 2..6 {
        let steps: String = (1..4)
            .map(|s| {
                format!(
                    "[[section.step]]\nid = \"s{s}\"\ntitle = \"Check node {n} part {s}\"\n\
                     body = \"Look at node {n}.\"\n\n"
                )
            })
            .collect();
        book.write(
            &format!("content/01-install/0{n}-node-{n}.toml"),
            format!(
                "title = \"Node {n}\"\n\n[[section]]\nid = \"check\"\ntitle = \"Check\"\n\n{steps}"
            ),
        );
    }
    let out = book.tmp().join("site");
    build(&book, &out);
    let timed = |book: &Book| build_timed(book, &out);
    edit_setup_step(&book);
    let run = timed(&book);
    assert!(
        run.stderr().contains("offline: postings patched for"),
        "{}",
        run.stderr()
    );
    let clean = book.tmp().join("clean");
    build(&book, &clean);
    assert_same_site(&out, &clean, "a patched rebuild");
    fs::remove_dir_all(&clean).expect("remove the clean build");

    book.edit(
        "content/01-install/01-setup.toml",
        "[[section.step]]",
        "[[section.step]]\nid = \"look\"\ntitle = \"Look around\"\nbody = \"Read the logs first.\"\n\n[[section.step]]",
    );
    let run = timed(&book);
    assert!(
        !run.stderr().contains("offline: postings patched"),
        "a step more moves every later document's id: {}",
        run.stderr()
    );
    build(&book, &clean);
    assert_same_site(&out, &clean, "a step more");
}

/// A rebuild takes from the build memo every procedure whose file, and everything shared,
/// is as the previous build read it; the result is what a clean build makes, placeholders
/// and problems named by the remembered procedures included.
#[test]
fn procedures_resolved_by_the_previous_build_are_taken_from_the_memo() {
    let book = Book::fixture("problems");
    book.edit(
        "book.toml",
        "[[profile]]",
        "[[placeholder]]\nid = \"host\"\nlabel = \"Host\"\n\n[[profile]]",
    );
    // The placeholder is used here only: were the procedure's uses not replayed, the
    // rebuild would warn that it is never used.
    book.write(
        "content/01-install/02-node.toml",
        "title = \"Reach the node\"\n\n[[section]]\nid = \"net\"\ntitle = \"Network\"\n\n\
         [[section.step]]\nid = \"ping\"\ntitle = \"Ping it\"\nproblems = [\"port-in-use\"]\n\n\
         [[section.step.part]]\nshell = \"sh\"\ncmd = \"ping -c 1 [[host]]\"\n",
    );
    let out = book.tmp().join("site");
    let timed = |book: &Book| build_timed(book, &out);
    let first = timed(&book);
    assert_note(
        &first,
        "load: 0 procedures taken from the memo, 2 parsed and resolved",
    );
    let matches_clean = |after: &str| matches_clean(&book, &out, after);

    edit_setup_step(&book);
    let run = timed(&book);
    assert_note(
        &run,
        "load: 1 procedures taken from the memo, 1 parsed and resolved",
    );
    assert!(!run.stderr().contains("never used"), "{}", run.stderr());
    matches_clean("an edit of one procedure");

    // Shared by every procedure: nothing is taken.
    book.edit(
        "content/_steps/start-service.toml",
        "systemctl start exampled",
        "systemctl restart exampled",
    );
    let run = timed(&book);
    assert_note(
        &run,
        "load: 0 procedures taken from the memo, 2 parsed and resolved",
    );
    matches_clean("an edit of a reusable step");

    // A procedure in error fails the build, which leaves the memo as it was: put back,
    // it is as the last build read it, and only the other file, edited, is resolved.
    book.edit(
        "content/01-install/02-node.toml",
        "id = \"ping\"",
        "id = \"Ping!\"",
    );
    let failed = build_run(&book, &out, false);
    assert_ne!(failed.code(), Some(0), "an invalid id must fail the build");
    book.edit(
        "content/01-install/02-node.toml",
        "id = \"Ping!\"",
        "id = \"ping\"",
    );
    book.edit(
        "content/01-install/01-setup.toml",
        "example-2.tar.gz",
        "example-3.tar.gz",
    );
    let run = timed(&book);
    assert_note(
        &run,
        "load: 1 procedures taken from the memo, 1 parsed and resolved",
    );
    matches_clean("an error fixed");
}

/// The print page's text around its procedures (contents, chapter headings, known
/// problems) is taken from the previous file while nothing it shows has changed, and made
/// again when a procedure's condition or title changes; every time it is what a clean
/// build makes.
#[test]
fn the_print_pages_contents_are_kept_until_what_they_show_changes() {
    let book = Book::fixture("problems");
    let node = "content/01-install/02-node.toml";
    book.write(
        node,
        "title = \"Reach the node\"\n\n[[section]]\nid = \"net\"\ntitle = \"Network\"\n\n\
         [[section.step]]\nid = \"ping\"\ntitle = \"Ping it\"\n\n\
         [[section.step.part]]\nshell = \"sh\"\ncmd = \"ping -c 1 node\"\n",
    );
    let out = book.tmp().join("site");
    build(&book, &out);
    let kept = "print.html: the text around the fragments taken from the previous file";
    let matches_clean = |after: &str| matches_clean(&book, &out, after);

    book.edit(node, "ping -c 1 node", "ping -c 2 node");
    let run = build_timed(&book, &out);
    assert!(run.stderr().contains(kept), "{}", run.stderr());
    matches_clean("an edit of a command");

    book.edit(
        node,
        "title = \"Reach the node\"",
        "title = \"Reach the node\"\nwhen = \"os = linux\"",
    );
    let run = build_timed(&book, &out);
    assert!(!run.stderr().contains(kept), "{}", run.stderr());
    // The contents show the condition beside the heading: kept, they would differ.
    matches_clean("a procedure's condition added");

    book.edit(node, "Reach the node", "Reach the server");
    let run = build_timed(&book, &out);
    assert!(!run.stderr().contains(kept), "{}", run.stderr());
    matches_clean("a procedure's title");
}

/// The coverage check skips a procedure the previous build found clean only while the
/// facets, rules and conditions it was checked against are the same: a new facet value
/// its variants do not cover is still a located error.
#[test]
fn a_procedure_found_covered_is_checked_again_when_the_facets_change() {
    let book = Book::fixture("problems");
    book.write(
        "content/01-install/02-node.toml",
        "title = \"Reach the node\"\n\n[[section]]\nid = \"net\"\ntitle = \"Network\"\n\n\
         [[section.step]]\nid = \"ping\"\ntitle = \"Ping it\"\n\n\
         [[section.step.variant]]\nwhen = \"os = linux\"\n\
         [[section.step.variant.part]]\nshell = \"sh\"\ncmd = \"ping -c 1 node\"\n\n\
         [[section.step.variant]]\nwhen = \"os = windows\"\n\
         [[section.step.variant.part]]\nshell = \"cmd\"\ncmd = \"ping -n 1 node\"\n",
    );
    let out = book.tmp().join("site");
    build(&book, &out);
    edit_setup_step(&book);
    build(&book, &out);
    book.edit(
        "book.toml",
        "{ id = \"windows\", label = \"Windows\" },",
        "{ id = \"windows\", label = \"Windows\" },\n  { id = \"mac\", label = \"macOS\" },",
    );
    let run = build_run(&book, &out, false);
    assert_ne!(run.code(), Some(0), "a gap is an error: {}", run.stderr());
    assert!(
        run.stderr().contains("02-node.toml") && run.stderr().contains("os=mac"),
        "{}",
        run.stderr()
    );
}

/// A procedure taken from the memo keeps its links, not its text: a link of it that an
/// edit elsewhere leaves dangling is still a located error.
#[test]
fn a_remembered_procedures_links_are_still_checked() {
    let book = Book::fixture("problems");
    book.write(
        "content/01-install/02-a.toml",
        "title = \"A\"\n\n[[section]]\nid = \"s\"\ntitle = \"S\"\n\n\
         [[section.step]]\nid = \"go\"\ntitle = \"Go\"\nbody = \"Then [](#b/look).\"\n",
    );
    book.write(
        "content/01-install/03-b.toml",
        "title = \"B\"\n\n[[section]]\nid = \"s\"\ntitle = \"S\"\n\n\
         [[section.step]]\nid = \"look\"\ntitle = \"Look\"\n",
    );
    let out = book.tmp().join("site");
    build(&book, &out);
    edit_setup_step(&book);
    build(&book, &out);
    book.edit(
        "content/01-install/03-b.toml",
        "id = \"look\"",
        "id = \"see\"",
    );
    let run = build_run(&book, &out, true);
    let err = run.stderr();
    assert!(
        err.contains("load: 2 procedures taken from the memo, 1 parsed and resolved"),
        "{err}"
    );
    assert_ne!(run.code(), Some(0), "a dangling link is an error: {err}");
    assert!(err.contains("02-a.toml") && err.contains("b/look"), "{err}");
}

#[test]
fn edits_that_show_in_other_procedures_reach_them() {
    let book = Book::fixture("problems");
    book.write("content/01-install/02-check.toml", LINKING);
    book.write("content/01-install/03-later.toml", LATER);
    let out = book.tmp().join("site");
    build(&book, &out);
    let linux = || read(&out.join("runbooks/linux.html"));
    assert!(linux().contains("Verify"), "{}", linux());

    // The Windows-only step applies everywhere now: the Linux runbook numbers every step
    // after it, and the link to `verify`, one higher.
    book.edit(
        "content/01-install/03-later.toml",
        "when = \"os = windows\"\n",
        "",
    );
    rebuild_matches_clean(&book, &out, "a condition of a step another one links to");
    assert!(linux().contains("Windows wants a reboot."));

    // A link added in `later` lists it under "referenced from" on the page it names.
    book.edit(
        "content/01-install/03-later.toml",
        "All is well.",
        "All is well; see [](#check/look).",
    );
    rebuild_matches_clean(&book, &out, "a new link to another procedure");

    // A step's title shows wherever a link names it.
    book.edit(
        "content/01-install/03-later.toml",
        "title = \"Verify\"",
        "title = \"Verify it all\"",
    );
    rebuild_matches_clean(&book, &out, "a linked step's title");
    assert!(read(&out.join("check.html")).contains("Verify it all"));

    // A procedure's own condition shows wherever procedures are listed: the contents
    // page, its chapter's page and the sidebar script, which are keyed by what lists show
    // of each procedure, not by their contexts.
    let listings = ["index.html", "install.html", "assets/toc.js"];
    let before: Vec<String> = listings.iter().map(|f| read(&out.join(f))).collect();
    book.edit(
        "content/01-install/03-later.toml",
        "title = \"Later\"\n",
        "title = \"Later\"\nwhen = \"os = windows\"\n",
    );
    rebuild_matches_clean(&book, &out, "a procedure's own condition");
    for (file, before) in listings.iter().zip(&before) {
        assert_ne!(
            &read(&out.join(file)),
            before,
            "{file} lists the procedure with its condition"
        );
    }

    // A whole-book file changed in the output since it was built lends no fragment.
    for file in ["print.html", "runbooks/linux.html"] {
        let path = out.join(file);
        let mut text = read(&path);
        text = text.replacen("Look at the log", "Look at the logs!", 1);
        write(&path, text);
    }
    book.edit("content/01-install/03-later.toml", "Reboot", "Restart");
    rebuild_matches_clean(&book, &out, "a print page and runbook edited in the output");

    // A theme whose print page leaves the procedures out cannot be spliced: built whole.
    book.write(
        "themes/default/print.html",
        "<!doctype html><title>{{ book.title }}</title><p>{{ t.print_title | default(value=\"\") }}</p>\n",
    );
    rebuild_matches_clean(&book, &out, "a print page without procedures");
    book.edit("content/01-install/02-check.toml", "Look at", "Read");
    rebuild_matches_clean(&book, &out, "an edit under a print page without procedures");
}

#[test]
fn a_damaged_or_foreign_cache_is_ignored() {
    let book = Book::fixture("problems");
    let out = book.tmp().join("site");
    build(&book, &out);
    let manifest = manifest(&out);
    let good = fs::read_to_string(&manifest).expect("the cache has a manifest");
    let other_version = good.replacen(env!("CARGO_PKG_VERSION"), "0.0.0-another-tejun", 1);
    let damaged = [
        ("a truncated manifest", good[..good.len() / 2].to_string()),
        ("a manifest from another tejun", other_version),
        (
            "a manifest whose lines were edited",
            good.replace(".html", ".htm"),
        ),
    ];
    let mut cmd = "dbtool init /var/lib/example".to_string();
    for (i, (what, text)) in damaged.into_iter().enumerate() {
        let next = format!("dbtool init /srv/example{i}");
        book.edit("content/01-install/01-setup.toml", &cmd, &next);
        cmd = next;
        write(&manifest, text);
        let run = rebuild_matches_clean(&book, &out, what);
        assert_eq!(
            kept(&run),
            0,
            "{what} must not be trusted: {}",
            run.stderr()
        );
    }

    // A file of the cache's name that is not tejun's is neither read, replaced nor
    // removed: a build that would write the cache stops before the site is touched, and
    // says what to do; `--no-cache` builds and leaves the file alone.
    let before = site(&out);
    let theirs = b"\x00\x01not a manifest at all\n".to_vec();
    fs::write(&manifest, &theirs).expect("someone's file");
    let run = book.tejun().args(["build", ".", "--out"]).arg(&out).run();
    assert_ne!(
        run.code(),
        Some(0),
        "the build replaced someone else's file"
    );
    assert!(
        run.stderr().contains(".site.tejun-cache") && run.stderr().contains("--no-cache"),
        "{}",
        run.stderr()
    );
    assert!(site(&out) == before, "a refused build changed the site");
    assert_eq!(fs::read(&manifest).expect("still there"), theirs);
    book.tejun()
        .args(["build", ".", "--no-cache", "--out"])
        .arg(&out)
        .run()
        .assert_ok();
    assert_eq!(fs::read(&manifest).expect("still there"), theirs);
    fs::remove_file(&manifest).expect("moved away");

    // A page changed in the output since it was built is the page no longer: built again.
    build(&book, &out);
    let page = out.join("setup.html");
    let mut tampered = fs::read(&page).expect("page");
    tampered.extend_from_slice(b"<!-- someone's edit -->");
    fs::write(&page, tampered).expect("tamper");
    rebuild_matches_clean(&book, &out, "a page edited in the output");
}

#[test]
fn a_failed_rebuild_leaves_the_previous_site_and_its_cache_untouched() {
    let book = Book::fixture("problems");
    let out = book.tmp().join("site");
    build(&book, &out);
    let before = snapshot(&out);
    book.write(
        "content/01-install/01-setup.toml",
        "title = \"Set up\n[[section]",
    );
    let run = book
        .tejun()
        .arg("build")
        .arg(".")
        .arg("--out")
        .arg(&out)
        .run();
    assert_ne!(run.code(), Some(0), "a syntax error fails the build");
    assert!(run.stderr().contains("01-setup.toml:"), "{}", run.stderr());
    assert!(snapshot(&out) == before, "the previous site changed");
}

#[test]
fn the_cache_never_reaches_outside_the_output() {
    let book = Book::fixture("problems");
    let out = book.tmp().join("site");
    build(&book, &out);
    // Someone else's file beside the output, and a manifest that names it: it is neither
    // linked into the site nor removed, and the manifest is ignored.
    let victim = book.tmp().join("victim.html");
    write(&victim, "not tejun's");
    let manifest = manifest(&out);
    let text = fs::read_to_string(&manifest).expect("manifest");
    write(&manifest, text.replace(" setup.html", " ../victim.html"));
    let run = rebuild_matches_clean(&book, &out, "a manifest naming a file outside the output");
    assert_eq!(kept(&run), 0);
    assert_eq!(fs::read_to_string(&victim).expect("victim"), "not tejun's");

    // A page replaced by a link to someone else's file is rendered, never followed.
    fs::remove_file(out.join("setup.html")).expect("remove page");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&victim, out.join("setup.html")).expect("link");
    rebuild_matches_clean(&book, &out, "a page replaced by a link");
    assert_eq!(fs::read_to_string(&victim).expect("victim"), "not tejun's");
    assert!(
        !fs::symlink_metadata(out.join("setup.html"))
            .expect("page")
            .file_type()
            .is_symlink(),
        "the page is tejun's again"
    );
}

#[test]
fn no_cache_renders_everything_and_keeps_no_cache() {
    let book = Book::fixture("problems");
    let out = book.tmp().join("site");
    build(&book, &out);
    let run = book
        .tejun()
        .args(["build", ".", "--no-cache", "--out"])
        .arg(&out)
        .run();
    run.assert_ok();
    assert_eq!(kept(&run), 0, "{}", run.stderr());
    assert!(!manifest(&out).exists(), "--no-cache keeps no cache");
    let clean = book.tmp().join("clean");
    build(&book, &clean);
    assert_same_site(&out, &clean, "--no-cache");
}

#[test]
fn the_jobcenter_book_rebuilds_to_what_a_clean_build_makes() {
    let book = Book::jobcenter();
    let out = book.tmp().join("site");
    build(&book, &out);
    // A build with a cache splices the print page and runbooks from fragments; one
    // without renders them whole: the same bytes either way (profiles, placeholders,
    // translations and all).
    let whole = book.tmp().join("whole");
    book.tejun()
        .args(["build", ".", "--no-cache", "--out"])
        .arg(&whole)
        .run()
        .assert_ok();
    assert_same_site(&out, &whole, "a build without a cache");
    let file = first_procedure(&book.join("content"));
    let text = fs::read_to_string(&file).expect("procedure");
    let lines: Vec<&str> = text.lines().collect();
    let step = lines
        .iter()
        .position(|l| l.starts_with("[[section.step]]") || l.starts_with("[[step]]"))
        .expect("a step");
    let title = lines[step..]
        .iter()
        .find(|l| l.starts_with("title = \""))
        .expect("the step's title");
    let edited = text.replacen(
        title,
        &title.replacen("title = \"", "title = \"(edited) ", 1),
        1,
    );
    write(&file, edited);
    let run = rebuild_matches_clean(&book, &out, "a step of the JobCenter book");
    assert!(kept(&run) > 0, "{}", run.stderr());
    book.edit(
        "translations/en/01-mscs/_chapter.toml",
        "title = \"MSCS (MSFC) environments\"",
        "title = \"MSCS (MSFC) environments, edited\"",
    );
    let run = rebuild_matches_clean(&book, &out, "a translation of the JobCenter book");
    assert!(kept(&run) > 0, "{}", run.stderr());
}

/// The first procedure file of the book, in file-name order.
fn first_procedure(content: &Path) -> PathBuf {
    let mut chapters: Vec<PathBuf> = fs::read_dir(content)
        .expect("content")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('_'))
        .collect();
    chapters.sort();
    for ch in chapters {
        let mut files: Vec<PathBuf> = fs::read_dir(&ch)
            .expect("chapter")
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "toml")
                    && !p.file_name().unwrap().to_string_lossy().starts_with('_')
            })
            .collect();
        files.sort();
        if let Some(f) = files.into_iter().next() {
            return f;
        }
    }
    panic!("no procedure in {}", content.display());
}

/// The links of `tejun search QUERY --json` over the index in `index`, sorted.
/// The command-line index made where a build into `index`'s sibling keeps it up to date.
fn made_beside(book: &Book, index: &Path) {
    book.tejun()
        .args(["index", ".", "--out"])
        .arg(index)
        .run()
        .assert_ok();
}

fn hits(book: &Book, query: &str, index: &Path) -> Vec<String> {
    let run = book
        .tejun()
        .args(["search", query, ".", "--json", "--limit", "50", "--index"])
        .arg(index)
        .run();
    let json = run.assert_ok().json();
    let list = json.get("steps").unwrap_or(&json);
    let mut links: Vec<String> = list
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|h| h["link"].as_str().unwrap_or_default().to_string())
        .collect();
    links.sort();
    links
}

/// The problems fixture with enough pages that replacing one in the search index is worth
/// it (a small index is rebuilt whole).
fn with_pages_enough_to_update() -> Book {
    let book = Book::fixture("problems");
    for n in 0..12 {
        book.write(
            &format!("content/01-install/{:02}-extra-{n}.toml", n + 2),
            SECOND.replace("Upgrade the server", &format!("Extra procedure {n}")),
        );
    }
    book
}

#[test]
fn the_search_index_is_updated_in_place_and_finds_what_a_fresh_one_finds() {
    let book = with_pages_enough_to_update();
    let out = book.tmp().join("site");
    let index = book.tmp().join(".tejun-index");
    build(&book, &out);
    assert!(
        !index.exists(),
        "a build makes no command-line index until one is asked for"
    );
    made_beside(&book, &index);
    book.edit(
        "content/01-install/01-setup.toml",
        "tar xzf example.tar.gz",
        "tar xzf zebrafile.tar.gz",
    );
    build(&book, &out);
    let meta: serde_json::Value =
        serde_json::from_str(&read(&index.join("tejun-index.json"))).expect("index metadata");
    assert_eq!(
        meta["replaced"], 1,
        "one page replaced in place, not the index rebuilt: {meta}"
    );
    let fresh = book.tmp().join("fresh-index");
    book.tejun()
        .args(["index", ".", "--force", "--out"])
        .arg(&fresh)
        .run()
        .assert_ok();
    assert!(
        !hits(&book, "zebrafile", &index).is_empty(),
        "the new word is found"
    );
    assert!(
        hits(&book, "example.tar.gz", &index).is_empty(),
        "the old one is gone"
    );
    for query in ["zebrafile", "tar", "dbtool", "systemctl", "service"] {
        assert_eq!(
            hits(&book, query, &index),
            hits(&book, query, &fresh),
            "`{query}`: the updated index finds what a fresh one does"
        );
    }
}

#[test]
fn a_damaged_search_index_is_built_whole_instead_of_updated() {
    let book = with_pages_enough_to_update();
    let out = book.tmp().join("site");
    let index = book.tmp().join(".tejun-index");
    build(&book, &out);
    made_beside(&book, &index);
    // Half the index's files gone: nothing to update in place.
    for e in fs::read_dir(index.join("tantivy")).expect("tantivy folder") {
        let path = e.expect("entry").path();
        if path.extension().is_some_and(|x| x == "idx" || x == "term") {
            fs::remove_file(&path).expect("remove");
        }
    }
    book.edit(
        "content/01-install/01-setup.toml",
        "tar xzf example.tar.gz",
        "tar xzf zebrafile.tar.gz",
    );
    let run = build(&book, &out);
    assert!(
        !run.stderr().contains("search index not updated"),
        "{}",
        run.stderr()
    );
    assert!(
        !hits(&book, "zebrafile", &index).is_empty(),
        "the new word is found"
    );
    assert!(
        !hits(&book, "dbtool", &index).is_empty(),
        "and the rest of the book"
    );
    let meta: serde_json::Value =
        serde_json::from_str(&read(&index.join("tejun-index.json"))).expect("index metadata");
    assert_eq!(meta["replaced"], 0, "built whole: {meta}");
}
