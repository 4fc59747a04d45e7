//! Resolved procedures kept in the build memo ([`crate::output::memo`]), so that a rebuild
//! after an edit parses and resolves only the procedure files that changed.
//!
//! Resolving a procedure reads its own file and what every procedure shares: book.toml,
//! the theme's words, reusable steps, chapter and group files (their conditions), and
//! where the file stands among the others (its number, its file id). A piece is kept
//! under the fingerprint of all of that: the shared part is every file the load read, in
//! reading order, by name, with the text of every file but the procedures; the
//! procedure's own part is its file id and text. Any change to a shared file, and any
//! file added, removed or renamed, changes every key, so the whole book is resolved
//! again; an edit inside procedure files changes only theirs.
//!
//! A piece is what resolving the file added to the resolver (the procedure, its link
//! targets, its Markdown and commands for the link check and the lints, the placeholders
//! and problems it names), replayed in place of resolving it. Only a procedure that
//! resolved without any diagnostic is kept: one with a warning is resolved every time, so
//! the warning is reported every time. A piece that does not decode whole, or names a
//! file the load did not read, is a miss.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{CommandSite, Prose};
use crate::diagnostics::{FileId, SourceMap};
use crate::model::{Procedure, Step, Target};
use crate::output::memo::Memo;
use crate::output::{Fingerprint, Fingerprinter};

/// Format of a piece; part of every key.
const FORMAT: &[u8] = b"resolved procedure 3";

/// A link target as the resolver defines it: the key, where it is written, the target.
pub(super) type Define = (String, FileId, Range<usize>, Arc<Target>);

/// What resolving one procedure file added to the resolver, as a piece holds it.
#[derive(Debug, Deserialize)]
pub(super) struct Remembered {
    pub procedure: Procedure,
    /// The procedure's fingerprint for the build's keys, as hashed when it was kept.
    pub fingerprint: [u8; 16],
    pub defines: Vec<Define>,
    pub prose: Vec<Prose>,
    pub ref_uses: Vec<(FileId, Range<usize>, String)>,
    pub commands: Vec<CommandSite>,
    pub placeholders: Vec<String>,
    /// Each step's `problems = [...]`: the step, the file, the id as written and where.
    pub problem_uses: Vec<(String, FileId, String, Range<usize>)>,
}

/// [`Remembered`] borrowed from the resolver, to encode: serialised field for field as
/// the owned form reads it.
#[derive(Serialize)]
pub(super) struct Recorded<'r> {
    pub procedure: &'r Procedure,
    pub fingerprint: [u8; 16],
    pub defines: &'r [Define],
    pub prose: Vec<ProseRecord<'r>>,
    pub ref_uses: &'r [(FileId, Range<usize>, String)],
    pub commands: &'r [CommandSite],
    pub placeholders: &'r BTreeSet<String>,
    pub problem_uses: Vec<(&'r str, FileId, &'r str, Range<usize>)>,
}

/// A [`Prose`] as a piece keeps it: its links scanned, not its text (serialised field for
/// field as the owned form reads it, the text empty).
#[derive(Serialize)]
pub(super) struct ProseRecord<'r> {
    file: FileId,
    span: Range<usize>,
    text: &'static str,
    owner: &'r str,
    scanned: Option<&'r super::links::Scanned>,
}

impl<'r> ProseRecord<'r> {
    pub fn of(p: &'r Prose) -> ProseRecord<'r> {
        ProseRecord {
            file: p.file,
            span: p.span.clone(),
            // Kept only where its links are: what the link check reads of it.
            text: "",
            owner: &p.owner,
            scanned: p.scanned.as_ref(),
        }
    }
}

impl Recorded<'_> {
    fn encode(&self) -> Vec<u8> {
        crate::output::memo::pack(self)
    }
}

/// The piece `bytes` holds, or `None` unless it decodes whole and names only files below
/// `files`.
fn decode(bytes: &[u8], files: usize) -> Option<Remembered> {
    let r: Remembered = crate::output::memo::unpack(bytes)?;
    let known = r.files().all(|f| f < files);
    known.then_some(r)
}

impl Remembered {
    /// Every file id the piece names.
    fn files(&self) -> impl Iterator<Item = FileId> + '_ {
        let steps = self.procedure.sections.iter().flat_map(|s| s.all_steps());
        steps
            .flat_map(|s: &Step| std::iter::once(s.origin.0))
            .chain(self.defines.iter().map(|d| d.1))
            .chain(self.prose.iter().map(|p| p.file))
            .chain(self.ref_uses.iter().map(|r| r.0))
            .chain(self.commands.iter().map(|c| c.file))
            .chain(self.problem_uses.iter().map(|p| p.1))
    }
}

/// The memo's resolved procedures for one load: the key of each procedure file, and the
/// pieces found for them, taken as the resolver reaches each file.
pub(crate) struct Remembering<'m> {
    memo: &'m Memo,
    keys: HashMap<FileId, Fingerprint>,
    found: Mutex<HashMap<FileId, Remembered>>,
    /// How many pieces the look-up found.
    hits: usize,
}

impl<'m> Remembering<'m> {
    /// Looks up every file of `procedures` (read into `sources`, not parsed) in `memo`,
    /// decoding the pieces on all cores.
    pub fn look_up(memo: &'m Memo, sources: &SourceMap, procedures: &[FileId]) -> Self {
        let own: std::collections::HashSet<FileId> = procedures.iter().copied().collect();
        let mut shared = Fingerprinter::new();
        shared.bytes(FORMAT);
        for file in 0..sources.len() {
            shared.bytes(sources.display(file).as_bytes());
            let text = if own.contains(&file) {
                ""
            } else {
                sources.text(file)
            };
            shared.bytes(text.as_bytes());
        }
        let shared = shared.finish();
        let files = sources.len();
        let keyed: Vec<(FileId, Fingerprint, Option<Remembered>)> = procedures
            .par_iter()
            .map(|&file| {
                let key = Fingerprinter::new()
                    .fingerprint(shared)
                    .bytes(&(file as u64).to_le_bytes())
                    .bytes(sources.text(file).as_bytes())
                    .finish();
                let found = memo.peek(key).and_then(|b| decode(b, files));
                (file, key, found)
            })
            .collect();
        let mut keys = HashMap::with_capacity(keyed.len());
        let mut found = HashMap::new();
        for (file, key, piece) in keyed {
            keys.insert(file, key);
            if let Some(piece) = piece {
                // Kept for the next build as it was, unless this one resolves it again.
                memo.recall(key);
                found.insert(file, piece);
            }
        }
        Remembering {
            memo,
            keys,
            hits: found.len(),
            found: Mutex::new(found),
        }
    }

    /// Whether a piece was found for `file`: it need not be parsed.
    pub fn has(&self, file: FileId) -> bool {
        self.lock().contains_key(&file)
    }

    /// How many procedures had a piece, and how many did not.
    pub fn counts(&self) -> (usize, usize) {
        (self.hits, self.keys.len() - self.hits)
    }

    /// The piece for `file`, taken (each is replayed once).
    pub(super) fn take(&self, file: FileId) -> Option<Remembered> {
        self.lock().remove(&file)
    }

    /// Keeps what resolving `file` added, for the next build.
    pub(super) fn keep(&self, file: FileId, recorded: &Recorded<'_>) {
        if let Some(&key) = self.keys.get(&file) {
            self.memo.remember(key, recorded.encode());
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<FileId, Remembered>> {
        self.found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::test_book::TestBook;

    /// Steps of every kind, a reusable step, conditions, variants and a problem: what a
    /// piece must carry back exactly.
    fn book() -> TestBook {
        let book = TestBook::new();
        book.write(
            "content/_steps/restart.toml",
            "title = \"Restart\"\nproblems = [\"stuck\"]\n\n[[part]]\nshell = \"sh\"\ncmd = \"systemctl restart app\"\n",
        )
        .write(
            "content/_problems/stuck.toml",
            "title = \"Stuck\"\n\n[symptom]\ntext = \"It hangs.\"\n\n[[cause]]\ntext = \"A lock.\"\n",
        )
        .write(
            "content/01-ch/01-upgrade.toml",
            r#"title = "Upgrade"
when = "os = unix"
intro = "See [](ext:manual) and [the check](#check)."

[[section]]
id = "prep"
title = "Prepare"

[[section.step]]
id = "stop"
title = "Stop it"
body = "Stop **everything**."

[[section.step.part]]
shell = "sh"
cmd = "app stop --all"

[[section.step.part]]
gui = "[Console]→[Stop]"

[[section.step.variant]]
when = "from >= 2.0"
label = "2.0 and later"
[[section.step.variant.part]]
note = "Wait a minute."

[[section.step.variant]]
when = "from < 2.0"
label = "Before 2.0"
[[section.step.variant.part]]
caution = "Wait longer."

[[section.step]]
id = "again"
use = "restart"

[[section]]
id = "check"
title = "Check"

[[section.branch]]
label = "Newer"
when = "from >= 3.0"
[[section.branch.step]]
id = "look"
title = "Look"
"#,
        )
        .write(
            "content/01-ch/02-other.toml",
            "title = \"Other\"\n\n[[section]]\nid = \"s\"\ntitle = \"S\"\n\n[[section.step]]\nid = \"one\"\ntitle = \"One [](#upgrade/stop)\"\n",
        );
        book
    }

    fn procedures(book: &crate::model::Book) -> Vec<Procedure> {
        book.procedures().cloned().collect()
    }

    #[test]
    fn a_load_from_the_memo_is_the_load_itself() {
        let book = book();
        let out = book.root().join("site");
        let plain = crate::resolve::load_book(book.root()).expect("the book loads");
        let first_memo = Memo::open(&out, false);
        let (first, _) =
            crate::resolve::load_book_remembering(book.root(), &first_memo, None).expect("loads");
        assert_eq!(procedures(&first), procedures(&plain.0));
        first_memo.write(&out).expect("the memo is written");

        // Every procedure is found in the memo the first load left.
        let memo = Memo::open(&out, false);
        let mut sources = SourceMap::default();
        let mut diags = crate::diagnostics::Diagnostics::default();
        crate::content::read_source(
            &book.root().join("book.toml"),
            "book.toml".into(),
            &mut sources,
            &mut diags,
        );
        let loaded = crate::content::read_content(book.root(), &mut sources, &mut diags);
        let files = super::super::procedure_files(&loaded);
        let found = Remembering::look_up(&memo, &sources, &files);
        assert_eq!(found.counts(), (2, 0));

        let (again, warnings) =
            crate::resolve::load_book_remembering(book.root(), &memo, None).expect("loads");
        assert!(warnings.items.is_empty());
        assert_eq!(procedures(&again), procedures(&plain.0));
        assert_eq!(again.targets.to_map(), plain.0.targets.to_map());
        assert_eq!(again.backlinks, plain.0.backlinks);
        assert_eq!(*again.problems, *plain.0.problems);
        // The fingerprint each brings is the one its procedure hashes to (a copy hashes
        // afresh).
        for p in again.procedures() {
            assert_eq!(
                crate::model::feed::procedure_fingerprint(p),
                crate::model::feed::procedure_fingerprint(&p.clone()),
            );
        }
    }

    #[test]
    fn a_piece_naming_a_file_the_load_did_not_read_is_a_miss() {
        let book = book();
        let (plain, _) = crate::resolve::load_book(book.root()).expect("the book loads");
        let procedure = plain.procedures().next().expect("a procedure");
        let placeholders = BTreeSet::new();
        let bytes = Recorded {
            procedure,
            fingerprint: [0; 16],
            defines: &[],
            prose: Vec::new(),
            ref_uses: &[],
            commands: &[],
            placeholders: &placeholders,
            problem_uses: Vec::new(),
        }
        .encode();
        let back = decode(&bytes, usize::MAX).expect("the piece decodes");
        assert_eq!(&back.procedure, procedure);
        // The reusable step's file as well as the procedure's own.
        let highest = back.files().max().expect("the piece names its files");
        assert!(decode(&bytes, highest + 1).is_some());
        assert!(decode(&bytes, highest).is_none());
        assert!(decode(&bytes[..bytes.len() - 1], usize::MAX).is_none());
    }

    proptest::proptest! {
        /// Damaged bytes decode to nothing or to a piece, never a panic.
        #[test]
        fn damaged_pieces_are_refused_without_a_panic(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512),
            flip in 0usize..512,
        ) {
            let _ = decode(&bytes, 8);
            let mut packed = lz4_flex::block::compress_prepend_size(&bytes);
            if let Some(b) = packed.get_mut(flip) {
                *b ^= 0x5a;
            }
            let _ = decode(&packed, 8);
        }
    }
}
