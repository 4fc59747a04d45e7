//! `tejun build`: check the book exactly as `tejun check` does, render the site into a
//! staging folder and swap it in, so the previous site survives any failure.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};

use super::BookArg;
use crate::diagnostics::Severity;
use crate::output::StagedDir;
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
    let (book, warnings) = match crate::load_book(root) {
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
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| root.join(&book.config.out_dir));
    // Refuse a foreign folder before spending time on rendering.
    let mut staged = StagedDir::begin(&out_dir)?;
    let theme = Theme::load(Some(&root.join(&book.config.theme_dir)))?;
    let site = Site::new(&book, theme)?;
    let pages = site.build(&mut staged)?;
    if book.config.pdf_enabled {
        let theme_dir = root.join(&book.config.theme_dir);
        let n = crate::pdf::build(&book, &theme_dir, &mut staged)?;
        eprintln!("printed {n} PDFs with Chromium");
    }
    staged.commit()?;
    eprintln!(
        "built {} pages into {} ({} warnings, {} ms)",
        pages.len(),
        out_dir.display(),
        warnings.count(Severity::Warning),
        start.elapsed().as_millis()
    );
    // The tantivy index for `tejun search` and `tejun serve`, beside the output; rebuilt
    // only when book.toml or content/ changed since it was made.
    let index_dir = crate::search::default_dir(root, &book.config);
    match crate::search::update(root, &book, &index_dir) {
        Ok(crate::search::Update::Built { docs }) => {
            eprintln!("indexed {docs} steps into {}", index_dir.display())
        }
        Ok(crate::search::Update::UpToDate { .. }) => {}
        Err(e) => eprintln!("warning: search index not updated: {e:#}"),
    }
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
