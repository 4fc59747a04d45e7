//! A book in two languages: the JobCenter book's English translation
//! (`translations/en/`) is complete and current, and an edit of the source flags exactly
//! the units it touched; a translation that loses a link or names a step the source does
//! not have is an error at its line.

use crate::harness::Book;

const STEPS: &str = "translations/en/_steps/unix-check-processes-stopped.toml";

#[test]
fn the_jobcenter_books_english_translation_is_complete_and_current() {
    let run = Book::jobcenter().run(["check", "--strict"]);
    run.assert_ok();
    let err = run.stderr();
    assert!(
        err.contains("translation en: ") && err.contains("units, all current"),
        "{err}"
    );
}

#[test]
fn an_edited_source_step_makes_exactly_its_translation_stale() {
    let book = Book::jobcenter();
    book.edit(
        "content/_steps/unix-check-processes-stopped.toml",
        "body = \"以下のコマンドを実行してください。\"",
        "body = \"以下のコマンドを実行し、出力を確認してください。\"",
    );
    let run = book.run(["check"]);
    run.assert_ok();
    let err = run.stderr();
    assert_eq!(
        err.matches("the source changed since it was translated")
            .count(),
        1,
        "{err}"
    );
    let from_line = 1 + book
        .read(STEPS)
        .lines()
        .position(|l| l.starts_with("from = "))
        .expect("a `from` line");
    assert!(
        err.contains(&format!("{STEPS}:{from_line}:")),
        "stale unit located at its `from`: {err}"
    );
    assert!(err.contains("1 stale, 0 missing, 0 unstamped"), "{err}");
    // The hint gives the fingerprint to record; recording it makes the unit current.
    let fp = err
        .split("record from = \"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a fingerprint in the hint")
        .to_string();
    let strict = book.run(["check", "--strict"]);
    assert_eq!(strict.code(), Some(1), "--strict fails on stale text");
    let text = book.read(STEPS);
    let old = text
        .lines()
        .find(|l| l.starts_with("from = "))
        .unwrap_or_default();
    book.edit(STEPS, old, &format!("from = \"{fp}\""));
    book.run(["check", "--strict"]).assert_ok();
}

#[test]
fn a_translation_that_changes_a_link_target_is_an_error_at_its_line() {
    let book = Book::jobcenter();
    let file = "translations/en/03-unix/02-unix-patch.toml";
    book.edit(file, "(#unix-rolling-patch)", "(#unix-patch)");
    let run = book.run(["check"]);
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    assert!(err.contains(&format!("{file}:8:")), "{err}");
    assert!(err.contains("lost ](#unix-rolling-patch)"), "{err}");
    assert!(err.contains("translation was not checked"), "{err}");
}

#[test]
fn a_step_the_source_does_not_have_is_an_error_and_the_real_one_is_missing() {
    let book = Book::jobcenter();
    let file = "translations/en/03-unix/02-unix-patch.toml";
    book.edit(file, "[step.check-nqs-site]", "[step.check-nqs-sit]");
    let run = book.run(["check"]);
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    assert!(err.contains(&format!("{file}:20:")), "{err}");
    assert!(err.contains("no step `check-nqs-sit`"), "{err}");
    assert!(
        err.contains("check-nqs-site"),
        "the hint lists the real ids: {err}"
    );
}
