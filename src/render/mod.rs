//! The static site: the validated [`Book`] in, finished files out to an [`Output`].
//!
//! Rendering one page is a function of the book and a [`PageId`]
//! ([`Site::render_page`]), so the dev server can re-render just what changed; every step
//! is rendered once into a [`RenderedPage`] whose HTML and plain text the search indexer
//! can reuse. Pages are rendered in parallel and written by the caller's sink.

pub mod env;
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

/// A book ready to render: the theme compiled and what every page shares computed once.
pub struct Site<'a> {
    book: &'a Book,
    theme: Theme,
    order: Vec<PageId>,
    toc: Vec<ItemView>,
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

/// The print page's body, in reading order: a chapter, then its procedures.
#[derive(Serialize)]
struct PrintBlock {
    chapter: Option<ChapterView>,
    procedure: Option<ProcedureView>,
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
        let ctx = Ctx::new(book, LinkMode::Pages);
        Ok(Site {
            book,
            theme,
            order: nav::reading_order(book),
            toc: view::toc(&ctx),
        })
    }

    /// Renders every page in parallel, then hands pages and assets to `out`.
    pub fn build(&self, out: &mut dyn Output) -> Result<Vec<RenderedPage>> {
        let pages = PageId::all(self.book);
        let rendered: Vec<RenderedPage> = pages
            .par_iter()
            .map(|p| self.render_page(p))
            .collect::<Result<_>>()?;
        for page in &rendered {
            out.write(&page.path, page.html.as_bytes())?;
        }
        for (name, bytes) in &self.theme.assets {
            out.write(&format!("assets/{name}"), bytes)?;
        }
        out.write("assets/toc.js", self.toc_script()?.as_bytes())?;
        // The offline search index: script shards that work from file:// (no fetch).
        let mut search_files = Vec::new();
        crate::search::write_offline_index(self.book, &mut |path, bytes| {
            search_files.push((path.to_string(), bytes))
        });
        for (path, bytes) in &search_files {
            out.write(path, bytes)?;
        }
        let built = runbook::build_date();
        for p in &self.book.config.profiles {
            let spec = RunbookSpec::profile(&self.book.config, &p.id, &built)
                .ok_or_else(|| anyhow!("no profile `{}`", p.id))?;
            out.write(&runbook_path(&p.id), self.runbook(&spec)?.as_bytes())?;
        }
        Ok(rendered)
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
                    .book
                    .procedures()
                    .find(|p| &p.id == id)
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
                c.insert("blocks", &self.print_blocks(&ctx));
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
        c.insert("toc", &self.toc);
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
            c.insert("toc", &self.toc);
        }
        c.insert("breadcrumbs", &nav::breadcrumbs(ctx, page));
        c.insert(
            "tejun_json",
            &env::script_json(&env::picker_config(&self.book.config)),
        );
        c.insert("env_t", env::env_strings(cfg.language));
        let (prev, next) = nav::neighbours(&self.order, page);
        c.insert("prev", &prev.map(|p| nav::page_link(ctx, &p)));
        c.insert("next", &next.map(|p| nav::page_link(ctx, &p)));
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

    fn print_blocks(&self, ctx: &Ctx) -> Vec<PrintBlock> {
        let mut out = Vec::new();
        for ch in &self.book.chapters {
            out.push(PrintBlock {
                chapter: Some(view::chapter(ctx, ch)),
                procedure: None,
            });
            for item in &ch.items {
                let procs = match item {
                    ChapterItem::Group(g) => g.procedures.iter().collect(),
                    ChapterItem::Procedure(p) => vec![p],
                };
                out.extend(procs.into_iter().map(|p| PrintBlock {
                    chapter: None,
                    procedure: Some(view::procedure(ctx, p)),
                }));
            }
        }
        out
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
