//! The contents of a runbook PDF. The runbook page has none (on screen it is one scroll
//! of procedures); on paper a filed runbook needs one, shaped like the print page's
//! (`nav.toc-main.print-toc`), so the same styles and page-number pass apply.
//!
//! Chapters and groups are headings without a page of their own in a runbook, so only
//! procedures link (to `#p-<id>`, the runbook's anchor for a procedure).

use crate::model::{Book, ChapterItem, Procedure};
use crate::render::i18n::strings;

use super::cover::escape;

/// The contents as an HTML fragment.
pub fn html(view: &Book) -> String {
    let t = strings(&view.config);
    let mut h = format!(
        "<nav class=\"toc-main print-toc tejun-contents\" aria-labelledby=\"toc-heading\">\n\
         <h2 id=\"toc-heading\">{}</h2>\n<ol class=\"toc-list\">\n",
        escape(&t.contents)
    );
    for ch in &view.chapters {
        h.push_str(&format!(
            "<li><span class=\"toc-heading\"><span class=\"num\">{}</span> {}</span>\n<ol>\n",
            ch.number,
            escape(&ch.title)
        ));
        for item in &ch.items {
            match item {
                ChapterItem::Procedure(p) => h.push_str(&entry(p)),
                ChapterItem::Group(g) => {
                    h.push_str(&format!(
                        "<li><span class=\"toc-heading\"><span class=\"num\">{}</span> {}</span>\n<ol>\n",
                        g.number,
                        escape(&g.title)
                    ));
                    for p in &g.procedures {
                        h.push_str(&entry(p));
                    }
                    h.push_str("</ol></li>\n");
                }
            }
        }
        h.push_str("</ol></li>\n");
    }
    h.push_str("</ol>\n</nav>\n");
    h
}

fn entry(p: &Procedure) -> String {
    format!(
        "<li><a href=\"#p-{}\"><span class=\"num\">{}</span> {}</a></li>\n",
        escape(&p.id),
        p.number,
        escape(&p.title)
    )
}
