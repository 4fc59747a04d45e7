use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use super::load::count;
use super::BookArg;
use crate::condition::Condition;
use crate::config::Config;
use crate::coverage::MatrixRow;
use crate::search::wording;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: BookArg,
    /// Also print, per procedure, the condition that selects it and the profiles that do
    #[arg(long)]
    pub matrix: bool,
    /// Fail when a translation is missing text or is stale against its source
    #[arg(long)]
    pub strict: bool,
}

/// A procedure, its selecting condition in the book's words (simplified: each clause
/// once, ranges joined) and the profiles that select it.
fn matrix_row(row: &MatrixRow, config: &Config) -> String {
    let all = Condition::And(row.chain.iter().map(|c| (*c).clone()).collect());
    let when = wording::text(&all, config).unwrap_or_else(|| "(always)".to_string());
    let profiles = if row.profiles.is_empty() {
        "(none)".to_string()
    } else {
        row.profiles.join(", ")
    };
    format!(
        "{} {}\n    when: {when}\n    profiles: {profiles}",
        row.procedure.number, row.procedure.title
    )
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    match super::load::book(&args.book.book, "") {
        Ok(super::load::Loaded { book, warnings, .. }) => {
            if args.matrix {
                let mut out = super::stdout();
                for row in crate::coverage::matrix(&book) {
                    writeln!(out, "{}", matrix_row(&row, &book.config))?;
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
            let translations = book.config.translations.clone();
            super::load::leave(book);
            let mut behind = 0;
            for &lang in &translations {
                match super::translations::check(&args.book.book, lang) {
                    Ok(n) => behind += n,
                    Err(code) => return Ok(code),
                }
            }
            if args.strict && behind > 0 {
                eprintln!(
                    "{} behind the source (--strict)",
                    count(behind, "translated unit")
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(code) => Ok(code),
    }
}
