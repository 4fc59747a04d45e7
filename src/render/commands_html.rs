//! The default theme's commands page, written by Rust: what the content block of
//! `commands.html` (with `parts/title.html`) makes of the listing, byte for byte. The page
//! names every step that runs a command, twice titled: tera spent a tenth of a
//! 1,000-procedure build's CPU turning that listing into its values and back into text,
//! on one core while the other pages were done.
//!
//! As with [`super::procedure_html`], only while those templates are the default theme's
//! own text ([`TEMPLATES`]); a test builds books both ways.

use super::body_html::when_attr;
use super::commands::CommandView;
use super::html::{esc_into, tera_esc_into as auto};
use super::i18n::Strings;
use super::procedure_html::title;

/// The templates whose markup this module writes.
pub const TEMPLATES: &[&str] = &["commands.html", "parts/title.html", "parts/value.html"];

/// The content block of `commands.html` for `list`.
pub fn page(list: &[CommandView], t: &Strings, out: &mut String) {
    out.push_str("\n<article class=\"commands\">\n  <header class=\"page-header\"><h1>");
    auto(out, &t.commands);
    out.push_str("</h1></header>");
    if list.is_empty() {
        out.push_str("\n  <p>");
        auto(out, &t.no_commands);
        out.push_str("</p>");
    } else {
        out.push_str("\n  <p>");
        auto(out, &t.commands_intro);
        out.push_str("</p>");
    }
    for e in list {
        out.push_str("\n  <section class=\"command-entry\" data-env-parent data-command=\"");
        esc_into(out, &e.name);
        out.push_str("\" data-kind=\"");
        out.push_str(if e.process { "process" } else { "command" });
        out.push_str("\">\n    <h2><code>");
        esc_into(out, &e.name);
        out.push_str("</code>");
        if e.process {
            out.push_str(" <span class=\"command-kind\">(");
            auto(out, &t.command_process);
            out.push_str(")</span>");
        }
        out.push_str("</h2>\n    <ul>");
        for s in &e.steps {
            out.push_str("\n      <li data-env-item");
            when_attr(s.when.as_deref(), out);
            out.push_str("><a href=\"");
            esc_into(out, &s.href);
            out.push_str("\"><span class=\"num\">");
            esc_into(out, &s.location);
            out.push_str("</span> ");
            title(s.title.title_values.as_deref(), &s.title.title, out);
            out.push_str("</a> <span class=\"command-procedure\">(");
            title(s.procedure.title_values.as_deref(), &s.procedure.title, out);
            out.push_str(")</span></li>");
        }
        out.push_str("\n    </ul>\n  </section>");
    }
    out.push_str("\n</article>\n");
}
