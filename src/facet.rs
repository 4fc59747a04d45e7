//! Facets: the axes a book's environments vary along (`os`, `from`), declared in
//! book.toml, and the environments themselves (a value for some of them). Conditions are
//! written over facets and evaluated in environments; the config reads facets and profiles'
//! environments from book.toml. Both depend on this module, not on each other.

use std::collections::BTreeMap;

use crate::version::Version;

/// One value of an enumeration facet.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EnumValue {
    /// What conditions and environments write (`linux`).
    pub id: String,
    /// What readers see (`Linux (x86_64)`).
    pub label: String,
}

/// What values a facet takes.
#[derive(Debug, Clone, serde::Serialize)]
pub enum FacetKind {
    /// One of a list (`os`), in the picker's order.
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
    /// What conditions write (`os`, `from`).
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

/// What a use of a facet in text (`[[to]]`, `[[to.minor]]`) shows of the environment's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ValuePart {
    /// `[[to]]`: the value as conditions write it (`v1.30`, `debian`).
    Value,
    /// `[[to.label]]`: the value as the picker shows it.
    Label,
    /// `[[to.major]]`: a version's first component, prefix kept (`v1`).
    Major,
    /// `[[to.minor]]`: a version's first two components (`v1.30`).
    Minor,
    /// `[[to.patch]]`: a version's first three components (`v1.30.2`).
    Patch,
}

impl ValuePart {
    /// The part `name` names (`None`: the value itself) for `facet`; an error says which
    /// parts the facet has.
    pub fn of(facet: &Facet, name: Option<&str>) -> Result<ValuePart, String> {
        let version = matches!(facet.kind, FacetKind::Version { .. });
        let part = match name {
            None => Some(ValuePart::Value),
            Some("label") => Some(ValuePart::Label),
            Some("major") if version => Some(ValuePart::Major),
            Some("minor") if version => Some(ValuePart::Minor),
            Some("patch") if version => Some(ValuePart::Patch),
            Some(_) => None,
        };
        part.ok_or_else(|| {
            let parts = if version {
                "label, major, minor, patch"
            } else {
                "label"
            };
            format!(
                "facet `{}` has no part `{}` (its parts: {parts})",
                facet.id,
                name.unwrap_or_default()
            )
        })
    }

    /// Its name after the dot (`minor`); empty for the value itself.
    pub fn name(self) -> &'static str {
        match self {
            ValuePart::Value => "",
            ValuePart::Label => "label",
            ValuePart::Major => "major",
            ValuePart::Minor => "minor",
            ValuePart::Patch => "patch",
        }
    }
}

impl Facet {
    /// How `part` of `value` reads in text; `None` when the value does not give that part
    /// (`v1.30` has no patch), so text shows the facet as open rather than a wrong number.
    pub fn show(&self, part: ValuePart, value: &Value) -> Option<String> {
        let text = match value {
            Value::Enum(id) => id.clone(),
            Value::Version(v) => v.to_string(),
        };
        match (part, value) {
            (ValuePart::Value, _) => Some(text),
            (ValuePart::Label, _) => Some(self.value_label(&text).to_string()),
            (ValuePart::Major, Value::Version(v)) => v.leading(1),
            (ValuePart::Minor, Value::Version(v)) => v.leading(2),
            (ValuePart::Patch, Value::Version(v)) => v.leading(3),
            (_, Value::Enum(_)) => None,
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

/// Parses an environment as the command line writes it: `os=linux,from=2.4`. The
/// message quotes what was typed as it is (the caller escapes it for the terminal).
pub(crate) fn parse_env(facets: &[Facet], spec: &str) -> Result<Env, String> {
    let mut env = Env::new();
    for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let Some((k, v)) = item.split_once('=') else {
            return Err(match example_env(facets) {
                Some(e) => format!("`{item}` is not `facet=value` (for example `{e}`)"),
                None => format!("`{item}` is not `facet=value`"),
            });
        };
        let value = parse_value(facets, k.trim(), v.trim()).map_err(EnvError::message)?;
        env.insert(k.trim().to_string(), value);
    }
    Ok(env)
}

/// An environment in the book's own facets and values, for messages: the first two
/// facets with their first value (`distro=debian,from=v1.28`).
pub(crate) fn example_env(facets: &[Facet]) -> Option<String> {
    let pairs: Vec<String> = facets
        .iter()
        .filter_map(|f| {
            let value = match &f.kind {
                FacetKind::Enum(values) => values.first()?.id.clone(),
                FacetKind::Version { known, .. } => known.first()?.to_string(),
            };
            Some(format!("{}={value}", f.id))
        })
        .take(2)
        .collect();
    (!pairs.is_empty()).then(|| pairs.join(","))
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
