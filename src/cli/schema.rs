//! `tejun schema`: writes the JSON Schemas of the book's files (narrowed by its ids) and
//! the `.taplo.toml` that hands them to the writer's editor; `tejun init` and `tejun
//! build` keep both up to date through [`keep`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use super::BookArg;
use crate::model::Book;
use crate::schema::{Taplo, Written};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: BookArg,
    /// Write the schemas into DIR only (default: the book's `.tejun/schema/`, with a
    /// `.taplo.toml` mapping each book file to its schema)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let root = &args.book.book;
    let loaded = match super::load::book(root, "no schema was written") {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let written = crate::schema::write(root, &loaded.book, args.out.as_deref())?;
    eprintln!(
        "wrote the schemas of {} kinds of book file into {} ({} changed)",
        crate::schema::FileKind::ALL.len(),
        written.dir.display(),
        written.changed
    );
    note_writers_taplo(root, &written);
    Ok(ExitCode::SUCCESS)
}

/// Brings the book's schemas and `.taplo.toml` up to date after `init` or `build`: a
/// failure is a warning, since the book itself was made or built.
pub(super) fn keep(root: &Path, book: &Book) {
    match crate::schema::write(root, book, None) {
        // Said when the schemas change, not at every build: that is when a writer's own
        // `.taplo.toml` may want new paths.
        Ok(w) if w.changed > 0 => note_writers_taplo(root, &w),
        Ok(_) => {}
        Err(e) => eprintln!("warning: the editor schemas were not updated: {e:#}"),
    }
}

fn note_writers_taplo(root: &Path, written: &Written) {
    if written.taplo == Taplo::WritersOwn {
        eprintln!(
            "note: {} is not tejun's, so it was left alone; point its rules at {} to use \
             the book's schemas",
            root.join(crate::schema::TAPLO_CONFIG).display(),
            written.dir.display()
        );
    }
}
