//! What the browser needs to know about environments: `window.TEJUN` (the book's id, its
//! facets with labels, values and known versions, the picker's words) for picker.js, and
//! the canonical spelling of an environment that keys a runbook's saved ticks.
//!
//! The facets come from book.toml, never from code, so another book gets its own picker.

use std::borrow::Cow;

use serde::Serialize;

use crate::condition::{Env, Value};
use crate::config::{Config, FacetKind};

#[derive(Debug, Serialize)]
struct FacetJs<'a> {
    id: &'a str,
    label: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    values: Option<Vec<ValueJs<'a>>>,
    /// Where the facet applies (`[[facet]] when`), in the canonical syntax.
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<String>,
}

#[derive(Debug, Serialize)]
struct ValueJs<'a> {
    id: Cow<'a, str>,
    label: Cow<'a, str>,
}

/// The book's id for storage keys: an ASCII slug of the title, or `book`.
pub fn book_id(config: &Config) -> String {
    let slug = slug(&config.title);
    if slug.is_empty() {
        "book".to_string()
    } else {
        slug
    }
}

/// Lower-case ASCII letters and digits, every other run of characters one `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// `window.TEJUN` as JSON: book id, facets, strings.
pub fn picker_config(config: &Config) -> serde_json::Value {
    let facets: Vec<FacetJs> = config
        .facets
        .iter()
        .map(|f| match &f.kind {
            FacetKind::Enum(values) => FacetJs {
                when: facet_when(config, &f.id),
                id: &f.id,
                label: &f.label,
                kind: "enum",
                values: Some(
                    values
                        .iter()
                        .map(|v| ValueJs {
                            id: v.id.as_str().into(),
                            label: v.label.as_str().into(),
                        })
                        .collect(),
                ),
            },
            // The picker offers known versions as it offers values, labelled.
            FacetKind::Version { known, .. } => FacetJs {
                when: facet_when(config, &f.id),
                id: &f.id,
                label: &f.label,
                kind: "version",
                values: Some(
                    known
                        .iter()
                        .map(|v| {
                            let id = v.to_string();
                            let label = f.value_label(&id).to_string();
                            ValueJs {
                                id: id.into(),
                                label: label.into(),
                            }
                        })
                        .collect(),
                ),
            },
        })
        .collect();
    let mut out = serde_json::json!({
        "book": book_id(config),
        "facets": facets,
        "strings": &config.words.picker,
        // How a facet the environment leaves open reads in text (`[{}]`), for the titles
        // picker.js and search.js fill from their written form.
        "openValue": &config.words.site.open_value,
        // Every site page sits at the root; search.js loads `search/*.js` relative to it.
        "root": "",
        "placeholders": config.placeholders.iter().map(|p| serde_json::json!({
            "id": p.id,
            "label": p.label,
            "description": p.description,
            "example": p.example,
            "pattern": p.pattern.as_ref().map(|r| r.as_str().to_string()),
            "unfilled": p.unfilled,
        })).collect::<Vec<_>>(),
    });
    // Profiles: a choice that is one of them offers its runbook (and PDF). Only when the
    // book has some, so a book without keeps its pages as they were.
    if !config.profiles.is_empty() {
        out["profiles"] = config
            .profiles
            .iter()
            .map(|p| {
                let env: serde_json::Map<String, serde_json::Value> = p
                    .env
                    .iter()
                    .map(|(k, v)| (k.clone(), value_text(v).into()))
                    .collect();
                serde_json::json!({
                    "id": p.id,
                    "label": p.label,
                    "env": env,
                    "href": crate::render::runbook_path(&p.id),
                    "pdf": config.pdf_enabled.then(|| crate::render::runbook_pdf_path(&p.id)),
                })
            })
            .collect();
    }
    // Rules between facets (`to >= from`): the picker disables what would break one. Only
    // when the book has some, so a book without rules keeps its pages as they were.
    if !config.rules.is_empty() {
        out["rules"] = config
            .rules
            .iter()
            .map(|r| serde_json::json!({ "when": r.when.to_string(), "label": r.label }))
            .collect();
    }
    out
}

/// The condition under which facet `id` applies, if it has one.
fn facet_when(config: &Config, id: &str) -> Option<String> {
    config
        .facet_when
        .iter()
        .find(|(f, _)| f == id)
        .map(|(_, c)| c.to_string())
}

/// JSON made safe to sit inside a `<script>` element.
pub fn script_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// An environment in book.toml's facet order, `facet=value,…`: the same environment is
/// always spelt the same, whether it came from `--env` or a profile.
pub fn canonical(config: &Config, env: &Env) -> String {
    config
        .facets
        .iter()
        .filter_map(|f| {
            env.get(&f.id)
                .map(|v| format!("{}={}", f.id, value_text(v)))
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Enum(s) => s.clone(),
        Value::Version(v) => v.to_string(),
    }
}

/// `(facet label, value label)` for each facet the environment sets, in book.toml order.
pub fn described(config: &Config, env: &Env) -> Vec<(String, String)> {
    config
        .facets
        .iter()
        .filter_map(|f| {
            let v = env.get(&f.id)?;
            let text = match (&f.kind, v) {
                (FacetKind::Enum(values), Value::Enum(id)) => values
                    .iter()
                    .find(|x| &x.id == id)
                    .map(|x| x.label.clone())
                    .unwrap_or_else(|| id.clone()),
                _ => value_text(v),
            };
            Some((f.label.clone(), text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_ascii_words() {
        assert_eq!(
            slug("Example Server 2.4 クラスタ環境でのガイド"),
            "example-server-2-4"
        );
        assert_eq!(slug("手順"), "");
        assert_eq!(slug("  A  b "), "a-b");
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let v = serde_json::json!({"t": "</script><b>&"});
        let s = script_json(&v);
        assert!(!s.contains("</") && !s.contains('<') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).expect("json");
        assert_eq!(back, v);
    }
}
