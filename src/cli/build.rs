//! `tejun build`: load the book as `tejun check` does, hand it to [`crate::build`], print
//! what it did.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};

use super::load::count;
use super::progress::Bar;
use super::BookArg;
use crate::build::{Build, IndexOutcome};

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
    /// Render every file afresh, ignoring the build cache of the previous build, and remove
    /// that cache (the next build renders everything again)
    #[arg(long)]
    pub no_cache: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let start = Instant::now();
    let root = &args.book.book;
    let mut prepared = if args.no_cache {
        None
    } else {
        crate::timing::phase("inputs of the build", || {
            crate::fresh::prepare(root, args.out.as_deref())
        })
    };
    if let Some(prepared) = &prepared {
        if let Some((record, replay)) = crate::fresh::check(root, prepared, args.out.is_some()) {
            return Ok(up_to_date(
                &args,
                &prepared.out_dir,
                &record,
                &replay,
                start,
            ));
        }
    }
    let memo = prepared.as_mut().and_then(|p| p.take_memo());
    let ahead = prepared.as_mut().and_then(|p| p.take_read_ahead());
    if memo
        .as_ref()
        .is_some_and(crate::output::memo::Memo::holds_pieces)
    {
        crate::allocator::hold_freed_pages();
    }
    let undone = "nothing was built";
    let loaded = crate::timing::phase("load book", || match &memo {
        Some(memo) => super::load::book_remembering(root, memo, ahead, undone),
        None => super::load::book(root, undone),
    });
    let mut loaded = match loaded {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let book = &loaded.book;
    let mut notes = Vec::new();
    let translations =
        match super::translations::load_all(root, book, "nothing was built", &mut notes) {
            Ok(books) => books,
            Err(code) => return Ok(code),
        };
    let mut build = Build::new(root, book, args.out.as_deref())?.with_translations(&translations);
    // A build elsewhere (`--out`) writes nothing into the book, schemas included: the
    // sources may be someone else's or read-only. Kept once the output folder is claimed
    // (a refused one writes nothing) and before the site is built, so that the build can
    // record them as it leaves them.
    if args.out.is_none() {
        super::schema::keep(root, book);
    }
    if args.no_cache {
        build = build.without_cache();
    }
    if let Some(memo) = memo {
        build = build.with_memo(memo);
    }
    if let Some(prepared) = &prepared {
        let record = crate::fresh::Record {
            warnings: std::mem::take(&mut loaded.kept_warnings),
            book_side: if args.out.is_some() {
                None
            } else {
                crate::fresh::book_side(root)
            },
            notes,
            ..crate::fresh::Record::default()
        };
        build = build.remembering(prepared, record);
    }
    let report = build.run(&Bar::new("rendering"))?;
    if report.pdfs > 0 {
        eprintln!("printed {} with Chromium", count(report.pdfs, "PDF"));
    }
    match &report.index {
        IndexOutcome::Built { docs, dir } => {
            // Documents are the steps plus procedure and section introductions: say which,
            // so the step count agrees with `check` and the line below.
            let steps = book.step_count();
            eprintln!(
                "indexed {} and {} into {}",
                count(steps, "step"),
                count(docs.saturating_sub(steps), "introduction"),
                dir.display()
            )
        }
        IndexOutcome::UpToDate | IndexOutcome::NotMade => {}
        IndexOutcome::Failed(why) => eprintln!("warning: search index not updated: {why}"),
    }
    if report.reused > 0 {
        eprintln!(
            "kept {} unchanged from the previous build (`--no-cache` renders everything)",
            count(report.reused, "file")
        );
    }
    eprintln!(
        "built {}, {} into {} ({}, {} ms)",
        count(report.pages, "page"),
        count(report.steps, "step"),
        report.out_dir.display(),
        count(loaded.warnings, "warning"),
        start.elapsed().as_millis()
    );
    if args.open {
        open_site(&report.out_dir);
    }
    super::load::leave((loaded, translations));
    Ok(ExitCode::SUCCESS)
}

/// Says that the site in `out_dir` is what a build would make, as the previous build said.
fn up_to_date(
    args: &Args,
    out_dir: &Path,
    record: &crate::fresh::Record,
    replay: &crate::fresh::Replay,
    start: Instant,
) -> ExitCode {
    replay.emit();
    for note in &record.notes {
        eprintln!("{note}");
    }
    eprintln!(
        "up to date: {} already holds {}, {} built from the book as it is ({}, {} ms; \
         `--no-cache` builds it again)",
        out_dir.display(),
        count(record.pages, "page"),
        count(record.steps, "step"),
        count(replay.count(), "warning"),
        start.elapsed().as_millis()
    );
    if args.open {
        open_site(out_dir);
    }
    ExitCode::SUCCESS
}

/// `--open`: the site's home page in the desktop's browser.
fn open_site(out_dir: &Path) {
    let page = out_dir.join("index.html");
    // The site is built either way; a machine without a desktop browser only warns.
    if let Err(e) = open_in_browser(&page) {
        eprintln!("warning: {e:#}; open {} yourself", page.display());
    }
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
