//! A patch either takes the whole edit or leaves the book and the patcher as they were.

use std::collections::BTreeMap;

use super::Page;
use crate::model::Book;
use crate::resolve::load_book_patchable;
use crate::resolve::test_book::TestBook;

const A: &str = r#"title = "A"
[[section]]
id = "s"
title = "S"
[[section.step]]
id = "one"
title = "One"
body = "Start."
[[section.step]]
id = "two"
title = "Two"
[[section.step.variant]]
when = "os = win"
body = "On Windows."
[[section.step.variant]]
when = "os = unix"
body = "On UNIX."
"#;

const B: &str = r#"title = "B"
intro = "After [](#a/one)."
"#;

/// What a patch may change, in an order that does not depend on hashing.
fn snapshot(book: &Book) -> String {
    let targets: BTreeMap<_, _> = book.targets.iter().collect();
    let backlinks: BTreeMap<_, _> = book.backlinks.iter().collect();
    format!(
        "{:?}\n{targets:?}\n{backlinks:?}\n{:?}",
        book.chapters, book.sources
    )
}

fn book() -> TestBook {
    let book = TestBook::new();
    book.write("content/01-ch/01-a.toml", A)
        .write("content/01-ch/02-b.toml", B);
    book
}

#[test]
fn a_failing_patch_leaves_the_book_and_the_patcher_as_they_were() {
    let dir = book();
    let (mut book, _, mut patcher) = load_book_patchable(dir.root()).expect("a clean book");
    let before = snapshot(&book);
    let path = dir.root().join("content/01-ch/01-a.toml");
    let failing = [
        // A changed target (the title) and a dangling link: fails at the link check,
        // after the new targets are known.
        A.replace(
            "title = \"One\"\nbody = \"Start.\"",
            "title = \"First\"\nbody = \"See [](#nowhere).\"",
        ),
        // The step B links to is gone.
        A.replace("id = \"one\"", "id = \"uno\""),
        // A gap for UNIX: fails at the coverage check.
        A.replace(
            "[[section.step.variant]]\nwhen = \"os = unix\"\nbody = \"On UNIX.\"\n",
            "",
        ),
        // Not TOML.
        A.replace("title = \"A\"", "title = "),
    ];
    for text in &failing {
        dir.write("content/01-ch/01-a.toml", text);
        assert!(patcher.patch(&mut book, &path).is_none(), "{text}");
        assert_eq!(snapshot(&book), before, "{text}");
    }
    // The patcher is as it was too: a good edit afterwards gives what a full load gives.
    let renamed = A.replace("title = \"One\"", "title = \"First\"");
    dir.write("content/01-ch/01-a.toml", &renamed);
    let patched = patcher.patch(&mut book, &path).expect("a patchable edit");
    assert!(
        patched.pages.contains(&Page::Procedure("b".into())),
        "{patched:?}"
    );
    let (full, _) = crate::resolve::load_book(dir.root()).expect("a clean book");
    assert_eq!(snapshot(&book), snapshot(&full));
}
