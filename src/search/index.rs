//! The tantivy index behind `tejun search` (and later `tejun serve`): one document per
//! [`SearchDoc`], every text field analysed by the tejun tokenizer, BM25 with per-field
//! boosts, and the step's effective condition stored as a raw term so an environment can
//! exclude exactly the documents `filter.rs` would drop. A step's conditional slices
//! ([`docs::Slices`]) follow it as documents of their own (kind `slice`, `back` = how far
//! after their step they sit), each with its condition: their words count for the step
//! unless the environment rules the slice out.
//!
//! The folder holds `tantivy/` and `tejun-index.json`, which records a hash of the inputs
//! (`book.toml`, everything under `content/`, for a translation everything under
//! `translations/<lang>/`, which tejun (its version and executable), [`SCHEMA`] and the language) and the
//! [analysis](Analysis) its language picked, which the tokenizer and every query of the
//! index then use; a build whose hash matches is skipped. A translation's index lives
//! beside the source's ([`default_dir_in`]). A rebuild writes a sibling temporary folder and swaps it
//! in, so a reader never sees half an index.
//!
//! The metadata also keeps a fingerprint of each page's documents as the index holds them.
//! When the inputs changed, the index is updated rather than rebuilt: the folder is copied
//! as hard links (tantivy writes new files on a commit, never into old ones), the pages
//! whose documents changed are deleted and added again, and the copy is swapped in. A
//! replaced page's old documents stay in their segment, marked deleted, and still count in
//! the term statistics until tantivy merges them away, so once a tenth of the pages have
//! been replaced the index is built whole again ([`MAX_REPLACED`]).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{
    IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, STORED, STRING,
};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

use super::analyze::{Analysis, TejunTokenizer, TOKENIZER};
use super::docs::{self, SearchDoc};
use super::expand::Synonyms;
use super::query::{self, Field};
use super::rank;
use super::retrieve;
use super::snippet::{self, Snippet};
use super::wording::{self, Wording};
use crate::condition::{self, Env};
use crate::config::{Config, Facet};
use crate::filter::Decision;
use crate::model::Book;
use crate::output::{BookSources, Fingerprinter, Kind, StagedDir};
use crate::render::inputs::Inputs as ModelInputs;
use crate::words::Language;

/// Bumped whenever the schema or the analyser changes, so old indexes rebuild.
pub const SCHEMA: u32 = 8;

const META: &str = crate::output::owned::INDEX_MARKER;

/// Where the index lives by default: `.tejun-index` beside the output folder (for the
/// default `book/` output, `<book root>/.tejun-index`), outside the published site.
pub fn default_dir(root: &Path, config: &Config) -> PathBuf {
    beside(&root.join(&config.out_dir))
}

/// Where the index of the book in `lang` lives by default: [`default_dir`] for the book's
/// own language, a sibling named for the language for a translation (`.tejun-index-en`).
pub fn default_dir_in(root: &Path, config: &Config, lang: Language) -> PathBuf {
    in_language(&default_dir(root, config), config.language, lang)
}

/// The index of the book in `lang` beside `dir`, the index of the book in its own
/// language `own`: `dir` itself, or a sibling named for the language (`.tejun-index-en`).
pub fn in_language(dir: &Path, own: Language, lang: Language) -> PathBuf {
    if lang == own {
        return dir.to_path_buf();
    }
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(format!("-{}", lang.code()));
    dir.with_file_name(name)
}

/// The index folder beside the output folder `out` (`tejun build --out DIR` keeps it
/// beside DIR, never in the book it read).
pub fn beside(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(".tejun-index"),
        _ => PathBuf::from(".tejun-index"),
    }
}

/// A hash of everything the index of the book in `lang` is built from. FNV-1a over the
/// relative paths and bytes of `book.toml`, `content/**` and `translations/<lang>/**`, in
/// sorted order: stable across runs and platforms.
pub fn input_hash(root: &Path, lang: Language) -> anyhow::Result<String> {
    fingerprint(root, lang, &mut |h, f| {
        let bytes = fs::read(f).with_context(|| format!("failed to read `{}`", f.display()))?;
        h.write(&(bytes.len() as u64).to_le_bytes());
        h.write(&bytes);
        Ok(())
    })
}

/// A hash of the inputs' names, sizes and modification times: what `tejun search` checks
/// first, since reading every file of a large book costs more than the query. When it
/// differs from the recorded one, [`input_hash`] decides.
pub fn input_stamp(root: &Path, lang: Language) -> anyhow::Result<String> {
    fingerprint(root, lang, &mut |h, f| {
        let meta = fs::metadata(f).with_context(|| format!("failed to read `{}`", f.display()))?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        h.write(&meta.len().to_le_bytes());
        h.write(&modified.to_le_bytes());
        Ok(())
    })
}

/// FNV-1a over the tejun version, index schema and language, then each input file's
/// relative path followed by what `add` writes for it, in sorted order.
fn fingerprint(
    root: &Path,
    lang: Language,
    add: &mut dyn FnMut(&mut Fnv64, &Path) -> anyhow::Result<()>,
) -> anyhow::Result<String> {
    let mut files = vec![root.join("book.toml")];
    walk(&root.join("content"), &mut files)?;
    // A translation's text: only the source's own language has no such folder.
    let translation = root.join("translations").join(lang.code());
    if translation.is_dir() {
        walk(&translation, &mut files)?;
    }
    files.sort();
    let mut h = Fnv64::new();
    // Which tejun, to the build of it (as the build cache's keys): a tejun built from
    // changed sources keeps its version and may analyse text otherwise.
    h.write(crate::output::cache::this_tejun());
    h.write(
        format!(
            "tejun {} schema {SCHEMA} language {}\n",
            env!("CARGO_PKG_VERSION"),
            lang.code()
        )
        .as_bytes(),
    );
    for f in &files {
        let rel = f.strip_prefix(root).unwrap_or(f);
        h.write(rel.to_string_lossy().as_bytes());
        h.write(&[0]);
        add(&mut h, f)?;
    }
    Ok(format!("{:016x}", h.0))
}

/// What an index is built from: the content hash and the stamp.
pub struct Inputs {
    /// The content hash of book.toml, content/ and the theme.
    pub hash: String,
    /// The tejun and index schema versions the index was built by.
    pub stamp: String,
}

impl Inputs {
    /// The inputs of the book at `root` in `lang`, now.
    pub fn of(root: &Path, lang: Language) -> anyhow::Result<Inputs> {
        // The stamp first: a file saved while the bytes are read makes the stamp stale,
        // never the reverse.
        let stamp = input_stamp(root, lang)?;
        Ok(Inputs {
            hash: input_hash(root, lang)?,
            stamp,
        })
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries =
        fs::read_dir(dir).with_context(|| format!("failed to read `{}`", dir.display()))?;
    for e in entries {
        let path = e?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Meta {
    hash: String,
    /// [`input_stamp`] when the index was built or last found up to date.
    #[serde(default)]
    stamp: String,
    docs: usize,
    /// The book's `[search] synonyms`, which queries read.
    #[serde(default)]
    synonyms: Vec<Vec<String>>,
    /// The [`Analysis`] the index was built with, by its code (`ja`, `en`).
    #[serde(default)]
    analysis: String,
    /// Each page's fingerprint, of what its documents are made from ([`model_keys`]): an
    /// update replaces the pages whose fingerprint changed and leaves the others.
    #[serde(default)]
    pages: BTreeMap<String, String>,
    /// How many documents (not counting slices) each page has.
    #[serde(default)]
    counts: BTreeMap<String, usize>,
    /// Pages replaced in place since the index was last built whole: their old documents
    /// still count in the term statistics, so past [`MAX_REPLACED`] it is built whole.
    #[serde(default)]
    replaced: usize,
}

impl Meta {
    /// The record of an index of `book` made from `inputs`: `docs` documents, the pages'
    /// fingerprints, and how many pages were replaced in place since it was built whole.
    fn of(
        inputs: &Inputs,
        book: &Book,
        analysis: Analysis,
        pages: BTreeMap<String, String>,
        counts: BTreeMap<String, usize>,
        replaced: usize,
    ) -> Meta {
        Meta {
            hash: inputs.hash.clone(),
            stamp: inputs.stamp.clone(),
            docs: counts.values().sum(),
            synonyms: book.config.synonyms.clone(),
            analysis: analysis.code().to_string(),
            pages,
            counts,
            replaced,
        }
    }
}

/// The share of pages (one in ten) an index may have replaced in place before an update
/// builds it whole again, so the deleted documents tantivy keeps until a merge never
/// weigh much in its term statistics.
const MAX_REPLACED: usize = 10;

/// What [`update`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// The index matched the book.
    UpToDate {
        /// Documents in it.
        docs: usize,
    },
    /// The index was built afresh.
    Built {
        /// Documents in it.
        docs: usize,
    },
}

/// The hash recorded in `dir`, if it holds an index.
fn recorded(dir: &Path) -> Option<Meta> {
    let text = fs::read_to_string(dir.join(META)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Whether the index in `dir` was built from the current inputs of the book at `root` in
/// `lang`.
pub fn is_fresh(root: &Path, dir: &Path, lang: Language) -> anyhow::Result<bool> {
    let Some(meta) = recorded(dir) else {
        return Ok(false);
    };
    if !meta.stamp.is_empty() && meta.stamp == input_stamp(root, lang)? {
        return Ok(true);
    }
    Ok(meta.hash == input_hash(root, lang)?)
}

/// Builds the index of `book` (loaded from `root`) into `dir`, unless it is up to date.
pub fn update(root: &Path, book: &Book, dir: &Path) -> anyhow::Result<Update> {
    update_sharing(root, book, dir, &std::sync::OnceLock::new())
}

/// [`update`], with the book's hashed model in `model` (hashed here unless the rest of the
/// build has already).
pub fn update_sharing(
    root: &Path,
    book: &Book,
    dir: &Path,
    model: &std::sync::OnceLock<ModelInputs>,
) -> anyhow::Result<Update> {
    BookSources::new(root, &book.config.theme_dir).check(dir)?;
    let inputs = Inputs::of(root, book.config.language)?;
    if let Some(m) = recorded(dir).filter(|m| m.hash == inputs.hash) {
        if m.stamp != inputs.stamp {
            // Touched but not changed: remember the new stamp so the next check is cheap.
            let meta = Meta {
                stamp: inputs.stamp,
                ..m
            };
            let _ = crate::output::write_atomic(
                &dir.join(META),
                serde_json::to_string_pretty(&meta)?.as_bytes(),
            );
            return Ok(Update::UpToDate { docs: meta.docs });
        }
        return Ok(Update::UpToDate { docs: m.docs });
    }
    if let Some(old) = recorded(dir).filter(|m| !m.pages.is_empty()) {
        // An index that cannot be updated (damaged, half removed) is built whole instead.
        if let Ok(Some(docs)) = replace_changed(root, book, dir, &inputs, model, &old) {
            return Ok(Update::Built { docs });
        }
    }
    let docs = build_sharing(root, book, dir, &inputs, model)?;
    Ok(Update::Built { docs })
}

/// One page's documents, as they go into the index.
struct Page {
    id: String,
    docs: Vec<TantivyDocument>,
    /// How many of them are [`SearchDoc`]s (the rest are their slices).
    searched: usize,
}

/// Each procedure's fingerprint, of what its documents are made from: the procedure and
/// what the whole book shares (titles, conditions, book.toml), hashed from the model
/// ([`crate::render::inputs`]) rather than from the documents, so an update makes the
/// documents of the changed procedures only.
fn model_keys(
    book: &Book,
    analysis: Analysis,
    model: &std::sync::OnceLock<ModelInputs>,
) -> BTreeMap<String, String> {
    let mut index = Fingerprinter::new();
    index
        .bytes(b"tantivy documents")
        .bytes(&SCHEMA.to_le_bytes())
        .bytes(analysis.code().as_bytes());
    let index = index.finish();
    let inputs = crate::render::inputs::of(model, book);
    book.procedures()
        .filter_map(|p| Some((p.id.clone(), inputs.page(index, "", &p.id)?.to_string())))
        .collect()
}

/// Hands `out` the documents of `book`'s procedures that `wanted` accepts, a page at a
/// time, in order.
fn pages(
    book: &Book,
    f: Fields,
    wanted: &dyn Fn(&crate::model::Procedure) -> bool,
    out: &mut dyn FnMut(Page) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut wording = Wording::new(&book.config);
    let mut current: Option<Page> = None;
    let mut result = Ok(());
    docs::each_where(book, wanted, &mut |d| {
        if result.is_err() {
            return;
        }
        if current.as_ref().is_some_and(|p| p.id != d.page) {
            if let Some(done) = current.take() {
                result = out(done);
            }
        }
        let page = current.get_or_insert_with(|| Page {
            id: d.page.clone(),
            docs: Vec::new(),
            searched: 0,
        });
        page.searched += 1;
        page.docs.push(f.document(&d, &mut wording));
        for k in 1..=d.slices.conditions.len() as u32 {
            page.docs.push(f.slice(&d, k));
        }
    });
    result?;
    match current {
        Some(last) => out(last),
        None => Ok(()),
    }
}

/// Updates the index in `dir` in a copy: the pages whose documents changed are deleted
/// and added again, the others stay as they are. The copy's files are hard links to the
/// index's (tantivy never rewrites a file: a commit writes new segment, deletion and meta
/// files), and it is swapped in whole like a built one. `None` when the index should be
/// built whole instead: another schema, or too many pages replaced since it last was.
fn replace_changed(
    root: &Path,
    book: &Book,
    dir: &Path,
    inputs: &Inputs,
    model: &std::sync::OnceLock<ModelInputs>,
    old: &Meta,
) -> anyhow::Result<Option<usize>> {
    let analysis = Analysis::of(book.config.language);
    if old.analysis != analysis.code() {
        return Ok(None);
    }
    let (schema, f) = schema();
    let now = crate::timing::phase("tantivy: compare pages", || {
        model_keys(book, analysis, model)
    });
    let is_changed = |id: &str| old.pages.get(id) != now.get(id);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for id in now.keys().filter(|id| !is_changed(id)) {
        // A count the record lacks: the index cannot say how many documents it holds.
        let Some(&n) = old.counts.get(id) else {
            return Ok(None);
        };
        counts.insert(id.clone(), n);
    }
    let changed_ids: Vec<&String> = now.keys().filter(|id| is_changed(id)).collect();
    let mut changed = Vec::new();
    pages(book, f, &|p| is_changed(&p.id), &mut |p| {
        counts.insert(p.id.clone(), p.searched);
        changed.push(p);
        Ok(())
    })?;
    for id in &changed_ids {
        counts.entry((*id).clone()).or_insert(0);
    }
    let gone: Vec<&String> = old
        .pages
        .keys()
        .filter(|id| !now.contains_key(*id))
        .collect();
    let replaced = old.replaced + changed_ids.len() + gone.len();
    if replaced * MAX_REPLACED > now.len().max(1) {
        return Ok(None);
    }
    let sources = BookSources::new(root, &book.config.theme_dir);
    let staged = StagedDir::begin(dir, Kind::SearchIndex, &sources)?;
    let tdir = staged.path().join("tantivy");
    fs::create_dir(&tdir).with_context(|| format!("failed to create `{}`", tdir.display()))?;
    let from = dir.join("tantivy");
    let entries =
        fs::read_dir(&from).with_context(|| format!("failed to read `{}`", from.display()))?;
    for e in entries {
        let e = e?;
        let name = e.file_name();
        // Lock files belong to the folder a writer has open, not to the index.
        if !e.file_type()?.is_file() || name.to_string_lossy().ends_with(".lock") {
            continue;
        }
        let to = tdir.join(&name);
        if fs::hard_link(e.path(), &to).is_err() {
            fs::copy(e.path(), &to)
                .with_context(|| format!("failed to copy `{}`", e.path().display()))?;
        }
    }
    let index = Index::open_in_dir(&tdir)?;
    if index.schema() != schema {
        return Ok(None);
    }
    index
        .tokenizers()
        .register(TOKENIZER, TejunTokenizer::new(analysis));
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 64_000_000)?;
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    for id in gone {
        writer.delete_term(Term::from_field_text(f.page, id));
    }
    // Deleted before added: a delete only reaches documents added before it. A changed
    // procedure may have no documents now.
    for id in &changed_ids {
        writer.delete_term(Term::from_field_text(f.page, id));
    }
    for p in changed {
        for d in p.docs {
            writer.add_document(d)?;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let meta = Meta::of(inputs, book, analysis, now, counts, replaced);
    let count = meta.docs;
    fs::write(
        staged.path().join(META),
        serde_json::to_string_pretty(&meta)?,
    )?;
    drop(index);
    staged.commit()?.finish()?;
    Ok(Some(count))
}

/// Always (re)builds; returns the number of documents. The index is written into a
/// staging folder beside `dir` and swapped in whole; `dir` must be a search index tejun
/// made (or absent, or empty), and never one of the book's sources.
pub fn build(root: &Path, book: &Book, dir: &Path, inputs: &Inputs) -> anyhow::Result<usize> {
    build_sharing(root, book, dir, inputs, &std::sync::OnceLock::new())
}

fn build_sharing(
    root: &Path,
    book: &Book,
    dir: &Path,
    inputs: &Inputs,
    model: &std::sync::OnceLock<ModelInputs>,
) -> anyhow::Result<usize> {
    let sources = BookSources::new(root, &book.config.theme_dir);
    let staged = StagedDir::begin(dir, Kind::SearchIndex, &sources)?;
    let tmp = staged.path();
    let analysis = Analysis::of(book.config.language);
    let (index, f) = create_index(&tmp.join("tantivy"), analysis)?;
    // One thread: the site renders on the other cores meanwhile. The budget holds a
    // 100,000-step book in one segment, and merging is off: a merge would rewrite the whole
    // index once more.
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 256_000_000)?;
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    // A large book is cut into one segment per core, committed as each fills: a query
    // searches the segments in parallel ([`SearchIndex::open`]).
    let (per_segment, segments) = segment_plan(book);
    // Documents are made a page at a time and handed over, never all held at once.
    let mut done = 0;
    let mut counts = BTreeMap::new();
    pages(book, f, &|_| true, &mut |p| {
        // A segment ends between pages; the last one takes whatever is left.
        if done > 0 && done % per_segment == 0 && done / per_segment < segments {
            writer.commit()?;
        }
        done += 1;
        counts.insert(p.id.clone(), p.searched);
        for d in p.docs {
            writer.add_document(d)?;
        }
        Ok(())
    })?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    let keys = model_keys(book, analysis, model);
    for id in keys.keys() {
        counts.entry(id.clone()).or_insert(0);
    }
    let meta = Meta::of(inputs, book, analysis, keys, counts, 0);
    let count = meta.docs;
    fs::write(tmp.join(META), serde_json::to_string_pretty(&meta)?)?;
    // The index's files closed before the folder moves.
    drop(index);
    staged.commit()?.finish()?;
    Ok(count)
}

/// Below this many steps one segment is searched faster than several.
const MIN_SEGMENT_STEPS: usize = 20_000;

/// Pages per segment and how many segments: a share of the book per core, so that every
/// core takes a share of a query; a small book stays one segment.
fn segment_plan(book: &Book) -> (usize, usize) {
    let steps = book.step_count();
    let pages = book.procedures().count() + book.chapters.len();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let segments = (steps / MIN_SEGMENT_STEPS).clamp(1, cores);
    (pages.div_ceil(segments).max(1), segments)
}

/// A new, empty index in the folder `tdir`, created here, with the tejun tokenizer.
fn create_index(tdir: &Path, analysis: Analysis) -> anyhow::Result<(Index, Fields)> {
    // Never `create_dir_all`: a parent removed meanwhile (the dev server stopping) stays
    // removed.
    fs::create_dir(tdir).with_context(|| format!("failed to create `{}`", tdir.display()))?;
    let (schema, fields) = schema();
    let index = Index::builder().schema(schema).create_in_dir(tdir)?;
    index
        .tokenizers()
        .register(TOKENIZER, TejunTokenizer::new(analysis));
    Ok((index, fields))
}

/// The schema's fields.
#[derive(Clone, Copy)]
struct Fields {
    title: tantivy::schema::Field,
    commands: tantivy::schema::Field,
    gui: tantivy::schema::Field,
    body: tantivy::schema::Field,
    procedure: tantivy::schema::Field,
    chapter: tantivy::schema::Field,
    kind: tantivy::schema::Field,
    location: tantivy::schema::Field,
    link: tantivy::schema::Field,
    cond: tantivy::schema::Field,
    /// The condition in the book's words ([`Wording::text`]).
    cond_text: tantivy::schema::Field,
    text: tantivy::schema::Field,
    /// The page's id, whole: the dev server deletes a procedure's documents by it.
    page: tantivy::schema::Field,
    /// 1 when the title is short ([`rank::is_short`]), read per document by the ranking.
    short: tantivy::schema::Field,
    /// For a slice, how many documents after its step it sits (0 for a step).
    back: tantivy::schema::Field,
    /// A step's slices ([`StoredSlices`]), for its snippet.
    slices: tantivy::schema::Field,
    /// [`SearchDoc::written`] as JSON, when a title shows facet values.
    written: tantivy::schema::Field,
}

/// What a step stores of its slices: their conditions and the slice of each line of its
/// text, so a snippet leaves out the lines an environment rules out.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredSlices {
    conds: Vec<String>,
    lines: Vec<u32>,
}

/// The `kind` of a slice's document.
const SLICE: &str = "slice";

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let searched = TextOptions::default().set_indexing_options(indexing);
    let shown = searched.clone().set_stored();
    let f = Fields {
        title: b.add_text_field("title", shown.clone()),
        commands: b.add_text_field("cmd", searched.clone()),
        gui: b.add_text_field("gui", searched.clone()),
        body: b.add_text_field("body", searched),
        procedure: b.add_text_field("proc", shown.clone()),
        chapter: b.add_text_field("chapter", shown),
        // Indexed whole: slices are counted by it (they are not documents of the ranking).
        kind: b.add_text_field("kind", STRING | STORED),
        location: b.add_text_field("location", STORED),
        link: b.add_text_field("link", STORED),
        // Indexed whole: the distinct conditions are read back from the term dictionary.
        cond: b.add_text_field("cond", STRING | STORED),
        cond_text: b.add_text_field("cond_text", STORED),
        text: b.add_text_field("text", STORED),
        page: b.add_text_field("page", STRING),
        short: b.add_u64_field("short", FAST),
        back: b.add_u64_field("back", FAST),
        slices: b.add_text_field("slices", STORED),
        written: b.add_text_field("written", STORED),
    };
    (b.build(), f)
}

impl Fields {
    /// The searched fields with their bits in [`super::rank`]'s masks.
    fn text(self) -> retrieve::TextFields {
        [
            (self.title, rank::TITLE),
            (self.commands, rank::COMMAND),
            (self.gui, rank::GUI),
            (self.body, rank::BODY),
            (self.procedure, rank::PROCEDURE),
            (self.chapter, rank::CHAPTER),
        ]
    }

    /// Adds `d` and its slices, in order: each slice `back` documents after its step.
    fn add(
        self,
        writer: &tantivy::IndexWriter<TantivyDocument>,
        d: &SearchDoc,
        wording: &mut Wording,
    ) -> tantivy::Result<()> {
        writer.add_document(self.document(d, wording))?;
        for k in 1..=d.slices.conditions.len() as u32 {
            writer.add_document(self.slice(d, k))?;
        }
        Ok(())
    }

    /// One value per line of `d`'s fields in slice `k`: tantivy leaves a position gap
    /// between values, so a phrase never spans two lines, just as the site checks a phrase
    /// line by line.
    fn add_lines(self, doc: &mut TantivyDocument, d: &SearchDoc, k: u32) {
        let sl = &d.slices;
        for (field, values, tags) in [
            (self.commands, &d.commands, &sl.commands),
            (self.gui, &d.gui, &sl.gui),
            (self.body, &d.body, &sl.body),
        ] {
            for (i, v) in values.iter().enumerate() {
                if docs::Slices::of(tags, i) == k {
                    for line in v.split('\n') {
                        doc.add_text(field, line);
                    }
                }
            }
        }
    }

    fn document(self, d: &SearchDoc, wording: &mut Wording) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_text(self.title, &d.title);
        self.add_lines(&mut doc, d, 0);
        doc.add_text(self.procedure, &d.procedure);
        doc.add_text(self.chapter, &d.chapter);
        let kind = serde_json::to_value(d.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        doc.add_text(self.kind, kind);
        doc.add_text(self.location, &d.location);
        doc.add_text(self.link, d.link());
        if let Some(c) = &d.condition {
            doc.add_text(self.cond, c);
            if let Some(words) = wording.text(c) {
                doc.add_text(self.cond_text, words);
            }
        }
        doc.add_text(self.text, &d.text);
        doc.add_text(self.page, &d.page);
        doc.add_u64(self.short, u64::from(rank::is_short(&d.title)));
        doc.add_u64(self.back, 0);
        if let Some(written) = &d.written {
            doc.add_text(
                self.written,
                serde_json::to_string(&**written).unwrap_or_default(),
            );
        }
        if !d.slices.conditions.is_empty() {
            let stored = StoredSlices {
                conds: d.slices.conditions.clone(),
                lines: d.slices.lines.clone(),
            };
            doc.add_text(
                self.slices,
                serde_json::to_string(&stored).unwrap_or_default(),
            );
        }
        doc
    }

    /// Slice `k` of `d`: its words and its condition, nothing shown.
    fn slice(self, d: &SearchDoc, k: u32) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        self.add_lines(&mut doc, d, k);
        doc.add_text(self.kind, SLICE);
        doc.add_text(self.cond, &d.slices.conditions[k as usize - 1]);
        doc.add_text(self.page, &d.page);
        doc.add_u64(self.short, 0);
        doc.add_u64(self.back, u64::from(k));
        doc
    }
}

/// An index the dev server keeps open and changes one procedure at a time, so
/// `/api/search` follows an edit without indexing the whole book again.
pub struct LiveIndex {
    writer: tantivy::IndexWriter<TantivyDocument>,
    reader: IndexReader,
    fields: Fields,
    synonyms: Synonyms,
    analysis: Analysis,
}

impl LiveIndex {
    /// Indexes `book` into the empty folder `dir`.
    pub fn create(book: &Book, dir: &Path) -> anyhow::Result<LiveIndex> {
        let analysis = Analysis::of(book.config.language);
        let (index, fields) = create_index(&dir.join("tantivy"), analysis)?;
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 64_000_000)?;
        let mut added = Ok(());
        let mut wording = Wording::new(&book.config);
        docs::each(book, &mut |d| {
            if added.is_ok() {
                added = fields.add(&writer, &d, &mut wording);
            }
        });
        added?;
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()?;
        Ok(LiveIndex {
            writer,
            reader,
            fields,
            synonyms: Synonyms::new_in(&book.config.synonyms, analysis),
            analysis,
        })
    }

    /// Replaces the documents of procedure `id` with those of its version in `book`.
    pub fn replace_procedure(&mut self, book: &Book, id: &str) -> anyhow::Result<()> {
        self.writer
            .delete_term(Term::from_field_text(self.fields.page, id));
        let mut added = Ok(());
        let mut wording = Wording::new(&book.config);
        docs::each_in_procedure(book, id, &mut |d| {
            if added.is_ok() {
                added = self.fields.add(&self.writer, &d, &mut wording);
            }
        });
        added?;
        self.writer.commit()?;
        // Every `SearchIndex` made by `searcher` shares this reader and sees the commit.
        self.reader.reload()?;
        Ok(())
    }

    /// Queries against the index as it is after the last change.
    pub fn searcher(&self) -> SearchIndex {
        SearchIndex {
            reader: self.reader.clone(),
            fields: self.fields,
            synonyms: self.synonyms.clone(),
            analysis: self.analysis,
        }
    }
}

/// An open index, ready for queries.
pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    synonyms: Synonyms,
    analysis: Analysis,
}

/// A query and how to narrow it.
pub struct Request<'a> {
    /// What was typed.
    pub query: &'a str,
    /// Restrict every term to one field (`--field cmd`).
    pub field: Option<Field>,
    /// Drop documents whose condition this environment makes false, and word the
    /// conditions of the rest by what it leaves open (the book's config words them).
    pub env: Option<(&'a Env, &'a Config)>,
    /// How many hits to return at most.
    pub limit: usize,
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// `step`, `section` or `procedure`.
    pub kind: String,
    /// The title as the page shows it.
    pub title: String,
    /// Its procedure's title.
    pub procedure: String,
    /// Its chapter's title.
    pub chapter: String,
    /// Its numbered location (`1.1.2.1 手順 5`).
    pub location: String,
    /// The deep link, relative to the site's root.
    pub link: String,
    /// Its condition in the canonical syntax (`--json` keeps it raw).
    pub condition: Option<String>,
    /// The condition in the book's words: facet and value labels, simplified.
    pub condition_text: Option<String>,
    /// The text around the matches.
    pub snippet: String,
    /// Byte ranges of `snippet` that matched.
    #[serde(skip)]
    pub highlights: Vec<std::ops::Range<usize>>,
    /// The rank ([`rank::Key`]): terms matched, of those as typed, and the score.
    pub matched: u32,
    /// Of the terms matched, how many as typed.
    pub exact: u32,
    /// The BM25F score.
    pub score: f64,
}

/// The answer to one query.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Results {
    /// Documents that matched (before `limit`).
    pub total: usize,
    /// Documents that matched but the environment rules out (0 without one).
    pub outside: usize,
    /// No document holds every word of the query: these hold most of them.
    pub partial: bool,
    /// The query as searched, when a word the book lacks was corrected.
    pub corrected: Option<String>,
    /// The best hits, at most `limit`.
    pub hits: Vec<Hit>,
}

impl SearchIndex {
    /// Opens the index in `dir` (as `update` wrote it).
    pub fn open(dir: &Path) -> anyhow::Result<SearchIndex> {
        let mut index = Index::open_in_dir(dir.join("tantivy"))
            .with_context(|| format!("failed to open the search index in `{}`", dir.display()))?;
        let meta = recorded(dir);
        let analysis = Analysis::from_code(meta.as_ref().map_or("", |m| &m.analysis));
        index
            .tokenizers()
            .register(TOKENIZER, TejunTokenizer::new(analysis));
        // A large book's segments are searched on every core at once.
        if index.searchable_segment_ids()?.len() > 1 {
            index.set_default_multithread_executor()?;
        }
        let (_, fields) = schema();
        let reader = index.reader()?;
        let synonyms = Synonyms::new_in(&meta.map(|m| m.synonyms).unwrap_or_default(), analysis);
        Ok(SearchIndex {
            reader,
            fields,
            synonyms,
            analysis,
        })
    }

    /// Runs one query.
    pub fn search(&self, req: &Request) -> anyhow::Result<Results> {
        if req.limit == 0 || query::parse_in(req.query, req.field, self.analysis).is_empty() {
            return Ok(Results::default());
        }
        let searcher = self.reader.searcher();
        let (excluded, ruled_out) = match req.env {
            Some((env, config)) => {
                let conds = self.excluded(&searcher, env, &config.facets)?;
                (
                    self.docs_of(&searcher, &conds)?,
                    conds.into_iter().collect::<HashSet<String>>(),
                )
            }
            None => (HashSet::new(), HashSet::new()),
        };
        let found = retrieve::run(
            &searcher,
            &self.fields.text(),
            retrieve::Columns {
                short: "short",
                back: "back",
                slice: Term::from_field_text(self.fields.kind, SLICE),
            },
            req.query,
            req.field,
            &self.synonyms,
            self.analysis,
            &excluded,
            req.limit,
        )?;
        let marks = found.plan.highlight_tokens();
        let mut hits = Vec::new();
        for (addr, key) in found.hits {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let get = |f| {
                doc.get_first(f)
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            };
            let title = get(self.fields.title);
            let mut text = get(self.fields.text);
            // The snippet comes from what applies: the lines of ruled-out slices left out.
            if !ruled_out.is_empty() {
                if let Ok(sl) = serde_json::from_str::<StoredSlices>(&get(self.fields.slices)) {
                    let slices = docs::SliceLists {
                        conditions: sl.conds,
                        lines: sl.lines,
                        ..docs::SliceLists::default()
                    };
                    let drop =
                        |k: u32| k > 0 && ruled_out.contains(&slices.conditions[k as usize - 1]);
                    text = slices.keep_lines(&text, &drop);
                }
            }
            // Titles that show facet values read as the environment gives them.
            let mut titles = [title, get(self.fields.procedure), get(self.fields.chapter)];
            if let Some((env, config)) = req.env {
                let written: [Option<String>; 3] =
                    serde_json::from_str(&get(self.fields.written)).unwrap_or_default();
                for (shown, written) in titles.iter_mut().zip(written) {
                    if let Some(w) = written {
                        *shown = config.with_facets_in(env, &w).into_owned();
                    }
                }
            }
            let Snippet { text, highlights } = snippet::snippet_in(
                if text.is_empty() { &titles[0] } else { &text },
                &marks,
                self.analysis,
            );
            let [title, procedure, chapter] = titles;
            hits.push(Hit {
                kind: get(self.fields.kind),
                procedure,
                chapter,
                location: get(self.fields.location),
                link: get(self.fields.link),
                condition_text: match req.env {
                    Some((env, config)) => open_text(&get(self.fields.cond), env, config),
                    None => Some(get(self.fields.cond_text)).filter(|c| !c.is_empty()),
                },
                condition: Some(get(self.fields.cond)).filter(|c| !c.is_empty()),
                snippet: text,
                highlights,
                title,
                matched: key.matched,
                exact: key.exact,
                score: key.score,
            });
        }
        Ok(Results {
            total: found.total,
            outside: found.outside,
            partial: found.partial,
            corrected: found.plan.corrected_query(req.query),
            hits,
        })
    }

    /// The documents (steps and slices) whose condition is one of `conds`.
    fn docs_of(
        &self,
        searcher: &tantivy::Searcher,
        conds: &[String],
    ) -> anyhow::Result<HashSet<tantivy::DocAddress>> {
        let mut out = HashSet::new();
        for c in conds {
            let term = Term::from_field_text(self.fields.cond, c);
            let q = TermQuery::new(term, IndexRecordOption::Basic);
            out.extend(searcher.search(&q, &DocSetCollector)?);
        }
        Ok(out)
    }

    /// The stored conditions `env` makes false, read from the term dictionary (a book has
    /// few distinct conditions however many steps it has).
    fn excluded(
        &self,
        searcher: &tantivy::Searcher,
        env: &Env,
        facets: &[Facet],
    ) -> anyhow::Result<Vec<String>> {
        let mut all = BTreeSet::new();
        for seg in searcher.segment_readers() {
            let inv = seg.inverted_index(self.fields.cond)?;
            let mut stream = inv.terms().stream()?;
            while stream.advance() {
                all.insert(String::from_utf8_lossy(stream.key()).into_owned());
            }
        }
        Ok(all
            .into_iter()
            .filter(|c| {
                let bound = condition::parse(c)
                    .ok()
                    .and_then(|e| condition::bind(&e, facets).ok());
                // A condition that no longer binds (facets changed) is kept, not hidden.
                bound.is_some_and(|b| b.eval(env) == Some(false))
            })
            .collect())
    }
}

/// What of the stored condition `canonical` the environment leaves open, in words: a
/// reader who chose `os = linux` needs no "Operating system: Linux" on every hit.
fn open_text(canonical: &str, env: &Env, config: &Config) -> Option<String> {
    let c = condition::parse(canonical)
        .ok()
        .and_then(|e| condition::bind(&e, &config.facets).ok())?;
    match crate::filter::decide(&c, env) {
        Decision::Holds => None,
        Decision::Open(open) => wording::text(&open, config),
        Decision::Fails => wording::text(&c, config),
    }
}

/// The primaries a phrase must check: a CJK bigram between two others at the offsets
/// just before and after it is implied by them, since the analyser leaves an empty
/// position between runs (two bigrams one position apart share a run, so the characters
/// they cover are consecutive). Every other such bigram is dropped: `フェイルオーバ` is
/// checked as `フェ@0 イル@2 オー@4 ーバ@5`, and a Japanese phrase reads about half the
/// positions it did.
pub(super) fn covering(primaries: &[(usize, String)]) -> Vec<(usize, &str)> {
    let bigram = |s: &str| {
        let mut cs = s.chars();
        matches!((cs.next(), cs.next(), cs.next()), (Some(a), Some(b), None)
            if super::analyze::is_cjk_char(a) && super::analyze::is_cjk_char(b))
    };
    let mut kept: Vec<(usize, &str)> = Vec::with_capacity(primaries.len());
    for (i, (o, s)) in primaries.iter().enumerate() {
        let implied = bigram(s)
            && kept
                .last()
                .is_some_and(|&(ko, ks)| ko + 1 == *o && bigram(ks))
            && primaries
                .get(i + 1)
                .is_some_and(|(no, ns)| *no == o + 1 && bigram(ns));
        if !implied {
            kept.push((*o, s));
        }
    }
    kept
}

/// How long things took, for `tejun index` and `tejun search` to report.
pub fn millis(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// Total size in bytes of the files under `dir`.
pub fn size_on_disk(dir: &Path) -> u64 {
    let mut files = Vec::new();
    if walk(dir, &mut files).is_err() {
        return 0;
    }
    files
        .iter()
        .filter_map(|f| fs::metadata(f).ok())
        .map(|m| m.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyze::analyze;
    use proptest::prelude::*;

    fn offsets(q: &str) -> Vec<usize> {
        let terms = query::parse(q, None);
        covering(&terms[0].primaries)
            .iter()
            .map(|&(o, _)| o)
            .collect()
    }

    #[test]
    fn covering_skips_every_other_inner_bigram() {
        assert_eq!(offsets("フェイルオーバ"), [0, 2, 4, 5]);
        assert_eq!(offsets("共有"), [0]);
        assert_eq!(offsets("共有ディ"), [0, 2]);
        // Words and single characters are never implied.
        assert_eq!(offsets("nqs_site"), [0, 1]);
        assert_eq!(offsets("リソースDLL"), [0, 2, 5]);
    }

    /// Whether the phrase `(offset, token)` occurs in the tokens of `text`.
    fn phrase_in(text: &str, phrase: &[(usize, &str)]) -> bool {
        let tokens = analyze(text);
        let at = |pos: usize, s: &str| tokens.iter().any(|t| t.position == pos && t.text == s);
        tokens.iter().any(|t| {
            t.position >= phrase[0].0
                && phrase
                    .iter()
                    .all(|&(o, s)| at(t.position - phrase[0].0 + o, s))
        })
    }

    proptest! {
        /// The covering finds exactly the documents the whole phrase finds.
        #[test]
        fn covering_matches_what_the_whole_phrase_matches(
            text in "[アイウ, x]{0,12}",
            q in "[アイウ]{2,6}",
        ) {
            let terms = query::parse(&q, None);
            let all: Vec<(usize, &str)> =
                terms[0].primaries.iter().map(|(o, s)| (*o, s.as_str())).collect();
            let cover = covering(&terms[0].primaries);
            prop_assert_eq!(phrase_in(&text, &all), phrase_in(&text, &cover));
            // And the phrase is the substring, for text without separators inside it.
            prop_assert_eq!(phrase_in(&text, &all), text.contains(q.as_str()));
        }
    }
}
