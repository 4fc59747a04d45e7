//! The static site: the validated [`Book`] in, finished files out to an [`Output`].
//!
//! Rendering one page is a function of the book and a [`PageId`]
//! ([`Site::render_page`]), so the dev server can re-render just what changed. A field's
//! Markdown becomes HTML and plain text in one walk ([`markdown`]); the search documents
//! read their text from the same walk. Pages are rendered in parallel and written by the
//! caller's sink. The theme's templates write every element; the markup repeated for every
//! step is written by [`body_html`] and [`procedure_html`] (and the commands page's listing
//! by [`commands_html`]) instead while those templates are the default theme's own, byte
//! for byte the same.

mod body_html;
pub mod commands;
mod commands_html;
pub mod env;
mod fragments;
mod html;
pub mod inputs;
/// HTML escaping, shared with the PDF cover and the dev server's overlay.
pub use html::esc;
pub mod i18n;
pub mod labels;
pub mod markdown;
mod nav;
mod offline;
mod parts;
mod problems;
mod procedure_html;
pub mod runbook;
mod theme;
mod view;

use anyhow::{anyhow, bail, Result};
use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::model::{Book, ChapterItem};
use crate::output::{put_bytes, put_keyed, Fingerprint, Fingerprinter, Output, SharedOutput};
use crate::progress::{Progress, Silent};
use html::Ctx;
pub use html::LinkMode;
pub use nav::PageId;
pub use runbook::RunbookSpec;
pub use theme::{error_chain, read_file as read_theme_file, Theme};
use view::{ChapterView, ItemView, ProcedureView};

/// One finished page, with its steps kept apart for the search index.
#[derive(Debug, Clone)]
pub struct RenderedPage {
    /// Which page.
    pub id: PageId,
    /// Output path, relative (`upgrade-from-2-3.html`).
    pub path: String,
    /// Its `<title>`.
    pub title: String,
    /// The page.
    pub html: String,
    /// Its steps, for the search index.
    pub steps: Vec<RenderedStep>,
}

/// A step as the search index needs it: where it is, what it says, when it applies.
#[derive(Debug, Clone)]
pub struct RenderedStep {
    /// Its procedure's id.
    pub procedure: String,
    /// Its id.
    pub id: String,
    /// Its anchor on the page.
    pub anchor: String,
    /// Its number as the page shows it.
    pub number: String,
    /// Its title.
    pub title: String,
    /// Its rendered body.
    pub html: String,
    /// Its body as plain text.
    pub text: String,
}

/// What [`Site::build_parts`] wrote: the pages (print page included) and their steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Built {
    /// Pages written.
    pub pages: usize,
    /// Steps on them.
    pub steps: usize,
}

/// What [`Site::build_parts`] renders. The dev server renders the pages a writer looks at
/// first, and the files that hold the whole book (the print page, the runbooks, the offline
/// search index) after the reload has gone out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parts {
    /// Everything.
    All,
    /// Every page but the print page, the assets and `assets/toc.js`.
    Pages,
    /// `print.html`, `runbooks/*`, `search/*`.
    Aggregates,
}

impl Parts {
    /// Which part an output path belongs to (`Pages` or `Aggregates`).
    pub fn of(path: &str) -> Parts {
        if path == "print.html" || path.starts_with("runbooks/") || path.starts_with("search/") {
            Parts::Aggregates
        } else {
            Parts::Pages
        }
    }
}

/// The pages in reading order, and each page's place in that list.
type Order = (Vec<PageId>, std::collections::HashMap<PageId, usize>);

/// A book ready to render: the theme compiled and what every page shares computed once.
pub struct Site<'a> {
    book: &'a Book,
    theme: Theme,
    /// The pages in reading order and each page's place in it ([`Site::order`]).
    order: std::sync::OnceLock<Order>,
    /// Built on first use: only the index page and the sidebar script show it, and the
    /// dev server re-renders a single page far more often than those.
    toc: std::sync::OnceLock<Vec<ItemView>>,
    /// The picker's configuration, the same on every page.
    tejun_json: String,
    /// Each procedure and where it sits, by id: built on first use.
    procedures: std::sync::OnceLock<std::collections::HashMap<&'a str, nav::Place<'a>>>,
    /// The step bodies rendered so far, for the pages, the print page and the runbooks.
    bodies: parts::BodyCache,
    /// Reads the book for the offline search index and the commands page, if anything:
    /// the search module sits above the renderer, so the caller hands it in.
    search: Option<SearchReader>,
    /// That reading while a build uses it: made once before the build's workers start
    /// and let go when it ends (a large book's documents are over a hundred megabytes).
    search_read: std::sync::Mutex<Option<std::sync::Arc<dyn SearchSide + 'a>>>,
    /// The book's languages, for the language switch (empty for a book in one).
    languages: Vec<LanguageLink>,
    /// The book's model, hashed on first use (for the build cache's keys).
    inputs: inputs::SharedInputs,
    /// What the site adds to every page besides the book: the theme, the language links.
    site_key: std::sync::OnceLock<Fingerprint>,
}

/// One language of a translated book, as the language switch links it.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageLink {
    /// Its code (`hreflang`).
    pub code: &'static str,
    /// Its own name (`English`, `日本語`).
    pub name: String,
    /// The way from the site being built to that language's site: `""`, `en/`, `../`.
    pub prefix: String,
    /// The language of the site being built.
    pub current: bool,
}

/// The language switch of the site in `current`, for a book written in `own` and
/// translated into `translations`: the source's site at the output's root, each
/// translation's in a folder named by its code.
pub fn language_links(
    own: crate::words::Language,
    translations: &[crate::words::Language],
    current: crate::words::Language,
) -> Vec<LanguageLink> {
    if translations.is_empty() {
        return Vec::new();
    }
    let up = if current == own { "" } else { "../" };
    std::iter::once(own)
        .chain(translations.iter().copied())
        .map(|lang| LanguageLink {
            code: lang.code(),
            name: crate::words::Words::builtin(lang)
                .site
                .language_name
                .clone(),
            prefix: match (lang == current, lang == own) {
                (true, _) => String::new(),
                (false, true) => up.to_string(),
                (false, false) => format!("{up}{}/", lang.code()),
            },
            current: lang == current,
        })
        .collect()
}

/// Reads a book for its site's search parts ([`SearchSide`]).
pub type SearchReader = for<'b> fn(&'b Book, &Reading<'_>) -> std::sync::Arc<dyn SearchSide + 'b>;

/// What a [`SearchReader`] is told besides the book.
pub struct Reading<'r> {
    /// The offline index will be written from this reading (otherwise only the commands
    /// page is).
    pub indexed: bool,
    /// The commands page will be made from it (the listing is then made beside the offline
    /// index, from the same documents, instead of before it).
    pub commands: bool,
    /// The build's memo ([`crate::output::memo`]) and the book's hashed model: what the
    /// previous build read of a procedure the same in both is taken from there.
    pub memo: Option<(&'r inputs::Inputs, &'r dyn SharedOutput)>,
}

/// The search layer's reading of a book (its searchable documents), made once per build
/// and shared by the two parts of the site made from it.
pub trait SearchSide: Send + Sync {
    /// The book's commands and processes for `commands.html` (taken: a build asks once).
    fn commands(&self) -> Vec<commands::Listed>;
    /// A key of what [`SearchSide::commands`] would list, made without listing, when the
    /// reading can tell.
    fn commands_key(&self) -> Option<Fingerprint> {
        None
    }
    /// The commands page was kept from the previous build: its listing will not be asked
    /// for.
    fn commands_kept(&self) {}
    /// Writes the offline index as (path inside the site, bytes, key) files through `out`.
    /// A file with a key is made from what the key fingerprints rather than from its
    /// bytes; `kept` says whether the previous build's file of that path and key was put
    /// in place instead, and such a file is not handed over at all.
    /// `memo` is the build's, when it keeps one: what the previous build's index left
    /// there spares this one work.
    fn write_index(
        &self,
        memo: Option<&dyn SharedOutput>,
        kept: &IndexKept<'_>,
        out: &mut IndexFile<'_>,
    );
}

/// Whether the previous build's file of a path, made from a key, was put in place.
pub type IndexKept<'a> = dyn Fn(&str, Fingerprint) -> bool + Sync + 'a;

/// Takes one file of the offline index: its path, bytes and key (`None`: keyed by its bytes).
pub type IndexFile<'a> = dyn FnMut(&str, Vec<u8>, Option<Fingerprint>) + 'a;

#[derive(Serialize)]
struct FrontView {
    id: String,
    anchor: String,
    title: String,
    html: String,
}

#[derive(Serialize)]
struct RefView {
    id: String,
    anchor: String,
    title: String,
    description: Option<String>,
    url: Option<String>,
}

/// A profile's runbook as the index page lists it.
#[derive(Serialize)]
struct RunbookLink {
    id: String,
    label: String,
    /// The template writes it `| esc` (tera's own escaping would turn its `/` into
    /// `&#x2F;`).
    href: String,
}

/// The print page's body, in reading order: a chapter, then its procedures (rendered
/// already, by `procedure_body.html`).
#[derive(Serialize)]
struct PrintBlock {
    chapter: Option<ChapterView>,
    procedure: Option<String>,
    /// The group a procedure opens, printed just before it (on its page), so a group's
    /// heading and its contents entry are where its first procedure is.
    group: Option<view::ItemView>,
    /// The procedure's id, when it opens a group (the group's heading takes its page).
    first: Option<String>,
}

impl<'a> Site<'a> {
    /// The site of `book` with `theme`; an id that names a page of the site's own (`search`, `print`) is an error.
    pub fn new(book: &'a Book, theme: Theme) -> Result<Site<'a>> {
        let ids = book
            .chapters
            .iter()
            .map(|c| &c.id)
            .chain(book.procedures().map(|p| &p.id));
        let problem_pages: std::collections::HashSet<String> =
            book.problems.iter().map(|p| p.page()).collect();
        for id in ids {
            if nav::RESERVED.contains(&id.as_str()) {
                bail!("the id `{id}` names a page the site uses itself; give the chapter or procedure another `id`");
            }
            if problem_pages.contains(id.as_str()) {
                bail!("the id `{id}` names the page of a known problem; give the chapter or procedure another `id`");
            }
        }
        Ok(Site {
            book,
            theme,
            order: std::sync::OnceLock::new(),
            toc: std::sync::OnceLock::new(),
            tejun_json: env::script_json(&env::picker_config(&book.config)),
            procedures: std::sync::OnceLock::new(),
            bodies: parts::BodyCache::default(),
            search: None,
            search_read: std::sync::Mutex::new(None),
            languages: Vec::new(),
            inputs: inputs::SharedInputs::default(),
            site_key: std::sync::OnceLock::new(),
        })
    }

    /// Links every page to itself in the book's other languages.
    pub fn with_languages(mut self, languages: Vec<LanguageLink>) -> Self {
        self.languages = languages;
        self
    }

    /// Shares the book's hashed model with the rest of the build (the search index's
    /// update hashes the same book).
    pub fn with_inputs(mut self, inputs: inputs::SharedInputs) -> Self {
        self.inputs = inputs;
        self
    }

    /// Writes the offline search index when the whole-book files are built, and lists the
    /// book's commands on `commands.html`, from what `read` makes of the book.
    pub fn with_search(mut self, read: SearchReader) -> Self {
        self.search = Some(read);
        self
    }

    /// The search layer's reading of the book: the build's, or one made for this call
    /// (the dev server rendering the commands page alone).
    fn search_side(&self) -> Option<std::sync::Arc<dyn SearchSide + 'a>> {
        let read = self.search?;
        let held = self
            .search_read
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        Some(held.unwrap_or_else(|| {
            read(
                self.book,
                &Reading {
                    indexed: false,
                    commands: true,
                    memo: None,
                },
            )
        }))
    }

    /// Holds `side` for the rest of a build (`None`: lets it go).
    fn hold_search(&self, side: Option<std::sync::Arc<dyn SearchSide + 'a>>) {
        *self
            .search_read
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = side;
    }

    /// The pages in reading order and each page's place in it, built on first use: the
    /// dev server rendering one page finds its neighbours by walking the book instead.
    fn order(&self) -> &Order {
        self.order.get_or_init(|| {
            let order = nav::reading_order(self.book);
            let position = order
                .iter()
                .enumerate()
                .map(|(i, p)| (p.clone(), i))
                .collect();
            (order, position)
        })
    }

    /// The previous and next page of `page` in reading order.
    fn neighbours(&self, page: &PageId) -> (Option<PageId>, Option<PageId>) {
        match self.order.get() {
            Some((order, position)) => match position.get(page) {
                Some(&i) => (
                    i.checked_sub(1).and_then(|j| order.get(j)).cloned(),
                    order.get(i + 1).cloned(),
                ),
                None => (None, None),
            },
            None => nav::neighbours(self.book, page),
        }
    }

    fn procedure(&self, id: &str) -> Option<&'a crate::model::Procedure> {
        self.place(id).map(|p| p.procedure)
    }

    /// Procedure `id` and where it sits.
    fn place(&self, id: &str) -> Option<nav::Place<'a>> {
        self.procedures
            .get_or_init(|| {
                nav::places(self.book)
                    .map(|p| (p.procedure.id.as_str(), p))
                    .collect()
            })
            .get(id)
            .copied()
    }

    /// Renders every page, runbook and the offline search index in parallel, handing each
    /// file to `out` as soon as it is rendered.
    pub fn build(&self, out: &mut dyn Output) -> Result<Built> {
        self.build_with(out, &Silent)
    }

    /// [`Site::build`], counting each page and runbook on `progress` (its length set here).
    pub fn build_with(&self, out: &mut dyn Output, progress: &dyn Progress) -> Result<Built> {
        self.build_parts(out, progress, Parts::All)
    }

    /// Renders `parts` of the site into `out`. Every file is written as soon as it is
    /// rendered and then dropped: a site of 5,000 procedures is half a gigabyte of HTML,
    /// and holding it all until a final write was most of a build's memory.
    pub fn build_parts(
        &self,
        out: &mut dyn Output,
        progress: &dyn Progress,
        parts: Parts,
    ) -> Result<Built> {
        if parts != Parts::Aggregates {
            // Every page asks for its neighbours: one list beats a walk per page.
            self.order();
        }
        crate::output::with_shared(out, |sink| self.build_into(sink, progress, parts))
    }

    fn build_into(
        &self,
        sink: &dyn SharedOutput,
        progress: &dyn Progress,
        parts: Parts,
    ) -> Result<Built> {
        let (with_pages, with_aggregates) = match parts {
            Parts::All => (true, true),
            Parts::Pages => (true, false),
            Parts::Aggregates => (false, true),
        };
        let pages: Vec<PageId> = PageId::all(self.book)
            .into_iter()
            .filter(|p| with_pages && *p != PageId::Print)
            .collect();
        let profiles = if with_aggregates {
            self.book.config.profiles.len()
        } else {
            0
        };
        let aggregates = 2 * usize::from(with_aggregates);
        progress.start((pages.len() + profiles + aggregates) as u64);
        if sink.keeps_cache() {
            // Hashed here, before the pages' workers ask for it: a worker waiting for
            // another to finish hashing would hold a thread the hashing needs.
            self.inputs();
        }
        // Read once for the offline index and the commands page, before either starts.
        let searched = with_aggregates || pages.contains(&PageId::Commands);
        let read_search = || {
            if let (Some(read), true) = (self.search, searched) {
                let reading = Reading {
                    indexed: with_aggregates,
                    commands: pages.contains(&PageId::Commands),
                    memo: sink.keeps_cache().then(|| (self.inputs(), sink)),
                };
                let side = crate::timing::phase("search documents", || read(self.book, &reading));
                self.hold_search(Some(side));
            }
        };
        let built = runbook::build_date();
        // The pages and the offline index after the search documents on one side; on the
        // other the print page and the runbooks, which read no search document, from the
        // start: each is rendered on every core already, but the reading's and the
        // index's serial steps, writing a file and joining a filter leave a core idle
        // that the other side fills. The index's postings and the views in memory
        // together cost about a tenth more peak memory (600 MiB at 5,000 procedures, a
        // third of Hugo's).
        let pages_side = || -> Result<Vec<usize>> {
            // The sidebar script renders the whole table of contents (70 ms of one core
            // at 5,000 procedures): beside the pages, not after everything.
            let (steps, shared) = rayon::join(
                || {
                    crate::timing::phase("render pages", || {
                        pages
                            .par_iter()
                            .map(|p| {
                                let steps = self.write_page(sink, p)?;
                                progress.advance(1);
                                Ok(steps)
                            })
                            .collect::<Result<Vec<usize>>>()
                    })
                },
                || -> Result<()> {
                    if !with_pages {
                        return Ok(());
                    }
                    self.write_toc_script(sink)?;
                    self.theme.assets.par_iter().try_for_each(|(name, bytes)| {
                        put_bytes(sink, &format!("assets/{name}"), bytes)
                    })
                },
            );
            shared?;
            steps
        };
        let index = || -> Result<()> {
            if !with_aggregates {
                return Ok(());
            }
            if let Some(side) = self.search_side() {
                crate::timing::phase("offline index", || self.offline_index(sink, side.as_ref()))?;
            }
            progress.advance(1);
            Ok(())
        };
        let whole_book = || -> Result<()> {
            if !with_aggregates {
                return Ok(());
            }
            let (print, runbooks) = rayon::join(
                || {
                    crate::timing::phase("print page", || self.write_print(sink))?;
                    progress.advance(1);
                    anyhow::Ok(())
                },
                || crate::timing::phase("runbooks", || self.runbooks(sink, &built, progress)),
            );
            print.and(runbooks)
        };
        let (searched_side, aggregates) = rayon::join(
            || {
                read_search();
                let (steps, index) = rayon::join(pages_side, index);
                index.and(steps)
            },
            whole_book,
        );
        let steps = searched_side;
        self.hold_search(None);
        let steps: usize = steps?.iter().sum();
        aggregates?;
        Ok(Built {
            pages: pages.len() + usize::from(with_aggregates),
            steps,
        })
    }

    /// How the site's pages render steps: they carry no hash (runbooks do).
    fn markup(&self) -> parts::StepMarkup<'_> {
        parts::StepMarkup {
            theme: &self.theme,
            cache: &self.bodies,
            hashed: false,
        }
    }

    fn toc(&self) -> &Vec<ItemView> {
        self.toc
            .get_or_init(|| view::toc(&Ctx::new(self.book, LinkMode::Pages)))
    }

    /// Every profile's runbook, two at a time (three for the last of an odd number): each
    /// is rendered on every core already, but writing its file and its filter's joins
    /// leave a core idle that the next one fills; two or three (not a dozen) keep at most
    /// three filtered books and three runbooks' fragments.
    fn runbooks(
        &self,
        sink: &dyn SharedOutput,
        built: &str,
        progress: &dyn Progress,
    ) -> Result<()> {
        let one = |p: &crate::config::Profile| -> Result<()> {
            let spec = RunbookSpec::profile(&self.book.config, &p.id, built)
                .ok_or_else(|| anyhow!("no profile `{}`", p.id))?;
            let book = self.runbook_book(&spec);
            if sink.keeps_cache() && self.assemble_runbook(sink, &book, &spec)? {
                progress.advance(1);
                return Ok(());
            }
            let c = runbook::context(&book, &self.theme, &self.bodies, &spec)?;
            let (c, key) = self.keyed(sink, runbook::TEMPLATE, c)?;
            put_keyed(sink, &runbook_path(&p.id), key, &mut |w| {
                runbook::write(&self.theme, &spec, &c, w)
            })?;
            progress.advance(1);
            Ok(())
        };
        // An odd one out joins the last pair rather than running alone at the end, where
        // its serial steps (joining its filter, keying its view, writing its file) left
        // the other core idle: 0.05–0.15 s of a rebuild at 5,000 procedures.
        let profiles = &self.book.config.profiles;
        let mut runs: Vec<&[crate::config::Profile]> = profiles.chunks(2).collect();
        if runs.len() > 1 && runs.last().is_some_and(|r| r.len() == 1) {
            runs.pop();
            runs.pop();
            runs.push(&profiles[profiles.len() - 3..]);
        }
        if sink.keeps_cache() {
            self.inputs().prime_views();
        }
        for run in runs {
            run.par_iter().try_for_each(one)?;
        }
        Ok(())
    }

    /// Writes the runbook `spec` of `book` from fragments, those of the previous build
    /// where their keys match; `false` when its template cannot be assembled.
    fn assemble_runbook(
        &self,
        sink: &dyn SharedOutput,
        book: &Book,
        spec: &RunbookSpec,
    ) -> Result<bool> {
        let view_book = crate::timing::phase("runbooks: filter", || runbook::view_of(book, spec));
        let (starts, _) = runbook::step_starts(&view_book);
        let view = crate::timing::phase("runbooks: view key", || self.inputs().view(&view_book));
        let mut file = Fingerprinter::new();
        file.bytes(b"runbook")
            .fingerprint(self.site_key())
            .bytes(spec.id.as_bytes())
            .fingerprint(view);
        let file = file.finish();
        let inputs = self.inputs();
        let keys = view_book
            .procedures()
            .zip(&starts)
            .map(|(p, &start)| inputs.fragment(file, &p.id, start))
            .collect::<Option<Vec<_>>>();
        let Some(keys) = keys else {
            return Ok(false);
        };
        let path = runbook_path(&spec.id);
        let assembly = fragments::Assembly {
            path: &path,
            template: runbook::TEMPLATE,
            theme: self.theme.fingerprint,
            keys,
            // Its outer page also lists the placeholders its steps use: rendered each time.
            outer: None,
        };
        fragments::assemble(
            sink,
            assembly,
            |which| {
                crate::timing::phase("runbooks: fragments", || {
                    runbook::procedure_bodies(
                        &view_book,
                        &self.theme,
                        &self.bodies,
                        spec,
                        Some(which),
                    )
                })
            },
            |marks| {
                crate::timing::phase("runbooks: outer page", || {
                    let c = runbook::outer_context(
                        book,
                        &view_book,
                        &self.theme,
                        &self.bodies,
                        spec,
                        marks,
                    )?;
                    let mut out = Vec::new();
                    runbook::write(&self.theme, spec, &c, &mut out)?;
                    String::from_utf8(out)
                        .map_err(|_| anyhow!("the runbook `{}` is not UTF-8", spec.id))
                })
            },
        )
    }

    /// The offline search index's script files, written in batches from every core (the
    /// index of a large book is thousands of small files).
    fn offline_index(&self, sink: &dyn SharedOutput, side: &dyn SearchSide) -> Result<()> {
        const BATCH: usize = 256;
        type Made = (String, Vec<u8>, Option<Fingerprint>);
        let mut batch: Vec<Made> = Vec::with_capacity(BATCH);
        let mut failed = None;
        let mut flush = |batch: &mut Vec<Made>| {
            let written = batch
                .par_iter()
                .try_for_each(|(path, bytes, key)| match key {
                    Some(key) if sink.keeps_cache() => {
                        put_keyed(sink, path, Some(*key), &mut |w| Ok(w.write_all(bytes)?))
                    }
                    _ => put_bytes(sink, path, bytes),
                });
            batch.clear();
            if let Err(e) = written {
                failed.get_or_insert(e);
            }
        };
        // A reuse that fails to link is a file to write, not an error.
        let kept = |path: &str, key| sink.keeps_cache() && sink.reuse(path, key).unwrap_or(false);
        let memo = sink.keeps_cache().then_some(sink);
        side.write_index(memo, &kept, &mut |path, bytes, key| {
            batch.push((path.to_string(), bytes, key));
            if batch.len() == BATCH {
                flush(&mut batch);
            }
        });
        flush(&mut batch);
        failed.map_or(Ok(()), Err)
    }

    /// One environment's runbook: a single self-contained HTML file.
    pub fn runbook(&self, spec: &RunbookSpec) -> Result<String> {
        runbook::render(&self.runbook_book(spec), &self.theme, &self.bodies, spec)
    }

    /// The book a runbook is made from: for a profile's, its preset placeholder values
    /// filled in where `--set` gave none.
    fn runbook_book(&self, spec: &RunbookSpec) -> std::borrow::Cow<'a, Book> {
        let config = &self.book.config;
        let Some(profile) = config.profiles.iter().find(|p| p.id == spec.id) else {
            return std::borrow::Cow::Borrowed(self.book);
        };
        if profile.values.is_empty() {
            return std::borrow::Cow::Borrowed(self.book);
        }
        let mut book = self.book.clone();
        for (id, value) in &profile.values {
            if let Some(p) = book.config.placeholders.iter_mut().find(|p| p.id == *id) {
                p.value.get_or_insert_with(|| value.clone());
            }
        }
        std::borrow::Cow::Owned(book)
    }

    /// Renders one page.
    pub fn render_page(&self, page: &PageId) -> Result<RenderedPage> {
        let (c, template, steps) = self.page_context(page)?;
        let html = self
            .theme
            .tera
            .render(template, &c)
            .map_err(|e| render_error(page, template, &e))?;
        let ctx = Ctx::new(self.book, link_mode(page));
        Ok(RenderedPage {
            id: page.clone(),
            path: page.path(),
            title: nav::page_link(&ctx, page).title,
            html,
            steps,
        })
    }

    /// Renders `page` into `sink`, unless the previous build made it from the same data;
    /// returns how many steps it shows.
    fn write_page(&self, sink: &dyn SharedOutput, page: &PageId) -> Result<usize> {
        if let (PageId::Procedure(id), true) = (page, sink.keeps_cache()) {
            // Keyed by the model, so an unchanged page's steps are never rendered.
            let p = self
                .procedure(id)
                .ok_or_else(|| anyhow!("no procedure `{id}`"))?;
            let template = "procedure.html";
            let key = self.inputs().page(self.site_key(), template, id);
            self.put_model_keyed(sink, page, key)?;
            return Ok(p.step_count());
        }
        if *page == PageId::Commands && sink.keeps_cache() {
            return self.write_commands(sink);
        }
        // The contents page and the chapters' pages show procedures by their heads only:
        // keyed by the model, so a rebuild after an edit inside a procedure makes neither
        // page's context (the contents page's holds the whole table of contents).
        let listing = match page {
            PageId::Index => Some("index.html"),
            PageId::Chapter(_) => Some("chapter.html"),
            _ => None,
        };
        if let (Some(template), true) = (listing, sink.keeps_cache()) {
            let key = self
                .inputs()
                .listing(self.site_key(), template, &page.path());
            self.put_model_keyed(sink, page, Some(key))?;
            return Ok(0);
        }
        let (c, template, steps) = self.page_context(page)?;
        let (c, key) = self.keyed(sink, template, c)?;
        put_keyed(sink, &page.path(), key, &mut |w| {
            self.theme
                .tera
                .render_to(template, &c, w)
                .map_err(|e| render_error(page, template, &e))
        })?;
        Ok(steps.len())
    }

    /// Writes `page` under `key`, a key made from the model rather than from the page's
    /// context: the context is made only when the previous build's file cannot be kept.
    fn put_model_keyed(
        &self,
        sink: &dyn SharedOutput,
        page: &PageId,
        key: Option<Fingerprint>,
    ) -> Result<()> {
        put_keyed(sink, &page.path(), key, &mut |w| {
            let (c, template, _) = self.page_context(page)?;
            self.theme
                .tera
                .render_to(template, &c, w)
                .map_err(|e| render_error(page, template, &e))
        })
    }

    /// The commands page, keyed by its listing and what the book shares: a rebuild
    /// renders it (it lists the whole book) only when the listing changed.
    fn write_commands(&self, sink: &dyn SharedOutput) -> Result<usize> {
        let page = PageId::Commands;
        let template = "commands.html";
        let render = |listed: &[commands::Listed], w: &mut dyn std::io::Write| -> Result<()> {
            let ctx = Ctx::new(self.book, link_mode(&page));
            let mut c = self.common(&ctx, &page);
            let template = self.commands_page(&ctx, &mut c, listed)?;
            self.theme
                .tera
                .render_to(template, &c, w)
                .map_err(|e| render_error(&page, template, &e))
        };
        // Keyed by what the listing is made from where the reading can tell, so that a
        // kept page lists nothing; else by the listing.
        let side = self.search_side();
        if let Some((side, own)) = side
            .as_ref()
            .filter(|_| sink.keeps_cache())
            .and_then(|s| Some((s, s.commands_key()?)))
        {
            let key = self.inputs().page_with(self.site_key(), template, own);
            let mut listed = false;
            put_keyed(sink, &page.path(), Some(key), &mut |w| {
                listed = true;
                render(&side.commands(), w)
            })?;
            if !listed {
                side.commands_kept();
            }
            return Ok(0);
        }
        let listed = self.commands_listed();
        let mut own = Fingerprinter::new();
        commands::fingerprint(&listed, &mut own);
        let key = self
            .inputs()
            .page_with(self.site_key(), template, own.finish());
        put_keyed(sink, &page.path(), Some(key), &mut |w| render(&listed, w))?;
        Ok(0)
    }

    /// The commands page's listing into `c`, and the template that renders it: the
    /// default theme's markup written by Rust when the theme keeps it.
    fn commands_page(
        &self,
        ctx: &Ctx,
        c: &mut Context,
        listed: &[commands::Listed],
    ) -> Result<&'static str> {
        let list = commands::index(ctx, listed);
        if !self.theme.commands_page {
            c.insert("commands", &list);
            return Ok("commands.html");
        }
        let mut html = String::new();
        commands_html::page(&list, ctx.t(), &mut html);
        fragments::insert_value(c, "commands_html", html.into())?;
        Ok(theme::COMMANDS_PAGE)
    }

    /// What the commands page lists (nothing without the search layer).
    fn commands_listed(&self) -> Vec<commands::Listed> {
        self.search_side().map(|s| s.commands()).unwrap_or_default()
    }

    /// The print page, written as it is rendered: it holds the whole book (over 100 MB at
    /// 5,000 procedures).
    fn write_print(&self, sink: &dyn SharedOutput) -> Result<()> {
        let page = PageId::Print;
        if sink.keeps_cache() {
            let ctx = Ctx::new(self.book, LinkMode::Print);
            let places: Vec<_> = nav::places(self.book).collect();
            let mut file = Fingerprinter::new();
            file.bytes(b"print page").fingerprint(self.site_key());
            let file = file.finish();
            let inputs = self.inputs();
            let keys = places
                .iter()
                .map(|place| inputs.fragment(file, &place.procedure.id, 0))
                .collect::<Option<Vec<_>>>();
            if let Some(keys) = keys {
                let template = "print.html";
                let assembly = fragments::Assembly {
                    path: "print.html",
                    template,
                    theme: self.theme.fingerprint,
                    keys,
                    outer: Some(self.print_outer_key(&places)),
                };
                let done = fragments::assemble(
                    sink,
                    assembly,
                    |which| self.print_bodies(&ctx, &places, Some(which)),
                    |marks| {
                        let c = self.common(&ctx, &page);
                        let c = self.print_context(&ctx, c, marks)?;
                        self.theme
                            .tera
                            .render(template, &c)
                            .map_err(|e| render_error(&page, template, &e))
                    },
                )?;
                if done {
                    return Ok(());
                }
            }
        }
        let (c, template, _) = self.page_context(&page)?;
        let (c, key) = self.keyed(sink, template, c)?;
        put_keyed(sink, &page.path(), key, &mut |w| {
            self.theme
                .tera
                .render_to(template, &c, w)
                .map_err(|e| render_error(&page, template, &e))
        })
    }

    /// What the print page shows around its procedures (the contents, chapter and group
    /// headings, known problems, the page's frame): the site, what the book shares
    /// (chapters and groups, every link target's number and title, backlinks, problems),
    /// and of each procedure its heading in the contents (id, number, title and
    /// condition), not its steps.
    fn print_outer_key(&self, places: &[nav::Place<'_>]) -> Fingerprint {
        let mut f = Fingerprinter::new();
        f.bytes(b"print page around its procedures")
            .fingerprint(self.site_key())
            .fingerprint(self.inputs().shared());
        for place in places {
            let p = place.procedure;
            f.bytes(p.id.as_bytes())
                .bytes(p.title.as_bytes())
                .debug(&(&p.number, &p.when));
        }
        f.finish()
    }

    /// The book's model, hashed once.
    fn inputs(&self) -> &inputs::Inputs {
        inputs::of(&self.inputs, self.book)
    }

    /// What the site adds to every page and fragment besides the book.
    fn site_key(&self) -> Fingerprint {
        *self.site_key.get_or_init(|| {
            let mut site = Fingerprinter::new();
            site.fingerprint(self.theme.fingerprint)
                .bytes(self.tejun_json.as_bytes())
                .debug(&self.languages);
            site.finish()
        })
    }

    /// `c` and, when `sink` keeps a build cache, the key of what `template` makes of it:
    /// the theme's files, the template's name and the whole context. A page is a function
    /// of exactly these (the templates reach nothing else), so an equal key is an equal
    /// page, and a title shown in every sidebar changes every key it is in and no other.
    fn keyed(
        &self,
        sink: &dyn SharedOutput,
        template: &str,
        c: Context,
    ) -> Result<(Context, Option<Fingerprint>)> {
        if !sink.keeps_cache() {
            return Ok((c, None));
        }
        let value = c.into_json();
        let key = Fingerprinter::new()
            .fingerprint(self.theme.fingerprint)
            .bytes(template.as_bytes())
            .json(&value)
            .finish();
        let c = Context::from_value(value)
            .map_err(|e| anyhow!("failed to rebuild the context of `{template}`: {e}"))?;
        Ok((c, Some(key)))
    }

    /// A page's template, its context and its steps.
    fn page_context(&self, page: &PageId) -> Result<(Context, &'static str, Vec<RenderedStep>)> {
        let ctx = Ctx::new(self.book, link_mode(page));
        let mut c = self.common(&ctx, page);
        let mut steps = Vec::new();
        let template = match page {
            PageId::Index => {
                c.insert("front", &self.front(&ctx));
                c.insert("runbooks", &self.runbook_links());
                // `[output.pdf] enabled`: build writes book.pdf and pdf/<profile>.pdf.
                c.insert("pdf", &self.book.config.pdf_enabled);
                "index.html"
            }
            PageId::Chapter(id) => {
                let ch = self
                    .book
                    .chapters
                    .iter()
                    .find(|c| &c.id == id)
                    .ok_or_else(|| anyhow!("no chapter `{id}`"))?;
                c.insert("chapter", &view::chapter(&ctx, ch));
                c.insert(
                    "page_when",
                    &view::page_condition(&ctx, &[ch.when.as_ref()]),
                );
                "chapter.html"
            }
            PageId::Procedure(id) => {
                let p = self
                    .procedure(id)
                    .ok_or_else(|| anyhow!("no procedure `{id}`"))?;
                let mut v = view::procedure(&ctx, self.markup(), p)?;
                // The page's banner carries its condition (`page_when`): a page that does
                // not apply says so instead of going blank.
                v.select_when = None;
                steps = rendered_steps(&v);
                c.insert("in_runbooks", &self.runbooks_holding(id));
                if self.theme.procedure_page {
                    let mut html = String::new();
                    let words = procedure_html::Words {
                        t: ctx.t(),
                        runbook: None,
                    };
                    procedure_html::procedure(&v, words, true, &mut html);
                    fragments::insert_value(&mut c, "procedure_html", html.into())?;
                    theme::PROCEDURE_PAGE
                } else {
                    c.insert("procedure", &v);
                    "procedure.html"
                }
            }
            PageId::References => {
                c.insert("refs", &self.refs());
                "references.html"
            }
            PageId::NotFound => "404.html",
            PageId::Commands => self.commands_page(&ctx, &mut c, &self.commands_listed())?,
            PageId::Problems => {
                c.insert("problem_groups", &problems::index(&ctx));
                "known_problems.html"
            }
            PageId::Problem(stem) => {
                let p = self
                    .book
                    .problems
                    .iter()
                    .find(|p| p.page() == *stem)
                    .ok_or_else(|| anyhow!("no problem page `{stem}`"))?;
                let v = problems::problem(&ctx, self.markup(), p)?;
                c.insert("page_when", &view::page_condition(&ctx, &[p.when.as_ref()]));
                c.insert("problem", &v);
                "problem.html"
            }
            PageId::Print => {
                let places: Vec<_> = nav::places(self.book).collect();
                let bodies = self.print_bodies(&ctx, &places, None)?;
                c = self.print_context(&ctx, c, bodies)?;
                "print.html"
            }
        };
        Ok((c, template, steps))
    }

    /// `assets/toc.js`, keyed like the contents page it repeats.
    fn write_toc_script(&self, sink: &dyn SharedOutput) -> Result<()> {
        const PATH: &str = "assets/toc.js";
        if !sink.keeps_cache() {
            return put_bytes(sink, PATH, self.toc_script()?.as_bytes());
        }
        let key = self.inputs().listing(self.site_key(), "toc.js", PATH);
        put_keyed(sink, PATH, Some(key), &mut |w| {
            Ok(w.write_all(self.toc_script()?.as_bytes())?)
        })
    }

    /// The sidebar, rendered once: the theme's `toc.js` with `sidebar.html` in it as a
    /// JSON string, a script that writes it into `#sidebar-toc` and marks the current
    /// page. Pages load it synchronously, before picker.js filters it.
    pub fn toc_script(&self) -> Result<String> {
        let ctx = Ctx::new(self.book, LinkMode::Pages);
        let mut c = Context::new();
        c.insert("t", ctx.t());
        c.insert("toc", self.toc());
        c.insert("has_problems", &!self.book.problems.is_empty());
        let html = self
            .theme
            .tera
            .render("sidebar.html", &c)
            .map_err(|e| anyhow!("failed to render the sidebar: {}", error_chain(&e)))?;
        let mut c = Context::new();
        c.insert(
            "sidebar",
            &env::script_json(&serde_json::Value::String(html)),
        );
        self.theme
            .tera
            .render("toc.js", &c)
            .map_err(|e| anyhow!("failed to render `assets/toc.js`: {}", error_chain(&e)))
    }

    fn common(&self, ctx: &Ctx, page: &PageId) -> Context {
        let cfg = &self.book.config;
        let mut c = Context::new();
        c.insert("t", ctx.t());
        c.insert(
            "book",
            &serde_json::json!({
                "title": cfg.title,
                "edition": cfg.edition,
                "description": cfg.description,
            }),
        );
        c.insert("page", page);
        c.insert("current", page.stem());
        let link = nav::page_link(ctx, page);
        c.insert("languages", &self.languages);
        c.insert("page_href", &link.href);
        c.insert("page_title", &link.title);
        c.insert("page_number", &link.number);
        // The title as written, when it shows facet values: picker.js fills the document's
        // title from it as it fills the page.
        let source = match page {
            PageId::Chapter(id) | PageId::Procedure(id) | PageId::Problem(id) => self
                .book
                .targets
                .get(id)
                .and_then(|t| t.title_source.clone()),
            _ => None,
        };
        c.insert("page_title_source", &source);
        if matches!(page, PageId::Index) {
            c.insert("toc", self.toc());
        }
        c.insert("has_problems", &!self.book.problems.is_empty());
        let place = match page {
            PageId::Procedure(id) => self.place(id),
            _ => None,
        };
        c.insert("breadcrumbs", &nav::breadcrumbs(ctx, page, place));
        // A chapter's page replaces it with the chapter's own.
        c.insert(
            "page_when",
            &place.and_then(|place| view::page_condition(ctx, &view::selecting(place))),
        );
        c.insert("tejun_json", &self.tejun_json);
        c.insert("env_t", &cfg.words.picker);
        let (prev, next) = self.neighbours(page);
        c.insert("prev", &prev.map(|p| nav::page_link(ctx, &p)));
        c.insert("next", &next.map(|p| nav::page_link(ctx, &p)));
        c
    }

    /// Every known problem, for the print page's chapter of them.
    fn problem_views(&self, ctx: &Ctx) -> Result<Vec<problems::ProblemView>> {
        self.book
            .problems
            .iter()
            .map(|p| problems::problem(ctx, self.markup(), p))
            .collect()
    }

    fn runbook_links(&self) -> Vec<RunbookLink> {
        self.book
            .config
            .profiles
            .iter()
            .map(|p| RunbookLink {
                id: p.id.clone(),
                label: p.label.clone(),
                href: runbook_path(&p.id),
            })
            .collect()
    }

    /// The profiles whose runbooks hold procedure `id`: those whose environment leaves
    /// its chapter's, group's and own conditions possible.
    fn runbooks_holding(&self, id: &str) -> Vec<RunbookLink> {
        let Some(place) = self.place(id) else {
            return Vec::new();
        };
        let selects = view::all_of(&view::selecting(place));
        self.runbook_links()
            .into_iter()
            .zip(&self.book.config.profiles)
            .filter(|(_, p)| {
                selects
                    .as_ref()
                    .is_none_or(|c| c.eval(&p.env) != Some(false))
            })
            .map(|(link, _)| link)
            .collect()
    }

    fn front(&self, ctx: &Ctx) -> Vec<FrontView> {
        self.book
            .front
            .iter()
            .map(|f| FrontView {
                id: f.id.clone(),
                anchor: ctx.anchor("index", &format!("front-{}", f.id)),
                title: f.title.clone(),
                html: markdown::render(ctx, "index", &f.body).html,
            })
            .collect()
    }

    fn refs(&self) -> Vec<RefView> {
        self.book
            .refs
            .iter()
            .map(|r| RefView {
                id: r.id.clone(),
                anchor: format!("ref-{}", r.id),
                title: r.title.clone(),
                description: r.description.clone(),
                url: r.url.clone().filter(|u| !markdown::is_script_url(u)),
            })
            .collect()
    }

    /// The print page's context: `c` (what every page has) with `bodies` (one per
    /// procedure, in reading order) where its procedures go.
    fn print_context(&self, ctx: &Ctx, mut c: Context, bodies: Vec<String>) -> Result<Context> {
        c.insert("front", &self.front(ctx));
        c.insert("print_toc", &view::toc(ctx));
        fragments::insert_value(&mut c, "blocks", self.print_blocks(ctx, bodies)?)?;
        c.insert("refs", &self.refs());
        c.insert("problems", &self.problem_views(ctx)?);
        Ok(c)
    }

    /// The print page's fragment of each procedure of `places` (the book's, in reading
    /// order), or of those at the positions `which` only.
    fn print_bodies(
        &self,
        ctx: &Ctx,
        places: &[nav::Place<'a>],
        which: Option<&[usize]>,
    ) -> Result<Vec<String>> {
        let chosen: Vec<&nav::Place<'a>> = match which {
            Some(which) => which.iter().filter_map(|&i| places.get(i)).collect(),
            None => places.iter().collect(),
        };
        let mut base = Context::new();
        base.insert("t", ctx.t());
        // Among the whole book's procedures, each is hidden by everything that selects it:
        // its chapter's and group's conditions as well as its own.
        let words = procedure_html::Words {
            t: ctx.t(),
            runbook: None,
        };
        fragments::procedure_bodies(&self.theme, &base, words, &chosen, |_, place| {
            let mut v = view::procedure(ctx, self.markup(), place.procedure)?;
            v.select_when = labels::when(view::all_of(&view::selecting(**place)).as_ref());
            Ok(v)
        })
    }

    /// The print page's body as the template sees it: a list of [`PrintBlock`]s, built as
    /// a JSON value so the fragments are moved into the context, not copied.
    fn print_blocks(&self, ctx: &Ctx, bodies: Vec<String>) -> Result<serde_json::Value> {
        let mut bodies = bodies.into_iter();
        let block = |b: PrintBlock| {
            serde_json::to_value(b).map_err(|e| anyhow!("failed to build the print page: {e}"))
        };
        let mut out = Vec::new();
        for ch in &self.book.chapters {
            let chapter = view::chapter(ctx, ch);
            let mut groups = chapter
                .items
                .iter()
                .filter(|i| i.kind == "group")
                .cloned()
                .collect::<Vec<_>>()
                .into_iter();
            out.push(block(PrintBlock {
                chapter: Some(chapter),
                procedure: None,
                group: None,
                first: None,
            })?);
            for item in &ch.items {
                let (mut group, procedures): (_, Vec<&str>) = match item {
                    ChapterItem::Group(g) => (
                        groups.next(),
                        g.procedures.iter().map(|p| p.id.as_str()).collect(),
                    ),
                    ChapterItem::Procedure(p) => (None, vec![p.id.as_str()]),
                };
                for (id, html) in procedures.into_iter().zip(bodies.by_ref()) {
                    let group = group.take();
                    out.push(block(PrintBlock {
                        chapter: None,
                        procedure: Some(html),
                        first: group.as_ref().map(|_| id.to_string()),
                        group,
                    })?);
                }
            }
        }
        Ok(serde_json::Value::Array(out))
    }
}

/// Where `tejun build` writes a profile's runbook, relative to the site.
pub fn runbook_path(profile: &str) -> String {
    format!("runbooks/{profile}.html")
}

/// Where `tejun build` puts a profile's PDF (`[output.pdf] enabled`), relative to the site.
pub fn runbook_pdf_path(profile: &str) -> String {
    format!("pdf/{profile}.pdf")
}

fn link_mode(page: &PageId) -> LinkMode {
    if *page == PageId::Print {
        LinkMode::Print
    } else {
        LinkMode::Pages
    }
}

fn render_error(page: &PageId, template: &str, e: &tera::Error) -> anyhow::Error {
    // Named as the theme's writer knows it.
    let template = match template {
        theme::PROCEDURE_PAGE => "procedure.html",
        theme::COMMANDS_PAGE => "commands.html",
        other => other,
    };
    anyhow!(
        "failed to render `{}` with template `{template}`: {}",
        page.path(),
        error_chain(e)
    )
}

fn rendered_steps(p: &ProcedureView) -> Vec<RenderedStep> {
    let mut out = Vec::new();
    for s in &p.sections {
        let all = s
            .steps
            .iter()
            .chain(s.branches.iter().flat_map(|b| b.steps.iter()));
        out.extend(all.map(|st| RenderedStep {
            procedure: p.head.id.clone(),
            id: st.head.id.clone(),
            anchor: st.head.anchor.clone(),
            number: st.head.number.clone(),
            title: st.head.title.clone(),
            html: st.html.clone(),
            text: st.text.clone(),
        }));
    }
    out
}
