//! `tejun build` as one library call that reads top to bottom: choose and claim the
//! output folder, render the site into a staging folder beside it (with the PDFs when the
//! book asks for them) while the command line's search index, once `tejun search` or
//! `tejun index` has made it, is brought up to date, swap the new site in, and let the
//! previous one go. The command line loads the book, calls [`Build::run`] and
//! prints the [`Report`]; nothing here prints.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::model::Book;
use crate::output::owned::output_in_book;
use crate::output::{BookSources, BuildCache, Kind, SharedOutput as _, StagedDir};
use crate::progress::Progress;
use crate::render::{Site, Theme};
use crate::search::index::{self, Update};

/// A build of one loaded book into one output folder, the folder already claimed.
pub struct Build<'a> {
    root: &'a Path,
    book: &'a Book,
    /// The book in each of its other languages, built into `<out>/<lang>/`.
    translations: &'a [Book],
    out_dir: PathBuf,
    staged: StagedDir,
    /// Left for the next build to tell it has nothing to do ([`crate::fresh`]).
    fresh: Option<(&'a crate::fresh::Prepared, crate::fresh::Record)>,
}

/// What a build did.
#[derive(Debug)]
pub struct Report {
    /// Where the site was written.
    pub out_dir: PathBuf,
    /// Pages written (the print page included) and the steps on them.
    pub pages: usize,
    /// Steps on those pages (a step on several pages counts on each).
    pub steps: usize,
    /// PDFs printed (`[output.pdf] enabled`).
    pub pdfs: usize,
    /// What became of the search index.
    pub index: IndexOutcome,
    /// Files put in place from the previous build, unchanged, instead of written.
    pub reused: usize,
}

/// What became of the search index beside the output.
#[derive(Debug)]
pub enum IndexOutcome {
    /// Built afresh.
    Built {
        /// How many documents it holds.
        docs: usize,
        /// Where it is.
        dir: PathBuf,
    },
    /// It matched the book already.
    UpToDate,
    /// There is none beside the output, and none was made: the site needs none (its search
    /// has its own index), and `tejun search` makes it on first use, after which every
    /// build keeps it up to date.
    NotMade,
    /// The site was built; the index could not be (a foreign folder in its place, a full
    /// disk): `tejun search` will say so itself.
    Failed(String),
}

impl<'a> Build<'a> {
    /// Claims the output folder: `out`, or the book's `[output] dir`. Refuses a folder
    /// tejun did not make and the book's own sources before anything is rendered.
    pub fn new(root: &'a Path, book: &'a Book, out: Option<&Path>) -> Result<Build<'a>> {
        let out_dir = match out {
            Some(out) => out.to_path_buf(),
            None => output_in_book(root, &book.config.out_dir)?,
        };
        let sources = BookSources::new(root, &book.config.theme_dir);
        let staged = StagedDir::begin(&out_dir, Kind::Site, &sources)?;
        // Only now: a folder tejun did not make is refused above, and nothing is taken from it.
        let staged = staged.with_cache(BuildCache::open(&out_dir));
        Ok(Build {
            root,
            book,
            translations: &[],
            out_dir,
            staged,
            fresh: None,
        })
    }

    /// Takes the previous build's memo as the up-to-date check read it ([`crate::fresh`]),
    /// so that it is not read again.
    pub fn with_memo(mut self, memo: crate::output::memo::Memo) -> Build<'a> {
        if let Some(cache) = self.staged.cache_mut() {
            cache.use_memo(memo);
        }
        self
    }

    /// Leaves `record` (its page and step counts filled in) for the next build of
    /// `prepared`'s inputs, so that it can tell it has nothing to do.
    pub fn remembering(
        mut self,
        prepared: &'a crate::fresh::Prepared,
        record: crate::fresh::Record,
    ) -> Build<'a> {
        self.fresh = Some((prepared, record));
        self
    }

    /// Renders every file afresh and forgets the build cache beside the output (`--no-cache`).
    pub fn without_cache(mut self) -> Build<'a> {
        self.staged = self.staged.without_cache();
        self
    }

    /// Also builds the book's translations (loaded with [`crate::resolve::load_translated`]),
    /// each into a folder named by its language, linked page to page with the source.
    pub fn with_translations(mut self, books: &'a [Book]) -> Build<'a> {
        self.translations = books;
        self
    }

    /// Renders, indexes, swaps in. The tantivy index needs nothing from the site, so it is
    /// updated on its own thread while the site renders on the others. It is updated only
    /// where it already is: a reader who never runs `tejun search` does not pay for it (at
    /// 5,000 procedures it was a fifth of a full build's work).
    pub fn run(self, progress: &dyn Progress) -> Result<Report> {
        let Build {
            root,
            book,
            translations,
            out_dir,
            mut staged,
            fresh,
        } = self;
        let own = book.config.language;
        let others: Vec<_> = translations.iter().map(|b| b.config.language).collect();
        let theme = Theme::load(Some(&root.join(&book.config.theme_dir)))?;
        // The book's model, hashed once for the site's keys and the index's, before either
        // starts: hashed inside them, a thread waiting for it would hold a rayon worker
        // the hashing needs. A build that keeps no cache and has no index to update
        // (`--no-cache`, no `tejun search` yet) needs no keys at all.
        let index_dir = index::beside(&out_dir);
        let model = crate::render::inputs::SharedInputs::default();
        if index_dir.exists() || staged.keeps_cache() {
            crate::render::inputs::of(&model, book);
        }
        let site = Site::new(book, theme)?
            .with_inputs(model.clone())
            .with_search(crate::search::read_site)
            .with_languages(crate::render::language_links(own, &others, own));
        let (site_result, index) = std::thread::scope(|scope| {
            let index = scope.spawn(|| {
                crate::timing::phase("tantivy index", || {
                    let updated = if index_dir.exists() {
                        Some(index::update_sharing(root, book, &index_dir, &model)?)
                    } else {
                        // What an interrupted `tejun index` left beside it still goes.
                        crate::output::remove_leftovers(&index_dir);
                        None
                    };
                    // Each translation's beside it, for `tejun search --lang`.
                    for tr in translations {
                        let dir = index::in_language(&index_dir, own, tr.config.language);
                        if dir.exists() {
                            index::update(root, tr, &dir)?;
                        } else {
                            crate::output::remove_leftovers(&dir);
                        }
                    }
                    anyhow::Ok(updated)
                })
            });
            // The site is swapped in as soon as it is whole, the index still being written.
            let built = render_into(&site, book, root, &mut staged, progress)
                .and_then(|r| {
                    for tr in translations {
                        let lang = tr.config.language;
                        let theme = Theme::load(Some(&root.join(&tr.config.theme_dir)))?;
                        let site = Site::new(tr, theme)?
                            .with_search(crate::search::read_site)
                            .with_languages(crate::render::language_links(own, &others, lang));
                        crate::output::with_shared(&mut staged, |sink| {
                            let mut within = crate::output::Within::new(sink, lang.code());
                            site.build_with(&mut within, &crate::progress::Silent)
                        })?;
                    }
                    Ok(r)
                })
                .and_then(|r| {
                    // Only for inputs as they were hashed: see `Prepared::unchanged`.
                    let fresh = fresh.as_ref().filter(|(prepared, _)| {
                        crate::timing::phase("inputs unchanged", || prepared.unchanged(root))
                    });
                    if let (Some((prepared, record)), Some(cache)) = (fresh, staged.cache()) {
                        let record = crate::fresh::Record {
                            pages: r.0.pages,
                            steps: r.0.steps,
                            ..record.clone()
                        };
                        crate::fresh::remember(cache, prepared, &record);
                    }
                    let reused = staged.cache().map_or(0, |c| c.reused());
                    let retired = crate::timing::phase("commit", || staged.commit())?;
                    Ok((r, reused, retired))
                });
            progress.finish();
            (built, index.join())
        });
        let ((pages, pdfs), reused, retired) = site_result?;
        let index = match index {
            Ok(Ok(Some(Update::Built { docs }))) => IndexOutcome::Built {
                docs,
                dir: index_dir,
            },
            Ok(Ok(Some(Update::UpToDate { .. }))) => IndexOutcome::UpToDate,
            Ok(Ok(None)) => IndexOutcome::NotMade,
            Ok(Err(e)) => IndexOutcome::Failed(format!("{e:#}")),
            Err(_) => IndexOutcome::Failed("the indexer failed".into()),
        };
        crate::timing::phase("remove previous output", || retired.finish_detached())?;
        Ok(Report {
            out_dir,
            pages: pages.pages,
            steps: pages.steps,
            pdfs,
            index,
            reused,
        })
    }
}

/// The site, then the PDFs when the book asks for them, into the staging folder.
fn render_into(
    site: &Site,
    book: &Book,
    root: &Path,
    staged: &mut StagedDir,
    progress: &dyn Progress,
) -> Result<(crate::render::Built, usize)> {
    let pages = site.build_with(staged, progress)?;
    let pdfs = if book.config.pdf_enabled {
        crate::pdf::build(book, &root.join(&book.config.theme_dir), staged)?
    } else {
        0
    };
    Ok((pages, pdfs))
}
