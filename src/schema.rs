//! JSON Schemas of a book's files, so that a writer's editor (any Taplo-based one: VS
//! Code's Even Better TOML, Helix, Neovim, Zed) completes keys, shows what each one means
//! and flags a misspelt key or a wrong type while the writer types, not at the next build.
//!
//! The schemas are generated from the loader's own raw structs (`config/raw.rs`,
//! `content/raw.rs`), so they accept what the loader accepts and nothing else; then the
//! book's own ids narrow them where a value must be one of them (a profile's facets and
//! values, `use = "…"` and its `with`, a `refs` part's ids). Conditions stay free text: a
//! `when` is a sentence over ids, not one id.
//!
//! [`write()`] keeps them in the book's `.tejun/schema/` with a `.taplo.toml` mapping each
//! file kind to its schema, under the ownership rule of [`crate::output::owned`].

mod files;

use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

use crate::facet::FacetKind;
use crate::model::Book;

pub use files::{taplo_config, write, Taplo, Written, DIR, TAPLO_CONFIG};

/// The kinds of book file, each with its own schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `book.toml`.
    Book,
    /// A procedure file.
    Procedure,
    /// `_chapter.toml` and `_group.toml`, which the loader reads alike.
    Chapter,
    /// A reusable step (`content/_steps/ID.toml`).
    ReusableStep,
    /// `content/_refs.toml`.
    Refs,
    /// `content/_book.toml`.
    Front,
    /// A known problem (`content/_problems/ID.toml`).
    Problem,
}

impl FileKind {
    /// Every kind, in the order the schemas are written.
    pub const ALL: [FileKind; 7] = [
        FileKind::Book,
        FileKind::Procedure,
        FileKind::Chapter,
        FileKind::ReusableStep,
        FileKind::Refs,
        FileKind::Front,
        FileKind::Problem,
    ];

    /// The schema's file name, in [`DIR`] and under `/__tejun/schema/` in `tejun serve`.
    pub fn file_name(self) -> &'static str {
        match self {
            FileKind::Book => "book.json",
            FileKind::Procedure => "procedure.json",
            FileKind::Chapter => "chapter.json",
            FileKind::ReusableStep => "step.json",
            FileKind::Refs => "refs.json",
            FileKind::Front => "front.json",
            FileKind::Problem => "problem.json",
        }
    }

    /// The book files of this kind, as globs relative to the book folder.
    pub fn include(self) -> &'static [&'static str] {
        match self {
            FileKind::Book => &["book.toml"],
            FileKind::Procedure => &["content/**/*.toml"],
            FileKind::Chapter => &["content/**/_chapter.toml", "content/**/_group.toml"],
            FileKind::ReusableStep => &["content/_steps/*.toml"],
            FileKind::Refs => &["content/_refs.toml"],
            FileKind::Front => &["content/_book.toml"],
            FileKind::Problem => &["content/_problems/*.toml"],
        }
    }

    /// What [`FileKind::include`] matches but is another kind: `_`-named files are never
    /// procedures, nor is anything under `_steps/`.
    pub fn exclude(self) -> &'static [&'static str] {
        match self {
            FileKind::Procedure => &[
                "content/**/_*.toml",
                "content/_steps/**",
                "content/_problems/**",
            ],
            _ => &[],
        }
    }

    /// The root title, as the README's "Every key" table names the file.
    fn title(self) -> &'static str {
        match self {
            FileKind::Book => "book.toml",
            FileKind::Procedure => "procedure file",
            FileKind::Chapter => "_chapter.toml / _group.toml",
            FileKind::ReusableStep => "reusable step (_steps/ID.toml)",
            FileKind::Refs => "_refs.toml",
            FileKind::Front => "_book.toml",
            FileKind::Problem => "known problem (_problems/ID.toml)",
        }
    }

    fn generate(self, g: &mut SchemaGenerator) -> Schema {
        use crate::content::raw;
        match self {
            FileKind::Book => crate::config::raw_schema(g),
            FileKind::Procedure => g.root_schema_for::<raw::RawProcedure>(),
            FileKind::Chapter => g.root_schema_for::<raw::RawChapter>(),
            FileKind::ReusableStep => g.root_schema_for::<raw::RawStep>(),
            FileKind::Refs => g.root_schema_for::<raw::RawRefs>(),
            FileKind::Front => g.root_schema_for::<raw::RawFront>(),
            FileKind::Problem => g.root_schema_for::<raw::RawProblem>(),
        }
    }
}

/// One schema, ready to write or serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFile {
    /// Which file it is for.
    pub kind: FileKind,
    /// Pretty-printed JSON, ending in a newline.
    pub json: String,
}

/// The first key of every schema tejun writes: what proves a file in [`DIR`] is tejun's
/// ([`crate::output::owned::Signature::Schema`]).
pub const SIGNATURE: &str = "Written by tejun from the book's own ids; tejun rewrites it.";

/// The schemas of every kind of `book`'s files, narrowed by its ids.
pub fn for_book(book: &Book) -> Vec<SchemaFile> {
    FileKind::ALL
        .into_iter()
        .map(|kind| {
            let mut value = generic(kind);
            narrow(&mut value, book);
            finish(kind, &mut value);
            SchemaFile {
                kind,
                json: to_json(&value),
            }
        })
        .collect()
}

/// `kind`'s schema as the loader alone defines it.
pub fn generic(kind: FileKind) -> Value {
    // Draft 7 is what Taplo reads; subschemas are inlined so that every table carries its
    // own title and keys (editors show them; `narrow` patches them in place).
    let mut settings = SchemaSettings::draft07();
    settings.inline_subschemas = true;
    let mut g = SchemaGenerator::new(settings);
    let mut value = kind.generate(&mut g).to_value();
    drop_null(&mut value);
    value
}

fn finish(kind: FileKind, value: &mut Value) {
    if let Value::Object(root) = value {
        root.insert("$comment".into(), SIGNATURE.into());
        root.insert("title".into(), kind.title().into());
    }
}

fn to_json(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}

/// TOML has no null: an optional key is one that may be absent, which `required` already
/// says, so schemars' `"type": ["string", "null"]` loses its `"null"`.
fn drop_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if let [only] = &types[..] {
                    let only = only.clone();
                    map.insert("type".into(), only);
                }
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

/// Narrows every table of the schema that names the book's ids.
fn narrow(value: &mut Value, book: &Book) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(|v| narrow(v, book));
        }
        return;
    };
    let title = map.get("title").and_then(Value::as_str).unwrap_or_default();
    match title {
        "[[profile]]" => set_property(map, "env", |env| profile_env(env, book)),
        "[[section.step]]" => uses(map, book),
        "[[section.step.part]]" => {
            set_property(map, "refs", |refs| {
                let ids: Vec<&str> = book.refs.iter().map(|r| r.id.as_str()).collect();
                refs.insert("items".into(), one_of_ids(&ids));
            });
            // The book's shells: the built-in ones and its `[[shell]]`s.
            set_property(map, "shell", |shell| {
                let ids: Vec<&str> = book.config.shells.iter().map(|s| s.id.as_str()).collect();
                shell.insert("enum".into(), json!(ids));
            });
        }
        _ => {}
    }
    name_placeholders(map, book);
    map.values_mut().for_each(|v| narrow(v, book));
}

/// The keys whose text may hold `[[id]]` placeholders.
const PLACEHOLDER_KEYS: [&str; 8] = [
    "cmd", "output", "gui", "text", "note", "caution", "body", "intro",
];

/// A placeholder is written inside text, so no value can be an enum of them: the keys
/// that take them list the book's in their description, which the editor shows on hover.
fn name_placeholders(table: &mut Map<String, Value>, book: &Book) {
    if book.config.placeholders.is_empty() {
        return;
    }
    let list: Vec<String> = book
        .config
        .placeholders
        .iter()
        .map(|p| format!("`[[{}]]` ({})", p.id, p.label))
        .collect();
    let line = format!("Placeholders of this book: {}.", list.join(", "));
    for key in PLACEHOLDER_KEYS {
        set_property(table, key, |prop| {
            if let Some(Value::String(d)) = prop.get_mut("description") {
                d.push_str("\n\n");
                d.push_str(&line);
            }
        });
    }
}

fn set_property(
    table: &mut Map<String, Value>,
    key: &str,
    f: impl FnOnce(&mut Map<String, Value>),
) {
    if let Some(Value::Object(prop)) = table.get_mut("properties").and_then(|p| p.get_mut(key)) {
        f(prop);
    }
}

/// `{ "type": "string", "enum": ids }`, or any string when the book has none (an empty
/// enum would flag every value, the loader's own message says it better).
fn one_of_ids(ids: &[&str]) -> Value {
    if ids.is_empty() {
        json!({ "type": "string" })
    } else {
        json!({ "type": "string", "enum": ids })
    }
}

/// A profile's `env`: the book's facets as keys, an enumeration facet's values as the
/// values; a version facet takes any version, its known ones offered as examples.
fn profile_env(env: &mut Map<String, Value>, book: &Book) {
    let facets: Map<String, Value> = book
        .config
        .facets
        .iter()
        .map(|f| {
            let value = match &f.kind {
                FacetKind::Enum(values) => json!({
                    "type": "string",
                    "description": f.label,
                    "enum": values.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(),
                }),
                FacetKind::Version { known, .. } => json!({
                    "type": "string",
                    "description": f.label,
                    "examples": known.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
                }),
            };
            (f.id.clone(), value)
        })
        .collect();
    env.insert("properties".into(), facets.into());
    env.insert("additionalProperties".into(), false.into());
}

/// A step's `use`: one of the book's reusable steps; and for each, the `with` it takes
/// (every parameter, nothing else).
fn uses(step: &mut Map<String, Value>, book: &Book) {
    let ids: Vec<&str> = book.reusable_steps.iter().map(|s| s.id.as_str()).collect();
    set_property(step, "use", |u| {
        if let Value::Object(ids) = one_of_ids(&ids) {
            u.extend(ids);
        }
    });
    let rules: Vec<Value> = book
        .reusable_steps
        .iter()
        .map(|s| {
            let params: Map<String, Value> = s
                .params
                .iter()
                .map(|p| (p.clone(), json!({ "type": "string" })))
                .collect();
            let mut then = json!({ "properties": { "with": {
                "properties": params,
                "required": s.params,
                "additionalProperties": false,
            } } });
            if !s.params.is_empty() {
                then["required"] = json!(["with"]);
            }
            json!({
                "if": { "properties": { "use": { "const": s.id } }, "required": ["use"] },
                "then": then,
            })
        })
        .collect();
    if !rules.is_empty() {
        step.insert("allOf".into(), rules.into());
    }
}

#[cfg(test)]
mod tests;
