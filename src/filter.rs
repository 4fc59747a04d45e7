//! Filtering: a pure function from a book and an environment to the view of the book that
//! applies to it. What the environment rules out disappears; what depends on a facet it
//! leaves open stays, labelled with the part of its condition still undecided; steps are
//! renumbered 1..n in every section and branch, so a runbook reads without gaps.

use crate::condition::{Condition, Env};
use crate::model::targets::{inner_key_hash, key_hash};
use crate::model::*;
use rayon::prelude::*;

/// How a condition fares under an environment.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// The environment satisfies it.
    Holds,
    /// The environment rules it out.
    Fails,
    /// Depends on open facets; the condition reduced to what is still undecided.
    Open(Condition),
}

/// Decides `c` as far as `env` allows, simplifying away the parts it settles.
pub fn decide(c: &Condition, env: &Env) -> Decision {
    match c {
        Condition::And(items) => {
            let mut open = Vec::new();
            for i in items {
                match decide(i, env) {
                    Decision::Fails => return Decision::Fails,
                    Decision::Holds => {}
                    Decision::Open(o) => open.push(o),
                }
            }
            match open.len() {
                0 => Decision::Holds,
                1 => Decision::Open(open.remove(0)),
                _ => Decision::Open(Condition::And(open)),
            }
        }
        Condition::Or(items) => {
            let mut open = Vec::new();
            for i in items {
                match decide(i, env) {
                    Decision::Holds => return Decision::Holds,
                    Decision::Fails => {}
                    Decision::Open(o) => open.push(o),
                }
            }
            match open.len() {
                0 => Decision::Fails,
                1 => Decision::Open(open.remove(0)),
                _ => Decision::Open(Condition::Or(open)),
            }
        }
        Condition::Not(inner) => match decide(inner, env) {
            Decision::Holds => Decision::Fails,
            Decision::Fails => Decision::Holds,
            Decision::Open(o) => Decision::Open(Condition::Not(Box::new(o))),
        },
        leaf => match leaf.eval(env) {
            Some(true) => Decision::Holds,
            Some(false) => Decision::Fails,
            None => Decision::Open(leaf.clone()),
        },
    }
}

/// `Some(remaining condition)` when the node is kept, `None` when it is dropped.
fn keep(when: Option<&Condition>, env: &Env) -> Option<Option<Condition>> {
    match when {
        None => Some(None),
        Some(c) => match decide(c, env) {
            Decision::Holds => Some(None),
            Decision::Fails => None,
            Decision::Open(o) => Some(Some(o)),
        },
    }
}

/// The view of `book` for `env`. Numbers of chapters, procedures and sections stay those of
/// the whole book (so "1.1.2" means the same everywhere); steps are renumbered.
pub fn filter(book: &Book, env: &Env) -> Book {
    let mut out = book.clone();
    out.config.env = env.clone();
    // Each chapter on its own core: every runbook filters the whole book.
    out.chapters = book
        .chapters
        .par_iter()
        .filter_map(|c| {
            let when = keep(c.when.as_ref(), env)?;
            let items: Vec<ChapterItem> =
                c.items
                    .iter()
                    .filter_map(|i| match i {
                        ChapterItem::Procedure(p) => procedure(p, env)
                            .map(|p| ChapterItem::Procedure(std::sync::Arc::new(p))),
                        ChapterItem::Group(g) => {
                            let when = keep(g.when.as_ref(), env)?;
                            let procedures: Vec<std::sync::Arc<Procedure>> = g
                                .procedures
                                .iter()
                                .filter_map(|p| procedure(p, env).map(std::sync::Arc::new))
                                .collect();
                            (!procedures.is_empty()).then(|| {
                                ChapterItem::Group(Group {
                                    when,
                                    procedures,
                                    ..g.clone()
                                })
                            })
                        }
                    })
                    .collect();
            (!items.is_empty()).then(|| Chapter {
                when,
                items,
                ..c.clone()
            })
        })
        .collect();
    // What the view holds: its steps decide which steps a problem still applies to.
    let mut held = held_keys(&out.chapters);
    out.problems = std::sync::Arc::new(problems(&held, book, env));
    out.problem_steps = Default::default();
    held.extend(problem_targets(&out.problems).iter().map(|k| key_hash(k)));
    // Steps were renumbered: their link targets follow. A procedure that kept every step
    // kept their numbers, so only the others' keys are made and looked up.
    let original: rustc_hash::FxHashMap<&str, &Procedure> =
        book.procedures().map(|p| (p.id.as_str(), p)).collect();
    let renumbered: Vec<(String, u32)> = out
        .procedures()
        .filter(|p| {
            original
                .get(p.id.as_str())
                .is_none_or(|o| !numbers(o).eq(numbers(p)))
        })
        .flat_map(|p| {
            p.sections.iter().flat_map(move |s| {
                s.all_steps()
                    .map(move |st| (format!("{}/{}", p.id, st.id), st.number))
            })
        })
        .collect();
    // The view shares the book's map; what the environment ruled out stays a target
    // (links to it still resolve and show its title) but reads as absent, so no link
    // points at an anchor the page lacks. Only what the view changes is copied.
    let base = book.targets.whole();
    let mut changed = TargetMap::default();
    for (key, n) in renumbered {
        if let Some(t) = base.get(&key) {
            if t.number.0 != [n] || t.absent {
                let mut copy = (**t).clone();
                copy.number = Number(vec![n]);
                copy.absent = false;
                changed.insert(key, std::sync::Arc::new(copy));
            }
        }
    }
    // A map that is itself a view's made whole marks what that view left out.
    if base.values().any(|t| t.absent) {
        for (key, t) in base.iter() {
            if t.absent && !changed.contains_key(key) && held.contains(&key_hash(key)) {
                let mut copy = (**t).clone();
                copy.absent = false;
                changed.insert(key.clone(), std::sync::Arc::new(copy));
            }
        }
    }
    out.targets = TargetTable::with_view(base, held, changed);
    retitle(&mut out);
    out
}

/// Titles that show facet values (`Upgrade to [[to.minor]]`) shown again with the view's
/// environment: the link targets (which fill cross-references, contents and search), then
/// the chapters, groups, procedures, sections and steps that carry the same title.
fn retitle(book: &mut Book) {
    let config = book.config.clone();
    let shown = |source: &Option<String>| {
        source
            .as_deref()
            .map(|s| config.with_facets(s).into_owned())
    };
    // A view's copies of targets are the map's with another number or absence: the
    // map tells which titles show values.
    let titled: Vec<String> = book
        .targets
        .base()
        .iter()
        .filter(|(_, t)| t.title_source.is_some())
        .map(|(k, _)| k.clone())
        .collect();
    if titled.is_empty() {
        return;
    }
    for key in titled {
        let Some(title) = book.targets.get(&key).and_then(|t| shown(&t.title_source)) else {
            continue;
        };
        if book.targets.get(&key).is_some_and(|t| t.title != title) {
            book.targets.change(&key, |t| t.title = title);
        }
    }
    let targets = book.targets.clone();
    let from_target = |key: &str, title: &mut String| {
        if let Some(t) = targets.get(key).filter(|t| t.title_source.is_some()) {
            title.clone_from(&t.title);
        }
    };
    for pr in std::sync::Arc::make_mut(&mut book.problems) {
        from_target(&pr.page(), &mut pr.title);
    }
    for c in &mut book.chapters {
        from_target(&c.id, &mut c.title);
        for item in &mut c.items {
            let list: Vec<&mut std::sync::Arc<Procedure>> = match item {
                ChapterItem::Procedure(p) => vec![p],
                ChapterItem::Group(g) => {
                    from_target(&g.id, &mut g.title);
                    g.procedures.iter_mut().collect()
                }
            };
            for p in list {
                if !shows_values(p) {
                    continue;
                }
                let p = std::sync::Arc::make_mut(p);
                if let Some(t) = shown(&p.title_source) {
                    p.title = t;
                }
                for s in &mut p.sections {
                    if let Some(t) = shown(&s.title_source) {
                        s.title = t;
                    }
                    let lists = std::iter::once(&mut s.steps)
                        .chain(s.branches.iter_mut().map(|b| &mut b.steps));
                    // A list the book shares is copied only when a title in it changes.
                    for list in lists {
                        if !list.iter().any(|st| st.title_source.is_some()) {
                            continue;
                        }
                        for st in std::sync::Arc::make_mut(list).iter_mut() {
                            if let Some(t) = shown(&st.title_source) {
                                st.title = t;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Whether any title of `p` shows facet values.
fn shows_values(p: &Procedure) -> bool {
    p.title_source.is_some()
        || p.sections
            .iter()
            .any(|s| s.title_source.is_some() || s.all_steps().any(|st| st.title_source.is_some()))
}

/// The step numbers of `p`, in reading order.
fn numbers(p: &Procedure) -> impl Iterator<Item = u32> + '_ {
    p.sections
        .iter()
        .flat_map(|s| s.all_steps().map(|st| st.number))
}

/// The keys of the link targets a view holds ([`key_hash`]): its chapters, groups and
/// procedures, and their sections and steps as `procedure/id`. Hashed, not made into
/// strings: a large book has a hundred thousand.
fn held_keys(chapters: &[Chapter]) -> rustc_hash::FxHashSet<u128> {
    let mut held = rustc_hash::FxHashSet::default();
    let mut buf = Vec::new();
    for c in chapters {
        held.insert(key_hash(&c.id));
        for item in &c.items {
            let list = match item {
                ChapterItem::Group(g) => {
                    held.insert(key_hash(&g.id));
                    g.procedures.as_slice()
                }
                ChapterItem::Procedure(p) => std::slice::from_ref(p),
            };
            for p in list {
                held.insert(key_hash(&p.id));
                for s in &p.sections {
                    held.insert(inner_key_hash(&p.id, &s.id, &mut buf));
                    for st in s.all_steps() {
                        held.insert(inner_key_hash(&p.id, &st.id, &mut buf));
                    }
                }
            }
        }
    }
    held
}

/// The target keys of `problems` and their remedy steps.
fn problem_targets(problems: &[Problem]) -> Vec<String> {
    let mut keys = Vec::new();
    for p in problems {
        keys.push(p.page());
        for c in &p.causes {
            keys.extend(c.steps.iter().map(|st| format!("{}/{}", p.page(), st.id)));
        }
    }
    keys
}

/// The problems `env` leaves possible, each with the causes it leaves and only the steps
/// the view still holds (`held`: the keys of what it holds, [`held_keys`]).
fn problems(held: &rustc_hash::FxHashSet<u128>, book: &Book, env: &Env) -> Vec<Problem> {
    book.problems
        .iter()
        .filter_map(|p| {
            let when = keep(p.when.as_ref(), env)?;
            let causes: Vec<Cause> = p
                .causes
                .iter()
                .filter_map(|c| {
                    let when = keep(c.when.as_ref(), env)?;
                    Some(Cause {
                        when,
                        steps: step_list(&c.steps, env),
                        ..c.clone()
                    })
                })
                .collect();
            Some(Problem {
                when,
                causes,
                applies_to: p
                    .applies_to
                    .iter()
                    .filter(|k| held.contains(&key_hash(k)))
                    .cloned()
                    .collect(),
                ..p.clone()
            })
        })
        .collect()
}

fn procedure(p: &Procedure, env: &Env) -> Option<Procedure> {
    let when = keep(p.when.as_ref(), env)?;
    let sections: Vec<Section> = p.sections.iter().filter_map(|s| section(s, env)).collect();
    // Field by field, never `..p.clone()`: that copies the whole procedure, the sections it
    // then drops included (every runbook filters the whole book).
    let Procedure {
        id,
        number,
        title,
        title_source,
        when: _,
        intro,
        sections: _,
        source,
        fingerprint: _,
    } = p;
    Some(Procedure {
        id: id.clone(),
        number: number.clone(),
        title: title.clone(),
        title_source: title_source.clone(),
        when,
        intro: intro.clone(),
        sections,
        source: source.clone(),
        fingerprint: Default::default(),
    })
}

fn section(s: &Section, env: &Env) -> Option<Section> {
    let when = keep(s.when.as_ref(), env)?;
    let branches: Vec<Branch> = s
        .branches
        .iter()
        .filter_map(|b| {
            let bwhen = match decide(&b.when, env) {
                Decision::Fails => return None,
                Decision::Holds => None,
                Decision::Open(o) => Some(o),
            };
            let Branch {
                label,
                when: _,
                intro,
                steps: list,
            } = b;
            Some(Branch {
                label: label.clone(),
                // A branch the environment settles needs no label condition, but keeps its label.
                when: bwhen.unwrap_or(Condition::And(Vec::new())),
                intro: intro.clone(),
                steps: steps(list, env),
            })
        })
        .collect();
    let Section {
        id,
        number,
        title,
        title_source,
        when: _,
        intro,
        steps: list,
        branches: _,
    } = s;
    Some(Section {
        id: id.clone(),
        number: number.clone(),
        title: title.clone(),
        title_source: title_source.clone(),
        when,
        intro: intro.clone(),
        steps: steps(list, env),
        branches,
    })
}

fn steps(list: &Steps, env: &Env) -> Steps {
    // A list no environment changes is the book's own (most of a book's lists).
    let fixed = list
        .iter()
        .enumerate()
        .all(|(i, s)| s.number as usize == i + 1 && fixed_step(s));
    if fixed {
        return std::sync::Arc::clone(list);
    }
    std::sync::Arc::new(step_list(list, env))
}

/// The steps of `list` that `env` keeps, numbered from 1.
fn step_list(list: &[Step], env: &Env) -> Vec<Step> {
    let mut out = Vec::with_capacity(list.len());
    for s in list {
        let Some(when) = keep(s.when.as_deref(), env) else {
            continue;
        };
        let variants: Vec<Variant> = s
            .variants
            .iter()
            .filter_map(|v| {
                let when = match decide(&v.when, env) {
                    Decision::Fails => return None,
                    Decision::Holds => Condition::And(Vec::new()),
                    Decision::Open(o) => o,
                };
                let Variant {
                    label,
                    when: _,
                    parts: list,
                } = v;
                Some(Variant {
                    label: label.clone(),
                    when,
                    parts: parts(list, env),
                })
            })
            .collect();
        // "本手順は必要ありません": a step whose every variant is ruled out is not a step here.
        if !s.variants.is_empty() && variants.is_empty() {
            continue;
        }
        let (before, after) = s.parts.split_at(s.variants_at.min(s.parts.len()));
        let mut kept = parts(before, env);
        let variants_at = kept.len();
        kept.extend(parts(after, env));
        let Step {
            id,
            number: _,
            title,
            title_source,
            when: _,
            parts: _,
            variants: _,
            variants_at: _,
            reused,
            origin,
        } = s;
        out.push(Step {
            id: id.clone(),
            number: out.len() as u32 + 1,
            title: title.clone(),
            title_source: title_source.clone(),
            when: when.map(Box::new),
            parts: kept,
            variants,
            variants_at,
            reused: reused.clone(),
            origin: origin.clone(),
        });
    }
    out
}

/// Whether `s` is the same step in every environment: nothing in it has a condition.
fn fixed_step(s: &Step) -> bool {
    s.when.is_none()
        && s.variants.is_empty()
        && s.parts.iter().all(|p| {
            p.when.is_none()
                && !matches!(&*p.kind, PartKind::Processes { items, .. } if items.iter().any(|i| i.when.is_some()))
        })
}

fn parts(list: &[Part], env: &Env) -> Vec<Part> {
    list.iter()
        .filter_map(|p| {
            let when = keep(p.when.as_deref(), env)?;
            let kind = match &*p.kind {
                PartKind::Processes { expect, items } if items.iter().any(|i| i.when.is_some()) => {
                    std::sync::Arc::new(PartKind::Processes {
                        expect: *expect,
                        items: items
                            .iter()
                            .filter_map(|i| {
                                let when = keep(i.when.as_ref(), env)?;
                                Some(ProcessItem { when, ..i.clone() })
                            })
                            .collect(),
                    })
                }
                _ => std::sync::Arc::clone(&p.kind),
            };
            Some(Part {
                when: when.map(Box::new),
                kind,
            })
        })
        .collect()
}

/// Whether a condition is the always-true empty conjunction the filter leaves behind.
pub fn is_trivial(c: &Condition) -> bool {
    matches!(c, Condition::And(v) if v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::test_book::TestBook;

    /// A view keeps the book's own list of steps where nothing in it depends on the
    /// environment, and makes its own where a step is left out or a condition settled; the
    /// book's lists stay as they were either way.
    #[test]
    fn views_share_the_step_lists_no_environment_changes() {
        let dir = TestBook::new();
        dir.write(
            "content/01-ch/01-a.toml",
            "title = \"A\"\n[[section]]\nid = \"plain\"\ntitle = \"Plain\"\n\
             [[section.step]]\nid = \"one\"\ntitle = \"One\"\n\
             [[section.step]]\nid = \"two\"\ntitle = \"Two\"\n\
             [[section]]\nid = \"mixed\"\ntitle = \"Mixed\"\n\
             [[section.step]]\nid = \"win\"\ntitle = \"Windows only\"\nwhen = \"os = win\"\n\
             [[section.step]]\nid = \"all\"\ntitle = \"Everywhere\"\n",
        );
        let (book, _) = crate::resolve::load_book(dir.root()).expect("a clean book");
        let unix = crate::facet::parse_env(&book.config.facets, "os=unix").expect("env");
        let view = filter(&book, &unix);
        let sections = |b: &Book| b.procedures().next().expect("a procedure").sections.clone();
        let (ours, theirs) = (sections(&view), sections(&book));
        assert!(
            std::sync::Arc::ptr_eq(&ours[0].steps, &theirs[0].steps),
            "the plain section's steps are the book's"
        );
        assert!(!std::sync::Arc::ptr_eq(&ours[1].steps, &theirs[1].steps));
        let seen: Vec<(&str, u32)> = ours[1]
            .steps
            .iter()
            .map(|s| (s.id.as_str(), s.number))
            .collect();
        assert_eq!(
            seen,
            [("all", 1)],
            "the Windows step gone, the rest renumbered"
        );
        assert_eq!(theirs[1].steps.len(), 2, "the book's own list is untouched");
        assert_eq!(theirs[1].steps[1].number, 2);
    }

    /// Views that leave a target out share one absent copy of it; the book's stays as it
    /// was, and a view holding the target alone marks it in place.
    #[test]
    fn views_share_the_absent_copy_of_a_target_they_leave_out() {
        let dir = TestBook::new();
        dir.write(
            "content/01-ch/01-a.toml",
            "title = \"A\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n\
             [[section.step]]\nid = \"win\"\ntitle = \"Windows only\"\nwhen = \"os = win\"\n\
             [[section.step]]\nid = \"all\"\ntitle = \"Everywhere\"\n",
        );
        let (book, _) = crate::resolve::load_book(dir.root()).expect("a clean book");
        let unix = crate::facet::parse_env(&book.config.facets, "os=unix").expect("env");
        let (one, two) = (filter(&book, &unix), filter(&book, &unix));
        let (a, b) = (&one.targets["a/win"], &two.targets["a/win"]);
        assert!(a.absent && b.absent);
        assert!(std::sync::Arc::ptr_eq(a, b), "one copy for both views");
        assert!(!book.targets["a/win"].absent, "the book's own is untouched");
        assert_eq!(
            Target {
                absent: false,
                ..(**a).clone()
            },
            *book.targets["a/win"]
        );
        let mut alone = std::sync::Arc::new((*book.targets["a/all"]).clone());
        let before = std::sync::Arc::as_ptr(&alone);
        Target::mark_absent(&mut alone);
        assert!(alone.absent);
        assert_eq!(std::sync::Arc::as_ptr(&alone), before, "marked in place");
    }
}
