//! Any bytes as a build memo beside an output (sealed with a valid checksum, so the reader
//! gets past it) and as a stored procedure's search documents: reading never panics, never
//! allocates what the bytes merely claim, and a piece comes back only inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tejun::output::memo::{memo_path, sealed, Memo};
use tejun::output::Fingerprint;

fuzz_target!(|data: &[u8]| {
    let _ = tejun::search::stored::decode(data);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("site");
    std::fs::write(memo_path(&out), sealed(data)).expect("the memo");
    let memo = Memo::open(&out, false);
    // The first entry's key, if the bytes hold one.
    if let Some(key) = data.get(..16) {
        let key = Fingerprint::from_bytes(key.try_into().expect("16 bytes"));
        if let Some(piece) = memo.recall(key) {
            assert!(piece.len() <= data.len());
        }
    }
});
