//! `tejun build`: check the book exactly as `tejun check` does, render the site into a
//! staging folder and swap it in, so the previous site survives any failure.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};

use super::BookArg;
use crate::diagnostics::Severity;
use crate::output::{BookSources, Kind, StagedDir};
use crate::render::{Site, Theme};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: BookArg,
    /// Output folder (default: `[output] dir` of book.toml, beside book.toml)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Open the built index.html in the default browser
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let start = Instant::now();
    let root = &args.book.book;
    let (book, warnings) = match crate::timing::phase("load book", || crate::load_book(root)) {
        Ok(loaded) => loaded,
        Err((diags, sources)) => {
            diags.emit(&sources);
            eprintln!(
                "{} errors, {} warnings; nothing was built",
                diags.count(Severity::Error),
                diags.count(Severity::Warning)
            );
            return Ok(ExitCode::from(1));
        }
    };
    warnings.emit(&book.sources);
    let out_dir = match &args.out {
        Some(out) => out.clone(),
        None => crate::output::owned::output_in_book(root, &book.config.out_dir)?,
    };
    let sources = BookSources::new(root, &book.config.theme_dir);
    // Refuse a foreign folder, or the book's own, before spending time on rendering.
    let mut staged = StagedDir::begin(&out_dir, Kind::Site, &sources)?;
    let theme = Theme::load(Some(&root.join(&book.config.theme_dir)))?;
    let site = Site::new(&book, theme)?;
    // The tantivy index for `tejun search` and `tejun serve` lives beside the output and is
    // rebuilt only when book.toml or content/ changed; it needs nothing from the site, so it
    // is written while the site renders.
    let index_dir = crate::search::index::beside(&out_dir);
    let (site_result, index) = std::thread::scope(|scope| {
        let index = scope.spawn(|| {
            crate::timing::phase("tantivy index", || {
                crate::search::update(root, &book, &index_dir)
            })
        });
        let progress = crate::progress::bar(0, "rendering");
        let built = (|| -> Result<_> {
            let pages = site.build_with(&mut staged, &progress)?;
            progress.finish_and_clear();
            if book.config.pdf_enabled {
                let theme_dir = root.join(&book.config.theme_dir);
                let n = crate::pdf::build(&book, &theme_dir, &mut staged)?;
                eprintln!("printed {n} PDFs with Chromium");
            }
            let retired = crate::timing::phase("commit", || staged.commit())?;
            Ok((pages, retired))
        })();
        progress.finish_and_clear();
        (built, index.join())
    });
    let (pages, retired) = site_result?;
    match index {
        Ok(Ok(crate::search::Update::Built { docs })) => {
            eprintln!("indexed {docs} steps into {}", index_dir.display())
        }
        Ok(Ok(crate::search::Update::UpToDate { .. })) => {}
        Ok(Err(e)) => eprintln!("warning: search index not updated: {e:#}"),
        Err(_) => eprintln!("warning: search index not updated: the indexer failed"),
    }
    crate::timing::phase("remove previous output", || retired.finish_detached())?;
    eprintln!(
        "built {} pages, {} steps into {} ({} warnings, {} ms)",
        pages.pages,
        pages.steps,
        out_dir.display(),
        warnings.count(Severity::Warning),
        start.elapsed().as_millis()
    );
    if args.open {
        // The site is built either way; a machine without a desktop browser only warns.
        if let Err(e) = open_in_browser(&out_dir.join("index.html")) {
            eprintln!(
                "warning: {e:#}; open {} yourself",
                out_dir.join("index.html").display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Hands the page to the desktop's default browser without waiting for it.
fn open_in_browser(page: &Path) -> Result<()> {
    let page = page
        .canonicalize()
        .with_context(|| format!("failed to find `{}`", page.display()))?;
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(&page).spawn().with_context(|| {
        format!(
            "failed to open `{}` in a browser; open it by hand",
            page.display()
        )
    })?;
    Ok(())
}
