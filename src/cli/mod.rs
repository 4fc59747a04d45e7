//! The command line: one args struct per subcommand, each handed to its module's `run`.

mod build;
mod check;
mod diff;
mod index;
mod init;
mod load;
mod pdf;
mod progress;
mod runbook;
mod schema;
mod search;
mod serve;
mod translations;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tejun",
    version,
    about = "Structured procedures in, a searchable offline handbook out"
)]
/// The command line: one subcommand.
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load and check the book; report every problem with file:line:col
    Check(check::Args),
    /// Show the steps that differ between two environments' runbooks
    Diff(diff::Args),
    /// Build the search index (skipped when the content has not changed)
    Index(index::Args),
    /// Search steps and commands: ranked steps, numbered locations and deep links
    Search(search::Args),
    /// Check the book, then render the static site into `book/` (or `[output] dir`)
    Build(build::Args),
    /// Create a small working book to start from
    Init(init::Args),
    /// Write one environment's runbook: a self-contained HTML checklist
    Runbook(runbook::Args),
    /// Print the book, or one environment's runbook, to PDF with headless Chromium
    Pdf(pdf::Args),
    /// Write the JSON Schemas of the book's files for editors (Taplo), with `.taplo.toml`
    Schema(schema::Args),
    /// Serve the book with live reload while you edit it (nothing is written to disk)
    Serve(serve::Args),
    /// Finishes removing a previous output that `tejun build` retired (internal)
    #[command(name = "remove-retired", hide = true)]
    RemoveRetired {
        /// The retired folder to remove
        dir: PathBuf,
    },
}

/// The folder of the book to work on.
#[derive(Debug, clap::Args)]
pub struct BookArg {
    /// Book folder (holding book.toml); defaults to the current folder
    #[arg(default_value = ".")]
    pub book: PathBuf,
}

/// Runs one command; the exit code says how it went.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(a) => check::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Index(a) => index::run(a),
        Command::Search(a) => search::run(a),
        Command::Build(a) => build::run(a),
        Command::Init(a) => init::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Runbook(a) => runbook::run(a),
        Command::Pdf(a) => pdf::run(a),
        Command::RemoveRetired { dir } => {
            // Handed off by a build that has reported: the next build comes first.
            crate::priority::lower(crate::priority::CLEANUP);
            crate::output::remove_retired(&dir)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The commands' standard output. A reader that stops early (`tejun search … | head`)
/// closes the pipe under us: the rest of the output is dropped quietly, and the command's
/// result stands, rather than a panic (`println!`) or an error about a broken pipe.
pub(crate) struct Stdout {
    inner: std::io::StdoutLock<'static>,
    closed: bool,
}

pub(crate) fn stdout() -> Stdout {
    Stdout {
        inner: std::io::stdout().lock(),
        closed: false,
    }
}

impl Stdout {
    fn unless_closed(
        &mut self,
        result: std::io::Result<usize>,
        len: usize,
    ) -> std::io::Result<usize> {
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(len)
            }
            other => other,
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let written = self.inner.write(buf);
        self.unless_closed(written, buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let flushed = self.inner.flush().map(|()| 0);
        self.unless_closed(flushed, 0).map(|_| ())
    }
}

impl Drop for Stdout {
    /// What is still buffered goes out, or is dropped with the closed pipe; a failure to
    /// flush here has no one left to report to.
    fn drop(&mut self) {
        let _ = self.flush();
    }
}
