//! Known problems (`content/_problems/`): each resolved like a small procedure (its
//! causes' remedy steps go through the same step resolver, so reuse, placeholders and
//! conditions behave alike), then tied to the steps where it shows. A step names its
//! problems with `problems = [...]`, a problem its steps with `applies_to`; both ends are
//! checked here, once every step id is known.

use std::collections::{HashMap, HashSet};

use super::steps::strsim_distance;
use super::Resolver;
use crate::condition::Condition;
use crate::config::{valid_id, ID_RULE};
use crate::content::raw::SStr;
use crate::content::Problems;
use crate::diagnostics::{Diagnostic, FileId};
use crate::model::{problem_page, Cause, Chapter, ChapterItem, Number, Problem, Target};

/// A step's `problems = [...]` entry, kept until the problems are read.
pub(crate) struct ProblemUse {
    /// The step it is written on (`procedure/step`).
    pub step: String,
    /// The file it is written in (a procedure, or a reusable step used there).
    pub file: FileId,
    /// The problem id as written.
    pub id: SStr,
}

impl Resolver<'_> {
    /// Every problem of `content/_problems/`, with the steps that show it, after the
    /// chapters are resolved (`chapters` gives the reading order of steps).
    pub(super) fn problems(
        &mut self,
        raws: &Problems,
        unread: &HashSet<String>,
        chapters: &[Chapter],
    ) -> Vec<Problem> {
        // Only problems look steps up: a book without any needs no table of its steps.
        let order = if raws.is_empty() {
            HashMap::new()
        } else {
            step_order(chapters)
        };
        self.in_problem = true;
        let mut out: Vec<Problem> = Vec::new();
        for (id, (file, raw)) in raws {
            if !valid_id(id) {
                let shown = self.sources.display(*file);
                self.diags.push(
                    Diagnostic::error(*file, 0..0, format!("invalid problem id `{id}`")).with_hint(
                        format!("the id is the file name: rename `{shown}` ({ID_RULE})"),
                    ),
                );
                continue;
            }
            let file = *file;
            let page = problem_page(id);
            self.plain_title(file, &raw.title);
            let (title, title_source) = self.title_text(raw.title.get_ref());
            let when = self.when(file, raw.when.as_ref(), &[]);
            let outer: Vec<Condition> = when.iter().cloned().collect();
            self.define(
                page.clone(),
                file,
                raw.title.span(),
                Target {
                    number: Number::default(),
                    title: title.clone(),
                    title_source,
                    page: page.clone(),
                    anchor: String::new(),
                    procedure: None,
                    absent: false,
                    absent_twin: Default::default(),
                    section: None,
                },
            );
            let symptom = self.markdown(file, Some(&raw.symptom.text), &page);
            let messages = raw
                .symptom
                .messages
                .iter()
                .map(|m| m.get_ref().trim_end().to_string())
                .collect();
            let mut causes = Vec::new();
            for (ci, c) in raw.cause.iter().enumerate() {
                let cwhen = self.when(file, c.when.as_ref(), &outer);
                let mut inner = outer.clone();
                inner.extend(cwhen.iter().cloned());
                let text = self.markdown(file, Some(&c.text), &page);
                let steps = self.steps(file, &page, &format!("cause{}", ci + 1), &c.step, &inner);
                causes.push(Cause {
                    text,
                    when: cwhen,
                    steps,
                });
            }
            let mut applies_to = Vec::new();
            let mut seen = HashSet::new();
            for key in &raw.applies_to {
                if !self.is_step(key.get_ref(), &order) {
                    self.unknown_step(file, key, &order);
                    continue;
                }
                if !seen.insert(key.get_ref().clone()) {
                    self.diags.push(
                        Diagnostic::warning(
                            file,
                            key.span(),
                            format!("`{}` is listed twice", key.get_ref()),
                        )
                        .with_hint("list each step once"),
                    );
                    continue;
                }
                applies_to.push(key.get_ref().clone());
            }
            out.push(Problem {
                id: id.clone(),
                title,
                when,
                applies_to,
                messages,
                symptom,
                causes,
                source: self.sources.display(file).to_string(),
            });
        }
        self.in_problem = false;
        self.attach_uses(raws, unread, &mut out);
        for p in &mut out {
            p.applies_to
                .sort_by_key(|k| order.get(k.as_str()).copied().unwrap_or(usize::MAX));
            if p.applies_to.is_empty() {
                let (file, raw) = &raws[&p.id];
                self.diags.push(
                    Diagnostic::warning(
                        *file,
                        raw.title.span(),
                        format!("problem `{}` is attached to no step", p.id),
                    )
                    .with_hint(
                        "list the steps where it shows in `applies_to = [\"procedure/step\"]`, \
                         or name it in a step's `problems = [...]`",
                    ),
                );
            }
        }
        out
    }

    /// Steps' `problems = [...]`: each id must name a problem; the step joins its list.
    fn attach_uses(&mut self, raws: &Problems, unread: &HashSet<String>, problems: &mut [Problem]) {
        let uses = std::mem::take(&mut self.problem_uses);
        let index: HashMap<String, usize> = problems
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        let mut seen: HashSet<(String, String)> = HashSet::new();
        for u in uses {
            let id = u.id.get_ref();
            let Some(&i) = index.get(id.as_str()) else {
                if raws.contains_key(id.as_str()) || unread.contains(&problem_page(id)) {
                    // Its own file failed to load or resolve and is reported there.
                    continue;
                }
                let nearest = raws
                    .keys()
                    .map(|k| (strsim_distance(k, id), k))
                    .filter(|(d, _)| *d <= (id.chars().count() / 3).max(2))
                    .min();
                let hint = match nearest {
                    Some((_, k)) => {
                        format!("did you mean `{k}`? problems are the files in content/_problems/")
                    }
                    None => "problems are the files in content/_problems/, named by file name"
                        .to_string(),
                };
                self.diags.push(
                    Diagnostic::error(u.file, u.id.span(), format!("unknown problem `{id}`"))
                        .with_hint(hint),
                );
                continue;
            };
            if !seen.insert((u.step.clone(), id.clone())) {
                continue;
            }
            let p = &mut problems[i];
            if !p.applies_to.contains(&u.step) {
                p.applies_to.push(u.step);
            }
        }
    }

    fn is_step(&self, key: &str, order: &HashMap<String, usize>) -> bool {
        order.contains_key(key)
    }

    /// `applies_to` names no step: say which it might be.
    fn unknown_step(&mut self, file: FileId, key: &SStr, order: &HashMap<String, usize>) {
        let want = key.get_ref();
        let message = if !want.contains('/') {
            format!("`{want}` is not a step: write `procedure/step`")
        } else if self.targets.contains_key(want.as_str()) {
            format!("`{want}` is not a step of a procedure")
        } else {
            format!("no step `{want}`")
        };
        let limit = (want.chars().count() / 3).max(2);
        let nearest = order
            .keys()
            .map(|k| (strsim_distance(k, want), k))
            .filter(|(d, _)| *d <= limit)
            .min()
            .map(|(_, k)| format!("did you mean `{k}`?"));
        let last = want.rsplit('/').next().unwrap_or(want);
        let mut same_id: Vec<&String> = order
            .keys()
            .filter(|k| k.rsplit('/').next() == Some(last))
            .collect();
        same_id.sort();
        let hint = nearest.or_else(|| same_id.first().map(|k| format!("did you mean `{k}`?")));
        let mut d = Diagnostic::error(file, key.span(), message);
        d = d.with_hint(hint.unwrap_or_else(|| {
            "steps are named `procedure/step`, as cross-references write them".to_string()
        }));
        self.diags.push(d);
    }
}

/// Every step's key (`procedure/step`) and its place in reading order.
fn step_order(chapters: &[Chapter]) -> HashMap<String, usize> {
    let mut order = HashMap::new();
    let procedures = chapters.iter().flat_map(|c| {
        c.items.iter().flat_map(|i| match i {
            ChapterItem::Group(g) => g.procedures.iter().collect::<Vec<_>>(),
            ChapterItem::Procedure(p) => vec![p],
        })
    });
    for p in procedures {
        for s in &p.sections {
            for st in s.all_steps() {
                let n = order.len();
                order.entry(format!("{}/{}", p.id, st.id)).or_insert(n);
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use crate::resolve::test_book::TestBook;

    const PROBLEM: &str = "[symptom]\ntext = \"It stops.\"\n\n[[cause]]\ntext = \"A cause.\"\n";

    /// The index behind `problems_at` answers as a scan of every problem would: each
    /// problem once per step (however often it names it, from either side), in id order.
    #[test]
    fn a_steps_problems_are_found_once_each_in_id_order() {
        let book = TestBook::new();
        book.write(
            "content/01-ch/01-setup.toml",
            "title = \"Setup\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n\
             [[section.step]]\nid = \"unpack\"\ntitle = \"Unpack\"\nproblems = [\"b-full\"]\n\
             [[section.step]]\nid = \"start\"\ntitle = \"Start\"\n",
        );
        book.write(
            "content/_problems/b-full.toml",
            &format!("title = \"Full\"\napplies_to = [\"setup/unpack\", \"setup/start\", \"setup/start\"]\n{PROBLEM}"),
        );
        book.write(
            "content/_problems/a-port.toml",
            &format!("title = \"Port\"\napplies_to = [\"setup/unpack\"]\n{PROBLEM}"),
        );
        let (model, _) = crate::resolve::load_book(book.root()).expect("the book loads");
        let at =
            |key: &str| -> Vec<String> { model.problems_at(key).map(|p| p.id.clone()).collect() };
        assert_eq!(at("setup/unpack"), ["a-port", "b-full"]);
        assert_eq!(at("setup/start"), ["b-full"]);
        assert!(at("setup/nothing").is_empty());
    }
}
