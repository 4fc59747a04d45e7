//! Known problems (`content/_problems/`): their mistakes reported at their places, the
//! entries found by a pasted message from another machine (CLI and the offline site in
//! Chromium), a step's collapsed list and an entry's page (axe-core clean, light and dark),
//! and the print page holding every entry.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::json;

use crate::harness::cdp::{file_url, Browser};
use crate::harness::{built_once, fixture_dir, Book};

fn site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    built_once(&fixture_dir("problems"), "problems-site", &SITE)
}

#[test]
fn the_fixture_checks_clean() {
    let book = Book::fixture("problems");
    let run = book.run(["check", "."]);
    run.assert_ok();
    assert!(run.stderr().contains("0 warnings"), "{}", run.stderr());
}

#[test]
fn mistakes_in_problems_are_reported_at_their_places() {
    let book = Book::fixture("problems");
    book.edit(
        "content/_problems/disk-full.toml",
        "title = \"The database",
        "colour = \"red\"\ntitle = \"The database",
    );
    book.edit(
        "content/_problems/port-in-use.toml",
        "title = \"The service",
        "applies_to = [\"setup/strat\", \"setup\"]\ntitle = \"The service",
    );
    book.edit(
        "content/01-install/01-setup.toml",
        "problems = [\"disk-full\"]",
        "problems = [\"port-in-us\"]",
    );
    let run = book.run(["check", "."]);
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    for expected in [
        "unknown field `colour`",
        "content/_problems/disk-full.toml:1:1",
        "no step `setup/strat`",
        "did you mean `setup/start`?",
        "content/_problems/port-in-use.toml:1:15",
        "`setup` is not a step: write `procedure/step`",
        "unknown problem `port-in-us`",
        "content/01-install/01-setup.toml:18:13",
        "did you mean `port-in-use`?",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

#[test]
fn a_problem_attached_to_no_step_is_a_warning() {
    let book = Book::fixture("problems");
    book.edit(
        "content/01-install/01-setup.toml",
        "problems = [\"disk-full\"]",
        "",
    );
    book.edit(
        "content/_problems/disk-full.toml",
        "applies_to = [\"setup/unpack\"]",
        "",
    );
    let run = book.run(["check", "."]);
    run.assert_ok();
    let err = run.stderr();
    assert!(
        err.contains("problem `disk-full` is attached to no step")
            && err.contains("content/_problems/disk-full.toml:1:9"),
        "{err}"
    );
}

/// The fixture's messages as another machine prints them: other hosts, addresses, ports,
/// PIDs, paths, numbers and timestamps.
const PASTED: [(&str, &str); 3] = [
    (
        "Dec 04 13:52:11 web02 exampled[977]: bind 10.1.2.3:9090 failed: Address already in use",
        "port-in-use",
    ),
    (
        "dbtool: cannot write /srv/data/db/0042.dat: No space left on device (errno 28)",
        "disk-full",
    ),
    (
        "2026-01-02T03:04:05Z node7 systemd[1]: Job for exampled.service failed because the control process exited with error code.",
        "port-in-use",
    ),
];

#[test]
fn search_error_finds_the_entry_by_a_message_from_another_machine() {
    let book = Book::fixture("problems");
    for (pasted, id) in PASTED {
        let run = book.run(["search", "--error", pasted, "--json", "."]);
        run.assert_ok();
        let v = run.json();
        assert_eq!(v["problems"][0]["id"], json!(id), "{pasted}: {v}");
        assert_eq!(
            v["problems"][0]["link"],
            json!(format!("problem-{id}.html"))
        );
    }
    let run = book.run(["search", "--error", "the weather is fine", "--json", "."]);
    assert_eq!(run.json()["problems"], json!([]));
    // The human form names the entry first.
    let run = book.run(["search", "--error", PASTED[0].0, "."]);
    let out = run.stdout();
    assert!(
        out.starts_with("known problem  The service does not start"),
        "{out}"
    );
}

#[test]
fn search_error_leaves_out_what_the_environment_rules_out() {
    let book = Book::fixture("problems");
    book.edit(
        "content/_problems/port-in-use.toml",
        "title = \"The service",
        "when = \"os = linux\"\ntitle = \"The service",
    );
    // Its Windows cause would now never hold.
    book.edit(
        "content/_problems/port-in-use.toml",
        "when = \"os = windows\"",
        "",
    );
    let run = book.run([
        "search",
        "--error",
        PASTED[0].0,
        "--env",
        "os=windows",
        "--json",
        ".",
    ]);
    assert_eq!(run.json()["problems"], json!([]));
    let run = book.run([
        "search",
        "--error",
        PASTED[0].0,
        "--env",
        "os=linux",
        "--json",
        ".",
    ]);
    assert_eq!(run.json()["problems"][0]["id"], json!("port-in-use"));
}

#[test]
fn pages_list_problems_at_their_steps_and_entries_link_back() {
    let site = site();
    let setup = std::fs::read_to_string(site.join("setup.html")).unwrap();
    // The reusable step's problem shows where it is used; the step's own and the entry's
    // applies_to show at theirs.
    for (step, id) in [
        ("step-unpack", "disk-full"),
        ("step-init-db", "disk-full"),
        ("step-start", "port-in-use"),
    ] {
        let at = setup.find(&format!("id=\"{step}\"")).expect(step);
        let end = setup[at..]
            .find("</li>\n\n")
            .map_or(setup.len(), |e| at + e);
        assert!(
            setup[at..end].contains(&format!("href=\"problem-{id}.html\"")),
            "{step} lists {id}"
        );
    }
    let entry = std::fs::read_to_string(site.join("problem-port-in-use.html")).unwrap();
    assert!(
        entry.contains("<pre class=\"problem-message\"><code>exampled[4242]: bind 0.0.0.0:8080")
    );
    assert!(entry.contains("href=\"setup.html#step-start\""));
    assert!(entry.contains("1.1.1 step 3: Start the service"));
    let index = std::fs::read_to_string(site.join("known-problems.html")).unwrap();
    assert!(index.contains("href=\"problem-disk-full.html\""));
    let toc = std::fs::read_to_string(site.join("assets/toc.js")).unwrap();
    assert!(toc.contains("known-problems.html"));
}

#[test]
fn the_print_page_has_a_chapter_of_known_problems() {
    let print = std::fs::read_to_string(site().join("print.html")).unwrap();
    let at = print.find("id=\"p-known-problems\"").expect("the chapter");
    let chapter = &print[at..];
    assert!(chapter.contains("id=\"p-problem-disk-full\""));
    assert!(chapter.contains("id=\"p-problem-port-in-use\""));
    assert!(chapter.contains("rm -f /var/lib/example/archive/*.old"));
    // Steps link to the entries inside the page.
    assert!(print.contains("href=\"#p-problem-port-in-use\""));
}

#[test]
fn the_site_finds_an_entry_by_a_pasted_message_and_hides_ruled_out_causes() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&file_url(&site().join("index.html")));
    b.eval("window.tejunEnv && tejunEnv.reset()");
    for (pasted, id) in PASTED {
        b.eval("(() => { const i = document.getElementById('search-input'); i.value = ''; i.focus(); })()");
        b.insert_text(pasted);
        let first = b.wait_for(&format!(
            "(() => {{ const a = document.querySelector('#search-results [role=option]'); return !!a && a.getAttribute('data-problem') === '{id}'; }})()"
        ));
        assert_eq!(first, json!(true), "{pasted}");
    }
    // On the entry's page, a cause the chosen environment rules out is hidden.
    b.open(&format!(
        "{}?os=windows",
        file_url(&site().join("problem-port-in-use.html"))
    ));
    let hidden = b.wait_for(
        "(() => { const c = document.querySelectorAll('.problem-cause'); return c.length === 2 && [...c].map(x => x.classList.contains('env-hidden')).join(',') === 'true,false'; })()",
    );
    assert_eq!(hidden, json!(true));
}

#[test]
fn a_steps_problem_list_and_an_entry_page_pass_axe_light_and_dark() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let axe = crate::search_browser::axe_core();
    let mut found = Vec::new();
    for scheme in ["light", "dark"] {
        b.set_color_scheme(scheme);
        for page in [
            "setup.html",
            "problem-port-in-use.html",
            "known-problems.html",
        ] {
            b.open(&file_url(&site().join(page)));
            // The lists open, as a reader who clicked them sees them.
            b.eval(
                "document.querySelectorAll('details.step-problems').forEach(d => d.open = true)",
            );
            let v = crate::a11y::violations(&mut b, &axe);
            if v != json!([]) {
                found.push(format!("{scheme} {page}: {v}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "axe-core violations:\n{}",
        found.join("\n")
    );
}

#[test]
fn a_runbook_carries_its_steps_problems_and_logs_one_hit() {
    let book = Book::fixture("problems");
    let out = book.tmp().join("linux.html");
    book.tejun()
        .args(["runbook", ".", "--profile", "linux", "--out"])
        .arg(&out)
        .run()
        .assert_ok();
    let html = std::fs::read_to_string(&out).unwrap();
    // The entries are in the file (and so in its print), with only the causes that apply.
    assert!(html.contains("id=\"p-known-problems\""));
    assert!(html.contains("id=\"p-problem-disk-full\""));
    assert!(html.contains("ss -ltnp"));
    assert!(
        !html.contains("netsh"),
        "the Windows cause is not for Linux"
    );
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&file_url(&out));
    b.wait_for("!!window.tejunRunbook");
    b.eval("document.querySelectorAll('details.step-problems').forEach(d => d.open = true)");
    b.click("#hit-p-setup--step-init-db-disk-full");
    b.wait_for("document.getElementById('hit-p-setup--step-init-db-disk-full').checked");
    let csv = b.eval("window.tejunRunbook.exportLog('csv')");
    let csv = csv.as_str().expect("csv");
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "problems")
        .expect("a problems column");
    let row = csv
        .lines()
        .find(|l| l.contains("Initialise the database"))
        .expect("the step's row");
    assert_eq!(row.split(',').nth(col), Some("disk-full"), "{csv}");
    // Kept across a reload (once what it saved has reached the browser's storage).
    b.reopen_keeping_storage(&file_url(&out));
    b.wait_for("document.getElementById('hit-p-setup--step-init-db-disk-full').checked");
}

/// A problem file that cannot be read is one error at that file: the steps that name it
/// are not also reported as naming an unknown problem.
#[test]
fn a_broken_problem_file_is_one_error_not_one_per_step_naming_it() {
    let book = Book::fixture("problems");
    book.edit(
        "content/_problems/disk-full.toml",
        "title = \"The database",
        "colour = \"red\"\ntitle = \"The database",
    );
    let run = book.run(["check", "."]);
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    assert!(err.contains("unknown field `colour`"), "{err}");
    assert!(
        err.contains("content/_problems/disk-full.toml:1:1"),
        "{err}"
    );
    assert!(!err.contains("unknown problem"), "{err}");
}

/// An entry links to another (a cause that leads on to a second problem) as to any page:
/// `[](#problem-<id>)`, filled with its title; a mistyped id is a located error with the
/// nearest id.
#[test]
fn an_entry_links_to_another_by_its_page_id() {
    let book = Book::fixture("problems");
    let file = "content/_problems/disk-full.toml";
    book.edit(
        file,
        "text = '''The data disk is full.'''",
        "text = '''The data disk is full; then see [](#problem-port-in-use).'''",
    );
    let out = book.build_site();
    let page = std::fs::read_to_string(out.join("problem-disk-full.html")).expect("built");
    assert!(
        page.contains("href=\"problem-port-in-use.html\"")
            && page.contains(">The service does not start: the port is in use</a>"),
        "the link, with the entry's title"
    );
    book.edit(file, "#problem-port-in-use", "#problem-port-in-us");
    let run = book.run(["check", "."]);
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    assert!(err.contains(&format!("{file}:9:")), "{err}");
    assert!(
        err.contains("did you mean `#problem-port-in-use`?"),
        "{err}"
    );
}
