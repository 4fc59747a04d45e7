//! Where rendered files go. Rendering never touches the file system: it hands finished
//! files to an [`Output`] sink. [`MemoryOutput`] keeps them in a map (tests, the future dev
//! server); [`StagedDir`] writes them into a temporary folder beside the target and swaps
//! it in only when the whole build succeeded, so a failed build leaves the previous site
//! untouched and a half-written site is never visible.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};

/// The file every tejun output folder carries; a folder without it is never replaced.
pub const MARKER: &str = ".tejun-output";

/// A sink for the files of one build. Paths are relative, `/`-separated (`assets/x.css`).
pub trait Output: Send {
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()>;

    /// Writes many files; a sink backed by a file system may write them in parallel.
    fn write_many(&mut self, files: &[(&str, &[u8])]) -> Result<()> {
        files
            .iter()
            .try_for_each(|(path, bytes)| self.write(path, bytes))
    }

    /// The sink as a writer every thread may use at once, when it has one (a folder
    /// does), so a build can write each file as soon as it is rendered instead of holding
    /// the whole site in memory. [`with_shared`] gives any sink this shape.
    fn shared(&self) -> Option<&dyn SharedOutput> {
        None
    }
}

/// Files written from any thread: whole, or streamed by a function that writes them.
pub trait SharedOutput: Sync {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()>;

    /// Writes `path` through `fill`. A folder hands `fill` a buffered file, so a print page
    /// or runbook of a hundred megabytes is never held whole.
    fn put_with(
        &self,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
    ) -> Result<()>;
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

/// Keeps every file in memory.
#[derive(Debug, Default)]
pub struct MemoryOutput {
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
fn check_relative(path: &str) -> Result<()> {
    let p = Path::new(path);
    if path.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("refusing to write `{path}`: output paths must be relative and stay inside the output folder");
    }
    Ok(())
}

/// A build into a temporary folder next to `target`, swapped in by [`StagedDir::commit`].
/// Dropping it without committing removes the temporary folder and leaves `target` alone.
#[derive(Debug)]
pub struct StagedDir {
    target: PathBuf,
    staging: tempfile::TempDir,
    /// `--force`: replace `target` even without the marker.
    force: bool,
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
        let handle = std::thread::spawn(move || std::fs::remove_dir_all(&old));
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
    /// Checks that `target` may be replaced (with `force`, a folder tejun did not make too),
    /// then creates the staging folder beside it.
    pub fn begin(target: &Path, force: bool) -> Result<StagedDir> {
        ensure_replaceable(target, force)?;
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
            force,
        })
    }

    /// Writes the marker, then puts the new output in place of the old one. On Linux the two
    /// folders are exchanged in one atomic `renameat2`, so a reader (or a build killed at any
    /// instant) always finds a whole site at `target`; elsewhere the old one is moved aside
    /// first and put back if the move fails.
    pub fn commit(self) -> Result<Retired> {
        std::fs::write(self.staging.path().join(MARKER), marker_text())
            .context("failed to write the output marker")?;
        ensure_replaceable(&self.target, self.force)?;
        let staging = self.staging.keep();
        if self.target.exists() && exchange(&staging, &self.target).is_ok() {
            // `staging` now holds the previous output.
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
        Ok(match old {
            Some(old) => Retired::remove(old),
            None => Retired::nothing(),
        })
    }
}

/// `tejun remove-retired DIR`: removes a previous output that a build set aside, and
/// nothing else: the folder must be named as [`StagedDir`] names them.
pub fn remove_retired(dir: &Path) -> Result<()> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let retired =
        name.starts_with('.') && (name.contains(".tejun-new-") || name.contains(".tejun-old-"));
    if !retired {
        bail!(
            "refusing to remove `{}`: not a folder a tejun build set aside",
            dir.display()
        );
    }
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("failed to remove `{}`", dir.display()))
        }
        _ => Ok(()),
    }
}

/// Whether process `pid` still runs; without a way to tell, it is taken to run.
pub(crate) fn process_alive(pid: u32) -> bool {
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

    /// Creating a file costs more than filling it (the file system searches for a free
    /// inode), so a site of thousands of pages is written from every core.
    fn write_many(&mut self, files: &[(&str, &[u8])]) -> Result<()> {
        use rayon::prelude::*;
        let mut dirs = std::collections::BTreeSet::new();
        for (path, _) in files {
            check_relative(path)?;
            if let Some(dir) = Path::new(path).parent() {
                dirs.insert(dir);
            }
        }
        for dir in dirs {
            let full = self.staging.path().join(dir);
            std::fs::create_dir_all(&full)
                .with_context(|| format!("failed to create `{}`", full.display()))?;
        }
        let root = self.staging.path();
        files.par_iter().try_for_each(|(path, bytes)| {
            let full = root.join(path);
            std::fs::write(&full, bytes)
                .with_context(|| format!("failed to write `{}`", full.display()))
        })
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
}

/// An output folder may be replaced when it does not exist, is empty, or carries the marker;
/// with `force`, any folder (never a file or a symbolic link).
pub fn ensure_replaceable(target: &Path, force: bool) -> Result<()> {
    let meta = match std::fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(e).with_context(|| format!("failed to inspect `{}`", target.display()))
        }
    };
    if !meta.is_dir() {
        bail!(
            "refusing to replace `{}`: it is not a folder (choose another output with --out or [output] dir)",
            target.display()
        );
    }
    if force || target.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = std::fs::read_dir(target)
        .with_context(|| format!("failed to read `{}`", target.display()))?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    bail!(
        "refusing to replace `{}`: it is not empty and was not made by tejun (no `{MARKER}` file). \
         Move it away, choose another output with --out or [output] dir, or pass --force to replace it",
        target.display()
    )
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
    fn memory_output_rejects_escaping_paths() {
        let mut out = MemoryOutput::default();
        assert!(out.write("../x.html", b"").is_err());
        assert!(out.write("/etc/x", b"").is_err());
        assert!(out.write("assets/a.css", b"x").is_ok());
    }

    #[test]
    fn staged_dir_swaps_and_refuses_foreign_folders() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let target = tmp.path().join("site");
        let mut s = StagedDir::begin(&target, false)?;
        s.write("index.html", b"one")?;
        s.commit()?.finish()?;
        assert_eq!(std::fs::read(target.join("index.html"))?, b"one");
        let mut s = StagedDir::begin(&target, false)?;
        s.write("index.html", b"two")?;
        s.commit()?.finish()?;
        assert_eq!(std::fs::read(target.join("index.html"))?, b"two");
        // Only the new output remains beside the target.
        assert_eq!(std::fs::read_dir(tmp.path())?.count(), 1);

        let foreign = tmp.path().join("mine");
        std::fs::create_dir(&foreign)?;
        std::fs::write(foreign.join("notes.txt"), b"keep")?;
        assert!(StagedDir::begin(&foreign, false).is_err());
        // --force replaces it; a file is never replaced, forced or not.
        let mut s = StagedDir::begin(&foreign, true)?;
        s.write("index.html", b"forced")?;
        s.commit()?.finish()?;
        assert_eq!(std::fs::read(foreign.join("index.html"))?, b"forced");
        assert!(!foreign.join("notes.txt").exists());
        let file = tmp.path().join("file.txt");
        std::fs::write(&file, b"keep")?;
        assert!(StagedDir::begin(&file, true).is_err());
        Ok(())
    }
}
