//! The schemas on disk: `.tejun/schema/*.json` in the book, and a `.taplo.toml` beside
//! `book.toml` that maps each kind of book file to its schema, so that opening the book
//! folder in a Taplo-based editor is all the set-up there is.
//!
//! Both follow the ownership rule ([`crate::output::owned`]): a file is replaced only when
//! tejun wrote it (its signature is in it), each write is atomic, and a file whose bytes
//! would not change is not touched (an editor watching it does not reload for nothing). A
//! `.taplo.toml` of the writer's own is left as it is: [`Written::taplo`] says so, and the
//! command tells the writer once.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{for_book, FileKind};
use crate::model::Book;
use crate::output::owned::{BookSources, Signature};

/// Where the schemas go, relative to the book folder.
pub const DIR: &str = ".tejun/schema";

/// Taplo's configuration file, in the book folder.
pub const TAPLO_CONFIG: &str = ".taplo.toml";

/// The first line of the `.taplo.toml` tejun writes; without it the file is the writer's.
pub const TAPLO_SIGNATURE: &str = "# Written by tejun";

/// What [`write()`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The schemas' folder.
    pub dir: PathBuf,
    /// How many schema files were new or changed.
    pub changed: usize,
    /// What became of `.taplo.toml`.
    pub taplo: Taplo,
}

/// What became of `.taplo.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taplo {
    /// Written, or already what tejun would write.
    Kept,
    /// The writer's own file (no signature): left alone.
    WritersOwn,
    /// Not asked for (`tejun schema --out DIR` writes the schemas only).
    NotWritten,
}

/// Writes `book`'s schemas into `out`, or into the book's [`DIR`] with a `.taplo.toml`
/// pointing at them.
pub fn write(root: &Path, book: &Book, out: Option<&Path>) -> Result<Written> {
    let sources = BookSources::new(root, &book.config.theme_dir);
    let dir = out.map_or_else(|| root.join(DIR), Path::to_path_buf);
    let mut changed = 0;
    for file in for_book(book) {
        let path = dir.join(file.kind.file_name());
        if write_if_changed(&path, file.json.as_bytes(), Signature::Schema, &sources)? {
            changed += 1;
        }
    }
    let taplo = if out.is_some() {
        Taplo::NotWritten
    } else {
        write_taplo(root, &sources)?
    };
    Ok(Written {
        dir,
        changed,
        taplo,
    })
}

fn write_taplo(root: &Path, sources: &BookSources) -> Result<Taplo> {
    let path = root.join(TAPLO_CONFIG);
    let own = std::fs::read(&path).is_ok_and(|b| !b.starts_with(TAPLO_SIGNATURE.as_bytes()));
    if own {
        return Ok(Taplo::WritersOwn);
    }
    write_if_changed(&path, taplo_config().as_bytes(), Signature::Taplo, sources)?;
    Ok(Taplo::Kept)
}

/// Writes `bytes` to `path` unless they are there already; `true` when it wrote.
fn write_if_changed(
    path: &Path,
    bytes: &[u8],
    sig: Signature,
    sources: &BookSources,
) -> Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    crate::output::write_owned(path, bytes, sig, sources)?;
    Ok(true)
}

/// The `.taplo.toml` mapping each kind of book file to its schema in [`DIR`].
pub fn taplo_config() -> String {
    let mut s = format!(
        "{TAPLO_SIGNATURE}: the JSON Schema of each kind of book file, for editors that read\n\
         # Taplo's configuration (VS Code's Even Better TOML, Helix, Neovim, Zed). tejun\n\
         # rewrites this file; to keep a file of your own here, delete this comment's first\n\
         # line and tejun will leave it alone.\n"
    );
    for kind in FileKind::ALL {
        let _ = write!(s, "\n[[rule]]\ninclude = {}\n", toml_list(kind.include()));
        if !kind.exclude().is_empty() {
            let _ = writeln!(s, "exclude = {}", toml_list(kind.exclude()));
        }
        let _ = writeln!(s, "schema.path = \"{DIR}/{}\"", kind.file_name());
    }
    s
}

fn toml_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
    format!("[{}]", quoted.join(", "))
}
