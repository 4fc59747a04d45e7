//! The integration tests: one binary (as mdBook's tests/testsuite), a module per feature,
//! each test running the real `tejun` on a fresh copy of a small book. One binary links
//! the library once instead of once per test file, and all its tests run side by side.
//!
//! A new test is a few lines (the helpers are in `harness`):
//!
//! ```ignore
//! #[test]
//! fn check_counts_the_procedures() {
//!     let book = Book::fixture("site-basic");
//!     let out = book.run(["check", "."]);
//!     assert!(out.assert_ok().stderr().contains("2 procedures"), "{}", out.stderr());
//! }
//! ```
//!
//! Books: the fixtures in `tests/fixtures/` (`site-basic`, in English; `site-ja`, in
//! Japanese, with environments, profiles, placeholders and reusable steps; `hostile`;
//! `check/<case>` laid over `check/base`) for behaviours any book has; the JobCenter book
//! (`Book::jobcenter`, or the repository itself for read-only commands) only for what is
//! about it: the transcription and the profiles against the seed, the filter and the
//! picker on the real book, end-to-end builds, prints and screenshots; `examples/kubeadm`.
//!
//! The tests share one process, so none may change what is process-wide (the current
//! folder, this process's environment variables): every folder is a fresh `TempDir`, every
//! child gets its environment through `Tejun::env`, every server its own port and
//! temporary folder. A new feature gets a module here and a `mod` line below.

// The binary's allocator, so `search::offline_index_time` measures what `tejun build` does.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod harness;

mod a11y;
mod anchors;
mod bad_input;
mod browser;
mod build;
mod check;
mod commands_page;
mod diff;
mod facet_values;
mod filter;
mod format_reference;
mod fuzz;
mod genbook;
mod hardening;
mod hostile;
mod incremental;
mod interrupted_build;
mod javascript;
mod kubeadm;
mod layers;
mod links;
mod nav;
mod no_lost_files;
mod pages;
mod pdf;
mod placeholders;
mod problems;
mod profiles;
mod reuse_output;
mod runbook;
mod runbook_work;
mod schema;
mod search;
mod search_browser;
mod search_env;
mod search_lang;
mod serve;
mod serve_load;
mod transcription;
mod translations;
mod up_to_date;
mod words;
