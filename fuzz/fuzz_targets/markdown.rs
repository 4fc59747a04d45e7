//! Any text as a prose field, bare and inside block quotes, lists or raw `<div>`s up to a
//! thousand deep (the first byte picks the depth, the second the container): the nesting
//! check `tejun check` applies points inside the text, and the renderer (pulldown-cmark,
//! the book's link rewriting, ammonia's sanitiser over html5ever) never panics, sanitising
//! or not.
#![no_main]

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use tejun::model::Book;

const BOOK: &str = "title = \"Fuzz\"\nlanguage = \"en\"\n";

/// A book with no content: links to `#ids` are dangling, which the renderer must bear.
fn book(allow_html: bool) -> &'static Book {
    static BOOKS: OnceLock<[Book; 2]> = OnceLock::new();
    let books = BOOKS.get_or_init(|| {
        let mut diags = tejun::diagnostics::Diagnostics::default();
        let config = tejun::config::Config::parse(BOOK, 0, &mut diags).expect("fuzz book");
        let book = |allow| {
            let mut config = config.clone();
            config.allow_raw_html = allow;
            Book {
                config,
                front: Vec::new(),
                refs: Vec::new(),
                chapters: Vec::new(),
                targets: Arc::new(HashMap::new()),
                backlinks: HashMap::new(),
                reusable_steps: Vec::new(),
                sources: Default::default(),
                translation_gaps: Default::default(),
                problems: Default::default(),
                problem_steps: Default::default(),
            }
        };
        [book(false), book(true)]
    });
    &books[usize::from(allow_html)]
}

fuzz_target!(|data: &[u8]| {
    let (depth, open, close, rest) = match data {
        [d, c, rest @ ..] => {
            let (open, close) = [("> ", ""), ("- ", ""), ("<div>", "</div>")][usize::from(*c) % 3];
            (usize::from(*d) * 4, open, close, rest)
        }
        _ => (0, "", "", data),
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let wrapped = format!("{}{text}{}", open.repeat(depth), close.repeat(depth));
    for src in [text, wrapped.as_str()] {
        if let Some(at) = tejun::render::markdown::too_deep(src) {
            assert!(at <= src.len());
        }
        for allow_html in [false, true] {
            let _ = tejun::render::markdown::render_for_page(book(allow_html), "p", src);
        }
    }
});
