//! A build killed at any moment leaves the previous site whole, and the next build cleans
//! up what the killed one left behind. The book is generated (examples/genbook.rs), and the
//! kill instants are shares of the time a whole build took, so on any machine they fall
//! everywhere from the first file read to the final swap.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::genbook::generator;
use crate::harness::{names_in, Book, Tejun};

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
    Tejun::new(book)
        .arg("build")
        .arg(book)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}

#[test]
fn killing_a_build_midway_never_leaves_a_partial_site() {
    let work = Book::empty("generated");
    generator::run(&generator::Args {
        procedures: 30,
        steps: 10,
        out: work.to_path_buf(),
        seed: 1,
    });
    let book = work.join("tejun");
    let out = work.tmp().join("site");
    let started = Instant::now();
    assert!(build(&book, &out).wait().unwrap().success());
    let whole = started.elapsed();
    let reference = listing(&out);
    assert!(reference.iter().any(|(p, _)| p == Path::new("index.html")));
    assert!(
        reference.iter().all(|(_, whole)| *whole),
        "a finished build is whole"
    );

    for share in [0.0, 0.01, 0.04, 0.08, 0.17, 0.28, 0.42, 0.7, 0.9] {
        let delay = whole.mul_f64(share);
        let mut child = build(&book, &out);
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            out.join(".tejun-output").is_file(),
            "killed after {delay:?} of {whole:?}: the site lost its marker"
        );
        assert!(
            listing(&out) == reference,
            "killed after {delay:?} of {whole:?}: the site is not the whole previous build"
        );
    }

    assert!(build(&book, &out).wait().unwrap().success());
    assert!(listing(&out) == reference);
    // The build may hand the previous output to a detached remover, so allow it time.
    let deadline = Instant::now() + Duration::from_secs(60);
    let leftovers = loop {
        let leftovers: Vec<String> = names_in(work.tmp())
            .into_iter()
            // The build cache and memo beside the output are kept on purpose.
            .filter(|n| {
                n.starts_with(".site.") && n != ".site.tejun-cache" && n != ".site.tejun-memo"
            })
            .collect();
        if leftovers.is_empty() || Instant::now() > deadline {
            break leftovers;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        leftovers.is_empty(),
        "the next build removes what killed builds left: {leftovers:?}"
    );
}
