//! Any text as a `when` condition: parsing never panics and errors point inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Err(e) = tejun::condition::parse(s) {
            assert!(e.span.end <= s.len());
        }
    }
});
