//! The site's search index: plain `<script>` files that register themselves, because a
//! page opened from `file://` may not `fetch()`. A query loads `meta.js` once, then only the
//! shards its tokens hash to, then only the document chunks of its best hits.
//!
//! The contract with the renderer and with `themes/default/search.js`:
//!
//! | file | calls | holds |
//! | --- | --- | --- |
//! | `search/meta.js` | `window.tejunSearchMeta({...})` | `v`, `docs` (count), `shards`, `chunk` (docs per chunk), `conds` (distinct conditions, `""` first), `docCond` (per doc, an index into `conds`) |
//! | `search/shard-XX.js` | `window.tejunSearchShard({"shard": n, "tokens": {...}})` | token → postings; `XX` is `n` in two lower-case hex digits |
//! | `search/docs-N.js` | `window.tejunSearchDocs({"chunk": n, "docs": [...]})` | docs `n*chunk ..`, each `[title, location, link, procedure, text, kind]` |
//!
//! A token's shard is `fnv1a32(UTF-16 code units of the token) % shards`, `shards` a power
//! of two. A posting list is sorted by doc id and delta-encoded: each entry is
//! `(doc - previous doc) * 16 + mask`, the mask saying where the token occurs: 1 title,
//! 2 command, 4 body or GUI path, 8 procedure title.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::analyze::analyze;
use super::docs::{self, SearchDoc};
use crate::model::Book;

/// Format version of the files, checked by `search.js`.
pub const VERSION: u32 = 1;
/// Documents per `docs-N.js` chunk.
pub const CHUNK: usize = 200;
/// Roughly how many tokens one shard should hold.
const TOKENS_PER_SHARD: usize = 1500;

pub const MASK_TITLE: u32 = 1;
pub const MASK_COMMAND: u32 = 2;
pub const MASK_BODY: u32 = 4;
pub const MASK_PROCEDURE: u32 = 8;

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

/// The token → (doc, mask) postings of `docs`, tokens sorted.
pub fn postings(docs: &[SearchDoc]) -> BTreeMap<String, Vec<(usize, u32)>> {
    let mut map: BTreeMap<String, BTreeMap<usize, u32>> = BTreeMap::new();
    for (id, d) in docs.iter().enumerate() {
        let mut add = |text: &str, mask: u32| {
            for t in analyze(text) {
                *map.entry(t.text).or_default().entry(id).or_default() |= mask;
            }
        };
        add(&d.title, MASK_TITLE);
        d.commands.iter().for_each(|c| add(c, MASK_COMMAND));
        d.body.iter().for_each(|b| add(b, MASK_BODY));
        add(&d.procedure, MASK_PROCEDURE);
    }
    map.into_iter()
        .map(|(t, docs)| (t, docs.into_iter().collect()))
        .collect()
}

/// Writes the offline index of `book` through `out(relative path, bytes)`.
pub fn write_offline_index(book: &Book, out: &mut dyn FnMut(&str, Vec<u8>)) -> OfflineStats {
    let docs = docs::collect(book);
    let postings = postings(&docs);
    let shards = postings
        .len()
        .div_ceil(TOKENS_PER_SHARD)
        .next_power_of_two()
        .clamp(1, 256);
    let mut stats = OfflineStats {
        docs: docs.len(),
        tokens: postings.len(),
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
        }),
    );

    let mut by_shard: Vec<serde_json::Map<String, Value>> = vec![Default::default(); shards];
    for (token, list) in &postings {
        let mut prev = 0;
        let encoded: Vec<u64> = list
            .iter()
            .map(|&(doc, mask)| {
                let e = ((doc - prev) as u64) * 16 + u64::from(mask);
                prev = doc;
                e
            })
            .collect();
        by_shard[token_hash(token) as usize % shards].insert(token.clone(), json!(encoded));
    }
    for (n, tokens) in by_shard.into_iter().enumerate() {
        emit(
            &shard_file(n),
            "tejunSearchShard",
            json!({ "shard": n, "tokens": tokens }),
        );
    }

    for (n, chunk) in docs.chunks(CHUNK).enumerate() {
        let rows: Vec<Value> = chunk
            .iter()
            .map(|d| {
                let kind = serde_json::to_value(d.kind).unwrap_or(Value::Null);
                json!([d.title, d.location, d.link(), d.procedure, d.text, kind])
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
