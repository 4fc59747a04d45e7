//! Any bytes as a procedure file of a small valid book: loading reports or succeeds, and
//! never panics. The same entry point runs boundedly on stable in tests/suite/bad_input.rs.
#![no_main]

use libfuzzer_sys::fuzz_target;

const BOOK: &str = "title = \"Fuzz\"\n[[facet]]\nid = \"os\"\nlabel = \"OS\"\nvalues = [{ id = \"win\", label = \"W\" }, { id = \"unix\", label = \"U\" }]\n[[facet]]\nid = \"from\"\nlabel = \"From\"\nkind = \"version\"\n";

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let ch = dir.path().join("content/01-ch");
    if std::fs::create_dir_all(&ch).is_err() {
        return;
    }
    let _ = std::fs::write(dir.path().join("book.toml"), BOOK);
    let _ = std::fs::write(ch.join("_chapter.toml"), "title = \"C\"\n");
    let _ = std::fs::write(ch.join("01-p.toml"), data);
    let _ = tejun::load_book(dir.path());
});
