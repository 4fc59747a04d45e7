//! A hit's condition as a reader reads it. The stored condition is the conjunction of every
//! enclosing `when` (`platform = win and … and from <= 2.7.x and from <= 2.4`): exact,
//! but long and repetitive, and near-identical hits (one reusable step in several
//! procedures) differ only by it. Here it becomes a short list of clauses, each worded
//! with the facet and value labels of book.toml as the site's badges word it
//! (`render::labels`): repeated clauses once, the tightest of several bounds on one
//! version facet, a lower and an upper bound as one range. The site shows only the
//! clauses its reader's environment leaves open.

use std::collections::HashMap;

use crate::condition::{self, Condition, Op};
use crate::config::Config;
use crate::facet::Facet;
use crate::render::labels;

/// Words conditions for one book, each distinct condition once.
pub struct Wording<'a> {
    config: &'a Config,
    cache: HashMap<String, Vec<Clause>>,
}

/// One clause of a condition: its canonical syntax (for `condition.js`) and its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The clause in the canonical syntax, for `condition.js`.
    pub source: String,
    /// The clause in the book's words.
    pub label: String,
}

impl<'a> Wording<'a> {
    /// The wording of `config`'s book.
    pub fn new(config: &'a Config) -> Self {
        Wording {
            config,
            cache: HashMap::new(),
        }
    }

    /// The clauses of a stored condition (canonical syntax); none for a condition that no
    /// longer binds to the book's facets.
    pub fn clauses(&mut self, canonical: &str) -> &[Clause] {
        if !self.cache.contains_key(canonical) {
            let clauses = condition::parse(canonical)
                .ok()
                .and_then(|e| condition::bind(&e, &self.config.facets).ok())
                .map(|c| clauses(&c, self.config))
                .unwrap_or_default();
            self.cache.insert(canonical.to_string(), clauses);
        }
        &self.cache[canonical]
    }

    /// The whole condition in words, one line (`tejun search`'s `condition_text`).
    pub fn text(&mut self, canonical: &str) -> Option<String> {
        let config = self.config;
        joined(self.clauses(canonical), config)
    }
}

/// The simplified clauses of `c`, each with its words.
pub fn clauses(c: &Condition, config: &Config) -> Vec<Clause> {
    simplify(c, &config.facets)
        .into_iter()
        .map(|c| Clause {
            source: c.to_string(),
            label: labels::label(&c, config),
        })
        .collect()
}

/// `c` simplified and worded as one line (`Facet: value, Other: value`, with the language table's separator); `None` when
/// nothing is left to say.
pub fn text(c: &Condition, config: &Config) -> Option<String> {
    joined(&clauses(c, config), config)
}

fn joined(clauses: &[Clause], config: &Config) -> Option<String> {
    let sep = crate::render::i18n::strings(config).and.as_str();
    let words: Vec<&str> = clauses.iter().map(|c| c.label.as_str()).collect();
    (!words.is_empty()).then(|| words.join(sep))
}

/// The conjuncts of `c`, simplified: nested `and`s flattened, one-item groups unwrapped,
/// repeats dropped, of several bounds of one kind on a version facet only the tightest
/// kept, clauses the others imply dropped (tautologies with them), and a facet's lower
/// and upper bound joined into one range clause.
pub fn simplify(c: &Condition, facets: &[Facet]) -> Vec<Condition> {
    let mut flat: Vec<Condition> = Vec::new();
    flatten(c, &mut flat);
    let mut out: Vec<Condition> = Vec::new();
    for c in flat {
        if let Condition::Version { facet, op, version } = &c {
            let tighter = |old: &crate::version::Version| match op {
                Op::Ge | Op::Gt => version > old,
                Op::Le | Op::Lt => version < old,
                Op::Eq | Op::Ne => false,
            };
            let same = out.iter_mut().find(|o| {
                matches!(o, Condition::Version { facet: f, op: p, .. } if f == facet && p == op)
            });
            if let Some(Condition::Version { version: old, .. }) = same {
                if tighter(old) {
                    *old = version.clone();
                }
                continue;
            }
        }
        if !out.contains(&c) {
            out.push(c);
        }
    }
    ranges(without_implied(out, facets))
}

/// Drops each clause the others already imply. `from < R13 or from >= R13`, or a step's
/// variants that between them cover every version its procedure allows, hold wherever
/// the rest does and tell a reader nothing. A tautology is implied by nothing at all.
fn without_implied(mut items: Vec<Condition>, facets: &[Facet]) -> Vec<Condition> {
    let mut i = 0;
    while i < items.len() {
        let mut counter: Vec<Condition> = items
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, c)| c.clone())
            .collect();
        counter.push(Condition::Not(Box::new(items[i].clone())));
        if Condition::And(counter).satisfiable(facets) {
            i += 1;
        } else {
            items.remove(i);
        }
    }
    items
}

fn flatten(c: &Condition, out: &mut Vec<Condition>) {
    match c {
        Condition::And(items) => items.iter().for_each(|i| flatten(i, out)),
        Condition::Or(items) if items.len() == 1 => flatten(&items[0], out),
        other => out.push(other.clone()),
    }
}

/// A facet's `>=` bound followed by its `<=` bound, as one `and` (the labels read it as a
/// range, `A – B` in the language table's words), where the `>=` one stood.
fn ranges(items: Vec<Condition>) -> Vec<Condition> {
    let bound = |c: &Condition, want: Op| match c {
        Condition::Version { facet, op, .. } if *op == want => Some(facet.clone()),
        _ => None,
    };
    // Each `>=` clause's partner `<=` (at most one per facet, after `simplify`).
    let partner: Vec<Option<usize>> = items
        .iter()
        .map(|c| {
            let facet = bound(c, Op::Ge)?;
            items
                .iter()
                .position(|u| bound(u, Op::Le).as_ref() == Some(&facet))
        })
        .collect();
    let mut out = Vec::new();
    for (i, c) in items.iter().enumerate() {
        match partner[i] {
            Some(j) => out.push(Condition::And(vec![c.clone(), items[j].clone()])),
            None if partner.contains(&Some(i)) => {}
            None => out.push(c.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = r#"
title = "t"
language = "en"
[[facet]]
id = "platform"
label = "Platform"
values = [{ id = "win", label = "Windows" }, { id = "linux", label = "Linux" }]
[[facet]]
id = "from"
label = "Installed version"
kind = "version"
[[facet]]
id = "to"
label = "Target version"
kind = "version"
"#;

    fn config() -> Config {
        let mut sources = crate::diagnostics::SourceMap::default();
        let file = sources.add("book.toml".into(), "book.toml".into(), BOOK.into());
        let mut diags = crate::diagnostics::Diagnostics::default();
        Config::parse(BOOK, file, &mut diags).expect("book.toml")
    }

    fn clauses(src: &str) -> Vec<String> {
        let e = condition::parse(src).unwrap();
        let c = condition::bind(&e, &config().facets).unwrap();
        simplify(&c, &config().facets)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn repeats_go_and_the_tightest_bound_stays() {
        assert_eq!(
            clauses("platform = win and from >= 2.8 and (from >= 2.8)"),
            ["platform = win", "from >= 2.8"]
        );
        assert_eq!(
            clauses("platform = win and from <= 2.7.x and from <= 2.4"),
            ["platform = win", "from <= 2.4"]
        );
        assert_eq!(
            clauses("from <= 2.7.x and from >= 2.4.1 and (to <= 2.7.x or to >= 2.8)"),
            ["from >= 2.4.1 and from <= 2.7.x"]
        );
        assert_eq!(
            clauses("from <= 2.7.x and (to <= 2.7.x or to >= 3)"),
            ["from <= 2.7.x", "to <= 2.7.x or to >= 3"]
        );
    }

    #[test]
    fn tautologies_and_implied_clauses_say_nothing() {
        assert_eq!(
            clauses("platform = win and (from < 3 or from >= 3)"),
            ["platform = win"]
        );
        assert!(clauses("from < 3 or from >= 3").is_empty());
        assert_eq!(
            clauses("from >= 2.8 and (from >= 2.4 or platform = linux)"),
            ["from >= 2.8"]
        );
        assert_eq!(
            clauses("platform in [win, linux] and from >= 2.8"),
            ["from >= 2.8"]
        );
    }

    #[test]
    fn a_condition_reads_in_the_books_words() {
        let config = config();
        let mut w = Wording::new(&config);
        assert_eq!(
            w.text("platform = win and from <= 2.7.x and from <= 2.4 and from >= 2.1")
                .as_deref(),
            Some("Platform: Windows, Installed version: 2.1 – 2.4")
        );
        assert_eq!(w.text(""), None);
        assert_eq!(w.text("nofacet = x"), None);
    }
}
