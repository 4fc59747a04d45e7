//! What the tests share.

pub mod seed;
pub use seed::*;

use std::path::Path;

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
