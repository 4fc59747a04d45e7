//! `book.toml`: read as a strict `RawConfig` (`raw.rs`: unknown keys are errors with their
//! location), then checked once into a [`Config`] the rest of the program trusts. Facets
//! are checked in `facets.rs` into the types of [`crate::facet`]; placeholder patterns
//! against the syntax Rust and browsers share ([`pattern`]).

mod facets;
pub mod pattern;
mod raw;
mod shells;

use std::path::PathBuf;

use toml::Spanned;

use crate::condition::{self, Condition};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId};
pub use crate::facet::ValuePart;
use crate::facet::{parse_value, Env, EnvError};
/// Facets are their own module (`crate::facet`); these paths stay for their users.
pub use crate::facet::{EnumValue, Facet, FacetKind};
pub(crate) use raw::schema as raw_schema;
use raw::{RawConfig, RawPlaceholder, RawProfile};

/// Paper size for `tejun pdf` and `[output.pdf]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

pub use crate::words::Language;

/// A named environment (`[[profile]]`): a runbook of its own, and a choice the picker offers.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Its id (the runbook is `runbooks/<id>.html`).
    pub id: String,
    /// What readers see.
    pub label: String,
    /// What it is for, shown under the label.
    pub description: Option<String>,
    /// The facet values it stands for.
    pub env: Env,
    /// Placeholder values preset in its runbook and PDF, checked against the placeholders.
    pub values: Vec<(String, String)>,
    /// Where book.toml declares it (its id).
    pub span: std::ops::Range<usize>,
}

/// A value the reader supplies once (`[[resource]]` in a command), declared in book.toml.
#[derive(Debug, Clone)]
pub struct Placeholder {
    /// Its id, as `[[id]]` uses write it.
    pub id: String,
    /// What readers see in the values panel and in unfilled commands.
    pub label: String,
    /// What to type, shown under the input.
    pub description: Option<String>,
    /// A value that fits, shown in the empty input.
    pub example: Option<String>,
    /// Anchored pattern a value must match, in the subset browsers read alike
    /// ([`pattern`]); its source (`as_str`) is what `placeholders.js` compiles.
    pub pattern: Option<regex::Regex>,
    /// What a command shows until the reader fills it in (`[label]` unless book.toml says).
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

/// book.toml, read and checked: everything a book declares besides its content.
#[derive(Debug, Clone)]
pub struct Config {
    /// The book's title.
    pub title: String,
    /// The language of its content and of the words it shows readers.
    pub language: Language,
    /// The languages of its translations (`translations`), never its own.
    pub translations: Vec<Language>,
    /// Which edition it is (`第2版`), shown on title pages.
    pub edition: Option<String>,
    /// A line about it, under the title.
    pub description: Option<String>,
    /// The axes its environments vary along, in the picker's order.
    pub facets: Vec<Facet>,
    /// Named environments, each with its runbook.
    pub profiles: Vec<Profile>,
    /// Where `tejun build` writes the site, relative to the book (`[output] dir`).
    pub out_dir: PathBuf,
    /// `[output] allow_html` (or `allow_raw_html`): raw HTML in Markdown is written as
    /// it is instead of sanitised.
    pub allow_raw_html: bool,
    /// `[output.pdf] enabled`: `tejun build` also writes the book's and profiles' PDFs.
    pub pdf_enabled: bool,
    /// The paper PDFs are laid out for.
    pub pdf_paper: Paper,
    /// The book's theme folder, relative to the book (`[theme] dir`).
    pub theme_dir: PathBuf,
    /// Pairs of command words the similar-command lint accepts as both right.
    pub allow_similar: Vec<[String; 2]>,
    /// `[check] similar_commands`: whether the similar-command lint runs.
    pub lint_similar: bool,
    /// The values readers supply once (`[[placeholder]]`).
    pub placeholders: Vec<Placeholder>,
    /// `[[rule]]`s: conditions every environment must satisfy.
    pub rules: Vec<Rule>,
    /// Facets that apply only where a condition holds (`[[facet]] when`), by facet id.
    pub facet_when: Vec<(String, Condition)>,
    /// `[search] synonyms`: groups of words a query finds each other by (登録 = レジスト).
    pub synonyms: Vec<Vec<String>>,
    /// The shells commands may name: the built-in ones and the book's `[[shell]]`s.
    pub shells: Vec<std::sync::Arc<crate::shell::Shell>>,
    /// Every word shown to readers: the language's table with the theme's replacements
    /// (set by the book's loader; [`Config::parse`] gives the built-in table).
    pub words: std::sync::Arc<crate::words::Words>,
    /// The environment whose facet values text shows (`[[to]]`): empty for the whole
    /// book, where the site fills them from the picker; `filter` sets it for a view.
    pub env: Env,
}

/// What a `[[…]]` in text names: a placeholder the reader fills in, or a facet whose
/// value (or a part of it) the environment gives.
#[derive(Debug, Clone, Copy)]
pub enum Use<'c> {
    /// `[[resource]]`.
    Placeholder(&'c Placeholder),
    /// `[[to]]`, `[[to.minor]]`.
    Facet(&'c Facet, ValuePart),
}

/// A rule between facets (`to >= from`), with the words a reader is told it in.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The condition every environment must satisfy.
    pub when: Condition,
    /// What a reader who breaks it is told.
    pub label: String,
}

/// The id rule (README, "Ids"): `[a-z0-9][a-z0-9._-]*`. Every id of a book follows it,
/// whatever it names, because ids become file names (`runbooks/<profile>.html`), anchors,
/// URLs and attribute values: an id can then hold no `/`, no `..` on its own, no quote and
/// no markup, and nothing downstream has to escape or check it again.
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

    /// The placeholder `id`.
    pub fn placeholder(&self, id: &str) -> Option<&Placeholder> {
        self.placeholders.iter().find(|p| p.id == id)
    }

    /// What the use `[[id]]` names: a placeholder of that id, else a facet (`to`) or a
    /// part of one (`to.minor`). The error says why neither fits, for the writer.
    pub fn use_of(&self, id: &str) -> Result<Use<'_>, String> {
        if let Some(p) = self.placeholder(id) {
            return Ok(Use::Placeholder(p));
        }
        let (name, part) = match id.split_once('.') {
            Some((name, part)) => (name, Some(part)),
            None => (id, None),
        };
        match self.facet(name) {
            Some(f) => ValuePart::of(f, part).map(|part| Use::Facet(f, part)),
            None => Err(format!("undeclared placeholder `{id}`")),
        }
    }

    /// How `part` of `facet` reads in this config's environment, and whether that is its
    /// value (`false`: the environment leaves it open, and it reads as the facet's label).
    pub fn facet_text(&self, facet: &Facet, part: ValuePart) -> (String, bool) {
        self.facet_text_in(&self.env, facet, part)
    }

    /// [`Config::facet_text`] in `env` rather than this config's own.
    pub fn facet_text_in(&self, env: &Env, facet: &Facet, part: ValuePart) -> (String, bool) {
        match env.get(&facet.id).and_then(|v| facet.show(part, v)) {
            Some(value) => (value, true),
            None => (
                self.words.site.open_value.replacen("{}", &facet.label, 1),
                false,
            ),
        }
    }

    /// `text` with its facet uses as this config's environment shows them; placeholders
    /// and anything else in brackets stay as written. For text shown without markup
    /// (titles, the search index); borrowed when it uses no facet, as most text does.
    pub fn with_facets<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        self.with_facets_in(&self.env, text)
    }

    /// [`Config::with_facets`] in `env` rather than this config's own (a search's).
    pub fn with_facets_in<'t>(&self, env: &Env, text: &'t str) -> std::borrow::Cow<'t, str> {
        let shown = |id: &str| match self.use_of(id) {
            Ok(Use::Facet(f, part)) => Some(self.facet_text_in(env, f, part).0),
            _ => None,
        };
        if crate::placeholder::uses(text)
            .iter()
            .all(|(_, id)| shown(id).is_none())
        {
            return std::borrow::Cow::Borrowed(text);
        }
        std::borrow::Cow::Owned(crate::placeholder::fill(text, &shown))
    }

    /// The shell `id`.
    pub fn shell(&self, id: &str) -> Option<&std::sync::Arc<crate::shell::Shell>> {
        self.shells.iter().find(|s| s.id == id)
    }

    /// The facet `id`.
    pub fn facet(&self, id: &str) -> Option<&Facet> {
        self.facets.iter().find(|f| f.id == id)
    }

    /// Parses `book.toml`'s text; every problem goes to `diags`, and any problem means no
    /// config.
    pub fn parse(text: &str, file: FileId, diags: &mut Diagnostics) -> Option<Config> {
        let raw: RawConfig = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                diags.push(crate::toml_source::toml_error(file, text, &e));
                return None;
            }
        };
        let before = diags.items.len();
        let mut r = Reader { text, file, diags };
        let language = r.language(raw.language.as_ref());
        let translations = r.translations(&raw.translations, language);
        let facet_when_raw: Vec<(String, Spanned<String>)> = raw
            .facet
            .iter()
            .filter_map(|f| Some((f.id.get_ref().clone(), f.when.clone()?)))
            .collect();
        let facets = r.facets(raw.facet);
        let preset: Vec<_> = raw
            .profile
            .iter()
            .map(|p| (p.id.get_ref().clone(), p.values.clone()))
            .collect();
        let mut profiles = r.profiles(raw.profile, &facets);
        let pdf_paper = r.paper(raw.output.pdf.paper.as_ref());
        let placeholders = r.placeholders(raw.placeholder);
        r.profile_values(&mut profiles, preset, &placeholders);
        r.names_apart(&placeholders, &facets);
        let shells = r.shells(raw.shell);
        let facet_when = r.facet_conditions(facet_when_raw, &facets);
        let rules = r.rules(raw.rule, &facets);
        r.possible_profiles(&profiles, &rules, &facet_when);
        if diags.items.len() > before {
            return None;
        }
        Some(Config {
            title: raw.title,
            language,
            translations,
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
            rules,
            facet_when,
            synonyms: raw.search.synonyms,
            shells,
            words: std::sync::Arc::new(crate::words::Words::builtin(language).clone()),
            env: Env::new(),
        })
    }

    /// Why `env` cannot be: a facet set where it does not apply, or a rule it breaks
    /// (`None` when it can be). A rule left open by `env` is no reason.
    pub fn impossible(&self, env: &Env) -> Option<String> {
        impossibility(&self.rules, &self.facet_when, env)
    }

    /// A condition written with this book's own facets and values, for hints
    /// (`os = linux and from >= 1.0`), so no book is taught another's vocabulary.
    pub fn example_condition(&self) -> String {
        let mut parts = Vec::new();
        for f in &self.facets {
            match &f.kind {
                FacetKind::Enum(values) if parts.is_empty() => {
                    if let Some(v) = values.first() {
                        parts.push(format!("{} = {}", f.id, v.id));
                    }
                }
                FacetKind::Version { known, .. } => {
                    let v = known
                        .first()
                        .map_or_else(|| "1.0".to_string(), |v| v.to_string());
                    parts.push(format!("{} >= {v}", f.id));
                    break;
                }
                _ => {}
            }
        }
        if parts.is_empty() {
            "facet = value".to_string()
        } else {
            parts.join(" and ")
        }
    }

    /// The language `code` names among the book's (its own and its `translations`), or
    /// what to say: the code is not one of them, and which are.
    pub fn language_named(&self, code: &str) -> Result<Language, String> {
        let langs: Vec<Language> = std::iter::once(self.language)
            .chain(self.translations.iter().copied())
            .collect();
        match Language::from_code(code) {
            Some(lang) if langs.contains(&lang) => Ok(lang),
            _ => {
                let codes: Vec<&str> = langs.iter().map(|l| l.code()).collect();
                Err(format!(
                    "not a language of this book (it has {})",
                    codes.join(", ")
                ))
            }
        }
    }

    /// Parses a command-line environment: `os=linux,operation=patch,from=2.4`.
    pub fn parse_env(&self, spec: &str) -> Result<Env, String> {
        let env = crate::facet::parse_env(&self.facets, spec).map_err(shown)?;
        match self.impossible(&env) {
            Some(why) => Err(why),
            None => Ok(env),
        }
    }
}

/// Why `env` cannot be, if it cannot: a facet set where it does not apply, or a rule the
/// values set break.
fn impossibility(rules: &[Rule], facet_when: &[(String, Condition)], env: &Env) -> Option<String> {
    for (facet, when) in facet_when {
        if env.contains_key(facet) && when.eval(env) == Some(false) {
            return Some(format!(
                "impossible environment: `{facet}` applies only when {when}"
            ));
        }
    }
    rules
        .iter()
        .find(|r| r.when.eval(env) == Some(false))
        .map(|r| format!("impossible environment: {} (rule `{}`)", r.label, r.when))
}

/// A message quoting the command line, with invisible characters escaped.
fn shown(message: String) -> String {
    crate::diagnostics::escape_invisible(&message).into_owned()
}

/// A `{ key = "value" }` table of book.toml, every key and value with its place.
type RawValues = std::collections::BTreeMap<Spanned<String>, Spanned<String>>;

/// Checks the parsed book.toml (`text`, read as `file`) into the parts of a [`Config`];
/// each problem is a diagnostic at its place.
struct Reader<'a> {
    text: &'a str,
    file: FileId,
    diags: &'a mut Diagnostics,
}

impl Reader<'_> {
    fn error(&mut self, span: std::ops::Range<usize>, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(self.file, span, message));
    }

    /// `ja` when absent (or unknown, after the error).
    fn language(&mut self, raw: Option<&Spanned<String>>) -> Language {
        let Some(raw) = raw else {
            return Language::Ja;
        };
        match raw.get_ref().as_str() {
            "ja" => Language::Ja,
            "en" => Language::En,
            other => {
                self.diags.push(
                    Diagnostic::error(self.file, raw.span(), format!("unknown language `{other}`"))
                        .with_hint("use \"ja\" or \"en\""),
                );
                Language::Ja
            }
        }
    }

    /// `translations = ["en"]`: known languages, not the book's own, each once.
    fn translations(&mut self, raw: &[Spanned<String>], own: Language) -> Vec<Language> {
        let mut out = Vec::new();
        for code in raw {
            let before = self.diags.items.len();
            let lang = self.language(Some(code));
            if self.diags.items.len() > before {
                continue;
            }
            if lang == own {
                self.error(
                    code.span(),
                    format!("`{}` is the book's own language", lang.code()),
                );
            } else if out.contains(&lang) {
                self.error(code.span(), format!("`{}` is listed twice", lang.code()));
            } else {
                out.push(lang);
            }
        }
        out
    }

    /// Every profile that could be read; a duplicate id leaves one out.
    fn profiles(&mut self, raws: Vec<RawProfile>, facets: &[Facet]) -> Vec<Profile> {
        let mut profiles: Vec<Profile> = Vec::new();
        for p in raws {
            let id = p.id.get_ref();
            check_id(self.diags, self.file, p.id.span(), id, || {
                format!("profile id `{id}`")
            });
            if profiles.iter().any(|q| q.id == *id) {
                self.error(p.id.span(), format!("duplicate profile id `{id}`"));
                continue;
            }
            let env = self.profile_env(&p, facets);
            let span = p.id.span();
            profiles.push(Profile {
                span,
                id: p.id.into_inner(),
                label: p.label,
                description: p.description,
                env,
                values: Vec::new(),
            });
        }
        profiles
    }

    /// Each profile's preset `values` (by profile id), each an error at its key or value
    /// unless it names a declared placeholder and fits its pattern.
    fn profile_values(
        &mut self,
        profiles: &mut [Profile],
        preset: Vec<(String, RawValues)>,
        placeholders: &[Placeholder],
    ) {
        for (id, values) in preset {
            let Some(profile) = profiles.iter_mut().find(|p| p.id == id) else {
                continue;
            };
            for (k, v) in values {
                let Some(p) = placeholders.iter().find(|p| p.id == *k.get_ref()) else {
                    let known: Vec<&str> = placeholders.iter().map(|p| p.id.as_str()).collect();
                    self.error(
                        k.span(),
                        format!(
                            "unknown placeholder `{}` (book.toml declares: {})",
                            k.get_ref(),
                            known.join(", ")
                        ),
                    );
                    continue;
                };
                if !p.accepts(v.get_ref()) {
                    self.error(
                        v.span(),
                        format!("`{}` is not a valid {} (`{}`)", v.get_ref(), p.label, p.id),
                    );
                    continue;
                }
                profile.values.push((p.id.clone(), v.into_inner()));
            }
        }
    }

    /// A profile's `env`, each wrong facet or value an error at the key or the value.
    fn profile_env(&mut self, p: &RawProfile, facets: &[Facet]) -> Env {
        let mut env = Env::new();
        for (k, v) in p.env.get_ref() {
            match parse_value(facets, k.get_ref(), v.get_ref()) {
                Ok(value) => {
                    env.insert(k.get_ref().clone(), value);
                }
                Err(EnvError::Facet(msg)) => self.error(k.span(), msg),
                Err(EnvError::Value(msg)) => self.error(v.span(), msg),
            }
        }
        env
    }

    /// A condition written in book.toml, bound to the facets; errors at their column.
    fn condition(&mut self, raw: &Spanned<String>, facets: &[Facet]) -> Option<Condition> {
        let span = raw.span();
        let base = crate::toml_source::content_start(self.text, &span);
        let at = |r: std::ops::Range<usize>| {
            (base + r.start).min(span.end)..(base + r.end).min(span.end)
        };
        let expr = match condition::parse(raw.get_ref()) {
            Ok(e) => e,
            Err(e) => {
                self.error(at(e.span), format!("invalid condition: {}", e.message));
                return None;
            }
        };
        match condition::bind(&expr, facets) {
            Ok(c) => Some(c),
            Err(errors) => {
                for e in errors {
                    self.error(at(e.span), e.message);
                }
                None
            }
        }
    }

    /// `[[facet]] when`: each bound, and never about the facet itself.
    fn facet_conditions(
        &mut self,
        raws: Vec<(String, Spanned<String>)>,
        facets: &[Facet],
    ) -> Vec<(String, Condition)> {
        let mut out = Vec::new();
        for (id, raw) in raws {
            let Some(c) = self.condition(&raw, facets) else {
                continue;
            };
            if c.facets().contains(&id.as_str()) {
                self.error(
                    raw.span(),
                    format!("facet `{id}` cannot apply only when it has a value itself"),
                );
                continue;
            }
            out.push((id, c));
        }
        out
    }

    /// `[[rule]]`s, each bound; rules that leave no environment possible are an error.
    fn rules(&mut self, raws: Vec<raw::RawRule>, facets: &[Facet]) -> Vec<Rule> {
        let mut out: Vec<Rule> = Vec::new();
        for raw in raws {
            let Some(when) = self.condition(&raw.when, facets) else {
                continue;
            };
            let mut all: Vec<Condition> = out.iter().map(|r| r.when.clone()).collect();
            all.push(when.clone());
            if !Condition::And(all).satisfiable(facets) {
                self.diags.push(
                    Diagnostic::error(
                        self.file,
                        raw.when.span(),
                        format!(
                            "rule `{}` leaves no environment possible",
                            raw.when.get_ref()
                        ),
                    )
                    .with_hint("with the rules before it, no choice of facet values satisfies it"),
                );
                continue;
            }
            out.push(Rule {
                when,
                label: raw.label,
            });
        }
        out
    }

    /// A profile is an environment like any other: it must be possible.
    fn possible_profiles(
        &mut self,
        profiles: &[Profile],
        rules: &[Rule],
        facet_when: &[(String, Condition)],
    ) {
        for p in profiles {
            if let Some(why) = impossibility(rules, facet_when, &p.env) {
                self.error(p.span.clone(), format!("profile `{}`: {why}", p.id));
            }
        }
    }

    /// `[output.pdf] paper`: A4 when absent (or unknown, after the error).
    fn paper(&mut self, raw: Option<&Spanned<String>>) -> Paper {
        let Some(raw) = raw else {
            return Paper::A4;
        };
        match raw.get_ref().as_str() {
            "a4" | "A4" => Paper::A4,
            "letter" => Paper::Letter,
            other => {
                self.diags.push(
                    Diagnostic::error(
                        self.file,
                        raw.span(),
                        format!("unknown paper size `{other}`"),
                    )
                    .with_hint("use \"a4\" (the default) or \"letter\""),
                );
                Paper::A4
            }
        }
    }

    /// A placeholder named like a facet (`to`, or `to.minor`) would make `[[to]]` in text
    /// mean two things: an error at the placeholder's id.
    fn names_apart(&mut self, placeholders: &[Placeholder], facets: &[Facet]) {
        for p in placeholders {
            let name = p.id.split('.').next().unwrap_or_default();
            if let Some(f) = facets.iter().find(|f| f.id == name) {
                self.diags.push(
                    Diagnostic::error(
                        self.file,
                        p.span.clone(),
                        format!(
                            "placeholder `{}` has the name of facet `{}`, whose value `[[{}]]` shows in text",
                            p.id, f.id, p.id
                        ),
                    )
                    .with_hint("give the placeholder another id"),
                );
            }
        }
    }

    /// Every placeholder that could be read; a duplicate id leaves one out.
    fn placeholders(&mut self, raws: Vec<RawPlaceholder>) -> Vec<Placeholder> {
        let mut placeholders: Vec<Placeholder> = Vec::new();
        for p in raws {
            let id = p.id.get_ref().clone();
            check_id(self.diags, self.file, p.id.span(), &id, || {
                format!("placeholder id `{id}`")
            });
            if placeholders.iter().any(|q| q.id == id) {
                self.error(p.id.span(), format!("duplicate placeholder `{id}`"));
                continue;
            }
            let pattern = self.pattern(&p);
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
        placeholders
    }

    /// A placeholder's compiled pattern, which its example (if any) must match.
    fn pattern(&mut self, p: &RawPlaceholder) -> Option<regex::Regex> {
        let src = p.pattern.as_ref()?;
        let pattern = match pattern::compile(src.get_ref()) {
            Ok(r) => r,
            Err(e) => {
                let d = pattern_error(self.text, self.file, src, e);
                self.diags.push(d);
                return None;
            }
        };
        if let Some(ex) = &p.example {
            if !pattern.is_match(ex.get_ref()) {
                self.error(
                    ex.span(),
                    format!(
                        "example `{}` does not match the placeholder's pattern",
                        ex.get_ref()
                    ),
                );
            }
        }
        Some(pattern)
    }
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
    let start = crate::toml_source::content_start(text, &src.span());
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

    /// A hint about conditions speaks the book's own facets, not another book's.
    #[test]
    fn example_condition_uses_the_books_facets() {
        assert_eq!(config().example_condition(), "os = unix");
        let text = "title = \"t\"\n[[facet]]\nid = \"db\"\nlabel = \"DB\"\nvalues = [{ id = \"pg\", label = \"PG\" }]\n[[facet]]\nid = \"ver\"\nlabel = \"V\"\nkind = \"version\"\nknown = [\"14.9\"]\n";
        let mut diags = Diagnostics::default();
        let c = Config::parse(text, 0, &mut diags).expect("a valid book.toml");
        assert_eq!(c.example_condition(), "db = pg and ver >= 14.9");
    }

    const BAD: &str = r#"title = "t"
language = "fr"

[[facet]]
id = "Os"
label = "OS"
values = [{ id = "unix", label = "UNIX" }, { id = "unix", label = "again" }, { id = "W", label = "W" }]
known = ["1.0"]

[[facet]]
id = "Os"
label = "twice"
values = [{ id = "a", label = "A" }]

[[facet]]
id = "empty"
label = "Empty"
labels = { "1.0" = "one" }

[[facet]]
id = "ver"
label = "Version"
kind = "version"
values = [{ id = "a", label = "A" }]
known = ["1.0", "not a version"]
labels = { "2.0" = "two", "x.y" = "bad" }

[[facet]]
id = "odd"
label = "Odd"
kind = "range"

[[profile]]
id = "P"
label = "p"
env = { Os = "win", ver = "v", nope = "x" }

[[profile]]
id = "P"
label = "again"
env = {}

[output.pdf]
paper = "a5"

[[placeholder]]
id = "Host"
label = "Host"
pattern = '[a-z'

[[placeholder]]
id = "Host"
label = "again"

[[placeholder]]
id = "port"
label = "Port"
pattern = '[0-9]+'
example = "http"
"#;

    /// Every check of book.toml reports at its place, and one problem means no config.
    #[test]
    fn every_problem_of_book_toml_is_reported_at_its_place() {
        let mut diags = Diagnostics::default();
        assert!(Config::parse(BAD, 0, &mut diags).is_none());
        let got: Vec<String> = diags
            .items
            .iter()
            .map(|d| {
                let hint = d
                    .hint
                    .as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                format!("{:?} {}{hint}", d.span, d.message)
            })
            .collect();
        let expected = [
            "23..27 unknown language `fr` (use \"ja\" or \"en\")",
            "44..48 invalid facet id `Os` (ids are lower-case ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit)",
            "175..180 facet `Os` is an enumeration: `known` and `labels` belong to version facets (add kind = \"version\", or list the values as values = [{ id = \"a\", label = \"A\" }])",
            "112..118 duplicate value `unix` in facet `Os`",
            "146..149 invalid value id `W` in facet `Os` (ids are lower-case ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit)",
            "198..202 invalid facet id `Os` (ids are lower-case ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit)",
            "198..202 duplicate facet id `Os`",
            "307..312 facet `empty` is an enumeration: `known` and `labels` belong to version facets (add kind = \"version\", or list the values as values = [{ id = \"a\", label = \"A\" }])",
            "272..279 facet `empty` has no `values` (an enumeration facet lists its values: values = [{ id = \"a\", label = \"A\" }])",
            "397..400 facet `ver` is a version facet: it lists `known` versions, not `values` (known = [\"14.9\", \"16\"]; display labels go in labels = { \"16\" = \"16 (LTS)\" })",
            "433..448 malformed version `not a version`: a version starts with a number (after an optional prefix such as `v`), as in `2.4` or `v1.29.3`",
            "461..466 `2.0` has a label but is not in `known` (labels name versions the picker offers; add it to `known`)",
            "476..481 malformed version `x.y`: a version starts with a number (after an optional prefix such as `v`), as in `2.4` or `v1.29.3`",
            "535..542 unknown facet kind `range` (use \"enum\" (the default) or \"version\")",
            "561..564 invalid profile id `P` (ids are lower-case ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit)",
            "590..595 unknown value `win` for facet `Os` (one of: unix, unix, W)",
            "608..612 unknown facet `nope` (book.toml declares: Os, empty, ver)",
            "603..606 malformed version `v`: a version starts with a number (after an optional prefix such as `v`), as in `2.4` or `v1.29.3`",
            "639..642 invalid profile id `P` (ids are lower-case ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit)",
            "639..642 duplicate profile id `P`",
            "690..694 unknown paper size `a5` (use \"a4\" (the default) or \"letter\")",
            "717..723 invalid placeholder id `Host` (ids are lower-case ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit)",
            "750..751 unclosed `[` (close the class with `]`)",
            "778..784 invalid placeholder id `Host` (ids are lower-case ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit)",
            "778..784 duplicate placeholder `Host`",
            "874..880 example `http` does not match the placeholder's pattern",
        ];
        assert_eq!(got, expected);
    }
}
