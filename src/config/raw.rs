//! book.toml as written: every table denies unknown keys, so a misspelt key is an error at
//! its line; the values a check reports on keep their spans.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) title: String,
    #[serde(default)]
    pub(super) language: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) edition: Option<String>,
    #[serde(default)]
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) facet: Vec<RawFacet>,
    #[serde(default)]
    pub(super) profile: Vec<RawProfile>,
    #[serde(default)]
    pub(super) output: RawOutput,
    #[serde(default)]
    pub(super) theme: RawTheme,
    #[serde(default)]
    pub(super) check: RawCheck,
    #[serde(default)]
    pub(super) placeholder: Vec<RawPlaceholder>,
    #[serde(default)]
    pub(super) rule: Vec<RawRule>,
    #[serde(default)]
    pub(super) search: RawSearch,
    #[serde(default)]
    pub(super) shell: Vec<RawShell>,
}

/// `[[shell]]`: a shell commands are typed into, or a built-in one's prompt changed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawShell {
    pub(super) id: Spanned<String>,
    pub(super) prompt: Option<String>,
    pub(super) continuation: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSearch {
    /// Groups of words that search each other: `[["登録", "レジスト"]]`.
    #[serde(default)]
    pub(super) synonyms: Vec<Vec<String>>,
}

/// `[[rule]]`: what every environment must satisfy (`to >= from`), in the reader's words.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    pub(super) when: Spanned<String>,
    pub(super) label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlaceholder {
    pub(super) id: Spanned<String>,
    pub(super) label: String,
    #[serde(default)]
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) example: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) pattern: Option<Spanned<String>>,
    /// How the value reads while unfilled; `[label]` by default.
    #[serde(default)]
    pub(super) unfilled: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFacet {
    pub(super) id: Spanned<String>,
    pub(super) label: String,
    #[serde(default)]
    pub(super) kind: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) values: Vec<RawEnumValue>,
    #[serde(default)]
    pub(super) known: Vec<Spanned<String>>,
    /// Display labels of known versions: `labels = { "16" = "16 (LTS)" }`.
    #[serde(default)]
    pub(super) labels: BTreeMap<Spanned<String>, String>,
    /// The facet means something only where this holds (`cluster = mscs`).
    #[serde(default)]
    pub(super) when: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEnumValue {
    pub(super) id: Spanned<String>,
    pub(super) label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProfile {
    pub(super) id: Spanned<String>,
    pub(super) label: String,
    #[serde(default)]
    pub(super) description: Option<String>,
    pub(super) env: Spanned<BTreeMap<Spanned<String>, Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOutput {
    #[serde(default)]
    pub(super) dir: Option<String>,
    /// Raw HTML in Markdown is sanitised unless this is true; `allow_raw_html` is its
    /// older name.
    #[serde(default, alias = "allow_raw_html")]
    pub(super) allow_html: bool,
    #[serde(default)]
    pub(super) pdf: RawPdf,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPdf {
    #[serde(default)]
    pub(super) enabled: bool,
    #[serde(default)]
    pub(super) paper: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTheme {
    #[serde(default)]
    pub(super) dir: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCheck {
    /// Pairs of similar command words that are both right (`["regext", "unregext"]`).
    #[serde(default)]
    pub(super) allow_similar: Vec<[String; 2]>,
    /// `false` turns the similar-command lint off for the book (on when absent).
    #[serde(default)]
    pub(super) similar_commands: Option<bool>,
}
