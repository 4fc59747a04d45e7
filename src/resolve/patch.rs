//! The dev server's fast path: one edited procedure file re-read, re-parsed and
//! re-resolved in place of the whole book, and the pages its edit can change named.
//!
//! A full load of a 5,000-procedure book takes about two seconds; a writer saving one
//! file should not wait for it. The patch handles the common edit (a procedure file's
//! steps, sections, commands and prose) and declines everything it cannot prove it
//! handles exactly as a full load would: a new, removed or renamed file, a changed
//! procedure id, title or condition, a removed target another page links to, any error,
//! chapters, groups, reusable steps and book.toml. Declining is always safe: the caller
//! then loads the whole book. tests/suite/serve.rs compares every page after patched edits with
//! a fresh full build, byte for byte.
//!
//! A patch is planned first, reading the book only (its links are checked through a view
//! of the targets with the procedure's replaced, not a copy), and then committed: a
//! declined edit has changed nothing, in the book or in the patcher.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::links::{self, Targets};
use super::{lint, CommandSite, Prose, Resolver};
use crate::condition::Condition;
use crate::content::raw::RawProcedure;
use crate::content::{read_plain, LoadedItem, LoadedProcedure, ReusableSteps};
use crate::diagnostics::{Diagnostics, FileId, SourceMap};
use crate::model::{Book, ChapterItem, Number, Procedure, Target};

/// Where a procedure sits in the book and what resolving it depends on besides its file.
#[derive(Debug, Clone)]
struct Slot {
    file: FileId,
    id: String,
    default_id: String,
    chapter: usize,
    /// The group inside the chapter, if any, and the position inside that.
    group: Option<usize>,
    index: usize,
    number: Number,
    /// The chapter's and group's conditions, as the resolver passed them.
    outer: Vec<Condition>,
}

/// A page of the site an edit can change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Page {
    /// The home page (the table of contents).
    Index,
    /// A chapter's page.
    Chapter(String),
    /// A procedure's page.
    Procedure(String),
    /// A known problem's page, by its page id (`problem-<id>`).
    Problem(String),
    /// The page of every command and process (`commands.html`).
    Commands,
}

/// What a patch changed.
#[derive(Debug, Default)]
pub struct Patched {
    /// Every page must be rendered again (a change the navigation shows).
    pub all_pages: bool,
    /// The pages whose output may differ; the rest are as they were.
    pub pages: BTreeSet<Page>,
    /// The sidebar script (`assets/toc.js`) may differ.
    pub toc: bool,
    /// Warnings about the new text of the file.
    pub warnings: Diagnostics,
    /// The id of the procedure patched.
    pub procedure: String,
}

/// What the fast path keeps from the last full load.
#[derive(Default)]
pub struct Patcher {
    reusable: ReusableSteps,
    slots: HashMap<PathBuf, Slot>,
    /// Each procedure's target keys (itself, its sections and steps).
    owned: HashMap<String, Vec<String>>,
    /// Where each prose owner's first text comes in the book: backlink lists are in this
    /// order.
    rank: HashMap<String, usize>,
    /// Every command word of the book, for the similar-commands lint of an edit.
    words: HashMap<String, lint::WordSite>,
}

/// An edit checked against the book and ready to apply: everything [`Patcher::commit`]
/// writes, computed without changing the book or the patcher.
struct Change {
    slot: Slot,
    sources: SourceMap,
    procedure: Procedure,
    /// The procedure's targets after the edit, and which of its keys differ.
    targets: crate::model::TargetMap,
    changed_keys: Vec<String>,
    /// The procedure's links: each target it links to, with the linking owners.
    links: HashMap<String, Vec<String>>,
    commands: Vec<CommandSite>,
    /// The warnings of the edit: resolving, links, coverage (the lint's come at commit).
    warnings: Diagnostics,
    /// The procedure's title changed: the navigation of every page shows it.
    nav_changed: bool,
    /// The pages (`problem-<id>`) of known problems that show a changed number or title
    /// of the procedure.
    problems: Vec<String>,
}

/// What resolving the edited procedure alone gave.
struct Resolved {
    procedure: Procedure,
    targets: crate::model::TargetMap,
    prose: Vec<Prose>,
    ref_uses: Vec<(FileId, Range<usize>, String)>,
    commands: Vec<CommandSite>,
    diags: Diagnostics,
    /// The known problems its steps name (`problems = [...]`, a used step's included), as
    /// (step, problem id), sorted.
    problem_uses: Vec<(String, String)>,
}

/// The book's targets as the edit would leave them, read through without a copy: the
/// procedure's old keys hidden, its new ones on top.
struct Replaced<'a> {
    book: &'a crate::model::TargetMap,
    old: HashSet<&'a str>,
    new: &'a crate::model::TargetMap,
}

impl Targets for Replaced<'_> {
    fn get(&self, key: &str) -> Option<&Target> {
        match self.new.get(key) {
            Some(t) => Some(&**t),
            None if self.old.contains(key) => None,
            None => self.book.get(key).map(|t| &**t),
        }
    }

    fn keys(&self) -> Vec<&str> {
        let kept = self.book.keys().map(String::as_str);
        kept.filter(|k| !self.old.contains(k) && !self.new.contains_key(*k))
            .chain(self.new.keys().map(String::as_str))
            .collect()
    }
}

impl Patcher {
    pub(super) fn new(
        book: &Book,
        loaded: &crate::content::Loaded,
        reusable: ReusableSteps,
        prose: &[Prose],
        commands: &[CommandSite],
    ) -> Patcher {
        let mut owned: HashMap<String, Vec<String>> = HashMap::new();
        for (key, t) in book.targets.iter() {
            if let Some(p) = &t.procedure {
                owned.entry(p.clone()).or_default().push(key.clone());
            }
        }
        let mut rank = HashMap::new();
        for (i, p) in prose.iter().enumerate() {
            rank.entry(p.owner.clone()).or_insert(i);
        }
        Patcher {
            reusable,
            slots: slots(book, loaded),
            owned,
            rank,
            words: lint::vocabulary(commands),
        }
    }

    /// The id of the procedure the file `path` holds, as the book was loaded or last
    /// patched (`None`: not a procedure file the patcher knows).
    pub fn procedure_of(&self, path: &Path) -> Option<&str> {
        self.slots.get(path).map(|s| s.id.as_str())
    }

    /// Applies the new text of the procedure file `path` to `book`, or returns `None`
    /// (leaving `book` and the patcher as they were) when only a full load can tell what
    /// the edit means.
    pub fn patch(&mut self, book: &mut Book, path: &Path) -> Option<Patched> {
        let slot = self.slots.get(path)?.clone();
        if !book.sources.contains(slot.file) {
            return None;
        }
        let text = read_plain(path)?;
        if *text == *book.sources.text(slot.file) {
            return Some(Patched::default());
        }
        let change = self.plan(book, slot, text)?;
        self.commit(book, change)
    }

    /// Everything the edit changes, or `None` when it cannot be patched; reads only.
    fn plan(&self, book: &Book, slot: Slot, text: String) -> Option<Change> {
        let raw = toml::from_str(&text).ok()?;
        let mut sources = book.sources.clone();
        sources.replace(slot.file, text);
        let resolved = self.resolve_alone(book, &slot, &sources, raw);
        if resolved.diags.has_errors() || resolved.procedure.id != slot.id {
            return None;
        }
        // Known problems are tied to steps across files. An edit that keeps the problems
        // its steps name is patched, and the entries' pages are rendered again when what
        // they show of the procedure changed; anything else is checked with the whole book.
        let prefix = format!("{}/", slot.id);
        let tied_problems: Vec<&crate::model::Problem> = book
            .problems
            .iter()
            .filter(|p| p.applies_to.iter().any(|k| k.starts_with(&prefix)))
            .collect();
        let tied_steps: HashSet<&str> = tied_problems
            .iter()
            .flat_map(|p| p.applies_to.iter())
            .filter(|k| k.starts_with(&prefix))
            .map(String::as_str)
            .collect();
        let tied = !tied_steps.is_empty();
        if tied || !resolved.problem_uses.is_empty() {
            let before: RawProcedure = toml::from_str(book.sources.text(slot.file)).ok()?;
            let before = self.resolve_alone(book, &slot, &book.sources, before);
            if before.problem_uses != resolved.problem_uses {
                return None;
            }
        }
        let old = self.procedure(book, &slot)?;
        if old.when != resolved.procedure.when {
            // Which environments the book covers may change: a check of the whole book.
            return None;
        }
        let changed_keys = self.changed_targets(book, &slot, &resolved.targets)?;
        // An entry's page shows where it shows: the procedure's title and number, the
        // section's number, the step's number and title.
        let shown_changed = changed_keys.iter().any(|k| {
            k == &slot.id
                || tied_steps.contains(k.as_str())
                || book.targets.get(k).map(|t| &t.number)
                    != resolved.targets.get(k).map(|t| &t.number)
        });
        let problems = if shown_changed {
            tied_problems.iter().map(|p| p.page()).collect()
        } else {
            Vec::new()
        };
        let (links, mut warnings) = self.check_links(book, &slot, &resolved, &sources)?;
        let mut all = resolved.diags;
        all.items.append(&mut warnings.items);
        Some(Change {
            nav_changed: old.title != resolved.procedure.title,
            slot,
            sources,
            procedure: resolved.procedure,
            targets: resolved.targets,
            changed_keys,
            links,
            commands: resolved.commands,
            warnings: all,
            problems,
        })
    }

    /// Resolves the procedure alone, at its place in the book.
    fn resolve_alone(
        &self,
        book: &Book,
        slot: &Slot,
        sources: &SourceMap,
        raw: RawProcedure,
    ) -> Resolved {
        let mut diags = Diagnostics::default();
        let mut r = Resolver::new(&book.config, sources, &mut diags, &self.reusable);
        let loaded = LoadedProcedure {
            file: slot.file,
            default_id: slot.default_id.clone(),
            raw: Some(raw),
        };
        let procedure = r.procedure(&loaded, slot.number.clone(), &slot.outer);
        let targets = std::mem::take(&mut r.targets);
        let prose = std::mem::take(&mut r.prose);
        let ref_uses = std::mem::take(&mut r.ref_uses);
        let commands = std::mem::take(&mut r.commands);
        let mut problem_uses: Vec<(String, String)> = r
            .problem_uses
            .iter()
            .map(|u| (u.step.clone(), u.id.get_ref().clone()))
            .collect();
        problem_uses.sort();
        drop(r);
        super::invisible::check(&commands, sources, &mut diags);
        Resolved {
            problem_uses,
            procedure,
            targets,
            prose,
            ref_uses,
            commands,
            diags,
        }
    }

    /// The procedure's target keys whose target differs after the edit (a title, a number,
    /// a new or gone id); `None` when a new key is taken or a gone one is linked from
    /// elsewhere.
    fn changed_targets(
        &self,
        book: &Book,
        slot: &Slot,
        new: &crate::model::TargetMap,
    ) -> Option<Vec<String>> {
        let old_keys = self.old_keys(slot);
        let old: HashSet<&str> = old_keys.iter().map(String::as_str).collect();
        // Ids cannot hold `/`, so a new key is this procedure's own or a clash.
        if new
            .keys()
            .any(|k| !old.contains(k.as_str()) && book.targets.contains_key(k))
        {
            return None;
        }
        let removed_linked = old_keys.iter().filter(|k| !new.contains_key(*k)).any(|k| {
            book.backlinks
                .get(k)
                .is_some_and(|owners| owners.iter().any(|o| *o != slot.id))
        });
        if removed_linked {
            // Another page links there: a full load reports the broken link.
            return None;
        }
        let mut changed: Vec<String> = old_keys
            .iter()
            .filter(|k| new.get(*k) != book.targets.get(k))
            .cloned()
            .collect();
        changed.extend(new.keys().filter(|k| !old.contains(k.as_str())).cloned());
        Some(changed)
    }

    /// The procedure's links checked against the book with its new targets, and its
    /// coverage: the links it makes and the warnings, or `None` on any error or when the
    /// new backlinks' place in a list cannot be known.
    fn check_links(
        &self,
        book: &Book,
        slot: &Slot,
        resolved: &Resolved,
        sources: &SourceMap,
    ) -> Option<(HashMap<String, Vec<String>>, Diagnostics)> {
        let old_keys = self.old_keys(slot);
        let targets = Replaced {
            book: book.targets.base(),
            old: old_keys.iter().map(String::as_str).collect(),
            new: &resolved.targets,
        };
        let mut diags = Diagnostics::default();
        // A patch happens only after a load without errors: no file is unread.
        let unread = std::collections::HashSet::new();
        let found = links::Found {
            targets: &targets,
            unread: &unread,
            config: &book.config,
        };
        let links = links::check_against(
            found,
            &book.refs,
            &resolved.prose,
            &resolved.ref_uses,
            sources,
            &mut diags,
        );
        let chain: Vec<&Condition> = slot
            .outer
            .iter()
            .chain(resolved.procedure.when.iter())
            // Only possible environments count, as in a full load.
            .chain(book.config.rules.iter().map(|r| &r.when))
            .collect();
        let mut coverage = Diagnostics::default();
        crate::coverage::check_procedure(
            &book.config.facets,
            &resolved.procedure,
            &chain,
            &mut coverage,
        );
        if diags.has_errors() || coverage.has_errors() {
            return None;
        }
        // A chapter's texts sit before and after its procedures', so where this
        // procedure goes in a list that holds a chapter is not known from ranks alone.
        let unordered = links.keys().any(|key| {
            book.backlinks.get(key).is_some_and(|owners| {
                owners
                    .iter()
                    .any(|o| targets.get(o).is_none_or(|t| t.procedure.is_none()))
            })
        });
        if unordered || (!links.is_empty() && !self.rank.contains_key(&slot.id)) {
            return None;
        }
        diags.items.append(&mut coverage.items);
        Some((links, diags))
    }

    /// The procedure's own target keys (itself, its sections and steps) before the edit.
    fn old_keys(&self, slot: &Slot) -> Vec<String> {
        self.owned.get(&slot.id).cloned().unwrap_or_default()
    }

    /// Writes the planned change into the book and the patcher. Finding the procedure's
    /// place is the one step that can fail, and it comes before anything is written.
    fn commit(&mut self, book: &mut Book, change: Change) -> Option<Patched> {
        let Change {
            slot,
            sources,
            procedure,
            targets,
            changed_keys,
            links,
            commands,
            warnings,
            nav_changed,
            problems,
        } = change;
        *self.procedure_mut(book, &slot)? = Arc::new(procedure);
        let mut out = Patched {
            all_pages: nav_changed,
            procedure: slot.id.clone(),
            warnings,
            ..Patched::default()
        };
        out.pages.insert(Page::Procedure(slot.id.clone()));
        // The commands page lists the procedure's commands with its steps' numbers and
        // titles; rendering it again costs one page, knowing whether it changed as much.
        out.pages.insert(Page::Commands);
        out.pages.extend(problems.into_iter().map(Page::Problem));
        if !changed_keys.is_empty() {
            // Shared with the thread rendering the print page, so copied only when the
            // edit changes a target, which most edits (a step's text) do not.
            let all = book.targets.map_mut();
            for k in self.old_keys(&slot) {
                all.remove(&k);
            }
            all.extend(targets.iter().map(|(k, t)| (k.clone(), Arc::clone(t))));
        }
        // Pages that show a changed target's title or number in their links.
        for key in &changed_keys {
            for owner in book.backlinks.get(key).into_iter().flatten() {
                out.pages.insert(page_of(book, owner));
            }
        }
        self.replace_backlinks(book, &slot.id, links, &mut out);
        self.owned
            .insert(slot.id.clone(), targets.into_keys().collect());
        book.sources = sources;
        if book.config.lint_similar {
            lint::new_words(
                &commands,
                &mut self.words,
                &book.config.allow_similar,
                &book.sources,
                &mut out.warnings,
            );
        }
        Some(out)
    }

    /// Takes the procedure `id`'s entries out of the backlink lists and puts its new
    /// `links` in, each at its owner's rank; the pages of the lists that differ go into
    /// `out`.
    fn replace_backlinks(
        &self,
        book: &mut Book,
        id: &str,
        links: HashMap<String, Vec<String>>,
        out: &mut Patched,
    ) {
        let candidates: BTreeSet<String> = book
            .backlinks
            .iter()
            .filter(|(_, owners)| owners.iter().any(|o| o == id))
            .map(|(k, _)| k.clone())
            .chain(links.keys().cloned())
            .collect();
        let before: Vec<Option<Vec<String>>> = candidates
            .iter()
            .map(|k| book.backlinks.get(k).cloned())
            .collect();
        book.backlinks.retain(|_, owners| {
            owners.retain(|o| o != id);
            !owners.is_empty()
        });
        let rank = |o: &str| self.rank.get(o).copied().unwrap_or(usize::MAX);
        for (key, owners) in links {
            let list = book.backlinks.entry(key).or_default();
            for owner in owners {
                let at = list.partition_point(|o| rank(o) < rank(&owner));
                list.insert(at, owner);
            }
        }
        let touched = candidates
            .iter()
            .zip(&before)
            .filter(|(k, old)| book.backlinks.get(*k) != old.as_ref())
            .map(|(k, _)| k);
        for key in touched {
            self.backlist_pages(book, key, out);
        }
    }

    /// The pages showing the backlinks of `key`: its own page, and for a procedure or
    /// group also its chapter's list, the index and the sidebar a theme may show them in.
    fn backlist_pages(&self, book: &Book, key: &str, out: &mut Patched) {
        let Some(t) = book.targets.get(key) else {
            return;
        };
        match &t.procedure {
            Some(p) => out.pages.insert(Page::Procedure(p.clone())),
            None => out.pages.insert(Page::Chapter(t.page.clone())),
        };
        if !key.contains('/') {
            if let Some(ch) = self.chapter_of(book, key) {
                out.pages.insert(Page::Chapter(ch));
            }
            out.pages.insert(Page::Index);
            out.toc = true;
        }
    }

    fn procedure<'b>(&self, book: &'b Book, slot: &Slot) -> Option<&'b Procedure> {
        let item = book
            .chapters
            .get(slot.chapter)?
            .items
            .get(slot.group.unwrap_or(slot.index))?;
        match (item, slot.group) {
            (ChapterItem::Procedure(p), None) => Some(&**p),
            (ChapterItem::Group(g), Some(_)) => g.procedures.get(slot.index).map(|p| &**p),
            _ => None,
        }
        .filter(|p| p.id == slot.id)
    }

    fn procedure_mut<'b>(&self, book: &'b mut Book, slot: &Slot) -> Option<&'b mut Arc<Procedure>> {
        let item = book
            .chapters
            .get_mut(slot.chapter)?
            .items
            .get_mut(slot.group.unwrap_or(slot.index))?;
        match (item, slot.group) {
            (ChapterItem::Procedure(p), None) => Some(p),
            (ChapterItem::Group(g), Some(_)) => g.procedures.get_mut(slot.index),
            _ => None,
        }
    }

    /// The chapter holding the procedure or group `id`.
    fn chapter_of(&self, book: &Book, id: &str) -> Option<String> {
        let t = book.targets.get(id)?;
        match &t.procedure {
            // A procedure's page is itself; its chapter is found from its slot.
            Some(_) => self
                .slots
                .values()
                .find(|s| s.id == id)
                .and_then(|s| book.chapters.get(s.chapter))
                .map(|c| c.id.clone()),
            // A group's (or chapter's) target page is its chapter.
            None => Some(t.page.clone()),
        }
    }
}

/// Where each procedure file's procedure sits, from a full load.
fn slots(book: &Book, loaded: &crate::content::Loaded) -> HashMap<PathBuf, Slot> {
    let mut slots = HashMap::new();
    for (ci, (ch, lch)) in book.chapters.iter().zip(&loaded.chapters).enumerate() {
        let chapter_when: Vec<Condition> = ch.when.iter().cloned().collect();
        for (ii, (item, litem)) in ch.items.iter().zip(&lch.items).enumerate() {
            match (item, litem) {
                (ChapterItem::Procedure(p), LoadedItem::Procedure(lp)) => {
                    let slot = Slot {
                        file: lp.file,
                        id: p.id.clone(),
                        default_id: lp.default_id.clone(),
                        chapter: ci,
                        group: None,
                        index: ii,
                        number: p.number.clone(),
                        outer: chapter_when.clone(),
                    };
                    slots.insert(book.sources.path(lp.file).to_path_buf(), slot);
                }
                (ChapterItem::Group(g), LoadedItem::Group { procedures, .. }) => {
                    let mut outer = chapter_when.clone();
                    outer.extend(g.when.iter().cloned());
                    for (pi, (p, lp)) in g.procedures.iter().zip(procedures).enumerate() {
                        let slot = Slot {
                            file: lp.file,
                            id: p.id.clone(),
                            default_id: lp.default_id.clone(),
                            chapter: ci,
                            group: Some(ii),
                            index: pi,
                            number: p.number.clone(),
                            outer: outer.clone(),
                        };
                        slots.insert(book.sources.path(lp.file).to_path_buf(), slot);
                    }
                }
                // A mismatch cannot come out of a load without errors; leaving the
                // slot out only sends that file to the full load.
                _ => {}
            }
        }
    }
    slots
}

/// The page that shows a prose owner's text (a procedure, a chapter, or the index).
fn page_of(book: &Book, owner: &str) -> Page {
    match book.targets.get(owner) {
        Some(t) if t.procedure.is_some() => Page::Procedure(owner.to_string()),
        _ if owner == "index" => Page::Index,
        _ => Page::Chapter(owner.to_string()),
    }
}

#[cfg(test)]
mod tests;
