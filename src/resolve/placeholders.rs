//! Placeholders (`[[resource]]`): every use must be declared in book.toml, and every
//! declaration should be used somewhere.

use std::collections::BTreeSet;
use std::ops::Range;

use super::Resolver;
use crate::diagnostics::{Diagnostic, FileId};

pub use crate::placeholder::{fill, uses};

impl Resolver<'_> {
    /// A title is shown in lists, headers, bookmarks and search results, where no reader
    /// value is ever filled in: a placeholder there is an error at its place.
    pub(super) fn plain_title(&mut self, file: FileId, title: &crate::content::raw::SStr) {
        let Some(&(at, id)) = uses(title.get_ref()).first() else {
            return;
        };
        let start = super::content_start(self.sources.text(file), &title.span()) + at;
        self.diags.push(
            Diagnostic::error(
                file,
                start..start + id.len() + 4,
                format!("placeholder `[[{id}]]` in a title"),
            )
            .with_hint("titles are shown where no reader's value is filled in (contents, headers, search); name the value in the step's text or command instead"),
        );
    }

    /// Checks the placeholders in one string written at `span` of `file`.
    pub(super) fn placeholders(&mut self, file: FileId, span: &Range<usize>, text: &str) {
        for (_, id) in uses(text) {
            if self.config.placeholder(id).is_some() {
                self.used_placeholders.insert(id.to_string());
                continue;
            }
            let needle = format!("[[{id}]]");
            let hay = self.sources.text(file).get(span.clone()).unwrap_or("");
            let at = match hay.find(&needle) {
                Some(i) => span.start + i..span.start + i + needle.len(),
                None => span.clone(),
            };
            let declared: Vec<&str> = self
                .config
                .placeholders
                .iter()
                .map(|p| p.id.as_str())
                .collect();
            self.diags.push(
                Diagnostic::error(file, at, format!("undeclared placeholder `{id}`")).with_hint(
                    if declared.is_empty() {
                        "declare it in book.toml: [[placeholder]] id = \"…\" label = \"…\""
                            .to_string()
                    } else {
                        format!("declared placeholders: {}", declared.join(", "))
                    },
                ),
            );
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
