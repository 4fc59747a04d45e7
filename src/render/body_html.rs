//! The default theme's step-body markup, written by Rust: what `step_body.html`,
//! `variant.html`, `part.html`, `parts/*.html` and the `badges` macro of `conditions.html`
//! make of a [`Body`], byte for byte. A book renders a hundred thousand bodies at 5,000
//! procedures, and tera took a tenth of a full build's CPU to render them (looking up each
//! dotted path costs it a few allocations).
//!
//! It is used only while every one of those templates is the default theme's own text
//! ([`TEMPLATES`], checked by [`super::theme::Theme::load`]): a theme that changes any of
//! them is rendered by its templates. The unit test below renders every body of the
//! repository's books both ways and compares them.

use super::html::{esc_into, PlaceholderView, Segment, ValueView};
use super::i18n::Strings;
use super::labels::Badges;
use super::parts::{Body, PartData, PartView, VariantView};

/// The templates whose markup this module writes.
pub const TEMPLATES: &[&str] = &[
    "step_body.html",
    "variant.html",
    "part.html",
    "parts/text.html",
    "parts/cmd.html",
    "parts/gui.html",
    "parts/processes.html",
    "parts/callout.html",
    "parts/refs.html",
    "parts/placeholder.html",
    "parts/value.html",
    "conditions.html",
];

/// `step_body.html`: the parts, with the variants before part `variants_at` (after the
/// last part when there are no more).
pub fn body(b: &Body<'_>, t: &Strings, out: &mut String) {
    for (i, p) in b.parts.iter().enumerate() {
        if i == b.variants_at {
            variants(&b.variants, t, out);
        }
        part(p, t, out);
    }
    if b.variants_at >= b.parts.len() {
        variants(&b.variants, t, out);
    }
}

fn variants(vs: &[VariantView<'_>], t: &Strings, out: &mut String) {
    for v in vs {
        out.push_str("<div class=\"variant\"");
        when_attr(v.when.as_deref(), out);
        out.push('>');
        if !v.label.is_empty() {
            out.push_str("<p class=\"variant-label\">");
            esc_into(out, &v.label);
            if let Some(b) = &v.badges {
                badges(b, t, out);
            }
            out.push_str("</p>");
        }
        out.push('\n');
        for p in &v.parts {
            part(p, t, out);
        }
        out.push_str("</div>\n");
    }
}

/// ` data-when="…"` for a condition tera reads as true (present and not empty).
pub(super) fn when_attr(when: Option<&str>, out: &mut String) {
    if let Some(w) = when.filter(|w| !w.is_empty()) {
        out.push_str(" data-when=\"");
        esc_into(out, w);
        out.push('"');
    }
}

/// `conditions.html`'s `badges` macro.
pub(super) fn badges(b: &Badges, t: &Strings, out: &mut String) {
    out.push_str("<span class=\"badges\" title=\"");
    esc_into(out, &t.applies_when);
    out.push_str(": ");
    esc_into(out, &b.text);
    out.push_str("\">");
    for item in &b.items {
        out.push_str("<span class=\"badge\"");
        when_attr(item.when.as_deref(), out);
        out.push('>');
        esc_into(out, &item.label);
        out.push_str("</span>");
    }
    out.push_str("</span>");
}

/// `part.html` and the `parts/<kind>.html` it includes.
fn part(p: &PartView<'_>, t: &Strings, out: &mut String) {
    let kind = match &p.kind {
        PartData::Text { .. } => "text",
        PartData::Cmd { .. } => "cmd",
        PartData::Gui { .. } => "gui",
        PartData::Processes { .. } => "processes",
        PartData::Note { .. } => "note",
        PartData::Caution { .. } => "caution",
        PartData::Refs { .. } => "refs",
    };
    out.push_str("<div class=\"part part-");
    out.push_str(kind);
    out.push('"');
    when_attr(p.when.as_deref(), out);
    out.push('>');
    if let Some(b) = &p.badges {
        badges(b, t, out);
    }
    match &p.kind {
        PartData::Text { html } => {
            for s in html {
                match s {
                    Segment::Text(text) => out.push_str(text),
                    other => segment(other, out),
                }
            }
        }
        PartData::Cmd {
            shell,
            prompt,
            lines,
            starts,
            output,
        } => {
            out.push_str("<div class=\"cmd\" data-shell=\"");
            esc_into(out, shell);
            out.push_str("\"><div class=\"cmd-bar\"><span class=\"cmd-shell\">");
            esc_into(out, shell);
            // What the button says once it has copied is the page's, on its body: a
            // book has tens of thousands of these buttons.
            out.push_str("</span><button type=\"button\" class=\"copy\">");
            esc_into(out, &t.copy);
            out.push_str("</button></div><pre><code>");
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str("<span class=\"line\">");
                if starts.get(i).copied().unwrap_or(false) && !prompt.is_empty() {
                    out.push_str("<span class=\"prompt\" aria-hidden=\"true\">");
                    esc_into(out, prompt);
                    out.push_str(" </span>");
                }
                out.push_str("<span class=\"cmd-text\">");
                segments(line, out);
                out.push_str("</span></span>");
            }
            out.push_str("</code></pre></div>");
            if let Some(output) = output.as_ref().filter(|o| !o.is_empty()) {
                out.push_str("<div class=\"cmd-output\"><p class=\"cmd-output-label\">");
                esc_into(out, &t.output);
                out.push_str("</p><pre><samp>");
                segments(output, out);
                out.push_str("</samp></pre></div>");
            }
        }
        PartData::Gui { entries } => {
            out.push_str("<p class=\"menu-path\">");
            for (i, entry) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str("<span class=\"menu-sep\">→</span>");
                }
                out.push_str("<span class=\"menu\">");
                segments(entry, out);
                out.push_str("</span>");
            }
            out.push_str("</p>");
        }
        PartData::Processes { expect, items } => {
            out.push_str("<div class=\"processes processes-");
            out.push_str(expect);
            out.push_str("\"><p class=\"processes-heading\">");
            esc_into(
                out,
                if *expect == "absent" {
                    &t.absent
                } else {
                    &t.present
                },
            );
            out.push_str("</p><ul>");
            for item in items {
                out.push_str("<li");
                when_attr(item.when.as_deref(), out);
                out.push_str("><code>");
                esc_into(out, item.name);
                out.push_str("</code>");
                if let Some(b) = &item.badges {
                    badges(b, t, out);
                }
                out.push_str("</li>");
            }
            out.push_str("</ul></div>");
        }
        PartData::Note { html } | PartData::Caution { html } => {
            out.push_str("<aside class=\"callout callout-");
            out.push_str(kind);
            out.push_str("\"><p class=\"callout-title\">");
            esc_into(out, if kind == "note" { &t.note } else { &t.caution });
            out.push_str("</p>");
            out.push_str(html);
            out.push_str("</aside>");
        }
        PartData::Refs { refs } => {
            out.push_str("<p>");
            esc_into(out, &t.refs_before);
            for (i, r) in refs.iter().enumerate() {
                if i > 0 {
                    esc_into(out, &t.refs_sep);
                }
                out.push_str("<a href=\"");
                esc_into(out, &r.href);
                out.push_str("\">");
                esc_into(out, r.title);
                out.push_str("</a>");
            }
            esc_into(out, &t.refs_after);
            out.push_str("</p>");
        }
    }
    out.push_str("</div>\n");
}

/// Text cut at its placeholders and facet values, the text escaped.
fn segments(list: &[Segment<'_>], out: &mut String) {
    for s in list {
        match s {
            Segment::Text(text) => esc_into(out, text),
            other => segment(other, out),
        }
    }
}

/// `parts/value.html` or `parts/placeholder.html`.
fn segment(s: &Segment<'_>, out: &mut String) {
    match s {
        Segment::Text(text) => esc_into(out, text),
        Segment::Value(v) => value(v, out),
        Segment::Placeholder(p) => placeholder(p, out),
    }
}

/// `parts/value.html`.
pub(super) fn value(v: &ValueView, out: &mut String) {
    out.push_str("<span class=\"fv");
    if v.filled {
        out.push_str(" fv-filled");
    }
    out.push_str("\" data-fv=\"");
    esc_into(out, &v.facet);
    out.push('"');
    if !v.part.is_empty() {
        out.push_str(" data-fv-part=\"");
        esc_into(out, v.part);
        out.push('"');
    }
    out.push('>');
    esc_into(out, &v.text);
    out.push_str("</span>");
}

fn placeholder(p: &PlaceholderView<'_>, out: &mut String) {
    out.push_str("<span class=\"ph");
    if p.filled {
        out.push_str(" ph-filled");
    }
    out.push_str("\" data-ph=\"");
    esc_into(out, p.id);
    out.push_str("\" title=\"");
    esc_into(out, p.label);
    out.push_str("\">");
    esc_into(out, p.text);
    out.push_str("</span>");
}
