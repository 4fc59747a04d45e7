//! The benchmark's book generator (`examples/genbook.rs`, included here as a module):
//! what it writes is a valid tejun book the real CLI checks and builds without errors, the
//! same seed writes the same bytes, and the mdBook tree lists every page in SUMMARY.md.

// Also the big book of `interrupted_build`.
#[allow(dead_code)]
#[path = "../../examples/genbook.rs"]
pub mod generator;

use std::fs;
use std::path::Path;

use crate::harness::{snapshot, Tejun};

fn generate(out: &Path, seed: u64) -> generator::Summary {
    generator::run(&generator::Args {
        procedures: 20,
        steps: 5,
        out: out.to_path_buf(),
        seed,
    })
}

/// `tejun ARGS` in `dir`: (success, stdout and stderr).
fn tejun(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Tejun::new(dir).args(args).run();
    (
        out.status.success(),
        format!("{}{}", out.stdout(), out.stderr()),
    )
}

#[test]
fn generated_book_checks_and_builds_without_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let summary = generate(tmp.path(), 1);
    assert_eq!(summary.procedures, 20);
    assert_eq!(summary.steps, 100);
    let book = tmp.path().join("tejun");
    let book = book.to_str().unwrap();

    let (ok, text) = tejun(tmp.path(), &["check", book]);
    assert!(ok, "tejun check failed:\n{text}");
    assert!(
        !text.contains("error"),
        "tejun check reported errors:\n{text}"
    );

    let site = tmp.path().join("site");
    let (ok, text) = tejun(
        tmp.path(),
        &["build", book, "--out", site.to_str().unwrap()],
    );
    assert!(ok, "tejun build failed:\n{text}");
    assert!(
        !text.contains("error"),
        "tejun build reported errors:\n{text}"
    );
    assert!(site.join("index.html").is_file());
    assert!(site.join("p00001.html").is_file());
}

#[test]
fn same_seed_writes_the_same_bytes() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    generate(a.path(), 7);
    generate(b.path(), 7);
    generate(c.path(), 8);
    let (fa, fb, fc) = (snapshot(a.path()), snapshot(b.path()), snapshot(c.path()));
    assert!(fa.len() > 40, "only {} files written", fa.len());
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        assert!(
            bytes == &fb[path],
            "{} differs between two runs",
            path.display()
        );
    }
    assert_ne!(fa, fc, "another seed should write another book");
}

#[test]
fn mdbook_summary_lists_every_page() {
    let tmp = tempfile::tempdir().unwrap();
    let summary = generate(tmp.path(), 1);
    let src = tmp.path().join("mdbook/src");
    let text = fs::read_to_string(src.join("SUMMARY.md")).unwrap();
    let pages: Vec<String> = snapshot(&src)
        .keys()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| p != "SUMMARY.md")
        .collect();
    let chapters = pages.iter().filter(|p| p.ends_with("/README.md")).count();
    assert_eq!(chapters, summary.chapters);
    assert_eq!(pages.len(), 1 + summary.chapters + summary.procedures);
    for page in &pages {
        assert!(
            text.contains(&format!("]({page})")),
            "SUMMARY.md does not list {page}:\n{text}"
        );
    }
    // The Hugo site holds the same pages.
    let hugo = snapshot(&tmp.path().join("hugo/content"));
    assert_eq!(hugo.len(), pages.len());
}
