//! One book in several languages. `translations/<lang>/` mirrors `content/` file for file
//! (and `book.toml`), carrying only text keyed by the ids the book already has: structure,
//! conditions, commands and placeholders stay single-sourced. Applying a translation
//! replaces the text of a loaded book's raw files before they are resolved, so every
//! output is built from a translated book exactly as from the source.
//!
//! Each translated table is a unit that may record the fingerprint of the source text it
//! was made from (`from = "…"`); a unit whose source has changed since is stale, one the
//! translation lacks is missing. [`Status`] lists both, located, for `check`.

mod fingerprint;
pub mod history;
mod raw;
mod slot;
mod walk;

use std::ops::Range;
use std::path::Path;

use crate::config::Config;
use crate::content::Loaded;
use crate::diagnostics::{Diagnostics, FileId, SourceMap};
use crate::words::Language;

pub use fingerprint::fingerprint;

/// How a translation stands against its source, unit by unit.
#[derive(Debug, Default)]
pub struct Status {
    /// The units that are not current.
    pub units: Vec<Unit>,
    /// How many units the source has.
    pub total: usize,
    /// Every unit's fingerprint now, with the source's text it was taken of: what
    /// [`history`] keeps, so a later source change can be shown as a diff.
    pub seen: Vec<(String, Vec<String>)>,
}

/// One translatable table of the source and its translation.
#[derive(Debug)]
pub struct Unit {
    /// Its table in the translation file (`step.stop-local.part.2`); empty for the
    /// file's own keys (a title, an introduction).
    pub key: String,
    /// The translation file it belongs in (as the writer sees its path).
    pub file: String,
    /// The source file and where the unit's text is.
    pub source: (FileId, Range<usize>),
    /// The translation's table, when there is one.
    pub translation: Option<(FileId, Range<usize>)>,
    /// The fingerprint of the source's text now.
    pub fingerprint: String,
    /// What is wrong with it.
    pub state: State,
    /// What the reader sees it on: a procedure (`proc`), a step (`proc/step`) or a
    /// reusable step (`_steps/<id>`); `None` for book-wide text.
    pub target: Option<String>,
    /// The source's text of its fields, as written.
    pub source_text: Vec<String>,
}

/// Why a unit is listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// The translation has no text for it (or lacks some of its fields: named).
    Missing(Vec<&'static str>),
    /// Translated, but without `from`: nobody said which source text it matches.
    Unstamped,
    /// The source changed since: the fingerprint it was made from.
    Stale(String),
}

/// Replaces the text of `config` and `loaded` with the `lang` translation under
/// `root/translations/<lang>/`. Mistakes in translation files (an unknown key, a step the
/// source does not have, a lost placeholder or link) are errors at the translation.
pub fn apply(
    root: &Path,
    lang: Language,
    book_file: FileId,
    config: &mut Config,
    loaded: &mut Loaded,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Status {
    let dir = root.join("translations").join(lang.code());
    let mut w = walk::Walk::new(root, &dir, sources, diags);
    w.book(config, book_file);
    w.content(loaded);
    config.language = lang;
    w.finish()
}
