//! The site's search index: plain `<script>` files that register themselves, because a
//! page opened from `file://` may not `fetch()`. A query loads `meta.js` once, then only the
//! shards its tokens hash to, then only the document chunks of its best hits.
//!
//! The contract with the renderer and with `themes/default/search.js`:
//!
//! | file | calls | holds |
//! | --- | --- | --- |
//! | `search/meta.js` | `window.tejunSearchMeta({...})` | `v`, `docs` (count), `shards`, `chunk` (docs per chunk), `conds` (distinct conditions, `""` first), `docCond` (per doc, an index into `conds`), `docGroup` (per doc, its group: procedure and chapter) |
//! | `search/shard-XX.js` | `window.tejunSearchShard({"shard": n, "tokens": {...}, "groups": {...}})` | token → doc postings, token → group postings; `XX` is `n` in two lower-case hex digits |
//! | `search/docs-N.js` | `window.tejunSearchDocs({"chunk": n, "docs": [...]})` | docs `n*chunk ..`, each `[title, location, link, procedure, text, kind, chapter]` |
//!
//! A token's shard is `fnv1a32(UTF-16 code units of the token) % shards`, `shards` a power
//! of two. A posting list is sorted by id and delta-encoded: each entry is
//! `(id - previous id) * 16 + mask`. In `tokens` the ids are documents and the mask says
//! where the token occurs: 1 title, 2 command, 4 body or GUI path. In `groups` the ids are
//! groups (one per procedure) and the mask is 1 procedure title, 2 chapter title: every
//! step of a procedure shares those words, so they are stored once per procedure rather
//! than once per step.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::analyze::analyze;
use super::docs::{self, SearchDoc};
use crate::model::Book;

/// Format version of the files, checked by `search.js`.
pub const VERSION: u32 = 1;
/// Documents per `docs-N.js` chunk.
pub const CHUNK: usize = 100;
/// Roughly how many tokens one shard should hold.
const TOKENS_PER_SHARD: usize = 256;

pub const MASK_TITLE: u32 = 1;
pub const MASK_COMMAND: u32 = 2;
pub const MASK_BODY: u32 = 4;
/// Masks in group postings.
pub const MASK_GROUP_PROCEDURE: u32 = 1;
pub const MASK_GROUP_CHAPTER: u32 = 2;

/// What [`write_offline_index`] wrote.
#[derive(Debug, Clone, Default)]
pub struct OfflineStats {
    pub docs: usize,
    pub tokens: usize,
    pub shards: usize,
    pub files: usize,
    pub bytes: usize,
}

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

pub fn shard_file(shard: usize) -> String {
    format!("search/shard-{shard:02x}.js")
}

/// Token → sorted (id, mask) pairs.
pub type Postings = BTreeMap<String, Vec<(usize, u32)>>;

fn add(map: &mut BTreeMap<String, BTreeMap<usize, u32>>, id: usize, text: &str, mask: u32) {
    for t in analyze(text) {
        *map.entry(t.text).or_default().entry(id).or_default() |= mask;
    }
}

fn finish(map: BTreeMap<String, BTreeMap<usize, u32>>) -> Postings {
    map.into_iter()
        .map(|(t, ids)| (t, ids.into_iter().collect()))
        .collect()
}

/// The documents' own postings: title, commands, body.
pub fn postings(docs: &[SearchDoc]) -> Postings {
    let mut map = BTreeMap::new();
    for (id, d) in docs.iter().enumerate() {
        add(&mut map, id, &d.title, MASK_TITLE);
        d.commands
            .iter()
            .for_each(|c| add(&mut map, id, c, MASK_COMMAND));
        d.body.iter().for_each(|b| add(&mut map, id, b, MASK_BODY));
    }
    finish(map)
}

/// Each document's group (consecutive documents with the same procedure and chapter), and
/// the groups' postings.
pub fn groups(docs: &[SearchDoc]) -> (Vec<usize>, Postings) {
    let mut of_doc = Vec::with_capacity(docs.len());
    let mut map = BTreeMap::new();
    let mut last: Option<(&str, &str)> = None;
    let mut n = 0;
    for d in docs {
        let key = (d.procedure.as_str(), d.chapter.as_str());
        if last.is_some() && last != Some(key) {
            n += 1;
        }
        if last != Some(key) {
            add(&mut map, n, &d.procedure, MASK_GROUP_PROCEDURE);
            add(&mut map, n, &d.chapter, MASK_GROUP_CHAPTER);
            last = Some(key);
        }
        of_doc.push(n);
    }
    (of_doc, finish(map))
}

fn encode(list: &[(usize, u32)]) -> Value {
    let mut prev = 0;
    let encoded: Vec<u64> = list
        .iter()
        .map(|&(id, mask)| {
            let e = ((id - prev) as u64) * 16 + u64::from(mask);
            prev = id;
            e
        })
        .collect();
    json!(encoded)
}

/// Writes the offline index of `book` through `out(relative path, bytes)`.
pub fn write_offline_index(book: &Book, out: &mut dyn FnMut(&str, Vec<u8>)) -> OfflineStats {
    let docs = docs::collect(book);
    let postings = postings(&docs);
    let (doc_group, group_postings) = groups(&docs);
    let tokens: std::collections::BTreeSet<&String> =
        postings.keys().chain(group_postings.keys()).collect();
    let shards = tokens
        .len()
        .div_ceil(TOKENS_PER_SHARD)
        .next_power_of_two()
        .clamp(1, 256);
    let mut stats = OfflineStats {
        docs: docs.len(),
        tokens: tokens.len(),
        shards,
        ..OfflineStats::default()
    };
    let mut emit = |path: &str, call: &str, payload: Value| {
        let text = format!("window.{call}({payload});\n");
        stats.files += 1;
        stats.bytes += text.len();
        out(path, text.into_bytes());
    };

    let mut conds: Vec<String> = vec![String::new()];
    let doc_cond: Vec<usize> = docs
        .iter()
        .map(|d| {
            let c = d.condition.clone().unwrap_or_default();
            match conds.iter().position(|x| *x == c) {
                Some(i) => i,
                None => {
                    conds.push(c);
                    conds.len() - 1
                }
            }
        })
        .collect();
    emit(
        "search/meta.js",
        "tejunSearchMeta",
        json!({
            "v": VERSION,
            "docs": docs.len(),
            "shards": shards,
            "chunk": CHUNK,
            "conds": conds,
            "docCond": doc_cond,
            "docGroup": doc_group,
        }),
    );

    let mut by_shard: Vec<(
        serde_json::Map<String, Value>,
        serde_json::Map<String, Value>,
    )> = vec![Default::default(); shards];
    for (token, list) in &postings {
        by_shard[token_hash(token) as usize % shards]
            .0
            .insert(token.clone(), encode(list));
    }
    for (token, list) in &group_postings {
        by_shard[token_hash(token) as usize % shards]
            .1
            .insert(token.clone(), encode(list));
    }
    for (n, (tokens, groups)) in by_shard.into_iter().enumerate() {
        emit(
            &shard_file(n),
            "tejunSearchShard",
            json!({ "shard": n, "tokens": tokens, "groups": groups }),
        );
    }

    for (n, chunk) in docs.chunks(CHUNK).enumerate() {
        let rows: Vec<Value> = chunk
            .iter()
            .map(|d| {
                let kind = serde_json::to_value(d.kind).unwrap_or(Value::Null);
                json!([
                    d.title,
                    d.location,
                    d.link(),
                    d.procedure,
                    d.text,
                    kind,
                    d.chapter
                ])
            })
            .collect();
        emit(
            &format!("search/docs-{n}.js"),
            "tejunSearchDocs",
            json!({ "chunk": n, "docs": rows }),
        );
    }
    stats
}
