use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tunes the allocator before Rust's runtime first allocates (see `tejun::allocator`).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static TUNE_ALLOCATOR: extern "C" fn() = {
    extern "C" fn tune() {
        // SAFETY: initialisers run before `main`, on the only thread.
        unsafe { tejun::allocator::tune() }
    }
    tune
};

fn main() -> ExitCode {
    // SAFETY: the first thing `main` does, before any thread starts.
    #[cfg(not(target_os = "linux"))]
    unsafe {
        tejun::allocator::tune()
    };
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
