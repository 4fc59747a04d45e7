//! The offline index's document postings carried from one build to the next in the build
//! memo ([`crate::output::memo`]), patched where procedures changed.
//!
//! Analysing every document's text and gathering the postings is most of the offline
//! index's time (at 5,000 procedures, 0.8 s of the 1.1 s a rebuild spent on it), yet an
//! edit inside one procedure changes only the lists of the tokens its documents held
//! before or hold now: a document's postings are a function of the document and its id
//! alone ([`offline::doc_postings`]). So each build keeps, beside the coded lists, which
//! procedure each run of documents came from (the key its documents are stored under,
//! [`super::stored`]); the next build with the same documents in the same places
//! analyses only the changed procedures' documents, old (read back from the memo) and
//! new, takes their ids out of those tokens' lists and puts the new postings in.
//!
//! The result is the lists a full analysis makes, byte for byte: anything that moves an
//! id (a document more or fewer anywhere, a procedure moved) or touches what every
//! procedure shares (every key changes), a state that does not decode, or an old
//! procedure's documents missing from the memo, and the whole book is analysed again.
//! So is an edit of more than half the documents, where patching saves little.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::analyze::Analysis;
use super::docs::SearchDoc;
use super::offline::{
    self, doc_entry, doc_postings, push_packed, sort_entries, DocEntry, Packed, Searched, DOC_BITS,
    MASK_BITS, VERSION,
};
use super::pack::decode_ids;
use super::stored;
use crate::output::{Fingerprint, Fingerprinter, SharedOutput};

/// What the build knows of the previous one's offline index.
pub struct Prior<'a> {
    /// The memo the previous build's state is read from and this build's kept in.
    pub memo: &'a dyn SharedOutput,
    /// What every procedure's key holds of the book (its shared part): names the state,
    /// so a translated book's index never reads the source's.
    pub scope: Fingerprint,
    /// Each procedure's key ([`crate::render::inputs::Inputs::search_docs`]) and how
    /// many documents it has, in reading order.
    pub procedures: &'a [(Fingerprint, u32)],
    /// Beside each of `procedures`, whether its documents are lean (read without body and
    /// GUI paths, [`stored::decode_lean`]): a changed procedure's must not be, since its
    /// postings are made from them (empty: none is).
    pub lean: &'a [bool],
}

/// The state as written: borrowed.
#[derive(Serialize)]
struct Out<'a> {
    docs: u32,
    procedures: Vec<([u8; 16], u32)>,
    entries: Vec<(u32, &'a str, &'a str, u64)>,
}

/// The state as read back.
#[derive(Deserialize)]
struct In {
    docs: u32,
    procedures: Vec<([u8; 16], u32)>,
    entries: Vec<(u32, String, String, u64)>,
}

fn key(prior: &Prior<'_>, analysis: Analysis) -> Fingerprint {
    let mut f = Fingerprinter::new();
    f.bytes(b"offline document postings")
        .bytes(&VERSION.to_le_bytes())
        .bytes(analysis.code().as_bytes())
        .fingerprint(prior.scope);
    f.finish()
}

/// Keeps `entries`, the document entries of this build's `docs` documents, for the next
/// build.
pub fn remember(prior: &Prior<'_>, entries: &[DocEntry], docs: u32, analysis: Analysis) {
    let out = Out {
        docs,
        procedures: prior
            .procedures
            .iter()
            .map(|(k, n)| (k.to_bytes(), *n))
            .collect(),
        entries: entries
            .iter()
            .map(|e| (e.hash, e.token.as_str(), e.docs.as_str(), e.pairs))
            .collect(),
    };
    // Written into room for its largest encoding (each varint at its widest): a vector
    // grown by doubling touches twice the state's megabytes of fresh memory, and on a
    // virtual machine first touches are what memory costs.
    let room = 16
        + out.procedures.len() * (16 + 5)
        + out
            .entries
            .iter()
            .map(|(_, token, docs, _)| 5 + 10 + token.len() + 10 + docs.len() + 10)
            .sum::<usize>();
    // Numbers and strings only: serialising them into memory cannot fail.
    if let Ok(bytes) = postcard::to_io(&out, Vec::with_capacity(room)) {
        prior.memo.remember(key(prior, analysis), bytes);
    }
}

/// The document entries of `docs` made from the previous build's, or `None` when they
/// must be made whole (see the module's notes).
pub fn patched(prior: &Prior<'_>, docs: &[SearchDoc], analysis: Analysis) -> Option<Vec<DocEntry>> {
    let n = u32::try_from(docs.len()).ok()?;
    let bytes = prior.memo.peek(key(prior, analysis))?;
    let (state, rest): (In, &[u8]) = postcard::take_from_bytes(bytes).ok()?;
    if !rest.is_empty() || state.docs != n || state.procedures.len() != prior.procedures.len() {
        return None;
    }
    // Each changed procedure's first document, count and previous key.
    let mut changed: Vec<(u32, u32, Fingerprint)> = Vec::new();
    let mut first = 0u32;
    let pairs = state.procedures.iter().zip(prior.procedures);
    for (i, ((old, old_count), (new, count))) in pairs.enumerate() {
        if old_count != count {
            return None;
        }
        let old = Fingerprint::from_bytes(*old);
        if old != *new {
            if prior.lean.get(i).copied().unwrap_or(false) {
                return None;
            }
            changed.push((first, *count, old));
        }
        first = first.checked_add(*count)?;
    }
    let touched: u32 = changed.iter().map(|c| c.1).sum();
    if first != n || touched > n / 2 {
        return None;
    }
    let mut entries: Vec<DocEntry> = state
        .entries
        .into_iter()
        .map(|(hash, token, docs, pairs)| DocEntry {
            hash,
            token,
            docs,
            pairs,
        })
        .collect();
    if changed.is_empty() {
        return Some(entries);
    }
    let mut read: Vec<(u32, Vec<SearchDoc>)> = Vec::new();
    for &(first, count, old) in &changed {
        let was = stored::decode(prior.memo.peek(old)?)?;
        if was.len() != count as usize {
            return None;
        }
        read.push((first, was));
    }
    let old_docs: Vec<(u32, Searched)> = read
        .iter()
        .flat_map(|(first, was)| (*first..).zip(was.iter().map(Searched::from)))
        .collect();
    let old_docs: Vec<(u32, &Searched)> = old_docs.iter().map(|(id, d)| (*id, d)).collect();
    let new_docs: Vec<(u32, Searched)> = changed
        .iter()
        .flat_map(|&(first, count, _)| {
            (first..first + count).map(|id| (id, Searched::from(&docs[id as usize])))
        })
        .collect();
    let new_docs: Vec<(u32, &Searched)> = new_docs.iter().map(|(id, d)| (*id, d)).collect();
    let was = doc_postings(&old_docs, n, analysis);
    let mut now: std::collections::HashMap<String, Packed> =
        doc_postings(&new_docs, n, analysis).into_iter().collect();
    // Tokens whose postings in the changed documents are what they were keep their lists
    // (most of an edited procedure's words): only the others are coded again.
    let mut tokens: Vec<String> = Vec::new();
    for (token, list) in was {
        match now.get(&token) {
            Some(same) if *same == list => {
                now.remove(&token);
            }
            _ => tokens.push(token),
        }
    }
    tokens.extend(now.keys().cloned());
    tokens.sort_unstable();
    tokens.dedup();
    // A document's slices are ids `t * n + d`: all of document `d`'s are `d` modulo `n`.
    let is_changed = |p: u32| {
        let d = (p >> MASK_BITS) % n;
        changed.iter().any(|&(f, c, _)| d >= f && d < f + c)
    };
    // Each token's list made again on its own (a common word's runs over every document).
    let redone: Vec<(Result<usize, usize>, Option<DocEntry>)> = tokens
        .into_par_iter()
        .map(|token| {
            let hash = offline::token_hash(&token);
            let at = entries.binary_search_by(|e| (e.hash, e.token.as_str()).cmp(&(hash, &token)));
            let mut list = match at {
                Ok(i) => decode_list(&entries[i].docs, n)?,
                Err(_) => Vec::new(),
            };
            list.retain(|&p| !is_changed(p));
            if let Some(fresh) = now.get(&token) {
                list = merge(&list, fresh);
            }
            Some((at, (!list.is_empty()).then(|| doc_entry(token, &list, n))))
        })
        .collect::<Option<_>>()?;
    crate::timing::note(&format!(
        "offline: postings patched for {touched} changed documents, {} tokens coded again",
        redone.len()
    ));
    let mut added = Vec::new();
    for (at, entry) in redone {
        match (at, entry) {
            // Emptied: dropped below.
            (Ok(i), None) => entries[i].docs.clear(),
            (Ok(i), Some(e)) => entries[i] = e,
            (Err(_), Some(e)) => added.push(e),
            // The previous documents held a token the previous lists lack: the state is
            // not those documents'.
            (Err(_), None) => return None,
        }
    }
    entries.retain(|e| !e.docs.is_empty());
    entries.append(&mut added);
    sort_entries(&mut entries);
    Some(entries)
}

/// The postings [`offline::encode`] coded as `s` (in a book of `n` documents), or `None`
/// when `s` is not such a list.
fn decode_list(s: &str, n: u32) -> Option<Packed> {
    let mut list = Packed::new();
    for (part, &bit) in s
        .split(',')
        .zip(DOC_BITS.iter().chain(std::iter::repeat(&0)))
    {
        if bit == 0 {
            return None;
        }
        let (low, high) = part.split_once(';').unwrap_or((part, ""));
        let mut ids = decode_ids(low)?;
        for id in decode_ids(high)? {
            ids.push(id.checked_add(n)?);
        }
        if ids.iter().any(|&id| id >= 1 << (32 - MASK_BITS)) {
            return None;
        }
        list = or_merge(&list, &ids, bit);
    }
    Some(list)
}

/// `list` with `bit` set on each of `ids` (sorted), added where it lacks them.
fn or_merge(list: &[u32], ids: &[u32], bit: u32) -> Packed {
    let mut out = Vec::with_capacity(list.len() + ids.len());
    let (mut i, mut j) = (0, 0);
    while i < list.len() || j < ids.len() {
        let here = list.get(i).map(|p| p >> MASK_BITS);
        match (here, ids.get(j)) {
            (Some(a), Some(&b)) if a == b => {
                out.push(list[i] | bit);
                i += 1;
                j += 1;
            }
            (Some(a), Some(&b)) if b < a => {
                push_packed(&mut out, b, bit);
                j += 1;
            }
            (Some(_), _) => {
                out.push(list[i]);
                i += 1;
            }
            (None, Some(&b)) => {
                push_packed(&mut out, b, bit);
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// Two posting lists sorted by id, with no id in both, as one.
fn merge(a: &[u32], b: &[u32]) -> Packed {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] >> MASK_BITS < b[j] >> MASK_BITS {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coded_list_reads_back_as_it_was() {
        let n = 1000;
        // Ids of documents and of slices (past `n`), masks of one or several fields.
        let list: Packed = [
            (0u32, 1u32),
            (3, 4 | 2),
            (17, 16 | 1),
            (999, 8),
            (1000 + 3, 4),
            (2000 + 17, 2 | 4 | 8),
        ]
        .iter()
        .map(|&(id, mask)| id << MASK_BITS | mask)
        .collect();
        let coded = offline::encode(&list, &DOC_BITS, n);
        assert_eq!(decode_list(&coded, n), Some(list));
        assert_eq!(decode_list("", n), Some(Vec::new()));
        assert_eq!(decode_list("A,A,A,A,A,A", n), None, "six fields");
        assert_eq!(decode_list("!", n), None, "not a letter of the code");
    }

    /// A memo in memory: what a previous build left, and what this one keeps.
    #[derive(Default)]
    struct Memo {
        previous: std::collections::HashMap<Fingerprint, Vec<u8>>,
        kept: std::sync::Mutex<Vec<(Fingerprint, Vec<u8>)>>,
    }

    impl SharedOutput for Memo {
        fn put(&self, _: &str, _: &[u8]) -> anyhow::Result<()> {
            Ok(())
        }
        fn put_with(
            &self,
            _: &str,
            _: &mut dyn FnMut(&mut dyn std::io::Write) -> anyhow::Result<()>,
        ) -> anyhow::Result<()> {
            Ok(())
        }
        fn peek(&self, key: Fingerprint) -> Option<&[u8]> {
            self.previous.get(&key).map(Vec::as_slice)
        }
        fn remember(&self, key: Fingerprint, bytes: Vec<u8>) {
            self.kept.lock().unwrap().push((key, bytes));
        }
    }

    fn procedure(body: &str, steps: usize) -> String {
        let mut t = String::from(
            "title = \"Restore the queue\"\n[[section]]\nid = \"s\"\ntitle = \"Steps\"\n",
        );
        for i in 0..steps {
            t.push_str(&format!(
                "[[section.step]]\nid = \"t{i}\"\ntitle = \"Step {i}\"\nbody = \"{body} {i}\"\n\
                 [[section.step.part]]\nshell = \"sh\"\ncmd = \"qmgr -c 'start queue q{i}'\"\n\
                 [[section.step.variant]]\nwhen = \"os = win\"\nbody = \"Open the console.\"\n\
                 [[section.step.variant]]\nwhen = \"os = unix\"\nbody = \"Run it as root.\"\n"
            ));
        }
        t
    }

    type SearchDocRef = super::super::docs::SearchDoc;
    type Read = (
        Vec<SearchDocRef>,
        Vec<Vec<SearchDocRef>>,
        Vec<(Fingerprint, u32)>,
    );

    /// The book's documents, and each procedure's documents and key (the key of their
    /// bytes: as the build's, it changes exactly when they do).
    fn read(book: &crate::resolve::test_book::TestBook) -> Read {
        let (book, _) = crate::resolve::load_book(book.root()).expect("a clean book");
        let (docs, counts) = super::super::docs::collect_with(&book, &|_, read| read());
        let mut each = Vec::new();
        let mut keys = Vec::new();
        let mut at = 0;
        for (_, n) in counts {
            let mine = docs[at..at + n as usize].to_vec();
            keys.push((Fingerprint::of(&stored::encode(&mine)), n));
            each.push(mine);
            at += n as usize;
        }
        (docs, each, keys)
    }

    fn whole(docs: &[SearchDocRef]) -> Vec<(u32, String, String, u64)> {
        let docs: Vec<Searched> = docs.iter().map(Searched::from).collect();
        let n = docs.len() as u32;
        offline::doc_entries(
            doc_postings(&offline::numbered(&docs), n, Analysis::English),
            n,
        )
        .into_iter()
        .map(|e| (e.hash, e.token, e.docs, e.pairs))
        .collect()
    }

    #[test]
    fn an_edited_procedure_patches_the_lists_to_what_a_whole_analysis_makes() {
        let dir = crate::resolve::test_book::TestBook::new();
        for (i, body) in ["Stop the daemon", "Drain the queue", "Start the daemon"]
            .iter()
            .enumerate()
        {
            dir.write(
                &format!("content/01-ch/0{i}-p{i}.toml"),
                &procedure(body, 3),
            );
        }
        let (docs, _, keys) = read(&dir);
        let scope = Fingerprint::of(b"shared");
        let first = Memo::default();
        let prior = Prior {
            memo: &first,
            scope,
            procedures: &keys,
            lean: &[],
        };
        assert!(
            patched(&prior, &docs, Analysis::English).is_none(),
            "nothing kept yet"
        );
        let n = docs.len() as u32;
        let searched: Vec<Searched> = docs.iter().map(Searched::from).collect();
        let entries = offline::doc_entries(
            doc_postings(&offline::numbered(&searched), n, Analysis::English),
            n,
        );
        remember(&prior, &entries, n, Analysis::English);
        let (_, old_each, _) = read(&dir);

        // One procedure edited in place: a word gone, a word new, the same steps.
        dir.write("content/01-ch/01-p1.toml", &procedure("Flush the spool", 3));
        let (docs, _, new_keys) = read(&dir);
        assert_ne!(keys[1], new_keys[1]);
        let mut second = Memo {
            previous: first.kept.lock().unwrap().drain(..).collect(),
            ..Memo::default()
        };
        let state = second.previous.clone();
        second
            .previous
            .insert(keys[1].0, stored::encode(&old_each[1]));
        let prior = Prior {
            memo: &second,
            scope,
            procedures: &new_keys,
            lean: &[],
        };
        // An edited procedure whose documents were read lean (no body) is never patched
        // from them: the postings would lose its body's words.
        let lean = Prior {
            lean: &[false, true, false],
            ..prior
        };
        assert!(patched(&lean, &docs, Analysis::English).is_none());
        let made: Vec<_> = patched(&prior, &docs, Analysis::English)
            .expect("patched")
            .into_iter()
            .map(|e| (e.hash, e.token, e.docs, e.pairs))
            .collect();
        assert_eq!(made, whole(&docs));
        assert!(made.iter().any(|e| e.1 == "spool") && !made.iter().any(|e| e.1 == "drain"));

        // Without the old documents, or for another book, nothing is patched.
        let bare = Memo {
            previous: state,
            ..Memo::default()
        };
        assert!(patched(
            &Prior {
                memo: &bare,
                scope,
                procedures: &new_keys,
                lean: &[],
            },
            &docs,
            Analysis::English
        )
        .is_none());
        let other = Prior {
            memo: &second,
            scope: Fingerprint::of(b"other"),
            procedures: &new_keys,
            lean: &[],
        };
        assert!(patched(&other, &docs, Analysis::English).is_none());

        // A step more moves every later document's id: analysed whole.
        dir.write("content/01-ch/01-p1.toml", &procedure("Flush the spool", 4));
        let (docs, _, keys) = read(&dir);
        let prior = Prior {
            memo: &second,
            scope,
            procedures: &keys,
            lean: &[],
        };
        assert!(patched(&prior, &docs, Analysis::English).is_none());
    }

    proptest::proptest! {
        /// Whatever a damaged or forged memo holds as a list or as the whole state, it is
        /// read as nothing (the book is analysed whole), never a panic.
        #[test]
        fn damaged_lists_and_states_are_refused_without_a_panic(
            text in "[A-Za-z0-9_,;!-]{0,64}",
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256),
            n in 1u32..5000,
        ) {
            let _ = decode_list(&text, n);
            let _ = decode_ids(&text);
            let docs: Vec<SearchDoc> = Vec::new();
            let memo = Memo::default();
            let scope = Fingerprint::of(b"shared");
            let prior = Prior { memo: &memo, scope, procedures: &[(Fingerprint::of(b"p"), 0)], lean: &[] };
            let mut previous = Memo::default();
            previous.previous.insert(key(&prior, Analysis::Japanese), bytes);
            let prior = Prior { memo: &previous, ..prior };
            let _ = patched(&prior, &docs, Analysis::Japanese);
        }

        /// Any list of postings comes back from its coding as it was.
        #[test]
        fn any_list_reads_back(ids in proptest::collection::btree_set(0u32..60_000, 0..200), masks in proptest::collection::vec(1u32..32, 200)) {
            let n = 20_000;
            let list: Packed = ids.iter().zip(&masks).map(|(&id, &m)| id << MASK_BITS | m).collect();
            let coded = offline::encode(&list, &DOC_BITS, n);
            proptest::prop_assert_eq!(decode_list(&coded, n), Some(list));
        }
    }

    #[test]
    fn merged_lists_stay_in_id_order() {
        let p = |id: u32| id << MASK_BITS | 4;
        assert_eq!(
            merge(&[p(1), p(5)], &[p(2), p(9)]),
            vec![p(1), p(2), p(5), p(9)]
        );
        assert_eq!(merge(&[], &[p(2)]), vec![p(2)]);
    }
}
