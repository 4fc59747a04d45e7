//! Placeholders (`[[resource]]`) and facet values (`[[to.minor]]`) in text: every use must
//! name a declared placeholder or a facet and one of its parts, and every placeholder
//! should be used somewhere.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;

use super::Resolver;
use crate::config::Use;
use crate::diagnostics::{Diagnostic, FileId};

pub use crate::placeholder::{fill, uses};

impl Resolver<'_> {
    /// A title is shown in lists, headers, bookmarks and search results, where no reader
    /// value is ever filled in: a placeholder there is an error at its place. Facet values
    /// are what the environment gives, so they may stand in titles.
    pub(super) fn plain_title(&mut self, file: FileId, title: &crate::content::raw::SStr) {
        let start = super::content_start(self.sources.text(file), &title.span());
        for (at, id) in uses(title.get_ref()) {
            let place = start + at..start + at + id.len() + 4;
            match self.config.use_of(id) {
                Ok(Use::Facet(..)) => {}
                Ok(Use::Placeholder(_)) => self.diags.push(
                    Diagnostic::error(file, place, format!("placeholder `[[{id}]]` in a title"))
                        .with_hint("titles are shown where no reader's value is filled in (contents, headers, search); name the value in the step's text or command instead"),
                ),
                Err(message) => {
                    let hint = self.use_hint(id);
                    self.diags
                        .push(Diagnostic::error(file, place, message).with_hint(hint));
                }
            }
        }
    }

    /// A title as the whole book shows it (facet values as their facets' labels) and,
    /// when it shows facet values, as written, for views that know their environment.
    pub(super) fn title_text(&self, written: &str) -> (String, Option<String>) {
        match self.config.with_facets(written) {
            Cow::Borrowed(_) => (written.to_string(), None),
            Cow::Owned(shown) => (shown, Some(written.to_string())),
        }
    }

    /// Checks the placeholders and facet values in one string written at `span` of `file`.
    pub(super) fn placeholders(&mut self, file: FileId, span: &Range<usize>, text: &str) {
        for (_, id) in uses(text) {
            let message = match self.config.use_of(id) {
                Ok(Use::Placeholder(_)) => {
                    self.used_placeholders.insert(id.to_string());
                    continue;
                }
                Ok(Use::Facet(..)) => continue,
                Err(message) => message,
            };
            let needle = format!("[[{id}]]");
            let hay = self.sources.text(file).get(span.clone()).unwrap_or("");
            let at = match hay.find(&needle) {
                Some(i) => span.start + i..span.start + i + needle.len(),
                None => span.clone(),
            };
            let hint = self.use_hint(id);
            self.diags
                .push(Diagnostic::error(file, at, message).with_hint(hint));
        }
    }

    /// What `[[id]]` could have been: the facet's parts, or the declared placeholders and
    /// the facets whose values text may show.
    fn use_hint(&self, id: &str) -> String {
        let name = id.split('.').next().unwrap_or_default();
        if let Some(f) = self.config.facet(name) {
            return format!(
                "`[[{}]]` shows the environment's {}; `[[{}.label]]` its label",
                f.id, f.label, f.id
            );
        }
        let declared: Vec<&str> = self
            .config
            .placeholders
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        let facets: Vec<&str> = self.config.facets.iter().map(|f| f.id.as_str()).collect();
        let facets = if facets.is_empty() {
            String::new()
        } else {
            format!("; facet values: {}", facets.join(", "))
        };
        if declared.is_empty() {
            format!("declare it in book.toml: [[placeholder]] id = \"…\" label = \"…\"{facets}")
        } else {
            format!("declared placeholders: {}{facets}", declared.join(", "))
        }
    }

    /// Warns about declared placeholders nothing uses; book.toml is always file 0.
    pub(super) fn unused_placeholders(&mut self) {
        let used: &BTreeSet<String> = &self.used_placeholders;
        let unused: Vec<(String, Range<usize>)> = self
            .config
            .placeholders
            .iter()
            .filter(|p| !used.contains(&p.id))
            .map(|p| (p.id.clone(), p.span.clone()))
            .collect();
        for (id, span) in unused {
            self.diags.push(
                Diagnostic::warning(
                    0,
                    span,
                    format!("placeholder `{id}` is declared but never used"),
                )
                .with_hint("use it as [[id]] in a command or text, or remove the declaration"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{fill, uses};

    #[test]
    fn finds_plain_ids_only() {
        assert_eq!(
            uses("cluster res \"[[resource]]\" /priv x=[[db_path]]"),
            vec![(13, "resource"), (35, "db_path")]
        );
        assert!(uses("if [[ -f x ]]; then").is_empty());
        assert!(uses("[[Upper]] [[]]").is_empty());
    }

    #[test]
    fn fills_known_values_and_keeps_the_rest() {
        let v = |id: &str| (id == "a").then(|| "AA".to_string());
        assert_eq!(fill("x [[a]] y [[b]]", &v), "x AA y [[b]]");
    }
}
