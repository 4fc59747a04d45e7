use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use super::BookArg;
use crate::diagnostics::Severity;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: BookArg,
    /// Also print, per procedure, the condition that selects it and the profiles that do
    #[arg(long)]
    pub matrix: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    match crate::load_book(&args.book.book) {
        Ok((book, warnings)) => {
            warnings.emit(&book.sources);
            if args.matrix {
                let mut out = super::stdout();
                for line in crate::coverage::matrix(&book) {
                    writeln!(out, "{line}")?;
                }
                out.flush()?;
            }
            let procedures = book.procedures().count();
            let steps = book.step_count();
            eprintln!(
                "checked {}: {} chapters, {procedures} procedures, {steps} steps; {} warnings ({} ms)",
                book.config.title,
                book.chapters.len(),
                warnings.count(Severity::Warning),
                start.elapsed().as_millis()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err((diags, sources)) => {
            diags.emit(&sources);
            eprintln!(
                "{} errors, {} warnings",
                diags.count(Severity::Error),
                diags.count(Severity::Warning)
            );
            Ok(ExitCode::from(1))
        }
    }
}
