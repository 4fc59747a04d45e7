//! The file watcher: notify with the full debouncer, which merges a burst of saves and an
//! editor's write-to-temp-then-rename into one batch, and follows renamed files. Watches
//! the book folder itself (for `book.toml`; not recursively, so the output folder is not
//! watched), `content/` and `themes/`, plus the theme folder when it lives elsewhere.
//! A folder that appears later (a first theme override) is picked up after the batch
//! that created it.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::time::Duration;

use anyhow::{Context, Result};
use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use super::change::Layout;

/// Quiet time after the last event of a burst before the batch is handed over.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// A running watcher and the folders it watches.
pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching `layout`'s inputs; batches go to `tx`, wrapped by `wrap`.
    pub fn start<M: Send + 'static>(
        layout: &Layout,
        tx: Sender<M>,
        wrap: fn(DebounceEventResult) -> M,
    ) -> Result<Watcher> {
        let handler = move |batch: DebounceEventResult| {
            // The receiver is gone only when the server is stopping.
            let _ = tx.send(wrap(batch));
        };
        let debouncer =
            new_debouncer(DEBOUNCE, None, handler).context("failed to start the file watcher")?;
        let mut w = Watcher {
            debouncer,
            watched: BTreeSet::new(),
        };
        w.debouncer
            .watch(&layout.root, RecursiveMode::NonRecursive)
            .with_context(|| format!("failed to watch `{}`", layout.root.display()))?;
        w.follow(layout)?;
        Ok(w)
    }

    /// Watches the input folders that exist now and were not watched yet.
    pub fn follow(&mut self, layout: &Layout) -> Result<()> {
        let theme = layout.root.join(&layout.theme_dir);
        let mut dirs = vec![layout.content(), layout.themes()];
        if !theme.starts_with(layout.themes()) {
            dirs.push(theme);
        }
        for dir in dirs {
            if self.watched.contains(&dir) || !dir.is_dir() {
                continue;
            }
            self.debouncer
                .watch(&dir, RecursiveMode::Recursive)
                .with_context(|| format!("failed to watch `{}`", dir.display()))?;
            self.watched.insert(dir);
        }
        Ok(())
    }
}
