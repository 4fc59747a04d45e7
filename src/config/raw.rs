//! book.toml as written: every table denies unknown keys, so a misspelt key is an error at
//! its line; the values a check reports on keep their spans.
//!
//! The same structs are the JSON Schema writers' editors read (`tejun schema`): each doc
//! comment is its key's description (a table's repeats the README's note on it, which a
//! test holds it to), each key has an example, and a span is shown as the plain value it
//! wraps (`schemars(with = …)`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

/// `book.toml`: the book's title, language, facets, profiles and output options.
/// `language`: `ja` or `en`; `translations`: the other languages the book is translated
/// into (`["en"]`), each from `translations/<lang>/`.
// A table-valued key has no doc comment of its own: its table's (with the README's note)
// is what an editor shows on it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "book.toml")]
pub(super) struct RawConfig {
    /// The book's title, on every page and the title page.
    #[schemars(extend("examples" = ["Example Server upgrade and patch guide"]))]
    pub(super) title: String,
    /// The language of the words readers see: `ja` (default) or `en`.
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("enum" = ["ja", "en"]), extend("examples" = ["ja"]))]
    pub(super) language: Option<Spanned<String>>,
    /// Languages the book is also translated into, each from `translations/<lang>/`.
    #[serde(default)]
    #[schemars(with = "Vec<String>", extend("items" = { "enum": ["ja", "en"] }), extend("examples" = [["en"]]))]
    pub(super) translations: Vec<Spanned<String>>,
    /// Optional, shown on title pages.
    #[serde(default)]
    #[schemars(extend("examples" = ["Edition 2"]))]
    pub(super) edition: Option<String>,
    /// A sentence about the book, for the home page.
    #[serde(default)]
    #[schemars(extend("examples" = ["How to upgrade the service, step by step."]))]
    pub(super) description: Option<String>,
    /// The facets an environment is described by: `[[facet]]` tables.
    #[serde(default)]
    #[schemars(extend("examples" = [[{ "id": "os", "label": "Operating system", "values": [{ "id": "linux", "label": "Linux" }] }]]))]
    pub(super) facet: Vec<RawFacet>,
    /// Named environments, each built into a runbook: `[[profile]]` tables.
    #[serde(default)]
    #[schemars(extend("examples" = [[{ "id": "linux-patch", "label": "Linux / patch", "env": { "os": "linux" } }]]))]
    pub(super) profile: Vec<RawProfile>,
    #[serde(default)]
    #[schemars(extend("examples" = [{ "dir": "book" }]))]
    pub(super) output: RawOutput,
    #[serde(default)]
    #[schemars(extend("examples" = [{ "dir": "themes/default" }]))]
    pub(super) theme: RawTheme,
    #[serde(default)]
    #[schemars(extend("examples" = [{ "similar_commands": true }]))]
    pub(super) check: RawCheck,
    /// Values the reader supplies, written `[[id]]` in commands and prose: `[[placeholder]]`
    /// tables.
    #[serde(default)]
    #[schemars(extend("examples" = [[{ "id": "db-host", "label": "Database host" }]]))]
    pub(super) placeholder: Vec<RawPlaceholder>,
    /// Conditions every environment must satisfy: `[[rule]]` tables.
    #[serde(default)]
    #[schemars(extend("examples" = [[{ "when": "to >= from", "label": "The target version is not older than the current one" }]]))]
    pub(super) rule: Vec<RawRule>,
    #[serde(default)]
    #[schemars(extend("examples" = [{ "synonyms": [["register", "enrol"]] }]))]
    pub(super) search: RawSearch,
    /// Shells of the book's own (an SQL client, a device CLI) or a built-in one's prompt:
    /// `[[shell]]` tables.
    #[serde(default)]
    #[schemars(extend("examples" = [[{ "id": "psql", "prompt": "postgres=#", "continuation": "semicolon" }]]))]
    pub(super) shell: Vec<RawShell>,
}

/// `[[shell]]`: a shell of the book's own, or a built-in one's prompt; `continuation`:
/// `backslash`, `caret`, `backtick`, `semicolon` or `none`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[[shell]]")]
pub(super) struct RawShell {
    /// What a `cmd` part's `shell` names; a built-in id (`sh`, `root`, `cmd`,
    /// `powershell`, `sql`) changes that shell.
    #[schemars(with = "String", extend("examples" = ["psql"]))]
    pub(super) id: Spanned<String>,
    /// What the reader sees before a command's first line.
    #[schemars(extend("examples" = ["postgres=#"]))]
    pub(super) prompt: Option<String>,
    /// How a command runs over several lines (a built-in keeps its own unless given one;
    /// a new shell runs each line on its own).
    #[schemars(with = "Option<String>", extend("enum" = ["backslash", "caret", "backtick", "semicolon", "none"]), extend("examples" = ["semicolon"]))]
    pub(super) continuation: Option<Spanned<String>>,
}

/// `[search]`: groups of words a query finds each other by: `[["登録", "レジスト"]]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[search]")]
pub(super) struct RawSearch {
    /// Groups of words a query finds each other by, after exact matches.
    #[serde(default)]
    #[schemars(extend("examples" = [[["register", "enrol"]]]))]
    pub(super) synonyms: Vec<Vec<String>>,
}

/// `[[rule]]`: a condition every environment must satisfy (`to >= from`), and how to tell
/// a reader who breaks it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[[rule]]")]
pub(super) struct RawRule {
    /// The condition; a facet on the right compares the two facets.
    #[schemars(with = "String", extend("examples" = ["to >= from"]))]
    pub(super) when: Spanned<String>,
    /// What the picker tells a reader whose choice breaks the rule.
    #[schemars(extend("examples" = ["The target version is not older than the current one"]))]
    pub(super) label: String,
}

/// `[[placeholder]]`: a value the reader supplies, written `[[id]]` in commands, GUI paths
/// and prose.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[[placeholder]]")]
pub(super) struct RawPlaceholder {
    /// Written `[[id]]` where the value goes.
    #[schemars(with = "String", extend("examples" = ["db-host"]))]
    pub(super) id: Spanned<String>,
    /// What the reader is asked for.
    #[schemars(extend("examples" = ["Database host"]))]
    pub(super) label: String,
    /// A longer explanation beside the input.
    #[serde(default)]
    #[schemars(extend("examples" = ["The host name of the shared database server."]))]
    pub(super) description: Option<String>,
    /// A value shown as a hint in the empty input.
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("examples" = ["db01"]))]
    pub(super) example: Option<Spanned<String>>,
    /// A regular expression the whole value must match.
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("examples" = ["[a-z0-9-]+"]))]
    pub(super) pattern: Option<Spanned<String>>,
    /// How the value reads while unfilled; `[label]` by default.
    #[serde(default)]
    #[schemars(extend("examples" = ["<database host>"]))]
    pub(super) unfilled: Option<String>,
}

/// `[[facet]]`: one dimension of an environment. `kind`: `enum` (default, lists `values`)
/// or `version` (lists `known`, optionally `labels`); `when`: the facet applies only where
/// this holds.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[[facet]]")]
pub(super) struct RawFacet {
    /// Used in conditions (`os = linux`) and environments.
    #[schemars(with = "String", extend("examples" = ["os"]))]
    pub(super) id: Spanned<String>,
    /// How the picker names the facet.
    #[schemars(extend("examples" = ["Operating system"]))]
    pub(super) label: String,
    /// `enum` (default): one of `values`; `version`: a version, `known` lists the ones
    /// offered.
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("enum" = ["enum", "version"]), extend("examples" = ["version"]))]
    pub(super) kind: Option<Spanned<String>>,
    /// The values of an `enum` facet.
    #[serde(default)]
    #[schemars(extend("examples" = [[{ "id": "linux", "label": "Linux" }, { "id": "windows", "label": "Windows" }]]))]
    pub(super) values: Vec<RawEnumValue>,
    /// The versions of a `version` facet the picker offers, in order.
    #[serde(default)]
    #[schemars(with = "Vec<String>", extend("examples" = [["1.0", "1.5", "2.0"]]))]
    pub(super) known: Vec<Spanned<String>>,
    /// Display labels of known versions: `labels = { "16" = "16 (LTS)" }`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>", extend("examples" = [{ "2.0": "2.0 (latest)" }]))]
    pub(super) labels: BTreeMap<Spanned<String>, String>,
    /// The facet means something only where this holds (`deployment = cluster`).
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("examples" = ["os = linux"]))]
    pub(super) when: Option<Spanned<String>>,
}

/// A facet values item: `values = [{ id = "linux", label = "Linux" }]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "facet values item")]
pub(super) struct RawEnumValue {
    /// Used in conditions (`os = linux`).
    #[schemars(with = "String", extend("examples" = ["linux"]))]
    pub(super) id: Spanned<String>,
    /// How the picker names the value.
    #[schemars(extend("examples" = ["Linux"]))]
    pub(super) label: String,
}

/// `[[profile]]`: a named environment, built into a runbook. `env = { facet = "value", … }`;
/// `values = { placeholder = "value", … }` preset in its runbook and PDF.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[[profile]]")]
pub(super) struct RawProfile {
    /// The runbook's file name (`runbooks/<id>.html`) and `--profile` name.
    #[schemars(with = "String", extend("examples" = ["linux-patch-1-5"]))]
    pub(super) id: Spanned<String>,
    /// How the profile is listed.
    #[schemars(extend("examples" = ["Linux / patch / 1.5 → 2.0"]))]
    pub(super) label: String,
    /// A sentence about the environment.
    #[serde(default)]
    #[schemars(extend("examples" = ["The nightly patch of the Linux servers."]))]
    pub(super) description: Option<String>,
    /// A value for each facet that applies: `{ facet = "value", … }`.
    #[schemars(
        with = "BTreeMap<String, String>",
        extend("examples" = [{ "os": "linux", "operation": "patch", "from": "1.5", "to": "2.0" }])
    )]
    pub(super) env: Spanned<BTreeMap<Spanned<String>, Spanned<String>>>,
    /// Values of the book's placeholders for this environment, preset in its runbook and
    /// PDF (a reader can still change them): `{ placeholder = "value", … }`.
    #[serde(default)]
    #[schemars(
        with = "BTreeMap<String, String>",
        extend("examples" = [{ "db_host": "db1.example.com" }])
    )]
    pub(super) values: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// `[output]`: where the site goes and what it may hold. `allow_raw_html`: the older name
/// of `allow_html`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[output]", transform = older_name_of_allow_html)]
pub(super) struct RawOutput {
    /// The site's folder, inside the book (default `book`; `--out` goes elsewhere).
    #[serde(default)]
    #[schemars(extend("examples" = ["book"]))]
    pub(super) dir: Option<String>,
    /// Raw HTML in Markdown is sanitised (no script, no `on*=`) unless this is true;
    /// `allow_raw_html` is its older name.
    #[serde(default, alias = "allow_raw_html")]
    #[schemars(extend("examples" = [false]))]
    pub(super) allow_html: bool,
    #[serde(default)]
    #[schemars(extend("examples" = [{ "enabled": true, "paper": "a4" }]))]
    pub(super) pdf: RawPdf,
}

/// `[output.pdf]`: the PDFs `tejun build` prints. `paper`: `a4` or `letter`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[output.pdf]")]
pub(super) struct RawPdf {
    /// `tejun build` also writes `book.pdf` and `pdf/<profile>.pdf` into the site.
    #[serde(default)]
    #[schemars(extend("examples" = [true]))]
    pub(super) enabled: bool,
    /// The paper size: `a4` (default) or `letter`.
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("enum" = ["a4", "letter"]), extend("examples" = ["letter"]))]
    pub(super) paper: Option<Spanned<String>>,
}

/// `[theme]`: the book's theme folder, whose files override the built-in theme's by name
/// (default `themes/default`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[theme]")]
pub(super) struct RawTheme {
    /// The theme folder, relative to the book.
    #[serde(default)]
    #[schemars(extend("examples" = ["themes/default"]))]
    pub(super) dir: Option<String>,
}

/// `[check]`: the similar-command lint.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[check]")]
pub(super) struct RawCheck {
    /// Pairs of similar command words that are both right (`["regext", "unregext"]`).
    #[serde(default)]
    #[schemars(extend("examples" = [[["regext", "unregext"]]]))]
    pub(super) allow_similar: Vec<[String; 2]>,
    /// `false` turns the similar-command lint off for the book (on when absent).
    #[serde(default)]
    #[schemars(extend("examples" = [true]))]
    pub(super) similar_commands: Option<bool>,
}

/// serde's `alias` is a key the loader accepts, which schemars does not list.
fn older_name_of_allow_html(schema: &mut schemars::Schema) {
    if let Some(serde_json::Value::Object(props)) = schema.get_mut("properties") {
        props.insert(
            "allow_raw_html".into(),
            serde_json::json!({
                "type": "boolean",
                "description": "The older name of `allow_html`.",
                "examples": [false],
            }),
        );
    }
}

/// The JSON Schema of `book.toml`, as the loader reads it.
pub(crate) fn schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    generator.root_schema_for::<RawConfig>()
}
