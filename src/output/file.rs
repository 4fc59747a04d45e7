//! Single files written whole or not at all: the bytes go into a temporary file beside the
//! destination, reach the disk, and are renamed over it, so a kill or a full disk leaves
//! the previous file (or none), never a truncated one.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use super::owned::{ensure_overwritable, BookSources, Signature};

/// Writes `bytes` to `path` atomically, creating its folder when missing.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_replacing(path, true, &mut |w| w.write_all(bytes))
}

/// [`write_atomic`] of what `fill` writes, without waiting for the disk: for a file that
/// checks itself when read (the build memo ends with its checksum), which a crash may
/// cut short harmlessly.
pub(super) fn write_atomic_unsynced(
    path: &Path,
    fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    write_replacing(path, false, fill)
}

fn write_replacing(
    path: &Path,
    sync: bool,
    fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create `{}`", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.tejun-new-{}-", std::process::id()))
        .tempfile_in(dir)
        .with_context(|| format!("failed to create a temporary file in `{}`", dir.display()))?;
    let written = {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        fill(&mut w).and_then(|()| w.flush())
    }
    .and_then(|()| {
        if sync {
            tmp.as_file().sync_data()
        } else {
            Ok(())
        }
    });
    written.with_context(|| format!("failed to write `{}`", path.display()))?;
    set_readable(tmp.as_file());
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    Ok(())
}

/// A temporary file is private (0600); what tejun publishes is readable as a plain
/// `fs::write` would leave it (0644 under the usual umask).
#[cfg(unix)]
fn set_readable(f: &std::fs::File) {
    use std::os::unix::fs::PermissionsExt;
    let _ = f.set_permissions(std::fs::Permissions::from_mode(0o644));
}

#[cfg(not(unix))]
fn set_readable(_: &std::fs::File) {}

/// Writes a runbook, PDF or other single file a command produces: refused when `path` is
/// one of the book's sources or a file tejun did not write (see [`ensure_overwritable`]),
/// then written atomically.
pub fn write_owned(path: &Path, bytes: &[u8], sig: Signature, sources: &BookSources) -> Result<()> {
    ensure_overwritable(path, sig, sources)?;
    write_atomic(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let path = tmp.path().join("sub/rb.html");
        write_atomic(&path, b"one")?;
        write_atomic(&path, b"two")?;
        assert_eq!(std::fs::read(&path)?, b"two");
        assert_eq!(std::fs::read_dir(path.parent().unwrap())?.count(), 1);
        Ok(())
    }
}
