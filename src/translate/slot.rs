//! A translatable field of the source, whatever type the loader keeps it in, and the
//! checks a translated text must pass before it replaces the source's: the same
//! placeholders, reusable-step parameters and link targets (a translation carries words,
//! never a different link or value).

use std::collections::BTreeSet;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use super::raw::SStr;

/// Where a source text lives.
pub enum Slot<'s> {
    /// A located string (content files).
    Spanned(&'s mut SStr),
    /// An optional located string.
    OptSpanned(&'s mut Option<SStr>),
    /// An optional located string kept boxed (a part's rarer keys).
    OptBoxed(&'s mut Option<Box<SStr>>),
    /// A plain string (book.toml's labels, a reference's title).
    Plain(&'s mut String),
    /// An optional plain string.
    OptPlain(&'s mut Option<String>),
}

impl Slot<'_> {
    /// The source's text, when it has one.
    pub fn text(&self) -> Option<&str> {
        match self {
            Slot::Spanned(s) => Some(s.get_ref().as_str()),
            Slot::OptSpanned(s) => s.as_ref().map(|s| s.get_ref().as_str()),
            Slot::OptBoxed(s) => s.as_deref().map(|s| s.get_ref().as_str()),
            Slot::Plain(s) => Some(s.as_str()),
            Slot::OptPlain(s) => s.as_deref(),
        }
        .filter(|t| !t.trim().is_empty())
    }

    /// Where the source's text is (its span in the source file), if known.
    pub fn span(&self) -> Option<Range<usize>> {
        match self {
            Slot::Spanned(s) => Some(s.span()),
            Slot::OptSpanned(s) => s.as_ref().map(|s| s.span()),
            Slot::OptBoxed(s) => s.as_deref().map(|s| s.span()),
            _ => None,
        }
    }

    /// Puts the translation in the source's place. A located string keeps the source's
    /// span: what the resolver reports about it then points at the unit it came from,
    /// the translation's own mistakes having been reported at the translation already.
    pub fn set(&mut self, text: &str) {
        match self {
            Slot::Spanned(s) => **s = SStr::new(s.span(), text.to_string()),
            Slot::OptSpanned(s) => {
                if let Some(old) = s.as_ref() {
                    **s = Some(SStr::new(old.span(), text.to_string()));
                }
            }
            Slot::OptBoxed(s) => {
                if let Some(old) = s.as_deref_mut() {
                    *old = SStr::new(old.span(), text.to_string());
                }
            }
            Slot::Plain(s) => **s = text.to_string(),
            Slot::OptPlain(s) => **s = Some(text.to_string()),
        }
    }
}

/// What must survive translation: `[[placeholder]]` uses, `{{param}}` uses and link
/// destinations, as a set.
pub fn tokens(text: &str) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = crate::placeholder::uses(text)
        .into_iter()
        .map(|(_, id)| format!("[[{id}]]"))
        .collect();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        out.insert(format!("{{{{{}}}}}", after[..close].trim()));
        rest = &after[close + 2..];
    }
    for event in Parser::new(text) {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
            out.insert(format!("]({dest_url})"));
        }
    }
    out
}

/// What the translation lost or added, for the error message: `None` when they agree.
pub fn token_mismatch(source: &str, translated: &str) -> Option<String> {
    let (s, t) = (tokens(source), tokens(translated));
    if s == t {
        return None;
    }
    let lost: Vec<_> = s.difference(&t).map(String::as_str).collect();
    let added: Vec<_> = t.difference(&s).map(String::as_str).collect();
    let mut parts = Vec::new();
    if !lost.is_empty() {
        parts.push(format!("lost {}", lost.join(" ")));
    }
    if !added.is_empty() {
        parts.push(format!("added {}", added.join(" ")));
    }
    Some(parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translation_keeps_placeholders_parameters_and_links() {
        let source = "[[host]] で {{node}} を停止します。[](#stop) を参照。";
        assert_eq!(
            token_mismatch(source, "Stop {{node}} on [[host]]. See [](#stop)."),
            None
        );
        assert_eq!(
            token_mismatch(source, "Stop {{node}} on [[hostname]]. See [](#start)."),
            Some("lost [[host]] ](#stop); added [[hostname]] ](#start)".to_string())
        );
    }
}
