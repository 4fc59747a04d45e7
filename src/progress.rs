//! The progress bar of a long build. Only a person at a terminal sees it: it stays hidden
//! when stderr is a pipe or a file, under CI, and for books too small to need it.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Fewer units of work than this finish before a bar would be worth drawing.
const MIN_UNITS: u64 = 200;

/// A bar over `total` units of work, or a hidden one that costs nothing.
pub fn bar(total: u64, message: &'static str) -> ProgressBar {
    let visible =
        total >= MIN_UNITS && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total).with_message(message);
    if let Ok(style) = ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} {elapsed}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
