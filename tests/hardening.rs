//! Issue 16, second round of hardening: themes that reach outside their folder or into the
//! build host's environment, lints and coverage that must stay fast on hostile books,
//! invisible characters in commands, output piped into a reader that stops early, and
//! runbooks that must make no request. Each test runs the real binary on a small book
//! written into a temporary folder (the `site-basic` fixture plus what the case needs).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A generous bound that turns a hang into a failure; never a timing assertion.
const HANG: Duration = Duration::from_secs(60);

fn fixture() -> PathBuf {
    common::manifest().join("tests/fixtures/site-basic")
}

/// A copy of the `site-basic` fixture book: (guard, book folder).
fn basic_book() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("book");
    common::copy_dir(&fixture(), &book);
    (tmp, book)
}

/// Runs tejun with `args` in `dir`, killing it (and failing) after [`HANG`].
fn tejun(dir: &Path, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_tejun"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tejun");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(HANG) {
        Ok(out) => out.expect("wait for tejun"),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("tejun {args:?} did not finish within {HANG:?}");
        }
    }
}

fn stderr(o: &Output) -> String {
    common::stderr(o)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `tejun build` into `site/` beside the book; returns the output and the folder.
fn build(book: &Path) -> (Output, PathBuf) {
    let site = book.parent().unwrap().join("site");
    let out = tejun(book, &["build", ".", "--out", site.to_str().unwrap()]);
    (out, site)
}

// ---- themes (item 5) ----------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn theme_link_to_a_file_outside_the_theme_is_refused() {
    let (tmp, book) = basic_book();
    let secret = tmp.path().join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET-HOST-FILE").unwrap();
    let theme = book.join("themes/default");
    std::fs::create_dir_all(&theme).unwrap();
    std::os::unix::fs::symlink(&secret, theme.join("style.css")).unwrap();

    let (out, site) = build(&book);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("style.css"), "names the file: {err}");
    assert!(err.contains("outside the theme folder"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!site.exists(), "nothing is written");
}

#[cfg(unix)]
#[test]
fn theme_link_to_etc_passwd_as_a_template_is_refused() {
    let (_tmp, book) = basic_book();
    let theme = book.join("themes/default");
    std::fs::create_dir_all(&theme).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", theme.join("404.html")).unwrap();
    let (out, site) = build(&book);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("404.html") && err.contains("/etc/passwd"),
        "{err}"
    );
    assert!(!site.exists(), "nothing is written");
}

#[cfg(unix)]
#[test]
fn theme_link_inside_the_theme_is_read() {
    let (_tmp, book) = basic_book();
    let theme = book.join("themes/default");
    write(
        &theme.join("shared/site.css"),
        "body { color: rebeccapurple }",
    );
    std::os::unix::fs::symlink("shared/site.css", theme.join("style.css")).unwrap();
    let (out, site) = build(&book);
    common::assert_ok(&out);
    let css = std::fs::read_to_string(site.join("assets/style.css")).unwrap();
    assert_eq!(css, "body { color: rebeccapurple }");
}

#[cfg(unix)]
#[test]
fn theme_fifo_is_an_error_not_a_hang() {
    let (_tmp, book) = basic_book();
    let theme = book.join("themes/default");
    std::fs::create_dir_all(&theme).unwrap();
    let made = Command::new("mkfifo")
        .arg(theme.join("tejun.js"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let (out, site) = build(&book);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("tejun.js") && err.contains("not a regular file"),
        "{err}"
    );
    assert!(!site.exists(), "nothing is written");
}

#[test]
fn template_get_env_is_a_template_error() {
    let (_tmp, book) = basic_book();
    let layout = std::fs::read_to_string(common::manifest().join("themes/default/layout.html"))
        .unwrap()
        .replace(
            "</body>",
            "<p>{{ get_env(name=\"TEJUN_TEST_SECRET\") }}</p></body>",
        );
    write(&book.join("themes/default/layout.html"), &layout);
    let o = Command::new(env!("CARGO_BIN_EXE_tejun"))
        .args(["build", ".", "--out", "../site"])
        .current_dir(&book)
        .env("TEJUN_TEST_SECRET", "HOST-ENV-SECRET")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("get_env"), "{err}");
    assert!(err.contains("no access to the environment"), "{err}");
    assert!(!err.contains("HOST-ENV-SECRET"), "{err}");
    assert!(!book.parent().unwrap().join("site").exists());
}

#[test]
fn template_include_reaches_only_theme_templates() {
    let (_tmp, book) = basic_book();
    let layout = std::fs::read_to_string(common::manifest().join("themes/default/layout.html"))
        .unwrap()
        .replace("</body>", "{% include \"/etc/passwd\" %}</body>");
    write(&book.join("themes/default/layout.html"), &layout);
    let (out, site) = build(&book);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("/etc/passwd"), "{err}");
    assert!(!err.contains("root:"), "{err}");
    assert!(!site.exists());
}
