//! Sections, steps, variants and parts, with reusable steps expanded in place.

use std::collections::HashSet;
use std::ops::Range;

use toml::Spanned;

use super::{CommandSite, Resolver};
use crate::condition::Condition;
use crate::content::raw::{
    map_step_strings, RawPart, RawProcessItem, RawSection, RawStep, RawVariant,
};
use crate::diagnostics::{Diagnostic, FileId};
use crate::model::*;

/// Reusable steps being expanded, innermost last: a `use` of one of them is a cycle.
type UseStack = Vec<String>;

/// How many reusable steps may be expanded inside one another. Each level is a few frames
/// of this resolver on the stack, and a chain of a thousand overflowed it; real books nest
/// two or three deep.
pub const MAX_REUSE_DEPTH: usize = 32;

impl Resolver<'_> {
    pub(super) fn section(
        &mut self,
        file: FileId,
        proc_id: &str,
        raw: &RawSection,
        number: Number,
        outer: &[Condition],
    ) -> Section {
        let id = raw.id.get_ref().clone();
        let when = self.when(file, raw.when.as_ref(), outer);
        let mut inner = outer.to_vec();
        inner.extend(when.iter().cloned());
        self.define(
            format!("{proc_id}/{id}"),
            file,
            raw.id.span(),
            Target {
                number: number.clone(),
                title: raw.title.get_ref().clone(),
                page: proc_id.to_string(),
                anchor: format!("sec-{id}"),
                procedure: Some(proc_id.to_string()),
                absent: false,
            },
        );
        let intro = self.markdown(file, raw.intro.as_ref(), proc_id);
        if !raw.step.is_empty() && !raw.branch.is_empty() {
            self.diags.push(
                Diagnostic::error(
                    file,
                    raw.id.span(),
                    format!("section `{id}` has both steps and branches"),
                )
                .with_hint("put every step inside a [[section.branch]], or drop the branches"),
            );
        }
        let steps = self.steps(file, proc_id, &id, &raw.step, &inner);
        let mut branches = Vec::new();
        for (bi, b) in raw.branch.iter().enumerate() {
            let Some(bwhen) = self.when(file, Some(&b.when), &inner) else {
                continue;
            };
            let mut binner = inner.clone();
            binner.push(bwhen.clone());
            let prefix = format!("{id}-b{}", bi + 1);
            branches.push(Branch {
                label: b.label.get_ref().clone(),
                when: bwhen,
                intro: self.markdown(file, b.intro.as_ref(), proc_id),
                steps: self.steps(file, proc_id, &prefix, &b.step, &binner),
            });
        }
        Section {
            id,
            number,
            title: raw.title.get_ref().clone(),
            when,
            intro,
            steps,
            branches,
        }
    }

    fn steps(
        &mut self,
        file: FileId,
        proc_id: &str,
        prefix: &str,
        raws: &[Spanned<RawStep>],
        outer: &[Condition],
    ) -> Vec<Step> {
        let mut out = Vec::new();
        for (i, raw) in raws.iter().enumerate() {
            let n = i as u32 + 1;
            let mut stack = UseStack::new();
            let Some(mut step) =
                self.step(file, proc_id, raw.get_ref(), raw.span(), outer, &mut stack)
            else {
                continue;
            };
            step.number = n;
            step.origin = (file, raw.span());
            let (id, span) = match &raw.get_ref().id {
                Some(s) => (s.get_ref().clone(), s.span()),
                None => (format!("{prefix}-{n}"), raw.span().start..raw.span().start),
            };
            step.id = id.clone();
            self.define(
                format!("{proc_id}/{id}"),
                file,
                span,
                Target {
                    number: Number(vec![n]),
                    title: step.title.clone(),
                    page: proc_id.to_string(),
                    anchor: format!("step-{id}"),
                    procedure: Some(proc_id.to_string()),
                    absent: false,
                },
            );
            out.push(step);
        }
        out
    }

    /// Builds one step; `file` is the file `raw` was read from (a procedure, or a
    /// `_steps/` file while expanding a `use`).
    fn step(
        &mut self,
        file: FileId,
        owner: &str,
        raw: &RawStep,
        span: Range<usize>,
        outer: &[Condition],
        stack: &mut UseStack,
    ) -> Option<Step> {
        let when = self.when(file, raw.when.as_ref(), outer);
        let mut inner = outer.to_vec();
        inner.extend(when.iter().cloned());
        let mut base = match &raw.use_ {
            Some(use_id) => self.expand_use(file, owner, raw, use_id, &inner, stack)?,
            None => {
                if let Some(params) = &raw.params {
                    if stack.is_empty() {
                        self.diags.push(
                            Diagnostic::error(
                                file,
                                params.span(),
                                "`params` belongs in a reusable step file",
                            )
                            .with_hint("move the step to content/_steps/ID.toml and `use` it here"),
                        );
                    }
                }
                let Some(title) = &raw.title else {
                    self.diags.push(
                        Diagnostic::error(
                            file,
                            span.start..span.start,
                            "step has neither `title` nor `use`",
                        )
                        .with_hint(
                            "give it a title, or `use = \"ID\"` of a step in content/_steps/",
                        ),
                    );
                    return None;
                };
                Step {
                    id: String::new(),
                    number: 0,
                    title: title.get_ref().clone(),
                    when: None,
                    parts: Vec::new(),
                    variants: Vec::new(),
                    reused: None,
                    origin: (file, span.clone()),
                }
            }
        };
        if raw.use_.is_some() {
            if let Some(t) = &raw.title {
                base.title = t.get_ref().clone();
            }
        }
        base.when = match (base.when.take(), when) {
            (Some(a), Some(b)) => Some(Condition::And(vec![b, a])),
            (a, b) => a.or(b),
        };
        if let Some(body) = &raw.body {
            let text = self.markdown(file, Some(body), owner);
            base.parts.push(Part {
                when: None,
                kind: PartKind::Text(text),
            });
        }
        for p in &raw.part {
            if let Some(part) = self.part(file, owner, p, &inner) {
                base.parts.push(part);
            }
        }
        let mut variants = Vec::new();
        for v in &raw.variant {
            if let Some(variant) = self.variant(file, owner, v, &inner) {
                variants.push(variant);
            }
        }
        if self.reuse_depth > 0 {
            // A reusable step's variants are written for every place it is used; the ones
            // that can never hold here (the R12.8 path inside an R12.7.x-only procedure) are
            // dead text at this use site. Keep them all if none would be left, so the
            // coverage check still reports the gap.
            let live: Vec<Variant> = variants
                .iter()
                .filter(|v| {
                    let mut all = inner.clone();
                    all.push(v.when.clone());
                    Condition::And(all).satisfiable(&self.config.facets)
                })
                .cloned()
                .collect();
            if !live.is_empty() {
                variants = live;
            }
        }
        base.variants.extend(variants);
        Some(base)
    }

    fn expand_use(
        &mut self,
        file: FileId,
        owner: &str,
        raw: &RawStep,
        use_id: &Spanned<String>,
        outer: &[Condition],
        stack: &mut UseStack,
    ) -> Option<Step> {
        let name = use_id.get_ref();
        if stack.contains(name) {
            let chain = stack
                .iter()
                .chain(std::iter::once(name))
                .cloned()
                .collect::<Vec<_>>()
                .join(" → ");
            self.diags.push(
                Diagnostic::error(
                    file,
                    use_id.span(),
                    format!("reusable steps use each other in a cycle: {chain}"),
                )
                .with_hint("a reusable step may not (even indirectly) use itself"),
            );
            return None;
        }
        if stack.len() >= MAX_REUSE_DEPTH {
            let chain = match stack.as_slice() {
                [first, .., last] => format!("{first} → … → {last} → {name}"),
                _ => name.clone(),
            };
            self.diags.push(
                Diagnostic::error(
                    file,
                    use_id.span(),
                    format!("reusable steps nest at most {MAX_REUSE_DEPTH} deep: {chain}"),
                )
                .with_hint("write this step out here instead of using another one"),
            );
            return None;
        }
        let Some((rfile, reusable)) = self.reusable.get(name).cloned() else {
            let mut known: Vec<&String> = self.reusable.keys().collect();
            known.sort_by_key(|k| strsim_distance(k, name));
            let hint = match known.first() {
                Some(k) => {
                    format!("did you mean `{k}`? reusable steps are the files in content/_steps/")
                }
                None => {
                    "reusable steps are the files in content/_steps/ (none exist yet)".to_string()
                }
            };
            self.diags.push(
                Diagnostic::error(
                    file,
                    use_id.span(),
                    format!("unknown reusable step `{name}`"),
                )
                .with_hint(hint),
            );
            return None;
        };
        let declared: Vec<String> = reusable
            .params
            .as_ref()
            .map(|p| p.get_ref().iter().map(|s| s.get_ref().clone()).collect())
            .unwrap_or_default();
        let given = raw
            .with
            .as_ref()
            .map(|w| w.get_ref().clone())
            .unwrap_or_default();
        let mut ok = true;
        for (k, v) in &given {
            if !declared.contains(k) {
                ok = false;
                self.diags.push(
                    Diagnostic::error(
                        file,
                        v.span(),
                        format!("reusable step `{name}` has no parameter `{k}`"),
                    )
                    .with_hint(if declared.is_empty() {
                        "it takes no parameters".to_string()
                    } else {
                        format!("its parameters: {}", declared.join(", "))
                    }),
                );
            }
        }
        for d in &declared {
            if !given.contains_key(d) {
                ok = false;
                self.diags.push(
                    Diagnostic::error(
                        file,
                        use_id.span(),
                        format!("reusable step `{name}` needs parameter `{d}`"),
                    )
                    .with_hint(format!("add `with = {{ {d} = \"…\" }}`")),
                );
            }
        }
        if !ok {
            return None;
        }
        let mut expanded = reusable.clone();
        let values: Vec<(String, String)> = given
            .iter()
            .map(|(k, v)| (format!("{{{{{k}}}}}"), v.get_ref().clone()))
            .collect();
        map_step_strings(&mut expanded, &|s: &str| {
            let mut s = s.to_string();
            for (k, v) in &values {
                s = s.replace(k.as_str(), v);
            }
            s
        });
        self.undeclared_params(rfile, &expanded);
        expanded.id = None;
        stack.push(name.clone());
        self.reuse_depth += 1;
        let step = self.step(rfile, owner, &expanded, 0..0, outer, stack);
        self.reuse_depth -= 1;
        stack.pop();
        let mut step = step?;
        step.reused = Some(name.clone());
        Some(step)
    }

    /// A `{{name}}` left after substitution names a parameter the step never declared.
    fn undeclared_params(&mut self, file: FileId, step: &RawStep) {
        let mut seen = HashSet::new();
        let mut check =
            |s: &str, span: Range<usize>, diags: &mut crate::diagnostics::Diagnostics| {
                if let Some(start) = s.find("{{") {
                    let end = s[start..]
                        .find("}}")
                        .map(|e| start + e + 2)
                        .unwrap_or(s.len());
                    let name = s[start..end].to_string();
                    if seen.insert(name.clone()) {
                        diags.push(
                            Diagnostic::error(
                                file,
                                span,
                                format!("`{name}` is not a declared parameter"),
                            )
                            .with_hint(
                                "declare it with params = [\"…\"] at the top of the reusable step",
                            ),
                        );
                    }
                }
            };
        for s in [&step.title, &step.when, &step.body].into_iter().flatten() {
            check(s.get_ref(), s.span(), self.diags);
        }
        let parts = step
            .part
            .iter()
            .chain(step.variant.iter().flat_map(|v| v.part.iter()));
        for p in parts {
            let r = p.get_ref();
            for s in [
                &r.text, &r.cmd, &r.gui, &r.note, &r.caution, &r.output, &r.when,
            ]
            .into_iter()
            .flatten()
            {
                check(s.get_ref(), s.span(), self.diags);
            }
        }
        for v in &step.variant {
            for s in [&v.label, &Some(v.when.clone()), &v.body]
                .into_iter()
                .flatten()
            {
                check(s.get_ref(), s.span(), self.diags);
            }
        }
    }

    fn variant(
        &mut self,
        file: FileId,
        owner: &str,
        raw: &RawVariant,
        outer: &[Condition],
    ) -> Option<Variant> {
        let when = self.when(file, Some(&raw.when), outer)?;
        let mut inner = outer.to_vec();
        inner.push(when.clone());
        let mut parts = Vec::new();
        if let Some(body) = &raw.body {
            parts.push(Part {
                when: None,
                kind: PartKind::Text(self.markdown(file, Some(body), owner)),
            });
        }
        for p in &raw.part {
            if let Some(part) = self.part(file, owner, p, &inner) {
                parts.push(part);
            }
        }
        Some(Variant {
            label: raw
                .label
                .as_ref()
                .map(|l| l.get_ref().clone())
                .unwrap_or_else(|| when.to_string()),
            when,
            parts,
        })
    }

    fn part(
        &mut self,
        file: FileId,
        owner: &str,
        raw: &Spanned<RawPart>,
        outer: &[Condition],
    ) -> Option<Part> {
        let span = raw.span();
        let r = raw.get_ref();
        let present: Vec<&str> = [
            ("text", r.text.is_some()),
            ("cmd", r.cmd.is_some()),
            ("gui", r.gui.is_some()),
            ("processes", r.processes.is_some()),
            ("note", r.note.is_some()),
            ("caution", r.caution.is_some()),
            ("refs", r.refs.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, p)| p.then_some(k))
        .collect();
        let head = span.start..span.start;
        if present.len() != 1 {
            let msg = if present.is_empty() {
                "part has no content".to_string()
            } else {
                format!("part has both `{}` and `{}`", present[0], present[1])
            };
            self.diags
                .push(Diagnostic::error(file, head, msg).with_hint(
                    "a part has exactly one of: text, cmd, gui, processes, note, caution, refs",
                ));
            return None;
        }
        if r.cmd.is_none() {
            for (k, v) in [("shell", &r.shell), ("output", &r.output)] {
                if let Some(v) = v {
                    self.err(file, v.span(), format!("`{k}` belongs to a `cmd` part"));
                }
            }
        }
        if r.processes.is_none() {
            if let Some(e) = &r.expect {
                self.err(file, e.span(), "`expect` belongs to a `processes` part");
            }
        }
        let when = self.when(file, r.when.as_ref(), outer);
        let kind = if let Some(t) = &r.text {
            PartKind::Text(self.markdown(file, Some(t), owner))
        } else if let Some(t) = &r.note {
            PartKind::Note(self.markdown(file, Some(t), owner))
        } else if let Some(t) = &r.caution {
            PartKind::Caution(self.markdown(file, Some(t), owner))
        } else if let Some(c) = &r.cmd {
            let shell = match r.shell.as_ref().map(|s| s.get_ref().as_str()) {
                Some("cmd") => Shell::Cmd,
                Some("sh") => Shell::Sh,
                Some("powershell") => Shell::Powershell,
                Some(other) => {
                    let s = r.shell.as_ref().map(|s| s.span()).unwrap_or(head.clone());
                    self.diags.push(
                        Diagnostic::error(file, s, format!("unknown shell `{other}`"))
                            .with_hint("use \"cmd\", \"sh\" or \"powershell\""),
                    );
                    return None;
                }
                None => {
                    self.diags.push(
                        Diagnostic::error(file, c.span(), "command without `shell`")
                            .with_hint("add shell = \"cmd\" (Windows) or shell = \"sh\" (UNIX)"),
                    );
                    return None;
                }
            };
            let lines: Vec<String> = c
                .get_ref()
                .lines()
                .map(|l| l.trim_end().to_string())
                .filter(|l| !l.trim().is_empty())
                .collect();
            if lines.is_empty() {
                self.err(file, c.span(), "empty command");
                return None;
            }
            self.placeholders(file, &c.span(), c.get_ref());
            if let Some(o) = &r.output {
                self.placeholders(file, &o.span(), o.get_ref());
            }
            for l in &lines {
                self.commands.push(CommandSite {
                    file,
                    span: c.span(),
                    text: l.clone(),
                });
            }
            PartKind::Command {
                shell,
                lines,
                output: r
                    .output
                    .as_ref()
                    .map(|o| o.get_ref().trim_end().to_string()),
            }
        } else if let Some(g) = &r.gui {
            self.placeholders(file, &g.span(), g.get_ref());
            let items: Vec<String> = g
                .get_ref()
                .split('→')
                .map(|s| s.trim().to_string())
                .collect();
            if items.iter().any(|s| s.is_empty()) {
                self.diags.push(
                    Diagnostic::error(file, g.span(), "empty entry in GUI path")
                        .with_hint("separate the entries with a single `→`"),
                );
            }
            PartKind::Gui(items)
        } else if let Some(items) = &r.processes {
            let expect = match r.expect.as_ref().map(|e| e.get_ref().as_str()) {
                Some("present") => Expect::Present,
                Some("absent") => Expect::Absent,
                Some(other) => {
                    let s = r.expect.as_ref().map(|e| e.span()).unwrap_or(head.clone());
                    self.diags.push(
                        Diagnostic::error(file, s, format!("unknown expectation `{other}`"))
                            .with_hint("use \"present\" or \"absent\""),
                    );
                    return None;
                }
                None => {
                    self.diags.push(
                        Diagnostic::error(file, head, "process list without `expect`")
                            .with_hint("add expect = \"present\" or expect = \"absent\""),
                    );
                    return None;
                }
            };
            let mut out = Vec::new();
            for it in items {
                match it {
                    RawProcessItem::Name(n) => {
                        self.commands.push(CommandSite {
                            file,
                            span: span.clone(),
                            text: n.clone(),
                        });
                        out.push(ProcessItem {
                            name: n.clone(),
                            when: None,
                        })
                    }
                    RawProcessItem::Conditional { name, when } => {
                        let mut inner = outer.to_vec();
                        inner.extend(self.when(file, r.when.as_ref(), outer));
                        let w = self.condition_at(file, when, head.clone(), &inner);
                        self.commands.push(CommandSite {
                            file,
                            span: span.clone(),
                            text: name.clone(),
                        });
                        out.push(ProcessItem {
                            name: name.clone(),
                            when: w,
                        });
                    }
                }
            }
            PartKind::Processes { expect, items: out }
        } else if let Some(refs) = &r.refs {
            for id in refs {
                self.ref_uses.push((file, id.span(), id.get_ref().clone()));
            }
            PartKind::Refs(refs.iter().map(|s| s.get_ref().clone()).collect())
        } else {
            return None;
        };
        Some(Part { when, kind })
    }
}

/// Edit distance, for "did you mean" hints.
pub(crate) fn strsim_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests;
