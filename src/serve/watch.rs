//! The file watcher: notify with the full debouncer, which merges a burst of saves and an
//! editor's write-to-temp-then-rename into one batch, and follows renamed files. Watches
//! the book folder itself (for `book.toml`; not recursively, so the output folder is not
//! watched), `content/` and `themes/`, plus the theme folder when it lives elsewhere.
//!
//! A watch belongs to the folder it was put on, not to its name: after
//! `rm -rf content && cp -r backup content` it is gone, and after `mv content old` it
//! follows `old`. So a folder that appears later (a first theme override), and one that a
//! batch shows removed, created or renamed (seen through the book folder's own watch), is
//! watched again before the batch is loaded: an edit made after the reload it causes is
//! always seen.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::time::Duration;

use anyhow::{Context, Result};
use notify::event::ModifyKind;
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use super::change::Layout;

/// Quiet time after the last event of a burst before the batch is handed over.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// A running watcher and the folders it watches recursively.
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
        w.follow(layout, &[])?;
        Ok(w)
    }

    /// Watches the input folders again that `events` show removed, replaced or moved (or
    /// all of them, when events were lost), and those that exist now and were not
    /// watched yet. A folder that cannot be watched is tried again after the next batch.
    pub fn follow(&mut self, layout: &Layout, events: &[Event]) -> Result<()> {
        let dirs = inputs(layout);
        let lost = events.iter().any(Event::need_rescan);
        for dir in &dirs {
            if !self.watched.contains(dir) {
                continue;
            }
            if lost || !dir.is_dir() || moved(dir, &layout.root, events) {
                // notify has often dropped the watch itself already; gone either way.
                let _ = self.debouncer.unwatch(dir);
                self.watched.remove(dir);
            }
        }
        let mut failed = None;
        for dir in dirs {
            if self.watched.contains(&dir) || !dir.is_dir() {
                continue;
            }
            match self.debouncer.watch(&dir, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.watched.insert(dir);
                }
                Err(e) => {
                    let e = anyhow::Error::from(e)
                        .context(format!("failed to watch `{}`", dir.display()));
                    failed.get_or_insert(e);
                }
            }
        }
        failed.map_or(Ok(()), Err)
    }
}

/// The folders watched recursively: `content/`, `translations/`, `themes/`, and the theme
/// folder when it is not inside `themes/`.
fn inputs(layout: &Layout) -> Vec<PathBuf> {
    let theme = layout.root.join(&layout.theme_dir);
    let mut dirs = vec![layout.content(), layout.translations(), layout.themes()];
    if !theme.starts_with(layout.themes()) {
        dirs.push(theme);
    }
    dirs
}

/// Whether `events` create, remove or rename `dir` or a folder it is in (below `root`),
/// so that its watch may now be on another folder or none.
fn moved(dir: &std::path::Path, root: &std::path::Path, events: &[Event]) -> bool {
    events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Create(_)
                    | EventKind::Remove(_)
                    | EventKind::Modify(ModifyKind::Name(_))
            )
        })
        .flat_map(|e| &e.paths)
        .any(|p| dir.starts_with(p) && p.starts_with(root) && p != root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, DataChange, RemoveKind, RenameMode};

    fn ev(kind: EventKind, path: &str) -> Event {
        Event::new(kind).add_path(PathBuf::from(path))
    }

    #[test]
    fn a_folder_or_its_parent_created_removed_or_renamed_is_moved() {
        let (dir, root) = (PathBuf::from("/b/themes/default"), PathBuf::from("/b"));
        for e in [
            ev(EventKind::Remove(RemoveKind::Folder), "/b/themes/default"),
            ev(EventKind::Create(CreateKind::Folder), "/b/themes"),
            ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                "/b/themes",
            ),
        ] {
            assert!(moved(&dir, &root, std::slice::from_ref(&e)), "{e:?}");
        }
        for e in [
            // Reading the folder (every load does) or writing inside it moves nothing.
            ev(EventKind::Access(AccessKind::Any), "/b/themes/default"),
            ev(
                EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                "/b/themes/default",
            ),
            ev(
                EventKind::Create(CreateKind::File),
                "/b/themes/default/x.html",
            ),
            ev(EventKind::Remove(RemoveKind::Folder), "/b/content"),
            ev(EventKind::Remove(RemoveKind::Folder), "/b"),
        ] {
            assert!(!moved(&dir, &root, std::slice::from_ref(&e)), "{e:?}");
        }
    }
}
