//! `/api/search?lang=en`: the index of one of the book's translations. The preview renders
//! and watches the source only, so a translation's index is made when a query first asks
//! for its language, and made again when its inputs changed since: the stamp `tejun
//! search` checks (`book.toml`, `content/` and `translations/<lang>/`), so an edit of the
//! source or of the translation is searched on the next query.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::bail;

use super::http::ServedIndex;
use crate::search::index::input_stamp;
use crate::search::LiveIndex;
use crate::words::Language;

/// The translations' indexes made so far, one per language.
pub struct Translations {
    root: PathBuf,
    made: Mutex<Vec<Made>>,
}

struct Made {
    lang: Language,
    stamp: String,
    index: Arc<ServedIndex>,
    /// Its known problems, whose messages may add the product's in this language.
    problems: Arc<Vec<crate::model::Problem>>,
}

impl Translations {
    /// None made yet, for the book at `root`.
    pub fn new(root: PathBuf) -> Translations {
        Translations {
            root,
            made: Mutex::new(Vec::new()),
        }
    }

    /// The index of the book in `lang` (one of its translations), as its files are now.
    pub fn index(&self, lang: Language) -> anyhow::Result<Arc<ServedIndex>> {
        let stamp = input_stamp(&self.root, lang)?;
        // Held while indexing: two first queries in a language make one index.
        let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(m) = made.iter().find(|m| m.lang == lang && m.stamp == stamp) {
            return Ok(Arc::clone(&m.index));
        }
        let book = match crate::resolve::load_translated(&self.root, lang) {
            Ok((book, _, _)) => book,
            Err((diags, _)) => bail!(
                "the `{}` translation has errors ({}); `tejun check` lists them",
                lang.code(),
                diags.items.len()
            ),
        };
        let tmp = super::index_folder()?;
        let live = LiveIndex::create(&book, tmp.path())?;
        let index = Arc::new((live.searcher(), tmp, book.config.clone()));
        made.retain(|m| m.lang != lang);
        made.push(Made {
            lang,
            stamp,
            index: Arc::clone(&index),
            problems: Arc::clone(&book.problems),
        });
        Ok(index)
    }

    /// The known problems of the book in `lang` (one of its translations), as its files
    /// are now.
    pub fn problems(&self, lang: Language) -> anyhow::Result<Arc<Vec<crate::model::Problem>>> {
        self.index(lang)?;
        let made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        match made.iter().find(|m| m.lang == lang) {
            Some(m) => Ok(Arc::clone(&m.problems)),
            None => bail!("the `{}` translation is not loaded", lang.code()),
        }
    }
}
