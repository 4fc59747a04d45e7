//! A build with nothing to do: when every file the book is built from is what it was at
//! the previous build, and the output is what that build left, `tejun build` says so
//! instead of loading and rendering the book again (at 5,000 procedures, 3 s of work that
//! would write the same bytes).
//!
//! What the previous build was made from is one [`Fingerprint`] ([`inputs`]): which
//! tejun runs (as every key, [`Fingerprinter::new`]), `book.toml`, every file under `content/`, `translations/` and the theme
//! folder (names and bytes, read on every core), the date runbooks print, and whether the
//! build wrote into the book. That build left a [`Record`] under it in the build memo
//! ([`crate::output::memo`]), when every input was still as hashed once it was done
//! ([`Prepared::unchanged`]). The output counts as what it left only when the build
//! cache's manifest accounts for every file in it, each with the size and modification
//! time it was written with, and nothing else is there; the editor schemas it kept in
//! the book must be as it kept them, and a search index beside the output must match the
//! book. The record holds what the build printed besides its report (the book's warnings,
//! a translation's summary) to print it again. None is used by `--no-cache` or by a book
//! that prints PDFs (made by a browser outside tejun).

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::content::{ReadAhead, ReadOne};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Severity, SourceMap};
use crate::output::memo::Memo;
use crate::output::{Fingerprint, Fingerprinter};

/// Format of [`Record`]; part of its key.
const FORMAT: &[u8] = b"up to date 1";

/// Folders deeper than this under an input folder are not followed.
const DEEPEST: usize = 32;

/// What a build left for the next to tell that it has nothing to do.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Record {
    /// Pages written (the print page included), as the build reported.
    pub pages: usize,
    /// Steps on them.
    pub steps: usize,
    /// The editor schemas the build kept in the book ([`book_side`]); `None` when it
    /// kept none (`--out`).
    pub book_side: Option<[u8; 16]>,
    /// What the build printed besides its report (a translation's summary), to print
    /// again.
    pub notes: Vec<String>,
    /// The book's warnings, printed again as the build printed them.
    pub warnings: Vec<Warning>,
}

/// A warning of the load, kept to be printed again: a [`Diagnostic`] with its files named
/// by their paths from the book's folder rather than by the load's file ids.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Warning {
    /// The file and the bytes it concerns, if any.
    at: Option<Place>,
    message: String,
    hint: Option<String>,
    /// Other places it points at, each with its note.
    related: Vec<(Place, String)>,
}

/// A span of a file, by the file's path from the book's folder and its name in messages.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Place {
    path: PathBuf,
    display: String,
    span: (usize, usize),
}

/// The warnings of a load of the book at `root`, kept with the files they point into.
pub fn keep_warnings(root: &Path, warnings: &Diagnostics, sources: &SourceMap) -> Vec<Warning> {
    let place = |file: FileId, span: &std::ops::Range<usize>| Place {
        path: sources
            .path(file)
            .strip_prefix(root)
            .unwrap_or(sources.path(file))
            .to_path_buf(),
        display: sources.display(file).to_string(),
        span: (span.start, span.end),
    };
    warnings
        .items
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| Warning {
            at: d
                .file
                .filter(|&f| sources.contains(f))
                .map(|f| place(f, &d.span)),
            message: d.message.clone(),
            hint: d.hint.clone(),
            related: d
                .related
                .iter()
                .filter(|(f, _, _)| sources.contains(*f))
                .map(|(f, span, note)| (place(*f, span), note.clone()))
                .collect(),
        })
        .collect()
}

/// Kept warnings as the load made them, with the files they point into read again (they
/// are as they were: the inputs are); `None` when one cannot be read.
pub struct Replay {
    warnings: Diagnostics,
    sources: SourceMap,
}

impl Replay {
    fn of(root: &Path, kept: &[Warning]) -> Option<Replay> {
        let mut sources = SourceMap::default();
        let mut ids: std::collections::HashMap<PathBuf, FileId> = Default::default();
        let mut id_of = |p: &Place, sources: &mut SourceMap| -> Option<FileId> {
            if let Some(&id) = ids.get(&p.path) {
                return Some(id);
            }
            let full = root.join(&p.path);
            let text = crate::content::read_plain(&full)?;
            let id = sources.add(full, p.display.clone(), text);
            ids.insert(p.path.clone(), id);
            Some(id)
        };
        let mut warnings = Diagnostics::default();
        for w in kept {
            let mut related = Vec::new();
            for (p, note) in &w.related {
                related.push((id_of(p, &mut sources)?, p.span.0..p.span.1, note.clone()));
            }
            let (file, span) = match &w.at {
                Some(p) => (Some(id_of(p, &mut sources)?), p.span.0..p.span.1),
                None => (None, 0..0),
            };
            warnings.push(Diagnostic {
                severity: Severity::Warning,
                file,
                span,
                message: w.message.clone(),
                hint: w.hint.clone(),
                related,
            });
        }
        Some(Replay { warnings, sources })
    }

    /// Prints the warnings as the load printed them.
    pub fn emit(&self) {
        self.warnings.emit(&self.sources);
    }

    /// How many there are.
    pub fn count(&self) -> usize {
        self.warnings.items.len()
    }
}

impl Record {
    /// The bytes kept in the memo.
    pub fn encode(&self) -> Vec<u8> {
        // Numbers, bytes and strings: serialising them into memory cannot fail.
        postcard::to_stdvec(self).unwrap_or_default()
    }

    fn decode(bytes: &[u8]) -> Option<Record> {
        postcard::from_bytes(bytes).ok()
    }
}

/// A book about to be built, read far enough to tell whether it needs to be.
#[derive(Debug)]
pub struct Prepared {
    /// The book's `book.toml`.
    pub config: Config,
    /// Where the site goes.
    pub out_dir: PathBuf,
    /// The key of the build's [`Record`] in the memo.
    pub key: Fingerprint,
    /// The memo beside the output, read once: by [`check`], then by the build
    /// ([`Prepared::take_memo`]).
    memo: Option<Memo>,
    /// Each input file as it was hashed: its path from the book's folder, size and
    /// modification time ([`Prepared::unchanged`]).
    stamps: Vec<Stamp>,
    /// The procedure files as hashed, for the load to take rather than read again.
    ahead: ReadAhead,
}

/// A file's path from the book's folder, its size and its modification time.
type Stamp = (PathBuf, u64, (i64, u32));

impl Prepared {
    /// The memo [`check`] read, for the build that follows to read no second time.
    pub fn take_memo(&mut self) -> Option<Memo> {
        self.memo.take()
    }

    /// The procedure files as they were hashed, for the load ([`ReadAhead`]); `None`
    /// when none was read whole.
    pub fn take_read_ahead(&mut self) -> Option<ReadAhead> {
        let ahead = std::mem::take(&mut self.ahead);
        (!ahead.is_empty()).then_some(ahead)
    }

    /// Whether every input file is still as it was hashed (the same files, each with the
    /// same size and modification time): a file saved while the build ran may have been
    /// read as saved, and a record under the key of the files as they were would then call
    /// a later build with those files up to date with an output made from others.
    pub fn unchanged(&self, root: &Path) -> bool {
        let Some(files) = input_files(root, &self.config) else {
            return false;
        };
        files.len() == self.stamps.len()
            && files
                .par_iter()
                .zip(self.stamps.par_iter())
                .all(|((rel, _), (was, size, mtime))| {
                    rel == was
                        && std::fs::metadata(root.join(rel))
                            .is_ok_and(|m| crate::output::cache::stamp(&m) == (*size, *mtime))
                })
    }
}

/// Reads `book.toml` and fingerprints every input of a build of the book at `root` into
/// `out` (`None`: the book's `[output] dir`). `None` when there is nothing to compare: a
/// `book.toml` that does not read cleanly (the build will say why), a book that prints
/// PDFs, an input folder that cannot be read whole.
pub fn prepare(root: &Path, out: Option<&Path>) -> Option<Prepared> {
    let text = crate::content::read_plain(&root.join("book.toml"))?;
    let mut diags = crate::diagnostics::Diagnostics::default();
    let config = Config::parse(&text, 0, &mut diags)?;
    if !diags.items.is_empty() || config.pdf_enabled {
        return None;
    }
    let out_dir = match out {
        Some(out) => out.to_path_buf(),
        None => crate::output::owned::output_in_book(root, &config.out_dir).ok()?,
    };
    let memo = Memo::open(&out_dir, false);
    // The previous memo (tens of megabytes in a large book) is read while the files are
    // hashed: the thread that waits for the hashing would only sit idle.
    let (key, stamps, ahead) = std::thread::scope(|s| {
        s.spawn(|| memo.holds_pieces());
        stamped_inputs(root, &config, out.is_some())
    })?;
    let memo = Some(memo);
    Some(Prepared {
        config,
        out_dir,
        key,
        memo,
        stamps,
        ahead,
    })
}

/// The fingerprint of what a build of the book at `root` reads (see the module's notes);
/// `elsewhere`: built with `--out`, writing nothing into the book.
pub fn inputs(root: &Path, config: &Config, elsewhere: bool) -> Option<Fingerprint> {
    stamped_inputs(root, config, elsewhere).map(|(key, _, _)| key)
}

/// The files a build of the book at `root` reads, by their paths from it, in order, each
/// with whether it is a plain file reached through no link.
fn input_files(root: &Path, config: &Config) -> Option<Vec<(PathBuf, bool)>> {
    let mut files = vec![(PathBuf::from("book.toml"), false)];
    let mut folders = vec![PathBuf::from("content"), PathBuf::from("translations")];
    folders.push(config.theme_dir.clone());
    for folder in &folders {
        if root.join(folder).is_dir() {
            list(root, folder, &mut files)?;
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);
    Some(files)
}

/// [`inputs`], each file's [`Stamp`] as it was hashed, and the procedure files read whole
/// to be hashed, for the load ([`ReadAhead`]).
fn stamped_inputs(
    root: &Path,
    config: &Config,
    elsewhere: bool,
) -> Option<(Fingerprint, Vec<Stamp>, ReadAhead)> {
    let files = input_files(root, config)?;
    let hashed: Vec<(Fingerprint, Stamp, Option<ReadOne>)> = files
        .into_par_iter()
        .map(|(rel, plain)| {
            let mut f = Fingerprinter::new();
            f.bytes(rel.as_os_str().as_encoded_bytes());
            let full = root.join(&rel);
            let takes = |rel: &Path| rel.strip_prefix("content").is_ok_and(ReadAhead::takes);
            if plain && takes(&rel) {
                let mut stamp = None;
                let one = ReadAhead::read(full.clone(), &mut |meta, bytes| {
                    f.bytes(bytes);
                    stamp = Some(crate::output::cache::stamp(meta));
                });
                if let (Some(one), Some((size, mtime))) = (one, stamp) {
                    return Some((f.finish(), (rel, size, mtime), Some(one)));
                }
            }
            let (size, mtime) = hash_plain(&full, &mut f)?;
            Some((f.finish(), (rel, size, mtime), None))
        })
        .collect::<Option<_>>()?;
    let mut parts = Vec::with_capacity(hashed.len());
    let mut stamps = Vec::with_capacity(hashed.len());
    let mut ahead = Vec::new();
    for (part, stamp, one) in hashed {
        parts.push(part);
        stamps.push(stamp);
        ahead.extend(one);
    }
    let mut f = Fingerprinter::new();
    f.bytes(FORMAT)
        .bytes(crate::render::runbook::build_date().as_bytes())
        .bytes(&[u8::from(elsewhere)])
        .bytes(&(parts.len() as u64).to_le_bytes());
    for part in parts {
        f.fingerprint(part);
    }
    Some((f.finish(), stamps, ahead.into_iter().collect()))
}

/// The editor schemas `tejun build` keeps in the book (`.tejun/schema/`, `.taplo.toml`),
/// fingerprinted as they are now.
pub fn book_side(root: &Path) -> Option<[u8; 16]> {
    let mut listed = Vec::new();
    let schemas = PathBuf::from(crate::schema::DIR);
    if root.join(&schemas).is_dir() {
        list(root, &schemas, &mut listed)?;
    }
    let mut files: Vec<PathBuf> = listed.into_iter().map(|(rel, _)| rel).collect();
    files.push(PathBuf::from(crate::schema::TAPLO_CONFIG));
    files.sort();
    let mut f = Fingerprinter::new();
    for rel in &files {
        f.bytes(rel.as_os_str().as_encoded_bytes());
        if hash_plain(&root.join(rel), &mut f).is_none() {
            f.bytes(b"absent");
        }
    }
    Some(f.finish().to_bytes())
}

/// Adds the bytes of `path` to `f` when it is a plain file (through links), read in
/// pieces (a theme's fonts or a content folder's images are not held whole); `None` for
/// anything else, never opened (a reader of a pipe would wait for ever).
fn hash_plain(path: &Path, f: &mut Fingerprinter) -> Option<(u64, (i64, u32))> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    f.stream(meta.len(), &mut file).ok()?;
    Some(crate::output::cache::stamp(&meta))
}

/// The files under `root/folder`, by their paths from `root`; `None` when a folder cannot
/// be read or is too deep, when a folder is reached twice (a link back to a folder above
/// it: walking both of two such links would not end), or when a link leads out of
/// `folder` (the load refuses both, and a file outside may be anything, `/proc/kcore`
/// included). Each file comes with whether it is a plain file reached through no link.
fn list(root: &Path, folder: &Path, out: &mut Vec<(PathBuf, bool)>) -> Option<()> {
    let top = std::fs::canonicalize(root.join(folder)).ok()?;
    let mut seen = std::collections::HashSet::new();
    walk(root, folder, &top, 0, false, &mut seen, out)
}

fn walk(
    root: &Path,
    folder: &Path,
    top: &Path,
    depth: usize,
    linked: bool,
    seen: &mut std::collections::HashSet<PathBuf>,
    out: &mut Vec<(PathBuf, bool)>,
) -> Option<()> {
    let real = std::fs::canonicalize(root.join(folder)).ok()?;
    if depth > DEEPEST || !real.starts_with(top) || !seen.insert(real) {
        return None;
    }
    for entry in std::fs::read_dir(root.join(folder)).ok()? {
        let entry = entry.ok()?;
        let rel = folder.join(entry.file_name());
        let full = root.join(&rel);
        let kind = entry.file_type().ok()?;
        if kind.is_symlink() && !std::fs::canonicalize(&full).ok()?.starts_with(top) {
            return None;
        }
        // Followed as the loader follows links: what they point at is what is read. The
        // entry's own type says the rest without a look at the file (a book's thousands).
        let dir = if kind.is_symlink() {
            full.is_dir()
        } else {
            kind.is_dir()
        };
        let linked = linked || kind.is_symlink();
        if dir {
            walk(root, &rel, top, depth + 1, linked, seen, out)?;
        } else {
            out.push((rel, !linked));
        }
    }
    Some(())
}

/// The key of `prepared`'s record in the memo.
fn record_key(prepared: &Prepared) -> Fingerprint {
    let mut f = Fingerprinter::new();
    f.bytes(FORMAT).fingerprint(prepared.key);
    f.finish()
}

/// The previous build's record, and its warnings ready to be printed again, when it was
/// made from the same inputs and left everything as it is now (see the module's notes):
/// the build has nothing to do.
pub fn check(root: &Path, prepared: &Prepared, elsewhere: bool) -> Option<(Record, Replay)> {
    let out = &prepared.out_dir;
    let record = Record::decode(prepared.memo.as_ref()?.peek(record_key(prepared))?)?;
    let kept_schemas = if elsewhere { None } else { book_side(root) };
    if record.book_side != kept_schemas {
        return None;
    }
    if !crate::output::cache::intact(out) {
        return None;
    }
    // A search index beside the output is brought up to date by a build: it must be so.
    let index = crate::search::index::beside(out);
    let own = prepared.config.language;
    let languages = std::iter::once(own).chain(prepared.config.translations.iter().copied());
    for lang in languages {
        let dir = crate::search::index::in_language(&index, own, lang);
        if dir.exists() && !crate::search::index::is_fresh(root, &dir, lang).unwrap_or(false) {
            return None;
        }
    }
    let replay = Replay::of(root, &record.warnings)?;
    Some((record, replay))
}

/// Keeps `record` for the next build of `prepared` in `cache`'s memo.
pub fn remember(cache: &crate::output::BuildCache, prepared: &Prepared, record: &Record) {
    cache.remember(record_key(prepared), record.encode());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::test_book::TestBook;

    /// The procedure files the check reads whole, for the load to take, are the ones the
    /// load would read ahead itself (in chapters and groups; not `_`-named files, files of
    /// `_steps/`, files deeper down, or files reached through a link), with the text
    /// the load would read.
    #[test]
    fn the_check_reads_ahead_what_the_load_would() {
        let dir = TestBook::new();
        dir.write("content/01-ch/01-a.toml", "title = \"A\"\n")
            .write("content/01-ch/02-g/_group.toml", "title = \"G\"\n")
            .write("content/01-ch/02-g/01-b.toml", "\u{feff}title = \"B\"\n")
            .write("content/01-ch/02-g/deeper/01-c.toml", "title = \"C\"\n")
            .write("content/01-ch/_d.toml", "title = \"D\"\n")
            .write("content/_steps/e.toml", "title = \"E\"\n")
            .write("content/.hidden/01-f.toml", "title = \"F\"\n")
            .write("content/01-ch/notes.md", "not a procedure\n");
        let root = dir.root();
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            root.join("content/01-ch/01-a.toml"),
            root.join("content/01-ch/03-linked.toml"),
        )
        .expect("a link");
        let mut prepared = prepare(root, None).expect("a book to compare");
        let ahead = prepared.take_read_ahead().expect("files read ahead");
        let by_load = ReadAhead::paths_of_load(&root.join("content"));
        assert_eq!(ahead.paths(), by_load);
        assert_eq!(
            ahead.paths(),
            [
                root.join("content/01-ch/01-a.toml"),
                root.join("content/01-ch/02-g/01-b.toml")
            ]
        );
        // Loaded from what the check read, the book is the one loaded from the files.
        let memo = Memo::open(&prepared.out_dir, true);
        let (taken, _) = crate::resolve::load_book_remembering(root, &memo, Some(ahead))
            .unwrap_or_else(|_| panic!("the book loads"));
        let (read, _) = crate::resolve::load_book(root).unwrap_or_else(|_| panic!("loads"));
        let titles = |b: &crate::model::Book| -> Vec<String> {
            b.procedures().map(|p| p.title.to_string()).collect()
        };
        assert_eq!(titles(&taken), ["A", "B", "A"]);
        assert_eq!(titles(&taken), titles(&read));
        let texts = |b: &crate::model::Book| -> Vec<String> {
            (0..b.sources.len())
                .map(|f| b.sources.text(f).to_string())
                .collect()
        };
        assert_eq!(texts(&taken), texts(&read));
    }

    /// A build remembers that it is up to date only with its inputs as it hashed them: a
    /// file saved, added or removed while it ran (which it may have read either way)
    /// leaves no record, so the next build builds.
    #[test]
    fn inputs_changed_during_the_build_are_told() {
        let dir = TestBook::new();
        dir.write("content/01-ch/01-a.toml", "title = \"A\"\n");
        let root = dir.root();
        let prepared = || prepare(root, None).expect("a book to compare");
        assert!(prepared().unchanged(root), "nothing changed");

        let p = prepared();
        dir.write("content/01-ch/01-a.toml", "title = \"A, saved again\"\n");
        assert!(!p.unchanged(root), "a file saved");

        let p = prepared();
        let file = root.join("content/01-ch/01-a.toml");
        let later = std::fs::metadata(&file)
            .and_then(|m| m.modified())
            .expect("a time")
            + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .and_then(|f| f.set_modified(later))
            .expect("the time set");
        assert!(!p.unchanged(root), "the same size, written again");

        let p = prepared();
        dir.write("content/01-ch/02-b.toml", "title = \"B\"\n");
        assert!(!p.unchanged(root), "a file added");

        let p = prepared();
        std::fs::remove_file(root.join("content/01-ch/02-b.toml")).expect("removed");
        assert!(!p.unchanged(root), "a file removed");
        assert!(prepared().unchanged(root));
    }
}
