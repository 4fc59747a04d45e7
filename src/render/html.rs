//! HTML escaping and the link context every renderer shares: whether the page being made
//! is one page of the site or the single print page, which decides where links point.

use crate::config::Config;
use crate::model::{Book, Target};

use super::i18n::{strings, Strings};

/// Escapes text for element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Marks every declared `[[id]]` in already-escaped HTML as a placeholder the reader fills
/// in (placeholders.js replaces its text); undeclared ones were rejected by `tejun check`.
pub fn placeholders(config: &Config, html: &str) -> String {
    crate::resolve::placeholders::fill_with(html, &|id| {
        config.placeholder(id).map(|p| match &p.value {
            Some(v) => format!(
                "<span class=\"ph ph-filled\" data-ph=\"{}\" title=\"{}\">{}</span>",
                esc(&p.id),
                esc(&p.label),
                esc(v)
            ),
            None => format!(
                "<span class=\"ph\" data-ph=\"{}\" title=\"{}\">{}</span>",
                esc(&p.id),
                esc(&p.label),
                esc(&p.unfilled)
            ),
        })
    })
}

/// Plain text with placeholders as they read unfilled (`[リソースの名前]`).
pub fn placeholders_text(config: &Config, text: &str) -> String {
    crate::resolve::placeholders::fill_with(text, &|id| {
        config
            .placeholder(id)
            .map(|p| p.value.clone().unwrap_or_else(|| p.unfilled.clone()))
    })
}

/// Whether links point to other pages of the site or into the one print page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkMode {
    Pages,
    Print,
}

/// What a renderer needs besides the thing it renders.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub book: &'a Book,
    pub mode: LinkMode,
}

impl<'a> Ctx<'a> {
    pub fn new(book: &'a Book, mode: LinkMode) -> Self {
        Ctx { book, mode }
    }

    pub fn config(&self) -> &'a Config {
        &self.book.config
    }

    pub fn t(&self) -> &'static Strings {
        strings(self.book.config.language)
    }

    /// The `id` attribute of an element: anchors are page-local on the site, and prefixed
    /// with their page on the print page, where every procedure shares one document.
    pub fn anchor(&self, page: &str, anchor: &str) -> String {
        match (self.mode, anchor.is_empty()) {
            (LinkMode::Pages, _) => anchor.to_string(),
            (LinkMode::Print, true) => format!("p-{page}"),
            (LinkMode::Print, false) => format!("p-{page}--{anchor}"),
        }
    }

    /// The `href` of a page (and optional anchor inside it).
    pub fn href(&self, page: &str, anchor: &str) -> String {
        match (self.mode, anchor.is_empty()) {
            (LinkMode::Pages, true) => format!("{page}.html"),
            (LinkMode::Pages, false) => format!("{page}.html#{anchor}"),
            (LinkMode::Print, _) => format!("#{}", self.anchor(page, anchor)),
        }
    }

    pub fn target_href(&self, t: &Target) -> String {
        self.href(&t.page, &t.anchor)
    }

    /// Where `ext:id` points: the entry on the references page.
    pub fn ref_href(&self, id: &str) -> String {
        match self.mode {
            LinkMode::Pages => format!("references.html#ref-{id}"),
            LinkMode::Print => format!("#ref-{id}"),
        }
    }
}
