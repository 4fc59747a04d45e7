//! The site's search index: plain `<script>` files that register themselves, because a
//! page opened from `file://` may not `fetch()`. A query loads `meta.js` once, then the
//! blocks of the vocabulary its words need (to complete the word being typed, to correct
//! a word the book does not use), then only the shards its tokens fall in, then only the
//! document chunks of the hits it shows and of the candidates whose phrase it must check
//! (and `conds.js` when the reader's environment rules some documents out).
//!
//! A step's conditional slices ([`docs::Slices`]) are posted under ids of their own, after
//! the documents' (`t * docs + d` for slice `t` of document `d`, see [`slice_planes`]), so
//! the engine folds a slice's postings into its document without a table, unless the
//! environment rules the slice out (and the document stays inside it): `slices.js`, loaded
//! only when the environment rules out one of `meta.sliceConds`, names each slice's
//! condition. A record's line tags leave such a slice's lines out of phrase checks and
//! snippets.
//!
//! The contract with the renderer and with `themes/default/search.js` (format
//! [`VERSION`] 6; the encodings, in string literals, are [`super::pack`]'s):
//!
//! | file | calls | holds |
//! | --- | --- | --- |
//! | `search/meta.js` | `window.tejunSearchMeta({...})` | `v`, `analysis` (the [`Analysis`] of every token, by its code: `ja`, `en`), `docs` (count), `shards` (varints: where each shard starts, in hash steps of 65,536, minus where the previous one does; shard 0 starts at 0), `groups` (varints: documents per group, in order), `chunks` (varints: documents per `docs-N.js`, in order), `dict` (the text every chunk's LZ77 starts from), `conds` (distinct conditions, `""` first: the documents' `docConds` first, then the slices'), `docConds`, `sliceConds` (the indices into `conds` of the slices' conditions), `clauses` (each distinct clause of those conditions once, `[source, words]`, see [`super::wording`]), `condClauses` (per condition, the documents' and the slices', the varints of its clauses), `words` (the first word of each vocabulary block, the first as `""`), `synonyms` (book.toml's `[search] synonyms`), `strings` (what the search box says: the `[search]` words of the language table), `problems`, `titles` (each title that shows facet values as written, `[[to.minor]]`, by the address of what it names, `page.html#anchor`, for the reader's values) |
//! | `search/words-N.js` | `window.tejunSearchWords({"block": n, "words": "..."})` | a stretch of the sorted vocabulary ([`super::expand`]): entries joined by a space, each the UTF-16 units it shares with the previous word of the block and its frequency bucket (a letter each), then the rest of the word |
//! | `search/shard-N.js` | `window.tejunSearchShard({"shard": n, "tokens": {...}, "groups": {...}})` | token → document postings, token → group postings |
//! | `search/docs-N.js` | `window.tejunSearchDocs({"chunk": n, "docs": "..."})` | LZ77 text (continuing `meta.dict`) of records (U+001E) of fields (U+001F): first `procedure, chapter, page` for each group the chunk's documents belong to, in order, then each document's `title, location, anchor, kind (p/s/t), condition (index into conds), lines (varints, pairs: a slice of the document, 0 for its own text, and how many lines of the text in a row are in it; empty when the document has no slices), text` |
//! | `search/slices.js` | `window.tejunSearchSlices({"slices": "..."})` | varints, two per slice of the book in order: its document minus the previous slice's, and its own condition (index into `conds`): the variant's, part's or item's alone |
//! | `search/conds.js` | `window.tejunSearchConds({"conds": [...]})` | per documents' condition of `meta.conds`, the id list of its documents |
//!
//! A token's shard is the last one whose start is at most `fnv1a32(UTF-16 code units of the
//! token)`; tokens are laid out in hash order and cut into shards of about [`SHARD_BYTES`]
//! (where the hash crosses a multiple of 65,536), so a query loads a few small files
//! whatever the book's size. A document posting is five id lists joined by `,` (trailing
//! empty ones left out): the documents with the token in their title, in a command, in the
//! body, in a GUI path, and in a short title (the masks 1, 2, 4, 8, 16: what
//! [`super::rank`] weighs); each list is the documents' ids, then, after a `;` when there
//! are any, the slices' ids less the number of documents. A group posting is two: the groups with the token in their
//! procedure's title, in their chapter's title. A group is a run of documents of one
//! procedure: every step shares those words, so they are stored once per procedure
//! rather than once per step.
//!
//! Document chunks hold about [`CHUNK_BYTES`] of records each, so the 20 hits a page shows
//! cost about 20 small files; what makes them small is the LZ77
//! [dictionary](super::pack::dictionary) of segments that recur across the book, shipped
//! once in `meta.js`.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use rayon::prelude::*;

use super::analyze::{analyze_each_in, Analysis};
use super::carried;
use super::docs::{self, DocKind, SearchDoc};
use super::expand::{bucket, is_word};
use super::pack::{
    self, dictionary_of_sample, push_ids, push_js_str, push_lz, push_varint, sample_step, LzDict,
    TokenHasher, FIELD, RECORD,
};
use super::wording::{Clause, Wording};
use crate::model::Book;
use crate::output::{Fingerprint, Fingerprinter};
use crate::render::{IndexFile, IndexKept};

/// Format version of the files, checked by `search.js`.
pub const VERSION: u32 = 6;
/// A shard is closed once its postings reach this many bytes.
pub const SHARD_BYTES: usize = 2048;
/// Shards start at multiples of this hash step, so `meta.js` lists them in a few letters.
pub const SHARD_STEP: u32 = 1 << 16;
/// A document chunk is closed once its records, before LZ77, reach this many bytes.
pub const CHUNK_BYTES: usize = 8192;
/// UTF-16 units of the LZ77 dictionary the chunks share (in `meta.js`).
pub const DICT_UNITS: usize = 4096;
/// A block of the vocabulary is closed once its entries reach this many bytes.
pub const WORD_BLOCK_BYTES: usize = 2048;

/// Posting mask bit: the token is in the title.
pub const MASK_TITLE: u32 = 1;
/// Posting mask bit: the token is in a command.
pub const MASK_COMMAND: u32 = 2;
/// Posting mask bit: the token is in the body.
pub const MASK_BODY: u32 = 4;
/// Posting mask bit: the token is in a GUI path.
pub const MASK_GUI: u32 = 8;
/// Beside [`MASK_TITLE`] when the title is short ([`super::rank::is_short`]).
pub const MASK_SHORT_TITLE: u32 = 16;
/// Group posting mask bit: the token is in the procedure's title.
pub const MASK_GROUP_PROCEDURE: u32 = 1;
/// Group posting mask bit: the token is in the chapter's title.
pub const MASK_GROUP_CHAPTER: u32 = 2;

/// What [`write_offline_index`] wrote.
#[derive(Debug, Clone, Default)]
pub struct OfflineStats {
    /// Documents indexed.
    pub docs: usize,
    /// Distinct tokens.
    pub tokens: usize,
    /// Token shards.
    pub shards: usize,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: usize,
}

/// Every document with every field, for an index given lean ones ([`write_index`]).
pub type Whole<'a> = dyn Fn() -> Vec<SearchDoc> + Sync + 'a;

/// FNV-1a (32 bits) over the UTF-16 code units of `token`: what `search.js` computes with
/// `charCodeAt` and `Math.imul`.
pub fn token_hash(token: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for unit in token.encode_utf16() {
        h ^= u32::from(unit);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The file of token shard `shard`.
pub fn shard_file(shard: usize) -> String {
    format!("search/shard-{shard}.js")
}

/// The file of vocabulary block `block`.
pub fn words_file(block: usize) -> String {
    format!("search/words-{block}.js")
}

/// The vocabulary sorted and cut into blocks of about [`WORD_BLOCK_BYTES`]: the first word
/// of each block (the first block's as `""`), and each block's file. An entry is the
/// number of UTF-16 units it shares with the word before it in its block and its
/// frequency bucket (a letter each), then the rest of the word; entries are joined by a
/// space, which no token holds.
fn word_blocks(mut words: Vec<(String, u32)>) -> (Vec<String>, Vec<String>) {
    words.sort();
    let mut firsts = Vec::new();
    let mut blocks: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut prev: Vec<u16> = Vec::new();
    for (w, b) in &words {
        if text.len() >= WORD_BLOCK_BYTES {
            blocks.push(std::mem::take(&mut text));
        }
        if text.is_empty() {
            firsts.push(if blocks.is_empty() {
                String::new()
            } else {
                w.clone()
            });
            prev.clear();
        } else {
            text.push(' ');
        }
        let units: Vec<u16> = w.encode_utf16().collect();
        let shared = prev
            .iter()
            .zip(&units)
            .take_while(|(a, b)| a == b)
            .count()
            .min(63);
        // Never split a surrogate pair: the rest must be a string of its own.
        let shared = if shared > 0 && (0xD800..0xDC00).contains(&units[shared - 1]) {
            shared - 1
        } else {
            shared
        };
        text.push(pack::LETTERS[shared] as char);
        text.push(pack::LETTERS[(*b).min(63) as usize] as char);
        text.push_str(&String::from_utf16_lossy(&units[shared..]));
        prev = units;
    }
    if !text.is_empty() || blocks.is_empty() {
        if firsts.len() == blocks.len() {
            firsts.push(String::new());
        }
        blocks.push(text);
    }
    let files = blocks
        .iter()
        .enumerate()
        .map(|(n, t)| {
            let mut out = format!("window.tejunSearchWords({{\"block\":{n},\"words\":");
            push_js_str(&mut out, t);
            out.push_str("});\n");
            out
        })
        .collect();
    (firsts, files)
}

/// The file of document chunk `chunk`.
pub fn docs_file(chunk: usize) -> String {
    format!("search/docs-{chunk}.js")
}

/// (id, mask) pairs sorted by id: a token's documents or groups.
pub type List = Vec<(u32, u32)>;

/// Token → its list.
pub type Postings = HashMap<String, List, BuildHasherDefault<TokenHasher>>;

type Map<K, V> = HashMap<K, V, BuildHasherDefault<TokenHasher>>;

/// Token → postings, for documents or groups: every distinct text is analysed once (in
/// parallel), however many documents carry it; a book repeats itself a lot (a reused
/// step, a command, a variant's label).
struct Builder<'a> {
    /// Distinct text → its index in `texts`.
    text_ids: Map<&'a str, u32>,
    texts: Vec<&'a str>,
    /// Per id (document or group): (text, mask) pairs.
    fields: Vec<(u32, u32, u32)>,
    analysis: Analysis,
}

impl<'a> Builder<'a> {
    fn new(analysis: Analysis) -> Self {
        Builder {
            text_ids: Map::default(),
            texts: Vec::new(),
            fields: Vec::new(),
            analysis,
        }
    }

    fn add(&mut self, id: u32, text: &'a str, mask: u32) {
        let next = self.texts.len() as u32;
        let t = *self.text_ids.entry(text).or_insert(next);
        if t == next {
            self.texts.push(text);
        }
        self.fields.push((id, t, mask));
    }

    /// Token → packed (id, mask) postings sorted by id, tokens in no particular order.
    fn finish(self) -> Vec<(String, Packed)> {
        // Runs of distinct texts are analysed in parallel, each interning its tokens in a
        // map of its own: per text, the run's ids of its distinct tokens (one flat list per
        // run and where each text's part ends; a list per text would cost its own slack).
        let run = self
            .texts
            .len()
            .div_ceil(rayon::current_num_threads() * 4)
            .max(64);
        let runs: Vec<Run> = self
            .texts
            .par_chunks(run)
            .map(|texts| {
                let mut ids: Map<String, u32> = Map::default();
                // Per token, the last text (+ 1) that listed it.
                let mut listed: Vec<u32> = Vec::new();
                let mut flat = Vec::new();
                let mut ends = Vec::with_capacity(texts.len());
                for (t, n) in texts.iter().zip(1..) {
                    analyze_each_in(t, self.analysis, &mut |tok| {
                        let id = match ids.get(tok.text) {
                            Some(&id) => id,
                            None => {
                                let id = listed.len() as u32;
                                ids.insert(tok.text.to_string(), id);
                                listed.push(0);
                                id
                            }
                        };
                        if listed[id as usize] != n {
                            listed[id as usize] = n;
                            flat.push(id);
                        }
                    });
                    ends.push(flat.len());
                }
                flat.shrink_to_fit();
                let mut names = vec![String::new(); ids.len()];
                for (name, id) in ids {
                    names[id as usize] = name;
                }
                Run { names, flat, ends }
            })
            .collect();
        // One id per token across the runs.
        let mut token_ids: Map<&str, u32> = Map::default();
        let mut tokens: Vec<&str> = Vec::new();
        let global: Vec<Vec<u32>> = runs
            .iter()
            .map(|r| {
                r.names
                    .iter()
                    .map(|name| {
                        let next = tokens.len() as u32;
                        let id = *token_ids.entry(name.as_str()).or_insert(next);
                        if id == next {
                            tokens.push(name);
                        }
                        id
                    })
                    .collect()
            })
            .collect();
        // The lists, for runs of fields in parallel, then joined token by token (an id cut
        // in two between runs is joined back).
        let per = self
            .fields
            .len()
            .div_ceil(rayon::current_num_threads())
            .max(1024);
        let parts: Vec<Vec<Packed>> = self
            .fields
            .par_chunks(per)
            .map(|fields| {
                let mut lists: Vec<Packed> = vec![Vec::new(); tokens.len()];
                for &(id, text, mask) in fields {
                    let (r, k) = (text as usize / run, text as usize % run);
                    for &t in runs[r].text(k) {
                        push_packed(&mut lists[global[r][t as usize] as usize], id, mask);
                    }
                }
                lists
            })
            .collect();
        // Each token's pieces, moved (not copied) out of the parts, so that every piece is
        // freed as soon as its token's list is joined: the postings of a large book are
        // tens of millions, and a second full copy of them was the index's peak.
        let mut pieces: Vec<Vec<Packed>> = (0..tokens.len())
            .map(|_| Vec::with_capacity(parts.len()))
            .collect();
        for part in parts {
            for (t, list) in part.into_iter().enumerate() {
                pieces[t].push(list);
            }
        }
        let lists: Vec<Packed> = pieces.into_par_iter().map(join_pieces).collect();
        tokens.into_iter().map(str::to_string).zip(lists).collect()
    }
}

/// One run of texts, analysed: its tokens, and each text's token ids (the run's own).
struct Run {
    names: Vec<String>,
    flat: Vec<u32>,
    ends: Vec<usize>,
}

impl Run {
    fn text(&self, k: usize) -> &[u32] {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.flat[start..self.ends[k]]
    }
}

/// Bits of mask below the id in a [`Packed`] posting.
pub(super) const MASK_BITS: u32 = 5;

/// Postings as one word each, `id << MASK_BITS | mask`, sorted by id: half the memory of a
/// [`List`] (ids stay below 2^27: a book of a hundred million steps is out of reach).
pub(super) type Packed = Vec<u32>;

pub(super) fn push_packed(list: &mut Packed, id: u32, mask: u32) {
    match list.last_mut() {
        Some(last) if *last >> MASK_BITS == id => *last |= mask,
        _ => list.push(id << MASK_BITS | mask),
    }
}

fn join_pieces(pieces: Vec<Packed>) -> Packed {
    if pieces.iter().filter(|p| !p.is_empty()).count() <= 1 {
        let mut list = pieces
            .into_iter()
            .find(|p| !p.is_empty())
            .unwrap_or_default();
        list.shrink_to_fit();
        return list;
    }
    let mut list = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
    for piece in pieces {
        for p in piece {
            push_packed(&mut list, p >> MASK_BITS, p & ((1 << MASK_BITS) - 1));
        }
    }
    list
}

fn unpack(list: Packed) -> List {
    list.into_iter()
        .map(|p| (p >> MASK_BITS, p & ((1 << MASK_BITS) - 1)))
        .collect()
}

/// What a document's own postings are made of, borrowed from it.
pub(super) struct Searched<'a> {
    title: &'a str,
    commands: &'a [String],
    gui: &'a [String],
    body: &'a [String],
    slices: &'a docs::SliceLists,
}

impl<'a> From<&'a SearchDoc> for Searched<'a> {
    fn from(d: &'a SearchDoc) -> Self {
        Searched {
            title: &d.title,
            commands: &d.commands,
            gui: &d.gui,
            body: &d.body,
            slices: &d.slices,
        }
    }
}

/// Ids stay below this (see [`Packed`]).
const ID_LIMIT: u64 = 1 << (32 - MASK_BITS);

/// The highest slice number of a document posted under an id of its own in a book of
/// `docs` documents: slice `t` of document `d` is id `t * docs + d`, so ids must stay below
/// [`ID_LIMIT`]. Slices past it (a step with hundreds of variants in a huge book) are
/// posted as the document's own words: always counted, never ruled out by the
/// environment, while their lines still leave snippets and phrase checks.
pub fn slice_planes(docs: usize) -> u32 {
    (ID_LIMIT / (docs.max(1) as u64))
        .saturating_sub(1)
        .min(u64::from(u32::MAX)) as u32
}

/// Postings of the documents `docs` (each with its id among the book's `n`, increasing)
/// and their slices: slice `t` (from 1) of document `d` is id `t * n + d`, so the engine
/// reads a slice's document and number off its id and needs no table to fold it into its
/// document (only one to rule it out by condition, loaded when the environment rules out
/// some slice's condition). Every token made by `analysis`. A document's postings depend
/// on it alone, so those of a few documents of the book are what the whole book's lists
/// hold of them ([`super::carried`]).
pub(super) fn doc_postings<'a>(
    docs: &[(u32, &Searched<'a>)],
    n: u32,
    analysis: Analysis,
) -> Vec<(String, Packed)> {
    let planes = slice_planes(n as usize);
    let mut b = Builder::new(analysis);
    // Every list must come out sorted by id: the documents first (with any slices past
    // `planes`), then slice 1 of each document that has one, slice 2, and so on.
    fn fields<'a>(d: &Searched<'a>) -> [(&'a [String], &'a [u32], u32); 3] {
        let sl = d.slices;
        [
            (d.commands, &sl.commands, MASK_COMMAND),
            (d.gui, &sl.gui, MASK_GUI),
            (d.body, &sl.body, MASK_BODY),
        ]
    }
    let mut by_plane: Vec<Vec<(u32, &Searched<'a>)>> = Vec::new();
    for &(id, d) in docs {
        let short = if super::rank::is_short(d.title) {
            MASK_SHORT_TITLE
        } else {
            0
        };
        b.add(id, d.title, MASK_TITLE | short);
        for (texts, tags, mask) in fields(d) {
            for (i, t) in texts.iter().enumerate() {
                let k = docs::Slices::of(tags, i);
                if k == 0 || k > planes {
                    b.add(id, t, mask);
                }
            }
        }
        let count = (d.slices.conditions.len() as u32).min(planes) as usize;
        if by_plane.len() < count {
            by_plane.resize_with(count, Vec::new);
        }
        for plane in &mut by_plane[..count] {
            plane.push((id, d));
        }
    }
    for (plane, list) in (1..).zip(&by_plane) {
        for &(d, doc) in list {
            for (texts, tags, mask) in fields(doc) {
                for (i, t) in texts.iter().enumerate() {
                    if docs::Slices::of(tags, i) == plane {
                        b.add(plane * n + d, t, mask);
                    }
                }
            }
        }
    }
    b.finish()
}

/// Every document of `docs` with its id.
pub(super) fn numbered<'s, 'a>(docs: &'s [Searched<'a>]) -> Vec<(u32, &'s Searched<'a>)> {
    (0..).zip(docs).collect()
}

/// The documents' own postings: title, commands, GUI paths, body (a slice's under its
/// own id, after the documents'), by the Japanese analysis.
pub fn postings(docs: &[SearchDoc]) -> Postings {
    let searched: Vec<Searched> = docs.iter().map(Searched::from).collect();
    doc_postings(
        &numbered(&searched),
        searched.len() as u32,
        Analysis::Japanese,
    )
    .into_iter()
    .map(|(t, l)| (t, unpack(l)))
    .collect()
}

/// Each document's group, and the groups' postings.
pub fn groups(docs: &[SearchDoc]) -> (Vec<u32>, Postings) {
    let (of_doc, list) = group_postings(docs, Analysis::Japanese);
    (
        of_doc,
        list.into_iter().map(|(t, l)| (t, unpack(l))).collect(),
    )
}

/// Each document's group (a run of documents of one procedure page), and the groups'
/// postings.
fn group_postings(docs: &[SearchDoc], analysis: Analysis) -> (Vec<u32>, Vec<(String, Packed)>) {
    let mut of_doc = Vec::with_capacity(docs.len());
    let mut b = Builder::new(analysis);
    let mut last: Option<(&str, &str, &str)> = None;
    let mut n = 0;
    for d in docs {
        let key = (d.page.as_str(), d.procedure.as_str(), d.chapter.as_str());
        if last.is_some() && last != Some(key) {
            n += 1;
        }
        if last != Some(key) {
            b.add(n, &d.procedure, MASK_GROUP_PROCEDURE);
            b.add(n, &d.chapter, MASK_GROUP_CHAPTER);
            last = Some(key);
        }
        of_doc.push(n);
    }
    (of_doc, b.finish())
}

/// A posting list as id lists, one per mask bit (at most five), joined by `,`; within
/// one, the ids from `split` on (the slices') are a list of their own, less `split`,
/// after a `;`: the slices' ids are sparse and far above the documents', and a list coded
/// with one Rice parameter for both would pay for the mix on every id.
pub(super) fn encode(list: &[u32], bits: &[u32], split: u32) -> String {
    let mut ids: [(Vec<u32>, Vec<u32>); 5] = Default::default();
    for &p in list {
        let (id, mask) = (p >> MASK_BITS, p & ((1 << MASK_BITS) - 1));
        for (n, &bit) in bits.iter().enumerate() {
            if mask & bit != 0 {
                if id < split {
                    ids[n].0.push(id);
                } else {
                    ids[n].1.push(id - split);
                }
            }
        }
    }
    let mut out = String::new();
    let mut written = 0;
    for (n, (low, high)) in ids.iter().enumerate() {
        if !low.is_empty() || !high.is_empty() {
            for _ in written..n {
                out.push(',');
            }
            written = n;
            push_ids(&mut out, low);
            if !high.is_empty() {
                out.push(';');
                push_ids(&mut out, high);
            }
        }
    }
    out
}

/// One token's entry in its shard.
struct Entry {
    hash: u32,
    token: String,
    docs: Option<String>,
    groups: Option<String>,
    /// How many (document, field) pairs hold it: the vocabulary's frequency.
    pairs: u64,
}

impl Entry {
    fn size(&self) -> usize {
        let value = |v: &Option<String>| v.as_ref().map_or(0, |s| s.len() + self.token.len() + 6);
        value(&self.docs) + value(&self.groups)
    }
}

/// A document posting's mask bits, in the order [`encode`] lists them.
pub(super) const DOC_BITS: [u32; 5] = [
    MASK_TITLE,
    MASK_COMMAND,
    MASK_BODY,
    MASK_GUI,
    MASK_SHORT_TITLE,
];

/// How many fields a posting's mask stands for (a short title is still one field).
fn fields_of(p: u32) -> u64 {
    u64::from((p & ((1 << MASK_BITS) - 1) & !MASK_SHORT_TITLE).count_ones())
}

/// A token's document posting, coded: what the next build carries over
/// ([`super::carried`]) when none of its documents changed.
pub(super) struct DocEntry {
    pub hash: u32,
    pub token: String,
    /// The list, [`encode`]d.
    pub docs: String,
    /// How many (document, field) pairs hold the token.
    pub pairs: u64,
}

/// `token`'s entry of the `list` of its postings in a book of `n` documents.
pub(super) fn doc_entry(token: String, list: &[u32], n: u32) -> DocEntry {
    DocEntry {
        hash: token_hash(&token),
        docs: encode(list, &DOC_BITS, n),
        pairs: list.iter().copied().map(fields_of).sum(),
        token,
    }
}

/// Every token's document entry, in hash order.
pub(super) fn doc_entries(lists: Vec<(String, Packed)>, n: u32) -> Vec<DocEntry> {
    let mut out: Vec<DocEntry> = lists
        .into_par_iter()
        .map(|(token, list)| doc_entry(token, &list, n))
        .collect();
    sort_entries(&mut out);
    out
}

/// Hash order, the token's own order among tokens of one hash.
pub(super) fn sort_entries(entries: &mut [DocEntry]) {
    entries.par_sort_unstable_by(|a, b| (a.hash, &a.token).cmp(&(b.hash, &b.token)));
}

/// Every token's entry, in hash order: `docs` (in that order) with each token's group
/// postings beside its document postings.
fn entries(docs: Vec<DocEntry>, groups: Vec<(String, Packed)>, group_sizes: &[u64]) -> Vec<Entry> {
    let in_groups = |g: &Packed| -> u64 {
        g.iter()
            .map(|&p| fields_of(p) * group_sizes[(p >> MASK_BITS) as usize])
            .sum()
    };
    let coded = |g: &Packed| encode(g, &[MASK_GROUP_PROCEDURE, MASK_GROUP_CHAPTER], u32::MAX);
    let mut groups: Map<String, Packed> = groups.into_iter().collect();
    let with_docs: Vec<(DocEntry, Option<Packed>)> = docs
        .into_iter()
        .map(|d| {
            let g = groups.remove(&d.token);
            (d, g)
        })
        .collect();
    let mut out: Vec<Entry> = with_docs
        .into_par_iter()
        .map(|(d, g)| Entry {
            hash: d.hash,
            pairs: d.pairs + g.as_ref().map_or(0, in_groups),
            groups: g.as_ref().map(coded),
            docs: Some(d.docs),
            token: d.token,
        })
        .collect();
    // Tokens of groups alone (a chapter's title, say), merged into their places.
    let mut alone: Vec<Entry> = groups
        .into_par_iter()
        .map(|(token, g)| Entry {
            hash: token_hash(&token),
            pairs: in_groups(&g),
            docs: None,
            groups: Some(coded(&g)),
            token,
        })
        .collect();
    if !alone.is_empty() {
        out.append(&mut alone);
        out.par_sort_unstable_by(|a, b| (a.hash, &a.token).cmp(&(b.hash, &b.token)));
    }
    out
}

/// Cuts the entries into shards of about [`SHARD_BYTES`], only where the hash crosses a
/// multiple of [`SHARD_STEP`]: the shards' ranges of entries and their first hashes (in
/// steps).
fn cut_shards(entries: &[Entry]) -> Vec<(std::ops::Range<usize>, u32)> {
    let mut shards = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, e) in entries.iter().enumerate() {
        size += e.size();
        let next = entries.get(i + 1);
        if size >= SHARD_BYTES && next.is_some_and(|n| n.hash / SHARD_STEP != e.hash / SHARD_STEP) {
            shards.push((start..i + 1, 0));
            (start, size) = (i + 1, 0);
        }
    }
    if start < entries.len() || shards.is_empty() {
        shards.push((start..entries.len(), 0));
    }
    for (n, (range, first)) in shards.iter_mut().enumerate() {
        *first = if n == 0 {
            0
        } else {
            entries[range.start].hash / SHARD_STEP
        };
    }
    shards
}

fn shard_text(n: usize, entries: &[Entry]) -> String {
    let mut out = format!("window.tejunSearchShard({{\"shard\":{n},\"tokens\":{{");
    let map = |out: &mut String, pick: fn(&Entry) -> &Option<String>| {
        let mut first = true;
        for e in entries {
            if let Some(v) = pick(e) {
                if !first {
                    out.push(',');
                }
                first = false;
                push_js_str(out, &e.token);
                // Letters and commas only: nothing to escape.
                out.push_str(":\"");
                out.push_str(v);
                out.push('"');
            }
        }
    };
    map(&mut out, |e| &e.docs);
    out.push_str("},\"groups\":{");
    map(&mut out, |e| &e.groups);
    out.push_str("}});\n");
    out
}

fn kind_letter(k: DocKind) -> char {
    match k {
        DocKind::Procedure => 'p',
        DocKind::Section => 's',
        DocKind::Step => 't',
    }
}

/// A field of a record, its separators turned into spaces.
fn push_field(out: &mut String, s: &str) {
    if !s.contains([FIELD, RECORD]) {
        out.push_str(s);
        return;
    }
    out.extend(
        s.chars()
            .map(|c| if c == FIELD || c == RECORD { ' ' } else { c }),
    );
}

fn record(d: &SearchDoc, cond: u32) -> String {
    let mut r = String::with_capacity(record_len(d, cond));
    push_field(&mut r, &d.title);
    r.push(FIELD);
    push_field(&mut r, &d.location);
    r.push(FIELD);
    push_field(&mut r, &d.anchor);
    r.push(FIELD);
    r.push(kind_letter(d.kind));
    r.push(FIELD);
    r.push_str(&cond.to_string());
    r.push(FIELD);
    r.push_str(&line_runs(d));
    r.push(FIELD);
    push_field(&mut r, &d.text);
    r
}

/// The slice of each line of `d`'s text as varint pairs (slice, lines in a row); empty
/// for a document without slices.
fn line_runs(d: &SearchDoc) -> String {
    let mut out = String::new();
    if d.slices.conditions.is_empty() {
        return out;
    }
    let lines = d.text.split('\n').count();
    let tags: Vec<u32> = (0..lines)
        .map(|i| docs::Slices::of(&d.slices.lines, i))
        .collect();
    for run in tags.chunk_by(|a, b| a == b) {
        push_varint(&mut out, u64::from(run[0]));
        push_varint(&mut out, run.len() as u64);
    }
    out
}

/// The length of [`record`] in bytes, without making it ([`push_field`] swaps one-byte
/// separators for one-byte spaces).
fn record_len(d: &SearchDoc, cond: u32) -> usize {
    let digits = cond.checked_ilog10().map_or(1, |n| n as usize + 1);
    let runs = if d.slices.conditions.is_empty() {
        0
    } else {
        line_runs(d).len()
    };
    d.title.len() + d.location.len() + d.anchor.len() + 1 + digits + runs + d.text.len() + 6
}

/// Consecutive documents cut into chunks of about [`CHUNK_BYTES`] of records, given the
/// records' lengths.
fn cut_chunks(lengths: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut chunks = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, len) in lengths.iter().enumerate() {
        size += len + 1;
        if size >= CHUNK_BYTES {
            chunks.push(start..i + 1);
            (start, size) = (i + 1, 0);
        }
    }
    if start < lengths.len() {
        chunks.push(start..lengths.len());
    }
    chunks
}

/// The key of chunk `n`'s file, which is a function of its number, the dictionary and
/// its records: what [`chunk_records`] reads of its documents, hashed as it is rather
/// than made into records first (a rebuild keys every chunk and codes only the few whose
/// keys are new). Each group's and document's fields are tagged and length-prefixed, so
/// two chunks share a key only if they share their records.
fn chunk_key(
    n: usize,
    dict: &str,
    range: std::ops::Range<usize>,
    docs: &[SearchDoc],
    doc_cond: &[u32],
    doc_group: &[u32],
) -> Fingerprint {
    let mut key = Fingerprinter::new();
    key.bytes(b"offline chunk")
        .bytes(&VERSION.to_le_bytes())
        .bytes(&(n as u64).to_le_bytes())
        .bytes(dict.as_bytes());
    let mut last = None;
    for i in range {
        let d = &docs[i];
        if last != Some(doc_group[i]) {
            last = Some(doc_group[i]);
            key.bytes(b"group")
                .bytes(d.procedure.as_bytes())
                .bytes(d.chapter.as_bytes())
                .bytes(d.page.as_bytes());
        }
        let mut kind = [0; 4];
        key.bytes(b"document")
            .bytes(d.title.as_bytes())
            .bytes(d.location.as_bytes())
            .bytes(d.anchor.as_bytes())
            .bytes(kind_letter(d.kind).encode_utf8(&mut kind).as_bytes())
            .bytes(&doc_cond[i].to_le_bytes())
            .bytes(line_runs(d).as_bytes())
            .bytes(d.text.as_bytes());
    }
    key.finish()
}

/// A chunk's records before they are coded: a record `procedure, chapter, page` for each
/// group its documents belong to, then the documents' records.
fn chunk_records(
    range: std::ops::Range<usize>,
    docs: &[SearchDoc],
    doc_cond: &[u32],
    doc_group: &[u32],
) -> String {
    let mut text = String::with_capacity(CHUNK_BYTES * 2);
    let mut last = None;
    for i in range.clone() {
        if last != Some(doc_group[i]) {
            last = Some(doc_group[i]);
            let d = &docs[i];
            push_field(&mut text, &d.procedure);
            text.push(FIELD);
            push_field(&mut text, &d.chapter);
            text.push(FIELD);
            push_field(&mut text, &d.page);
            text.push(RECORD);
        }
    }
    for (k, i) in range.enumerate() {
        if k > 0 {
            text.push(RECORD);
        }
        text.push_str(&record(&docs[i], doc_cond[i]));
    }
    text
}

/// Chunk `n`'s file: its records ([`chunk_records`]) coded with the shared dictionary.
fn chunk_file(n: usize, records: &str, dict: &LzDict) -> String {
    let mut out = String::with_capacity(records.len() / 2 + 64);
    out.push_str(&format!(
        "window.tejunSearchDocs({{\"chunk\":{n},\"docs\":\""
    ));
    push_lz(&mut out, records, dict);
    out.push_str("\"});\n");
    out
}

/// A chunk's file, with the key of what it is made from; `None` where `kept` put the
/// previous build's file in place instead (it is then not coded again).
type MadeChunk = Option<(String, Fingerprint)>;

/// The document chunks: their ranges of documents, their files ([`MadeChunk`]) and the
/// LZ77 dictionary they share. Records are made per chunk as it is coded (and for the
/// dictionary's sample), never all at once: together they are a copy of every document's
/// text.
fn doc_chunks(
    docs: &[SearchDoc],
    doc_cond: &[u32],
    doc_group: &[u32],
    kept: &IndexKept<'_>,
) -> (Vec<std::ops::Range<usize>>, Vec<MadeChunk>, String) {
    // On every core: at the end of a rebuild, the one thing left to do.
    let lengths: Vec<usize> = docs
        .par_iter()
        .zip(doc_cond)
        .map(|(d, &c)| record_len(d, c))
        .collect();
    let chunks = cut_chunks(&lengths);
    let step = sample_step(lengths.iter().sum());
    let sample: Vec<String> = docs
        .par_iter()
        .zip(doc_cond)
        .step_by(step)
        .map(|(d, &c)| record(d, c))
        .collect();
    let dict = dictionary_of_sample(
        &sample.iter().map(String::as_str).collect::<Vec<_>>(),
        DICT_UNITS,
    );
    drop(sample);
    let dict_text = String::from_utf16(&dict).unwrap_or_default();
    let dict = LzDict::new(if dict_text.is_empty() {
        Vec::new()
    } else {
        dict
    });
    let texts = chunks
        .par_iter()
        .enumerate()
        .map(|(n, r)| {
            let key = chunk_key(n, &dict_text, r.clone(), docs, doc_cond, doc_group);
            (!kept(&docs_file(n), key)).then(|| {
                let records = chunk_records(r.clone(), docs, doc_cond, doc_group);
                (chunk_file(n, &records, &dict), key)
            })
        })
        .collect();
    (chunks, texts, dict_text)
}

/// `"clauses"`, each distinct clause of the conditions once (`[source, words]`), and
/// `"condClauses"`, per condition of `conds` the varints of its clauses' indexes.
/// The titles that show facet values as written (`[[to.minor]]`), by the address of what
/// they name (`page.html#anchor`, as a hit links to it): search.js shows a hit's title with
/// the reader's values.
fn titles_json(book: &Book) -> String {
    let titles: std::collections::BTreeMap<String, &str> = book
        .targets
        .values()
        .filter_map(|t| {
            let written = t.title_source.as_deref()?;
            let address = match t.anchor.as_str() {
                "" => format!("{}.html", t.page),
                anchor => format!("{}.html#{anchor}", t.page),
            };
            Some((address, written))
        })
        .collect();
    serde_json::to_string(&titles).unwrap_or_default()
}

fn push_clauses(meta: &mut String, book: &Book, conds: &[String]) {
    let mut wording = Wording::new(&book.config);
    let mut clauses: Vec<Clause> = Vec::new();
    let mut of_cond = Vec::with_capacity(conds.len());
    for c in conds {
        let mut ids = String::new();
        for clause in wording.clauses(c) {
            let i = match clauses.iter().position(|k| k == clause) {
                Some(i) => i,
                None => {
                    clauses.push(clause.clone());
                    clauses.len() - 1
                }
            };
            push_varint(&mut ids, i as u64);
        }
        of_cond.push(ids);
    }
    meta.push_str(",\"clauses\":[");
    for (i, c) in clauses.iter().enumerate() {
        if i > 0 {
            meta.push(',');
        }
        meta.push('[');
        push_js_str(meta, &c.source);
        meta.push(',');
        push_js_str(meta, &c.label);
        meta.push(']');
    }
    meta.push_str("],\"condClauses\":[");
    for (i, ids) in of_cond.iter().enumerate() {
        if i > 0 {
            meta.push(',');
        }
        // Letters only: nothing to escape.
        meta.push('"');
        meta.push_str(ids);
        meta.push('"');
    }
    meta.push(']');
}

/// Varints of the lengths of consecutive runs.
fn run_lengths(lengths: impl Iterator<Item = usize>) -> String {
    let mut s = String::new();
    for n in lengths {
        push_varint(&mut s, n as u64);
    }
    s
}

/// The known problems as the search box matches pasted messages against them: id,
/// title, page, condition (`""` when none) and messages as written (the script cuts them
/// into tokens as `super::message` does).
fn problems_json(book: &Book) -> String {
    let list: Vec<serde_json::Value> = book
        .problems
        .iter()
        .map(|p| {
            serde_json::json!({
                "id": p.id,
                "title": p.title,
                "href": format!("{}.html", p.page()),
                "when": p.when.as_ref().map(|c| c.to_string()).unwrap_or_default(),
                "messages": p.messages,
            })
        })
        .collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

/// Writes the site's offline index (the files of `search/`) through `out`; what it wrote.
pub fn write_offline_index(book: &Book, out: &mut dyn FnMut(&str, Vec<u8>)) -> OfflineStats {
    let docs = crate::timing::phase("offline: documents", || docs::collect(book));
    write_index(
        book,
        &docs,
        None,
        None,
        &|_, _| false,
        &mut |path, bytes, _| out(path, bytes),
    )
}

/// [`write_offline_index`] from `docs`, the book's documents in reading order, as the
/// renderer takes it ([`crate::render::SearchSide::write_index`]): a document chunk whose
/// key `kept` accepts is not coded again, and the others are handed to `out` with their
/// keys. The documents are borrowed: the commands page reads the same ones beside it.
/// Lean documents (no body, no GUI paths: everything but the postings reads them so) come
/// with `whole`, which reads them again with every field for postings made whole.
pub fn write_index(
    book: &Book,
    docs: &[SearchDoc],
    prior: Option<&carried::Prior<'_>>,
    whole: Option<&Whole<'_>>,
    kept: &IndexKept<'_>,
    out: &mut IndexFile<'_>,
) -> OfflineStats {
    let analysis = Analysis::of(book.config.language);
    let (doc_group, group_postings) =
        crate::timing::phase("offline: group postings", || group_postings(docs, analysis));

    // The documents' conditions first (conds.js lists their documents), then the
    // slices' (which `slices.js` names).
    let mut conds: Vec<String> = vec![String::new()];
    let mut cond_ids: HashMap<String, u32> = HashMap::from([(String::new(), 0)]);
    let mut cond_id = |c: &str| {
        if let Some(&i) = cond_ids.get(c) {
            return i;
        }
        conds.push(c.to_string());
        cond_ids.insert(c.to_string(), conds.len() as u32 - 1);
        conds.len() as u32 - 1
    };
    let doc_cond: Vec<u32> = docs
        .iter()
        .map(|d| cond_id(d.condition.as_deref().unwrap_or_default()))
        .collect();
    let doc_conds = doc_cond.iter().max().map_or(1, |&m| m as usize + 1);
    let mut slices = String::from("window.tejunSearchSlices({\"slices\":\"");
    let mut slice_conds = std::collections::BTreeSet::new();
    let mut prev = 0;
    for (i, d) in docs.iter().enumerate() {
        // A slice's own conditions are enough: the engine asks only for slices of a
        // document the environment leaves in (see `docs::Slices::own`).
        for c in &d.slices.own {
            let c = cond_id(c);
            slice_conds.insert(c);
            push_varint(&mut slices, (i - prev) as u64);
            push_varint(&mut slices, u64::from(c));
            prev = i;
        }
    }
    // Letters only: nothing to escape.
    slices.push_str("\"});\n");

    let mut stats = OfflineStats {
        docs: docs.len(),
        ..OfflineStats::default()
    };
    let mut emit_keyed = |path: &str, text: String, key: Option<Fingerprint>| {
        stats.files += 1;
        stats.bytes += text.len();
        out(path, text.into_bytes(), key);
    };

    // The chunks and the postings read the documents side by side: either alone leaves a
    // core idle at its serial steps (the chunks' dictionary, the postings' text table),
    // and the postings are the last work of a build.
    let n = docs.len() as u32;
    let ((chunks, chunk_texts, dict), doc_entries) = rayon::join(
        || {
            crate::timing::phase("offline: chunks", || {
                doc_chunks(docs, &doc_cond, &doc_group, kept)
            })
        },
        || {
            crate::timing::phase("offline: postings", || {
                // Patched, only the changed documents are read again; made whole, every
                // one is.
                prior
                    .and_then(|p| carried::patched(p, docs, analysis))
                    .unwrap_or_else(|| {
                        let read;
                        let docs = match whole {
                            Some(whole) => {
                                read = whole();
                                &read[..]
                            }
                            None => docs,
                        };
                        let searched: Vec<Searched> = docs.iter().map(Searched::from).collect();
                        doc_entries(doc_postings(&numbered(&searched), n, analysis), n)
                    })
            })
        },
    );
    crate::timing::phase("offline: write chunks", || {
        for (n, made) in chunk_texts.into_iter().enumerate() {
            if let Some((text, key)) = made {
                emit_keyed(&docs_file(n), text, Some(key));
            }
        }
    });
    let mut emit = |path: &str, text: String| emit_keyed(path, text, None);
    let group_sizes: Vec<u64> = doc_group
        .chunk_by(|a, b| a == b)
        .map(|g| g.len() as u64)
        .collect();
    if let Some(p) = prior {
        crate::timing::phase("offline: carry postings", || {
            carried::remember(p, &doc_entries, n, analysis);
        });
    }
    let entries = crate::timing::phase("offline: entries", || {
        entries(doc_entries, group_postings, &group_sizes)
    });
    let (firsts, blocks) = word_blocks(
        entries
            .iter()
            .filter(|e| is_word(&e.token))
            .map(|e| (e.token.clone(), bucket(e.pairs)))
            .collect(),
    );
    for (n, text) in blocks.into_iter().enumerate() {
        emit(&words_file(n), text);
    }
    let shards = cut_shards(&entries);
    let shard_texts: Vec<String> = shards
        .par_iter()
        .enumerate()
        .map(|(n, (range, _))| shard_text(n, &entries[range.clone()]))
        .collect();
    let tokens = entries.len();
    drop(entries);

    let mut meta = format!(
        "window.tejunSearchMeta({{\"v\":{VERSION},\"analysis\":\"{}\",\"docs\":{},\"shards\":\"",
        analysis.code(),
        doc_cond.len()
    );
    let mut prev = 0;
    for (_, first) in shards.iter().skip(1) {
        push_varint(&mut meta, u64::from(first - prev));
        prev = *first;
    }
    meta.push_str("\",\"groups\":\"");
    let group_sizes = doc_group.chunk_by(|a, b| a == b).map(<[u32]>::len);
    meta.push_str(&run_lengths(group_sizes));
    meta.push_str("\",\"chunks\":\"");
    meta.push_str(&run_lengths(chunks.iter().map(ExactSizeIterator::len)));
    meta.push_str("\",\"dict\":");
    push_js_str(&mut meta, &dict);
    meta.push_str(",\"conds\":[");
    for (i, c) in conds.iter().enumerate() {
        if i > 0 {
            meta.push(',');
        }
        push_js_str(&mut meta, c);
    }
    meta.push_str(&format!("],\"docConds\":{doc_conds},\"sliceConds\":["));
    for (i, c) in slice_conds.iter().enumerate() {
        if i > 0 {
            meta.push(',');
        }
        meta.push_str(&c.to_string());
    }
    meta.push(']');
    // The slices' too: a step shown outside says which of its variants rules it out.
    push_clauses(&mut meta, book, &conds);
    meta.push_str(",\"words\":[");
    for (i, w) in firsts.iter().enumerate() {
        if i > 0 {
            meta.push(',');
        }
        push_js_str(&mut meta, w);
    }
    meta.push_str("],\"synonyms\":");
    meta.push_str(&serde_json::to_string(&book.config.synonyms).unwrap_or_default());
    meta.push_str(",\"strings\":");
    meta.push_str(&serde_json::to_string(&book.config.words.search).unwrap_or_default());
    meta.push_str(",\"problems\":");
    meta.push_str(&problems_json(book));
    meta.push_str(",\"titles\":");
    meta.push_str(&titles_json(book));
    meta.push_str("});\n");
    emit("search/meta.js", meta);
    emit("search/slices.js", slices);

    let mut of_cond: Vec<Vec<u32>> = vec![Vec::new(); doc_conds];
    for (d, &c) in doc_cond.iter().enumerate() {
        of_cond[c as usize].push(d as u32);
    }
    let mut text = String::from("window.tejunSearchConds({\"conds\":[");
    for (i, ids) in of_cond.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push('"');
        push_ids(&mut text, ids);
        text.push('"');
    }
    text.push_str("]});\n");
    emit("search/conds.js", text);

    for (n, text) in shard_texts.into_iter().enumerate() {
        emit(&shard_file(n), text);
    }
    stats.tokens = tokens;
    stats.shards = shards.len();
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every slice posted under its own id keeps that id below the packing's limit, from a
    /// one-document book to one past the limit (where every slice is the document's own).
    #[test]
    fn slice_ids_never_overflow_the_packed_postings() {
        for docs in [
            1u64,
            2,
            7,
            1000,
            105_000,
            1_050_000,
            ID_LIMIT / 2,
            ID_LIMIT,
            ID_LIMIT * 2,
        ] {
            let planes = u64::from(slice_planes(docs as usize));
            let highest = planes * docs + (docs - 1);
            assert!(
                planes == 0 || highest < ID_LIMIT,
                "{docs} documents, {planes} planes"
            );
            // And not needlessly few: one more plane would overflow.
            assert!(
                (planes + 1) * docs + (docs - 1) >= ID_LIMIT,
                "{docs}: {planes}"
            );
        }
    }
}
