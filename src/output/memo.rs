//! The build memo: data a build derived from the book and a later build may take again
//! instead of deriving it, each piece under the [`Fingerprint`] of what it was derived
//! from (a procedure's search documents under the key of that procedure and of what the
//! book shares). Where the build cache ([`super::cache`]) keeps whole output files, the
//! memo keeps what sits between the book and them, so an edit to one procedure costs that
//! procedure's work, not the book's.
//!
//! It lives beside the output as the cache does (`.<out>.tejun-memo`), one binary file:
//! a header line with the format and tejun's version, then entries (the key's 16 bytes,
//! the length as 8, the bytes), then the XXH3-128 of everything before it. A file that
//! does not check out whole is ignored whole; a piece is only ever taken under the key
//! it was stored with, so a memo of another book or another build is merely useless.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use anyhow::Result;
use xxhash_rust::xxh3::{xxh3_128_with_seed, Xxh3};

use super::cache::{manifest_path, Fingerprint};

/// Where the memo of the output folder `out` lives: beside it, named for it, beside the
/// build cache's manifest (`.book.tejun-memo` for the default `book/`).
pub fn memo_path(out: &Path) -> PathBuf {
    let manifest = manifest_path(out);
    let name = manifest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let name = name.as_deref().and_then(|n| n.strip_suffix(".tejun-cache"));
    manifest.with_file_name(format!("{}.tejun-memo", name.unwrap_or(".book")))
}

/// The memo's first bytes: format, then the tejun version that wrote it.
fn header() -> String {
    format!("tejun build memo 1 {}\n", env!("CARGO_PKG_VERSION"))
}

const MAGIC: &[u8] = b"tejun build memo ";

/// The seed of the memo's closing XXH3-128 (of everything before it).
const CHECKSUM_SEED: u64 = 0x7465_6a75_6e5f_6d65;

/// Whether `path` is absent or a memo tejun wrote (whole or not): the only files
/// [`Memo::write`] may replace and [`forget`] may remove.
pub fn replaceable(path: &Path) -> bool {
    super::cache::starts_with(path, MAGIC)
}

/// Removes the memo beside the output `out`, when it is tejun's (`--no-cache`).
pub fn forget(out: &Path) {
    let path = memo_path(out);
    if path.is_file() && replaceable(&path) {
        let _ = std::fs::remove_file(path);
    }
}

/// The previous build's memo (read on first use) and what this build keeps for the next.
#[derive(Debug)]
pub struct Memo {
    path: PathBuf,
    previous: OnceLock<Previous>,
    kept: Mutex<Vec<(Fingerprint, Piece)>>,
}

/// A memo as read: its bytes, and where each key's piece lies in them.
#[derive(Debug, Default)]
struct Previous {
    bytes: Bytes,
    pieces: HashMap<Fingerprint, Range<usize>>,
}

/// The previous memo's bytes: the file mapped where the system allows it, else read.
#[derive(Debug)]
enum Bytes {
    Read(Vec<u8>),
    /// Tens of megabytes read into fresh memory cost the copy and, on a virtual machine,
    /// clearing every page first (at 5,000 procedures, 0.07 s of CPU in a 1 s rebuild);
    /// mapped, the file's own cached pages are read where they lie. tejun replaces a memo
    /// by renaming a new file over it, never by writing into it, so the mapped file stays
    /// as it was while this build reads it.
    #[cfg(unix)]
    Mapped(memmap2::Mmap),
}

impl Default for Bytes {
    fn default() -> Self {
        Bytes::Read(Vec::new())
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Read(v) => v,
            #[cfg(unix)]
            Bytes::Mapped(m) => m,
        }
    }
}

/// The bytes of the memo at `path`, when it is a regular file that can be read.
fn read_bytes(path: &Path) -> Option<Bytes> {
    if !std::fs::symlink_metadata(path).ok()?.file_type().is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        let file = std::fs::File::open(path).ok()?;
        // SAFETY: the map is only read, and tejun never writes into a memo file, only
        // renames a new one over it (see `Bytes::Mapped`). The one way to break this is
        // another program cutting the hidden file short while a build reads it.
        let mapped = unsafe { memmap2::MmapOptions::new().populate().map(&file) };
        match mapped {
            Ok(m) => Some(Bytes::Mapped(m)),
            Err(_) => std::fs::read(path).ok().map(Bytes::Read),
        }
    }
    #[cfg(not(unix))]
    {
        std::fs::read(path).ok().map(Bytes::Read)
    }
}

/// A piece kept for the next build: new bytes, or the previous memo's under the same key.
#[derive(Debug)]
enum Piece {
    New(Vec<u8>),
    Again(Range<usize>),
}

impl Memo {
    /// The memo beside the output folder `out`; `fresh` ignores the one there.
    pub fn open(out: &Path, fresh: bool) -> Memo {
        let previous = OnceLock::new();
        if fresh {
            let _ = previous.set(Previous::default());
        }
        Memo {
            path: memo_path(out),
            previous,
            kept: Mutex::new(Vec::new()),
        }
    }

    fn previous(&self) -> &Previous {
        self.previous
            .get_or_init(|| read_bytes(&self.path).and_then(parse).unwrap_or_default())
    }

    /// Whether the previous build left any piece: whether this build is a rebuild.
    pub fn holds_pieces(&self) -> bool {
        !self.previous().pieces.is_empty()
    }

    /// The piece the previous build stored under `key`, not kept for the next build
    /// unless [`Memo::recall`]ed.
    pub fn peek(&self, key: Fingerprint) -> Option<&[u8]> {
        let previous = self.previous();
        previous.bytes.get(previous.pieces.get(&key)?.clone())
    }

    /// The piece the previous build stored under `key`, kept for the next build too.
    pub fn recall(&self, key: Fingerprint) -> Option<&[u8]> {
        let previous = self.previous();
        let range = previous.pieces.get(&key)?.clone();
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((key, Piece::Again(range.clone())));
        previous.bytes.get(range)
    }

    /// Keeps `bytes` under `key` for the next build.
    pub fn remember(&self, key: Fingerprint, bytes: Vec<u8>) {
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((key, Piece::New(bytes)));
    }

    /// Writes what this build kept beside the output `out`, replacing the previous memo;
    /// refuses to replace a file that is not tejun's memo. Nothing kept, nothing written
    /// (and the previous memo, of no use to the next build, removed).
    pub fn write(&self, out: &Path) -> Result<()> {
        let path = memo_path(out);
        if !replaceable(&path) {
            anyhow::bail!(
                "`{}` is not tejun's build memo: move it away, or build with --no-cache",
                path.display()
            );
        }
        let mut kept = std::mem::take(
            &mut *self
                .kept
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        if kept.is_empty() {
            forget(out);
            return Ok(());
        }
        // In key order, each key once (new bytes over the previous memo's: a piece taken
        // again and found unreadable was made anew): the same book gives the same file.
        kept.sort_by_key(|(key, p)| (key.to_bytes(), matches!(p, Piece::Again(_))));
        kept.dedup_by_key(|(key, _)| *key);
        let previous = self.previous();
        fn piece<'p>(p: &'p Piece, previous: &'p Previous) -> &'p [u8] {
            match p {
                Piece::New(bytes) => bytes,
                Piece::Again(range) => previous.bytes.get(range.clone()).unwrap_or_default(),
            }
        }
        // Streamed, hashed on the way: a copy of tens of megabytes whole would only be
        // written out and let go.
        let mut sum = Xxh3::with_seed(CHECKSUM_SEED);
        super::file::write_atomic_unsynced(&path, &mut |w| {
            let mut put = |bytes: &[u8]| -> std::io::Result<()> {
                sum.update(bytes);
                w.write_all(bytes)
            };
            put(header().as_bytes())?;
            for (key, p) in &kept {
                let p = piece(p, previous);
                put(&key.to_bytes())?;
                put(&(p.len() as u64).to_le_bytes())?;
                put(p)?;
            }
            w.write_all(&sum.digest128().to_le_bytes())
        })
    }
}

/// A piece's bytes as the memo keeps them: `value` in postcard's encoding, compressed with
/// LZ4 (a large book's pieces are tens of megabytes; less to read and write than it costs).
pub fn pack<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    // Strings, numbers, lists and options only: serialising into memory cannot fail.
    let bytes = postcard::to_stdvec(value).unwrap_or_default();
    lz4_flex::block::compress_prepend_size(&bytes)
}

/// The value [`pack`] made of `bytes`, or `None` unless they decode whole.
pub fn unpack<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    // LZ4 never makes a block more than 255 times smaller: a larger size is a lie, and
    // would be allocated before the block is found out.
    let (size, _) = lz4_flex::block::uncompressed_size(bytes).ok()?;
    if size > bytes.len().saturating_mul(255) {
        return None;
    }
    let bytes = lz4_flex::block::decompress_size_prepended(bytes).ok()?;
    let (value, rest): (T, &[u8]) = postcard::take_from_bytes(&bytes).ok()?;
    rest.is_empty().then_some(value)
}

/// A memo file whose entries are `entries` as they stand (each the key's 16 bytes, the
/// length as 8, the bytes), with this tejun's header and a valid checksum: what a memo's
/// reader is handed once the checksum is passed, for tests and the fuzz target to reach
/// past it.
pub fn sealed(entries: &[u8]) -> Vec<u8> {
    let mut bytes = header().into_bytes();
    bytes.extend_from_slice(entries);
    let sum = xxh3_128_with_seed(&bytes, CHECKSUM_SEED);
    bytes.extend_from_slice(&sum.to_le_bytes());
    bytes
}

/// The pieces of a memo, or `None` when it is not whole and this tejun's.
fn parse(bytes: Bytes) -> Option<Previous> {
    let body_len = bytes.len().checked_sub(16)?;
    let (body, sum) = bytes.split_at(body_len);
    if xxh3_128_with_seed(body, CHECKSUM_SEED)
        .to_le_bytes()
        .as_slice()
        != sum
    {
        return None;
    }
    let mut at = header().len();
    if body.get(..at)? != header().as_bytes() {
        return None;
    }
    let mut pieces = HashMap::new();
    while at < body.len() {
        let key = Fingerprint::from_bytes(body.get(at..at + 16)?.try_into().ok()?);
        let len = u64::from_le_bytes(body.get(at + 16..at + 24)?.try_into().ok()?);
        let start = at + 24;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        if end > body.len() {
            return None;
        }
        pieces.insert(key, start..end);
        at = end;
    }
    Some(Previous { bytes, pieces })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_come_back_under_their_keys_and_a_damaged_memo_gives_none() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let out = tmp.path().join("site");
        let (a, b) = (Fingerprint::of(b"a"), Fingerprint::of(b"b"));
        let first = Memo::open(&out, false);
        first.remember(a, b"first piece".to_vec());
        first.remember(b, Vec::new());
        first.write(&out)?;

        let second = Memo::open(&out, false);
        assert_eq!(second.recall(a), Some(&b"first piece"[..]));
        assert_eq!(second.recall(b), Some(&b""[..]));
        assert_eq!(second.recall(Fingerprint::of(b"c")), None);
        // Taken again, so kept for the third build without being handed over again.
        second.write(&out)?;
        let third = Memo::open(&out, false);
        assert_eq!(third.recall(a), Some(&b"first piece"[..]));
        assert_eq!(
            third.recall(b),
            Some(&b""[..]),
            "kept though nothing was added"
        );

        let path = memo_path(&out);
        let whole = std::fs::read(&path)?;
        for damaged in [
            whole[..whole.len() - 1].to_vec(),
            whole
                .iter()
                .map(|&c| if c == b'f' { b'F' } else { c })
                .collect(),
            Vec::new(),
        ] {
            std::fs::write(&path, &damaged)?;
            assert_eq!(Memo::open(&out, false).recall(a), None);
        }
        assert_eq!(Memo::open(&out, true).recall(a), None, "fresh");
        Ok(())
    }

    #[test]
    fn a_file_that_is_not_a_memo_is_neither_read_nor_replaced() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let out = tmp.path().join("site");
        let path = memo_path(&out);
        std::fs::write(&path, "my notes")?;
        let memo = Memo::open(&out, false);
        memo.remember(Fingerprint::of(b"a"), b"x".to_vec());
        assert!(memo.write(&out).is_err());
        forget(&out);
        assert_eq!(std::fs::read_to_string(&path)?, "my notes");
        Ok(())
    }
}
