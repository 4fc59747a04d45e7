//! [`StagedDir`]: a folder built beside its target and swapped in whole, so a failed or
//! killed build leaves the previous one untouched and a half-written one is never visible.
//! Used for the site and for the search index; what may be replaced is decided by
//! [`super::owned`].

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::cache::{BuildCache, Fingerprint};
use super::owned::{ensure_replaceable, BookSources, Kind, INDEX_MARKER, SITE_MARKER};
use super::{check_relative, Output, SharedOutput};

/// A build into a temporary folder next to `target`, swapped in by [`StagedDir::commit`].
/// Dropping it without committing removes the temporary folder and leaves `target` alone.
#[derive(Debug)]
pub struct StagedDir {
    target: PathBuf,
    staging: tempfile::TempDir,
    kind: Kind,
    sources: BookSources,
    /// What the previous build made each file from, and what this one makes them from.
    cache: Option<BuildCache>,
}

/// The previous output, being removed on a background thread after [`StagedDir::commit`]
/// put the new one in place: deleting a large site takes longer than writing the search
/// index that follows. [`Retired::finish`] (or dropping it) waits for the removal.
#[derive(Debug)]
pub struct Retired {
    removal: Option<(PathBuf, std::thread::JoinHandle<std::io::Result<()>>)>,
}

impl Retired {
    fn remove(old: PathBuf) -> Retired {
        let path = old.clone();
        let handle = std::thread::spawn(move || remove_marked(&old));
        Retired {
            removal: Some((path, handle)),
        }
    }

    fn nothing() -> Retired {
        Retired { removal: None }
    }

    /// Waits until the previous output is gone.
    pub fn finish(mut self) -> Result<()> {
        self.join()
    }

    /// Returns at once: a removal still running is handed to a detached `tejun
    /// remove-retired` process. Unlinking thousands of files just after writing thousands
    /// more waits for the disk (the file system commits the new files' data first), time
    /// the writer should not spend looking at a finished build. Should the hand-off fail,
    /// this waits instead; should the helper die, the next build removes the folder.
    pub fn finish_detached(mut self) -> Result<()> {
        let running = self
            .removal
            .as_ref()
            .is_some_and(|(_, handle)| !handle.is_finished());
        if !running {
            return self.join();
        }
        let Some((path, _)) = &self.removal else {
            return Ok(());
        };
        let spawned = std::env::current_exe().and_then(|exe| {
            std::process::Command::new(exe)
                .arg("remove-retired")
                .arg(path)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
        });
        match spawned {
            // The thread keeps going until this process exits; whichever is first wins.
            Ok(_) => {
                self.removal = None;
                Ok(())
            }
            Err(_) => self.join(),
        }
    }

    fn join(&mut self) -> Result<()> {
        let Some((path, handle)) = self.removal.take() else {
            return Ok(());
        };
        let result = handle
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the removal thread panicked")));
        result.with_context(|| format!("failed to remove the previous output `{}`", path.display()))
    }
}

impl Drop for Retired {
    fn drop(&mut self) {
        let _ = self.join();
    }
}

impl StagedDir {
    /// Checks that `target` may be replaced by a folder of `kind` (see
    /// [`ensure_replaceable`]), then creates the staging folder beside it.
    pub fn begin(target: &Path, kind: Kind, sources: &BookSources) -> Result<StagedDir> {
        ensure_replaceable(target, kind, sources)?;
        remove_leftovers(target);
        let parent = parent_of(target);
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
        let staging = tempfile::Builder::new()
            .prefix(&format!(
                ".{}.tejun-new-{}-",
                file_name(target),
                std::process::id()
            ))
            .tempdir_in(&parent)
            .with_context(|| {
                format!(
                    "failed to create a temporary folder in `{}`",
                    parent.display()
                )
            })?;
        Ok(StagedDir {
            target: target.to_path_buf(),
            staging,
            kind,
            sources: sources.clone(),
            cache: None,
        })
    }

    /// Keeps a build cache: files whose key the previous build recorded are put in place
    /// from it, and the keys of this build are written with the output.
    pub fn with_cache(mut self, cache: BuildCache) -> StagedDir {
        self.cache = Some(cache);
        self
    }

    /// Keeps no build cache.
    pub fn without_cache(mut self) -> StagedDir {
        self.cache = None;
        self
    }

    /// The build cache, when there is one.
    pub fn cache(&self) -> Option<&BuildCache> {
        self.cache.as_ref()
    }

    /// The build cache, to hand it what was read of the previous build already.
    pub fn cache_mut(&mut self) -> Option<&mut BuildCache> {
        self.cache.as_mut()
    }

    /// The staging folder, for writers that need a path (the search index).
    pub fn path(&self) -> &Path {
        self.staging.path()
    }

    /// Writes the marker, then puts the new output in place of the old one. On Linux the two
    /// folders are exchanged in one atomic `renameat2`, so a reader (or a build killed at any
    /// instant) always finds a whole site at `target`; elsewhere the old one is moved aside
    /// first and put back if the move fails.
    pub fn commit(self) -> Result<Retired> {
        let marker = self.staging.path().join(self.kind.marker());
        // The cache beside the output is written once the site is in place; a file there
        // that is not tejun's stops the build now, before anything is replaced.
        let manifest = super::cache::manifest_path(&self.target);
        if self.cache.is_some() && !super::cache::replaceable(&manifest) {
            bail!(
                "`{}` is not tejun's build cache: move it away, or build with --no-cache",
                manifest.display()
            );
        }
        let memo = super::memo::memo_path(&self.target);
        if self.cache.is_some() && !super::memo::replaceable(&memo) {
            bail!(
                "`{}` is not tejun's build memo: move it away, or build with --no-cache",
                memo.display()
            );
        }
        if self.kind == Kind::Site {
            std::fs::write(&marker, marker_text()).context("failed to write the output marker")?;
        } else if !marker.is_file() {
            bail!(
                "internal error: the new {} has no `{}`",
                self.target.display(),
                self.kind.marker()
            );
        }
        // Again: the folder may have changed while the build ran.
        ensure_replaceable(&self.target, self.kind, &self.sources)?;
        let staging = self.staging.keep();
        if self.target.exists() && exchange(&staging, &self.target).is_ok() {
            // `staging` now holds the previous output.
            keep_cache(self.kind, self.cache.as_ref(), &self.target);
            return Ok(Retired::remove(staging));
        }
        let old = if self.target.exists() {
            let old = unique_sibling(&self.target, "tejun-old");
            std::fs::rename(&self.target, &old).with_context(|| {
                format!(
                    "failed to move the previous `{}` aside",
                    self.target.display()
                )
            })?;
            Some(old)
        } else {
            None
        };
        if let Err(e) = std::fs::rename(&staging, &self.target) {
            // Put the previous output back so the reader still has a site.
            if let Some(old) = &old {
                let _ = std::fs::rename(old, &self.target);
            }
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e).with_context(|| {
                format!(
                    "failed to move the new output to `{}`",
                    self.target.display()
                )
            });
        }
        keep_cache(self.kind, self.cache.as_ref(), &self.target);
        Ok(match old {
            Some(old) => Retired::remove(old),
            None => Retired::nothing(),
        })
    }
}

/// Records a build's cache beside the new output `target`, or forgets the previous one
/// (`--no-cache`). The site is in place already: a cache that cannot be written costs the
/// next build time, never a wrong file (each entry is checked against the file).
fn keep_cache(kind: Kind, cache: Option<&BuildCache>, target: &Path) {
    if kind != Kind::Site {
        return;
    }
    match cache {
        Some(cache) => {
            let _ = cache.write(target);
        }
        None => super::cache::forget(target),
    }
}

const MARKERS: [&str; 2] = [SITE_MARKER, INDEX_MARKER];

/// Removes a folder tejun made, its marker last: a removal cut short (the build exits
/// while `tejun remove-retired` takes over) leaves a folder that still proves whose it is.
fn remove_marked(dir: &Path) -> std::io::Result<()> {
    let gone = |r: std::io::Result<()>| match r {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    };
    let entries = match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        other => other?,
    };
    for e in entries {
        let e = e?;
        if MARKERS.iter().any(|m| e.file_name() == *m) {
            continue;
        }
        if e.file_type()?.is_dir() {
            gone(std::fs::remove_dir_all(e.path()))?;
        } else {
            gone(std::fs::remove_file(e.path()))?;
        }
    }
    for m in MARKERS {
        gone(std::fs::remove_file(dir.join(m)))?;
    }
    gone(std::fs::remove_dir(dir))
}

/// `tejun remove-retired DIR`: removes a previous output that a build set aside, and
/// nothing else: the folder must be named as [`StagedDir`] names them and carry a marker
/// (or be empty: what a removal cut short at its very end leaves).
pub fn remove_retired(dir: &Path) -> Result<()> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let retired =
        name.starts_with('.') && (name.contains(".tejun-new-") || name.contains(".tejun-old-"));
    let marked = MARKERS.iter().any(|m| dir.join(m).is_file())
        || std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none());
    if !retired || !marked {
        bail!(
            "refusing to remove `{}`: not a folder a tejun build set aside",
            dir.display()
        );
    }
    remove_marked(dir).with_context(|| format!("failed to remove `{}`", dir.display()))
}

/// Whether process `pid` still runs; without a way to tell, it is taken to run.
pub fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true // Without /proc, never guess: leave the folder.
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Removes what an interrupted build left beside `target`: staging and set-aside folders,
/// recognisable by their names, whose build process (the pid in the name) is gone. Anything
/// else there, and the folders of a build still running, are left alone.
pub fn remove_leftovers(target: &Path) {
    let parent = parent_of(target);
    let name = file_name(target);
    let prefixes = [format!(".{name}.tejun-new-"), format!(".{name}.tejun-old-")];
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        let Some(rest) = prefixes.iter().find_map(|p| n.strip_prefix(p.as_str())) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if is_dir && pid.is_some_and(|p| !process_alive(p)) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

impl Output for StagedDir {
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        check_relative(path)?;
        let full = self.staging.path().join(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("failed to create `{}`", dir.display()))?;
        }
        std::fs::write(&full, bytes)
            .with_context(|| format!("failed to write `{}`", full.display()))
    }

    fn shared(&self) -> Option<&dyn SharedOutput> {
        Some(self)
    }
}

impl StagedDir {
    /// The full path of `path` in the staging folder, its parent folder created.
    fn prepare(&self, path: &str) -> Result<PathBuf> {
        check_relative(path)?;
        let full = self.staging.path().join(path);
        if path.contains('/') {
            if let Some(dir) = full.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("failed to create `{}`", dir.display()))?;
            }
        }
        Ok(full)
    }
}

impl SharedOutput for StagedDir {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let full = self.prepare(path)?;
        std::fs::write(&full, bytes)
            .with_context(|| format!("failed to write `{}`", full.display()))
    }

    fn put_with(
        &self,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        let full = self.prepare(path)?;
        let file = std::fs::File::create(&full)
            .with_context(|| format!("failed to create `{}`", full.display()))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        fill(&mut w)?;
        w.flush()
            .with_context(|| format!("failed to write `{}`", full.display()))
    }

    fn keeps_cache(&self) -> bool {
        self.cache.is_some()
    }

    fn reuse(&self, path: &str, key: Fingerprint) -> Result<bool> {
        let Some(cache) = &self.cache else {
            return Ok(false);
        };
        let full = self.prepare(path)?;
        cache.reuse(path, key, &full)
    }

    fn record(&self, path: &str, key: Fingerprint) -> Result<()> {
        match &self.cache {
            Some(cache) => cache.record(path, key, &self.staging.path().join(path)),
            None => Ok(()),
        }
    }

    fn fragment(&self, key: Fingerprint) -> Option<crate::output::Lent> {
        self.cache.as_ref()?.fragment(key)
    }

    fn record_fragments(&self, path: &str, fragments: Vec<crate::output::Fragment>) {
        if let Some(cache) = &self.cache {
            cache.record_fragments(path, fragments);
        }
    }

    fn lends_fragments(&self) -> bool {
        self.cache.as_ref().is_some_and(|c| c.lends_fragments())
    }

    fn recall(&self, key: Fingerprint) -> Option<&[u8]> {
        self.cache.as_ref()?.recall(key)
    }

    fn peek(&self, key: Fingerprint) -> Option<&[u8]> {
        self.cache.as_ref()?.peek(key)
    }

    fn remember(&self, key: Fingerprint, bytes: Vec<u8>) {
        if let Some(cache) = &self.cache {
            cache.remember(key, bytes);
        }
    }
}

fn marker_text() -> String {
    format!(
        "This folder was generated by tejun {}; `tejun build` replaces it as a whole.\n",
        env!("CARGO_PKG_VERSION")
    )
}

fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn file_name(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into())
}

fn unique_sibling(target: &Path, tag: &str) -> PathBuf {
    let parent = parent_of(target);
    let name = file_name(target);
    let pid = std::process::id();
    (0u32..)
        .map(|i| parent.join(format!(".{name}.{tag}-{pid}-{i}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| parent.join(format!(".{name}.{tag}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_dir_swaps_and_refuses_foreign_folders() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let sources = BookSources::new(&tmp.path().join("book"), Path::new("themes"));
        let target = tmp.path().join("site");
        let mut s = StagedDir::begin(&target, Kind::Site, &sources)?;
        s.write("index.html", b"one")?;
        s.commit()?.finish()?;
        assert_eq!(std::fs::read(target.join("index.html"))?, b"one");
        let mut s = StagedDir::begin(&target, Kind::Site, &sources)?;
        s.write("index.html", b"two")?;
        s.commit()?.finish()?;
        assert_eq!(std::fs::read(target.join("index.html"))?, b"two");
        // Only the new output remains beside the target.
        assert_eq!(std::fs::read_dir(tmp.path())?.count(), 1);

        let foreign = tmp.path().join("mine");
        std::fs::create_dir(&foreign)?;
        std::fs::write(foreign.join("notes.txt"), b"keep")?;
        assert!(StagedDir::begin(&foreign, Kind::Site, &sources).is_err());
        let file = tmp.path().join("file.txt");
        std::fs::write(&file, b"keep")?;
        assert!(StagedDir::begin(&file, Kind::Site, &sources).is_err());
        Ok(())
    }

    #[test]
    fn a_folder_that_turns_foreign_during_the_build_is_kept() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let sources = BookSources::new(&tmp.path().join("book"), Path::new("themes"));
        let target = tmp.path().join("site");
        let mut s = StagedDir::begin(&target, Kind::Site, &sources)?;
        s.write("index.html", b"new")?;
        std::fs::create_dir(&target)?;
        std::fs::write(target.join("notes.txt"), b"keep")?;
        assert!(s.commit().is_err());
        assert_eq!(std::fs::read(target.join("notes.txt"))?, b"keep");
        Ok(())
    }

    #[test]
    fn remove_retired_wants_a_staging_name_and_a_marker() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let unmarked = tmp.path().join(".site.tejun-new-1-x");
        std::fs::create_dir(&unmarked)?;
        std::fs::write(unmarked.join("notes.txt"), b"keep")?;
        assert!(remove_retired(&unmarked).is_err());
        assert!(unmarked.join("notes.txt").exists());
        let named_wrong = tmp.path().join("site");
        std::fs::create_dir(&named_wrong)?;
        std::fs::write(named_wrong.join(SITE_MARKER), b"")?;
        assert!(remove_retired(&named_wrong).is_err());
        std::fs::write(unmarked.join(SITE_MARKER), b"")?;
        remove_retired(&unmarked)?;
        assert!(!unmarked.exists());
        Ok(())
    }
}
