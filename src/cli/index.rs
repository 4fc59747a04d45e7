//! `tejun index`: build the search index `tejun search` reads, unless the content has not
//! changed since the last build.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use super::BookArg;
use crate::model::Book;
use crate::output::owned::SITE_MARKER;
use crate::output::{BookSources, Kind, Output, StagedDir};
use crate::search::index::{self, millis, Update};
use crate::search::OfflineStats;

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
    /// Index the book in this language: its own or one of its `translations` (by default
    /// into `.tejun-index-<lang>` beside the source's index)
    #[arg(long)]
    pub lang: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let root = &args.book.book;
    let mut book = match super::load::book(root, "nothing was indexed") {
        Ok(loaded) => loaded.book,
        Err(code) => return Ok(code),
    };
    let lang = match &args.lang {
        None => book.config.language,
        Some(code) => match book.config.language_named(code) {
            Ok(lang) => lang,
            Err(msg) => {
                eprintln!("error: --lang {code}: {msg}");
                return Ok(ExitCode::from(2));
            }
        },
    };
    let dir = match args.out {
        Some(dir) => dir,
        None => {
            // The same refusal as `tejun build` for an `[output] dir` outside the book.
            crate::output::owned::output_in_book(root, &book.config.out_dir)?;
            index::default_dir_in(root, &book.config, lang)
        }
    };
    if lang != book.config.language {
        book = match super::load::book_in(root, Some(lang.code()), "nothing was indexed") {
            Ok(loaded) => loaded.book,
            Err(code) => return Ok(code),
        };
    }
    let update = if args.force {
        Update::Built {
            docs: index::build(
                root,
                &book,
                &dir,
                &index::Inputs::of(root, book.config.language)?,
            )?,
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
        let stats = write_offline(root, &book, site)?;
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

/// Replaces the `search/` folder of the built site `site` with a new offline index,
/// staged beside it and swapped in whole. `site` must be a folder `tejun build` made.
fn write_offline(root: &Path, book: &Book, site: &Path) -> anyhow::Result<OfflineStats> {
    let sources = BookSources::new(root, &book.config.theme_dir);
    sources.check(site)?;
    if !site.join(SITE_MARKER).is_file() {
        anyhow::bail!(
            "refusing to write into `{}`: it is not a site tejun built (no `{SITE_MARKER}` \
             file); give --offline the output folder of `tejun build`",
            site.display()
        );
    }
    let mut staged = StagedDir::begin(&site.join("search"), Kind::OfflineSearch, &sources)?;
    let mut failed = None;
    let stats = crate::search::write_offline_index(book, &mut |rel, bytes| {
        let rel = rel.strip_prefix("search/").unwrap_or(rel);
        if let Err(e) = staged.write(rel, &bytes) {
            failed.get_or_insert(e);
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    staged.commit()?.finish()?;
    Ok(stats)
}
