//! Nothing a reader or writer owns is ever lost: no command removes or overwrites a folder
//! or file tejun did not make, nor the book's sources (`book.toml`, `content/`, the theme
//! folder, the book folder itself), and every file is replaced whole. Each test drives the
//! real binary on a copy of a small fixture book.

use crate::harness as common;
use common::{assert_ok, copy_dir, stderr};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

fn tejun(args: &[&str], cwd: &Path) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tejun"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run tejun")
}

/// A copy of tests/fixtures/site-basic; returns (guard, book folder).
fn book() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let book = tmp.path().join("book-src");
    copy_dir(&common::manifest().join("tests/fixtures/site-basic"), &book);
    (tmp, book)
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir)
            .expect("read_dir")
            .map(|e| e.expect("entry"))
        {
            let p = e.path();
            if e.file_type().expect("type").is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).expect("prefix").to_path_buf();
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
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

fn refused(o: &Output, what: &str) {
    assert!(!o.status.success(), "{what}: succeeded");
    assert_ne!(
        o.status.code(),
        Some(101),
        "{what}: panicked: {}",
        stderr(o)
    );
    assert!(stderr(o).contains("refusing"), "{what}: {}", stderr(o));
}

#[test]
fn index_out_never_deletes_the_books_sources() {
    let (_tmp, book) = book();
    let before = sources(&book);
    for out in ["content", ".", "content/01-first", ".."] {
        let o = tejun(&["index", ".", "--out", out], &book);
        refused(&o, &format!("index --out {out}"));
        assert_eq!(
            sources(&book),
            before,
            "index --out {out} changed the sources"
        );
    }
    // --force (rebuild even when unchanged) does not lift it.
    refused(
        &tejun(&["index", ".", "--out", ".", "--force"], &book),
        "index --force",
    );
    assert_eq!(sources(&book), before);
}

#[test]
fn build_out_never_replaces_the_books_sources_even_with_a_marker() {
    let (_tmp, book) = book();
    // A marker planted in content/ must not make it replaceable.
    std::fs::write(book.join("content/.tejun-output"), "").expect("plant marker");
    let before = sources(&book);
    for out in [".", "content", "content/site", ".."] {
        let o = tejun(&["build", ".", "--out", out], &book);
        refused(&o, &format!("build --out {out}"));
        assert_eq!(
            sources(&book),
            before,
            "build --out {out} changed the sources"
        );
    }
    // The old escape hatch is gone rather than ignored.
    let o = tejun(&["build", ".", "--out", "content", "--force"], &book);
    assert!(!o.status.success());
    assert_eq!(sources(&book), before);
}

#[test]
fn build_never_replaces_a_folder_it_did_not_make() {
    let (_tmp, book) = book();
    std::fs::create_dir(book.join("book")).expect("mkdir");
    std::fs::write(book.join("book/notes.txt"), "mine").expect("write");
    let o = tejun(&["build", "."], &book);
    refused(&o, "foreign output folder");
    assert!(
        !stderr(&o).contains("--force"),
        "the way out is moving it away: {}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(book.join("book/notes.txt")).expect("notes"),
        "mine"
    );
}

#[test]
fn output_dir_in_book_toml_stays_inside_the_book() {
    let (tmp, book) = book();
    let toml = std::fs::read_to_string(book.join("book.toml")).expect("book.toml");
    std::fs::write(
        book.join("book.toml"),
        format!("{toml}\n[output]\ndir = \"../outside\"\n"),
    )
    .expect("write");
    let o = tejun(&["build", "."], &book);
    refused(&o, "[output] dir outside the book");
    assert!(stderr(&o).contains("[output] dir"), "{}", stderr(&o));
    assert!(!tmp.path().join("outside").exists());
    // --out is the reader's own choice and may go anywhere.
    assert_ok(&tejun(&["build", ".", "--out", "../elsewhere"], &book));
    assert!(tmp.path().join("elsewhere/index.html").is_file());
    // Its search index goes beside it too: a build elsewhere writes nothing into the book.
    assert!(tmp.path().join(".tejun-index/tejun-index.json").is_file());
    let written: Vec<String> = std::fs::read_dir(&book)
        .expect("read_dir")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "book.toml" && n != "content")
        .collect();
    assert!(written.is_empty(), "{written:?}");
}

#[test]
fn a_search_index_folder_is_replaced_only_when_tejun_made_it() {
    let (_tmp, book) = book();
    let foreign = book.join("notes");
    std::fs::create_dir(&foreign).expect("mkdir");
    std::fs::write(foreign.join("todo.txt"), "mine").expect("write");
    refused(
        &tejun(&["index", ".", "--out", "notes"], &book),
        "index into a foreign folder",
    );
    assert_eq!(
        std::fs::read_to_string(foreign.join("todo.txt")).expect("todo"),
        "mine"
    );

    // Its own index is rebuilt in place, and nothing of the build is left beside it.
    assert_ok(&tejun(&["index", ".", "--out", "idx"], &book));
    assert_ok(&tejun(&["index", ".", "--out", "idx", "--force"], &book));
    assert!(book.join("idx/tejun-index.json").is_file());
    let stray: Vec<String> = std::fs::read_dir(&book)
        .expect("read_dir")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tejun-new") || n.starts_with(".tejun-index-"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");

    // `tejun build` keeps a foreign `.tejun-index` beside its output, and still builds.
    let default = book.join(".tejun-index");
    std::fs::create_dir(&default).expect("mkdir");
    std::fs::write(default.join("todo.txt"), "mine").expect("write");
    let o = tejun(&["build", "."], &book);
    assert_ok(&o);
    assert!(
        stderr(&o).contains("search index not updated"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(default.join("todo.txt")).expect("todo"),
        "mine"
    );
}

#[test]
fn leftovers_of_killed_index_builds_are_removed_by_the_next_build() {
    let (_tmp, book) = book();
    // A staging folder of an index build whose process is gone (pid far above pid_max).
    let dead = book.join("..tejun-index.tejun-new-4999999-abc");
    std::fs::create_dir_all(dead.join("tantivy")).expect("mkdir");
    // One of a live process (this test's) is someone else's work in progress: kept.
    let live = book.join(format!(
        "..tejun-index.tejun-new-{}-abc",
        std::process::id()
    ));
    std::fs::create_dir_all(&live).expect("mkdir");
    assert_ok(&tejun(&["build", "."], &book));
    assert!(!dead.exists(), "a dead build's staging folder stays");
    assert!(
        live.exists(),
        "a running build's staging folder was removed"
    );
}

#[test]
fn offline_index_goes_only_into_a_site_tejun_built() {
    let (_tmp, book) = book();
    let foreign = book.join("public");
    std::fs::create_dir(&foreign).expect("mkdir");
    std::fs::write(foreign.join("index.html"), "mine").expect("write");
    refused(
        &tejun(&["index", ".", "--offline", "public"], &book),
        "--offline foreign",
    );
    assert!(!foreign.join("search").exists());
    refused(
        &tejun(&["index", ".", "--offline", "content"], &book),
        "--offline content",
    );

    assert_ok(&tejun(&["build", "."], &book));
    let before = snapshot(&book.join("book/search"));
    std::fs::remove_dir_all(book.join("book/search")).expect("rm search");
    assert_ok(&tejun(&["index", ".", "--offline", "book"], &book));
    assert_eq!(
        snapshot(&book.join("book/search")),
        before,
        "the same files as a build's"
    );
}

#[test]
fn runbook_out_never_overwrites_the_config_or_a_foreign_file() {
    let (_tmp, book) = book();
    let before = sources(&book);
    let env = "os=linux,from=R1.0";
    for out in ["book.toml", "content/x.html", "content/_refs.toml"] {
        let o = tejun(&["runbook", ".", "--env", env, "--out", out], &book);
        refused(&o, &format!("runbook --out {out}"));
    }
    assert_eq!(sources(&book), before);

    std::fs::write(book.join("notes.html"), "<p>my notes</p>").expect("write");
    refused(
        &tejun(
            &["runbook", ".", "--env", env, "--out", "notes.html"],
            &book,
        ),
        "runbook over a foreign file",
    );
    assert_eq!(
        std::fs::read_to_string(book.join("notes.html")).expect("n"),
        "<p>my notes</p>"
    );

    // Its own runbook is replaced, and whole: a reader holding the old one keeps all of it.
    assert_ok(&tejun(
        &["runbook", ".", "--env", env, "--out", "rb.html"],
        &book,
    ));
    let old = std::fs::read(book.join("rb.html")).expect("rb");
    let held = std::fs::File::open(book.join("rb.html")).expect("open");
    assert_ok(&tejun(
        &[
            "runbook",
            ".",
            "--env",
            "os=windows,from=R2.0",
            "--out",
            "rb.html",
        ],
        &book,
    ));
    let mut still = Vec::new();
    std::io::Read::read_to_end(&mut &held, &mut still).expect("read held");
    assert_eq!(still, old, "the old file was rewritten in place");
    assert_ne!(std::fs::read(book.join("rb.html")).expect("rb"), old);
    let stray: Vec<String> = std::fs::read_dir(&book)
        .expect("read_dir")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tejun-new"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn pdf_out_is_refused_before_printing() {
    let (_tmp, book) = book();
    let before = sources(&book);
    std::fs::write(book.join("report.pdf"), "%PDF-1.4 not tejun's").expect("write");
    for out in ["book.toml", "content/book.pdf", "report.pdf"] {
        // A missing Chromium would also fail: point at one that cannot run, so only the
        // refusal can explain a quick, clean failure.
        let o = tejun(
            &["pdf", ".", "--out", out, "--chromium", "/bin/true"],
            &book,
        );
        refused(&o, &format!("pdf --out {out}"));
    }
    assert_eq!(sources(&book), before);
    assert_eq!(
        std::fs::read(book.join("report.pdf")).expect("r"),
        b"%PDF-1.4 not tejun's"
    );
}
