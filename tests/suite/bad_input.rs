//! Hostile and broken input: each case gets a precise diagnostic and a non-zero exit, never
//! a panic. Cases that cannot live in git (invalid UTF-8, a 50 MB file, symlinks) are made
//! on the fly from the check fixtures' base book.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;

use crate::harness::{fixture_dir, Book, Tejun};

fn base() -> PathBuf {
    fixture_dir("check/base")
}

/// The check fixtures' base book with `file` written (or replaced) as `bytes`.
fn book_with(file: &str, bytes: &[u8]) -> Book {
    let book = Book::fixture("check/base");
    book.write(file, bytes);
    book
}

fn check(book: &Path) -> (i32, String) {
    tejun(&["check"], book)
}

/// Runs `tejun ARGS BOOK`; returns (exit code, stderr). A crash by signal (a stack
/// overflow aborts, 134) reads as -1; a hang fails the test (`harness::HANG`).
fn tejun(args: &[&str], book: &Path) -> (i32, String) {
    let out = Tejun::new(book).args(args).arg(book).run();
    (out.code().unwrap_or(-1), out.stderr())
}

/// `check` and `build` both refuse the book with exit 1 (not a crash), naming `message`
/// at `location`.
fn assert_fails_everywhere(book: &Path, location: &str, message: &str) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let build = ["build", "--out", site.to_str().unwrap()];
    for args in [&["check"][..], &build[..]] {
        let (code, err) = tejun(args, book);
        assert_eq!(code, 1, "tejun {args:?}: expected exit 1:\n{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.contains(message), "expected `{message}` in:\n{err}");
        assert!(
            err.contains(location),
            "expected location `{location}` in:\n{err}"
        );
    }
    assert!(!site.exists(), "nothing may be built from a refused book");
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
    assert_fails(&b, Some("01-proc.toml:2:10"), "file is not valid UTF-8");
}

#[test]
fn a_byte_order_mark_is_accepted_and_columns_stay_right() {
    let b = book_with(
        PROC,
        "\u{feff}title = \"BOM\"\nwhen = \"os = bsd\"\n".as_bytes(),
    );
    assert_fails(&b, Some("01-proc.toml:2:14"), "unknown value `bsd`");
}

#[test]
fn crlf_line_ends_keep_lines_right() {
    let b = book_with(PROC, b"title = \"CRLF\"\r\n\r\nwhen = \"os = bsd\"\r\n");
    assert_fails(&b, Some("01-proc.toml:3:14"), "unknown value `bsd`");
}

#[test]
fn an_empty_file_lacks_its_title() {
    let b = book_with(PROC, b"");
    assert_fails(&b, Some("01-proc.toml:1:1"), "missing field `title`");
}

#[test]
fn a_huge_file_is_refused_without_reading_it() {
    let mut text = b"title = \"x\"\nintro = '''".to_vec();
    text.extend(std::iter::repeat_n(b'a', 50 * 1024 * 1024));
    text.extend(b"'''\n");
    let b = book_with(PROC, &text);
    assert_fails(&b, None, "book files are limited to");
}

#[test]
fn deeply_nested_arrays_are_an_error_not_a_stack_overflow() {
    let text = format!(
        "title = \"x\"\nintro = {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let b = book_with(PROC, text.as_bytes());
    assert_fails(&b, Some("01-proc.toml:2:"), "01-proc.toml");
}

#[test]
fn a_wrong_type_names_what_was_expected() {
    let b = book_with(PROC, b"title = 12\n");
    assert_fails(&b, Some("01-proc.toml:1:9"), "expected a string");
}

#[test]
fn duplicate_ids_across_files() {
    let b = book_with(
        "content/01-ch/02-copy.toml",
        b"id = \"proc\"\ntitle = \"Copy\"\n",
    );
    assert_fails(&b, Some("02-copy.toml:1:6"), "duplicate id `proc`");
}

#[test]
fn a_reusable_step_using_itself() {
    let b = book_with("content/_steps/selfy.toml", b"use = \"selfy\"\n");
    fs::write(
        b.join(PROC),
        "title = \"x\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n[[section.step]]\nuse = \"selfy\"\n",
    )
    .unwrap();
    assert_fails(
        &b,
        Some("content/_steps/selfy.toml:1:7"),
        "cycle: selfy → selfy",
    );
}

#[test]
fn a_missing_content_folder() {
    let b = book_with("book.toml", &fs::read(base().join("book.toml")).unwrap());
    fs::remove_dir_all(b.join("content")).unwrap();
    assert_fails(&b, None, "there is no `content` folder");
}

#[test]
fn a_content_folder_that_is_a_file() {
    let b = book_with("book.toml", &fs::read(base().join("book.toml")).unwrap());
    fs::remove_dir_all(b.join("content")).unwrap();
    fs::write(b.join("content"), b"").unwrap();
    assert_fails(&b, None, "`content` is a file, not a folder");
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_escapes_are_refused() {
    let b = book_with("book.toml", &fs::read(base().join("book.toml")).unwrap());
    std::os::unix::fs::symlink("../01-ch", b.join("content/01-ch/loop")).unwrap();
    assert_fails(&b, None, "symlink loop");
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.toml"), b"title = \"secret\"\n").unwrap();
    let c = book_with("book.toml", &fs::read(base().join("book.toml")).unwrap());
    std::os::unix::fs::symlink(
        outside.path().join("secret.toml"),
        c.join("content/01-ch/02-secret.toml"),
    )
    .unwrap();
    assert_fails(&c, None, "symlink points outside the book");
}

/// A FIFO opened for reading waits for a writer forever; a device can be endless or have
/// side effects. Every file a book is read from must be a regular file, checked before it
/// is read: the error names the file.
#[cfg(unix)]
#[test]
fn fifos_in_place_of_book_files_are_errors_not_hangs() {
    for file in [
        "book.toml",
        PROC,
        "content/01-ch/_chapter.toml",
        "content/01-ch/02-new.toml",
        "content/01-ch/02-grp/01-p.toml",
        "content/_refs.toml",
        "content/_book.toml",
        "content/_steps/stop.toml",
    ] {
        let b = book_with("content/01-ch/02-grp/_group.toml", b"title = \"Group\"\n");
        let path = b.join(file);
        let _ = fs::remove_file(&path);
        let made = Command::new("mkfifo").arg(&path).status().unwrap();
        assert!(made.success(), "mkfifo {file}");
        assert_fails_everywhere(&b, file, "not a regular file (a FIFO)");
    }
}

/// A right-to-left override in a quoted id would reorder the rest of the error line on a
/// terminal, and an ESC would start a terminal sequence: both are shown escaped, in the
/// message and the source excerpt alike.
#[test]
fn invisible_and_bidirectional_characters_are_escaped_in_messages() {
    let b = book_with(
        PROC,
        "id = \"evil\u{202e}lmth.exe\"\ntitle = \"x\"\n[[section]]\nid = \"s\\u001b[2J\u{200b}\"\ntitle = \"S\"\n"
            .as_bytes(),
    );
    let (code, err) = check(&b);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("invalid id `evil\\u{202e}lmth.exe`"), "{err}");
    assert!(err.contains("invalid id `s\\u{1b}[2J\\u{200b}`"), "{err}");
    assert!(err.contains("01-proc.toml:1:6"), "{err}");
    for c in ['\u{202e}', '\u{1b}', '\u{200b}'] {
        assert!(!err.contains(c), "raw {c:?} in: {err:?}");
    }
}

#[test]
fn japanese_and_spaced_file_names_need_an_explicit_id() {
    let b = book_with(
        "content/02-章 two/_chapter.toml",
        "title = \"章\"\n".as_bytes(),
    );
    assert_fails(
        &b,
        Some("content/02-章 two/_chapter.toml:1:9"),
        "invalid id `章 two`",
    );
    fs::write(
        b.join("content/02-章 two/_chapter.toml"),
        "id = \"two\"\ntitle = \"章\"\n",
    )
    .unwrap();
    fs::write(
        b.join("content/02-章 two/01-手順 one.toml"),
        "id = \"one\"\ntitle = \"手順\"\n",
    )
    .unwrap();
    let (code, err) = check(&b);
    assert_eq!(code, 0, "{err}");
}

/// A procedure whose only step has `body` as its Markdown (a literal multi-line string,
/// so the body's first line is line 8 of the file).
fn book_with_body(body: &str) -> Book {
    let text = format!(
        "title = \"x\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n[[section.step]]\ntitle = \"T\"\nbody = '''\n{body}\n'''\n"
    );
    book_with(PROC, text.as_bytes())
}

#[test]
fn thousands_of_nested_parentheses_in_a_condition_stop_at_the_limit() {
    let text = format!(
        "title = \"x\"\nwhen = \"{}os = win{}\"\n",
        "(".repeat(7_000),
        ")".repeat(7_000)
    );
    let b = book_with(PROC, text.as_bytes());
    // The 65th `(`: the value's text starts at column 9.
    assert_fails_everywhere(&b, "01-proc.toml:2:73", "conditions nest at most 64 deep");
}

#[test]
fn twenty_thousand_nots_stop_at_the_limit() {
    let text = format!(
        "title = \"x\"\nwhen = \"{}os = win\"\n",
        "not ".repeat(20_000)
    );
    let b = book_with(PROC, text.as_bytes());
    assert_fails_everywhere(&b, "01-proc.toml:2:265", "conditions nest at most 64 deep");
}

#[test]
fn a_chain_of_a_thousand_reusable_steps_stops_at_the_limit() {
    let b = book_with(
        PROC,
        b"title = \"x\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n[[section.step]]\nuse = \"s0\"\n",
    );
    for i in 0..1_000 {
        let text = if i + 1 < 1_000 {
            format!("use = \"s{}\"\ntitle = \"Step {i}\"\n", i + 1)
        } else {
            "title = \"Last\"\nbody = \"Done.\"\n".to_string()
        };
        fs::write(b.join(format!("content/_steps/s{i}.toml")), text).unwrap();
    }
    // s0 … s31 are expanded; s31's `use` of s32 is the 33rd level.
    assert_fails_everywhere(
        &b,
        "content/_steps/s31.toml:1:7",
        "reusable steps nest at most 32 deep",
    );
}

#[test]
fn block_quotes_nested_a_hundred_thousand_deep_stop_at_the_limit() {
    let b = book_with_body(&format!("{}deep", "> ".repeat(100_000)));
    assert_fails_everywhere(
        &b,
        "01-proc.toml:8:",
        "Markdown nests at most 64 elements deep",
    );
}

#[test]
fn lists_nested_a_hundred_thousand_deep_stop_at_the_limit() {
    let b = book_with_body(&format!("{}deep", "- ".repeat(100_000)));
    assert_fails_everywhere(
        &b,
        "01-proc.toml:8:",
        "Markdown nests at most 64 elements deep",
    );
}

/// html5ever's tree builder (under the sanitiser) is quadratic in the depth of open
/// elements: 100,000 nested `<div>` took three minutes before this limit.
#[test]
fn raw_html_nested_a_hundred_thousand_deep_stops_at_the_limit() {
    let b = book_with_body(&format!(
        "{}x{}",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    ));
    assert_fails_everywhere(
        &b,
        "01-proc.toml:8:",
        "Markdown nests at most 64 elements deep",
    );
    // A closing tag that matches no open element closes nothing.
    let b = book_with_body(&"<div></x>".repeat(100_000));
    assert_fails_everywhere(
        &b,
        "01-proc.toml:8:",
        "Markdown nests at most 64 elements deep",
    );
}

#[test]
fn ten_thousand_nested_inline_tables_are_a_located_error() {
    let text = format!(
        "title = \"x\"\nintro = {}1{}\n",
        "{a = ".repeat(10_000),
        "}".repeat(10_000)
    );
    let b = book_with(PROC, text.as_bytes());
    assert_fails_everywhere(&b, "01-proc.toml:2:", "TOML nests too deep");
}

/// The toml crate stops a 10,000-part dotted key without saying where: the error must
/// still point at the key.
#[test]
fn a_ten_thousand_part_dotted_key_is_a_located_error() {
    let text = format!("title = \"x\"\n[{}]\nb = 1\n", vec!["a"; 10_000].join("."));
    let b = book_with(PROC, text.as_bytes());
    assert_fails_everywhere(&b, "01-proc.toml:2:2", "TOML nests too deep");
    let mut config = fs::read_to_string(base().join("book.toml")).unwrap();
    config.push_str(&format!("\n{} = 1\n", vec!["x"; 10_000].join(".")));
    let c = book_with("book.toml", config.as_bytes());
    let line = config.lines().count();
    assert_fails_everywhere(&c, &format!("book.toml:{line}:1"), "TOML nests too deep");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever a half-saved file holds, loading reports or succeeds; it never panics.
    #[test]
    fn any_procedure_text_loads_or_reports(text in "(title = \"[a-z]{0,5}\"\n)?(when = \"[a-z =<>.R0-9()\\[\\],]{0,20}\"\n)?(\\[\\[section(\\.step)?\\]\\]\n)?(id = \"[a-z/#]{0,4}\"\n)?(use = \"[a-z]{0,4}\"\n)?\\PC{0,30}") {
        let book = book_with(PROC, text.as_bytes());
        let _ = tejun::load_book(&book);
    }

    #[test]
    fn any_condition_parses_or_reports(text in "\\PC{0,40}") {
        let _ = tejun::condition::parse(&text);
    }
}
