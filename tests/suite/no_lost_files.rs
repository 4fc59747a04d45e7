//! Nothing a reader or writer owns is ever lost: no command removes or overwrites a folder
//! or file tejun did not make, nor the book's sources (`book.toml`, `content/`, the theme
//! folder, the book folder itself), and every file is replaced whole. Each test drives the
//! real binary on a copy of a small fixture book.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::harness::{names_in, read, snapshot, Book, Run};

/// A copy of tests/fixtures/site-basic.
fn book() -> Book {
    Book::fixture("site-basic")
}

/// The book's sources, to compare before and after a refused command.
fn sources(book: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = snapshot(&book.join("content"));
    all.insert(
        "book.toml".into(),
        std::fs::read(book.join("book.toml")).expect("book.toml"),
    );
    all
}

fn refused(o: &Run, what: &str) {
    assert!(!o.status.success(), "{what}: succeeded");
    assert_ne!(
        o.status.code(),
        Some(101),
        "{what}: panicked: {}",
        o.stderr()
    );
    assert!(o.stderr().contains("refusing"), "{what}: {}", o.stderr());
}

#[test]
fn index_out_never_deletes_the_books_sources() {
    let book = book();
    let before = sources(&book);
    for out in ["content", ".", "content/01-first", ".."] {
        let o = book.run(["index", ".", "--out", out]);
        refused(&o, &format!("index --out {out}"));
        assert_eq!(
            sources(&book),
            before,
            "index --out {out} changed the sources"
        );
    }
    // --force (rebuild even when unchanged) does not lift it.
    refused(
        &book.run(["index", ".", "--out", ".", "--force"]),
        "index --force",
    );
    assert_eq!(sources(&book), before);
}

#[test]
fn build_out_never_replaces_the_books_sources_even_with_a_marker() {
    let book = book();
    // A marker planted in content/ must not make it replaceable.
    std::fs::write(book.join("content/.tejun-output"), "").expect("plant marker");
    let before = sources(&book);
    for out in [".", "content", "content/site", ".."] {
        let o = book.run(["build", ".", "--out", out]);
        refused(&o, &format!("build --out {out}"));
        assert_eq!(
            sources(&book),
            before,
            "build --out {out} changed the sources"
        );
    }
    // The old escape hatch is gone rather than ignored.
    let o = book.run(["build", ".", "--out", "content", "--force"]);
    assert!(!o.status.success());
    assert_eq!(sources(&book), before);
}

#[test]
fn build_never_replaces_a_folder_it_did_not_make() {
    let book = book();
    std::fs::create_dir(book.join("book")).expect("mkdir");
    std::fs::write(book.join("book/notes.txt"), "mine").expect("write");
    let o = book.run(["build", "."]);
    refused(&o, "foreign output folder");
    assert!(
        !o.stderr().contains("--force"),
        "the way out is moving it away: {}",
        o.stderr()
    );
    assert_eq!(read(&book.join("book/notes.txt")), "mine");
}

#[test]
fn output_dir_in_book_toml_stays_inside_the_book() {
    let book = book();
    let toml = read(&book.join("book.toml"));
    std::fs::write(
        book.join("book.toml"),
        format!("{toml}\n[output]\ndir = \"../outside\"\n"),
    )
    .expect("write");
    let o = book.run(["build", "."]);
    refused(&o, "[output] dir outside the book");
    assert!(o.stderr().contains("[output] dir"), "{}", o.stderr());
    assert!(!book.tmp().join("outside").exists());
    // --out is the reader's own choice and may go anywhere. The command-line index it keeps
    // up to date is the one beside it: a build elsewhere writes nothing into the book.
    book.run(["index", ".", "--out", "../.tejun-index"])
        .assert_ok();
    let before = read(&book.tmp().join(".tejun-index/tejun-index.json"));
    book.edit(
        "content/01-first/01-alpha.toml",
        "Check the service",
        "Check the zebra service",
    );
    book.run(["build", ".", "--out", "../elsewhere"])
        .assert_ok();
    assert!(book.tmp().join("elsewhere/index.html").is_file());
    assert_ne!(
        read(&book.tmp().join(".tejun-index/tejun-index.json")),
        before,
        "the index beside the output follows the edit"
    );
    let written: Vec<String> = names_in(&book)
        .into_iter()
        .filter(|n| n != "book.toml" && n != "content")
        .collect();
    assert!(written.is_empty(), "{written:?}");
}

#[test]
fn a_search_index_folder_is_replaced_only_when_tejun_made_it() {
    let book = book();
    let foreign = book.join("notes");
    std::fs::create_dir(&foreign).expect("mkdir");
    std::fs::write(foreign.join("todo.txt"), "mine").expect("write");
    refused(
        &book.run(["index", ".", "--out", "notes"]),
        "index into a foreign folder",
    );
    assert_eq!(read(&foreign.join("todo.txt")), "mine");

    // Its own index is rebuilt in place, and nothing of the build is left beside it.
    book.run(["index", ".", "--out", "idx"]).assert_ok();
    book.run(["index", ".", "--out", "idx", "--force"])
        .assert_ok();
    assert!(book.join("idx/tejun-index.json").is_file());
    let stray: Vec<String> = names_in(&book)
        .into_iter()
        .filter(|n| n.contains("tejun-new") || n.starts_with(".tejun-index-"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");

    // `tejun build` keeps a foreign `.tejun-index` beside its output, and still builds.
    let default = book.join(".tejun-index");
    std::fs::create_dir(&default).expect("mkdir");
    std::fs::write(default.join("todo.txt"), "mine").expect("write");
    let o = book.run(["build", "."]);
    o.assert_ok();
    assert!(
        o.stderr().contains("search index not updated"),
        "{}",
        o.stderr()
    );
    assert_eq!(read(&default.join("todo.txt")), "mine");
}

#[test]
fn leftovers_of_killed_index_builds_are_removed_by_the_next_build() {
    let book = book();
    // A staging folder of an index build whose process is gone (pid far above pid_max).
    let dead = book.join("..tejun-index.tejun-new-4999999-abc");
    std::fs::create_dir_all(dead.join("tantivy")).expect("mkdir");
    // One of a live process (this test's) is someone else's work in progress: kept.
    let live = book.join(format!(
        "..tejun-index.tejun-new-{}-abc",
        std::process::id()
    ));
    std::fs::create_dir_all(&live).expect("mkdir");
    book.run(["build", "."]).assert_ok();
    assert!(!dead.exists(), "a dead build's staging folder stays");
    assert!(
        live.exists(),
        "a running build's staging folder was removed"
    );
}

#[test]
fn offline_index_goes_only_into_a_site_tejun_built() {
    let book = book();
    let foreign = book.join("public");
    std::fs::create_dir(&foreign).expect("mkdir");
    std::fs::write(foreign.join("index.html"), "mine").expect("write");
    refused(
        &book.run(["index", ".", "--offline", "public"]),
        "--offline foreign",
    );
    assert!(!foreign.join("search").exists());
    refused(
        &book.run(["index", ".", "--offline", "content"]),
        "--offline content",
    );

    book.run(["build", "."]).assert_ok();
    let before = snapshot(&book.join("book/search"));
    std::fs::remove_dir_all(book.join("book/search")).expect("rm search");
    book.run(["index", ".", "--offline", "book"]).assert_ok();
    assert_eq!(
        snapshot(&book.join("book/search")),
        before,
        "the same files as a build's"
    );
}

#[test]
fn runbook_out_never_overwrites_the_config_or_a_foreign_file() {
    let book = book();
    let before = sources(&book);
    let env = "os=linux,from=R1.0";
    for out in ["book.toml", "content/x.html", "content/_refs.toml"] {
        let o = book.run(["runbook", ".", "--env", env, "--out", out]);
        refused(&o, &format!("runbook --out {out}"));
    }
    assert_eq!(sources(&book), before);

    std::fs::write(book.join("notes.html"), "<p>my notes</p>").expect("write");
    refused(
        &book.run(["runbook", ".", "--env", env, "--out", "notes.html"]),
        "runbook over a foreign file",
    );
    assert_eq!(read(&book.join("notes.html")), "<p>my notes</p>");

    // Its own runbook is replaced, and whole: a reader holding the old one keeps all of it.
    book.run(["runbook", ".", "--env", env, "--out", "rb.html"])
        .assert_ok();
    let old = std::fs::read(book.join("rb.html")).expect("rb");
    let held = std::fs::File::open(book.join("rb.html")).expect("open");
    book.run([
        "runbook",
        ".",
        "--env",
        "os=windows,from=R2.0",
        "--out",
        "rb.html",
    ])
    .assert_ok();
    let mut still = Vec::new();
    std::io::Read::read_to_end(&mut &held, &mut still).expect("read held");
    assert_eq!(still, old, "the old file was rewritten in place");
    assert_ne!(std::fs::read(book.join("rb.html")).expect("rb"), old);
    let stray: Vec<String> = names_in(&book)
        .into_iter()
        .filter(|n| n.contains("tejun-new"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn pdf_out_is_refused_before_printing() {
    let book = book();
    let before = sources(&book);
    std::fs::write(book.join("report.pdf"), "%PDF-1.4 not tejun's").expect("write");
    for out in ["book.toml", "content/book.pdf", "report.pdf"] {
        // A missing Chromium would also fail: point at one that cannot run, so only the
        // refusal can explain a quick, clean failure.
        let o = book.run(["pdf", ".", "--out", out, "--chromium", "/bin/true"]);
        refused(&o, &format!("pdf --out {out}"));
    }
    assert_eq!(sources(&book), before);
    assert_eq!(
        std::fs::read(book.join("report.pdf")).expect("r"),
        b"%PDF-1.4 not tejun's"
    );
}
