//! A build killed at any moment leaves the previous site whole, and the next build cleans
//! up what the killed one left behind.

use crate::harness as common;
use common::copy_dir;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Every file of a site with its size class: HTML files must be complete (end with
/// `</html>`), so a half-written page shows up even when the build date differs.
fn listing(dir: &Path) -> Vec<(PathBuf, bool)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else if e.file_name() != ".tejun-output" {
                let bytes = fs::read(e.path()).unwrap();
                let whole = if e.path().extension().is_some_and(|x| x == "html") {
                    String::from_utf8_lossy(&bytes)
                        .trim_end()
                        .ends_with("</html>")
                } else {
                    !bytes.is_empty()
                };
                out.push((e.path().strip_prefix(dir).unwrap().to_path_buf(), whole));
            }
        }
    }
    out.sort();
    out
}

fn build(book: &Path, out: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_tejun"))
        .arg("build")
        .arg(book)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn killing_a_build_midway_never_leaves_a_partial_site() {
    let work = tempfile::tempdir().unwrap();
    let book = work.path().join("book-src");
    fs::create_dir_all(&book).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(root.join("book.toml"), book.join("book.toml")).unwrap();
    copy_dir(&root.join("content"), &book.join("content"));
    let out = work.path().join("site");
    assert!(build(&book, &out).wait().unwrap().success());
    let reference = listing(&out);
    assert!(reference.iter().any(|(p, _)| p == Path::new("index.html")));
    assert!(
        reference.iter().all(|(_, whole)| *whole),
        "a finished build is whole"
    );

    for delay_ms in [0u64, 5, 15, 30, 60, 100, 150, 250] {
        let mut child = build(&book, &out);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            out.join(".tejun-output").is_file(),
            "killed after {delay_ms} ms: the site lost its marker"
        );
        assert!(
            listing(&out) == reference,
            "killed after {delay_ms} ms: the site is not the whole previous build"
        );
    }

    assert!(build(&book, &out).wait().unwrap().success());
    assert!(listing(&out) == reference);
    // The build may hand the previous output to a detached remover, so allow it time.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let leftovers = loop {
        let leftovers: Vec<String> = fs::read_dir(work.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".site."))
            .collect();
        if leftovers.is_empty() || std::time::Instant::now() > deadline {
            break leftovers;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        leftovers.is_empty(),
        "the next build removes what killed builds left: {leftovers:?}"
    );
}
