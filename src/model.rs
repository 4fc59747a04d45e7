//! The loaded, resolved and validated book: plain immutable data that every output
//! (site, runbooks, search index) reads. Nothing here refers back to TOML.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub mod feed;
pub mod targets;
pub use targets::TargetTable;

use crate::condition::Condition;
use crate::config::Config;
use crate::diagnostics::SourceMap;

/// A computed section number such as `1.1.2.1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Number(pub Vec<u32>);

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, n) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{n}")?;
        }
        Ok(())
    }
}

impl Number {
    /// This number with `n` appended: the number of this item's `n`-th child.
    pub fn child(&self, n: u32) -> Number {
        let mut v = self.0.clone();
        v.push(n);
        Number(v)
    }
}

impl Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// Read back from the dotted form it is serialised in (`2.1.3`; empty for no number).
impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if text.is_empty() {
            return Ok(Number::default());
        }
        text.split('.')
            .map(|n| n.parse::<u32>().map_err(serde::de::Error::custom))
            .collect::<Result<_, _>>()
            .map(Number)
    }
}

/// Markdown source of a prose field; rendered by `render::markdown`.
pub type Markdown = String;

/// A whole book, resolved: what every output is made from.
#[derive(Debug, Clone)]
pub struct Book {
    /// book.toml, checked, with the language table.
    pub config: Config,
    /// Front matter (`content/_book.toml`), in order.
    pub front: Vec<FrontSection>,
    /// External documents referred to by id (`content/_refs.toml`).
    pub refs: Vec<ExtRef>,
    /// The chapters in reading order.
    pub chapters: Vec<Chapter>,
    /// Every linkable id (`proc`, `proc/section`, `proc/step`, chapter and group ids).
    /// Shared, like the procedures: the dev server hands the book to a thread that renders
    /// the print page while the next edit is applied to a copy, and a copy should cost
    /// pointers, not the book.
    pub targets: TargetTable,
    /// For each target id, the ids of the procedures whose prose links to it.
    pub backlinks: HashMap<String, Vec<String>>,
    /// The reusable steps of `content/_steps/`, by id: expanded where they are used, kept
    /// here only for what names them (the editor schema's `use = "…"`).
    pub reusable_steps: Vec<ReusableStep>,
    /// The files the book was read from (empty once loaded: diagnostics are printed by then).
    pub sources: SourceMap,
    /// In a translated book, where the text is not a translation of the source's as it is
    /// now: by procedure (`proc`), step (`proc/step`) or reusable step (`_steps/<id>`).
    pub translation_gaps: Arc<HashMap<String, TranslationGap>>,
    /// Known problems (`content/_problems/`), in id order.
    pub problems: Arc<Vec<Problem>>,
    /// `problems` by the steps they apply to, made on first use ([`Book::problems_at`]):
    /// every view asks for every step, and a scan of every problem for each made a book
    /// with many problems quadratic. Whoever replaces `problems` resets it.
    pub problem_steps: ProblemSteps,
}

/// Step key (`procedure/step`) → the positions in [`Book::problems`] of the problems that
/// apply to it, in order.
pub type ProblemSteps = Arc<std::sync::OnceLock<HashMap<String, Vec<usize>>>>;

/// A known problem: where it shows, what the reader sees, why and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Its id (the file name under `content/_problems/`); its page is `problem-<id>.html`.
    pub id: String,
    /// A one-line title.
    pub title: String,
    /// Where it can happen.
    pub when: Option<Condition>,
    /// The steps where it shows (`procedure/step`), in the book's reading order.
    pub applies_to: Vec<String>,
    /// Messages exactly as the product prints them.
    pub messages: Vec<String>,
    /// How the symptom looks.
    pub symptom: Markdown,
    /// Its causes, each with a remedy.
    pub causes: Vec<Cause>,
    /// The file it was read from, relative to the book root.
    pub source: String,
}

/// One reason for a known problem, and the steps that remedy it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cause {
    /// Why it happens.
    pub text: Markdown,
    /// Where this cause applies (the problem's condition is on the problem).
    pub when: Option<Condition>,
    /// The remedy, numbered from 1.
    pub steps: Vec<Step>,
}

impl Problem {
    /// The page the problem is shown on, without `.html`.
    pub fn page(&self) -> String {
        problem_page(&self.id)
    }
}

/// The page stem of problem `id`: problems have their own namespace of ids, so their
/// pages carry a prefix.
pub fn problem_page(id: &str) -> String {
    format!("problem-{id}")
}

/// Text of a translated book that shows the source's language, or a translation made
/// from an earlier source: what the reader is told, with the source's text beside it.
#[derive(Debug, Clone, Default)]
pub struct TranslationGap {
    /// Some of it was translated from an older source (otherwise it is not translated).
    pub stale: bool,
    /// The source's text of the units concerned, as written (Markdown), one per paragraph.
    pub source: Vec<String>,
    /// The source's language code (`lang` of the text shown beside).
    pub lang: &'static str,
}

/// A reusable step as a use site sees it: its id and the parameters `with` sets.
#[derive(Debug, Clone)]
pub struct ReusableStep {
    /// Its id (the file name under `content/_steps/`).
    pub id: String,
    /// Its title, when it has one.
    pub title: Option<String>,
    /// The parameters a use site gives it with `with`.
    pub params: Vec<String>,
}

/// A section of front matter: preface, legend, revision history.
#[derive(Debug, Clone, Serialize)]
pub struct FrontSection {
    /// Its id, unique in the front matter (the anchor on the home page).
    pub id: String,
    /// Its heading.
    pub title: String,
    /// Its text.
    pub body: Markdown,
}

/// An external document, named in a `refs` part or an `ext:id` link.
#[derive(Debug, Clone, Serialize)]
pub struct ExtRef {
    /// The id content refers to it by.
    pub id: String,
    /// The document's title, as readers see it.
    pub title: String,
    /// Where to find it or what it covers.
    pub description: Option<String>,
    /// Its address, when it is online.
    pub url: Option<String>,
}

/// The book's link targets by key (`chapter`, `procedure`, `procedure/step`).
pub type TargetMap = HashMap<String, Arc<Target>, rustc_hash::FxBuildHasher>;

/// Where a cross-reference lands.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Target {
    /// Its number (`1.2.1`; a step's number within its section).
    pub number: Number,
    /// Its title, which fills an empty link's text.
    pub title: String,
    /// The title as written, when it shows facet values (`Upgrade to [[to.minor]]`): every
    /// place that repeats the title (contents, breadcrumbs, links, search) shows the
    /// reader's values from it.
    pub title_source: Option<String>,
    /// The page (procedure id, or chapter id for chapters and groups).
    pub page: String,
    /// Anchor inside the page; empty for the page itself.
    pub anchor: String,
    /// The procedure that contains it, when it is a procedure or inside one.
    pub procedure: Option<String>,
    /// For a step, the number of its section: a reference from another procedure names
    /// it in full (`1.2.1 step 4`), since a step's own number restarts in every section.
    pub section: Option<Number>,
    /// Filtered out of this view (a runbook for an environment it does not apply to):
    /// links to it cannot point anywhere in the page.
    pub absent: bool,
    /// This target marked absent, made once for all the views that leave it out
    /// ([`Target::mark_absent`]); see [`Known`].
    #[serde(skip)]
    pub absent_twin: Known<Arc<Target>>,
}

impl Target {
    /// `target` marked absent: the one copy every view that leaves it out shares, made
    /// on first use.
    pub fn absent_copy(target: &Arc<Target>) -> &Arc<Target> {
        target.absent_twin.get_or_init(|| {
            let mut copy = (**target).clone();
            copy.absent = true;
            Arc::new(copy)
        })
    }

    /// Marks `target` absent in a view: in place when the view holds it alone, else the
    /// shared copy marked absent (each runbook's view leaves out about half of a book's
    /// targets, and copying each for every runbook was most of the views' copying).
    pub fn mark_absent(target: &mut Arc<Target>) {
        if target.absent {
            return;
        }
        if let Some(own) = Arc::get_mut(target) {
            own.absent = true;
            return;
        }
        *target = Arc::clone(Target::absent_copy(target));
    }
}

/// Finds the target of `#dest` written inside `owner` (a procedure or chapter id): a
/// global id first, then an id relative to the owner (`#standby` inside a procedure).
/// `get` looks a key up, in the book's map or a view of it; the checker and the renderer
/// both resolve through here, so a link means the same thing to both.
pub fn find_target<'a>(
    get: impl Fn(&str) -> Option<&'a Target>,
    dest: &str,
    owner: &str,
) -> Option<&'a Target> {
    get(dest).or_else(|| get(&format!("{owner}/{dest}")))
}

/// A chapter: a folder of `content/`, with its own page.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// Its id (the folder name without the `NN-` prefix, or `_chapter.toml`'s `id`).
    pub id: String,
    /// Its number (`1`).
    pub number: Number,
    /// Its title.
    pub title: String,
    /// Where it applies; everything inside applies only there too.
    pub when: Option<Condition>,
    /// The text before its contents.
    pub intro: Markdown,
    /// Its groups and procedures in reading order.
    pub items: Vec<ChapterItem>,
}

/// What a chapter holds.
#[derive(Debug, Clone)]
pub enum ChapterItem {
    /// A group of procedures (a subfolder with `_group.toml`).
    Group(Group),
    /// A procedure directly in the chapter. Shared: the dev server's copies of the book
    /// share every procedure an edit did not touch.
    Procedure(Arc<Procedure>),
}

/// A group of procedures inside a chapter.
#[derive(Debug, Clone)]
pub struct Group {
    /// Its id, unique in the book.
    pub id: String,
    /// Its number (`1.1`).
    pub number: Number,
    /// Its title.
    pub title: String,
    /// Where it applies; its procedures apply only there too.
    pub when: Option<Condition>,
    /// The text before its procedures.
    pub intro: Markdown,
    /// Its procedures in reading order.
    pub procedures: Vec<Arc<Procedure>>,
}

/// A procedure: one file, one page of the site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Procedure {
    /// Its id, unique in the book (its page is `<id>.html`).
    pub id: String,
    /// Its number (`1.1.1`).
    pub number: Number,
    /// Its title.
    pub title: String,
    /// The title as written, when it shows facet values (`Upgrade to [[to.minor]]`):
    /// `title` is then how the book's environment shows it (open facets by their label),
    /// and a view for another environment shows it again from this.
    pub title_source: Option<String>,
    /// Where it applies (its own `when`; the chapter's and group's are on them).
    pub when: Option<Condition>,
    /// The text before its sections.
    pub intro: Markdown,
    /// Its sections in order.
    pub sections: Vec<Section>,
    /// The file it was read from, relative to the book root (for `serve` and messages).
    pub source: String,
    /// Its fingerprint as the build cache's keys hash it, once known
    /// ([`feed::procedure_fingerprint`]).
    #[serde(skip)]
    pub fingerprint: Known<crate::output::Fingerprint>,
}

/// A value derived from the data it sits in (a procedure's fingerprint, a target's absent
/// copy), kept once made: a copy of that data starts without it (a copy is made to be
/// changed, as the runbooks' filter does), and it takes no part in comparing or
/// serialising the data.
#[derive(Debug)]
pub struct Known<T>(std::sync::OnceLock<T>);

impl<T> Known<T> {
    /// The value, made by `make` unless it is known.
    pub fn get_or_init(&self, make: impl FnOnce() -> T) -> &T {
        self.0.get_or_init(make)
    }

    /// The value, when it was made.
    pub fn get(&self) -> Option<&T> {
        self.0.get()
    }

    /// Known from elsewhere (an earlier build that made it from the same data).
    pub fn of(value: T) -> Known<T> {
        Known(std::sync::OnceLock::from(value))
    }
}

impl<T> Default for Known<T> {
    fn default() -> Self {
        Known(std::sync::OnceLock::new())
    }
}

impl<T> Clone for Known<T> {
    fn clone(&self) -> Self {
        Known::default()
    }
}

impl<T> PartialEq for Known<T> {
    fn eq(&self, _: &Known<T>) -> bool {
        true
    }
}

/// A numbered section of a procedure: steps, or branches of steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Its id, unique in its procedure.
    pub id: String,
    /// Its number (`1.1.1.2`).
    pub number: Number,
    /// Its title.
    pub title: String,
    /// The title as written, when it shows facet values (`Upgrade to [[to.minor]]`):
    /// `title` is then how the book's environment shows it (open facets by their label),
    /// and a view for another environment shows it again from this.
    pub title_source: Option<String>,
    /// Where it applies.
    pub when: Option<Condition>,
    /// The text before its steps.
    pub intro: Markdown,
    /// Its steps (empty when it has branches): shared between the book and the views
    /// of it that keep them as they are ([`crate::filter`]).
    pub steps: Steps,
    /// Alternatives, each with its own steps (empty when it has steps).
    pub branches: Vec<Branch>,
}

/// One alternative of a section (`[[section.branch]]`), taken where its condition holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Branch {
    /// What readers see as its heading.
    pub label: String,
    /// Where it is the way to go.
    pub when: Condition,
    /// The text before its steps.
    pub intro: Markdown,
    /// Its steps, numbered from 1 (shared as a section's are).
    pub steps: Steps,
}

/// A section's or branch's steps. A runbook's view of the book keeps most lists as they
/// are (no step in them depends on the environment), and copying every step of the book
/// for every runbook was most of a view's time and memory.
pub type Steps = Arc<Vec<Step>>;

/// One numbered step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Its id, unique in its procedure (the anchor `step-<id>`).
    pub id: String,
    /// Position within its section or branch, counting every step (unfiltered).
    pub number: u32,
    /// Its title: what to do, in a line.
    pub title: String,
    /// The title as written, when it shows facet values (`Upgrade to [[to.minor]]`):
    /// `title` is then how the book's environment shows it (open facets by their label),
    /// and a view for another environment shows it again from this.
    pub title_source: Option<String>,
    /// Where it applies.
    pub when: Option<Box<Condition>>,
    /// What it says and asks, in order, for every environment it applies to.
    pub parts: Vec<Part>,
    /// Alternatives of its body, one per environment (the coverage check holds them to
    /// exactly one wherever the step applies).
    pub variants: Vec<Variant>,
    /// Where among `parts` the variants go, as the step is written: the parts before the
    /// first `[[…variant]]` table come first (a check written after the variants prints
    /// after them). `parts.len()` puts them last.
    pub variants_at: usize,
    /// The reusable step it was expanded from, if any.
    pub reused: Option<String>,
    /// Where the step is written (its `[[section.step]]` table), for diagnostics.
    pub origin: (crate::diagnostics::FileId, std::ops::Range<usize>),
}

/// One environment's version of a step's body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// The writer's label; `None` when the variant is labelled by its condition in words
    /// (which a filtered book has reduced to what the environment leaves open).
    pub label: Option<String>,
    /// Where it is the body.
    pub when: Condition,
    /// Its parts, after the step's own.
    pub parts: Vec<Part>,
}

/// One piece of a step: text, a command, a GUI path, a check, a callout or references.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// Where it applies, inside its step's.
    pub when: Option<Box<Condition>>,
    /// What it is: shared between the book and its views (each runbook's filter keeps
    /// most parts as they are, and copying their text was most of a filter's time).
    pub kind: Arc<PartKind>,
}

pub use crate::shell::Shell;

/// What a process check asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// The processes must be running.
    Present,
    /// The processes must not be running.
    Absent,
}

/// One process a check names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessItem {
    /// The process name as `ps` or the task manager shows it.
    pub name: String,
    /// Where it is checked.
    pub when: Option<Condition>,
}

/// The kinds of part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PartKind {
    /// Prose.
    Text(Markdown),
    /// A command to type.
    Command {
        /// Where it is typed (shared: every command of a shell points at one).
        shell: Arc<Shell>,
        /// Its lines as written, without prompts (blank lines only inside); a command may
        /// run over several ([`Shell::starts`]).
        lines: Vec<String>,
        /// What it prints, when the book shows it.
        output: Option<String>,
    },
    /// A GUI menu path, one entry per `→`-separated part.
    Gui(Vec<String>),
    /// A check of running processes.
    Processes {
        /// Whether they must run or not.
        expect: Expect,
        /// The processes.
        items: Vec<ProcessItem>,
    },
    /// A callout with something good to know.
    Note(Markdown),
    /// A callout with something that can go wrong.
    Caution(Markdown),
    /// Ids of external documents that describe this.
    Refs(Vec<String>),
}

impl Book {
    /// Procedures in reading order.
    pub fn procedures(&self) -> impl Iterator<Item = &Procedure> {
        self.chapters.iter().flat_map(|c| {
            c.items.iter().flat_map(|i| match i {
                ChapterItem::Group(g) => g.procedures.iter().map(|p| &**p).collect::<Vec<_>>(),
                ChapterItem::Procedure(p) => vec![&**p],
            })
        })
    }

    /// Every step of every procedure, branches flattened.
    pub fn step_count(&self) -> usize {
        self.procedures().map(Procedure::step_count).sum()
    }

    /// The known problems that show at step `key` (`procedure/step`).
    pub fn problems_at<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a Problem> + 'a {
        let index = self.problem_steps.get_or_init(|| {
            let mut index: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, p) in self.problems.iter().enumerate() {
                for k in &p.applies_to {
                    let at = index.entry(k.clone()).or_default();
                    if at.last() != Some(&i) {
                        at.push(i);
                    }
                }
            }
            index
        });
        index
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.problems.get(i))
    }

    /// The external document `id`.
    pub fn ext_ref(&self, id: &str) -> Option<&ExtRef> {
        self.refs.iter().find(|r| r.id == id)
    }
}

impl Procedure {
    /// Its steps, branches flattened.
    pub fn step_count(&self) -> usize {
        self.sections.iter().map(|s| s.all_steps().count()).sum()
    }
}

impl Section {
    /// Every step of the section, branches flattened, in reading order.
    pub fn all_steps(&self) -> impl Iterator<Item = &Step> {
        self.steps
            .iter()
            .chain(self.branches.iter().flat_map(|b| b.steps.iter()))
    }
}
