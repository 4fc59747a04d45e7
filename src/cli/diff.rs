//! `tejun diff --env A --env B`: which steps differ between two environments' runbooks, in
//! the book's reading order, so a support engineer can tell a customer exactly what changes
//! with their setup; `--detail` also shows what differs inside each changed step.

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Context};
use similar::utils::diff_slices;
use similar::{Algorithm, ChangeTag};

use super::load::count;
use super::BookArg;
use crate::condition::Env;
use crate::config::Config;
use crate::filter::filter;
use crate::model::{Book, Part, PartKind, Step};
use crate::render::env::described;
use crate::render::labels;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: BookArg,
    /// Environments to compare, e.g. `--env os=linux,from=2.3 --env os=linux,from=2.4`
    /// (a profile name works too)
    #[arg(long = "env", num_args = 1, required = true)]
    pub envs: Vec<String>,
    /// Also print, under each changed step, the lines that differ (`-` A only, `+` B only)
    #[arg(long)]
    pub detail: bool,
}

/// A step as one environment's runbook shows it.
struct Shown {
    /// `1.2.1 Section / 5. Title`, numbered as in that runbook.
    place: String,
    /// What a reader sees of the step, a line per part, in reading order.
    lines: Vec<String>,
}

/// Every step of `view` by (procedure id, step id).
fn steps(view: &Book, config: &Config) -> HashMap<(String, String), Shown> {
    let mut out = HashMap::new();
    for p in view.procedures() {
        for s in &p.sections {
            for st in s.all_steps() {
                let place = format!("{} {} / {}. {}", s.number, s.title, st.number, st.title);
                out.insert(
                    (p.id.clone(), st.id.clone()),
                    Shown {
                        place,
                        lines: lines(st, config),
                    },
                );
            }
        }
    }
    out
}

/// The book's reading order of every step, whatever the environment.
fn reading_order(book: &Book) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in book.procedures() {
        for s in &p.sections {
            out.extend(s.all_steps().map(|st| (p.id.clone(), st.id.clone())));
        }
    }
    out
}

/// A step's content as lines a reader would recognise: its parts with each variant's
/// label and parts where the writer put them. Conditions are worded as the runbook words them: only what the
/// environment leaves open, and nothing for a settled, unlabelled variant.
fn lines(st: &Step, config: &Config) -> Vec<String> {
    let mut out = Vec::new();
    let (before, after) = st.parts.split_at(st.variants_at.min(st.parts.len()));
    parts(before, config, &mut out);
    for v in &st.variants {
        let (label, badges) = labels::variant(v.label.as_deref(), &v.when, config);
        let open = badges.map(|b| worded(&b));
        match (label.is_empty(), open) {
            (true, _) => {}
            (false, Some(open)) => out.push(format!("[{label}] ({open})")),
            (false, None) => out.push(format!("[{label}]")),
        }
        parts(&v.parts, config, &mut out);
    }
    parts(after, config, &mut out);
    out
}

/// Badges as one line: `Facet: value, Other: value`.
fn worded(b: &labels::Badges) -> String {
    let items: Vec<&str> = b.items.iter().map(|i| i.label.as_str()).collect();
    items.join(", ")
}

fn parts(list: &[Part], config: &Config, out: &mut Vec<String>) {
    for part in list {
        if let Some(b) = labels::badges(part.when.as_deref(), config) {
            out.push(format!("({})", worded(&b)));
        }
        match &*part.kind {
            PartKind::Text(md) => out.extend(md.lines().map(str::to_string)),
            PartKind::Note(md) => out.extend(md.lines().map(|l| format!("note: {l}"))),
            PartKind::Caution(md) => out.extend(md.lines().map(|l| format!("caution: {l}"))),
            PartKind::Command {
                shell,
                lines,
                output,
            } => {
                let starts = shell.starts(lines);
                out.extend(lines.iter().zip(starts).map(|(l, first)| {
                    if first {
                        format!("{} {l}", shell.prompt)
                    } else {
                        format!("  {l}")
                    }
                }));
                if let Some(o) = output {
                    out.extend(o.lines().map(|l| format!("  {l}")));
                }
            }
            PartKind::Gui(path) => out.push(path.join(" → ")),
            PartKind::Processes { expect, items } => {
                let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
                out.push(format!("processes {expect:?}: {}", names.join(" ")));
            }
            PartKind::Refs(ids) => out.push(format!("see: {}", ids.join(", "))),
        }
    }
}

/// An environment in the book's words: `Linux / Patch / 2.3 / 2.4`.
fn described_line(config: &Config, env: &Env) -> String {
    let words: Vec<String> = described(config, env).into_iter().map(|(_, v)| v).collect();
    words.join(" / ")
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.envs.len() != 2 {
        bail!("give exactly two environments: --env A --env B");
    }
    let book = match super::load::book(&args.book.book, "nothing was compared") {
        Ok(loaded) => loaded.book,
        Err(code) => return Ok(code),
    };
    let env_of = |spec: &str| {
        match book.config.profiles.iter().find(|p| p.id == spec) {
            Some(p) => Ok(p.env.clone()),
            None => book.config.parse_env(spec),
        }
        .map_err(anyhow::Error::msg)
        .with_context(|| {
            format!(
                "invalid environment `{}`",
                crate::diagnostics::escape_invisible(spec)
            )
        })
    };
    let (a, b) = (env_of(&args.envs[0])?, env_of(&args.envs[1])?);
    let config = &book.config;
    let (sa, sb) = (
        steps(&filter(&book, &a), config),
        steps(&filter(&book, &b), config),
    );
    let mut out = super::stdout();
    writeln!(out, "--- {}: {}", args.envs[0], described_line(config, &a))?;
    writeln!(out, "+++ {}: {}", args.envs[1], described_line(config, &b))?;
    let mut differences = 0;
    for key in reading_order(&book) {
        match (sa.get(&key), sb.get(&key)) {
            (Some(x), None) => writeln!(out, "- {}: {}", key.0, x.place)?,
            (None, Some(y)) => writeln!(out, "+ {}: {}", key.0, y.place)?,
            (Some(x), Some(y)) if x.lines != y.lines => {
                writeln!(out, "~ {}: {} (content differs)", key.0, x.place)?;
                if args.detail {
                    for (tag, lines) in diff_slices(Algorithm::Myers, &x.lines, &y.lines) {
                        let mark = match tag {
                            ChangeTag::Equal => continue,
                            ChangeTag::Delete => '-',
                            ChangeTag::Insert => '+',
                        };
                        for line in lines {
                            writeln!(out, "    {mark} {line}")?;
                        }
                    }
                }
            }
            _ => continue,
        }
        differences += 1;
    }
    let verb = if differences == 1 {
        "differs"
    } else {
        "differ"
    };
    writeln!(out, "{} {verb}", count(differences, "step"))?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
