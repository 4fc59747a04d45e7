//! The walk over `content/` (chapters, groups, procedures, `_steps/`, `_refs.toml`,
//! `_book.toml`), and the one way a book file is read ([`read_text`]): a regular file only
//! (a FIFO would block the read forever, a device could be endless), at most
//! [`MAX_FILE_BYTES`], as UTF-8, each problem a diagnostic naming the file.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::raw::{RawChapter, RawFront, RawProblem, RawProcedure, RawRefs, RawStep};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceMap};
use crate::toml_source::toml_error;

/// Files above this size are refused: no procedure is that long, and reading one would
/// only slow every build down.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The reusable steps of `content/_steps/` by id (the file name), with their files.
pub type ReusableSteps = BTreeMap<String, (FileId, RawStep)>;

/// The known problems of `content/_problems/` by id (the file name), with their files.
pub type Problems = BTreeMap<String, (FileId, RawProblem)>;

/// Every content file read and parsed, in reading order, before ids and conditions are resolved.
pub struct Loaded {
    /// Front matter (`_book.toml`), if the book has it.
    pub front: Option<(FileId, RawFront)>,
    /// External references (`_refs.toml`), if the book has them.
    pub refs: Option<(FileId, RawRefs)>,
    /// Reusable steps (`_steps/`).
    pub steps: ReusableSteps,
    /// Known problems (`_problems/`).
    pub problems: Problems,
    /// The chapters in folder order.
    pub chapters: Vec<LoadedChapter>,
    /// Link targets of procedure files that are valid TOML but could not be read (an
    /// unknown key, a wrong type): their error is reported, and links to what they define
    /// are not reported again as dangling.
    pub unread_targets: std::collections::HashSet<String>,
}

/// A chapter folder, read.
pub struct LoadedChapter {
    /// Its `_chapter.toml` (or the folder, when it has none).
    pub file: FileId,
    /// Its id when `_chapter.toml` gives none: the folder name without `NN-`.
    pub default_id: String,
    /// Its `_chapter.toml`.
    pub raw: RawChapter,
    /// Its groups and procedures in name order.
    pub items: Vec<LoadedItem>,
}

/// What a chapter folder holds.
pub enum LoadedItem {
    /// A subfolder with `_group.toml`.
    Group {
        /// Its `_group.toml`.
        file: FileId,
        /// Its id when `_group.toml` gives none.
        default_id: String,
        /// Its `_group.toml`, read as a chapter's (the same keys).
        raw: RawChapter,
        /// Its procedures in name order.
        procedures: Vec<LoadedProcedure>,
    },
    /// A procedure file directly in the chapter.
    Procedure(LoadedProcedure),
}

/// A procedure file, read.
pub struct LoadedProcedure {
    /// The file.
    pub file: FileId,
    /// Its id when the file gives none: the file name without `NN-` and `.toml`.
    pub default_id: String,
    /// Its contents; `None` until [`parse_procedures`] has parsed it, and after that
    /// only when the caller took it as already resolved (the build memo) and left it
    /// unparsed.
    pub raw: Option<RawProcedure>,
}

/// `01-linux` → `linux`: the `NN-` ordering prefix is not part of the id.
fn default_id(name: &str) -> String {
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    match stem.split_once('-') {
        Some((n, rest))
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty() =>
        {
            rest.to_string()
        }
        _ => stem.to_string(),
    }
}

/// The link targets a procedure file would define (itself, its sections and steps), read
/// from its TOML as plain tables when it cannot be read as a procedure: one misspelt key
/// should cost one error, not a dangling-reference error at every link to the file.
fn salvage_targets(text: &str, default: &str, out: &mut std::collections::HashSet<String>) {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return;
    };
    let id_of = |t: &toml::Table| t.get("id").and_then(|v| v.as_str()).map(str::to_string);
    let proc_id = id_of(&table).unwrap_or_else(|| default.to_string());
    let tables = |t: &toml::Table, key: &str| -> Vec<toml::Table> {
        t.get(key)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_table().cloned()).collect())
            .unwrap_or_default()
    };
    out.insert(proc_id.clone());
    for section in tables(&table, "section") {
        let Some(sid) = id_of(&section) else {
            continue;
        };
        out.insert(format!("{proc_id}/{sid}"));
        let branch_steps = tables(&section, "branch")
            .into_iter()
            .flat_map(|b| tables(&b, "step"));
        for (n, step) in tables(&section, "step").into_iter().enumerate() {
            let id = id_of(&step).unwrap_or_else(|| format!("{sid}-{}", n + 1));
            out.insert(format!("{proc_id}/{id}"));
        }
        for step in branch_steps {
            if let Some(id) = id_of(&step) {
                out.insert(format!("{proc_id}/{id}"));
            }
        }
    }
}

struct Reader<'a> {
    root: &'a Path,
    sources: &'a mut SourceMap,
    diags: &'a mut Diagnostics,
    ahead: HashMap<PathBuf, Text>,
    /// See [`Loaded::unread_targets`].
    unread: std::collections::HashSet<String>,
}

/// What reading a file gave, before it is registered in the source map.
enum Text {
    Read(String),
    Failed(std::io::Error),
    TooBig(u64),
    /// The valid prefix, and where the first invalid byte is.
    NotUtf8 {
        prefix: String,
        valid: usize,
    },
    /// A FIFO, device, socket or folder where a file was expected: what it is.
    NotRegular(&'static str),
}

/// Reads a book file: only a regular file, at most [`MAX_FILE_BYTES`], as UTF-8.
fn read_text(path: &Path) -> Text {
    match read_checked(path) {
        Ok((_, bytes)) => text_of(bytes),
        Err(text) => text,
    }
}

/// The bytes of `path` when it is a regular file within the size limit, with its
/// metadata as judged before it was opened; otherwise what [`read_text`] says of it.
fn read_checked(path: &Path) -> Result<(fs::Metadata, Vec<u8>), Text> {
    // What would be opened (a symlink's target) is judged before it is opened: opening a
    // FIFO for reading waits for a writer forever, and opening a device can have effects.
    let meta = fs::metadata(path).map_err(Text::Failed)?;
    if let Some(kind) = irregular(&meta.file_type()) {
        return Err(Text::NotRegular(kind));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Text::TooBig(meta.len()));
    }
    let bytes = read_regular(path)?;
    Ok((meta, bytes))
}

/// A file's bytes taken as UTF-8.
fn text_of(bytes: Vec<u8>) -> Text {
    match String::from_utf8(bytes) {
        // A UTF-8 byte order mark is harmless; blank it so TOML accepts the file and byte
        // offsets stay those of the file on disk.
        Ok(text) => Text::Read(match text.strip_prefix('\u{feff}') {
            Some(rest) => format!("   {rest}"),
            None => text,
        }),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            Text::NotUtf8 {
                prefix: String::from_utf8_lossy(&bytes[..valid]).into_owned(),
                valid,
            }
        }
    }
}

/// Opens `path` without waiting (a FIFO swapped in since [`read_text`] looked would
/// otherwise block the open), judges what was really opened, and reads at most one byte
/// past the size limit.
fn read_regular(path: &Path) -> Result<Vec<u8>, Text> {
    use std::io::Read;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path).map_err(Text::Failed)?;
    let meta = file.metadata().map_err(Text::Failed)?;
    if let Some(kind) = irregular(&meta.file_type()) {
        return Err(Text::NotRegular(kind));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(Text::Failed)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Text::TooBig(bytes.len() as u64));
    }
    Ok(bytes)
}

/// What a file type is when it is not a regular file (`None` when it is).
fn irregular(t: &fs::FileType) -> Option<&'static str> {
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a file")
}

/// A content file's text as the loader reads it, or `None` when it cannot be read as one
/// (a full load then reports why).
pub(crate) fn read_plain(path: &Path) -> Option<String> {
    match read_text(path) {
        Text::Read(text) => Some(text),
        _ => None,
    }
}

/// Procedure files read before the load, by the one who read them for another reason:
/// the up-to-date check ([`crate::fresh`]) hashes every input file, and a procedure file
/// it read whole is taken from here instead of read again (at 5,000 procedures, 70 ms of
/// CPU in a rebuild), as the text it hashed.
/// The bytes are kept as read, taken as UTF-8 by the load on every core: a check that
/// finds the book up to date never needs them as text.
#[derive(Default)]
pub struct ReadAhead(HashMap<PathBuf, Vec<u8>>);

impl std::fmt::Debug for ReadAhead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ReadAhead({} files)", self.0.len())
    }
}

/// One procedure file read ahead ([`ReadAhead::read`]).
pub struct ReadOne(PathBuf, Vec<u8>);

impl FromIterator<ReadOne> for ReadAhead {
    fn from_iter<I: IntoIterator<Item = ReadOne>>(files: I) -> Self {
        ReadAhead(files.into_iter().map(|ReadOne(p, t)| (p, t)).collect())
    }
}

impl ReadAhead {
    /// Reads `path` as the load reads a book file ([`read_text`]), showing `seen` its
    /// metadata and bytes; `None` when it could not be read (the load reads it again and
    /// says why).
    pub fn read(path: PathBuf, seen: &mut dyn FnMut(&fs::Metadata, &[u8])) -> Option<ReadOne> {
        let (meta, bytes) = read_checked(&path).ok()?;
        seen(&meta, &bytes);
        Some(ReadOne(path, bytes))
    }

    /// Whether it holds no file.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The files it holds, in name order.
    #[cfg(test)]
    pub(crate) fn paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self.0.keys().cloned().collect();
        paths.sort();
        paths
    }

    /// What the load itself reads ahead of the `content` folder.
    #[cfg(test)]
    pub(crate) fn paths_of_load(content: &Path) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = read_ahead(content).into_keys().collect();
        paths.sort();
        paths
    }

    /// Whether a file under `content/` is one [`read_content`] reads ahead: a procedure
    /// file directly in a chapter folder or in a group folder of one (`rel` from the
    /// content folder), named and placed as [`read_ahead`] takes them. Whether it is a
    /// plain file, reached through no link, is for the caller to say.
    pub fn takes(rel: &Path) -> bool {
        let names: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        (2..=3).contains(&names.len())
            && names
                .iter()
                .all(|n| !n.starts_with('_') && !n.starts_with('.'))
            && is_toml(rel)
    }
}

/// Reads every procedure file of `content` on all cores. Procedures are nearly all of a
/// book's bytes; the walk that follows takes them from here in its own order, so file ids
/// and diagnostics come out as if read one by one. Only plain files are taken: symbolic
/// links are left to the walk, which checks where they lead.
fn read_ahead(content: &Path) -> HashMap<PathBuf, Text> {
    use rayon::prelude::*;
    fn plain_entries(dir: &Path) -> Vec<(PathBuf, fs::FileType)> {
        fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .filter_map(|e| e.file_type().ok().map(|t| (e.path(), t)))
                    .collect()
            })
            .unwrap_or_default()
    }
    // Plain folders two deep (a chapter, a group), each plain file taken as the
    // up-to-date check takes them ([`ReadAhead::takes`]).
    fn walk(dir: &Path, rel: &Path, depth: usize, files: &mut Vec<PathBuf>) {
        for (path, t) in plain_entries(dir) {
            let rel = rel.join(path.file_name().unwrap_or_default());
            let name = name_of(&path);
            if t.is_dir() && depth < 2 && !name.starts_with('_') && !name.starts_with('.') {
                walk(&path, &rel, depth + 1, files);
            } else if t.is_file() && ReadAhead::takes(&rel) {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(content, Path::new(""), 0, &mut files);
    files
        .into_par_iter()
        .map(|path| {
            let text = read_text(&path);
            (path, text)
        })
        .collect()
}

/// Reads a book file (`display` is its path as the writer sees it) into the source map;
/// I/O, type, size and encoding problems become diagnostics.
pub(crate) fn read_source(
    path: &Path,
    display: String,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<FileId> {
    register(path, display, read_text(path), sources, diags)
}

fn register(
    path: &Path,
    display: String,
    text: Text,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<FileId> {
    match text {
        Text::Read(text) => Some(sources.add(path.to_path_buf(), display, text)),
        Text::Failed(e) => {
            diags.push(Diagnostic::global(format!("{display}: cannot read: {e}")));
            None
        }
        Text::TooBig(len) => {
            diags.push(
                Diagnostic::global(format!(
                    "{display}: file is {len} bytes; book files are limited to {MAX_FILE_BYTES} bytes"
                ))
                .with_hint("split it into several procedures"),
            );
            None
        }
        Text::NotUtf8 { prefix, valid } => {
            let id = sources.add(path.to_path_buf(), display, prefix);
            diags.push(
                Diagnostic::error(id, valid..valid, "file is not valid UTF-8")
                    .with_hint("save the file as UTF-8"),
            );
            None
        }
        Text::NotRegular(kind) => {
            diags.push(
                Diagnostic::global(format!("{display}: not a regular file ({kind})"))
                    .with_hint("a book is read from regular files only; put a file here"),
            );
            None
        }
    }
}

impl Reader<'_> {
    fn display(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// Reads a file into the source map; I/O and encoding problems become diagnostics.
    fn read(&mut self, path: &Path) -> Option<FileId> {
        let text = read_text(path);
        self.register(path, text)
    }

    fn register(&mut self, path: &Path, text: Text) -> Option<FileId> {
        let display = self.display(path);
        register(path, display, text, self.sources, self.diags)
    }

    /// A procedure file, read ahead by [`read_ahead`] when it could be; parsed later
    /// ([`parse_procedures`]).
    fn procedure(&mut self, path: &Path) -> Option<LoadedProcedure> {
        let file = match self.ahead.remove(path) {
            Some(text) => self.register(path, text),
            None => self.read(path),
        }?;
        Some(LoadedProcedure {
            file,
            default_id: default_id(&name_of(path)),
            raw: None,
        })
    }

    fn parse<T: DeserializeOwned>(&mut self, path: &Path) -> Option<(FileId, T)> {
        let file = self.read(path)?;
        match toml::from_str::<T>(self.sources.text(file)) {
            Ok(v) => Some((file, v)),
            Err(e) => {
                self.diags
                    .push(toml_error(file, self.sources.text(file), &e));
                None
            }
        }
    }

    /// The entries of `dir` in name order, links that may not be followed left out, each
    /// with whether it is a folder (through a link, where the entry tells where it leads).
    fn entries(&mut self, dir: &Path) -> Vec<(PathBuf, bool)> {
        // The listing says which entries are links and folders: the others need no look
        // of their own (a book's thousands of files).
        let mut v: Vec<(PathBuf, Option<bool>)> = match fs::read_dir(dir) {
            Ok(rd) => rd
                .filter_map(|e| {
                    let e = e.ok()?;
                    let plain = e.file_type().ok().filter(|t| !t.is_symlink());
                    Some((e.path(), plain.map(|t| t.is_dir())))
                })
                .collect(),
            Err(e) => {
                let display = self.display(dir);
                self.diags.push(Diagnostic::global(format!(
                    "{display}: cannot list folder: {e}"
                )));
                return Vec::new();
            }
        };
        v.sort();
        v.retain(|(p, dir)| dir.is_some() || self.safe_link(p));
        v.into_iter()
            .map(|(p, dir)| {
                let dir = dir.unwrap_or_else(|| p.is_dir());
                (p, dir)
            })
            .collect()
    }

    /// Symlinks are followed only when they stay inside the book and do not loop back to
    /// a folder above them: a book must never read (or publish) files from elsewhere.
    fn safe_link(&mut self, path: &Path) -> bool {
        let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            return true;
        }
        let display = self.display(path);
        let (Ok(target), Ok(root)) = (fs::canonicalize(path), fs::canonicalize(self.root)) else {
            self.diags.push(Diagnostic::global(format!(
                "{display}: broken symlink (or a symlink loop)"
            )));
            return false;
        };
        if !target.starts_with(&root) {
            self.diags.push(
                Diagnostic::global(format!(
                    "{display}: symlink points outside the book, to {}",
                    target.display()
                ))
                .with_hint("copy the file into the book instead"),
            );
            return false;
        }
        let parent = path.parent().and_then(|p| fs::canonicalize(p).ok());
        if target.is_dir() && parent.is_some_and(|p| p.starts_with(&target)) {
            self.diags.push(Diagnostic::global(format!(
                "{display}: symlink loop (it points to a folder that contains it)"
            )));
            return false;
        }
        true
    }
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn is_toml(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "toml")
}

/// Parses, on all cores, the procedure files [`read_content`] read, except those `skip`
/// names (left with no `raw`). A file that is not a procedure is reported and left out
/// of its chapter, the targets it would define kept in [`Loaded::unread_targets`].
pub fn parse_procedures(
    loaded: &mut Loaded,
    sources: &SourceMap,
    diags: &mut Diagnostics,
    skip: &(dyn Fn(FileId) -> bool + Sync),
) {
    use rayon::prelude::*;
    let mut all: Vec<&mut LoadedProcedure> = Vec::new();
    for ch in &mut loaded.chapters {
        for item in &mut ch.items {
            match item {
                LoadedItem::Procedure(p) => all.push(p),
                LoadedItem::Group { procedures, .. } => all.extend(procedures.iter_mut()),
            }
        }
    }
    let failed: Vec<(FileId, toml::de::Error, String)> = all
        .par_iter_mut()
        .filter(|p| p.raw.is_none() && !skip(p.file))
        .filter_map(
            |p| match toml::from_str::<RawProcedure>(sources.text(p.file)) {
                Ok(raw) => {
                    p.raw = Some(raw);
                    None
                }
                Err(e) => Some((p.file, e, p.default_id.clone())),
            },
        )
        .collect();
    if failed.is_empty() {
        return;
    }
    for (file, e, default) in &failed {
        diags.push(toml_error(*file, sources.text(*file), e));
        salvage_targets(sources.text(*file), default, &mut loaded.unread_targets);
    }
    let bad: std::collections::HashSet<FileId> = failed.iter().map(|f| f.0).collect();
    for ch in &mut loaded.chapters {
        ch.items.retain_mut(|item| match item {
            LoadedItem::Procedure(p) => !bad.contains(&p.file),
            LoadedItem::Group { procedures, .. } => {
                procedures.retain(|p| !bad.contains(&p.file));
                true
            }
        });
    }
}

/// Reads `content/` under `root`, parsing every file but the procedures
/// ([`parse_procedures`] does those). Problems are collected; what could be read is
/// returned.
pub fn read_content(root: &Path, sources: &mut SourceMap, diags: &mut Diagnostics) -> Loaded {
    read_content_with(root, sources, diags, None)
}

/// [`read_content`], taking the procedure files `ahead` holds from there (a file it does
/// not hold is read); `None`: every procedure file is read ahead here.
pub fn read_content_with(
    root: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    ahead: Option<ReadAhead>,
) -> Loaded {
    let content = root.join("content");
    let mut r = Reader {
        root,
        sources,
        diags,
        ahead: HashMap::new(),
        unread: Default::default(),
    };
    let mut loaded = Loaded {
        front: None,
        refs: None,
        steps: BTreeMap::new(),
        problems: BTreeMap::new(),
        chapters: Vec::new(),
        unread_targets: Default::default(),
    };
    if !content.is_dir() {
        let why = if content.exists() {
            "`content` is a file, not a folder"
        } else {
            "there is no `content` folder"
        };
        r.diags.push(
            Diagnostic::global(format!("{}: {why}", r.display(&content))).with_hint(
                "a book is book.toml plus a content/ folder of chapters; `tejun init` makes one",
            ),
        );
        return loaded;
    }
    r.ahead = match ahead {
        Some(ahead) => {
            use rayon::prelude::*;
            ahead
                .0
                .into_par_iter()
                .map(|(path, bytes)| (path, text_of(bytes)))
                .collect()
        }
        None => read_ahead(&content),
    };
    for (path, is_dir) in r.entries(&content) {
        let name = name_of(&path);
        if name.starts_with('.') {
            continue;
        }
        if is_dir {
            if name == "_steps" {
                loaded.steps = load_reusable_steps(&mut r, &path);
            } else if name == "_problems" {
                loaded.problems = load_problems(&mut r, &path);
            } else if !name.starts_with('_') {
                if let Some(ch) = load_chapter(&mut r, &path) {
                    loaded.chapters.push(ch);
                }
            }
        } else if name == "_book.toml" {
            loaded.front = r.parse(&path);
        } else if name == "_refs.toml" {
            loaded.refs = r.parse(&path);
        } else if is_toml(&path) {
            let display = r.display(&path);
            r.diags.push(
                Diagnostic::global(format!(
                    "{display}: a procedure must be inside a chapter folder"
                ))
                .with_hint(
                    "move it into a folder such as content/01-chapter/ with a _chapter.toml",
                ),
            );
        }
    }
    loaded.unread_targets = std::mem::take(&mut r.unread);
    if loaded.chapters.is_empty() && !r.diags.has_errors() {
        r.diags.push(
            Diagnostic::global("content/: the book has no chapters").with_hint(
                "create content/01-name/_chapter.toml with a title, and procedures beside it",
            ),
        );
    }
    loaded
}

/// `content/_steps/`: each file a reusable step, its id the file name.
fn load_reusable_steps(r: &mut Reader, dir: &Path) -> ReusableSteps {
    let mut steps = ReusableSteps::new();
    for (path, _) in r.entries(dir).iter().filter(|(p, _)| is_toml(p)) {
        if let Some((f, raw)) = r.parse::<RawStep>(path) {
            let id = name_of(path).trim_end_matches(".toml").to_string();
            steps.insert(id, (f, raw));
        }
    }
    steps
}

/// `content/_problems/`: each file a known problem, its id the file name.
fn load_problems(r: &mut Reader, dir: &Path) -> Problems {
    let mut problems = Problems::new();
    for (path, _) in r.entries(dir).iter().filter(|(p, _)| is_toml(p)) {
        let id = name_of(path).trim_end_matches(".toml").to_string();
        match r.parse::<RawProblem>(path) {
            Some((f, raw)) => {
                problems.insert(id, (f, raw));
            }
            // Its error is reported at its file; steps that name it are not wrong too.
            None => {
                r.unread.insert(crate::model::problem_page(&id));
            }
        }
    }
    problems
}

fn load_chapter(r: &mut Reader, dir: &Path) -> Option<LoadedChapter> {
    let meta = dir.join("_chapter.toml");
    // Anything by that name is read (and refused there when it is not a regular file).
    if fs::symlink_metadata(&meta).is_err() {
        let display = r.display(dir);
        r.diags.push(
            Diagnostic::global(format!("{display}/: chapter folder without _chapter.toml"))
                .with_hint("add _chapter.toml with at least `title = \"…\"`"),
        );
        return None;
    }
    let (file, raw) = r.parse::<RawChapter>(&meta)?;
    let mut items = Vec::new();
    for (path, is_dir) in r.entries(dir) {
        let name = name_of(&path);
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        if is_dir {
            items.extend(load_group(r, &path));
        } else if is_toml(&path) {
            items.extend(r.procedure(&path).map(LoadedItem::Procedure));
        }
    }
    Some(LoadedChapter {
        file,
        default_id: default_id(&name_of(dir)),
        raw,
        items,
    })
}

/// A group folder: its `_group.toml` and the procedure files beside it.
fn load_group(r: &mut Reader, dir: &Path) -> Option<LoadedItem> {
    let meta = dir.join("_group.toml");
    if fs::symlink_metadata(&meta).is_err() {
        let display = r.display(dir);
        r.diags.push(
            Diagnostic::global(format!("{display}/: group folder without _group.toml"))
                .with_hint("add _group.toml with at least `title = \"…\"`"),
        );
        return None;
    }
    let (file, raw) = r.parse::<RawChapter>(&meta)?;
    let mut procedures = Vec::new();
    for (p, is_dir) in r.entries(dir) {
        let name = name_of(&p);
        if is_toml(&p) && !name.starts_with('_') && !is_dir {
            procedures.extend(r.procedure(&p));
        }
    }
    Some(LoadedItem::Group {
        file,
        default_id: default_id(&name_of(dir)),
        raw,
        procedures,
    })
}

#[cfg(test)]
mod tests {
    use super::default_id;

    #[test]
    fn ordering_prefix_is_not_part_of_the_id() {
        assert_eq!(default_id("01-linux"), "linux");
        assert_eq!(default_id("02-upgrade-patch.toml"), "upgrade-patch");
        assert_eq!(default_id("intro.toml"), "intro");
        assert_eq!(default_id("v2-notes"), "v2-notes");
    }
}
