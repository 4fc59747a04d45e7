//! `tejun build` with nothing to do says so and leaves the site alone: nothing the book is
//! built from changed since the previous build, and the output is what that build left.
//! Any change a build would show (a content, theme or translation file, book.toml, the
//! runbooks' date, the editor schemas it keeps, a file in the output removed, changed or
//! added) makes it build again, to the site a clean build makes.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::harness::{snapshot, Book, Run};

/// Each file of the site with its bytes and modification time.
fn stamped(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    snapshot(dir)
        .into_iter()
        .map(|(rel, bytes)| {
            let mtime = fs::metadata(dir.join(&rel))
                .and_then(|m| m.modified())
                .expect("a file of the site");
            (rel, (bytes, mtime))
        })
        .collect()
}

fn build(book: &Book, extra: &[&str]) -> Run {
    let run = book.tejun().arg("build").arg(".").args(extra).run();
    run.assert_ok();
    run
}

fn said_up_to_date(run: &Run) -> bool {
    let err = run.stderr();
    let up = err.contains("up to date:");
    assert_eq!(
        up,
        !err.contains("\nbuilt ") && !err.starts_with("built "),
        "{err}"
    );
    up
}

/// After `change`, the build builds (to what a clean build makes), and the next one has
/// nothing to do again.
fn builds_again_after(book: &Book, site: &Path, what: &str, change: impl FnOnce()) {
    change();
    let run = build(book, &[]);
    assert!(!said_up_to_date(&run), "after {what}: {}", run.stderr());
    let clean = book.tmp().join("clean");
    build(
        book,
        &["--out", clean.to_str().expect("a UTF-8 path"), "--no-cache"],
    );
    assert_eq!(
        snapshot(site),
        snapshot(&clean),
        "after {what}, not a clean build's site"
    );
    fs::remove_dir_all(&clean).expect("remove the clean build");
    let again = build(book, &[]);
    assert!(
        said_up_to_date(&again),
        "after {what}, built again: {}",
        again.stderr()
    );
}

#[test]
fn a_build_with_nothing_changed_leaves_the_site_alone_and_any_change_builds_it() {
    let book = Book::fixture("problems");
    let first = build(&book, &[]);
    assert!(!said_up_to_date(&first));
    let site = book.join("book");
    let before = stamped(&site);

    let second = build(&book, &[]);
    assert!(said_up_to_date(&second), "{}", second.stderr());
    // The counts of the build that made the site.
    let counts = first
        .stderr()
        .lines()
        .find_map(|l| l.strip_prefix("built "))
        .and_then(|l| l.split(" into ").next())
        .expect("the first build's report")
        .to_string();
    assert!(
        second.stderr().contains(&format!("holds {counts} built")),
        "{counts}: {}",
        second.stderr()
    );
    assert_eq!(stamped(&site), before, "no file written, none removed");

    // Saved again unchanged: the bytes are what counts, not the time.
    let file = "content/01-install/01-setup.toml";
    let text = book.read(file);
    book.write(file, &text);
    assert!(said_up_to_date(&build(&book, &[])));

    builds_again_after(&book, &site, "a step's edit", || {
        book.edit(file, "tar xzf example.tar.gz", "tar xzf example-2.tar.gz")
    });
    builds_again_after(&book, &site, "a new content file", || {
        book.write(
            "content/01-install/09-later.toml",
            "title = \"Later\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n[[section.step]]\nid = \"a\"\ntitle = \"A\"\nbody = \"Wait.\"\n",
        )
    });
    builds_again_after(&book, &site, "book.toml", || {
        let toml = book.read("book.toml");
        book.write(
            "book.toml",
            toml.replacen("title = \"", "title = \"New ", 1),
        );
    });
    builds_again_after(&book, &site, "a theme file", || {
        book.write("themes/default/extra.css", "body { margin: 0 }\n")
    });
    builds_again_after(&book, &site, "a removed page", || {
        fs::remove_file(site.join("index.html")).expect("remove a page")
    });
    builds_again_after(&book, &site, "a file added to the site", || {
        fs::write(site.join("notes.txt"), "mine").expect("a stray file")
    });
    builds_again_after(&book, &site, "a page changed in place", || {
        let page = site.join("index.html");
        let text = fs::read_to_string(&page).expect("the home page");
        fs::write(&page, text.replacen("<", "&", 1)).expect("changed in place")
    });
    builds_again_after(&book, &site, "the editor schemas removed", || {
        fs::remove_dir_all(book.join(".tejun/schema")).expect("the kept schemas")
    });
    assert!(book.join(".tejun/schema").is_dir(), "kept again");

    // Another day's runbooks, and a build told to render everything, build.
    let other_day = book
        .tejun()
        .args(["build", "."])
        .env("SOURCE_DATE_EPOCH", "86400")
        .run();
    other_day.assert_ok();
    assert!(!said_up_to_date(&other_day), "{}", other_day.stderr());
    assert!(!said_up_to_date(&build(&book, &["--no-cache"])));
    assert!(
        !said_up_to_date(&build(&book, &[])),
        "--no-cache forgot the record"
    );
    assert!(said_up_to_date(&build(&book, &[])));
}

#[test]
fn a_build_elsewhere_is_up_to_date_on_its_own_and_writes_nothing_into_the_book() {
    let book = Book::fixture("problems");
    let out = book.tmp().join("elsewhere");
    let arg = ["--out", out.to_str().expect("a UTF-8 path")];
    assert!(!said_up_to_date(&build(&book, &arg)));
    assert!(said_up_to_date(&build(&book, &arg)));
    assert!(
        !book.join(".tejun").exists(),
        "nothing written into the book"
    );
    // The book's own output was never built.
    assert!(!said_up_to_date(&build(&book, &[])));
    assert!(
        said_up_to_date(&build(&book, &arg)),
        "each output its own record"
    );
}

#[test]
fn a_book_with_warnings_prints_them_again_when_up_to_date() {
    let book = Book::fixture("problems");
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        format!(
            "{toml}\n[[placeholder]]\nid = \"host\"\nlabel = \"Host name\"\nexample = \"node1\"\n"
        ),
    );
    let first = build(&book, &[]);
    let again = build(&book, &[]);
    assert!(
        !said_up_to_date(&first) && said_up_to_date(&again),
        "{}",
        again.stderr()
    );
    // The same warning, excerpt and all, and the same count.
    let warning = |run: &Run| -> String {
        let err = run.stderr();
        let start = err.find("warning").expect("a warning");
        let end = err
            .find("\nbuilt ")
            .or_else(|| err.find("\nup to date"))
            .expect("the report");
        err[start..end].to_string()
    };
    assert!(warning(&first).contains("placeholder `host` is declared but never used"));
    assert!(warning(&first).contains("book.toml:"), "{}", first.stderr());
    assert_eq!(warning(&again), warning(&first));
    assert!(first.stderr().contains("(1 warning,"), "{}", first.stderr());
    assert!(again.stderr().contains("(1 warning,"), "{}", again.stderr());
}

#[test]
fn a_search_index_beside_the_site_must_match_the_book() {
    let book = Book::fixture("problems");
    build(&book, &[]);
    book.run(["index", "."]).assert_ok();
    assert!(
        said_up_to_date(&build(&book, &[])),
        "the index matches the book"
    );
    // An index made from other text than the site's (made after an edit since undone) is
    // made again by the build.
    let file = "content/01-install/01-setup.toml";
    let text = book.read(file);
    book.edit(file, "tar xzf example.tar.gz", "tar xzf example-2.tar.gz");
    book.run(["index", "."]).assert_ok();
    book.write(file, &text);
    let run = build(&book, &[]);
    assert!(!said_up_to_date(&run), "{}", run.stderr());
    assert!(run.stderr().contains("indexed "), "{}", run.stderr());
}

#[test]
fn links_that_loop_back_end_the_walk_and_the_load_says_why() {
    let book = Book::fixture("problems");
    build(&book, &[]);
    // Two links to the folder above them: a walk that followed both would branch at every
    // level and never end.
    let chapter = book.join("content/01-install");
    std::os::unix::fs::symlink("..", chapter.join("again")).expect("a link");
    std::os::unix::fs::symlink("..", chapter.join("more")).expect("a link");
    let run = book
        .tejun()
        .args(["build", "."])
        .within(std::time::Duration::from_secs(60))
        .run();
    assert!(!run.status.success(), "{}", run.stderr());
    assert!(run.stderr().contains("symlink loop"), "{}", run.stderr());
}

#[test]
fn another_build_of_tejun_builds_again_and_keeps_nothing() {
    let book = Book::fixture("problems");
    build(&book, &[]);
    // The same version, another executable (as a rebuild of tejun from changed sources).
    let other = book.tmp().join("tejun-other");
    fs::copy(env!("CARGO_BIN_EXE_tejun"), &other).expect("a copy of tejun");
    // Another test's child may hold the copy open for writing for a moment (it forked
    // while the copy was being written): the kernel then refuses to run it, "text file
    // busy", until that child has exec'd.
    let mut tries = 0;
    let run = loop {
        let run = std::process::Command::new(&other)
            .args(["build", "."])
            .current_dir(&*book)
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", crate::harness::EPOCH)
            .output();
        match run {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 100 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => break other.expect("the copy runs"),
        }
    };
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    assert!(
        err.contains("built ") && !err.contains("up to date"),
        "{err}"
    );
    assert!(
        !err.contains("kept "),
        "nothing of another tejun's cache is trusted: {err}"
    );
    assert!(
        !said_up_to_date(&build(&book, &[])),
        "and back again, the same"
    );
}
