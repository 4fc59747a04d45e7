//! The on-disk shape of content files, as writers type them. Every table but a process
//! item's `{ name, when }` denies unknown keys, so a misspelt key is an error with its
//! location, not silently ignored. A part is sorted by its content key as it is read
//! ([`RawPart`]), so the resolver builds a part of one kind and only reports the tables
//! that are none or several.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub type SStr = Spanned<String>;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChapter {
    pub id: Option<SStr>,
    pub title: SStr,
    pub when: Option<SStr>,
    pub intro: Option<SStr>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProcedure {
    pub id: Option<SStr>,
    pub title: SStr,
    pub when: Option<SStr>,
    pub intro: Option<SStr>,
    #[serde(default)]
    pub section: Vec<RawSection>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub id: SStr,
    pub title: SStr,
    pub when: Option<SStr>,
    pub intro: Option<SStr>,
    #[serde(default)]
    pub step: Vec<Spanned<RawStep>>,
    #[serde(default)]
    pub branch: Vec<RawBranch>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBranch {
    pub label: SStr,
    pub when: SStr,
    pub intro: Option<SStr>,
    #[serde(default)]
    pub step: Vec<Spanned<RawStep>>,
}

/// A step in a procedure, or (with `params`) a reusable step file under `_steps/`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub id: Option<SStr>,
    pub title: Option<SStr>,
    pub when: Option<SStr>,
    pub body: Option<SStr>,
    #[serde(default)]
    pub part: Vec<Spanned<RawPart>>,
    #[serde(default)]
    pub variant: Vec<RawVariant>,
    #[serde(rename = "use")]
    pub use_: Option<SStr>,
    pub with: Option<Spanned<BTreeMap<String, SStr>>>,
    pub params: Option<Spanned<Vec<SStr>>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    pub label: Option<SStr>,
    pub when: SStr,
    pub body: Option<SStr>,
    #[serde(default)]
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
    Typed(TypedPart),
    Malformed(MalformedPart),
}

/// A part with exactly one content key.
#[derive(Debug, Clone)]
pub struct TypedPart {
    pub when: Option<SStr>,
    pub kind: RawPartKind,
    /// Keys that belong to another kind of part (`shell` beside `text`), each an error.
    pub misplaced: Vec<Misplaced>,
}

/// What a part shows, by its content key. `shell`, `output` and `expect` are read with
/// the kind they belong to.
#[derive(Debug, Clone)]
pub enum RawPartKind {
    Text(SStr),
    Command {
        cmd: SStr,
        shell: Option<SStr>,
        output: Option<SStr>,
    },
    Gui(SStr),
    Processes {
        items: Vec<RawProcessItem>,
        expect: Option<SStr>,
    },
    Note(SStr),
    Caution(SStr),
    Refs(Vec<SStr>),
}

/// `shell` or `output` on a part that is not a `cmd`, `expect` on one that is not
/// `processes`.
#[derive(Debug, Clone)]
pub struct Misplaced {
    pub key: &'static str,
    /// The content key of the kind of part it belongs to.
    pub belongs_to: &'static str,
    pub value: SStr,
}

/// A part table with no content key or several.
#[derive(Debug, Clone)]
pub struct MalformedPart {
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

/// A part table as written: the keys of every kind. Only [`RawPart`]'s conversion reads
/// it. Writers see its serde messages: `expecting` keeps the words for a part that is not
/// a table ("expected struct RawPart"), and the field order the list of keys an unknown
/// key is answered with.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawPart")]
struct PartTable {
    when: Option<SStr>,
    text: Option<SStr>,
    cmd: Option<SStr>,
    shell: Option<SStr>,
    output: Option<SStr>,
    gui: Option<SStr>,
    processes: Option<Vec<RawProcessItem>>,
    expect: Option<SStr>,
    note: Option<SStr>,
    caution: Option<SStr>,
    refs: Option<Vec<SStr>>,
}

impl From<PartTable> for RawPart {
    fn from(mut t: PartTable) -> RawPart {
        match t.take_kind() {
            Ok(kind) => RawPart::Typed(TypedPart {
                misplaced: t.misplaced(),
                when: t.when,
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
        let keys: Vec<&'static str> = [
            ("text", self.text.is_some()),
            ("cmd", self.cmd.is_some()),
            ("gui", self.gui.is_some()),
            ("processes", self.processes.is_some()),
            ("note", self.note.is_some()),
            ("caution", self.caution.is_some()),
            ("refs", self.refs.is_some()),
        ]
        .into_iter()
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
                shell: self.shell.take(),
                output: self.output.take(),
            });
        }
        if let Some(g) = self.gui.take() {
            return Ok(RawPartKind::Gui(g));
        }
        if let Some(items) = self.processes.take() {
            return Ok(RawPartKind::Processes {
                items,
                expect: self.expect.take(),
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

/// `"cjcpw"` or `{ name = "jcdbs", when = "to >= R13.1" }`.
#[derive(Debug, Clone)]
pub enum RawProcessItem {
    Name(String),
    Conditional { name: String, when: String },
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFront {
    #[serde(default)]
    pub front: Vec<RawFrontSection>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontSection {
    pub id: SStr,
    pub title: String,
    pub body: SStr,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRefs {
    #[serde(default, rename = "ref")]
    pub refs: Vec<RawRef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRef {
    pub id: SStr,
    pub title: String,
    pub description: Option<String>,
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
    m(&mut step.when);
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
    let mut out: Vec<&SStr> = [&step.title, &step.when, &step.body]
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
                    RawPartKind::Command { cmd, output, .. } => (Some(cmd), output.as_ref()),
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
                    .chain(t.when.as_ref())
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
