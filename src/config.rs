//! `book.toml`: read as a strict `RawConfig` (unknown keys are errors with their
//! location), then checked once into a [`Config`] the rest of the program trusts.
//! Placeholder patterns are checked against the syntax Rust and browsers share
//! ([`pattern`]).

pub mod pattern;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;

use crate::condition::{Env, Value};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId};
use crate::version::Version;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    language: Option<Spanned<String>>,
    #[serde(default)]
    edition: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    facet: Vec<RawFacet>,
    #[serde(default)]
    profile: Vec<RawProfile>,
    #[serde(default)]
    output: RawOutput,
    #[serde(default)]
    theme: RawTheme,
    #[serde(default)]
    check: RawCheck,
    #[serde(default)]
    placeholder: Vec<RawPlaceholder>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaceholder {
    id: Spanned<String>,
    label: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    example: Option<Spanned<String>>,
    #[serde(default)]
    pattern: Option<Spanned<String>>,
    /// How the value reads while unfilled; `[label]` by default.
    #[serde(default)]
    unfilled: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFacet {
    id: Spanned<String>,
    label: String,
    #[serde(default)]
    kind: Option<Spanned<String>>,
    #[serde(default)]
    values: Vec<RawEnumValue>,
    #[serde(default)]
    known: Vec<Spanned<String>>,
    /// Display labels of known versions: `labels = { "16" = "16 (LTS)" }`.
    #[serde(default)]
    labels: BTreeMap<Spanned<String>, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnumValue {
    id: Spanned<String>,
    label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    id: Spanned<String>,
    label: String,
    #[serde(default)]
    description: Option<String>,
    env: Spanned<BTreeMap<Spanned<String>, Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    #[serde(default)]
    dir: Option<String>,
    /// Raw HTML in Markdown is sanitised unless this is true; `allow_raw_html` is its
    /// older name.
    #[serde(default, alias = "allow_raw_html")]
    allow_html: bool,
    #[serde(default)]
    pdf: RawPdf,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPdf {
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    paper: Option<Spanned<String>>,
}

/// Paper size for `tejun pdf` and `[output.pdf]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    Letter,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    #[serde(default)]
    dir: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    /// Pairs of similar command words that are both right (`["regext", "unregext"]`).
    #[serde(default)]
    allow_similar: Vec<[String; 2]>,
    /// `false` turns the similar-command lint off for the book (on when absent).
    #[serde(default)]
    similar_commands: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Language {
    #[serde(rename = "ja")]
    Ja,
    #[serde(rename = "en")]
    En,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct EnumValue {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub enum FacetKind {
    Enum(Vec<EnumValue>),
    /// `known`: the versions the picker offers, in order; `labels`: how some of them read.
    Version {
        known: Vec<Version>,
        labels: Vec<(Version, String)>,
    },
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Facet {
    pub id: String,
    pub label: String,
    pub kind: FacetKind,
}

impl Facet {
    /// How a value of this facet reads: an enumeration value's label, a known version's
    /// label, else the value as written.
    pub fn value_label<'a>(&'a self, value: &'a str) -> &'a str {
        match &self.kind {
            FacetKind::Enum(values) => values
                .iter()
                .find(|v| v.id == value)
                .map_or(value, |v| v.label.as_str()),
            FacetKind::Version { labels, .. } => value
                .parse::<Version>()
                .ok()
                .and_then(|v| labels.iter().find(|(k, _)| *k == v))
                .map_or(value, |(_, l)| l.as_str()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub id: String,
    pub label: String,
    pub description: Option<String>,
    pub env: Env,
}

/// A value the reader supplies once (`[[resource]]` in a command), declared in book.toml.
#[derive(Debug, Clone)]
pub struct Placeholder {
    pub id: String,
    pub label: String,
    pub description: Option<String>,
    pub example: Option<String>,
    /// Anchored pattern a value must match, in the subset browsers read alike
    /// ([`pattern`]); its source (`as_str`) is what `placeholders.js` compiles.
    pub pattern: Option<regex::Regex>,
    pub unfilled: String,
    /// Where book.toml declares it, for the "never used" warning.
    pub span: std::ops::Range<usize>,
    /// A value given on the command line (`tejun runbook --set id=value`), written into
    /// the output instead of the unfilled text.
    pub value: Option<String>,
}

impl Placeholder {
    /// Checks a value the reader or `--set` gave: one line, matching the pattern (as
    /// `placeholders.js` checks it).
    pub fn accepts(&self, value: &str) -> bool {
        pattern::one_line(value) && self.pattern.as_ref().is_none_or(|p| p.is_match(value))
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub language: Language,
    pub edition: Option<String>,
    pub description: Option<String>,
    pub facets: Vec<Facet>,
    pub profiles: Vec<Profile>,
    pub out_dir: PathBuf,
    /// `[output] allow_html` (or `allow_raw_html`): raw HTML in Markdown is written as
    /// it is instead of sanitised.
    pub allow_raw_html: bool,
    /// `[output.pdf] enabled`: `tejun build` also writes the book's and profiles' PDFs.
    pub pdf_enabled: bool,
    pub pdf_paper: Paper,
    pub theme_dir: PathBuf,
    pub allow_similar: Vec<[String; 2]>,
    /// `[check] similar_commands`: whether the similar-command lint runs.
    pub lint_similar: bool,
    pub placeholders: Vec<Placeholder>,
}

/// The id rule (README, "Ids"): `[a-z0-9][a-z0-9._-]*`. Every id of a book follows it,
/// whatever it names, because ids become file names (`runbooks/<profile>.html`), anchors,
/// URLs and attribute values: an id can then hold no `/`, no `..` on its own, no quote and
/// no markup, and nothing downstream has to escape or check it again.
/// A list the facet's kind does not read is an error, not a silent no-op: `values` on a
/// version facet, `known` or `labels` on an enumeration.
fn misplaced_lists(diags: &mut Diagnostics, file: FileId, f: &RawFacet, is_version: bool) {
    let id = f.id.get_ref();
    if is_version {
        if let Some(v) = f.values.first() {
            diags.push(
                Diagnostic::error(
                    file,
                    v.id.span(),
                    format!("facet `{id}` is a version facet: it lists `known` versions, not `values`"),
                )
                .with_hint("known = [\"14.9\", \"16\"]; display labels go in labels = { \"16\" = \"16 (LTS)\" }"),
            );
        }
    } else {
        let span = f
            .known
            .first()
            .map(|k| k.span())
            .or_else(|| f.labels.keys().next().map(|k| k.span()));
        if let Some(span) = span {
            diags.push(
                Diagnostic::error(
                    file,
                    span,
                    format!("facet `{id}` is an enumeration: `known` and `labels` belong to version facets"),
                )
                .with_hint("add kind = \"version\", or list the values as values = [{ id = \"a\", label = \"A\" }]"),
            );
        }
    }
}

pub(crate) fn valid_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// The hint every id error gives.
pub(crate) const ID_RULE: &str =
    "ids are lower-case ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit";

/// Checks one id against [`valid_id`]; `what` names it in the message (`profile id`).
pub(crate) fn check_id(
    diags: &mut Diagnostics,
    file: FileId,
    span: std::ops::Range<usize>,
    id: &str,
    what: impl FnOnce() -> String,
) -> bool {
    let ok = valid_id(id);
    if !ok {
        diags.push(Diagnostic::error(file, span, format!("invalid {}", what())).with_hint(ID_RULE));
    }
    ok
}

impl Config {
    /// Sets placeholder values from `id=value,id=value`, checking each against its pattern.
    /// An error quotes the command line as diagnostics quote a book (invisible characters
    /// escaped).
    pub fn set_placeholders(&mut self, spec: &str) -> Result<(), String> {
        self.set_each_placeholder(spec).map_err(shown)
    }

    fn set_each_placeholder(&mut self, spec: &str) -> Result<(), String> {
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some((id, value)) = item.split_once('=') else {
                return Err(format!("`{item}` is not `placeholder=value`"));
            };
            let (id, value) = (id.trim(), value.trim());
            let known: Vec<String> = self.placeholders.iter().map(|p| p.id.clone()).collect();
            let Some(p) = self.placeholders.iter_mut().find(|p| p.id == id) else {
                return Err(format!(
                    "unknown placeholder `{id}` (book.toml declares: {})",
                    known.join(", ")
                ));
            };
            if !p.accepts(value) {
                let example = p
                    .example
                    .as_deref()
                    .map(|e| format!(", for example `{e}`"))
                    .unwrap_or_default();
                return Err(format!(
                    "`{value}` is not a valid {} (`{id}`){example}",
                    p.label
                ));
            }
            p.value = Some(value.to_string());
        }
        Ok(())
    }

    pub fn placeholder(&self, id: &str) -> Option<&Placeholder> {
        self.placeholders.iter().find(|p| p.id == id)
    }

    pub fn facet(&self, id: &str) -> Option<&Facet> {
        self.facets.iter().find(|f| f.id == id)
    }

    /// Parses `book.toml`'s text; every problem goes to `diags`.
    pub fn parse(text: &str, file: FileId, diags: &mut Diagnostics) -> Option<Config> {
        let raw: RawConfig = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                diags.push(crate::content::toml_error(file, text, &e));
                return None;
            }
        };
        let before = diags.items.len();
        let language = match raw.language.as_ref().map(|l| l.get_ref().as_str()) {
            None | Some("ja") => Language::Ja,
            Some("en") => Language::En,
            Some(other) => {
                let span = raw.language.as_ref().map(|l| l.span()).unwrap_or(0..0);
                diags.push(
                    Diagnostic::error(file, span, format!("unknown language `{other}`"))
                        .with_hint("use \"ja\" or \"en\""),
                );
                Language::Ja
            }
        };
        let mut facets: Vec<Facet> = Vec::new();
        for f in raw.facet {
            check_id(diags, file, f.id.span(), f.id.get_ref(), || {
                format!("facet id `{}`", f.id.get_ref())
            });
            if let Some(prev) = facets.iter().find(|p| p.id == *f.id.get_ref()) {
                diags.push(Diagnostic::error(
                    file,
                    f.id.span(),
                    format!("duplicate facet id `{}`", prev.id),
                ));
                continue;
            }
            let is_version = f.kind.as_ref().is_some_and(|k| k.get_ref() == "version");
            misplaced_lists(diags, file, &f, is_version);
            let kind = match f.kind.as_ref().map(|k| k.get_ref().as_str()) {
                None | Some("enum") => {
                    if f.values.is_empty() {
                        diags.push(Diagnostic::error(
                            file,
                            f.id.span(),
                            format!("facet `{}` has no `values`", f.id.get_ref()),
                        ).with_hint("an enumeration facet lists its values: values = [{ id = \"a\", label = \"A\" }]"));
                    }
                    let mut seen: Vec<&str> = Vec::new();
                    for v in &f.values {
                        check_id(diags, file, v.id.span(), v.id.get_ref(), || {
                            format!(
                                "value id `{}` in facet `{}`",
                                v.id.get_ref(),
                                f.id.get_ref()
                            )
                        });
                        if seen.contains(&v.id.get_ref().as_str()) {
                            diags.push(Diagnostic::error(
                                file,
                                v.id.span(),
                                format!(
                                    "duplicate value `{}` in facet `{}`",
                                    v.id.get_ref(),
                                    f.id.get_ref()
                                ),
                            ));
                        }
                        seen.push(v.id.get_ref());
                    }
                    FacetKind::Enum(
                        f.values
                            .iter()
                            .map(|v| EnumValue {
                                id: v.id.get_ref().clone(),
                                label: v.label.clone(),
                            })
                            .collect(),
                    )
                }
                Some("version") => {
                    let mut known = Vec::new();
                    for k in &f.known {
                        match k.get_ref().parse::<Version>() {
                            Ok(v) => known.push(v),
                            Err(e) => diags.push(Diagnostic::error(file, k.span(), e.message)),
                        }
                    }
                    known.sort();
                    let mut labels = Vec::new();
                    for (k, label) in &f.labels {
                        match k.get_ref().parse::<Version>() {
                            Ok(v) if known.contains(&v) => labels.push((v, label.clone())),
                            Ok(_) => diags.push(
                                Diagnostic::error(
                                    file,
                                    k.span(),
                                    format!("`{}` has a label but is not in `known`", k.get_ref()),
                                )
                                .with_hint(
                                    "labels name versions the picker offers; add it to `known`",
                                ),
                            ),
                            Err(e) => diags.push(Diagnostic::error(file, k.span(), e.message)),
                        }
                    }
                    FacetKind::Version { known, labels }
                }
                Some(other) => {
                    let span = f.kind.as_ref().map(|k| k.span()).unwrap_or(0..0);
                    diags.push(
                        Diagnostic::error(file, span, format!("unknown facet kind `{other}`"))
                            .with_hint("use \"enum\" (the default) or \"version\""),
                    );
                    continue;
                }
            };
            facets.push(Facet {
                id: f.id.into_inner(),
                label: f.label,
                kind,
            });
        }
        let mut profiles: Vec<Profile> = Vec::new();
        for p in raw.profile {
            check_id(diags, file, p.id.span(), p.id.get_ref(), || {
                format!("profile id `{}`", p.id.get_ref())
            });
            if profiles.iter().any(|q| q.id == *p.id.get_ref()) {
                diags.push(Diagnostic::error(
                    file,
                    p.id.span(),
                    format!("duplicate profile id `{}`", p.id.get_ref()),
                ));
                continue;
            }
            let mut env = Env::new();
            for (k, v) in p.env.get_ref() {
                match parse_env_value(&facets, k.get_ref(), v.get_ref()) {
                    Ok(value) => {
                        env.insert(k.get_ref().clone(), value);
                    }
                    Err(EnvError::Facet(msg)) => diags.push(Diagnostic::error(file, k.span(), msg)),
                    Err(EnvError::Value(msg)) => diags.push(Diagnostic::error(file, v.span(), msg)),
                }
            }
            profiles.push(Profile {
                id: p.id.into_inner(),
                label: p.label,
                description: p.description,
                env,
            });
        }
        let pdf_paper = match raw.output.pdf.paper.as_ref().map(|p| p.get_ref().as_str()) {
            None | Some("a4") | Some("A4") => Paper::A4,
            Some("letter") => Paper::Letter,
            Some(other) => {
                let span = raw
                    .output
                    .pdf
                    .paper
                    .as_ref()
                    .map(|p| p.span())
                    .unwrap_or(0..0);
                diags.push(
                    Diagnostic::error(file, span, format!("unknown paper size `{other}`"))
                        .with_hint("use \"a4\" (the default) or \"letter\""),
                );
                Paper::A4
            }
        };
        let mut placeholders: Vec<Placeholder> = Vec::new();
        for p in raw.placeholder {
            let id = p.id.get_ref().clone();
            check_id(diags, file, p.id.span(), &id, || {
                format!("placeholder id `{id}`")
            });
            if placeholders.iter().any(|q| q.id == id) {
                diags.push(Diagnostic::error(
                    file,
                    p.id.span(),
                    format!("duplicate placeholder `{id}`"),
                ));
                continue;
            }
            let pattern = match &p.pattern {
                None => None,
                Some(src) => match pattern::compile(src.get_ref()) {
                    Ok(r) => Some(r),
                    Err(e) => {
                        diags.push(pattern_error(text, file, src, e));
                        None
                    }
                },
            };
            if let (Some(r), Some(ex)) = (&pattern, &p.example) {
                if !r.is_match(ex.get_ref()) {
                    diags.push(Diagnostic::error(
                        file,
                        ex.span(),
                        format!(
                            "example `{}` does not match the placeholder's pattern",
                            ex.get_ref()
                        ),
                    ));
                }
            }
            placeholders.push(Placeholder {
                unfilled: p.unfilled.unwrap_or_else(|| format!("[{}]", p.label)),
                id,
                label: p.label,
                description: p.description,
                example: p.example.map(Spanned::into_inner),
                pattern,
                span: p.id.span(),
                value: None,
            });
        }
        if diags.items.len() > before {
            return None;
        }
        Some(Config {
            title: raw.title,
            language,
            edition: raw.edition,
            description: raw.description,
            facets,
            profiles,
            out_dir: PathBuf::from(raw.output.dir.unwrap_or_else(|| "book".into())),
            allow_raw_html: raw.output.allow_html,
            pdf_enabled: raw.output.pdf.enabled,
            pdf_paper,
            theme_dir: PathBuf::from(raw.theme.dir.unwrap_or_else(|| "themes/default".into())),
            allow_similar: raw.check.allow_similar,
            lint_similar: raw.check.similar_commands.unwrap_or(true),
            placeholders,
        })
    }

    /// Parses a command-line environment: `cluster=unix,operation=patch,from=R12.7`.
    pub fn parse_env(&self, spec: &str) -> Result<Env, String> {
        self.parse_each_env(spec).map_err(shown)
    }

    fn parse_each_env(&self, spec: &str) -> Result<Env, String> {
        let mut env = Env::new();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some((k, v)) = item.split_once('=') else {
                return Err(format!(
                    "`{item}` is not `facet=value` (for example `cluster=unix,from=R12.7`)"
                ));
            };
            let value = parse_env_value(&self.facets, k.trim(), v.trim()).map_err(|e| match e {
                EnvError::Facet(m) | EnvError::Value(m) => m,
            })?;
            env.insert(k.trim().to_string(), value);
        }
        Ok(env)
    }
}

/// A message quoting the command line, with invisible characters escaped.
fn shown(message: String) -> String {
    crate::diagnostics::escape_invisible(&message).into_owned()
}

/// A pattern error at its place in book.toml: exact inside a string written without
/// escapes (a literal string, as patterns usually are), else at the string's start.
fn pattern_error(
    text: &str,
    file: FileId,
    src: &Spanned<String>,
    e: pattern::PatternError,
) -> Diagnostic {
    let value = src.get_ref();
    let start = crate::content::content_start(text, &src.span());
    let verbatim = text.get(start..start + value.len()) == Some(value.as_str());
    let span = if verbatim {
        start + e.span.start..start + e.span.end
    } else {
        src.span()
    };
    let d = Diagnostic::error(file, span, e.message);
    match e.hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

enum EnvError {
    Facet(String),
    Value(String),
}

fn parse_env_value(facets: &[Facet], key: &str, value: &str) -> Result<Value, EnvError> {
    let Some(f) = facets.iter().find(|f| f.id == key) else {
        let known: Vec<&str> = facets.iter().map(|f| f.id.as_str()).collect();
        return Err(EnvError::Facet(format!(
            "unknown facet `{key}` (book.toml declares: {})",
            known.join(", ")
        )));
    };
    match &f.kind {
        FacetKind::Enum(values) => {
            if values.iter().any(|v| v.id == value) {
                Ok(Value::Enum(value.to_string()))
            } else {
                let known: Vec<&str> = values.iter().map(|v| v.id.as_str()).collect();
                Err(EnvError::Value(format!(
                    "unknown value `{value}` for facet `{key}` (one of: {})",
                    known.join(", ")
                )))
            }
        }
        FacetKind::Version { .. } => value
            .parse::<Version>()
            .map(Value::Version)
            .map_err(|e| EnvError::Value(e.message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        let text = "title = \"t\"\n[[facet]]\nid = \"os\"\nlabel = \"OS\"\nvalues = [{ id = \"unix\", label = \"UNIX\" }]\n[[placeholder]]\nid = \"host\"\nlabel = \"Host\"\npattern = '[a-z]+'\n";
        let mut diags = Diagnostics::default();
        Config::parse(text, 0, &mut diags).expect("a valid book.toml")
    }

    /// Command-line errors quote what was typed as diagnostics quote a book.
    #[test]
    fn command_line_errors_escape_invisible_characters() {
        let mut c = config();
        let env = c.parse_env("os=un\u{202e}ix").unwrap_err();
        assert!(env.contains("`un\\u{202e}ix`"), "{env}");
        let set = c.set_placeholders("host=a\u{200b}b").unwrap_err();
        assert!(set.contains("`a\\u{200b}b`"), "{set}");
    }
}
