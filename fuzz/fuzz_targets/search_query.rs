//! Any text as a search query: analysing and parsing never panic (queries are user input
//! from the CLI, the site's search box and the dev server's /api/search).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(q) = std::str::from_utf8(data) {
        let _ = tejun::search::query::parse(q, None);
        let _ = tejun::search::analyze::analyze(q);
    }
});
