//! Any text as a search query: analysing and parsing never panic (queries are user input
//! from the CLI, the site's search box and the dev server's /api/search), and the tantivy
//! tokenizer, which reuses its buffers from one text to the next, hands tantivy exactly the
//! tokens `analyze` gives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tantivy::tokenizer::{TokenStream, Tokenizer};

fuzz_target!(|data: &[u8]| {
    if let Ok(q) = std::str::from_utf8(data) {
        let _ = tejun::search::query::parse(q, None);
        let tokens = tejun::search::analyze(q);
        let mut tokenizer = tejun::search::analyze::TejunTokenizer::default();
        // A text, then its second half: the second stream must not see the first's tokens.
        let half = q.char_indices().nth(q.chars().count() / 2).map_or(q.len(), |(i, _)| i);
        for text in [q, &q[half..]] {
            let expected = tejun::search::analyze(text);
            let mut stream = tokenizer.token_stream(text);
            let mut got = Vec::new();
            while stream.advance() {
                let t = stream.token();
                got.push((t.text.clone(), t.position, t.offset_from..t.offset_to));
            }
            let want: Vec<_> = expected
                .iter()
                .map(|t| (t.text.clone(), t.position, t.offsets.clone()))
                .collect();
            assert_eq!(got, want);
        }
        for t in &tokens {
            assert!(q.get(t.offsets.clone()).is_some(), "{t:?}");
        }
    }
});
