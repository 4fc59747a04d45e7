//! The coverage check: for every environment the facets allow, does the book say exactly
//! one thing? It reports a selected step with no applicable variant (a gap), a step with
//! two applicable variants (an overlap), and environments no procedure serves.
//!
//! Environments are searched per step over only the facets its conditions mention: version
//! facets split at the boundaries the book's own conditions use, and a facet's values
//! grouped into the classes its tests can tell apart. The search sets one facet at a time
//! and skips a branch as soon as the conditions settle it (the step is not shown there, or
//! one variant surely applies), so its cost follows the cases the conditions draw rather
//! than the product of every facet's values. The environment it names is still the first
//! one a full enumeration would meet.

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use rayon::prelude::*;

use crate::condition::{Condition, Env, Op, Value};
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

/// An environment found by enumeration, printable as `os=linux, from>2.4`.
#[derive(Debug, PartialEq)]
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
            facet: f,
            version,
            op,
        } if f == facet => {
            out.insert(version.to_string());
            // `= 16.x` is the whole line: its first release is a boundary too.
            if version.is_line() && matches!(op, Op::Eq | Op::Ne) {
                out.insert(version.line_start().to_string());
            }
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
                // `to >= from`: the other side's boundaries are this side's too.
                for other in c.compared_with(&facet.id) {
                    versions_in(c, other, &mut set);
                    // Two values at least, so the two sides can differ.
                    set.insert(Version::zero().to_string());
                }
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

/// A facet to try, with one probe per class of values the conditions cannot tell apart.
struct Axis {
    facet: String,
    probes: Vec<Probe>,
}

/// The facets the conditions mention, in name order, each with its probes. Probes that
/// every test of the facet in `conds` answers alike are one class, tried once through the
/// first of them: a book's conditions name a few of a facet's values, so a facet of a
/// hundred values is mostly two or three classes.
fn axes(facets: &[Facet], conds: &[&Condition]) -> Vec<Axis> {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for c in conds {
        names.extend(c.facets());
    }
    names
        .iter()
        .filter_map(|n| facets.iter().find(|f| f.id == *n))
        .map(|f| Axis {
            facet: f.id.clone(),
            probes: classes(&f.id, probes(f, conds), conds),
        })
        .filter(|a| !a.probes.is_empty())
        .collect()
}

/// The first probe of each class of `all`, in order: two probes are one class when every
/// test of `facet` in `conds` gives both the same answer.
fn classes(facet: &str, all: Vec<Probe>, conds: &[&Condition]) -> Vec<Probe> {
    // A facet compared with another (`to >= from`) cannot be judged alone: keep every probe.
    if conds.iter().any(|c| !c.compared_with(facet).is_empty()) {
        return all;
    }
    let mut tests = Vec::new();
    for c in conds {
        tests_of(c, facet, &mut tests);
    }
    let mut seen: HashSet<Vec<Option<bool>>> = HashSet::new();
    all.into_iter()
        .filter(|p| {
            let env: Env = [(facet.to_string(), p.value.clone())].into();
            seen.insert(tests.iter().map(|t| t.eval(&env)).collect())
        })
        .collect()
}

/// The tests (`facet = v`, `facet in [...]`, `facet >= 2.4`) of `facet` in `c`.
fn tests_of<'c>(c: &'c Condition, facet: &str, out: &mut Vec<&'c Condition>) {
    match c {
        Condition::OneOf { facet: f, .. } | Condition::Version { facet: f, .. } if f == facet => {
            out.push(c)
        }
        Condition::And(v) | Condition::Or(v) => v.iter().for_each(|c| tests_of(c, facet, out)),
        Condition::Not(c) => tests_of(c, facet, out),
        _ => {}
    }
}

/// What a search makes of the environments that extend the facets set so far.
enum Verdict {
    /// None of them is what the search looks for.
    Prune,
    /// Every one of them is (so the first of them is the answer).
    Found,
    /// Some may be: set the next facet.
    Open,
}

/// The first environment, in the order of trying every combination of probes (facets in
/// name order, the last one turning fastest), that the search looks for. `decide` judges
/// the environments that extend a partial one (`complete` when every facet is set), from
/// conditions that are undecided (`None`) while a facet they test is unset; a subtree it
/// decides is skipped whole, so the cost follows the cases the conditions draw rather
/// than the product of all facets' values.
fn first(axes: &[Axis], mut decide: impl FnMut(&Env, bool) -> Verdict) -> Option<Found> {
    let mut env = Env::new();
    // The probe chosen for each facet set so far.
    let mut at: Vec<usize> = Vec::new();
    loop {
        let depth = at.len();
        match decide(&env, depth == axes.len()) {
            Verdict::Found => {
                let shown = axes.iter().enumerate().map(|(k, a)| {
                    let p = &a.probes[at.get(k).copied().unwrap_or(0)];
                    (a.facet.clone(), p.shown.clone())
                });
                return Some(Found(shown.collect()));
            }
            Verdict::Open if depth < axes.len() => {
                let axis = &axes[depth];
                env.insert(axis.facet.clone(), axis.probes[0].value.clone());
                at.push(0);
                continue;
            }
            _ => {}
        }
        // Nothing here: the next probe of the deepest facet that has one left.
        loop {
            let i = at.pop()?;
            let axis = &axes[at.len()];
            if let Some(next) = axis.probes.get(i + 1) {
                env.insert(axis.facet.clone(), next.value.clone());
                at.push(i + 1);
                break;
            }
            env.remove(&axis.facet);
        }
    }
}

/// How a list of conditions (all of which must hold) stands in a partial environment.
fn all_of(conds: &[&Condition], env: &Env) -> Option<bool> {
    let mut open = false;
    for c in conds {
        match c.eval(env) {
            Some(false) => return Some(false),
            None => open = true,
            Some(true) => {}
        }
    }
    (!open).then_some(true)
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

/// The first environment where a step shown under `ctx` has no applicable variant (a
/// gap), and the first where two apply (an overlap).
fn gap_and_overlap(
    facets: &[Facet],
    ctx: &[&Condition],
    variants: &[&Condition],
) -> (Option<Found>, Option<Found>) {
    let mut all = ctx.to_vec();
    all.extend(variants);
    let axes = axes(facets, &all);
    let gap = first(&axes, |env, complete| {
        gap_verdict(ctx, variants, env, complete)
    });
    let overlap = first(&axes, |env, complete| {
        overlap_verdict(ctx, variants, env, complete)
    });
    (gap, overlap)
}

/// The first environment where no chain of conditions (one per procedure) holds.
#[cfg(test)]
fn first_uncovered(facets: &[Facet], chains: &[Vec<&Condition>]) -> Option<Found> {
    first_uncovered_where(facets, chains, &[])
}

/// [`first_uncovered`] among the environments where every one of `rules` holds.
fn first_uncovered_where(
    facets: &[Facet],
    chains: &[Vec<&Condition>],
    rules: &[&Condition],
) -> Option<Found> {
    let mut conds: Vec<&Condition> = chains.iter().flatten().copied().collect();
    conds.extend(rules);
    first(&axes(facets, &conds), |env, complete| {
        match all_of(rules, env) {
            Some(false) => Verdict::Prune,
            Some(true) => uncovered_verdict(chains, env, complete),
            // A rule still open: decide only once it is settled.
            None if complete => Verdict::Prune,
            None => match uncovered_verdict(chains, env, complete) {
                Verdict::Prune => Verdict::Prune,
                _ => Verdict::Open,
            },
        }
    })
}

fn verdict(found: bool) -> Verdict {
    if found {
        Verdict::Found
    } else {
        Verdict::Prune
    }
}

/// Uncovered: no procedure's chain of conditions holds.
fn uncovered_verdict(chains: &[Vec<&Condition>], env: &Env, complete: bool) -> Verdict {
    if complete {
        return verdict(!chains.iter().any(|chain| holds(chain, env)));
    }
    let states: Vec<Option<bool>> = chains.iter().map(|chain| all_of(chain, env)).collect();
    if states.contains(&Some(true)) {
        Verdict::Prune
    } else if states.iter().all(|s| *s == Some(false)) {
        Verdict::Found
    } else {
        Verdict::Open
    }
}

/// A gap: the step is shown (`ctx` holds) and none of its variants applies.
fn gap_verdict(ctx: &[&Condition], variants: &[&Condition], env: &Env, complete: bool) -> Verdict {
    if complete {
        let none = !variants.iter().any(|v| v.eval(env) == Some(true));
        return verdict(holds(ctx, env) && none);
    }
    let shown = all_of(ctx, env);
    let states: Vec<Option<bool>> = variants.iter().map(|v| v.eval(env)).collect();
    if shown == Some(false) || states.contains(&Some(true)) {
        Verdict::Prune
    } else if shown == Some(true) && states.iter().all(|s| *s == Some(false)) {
        Verdict::Found
    } else {
        Verdict::Open
    }
}

/// An overlap: the step is shown and two or more of its variants apply.
fn overlap_verdict(
    ctx: &[&Condition],
    variants: &[&Condition],
    env: &Env,
    complete: bool,
) -> Verdict {
    let states: Vec<Option<bool>> = variants.iter().map(|v| v.eval(env)).collect();
    let sure = states.iter().filter(|s| **s == Some(true)).count();
    if complete {
        return verdict(holds(ctx, env) && sure > 1);
    }
    let shown = all_of(ctx, env);
    let possible = states.iter().filter(|s| **s != Some(false)).count();
    if shown == Some(false) || possible < 2 {
        Verdict::Prune
    } else if shown == Some(true) && sure > 1 {
        Verdict::Found
    } else {
        Verdict::Open
    }
}

/// The coverage check: every environment a step applies to gets exactly one of its variants, and every environment some procedure; gaps and overlaps are errors naming the environment.
pub fn check(book: &Book, diags: &mut Diagnostics) {
    check_remembering(book, diags, None);
}

/// [`check`], skipping each procedure the previous build's `memo` found clean under the
/// same facets, rules, conditions around it and content, and keeping those found clean
/// now for the next build.
pub fn check_remembering(
    book: &Book,
    diags: &mut Diagnostics,
    memo: Option<&crate::output::memo::Memo>,
) {
    let facets = &book.config.facets;
    // Only possible environments count: the rules hold in every one the check visits.
    let rules: Vec<&Condition> = book.config.rules.iter().map(|r| &r.when).collect();
    let mut shared = crate::output::Fingerprinter::new();
    shared
        .bytes(b"coverage clean 1")
        .debug(facets)
        .debug(&rules);
    let shared = shared.finish();
    // Procedure by procedure on every core (each step's variants are checked against every
    // environment), the findings kept in the book's order.
    let found: Vec<Diagnostics> = chains(book)
        .into_par_iter()
        .map(|(proc_, mut chain)| {
            let key = memo.map(|_| {
                let mut key = crate::output::Fingerprinter::new();
                key.fingerprint(shared)
                    .fingerprint(crate::model::feed::procedure_fingerprint(proc_))
                    .debug(&chain);
                key.finish()
            });
            if let (Some(memo), Some(key)) = (memo, key) {
                if memo.recall(key).is_some() {
                    return Diagnostics::default();
                }
            }
            chain.extend(&rules);
            let mut own = Diagnostics::default();
            check_procedure(facets, proc_, &chain, &mut own);
            if let (Some(memo), Some(key), true) = (memo, key, own.items.is_empty()) {
                memo.remember(key, Vec::new());
            }
            own
        })
        .collect();
    for own in found {
        diags.items.extend(own.items);
    }
    uncovered(book, &rules, diags);
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
            ctx.extend(step.when.as_deref());
            let variants: Vec<&Condition> = step.variants.iter().map(|v| &v.when).collect();
            let (gap, overlap) = gap_and_overlap(facets, &ctx, &variants);
            let at = format!(
                "{} {} step {} \"{}\"",
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
fn uncovered(book: &Book, rules: &[&Condition], diags: &mut Diagnostics) {
    let facets = &book.config.facets;
    let chains: Vec<Vec<&Condition>> = chains(book).into_iter().map(|(_, c)| c).collect();
    let uncovered = first_uncovered_where(facets, &chains, rules);
    if let Some(env) = uncovered {
        diags.push(
            Diagnostic::global(format!("no procedure applies when {env}"))
                .with_hint("add a procedure for that environment, or narrow the facets' values"),
        );
    }
}

/// One row of `tejun check --matrix`: a procedure, the conditions that select it (its
/// chapter's, group's and own) and the profiles it appears in.
pub struct MatrixRow<'a> {
    /// The procedure.
    pub procedure: &'a Procedure,
    /// Its chapter's, group's and own conditions.
    pub chain: Vec<&'a Condition>,
    /// The profiles whose runbooks hold it.
    pub profiles: Vec<&'a str>,
}

/// `tejun check --matrix`: for each procedure, its selecting conditions and the profiles
/// that select it. The command words the conditions; this layer only decides.
pub fn matrix(book: &Book) -> Vec<MatrixRow<'_>> {
    chains(book)
        .into_iter()
        .map(|(p, chain)| {
            let profiles = book
                .config
                .profiles
                .iter()
                .filter(|pr| chain.iter().all(|c| c.eval(&pr.env) != Some(false)))
                .map(|pr| pr.id.as_str())
                .collect();
            MatrixRow {
                procedure: p,
                chain,
                profiles,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
