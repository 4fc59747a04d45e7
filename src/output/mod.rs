//! Where rendered files go. Rendering never touches the file system: it hands finished
//! files to an [`Output`] sink. [`MemoryOutput`] keeps them in a map (the dev server,
//! tests); [`StagedDir`] writes them into a temporary folder beside the target and swaps
//! it in only when the whole build succeeded, so a failed build leaves the previous site
//! untouched and a half-written site is never visible. Single files (runbooks, PDFs) are
//! written by [`write_owned`]. What any of them may replace is decided in one place,
//! [`owned`].

pub mod cache;
mod file;
pub mod memo;
pub mod owned;
mod staged;

pub use cache::{BuildCache, Fingerprint, Fingerprinter, Fragment, Lent};
pub use file::{write_atomic, write_owned};
pub use owned::{BookSources, Kind, Signature};
pub use staged::{process_alive, remove_leftovers, remove_retired, Retired, StagedDir};

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path};
use std::sync::Mutex;

use anyhow::{bail, Result};

/// A sink for the files of one build. Paths are relative, `/`-separated (`assets/x.css`).
pub trait Output: Send {
    /// Writes `bytes` as `path`.
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()>;

    /// The sink as a writer every thread may use at once, when it has one (a folder
    /// does), so a build can write each file as soon as it is rendered instead of holding
    /// the whole site in memory. [`with_shared`] gives any sink this shape.
    fn shared(&self) -> Option<&dyn SharedOutput> {
        None
    }
}

/// Files written from any thread: whole, or streamed by a function that writes them.
pub trait SharedOutput: Sync {
    /// Writes `bytes` as `path`.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()>;

    /// Writes `path` through `fill`. A folder hands `fill` a buffered file, so a print page
    /// or runbook of a hundred megabytes is never held whole.
    fn put_with(
        &self,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
    ) -> Result<()>;

    /// Whether the sink keeps a build cache ([`cache`]): whether keys are worth making.
    fn keeps_cache(&self) -> bool {
        false
    }

    /// Puts the previous build's `path` in place when that build made it from `key`;
    /// returns whether it did (the caller renders it otherwise).
    fn reuse(&self, _path: &str, _key: Fingerprint) -> Result<bool> {
        Ok(false)
    }

    /// Records that `path`, just written, was made from `key`.
    fn record(&self, _path: &str, _key: Fingerprint) -> Result<()> {
        Ok(())
    }

    /// Where the fragment the previous build made from `key` lies inside one of its
    /// files, while that file is still as written ([`cache::Fragment`]).
    fn fragment(&self, _key: Fingerprint) -> Option<Lent> {
        None
    }

    /// Records where `path`, just written, holds its fragments.
    fn record_fragments(&self, _path: &str, _fragments: Vec<Fragment>) {}

    /// Whether the previous build left fragments to copy (a rebuild, not a first build).
    fn lends_fragments(&self) -> bool {
        false
    }

    /// What the previous build stored under `key` in its memo ([`memo`]), kept for the
    /// next build too.
    fn recall(&self, _key: Fingerprint) -> Option<&[u8]> {
        None
    }

    /// What the previous build stored under `key` in its memo, not kept for the next
    /// build unless recalled or remembered.
    fn peek(&self, _key: Fingerprint) -> Option<&[u8]> {
        None
    }

    /// Stores `bytes` under `key` in the memo for the next build.
    fn remember(&self, _key: Fingerprint, _bytes: Vec<u8>) {}
}

/// Writes `path` through `fill`, or puts the previous build's file in place when it was
/// made from `key` too (`None`: the sink keeps no cache, nothing to compare).
pub fn put_keyed(
    sink: &dyn SharedOutput,
    path: &str,
    key: Option<Fingerprint>,
    fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    if let Some(key) = key {
        if sink.reuse(path, key)? {
            return Ok(());
        }
    }
    sink.put_with(path, fill)?;
    match key {
        Some(key) => sink.record(path, key),
        None => Ok(()),
    }
}

/// Writes `bytes` as `path`, or puts the previous build's file in place when it held the
/// same bytes: a link costs less than a write, and leaves the file as it was.
pub fn put_bytes(sink: &dyn SharedOutput, path: &str, bytes: &[u8]) -> Result<()> {
    if !sink.keeps_cache() {
        return sink.put(path, bytes);
    }
    let key = Fingerprint::of(bytes);
    if sink.reuse(path, key)? {
        return Ok(());
    }
    sink.put(path, bytes)?;
    sink.record(path, key)
}

/// Runs `f` with `out` as a [`SharedOutput`]: its own when it has one, otherwise behind a
/// lock (every file is then handed over whole, in one call to [`Output::write`]).
pub fn with_shared<R>(out: &mut dyn Output, f: impl FnOnce(&dyn SharedOutput) -> R) -> R {
    if let Some(shared) = out.shared() {
        return f(shared);
    }
    f(&Locked(Mutex::new(out)))
}

struct Locked<'a>(Mutex<&'a mut dyn Output>);

impl SharedOutput for Locked<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        // A panic elsewhere cannot leave a half-inserted file: `write` is one call.
        let mut out = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        out.write(path, bytes)
    }

    fn put_with(
        &self,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        let mut bytes = Vec::new();
        fill(&mut bytes)?;
        self.put(path, &bytes)
    }
}

/// Another sink's files under a folder of it (`en/`): a translated book's site inside the
/// source's, written through the same staging folder and swapped in with it.
pub struct Within<'a> {
    inner: &'a dyn SharedOutput,
    prefix: String,
}

impl<'a> Within<'a> {
    /// Files of `inner` under `folder`.
    pub fn new(inner: &'a dyn SharedOutput, folder: &str) -> Within<'a> {
        Within {
            inner,
            prefix: format!("{}/", folder.trim_end_matches('/')),
        }
    }
}

impl Output for Within<'_> {
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        self.put(path, bytes)
    }

    fn shared(&self) -> Option<&dyn SharedOutput> {
        Some(self)
    }
}

impl SharedOutput for Within<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        check_relative(path)?;
        self.inner.put(&format!("{}{path}", self.prefix), bytes)
    }

    fn put_with(
        &self,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        check_relative(path)?;
        self.inner.put_with(&format!("{}{path}", self.prefix), fill)
    }

    fn keeps_cache(&self) -> bool {
        self.inner.keeps_cache()
    }

    fn reuse(&self, path: &str, key: Fingerprint) -> Result<bool> {
        check_relative(path)?;
        self.inner.reuse(&format!("{}{path}", self.prefix), key)
    }

    fn record(&self, path: &str, key: Fingerprint) -> Result<()> {
        check_relative(path)?;
        self.inner.record(&format!("{}{path}", self.prefix), key)
    }

    fn fragment(&self, key: Fingerprint) -> Option<Lent> {
        self.inner.fragment(key)
    }

    fn record_fragments(&self, path: &str, fragments: Vec<Fragment>) {
        self.inner
            .record_fragments(&format!("{}{path}", self.prefix), fragments);
    }

    fn lends_fragments(&self) -> bool {
        self.inner.lends_fragments()
    }

    fn recall(&self, key: Fingerprint) -> Option<&[u8]> {
        self.inner.recall(key)
    }

    fn peek(&self, key: Fingerprint) -> Option<&[u8]> {
        self.inner.peek(key)
    }

    fn remember(&self, key: Fingerprint, bytes: Vec<u8>) {
        self.inner.remember(key, bytes);
    }
}

/// Keeps every file in memory.
#[derive(Debug, Default)]
pub struct MemoryOutput {
    /// Every file written, by path.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Output for MemoryOutput {
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        check_relative(path)?;
        self.files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// Refuses absolute paths and `..`, so a page id can never write outside the output.
pub(crate) fn check_relative(path: &str) -> Result<()> {
    let p = Path::new(path);
    if path.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("refusing to write `{path}`: output paths must be relative and stay inside the output folder");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_output_rejects_escaping_paths() {
        let mut out = MemoryOutput::default();
        assert!(out.write("../x.html", b"").is_err());
        assert!(out.write("/etc/x", b"").is_err());
        assert!(out.write("assets/a.css", b"x").is_ok());
    }
}
