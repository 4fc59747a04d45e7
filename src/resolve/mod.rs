//! From raw files to the validated [`Book`]: ids, numbering, conditions, reusable steps,
//! cross-references and lints. Every problem is collected, so one `tejun check` shows the
//! writer all of them.

mod invisible;
mod links;
mod lint;
mod patch;
pub mod placeholders;
mod problems;
mod remembered;
mod steps;
#[cfg(test)]
pub(crate) mod test_book;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::condition::{self, Condition};
use crate::config::{check_id, valid_id, Config, ID_RULE};
use crate::content::raw::{RawChapter, RawFront, RawProcedure, RawRefs, SStr};
use crate::content::{
    parse_procedures, read_source, Loaded, LoadedChapter, LoadedItem, LoadedProcedure,
    ReusableSteps,
};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceMap};
use crate::model::*;
pub(crate) use crate::toml_source::content_start;
use crate::words::{Language, Words};
use remembered::Remembering;

pub use patch::{Page, Patched, Patcher};

/// Loads `book.toml` and `content/` under `root`. Returns the book with its warnings, or
/// every diagnostic when there is at least one error.
pub fn load_book(root: &Path) -> Result<(Book, Diagnostics), (Diagnostics, SourceMap)> {
    load(root, false, None, None, None).map(|(book, diags, _, _)| (book, diags))
}

/// [`load_book`], taking the procedures an earlier build resolved from `memo` where their
/// files and everything they depend on are as they were, and keeping the others' in it
/// for the next build ([`remembered`]).
/// Procedure files read already (by the up-to-date check) are taken from `ahead`.
pub fn load_book_remembering(
    root: &Path,
    memo: &crate::output::memo::Memo,
    ahead: Option<crate::content::ReadAhead>,
) -> Result<(Book, Diagnostics), (Diagnostics, SourceMap)> {
    load(root, false, None, Some(memo), ahead).map(|(book, diags, _, _)| (book, diags))
}

/// [`load_book`] in one of the languages the book is translated into (`translations` in
/// book.toml): its text from `translations/<lang>/`, with how the translation stands.
pub fn load_translated(
    root: &Path,
    lang: Language,
) -> Result<(Book, Diagnostics, crate::translate::Status), (Diagnostics, SourceMap)> {
    load(root, false, Some(lang), None, None)
        .map(|(book, diags, _, status)| (book, diags, status.unwrap_or_default()))
}

/// [`load_book`], keeping what the dev server needs to apply an edit of one procedure
/// file without loading the whole book again ([`Patcher::patch`]).
pub fn load_book_patchable(
    root: &Path,
) -> Result<(Book, Diagnostics, Patcher), (Diagnostics, SourceMap)> {
    load(root, true, None, None, None)
        .map(|(book, diags, patcher, _)| (book, diags, patcher.unwrap_or_default()))
}

type Loaded3 = (
    Book,
    Diagnostics,
    Option<Patcher>,
    Option<crate::translate::Status>,
);

fn load(
    root: &Path,
    patchable: bool,
    lang: Option<Language>,
    memo: Option<&crate::output::memo::Memo>,
    ahead: Option<crate::content::ReadAhead>,
) -> Result<Loaded3, (Diagnostics, SourceMap)> {
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let config_path = root.join("book.toml");
    if std::fs::symlink_metadata(&config_path).is_err() {
        diags.push(
            Diagnostic::global(format!("{}: no book.toml here", config_path.display())).with_hint(
                "run tejun in a book folder, pass the folder, or create one with `tejun init`",
            ),
        );
        return Err((diags, sources));
    }
    // Read as content files are (a regular file, UTF-8, bounded): book.toml is file 0.
    let Some(cfile) = read_source(&config_path, "book.toml".into(), &mut sources, &mut diags)
    else {
        return Err((diags, sources));
    };
    let config = Config::parse(sources.text(cfile), cfile, &mut diags);
    let mut loaded = crate::timing::phase("load content", || {
        crate::content::read_content_with(root, &mut sources, &mut diags, ahead)
    });
    let Some(mut config) = config else {
        diags.sort();
        return Err((diags, sources));
    };
    let source_lang = config.language;
    let status = match lang {
        Some(lang) if lang != config.language => {
            parse_procedures(&mut loaded, &sources, &mut diags, &|_| false);
            if !config.translations.contains(&lang) {
                diags.push(
                    Diagnostic::error(cfile, 0..0, format!("the book has no `{}` translation", lang.code()))
                        .with_hint(format!("add `translations = [\"{}\"]` to book.toml and translate into translations/{}/", lang.code(), lang.code())),
                );
                return Err((diags, sources));
            }
            Some(crate::translate::apply(
                root,
                lang,
                cfile,
                &mut config,
                &mut loaded,
                &mut sources,
                &mut diags,
            ))
        }
        _ => None,
    };
    let theme = root.join(&config.theme_dir);
    config.words = Words::load(config.language, &theme, &mut sources, &mut diags).into();
    // A translation replaces texts the keys are made of: only the book's own language
    // is remembered.
    let remembering = memo.filter(|_| status.is_none()).map(|memo| {
        crate::timing::phase("remembered procedures", || {
            Remembering::look_up(memo, &sources, &procedure_files(&loaded))
        })
    });
    crate::timing::phase("parse procedures", || {
        let remembered = |f| remembering.as_ref().is_some_and(|r| r.has(f));
        parse_procedures(&mut loaded, &sources, &mut diags, &remembered)
    });
    let mut r = Resolver::new(&config, &sources, &mut diags, &loaded.steps);
    r.remembering = remembering.as_ref();
    let (front, refs, chapters) = crate::timing::phase("resolve", || r.resolve(&loaded));
    if let Some((taken, resolved)) = remembering.as_ref().map(Remembering::counts) {
        crate::timing::note(&format!(
            "load: {taken} procedures taken from the memo, {resolved} parsed and resolved"
        ));
    }
    let problems = r.problems(&loaded.problems, &loaded.unread_targets, &chapters);
    r.unused_placeholders();
    let targets = std::mem::take(&mut r.targets);
    let prose = std::mem::take(&mut r.prose);
    let ref_uses = std::mem::take(&mut r.ref_uses);
    let commands = std::mem::take(&mut r.commands);
    drop(r);
    let mut book = Book {
        config: config.clone(),
        front,
        refs,
        chapters,
        targets: crate::model::TargetTable::new(targets),
        backlinks: HashMap::new(),
        reusable_steps: reusable_steps(&loaded.steps),
        problems: Arc::new(problems),
        problem_steps: Default::default(),
        sources: SourceMap::default(),
        translation_gaps: Arc::new(
            status
                .as_ref()
                .map(|s| gaps(s, source_lang))
                .unwrap_or_default(),
        ),
    };
    // The lints read only the commands: they run beside the link check.
    let mut lint_diags = Diagnostics::default();
    let lints = || {
        crate::timing::phase("lint", || {
            invisible::check(&commands, &sources, &mut lint_diags);
            if config.lint_similar {
                lint::similar_commands(&commands, &config.allow_similar, &sources, &mut lint_diags)
            }
        })
    };
    let links = || {
        crate::timing::phase("links", || {
            links::check(
                &mut book,
                &prose,
                &ref_uses,
                &loaded.unread_targets,
                &sources,
                &mut diags,
            )
        })
    };
    rayon::join(links, lints);
    diags.items.append(&mut lint_diags.items);
    if !diags.has_errors() {
        crate::timing::phase("coverage", || {
            crate::coverage::check_remembering(&book, &mut diags, memo.filter(|_| status.is_none()))
        });
    }
    diags.sort();
    if diags.has_errors() {
        return Err((diags, sources));
    }
    book.sources = sources;
    let patcher = if patchable {
        let mut loaded = loaded;
        let reusable = std::mem::take(&mut loaded.steps);
        Some(Patcher::new(&book, &loaded, reusable, &prose, &commands))
    } else {
        // A large book's parsed files, and its texts kept for the link check and the
        // lints, are hundreds of thousands of small allocations: freed on every core
        // rather than one.
        rayon::join(
            || {
                loaded
                    .chapters
                    .into_par_iter()
                    .for_each(|ch| ch.items.into_par_iter().for_each(drop))
            },
            || {
                rayon::join(
                    || prose.into_par_iter().for_each(drop),
                    || commands.into_par_iter().for_each(drop),
                )
            },
        );
        None
    };
    Ok((book, diags, patcher, status))
}

/// Where a translation falls short, by what the reader sees it on.
fn gaps(status: &crate::translate::Status, lang: Language) -> HashMap<String, TranslationGap> {
    let mut out: HashMap<String, TranslationGap> = HashMap::new();
    for unit in &status.units {
        let stale = match &unit.state {
            crate::translate::State::Stale(_) => true,
            crate::translate::State::Missing(_) => false,
            // Nobody said which source it matches: not the reader's concern.
            crate::translate::State::Unstamped => continue,
        };
        let Some(target) = &unit.target else {
            continue;
        };
        let gap = out.entry(target.clone()).or_insert_with(|| TranslationGap {
            lang: lang.code(),
            ..TranslationGap::default()
        });
        gap.stale |= stale;
        gap.source.extend(unit.source_text.iter().cloned());
    }
    out
}

/// The ids, titles and parameters of `content/_steps/`, in id order.
fn reusable_steps(steps: &crate::content::ReusableSteps) -> Vec<crate::model::ReusableStep> {
    steps
        .iter()
        .map(|(id, (_, raw))| crate::model::ReusableStep {
            id: id.clone(),
            title: raw.title.as_ref().map(|t| t.get_ref().clone()),
            params: raw
                .params
                .as_ref()
                .map(|p| p.get_ref().iter().map(|s| s.get_ref().clone()).collect())
                .unwrap_or_default(),
        })
        .collect()
}

/// The file of every procedure `loaded` holds, in book order.
fn procedure_files(loaded: &Loaded) -> Vec<FileId> {
    let mut files = Vec::new();
    for ch in &loaded.chapters {
        for item in &ch.items {
            match item {
                LoadedItem::Procedure(p) => files.push(p.file),
                LoadedItem::Group { procedures, .. } => {
                    files.extend(procedures.iter().map(|p| p.file))
                }
            }
        }
    }
    files
}

/// A Markdown field, remembered so its links can be checked once every id is known.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Prose {
    pub file: FileId,
    pub span: Range<usize>,
    /// The text; empty once `scanned` holds what the link check reads of it.
    pub text: String,
    /// The procedure (or chapter) the text belongs to: relative links resolve inside it.
    pub owner: String,
    /// The text's links, scanned already ([`links::Scanned`]): by the build that kept
    /// the procedure in its memo.
    pub scanned: Option<links::Scanned>,
}

/// A command line, remembered for the similar-words lint.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct CommandSite {
    pub file: FileId,
    pub span: Range<usize>,
    pub text: String,
}

/// About how many link targets `loaded` defines: chapters, groups, procedures, sections and
/// steps (reusable steps and problems are few beside them).
fn target_estimate(loaded: &Loaded) -> usize {
    // One left unparsed (resolved by an earlier build) is guessed at a typical size.
    let procedure = |p: &LoadedProcedure| {
        p.raw.as_ref().map_or(24, |raw| {
            1 + raw
                .section
                .iter()
                .map(|s| 1 + s.step.len() + s.branch.iter().map(|b| b.step.len()).sum::<usize>())
                .sum::<usize>()
        })
    };
    loaded
        .chapters
        .iter()
        .map(|ch| {
            1 + ch
                .items
                .iter()
                .map(|item| match item {
                    LoadedItem::Group { procedures, .. } => {
                        1 + procedures.iter().map(procedure).sum::<usize>()
                    }
                    LoadedItem::Procedure(p) => procedure(p),
                })
                .sum::<usize>()
        })
        .sum()
}

struct Resolver<'a> {
    config: &'a Config,
    sources: &'a SourceMap,
    diags: &'a mut Diagnostics,
    reusable: &'a ReusableSteps,
    /// Shared as they are into the book: no second map is built from this one.
    targets: crate::model::TargetMap,
    /// Where each target in `targets` is defined, in the order they came, under its key's
    /// XXH3-64: read only to say where a duplicate's first definition is, so each key is
    /// not copied into a second map (110,000 of them at 5,000 procedures, in the serial
    /// part of a load).
    target_sites: Vec<(u64, FileId, Range<usize>)>,
    prose: Vec<Prose>,
    ref_uses: Vec<(FileId, Range<usize>, String)>,
    commands: Vec<CommandSite>,
    /// Above 0 while expanding a reusable step: its variants are written for every context
    /// it is used in, so one that cannot hold at a particular use site is not an error.
    reuse_depth: usize,
    used_placeholders: std::collections::BTreeSet<String>,
    /// Steps' `problems = [...]`, checked once every problem is read.
    problem_uses: Vec<problems::ProblemUse>,
    /// While resolving a problem's remedy steps (their `problems` mean nothing).
    in_problem: bool,
    /// Set while resolving one chapter item beside the others: its ids are kept in the
    /// order they were met and registered when the items are joined in book order, so a
    /// duplicate is reported against the same first definition as one at a time would.
    pending: Option<Pending>,
    /// Procedures resolved by an earlier build, and where to keep those resolved now.
    remembering: Option<&'a Remembering<'a>>,
}

/// The ids one chapter item defines, in the order it defined them.
#[derive(Default)]
struct Pending {
    /// Each target made shared in the item's own thread, not in the join.
    defines: Vec<(String, FileId, Range<usize>, Arc<Target>)>,
    /// Where each id's first definition sits in `defines`.
    first: rustc_hash::FxHashMap<String, usize>,
}

impl Pending {
    fn push(&mut self, key: String, file: FileId, span: Range<usize>, target: Arc<Target>) {
        self.first.entry(key.clone()).or_insert(self.defines.len());
        self.defines.push((key, file, span, target));
    }
}

/// What resolving one chapter item (or a group's procedure) beside the others leaves to
/// join into the whole.
struct ItemOutput<T> {
    item: T,
    diags: Diagnostics,
    pending: Pending,
    prose: Vec<Prose>,
    ref_uses: Vec<(FileId, Range<usize>, String)>,
    commands: Vec<CommandSite>,
    used_placeholders: std::collections::BTreeSet<String>,
    problem_uses: Vec<problems::ProblemUse>,
}

impl<'a> Resolver<'a> {
    fn new(
        config: &'a Config,
        sources: &'a SourceMap,
        diags: &'a mut Diagnostics,
        reusable: &'a ReusableSteps,
    ) -> Resolver<'a> {
        Resolver {
            config,
            sources,
            diags,
            reusable,
            targets: Default::default(),
            target_sites: Default::default(),
            prose: Vec::new(),
            ref_uses: Vec::new(),
            commands: Vec::new(),
            reuse_depth: 0,
            used_placeholders: Default::default(),
            problem_uses: Vec::new(),
            in_problem: false,
            pending: None,
            remembering: None,
        }
    }

    /// A target this resolver defined, to amend it.
    fn target_mut(&mut self, key: &str) -> Option<&mut Target> {
        match &mut self.pending {
            Some(p) => {
                let i = *p.first.get(key)?;
                p.defines.get_mut(i).map(|d| Arc::make_mut(&mut d.3))
            }
            None => self.targets.get_mut(key).map(Arc::make_mut),
        }
    }

    fn err(&mut self, file: FileId, span: Range<usize>, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(file, span, msg));
    }

    /// Parses and binds a `when`, reporting at the exact word, and checks that it can hold
    /// together with the conditions of the enclosing levels.
    fn when(&mut self, file: FileId, raw: Option<&SStr>, outer: &[Condition]) -> Option<Condition> {
        let raw = raw?;
        self.condition_at(file, raw.get_ref(), raw.span(), outer)
    }

    fn condition_at(
        &mut self,
        file: FileId,
        text: &str,
        span: Range<usize>,
        outer: &[Condition],
    ) -> Option<Condition> {
        let base = content_start(self.sources.text(file), &span);
        let at = |r: Range<usize>| (base + r.start).min(span.end)..(base + r.end).min(span.end);
        let expr = match condition::parse(text) {
            Ok(e) => e,
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(
                        file,
                        at(e.span),
                        format!("invalid condition: {}", e.message),
                    )
                    .with_hint(format!(
                        "conditions look like `{}`",
                        self.config.example_condition()
                    )),
                );
                return None;
            }
        };
        match condition::bind(&expr, &self.config.facets) {
            Ok(c) => {
                let mut all: Vec<Condition> = if self.reuse_depth > 0 {
                    Vec::new()
                } else {
                    outer.to_vec()
                };
                all.push(c.clone());
                // Only possible environments count: a condition only an impossible one
                // satisfies can never hold either.
                all.extend(self.config.rules.iter().map(|r| r.when.clone()));
                if !Condition::And(all).satisfiable(&self.config.facets) {
                    let msg = if outer.is_empty() {
                        format!("condition `{text}` can never hold")
                    } else {
                        format!("condition `{text}` can never hold inside its enclosing conditions")
                    };
                    self.diags
                        .push(Diagnostic::error(file, span, msg).with_hint(
                            "no environment satisfies it, so this would never be shown",
                        ));
                }
                Some(c)
            }
            Err(errors) => {
                for e in errors {
                    self.err(file, at(e.span), e.message);
                }
                None
            }
        }
    }

    fn markdown(&mut self, file: FileId, raw: Option<&SStr>, owner: &str) -> Markdown {
        let Some(raw) = raw else {
            return String::new();
        };
        self.placeholders(file, &raw.span(), raw.get_ref());
        self.prose.push(Prose {
            file,
            span: raw.span(),
            text: raw.get_ref().clone(),
            owner: owner.to_string(),
            scanned: None,
        });
        raw.get_ref().clone()
    }

    /// A chapter, group or procedure heading: its condition (checked against the enclosing
    /// ones), the conditions its children sit under, and its id registered as a target.
    fn node(
        &mut self,
        file: FileId,
        when: Option<&SStr>,
        outer: &[Condition],
        id_span: Range<usize>,
        target: Target,
        key: String,
    ) -> (Option<Condition>, Vec<Condition>) {
        let when = self.when(file, when, outer);
        let mut inner = outer.to_vec();
        inner.extend(when.iter().cloned());
        self.define(key, file, id_span, target);
        (when, inner)
    }

    /// Checks an id's syntax and uniqueness, and registers it as a link target.
    fn define(&mut self, key: String, file: FileId, span: Range<usize>, target: Target) {
        self.check_valid(&key, file, &span);
        match &mut self.pending {
            Some(p) => p.push(key, file, span, Arc::new(target)),
            None => self.register(key, file, span, Arc::new(target)),
        }
    }

    /// Whether `key` (written in `file` at `span`) is an id a link can name.
    fn check_valid(&mut self, key: &str, file: FileId, span: &Range<usize>) {
        let shown = key.rsplit('/').next().unwrap_or(key);
        if valid_id(shown) {
            return;
        }
        let hint = if self.explicit(shown, file, span) {
            ID_RULE.to_string()
        } else {
            format!("`{shown}` comes from the file or folder name; set `id = \"…\"` in the file ({ID_RULE})")
        };
        self.diags.push(
            Diagnostic::error(file, span.clone(), format!("invalid id `{shown}`")).with_hint(hint),
        );
    }

    /// An id written in the file, or one derived from its (or its folder's) name.
    fn explicit(&self, shown: &str, file: FileId, span: &Range<usize>) -> bool {
        self.sources
            .text(file)
            .get(span.clone())
            .is_some_and(|s| s.contains(shown))
    }

    /// Registers a checked id as a link target, unless another already has it.
    fn register(&mut self, key: String, file: FileId, span: Range<usize>, target: Arc<Target>) {
        let hash = xxhash_rust::xxh3::xxh3_64(key.as_bytes());
        let key = match self.targets.entry(key) {
            std::collections::hash_map::Entry::Vacant(place) => {
                place.insert(target);
                self.target_sites.push((hash, file, span));
                return;
            }
            std::collections::hash_map::Entry::Occupied(taken) => taken.key().clone(),
        };
        let first = self
            .target_sites
            .iter()
            .find(|(h, _, _)| *h == hash)
            .map(|(_, f, s)| (*f, s.clone()));
        let shown = key.rsplit('/').next().unwrap_or(&key);
        let hint = if self.explicit(shown, file, &span) {
            "ids must be unique; rename one of them".to_string()
        } else {
            format!(
                "`{shown}` comes from the name of `{}` (or its folder); set `id = \"…\"` \
                 in the file to give it another",
                self.sources.display(file)
            )
        };
        let mut error = Diagnostic::error(file, span, format!("duplicate id `{key}`"));
        // Every key in the map came with its site; the error stands either way.
        if let Some((pf, ps)) = first {
            error = error.with_related(pf, ps, "first defined here");
        }
        self.diags.push(error.with_hint(hint));
    }

    fn resolve(&mut self, loaded: &Loaded) -> (Vec<FrontSection>, Vec<ExtRef>, Vec<Chapter>) {
        // Sized once: grown by doubling, a large book's map of link targets was copied
        // and its fresh memory faulted in again at every step.
        let targets = target_estimate(loaded);
        self.targets.reserve(targets);
        self.target_sites.reserve(targets);
        self.reusable_ids();
        let front = match &loaded.front {
            Some((file, raw)) => self.front_matter(*file, raw),
            None => Vec::new(),
        };
        let refs = match &loaded.refs {
            Some((file, raw)) => self.ext_refs(*file, raw),
            None => Vec::new(),
        };
        // Chapters beside each other, as their items are: one at a time, each chapter's
        // join left a core idle (a third of the resolving time at 5,000 procedures).
        let chapters = self.apart(&loaded.chapters, |sub, ci, ch| {
            sub.chapter(ch, Number(vec![ci as u32 + 1]))
        });
        (front, refs, chapters)
    }

    /// `content/_book.toml`'s sections; their ids are unique among themselves.
    fn front_matter(&mut self, file: FileId, raw: &RawFront) -> Vec<FrontSection> {
        let mut front = Vec::new();
        let mut seen: HashMap<String, Range<usize>> = HashMap::new();
        for s in &raw.front {
            let id = s.id.get_ref();
            check_id(self.diags, file, s.id.span(), id, || format!("id `{id}`"));
            if let Some(prev) = seen.get(id) {
                self.diags.push(
                    Diagnostic::error(file, s.id.span(), format!("duplicate id `{id}`"))
                        .with_related(file, prev.clone(), "first defined here"),
                );
            }
            seen.insert(id.clone(), s.id.span());
            let body = self.markdown(file, Some(&s.body), "index");
            front.push(FrontSection {
                id: id.clone(),
                title: s.title.clone(),
                body,
            });
        }
        front
    }

    /// `content/_refs.toml`'s external documents; a duplicate id is left out.
    fn ext_refs(&mut self, file: FileId, raw: &RawRefs) -> Vec<ExtRef> {
        let mut refs: Vec<ExtRef> = Vec::new();
        for r in &raw.refs {
            let id = r.id.get_ref();
            check_id(self.diags, file, r.id.span(), id, || {
                format!("reference id `{id}`")
            });
            if refs.iter().any(|x| x.id == *id) {
                self.err(file, r.id.span(), format!("duplicate reference id `{id}`"));
                continue;
            }
            refs.push(ExtRef {
                id: id.clone(),
                title: r.title.clone(),
                description: r.description.clone(),
                url: r.url.clone(),
            });
        }
        refs
    }

    fn chapter(&mut self, ch: &LoadedChapter, number: Number) -> Chapter {
        self.plain_title(ch.file, &ch.raw.title);
        let (id, id_span) = id_of(&ch.raw.id, &ch.default_id, &ch.raw.title);
        let when = self.when(ch.file, ch.raw.when.as_ref(), &[]);
        let outer: Vec<Condition> = when.iter().cloned().collect();
        let (title, title_source) = self.title_text(ch.raw.title.get_ref());
        self.define(
            id.clone(),
            ch.file,
            id_span,
            Target {
                number: number.clone(),
                title: title.clone(),
                title_source,
                page: id.clone(),
                anchor: String::new(),
                procedure: None,
                absent: false,
                absent_twin: Default::default(),
                section: None,
            },
        );
        let intro = self.markdown(ch.file, ch.raw.intro.as_ref(), &id);
        let items = self.apart(&ch.items, |sub, ii, item| {
            sub.item(item, number.child(ii as u32 + 1), &id, &outer)
        });
        Chapter {
            id,
            number,
            title,
            when,
            intro,
            items,
        }
    }

    fn item(
        &mut self,
        item: &LoadedItem,
        number: Number,
        chapter: &str,
        outer: &[Condition],
    ) -> ChapterItem {
        match item {
            LoadedItem::Procedure(p) => {
                ChapterItem::Procedure(std::sync::Arc::new(self.procedure(p, number, outer)))
            }
            LoadedItem::Group {
                file,
                default_id,
                raw,
                procedures,
            } => ChapterItem::Group(
                self.group(*file, default_id, raw, procedures, number, chapter, outer),
            ),
        }
    }

    /// Resolves each of `items` with `each` on any core, and joins the results in order, as
    /// if resolved one after another: items are independent until their ids meet.
    fn apart<I: Sync, T: Send>(
        &mut self,
        items: &[I],
        each: impl Fn(&mut Resolver<'_>, usize, &I) -> T + Sync,
    ) -> Vec<T> {
        let (config, sources, reusable) = (self.config, self.sources, self.reusable);
        let remembering = self.remembering;
        let outputs: Vec<ItemOutput<T>> = items
            .par_iter()
            .enumerate()
            .map(|(i, item)| {
                let mut diags = Diagnostics::default();
                let mut sub = Resolver::new(config, sources, &mut diags, reusable);
                sub.pending = Some(Pending::default());
                sub.remembering = remembering;
                let item = each(&mut sub, i, item);
                let Resolver {
                    pending,
                    prose,
                    ref_uses,
                    commands,
                    used_placeholders,
                    problem_uses,
                    ..
                } = sub;
                ItemOutput {
                    item,
                    diags,
                    pending: pending.unwrap_or_default(),
                    prose,
                    ref_uses,
                    commands,
                    used_placeholders,
                    problem_uses,
                }
            })
            .collect();
        self.reserve_for(&outputs);
        outputs.into_iter().map(|o| self.join(o)).collect()
    }

    /// Room for what `outputs` bring, made once: grown by doubling as each is joined, the
    /// book's list of prose (tens of megabytes at 5,000 procedures) was copied again and
    /// again into fresh memory, which on a virtual machine cost up to a quarter of a
    /// second of one core in a rebuild that otherwise spends 0.05 s joining.
    fn reserve_for<T>(&mut self, outputs: &[ItemOutput<T>]) {
        let total = |len: fn(&ItemOutput<T>) -> usize| outputs.iter().map(len).sum::<usize>();
        self.diags.items.reserve(total(|o| o.diags.items.len()));
        self.prose.reserve(total(|o| o.prose.len()));
        self.ref_uses.reserve(total(|o| o.ref_uses.len()));
        self.commands.reserve(total(|o| o.commands.len()));
        self.problem_uses.reserve(total(|o| o.problem_uses.len()));
        if let Some(p) = &mut self.pending {
            let defines = total(|o| o.pending.defines.len());
            p.defines.reserve(defines);
            p.first.reserve(defines);
        }
    }

    /// Takes in one item resolved on its own: its ids registered in the order it met them
    /// (or, inside another item resolved on its own, passed on to be registered with it).
    fn join<T>(&mut self, out: ItemOutput<T>) -> T {
        self.diags.items.extend(out.diags.items);
        for (key, file, span, target) in out.pending.defines {
            match &mut self.pending {
                Some(p) => p.push(key, file, span, target),
                None => self.register(key, file, span, target),
            }
        }
        self.prose.extend(out.prose);
        self.ref_uses.extend(out.ref_uses);
        self.commands.extend(out.commands);
        self.used_placeholders.extend(out.used_placeholders);
        self.problem_uses.extend(out.problem_uses);
        out.item
    }

    /// A reusable step's id is its file name, so the error points at the file's start.
    fn reusable_ids(&mut self) {
        for (id, (file, _)) in self.reusable {
            if !valid_id(id) {
                let shown = self.sources.display(*file);
                self.diags.push(
                    Diagnostic::error(*file, 0..0, format!("invalid reusable step id `{id}`"))
                        .with_hint(format!(
                            "the id is the file name: rename `{shown}` ({ID_RULE})"
                        )),
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn group(
        &mut self,
        file: FileId,
        default_id: &str,
        raw: &RawChapter,
        procedures: &[LoadedProcedure],
        number: Number,
        chapter: &str,
        outer: &[Condition],
    ) -> Group {
        self.plain_title(file, &raw.title);
        let (id, id_span) = id_of(&raw.id, default_id, &raw.title);
        let (title, title_source) = self.title_text(raw.title.get_ref());
        let (when, inner) = self.node(
            file,
            raw.when.as_ref(),
            outer,
            id_span,
            Target {
                number: number.clone(),
                title: title.clone(),
                title_source,
                page: chapter.to_string(),
                anchor: format!("grp-{id}"),
                procedure: None,
                absent: false,
                absent_twin: Default::default(),
                section: None,
            },
            id.clone(),
        );
        let intro = self.markdown(file, raw.intro.as_ref(), chapter);
        let procedures = self.apart(procedures, |sub, i, p| {
            std::sync::Arc::new(sub.procedure(p, number.child(i as u32 + 1), &inner))
        });
        Group {
            id,
            number,
            title,
            when,
            intro,
            procedures,
        }
    }

    fn procedure(&mut self, p: &LoadedProcedure, number: Number, outer: &[Condition]) -> Procedure {
        if let Some(piece) = self.remembering.and_then(|r| r.take(p.file)) {
            if piece.procedure.number == number {
                return self.replay(piece);
            }
        }
        let parsed;
        let raw: &RawProcedure = match &p.raw {
            Some(raw) => raw,
            // Left unparsed for a piece that then did not fit: parsed here instead.
            None => match toml::from_str::<RawProcedure>(self.sources.text(p.file)) {
                Ok(raw) => {
                    parsed = raw;
                    &parsed
                }
                Err(e) => {
                    let text = self.sources.text(p.file);
                    self.diags
                        .push(crate::toml_source::toml_error(p.file, text, &e));
                    return Procedure {
                        id: p.default_id.clone(),
                        number,
                        title: String::new(),
                        title_source: None,
                        when: None,
                        intro: String::new(),
                        sections: Vec::new(),
                        source: self.sources.display(p.file).to_string(),
                        fingerprint: Default::default(),
                    };
                }
            },
        };
        match self.remembering {
            Some(remembering) if self.pending.is_some() => {
                self.recording(remembering, p.file, |r| {
                    r.resolve_procedure(p, raw, number, outer)
                })
            }
            _ => self.resolve_procedure(p, raw, number, outer),
        }
    }

    /// Resolves a procedure with `resolve`, and keeps what it added to this resolver for
    /// the next build when it added no diagnostic.
    fn recording(
        &mut self,
        remembering: &Remembering<'_>,
        file: FileId,
        resolve: impl FnOnce(&mut Self) -> Procedure,
    ) -> Procedure {
        let diags = self.diags.items.len();
        let defines = self.pending.as_ref().map_or(0, |p| p.defines.len());
        let (prose, ref_uses, commands, problem_uses) = (
            self.prose.len(),
            self.ref_uses.len(),
            self.commands.len(),
            self.problem_uses.len(),
        );
        let before = std::mem::take(&mut self.used_placeholders);
        let procedure = resolve(self);
        let placeholders = std::mem::replace(&mut self.used_placeholders, before);
        if let (true, Some(pending)) = (self.diags.items.len() == diags, &self.pending) {
            // Scanned here, on the core resolving the procedure, for the link check of this
            // build and of the next, which then keeps no text of it.
            for p in self.prose.get_mut(prose..).unwrap_or_default() {
                p.scanned = Some(links::scan(&p.text));
            }
            let recorded = remembered::Recorded {
                procedure: &procedure,
                fingerprint: crate::model::feed::procedure_fingerprint(&procedure).to_bytes(),
                defines: pending.defines.get(defines..).unwrap_or_default(),
                prose: self
                    .prose
                    .get(prose..)
                    .unwrap_or_default()
                    .iter()
                    .map(remembered::ProseRecord::of)
                    .collect(),
                ref_uses: self.ref_uses.get(ref_uses..).unwrap_or_default(),
                commands: self.commands.get(commands..).unwrap_or_default(),
                placeholders: &placeholders,
                problem_uses: self
                    .problem_uses
                    .get(problem_uses..)
                    .unwrap_or_default()
                    .iter()
                    .map(|u| {
                        (
                            u.step.as_str(),
                            u.file,
                            u.id.get_ref().as_str(),
                            u.id.span(),
                        )
                    })
                    .collect(),
            };
            remembering.keep(file, &recorded);
        }
        self.used_placeholders.extend(placeholders);
        procedure
    }

    /// Adds what resolving a procedure added in an earlier build, as it added it.
    fn replay(&mut self, piece: remembered::Remembered) -> Procedure {
        for (key, file, span, target) in piece.defines {
            match &mut self.pending {
                Some(p) => p.push(key, file, span, target),
                None => self.register(key, file, span, target),
            }
        }
        self.prose.extend(piece.prose);
        self.ref_uses.extend(piece.ref_uses);
        self.commands.extend(piece.commands);
        self.used_placeholders.extend(piece.placeholders);
        self.problem_uses.extend(
            piece
                .problem_uses
                .into_iter()
                .map(|(step, file, id, span)| problems::ProblemUse {
                    step,
                    file,
                    id: SStr::new(span, id),
                }),
        );
        let mut procedure = piece.procedure;
        procedure.fingerprint =
            crate::model::Known::of(crate::output::Fingerprint::from_bytes(piece.fingerprint));
        procedure
    }

    fn resolve_procedure(
        &mut self,
        p: &LoadedProcedure,
        raw: &RawProcedure,
        number: Number,
        outer: &[Condition],
    ) -> Procedure {
        let file = p.file;
        self.plain_title(file, &raw.title);
        let (id, id_span) = id_of(&raw.id, &p.default_id, &raw.title);
        let (title, title_source) = self.title_text(raw.title.get_ref());
        let (when, inner) = self.node(
            file,
            raw.when.as_ref(),
            outer,
            id_span,
            Target {
                number: number.clone(),
                title: title.clone(),
                title_source: title_source.clone(),
                page: id.clone(),
                anchor: String::new(),
                procedure: Some(id.clone()),
                absent: false,
                absent_twin: Default::default(),
                section: None,
            },
            id.clone(),
        );
        let intro = self.markdown(file, raw.intro.as_ref(), &id);
        let mut sections = Vec::new();
        for (si, s) in raw.section.iter().enumerate() {
            let snum = number.child(si as u32 + 1);
            sections.push(self.section(file, &id, s, snum, &inner));
        }
        Procedure {
            id,
            number,
            title,
            title_source,
            when,
            intro,
            sections,
            source: self.sources.display(file).to_string(),
            fingerprint: Default::default(),
        }
    }
}

/// The explicit id, or the one derived from the file or folder name.
fn id_of(explicit: &Option<SStr>, default: &str, title: &SStr) -> (String, Range<usize>) {
    match explicit {
        Some(s) => (s.get_ref().clone(), s.span()),
        None => (default.to_string(), title.span()),
    }
}
