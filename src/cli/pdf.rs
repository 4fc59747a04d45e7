//! `tejun pdf`: the whole book, or one environment's runbook, printed to PDF by headless
//! Chromium (see `crate::pdf`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use super::BookArg;
use crate::output::BookSources;
use crate::pdf::{self, Request};
use crate::render::runbook::build_date;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: BookArg,
    /// The language to write it in: the book's own or one of its `translations`
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// Print the runbook of this profile (an `id` of a `[[profile]]` in book.toml)
    #[arg(long, value_name = "NAME", conflicts_with = "env")]
    pub profile: Option<String>,
    /// Print the runbook of this environment, e.g. `os=linux,from=2.4`
    #[arg(long, value_name = "K=V,...")]
    pub env: Option<String>,
    /// PDF file to write (default: `book.pdf`, `<profile>.pdf` or `runbook.pdf` here)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Values for placeholders, printed in the commands: `--set resource=JCRes,...`
    #[arg(long, value_name = "ID=VALUE,...")]
    pub set: Vec<String>,
    /// Chromium (or Chrome) binary; default: chromium, chromium-browser or google-chrome on PATH
    #[arg(long, value_name = "PATH")]
    pub chromium: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let start = Instant::now();
    // Before loading anything: without a printer there is nothing to do.
    let chromium = pdf::find_chromium(args.chromium.as_deref())?;
    let root = &args.book.book;
    let mut book = match super::load::book_in(root, args.lang.as_deref(), "no PDF was written") {
        Ok(loaded) => loaded.book,
        Err(code) => return Ok(code),
    };
    super::runbook::set_values(&mut book.config, &args.set)?;
    let cfg = &book.config;
    let built = build_date();
    let runbook =
        super::runbook::runbook_spec(cfg, args.profile.as_deref(), args.env.as_deref(), &built)?;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(match &runbook {
            Some(rb) if rb.id == "env" => "runbook.pdf".to_string(),
            Some(rb) => format!("{}.pdf", rb.id),
            None => "book.pdf".to_string(),
        })
    });
    let theme_dir = root.join(&cfg.theme_dir);
    let sources = BookSources::new(root, &cfg.theme_dir);
    let printed = pdf::write(
        &Request {
            book: &book,
            theme_dir: Some(&theme_dir),
            runbook,
            chromium: &chromium,
        },
        &out,
        &sources,
    )?;
    if !printed.toc_pages {
        eprintln!("note: the contents list section numbers only (page numbers could not be read back from Chromium's PDF)");
    }
    eprintln!(
        "wrote {} ({} KiB, {} ms)",
        out.display(),
        printed.bytes.len() / 1024,
        start.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}
