//! The build cache: what the previous `tejun build` made each output file from, so the next
//! one puts an unchanged file in place (a hard link into the staging folder, a copy where
//! links are refused) instead of rendering and writing it again.
//!
//! A file's key ([`Fingerprint`]) is a hash of exactly what it is made from: for a page,
//! the theme's files, the template's name and the data handed to the template; for a file
//! that is bytes already (an asset, an offline index shard), the bytes. Equal keys mean
//! equal files, so a rebuild is byte for byte a clean build.
//!
//! The cache lives beside the output folder, not in it (`.<out>.tejun-cache`, for the
//! default `book/` output `.book.tejun-cache`), so a published site carries no list of its
//! files and their keys. It is written once the new site is in place, and is never
//! trusted blindly: a manifest that does not end with its own checksum, comes from another
//! tejun version or names a path outside the site is ignored whole, and a previous file is
//! reused only while it is still the regular file the manifest recorded (same size, same
//! modification time), so a file someone changed in the output is rendered again.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context as _, Result};
use xxhash_rust::xxh3::Xxh3;

use super::check_relative;
use super::memo::Memo;

/// The folder an older tejun kept its cache in, inside the output: a manifest path
/// under it is not trusted.
const CACHE_DIR: &str = ".tejun-cache";

/// Where the cache of the output folder `out` lives: beside it, named for it.
pub fn manifest_path(out: &Path) -> PathBuf {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into());
    parent.join(format!(".{name}.tejun-cache"))
}

/// Whether `path` is absent or a manifest tejun wrote (whole or not): the only files
/// [`BuildCache::write`] may replace and [`forget`] may remove.
pub fn replaceable(path: &Path) -> bool {
    starts_with(path, b"tejun build cache ")
}

/// The manifest beside the output `out`, when there is a whole one.
fn read_manifest(out: &Path) -> Option<Previous> {
    let bytes = read_plain(&manifest_path(out))?;
    parse(std::str::from_utf8(&bytes).ok()?)
}

/// The bytes of `path` when it is a plain file: a pipe put in its place is never opened
/// (reading one waits for a writer that never comes).
pub(super) fn read_plain(path: &Path) -> Option<Vec<u8>> {
    if !std::fs::symlink_metadata(path).ok()?.file_type().is_file() {
        return None;
    }
    std::fs::read(path).ok()
}

/// Whether `path` is absent, or a regular file that starts with `magic`.
pub(super) fn starts_with(path: &Path, magic: &[u8]) -> bool {
    match std::fs::symlink_metadata(path) {
        Err(_) => true,
        Ok(m) if !m.file_type().is_file() => false,
        Ok(_) => {
            let mut head = vec![0u8; magic.len()];
            let n = std::fs::File::open(path)
                .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
                .unwrap_or(0);
            head[..n] == *magic
        }
    }
}

/// Removes the cache of the output `out` (`--no-cache`: the next build renders
/// everything), when it is tejun's.
pub fn forget(out: &Path) {
    let path = manifest_path(out);
    if path.is_file() && replaceable(&path) {
        let _ = std::fs::remove_file(path);
    }
    super::memo::forget(out);
}

/// Whether the output folder `out` holds exactly what the previous build's manifest says it
/// wrote, each file still as written (same size, same modification time), with the site's
/// marker and nothing else: a file someone removed, changed or added makes it not so. A
/// link or anything but a plain file or folder, or a tree deeper than a site's, makes it
/// not so too.
pub fn intact(out: &Path) -> bool {
    let Some(previous) = read_manifest(out) else {
        return false;
    };
    let mut seen = 0;
    let marker = super::owned::SITE_MARKER;
    let mut marked = false;
    let mut check = |rel: &str, meta: &std::fs::Metadata| -> bool {
        if rel == marker {
            marked = true;
            return true;
        }
        seen += 1;
        previous
            .files
            .get(rel)
            .is_some_and(|e| stamp(meta) == (e.size, e.mtime))
    };
    walk_files(out, "", 0, &mut check) && marked && seen == previous.files.len()
}

/// Hands every plain file under `dir` to `check` by its `/`-separated path from the top,
/// while `check` accepts it; false at the first it refuses, at anything but files and
/// folders, at an unreadable folder, and past a depth no site reaches.
fn walk_files(
    dir: &Path,
    prefix: &str,
    depth: usize,
    check: &mut dyn FnMut(&str, &std::fs::Metadata) -> bool,
) -> bool {
    const DEEPEST: usize = 32;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    for entry in entries {
        let Ok(entry) = entry else { return false };
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            return false;
        };
        let Ok(meta) = entry.metadata() else {
            return false;
        };
        let rel = format!("{prefix}{name}");
        let ok = if meta.file_type().is_file() {
            check(&rel, &meta)
        } else if meta.file_type().is_dir() && depth < DEEPEST {
            walk_files(&entry.path(), &format!("{rel}/"), depth + 1, check)
        } else {
            false
        };
        if !ok {
            return false;
        }
    }
    true
}

/// The manifest's first line: format, then the tejun version that wrote it.
fn header() -> String {
    format!("tejun build cache 3 {}", env!("CARGO_PKG_VERSION"))
}

/// A 128-bit hash of what a file is made from. XXH3-128 with a fixed seed: a fixed
/// algorithm (std's hasher may change between Rust releases), fast on the many small
/// parts a key is fed (a rebuild hashes the book's link targets once per runbook), and
/// wide enough that two different inputs never meet in practice. A key guards against
/// change, not against an adversary: whoever can write the cache can write the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(u128);

impl Fingerprint {
    /// The fingerprint of `bytes` alone.
    pub fn of(bytes: &[u8]) -> Fingerprint {
        let mut f = Fingerprinter::new();
        f.bytes(bytes);
        f.finish()
    }

    /// Its 16 bytes, little-endian.
    pub fn to_bytes(self) -> [u8; 16] {
        self.0.to_le_bytes()
    }

    /// The fingerprint of [`Fingerprint::to_bytes`].
    pub fn from_bytes(bytes: [u8; 16]) -> Fingerprint {
        Fingerprint(u128::from_le_bytes(bytes))
    }

    fn hex(self) -> String {
        self.to_string()
    }

    fn parse(hex: &str) -> Option<Fingerprint> {
        (hex.len() == 32)
            .then(|| u128::from_str_radix(hex, 16).ok())
            .flatten()
            .map(Fingerprint)
    }
}

impl std::fmt::Display for Fingerprint {
    /// 32 hexadecimal digits.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

/// The running tejun: its version, and its executable's size, modification time and
/// inode. A build of tejun from changed sources keeps the version and renders otherwise,
/// so a cache or memo made by another executable must not match (what the executable is
/// made of would be surer, but reading it costs every command a read of megabytes).
pub fn this_tejun() -> &'static [u8] {
    static ID: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let mut id = env!("CARGO_PKG_VERSION").as_bytes().to_vec();
        if let Some(meta) = std::env::current_exe()
            .ok()
            .and_then(|exe| std::fs::metadata(exe).ok())
        {
            let (size, (secs, nanos)) = stamp(&meta);
            id.extend_from_slice(&size.to_le_bytes());
            id.extend_from_slice(&secs.to_le_bytes());
            id.extend_from_slice(&nanos.to_le_bytes());
            #[cfg(unix)]
            id.extend_from_slice(&std::os::unix::fs::MetadataExt::ino(&meta).to_le_bytes());
        }
        id
    })
}

/// Builds a [`Fingerprint`] from several parts; each part is length-prefixed, so `("ab",
/// "c")` and `("a", "bc")` differ. It is an `io::Write`, so a value can be serialised
/// straight into it.
pub struct Fingerprinter(Xxh3);

impl Default for Fingerprinter {
    fn default() -> Self {
        Self::new()
    }
}

impl Fingerprinter {
    /// An empty fingerprint, already holding which tejun this is ([`this_tejun`]): another
    /// tejun may render the same data differently.
    pub fn new() -> Fingerprinter {
        let mut f = Fingerprinter(Xxh3::with_seed(0x7465_6a75_6e5f_6361));
        f.bytes(this_tejun());
        f
    }

    /// Adds one part.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds the `len` bytes `r` yields as one part (as [`Fingerprinter::bytes`] would),
    /// read in pieces: a file is hashed without being held whole. An error, or a reader
    /// that yields another length, is an error.
    pub fn stream(&mut self, len: u64, r: &mut dyn std::io::Read) -> std::io::Result<&mut Self> {
        self.0.update(&len.to_le_bytes());
        let mut buf = [0u8; 1 << 16];
        let mut seen = 0u64;
        loop {
            let n = match r.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            self.0.update(&buf[..n]);
            seen += n as u64;
        }
        if seen != len {
            return Err(std::io::Error::other("the file changed while it was read"));
        }
        Ok(self)
    }

    /// Adds another fingerprint.
    pub fn fingerprint(&mut self, f: Fingerprint) -> &mut Self {
        self.bytes(&f.0.to_le_bytes())
    }

    /// Adds `value` as JSON (serde_json writes a value the same way every time).
    pub fn json(&mut self, value: &serde_json::Value) -> &mut Self {
        let mut w = Streamed(&mut self.0);
        // Writing into a hasher cannot fail.
        let _ = serde_json::to_writer(&mut w, value);
        self.0.update(&[0xff]);
        self
    }

    /// Adds `value` as its `Debug` text, which prints every field of a value in the same
    /// order each time (a hash map's order aside: hash those key by key).
    pub fn debug(&mut self, value: &impl std::fmt::Debug) -> &mut Self {
        let mut w = Streamed(&mut self.0);
        // Writing into a hasher cannot fail.
        let _ = std::fmt::Write::write_fmt(&mut w, format_args!("{value:?}"));
        self.0.update(&[0xff]);
        self
    }

    /// The fingerprint.
    pub fn finish(&self) -> Fingerprint {
        Fingerprint(self.0.digest128())
    }
}

/// A hasher as an `io::Write`, for serialising into it.
struct Streamed<'a>(&'a mut Xxh3);

impl std::fmt::Write for Streamed<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

impl std::io::Write for Streamed<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A piece of a file the manifest records: the whole-book files (the print page, each
/// runbook) are their procedures' fragments one after another between the template's own
/// text, so a rebuild copies an unchanged procedure's bytes out of the previous file
/// instead of rendering it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment {
    /// What it was made from.
    pub key: Fingerprint,
    /// Where in its file it starts.
    pub offset: u64,
    /// How many bytes it is.
    pub len: u64,
}

/// Where a fragment of the previous build lies, to be copied from there: its file, and
/// its bytes' place in it ([`Lent::read`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lent {
    /// The previous build's file that holds it.
    pub file: PathBuf,
    /// Where in that file it starts.
    pub offset: u64,
    /// How many bytes it is.
    pub len: u64,
}

impl Lent {
    /// Reads the fragment out of `file` (its own file, opened once for all its fragments)
    /// into `buf`; false when it cannot be read whole.
    pub fn read(&self, file: &std::fs::File, buf: &mut Vec<u8>) -> bool {
        use std::os::unix::fs::FileExt as _;
        let Ok(len) = usize::try_from(self.len) else {
            return false;
        };
        buf.clear();
        buf.resize(len, 0);
        file.read_exact_at(buf, self.offset).is_ok()
    }
}

/// What a previous build's manifest says: each file, and the fragments inside some.
#[derive(Debug, Default)]
struct Previous {
    files: HashMap<String, Entry>,
    fragments: HashMap<String, Vec<Fragment>>,
    /// Each fragment's file and place, by key.
    by_key: HashMap<Fingerprint, (String, Fragment)>,
}

/// A file as the manifest records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    key: Fingerprint,
    /// Its size and modification time when it was written: a file changed since is not the
    /// one the key describes.
    size: u64,
    mtime: (i64, u32),
}

/// The cache of one build: what the previous build left (if anything trustworthy) and what
/// this one made.
#[derive(Debug)]
pub struct BuildCache {
    /// The previous output folder.
    previous_dir: PathBuf,
    previous: Previous,
    made: Mutex<Vec<(String, Entry)>>,
    /// The fragments of the files this build wrote or kept, by file.
    made_fragments: Mutex<Vec<(String, Vec<Fragment>)>>,
    /// Files put in place from the previous build, for the report.
    reused: std::sync::atomic::AtomicUsize,
    /// Whether each previous file that lends fragments is still as written, looked at
    /// once: a whole-book file lends thousands, and a look is a `statx` of its path.
    lenders: Mutex<HashMap<String, bool>>,
    /// What the build derived on the way to its files ([`Memo`]).
    memo: Memo,
}

impl BuildCache {
    /// The cache of a build replacing the output folder `out`: the manifest there when it
    /// is whole and this tejun's, nothing otherwise.
    pub fn open(out: &Path) -> BuildCache {
        let previous = read_manifest(out).unwrap_or_default();
        BuildCache {
            previous_dir: out.to_path_buf(),
            previous,
            made: Mutex::new(Vec::new()),
            made_fragments: Mutex::new(Vec::new()),
            reused: 0.into(),
            lenders: Mutex::default(),
            memo: Memo::open(out, false),
        }
    }

    /// A cache that remembers nothing of a previous build (`tejun build --no-cache`): every
    /// file is made afresh, and recorded for the next build.
    pub fn empty(out: &Path) -> BuildCache {
        BuildCache {
            previous_dir: out.to_path_buf(),
            previous: Previous::default(),
            made: Mutex::new(Vec::new()),
            made_fragments: Mutex::new(Vec::new()),
            reused: 0.into(),
            lenders: Mutex::default(),
            memo: Memo::open(out, true),
        }
    }

    /// Takes `memo` as the previous build's, already opened beside the same output (the
    /// up-to-date check read it), instead of reading it again.
    pub fn use_memo(&mut self, memo: Memo) {
        self.memo = memo;
    }

    /// What the previous build stored under `key` ([`Memo::recall`]).
    pub fn recall(&self, key: Fingerprint) -> Option<&[u8]> {
        self.memo.recall(key)
    }

    /// What the previous build stored under `key`, not kept ([`Memo::peek`]).
    pub fn peek(&self, key: Fingerprint) -> Option<&[u8]> {
        self.memo.peek(key)
    }

    /// Stores `bytes` under `key` for the next build ([`Memo::remember`]).
    pub fn remember(&self, key: Fingerprint, bytes: Vec<u8>) {
        self.memo.remember(key, bytes);
    }

    /// How many files were put in place from the previous build.
    pub fn reused(&self) -> usize {
        self.reused.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Puts the previous build's `path` at `dest` when that build made it from `key` and it
    /// is still the file it wrote; returns whether it did.
    pub(super) fn reuse(&self, path: &str, key: Fingerprint, dest: &Path) -> Result<bool> {
        let Some(entry) = self.previous.files.get(path).filter(|e| e.key == key) else {
            return Ok(false);
        };
        if !self.unchanged(path) {
            return Ok(false);
        }
        let old = self.previous_dir.join(path);
        if std::fs::hard_link(&old, dest).is_ok() {
            // The same inode, so the size and time just checked.
            self.made
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((path.to_string(), *entry));
        } else {
            // A file system without hard links: a copy is still cheaper than rendering.
            let _ = std::fs::remove_file(dest);
            if std::fs::copy(&old, dest).is_err() {
                return Ok(false);
            }
            self.record(path, key, dest)?;
        }
        if let Some(fragments) = self.previous.fragments.get(path) {
            // The same bytes, so the same fragments in the same places.
            self.record_fragments(path, fragments.clone());
        }
        self.reused
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(true)
    }

    /// Whether the previous build's `path` is still the regular file it wrote (same size,
    /// same modification time): a file changed since is not what its key describes.
    fn unchanged(&self, path: &str) -> bool {
        let Some(entry) = self.previous.files.get(path) else {
            return false;
        };
        std::fs::symlink_metadata(self.previous_dir.join(path))
            .is_ok_and(|m| m.file_type().is_file() && stamp(&m) == (entry.size, entry.mtime))
    }

    /// Where the fragment the previous build made from `key` lies, while the file that
    /// holds it is still as written.
    pub(super) fn fragment(&self, key: Fingerprint) -> Option<Lent> {
        let (path, f) = self.previous.by_key.get(&key)?;
        let known = self
            .lenders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(path)
            .copied();
        let unchanged = known.unwrap_or_else(|| {
            let now = self.unchanged(path);
            self.lenders
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(path.clone(), now);
            now
        });
        if !unchanged {
            return None;
        }
        Some(Lent {
            file: self.previous_dir.join(path),
            offset: f.offset,
            len: f.len,
        })
    }

    /// Whether the previous build recorded any fragment.
    pub(super) fn lends_fragments(&self) -> bool {
        !self.previous.by_key.is_empty()
    }

    /// Records where `path`, written or kept by this build, holds its fragments.
    pub(super) fn record_fragments(&self, path: &str, fragments: Vec<Fragment>) {
        self.made_fragments
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((path.to_string(), fragments));
    }

    /// Records that `path`, now at `dest`, was made from `key`.
    pub(super) fn record(&self, path: &str, key: Fingerprint, dest: &Path) -> Result<()> {
        let meta = std::fs::symlink_metadata(dest)
            .with_context(|| format!("failed to inspect `{}`", dest.display()))?;
        let (size, mtime) = stamp(&meta);
        self.made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((path.to_string(), Entry { key, size, mtime }));
        Ok(())
    }

    /// Writes the manifest of what this build made, and the build memo, beside the output
    /// folder `out`, now in place; refuses to replace a file there that is not tejun's.
    pub(super) fn write(&self, out: &Path) -> Result<()> {
        // The memo (tens of megabytes in a large book) is written beside the manifest: both
        // are the last work of a build.
        std::thread::scope(|s| {
            let memo = s.spawn(|| self.memo.write(out));
            let manifest = self.write_manifest(out);
            let memo = memo
                .join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("writing the build memo failed")));
            manifest.and(memo)
        })
    }

    /// The manifest of what this build made, beside `out`; refuses to replace a file there
    /// that is not tejun's manifest.
    fn write_manifest(&self, out: &Path) -> Result<()> {
        let mut made = std::mem::take(
            &mut *self
                .made
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        made.sort_by(|a, b| a.0.cmp(&b.0));
        let mut text = header();
        text.push('\n');
        for (path, e) in &made {
            let _ = writeln!(
                text,
                "{} {} {} {} {path}",
                e.key.hex(),
                e.size,
                e.mtime.0,
                e.mtime.1
            );
        }
        let mut fragments = std::mem::take(
            &mut *self
                .made_fragments
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        fragments.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, list) in &fragments {
            for f in list {
                let _ = writeln!(text, "+ {} {} {} {path}", f.key.hex(), f.offset, f.len);
            }
        }
        let sum = Fingerprint::of(text.as_bytes());
        let _ = writeln!(text, "end {}", sum.hex());
        let path = manifest_path(out);
        if !replaceable(&path) {
            anyhow::bail!(
                "`{}` is not tejun's build cache: move it away, or build with --no-cache",
                path.display()
            );
        }
        super::write_atomic(&path, text.as_bytes())
    }
}

/// A file's size and modification time.
pub(crate) fn stamp(meta: &std::fs::Metadata) -> (u64, (i64, u32)) {
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or((-1, 0), |d| {
            (i64::try_from(d.as_secs()).unwrap_or(-1), d.subsec_nanos())
        });
    (meta.len(), mtime)
}

/// The entries of a manifest, or `None` when any line is not as [`BuildCache::write`]
/// writes it: a cache that is not whole is not trusted at all.
fn parse(text: &str) -> Option<Previous> {
    let body_end = text.trim_end_matches('\n').rfind('\n')? + 1;
    let (body, last) = text.split_at(body_end);
    let sum = Fingerprint::parse(last.strip_prefix("end ")?.strip_suffix('\n')?)?;
    if Fingerprint::of(body.as_bytes()) != sum {
        return None;
    }
    let mut lines = body.lines();
    if lines.next()? != header() {
        return None;
    }
    let mut entries = HashMap::new();
    let mut fragments: HashMap<String, Vec<Fragment>> = HashMap::new();
    for line in lines {
        if let Some(rest) = line.strip_prefix("+ ") {
            let mut f = rest.splitn(4, ' ');
            let fragment = Fragment {
                key: Fingerprint::parse(f.next()?)?,
                offset: f.next()?.parse().ok()?,
                len: f.next()?.parse().ok()?,
            };
            let path = f.next()?;
            let whole = entries.get(path).map(|e: &Entry| e.size)?;
            if fragment.offset.checked_add(fragment.len)? > whole {
                return None;
            }
            fragments
                .entry(path.to_string())
                .or_default()
                .push(fragment);
            continue;
        }
        let mut f = line.splitn(5, ' ');
        let key = Fingerprint::parse(f.next()?)?;
        let size = f.next()?.parse().ok()?;
        let secs = f.next()?.parse().ok()?;
        let nanos = f.next()?.parse().ok()?;
        let path = f.next()?;
        check_relative(path).ok()?;
        if path.starts_with(CACHE_DIR) {
            return None;
        }
        let entry = Entry {
            key,
            size,
            mtime: (secs, nanos),
        };
        entries.insert(path.to_string(), entry);
    }
    let by_key = fragments
        .iter()
        .flat_map(|(path, list)| list.iter().map(move |f| (f.key, (path.clone(), *f))))
        .collect();
    Some(Previous {
        files: entries,
        fragments,
        by_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_part_is_the_part_whole() {
        let text = vec![7u8; 200_000];
        let mut whole = Fingerprinter::new();
        whole.bytes(b"a").bytes(&text);
        let mut streamed = Fingerprinter::new();
        streamed.bytes(b"a");
        streamed
            .stream(text.len() as u64, &mut &text[..])
            .expect("read from memory");
        assert_eq!(whole.finish(), streamed.finish());
        assert!(Fingerprinter::new().stream(5, &mut &text[..4]).is_err());
    }

    #[test]
    fn parts_are_told_apart() {
        let two = |a: &str, b: &str| {
            let mut f = Fingerprinter::new();
            f.bytes(a.as_bytes()).bytes(b.as_bytes());
            f.finish()
        };
        assert_ne!(two("ab", "c"), two("a", "bc"));
        assert_eq!(two("a", "bc"), two("a", "bc"));
    }

    #[test]
    fn a_manifest_is_read_back_and_any_damage_discards_it() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let cache = BuildCache::empty(tmp.path());
        let file = tmp.path().join("index.html");
        std::fs::write(&file, "x")?;
        cache.record("index.html", Fingerprint::of(b"ctx"), &file)?;
        let out = tmp.path().join("site");
        cache.write(&out)?;
        let path = manifest_path(&out);
        let text = std::fs::read_to_string(&path)?;
        let entries = parse(&text).expect("a whole manifest is read");
        assert_eq!(entries.files["index.html"].key, Fingerprint::of(b"ctx"));
        assert!(parse(&text[..text.len() - 5]).is_none(), "truncated");
        assert!(
            parse(&text.replace("index.html", "index.htm")).is_none(),
            "edited"
        );
        assert!(parse(&text.replace(env!("CARGO_PKG_VERSION"), "0.0.0")).is_none());
        assert!(parse("\u{0}garbage\nend 00\n").is_none());
        Ok(())
    }

    #[test]
    fn fragments_are_read_back_from_their_file_and_only_while_it_is_unchanged() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let out = tmp.path().join("site");
        std::fs::create_dir_all(&out)?;
        let page = out.join("print.html");
        std::fs::write(&page, "<p>one</p><p>two</p>")?;
        let (one, two) = (Fingerprint::of(b"one"), Fingerprint::of(b"two"));
        let first = BuildCache::empty(&out);
        first.record("print.html", Fingerprint::of(b"print"), &page)?;
        let at = |key, offset, len| Fragment { key, offset, len };
        first.record_fragments("print.html", vec![at(one, 0, 10), at(two, 10, 10)]);
        first.write(&out)?;

        let second = BuildCache::open(&out);
        assert!(second.lends_fragments());
        let lent = second.fragment(two).expect("fragment `two` is lent");
        let mut buf = Vec::new();
        assert!(lent.read(&std::fs::File::open(&lent.file)?, &mut buf));
        assert_eq!(buf, b"<p>two</p>");
        assert_eq!(second.fragment(Fingerprint::of(b"three")), None);

        // A fragment said to lie past its file's end makes the whole manifest untrusted.
        let text = std::fs::read_to_string(manifest_path(&out))?;
        let body = text[..text.rfind("end ").expect("the checksum line")]
            .replace(" 10 10 print.html", " 10 11 print.html");
        let lying = format!("{body}end {}\n", Fingerprint::of(body.as_bytes()).hex());
        assert!(parse(&lying).is_none(), "{lying}");

        // The file changed since: none of its fragments is lent.
        std::fs::write(&page, "<p>one</p><p>TWO</p>!")?;
        let third = BuildCache::open(&out);
        assert_eq!(third.fragment(two), None);
        Ok(())
    }

    #[test]
    fn a_file_changed_since_it_was_recorded_is_not_reused() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let out = tmp.path().join("site");
        std::fs::create_dir_all(&out)?;
        let page = out.join("a.html");
        std::fs::write(&page, "old")?;
        let key = Fingerprint::of(b"a");
        let first = BuildCache::empty(&out);
        first.record("a.html", key, &page)?;
        first.write(&out)?;

        let staging = tmp.path().join("new");
        std::fs::create_dir_all(&staging)?;
        let second = BuildCache::open(&out);
        assert!(!second.reuse("a.html", Fingerprint::of(b"b"), &staging.join("a.html"))?);
        assert!(second.reuse("a.html", key, &staging.join("a.html"))?);
        assert_eq!(std::fs::read(staging.join("a.html"))?, b"old");

        std::fs::write(&page, "mine, longer")?;
        let third = BuildCache::open(&out);
        assert!(!third.reuse("a.html", key, &staging.join("b.html"))?);
        Ok(())
    }
}
