//! The static site: the validated [`Book`] in, finished files out to an [`Output`].
//!
//! Rendering one page is a function of the book and a [`PageId`]
//! ([`Site::render_page`]), so the dev server can re-render just what changed; every step
//! is rendered once into a [`RenderedPage`] whose HTML and plain text the search indexer
//! can reuse. Pages are rendered in parallel and written by the caller's sink.

pub mod env;
mod fragments;
mod html;
/// HTML escaping, shared with the PDF cover and the dev server's overlay.
pub use html::esc;
pub mod i18n;
pub mod labels;
pub mod markdown;
mod nav;
mod parts;
pub mod runbook;
mod theme;
mod view;

use anyhow::{anyhow, bail, Result};
use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::model::{Book, ChapterItem};
use crate::output::Output;
use html::Ctx;
pub use html::LinkMode;
pub use nav::PageId;
pub use runbook::RunbookSpec;
pub use theme::{error_chain, Theme};
use view::{ChapterView, ItemView, ProcedureView};

/// One finished page, with its steps kept apart for the search index.
#[derive(Debug, Clone)]
pub struct RenderedPage {
    pub id: PageId,
    /// Output path, relative (`mscs-upgrade-x64-r12-8.html`).
    pub path: String,
    pub title: String,
    pub html: String,
    pub steps: Vec<RenderedStep>,
}

/// A step as the search index needs it: where it is, what it says, when it applies.
#[derive(Debug, Clone)]
pub struct RenderedStep {
    pub procedure: String,
    pub id: String,
    pub anchor: String,
    pub number: String,
    pub title: String,
    pub html: String,
    pub text: String,
}

/// What [`Site::build_parts`] renders. The dev server renders the pages a writer looks at
/// first, and the files that hold the whole book (the print page, the runbooks, the offline
/// search index) after the reload has gone out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parts {
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

/// A book ready to render: the theme compiled and what every page shares computed once.
pub struct Site<'a> {
    book: &'a Book,
    theme: Theme,
    order: Vec<PageId>,
    /// Each page's place in `order`, for prev/next without a search.
    position: std::collections::HashMap<PageId, usize>,
    /// Built on first use: only the index page and the sidebar script show it, and the
    /// dev server re-renders a single page far more often than those.
    toc: std::sync::OnceLock<Vec<ItemView>>,
    /// The picker's configuration, the same on every page.
    tejun_json: String,
    procedures: std::collections::HashMap<&'a str, &'a crate::model::Procedure>,
}

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
    href: String,
}

/// The print page's body, in reading order: a chapter, then its procedures (rendered
/// already, by `procedure_body.html`).
#[derive(Serialize)]
struct PrintBlock {
    chapter: Option<ChapterView>,
    procedure: Option<String>,
}

impl<'a> Site<'a> {
    pub fn new(book: &'a Book, theme: Theme) -> Result<Site<'a>> {
        for p in PageId::all(book) {
            if let PageId::Chapter(id) | PageId::Procedure(id) = &p {
                if nav::RESERVED.contains(&id.as_str()) {
                    bail!("the id `{id}` names a page the site uses itself; give the chapter or procedure another `id`");
                }
            }
        }
        let order = nav::reading_order(book);
        let position = order
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i))
            .collect();
        Ok(Site {
            book,
            theme,
            order,
            position,
            toc: std::sync::OnceLock::new(),
            tejun_json: env::script_json(&env::picker_config(&book.config)),
            procedures: book.procedures().map(|p| (p.id.as_str(), p)).collect(),
        })
    }

    /// Renders every page, runbook and the offline search index in parallel, then hands
    /// them and the assets to `out`.
    pub fn build(&self, out: &mut dyn Output) -> Result<Vec<RenderedPage>> {
        self.build_with(out, &indicatif::ProgressBar::hidden())
    }

    /// [`Site::build`], counting each page and runbook on `progress` (its length set here).
    pub fn build_with(
        &self,
        out: &mut dyn Output,
        progress: &indicatif::ProgressBar,
    ) -> Result<Vec<RenderedPage>> {
        self.build_parts(out, progress, Parts::All)
    }

    /// Renders `parts` of the site into `out`.
    pub fn build_parts(
        &self,
        out: &mut dyn Output,
        progress: &indicatif::ProgressBar,
        parts: Parts,
    ) -> Result<Vec<RenderedPage>> {
        let (with_pages, with_aggregates) = match parts {
            Parts::All => (true, true),
            Parts::Pages => (true, false),
            Parts::Aggregates => (false, true),
        };
        let pages: Vec<PageId> = PageId::all(self.book)
            .into_iter()
            .filter(|p| {
                if *p == PageId::Print {
                    with_aggregates
                } else {
                    with_pages
                }
            })
            .collect();
        let profiles = if with_aggregates {
            self.book.config.profiles.len()
        } else {
            0
        };
        progress.set_length((pages.len() + profiles + usize::from(with_aggregates)) as u64);
        let built = runbook::build_date();
        let ((rendered, runbooks), search_files) = rayon::join(
            || {
                rayon::join(
                    || {
                        crate::timing::phase("render pages", || {
                            pages
                                .par_iter()
                                .map(|p| {
                                    let page = self.render_page(p);
                                    progress.inc(1);
                                    page
                                })
                                .collect::<Result<Vec<_>>>()
                        })
                    },
                    || {
                        if !with_aggregates {
                            return Ok(Vec::new());
                        }
                        crate::timing::phase("runbooks", || self.runbooks(&built, progress))
                    },
                )
            },
            || {
                let mut files = Vec::new();
                if with_aggregates {
                    crate::timing::phase("offline index", || {
                        // Script shards that work from file:// (no fetch).
                        crate::search::write_offline_index(self.book, &mut |path, bytes| {
                            files.push((path.to_string(), bytes))
                        });
                        progress.inc(1);
                    });
                }
                files
            },
        );
        let (rendered, runbooks) = (rendered?, runbooks?);
        let toc = if with_pages {
            Some(self.toc_script()?)
        } else {
            None
        };
        let assets: Vec<(String, &[u8])> = self
            .theme
            .assets
            .iter()
            .filter(|_| with_pages)
            .map(|(name, bytes)| (format!("assets/{name}"), bytes.as_slice()))
            .collect();
        let mut files: Vec<(&str, &[u8])> = Vec::new();
        files.extend(
            rendered
                .iter()
                .map(|p| (p.path.as_str(), p.html.as_bytes())),
        );
        files.extend(assets.iter().map(|(p, b)| (p.as_str(), *b)));
        if let Some(toc) = &toc {
            files.push(("assets/toc.js", toc.as_bytes()));
        }
        files.extend(search_files.iter().map(|(p, b)| (p.as_str(), b.as_slice())));
        files.extend(runbooks.iter().map(|(p, h)| (p.as_str(), h.as_bytes())));
        crate::timing::phase("write", || out.write_many(&files))?;
        Ok(rendered)
    }

    fn toc(&self) -> &Vec<ItemView> {
        self.toc
            .get_or_init(|| view::toc(&Ctx::new(self.book, LinkMode::Pages)))
    }

    /// Every profile's runbook: (path, HTML).
    fn runbooks(
        &self,
        built: &str,
        progress: &indicatif::ProgressBar,
    ) -> Result<Vec<(String, String)>> {
        self.book
            .config
            .profiles
            .par_iter()
            .map(|p| {
                let spec = RunbookSpec::profile(&self.book.config, &p.id, built)
                    .ok_or_else(|| anyhow!("no profile `{}`", p.id))?;
                let html = self.runbook(&spec)?;
                progress.inc(1);
                Ok((runbook_path(&p.id), html))
            })
            .collect()
    }

    /// One environment's runbook: a single self-contained HTML file.
    pub fn runbook(&self, spec: &RunbookSpec) -> Result<String> {
        runbook::render(self.book, &self.theme, spec)
    }

    /// Renders one page.
    pub fn render_page(&self, page: &PageId) -> Result<RenderedPage> {
        let mode = if *page == PageId::Print {
            LinkMode::Print
        } else {
            LinkMode::Pages
        };
        let ctx = Ctx::new(self.book, mode);
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
                "chapter.html"
            }
            PageId::Procedure(id) => {
                let p = self
                    .procedures
                    .get(id.as_str())
                    .ok_or_else(|| anyhow!("no procedure `{id}`"))?;
                let v = view::procedure(&ctx, p);
                steps = rendered_steps(&v);
                c.insert("procedure", &v);
                "procedure.html"
            }
            PageId::References => {
                c.insert("refs", &self.refs());
                "references.html"
            }
            PageId::NotFound => "404.html",
            PageId::Print => {
                c.insert("front", &self.front(&ctx));
                c.insert("print_toc", &view::toc(&ctx));
                c.insert("blocks", &self.print_blocks(&ctx)?);
                c.insert("refs", &self.refs());
                "print.html"
            }
        };
        let html = self.theme.tera.render(template, &c).map_err(|e| {
            anyhow!(
                "failed to render `{}` with template `{template}`: {}",
                page.path(),
                error_chain(&e)
            )
        })?;
        Ok(RenderedPage {
            id: page.clone(),
            path: page.path(),
            title: nav::page_link(&ctx, page).title,
            html,
            steps,
        })
    }

    /// The sidebar, rendered once: a script that writes it into `#sidebar-toc` and marks
    /// the current page. Pages load it synchronously, before picker.js filters it.
    pub fn toc_script(&self) -> Result<String> {
        let ctx = Ctx::new(self.book, LinkMode::Pages);
        let mut c = Context::new();
        c.insert("t", ctx.t());
        c.insert("toc", self.toc());
        c.insert("current", "");
        let html = self
            .theme
            .tera
            .render("sidebar.html", &c)
            .map_err(|e| anyhow!("failed to render the sidebar: {}", error_chain(&e)))?;
        let json = env::script_json(&serde_json::Value::String(html));
        Ok(format!(
            "// The site's table of contents (generated by tejun).\n\
             (function () {{\n  var box = document.getElementById(\"sidebar-toc\");\n  if (!box) return;\n  box.innerHTML = {json};\n  \
             var here = location.pathname.split(\"/\").pop() || \"index.html\";\n  \
             var links = box.querySelectorAll(\"a[href]\");\n  \
             for (var i = 0; i < links.length; i++) {{\n    \
             if (links[i].getAttribute(\"href\").split(/[?#]/)[0] === here) links[i].setAttribute(\"aria-current\", \"page\");\n  }}\n}})();\n"
        ))
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
        c.insert("page_title", &link.title);
        c.insert("page_number", &link.number);
        if matches!(page, PageId::Index) {
            c.insert("toc", self.toc());
        }
        c.insert("breadcrumbs", &nav::breadcrumbs(ctx, page));
        c.insert("tejun_json", &self.tejun_json);
        c.insert("env_t", env::env_strings(cfg.language));
        let (prev, next) = match self.position.get(page) {
            Some(&i) => (
                i.checked_sub(1).and_then(|j| self.order.get(j)),
                self.order.get(i + 1),
            ),
            None => (None, None),
        };
        c.insert("prev", &prev.map(|p| nav::page_link(ctx, p)));
        c.insert("next", &next.map(|p| nav::page_link(ctx, p)));
        c
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

    fn print_blocks(&self, ctx: &Ctx) -> Result<Vec<PrintBlock>> {
        let views: Vec<ProcedureView> = self
            .book
            .procedures()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|p| view::procedure(ctx, p))
            .collect();
        let mut base = Context::new();
        base.insert("t", ctx.t());
        let mut bodies = fragments::procedure_bodies(&self.theme, &base, &views)?.into_iter();
        let mut out = Vec::new();
        for ch in &self.book.chapters {
            out.push(PrintBlock {
                chapter: Some(view::chapter(ctx, ch)),
                procedure: None,
            });
            let n: usize = ch
                .items
                .iter()
                .map(|item| match item {
                    ChapterItem::Group(g) => g.procedures.len(),
                    ChapterItem::Procedure(_) => 1,
                })
                .sum();
            out.extend(bodies.by_ref().take(n).map(|html| PrintBlock {
                chapter: None,
                procedure: Some(html),
            }));
        }
        Ok(out)
    }
}

/// Where `tejun build` writes a profile's runbook, relative to the site.
pub fn runbook_path(profile: &str) -> String {
    format!("runbooks/{profile}.html")
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
