//! How a long build reports how far it got, without knowing who watches: the command line
//! draws a bar ([`crate::cli`]), the dev server and tests watch nothing ([`Silent`]).

/// Receives a build's progress from every rendering thread at once.
pub trait Progress: Sync {
    /// The work ahead: `units` pages and runbooks.
    fn start(&self, units: u64);
    /// `units` more done.
    fn advance(&self, units: u64);
    /// The work is over (done or failed): whatever was drawn can go.
    fn finish(&self);
}

/// Progress nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}
