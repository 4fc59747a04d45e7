//! The site held in memory, and how it follows the files. [`Preview`] keeps the last good
//! book, the compiled theme and every built file; [`Preview::apply`] reloads what a
//! [`Plan`] names (content, theme, or both), re-renders into a [`MemoryOutput`], and keeps
//! only the files whose bytes changed, so open pages reload only when they must.
//!
//! A broken edit keeps the last good files and records the diagnostics instead; a later
//! good edit clears them. The built files are always exactly what a full build of the
//! current (good) inputs writes: tests/serve.rs checks that after a sequence of edits.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::change::{Layout, Plan};
use crate::diagnostics::{Diagnostics, Severity, SourceMap};
use crate::model::Book;
use crate::output::MemoryOutput;
use crate::render::{Parts, Site, Theme};

/// One problem as the browser overlay and `/__tejun/errors` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorItem {
    pub severity: &'static str,
    /// `content/x.toml:3:5`, when the problem has a location.
    pub location: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
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
                item.source_line = sources
                    .text(f)
                    .lines()
                    .nth(line - 1)
                    .map(|l| l.trim_end_matches('\r').to_string());
            }
            item
        })
        .collect()
}

/// The result of one [`Preview::apply`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    /// Output paths whose bytes changed, appeared or disappeared.
    pub changed: Vec<String>,
    /// Whether the list of errors differs from before.
    pub errors_changed: bool,
}

/// The live site: last good inputs, built files, and the errors of the latest attempt.
pub struct Preview {
    layout: Layout,
    book: Option<Book>,
    theme: Option<Theme>,
    files: BTreeMap<String, Arc<[u8]>>,
    /// The generation in which each path last changed (kept for removed paths too).
    versions: BTreeMap<String, u64>,
    generation: u64,
    content_errors: Vec<ErrorItem>,
    theme_errors: Vec<ErrorItem>,
    render_errors: Vec<ErrorItem>,
    /// Print diagnostics to stderr as loads happen (off in library tests).
    pub echo: bool,
}

impl Preview {
    /// Loads and builds everything under `root`.
    pub fn open(root: &Path, echo: bool) -> Preview {
        let mut p = Preview {
            layout: Layout {
                root: root.to_path_buf(),
                theme_dir: PathBuf::from("themes/default"),
            },
            book: None,
            theme: None,
            files: BTreeMap::new(),
            versions: BTreeMap::new(),
            generation: 0,
            content_errors: Vec::new(),
            theme_errors: Vec::new(),
            render_errors: Vec::new(),
            echo,
        };
        p.apply(Plan::all());
        p
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub fn book(&self) -> Option<&Book> {
        self.book.as_ref()
    }

    pub fn files(&self) -> &BTreeMap<String, Arc<[u8]>> {
        &self.files
    }

    pub fn versions(&self) -> &BTreeMap<String, u64> {
        &self.versions
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Errors of the latest attempt: content, then theme, then rendering.
    pub fn errors(&self) -> Vec<ErrorItem> {
        let mut all = self.content_errors.clone();
        all.extend(self.theme_errors.iter().cloned());
        all.extend(self.render_errors.iter().cloned());
        all
    }

    /// Reloads what `plan` names and re-renders; returns what changed.
    pub fn apply(&mut self, plan: Plan) -> Update {
        self.apply_staged(plan, &mut |_, _| {})
    }

    /// [`Preview::apply`] in two steps: the pages first, then the files that hold the whole
    /// book (print page, runbooks, offline index). `pages_done` sees the preview and the
    /// pages' update in between, so the server can reload open pages before the slower
    /// half; the returned update covers both.
    pub fn apply_staged(
        &mut self,
        plan: Plan,
        pages_done: &mut dyn FnMut(&Preview, &Update),
    ) -> Update {
        let before = self.errors();
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
            return update;
        }
        self.render_errors.clear();
        update.changed = self.render(Parts::Pages);
        update.errors_changed = self.errors() != before;
        if !self.render_errors.is_empty() {
            return update;
        }
        pages_done(self, &update);
        update.changed.extend(self.render(Parts::Aggregates));
        update.changed.sort();
        update.errors_changed = self.errors() != before;
        update
    }

    /// Returns whether a new good book was loaded.
    fn load_content(&mut self) -> bool {
        match crate::load_book(&self.layout.root) {
            Ok((book, warnings)) => {
                if self.echo {
                    warnings.emit(&book.sources);
                }
                self.layout.theme_dir = book.config.theme_dir.clone();
                self.content_errors.clear();
                self.book = Some(book);
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
        // `Site` takes its theme by value; the compiled templates are cheap to clone.
        let theme = Theme {
            tera: theme.tera.clone(),
            assets: theme.assets.clone(),
        };
        let mut out = MemoryOutput::default();
        let hidden = indicatif::ProgressBar::hidden();
        let built =
            Site::new(book, theme).and_then(|site| site.build_parts(&mut out, &hidden, part));
        if let Err(e) = built {
            let item = ErrorItem::global(format!("{e:#}"));
            if self.echo {
                eprintln!("{}", item.line());
            }
            self.render_errors = vec![item];
            return Vec::new();
        }
        self.replace_files(out.files, part)
    }

    /// Swaps in the new files, keeping the old `Arc` of every file that did not change.
    /// Only the files of `part` are compared; the other part's files stay as they are.
    fn replace_files(&mut self, new: BTreeMap<String, Vec<u8>>, part: Parts) -> Vec<String> {
        let next_generation = self.generation + 1;
        let mut changed = Vec::new();
        let (mut files, mine): (BTreeMap<_, _>, BTreeMap<_, _>) = std::mem::take(&mut self.files)
            .into_iter()
            .partition(|(path, _)| Parts::of(path) != part);
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
