//! tejun (手順): structured procedures in, an offline handbook, filtered runbooks and a
//! print page out. The pipeline reads top to bottom:
//! `config` → `content` (files) → `resolve` ([`model::Book`]) → `filter` → `render` → `output`.

pub mod cli;
pub mod condition;
pub mod config;
pub mod content;
pub mod coverage;
pub mod diagnostics;
pub mod filter;
pub mod model;
pub mod output;
pub mod pdf;
pub mod progress;
pub mod render;
pub mod resolve;
pub mod search;
pub mod serve;
pub mod timing;
pub mod version;

pub use model::Book;
pub use resolve::load_book;
