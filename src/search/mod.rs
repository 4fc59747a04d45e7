//! Full-text search over steps and commands. One analyser ([`mod@analyze`]) feeds two indexes
//! built from the same documents ([`docs`]): a tantivy index for the command line
//! ([`index`], queried by `retrieve`) and sharded script files for the offline site
//! ([`offline`], read by `themes/default/search.js`). A query is read by [`query`], which
//! never fails, widened against the book's vocabulary and synonyms by [`expand`], ranked
//! by [`rank`] (the same arithmetic in both places), and shown with [`snippet`]s,
//! conditions in the book's words ([`wording`]) and the search box's words (`[search]` of
//! [`crate::words`]).
//! [`commands`] lists every program and process with the steps that use them.

pub mod analyze;
pub mod commands;
pub mod docs;
pub mod expand;
pub mod index;
pub mod message;
pub mod offline;
pub mod pack;
pub mod query;
pub mod rank;
mod retrieve;
pub mod snippet;
pub mod stem;
pub mod wording;

pub use analyze::analyze;
pub use docs::{collect, SearchDoc};
pub use index::{default_dir, update, Hit, LiveIndex, Request, Results, SearchIndex, Update};
pub use offline::{write_offline_index, write_site_index, OfflineStats};
pub use query::Field;
