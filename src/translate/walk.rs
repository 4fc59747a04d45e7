//! The walk over a loaded book and its translation side by side: each source file's
//! translation is read from the mirrored path, each unit's text checked and put in place,
//! and what the translation lacks or holds in excess reported.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::raw::{Keyed, SStr, TBook, TChapter, TFront, TPart, TProblem, TProcedure, TRefs, TStep};
use super::slot::{token_mismatch, Slot};
use super::{fingerprint, State, Status, Unit};
use crate::config::Config;
use crate::content::raw::{RawPart, RawPartKind, RawProcedure, RawStep};
use crate::content::{Loaded, LoadedItem, LoadedProcedure};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceMap};
use crate::facet::FacetKind;

/// One field of a unit: its name, the source's slot (none when the source has no such
/// field here), the translation's text, and whether a translation must give it.
struct Field<'s, 't> {
    name: &'static str,
    slot: Option<Slot<'s>>,
    text: Option<&'t SStr>,
    required: bool,
}

fn field<'s, 't>(name: &'static str, slot: Slot<'s>, text: Option<&'t SStr>) -> Field<'s, 't> {
    Field {
        name,
        slot: Some(slot),
        text,
        required: true,
    }
}

/// The files of one unit: the source's and the translation's (if it exists).
#[derive(Clone)]
struct Files {
    source: FileId,
    translation: Option<FileId>,
    display: String,
}

pub(super) struct Walk<'a> {
    root: &'a Path,
    dir: &'a Path,
    sources: &'a mut SourceMap,
    diags: &'a mut Diagnostics,
    status: Status,
    /// Translation files that belong to a source file.
    claimed: HashSet<PathBuf>,
    /// What the units of the file being walked are shown on.
    owner: Owner,
}

/// The kind of file being walked, for [`Unit::target`].
#[derive(Clone)]
enum Owner {
    Book,
    /// A chapter's or a group's own text (title, intro), by its id.
    Heading(String),
    Procedure(String),
    Reusable(String),
    /// A known problem, by its id.
    Problem(String),
}

impl Owner {
    fn target(&self, key: &str) -> Option<String> {
        match self {
            Owner::Book => None,
            Owner::Heading(id) => Some(id.clone()),
            Owner::Reusable(id) => Some(format!("_steps/{id}")),
            Owner::Problem(id) => Some(format!("_problems/{id}")),
            Owner::Procedure(p) => match key.strip_prefix("step.") {
                Some(rest) => Some(format!("{p}/{}", rest.split('.').next().unwrap_or(rest))),
                None => Some(p.clone()),
            },
        }
    }
}

impl<'a> Walk<'a> {
    pub(super) fn new(
        root: &'a Path,
        dir: &'a Path,
        sources: &'a mut SourceMap,
        diags: &'a mut Diagnostics,
    ) -> Walk<'a> {
        Walk {
            root,
            dir,
            sources,
            diags,
            status: Status::default(),
            claimed: HashSet::new(),
            owner: Owner::Book,
        }
    }

    /// Reports translation files without a source file, and returns the status.
    pub(super) fn finish(self) -> Status {
        let mut stack = vec![self.dir.to_path_buf()];
        let mut orphans = Vec::new();
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push(path);
                } else if path.extension().is_some_and(|x| x == "toml")
                    && !self.claimed.contains(&path)
                {
                    orphans.push(path);
                }
            }
        }
        orphans.sort();
        for path in orphans {
            let shown = self.shown(&path);
            self.diags.push(
                Diagnostic::global(format!("{shown}: translates no file of the book")).with_hint(
                    "its path must mirror a file of content/ (or be book.toml); move or remove it",
                ),
            );
        }
        self.status
    }

    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// The translation of the source file `file` (its path under the book's root, less
    /// `content/`), read when it exists.
    fn read<T: DeserializeOwned + Default>(&mut self, file: FileId) -> (Files, T) {
        let src = self.sources.path(file).to_path_buf();
        let rel = src
            .strip_prefix(self.root.join("content"))
            .or_else(|_| src.strip_prefix(self.root))
            .unwrap_or(&src)
            .to_path_buf();
        let path = self.dir.join(&rel);
        let display = self.shown(&path);
        self.claimed.insert(path.clone());
        let mut files = Files {
            source: file,
            translation: None,
            display: display.clone(),
        };
        if std::fs::symlink_metadata(&path).is_err() {
            return (files, T::default());
        }
        let Some(tfile) = crate::content::read_source(&path, display, self.sources, self.diags)
        else {
            return (files, T::default());
        };
        files.translation = Some(tfile);
        let text = self.sources.text(tfile);
        match toml::from_str::<T>(text) {
            Ok(t) => (files, t),
            Err(e) => {
                let d = crate::toml_source::toml_error(tfile, text, &e);
                self.diags.push(d);
                (files, T::default())
            }
        }
    }

    fn error(&mut self, files: &Files, span: Range<usize>, message: String, hint: &str) {
        let d = match files.translation {
            Some(t) => Diagnostic::error(t, span, message),
            None => Diagnostic::global(format!("{}: {message}", files.display)),
        };
        self.diags.push(d.with_hint(hint));
    }

    /// Where in `t` the first token the translation added stands (`why` lists them after
    /// "added "), or all of `t`: the writer is shown the link, not the paragraph's start.
    fn narrow(&self, files: &Files, t: &SStr, why: &str) -> Range<usize> {
        let span = t.span();
        let (Some(file), Some(added)) = (files.translation, why.split("added ").nth(1)) else {
            return span;
        };
        let first = added.split(' ').next().unwrap_or_default();
        let text = self.sources.text(file);
        text.get(span.clone())
            .and_then(|s| s.find(first))
            .map_or(span.clone(), |i| {
                span.start + i..span.start + i + first.len()
            })
    }

    /// Checks and applies one unit's fields; lists it when it is not current.
    fn unit(&mut self, files: &Files, key: String, fields: Vec<Field>, from: Option<&SStr>) {
        let mut source_span = None;
        let mut texts: Vec<(&'static str, String)> = Vec::new();
        let mut missing = Vec::new();
        let mut translated = 0;
        let mut required = 0;
        // A translation made from an older source may lack a link or value the source has
        // gained since: it is stale (a warning), and that text stays the source's until the
        // translator catches up, rather than failing every build of the source.
        let stale = from.is_some_and(|from| {
            let now = fields
                .iter()
                .filter_map(|f| Some((f.name, f.slot.as_ref()?.text()?)))
                .collect::<Vec<_>>();
            *from.get_ref() != fingerprint(now)
        });
        for mut f in fields {
            let source_text = f.slot.as_ref().and_then(|s| s.text()).map(str::to_string);
            match (source_text, f.text) {
                (Some(src), given) => {
                    source_span = source_span.or_else(|| f.slot.as_ref().and_then(Slot::span));
                    texts.push((f.name, src.clone()));
                    required += usize::from(f.required);
                    match given {
                        Some(t) => {
                            translated += 1;
                            let why = token_mismatch(&src, t.get_ref());
                            if why.is_some() && stale {
                                // Kept as the source's; listed as stale below.
                            } else if let Some(why) = why {
                                let at = self.narrow(files, t, &why);
                                let place = match key.is_empty() {
                                    true => f.name.to_string(),
                                    false => format!("`{key}` {}", f.name),
                                };
                                self.error(
                                    files,
                                    at,
                                    format!("{place}: the translation {why}"),
                                    "a translation keeps the source's [[placeholders]], {{parameters}} and link targets",
                                );
                            } else if let Some(slot) = f.slot.as_mut() {
                                slot.set(t.get_ref());
                            }
                        }
                        None if f.required => missing.push(f.name),
                        None => {}
                    }
                }
                (None, Some(t)) => self.error(
                    files,
                    t.span(),
                    format!("`{key}`: the source has no {} here", f.name),
                    "translate only the text the source has",
                ),
                (None, None) => {}
            }
        }
        if required == 0 && translated == 0 {
            return;
        }
        self.status.total += 1;
        let fp = fingerprint(texts.iter().map(|(n, t)| (*n, t.as_str())));
        self.status
            .seen
            .push((fp.clone(), texts.iter().map(|(_, t)| t.clone()).collect()));
        let state = if !missing.is_empty() {
            State::Missing(missing)
        } else {
            match from {
                None => State::Unstamped,
                Some(f) if *f.get_ref() != fp => State::Stale(f.get_ref().clone()),
                Some(_) => return,
            }
        };
        let translation = files.translation.map(|t| {
            let at = from.map(|f| f.span()).unwrap_or_else(|| {
                // No `from` to point at: the table's header, or the file's start.
                let header = format!("[{key}]");
                let text = self.sources.text(t);
                match key.is_empty() {
                    true => 0..0,
                    false => text.find(&header).map_or(0..0, |i| i..i + header.len()),
                }
            });
            (t, at)
        });
        let target = self.owner.target(&key);
        self.status.units.push(Unit {
            target,
            source_text: texts.into_iter().map(|(_, t)| t).collect(),
            key,
            file: files.display.clone(),
            source: (files.source, source_span.unwrap_or(0..0)),
            translation,
            fingerprint: fp,
            state,
        });
    }

    /// Reports keys of `tables` no source item has.
    fn extra<T>(
        &mut self,
        files: &Files,
        tables: &Keyed<T>,
        known: &[String],
        what: &str,
        at: &str,
    ) {
        for (key, t) in tables {
            if !known.contains(key) {
                let hint = if known.is_empty() {
                    format!("the source has no {what} here")
                } else {
                    format!("the source's {what}s here: {}", known.join(", "))
                };
                self.error(files, t.span(), format!("no {what} `{key}` in {at}"), &hint);
            }
        }
    }

    /// book.toml's title and labels.
    pub(super) fn book(&mut self, config: &mut Config, book_file: FileId) {
        let (files, t): (Files, TBook) = self.read(book_file);
        self.unit(
            &files,
            String::new(),
            vec![
                field("title", Slot::Plain(&mut config.title), t.title.as_ref()),
                Field {
                    required: false,
                    ..field(
                        "edition",
                        Slot::OptPlain(&mut config.edition),
                        t.edition.as_ref(),
                    )
                },
                field(
                    "description",
                    Slot::OptPlain(&mut config.description),
                    t.description.as_ref(),
                ),
            ],
            t.from.as_ref(),
        );
        let known: Vec<String> = config.facets.iter().map(|f| f.id.clone()).collect();
        self.extra(&files, &t.facet, &known, "facet", "book.toml");
        for facet in &mut config.facets {
            let tf = t.facet.get(&facet.id).map(|s| s.get_ref());
            let empty = BTreeMap::new();
            let values = tf.map_or(&empty, |f| &f.values);
            let mut fields = vec![field(
                "label",
                Slot::Plain(&mut facet.label),
                tf.and_then(|f| f.label.as_ref()),
            )];
            let mut value_ids = Vec::new();
            match &mut facet.kind {
                FacetKind::Enum(vs) => {
                    for v in vs {
                        value_ids.push(v.id.clone());
                        fields.push(field(
                            "values",
                            Slot::Plain(&mut v.label),
                            values.get(&v.id),
                        ));
                    }
                }
                FacetKind::Version { labels, .. } => {
                    for (version, label) in labels {
                        let id = version.to_string();
                        fields.push(field("values", Slot::Plain(label), values.get(&id)));
                        value_ids.push(id);
                    }
                }
            }
            for (id, v) in values {
                if !value_ids.contains(id) {
                    self.error(
                        &files,
                        v.span(),
                        format!("facet `{}` has no value `{id}` with a label", facet.id),
                        &format!("its values: {}", value_ids.join(", ")),
                    );
                }
            }
            self.unit(
                &files,
                format!("facet.{}", facet.id),
                fields,
                tf.and_then(|f| f.from.as_ref()),
            );
        }
        let known: Vec<String> = config.profiles.iter().map(|p| p.id.clone()).collect();
        self.extra(&files, &t.profile, &known, "profile", "book.toml");
        for p in &mut config.profiles {
            let tp = t.profile.get(&p.id).map(|s| s.get_ref());
            self.unit(
                &files,
                format!("profile.{}", p.id),
                vec![
                    field(
                        "label",
                        Slot::Plain(&mut p.label),
                        tp.and_then(|t| t.label.as_ref()),
                    ),
                    field(
                        "description",
                        Slot::OptPlain(&mut p.description),
                        tp.and_then(|t| t.description.as_ref()),
                    ),
                ],
                tp.and_then(|t| t.from.as_ref()),
            );
        }
        self.rules(&files, config, &t);
        let known: Vec<String> = config.placeholders.iter().map(|p| p.id.clone()).collect();
        self.extra(&files, &t.placeholder, &known, "placeholder", "book.toml");
        for p in &mut config.placeholders {
            let tp = t.placeholder.get(&p.id).map(|s| s.get_ref());
            self.unit(
                &files,
                format!("placeholder.{}", p.id),
                vec![
                    field(
                        "label",
                        Slot::Plain(&mut p.label),
                        tp.and_then(|t| t.label.as_ref()),
                    ),
                    field(
                        "description",
                        Slot::OptPlain(&mut p.description),
                        tp.and_then(|t| t.description.as_ref()),
                    ),
                ],
                tp.and_then(|t| t.from.as_ref()),
            );
        }
    }

    /// `[rule.<n>]`: what a reader who breaks the n-th rule is told.
    fn rules(&mut self, files: &Files, config: &mut Config, t: &TBook) {
        let positions: Vec<String> = (1..=config.rules.len()).map(|n| n.to_string()).collect();
        self.extra(files, &t.rule, &positions, "rule", "book.toml");
        for (i, rule) in config.rules.iter_mut().enumerate() {
            let tr = t.rule.get(&(i + 1).to_string()).map(|s| s.get_ref());
            self.unit(
                files,
                format!("rule.{}", i + 1),
                vec![field(
                    "label",
                    Slot::Plain(&mut rule.label),
                    tr.and_then(|t| t.label.as_ref()),
                )],
                tr.and_then(|t| t.from.as_ref()),
            );
        }
    }

    /// Every content file.
    pub(super) fn content(&mut self, loaded: &mut Loaded) {
        if let Some((file, front)) = loaded.front.as_mut() {
            let (files, t): (Files, TFront) = self.read(*file);
            let known: Vec<String> = front.front.iter().map(|s| s.id.get_ref().clone()).collect();
            self.extra(&files, &t.front, &known, "front section", "_book.toml");
            for s in &mut front.front {
                let ts = t.front.get(s.id.get_ref()).map(|s| s.get_ref());
                self.unit(
                    &files,
                    format!("front.{}", s.id.get_ref()),
                    vec![
                        field(
                            "title",
                            Slot::Plain(&mut s.title),
                            ts.and_then(|t| t.title.as_ref()),
                        ),
                        field(
                            "body",
                            Slot::Spanned(&mut s.body),
                            ts.and_then(|t| t.body.as_ref()),
                        ),
                    ],
                    ts.and_then(|t| t.from.as_ref()),
                );
            }
        }
        if let Some((file, refs)) = loaded.refs.as_mut() {
            let (files, t): (Files, TRefs) = self.read(*file);
            let known: Vec<String> = refs.refs.iter().map(|r| r.id.get_ref().clone()).collect();
            self.extra(&files, &t.refs, &known, "reference", "_refs.toml");
            for r in &mut refs.refs {
                let tr = t.refs.get(r.id.get_ref()).map(|s| s.get_ref());
                self.unit(
                    &files,
                    format!("ref.{}", r.id.get_ref()),
                    vec![
                        field(
                            "title",
                            Slot::Plain(&mut r.title),
                            tr.and_then(|t| t.title.as_ref()),
                        ),
                        field(
                            "description",
                            Slot::OptPlain(&mut r.description),
                            tr.and_then(|t| t.description.as_ref()),
                        ),
                    ],
                    tr.and_then(|t| t.from.as_ref()),
                );
            }
        }
        for (id, (file, step)) in loaded.steps.iter_mut() {
            let (files, t): (Files, TStep) = self.read(*file);
            self.owner = Owner::Reusable(id.clone());
            self.step(&files, String::new(), step, Some(&t));
        }
        for (id, (file, problem)) in loaded.problems.iter_mut() {
            self.owner = Owner::Problem(id.clone());
            self.problem(*file, problem);
        }
        self.owner = Owner::Book;
        for chapter in &mut loaded.chapters {
            let id = heading_id(&chapter.raw, &chapter.default_id);
            self.chapter(
                id,
                chapter.file,
                &mut chapter.raw.title,
                &mut chapter.raw.intro,
            );
            for item in &mut chapter.items {
                match item {
                    LoadedItem::Group {
                        file,
                        default_id,
                        raw,
                        procedures,
                    } => {
                        let id = heading_id(raw, default_id);
                        self.chapter(id, *file, &mut raw.title, &mut raw.intro);
                        for p in procedures {
                            self.procedure(p);
                        }
                    }
                    LoadedItem::Procedure(p) => self.procedure(p),
                }
            }
        }
    }

    /// A known problem: its title, its symptom's text, each cause's text and remedy
    /// steps (causes and their steps keyed by position, from 1).
    fn problem(&mut self, file: FileId, raw: &mut crate::content::raw::RawProblem) {
        let (files, t): (Files, TProblem) = self.read(file);
        self.unit(
            &files,
            String::new(),
            vec![field(
                "title",
                Slot::Spanned(&mut raw.title),
                t.title.as_ref(),
            )],
            t.from.as_ref(),
        );
        let symptom = t.symptom.as_ref().map(|s| s.get_ref());
        for m in symptom.iter().flat_map(|s| &s.messages) {
            if !raw
                .symptom
                .messages
                .iter()
                .any(|s| s.get_ref() == m.get_ref())
            {
                raw.symptom.messages.push(m.clone());
            }
        }
        self.unit(
            &files,
            "symptom".into(),
            vec![field(
                "text",
                Slot::Spanned(&mut raw.symptom.text),
                symptom.and_then(|s| s.text.as_ref()),
            )],
            symptom.and_then(|s| s.from.as_ref()),
        );
        let positions: Vec<String> = (1..=raw.cause.len()).map(|n| n.to_string()).collect();
        self.extra(
            &files,
            &t.cause,
            &positions,
            "cause",
            &files.display.clone(),
        );
        for (ci, cause) in raw.cause.iter_mut().enumerate() {
            let n = ci + 1;
            let tc = t.cause.get(&n.to_string()).map(|c| c.get_ref());
            self.unit(
                &files,
                format!("cause.{n}"),
                vec![field(
                    "text",
                    Slot::Spanned(&mut cause.text),
                    tc.and_then(|c| c.text.as_ref()),
                )],
                tc.and_then(|c| c.from.as_ref()),
            );
            let steps: Vec<String> = (1..=cause.step.len()).map(|m| m.to_string()).collect();
            if let Some(tc) = tc {
                self.extra(
                    &files,
                    &tc.step,
                    &steps,
                    "remedy step",
                    &format!("cause {n}"),
                );
            }
            for (si, step) in cause.step.iter_mut().enumerate() {
                let ts = tc
                    .and_then(|c| c.step.get(&(si + 1).to_string()))
                    .map(|s| s.get_ref());
                self.step(
                    &files,
                    format!("cause.{n}.step.{}", si + 1),
                    step.get_mut(),
                    ts,
                );
            }
        }
        self.owner = Owner::Book;
    }

    /// A chapter's or a group's own text; `id` is where the site shows it.
    fn chapter(&mut self, id: String, file: FileId, title: &mut SStr, intro: &mut Option<SStr>) {
        // A chapter folder without `_chapter.toml` has no text of its own.
        if self.sources.path(file).is_dir() {
            return;
        }
        let (files, t): (Files, TChapter) = self.read(file);
        self.owner = Owner::Heading(id);
        self.unit(
            &files,
            String::new(),
            vec![
                field("title", Slot::Spanned(title), t.title.as_ref()),
                field("intro", Slot::OptSpanned(intro), t.intro.as_ref()),
            ],
            t.from.as_ref(),
        );
        self.owner = Owner::Book;
    }

    fn procedure(&mut self, p: &mut LoadedProcedure) {
        // Every procedure is parsed before a translation is applied.
        let Some(raw) = &mut p.raw else {
            return;
        };
        let id = raw
            .id
            .as_ref()
            .map_or(&p.default_id, |s| s.get_ref())
            .clone();
        self.owner = Owner::Procedure(id);
        self.procedure_text(p.file, raw);
        self.owner = Owner::Book;
    }

    fn procedure_text(&mut self, file: FileId, raw: &mut RawProcedure) {
        let (files, t): (Files, TProcedure) = self.read(file);
        self.unit(
            &files,
            String::new(),
            vec![
                field("title", Slot::Spanned(&mut raw.title), t.title.as_ref()),
                field("intro", Slot::OptSpanned(&mut raw.intro), t.intro.as_ref()),
            ],
            t.from.as_ref(),
        );
        let known: Vec<String> = raw.section.iter().map(|s| s.id.get_ref().clone()).collect();
        self.extra(
            &files,
            &t.section,
            &known,
            "section",
            &files.display.clone(),
        );
        let mut step_ids = Vec::new();
        let mut steps: Vec<(String, &mut RawStep)> = Vec::new();
        for section in &mut raw.section {
            let sid = section.id.get_ref().clone();
            let ts = t.section.get(&sid).map(|s| s.get_ref());
            self.unit(
                &files,
                format!("section.{sid}"),
                vec![
                    field(
                        "title",
                        Slot::Spanned(&mut section.title),
                        ts.and_then(|t| t.title.as_ref()),
                    ),
                    field(
                        "intro",
                        Slot::OptSpanned(&mut section.intro),
                        ts.and_then(|t| t.intro.as_ref()),
                    ),
                ],
                ts.and_then(|t| t.from.as_ref()),
            );
            let positions: Vec<String> =
                (1..=section.branch.len()).map(|n| n.to_string()).collect();
            if let Some(ts) = ts {
                self.extra(
                    &files,
                    &ts.branch,
                    &positions,
                    "branch",
                    &format!("section `{sid}`"),
                );
            }
            for (bi, branch) in section.branch.iter_mut().enumerate() {
                let tb = ts
                    .and_then(|t| t.branch.get(&(bi + 1).to_string()))
                    .map(|b| b.get_ref());
                self.unit(
                    &files,
                    format!("section.{sid}.branch.{}", bi + 1),
                    vec![
                        field(
                            "label",
                            Slot::Spanned(&mut branch.label),
                            tb.and_then(|t| t.label.as_ref()),
                        ),
                        field(
                            "intro",
                            Slot::OptSpanned(&mut branch.intro),
                            tb.and_then(|t| t.intro.as_ref()),
                        ),
                    ],
                    tb.and_then(|t| t.from.as_ref()),
                );
            }
            // Ids as the resolver gives them: a step without one is named by its place.
            for (i, st) in section.step.iter_mut().enumerate() {
                let id = st
                    .get_ref()
                    .id
                    .as_ref()
                    .map_or_else(|| format!("{sid}-{}", i + 1), |s| s.get_ref().clone());
                steps.push((id, st.get_mut()));
            }
            for (bi, branch) in section.branch.iter_mut().enumerate() {
                for (i, st) in branch.step.iter_mut().enumerate() {
                    let id = st.get_ref().id.as_ref().map_or_else(
                        || format!("{sid}-b{}-{}", bi + 1, i + 1),
                        |s| s.get_ref().clone(),
                    );
                    steps.push((id, st.get_mut()));
                }
            }
        }
        step_ids.extend(steps.iter().map(|(id, _)| id.clone()));
        self.extra(&files, &t.step, &step_ids, "step", &files.display.clone());
        for (id, step) in steps {
            let ts = t.step.get(&id).map(|s| s.get_ref());
            self.step(&files, format!("step.{id}"), step, ts);
        }
    }

    /// A step (`key` is its table's key, empty for a reusable step's file), its parts
    /// and its variants.
    fn step(&mut self, files: &Files, key: String, raw: &mut RawStep, t: Option<&TStep>) {
        let dot = if key.is_empty() { "" } else { "." };
        let unit_key = key.clone();
        let mut fields = vec![
            field(
                "title",
                Slot::OptSpanned(&mut raw.title),
                t.and_then(|t| t.title.as_ref()),
            ),
            field(
                "body",
                Slot::OptSpanned(&mut raw.body),
                t.and_then(|t| t.body.as_ref()),
            ),
        ];
        // A parameter value that reads as prose (words, spaces, any script but ASCII
        // identifiers) is text to translate; an id, a reference or a version is not.
        let empty_with = BTreeMap::new();
        let with = t.map_or(&empty_with, |t| &t.with);
        let params = raw.with.as_mut().map(|w| w.get_mut());
        let unknown: Vec<&SStr> = with
            .iter()
            .filter(|(name, _)| !params.as_ref().is_some_and(|p| p.contains_key(*name)))
            .map(|(_, text)| text)
            .collect();
        for (name, value) in params.into_iter().flatten() {
            let prose = is_prose(value.get_ref());
            let text = with.get(name);
            if prose || text.is_some() {
                fields.push(Field {
                    name: "with",
                    slot: Some(Slot::Spanned(value)),
                    text,
                    required: prose,
                });
            }
        }
        fields.extend(unknown.into_iter().map(|text| Field {
            name: "with",
            slot: None,
            text: Some(text),
            required: false,
        }));
        self.unit(files, unit_key, fields, t.and_then(|t| t.from.as_ref()));
        let empty = Keyed::new();
        let tparts = t.map_or(&empty, |t| &t.part);
        self.parts(files, &format!("{key}{dot}part"), &mut raw.part, tparts);
        let positions: Vec<String> = (1..=raw.variant.len()).map(|n| n.to_string()).collect();
        let empty_v = Keyed::new();
        let tvariants = t.map_or(&empty_v, |t| &t.variant);
        self.extra(
            files,
            tvariants,
            &positions,
            "variant",
            &format!("`{}`", if key.is_empty() { "the step" } else { &key }),
        );
        for (vi, v) in raw.variant.iter_mut().enumerate() {
            let tv = tvariants.get(&(vi + 1).to_string()).map(|v| v.get_ref());
            let vkey = format!("{key}{dot}variant.{}", vi + 1);
            self.unit(
                files,
                vkey.clone(),
                vec![
                    field(
                        "label",
                        Slot::OptSpanned(&mut v.label),
                        tv.and_then(|t| t.label.as_ref()),
                    ),
                    field(
                        "body",
                        Slot::OptSpanned(&mut v.body),
                        tv.and_then(|t| t.body.as_ref()),
                    ),
                ],
                tv.and_then(|t| t.from.as_ref()),
            );
            let empty = Keyed::new();
            self.parts(
                files,
                &format!("{vkey}.part"),
                &mut v.part,
                tv.map_or(&empty, |t| &t.part),
            );
        }
    }

    fn parts(
        &mut self,
        files: &Files,
        key: &str,
        parts: &mut [toml::Spanned<RawPart>],
        t: &Keyed<TPart>,
    ) {
        let positions: Vec<String> = (1..=parts.len()).map(|n| n.to_string()).collect();
        self.extra(
            files,
            t,
            &positions,
            "part",
            &format!("`{}`", key.trim_end_matches(".part")),
        );
        for (pi, part) in parts.iter_mut().enumerate() {
            let tp = t.get(&(pi + 1).to_string()).map(|p| p.get_ref());
            let pkey = format!("{key}.{}", pi + 1);
            let RawPart::Typed(typed) = part.get_mut() else {
                continue;
            };
            let get = |f: fn(&TPart) -> Option<&SStr>| tp.and_then(f);
            let mut fields = Vec::new();
            let mut cmd_slot = None;
            match &mut typed.kind {
                RawPartKind::Text(s) => {
                    fields.push(field("text", Slot::Spanned(s), get(|t| t.text.as_ref())))
                }
                RawPartKind::Gui(s) => {
                    fields.push(field("gui", Slot::Spanned(s), get(|t| t.gui.as_ref())))
                }
                RawPartKind::Note(s) => {
                    fields.push(field("note", Slot::Spanned(s), get(|t| t.note.as_ref())))
                }
                RawPartKind::Caution(s) => fields.push(field(
                    "caution",
                    Slot::Spanned(s),
                    get(|t| t.caution.as_ref()),
                )),
                RawPartKind::Command { cmd, output, .. } => {
                    // Output is translated only where the product prints it in the
                    // reader's language; a command only where it differs.
                    fields.push(Field {
                        required: false,
                        ..field("output", Slot::OptBoxed(output), get(|t| t.output.as_ref()))
                    });
                    cmd_slot = Some(cmd);
                }
                RawPartKind::Processes { .. } | RawPartKind::Refs(_) => {}
            }
            // Keys of another kind of part: reported as "the source has no … here".
            let kinds: [(&'static str, Option<&SStr>); 6] = [
                ("text", get(|t| t.text.as_ref())),
                ("gui", get(|t| t.gui.as_ref())),
                ("note", get(|t| t.note.as_ref())),
                ("caution", get(|t| t.caution.as_ref())),
                ("output", get(|t| t.output.as_ref())),
                ("cmd", get(|t| t.cmd.as_ref())),
            ];
            for (name, text) in kinds {
                let taken =
                    fields.iter().any(|f| f.name == name) || (name == "cmd" && cmd_slot.is_some());
                if !taken && text.is_some() {
                    fields.push(Field {
                        name,
                        slot: None,
                        text,
                        required: false,
                    });
                }
            }
            if let (Some(cmd), Some(t)) = (cmd_slot, get(|t| t.cmd.as_ref())) {
                fields.push(Field {
                    name: "cmd",
                    slot: Some(Slot::Spanned(cmd)),
                    text: Some(t),
                    required: false,
                });
            }
            self.unit(files, pkey, fields, tp.and_then(|t| t.from.as_ref()));
        }
    }
}

/// Whether a parameter's value is words rather than an id, a reference or a version: it
/// has a space or a character outside ASCII letters, digits and `._-/:#` (and the braces
/// of a parameter passed on, `{{node}}`).
fn is_prose(value: &str) -> bool {
    !value.is_empty()
        && !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/:#{}".contains(c))
}

/// A chapter's or group's id: its `id`, or its folder name without `NN-`.
fn heading_id(raw: &crate::content::raw::RawChapter, default_id: &str) -> String {
    raw.id
        .as_ref()
        .map_or(default_id, |s| s.get_ref())
        .to_string()
}
