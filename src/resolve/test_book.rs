//! A tiny book on disk for the resolver's unit tests: two facets, one chapter, a reference,
//! and whatever files a test adds; loaded the way `tejun check` loads a book.

use std::path::Path;

use crate::diagnostics::Diagnostics;
use crate::diagnostics::SourceMap;

const BOOK_TOML: &str = r#"title = "Test"
language = "en"

[[facet]]
id = "os"
label = "OS"
values = [{ id = "win", label = "Windows" }, { id = "unix", label = "UNIX" }]

[[facet]]
id = "from"
label = "Current version"
kind = "version"
"#;

pub(crate) struct TestBook {
    dir: tempfile::TempDir,
}

impl TestBook {
    pub(crate) fn new() -> TestBook {
        let book = TestBook {
            dir: tempfile::tempdir().expect("a temporary folder"),
        };
        book.write("book.toml", BOOK_TOML);
        book.write("content/01-ch/_chapter.toml", "title = \"Chapter\"\n");
        book.write(
            "content/_refs.toml",
            "[[ref]]\nid = \"manual\"\ntitle = \"Manual\"\n",
        );
        book
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `path` inside the book, creating folders as needed.
    pub(crate) fn write(&self, path: &str, text: &str) -> &TestBook {
        let path = self.dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a folder in the test book");
        }
        std::fs::write(path, text).expect("a file in the test book");
        self
    }

    /// Every diagnostic of a load (errors, or the warnings of a clean load), one line
    /// each: `file:line:col [start..end] message (hint: …)`.
    pub(crate) fn diagnostics(&self) -> Vec<String> {
        match crate::resolve::load_book(self.root()) {
            Ok((book, warnings)) => located(&warnings, &book.sources),
            Err((diags, sources)) => located(&diags, &sources),
        }
    }
}

fn located(diags: &Diagnostics, sources: &SourceMap) -> Vec<String> {
    diags
        .items
        .iter()
        .map(|d| {
            let at = match d.file {
                Some(f) => format!("{} {:?}", sources.location(f, d.span.start), d.span),
                None => "-".to_string(),
            };
            let hint = d
                .hint
                .as_ref()
                .map(|h| format!(" (hint: {h})"))
                .unwrap_or_default();
            format!("{at} {}{hint}", d.message)
        })
        .collect()
}
