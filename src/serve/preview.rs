//! The site held in memory, and how it follows the files. [`Preview`] keeps the last good
//! book, the compiled theme and every built file; [`Preview::apply`] reloads what a
//! [`Plan`] names (content, theme, or both), re-renders into a [`MemoryOutput`], and keeps
//! only the files whose bytes changed, so open pages reload only when they must.
//!
//! A broken edit keeps the last good files and records the diagnostics instead; a later
//! good edit clears them. The built files are always exactly what a full build of the
//! current (good) inputs writes: tests/suite/serve.rs checks that after a sequence of edits.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::change::{Layout, Plan};
use crate::diagnostics::{Diagnostics, Severity, SourceMap};
use crate::model::Book;
use crate::output::MemoryOutput;
use crate::render::{PageId, Parts, Site, Theme};
use crate::resolve::{Page, Patcher};

/// One problem as the browser overlay and `/__tejun/errors` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorItem {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// `content/x.toml:3:5`, when the problem has a location.
    pub location: Option<String>,
    /// The file, as messages name it.
    pub file: Option<String>,
    /// Its line, from 1.
    pub line: Option<usize>,
    /// Its column, from 1.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// The offending line of the source file.
    pub source_line: Option<String>,
}

impl ErrorItem {
    fn global(message: String) -> ErrorItem {
        ErrorItem {
            severity: "error",
            location: None,
            file: None,
            line: None,
            column: None,
            message,
            hint: None,
            source_line: None,
        }
    }

    /// The one-line form the terminal and the overlay share.
    pub fn line(&self) -> String {
        match &self.location {
            Some(loc) => format!("{loc}: {}: {}", self.severity, self.message),
            None => format!("{}: {}", self.severity, self.message),
        }
    }
}

/// Every diagnostic of a failed load, located and with its source line.
pub fn error_items(diags: &Diagnostics, sources: &SourceMap) -> Vec<ErrorItem> {
    diags
        .items
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let mut item = ErrorItem::global(d.message.clone());
            item.hint = d.hint.clone();
            if let Some(f) = d.file {
                let (line, col) = sources.line_col(f, d.span.start);
                item.location = Some(sources.location(f, d.span.start));
                item.file = Some(sources.display(f).to_string());
                item.line = Some(line);
                item.column = Some(col);
                item.source_line = sources.text(f).lines().nth(line - 1).map(|l| {
                    // What the overlay shows is what the terminal shows: no character
                    // that hides or reorders text.
                    crate::diagnostics::escape_invisible(l.trim_end_matches('\r')).into_owned()
                });
            }
            item
        })
        .collect()
}

/// The print page, runbooks and offline index of one book, and the whole site of each of
/// its translations, to be rendered (on any thread).
pub struct Aggregates {
    book: Arc<Book>,
    theme: Theme,
    stamp: u64,
    root: PathBuf,
}

/// Rendered [`Aggregates`], for [`Preview::accept`].
pub struct AggregatesDone {
    stamp: u64,
    files: Result<BTreeMap<String, Vec<u8>>, String>,
    /// The site of each translation that rendered, by its folder (`en/`), with its
    /// files' paths under that folder.
    translated: Vec<(String, BTreeMap<String, Vec<u8>>)>,
    /// What kept a translation from loading or rendering.
    translated_errors: Vec<ErrorItem>,
}

impl Aggregates {
    /// Renders the whole-book files (print page, runbooks, offline index) and the
    /// translations on this thread. A translation is loaded from its files each time: it
    /// follows the source, so any edit of either can change it.
    pub fn render(self) -> AggregatesDone {
        let mut out = MemoryOutput::default();
        let hidden = crate::progress::Silent;
        let files = site(&self.book, self.theme.clone())
            .and_then(|site| site.build_parts(&mut out, &hidden, Parts::Aggregates))
            .map(|_| out.files)
            .map_err(|e| format!("{e:#}"));
        let mut translated = Vec::new();
        let mut translated_errors = Vec::new();
        let own = self.book.config.language;
        let others = &self.book.config.translations;
        for &lang in others {
            let tr = match crate::resolve::load_translated(&self.root, lang) {
                Ok((tr, _, _)) => tr,
                Err((diags, sources)) => {
                    translated_errors.extend(error_items(&diags, &sources));
                    continue;
                }
            };
            let mut out = MemoryOutput::default();
            let built = Site::new(&tr, self.theme.clone()).and_then(|site| {
                let site = site
                    .with_search(crate::search::read_site)
                    .with_languages(crate::render::language_links(own, others, lang));
                crate::output::with_shared(&mut out, |sink| {
                    let mut within = crate::output::Within::new(sink, lang.code());
                    site.build_with(&mut within, &hidden)
                })
            });
            match built {
                Ok(_) => translated.push((format!("{}/", lang.code()), out.files)),
                Err(e) => {
                    translated_errors.push(ErrorItem::global(format!("{}: {e:#}", lang.code())));
                }
            }
        }
        AggregatesDone {
            stamp: self.stamp,
            files,
            translated,
            translated_errors,
        }
    }
}

/// The site of the source book as `tejun build` makes it: with the offline index, the
/// commands page and, when the book has translations, the links to them.
fn site(book: &Book, theme: Theme) -> anyhow::Result<Site<'_>> {
    let own = book.config.language;
    Ok(Site::new(book, theme)?
        .with_search(crate::search::read_site)
        .with_languages(crate::render::language_links(
            own,
            &book.config.translations,
            own,
        )))
}

/// The result of one [`Preview::apply`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    /// Output paths whose bytes changed, appeared or disappeared.
    pub changed: Vec<String>,
    /// Whether the list of errors differs from before.
    pub errors_changed: bool,
    /// Whether the edit was applied to the loaded book in place (one procedure file)
    /// rather than by loading the whole book.
    pub patched: bool,
    /// The warnings of the load or patch, one line each (`file:line:col: warning: …`).
    pub warnings: Vec<String>,
    /// When `patched`: the procedure whose content changed (none when it stayed the same).
    pub procedure: Option<String>,
}

/// The live site: last good inputs, built files, and the errors of the latest attempt.
pub struct Preview {
    layout: Layout,
    book: Option<Arc<Book>>,
    /// Changes whenever the book or the theme does: rendered aggregates of an older
    /// stamp are stale.
    stamp: u64,
    /// How to apply an edit of one procedure file to `book` in place.
    patcher: Option<Patcher>,
    /// What each procedure patched since the last full load lends the commands page
    /// ([`crate::search::commands::procedure_key`]): that page lists the whole book, so an
    /// edit that leaves its procedure's part alone does not render it.
    commands_keys: std::collections::HashMap<String, crate::output::Fingerprint>,
    theme: Option<Theme>,
    files: BTreeMap<String, Arc<[u8]>>,
    /// The editor schemas of the last good book, by file name (`/__tejun/schema/…`): made
    /// when the whole book loads, which an edit of `book.toml`, a reusable step or
    /// `_refs.toml` (where their ids come from) always does.
    schemas: BTreeMap<String, Arc<[u8]>>,
    /// The generation in which each path last changed (kept for removed paths too).
    versions: BTreeMap<String, u64>,
    generation: u64,
    content_errors: Vec<ErrorItem>,
    theme_errors: Vec<ErrorItem>,
    render_errors: Vec<ErrorItem>,
    /// What kept a translation from loading or rendering (its previous site stays).
    translated_errors: Vec<ErrorItem>,
    /// Print diagnostics to stderr as loads happen (off in library tests).
    pub echo: bool,
}

impl Preview {
    /// Loads and builds everything under `root`.
    pub fn open(root: &Path, echo: bool) -> Preview {
        let (mut p, stale) = Preview::open_pages(root, echo);
        if stale {
            if let Some(job) = p.aggregates() {
                p.accept(job.render());
            }
        }
        p
    }

    /// [`Preview::open`] without the print page, runbooks and offline index, which the
    /// server renders on another thread after it starts serving; the flag says whether
    /// they are to be rendered.
    pub fn open_pages(root: &Path, echo: bool) -> (Preview, bool) {
        let mut p = Preview {
            layout: Layout {
                root: root.to_path_buf(),
                theme_dir: PathBuf::from("themes/default"),
            },
            book: None,
            stamp: 0,
            patcher: None,
            commands_keys: std::collections::HashMap::new(),
            theme: None,
            files: BTreeMap::new(),
            schemas: BTreeMap::new(),
            versions: BTreeMap::new(),
            generation: 0,
            content_errors: Vec::new(),
            theme_errors: Vec::new(),
            render_errors: Vec::new(),
            translated_errors: Vec::new(),
            echo,
        };
        let (_, stale) = p.apply_pages(Plan::all(), &[]);
        (p, stale)
    }

    /// Where the book and its parts are.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The last book that loaded without errors.
    pub fn book(&self) -> Option<&Arc<Book>> {
        self.book.as_ref()
    }

    /// Every file served, by path.
    pub fn files(&self) -> &BTreeMap<String, Arc<[u8]>> {
        &self.files
    }

    /// The editor schemas of the last good book, by file name (`/__tejun/schema/…`).
    pub fn schemas(&self) -> &BTreeMap<String, Arc<[u8]>> {
        &self.schemas
    }

    /// Each file's version: bumped when its bytes change (pages reload on that).
    pub fn versions(&self) -> &BTreeMap<String, u64> {
        &self.versions
    }

    /// Bumped on every update; page versions and errors are as of this.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Errors of the latest attempt: content, then theme, then rendering, then the
    /// translations'.
    pub fn errors(&self) -> Vec<ErrorItem> {
        let mut all = self.content_errors.clone();
        all.extend(self.theme_errors.iter().cloned());
        all.extend(self.render_errors.iter().cloned());
        all.extend(self.translated_errors.iter().cloned());
        all
    }

    /// Reloads what `plan` names and re-renders; returns what changed.
    pub fn apply(&mut self, plan: Plan) -> Update {
        self.apply_staged(plan, &[], &mut |_, _| {})
    }

    /// [`Preview::apply`] for a batch that changed the files `paths`: an edit of one
    /// procedure file is applied to the loaded book in place, and only the pages it can
    /// change are rendered before the first event.
    pub fn apply_paths(&mut self, plan: Plan, paths: &[PathBuf]) -> Update {
        self.apply_staged(plan, paths, &mut |_, _| {})
    }

    /// [`Preview::apply`] in two steps: the pages first, then the files that hold the whole
    /// book (print page, runbooks, offline index). `pages_done` sees the preview and the
    /// pages' update in between, so the server can reload open pages before the slower
    /// half; the returned update covers both.
    pub fn apply_staged(
        &mut self,
        plan: Plan,
        paths: &[PathBuf],
        pages_done: &mut dyn FnMut(&Preview, &Update),
    ) -> Update {
        let (mut update, stale) = self.apply_pages(plan, paths);
        if !stale {
            return update;
        }
        pages_done(self, &update);
        if let Some(job) = self.aggregates() {
            let rest = self.accept(job.render());
            update.changed.extend(rest.changed);
            update.changed.sort();
            update.errors_changed |= rest.errors_changed;
        }
        update
    }

    /// The first half of [`Preview::apply_staged`]: reloads what `plan` names (an edit of
    /// one procedure file in place) and renders the pages. Returns the pages' update and
    /// whether the print page, runbooks and offline index are now stale: render them with
    /// [`Preview::aggregates`] and hand the result to [`Preview::accept`].
    pub fn apply_pages(&mut self, plan: Plan, paths: &[PathBuf]) -> (Update, bool) {
        let before = self.errors();
        if let Some(done) = self.try_patch(plan, paths, &before) {
            return done;
        }
        let mut inputs_changed = false;
        if plan.config || plan.content {
            inputs_changed |= self.load_content();
        }
        if plan.config || plan.theme {
            inputs_changed |= self.load_theme();
        }
        let mut update = Update::default();
        if !inputs_changed {
            update.errors_changed = self.errors() != before;
            // A translation is rendered with the whole-book files.
            let translate = plan.translations && self.book.is_some() && self.theme.is_some();
            return (update, translate);
        }
        self.stamp += 1;
        self.render_errors.clear();
        update.changed = self.render(Parts::Pages);
        update.errors_changed = self.errors() != before;
        (update, self.render_errors.is_empty())
    }

    /// The work of rendering the print page, runbooks and offline index of the current
    /// book, detached from the preview so another thread can do it while the next edit
    /// is applied.
    pub fn aggregates(&self) -> Option<Aggregates> {
        let (Some(book), Some(theme)) = (&self.book, &self.theme) else {
            return None;
        };
        Some(Aggregates {
            book: Arc::clone(book),
            theme: theme.clone(),
            stamp: self.stamp,
            root: self.layout.root.clone(),
        })
    }

    /// Takes in rendered aggregates, unless the book or theme changed since they were
    /// started (a newer job is on its way then).
    pub fn accept(&mut self, done: AggregatesDone) -> Update {
        let mut update = Update::default();
        if done.stamp != self.stamp {
            return update;
        }
        let before = self.errors();
        let translated = self.translated_paths();
        // A translation that failed keeps its last good site, as the source does.
        for (folder, files) in done.translated {
            let under = |p: &str| p.starts_with(folder.as_str());
            update.changed.extend(self.replace_where(files, &under));
        }
        if self.echo {
            for e in &done.translated_errors {
                eprintln!("{}", e.line());
            }
        }
        self.translated_errors = done.translated_errors;
        match done.files {
            Ok(files) => {
                let part = Parts::Aggregates;
                let mine = |p: &str| Parts::of(p) == part && !translated(p);
                update.changed.extend(self.replace_where(files, &mine));
                update.changed.sort();
            }
            Err(message) => {
                let item = ErrorItem::global(message);
                if self.echo {
                    eprintln!("{}", item.line());
                }
                self.render_errors = vec![item];
            }
        }
        update.errors_changed = self.errors() != before;
        update
    }

    /// The fast path of [`Preview::apply_pages`]: `None` when the batch is not an edit of
    /// one procedure file the [`Patcher`] can apply (nothing changed then).
    fn try_patch(
        &mut self,
        plan: Plan,
        paths: &[PathBuf],
        before: &[ErrorItem],
    ) -> Option<(Update, bool)> {
        let content_only = Plan {
            content: true,
            ..Plan::default()
        };
        // After a failed load the files may differ from the book in more than this one.
        if plan != content_only || !before.is_empty() || self.theme.is_none() {
            return None;
        }
        let [path] = paths else {
            return None;
        };
        // What the procedure lent the commands page before the edit, unless an earlier
        // patch recorded it: the first edit of a procedure renders that page (which lists
        // the whole book) only if it changed it too.
        if let Some(id) = self.patcher.as_ref()?.procedure_of(path) {
            if !self.commands_keys.contains_key(id) {
                let key = crate::search::commands::procedure_key(self.book.as_ref()?, id);
                self.commands_keys.insert(id.to_string(), key);
            }
        }
        // The aggregates thread may hold the book: the copy shares the procedures.
        let book = Arc::make_mut(self.book.as_mut()?);
        let patcher = self.patcher.as_mut()?;
        let patched = crate::timing::phase("patch", || patcher.patch(book, path))?;
        if self.echo && !patched.warnings.items.is_empty() {
            patched.warnings.emit(&book.sources);
        }
        let mut update = Update {
            patched: true,
            warnings: patched.warnings.lines(&self.book.as_ref()?.sources),
            ..Update::default()
        };
        if !patched.all_pages && patched.pages.is_empty() {
            return Some((update, false));
        }
        update.procedure = Some(patched.procedure.clone());
        let key = crate::search::commands::procedure_key(self.book.as_ref()?, &patched.procedure);
        let same_commands = self
            .commands_keys
            .insert(patched.procedure.clone(), key)
            .is_some_and(|old| old == key);
        self.stamp += 1;
        update.changed = if patched.all_pages {
            self.render(Parts::Pages)
        } else {
            let pages: Vec<PageId> = patched
                .pages
                .iter()
                .filter(|p| !(same_commands && matches!(p, Page::Commands)))
                .map(|p| match p {
                    Page::Index => PageId::Index,
                    Page::Chapter(id) => PageId::Chapter(id.clone()),
                    Page::Procedure(id) => PageId::Procedure(id.clone()),
                    Page::Problem(id) => PageId::Problem(id.clone()),
                    Page::Commands => PageId::Commands,
                })
                .collect();
            self.render_some(&pages, patched.toc)
        };
        update.errors_changed = self.errors() != before;
        Some((update, self.render_errors.is_empty()))
    }

    /// Returns whether a new good book was loaded.
    fn load_content(&mut self) -> bool {
        match crate::resolve::load_book_patchable(&self.layout.root) {
            Ok((book, warnings, patcher)) => {
                if self.echo {
                    warnings.emit(&book.sources);
                }
                self.layout.theme_dir = book.config.theme_dir.clone();
                self.content_errors.clear();
                self.schemas = crate::schema::for_book(&book)
                    .into_iter()
                    .map(|f| (f.kind.file_name().to_string(), f.json.into_bytes().into()))
                    .collect();
                self.book = Some(Arc::new(book));
                self.patcher = Some(patcher);
                self.commands_keys.clear();
                true
            }
            Err((diags, sources)) => {
                if self.echo {
                    diags.emit(&sources);
                }
                self.content_errors = error_items(&diags, &sources);
                false
            }
        }
    }

    /// Returns whether a new good theme was compiled.
    fn load_theme(&mut self) -> bool {
        let dir = self.layout.root.join(&self.layout.theme_dir);
        match Theme::load(Some(&dir)) {
            Ok(theme) => {
                self.theme_errors.clear();
                self.theme = Some(theme);
                true
            }
            Err(e) => {
                let item = ErrorItem::global(format!("{e:#}"));
                if self.echo {
                    eprintln!("{}", item.line());
                }
                self.theme_errors = vec![item];
                false
            }
        }
    }

    /// Renders `part` of the last good book with the last good theme; keeps the previous
    /// files when rendering fails. Returns the changed paths.
    fn render(&mut self, part: Parts) -> Vec<String> {
        let (Some(book), Some(theme)) = (&self.book, &self.theme) else {
            return Vec::new();
        };
        let mut out = MemoryOutput::default();
        let hidden = crate::progress::Silent;
        let built =
            site(book, theme.clone()).and_then(|site| site.build_parts(&mut out, &hidden, part));
        if let Err(e) = built {
            let item = ErrorItem::global(format!("{e:#}"));
            if self.echo {
                eprintln!("{}", item.line());
            }
            self.render_errors = vec![item];
            return Vec::new();
        }
        let translated = self.translated_paths();
        let mine = |p: &str| (part == Parts::All || Parts::of(p) == part) && !translated(p);
        self.replace_where(out.files, &mine)
    }

    /// Renders `pages` (and the sidebar script when `toc`) of the last good book; the other
    /// files stay as they are. Returns the changed paths.
    fn render_some(&mut self, pages: &[PageId], toc: bool) -> Vec<String> {
        use rayon::prelude::*;
        let (Some(book), Some(theme)) = (&self.book, &self.theme) else {
            return Vec::new();
        };
        let site = crate::timing::phase("site", || site(book, theme.clone()));
        let rendered = site.and_then(|site| {
            let mut files: BTreeMap<String, Vec<u8>> = crate::timing::phase("render", || {
                pages
                    .par_iter()
                    .map(|p| site.render_page(p).map(|r| (r.path, r.html.into_bytes())))
                    .collect::<anyhow::Result<_>>()
            })?;
            if toc {
                files.insert("assets/toc.js".into(), site.toc_script()?.into_bytes());
            }
            Ok(files)
        });
        match rendered {
            Ok(files) => self.replace_some(files),
            Err(e) => {
                let item = ErrorItem::global(format!("{e:#}"));
                if self.echo {
                    eprintln!("{}", item.line());
                }
                self.render_errors = vec![item];
                Vec::new()
            }
        }
    }

    /// Swaps in `new` files beside the others; returns the paths whose bytes changed.
    fn replace_some(&mut self, new: BTreeMap<String, Vec<u8>>) -> Vec<String> {
        let next_generation = self.generation + 1;
        let mut changed = Vec::new();
        for (path, bytes) in new {
            if self.files.get(&path).is_some_and(|old| **old == *bytes) {
                continue;
            }
            self.versions.insert(path.clone(), next_generation);
            self.files.insert(path.clone(), Arc::from(bytes));
            changed.push(path);
        }
        if !changed.is_empty() {
            self.generation = next_generation;
        }
        changed
    }

    /// Whether an output path belongs to one of the book's translations (`en/…`).
    fn translated_paths(&self) -> impl Fn(&str) -> bool {
        let folders: Vec<String> = self
            .book
            .iter()
            .flat_map(|b| &b.config.translations)
            .map(|l| format!("{}/", l.code()))
            .collect();
        move |path: &str| folders.iter().any(|f| path.starts_with(f.as_str()))
    }

    /// Swaps in the new files, keeping the old `Arc` of every file that did not change.
    /// Only the files `mine` owns are compared (and removed when `new` lacks them); the
    /// others stay as they are.
    fn replace_where(
        &mut self,
        new: BTreeMap<String, Vec<u8>>,
        mine: &dyn Fn(&str) -> bool,
    ) -> Vec<String> {
        let next_generation = self.generation + 1;
        let mut changed = Vec::new();
        let (mine, mut files): (BTreeMap<_, _>, BTreeMap<_, _>) = std::mem::take(&mut self.files)
            .into_iter()
            .partition(|(path, _)| mine(path));
        self.files = mine;
        for (path, bytes) in new {
            match self.files.remove(&path) {
                Some(old) if *old == *bytes => {
                    files.insert(path, old);
                }
                _ => {
                    changed.push(path.clone());
                    files.insert(path, Arc::from(bytes));
                }
            }
        }
        // What is left in the old map was removed.
        changed.extend(std::mem::take(&mut self.files).into_keys());
        changed.sort();
        self.files = files;
        if !changed.is_empty() {
            self.generation = next_generation;
            for p in &changed {
                self.versions.insert(p.clone(), next_generation);
            }
        }
        changed
    }
}

#[cfg(test)]
mod overlay_tests {
    use super::*;

    #[test]
    fn the_overlays_source_line_shows_invisible_characters_escaped() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        std::fs::write(root.join("book.toml"), "title = \"T\"\nlanguage = \"en\"\n").expect("w");
        std::fs::create_dir_all(root.join("content/01-c")).expect("mkdir");
        std::fs::write(root.join("content/01-c/_chapter.toml"), "title = \"C\"\n").expect("w");
        std::fs::write(
            root.join("content/01-c/01-p.toml"),
            "title = \"P\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n[[section.step]]\n\
             title = \"Remove\"\n[[section.step.part]]\nshell = \"sh\"\n\
             cmd = 'rm -rf /tmp/x\u{202e}gol.txt'\n",
        )
        .expect("w");
        let Err((diags, sources)) = crate::load_book(root) else {
            panic!("a command hiding a right-to-left override must not load");
        };
        let items = error_items(&diags, &sources);
        let line = items
            .iter()
            .find_map(|i| i.source_line.clone())
            .expect("a located error with its line");
        assert!(!line.contains('\u{202e}'), "{line:?}");
        assert!(line.contains("\\u{202e}"), "{line:?}");
    }
}
