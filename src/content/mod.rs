//! Reading a book's `content/` folder: which files exist, in which order, parsed into the
//! raw on-disk structs with spans. Meaning (ids, references, conditions) is `resolve`'s job.

mod load;
pub mod raw;

pub(crate) use load::read_plain;
pub use load::{load_content, Loaded, LoadedChapter, LoadedItem, LoadedProcedure};

use crate::diagnostics::{Diagnostic, FileId};

/// Turns a TOML syntax or shape error into a located diagnostic.
pub fn toml_error(file: FileId, e: &toml::de::Error) -> Diagnostic {
    let span = e.span().unwrap_or(0..0);
    let message = e.message().trim().replace('\n', " ");
    let hint = if message.contains("unknown field") {
        Some("check the spelling; the README's \"The book on disk\" lists every key")
    } else if message.contains("missing field") {
        Some("this key is required here")
    } else {
        None
    };
    let d = Diagnostic::error(file, span, message);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}
