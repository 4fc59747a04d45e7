//! The on-disk shape of a translation file: the text of one source file, keyed by the ids
//! the book already has (sections and steps by id, branches, parts and variants by their
//! 1-based position), each table optionally stamped with the fingerprint of the source
//! text it was translated from (`from`). Every table denies unknown keys, so a misspelt
//! key is an error at its line, as in the source.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// A string with where it stands in its file.
pub type SStr = Spanned<String>;

/// Tables keyed by an id or a position, each with its span.
pub type Keyed<T> = BTreeMap<String, Spanned<T>>;

/// `translations/<lang>/book.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TBook {
    pub from: Option<SStr>,
    pub title: Option<SStr>,
    pub edition: Option<SStr>,
    pub description: Option<SStr>,
    #[serde(default)]
    pub facet: Keyed<TFacet>,
    #[serde(default)]
    pub profile: Keyed<TLabelled>,
    #[serde(default)]
    pub placeholder: Keyed<TLabelled>,
    /// Rules have no id: keyed by their 1-based position.
    #[serde(default)]
    pub rule: Keyed<TLabelled>,
}

/// `[facet.<id>]`: its label and its values' labels by value id (or version).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TFacet {
    pub from: Option<SStr>,
    pub label: Option<SStr>,
    #[serde(default)]
    pub values: BTreeMap<String, SStr>,
}

/// `[profile.<id>]`, `[placeholder.<id>]`: a label and a description.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TLabelled {
    pub from: Option<SStr>,
    pub label: Option<SStr>,
    pub description: Option<SStr>,
}

/// A chapter's or group's file: a title and an introduction.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TChapter {
    pub from: Option<SStr>,
    pub title: Option<SStr>,
    pub intro: Option<SStr>,
}

/// A procedure file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TProcedure {
    pub from: Option<SStr>,
    pub title: Option<SStr>,
    pub intro: Option<SStr>,
    #[serde(default)]
    pub section: Keyed<TSection>,
    #[serde(default)]
    pub step: Keyed<TStep>,
}

/// `[section.<id>]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TSection {
    pub from: Option<SStr>,
    pub title: Option<SStr>,
    pub intro: Option<SStr>,
    #[serde(default)]
    pub branch: Keyed<TBranch>,
}

/// `[section.<id>.branch.<n>]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TBranch {
    pub from: Option<SStr>,
    pub label: Option<SStr>,
    pub intro: Option<SStr>,
}

/// `[step.<id>]` in a procedure, or a reusable step's whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TStep {
    pub from: Option<SStr>,
    pub title: Option<SStr>,
    pub body: Option<SStr>,
    /// Parameter values that are prose (`node = "standby node"`).
    #[serde(default)]
    pub with: BTreeMap<String, SStr>,
    #[serde(default)]
    pub part: Keyed<TPart>,
    #[serde(default)]
    pub variant: Keyed<TVariant>,
}

/// A known problem's file (`_problems/<id>.toml`): its title, `[symptom]`'s text and
/// `[cause.<n>]` (from 1) with its remedy steps `[cause.<n>.step.<m>]`. Messages are
/// what the product prints: never translated, but the product in this language may print
/// others, which `[symptom] messages` adds.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TProblem {
    pub from: Option<SStr>,
    pub title: Option<SStr>,
    pub symptom: Option<Spanned<TSymptom>>,
    #[serde(default)]
    pub cause: Keyed<TCause>,
}

/// `[symptom]` of a known problem.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TSymptom {
    pub from: Option<SStr>,
    pub text: Option<SStr>,
    /// Messages the product prints in this language, searched beside the source's: not a
    /// translation of them (the product's words are not the writer's to change).
    #[serde(default)]
    pub messages: Vec<SStr>,
}

/// `[cause.<n>]` of a known problem.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TCause {
    pub from: Option<SStr>,
    pub text: Option<SStr>,
    #[serde(default)]
    pub step: Keyed<TStep>,
}

/// `[….variant.<n>]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TVariant {
    pub from: Option<SStr>,
    pub label: Option<SStr>,
    pub body: Option<SStr>,
    #[serde(default)]
    pub part: Keyed<TPart>,
}

/// `[….part.<n>]`: the text of the part's kind; `cmd` only where the command itself
/// differs in this language.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TPart {
    pub from: Option<SStr>,
    pub text: Option<SStr>,
    pub note: Option<SStr>,
    pub caution: Option<SStr>,
    pub gui: Option<SStr>,
    pub output: Option<SStr>,
    pub cmd: Option<SStr>,
}

/// `translations/<lang>/_book.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TFront {
    #[serde(default)]
    pub front: Keyed<TFrontSection>,
}

/// `[front.<id>]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TFrontSection {
    pub from: Option<SStr>,
    pub title: Option<SStr>,
    pub body: Option<SStr>,
}

/// `translations/<lang>/_refs.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TRefs {
    #[serde(default, rename = "ref")]
    pub refs: Keyed<TLabelledRef>,
}

/// `[ref.<id>]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TLabelledRef {
    pub from: Option<SStr>,
    pub title: Option<SStr>,
    pub description: Option<SStr>,
}
