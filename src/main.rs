use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tejun::cli::Cli::parse();
    match tejun::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
