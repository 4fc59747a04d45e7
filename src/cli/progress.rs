//! The progress bar of a long build. Only a person at a terminal sees it: it stays hidden
//! when stderr is a pipe or a file, under CI, and for books too small to need it.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::progress::Progress;

/// Fewer units of work than this finish before a bar would be worth drawing.
const MIN_UNITS: u64 = 200;

/// A terminal bar, drawn once the build says how much work there is.
pub struct Bar {
    bar: ProgressBar,
    message: &'static str,
}

impl Bar {
    pub fn new(message: &'static str) -> Bar {
        Bar {
            bar: ProgressBar::hidden(),
            message,
        }
    }
}

impl Progress for Bar {
    fn start(&self, units: u64) {
        let visible = units >= MIN_UNITS
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none();
        if !visible {
            return;
        }
        self.bar
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        self.bar.set_length(units);
        self.bar.set_message(self.message);
        if let Ok(style) =
            ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} {elapsed}")
        {
            self.bar.set_style(style.progress_chars("=> "));
        }
    }

    fn advance(&self, units: u64) {
        self.bar.inc(units);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
