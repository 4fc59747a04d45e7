//! The dev server's fast path: one edited procedure file re-read, re-parsed and
//! re-resolved in place of the whole book, and the pages its edit can change named.
//!
//! A full load of a 5,000-procedure book takes about two seconds; a writer saving one
//! file should not wait for it. The patch handles the common edit (a procedure file's
//! steps, sections, commands and prose) and declines everything it cannot prove it
//! handles exactly as a full load would: a new, removed or renamed file, a changed
//! procedure id, title or condition, a removed target another page links to, any error,
//! chapters, groups, reusable steps and book.toml. Declining is always safe: the caller
//! then loads the whole book. tests/serve.rs compares every page after patched edits with
//! a fresh full build, byte for byte.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{links, lint, Resolver};
use crate::condition::Condition;
use crate::content::raw::RawStep;
use crate::content::{read_plain, LoadedProcedure};
use crate::diagnostics::{Diagnostics, FileId};
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
    Index,
    Chapter(String),
    Procedure(String),
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
    reusable: std::collections::BTreeMap<String, (FileId, RawStep)>,
    slots: HashMap<PathBuf, Slot>,
    /// Each procedure's target keys (itself, its sections and steps).
    owned: HashMap<String, Vec<String>>,
    /// Where each prose owner's first text comes in the book: backlink lists are in this
    /// order.
    rank: HashMap<String, usize>,
    /// Every command word of the book, for the similar-commands lint of an edit.
    words: HashMap<String, lint::WordSite>,
}

impl Patcher {
    pub(super) fn new(
        book: &Book,
        loaded: &crate::content::Loaded,
        reusable: std::collections::BTreeMap<String, (FileId, RawStep)>,
        prose: &[super::Prose],
        commands: &[super::CommandSite],
    ) -> Patcher {
        let mut slots = HashMap::new();
        for (ci, (ch, lch)) in book.chapters.iter().zip(&loaded.chapters).enumerate() {
            let chapter_when: Vec<Condition> = ch.when.iter().cloned().collect();
            for (ii, (item, litem)) in ch.items.iter().zip(&lch.items).enumerate() {
                match (item, litem) {
                    (ChapterItem::Procedure(p), crate::content::LoadedItem::Procedure(lp)) => {
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
                    (
                        ChapterItem::Group(g),
                        crate::content::LoadedItem::Group { procedures, .. },
                    ) => {
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
            slots,
            owned,
            rank,
            words: lint::vocabulary(commands),
        }
    }

    /// Applies the new text of the procedure file `path` to `book`, or returns `None`
    /// (leaving `book` as it was) when only a full load can tell what the edit means.
    pub fn patch(&mut self, book: &mut Book, path: &Path) -> Option<Patched> {
        let slot = self.slots.get(path)?.clone();
        if !book.sources.contains(slot.file) {
            return None;
        }
        let text = read_plain(path)?;
        if *text == *book.sources.text(slot.file) {
            return Some(Patched::default());
        }
        let raw = toml::from_str(&text).ok()?;
        let mut sources = book.sources.clone();
        sources.replace(slot.file, text);

        // Resolve the procedure alone, at its place in the book.
        let mut diags = Diagnostics::default();
        let mut r = Resolver::new(&book.config, &sources, &mut diags, &self.reusable);
        let loaded = LoadedProcedure {
            file: slot.file,
            default_id: slot.default_id.clone(),
            raw,
        };
        let new = r.procedure(&loaded, slot.number.clone(), &slot.outer);
        let new_targets = std::mem::take(&mut r.targets);
        let prose = std::mem::take(&mut r.prose);
        let ref_uses = std::mem::take(&mut r.ref_uses);
        let commands = std::mem::take(&mut r.commands);
        super::invisible::check(&commands, &sources, &mut diags);
        if diags.has_errors() || new.id != slot.id {
            return None;
        }
        let old = self.procedure(book, &slot)?;
        if old.when != new.when {
            // Which environments the book covers may change: a check of the whole book.
            return None;
        }
        // The navigation (sidebar, chapter lists, prev/next, breadcrumbs) shows the
        // procedure's title: that edit renders every page again.
        let nav_changed = old.title != new.title;

        // Targets: the procedure's own keys, old and new.
        let old_keys: Vec<String> = self.owned.get(&slot.id).cloned().unwrap_or_default();
        let old_key_set: HashSet<&str> = old_keys.iter().map(String::as_str).collect();
        for key in new_targets.keys() {
            // Ids cannot hold `/`, so a new key is this procedure's own or a clash.
            if !old_key_set.contains(key.as_str()) && book.targets.contains_key(key) {
                return None;
            }
        }
        let removed: Vec<&String> = old_keys
            .iter()
            .filter(|k| !new_targets.contains_key(*k))
            .collect();
        if removed.iter().any(|k| {
            book.backlinks
                .get(*k)
                .is_some_and(|owners| owners.iter().any(|o| *o != slot.id))
        }) {
            // Another page links there: a full load reports the broken link.
            return None;
        }

        // Which of the procedure's targets differ (a title, a number, a new or gone id).
        let mut changed_keys: Vec<String> = old_keys
            .iter()
            .filter(|k| new_targets.get(*k) != book.targets.get(*k))
            .cloned()
            .collect();
        changed_keys.extend(
            new_targets
                .keys()
                .filter(|k| !old_key_set.contains(k.as_str()))
                .cloned(),
        );
        // The procedure's links, checked against the book with its new targets. The map
        // is shared with the thread rendering the print page, so it is copied only when
        // the edit changes a target, which most edits (a step's text) do not.
        let mut old_targets: Vec<(String, Target)> = Vec::new();
        if !changed_keys.is_empty() {
            let targets = Arc::make_mut(&mut book.targets);
            old_targets = old_keys
                .iter()
                .filter_map(|k| targets.remove_entry(k))
                .collect();
            targets.extend(new_targets.iter().map(|(k, t)| (k.clone(), t.clone())));
        }
        let mut link_diags = Diagnostics::default();
        let mut coverage = Diagnostics::default();
        let links = links::check_against(
            &book.targets,
            &book.refs,
            &prose,
            &ref_uses,
            &sources,
            &mut link_diags,
        );
        let chain: Vec<&Condition> = slot.outer.iter().chain(new.when.iter()).collect();
        crate::coverage::check_procedure(&book.config.facets, &new, &chain, &mut coverage);
        let own_rank = self.rank.get(&slot.id).copied();
        // A chapter's texts sit before and after its procedures', so where this
        // procedure goes in a list that holds a chapter is not known from ranks alone.
        let unordered = links.keys().any(|key| {
            book.backlinks.get(key).is_some_and(|owners| {
                owners
                    .iter()
                    .any(|o| book.targets.get(o).is_none_or(|t| t.procedure.is_none()))
            })
        });
        if link_diags.has_errors()
            || coverage.has_errors()
            || unordered
            || (!links.is_empty() && own_rank.is_none())
        {
            if !changed_keys.is_empty() {
                let targets = Arc::make_mut(&mut book.targets);
                for k in new_targets.keys() {
                    targets.remove(k);
                }
                targets.extend(old_targets);
            }
            return None;
        }

        // From here on the book takes the edit.
        let mut out = Patched {
            all_pages: nav_changed,
            procedure: slot.id.clone(),
            ..Patched::default()
        };
        out.pages.insert(Page::Procedure(slot.id.clone()));
        let page_of = |book: &Book, owner: &str| -> Page {
            match book.targets.get(owner) {
                Some(t) if t.procedure.is_some() => Page::Procedure(owner.to_string()),
                _ if owner == "index" => Page::Index,
                _ => Page::Chapter(owner.to_string()),
            }
        };
        // Pages that show a changed target's title or number in their links.
        for key in &changed_keys {
            for owner in book.backlinks.get(key).into_iter().flatten() {
                let page = page_of(book, owner);
                out.pages.insert(page);
            }
        }
        // Backlinks: the procedure's entries out, its new ones in at its rank.
        let candidates: BTreeSet<String> = book
            .backlinks
            .iter()
            .filter(|(_, owners)| owners.contains(&slot.id))
            .map(|(k, _)| k.clone())
            .chain(links.keys().cloned())
            .collect();
        let before: Vec<Option<Vec<String>>> = candidates
            .iter()
            .map(|k| book.backlinks.get(k).cloned())
            .collect();
        book.backlinks.retain(|_, owners| {
            owners.retain(|o| *o != slot.id);
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
        // Only the lists that differ change a page.
        let touched: Vec<&String> = candidates
            .iter()
            .zip(&before)
            .filter(|(k, old)| book.backlinks.get(*k) != old.as_ref())
            .map(|(k, _)| k)
            .collect();
        for key in touched {
            let Some(t) = book.targets.get(key) else {
                continue;
            };
            match &t.procedure {
                Some(p) => {
                    out.pages.insert(Page::Procedure(p.clone()));
                }
                None => {
                    out.pages.insert(Page::Chapter(t.page.clone()));
                }
            }
            if !key.contains('/') {
                // A procedure's or group's backlinks also show in its chapter's list, and
                // a theme may show them in the sidebar or on the index page.
                if let Some(ch) = self.chapter_of(book, key) {
                    out.pages.insert(Page::Chapter(ch));
                }
                out.pages.insert(Page::Index);
                out.toc = true;
            }
        }

        self.owned
            .insert(slot.id.clone(), new_targets.into_keys().collect());
        out.warnings = diags;
        out.warnings.items.extend(link_diags.items);
        out.warnings.items.extend(coverage.items);
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
        *self.procedure_mut(book, &slot)? = Arc::new(new);
        Some(out)
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
