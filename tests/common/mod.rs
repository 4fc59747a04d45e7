#![allow(dead_code)] // each test binary uses part of this module
//! The JobCenter seed text with content/ERRATA.md's corrections applied, shared by the
//! tests that compare the book with the source guide.

use std::path::Path;

pub const SEED: &str = include_str!("../seed/jobcenter-r13.2-guide.txt");
/// The seed's front matter and table of contents end here; chapters follow.
pub const FIRST_CHAPTER_LINE: usize = 90;

pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The seed with ERRATA.md's corrections applied at their lines, then OCR noise removed.
pub fn corrected_seed() -> Vec<String> {
    let errata =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("content/ERRATA.md"))
            .unwrap();
    let mut lines: Vec<String> = SEED.lines().map(str::to_string).collect();
    for row in errata
        .lines()
        .filter(|l| l.starts_with("| ") && l.as_bytes().get(2).is_some_and(u8::is_ascii_digit))
    {
        let cells: Vec<&str> = row.split(" | ").collect();
        let line: usize = cells[0].trim_start_matches("| ").trim().parse().unwrap();
        let seed = cells[1].trim().trim_matches('`');
        let fixed = cells[2].trim().trim_matches('`');
        let target = &mut lines[line - 1];
        assert!(
            target.contains(seed),
            "ERRATA.md row for line {line}: seed text `{seed}` is not on that line: `{target}`"
        );
        *target = target.replacen(seed, fixed, 1);
    }
    lines
        .into_iter()
        .map(|l| {
            l.replace('¥', "\\")
                .replace("\\$", "\\")
                .replace("%systemroot%cluster", "%systemroot%\\cluster")
        })
        .collect()
}

/// The repository folder (its book.toml and content/ are the JobCenter book).
pub fn manifest() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the folder tree `from` to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A copy of the JobCenter book (book.toml and content/) in a fresh temporary folder;
/// returns (guard, book folder).
pub fn repo_book() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("jobcenter");
    std::fs::create_dir_all(&book).unwrap();
    std::fs::copy(manifest().join("book.toml"), book.join("book.toml")).unwrap();
    copy_dir(&manifest().join("content"), &book.join("content"));
    (tmp, book)
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn assert_ok(o: &std::process::Output) {
    assert!(o.status.success(), "tejun failed: {}", stderr(o));
}
