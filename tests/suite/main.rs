//! The integration tests, one binary (as mdBook's tests/testsuite): a module per feature.

// The binary's allocator, so `search::offline_index_time` measures what `tejun build` does.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod harness;

mod bad_input;
mod browser;
mod build;
mod check;
mod diff;
mod filter;
mod fuzz;
mod genbook;
mod hardening;
mod hostile;
mod interrupted_build;
mod javascript;
mod kubeadm;
mod links;
mod no_lost_files;
mod pdf;
mod placeholders;
mod profiles;
mod runbook;
mod search;
mod serve;
mod serve_load;
mod transcription;
