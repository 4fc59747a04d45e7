//! What a batch of file-system events means for the preview. A pure function from
//! debounced notify events to a small [`Change`] list, then to a [`Plan`] (what to reload),
//! so the part of the server that decides "what is stale" is tested without a watcher.

use std::path::{Path, PathBuf};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{Event, EventKind};

/// One relevant change under the book folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A file (or folder) under `content/`.
    ContentFile(PathBuf),
    /// A file (or folder) of the theme folder.
    Theme(PathBuf),
    /// `book.toml`.
    Config,
    /// A file (or folder) under `translations/`.
    Translation(PathBuf),
    /// Anything else (the output folder, editor swap files, reads): ignored.
    Other,
}

/// Where the watched inputs of a book are.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The book folder.
    pub root: PathBuf,
    /// The theme folder (`[theme] dir`, `themes/default` by default).
    pub theme_dir: PathBuf,
}

impl Layout {
    /// book.toml.
    pub fn config(&self) -> PathBuf {
        self.root.join("book.toml")
    }
    /// The content folder.
    pub fn content(&self) -> PathBuf {
        self.root.join("content")
    }
    /// The translations folder.
    pub fn translations(&self) -> PathBuf {
        self.root.join("translations")
    }
    /// The folder holding theme folders (`themes/`), watched whole so a theme folder
    /// created after start is seen.
    pub fn themes(&self) -> PathBuf {
        self.root.join("themes")
    }
}

/// What a batch of changes requires. `config` implies everything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Plan {
    /// book.toml (or a language table) changed: reload everything.
    pub config: bool,
    /// Content files changed: reload the book, render what changed.
    pub content: bool,
    /// Theme files changed: recompile the theme, render everything.
    pub theme: bool,
    /// Translation files changed: render the translations again.
    pub translations: bool,
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        !(self.config || self.content || self.theme || self.translations)
    }

    /// A full rebuild: config, content and theme.
    pub fn all() -> Plan {
        Plan {
            config: true,
            content: true,
            theme: true,
            translations: true,
        }
    }

    /// What a batch of changes asks for.
    pub fn from_changes(changes: &[Change]) -> Plan {
        let mut plan = Plan::default();
        for c in changes {
            match c {
                Change::Config => plan = Plan::all(),
                Change::ContentFile(_) => plan.content = true,
                Change::Theme(_) => plan.theme = true,
                Change::Translation(_) => plan.translations = true,
                Change::Other => {}
            }
        }
        plan
    }
}

/// The changes one batch of events stands for (each path once, in event order; no
/// `Other`).
pub fn classify(events: &[Event], layout: &Layout) -> Vec<Change> {
    let mut out: Vec<Change> = Vec::new();
    for e in events.iter().filter(|e| writes(&e.kind)) {
        for path in &e.paths {
            let c = classify_path(path, layout);
            if c != Change::Other && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

/// Whether an event kind can change what a file holds. Opening and reading (which the
/// preview's own reload does) and access-time updates cannot; a close after writing can.
fn writes(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// One path's meaning. Editor droppings (`.x.swp`, `x~`, vim's `4913`) are `Other`; the
/// real file's rename-into-place arrives as its own event.
pub fn classify_path(path: &Path, layout: &Layout) -> Change {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Change::Other;
    };
    if path == layout.config() {
        return Change::Config;
    }
    if is_editor_file(name) {
        return Change::Other;
    }
    let theme = layout.root.join(&layout.theme_dir);
    // The theme's language tables are read with the book (every command speaks them), so
    // a change to one reloads the book, as book.toml does.
    if path.starts_with(theme.join("lang")) || path == theme {
        return Change::Config;
    }
    if path.starts_with(&theme) || (theme.starts_with(path) && path != layout.root) {
        return Change::Theme(path.to_path_buf());
    }
    if path.starts_with(layout.content()) {
        return Change::ContentFile(path.to_path_buf());
    }
    if path.starts_with(layout.translations()) {
        return Change::Translation(path.to_path_buf());
    }
    Change::Other
}

fn is_editor_file(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || [".swp", ".swx", ".tmp", ".bak"]
            .iter()
            .any(|s| name.ends_with(s))
        || name.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, ModifyKind, RemoveKind, RenameMode};

    fn layout() -> Layout {
        Layout {
            root: PathBuf::from("/b"),
            theme_dir: PathBuf::from("themes/default"),
        }
    }

    fn ev(kind: EventKind, paths: &[&str]) -> Event {
        paths
            .iter()
            .fold(Event::new(kind), |e, p| e.add_path(PathBuf::from(p)))
    }

    fn write() -> EventKind {
        EventKind::Modify(ModifyKind::Data(DataChange::Content))
    }

    #[test]
    fn a_saved_procedure_is_a_content_change() {
        let c = classify(&[ev(write(), &["/b/content/01-a/01-x.toml"])], &layout());
        assert_eq!(
            c,
            vec![Change::ContentFile("/b/content/01-a/01-x.toml".into())]
        );
        assert_eq!(
            Plan::from_changes(&c),
            Plan {
                content: true,
                ..Plan::default()
            }
        );
    }

    /// The language tables are read with the book: an edit reloads it, not only the theme.
    #[test]
    fn a_theme_language_table_is_a_config_change() {
        let c = classify(
            &[ev(write(), &["/b/themes/default/lang/ja.toml"])],
            &layout(),
        );
        assert_eq!(c, vec![Change::Config]);
        let c = classify(&[ev(write(), &["/b/themes/default/style.css"])], &layout());
        assert!(matches!(c.as_slice(), [Change::Theme(_)]), "{c:?}");
    }

    #[test]
    fn rename_and_replace_counts_the_destination_once() {
        // vim / JetBrains: write `.x.toml.tmp`, rename it over `x.toml`, touch again.
        let events = [
            ev(
                EventKind::Create(CreateKind::File),
                &["/b/content/.x.toml.tmp"],
            ),
            ev(write(), &["/b/content/.x.toml.tmp"]),
            ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["/b/content/.x.toml.tmp", "/b/content/x.toml"],
            ),
            ev(
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                &["/b/content/x.toml"],
            ),
        ];
        assert_eq!(
            classify(&events, &layout()),
            vec![Change::ContentFile("/b/content/x.toml".into())]
        );
    }

    #[test]
    fn reads_and_editor_droppings_are_ignored() {
        let events = [
            ev(
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                &["/b/content/x.toml"],
            ),
            ev(
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                &["/b/book.toml"],
            ),
            ev(write(), &["/b/content/.x.toml.swp", "/b/content/x.toml~"]),
            ev(write(), &["/b/content/4913", "/b/book/index.html"]),
        ];
        let c = classify(&events, &layout());
        assert!(c.is_empty(), "{c:?}");
        assert!(Plan::from_changes(&c).is_empty());
    }

    #[test]
    fn theme_and_config_changes() {
        let c = classify(
            &[ev(write(), &["/b/themes/default/layout.html"])],
            &layout(),
        );
        assert_eq!(
            c,
            vec![Change::Theme("/b/themes/default/layout.html".into())]
        );
        assert_eq!(
            Plan::from_changes(&c),
            Plan {
                theme: true,
                ..Plan::default()
            }
        );
        // Creating `themes/` itself (it did not exist at start) is a theme change.
        let c = classify(
            &[ev(EventKind::Create(CreateKind::Folder), &["/b/themes"])],
            &layout(),
        );
        assert_eq!(c, vec![Change::Theme("/b/themes".into())]);
        // book.toml rebuilds everything, even alongside other changes.
        let c = classify(
            &[
                ev(write(), &["/b/content/x.toml"]),
                ev(EventKind::Remove(RemoveKind::File), &["/b/book.toml"]),
            ],
            &layout(),
        );
        assert_eq!(Plan::from_changes(&c), Plan::all());
    }

    #[test]
    fn other_theme_folders_and_outside_files_are_other() {
        let c = classify(
            &[ev(
                write(),
                &["/b/themes/other/layout.html", "/b/notes.md", "/elsewhere/x"],
            )],
            &layout(),
        );
        assert!(c.is_empty(), "{c:?}");
    }
}
