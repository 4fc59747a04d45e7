//! The one rule for everything tejun writes to disk: a command replaces or removes only
//! what tejun itself made, and never the book's sources.
//!
//! "Made by tejun" is proved by a mark in the thing itself: a folder carries a marker file
//! ([`Kind::marker`]), a single file its signature ([`Signature`]). "The book's sources" are
//! the book folder, `book.toml`, `content/` and the theme folder: an output may not be
//! one of them, contain one (an output of `.` or of a folder above the book), or lie inside
//! one (`--out content/site`), marker or not. There is no flag that lifts this rule: a
//! writer who wants a foreign folder replaced moves it away first.

use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The marker a site folder carries; a folder without it is never replaced.
pub const SITE_MARKER: &str = ".tejun-output";

/// The marker a search-index folder carries (its metadata file).
pub const INDEX_MARKER: &str = "tejun-index.json";

/// The kinds of folder tejun makes and may later replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A built site (`tejun build`).
    Site,
    /// The tantivy index of `tejun search` (`tejun index`, `tejun build`).
    SearchIndex,
    /// A site's offline search index, its `search/` folder (`tejun index --offline`).
    OfflineSearch,
}

impl Kind {
    /// The file whose presence proves tejun made the folder.
    pub fn marker(self) -> &'static str {
        match self {
            Kind::Site => SITE_MARKER,
            Kind::SearchIndex => INDEX_MARKER,
            Kind::OfflineSearch => "meta.js",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Site => "output",
            Kind::SearchIndex => "search index",
            Kind::OfflineSearch => "offline search",
        }
    }
}

/// The paths of one book that no command may replace, remove or write into.
#[derive(Debug, Clone)]
pub struct BookSources {
    root: PathBuf,
    /// `(canonical path, how to name it in a message)`.
    protected: Vec<(PathBuf, String)>,
}

impl BookSources {
    /// The sources of the book at `root` whose theme folder is `theme_dir` (relative to
    /// `root`, as book.toml gives it).
    pub fn new(root: &Path, theme_dir: &Path) -> BookSources {
        let root = resolve(root);
        let mut protected = vec![(root.clone(), "the book folder".to_string())];
        for (rel, name) in [
            (Path::new("book.toml"), "book.toml"),
            (Path::new("content"), "content/"),
            (Path::new("translations"), "translations/"),
            (theme_dir, "the theme folder"),
        ] {
            protected.push((resolve(&root.join(rel)), name.to_string()));
        }
        BookSources { root, protected }
    }

    /// Refuses `target` (to be replaced or written) when it is one of the book's sources,
    /// holds one, or lies inside one other than the book folder itself (whose `book/`
    /// output is the default).
    pub fn check(&self, target: &Path) -> Result<()> {
        let t = resolve(target);
        for (path, name) in &self.protected {
            let inside = t.starts_with(path) && *path != self.root;
            if t == *path || path.starts_with(&t) || inside {
                let relation = if t == *path {
                    "is"
                } else if inside {
                    "is inside"
                } else {
                    "contains"
                };
                bail!(
                    "refusing to write `{}`: it {relation} {name} of the book `{}`; tejun never \
                     replaces or writes into a book's sources. Choose another output with --out",
                    target.display(),
                    self.root.display()
                );
            }
        }
        Ok(())
    }
}

/// The folder `[output] dir` names, inside the book at `root`: a book's config may not send
/// the output anywhere else (a book from elsewhere could otherwise name a folder of the
/// reader's); `--out` is the reader's own way to put it elsewhere.
pub fn output_in_book(root: &Path, dir: &Path) -> Result<PathBuf> {
    let inside = !dir.as_os_str().is_empty()
        && dir
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !inside {
        bail!(
            "refusing to write `{}`: `[output] dir` in {} must be a folder inside the book \
             (a relative path without `..`); use --out to build elsewhere",
            dir.display(),
            root.join("book.toml").display()
        );
    }
    Ok(root.join(dir))
}

/// Checks that the folder `target` may be replaced by a new folder of `kind`: it is not
/// one of `sources`, and it does not exist, is empty, or carries `kind`'s marker. A file or
/// a symbolic link is never replaced.
pub fn ensure_replaceable(target: &Path, kind: Kind, sources: &BookSources) -> Result<()> {
    sources.check(target)?;
    let meta = match std::fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(e).with_context(|| format!("failed to inspect `{}`", target.display()))
        }
    };
    if !meta.is_dir() {
        bail!(
            "refusing to replace `{}`: it is not a folder (choose another {} folder with --out)",
            target.display(),
            kind.noun()
        );
    }
    let marker = target.join(kind.marker());
    if std::fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file()) {
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
        "refusing to replace `{}`: it is not empty and tejun did not make it (no `{}` file \
         in it). Move it away or choose another {} folder with --out",
        target.display(),
        kind.marker(),
        kind.noun()
    )
}

/// What a single file tejun writes carries to prove it is tejun's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// An HTML page with `<meta name="generator" content="tejun">` in its head.
    Html,
    /// A PDF whose document information names tejun as its creator (`crate::pdf` adds it).
    Pdf,
    /// A JSON Schema of the book's files, whose `$comment` says tejun wrote it.
    Schema,
    /// A `.taplo.toml` whose first line says tejun wrote it.
    Taplo,
    /// A JSON record tejun keeps for itself (`"written_by": "tejun"` first).
    Record,
}

/// The mark [`Signature::Pdf`] looks for; `crate::pdf` writes it.
pub const PDF_CREATOR: &str = "/Creator (tejun";

impl Signature {
    /// Whether `bytes`, the whole file or its first and last few kilobytes, carry the mark.
    fn found_in(self, head: &[u8], tail: &[u8]) -> bool {
        match self {
            Signature::Html => contains(head, b"<meta name=\"generator\" content=\"tejun"),
            Signature::Pdf => head.starts_with(b"%PDF-") && contains(tail, PDF_CREATOR.as_bytes()),
            Signature::Schema => contains(head, b"\"$comment\": \"Written by tejun"),
            Signature::Taplo => head.starts_with(b"# Written by tejun"),
            Signature::Record => head.starts_with(b"{\"written_by\":\"tejun"),
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// How much of a file's start and end [`ensure_overwritable`] reads.
const PEEK: u64 = 8 * 1024;

/// Checks that the file `path` may be written: not one of `sources`, and either absent or
/// a regular file carrying `sig` (so a file tejun did not write, `book.toml` included, is
/// never overwritten).
pub fn ensure_overwritable(path: &Path, sig: Signature, sources: &BookSources) -> Result<()> {
    sources.check(path)?;
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("failed to inspect `{}`", path.display())),
    };
    if !meta.is_file() {
        bail!(
            "refusing to write `{}`: something other than a regular file is there (choose \
             another file with --out)",
            path.display()
        );
    }
    let (head, tail) =
        peek(path, meta.len()).with_context(|| format!("failed to read `{}`", path.display()))?;
    if !sig.found_in(&head, &tail) {
        bail!(
            "refusing to overwrite `{}`: tejun did not write it. Remove it yourself or choose \
             another file with --out",
            path.display()
        );
    }
    Ok(())
}

/// The first and last [`PEEK`] bytes of a file of `len` bytes.
fn peek(path: &Path, len: u64) -> std::io::Result<(Vec<u8>, Vec<u8>)> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    let mut head = Vec::new();
    (&mut f).take(PEEK).read_to_end(&mut head)?;
    let mut tail = Vec::new();
    f.seek(SeekFrom::Start(len.saturating_sub(PEEK)))?;
    f.take(PEEK).read_to_end(&mut tail)?;
    Ok((head, tail))
}

/// `path` made absolute with every link resolved, also when it does not exist yet: the
/// longest existing prefix is canonicalised and the rest appended (`..` taken lexically
/// there, where no link can be).
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let parts: Vec<Component> = absolute.components().collect();
    for keep in (1..=parts.len()).rev() {
        let prefix: PathBuf = parts[..keep].iter().collect();
        let Ok(mut out) = prefix.canonicalize() else {
            continue;
        };
        for part in &parts[keep..] {
            match part {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(p) => out.push(p),
                _ => {}
            }
        }
        return out;
    }
    absolute
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_what_holds_them_are_refused() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let book = tmp.path().join("book");
        std::fs::create_dir_all(book.join("content/ch"))?;
        std::fs::write(book.join("book.toml"), "")?;
        let s = BookSources::new(&book, Path::new("themes"));
        for bad in [
            book.clone(),
            book.join("."),
            tmp.path().to_path_buf(),
            book.join("book.toml"),
            book.join("content"),
            book.join("content/ch/out"),
            book.join("content/new/../x"),
            book.join("themes/default/assets"),
            book.join("site/../content"),
        ] {
            assert!(s.check(&bad).is_err(), "{} accepted", bad.display());
        }
        for good in [
            book.join("book"),
            book.join("out/site"),
            tmp.path().join("elsewhere"),
        ] {
            s.check(&good)?;
        }
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_the_sources_is_refused() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let book = tmp.path().join("book");
        std::fs::create_dir_all(book.join("content"))?;
        std::os::unix::fs::symlink(book.join("content"), tmp.path().join("link"))?;
        let s = BookSources::new(&book, Path::new("themes"));
        assert!(s.check(&tmp.path().join("link")).is_err());
        assert!(s.check(&tmp.path().join("link/sub")).is_err());
        Ok(())
    }

    #[test]
    fn only_marked_folders_and_signed_files_are_replaced() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let s = BookSources::new(&tmp.path().join("book"), Path::new("themes"));
        let dir = tmp.path().join("site");
        ensure_replaceable(&dir, Kind::Site, &s)?; // absent
        std::fs::create_dir(&dir)?;
        ensure_replaceable(&dir, Kind::Site, &s)?; // empty
        std::fs::write(dir.join("notes.txt"), "mine")?;
        assert!(ensure_replaceable(&dir, Kind::Site, &s).is_err());
        std::fs::write(dir.join(INDEX_MARKER), "{}")?;
        assert!(
            ensure_replaceable(&dir, Kind::Site, &s).is_err(),
            "wrong kind's marker"
        );
        ensure_replaceable(&dir, Kind::SearchIndex, &s)?;

        let page = tmp.path().join("rb.html");
        ensure_overwritable(&page, Signature::Html, &s)?;
        std::fs::write(&page, "<html><p>my notes</p>")?;
        assert!(ensure_overwritable(&page, Signature::Html, &s).is_err());
        std::fs::write(&page, "<head><meta name=\"generator\" content=\"tejun\">")?;
        ensure_overwritable(&page, Signature::Html, &s)?;
        let pdf = tmp.path().join("rb.pdf");
        std::fs::write(&pdf, "%PDF-1.4\n...\n%%EOF\n")?;
        assert!(ensure_overwritable(&pdf, Signature::Pdf, &s).is_err());
        std::fs::write(
            &pdf,
            format!(
                "%PDF-1.4\n{}\n{PDF_CREATOR} 1)>>\n%%EOF\n",
                "x".repeat(20_000)
            ),
        )?;
        ensure_overwritable(&pdf, Signature::Pdf, &s)?;
        assert!(
            ensure_overwritable(tmp.path(), Signature::Html, &s).is_err(),
            "a folder"
        );
        Ok(())
    }

    #[test]
    fn a_schema_or_taplo_config_is_tejuns_only_when_signed() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let s = BookSources::new(&tmp.path().join("book"), Path::new("themes"));
        let schema = tmp.path().join("book.json");
        std::fs::write(
            &schema,
            "{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\"\n}",
        )?;
        assert!(ensure_overwritable(&schema, Signature::Schema, &s).is_err());
        std::fs::write(
            &schema,
            "{\n  \"$comment\": \"Written by tejun from the book\"\n}",
        )?;
        ensure_overwritable(&schema, Signature::Schema, &s)?;
        let taplo = tmp.path().join(".taplo.toml");
        std::fs::write(&taplo, "# mine\n# Written by tejun\n")?;
        assert!(ensure_overwritable(&taplo, Signature::Taplo, &s).is_err());
        std::fs::write(&taplo, "# Written by tejun: …\n")?;
        ensure_overwritable(&taplo, Signature::Taplo, &s)?;
        Ok(())
    }
}
