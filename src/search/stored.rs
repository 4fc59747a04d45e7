//! A procedure's search documents kept in the build memo ([`crate::output::memo`]) under
//! the key of what they are read from ([`Inputs::search_docs`]): the procedure and what
//! the book shares. A rebuild after an edit inside one procedure reads that procedure's
//! documents again and takes every other's from the memo, decoded in a fraction of the
//! time reading them from the book takes (at 5,000 procedures, 0.7 s of CPU).
//!
//! The bytes are postcard's encoding of [`Stored`] (every field of [`SearchDoc`] in order,
//! borrowed to write and owned to read) in LZ4: a third of the size, so the memo costs
//! less to read and write than it saves. A piece that does not decode is read again from
//! the book, so a memo of an older layout costs time, never a wrong document; [`FORMAT`]
//! changes with the layout all the same, so such a piece is not even looked up.

use serde::{Deserialize, Serialize};

use super::docs::{self, DocKind, SearchDoc, SliceLists};
use crate::model::{Book, Procedure};
use crate::output::{Fingerprint, SharedOutput};
use crate::render::inputs::Inputs;

/// The layout of a stored procedure's documents; part of their key.
pub const FORMAT: u32 = 1;

/// A document as written: [`SearchDoc`]'s fields in order, borrowed.
#[derive(Serialize)]
struct Stored<'a> {
    kind: DocKind,
    title: &'a str,
    body: &'a [String],
    commands: &'a [String],
    command_starts: &'a [bool],
    gui: &'a [String],
    processes: &'a [String],
    procedure: &'a str,
    chapter: &'a str,
    location: &'a str,
    page: &'a str,
    anchor: &'a str,
    condition: Option<&'a str>,
    text: &'a str,
    written: Option<&'a [Option<String>; 3]>,
    slices: Option<&'a SliceLists>,
}

/// A document as read back: [`Stored`]'s fields, owned, with its body and GUI paths as
/// `T`: text ([`decode`]), or [`Passed`] ([`decode_lean`]).
#[derive(Deserialize)]
struct Read<T> {
    kind: DocKind,
    title: String,
    body: Vec<T>,
    commands: Vec<String>,
    command_starts: Vec<bool>,
    gui: Vec<T>,
    processes: Vec<String>,
    procedure: String,
    chapter: String,
    location: String,
    page: String,
    anchor: String,
    condition: Option<String>,
    text: String,
    written: Option<Box<[Option<String>; 3]>>,
    slices: Option<SliceLists>,
}

/// A string of a stored document passed over: its bytes neither checked as text nor
/// copied. Lean documents ([`decode_lean`]) leave out their bodies and GUI paths so: the
/// readers that take them (the commands page's listing, and the offline index but for
/// its postings) read neither, the body is most of a document's strings, and a rebuild
/// reads every unchanged procedure's documents.
struct Passed;

impl<'de> Deserialize<'de> for Passed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Passed, D::Error> {
        struct Over;
        impl serde::de::Visitor<'_> for Over {
            type Value = Passed;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_bytes<E>(self, _: &[u8]) -> Result<Passed, E> {
                Ok(Passed)
            }
        }
        // A string is written as its bytes are: read as bytes, it is not checked.
        d.deserialize_bytes(Over)
    }
}

/// What a read document's body and GUI paths become.
trait Strings: Sized {
    fn strings(read: Vec<Self>) -> Vec<String>;
}

impl Strings for String {
    fn strings(read: Vec<String>) -> Vec<String> {
        read
    }
}

impl Strings for Passed {
    fn strings(_: Vec<Passed>) -> Vec<String> {
        Vec::new()
    }
}

impl<T: Strings> Read<T> {
    fn into_doc(self) -> SearchDoc {
        SearchDoc {
            kind: self.kind,
            title: self.title,
            body: T::strings(self.body),
            commands: self.commands,
            command_starts: self.command_starts,
            gui: T::strings(self.gui),
            processes: self.processes,
            procedure: self.procedure,
            chapter: self.chapter,
            location: self.location,
            page: self.page,
            anchor: self.anchor,
            condition: self.condition,
            text: self.text,
            written: self.written,
            slices: self.slices.map(docs::Slices::from).unwrap_or_default(),
        }
    }
}

/// The bytes of one procedure's documents.
pub fn encode(docs: &[SearchDoc]) -> Vec<u8> {
    let stored: Vec<Stored<'_>> = docs
        .iter()
        .map(|d| Stored {
            kind: d.kind,
            title: &d.title,
            body: &d.body,
            commands: &d.commands,
            command_starts: &d.command_starts,
            gui: &d.gui,
            processes: &d.processes,
            procedure: &d.procedure,
            chapter: &d.chapter,
            location: &d.location,
            page: &d.page,
            anchor: &d.anchor,
            condition: d.condition.as_deref(),
            text: &d.text,
            written: d.written.as_deref(),
            slices: d.slices.lists(),
        })
        .collect();
    crate::output::memo::pack(&stored)
}

/// The documents [`encode`] wrote, or `None` when `bytes` are not such a list whole.
pub fn decode(bytes: &[u8]) -> Option<Vec<SearchDoc>> {
    let read: Vec<Read<String>> = crate::output::memo::unpack(bytes)?;
    Some(read.into_iter().map(Read::into_doc).collect())
}

/// The documents [`encode`] wrote without their bodies and GUI paths (left empty: see
/// [`Passed`]), or `None` when `bytes` are not such a list whole.
pub fn decode_lean(bytes: &[u8]) -> Option<Vec<SearchDoc>> {
    let read: Vec<Read<Passed>> = crate::output::memo::unpack(bytes)?;
    Some(read.into_iter().map(Read::into_doc).collect())
}

/// Every searchable document of `book` ([`docs::collect`]), each procedure's taken from
/// the memo of `sink` where the previous build stored it under the same key, and stored
/// there for the next build; with each procedure's key and number of documents, in
/// reading order, and the key of the commands page's listing, when every procedure has a
/// key. Documents taken from the memo are lean ([`decode_lean`]: no body, no GUI paths);
/// [`Collected::lean`] says whose, and [`whole`] reads them again with every field.
pub fn collect(book: &Book, inputs: &Inputs, sink: &dyn SharedOutput) -> Collected {
    let lean_ids = std::sync::Mutex::new(std::collections::HashSet::new());
    let (docs, counts) =
        docs::collect_with(book, &|p: &Procedure, read: &dyn Fn() -> Vec<SearchDoc>| {
            let Some(key) = inputs.search_docs(FORMAT, &p.id) else {
                return read();
            };
            if let Some(docs) = sink.recall(key).and_then(decode_lean) {
                lean_ids
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(p.id.clone());
                return docs;
            }
            let docs = read();
            sink.remember(key, encode(&docs));
            docs
        });
    let lean_ids = lean_ids
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let lean = counts
        .iter()
        .map(|(id, _)| lean_ids.contains(*id))
        .collect();
    let keys: Option<Vec<(Fingerprint, u32)>> = counts
        .into_iter()
        .map(|(id, n)| Some((inputs.search_docs(FORMAT, id)?, n)))
        .collect();
    let commands = keys.as_deref().map(|keys| commands_key(&docs, keys, sink));
    Collected {
        docs,
        keys,
        commands,
        lean,
    }
}

/// `docs` (as [`collect`] read them, each procedure's `keys` and count in reading order)
/// with every field: each lean procedure's documents decoded whole from the memo of
/// `sink` they came from, on every core; `None` when one no longer decodes there.
pub fn whole(
    docs: &[SearchDoc],
    keys: &[(Fingerprint, u32)],
    lean: &[bool],
    sink: &dyn SharedOutput,
) -> Option<Vec<SearchDoc>> {
    use rayon::prelude::*;
    let mut ranges = Vec::with_capacity(keys.len());
    let mut at = 0usize;
    for (_, n) in keys {
        ranges.push(at..at + *n as usize);
        at += *n as usize;
    }
    let parts: Vec<Vec<SearchDoc>> = keys
        .par_iter()
        .zip(ranges)
        .zip(lean)
        .map(|(((key, n), range), &lean)| {
            if !lean {
                return Some(docs.get(range)?.to_vec());
            }
            let read = sink.peek(*key).and_then(decode)?;
            (read.len() == *n as usize).then_some(read)
        })
        .collect::<Option<_>>()?;
    Some(parts.into_iter().flatten().collect())
}

/// A reading's documents ([`collect`]).
pub struct Collected {
    /// Every document of the book, in reading order.
    pub docs: Vec<SearchDoc>,
    /// Each procedure's key and number of documents, in reading order.
    pub keys: Option<Vec<(Fingerprint, u32)>>,
    /// What the commands page lists, keyed ([`super::commands::digest`]).
    pub commands: Option<Fingerprint>,
    /// Each procedure's, in reading order: whether its documents are lean (taken from the
    /// memo without body and GUI paths, [`decode_lean`]).
    pub lean: Vec<bool>,
}

/// The key of the commands page's listing: every procedure's digest of it, in reading
/// order, each kept in the memo under its documents' key (16 bytes, where the listing is
/// tens of milliseconds of one core).
fn commands_key(
    docs: &[SearchDoc],
    keys: &[(Fingerprint, u32)],
    sink: &dyn SharedOutput,
) -> Fingerprint {
    use rayon::prelude::*;
    let mut starts = Vec::with_capacity(keys.len());
    let mut at = 0usize;
    for (_, n) in keys {
        starts.push(at);
        at += *n as usize;
    }
    let digests: Vec<Fingerprint> = keys
        .par_iter()
        .zip(starts)
        .map(|(&(key, n), start)| {
            let mut f = crate::output::Fingerprinter::new();
            f.bytes(b"commands digest").fingerprint(key);
            let memo_key = f.finish();
            let kept = sink
                .recall(memo_key)
                .and_then(|b| <[u8; 16]>::try_from(b).ok())
                .map(Fingerprint::from_bytes);
            kept.unwrap_or_else(|| {
                let mine = docs.get(start..start + n as usize).unwrap_or_default();
                let digest = super::commands::digest(mine);
                sink.remember(memo_key, digest.to_bytes().to_vec());
                digest
            })
        })
        .collect();
    let mut f = crate::output::Fingerprinter::new();
    f.bytes(b"commands page listing")
        .bytes(&(digests.len() as u64).to_le_bytes());
    for d in digests {
        f.fingerprint(d);
    }
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::test_book::TestBook;

    #[test]
    fn documents_come_back_field_for_field_and_damage_is_refused() {
        let dir = TestBook::new();
        dir.write(
            "content/01-ch/01-a.toml",
            r#"title = "Upgrade from [[from]]"
intro = "Read the [manual](ext:manual)."
[[section]]
id = "s"
title = "S"
[[section.step]]
id = "one"
title = "Stop"
body = "Stop the service."
[[section.step.part]]
shell = "sh"
cmd = "systemctl stop app"
[[section.step.variant]]
when = "os = win"
body = "Open Services."
[[section.step.variant]]
when = "os = unix"
body = "Run it as root."
"#,
        );
        let (book, _) = crate::resolve::load_book(dir.root()).expect("a clean book");
        let docs = docs::collect(&book);
        assert!(
            docs.iter().any(|d| !d.slices.conditions.is_empty()),
            "{docs:?}"
        );
        assert!(docs.iter().any(|d| !d.commands.is_empty()), "{docs:?}");
        let bytes = encode(&docs);
        let back = decode(&bytes).expect("decodes");
        assert_eq!(format!("{back:?}"), format!("{docs:?}"));
        assert!(decode(&bytes[..bytes.len() - 1]).is_none(), "cut short");
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_none(), "trailing bytes");

        // Lean, the same documents but for their bodies and GUI paths; the commands page's
        // listing made from them is the listing made from the whole ones.
        let lean = decode_lean(&bytes).expect("decodes lean");
        let mut expected = docs.clone();
        for d in &mut expected {
            d.body.clear();
            d.gui.clear();
        }
        assert!(docs.iter().any(|d| !d.body.is_empty()));
        assert_eq!(format!("{lean:?}"), format!("{expected:?}"));
        assert_eq!(
            format!("{:?}", super::super::commands::for_site(&lean)),
            format!("{:?}", super::super::commands::for_site(&docs))
        );
        assert!(
            decode_lean(&bytes[..bytes.len() - 1]).is_none(),
            "cut short"
        );
        assert!(decode_lean(&longer).is_none(), "trailing bytes");
    }
}
