//! The source texts translations were made from, kept by tejun beside the book
//! (`.tejun-translations/<lang>.json`) so that a stale unit can be shown with what changed
//! in its source, not only that something did. A unit records only a fingerprint (`from`);
//! this record maps fingerprints seen by earlier checks to their texts. It is tejun's own
//! file: written atomically, only over a file that carries its mark, never inside the
//! book's sources; a missing or unreadable record costs the diff, nothing else.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::output::owned::{BookSources, Signature};
use crate::words::Language;

/// Fingerprint → the source's texts, as checks have seen them.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct History {
    /// The mark that makes the file tejun's (first in the file).
    written_by: String,
    units: BTreeMap<String, Vec<String>>,
}

/// Where the record of `lang` lives for the book at `root`.
pub fn path(root: &Path, lang: Language) -> PathBuf {
    root.join(".tejun-translations")
        .join(format!("{}.json", lang.code()))
}

impl History {
    /// The record, or an empty one when there is none (or it is not tejun's).
    pub fn load(root: &Path, lang: Language) -> History {
        std::fs::read(path(root, lang))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<History>(&bytes).ok())
            .filter(|h| h.written_by.starts_with("tejun"))
            .unwrap_or_default()
    }

    /// The source's texts a fingerprint was taken of, if a check saw them.
    pub fn texts(&self, fingerprint: &str) -> Option<&[String]> {
        self.units.get(fingerprint).map(Vec::as_slice)
    }

    /// Keeps what `status` saw now and what its units still name in `from` (the texts a
    /// stale unit was translated from); forgets the rest, so the record stays the size
    /// of the book.
    pub fn update(&mut self, status: &super::Status) {
        let mut units: BTreeMap<String, Vec<String>> = status.seen.iter().cloned().collect();
        for unit in &status.units {
            if let super::State::Stale(from) = &unit.state {
                if let Some(old) = self.units.remove(from) {
                    units.insert(from.clone(), old);
                }
            }
        }
        self.units = units;
    }

    /// Writes the record for `lang` of the book at `root`.
    pub fn save(
        &mut self,
        root: &Path,
        lang: Language,
        sources: &BookSources,
    ) -> anyhow::Result<()> {
        self.written_by = format!("tejun {}", env!("CARGO_PKG_VERSION"));
        let bytes = serde_json::to_vec(self)?;
        let path = path(root, lang);
        crate::output::owned::ensure_overwritable(&path, Signature::Record, sources)?;
        crate::output::write_atomic(&path, &bytes)
    }
}

/// What changed from `old` to `new`, line by line (`- ` removed, `+ ` added).
pub fn diff(old: &[String], new: &[String]) -> String {
    let (old, new) = (old.join("\n"), new.join("\n"));
    let mut out = String::new();
    for change in similar::TextDiff::from_lines(&old, &new).iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => "- ",
            similar::ChangeTag::Insert => "+ ",
            similar::ChangeTag::Equal => continue,
        };
        out.push_str(sign);
        out.push_str(change.value().trim_end_matches('\n'));
        out.push('\n');
    }
    out.trim_end().to_string()
}
