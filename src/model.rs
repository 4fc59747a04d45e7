//! The loaded, resolved and validated book: plain immutable data that every output
//! (site, runbooks, search index) reads. Nothing here refers back to TOML.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

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

/// Markdown source of a prose field; rendered by `render::markdown`.
pub type Markdown = String;

#[derive(Debug, Clone)]
pub struct Book {
    pub config: Config,
    pub front: Vec<FrontSection>,
    pub refs: Vec<ExtRef>,
    pub chapters: Vec<Chapter>,
    /// Every linkable id (`proc`, `proc/section`, `proc/step`, chapter and group ids).
    /// Shared, like the procedures: the dev server hands the book to a thread that renders
    /// the print page while the next edit is applied to a copy, and a copy should cost
    /// pointers, not the book.
    pub targets: Arc<HashMap<String, Target>>,
    /// For each target id, the ids of the procedures whose prose links to it.
    pub backlinks: HashMap<String, Vec<String>>,
    /// The reusable steps of `content/_steps/`, by id: expanded where they are used, kept
    /// here only for what names them (the editor schema's `use = "…"`).
    pub reusable_steps: Vec<ReusableStep>,
    pub sources: SourceMap,
}

/// A reusable step as a use site sees it: its id and the parameters `with` sets.
#[derive(Debug, Clone)]
pub struct ReusableStep {
    pub id: String,
    pub title: Option<String>,
    pub params: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrontSection {
    pub id: String,
    pub title: String,
    pub body: Markdown,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExtRef {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub url: Option<String>,
}

/// Where a cross-reference lands.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Target {
    pub number: Number,
    pub title: String,
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

#[derive(Debug, Clone)]
pub struct Chapter {
    pub id: String,
    pub number: Number,
    pub title: String,
    pub when: Option<Condition>,
    pub intro: Markdown,
    pub items: Vec<ChapterItem>,
}

#[derive(Debug, Clone)]
pub enum ChapterItem {
    Group(Group),
    Procedure(Arc<Procedure>),
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub number: Number,
    pub title: String,
    pub when: Option<Condition>,
    pub intro: Markdown,
    pub procedures: Vec<Arc<Procedure>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Procedure {
    pub id: String,
    pub number: Number,
    pub title: String,
    pub when: Option<Condition>,
    pub intro: Markdown,
    pub sections: Vec<Section>,
    /// The file it was read from, relative to the book root (for `serve` and messages).
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub number: Number,
    pub title: String,
    pub when: Option<Condition>,
    pub intro: Markdown,
    pub steps: Vec<Step>,
    pub branches: Vec<Branch>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub label: String,
    pub when: Condition,
    pub intro: Markdown,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: String,
    /// Position within its section or branch, counting every step (unfiltered).
    pub number: u32,
    pub title: String,
    pub when: Option<Condition>,
    pub parts: Vec<Part>,
    pub variants: Vec<Variant>,
    /// The reusable step it was expanded from, if any.
    pub reused: Option<String>,
    /// Where the step is written (its `[[section.step]]` table), for diagnostics.
    pub origin: (crate::diagnostics::FileId, std::ops::Range<usize>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub label: String,
    pub when: Condition,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub when: Option<Condition>,
    pub kind: PartKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shell {
    Cmd,
    Sh,
    Powershell,
}

impl Shell {
    pub fn prompt(self) -> &'static str {
        match self {
            Shell::Cmd => ">",
            Shell::Sh => "$",
            Shell::Powershell => "PS>",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Shell::Cmd => "cmd",
            Shell::Sh => "sh",
            Shell::Powershell => "powershell",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Present,
    Absent,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProcessItem {
    pub name: String,
    pub when: Option<Condition>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PartKind {
    Text(Markdown),
    Command {
        shell: Shell,
        /// One command per line, without prompts.
        lines: Vec<String>,
        output: Option<String>,
    },
    /// A GUI menu path, one entry per `→`-separated part.
    Gui(Vec<String>),
    Processes {
        expect: Expect,
        items: Vec<ProcessItem>,
    },
    Note(Markdown),
    Caution(Markdown),
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
        self.procedures()
            .flat_map(|p| p.sections.iter())
            .map(|s| s.all_steps().count())
            .sum()
    }

    pub fn ext_ref(&self, id: &str) -> Option<&ExtRef> {
        self.refs.iter().find(|r| r.id == id)
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
