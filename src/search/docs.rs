//! What gets searched: the book flattened into one [`SearchDoc`] per step (plus procedure
//! and section intros), each with its text split by field, its location, its deep link and
//! the condition under which it applies. The tantivy index and the offline shards are both
//! built from this list, so the CLI and the site search the same documents.
//!
//! A step is cut into slices by its conditions: its own text (slice 0) and one slice per
//! variant, conditional part and conditional process item, each with its effective
//! condition (every enclosing `when` and its own), so that an environment drops exactly
//! the text `filter.rs` would drop ([`Slices`]).
//!
//! Text is what the page shows: a placeholder `[[resource]]` reads as its unfilled text
//! (`[リソースの名前]`, book.toml's `unfilled`), so a snippet never shows the raw marker
//! and a reader finds it by the words on the page.

use crate::render::labels;
use crate::render::markdown::text as plain;
use serde::Serialize;

use crate::condition::Condition;
use crate::filter::is_trivial;
use crate::model::*;

/// What a search document stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// A procedure's intro.
    Procedure,
    /// A section's intro.
    Section,
    /// A step.
    Step,
}

/// One searchable unit: a step, or the intro of a procedure or section.
#[derive(Debug, Clone, Serialize)]
pub struct SearchDoc {
    /// What it stands for.
    pub kind: DocKind,
    /// Its title as the page shows it.
    pub title: String,
    /// Prose, notes, cautions, process names, expected output, variant labels.
    pub body: Vec<String>,
    /// Command lines, one per entry.
    pub commands: Vec<String>,
    /// For each of `commands`, whether a command starts on it ([`Shell::starts`]: not a
    /// continued line, a here-document's body, the rest of an SQL statement).
    #[serde(skip)]
    pub command_starts: Vec<bool>,
    /// GUI menu paths, one per entry (`[サーバの環境設定]→[local]を選択`).
    pub gui: Vec<String>,
    /// The process names a check lists (also in the body, where they are searched).
    pub processes: Vec<String>,
    /// The title of its procedure.
    pub procedure: String,
    /// The title of its chapter.
    pub chapter: String,
    /// `1.1.2.1 手順 5` for a step, the number for a section or procedure.
    pub location: String,
    /// The page it is on (a procedure id).
    pub page: String,
    /// Its anchor on the page (empty: the top).
    pub anchor: String,
    /// The conjunction of every condition from the chapter down (and, for a step with
    /// variants, the disjunction of theirs), in `Condition`'s canonical syntax.
    pub condition: Option<String>,
    /// Everything in reading order, for snippets.
    pub text: String,
    /// Its own, its procedure's and its chapter's title as written, each when it shows
    /// facet values (`Upgrade to [[to.minor]]`): a search in an environment shows them
    /// with its values. Boxed, and `None` when none does: most titles show none, and a
    /// book has a hundred thousand documents.
    #[serde(skip)]
    pub written: Option<Box<[Option<String>; 3]>>,
    /// Which slice each entry of `commands`, `gui`, `body` and each line of `text`
    /// belongs to, and the slices' conditions.
    #[serde(skip)]
    pub slices: Slices,
}

/// The conditional slices of a step. Slice 0 is the step's own text, under
/// [`SearchDoc::condition`]; slice `k` is `conditions[k - 1]`, the conjunction of every
/// condition from the chapter down to the variant, part or process item. The tag lists
/// run beside the document's fields; empty ones (a document without slices) mean 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct SliceLists {
    /// Each slice's condition in `Condition`'s canonical syntax.
    pub conditions: Vec<String>,
    /// Each slice's own conditions alone (variant, part, process item), canonical: where
    /// the step is not ruled out, they alone decide whether the slice is (a conjunction
    /// is false only when a conjunct is, and the step's condition holds every other).
    pub own: Vec<String>,
    /// The slice of each of `commands`.
    pub commands: Vec<u32>,
    /// The slice of each of `gui`.
    pub gui: Vec<u32>,
    /// The slice of each of `body`.
    pub body: Vec<u32>,
    /// The slice of each of `processes`.
    pub processes: Vec<u32>,
    /// The slice of each line of `text` (split at `\n`).
    pub lines: Vec<u32>,
}

/// A document's [`SliceLists`], boxed when it has any: most documents have none, and seven
/// empty lists inline made each of a large book's hundred thousand documents 160 bytes
/// larger. Reads see empty lists for a document without slices; the first write makes
/// them.
#[derive(Debug, Clone, Default)]
pub struct Slices(Option<Box<SliceLists>>);

/// Equal when the lists are: a box of empty lists reads as none.
impl PartialEq for Slices {
    fn eq(&self, other: &Slices) -> bool {
        **self == **other
    }
}

/// What a document without slices reads.
static NO_SLICES: SliceLists = SliceLists {
    conditions: Vec::new(),
    own: Vec::new(),
    commands: Vec::new(),
    gui: Vec::new(),
    body: Vec::new(),
    processes: Vec::new(),
    lines: Vec::new(),
};

impl std::ops::Deref for Slices {
    type Target = SliceLists;

    fn deref(&self) -> &SliceLists {
        self.0.as_deref().unwrap_or(&NO_SLICES)
    }
}

impl std::ops::DerefMut for Slices {
    fn deref_mut(&mut self) -> &mut SliceLists {
        self.0.get_or_insert_with(Box::default)
    }
}

impl From<SliceLists> for Slices {
    fn from(lists: SliceLists) -> Slices {
        Slices((lists != SliceLists::default()).then(|| Box::new(lists)))
    }
}

impl Slices {
    /// The slice of entry `i` of a tag list.
    pub fn of(tags: &[u32], i: usize) -> u32 {
        tags.get(i).copied().unwrap_or(0)
    }

    /// The lists, when there are any.
    pub fn lists(&self) -> Option<&SliceLists> {
        self.0.as_deref()
    }

    /// The lists, to take apart.
    pub fn into_lists(self) -> SliceLists {
        self.0.map(|b| *b).unwrap_or_default()
    }
}

impl SliceLists {
    /// `text` without the lines of the slices `drop` rules out.
    pub fn keep_lines(&self, text: &str, drop: &dyn Fn(u32) -> bool) -> String {
        if self.conditions.is_empty() {
            return text.to_string();
        }
        text.split('\n')
            .enumerate()
            .filter(|(i, _)| !drop(Slices::of(&self.lines, *i)))
            .map(|(_, l)| l)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// [`SearchDoc::written`] of three titles, `None` when none is given.
fn written(titles: [Option<String>; 3]) -> Option<Box<[Option<String>; 3]>> {
    titles.iter().any(Option::is_some).then(|| Box::new(titles))
}

impl SearchDoc {
    /// Title `i` as written (0: its own, 1: its procedure's, 2: its chapter's), when it
    /// shows facet values.
    pub fn written_at(&self, i: usize) -> Option<String> {
        self.written
            .as_ref()
            .and_then(|w| w.get(i).cloned().flatten())
    }

    /// The deep link relative to the site root: `{page}.html#{anchor}`.
    pub fn link(&self) -> String {
        if self.anchor.is_empty() {
            format!("{}.html", self.page)
        } else {
            format!("{}.html#{}", self.page, self.anchor)
        }
    }
}

/// Every searchable document of `book`, in reading order: the procedures' made on every
/// core (each is a function of the book alone), then joined in order.
pub fn collect(book: &Book) -> Vec<SearchDoc> {
    collect_with(book, &|_, read| read()).0
}

/// What [`collect_with`] asks of each procedure: its documents, given the procedure and
/// the way to read them from the book.
pub type PerProcedure<'f> =
    dyn Fn(&Procedure, &dyn Fn() -> Vec<SearchDoc>) -> Vec<SearchDoc> + Sync + 'f;

/// [`collect`], each procedure's documents as `each` gives them (read from the book, or
/// taken from where an earlier reading of the same procedure was kept); with each
/// procedure's id and how many documents it gave, in reading order.
pub fn collect_with<'b>(
    book: &'b Book,
    each: &PerProcedure<'_>,
) -> (Vec<SearchDoc>, Vec<(&'b str, u32)>) {
    use rayon::prelude::*;
    let step_word = book.config.words.site.step.as_str();
    let placed = placed(book, &|_| true);
    let per_procedure = placed
        .par_iter()
        .map(|(ch, p, conds)| {
            each(p, &|| {
                let mut docs = Vec::new();
                procedure(book, ch, p, conds, step_word, &mut |d| docs.push(d));
                docs
            })
        })
        .collect::<Vec<_>>();
    // Sized once: grown by doubling, the book's documents (tens of megabytes) were copied
    // at every step into fresh memory.
    let mut all = Vec::with_capacity(per_procedure.iter().map(Vec::len).sum());
    let mut counts = Vec::with_capacity(per_procedure.len());
    for ((_, p, _), docs) in placed.iter().zip(per_procedure) {
        counts.push((p.id.as_str(), docs.len() as u32));
        all.extend(docs);
    }
    (all, counts)
}

/// Hands every searchable document of `book` to `out`, in reading order, without holding
/// them all: the tantivy index takes them one by one (a large book's documents are over a
/// hundred megabytes).
pub fn each(book: &Book, out: &mut dyn FnMut(SearchDoc)) {
    walk(book, &|_| true, out);
}

/// The documents of the procedure `id` alone (the dev server re-indexing one edit).
pub fn each_in_procedure(book: &Book, id: &str, out: &mut dyn FnMut(SearchDoc)) {
    walk(book, &|p| p.id == id, out);
}

/// [`each`] for the procedures `wanted` accepts.
pub fn each_where(
    book: &Book,
    wanted: &dyn Fn(&Procedure) -> bool,
    out: &mut dyn FnMut(SearchDoc),
) {
    walk(book, wanted, out);
}

fn walk(book: &Book, wanted: &dyn Fn(&Procedure) -> bool, out: &mut dyn FnMut(SearchDoc)) {
    let step_word = book.config.words.site.step.as_str();
    for (ch, p, conds) in placed(book, wanted) {
        procedure(book, ch, p, &conds, step_word, out);
    }
}

/// The procedures of `book` that `wanted` accepts, in reading order, with each one's
/// chapter and the conditions it sits under (its chapter's, its group's).
fn placed<'b>(
    book: &'b Book,
    wanted: &dyn Fn(&Procedure) -> bool,
) -> Vec<(&'b Chapter, &'b Procedure, Vec<&'b Condition>)> {
    let mut all = Vec::new();
    for ch in &book.chapters {
        let outer: Vec<&Condition> = ch.when.iter().collect();
        for item in &ch.items {
            match item {
                ChapterItem::Procedure(p) if wanted(p) => all.push((ch, &**p, outer.clone())),
                ChapterItem::Procedure(_) => {}
                ChapterItem::Group(g) => {
                    let mut conds = outer.clone();
                    conds.extend(g.when.iter());
                    all.extend(
                        g.procedures
                            .iter()
                            .filter(|p| wanted(p))
                            .map(|p| (ch, &**p, conds.clone())),
                    );
                }
            }
        }
    }
    all
}

fn procedure(
    book: &Book,
    ch: &Chapter,
    p: &Procedure,
    outer: &[&Condition],
    step_word: &str,
    out: &mut dyn FnMut(SearchDoc),
) {
    let mut conds = outer.to_vec();
    conds.extend(p.when.iter());
    let base = SearchDoc {
        kind: DocKind::Procedure,
        title: shown(book, &p.title),
        body: Vec::new(),
        commands: Vec::new(),
        command_starts: Vec::new(),
        gui: Vec::new(),
        processes: Vec::new(),
        procedure: shown(book, &p.title),
        chapter: shown(book, &ch.title),
        location: p.number.to_string(),
        page: p.id.clone(),
        anchor: String::new(),
        condition: canonical(&conds, None),
        text: String::new(),
        written: written([
            p.title_source.clone(),
            p.title_source.clone(),
            book.targets
                .get(&ch.id)
                .and_then(|t| t.title_source.clone()),
        ]),
        slices: Slices::default(),
    };
    if !p.intro.trim().is_empty() {
        let text = shown(book, &plain(book, &p.id, &p.intro));
        out(SearchDoc {
            body: vec![text.clone()],
            text,
            ..base.clone()
        });
    }
    for s in &p.sections {
        let mut sconds = conds.clone();
        sconds.extend(s.when.iter());
        let anchor = book
            .targets
            .get(&format!("{}/{}", p.id, s.id))
            .map(|t| t.anchor.clone())
            .unwrap_or_else(|| format!("sec-{}", s.id));
        // Sections without steps (フェイルオーバ実行) are what a reader looks for; others
        // only when their intro says something.
        if !s.intro.trim().is_empty() || (s.steps.is_empty() && s.branches.is_empty()) {
            let text = shown(book, &plain(book, &p.id, &s.intro));
            out(SearchDoc {
                kind: DocKind::Section,
                title: shown(book, &s.title),
                written: written([
                    s.title_source.clone(),
                    base.written_at(1),
                    base.written_at(2),
                ]),
                body: vec![text.clone()],
                location: s.number.to_string(),
                anchor: anchor.clone(),
                condition: canonical(&sconds, None),
                text,
                ..base.clone()
            });
        }
        let branches = std::iter::once((None, &s.steps))
            .chain(s.branches.iter().map(|b| (Some(&b.when), &b.steps)));
        for (bwhen, steps) in branches {
            let mut bconds = sconds.clone();
            bconds.extend(bwhen.filter(|c| !is_trivial(c)));
            for st in steps.iter() {
                out(step(book, p, s, st, &bconds, step_word, &base));
            }
        }
    }
}

fn step(
    book: &Book,
    p: &Procedure,
    s: &Section,
    st: &Step,
    outer: &[&Condition],
    step_word: &str,
    base: &SearchDoc,
) -> SearchDoc {
    let mut conds = outer.to_vec();
    conds.extend(st.when.as_deref());
    let variants = (!st.variants.is_empty()).then(|| {
        Condition::Or(
            st.variants
                .iter()
                .map(|v| v.when.clone())
                .filter(|c| !is_trivial(c))
                .collect(),
        )
    });
    let mut doc = SearchDoc {
        kind: DocKind::Step,
        title: shown(book, &st.title),
        written: written([
            st.title_source.clone(),
            base.written_at(1),
            base.written_at(2),
        ]),
        location: format!("{} {step_word} {}", s.number, st.number),
        anchor: book
            .targets
            .get(&format!("{}/{}", p.id, st.id))
            .map(|t| t.anchor.clone())
            .unwrap_or_else(|| format!("step-{}", st.id)),
        condition: canonical(&conds, variants.filter(|v| !is_or_empty(v))),
        ..base.clone()
    };
    let mut w = Writer {
        book,
        owner: &p.id,
        doc: &mut doc,
        text: Vec::new(),
        conds: &conds,
    };
    let (before, after) = st.parts.split_at(st.variants_at.min(st.parts.len()));
    w.parts(before, &[], 0);
    for v in &st.variants {
        let (label, _) = labels::variant(v.label.as_deref(), &v.when, &book.config);
        let label = shown(book, &label);
        let own: Vec<&Condition> = std::iter::once(&v.when)
            .filter(|c| !is_trivial(c))
            .collect();
        let slice = w.slice(&own, 0);
        w.push_body(label, slice);
        w.parts(&v.parts, &own, slice);
    }
    w.parts(after, &[], 0);
    let text = std::mem::take(&mut w.text);
    doc.text = text.join("\n");
    if doc.slices.conditions.is_empty() {
        // Every tag is 0 then, which is what a missing one reads as (`Slices::of`): a
        // hundred thousand steps need not each keep five lists of zeros.
        doc.slices = Slices::default();
    }
    doc
}

fn is_or_empty(c: &Condition) -> bool {
    matches!(c, Condition::Or(v) if v.is_empty())
}

/// Fills a step's fields, slice by slice.
struct Writer<'a> {
    book: &'a Book,
    owner: &'a str,
    doc: &'a mut SearchDoc,
    /// The text in reading order, one entry per piece.
    text: Vec<String>,
    /// The step's conditions (chapter down to the step).
    conds: &'a [&'a Condition],
}

impl Writer<'_> {
    /// The slice for text under `extra` (beside the step's own conditions): `inherited`
    /// when `extra` adds nothing, else a new one.
    fn slice(&mut self, extra: &[&Condition], inherited: u32) -> u32 {
        let extra: Vec<&Condition> = extra.iter().copied().filter(|c| !is_trivial(c)).collect();
        if extra.is_empty() {
            return inherited;
        }
        let own = canonical(&extra, None).unwrap_or_default();
        let mut all = self.conds.to_vec();
        all.extend(extra);
        let cond = canonical(&all, None).unwrap_or_default();
        self.doc.slices.conditions.push(cond);
        self.doc.slices.own.push(own);
        self.doc.slices.conditions.len() as u32
    }

    fn push_text(&mut self, t: String, slice: u32) {
        let lines = t.matches('\n').count() + 1;
        self.doc
            .slices
            .lines
            .extend(std::iter::repeat_n(slice, lines));
        self.text.push(t);
    }

    fn push_body(&mut self, t: String, slice: u32) {
        self.doc.body.push(t.clone());
        self.doc.slices.body.push(slice);
        self.push_text(t, slice);
    }

    /// `list`, inside a container under `outer` (beside the step's) whose slice is `slice`.
    fn parts(&mut self, list: &[Part], outer: &[&Condition], slice: u32) {
        let book = self.book;
        for part in list {
            let mut own = outer.to_vec();
            own.extend(part.when.as_deref());
            let slice = if part.when.as_ref().is_some_and(|c| !is_trivial(c)) {
                self.slice(&own, slice)
            } else {
                slice
            };
            match &*part.kind {
                PartKind::Text(md) | PartKind::Note(md) | PartKind::Caution(md) => {
                    let t = shown(book, &plain(book, self.owner, md));
                    self.push_body(t, slice);
                }
                PartKind::Command {
                    lines,
                    output,
                    shell,
                } => {
                    self.doc.command_starts.extend(shell.starts(lines));
                    for line in lines {
                        let line = shown(book, line);
                        self.doc.commands.push(line.clone());
                        self.doc.slices.commands.push(slice);
                        self.push_text(line, slice);
                    }
                    if let Some(o) = output {
                        self.push_body(shown(book, o), slice);
                    }
                }
                PartKind::Gui(path) => {
                    let t = shown(book, &path.join("→"));
                    self.doc.gui.push(t.clone());
                    self.doc.slices.gui.push(slice);
                    self.push_text(t, slice);
                }
                PartKind::Processes { items, .. } => {
                    for i in items {
                        let s = match i.when.as_ref().filter(|c| !is_trivial(c)) {
                            Some(_) => {
                                let mut with = own.clone();
                                with.extend(i.when.iter());
                                self.slice(&with, slice)
                            }
                            None => slice,
                        };
                        self.doc.processes.push(i.name.clone());
                        self.doc.slices.processes.push(s);
                    }
                    // The items every environment of the part checks share a line; each
                    // conditional one is a line (and a slice) of its own.
                    let common: Vec<&str> = items
                        .iter()
                        .filter(|i| i.when.as_ref().is_none_or(is_trivial))
                        .map(|i| i.name.as_str())
                        .collect();
                    if !common.is_empty() || items.is_empty() {
                        self.push_body(common.join(" "), slice);
                    }
                    let first = self.doc.processes.len() - items.len();
                    for (k, i) in items.iter().enumerate() {
                        if i.when.as_ref().is_some_and(|c| !is_trivial(c)) {
                            let s = self.doc.slices.processes[first + k];
                            self.push_body(i.name.clone(), s);
                        }
                    }
                }
                PartKind::Refs(ids) => {
                    let t = ids
                        .iter()
                        .map(|id| book.ext_ref(id).map_or(id.as_str(), |r| r.title.as_str()))
                        .collect::<Vec<_>>()
                        .join(&book.config.words.site.refs_sep);
                    self.push_body(t, slice);
                }
            }
        }
    }
}

/// `text` as the page shows it: each declared placeholder as its unfilled text.
fn shown(book: &Book, text: &str) -> String {
    if !text.contains("[[") {
        return text.to_string();
    }
    // Placeholders as they read unfilled, facet values as the book's environment shows them.
    crate::placeholder::fill(text, &|id| match book.config.use_of(id).ok()? {
        crate::config::Use::Placeholder(p) => Some(p.unfilled.clone()),
        crate::config::Use::Facet(f, part) => Some(book.config.facet_text(f, part).0),
    })
}

/// The canonical string of `conds` (and `extra`) joined with `and`, nested `and`s
/// flattened so the same condition always prints the same way.
fn canonical(conds: &[&Condition], extra: Option<Condition>) -> Option<String> {
    let mut flat: Vec<Condition> = Vec::new();
    fn push(c: &Condition, flat: &mut Vec<Condition>) {
        match c {
            Condition::And(items) => items.iter().for_each(|i| push(i, flat)),
            other => {
                if !flat.contains(other) {
                    flat.push(other.clone());
                }
            }
        }
    }
    for c in conds {
        push(c, &mut flat);
    }
    if let Some(e) = &extra {
        push(e, &mut flat);
    }
    match flat.len() {
        0 => None,
        1 => Some(flat[0].to_string()),
        _ => Some(Condition::And(flat).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::{SliceLists, Slices};

    #[test]
    fn keep_lines_leaves_out_only_the_lines_of_dropped_slices() {
        let slices = Slices::from(SliceLists {
            conditions: vec!["a = x".into(), "a = y".into()],
            own: vec!["a = x".into(), "a = y".into()],
            lines: vec![0, 1, 1, 2, 0],
            ..SliceLists::default()
        });
        let text = "own\nx one\nx two\ny\nafter";
        assert_eq!(slices.keep_lines(text, &|k| k == 1), "own\ny\nafter");
        assert_eq!(
            slices.keep_lines(text, &|k| k == 2),
            "own\nx one\nx two\nafter"
        );
        assert_eq!(slices.keep_lines(text, &|_| false), text);
        // A document without slices is never cut.
        assert_eq!(Slices::default().keep_lines(text, &|_| true), text);
    }
}
