//! The coverage check: for every environment the facets allow, does the book say exactly
//! one thing? It enumerates environments (version facets split at the boundaries the
//! book's own conditions use) and reports a selected step with no applicable variant (a
//! gap), a step with two applicable variants (an overlap), and environments no procedure
//! serves. Enumeration is per step over only the facets that step's conditions mention,
//! which keeps it to a few thousand evaluations per step.

use std::collections::BTreeSet;
use std::fmt;

use crate::condition::{Condition, Env, Value};
use crate::config::{Facet, FacetKind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Book, ChapterItem, Procedure};
use crate::version::Version;

/// One value to try for a facet, with how to show it to a writer.
#[derive(Clone)]
struct Probe {
    value: Value,
    shown: String,
}

/// An environment found by enumeration, printable as `cluster=mscs, from>R12.4`.
pub struct Found(Vec<(String, String)>);

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}{v}")).collect();
        f.write_str(&parts.join(", "))
    }
}

fn versions_in(c: &Condition, facet: &str, out: &mut BTreeSet<String>) {
    match c {
        Condition::Version {
            facet: f, version, ..
        } if f == facet => {
            out.insert(version.to_string());
        }
        Condition::And(v) | Condition::Or(v) => v.iter().for_each(|c| versions_in(c, facet, out)),
        Condition::Not(c) => versions_in(c, facet, out),
        _ => {}
    }
}

fn probes(facet: &Facet, conds: &[&Condition]) -> Vec<Probe> {
    match &facet.kind {
        FacetKind::Enum(values) => values
            .iter()
            .map(|v| Probe {
                value: Value::Enum(v.id.clone()),
                shown: format!("={}", v.id),
            })
            .collect(),
        FacetKind::Version { .. } => {
            let mut set = BTreeSet::new();
            for c in conds {
                versions_in(c, &facet.id, &mut set);
            }
            let mut vs: Vec<Version> = set.iter().filter_map(|s| s.parse().ok()).collect();
            vs.sort();
            let mut out = Vec::new();
            if let Some(first) = vs.first() {
                out.push(Probe {
                    value: Value::Version(Version::zero()),
                    shown: format!("<{first}"),
                });
            }
            for v in vs {
                out.push(Probe {
                    value: Value::Version(v.clone()),
                    shown: format!("={v}"),
                });
                let next = v.just_above();
                out.push(Probe {
                    shown: format!("={next}"),
                    value: Value::Version(next),
                });
            }
            out
        }
    }
}

/// Every combination of probes for the facets the conditions mention, visited in turn
/// until `visit` returns false.
fn each_env(
    facets: &[Facet],
    conds: &[&Condition],
    mut visit: impl FnMut(&Env, &dyn Fn() -> Found) -> bool,
) {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for c in conds {
        names.extend(c.facets());
    }
    let axes: Vec<(String, Vec<Probe>)> = names
        .iter()
        .filter_map(|n| facets.iter().find(|f| f.id == *n))
        .map(|f| (f.id.clone(), probes(f, conds)))
        .filter(|(_, p)| !p.is_empty())
        .collect();
    let total: usize = axes.iter().map(|(_, p)| p.len()).product();
    let mut idx = vec![0usize; axes.len()];
    for _ in 0..total {
        let env: Env = axes
            .iter()
            .zip(&idx)
            .map(|((k, p), &i)| (k.clone(), p[i].value.clone()))
            .collect();
        let describe = || {
            Found(
                axes.iter()
                    .zip(&idx)
                    .map(|((k, p), &i)| (k.clone(), p[i].shown.clone()))
                    .collect(),
            )
        };
        if !visit(&env, &describe) {
            return;
        }
        for (d, (_, p)) in idx.iter_mut().zip(&axes).rev() {
            *d += 1;
            if *d < p.len() {
                break;
            }
            *d = 0;
        }
    }
}

/// The conditions that select a procedure: its chapter's, its group's and its own.
fn chains(book: &Book) -> Vec<(&Procedure, Vec<&Condition>)> {
    let mut out = Vec::new();
    for c in &book.chapters {
        for item in &c.items {
            match item {
                ChapterItem::Procedure(p) => {
                    out.push((&**p, c.when.iter().chain(p.when.iter()).collect()));
                }
                ChapterItem::Group(g) => {
                    for p in &g.procedures {
                        let chain = c
                            .when
                            .iter()
                            .chain(g.when.iter())
                            .chain(p.when.iter())
                            .collect();
                        out.push((&**p, chain));
                    }
                }
            }
        }
    }
    out
}

fn holds(conds: &[&Condition], env: &Env) -> bool {
    conds.iter().all(|c| c.eval(env) == Some(true))
}

pub fn check(book: &Book, diags: &mut Diagnostics) {
    let facets = &book.config.facets;
    for (proc_, chain) in chains(book) {
        check_procedure(facets, proc_, &chain, diags);
    }
    uncovered(book, diags);
}

/// The variants of every step of one procedure, which `chain` (its chapter's, group's and
/// own conditions) selects: exactly one applies in each environment the step is shown in.
pub fn check_procedure(
    facets: &[Facet],
    proc_: &Procedure,
    chain: &[&Condition],
    diags: &mut Diagnostics,
) {
    for section in &proc_.sections {
        let mut outer = chain.to_vec();
        outer.extend(section.when.iter());
        let branch_steps = section
            .branches
            .iter()
            .flat_map(|b| b.steps.iter().map(move |s| (Some(&b.when), s)));
        for (bwhen, step) in section.steps.iter().map(|s| (None, s)).chain(branch_steps) {
            if step.variants.is_empty() {
                continue;
            }
            let mut ctx = outer.clone();
            ctx.extend(bwhen);
            ctx.extend(step.when.iter());
            let mut all = ctx.clone();
            all.extend(step.variants.iter().map(|v| &v.when));
            let (mut gap, mut overlap) = (None, None);
            each_env(facets, &all, |env, describe| {
                if holds(&ctx, env) {
                    let n = step
                        .variants
                        .iter()
                        .filter(|v| v.when.eval(env) == Some(true))
                        .count();
                    if n == 0 && gap.is_none() {
                        gap = Some(describe());
                    }
                    if n > 1 && overlap.is_none() {
                        overlap = Some(describe());
                    }
                }
                gap.is_none() || overlap.is_none()
            });
            let at = format!(
                "{} {} step {} 「{}」",
                proc_.number, proc_.title, step.number, step.title
            );
            let (file, span) = step.origin.clone();
            let start = span.start..span.start;
            if let Some(env) = gap {
                diags.push(
                        Diagnostic::error(file, start.clone(), format!("{at}: no variant applies when {env}"))
                            .with_hint("add a variant for that case, or put the condition on the step itself if the step is not needed then"),
                    );
            }
            if let Some(env) = overlap {
                diags.push(
                    Diagnostic::error(
                        file,
                        start,
                        format!("{at}: more than one variant applies when {env}"),
                    )
                    .with_hint("make the variants' conditions exclusive"),
                );
            }
        }
    }
}

/// Every environment the facets describe is served by at least one procedure.
fn uncovered(book: &Book, diags: &mut Diagnostics) {
    let facets = &book.config.facets;
    let all: Vec<(&Procedure, Vec<&Condition>)> = chains(book);
    let conds: Vec<&Condition> = all.iter().flat_map(|(_, c)| c.iter().copied()).collect();
    let mut uncovered = None;
    each_env(facets, &conds, |env, describe| {
        if !all.iter().any(|(_, chain)| holds(chain, env)) {
            uncovered = Some(describe());
            return false;
        }
        true
    });
    if let Some(env) = uncovered {
        diags.push(
            Diagnostic::global(format!("no procedure applies when {env}"))
                .with_hint("add a procedure for that environment, or narrow the facets' values"),
        );
    }
}

/// `tejun check --matrix`: for each procedure, its selecting condition and the profiles
/// that select it.
pub fn matrix(book: &Book) -> Vec<String> {
    let mut lines = Vec::new();
    for (p, chain) in chains(book) {
        let cond = if chain.is_empty() {
            "(always)".to_string()
        } else {
            chain
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(" and ")
        };
        let profiles: Vec<&str> = book
            .config
            .profiles
            .iter()
            .filter(|pr| chain.iter().all(|c| c.eval(&pr.env) != Some(false)))
            .map(|pr| pr.id.as_str())
            .collect();
        lines.push(format!(
            "{} {}\n    when: {cond}\n    profiles: {}",
            p.number,
            p.title,
            if profiles.is_empty() {
                "(none)".to_string()
            } else {
                profiles.join(", ")
            }
        ));
    }
    lines
}
