use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use super::load::count;
use super::BookArg;

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
    match super::load::book(&args.book.book, "") {
        Ok(super::load::Loaded { book, warnings }) => {
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
                "checked {}: {}, {}, {}; {} ({} ms)",
                book.config.title,
                count(book.chapters.len(), "chapter"),
                count(procedures, "procedure"),
                count(steps, "step"),
                count(warnings, "warning"),
                start.elapsed().as_millis()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(code) => Ok(code),
    }
}
