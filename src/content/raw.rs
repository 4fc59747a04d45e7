//! The on-disk shape of content files, exactly as writers type them. Every struct denies
//! unknown keys so a misspelt key is an error with its location, not silently ignored.

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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPart {
    pub when: Option<SStr>,
    pub text: Option<SStr>,
    pub cmd: Option<SStr>,
    pub shell: Option<SStr>,
    pub output: Option<SStr>,
    pub gui: Option<SStr>,
    pub processes: Option<Vec<RawProcessItem>>,
    pub expect: Option<SStr>,
    pub note: Option<SStr>,
    pub caution: Option<SStr>,
    pub refs: Option<Vec<SStr>>,
}

/// `"cjcpw"` or `{ name = "jcdbs", when = "to >= R13.1" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawProcessItem {
    Name(String),
    Conditional { name: String, when: String },
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
pub fn map_step_strings(step: &mut RawStep, f: &dyn Fn(&str) -> String) {
    let m = |s: &mut Option<SStr>| {
        if let Some(v) = s {
            *v = Spanned::new(v.span(), f(v.get_ref()));
        }
    };
    m(&mut step.title);
    m(&mut step.when);
    m(&mut step.body);
    for p in &mut step.part {
        map_part_strings(p.get_mut(), f);
    }
    for v in &mut step.variant {
        m(&mut v.label);
        v.when = Spanned::new(v.when.span(), f(v.when.get_ref()));
        m(&mut v.body);
        for p in &mut v.part {
            map_part_strings(p.get_mut(), f);
        }
    }
}

fn map_part_strings(part: &mut RawPart, f: &dyn Fn(&str) -> String) {
    for s in [
        &mut part.when,
        &mut part.text,
        &mut part.cmd,
        &mut part.output,
        &mut part.gui,
        &mut part.note,
        &mut part.caution,
    ]
    .into_iter()
    .flatten()
    {
        *s = Spanned::new(s.span(), f(s.get_ref()));
    }
    if let Some(items) = &mut part.processes {
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
}
