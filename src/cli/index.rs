//! `tejun index`: build the search index `tejun search` reads, unless the content has not
//! changed since the last build.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use super::BookArg;
use crate::search::index::{self, millis, Update};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: BookArg,
    /// Index folder; defaults to `.tejun-index` beside the output folder
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Rebuild even when the content has not changed
    #[arg(long)]
    pub force: bool,
    /// Also write the offline site index (`search/*.js`, as `tejun build` does) into DIR
    #[arg(long, value_name = "DIR")]
    pub offline: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let root = &args.book.book;
    let book = match crate::load_book(root) {
        Ok((book, _warnings)) => book,
        Err((diags, sources)) => {
            diags.emit(&sources);
            return Ok(ExitCode::from(1));
        }
    };
    let dir = args
        .out
        .unwrap_or_else(|| index::default_dir(root, &book.config));
    let update = if args.force {
        Update::Built {
            docs: index::build(&book, &dir, &index::Inputs::of(root)?)?,
        }
    } else {
        index::update(root, &book, &dir)?
    };
    match update {
        Update::UpToDate { docs } => eprintln!(
            "search index up to date: {docs} documents in {} ({:.0} ms)",
            dir.display(),
            millis(start)
        ),
        Update::Built { docs } => eprintln!(
            "indexed {docs} documents into {} ({} KiB, {:.0} ms)",
            dir.display(),
            index::size_on_disk(&dir).div_ceil(1024),
            millis(start)
        ),
    }
    if let Some(site) = &args.offline {
        let mut failed = None;
        let stats = crate::search::write_offline_index(&book, &mut |rel, bytes| {
            let path = site.join(rel);
            let written = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&path, bytes));
            if let Err(e) = written {
                failed.get_or_insert(format!("failed to write `{}`: {e}", path.display()));
            }
        });
        if let Some(e) = failed {
            anyhow::bail!(e);
        }
        eprintln!(
            "offline index: {} documents, {} tokens in {} shards, {} files, {} KiB",
            stats.docs,
            stats.tokens,
            stats.shards,
            stats.files,
            stats.bytes.div_ceil(1024)
        );
    }
    Ok(ExitCode::SUCCESS)
}
