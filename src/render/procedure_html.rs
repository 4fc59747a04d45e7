//! The default theme's procedure fragment, written by Rust: what `procedure_body.html`
//! (with `step.html`, `parts/title.html`, `translation_gap.html` and the `badges` macro)
//! makes of a [`ProcedureView`] for the print page and the runbooks, byte for byte. Those
//! files repeat every step of the book: tera rendering them was a sixth of a full build's
//! CPU.
//!
//! As with [`super::body_html`], only while each of those templates is the default
//! theme's own text ([`TEMPLATES`]); a test builds every book both ways.

use super::body_html::{badges, value, when_attr};
use super::html::{esc_into, tera_esc_into as auto, Segment};
use super::i18n::Strings;
use super::view::{GapView, Head, LinkView, ProcedureView, StepView};
use crate::words::Runbook;

/// The templates whose markup this module writes.
pub const TEMPLATES: &[&str] = &[
    "procedure_body.html",
    "page_toc.html",
    "step.html",
    "parts/title.html",
    "parts/value.html",
    "translation_gap.html",
    "conditions.html",
];

/// The words a fragment shows: the site's (`t`), and a runbook's (`rb_t`) in a runbook.
#[derive(Clone, Copy)]
pub struct Words<'a> {
    /// The site's words.
    pub t: &'a Strings,
    /// A runbook's words; `None` outside runbooks, whose steps have no place (`seq` 0).
    pub runbook: Option<&'a Runbook>,
}

/// `procedure_body.html` for `p`; `on_page` for its own page, which lists its sections
/// (`section_list`, `page_toc.html`).
pub fn procedure(p: &ProcedureView, w: Words<'_>, on_page: bool, out: &mut String) {
    let t = w.t;
    let head = &p.head;
    out.push_str("\n<article class=\"procedure\"");
    if !head.anchor.is_empty() {
        out.push_str(" id=\"");
        auto(out, &head.anchor);
        out.push('"');
    }
    out.push_str(" data-procedure=\"");
    auto(out, &head.id);
    out.push('"');
    when_attr(p.select_when.as_deref(), out);
    out.push_str(">\n  <header class=\"page-header\">\n    <h1><span class=\"num\">");
    auto(out, &head.number);
    out.push_str("</span> ");
    title(head.title_values.as_deref(), &head.title, out);
    out.push_str("</h1>\n    ");
    if let Some(b) = &head.badges {
        badges(b, t, out);
    }
    if let Some(g) = &p.translation {
        gap(g, t, out);
    }
    backlinks(&head.backlinks, "\n    ", t, out);
    out.push_str("\n  </header>");
    if on_page {
        page_toc(p, t, out);
    }
    out.push_str("\n  ");
    out.push_str(&p.intro);
    for s in &p.sections {
        out.push_str("\n  <section class=\"section\"");
        when_attr(s.head.when.as_deref(), out);
        out.push_str(">\n    <h2 id=\"");
        auto(out, &s.head.anchor);
        out.push_str("\"><a class=\"anchor\" href=\"#");
        numbered(&s.head, out);
        out.push_str("</a> ");
        if let Some(b) = &s.head.badges {
            badges(b, t, out);
        }
        out.push_str("</h2>");
        backlinks(&s.head.backlinks, "\n    ", t, out);
        out.push_str("\n    ");
        out.push_str(&s.intro);
        if !s.steps.is_empty() {
            out.push_str("\n    <ol class=\"steps\" data-steps>");
            for st in &s.steps {
                step(st, w, out);
            }
            out.push_str("\n    </ol>");
        }
        for b in &s.branches {
            out.push_str("\n    <div class=\"branch\"");
            when_attr(b.when.as_deref(), out);
            out.push_str(">\n      <h3 class=\"branch-label\">&lt;&lt;");
            auto(out, &b.label);
            out.push_str("&gt;&gt; ");
            if let Some(badges_of) = &b.badges {
                badges(badges_of, t, out);
            }
            out.push_str("</h3>\n      ");
            out.push_str(&b.intro);
            out.push_str("\n      <ol class=\"steps\" data-steps>");
            for st in &b.steps {
                step(st, w, out);
            }
            out.push_str("\n      </ol>\n    </div>");
        }
        out.push_str("\n  </section>");
    }
    out.push_str("\n</article>\n");
}

/// `page_toc.html`: the list of a procedure's sections, when it has two or more.
fn page_toc(p: &ProcedureView, t: &Strings, out: &mut String) {
    if p.sections.len() > 1 {
        out.push_str(
            "\n<nav class=\"page-toc\" aria-labelledby=\"page-toc-title\">\n  \
             <details class=\"page-toc-box\" data-page-toc>\n    \
             <summary id=\"page-toc-title\">",
        );
        auto(out, &t.on_this_page);
        out.push_str("</summary>\n    <ol>");
        for s in &p.sections {
            out.push_str("\n      <li><a href=\"#");
            numbered(&s.head, out);
            out.push_str("</a></li>");
        }
        out.push_str("\n    </ol>\n  </details>\n</nav>");
    }
    out.push('\n');
}

/// `step.html`.
fn step(st: &StepView, w: Words<'_>, out: &mut String) {
    let t = w.t;
    let head = &st.head;
    // A runbook's words are there whenever a step has a place in one.
    let runbook = w.runbook.filter(|_| st.seq != 0);
    out.push_str("\n<li class=\"step\" data-step=\"");
    auto(out, &head.id);
    out.push_str("\" data-number=\"");
    auto(out, &head.number);
    out.push_str("\" value=\"");
    auto(out, &head.number);
    out.push('"');
    when_attr(head.when.as_deref(), out);
    if st.seq != 0 {
        out.push_str(" data-seq=\"");
        out.push_str(&st.seq.to_string());
        out.push_str("\" data-hash=\"");
        auto(out, &st.hash);
        out.push('"');
    }
    let level = st.level.to_string();
    out.push_str(">\n  <h");
    out.push_str(&level);
    out.push_str(" class=\"step-title\" id=\"");
    auto(out, &head.anchor);
    out.push_str("\">");
    if let Some(rb) = runbook {
        out.push_str("<input type=\"checkbox\" class=\"step-check\" id=\"check-");
        auto(out, &head.anchor);
        out.push_str("\" aria-label=\"");
        auto(out, &rb.done);
        out.push_str(": ");
        auto(out, &head.number);
        out.push_str(". ");
        auto(out, &head.title);
        out.push_str("\"> ");
    }
    out.push_str("<a class=\"anchor\" href=\"#");
    auto(out, &head.anchor);
    out.push_str("\"><span class=\"step-num\">");
    auto(out, &head.number);
    out.push_str(".</span> ");
    title(head.title_values.as_deref(), &head.title, out);
    out.push_str("</a> ");
    if let Some(b) = &head.badges {
        badges(b, t, out);
    }
    if runbook.is_some() {
        out.push_str(" <time class=\"ticked-at\" hidden></time>");
    }
    out.push_str("</h");
    out.push_str(&level);
    out.push('>');
    if let Some(g) = &st.translation {
        gap(g, t, out);
    }
    backlinks(&head.backlinks, "\n  ", t, out);
    out.push_str("\n  <div class=\"step-body\">\n");
    out.push_str(&st.html);
    out.push_str("\n  </div>");
    if !st.problems.is_empty() {
        out.push_str("\n  <details class=\"step-problems\">\n    <summary>");
        auto(out, &t.known_problems);
        out.push_str(" (");
        out.push_str(&st.problems.len().to_string());
        out.push_str(")</summary>\n    <ul>");
        for p in &st.problems {
            out.push_str("\n      <li data-problem=\"");
            auto(out, &p.id);
            out.push('"');
            when_attr(p.when.as_deref(), out);
            out.push('>');
            if let Some(rb) = runbook {
                let mut hit = String::from("hit-");
                auto(&mut hit, &head.anchor);
                hit.push('-');
                auto(&mut hit, &p.id);
                out.push_str("<input type=\"checkbox\" class=\"problem-hit\" id=\"");
                out.push_str(&hit);
                out.push_str("\" data-problem=\"");
                auto(out, &p.id);
                out.push_str("\"> <label for=\"");
                out.push_str(&hit);
                out.push_str("\">");
                auto(out, &rb.hit_problem);
                out.push_str("</label>: ");
            }
            out.push_str("<a href=\"");
            auto(out, &p.href);
            out.push_str("\">");
            title(p.title_values.as_deref(), &p.title, out);
            out.push_str("</a></li>");
        }
        out.push_str("\n    </ul>\n  </details>");
    }
    out.push_str("\n</li>\n");
}

/// The "referenced from" line of a heading, after `indent`, when it has backlinks.
fn backlinks(links: &[LinkView], indent: &str, t: &Strings, out: &mut String) {
    if links.is_empty() {
        return;
    }
    out.push_str(indent);
    out.push_str("<p class=\"backlinks\">");
    auto(out, &t.referenced_from);
    out.push_str(": ");
    for (i, b) in links.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("<a href=\"");
        auto(out, &b.href);
        out.push_str("\">");
        if !b.number.is_empty() {
            auto(out, &b.number);
            out.push(' ');
        }
        title(b.title_values.as_deref(), &b.title, out);
        out.push_str("</a>");
    }
    out.push_str("</p>");
}

/// `translation_gap.html`.
fn gap(g: &GapView, t: &Strings, out: &mut String) {
    out.push_str("<details class=\"translation-gap");
    if g.stale {
        out.push_str(" translation-stale");
    }
    out.push_str("\">\n  <summary>");
    auto(
        out,
        if g.stale {
            &t.translation_stale
        } else {
            &t.translation_missing
        },
    );
    out.push_str("</summary>\n  <div class=\"translation-source\" lang=\"");
    auto(out, g.lang);
    out.push_str("\" aria-label=\"");
    auto(out, &t.translation_source);
    out.push_str("\">\n");
    out.push_str(&g.source);
    out.push_str("\n  </div>\n</details>\n");
}

/// A section's link to itself, from its anchor on: `anchor"><span class="num">1.2</span>
/// title`, as the section heading and the page's contents both write it.
fn numbered(head: &Head, out: &mut String) {
    auto(out, &head.anchor);
    out.push_str("\"><span class=\"num\">");
    auto(out, &head.number);
    out.push_str("</span> ");
    title(head.title_values.as_deref(), &head.title, out);
}

/// `parts/title.html`: the title cut at the facet values it shows, else the plain title.
pub(super) fn title(values: Option<&[Segment<'static>]>, plain: &str, out: &mut String) {
    match values.filter(|v| !v.is_empty()) {
        Some(segments) => {
            for s in segments {
                match s {
                    Segment::Text(text) => esc_into(out, text),
                    Segment::Value(v) => value(v, out),
                    // A title shows facet values only; tera would fail on one of these.
                    Segment::Placeholder(_) => {}
                }
            }
        }
        None => auto(out, plain),
    }
}
