//! Diagnostics for writers: every problem the loader and resolver find is collected with
//! the file and byte span it concerns, so `tejun check` can report all of them at once
//! with `file:line:col`, instead of stopping at the first.
//!
//! What a diagnostic quotes from a book (an id, a value, a file name) is shown as the file
//! holds it: characters that are invisible or reorder the text around them (bidirectional
//! controls such as U+202E, zero-width characters, other control and format characters)
//! are written `\u{202e}` in messages, hints and file names ([`escape_invisible`], applied
//! where a diagnostic is made), and as a visible stand-in in source excerpts.

use std::borrow::Cow;
use std::io::IsTerminal;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use codespan_reporting::term::{self, Config as TermConfig};

/// Index of a source file in a [`SourceMap`].
pub type FileId = usize;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth fixing; the book still builds.
    Warning,
    /// The command does not do its work (exit 1).
    Error,
}

/// One problem, located in a source file when it has a location.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file it is in; `None` for a problem of no file in particular.
    pub file: Option<FileId>,
    /// Its byte range in the file.
    pub span: Range<usize>,
    /// What is wrong, in one line.
    pub message: String,
    /// How to fix it, when there is a likely way.
    pub hint: Option<String>,
    /// Secondary locations, e.g. the first definition of a duplicate id.
    pub related: Vec<(FileId, Range<usize>, String)>,
}

/// `s` with every invisible or reordering character written as `\u{…}`: what a terminal
/// or the dev server's overlay shows of quoted book text is then what the file holds, not
/// a line reordered by a U+202E or an ESC sequence run by the terminal.
pub fn escape_invisible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_invisible) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_invisible(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Control characters (Cc), format characters (Cf: bidirectional embeddings, overrides and
/// isolates, zero-width spaces and joiners, the byte order mark, tags) and the line and
/// paragraph separators: Unicode 16's lists, which std does not expose.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            u32::from(c),
            0xAD | 0x600..=0x605
                | 0x61C
                | 0x6DD
                | 0x70F
                | 0x890..=0x891
                | 0x8E2
                | 0x180E
                | 0x200B..=0x200F
                | 0x2028..=0x202E
                | 0x2060..=0x2064
                | 0x2066..=0x206F
                | 0xFEFF
                | 0xFFF9..=0xFFFB
                | 0x110BD
                | 0x110CD
                | 0x13430..=0x1343F
                | 0x1BCA0..=0x1BCA3
                | 0x1D173..=0x1D17A
                | 0xE0001
                | 0xE0020..=0xE007F
        )
}

/// A source text for excerpts: every invisible character but tab and line ends replaced
/// by a visible one of the same UTF-8 length, so spans and columns stay right.
fn visible_source(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| is_invisible(c) && !matches!(c, '\t' | '\n' | '\r');
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match (hidden(c), c.len_utf8()) {
                (false, _) => c,
                (true, 1) => '?',
                (true, 2) => '\u{bf}',
                (true, 3) => '\u{fffd}',
                (true, _) => '\u{10fffd}',
            })
            .collect(),
    )
}

impl Diagnostic {
    /// An error at `span` of `file` (invisible characters in the message made visible).
    pub fn error(file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: Some(file),
            span,
            message: escaped(message.into()),
            hint: None,
            related: Vec::new(),
        }
    }

    /// A warning at `span` of `file`.
    pub fn warning(file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, span, message)
        }
    }

    /// A problem that concerns no file in particular (a missing folder, say).
    pub fn global(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            span: 0..0,
            message: escaped(message.into()),
            hint: None,
            related: Vec::new(),
        }
    }

    /// Adds how to fix it. A hint may run over several lines (a diff of the source a
    /// translation was made from); each line is escaped on its own.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        let hint: String = hint.into();
        let lines: Vec<String> = hint.split('\n').map(|l| escaped(l.to_string())).collect();
        self.hint = Some(lines.join("\n"));
        self
    }

    /// Adds a second place that explains it (the first definition of a duplicate).
    pub fn with_related(
        mut self,
        file: FileId,
        span: Range<usize>,
        note: impl Into<String>,
    ) -> Self {
        self.related.push((file, span, escaped(note.into())));
        self
    }
}

fn escaped(s: String) -> String {
    match escape_invisible(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(e) => e,
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The text of every file read while loading a book, so diagnostics can show lines.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    /// Shared, so the dev server's copy of a book's sources costs a pointer per file.
    files: Vec<Arc<SourceFile>>,
}

#[derive(Debug, Clone)]
struct SourceFile {
    path: PathBuf,
    display: String,
    text: Arc<str>,
    /// Made when a message first needs a line: a book without problems never does, and
    /// scanning every file for its lines was most of the serial part of a load.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceMap {
    /// Registers a file; `display` is the path shown to the writer (relative to the book).
    pub fn add(&mut self, path: PathBuf, display: String, text: String) -> FileId {
        self.files.push(Arc::new(SourceFile {
            path,
            display: escaped(display),
            line_starts: std::sync::OnceLock::new(),
            text: text.into(),
        }));
        self.files.len() - 1
    }

    /// Gives `file` a new text (the dev server re-reading one edited file); its id stays.
    pub fn replace(&mut self, file: FileId, text: String) {
        if let Some(f) = self.files.get_mut(file) {
            *f = Arc::new(SourceFile {
                path: f.path.clone(),
                display: f.display.clone(),
                line_starts: std::sync::OnceLock::new(),
                text: text.into(),
            });
        }
    }

    /// How many files are registered: their ids are `0..len`.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file is registered.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Whether `file` is a registered file id.
    pub fn contains(&self, file: FileId) -> bool {
        file < self.files.len()
    }

    /// The text of `file`.
    pub fn text(&self, file: FileId) -> &str {
        &self.files[file].text
    }

    /// The path `file` was read from.
    pub fn path(&self, file: FileId) -> &Path {
        &self.files[file].path
    }

    /// `file` as messages name it (relative to the book).
    pub fn display(&self, file: FileId) -> &str {
        &self.files[file].display
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let f = &self.files[file];
        let offset = offset.min(f.text.len());
        let starts = f.line_starts.get_or_init(|| line_starts(&f.text));
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let start = starts[line];
        let col = f
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        (line + 1, col + 1)
    }

    /// `path:line:col`, the form editors and terminals turn into links.
    pub fn location(&self, file: FileId, offset: usize) -> String {
        let (line, col) = self.line_col(file, offset);
        format!("{}:{}:{}", self.display(file), line, col)
    }
}

/// Every diagnostic of one load, with the sources they point into.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    /// The diagnostics, in the order found (sorted before printing).
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// How many there are of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// Sorts by file then position so output reads top to bottom.
    pub fn sort(&mut self) {
        self.items.sort_by_key(|d| (d.file, d.span.start));
        // A reusable step used ten times reports its own mistake once.
        self.items
            .dedup_by(|a, b| a.file == b.file && a.span == b.span && a.message == b.message);
    }

    /// Plain one-line-per-problem form (`path:line:col: error: message`), used by tests,
    /// the dev server's overlay and anything that is not a terminal.
    pub fn lines(&self, sources: &SourceMap) -> Vec<String> {
        self.items
            .iter()
            .map(|d| {
                let level = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let mut s = match d.file {
                    Some(f) => format!(
                        "{}: {level}: {}",
                        sources.location(f, d.span.start),
                        d.message
                    ),
                    None => format!("{level}: {}", d.message),
                };
                if let Some(h) = &d.hint {
                    s.push_str(&format!(" (hint: {h})"));
                }
                s
            })
            .collect()
    }

    /// Prints to stderr with source excerpts, in colour when stderr is a terminal.
    pub fn emit(&self, sources: &SourceMap) {
        let choice = if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
            ColorChoice::Auto
        } else {
            ColorChoice::Never
        };
        if self.items.is_empty() {
            return;
        }
        // Only the files a diagnostic points into are scanned (a large book has thousands);
        // the others stand in empty, keeping every file's id.
        let shown: std::collections::HashSet<usize> = self
            .items
            .iter()
            .flat_map(|d| d.file.into_iter().chain(d.related.iter().map(|r| r.0)))
            .collect();
        let mut files = SimpleFiles::new();
        for (i, f) in sources.files.iter().enumerate() {
            let text: Arc<str> = if !shown.contains(&i) {
                Arc::from("")
            } else {
                match visible_source(&f.text) {
                    Cow::Borrowed(_) => f.text.clone(),
                    Cow::Owned(shown) => shown.into(),
                }
            };
            files.add(f.display.clone(), text);
        }
        let writer = StandardStream::stderr(choice);
        let mut lock = writer.lock();
        let config = TermConfig::default();
        for d in &self.items {
            let mut cs = CsDiagnostic::new(match d.severity {
                Severity::Error => CsSeverity::Error,
                Severity::Warning => CsSeverity::Warning,
            })
            .with_message(&d.message);
            if let Some(f) = d.file {
                let mut labels = vec![Label::primary(f, d.span.clone())];
                for (rf, rs, note) in &d.related {
                    labels.push(Label::secondary(*rf, rs.clone()).with_message(note));
                }
                cs = cs.with_labels(labels);
            }
            if let Some(h) = &d.hint {
                cs = cs.with_notes(vec![format!("hint: {h}")]);
            }
            // A failure to write to stderr leaves nothing better to report it to.
            let _ = term::emit(&mut lock, &config, &files, &cs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(
            escape_invisible("a\u{202e}b\u{1b}[2J\u{2066}c\u{feff}\u{e0041}\n"),
            "a\\u{202e}b\\u{1b}[2J\\u{2066}c\\u{feff}\\u{e0041}\\u{a}"
        );
        assert!(matches!(
            escape_invisible("手順 v2.8 «x» \u{202f}"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn excerpts_keep_every_byte_offset() {
        let text = "a\u{202e}b\u{1b}c\u{ad}d\u{e0041}e\tf\r\n";
        let shown = visible_source(text);
        assert_eq!(shown.len(), text.len());
        assert_eq!(shown.chars().count(), text.chars().count());
        assert!(!shown
            .chars()
            .any(|c| is_invisible(c) && !"\t\r\n".contains(c)));
        assert!(shown.ends_with("e\tf\r\n"));
    }
}
