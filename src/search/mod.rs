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
mod carried;
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
pub mod stored;
pub mod wording;

pub use analyze::analyze;
pub use docs::{collect, SearchDoc};
pub use index::{default_dir, update, Hit, LiveIndex, Request, Results, SearchIndex, Update};
pub use offline::{write_offline_index, OfflineStats};
pub use query::Field;

use std::sync::{Arc, Mutex};

use crate::model::Book;
use crate::render::{IndexFile, IndexKept, Reading, SearchSide};

/// The search layer's reading of `book` for its site ([`crate::render::Site::with_search`]):
/// the documents, made once on every core, list the commands page's names at once and
/// are then kept for the offline index alone, when `indexed` says it will be written (the
/// dev server renders pages and the offline index apart). Each part takes what it reads,
/// so it is let go as soon as that part is done.
pub fn read_site<'b>(book: &'b Book, reading: &Reading<'_>) -> Arc<dyn SearchSide + 'b> {
    let (docs, procedures, commands_key, lean) =
        crate::timing::phase("search: documents", || match reading.memo {
            Some((inputs, sink)) => {
                let read = stored::collect(book, inputs, sink);
                let procedures = read.keys.map(|k| (inputs.shared(), k));
                (read.docs, procedures, read.commands, read.lean)
            }
            None => (collect(book), None, None, Vec::new()),
        });
    // Without an offline index the listing is made now and the documents let go; with
    // one, both read the documents side by side, and the last to be done lets them go.
    let (listed, docs) = if reading.indexed {
        let users = 1 + u8::from(reading.commands);
        (None, Some((Arc::new(docs), users)))
    } else {
        let listed = crate::timing::phase("search: commands", || commands::for_site(&docs));
        (Some(listed), None)
    };
    Arc::new(SiteDocs {
        book,
        procedures,
        commands_key,
        listed: Mutex::new(listed),
        docs: Mutex::new(docs),
        lean,
    })
}

struct SiteDocs<'b> {
    book: &'b Book,
    /// What the book's procedure keys share, and each procedure's key and number of
    /// documents ([`carried::Prior`]).
    procedures: Option<(
        crate::output::Fingerprint,
        Vec<(crate::output::Fingerprint, u32)>,
    )>,
    /// The key of the commands page's listing, made without listing.
    commands_key: Option<crate::output::Fingerprint>,
    /// The commands page's listing, when made with the reading.
    listed: Mutex<Option<Vec<crate::render::commands::Listed>>>,
    /// The documents, with how many of the commands page and the offline index have yet
    /// to read them.
    docs: Mutex<Option<(Arc<Vec<SearchDoc>>, u8)>>,
    /// Each procedure's, in reading order: whether its documents are lean (no body, no
    /// GUI paths: [`stored::decode_lean`]); empty when none is.
    lean: Vec<bool>,
}

impl SiteDocs<'_> {
    /// The documents for one of their readers; the last one takes them, so that they go
    /// as soon as it is done.
    fn read_docs(&self) -> Option<Arc<Vec<SearchDoc>>> {
        let mut held = self
            .docs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (docs, users) = held.as_mut()?;
        *users = users.saturating_sub(1);
        if *users == 0 {
            held.take().map(|(docs, _)| docs)
        } else {
            Some(docs.clone())
        }
    }
}

impl SearchSide for SiteDocs<'_> {
    fn commands_key(&self) -> Option<crate::output::Fingerprint> {
        // Only while the listing is still to be made from these documents.
        self.listed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_none()
            .then_some(self.commands_key)
            .flatten()
    }

    fn commands_kept(&self) {
        // The page needs no listing: the documents' other reader may take them.
        let _ = self.read_docs();
    }

    fn commands(&self) -> Vec<crate::render::commands::Listed> {
        let listed = self
            .listed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        // Asked again (no build does), or not made with the reading: listed from the
        // documents, or from the book when they are gone.
        listed.unwrap_or_else(|| {
            crate::timing::phase("search: commands", || match self.read_docs() {
                Some(docs) => commands::for_site(&docs),
                None => commands::for_site(&collect(self.book)),
            })
        })
    }

    fn write_index(
        &self,
        memo: Option<&dyn crate::output::SharedOutput>,
        kept: &IndexKept<'_>,
        out: &mut IndexFile<'_>,
    ) {
        let docs = self.read_docs();
        let read = docs.is_some();
        // The previous build's postings are patched only for documents of this reading,
        // whose procedures' keys the reading made.
        let prior = match (read, memo, &self.procedures) {
            (true, Some(memo), Some((scope, procedures))) => Some(carried::Prior {
                memo,
                scope: *scope,
                procedures,
                lean: &self.lean,
            }),
            _ => None,
        };
        // A second index from one reading (no build asks for one) reads the book again.
        let docs = docs.unwrap_or_else(|| Arc::new(collect(self.book)));
        // Postings made whole read lean documents again with every field: from the memo
        // they came from, else from the book.
        let whole = || -> Vec<SearchDoc> {
            let again = match (memo, &self.procedures) {
                (Some(memo), Some((_, keys))) => stored::whole(&docs, keys, &self.lean, memo),
                _ => None,
            };
            again.unwrap_or_else(|| collect(self.book))
        };
        let lean = read && self.lean.contains(&true);
        let whole: Option<&offline::Whole<'_>> = lean.then_some(&whole);
        offline::write_index(self.book, &docs, prior.as_ref(), whole, kept, out);
    }
}
