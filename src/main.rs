use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = tejun::cli::Cli::parse();
    match tejun::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Not `eprintln!`: it panics when stderr is closed (`2>&1 | head`).
            let _ = writeln!(std::io::stderr(), "error: {e:#}");
            ExitCode::from(2)
        }
    }
}
