//! tejun (手順): structured procedures in, an offline handbook, filtered runbooks and a
//! print page out. The pipeline reads top to bottom:
//! `config` → `content` (files) → `resolve` ([`model::Book`]) → `filter` → `render` → `output`.
#![warn(missing_docs)]

/// Messages to the terminal never end a command: `tejun search … 2>&1 | head` closes
/// stderr too, and std's `eprintln!` panics when its write fails. Defined before every
/// module, this replaces it crate-wide by a write whose failure is dropped (the exit code
/// still says how the command went).
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// [`eprintln!`]'s twin for the few lines written to stdout outside `cli::stdout()`.
macro_rules! println {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

pub mod allocator;
pub mod build;
pub mod cli;
pub mod condition;
pub mod config;
pub mod content;
pub mod coverage;
pub mod diagnostics;
pub mod facet;
pub mod filter;
pub mod fresh;
pub mod model;
pub mod output;
pub mod pdf;
pub mod placeholder;
pub mod priority;
pub mod progress;
pub mod prose;
pub mod render;
pub mod resolve;
pub mod schema;
pub mod search;
pub mod serve;
pub mod shell;
pub mod theme_file;
pub mod timing;
pub mod toml_source;
pub mod translate;
pub mod version;
pub mod words;

pub use model::Book;
pub use resolve::load_book;
