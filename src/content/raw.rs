//! The on-disk shape of content files, as writers type them. Every table but a process
//! item's `{ name, when }` denies unknown keys, so a misspelt key is an error with its
//! location, not silently ignored. A part is sorted by its content key as it is read
//! ([`RawPart`]), so the resolver builds a part of one kind and only reports the tables
//! that are none or several.
//!
//! The same structs are the JSON Schemas writers' editors read (`tejun schema`): each doc
//! comment is its key's description (a table's repeats the README's note on it), each key
//! has an example, and a span is shown as the plain value it wraps.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use toml::Spanned;

/// A string with where it stands in its file.
pub type SStr = Spanned<String>;

/// `_chapter.toml` (a chapter) or `_group.toml` (a group of procedures inside a chapter).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "_chapter.toml")]
pub struct RawChapter {
    /// The id links use; the folder name without its `NN-` prefix when absent.
    #[schemars(with = "Option<String>", extend("examples" = ["linux"]))]
    pub id: Option<SStr>,
    /// The heading, numbered from the folder's place (`1`, `1.1`).
    #[schemars(with = "String", extend("examples" = ["Upgrading on Linux"]))]
    pub title: SStr,
    /// A condition: the whole chapter or group applies only where it holds.
    #[schemars(with = "Option<String>", extend("examples" = ["os = linux"]))]
    pub when: Option<SStr>,
    /// Markdown shown before the first procedure.
    #[schemars(with = "Option<String>", extend("examples" = ["How to move to the newest release."]))]
    pub intro: Option<SStr>,
}

/// A procedure file (`content/…/NN-name.toml`): one procedure, its sections and steps.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "procedure file")]
pub struct RawProcedure {
    /// The id links use; the file name without its `NN-` prefix when absent.
    #[schemars(with = "Option<String>", extend("examples" = ["upgrade-from-1-5"]))]
    pub id: Option<SStr>,
    /// The procedure's heading.
    #[schemars(with = "String", extend("examples" = ["Upgrading from 1.5 or later"]))]
    pub title: SStr,
    /// A condition: the procedure applies only where it holds.
    #[schemars(with = "Option<String>", extend("examples" = ["os = linux and from >= 1.5"]))]
    pub when: Option<SStr>,
    /// Markdown shown before the first section.
    #[schemars(with = "Option<String>", extend("examples" = ["Read [](ext:release-notes) first."]))]
    pub intro: Option<SStr>,
    /// The procedure's sections, in reading order: `[[section]]` tables.
    #[serde(default)]
    #[schemars(extend("examples" = [[{ "id": "standby", "title": "Upgrade the standby node" }]]))]
    pub section: Vec<RawSection>,
}

/// `[[section]]`: a numbered part of a procedure; `step` or `branch`, not both.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[[section]]")]
pub struct RawSection {
    /// Unique within the procedure; links write `procedure/section`.
    #[schemars(with = "String", extend("examples" = ["standby"]))]
    pub id: SStr,
    /// The section's heading.
    #[schemars(with = "String", extend("examples" = ["Upgrade the standby node"]))]
    pub title: SStr,
    /// A condition: the section applies only where it holds.
    #[schemars(with = "Option<String>", extend("examples" = ["os = linux"]))]
    pub when: Option<SStr>,
    /// Markdown shown before the steps.
    #[schemars(with = "Option<String>", extend("examples" = ["Run these on the standby node."]))]
    pub intro: Option<SStr>,
    /// The section's steps, numbered 1, 2, 3…: `[[section.step]]` tables.
    #[serde(default)]
    #[schemars(with = "Vec<RawStep>", extend("examples" = [[{ "id": "stop-service", "title": "Stop the service" }]]))]
    pub step: Vec<Spanned<RawStep>>,
    /// Alternative step lists for different environments, each numbered from 1:
    /// `[[section.branch]]` tables.
    #[serde(default)]
    #[schemars(extend("examples" = [[{ "label": "From 1.0 or earlier", "when": "from <= 1.0" }]]))]
    pub branch: Vec<RawBranch>,
}

/// `[[section.branch]]`: the steps of a section for one environment, numbered from 1.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[[section.branch]]")]
pub struct RawBranch {
    /// The branch's heading.
    #[schemars(with = "String", extend("examples" = ["From 1.0 or earlier"]))]
    pub label: SStr,
    /// The condition under which these steps are the ones to follow.
    #[schemars(with = "String", extend("examples" = ["from <= 1.0"]))]
    pub when: SStr,
    /// Markdown shown before the branch's steps.
    #[schemars(with = "Option<String>", extend("examples" = ["Stop the old version first."]))]
    pub intro: Option<SStr>,
    /// The branch's steps: `[[section.branch.step]]` tables.
    #[serde(default)]
    #[schemars(with = "Vec<RawStep>", extend("examples" = [[{ "title": "Remove the old version" }]]))]
    pub step: Vec<Spanned<RawStep>>,
}

/// `[[section.step]]`, or a reusable step file (`_steps/ID.toml`). `use`/`with`: a reusable
/// step; `params` belongs to reusable steps; `output`: with `use`, expected output for the
/// used step's commands; `problems`: ids of known problems that show at this step. In a
/// reusable step, parts and variants as in a procedure's step; `problems` apply at every
/// use.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[[section.step]]")]
pub struct RawStep {
    /// Unique within the procedure; `<section>-<n>` when absent.
    #[schemars(with = "Option<String>", extend("examples" = ["stop-local"]))]
    pub id: Option<SStr>,
    /// The step's title.
    #[schemars(with = "Option<String>", extend("examples" = ["Stop the service"]))]
    pub title: Option<SStr>,
    /// A condition: the step applies only where it holds. (This and the other keys most
    /// steps leave out are boxed: a book has a hundred thousand steps.)
    #[schemars(with = "Option<String>", extend("examples" = ["to >= 1.5"]))]
    pub when: Option<Box<SStr>>,
    /// Markdown: shorthand for a leading `text` part.
    #[schemars(with = "Option<String>", extend("examples" = ["If the service is running, stop it as follows."]))]
    pub body: Option<SStr>,
    /// Typed parts, in reading order: `[[…part]]` tables.
    #[serde(default)]
    #[schemars(with = "Vec<PartTable>", extend("examples" = [[{ "gui": "[Settings]→[Services]→[Stop]" }, { "shell": "sh", "cmd": "systemctl stop example" }]]))]
    pub part: Vec<Spanned<RawPart>>,
    /// Bodies for different environments, after the step's own: `[[…variant]]` tables.
    #[serde(default)]
    #[schemars(extend("examples" = [[{ "when": "to <= 1.0.x", "body": "Run the migration tool." }]]))]
    pub variant: Vec<RawVariant>,
    /// The id of a reusable step (a file name under `content/_steps/`) this step is.
    #[serde(rename = "use")]
    #[schemars(with = "Option<String>", extend("examples" = ["stop-local-service"]))]
    pub use_: Option<Box<SStr>>,
    /// The used step's parameters: `{ param = "value", … }`.
    #[schemars(with = "Option<BTreeMap<String, String>>", extend("examples" = [{ "ver": "from" }]))]
    pub with: Option<Box<Spanned<BTreeMap<String, SStr>>>>,
    /// A reusable step's parameters, each written `{{name}}` in its strings.
    #[schemars(with = "Option<Vec<String>>", extend("examples" = [["ver"]]))]
    pub params: Option<Box<Spanned<Vec<SStr>>>>,
    /// With `use`: expected output for commands of the used step, `[[…output]]` tables.
    #[serde(default)]
    #[schemars(with = "Vec<RawOutput>", extend("examples" = [[{ "cmd": 1, "text": "active (running)" }]]))]
    pub output: Vec<Spanned<RawOutput>>,
    /// Known problems that show at this step, by their ids (file names under
    /// `content/_problems/`); in a reusable step, at every use of it.
    #[serde(default)]
    #[schemars(with = "Vec<String>", extend("examples" = [["disk-full"]]))]
    pub problems: Vec<SStr>,
}

/// `[[section.step.output]]`: what a command of the used step prints, added where it is
/// used (the reusable step shows none, or another). `cmd`: which command of the used step,
/// from 1 in reading order; `text`: its expected output.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[[section.step.output]]")]
pub struct RawOutput {
    /// Which command of the used step: its position, from 1, counting the commands the
    /// step shows in reading order (its variants' in their place).
    #[schemars(with = "u32", extend("examples" = [1]))]
    pub cmd: Spanned<u32>,
    /// The output, shown with that command (it replaces any the reusable step gives).
    #[schemars(with = "String", extend("examples" = ["active (running)"]))]
    pub text: SStr,
}

/// `[[section.step.variant]]`: one of a step's bodies, shown where its condition holds.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[[section.step.variant]]")]
pub struct RawVariant {
    /// How the variant is introduced; the condition when absent.
    #[schemars(with = "Option<String>", extend("examples" = ["Version 1.0.x or earlier"]))]
    pub label: Option<SStr>,
    /// The condition under which this body applies.
    #[schemars(with = "String", extend("examples" = ["to <= 1.0.x"]))]
    pub when: SStr,
    /// Markdown: shorthand for a leading `text` part.
    #[schemars(with = "Option<String>", extend("examples" = ["Run the migration tool from a command prompt."]))]
    pub body: Option<SStr>,
    /// Typed parts, in reading order: `[[…variant.part]]` tables.
    #[serde(default)]
    #[schemars(with = "Vec<PartTable>", extend("examples" = [[{ "refs": ["admin-guide"] }]]))]
    pub part: Vec<Spanned<RawPart>>,
}

/// One `[[…part]]` table, sorted by its content key as it is read: the resolver meets a
/// part of one kind, never a bag of keys to check.
///
/// A table with no content key, or with several, is not a read error: it is kept as
/// [`RawPart::Malformed`], so the writer sees that mistake together with every other
/// problem of the file (a read error would hide them all).
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "PartTable")]
pub enum RawPart {
    /// A part with exactly one content key.
    Typed(TypedPart),
    /// A part with none or several (an error, reported with the file's others).
    Malformed(MalformedPart),
}

/// A part with exactly one content key.
#[derive(Debug, Clone)]
pub struct TypedPart {
    /// Where it applies (boxed, as are the rarer keys below: a book has hundreds of
    /// thousands of parts, most with neither).
    pub when: Option<Box<SStr>>,
    /// What it shows.
    pub kind: RawPartKind,
    /// Keys that belong to another kind of part (`shell` beside `text`), each an error.
    pub misplaced: Vec<Misplaced>,
}

/// What a part shows, by its content key. `shell`, `output` and `expect` are read with
/// the kind they belong to.
#[derive(Debug, Clone)]
pub enum RawPartKind {
    /// Prose (`text`).
    Text(SStr),
    /// A command to type (`cmd`).
    Command {
        /// The command's lines.
        cmd: SStr,
        /// The shell it is typed into.
        shell: Option<Box<SStr>>,
        /// What it prints.
        output: Option<Box<SStr>>,
    },
    /// A GUI menu path (`gui`).
    Gui(SStr),
    /// A check of running processes (`processes`).
    Processes {
        /// The processes.
        items: Vec<RawProcessItem>,
        /// `present` or `absent`.
        expect: Option<Box<SStr>>,
    },
    /// A callout (`note`).
    Note(SStr),
    /// A callout (`caution`).
    Caution(SStr),
    /// External references by id (`refs`).
    Refs(Vec<SStr>),
}

/// `shell` or `output` on a part that is not a `cmd`, `expect` on one that is not
/// `processes`.
#[derive(Debug, Clone)]
pub struct Misplaced {
    /// The key.
    pub key: &'static str,
    /// The content key of the kind of part it belongs to.
    pub belongs_to: &'static str,
    /// Its value.
    pub value: SStr,
}

/// A part table with no content key or several.
#[derive(Debug, Clone)]
pub struct MalformedPart {
    /// Which mistake it is.
    pub problem: PartProblem,
    /// Its prose, command, `output` and `when` strings, in that order: a reusable step's
    /// parameters are substituted and checked in them like in any other part.
    pub strings: Vec<SStr>,
}

/// Why a part table is not a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartProblem {
    /// None of the content keys.
    NoContent,
    /// Two (or more) content keys: the first two, in the README's order.
    TwoKinds(&'static str, &'static str),
}

/// The keys of which a part has exactly one, in the README's order.
pub(crate) const CONTENT_KEYS: [&str; 7] =
    ["text", "cmd", "gui", "processes", "note", "caution", "refs"];

/// A part table as written: the keys of every kind. Only [`RawPart`]'s conversion reads
/// it. Writers see its serde messages: `expecting` keeps the words for a part that is not
/// a table ("expected struct RawPart"), and the field order the list of keys an unknown
/// key is answered with.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "struct RawPart")]
#[schemars(
    transform = one_kind_of_part,
    description = "One piece of a step, in reading order: exactly one of `text`, `cmd`, `gui`, \
                   `processes`, `note`, `caution`, `refs`, and optionally `when`."
)]
#[schemars(title = "[[section.step.part]]")]
struct PartTable {
    /// A condition: the part applies only where it holds.
    #[schemars(with = "Option<String>", extend("examples" = ["to >= 1.5"]))]
    when: Option<SStr>,
    /// Markdown prose.
    #[schemars(with = "Option<String>", extend("examples" = ["Then close the settings window."]))]
    text: Option<SStr>,
    /// A command block, line by line; needs `shell`.
    #[schemars(with = "Option<String>", extend("examples" = ["systemctl stop example\nsystemctl status example\n"]))]
    cmd: Option<SStr>,
    /// The shell a `cmd` runs in, which gives its prompt: `sh`, `root`, `cmd` (Windows),
    /// `powershell`, `sql`, or one of the book's `[[shell]]`s.
    #[schemars(with = "Option<String>", extend("enum" = ["sh", "root", "cmd", "powershell", "sql"]), extend("examples" = ["sh"]))]
    shell: Option<SStr>,
    /// The output a `cmd` is expected to print.
    #[schemars(with = "Option<String>", extend("examples" = ["(none)"]))]
    output: Option<SStr>,
    /// A path through a GUI's menus and dialogs.
    #[schemars(with = "Option<String>", extend("examples" = ["[Settings]→[Services]→[Stop]"]))]
    gui: Option<SStr>,
    /// Processes to check, each a name or `{ name, when }`; see `expect`.
    #[schemars(extend("examples" = [["exampled", "example-worker", { "name": "example-db", "when": "to >= 1.5" }]]))]
    processes: Option<Vec<RawProcessItem>>,
    /// Whether the `processes` must be `absent` or `present`.
    #[schemars(with = "Option<String>", extend("enum" = ["absent", "present"]), extend("examples" = ["absent"]))]
    expect: Option<SStr>,
    /// A note (Markdown).
    #[schemars(with = "Option<String>", extend("examples" = ["Good to know (Markdown)"]))]
    note: Option<SStr>,
    /// A caution (Markdown).
    #[schemars(with = "Option<String>", extend("examples" = ["Watch out (Markdown)"]))]
    caution: Option<SStr>,
    /// External documents to read, by their `_refs.toml` ids.
    #[schemars(with = "Option<Vec<String>>", extend("examples" = [["release-memo", "install-guide"]]))]
    refs: Option<Vec<SStr>>,
}

/// What serde cannot say of a part table: it has exactly one content key, and `shell` and
/// `output` go with `cmd`, `expect` with `processes` (draft-07 `dependencies`, which
/// Taplo reads).
fn one_kind_of_part(schema: &mut Schema) {
    let one_of: Vec<serde_json::Value> = CONTENT_KEYS
        .iter()
        .map(|k| serde_json::json!({ "required": [k] }))
        .collect();
    schema.insert("oneOf".into(), one_of.into());
    schema.insert(
        "dependencies".into(),
        serde_json::json!({
            "cmd": ["shell"],
            "shell": ["cmd"],
            "output": ["cmd"],
            "expect": ["processes"],
        }),
    );
}

impl From<PartTable> for RawPart {
    fn from(mut t: PartTable) -> RawPart {
        match t.take_kind() {
            Ok(kind) => RawPart::Typed(TypedPart {
                misplaced: t.misplaced(),
                when: t.when.map(Box::new),
                kind,
            }),
            Err(problem) => {
                let strings = [t.text, t.cmd, t.gui, t.note, t.caution, t.output, t.when];
                RawPart::Malformed(MalformedPart {
                    problem,
                    strings: strings.into_iter().flatten().collect(),
                })
            }
        }
    }
}

impl PartTable {
    /// Takes the one content key (with the keys of its kind), or says why there is not
    /// exactly one (and takes nothing).
    fn take_kind(&mut self) -> Result<RawPartKind, PartProblem> {
        let present = [
            self.text.is_some(),
            self.cmd.is_some(),
            self.gui.is_some(),
            self.processes.is_some(),
            self.note.is_some(),
            self.caution.is_some(),
            self.refs.is_some(),
        ];
        let keys: Vec<&'static str> = CONTENT_KEYS
            .into_iter()
            .zip(present)
            .filter_map(|(key, present)| present.then_some(key))
            .collect();
        if let [first, second, ..] = keys[..] {
            return Err(PartProblem::TwoKinds(first, second));
        }
        // There is at most one content key now: the one set is the part's kind.
        if let Some(t) = self.text.take() {
            return Ok(RawPartKind::Text(t));
        }
        if let Some(cmd) = self.cmd.take() {
            return Ok(RawPartKind::Command {
                cmd,
                shell: self.shell.take().map(Box::new),
                output: self.output.take().map(Box::new),
            });
        }
        if let Some(g) = self.gui.take() {
            return Ok(RawPartKind::Gui(g));
        }
        if let Some(items) = self.processes.take() {
            return Ok(RawPartKind::Processes {
                items,
                expect: self.expect.take().map(Box::new),
            });
        }
        if let Some(t) = self.note.take() {
            return Ok(RawPartKind::Note(t));
        }
        if let Some(t) = self.caution.take() {
            return Ok(RawPartKind::Caution(t));
        }
        if let Some(refs) = self.refs.take() {
            return Ok(RawPartKind::Refs(refs));
        }
        Err(PartProblem::NoContent)
    }

    /// The kind-specific keys left after [`PartTable::take_kind`]: they belong elsewhere.
    fn misplaced(&mut self) -> Vec<Misplaced> {
        [
            ("shell", "cmd", self.shell.take()),
            ("output", "cmd", self.output.take()),
            ("expect", "processes", self.expect.take()),
        ]
        .into_iter()
        .filter_map(|(key, belongs_to, value)| {
            value.map(|value| Misplaced {
                key,
                belongs_to,
                value,
            })
        })
        .collect()
    }
}

/// `"postgres"` or `{ name = "pgbouncer", when = "to >= 2.4" }`.
#[derive(Debug, Clone)]
pub enum RawProcessItem {
    /// A process checked everywhere the part applies.
    Name(String),
    /// A process checked only where `when` holds.
    Conditional {
        /// The process name.
        name: String,
        /// Where it is checked.
        when: String,
    },
}

/// `processes = ["a", { name = "b", when = "…" }]`: a name, or a process item table.
impl JsonSchema for RawProcessItem {
    fn schema_name() -> Cow<'static, str> {
        "RawProcessItem".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A process name, or `{ name = \"…\", when = \"…\" }` for one that runs only where the condition holds.",
            "anyOf": [
                { "type": "string", "examples": ["exampled"] },
                {
                    "type": "object",
                    "title": "process item",
                    "description": "`processes = [\"a\", { name = \"b\", when = \"…\" }]`",
                    "properties": {
                        "name": { "type": "string", "description": "The process name.", "examples": ["jcdbs"] },
                        "when": { "type": "string", "description": "A condition: the process is checked only where it holds.", "examples": ["to >= 1.5"] }
                    },
                    "required": ["name", "when"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// Read by hand rather than `#[serde(untagged)]`: untagged accepts any extra key in the
/// table form silently, and reports a wrong one only as "did not match any variant".
impl<'de> Deserialize<'de> for RawProcessItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Item;
        impl<'de> serde::de::Visitor<'de> for Item {
            type Value = RawProcessItem;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a process name, or a table { name = \"…\", when = \"…\" }")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawProcessItem, E> {
                Ok(RawProcessItem::Name(v.to_string()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawProcessItem, A::Error> {
                const FIELDS: &[&str] = &["name", "when"];
                let (mut name, mut when) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "name" => name = Some(map.next_value::<String>()?),
                        "when" => when = Some(map.next_value::<String>()?),
                        other => return Err(serde::de::Error::unknown_field(other, FIELDS)),
                    }
                }
                let name = name.ok_or_else(|| serde::de::Error::missing_field("name"))?;
                let when = when.ok_or_else(|| serde::de::Error::missing_field("when"))?;
                Ok(RawProcessItem::Conditional { name, when })
            }
        }
        d.deserialize_any(Item)
    }
}

/// A known problem (`content/_problems/ID.toml`): where it shows, what the reader sees,
/// and each cause with the steps that remedy it; see "Known problems".
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "known problem (_problems/ID.toml)")]
pub struct RawProblem {
    /// A one-line title (no Markdown).
    #[schemars(with = "String", extend("examples" = ["The service does not start after the upgrade"]))]
    pub title: SStr,
    /// A condition: the problem can happen only where it holds.
    #[schemars(with = "Option<String>", extend("examples" = ["operation = upgrade"]))]
    pub when: Option<SStr>,
    /// The steps where it shows: `procedure/step`, as cross-references write them.
    #[serde(default)]
    #[schemars(with = "Vec<String>", extend("examples" = [["upgrade/start-service"]]))]
    pub applies_to: Vec<SStr>,
    /// What the reader sees: `[symptom]`. `messages`: what the product prints, exactly
    /// (not translated).
    #[schemars(extend("examples" = [{ "messages": ["error: disk full"], "text": "The service stops right after it starts." }]))]
    pub symptom: RawSymptom,
    /// Why it happens and what to do, one table per cause: `[[cause]]`.
    #[serde(default)]
    #[schemars(extend("examples" = [[{ "text": "The disk is full." }]]))]
    pub cause: Vec<RawCause>,
}

/// `[symptom]`: the messages the product prints and how the problem looks. `messages`:
/// what the product prints, exactly (not translated).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[symptom]")]
pub struct RawSymptom {
    /// Messages or output lines exactly as the product prints them; a search for a pasted
    /// message finds the problem.
    #[serde(default)]
    #[schemars(with = "Vec<String>", extend("examples" = [["error: cannot open /var/lib/example/db: No space left on device"]]))]
    pub messages: Vec<SStr>,
    /// Markdown describing the symptom.
    #[schemars(with = "String", extend("examples" = ["The service stops right after it starts."]))]
    pub text: SStr,
}

/// `[[cause]]`: one reason for the problem and the steps that remedy it.
/// `[[cause.step]]`: the remedy, steps exactly like a procedure's.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[[cause]]")]
pub struct RawCause {
    /// Markdown: why it happens.
    #[schemars(with = "String", extend("examples" = ["The data disk is full."]))]
    pub text: SStr,
    /// A condition: this cause applies only where it holds.
    #[schemars(with = "Option<String>", extend("examples" = ["os = linux"]))]
    pub when: Option<SStr>,
    /// The remedy: steps written like a procedure's, `[[cause.step]]` tables.
    #[serde(default)]
    #[schemars(with = "Vec<RawStep>", extend("examples" = [[{ "title": "Free some space" }]]))]
    pub step: Vec<Spanned<RawStep>>,
}

/// `_book.toml`: the book's front matter (preface, legend, revision history).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "_book.toml")]
pub struct RawFront {
    /// Front-matter sections, before the first chapter: `[[front]]` tables.
    #[serde(default)]
    #[schemars(extend("examples" = [[{ "id": "preface", "title": "Preface", "body": "This guide…" }]]))]
    pub front: Vec<RawFrontSection>,
}

/// `[[front]]`: one section of front matter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[[front]]")]
pub struct RawFrontSection {
    /// The id links use (`[](#preface)`).
    #[schemars(with = "String", extend("examples" = ["preface"]))]
    pub id: SStr,
    /// The section's heading.
    #[schemars(extend("examples" = ["Preface"]))]
    pub title: String,
    /// Markdown.
    #[schemars(with = "String", extend("examples" = ["This guide explains how to upgrade the service."]))]
    pub body: SStr,
}

/// `_refs.toml`: external documents the book refers to by id.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "_refs.toml")]
pub struct RawRefs {
    /// The documents: `[[ref]]` tables.
    #[serde(default, rename = "ref")]
    #[schemars(extend("examples" = [[{ "id": "release-notes", "title": "Release notes" }]]))]
    pub refs: Vec<RawRef>,
}

/// `[[ref]]`: one external document, cited by a `refs` part or an `ext:` link.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "[[ref]]")]
pub struct RawRef {
    /// What `refs = […]` and `[](ext:id)` name.
    #[schemars(with = "String", extend("examples" = ["release-memo"]))]
    pub id: SStr,
    /// The document's title.
    #[schemars(extend("examples" = ["Release notes"]))]
    pub title: String,
    /// What the reader finds in it.
    #[schemars(extend("examples" = ["What changed in each release."]))]
    pub description: Option<String>,
    /// Where it is.
    #[schemars(extend("examples" = ["https://example.com/release-memo.pdf"]))]
    pub url: Option<String>,
}

/// Applies `f` to every string a writer typed in a step, for reusable-step parameters.
/// `shell` and `expect` are keywords, not text: they are left as written.
pub fn map_step_strings(step: &mut RawStep, f: &dyn Fn(&str) -> String) {
    let m = |s: &mut Option<SStr>| {
        if let Some(v) = s {
            map(v, f);
        }
    };
    m(&mut step.title);
    if let Some(v) = &mut step.when {
        map(v, f);
    }
    m(&mut step.body);
    // A reusable step passing its own parameter on: `with = { node = "{{node}}" }`.
    if let Some(with) = &mut step.with {
        for v in with.get_mut().values_mut() {
            map(v, f);
        }
    }
    for p in &mut step.part {
        p.get_mut().map_strings(f);
    }
    for o in &mut step.output {
        map(&mut o.get_mut().text, f);
    }
    for v in &mut step.variant {
        m(&mut v.label);
        map(&mut v.when, f);
        m(&mut v.body);
        for p in &mut v.part {
            p.get_mut().map_strings(f);
        }
    }
}

/// Every located string of a step a reusable step's parameter can appear in: the step's
/// title, condition and body, the values it passes on (`with`), its parts' (and then its
/// variants' parts'), then each variant's label, condition and body.
pub fn step_strings(step: &RawStep) -> Vec<&SStr> {
    let mut out: Vec<&SStr> = [
        step.title.as_ref(),
        step.when.as_deref(),
        step.body.as_ref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(with) = &step.with {
        out.extend(with.get_ref().values());
    }
    let parts = step
        .part
        .iter()
        .chain(step.variant.iter().flat_map(|v| v.part.iter()));
    for p in parts {
        out.extend(p.get_ref().strings());
    }
    out.extend(step.output.iter().map(|o| &o.get_ref().text));
    for v in &step.variant {
        out.extend(v.label.iter());
        out.push(&v.when);
        out.extend(v.body.iter());
    }
    out
}

fn map(s: &mut SStr, f: &dyn Fn(&str) -> String) {
    *s = Spanned::new(s.span(), f(s.get_ref()));
}

impl RawPart {
    /// The part's located text: its content, its `output`, its `when`. Process names and
    /// their conditions carry no location of their own, so they are not here.
    fn strings(&self) -> Vec<&SStr> {
        match self {
            RawPart::Malformed(m) => m.strings.iter().collect(),
            RawPart::Typed(t) => {
                let (content, output) = match &t.kind {
                    RawPartKind::Text(s)
                    | RawPartKind::Gui(s)
                    | RawPartKind::Note(s)
                    | RawPartKind::Caution(s) => (Some(s), None),
                    RawPartKind::Command { cmd, output, .. } => (Some(cmd), output.as_deref()),
                    RawPartKind::Processes { .. } | RawPartKind::Refs(_) => (None, None),
                };
                let misplaced_output = t
                    .misplaced
                    .iter()
                    .find(|m| m.key == "output")
                    .map(|m| &m.value);
                content
                    .into_iter()
                    .chain(output.or(misplaced_output))
                    .chain(t.when.as_deref())
                    .collect()
            }
        }
    }

    fn map_strings(&mut self, f: &dyn Fn(&str) -> String) {
        let t = match self {
            RawPart::Malformed(m) => {
                m.strings.iter_mut().for_each(|s| map(s, f));
                return;
            }
            RawPart::Typed(t) => t,
        };
        if let Some(w) = &mut t.when {
            map(w, f);
        }
        for m in t.misplaced.iter_mut().filter(|m| m.key == "output") {
            map(&mut m.value, f);
        }
        match &mut t.kind {
            RawPartKind::Text(s)
            | RawPartKind::Gui(s)
            | RawPartKind::Note(s)
            | RawPartKind::Caution(s) => map(s, f),
            RawPartKind::Command { cmd, output, .. } => {
                map(cmd, f);
                if let Some(o) = output {
                    map(o, f);
                }
            }
            RawPartKind::Processes { items, .. } => {
                for it in items {
                    match it {
                        RawProcessItem::Name(n) => *n = f(n),
                        RawProcessItem::Conditional { name, when } => {
                            *name = f(name);
                            *when = f(when);
                        }
                    }
                }
            }
            RawPartKind::Refs(_) => {}
        }
    }
}
