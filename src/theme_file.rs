//! Reading a theme's files. A theme may come from anyone, and the site it makes is
//! published: its files are read only from inside its folder (regular files, and links and
//! subfolders that stay in the folder), never a FIFO or device. The renderer's templates
//! and assets and the language tables (`lang/*.toml`, read with the book) come through here.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The book's own version of the theme file `name` in `dir`, or `None` when it has none.
///
/// Only a regular file inside the theme folder is read: a link whose target lies outside
/// the folder (a theme pointing `style.css` at `/etc/passwd` would publish it), and a FIFO,
/// socket or device (reading one can block for ever) are errors naming the file.
pub fn read_file(dir: Option<&Path>, name: &str) -> Result<Option<Vec<u8>>> {
    let Some(dir) = dir else {
        return Ok(None);
    };
    let path = dir.join(name);
    let failed = || format!("failed to read theme file `{}`", path.display());
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(failed),
    };
    // A file in a folder of the theme (`parts/cmd.html`) is reached through that folder,
    // which may itself be a link: its real place, like a link's, must be in the theme.
    let nested = Path::new(name).components().count() > 1;
    let (target, kind) = if meta.file_type().is_symlink() || nested {
        let target = inside_theme(dir, &path)?;
        let kind = std::fs::metadata(&target).with_context(failed)?;
        (target, kind)
    } else {
        (path.clone(), meta)
    };
    if kind.is_dir() {
        return Ok(None);
    }
    regular(&path, &kind)?;
    let mut file = open_nonblocking(&target).with_context(failed)?;
    // Again on the open file: a FIFO put there since the look above must not block us.
    regular(&path, &file.metadata().with_context(failed)?)?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes).with_context(failed)?;
    Ok(Some(bytes))
}

fn regular(path: &Path, meta: &std::fs::Metadata) -> Result<()> {
    if !meta.is_file() {
        bail!(
            "theme file `{}` is not a regular file (a FIFO, socket or device); \
             a theme holds only regular files",
            path.display()
        );
    }
    Ok(())
}

/// Where the link `path` in the theme folder `dir` leads, if that is inside the folder.
fn inside_theme(dir: &Path, path: &Path) -> Result<PathBuf> {
    let folder = dir
        .canonicalize()
        .with_context(|| format!("failed to read theme folder `{}`", dir.display()))?;
    let target = path.canonicalize().with_context(|| {
        format!(
            "theme file `{}` is a link to nothing (or to a link loop)",
            path.display()
        )
    })?;
    if !target.starts_with(&folder) {
        bail!(
            "theme file `{}` is a link to `{}`, outside the theme folder `{}`; \
             a theme is read only from inside its own folder",
            path.display(),
            target.display(),
            folder.display()
        );
    }
    Ok(target)
}

/// Opens `path` for reading without waiting for a writer, should it be a FIFO.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_a_theme_folder_that_links_outside_is_refused() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).expect("mkdir");
        std::fs::write(outside.join("cmd.html"), "secret").expect("write");
        let theme = tmp.path().join("theme");
        std::fs::create_dir(&theme).expect("mkdir");
        std::os::unix::fs::symlink(&outside, theme.join("parts")).expect("symlink");
        let err = read_file(Some(&theme), "parts/cmd.html").expect_err("refused");
        assert!(
            err.to_string().contains("outside the theme folder"),
            "{err}"
        );

        std::fs::remove_file(theme.join("parts")).expect("rm");
        std::fs::create_dir(theme.join("parts")).expect("mkdir");
        std::fs::write(theme.join("parts/cmd.html"), "mine").expect("write");
        let read = read_file(Some(&theme), "parts/cmd.html").expect("read");
        assert_eq!(read.as_deref(), Some(&b"mine"[..]));
        assert!(read_file(Some(&theme), "parts/gui.html")
            .expect("absent")
            .is_none());
    }
}
