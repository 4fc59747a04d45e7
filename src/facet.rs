//! Facets: the axes a book's environments vary along (`cluster`, `from`), declared in
//! book.toml, and the environments themselves (a value for some of them). Conditions are
//! written over facets and evaluated in environments; the config reads facets and profiles'
//! environments from book.toml. Both depend on this module, not on each other.

use std::collections::BTreeMap;

use crate::version::Version;

/// One value of an enumeration facet.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EnumValue {
    /// What conditions and environments write (`mscs`).
    pub id: String,
    /// What readers see (`MSCS(MSFC)`).
    pub label: String,
}

/// What values a facet takes.
#[derive(Debug, Clone, serde::Serialize)]
pub enum FacetKind {
    /// One of a list (`cluster`), in the picker's order.
    Enum(Vec<EnumValue>),
    /// `known`: the versions the picker offers, in order; `labels`: how some of them read.
    Version {
        /// The versions the picker offers, oldest first.
        known: Vec<Version>,
        /// How some known versions read (`16` → `16 (LTS)`).
        labels: Vec<(Version, String)>,
    },
}

/// An axis a book's environments vary along, declared in book.toml (`[[facet]]`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Facet {
    /// What conditions write (`cluster`, `from`).
    pub id: String,
    /// What readers see.
    pub label: String,
    /// Its values.
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

/// A value an environment gives a facet.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An enumeration facet's value id.
    Enum(String),
    /// A version facet's version.
    Version(Version),
}

/// An environment: facets with a value; facets not in the map are open.
pub type Env = BTreeMap<String, Value>;

/// Which half of `facet=value` is wrong, so book.toml can point at it.
pub(crate) enum EnvError {
    Facet(String),
    Value(String),
}

impl EnvError {
    pub(crate) fn message(self) -> String {
        match self {
            EnvError::Facet(m) | EnvError::Value(m) => m,
        }
    }
}

/// Parses an environment as the command line writes it: `cluster=unix,from=R12.7`. The
/// message quotes what was typed as it is (the caller escapes it for the terminal).
pub(crate) fn parse_env(facets: &[Facet], spec: &str) -> Result<Env, String> {
    let mut env = Env::new();
    for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let Some((k, v)) = item.split_once('=') else {
            return Err(format!(
                "`{item}` is not `facet=value` (for example `cluster=unix,from=R12.7`)"
            ));
        };
        let value = parse_value(facets, k.trim(), v.trim()).map_err(EnvError::message)?;
        env.insert(k.trim().to_string(), value);
    }
    Ok(env)
}

/// The value `value` of the facet `key`: one of an enumeration's values, or a version.
pub(crate) fn parse_value(facets: &[Facet], key: &str, value: &str) -> Result<Value, EnvError> {
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
