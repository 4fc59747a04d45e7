//! PDFs of the book and of runbooks, printed by headless Chromium: `tejun pdf`, and
//! `tejun build` when `[output.pdf] enabled = true`.
//!
//! [`render`] reads top to bottom: render the page to print (the site's print page for the
//! whole book, the runbook page for one environment), write it with the theme's assets
//! into a fresh temporary folder, print it once, read from that PDF on which page every
//! contents entry landed (`dests.rs`), and print again with those numbers in the contents.

mod chromium;
mod contents;
pub mod cover;
mod dests;
mod outline;
mod page;
mod sign;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};

use crate::filter::filter;
use crate::model::Book;
use crate::output::owned::ensure_overwritable;
use crate::output::{write_owned, BookSources, Output, Signature};
use crate::render::runbook::build_date;
use crate::render::{PageId, RunbookSpec, Site, Theme};
pub use chromium::{find as find_chromium, TIMEOUT};

/// One PDF to print.
pub struct Request<'a> {
    /// The whole book (a runbook filters it itself).
    pub book: &'a Book,
    /// The book's theme folder (overrides, `pdf.css` included); may not exist.
    pub theme_dir: Option<&'a Path>,
    /// `None` for the whole book, else the runbook to print.
    pub runbook: Option<RunbookSpec>,
    /// The Chromium binary to print with.
    pub chromium: &'a Path,
}

/// A printed PDF.
pub struct Printed {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// Whether the contents carry page numbers (else only section numbers).
    pub toc_pages: bool,
}

/// Prints the request to PDF bytes.
pub fn render(req: &Request) -> Result<Printed> {
    let theme = Theme::load(req.theme_dir)?;
    let assets = theme.assets.clone();
    let site = Site::new(req.book, theme)?;
    let (source, layout) = match &req.runbook {
        None => {
            let mut l = layout(req.book, req.book, None);
            l.outline = outline::of(req.book, false);
            (site.render_page(&PageId::Print)?.html, l)
        }
        Some(spec) => {
            let view = filter(req.book, &spec.env);
            let mut l = layout(req.book, &view, Some(spec));
            l.contents = Some(contents::html(&view));
            l.outline = outline::of(&view, true);
            (site.runbook(spec)?, l)
        }
    };

    let dir = tempfile::Builder::new()
        .prefix("tejun-pdf-")
        .tempdir()
        .context("failed to create a temporary folder for the PDF")?;
    write_assets(dir.path(), &assets, req.theme_dir)?;
    let html_path = dir.path().join("print.html");
    let pdf_path = dir.path().join("out.pdf");
    let print_once = |pages: &BTreeMap<String, u32>| -> Result<(Vec<u8>, Vec<String>)> {
        let html = page::assemble(&source, &layout, pages);
        std::fs::write(&html_path, &html)
            .with_context(|| format!("failed to write `{}`", html_path.display()))?;
        chromium::print(req.chromium, &html_path, &pdf_path, TIMEOUT)?;
        let bytes = std::fs::read(&pdf_path)
            .with_context(|| format!("failed to read `{}`", pdf_path.display()))?;
        Ok((bytes, page::toc_anchors(&html)))
    };

    let (first, anchors) = print_once(&BTreeMap::new())?;
    let pages = toc_pages(&first, &anchors);
    let (bytes, toc_pages) = if pages.is_empty() {
        (first, false)
    } else {
        let (second, _) = print_once(&pages)?;
        // Space for the numbers is reserved on the first pass, so nothing should move; check.
        let same = toc_pages(&second, &anchors) == pages;
        (second, same)
    };
    let bytes = outline::add(&bytes, &layout.outline).unwrap_or(bytes);
    let bytes = sign::sign(&bytes).unwrap_or(bytes);
    Ok(Printed { bytes, toc_pages })
}

/// Prints the request into the file `out`, atomically; refused before printing when `out`
/// is one of `sources` or a file tejun did not write.
pub fn write(req: &Request, out: &Path, sources: &BookSources) -> Result<Printed> {
    ensure_overwritable(out, Signature::Pdf, sources)?;
    let printed = render(req)?;
    write_owned(out, &printed.bytes, Signature::Pdf, sources)?;
    Ok(printed)
}

/// Where `tejun build` puts the PDFs, relative to the site.
pub const BOOK_PDF: &str = "book.pdf";

/// Where `tejun build` puts a profile's PDF, relative to the site.
pub fn profile_path(profile: &str) -> String {
    crate::render::runbook_pdf_path(profile)
}

/// `tejun build` with `[output.pdf] enabled`: the book's PDF and each profile's, written
/// beside the site. Returns how many PDFs were written.
pub fn build(book: &Book, theme_dir: &Path, out: &mut dyn Output) -> Result<usize> {
    let chromium = find_chromium(None).context("`[output.pdf] enabled = true` needs Chromium")?;
    let built = build_date();
    let mut jobs: Vec<(String, Option<RunbookSpec>)> = vec![(BOOK_PDF.to_string(), None)];
    for p in &book.config.profiles {
        let spec = RunbookSpec::profile(&book.config, &p.id, &built);
        jobs.push((profile_path(&p.id), spec));
    }
    // A few Chromiums at once: each is mostly waiting on its renderer.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
    let mut done = 0;
    for chunk in jobs.chunks(workers) {
        let printed: Vec<Result<Printed>> = std::thread::scope(|s| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|(path, spec)| {
                    let chromium = &chromium;
                    s.spawn(move || {
                        render(&Request {
                            book,
                            theme_dir: Some(theme_dir),
                            runbook: spec.clone(),
                            chromium,
                        })
                        .with_context(|| format!("failed to print `{path}`"))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(anyhow::anyhow!("a PDF worker panicked")))
                })
                .collect()
        });
        for ((path, _), result) in chunk.iter().zip(printed) {
            out.write(path, &result?.bytes)?;
            done += 1;
        }
    }
    Ok(done)
}

fn toc_pages(pdf: &[u8], anchors: &[String]) -> BTreeMap<String, u32> {
    let all = dests::page_numbers(pdf);
    anchors
        .iter()
        .filter_map(|a| Some((a.clone(), *all.get(a)?)))
        .collect()
}

/// Headers, footers and cover: `book` is the whole book, `view` what is printed.
fn layout(book: &Book, view: &Book, runbook: Option<&RunbookSpec>) -> page::Layout {
    let cfg = &book.config;
    let book_line = match &cfg.edition {
        Some(e) => format!("{} {e}", cfg.title),
        None => cfg.title.clone(),
    };
    let footer = match runbook {
        Some(rb) => format!("{} — {}", cfg.title, rb.title),
        None => book_line,
    };
    page::Layout {
        paper: cfg.pdf_paper,
        footer,
        procedures: view
            .procedures()
            .map(|p| (p.id.clone(), format!("{} {}", p.number, p.title)))
            .collect(),
        cover: cover::html(cfg, runbook),
        contents: None,
        outline: Vec::new(),
    }
}

fn write_assets(dir: &Path, assets: &[(String, Vec<u8>)], theme_dir: Option<&Path>) -> Result<()> {
    let assets_dir = dir.join("assets");
    std::fs::create_dir_all(&assets_dir)
        .with_context(|| format!("failed to create `{}`", assets_dir.display()))?;
    let pdf_css = crate::render::read_theme_file(theme_dir, "pdf.css")?
        .unwrap_or_else(|| page::PDF_CSS.as_bytes().to_vec());
    let all = assets
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .chain([("pdf.css", pdf_css.as_slice())]);
    for (name, bytes) in all {
        let path = assets_dir.join(name);
        std::fs::write(&path, bytes)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
    }
    Ok(())
}
