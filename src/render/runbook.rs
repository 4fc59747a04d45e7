//! A runbook: one environment's procedures as one self-contained HTML file an operator
//! works through on the night of the change. The book is filtered for the environment, its
//! procedures rendered with the site's own templates in print link mode (every link an
//! in-page anchor), and the theme's CSS and runbook.js inlined, so the file makes no
//! request and can be mailed, attached to a ticket or opened from a USB stick: its
//! Content-Security-Policy forbids any load, and images it cannot hold become links
//! (`render/offline.rs`).
//!
//! Each step carries a checkbox, its position in the runbook (`data-seq`) and a hash of its
//! rendered content (`data-hash`); runbook.js keeps the ticks (time, who, the values used)
//! and the operator's notes in localStorage under the runbook's id and environment, exports
//! them as JSON or CSV, merges another copy's JSON log, and prints them as the record of
//! the work. The values panel asks only for the placeholders this runbook's steps use.

use std::collections::BTreeSet;

use anyhow::{anyhow, Result};
use serde::Serialize;
use tera::Context;

use super::env::{book_id, canonical, described, script_json};
use super::html::{Ctx, LinkMode};
use super::parts::{BodyCache, StepMarkup};
use super::theme::{error_chain, Theme};
use super::view;
use crate::condition::Env;
use crate::config::Config;
use crate::filter::filter;
use crate::model::{Book, Part, PartKind, Procedure};
use rayon::prelude::*;

/// What to build a runbook for.
#[derive(Debug, Clone)]
pub struct RunbookSpec {
    /// The runbook's id: the profile's id, or `env` for an environment given by hand.
    pub id: String,
    /// The title: the profile's label, or the environment in words.
    pub title: String,
    /// The environment it is filtered for.
    pub env: Env,
    /// The build date, `YYYY-MM-DD`.
    pub built: String,
}

impl RunbookSpec {
    /// A profile of book.toml, or `None` when there is no such profile.
    pub fn profile(config: &Config, id: &str, built: &str) -> Option<RunbookSpec> {
        let p = config.profiles.iter().find(|p| p.id == id)?;
        Some(RunbookSpec {
            id: p.id.clone(),
            title: p.label.clone(),
            env: p.env.clone(),
            built: built.to_string(),
        })
    }

    /// An environment given by hand: it becomes the profile with the same environment when
    /// there is one, so `--env` and `--profile` write the same file.
    pub fn env(config: &Config, env: Env, built: &str) -> RunbookSpec {
        if let Some(p) = config.profiles.iter().find(|p| p.env == env) {
            return RunbookSpec {
                id: p.id.clone(),
                title: p.label.clone(),
                env,
                built: built.to_string(),
            };
        }
        let words: Vec<String> = described(config, &env)
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        let title = if words.is_empty() {
            config.words.runbook.all.clone()
        } else {
            words.join(" / ")
        };
        RunbookSpec {
            id: "env".to_string(),
            title,
            env,
            built: built.to_string(),
        }
    }
}

#[derive(Serialize)]
struct RunbookView {
    id: String,
    title: String,
    /// `(facet label, value label)` pairs.
    env: Vec<(String, String)>,
    built: String,
    total: u32,
}

#[derive(Serialize)]
struct RefView {
    anchor: String,
    title: String,
    description: Option<String>,
}

/// Marks chapters and groups absent from `view`: a runbook holds procedures (and the known
/// problems of their steps), not chapter pages, so a cross-reference to a chapter or a
/// group has no anchor to point at in it and reads as text, as one to a procedure the
/// environment rules out does.
fn without_chapters(view: &mut Book) {
    let chapters: BTreeSet<String> = view.chapters.iter().map(|c| c.id.clone()).collect();
    // Chapters and groups are the targets outside procedures: a few among the book's.
    let pages: Vec<String> = view
        .targets
        .base()
        .iter()
        .filter(|(_, t)| t.procedure.is_none() && chapters.contains(&t.page))
        .map(|(k, _)| k.clone())
        .collect();
    for key in pages {
        if view.targets.get(&key).is_some_and(|t| !t.absent) {
            view.targets.mark_absent(&key);
        }
    }
}

/// Renders the runbook for `spec` from the whole `book` with `theme`'s templates, reusing
/// the step bodies in `bodies`.
pub fn render(
    book: &Book,
    theme: &Theme,
    bodies: &BodyCache,
    spec: &RunbookSpec,
) -> Result<String> {
    let mut bytes = Vec::new();
    render_to(book, theme, bodies, spec, &mut bytes)?;
    String::from_utf8(bytes).map_err(|_| anyhow!("the runbook `{}` is not UTF-8", spec.id))
}

/// [`render`], written to `w` as it is rendered: a runbook of a large book is tens of
/// megabytes, and a build writes a dozen of them.
pub fn render_to(
    book: &Book,
    theme: &Theme,
    bodies: &BodyCache,
    spec: &RunbookSpec,
    w: &mut dyn std::io::Write,
) -> Result<()> {
    let c = context(book, theme, bodies, spec)?;
    write(theme, spec, &c, w)
}

/// Renders the runbook `spec` from its [`context`].
pub(super) fn write(
    theme: &Theme,
    spec: &RunbookSpec,
    c: &Context,
    w: &mut dyn std::io::Write,
) -> Result<()> {
    theme.tera.render_to(TEMPLATE, c, w).map_err(|e| {
        anyhow!(
            "failed to render the runbook `{}` with template `{TEMPLATE}`: {}",
            spec.id,
            error_chain(&e)
        )
    })
}

/// The runbook's template.
pub(super) const TEMPLATE: &str = "runbook.html";

/// What `runbook.html` is handed for `spec`: everything the runbook shows, so it is also
/// what a build cache keys the file by.
pub(super) fn context(
    book: &Book,
    theme: &Theme,
    bodies: &BodyCache,
    spec: &RunbookSpec,
) -> Result<Context> {
    let view_book = view_of(book, spec);
    let made = procedure_bodies(&view_book, theme, bodies, spec, None)?;
    outer_context(book, &view_book, theme, bodies, spec, made)
}

/// The book as the runbook `spec` shows it: filtered for its environment, and its
/// chapters and groups absent.
pub(super) fn view_of(book: &Book, spec: &RunbookSpec) -> Book {
    let mut view_book = filter(book, &spec.env);
    without_chapters(&mut view_book);
    view_book
}

/// Where each procedure of `view_book` starts numbering its steps (a runbook numbers
/// them across the file, from 1), and the number of steps in all.
pub(super) fn step_starts(view_book: &Book) -> (Vec<usize>, usize) {
    let mut seq = 0;
    let starts = view_book
        .procedures()
        .map(|p| {
            let start = seq;
            seq += p.step_count();
            start
        })
        .collect();
    (starts, seq)
}

/// The runbook's fragment of each procedure of `view_book` ([`view_of`]), in reading
/// order, or of those at the positions `which` only.
pub(super) fn procedure_bodies(
    view_book: &Book,
    theme: &Theme,
    bodies: &BodyCache,
    spec: &RunbookSpec,
    which: Option<&[usize]>,
) -> Result<Vec<String>> {
    let markup = StepMarkup {
        theme,
        cache: bodies,
        hashed: true,
    };
    let ctx = Ctx::new(view_book, LinkMode::Print);
    let mut base = Context::new();
    base.insert("t", ctx.t());
    base.insert("rb_t", &view_book.config.words.runbook);
    base.insert("runbook", &serde_json::json!({ "id": spec.id }));
    let (starts, _) = step_starts(view_book);
    let all: Vec<(usize, &Procedure)> = view_book.procedures().enumerate().collect();
    let chosen: Vec<(usize, &Procedure)> = match which {
        Some(which) => which.iter().filter_map(|&i| all.get(i).copied()).collect(),
        None => all,
    };
    let words = super::procedure_html::Words {
        t: ctx.t(),
        runbook: Some(&view_book.config.words.runbook),
    };
    let made = super::fragments::procedure_bodies(theme, &base, words, &chosen, |_, &(i, p)| {
        let mut v = view::procedure(&ctx, markup, p)?;
        // "Referenced from" points at pages a runbook does not hold.
        v.head.backlinks.clear();
        let mut seq = starts.get(i).copied().unwrap_or(0) as u32;
        for s in &mut v.sections {
            s.head.backlinks.clear();
            let steps = s
                .steps
                .iter_mut()
                .chain(s.branches.iter_mut().flat_map(|b| b.steps.iter_mut()));
            for st in steps {
                st.head.backlinks.clear();
                seq += 1;
                st.seq = seq;
            }
        }
        Ok(v)
    })?;
    // The file makes no request: an image it cannot hold becomes a link or its alt text.
    Ok(made
        .into_iter()
        .map(|b| match super::offline::images_as_links(&b) {
            std::borrow::Cow::Borrowed(_) => b,
            std::borrow::Cow::Owned(changed) => changed,
        })
        .collect())
}

/// `runbook.html`'s context with `bodies` (one per procedure of `view_book`, in order)
/// where its procedures go.
pub(super) fn outer_context(
    book: &Book,
    view_book: &Book,
    theme: &Theme,
    bodies: &BodyCache,
    spec: &RunbookSpec,
    made: Vec<String>,
) -> Result<Context> {
    let ctx = Ctx::new(view_book, LinkMode::Print);
    let cfg = &book.config;
    let env_key = canonical(cfg, &spec.env);
    let rs = &cfg.words.runbook;
    let procedures: Vec<_> = view_book.procedures().collect();
    let (_, seq) = step_starts(view_book);
    let seq = seq as u32;
    let markup = StepMarkup {
        theme,
        cache: bodies,
        hashed: true,
    };
    let bodies = made;
    let mut c = Context::new();
    c.insert("t", ctx.t());
    c.insert("rb_t", rs);
    c.insert(
        "book",
        &serde_json::json!({
            "title": cfg.title,
            "edition": cfg.edition,
            "description": cfg.description,
        }),
    );
    c.insert(
        "runbook",
        &RunbookView {
            id: spec.id.clone(),
            title: spec.title.clone(),
            env: described(cfg, &spec.env),
            built: spec.built.clone(),
            total: seq,
        },
    );
    super::fragments::insert_strings(&mut c, "procedures", bodies)?;
    // The known problems of the runbook's steps, after its procedures: each step's list
    // links to them inside the file.
    let problems = view_book
        .problems
        .iter()
        .filter(|p| !p.applies_to.is_empty())
        .map(|p| {
            super::problems::problem(
                &ctx,
                StepMarkup {
                    theme,
                    cache: markup.cache,
                    hashed: false,
                },
                p,
            )
        })
        .collect::<Result<Vec<_>>>()?;
    c.insert("problems", &problems);
    c.insert(
        "refs",
        &view_book
            .refs
            .iter()
            .map(|r| RefView {
                anchor: format!("ref-{}", r.id),
                title: r.title.clone(),
                description: r.description.clone(),
            })
            .collect::<Vec<_>>(),
    );
    let config_json = serde_json::json!({
        "book": book_id(cfg),
        "id": spec.id,
        "env": env_key,
        "title": spec.title,
        "built": spec.built,
        "strings": rs,
    });
    c.insert("runbook_json", &script_json(&config_json));
    // Placeholders: the values panel (placeholders.js) asks only for what this runbook's
    // steps use, with `--set` values as presets.
    let mut tejun = crate::render::env::picker_config(cfg);
    let declared: BTreeSet<&str> = cfg.placeholders.iter().map(|p| p.id.as_str()).collect();
    let used = placeholders_used(&procedures, &declared);
    if let Some(list) = tejun["placeholders"].as_array_mut() {
        list.retain(|p| p["id"].as_str().is_some_and(|id| used.contains(id)));
    }
    tejun["values"] = cfg
        .placeholders
        .iter()
        .filter_map(|p| {
            p.value
                .as_ref()
                .map(|v| (p.id.clone(), serde_json::json!(v)))
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    c.insert("tejun_json", &script_json(&tejun));
    c.insert("css", &inline_css(theme)?);
    c.insert("js", &inline_js(theme)?);
    Ok(c)
}

/// The ids of the `declared` placeholders that `procedures` use anywhere a runbook shows
/// text.
fn placeholders_used<'d>(
    procedures: &[&Procedure],
    declared: &BTreeSet<&'d str>,
) -> BTreeSet<&'d str> {
    // Every text of a large book is read, a procedure per task on every core, a batch at a
    // time: a book's few placeholders are usually all met in its first procedures, and the
    // rest need not be read (at 5,000 procedures, 15 ms of CPU per runbook).
    const BATCH: usize = 64;
    let mut used = BTreeSet::new();
    for batch in procedures.chunks(BATCH) {
        if used.len() == declared.len() {
            break;
        }
        let found = batch
            .par_iter()
            .map(|p| {
                let mut used = BTreeSet::new();
                for t in texts_of(p) {
                    used.extend(
                        crate::placeholder::uses(t)
                            .into_iter()
                            .filter_map(|(_, id)| declared.get(id).copied()),
                    );
                }
                used
            })
            .reduce(BTreeSet::new, |mut a, b| {
                a.extend(b);
                a
            });
        used.extend(found);
    }
    used
}

/// Every text of `p` a runbook shows.
fn texts_of(p: &Procedure) -> Vec<&str> {
    fn parts<'a>(parts: &'a [Part], out: &mut Vec<&'a str>) {
        for part in parts {
            match &*part.kind {
                PartKind::Text(t) | PartKind::Note(t) | PartKind::Caution(t) => out.push(t),
                PartKind::Command { lines, output, .. } => {
                    out.extend(lines.iter().map(String::as_str));
                    out.extend(output.as_deref());
                }
                PartKind::Gui(path) => out.extend(path.iter().map(String::as_str)),
                PartKind::Processes { items, .. } => {
                    out.extend(items.iter().map(|i| i.name.as_str()))
                }
                PartKind::Refs(_) => {}
            }
        }
    }
    let mut texts = vec![p.title.as_str(), p.intro.as_str()];
    for s in &p.sections {
        texts.extend([s.title.as_str(), s.intro.as_str()]);
        for b in &s.branches {
            texts.extend([b.label.as_str(), b.intro.as_str()]);
        }
        for st in s.all_steps() {
            texts.push(&st.title);
            parts(&st.parts, &mut texts);
            for v in &st.variants {
                texts.extend(v.label.as_deref());
                parts(&v.parts, &mut texts);
            }
        }
    }
    texts
}

fn asset<'t>(theme: &'t Theme, name: &str) -> Result<&'t str> {
    let bytes = theme
        .assets
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, b)| b.as_slice())
        .ok_or_else(|| anyhow!("the theme has no `{name}`"))?;
    std::str::from_utf8(bytes).map_err(|_| anyhow!("the theme's `{name}` is not UTF-8"))
}

/// The site's styles, its print styles and the runbook's own, for one `<style>` element.
fn inline_css(theme: &Theme) -> Result<String> {
    let css = [
        asset(theme, "style.css")?,
        asset(theme, "print.css")?,
        asset(theme, "runbook.css")?,
    ]
    .join("\n");
    // Nothing may close the element early.
    Ok(css.replace("</style", "<\\/style"))
}

/// placeholders.js first: its values are on the page (and the values panel open) before
/// runbook.js scrolls back to where the operator was.
fn inline_js(theme: &Theme) -> Result<String> {
    let js = [
        asset(theme, "placeholders.js")?,
        asset(theme, "runbook.js")?,
    ]
    .join("\n");
    Ok(js.replace("</script", "<\\/script"))
}

/// Today as `YYYY-MM-DD` (UTC), or the day of `SOURCE_DATE_EPOCH` for reproducible builds.
pub fn build_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    /// The values panel asks for the placeholders the steps use: one met only in a late
    /// procedure (past the first batch read) included, one declared and never used left out.
    #[test]
    fn a_runbook_asks_for_the_placeholders_its_procedures_use() {
        let dir = crate::resolve::test_book::TestBook::new();
        let toml = std::fs::read_to_string(dir.root().join("book.toml")).expect("book.toml");
        dir.write(
            "book.toml",
            &format!(
                "{toml}\n[[placeholder]]\nid = \"host\"\nlabel = \"Host\"\n\
                 [[placeholder]]\nid = \"port\"\nlabel = \"Port\"\n\
                 [[placeholder]]\nid = \"unused\"\nlabel = \"Unused\"\n"
            ),
        );
        for i in 0..150 {
            let body = match i {
                0 => "Connect to port [[port]].",
                140 => "Log in to [[host]].",
                _ => "Nothing to fill in.",
            };
            dir.write(
                &format!("content/01-ch/{i:03}-p{i}.toml"),
                &format!(
                    "title = \"P{i}\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n\
                     [[section.step]]\nid = \"t\"\ntitle = \"T\"\nbody = \"{body}\"\n"
                ),
            );
        }
        let (book, _) = crate::resolve::load_book(dir.root()).expect("a clean book");
        let procedures: Vec<&Procedure> = book.procedures().collect();
        assert_eq!(procedures.len(), 150);
        let declared: BTreeSet<&str> = ["host", "port", "unused"].into();
        let used = placeholders_used(&procedures, &declared);
        assert_eq!(used, BTreeSet::from(["host", "port"]));
        let only_port: BTreeSet<&str> = ["port"].into();
        assert_eq!(placeholders_used(&procedures, &only_port), only_port);
    }
}
