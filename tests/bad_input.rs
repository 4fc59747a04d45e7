//! Hostile and broken input: each case gets a precise diagnostic and a non-zero exit, never
//! a panic. Cases that cannot live in git (invalid UTF-8, a 50 MB file, symlinks) are made
//! on the fly from the check fixtures' base book.

mod common;
use common::copy_dir;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;

fn base() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/base")
}

fn book_with(file: &str, bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&base(), dir.path());
    let path = dir.path().join(file);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
    dir
}

fn check(book: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tejun"))
        .arg("check")
        .arg(book)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_fails(book: &Path, location: Option<&str>, message: &str) {
    let (code, err) = check(book);
    assert_eq!(code, 1, "expected exit 1:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(message), "expected `{message}` in:\n{err}");
    if let Some(loc) = location {
        assert!(err.contains(loc), "expected location `{loc}` in:\n{err}");
    }
}

const PROC: &str = "content/01-ch/01-proc.toml";

#[test]
fn invalid_utf8_points_at_the_first_bad_byte() {
    let b = book_with(PROC, b"title = \"ok\"\nintro = \"\xff\xfe\"\n");
    assert_fails(
        b.path(),
        Some("01-proc.toml:2:10"),
        "file is not valid UTF-8",
    );
}

#[test]
fn a_byte_order_mark_is_accepted_and_columns_stay_right() {
    let b = book_with(
        PROC,
        "\u{feff}title = \"BOM\"\nwhen = \"os = bsd\"\n".as_bytes(),
    );
    assert_fails(b.path(), Some("01-proc.toml:2:14"), "unknown value `bsd`");
}

#[test]
fn crlf_line_ends_keep_lines_right() {
    let b = book_with(PROC, b"title = \"CRLF\"\r\n\r\nwhen = \"os = bsd\"\r\n");
    assert_fails(b.path(), Some("01-proc.toml:3:14"), "unknown value `bsd`");
}

#[test]
fn an_empty_file_lacks_its_title() {
    let b = book_with(PROC, b"");
    assert_fails(b.path(), Some("01-proc.toml:1:1"), "missing field `title`");
}

#[test]
fn a_huge_file_is_refused_without_reading_it() {
    let mut text = b"title = \"x\"\nintro = '''".to_vec();
    text.extend(std::iter::repeat_n(b'a', 50 * 1024 * 1024));
    text.extend(b"'''\n");
    let b = book_with(PROC, &text);
    assert_fails(b.path(), None, "content files are limited to");
}

#[test]
fn deeply_nested_arrays_are_an_error_not_a_stack_overflow() {
    let text = format!(
        "title = \"x\"\nintro = {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let b = book_with(PROC, text.as_bytes());
    assert_fails(b.path(), Some("01-proc.toml:2:"), "01-proc.toml");
}

#[test]
fn a_wrong_type_names_what_was_expected() {
    let b = book_with(PROC, b"title = 12\n");
    assert_fails(b.path(), Some("01-proc.toml:1:9"), "expected a string");
}

#[test]
fn duplicate_ids_across_files() {
    let b = book_with(
        "content/01-ch/02-copy.toml",
        b"id = \"proc\"\ntitle = \"Copy\"\n",
    );
    assert_fails(b.path(), Some("02-copy.toml:1:6"), "duplicate id `proc`");
}

#[test]
fn a_reusable_step_using_itself() {
    let b = book_with("content/_steps/selfy.toml", b"use = \"selfy\"\n");
    fs::write(
        b.path().join(PROC),
        "title = \"x\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n[[section.step]]\nuse = \"selfy\"\n",
    )
    .unwrap();
    assert_fails(
        b.path(),
        Some("content/_steps/selfy.toml:1:7"),
        "cycle: selfy → selfy",
    );
}

#[test]
fn a_missing_content_folder() {
    let b = book_with("book.toml", &fs::read(base().join("book.toml")).unwrap());
    fs::remove_dir_all(b.path().join("content")).unwrap();
    assert_fails(b.path(), None, "there is no `content` folder");
}

#[test]
fn a_content_folder_that_is_a_file() {
    let b = book_with("book.toml", &fs::read(base().join("book.toml")).unwrap());
    fs::remove_dir_all(b.path().join("content")).unwrap();
    fs::write(b.path().join("content"), b"").unwrap();
    assert_fails(b.path(), None, "`content` is a file, not a folder");
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_escapes_are_refused() {
    let b = book_with("book.toml", &fs::read(base().join("book.toml")).unwrap());
    std::os::unix::fs::symlink("../01-ch", b.path().join("content/01-ch/loop")).unwrap();
    assert_fails(b.path(), None, "symlink loop");
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.toml"), b"title = \"secret\"\n").unwrap();
    let c = book_with("book.toml", &fs::read(base().join("book.toml")).unwrap());
    std::os::unix::fs::symlink(
        outside.path().join("secret.toml"),
        c.path().join("content/01-ch/02-secret.toml"),
    )
    .unwrap();
    assert_fails(c.path(), None, "symlink points outside the book");
}

#[test]
fn japanese_and_spaced_file_names_need_an_explicit_id() {
    let b = book_with(
        "content/02-章 two/_chapter.toml",
        "title = \"章\"\n".as_bytes(),
    );
    assert_fails(
        b.path(),
        Some("content/02-章 two/_chapter.toml:1:9"),
        "invalid id `章 two`",
    );
    fs::write(
        b.path().join("content/02-章 two/_chapter.toml"),
        "id = \"two\"\ntitle = \"章\"\n",
    )
    .unwrap();
    fs::write(
        b.path().join("content/02-章 two/01-手順 one.toml"),
        "id = \"one\"\ntitle = \"手順\"\n",
    )
    .unwrap();
    let (code, err) = check(b.path());
    assert_eq!(code, 0, "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever a half-saved file holds, loading reports or succeeds; it never panics.
    #[test]
    fn any_procedure_text_loads_or_reports(text in "(title = \"[a-z]{0,5}\"\n)?(when = \"[a-z =<>.R0-9()\\[\\],]{0,20}\"\n)?(\\[\\[section(\\.step)?\\]\\]\n)?(id = \"[a-z/#]{0,4}\"\n)?(use = \"[a-z]{0,4}\"\n)?\\PC{0,30}") {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&base(), dir.path());
        fs::write(dir.path().join(PROC), text.as_bytes()).unwrap();
        let _ = tejun::load_book(dir.path());
    }

    #[test]
    fn any_condition_parses_or_reports(text in "\\PC{0,40}") {
        let _ = tejun::condition::parse(&text);
    }
}
