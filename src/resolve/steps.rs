//! Sections, steps, variants and parts, with reusable steps expanded in place.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;

use super::{CommandSite, Resolver};
use crate::condition::Condition;
use crate::content::raw::{
    map_step_strings, step_strings, PartProblem, RawBranch, RawPart, RawPartKind, RawProcessItem,
    RawSection, RawStep, RawVariant, SStr,
};
use crate::diagnostics::{Diagnostic, FileId};
use crate::model::*;

/// Reusable steps being expanded, innermost last: a `use` of one of them is a cycle.
type UseStack = Vec<String>;

/// How many reusable steps may be expanded inside one another. Each level is a few frames
/// of this resolver on the stack, and a chain of a thousand overflowed it; real books nest
/// two or three deep.
pub const MAX_REUSE_DEPTH: usize = 32;

/// The hint for a part table with no content key or several.
const ONE_KIND: &str = "a part has exactly one of: text, cmd, gui, processes, note, caution, refs";

impl<'a> Resolver<'a> {
    pub(super) fn section(
        &mut self,
        file: FileId,
        proc_id: &str,
        raw: &RawSection,
        number: Number,
        outer: &[Condition],
    ) -> Section {
        let id = raw.id.get_ref().clone();
        self.plain_title(file, &raw.title);
        let (title, title_source) = self.title_text(raw.title.get_ref());
        let when = self.when(file, raw.when.as_ref(), outer);
        let inner = with(outer, when.as_ref());
        self.define(
            format!("{proc_id}/{id}"),
            file,
            raw.id.span(),
            Target {
                number: number.clone(),
                title: title.clone(),
                title_source: title_source.clone(),
                page: proc_id.to_string(),
                anchor: format!("sec-{id}"),
                procedure: Some(proc_id.to_string()),
                absent: false,
                absent_twin: Default::default(),
                section: None,
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
        let branches = self.branches(file, proc_id, &id, &raw.branch, &inner);
        let step_ids = steps
            .iter()
            .chain(branches.iter().flat_map(|b| b.steps.iter()))
            .map(|st| format!("{proc_id}/{}", st.id));
        for key in step_ids {
            if let Some(t) = self.target_mut(&key) {
                t.section = Some(number.clone());
            }
        }
        Section {
            id,
            number,
            title,
            title_source,
            when,
            intro,
            steps: std::sync::Arc::new(steps),
            branches,
        }
    }

    /// A section's branches; one whose condition does not resolve is left out (the error
    /// is reported).
    fn branches(
        &mut self,
        file: FileId,
        proc_id: &str,
        section: &str,
        raws: &[RawBranch],
        outer: &[Condition],
    ) -> Vec<Branch> {
        let mut branches = Vec::new();
        for (bi, b) in raws.iter().enumerate() {
            let Some(when) = self.when(file, Some(&b.when), outer) else {
                continue;
            };
            let inner = with(outer, Some(&when));
            // Steps without an id of their own are named after the branch's position.
            let prefix = format!("{section}-b{}", bi + 1);
            branches.push(Branch {
                label: b.label.get_ref().clone(),
                when,
                intro: self.markdown(file, b.intro.as_ref(), proc_id),
                steps: std::sync::Arc::new(self.steps(file, proc_id, &prefix, &b.step, &inner)),
            });
        }
        branches
    }

    pub(super) fn steps(
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
            if !self.in_problem {
                self.record_problems(file, &format!("{proc_id}/{id}"), raw.get_ref());
            }
            self.define(
                format!("{proc_id}/{id}"),
                file,
                span,
                Target {
                    number: Number(vec![n]),
                    title: step.title.clone(),
                    title_source: step.title_source.clone(),
                    page: proc_id.to_string(),
                    anchor: format!("step-{id}"),
                    procedure: Some(proc_id.to_string()),
                    absent: false,
                    absent_twin: Default::default(),
                    section: None,
                },
            );
            out.push(step);
        }
        out
    }

    /// A step's `problems = [...]`, and those of the reusable steps it uses (down the
    /// chain of `use`s), for [`Resolver::problems`] to attach.
    fn record_problems(&mut self, file: FileId, key: &str, raw: &RawStep) {
        let mut at = Some((file, raw));
        let mut depth = 0;
        while let Some((file, step)) = at {
            for id in &step.problems {
                self.problem_uses.push(super::problems::ProblemUse {
                    step: key.to_string(),
                    file,
                    id: id.clone(),
                });
            }
            depth += 1;
            at = step
                .use_
                .as_ref()
                .and_then(|u| self.reusable.get(u.get_ref()))
                .filter(|_| depth < MAX_REUSE_DEPTH)
                .map(|(f, s)| (*f, s));
        }
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
        let when = self.when(file, raw.when.as_deref(), outer);
        let inner = with(outer, when.as_ref());
        let mut step = match &raw.use_ {
            Some(use_id) => {
                let mut reused = self.expand_use(file, owner, raw, use_id, &inner, stack)?;
                self.use_outputs(file, raw, use_id, &mut reused);
                if let Some(t) = &raw.title {
                    self.plain_title(file, t);
                    (reused.title, reused.title_source) = self.title_text(t.get_ref());
                }
                reused
            }
            None => {
                self.misplaced_outputs(file, raw);
                self.written_step(file, raw, span, stack)?
            }
        };
        step.when = match (step.when.take(), when) {
            (Some(a), Some(b)) => Some(Box::new(Condition::And(vec![b, *a]))),
            (a, b) => a.or(b.map(Box::new)),
        };
        let mut parts = self.body_and_parts(file, owner, raw.body.as_ref(), &raw.part, &inner);
        let written_before = written_before_variants(raw);
        let own_variants = !raw.variant.is_empty();
        if raw.use_.is_some() && raw.body.is_some() && !parts.is_empty() {
            // A use site's `body` introduces the reused step ("on the first node:"), so it
            // comes before it; the use site's parts follow it, as they are written after
            // the `use`.
            let body = parts.remove(0);
            step.parts.insert(0, body);
            step.variants_at += 1;
        }
        step.parts.extend(parts);
        let mut variants = Vec::new();
        for v in &raw.variant {
            if let Some(variant) = self.variant(file, owner, v, &inner) {
                variants.push(variant);
            }
        }
        if self.reuse_depth > 0 {
            variants = self.live_variants(variants, &inner);
        }
        step.variants.extend(variants);
        // A written step's variants go where they are written; a reused step's stay where
        // its file puts them, with the use site's parts after the reused content.
        step.variants_at = if raw.use_.is_some() {
            step.variants_at.min(step.parts.len())
        } else if own_variants {
            written_before.min(step.parts.len())
        } else {
            step.parts.len()
        };
        Some(step)
    }

    /// A use site's `[[…output]]` tables: each text goes on the command it names, counted
    /// in reading order over what the used step shows here.
    fn use_outputs(&mut self, file: FileId, raw: &RawStep, use_id: &SStr, step: &mut Step) {
        let mut commands = command_outputs(step);
        for o in &raw.output {
            let o = o.get_ref();
            self.placeholders(file, &o.text.span(), o.text.get_ref());
            let n = *o.cmd.get_ref() as usize;
            if let Some(slot) = n.checked_sub(1).and_then(|i| commands.get_mut(i)) {
                **slot = Some(o.text.get_ref().trim_end().to_string());
                continue;
            }
            let shown = match commands.len() {
                1 => "1 command".to_string(),
                count => format!("{count} commands"),
            };
            self.diags.push(
                Diagnostic::error(
                    file,
                    o.cmd.span(),
                    format!("`{}` shows {shown} here; `cmd = {n}` names none", use_id.get_ref()),
                )
                .with_hint("`cmd` counts the used step's commands from 1, in reading order, its variants' in their place"),
            );
        }
    }

    /// `[[…output]]` on a step that uses nothing: there is no command of another step to
    /// give it to.
    fn misplaced_outputs(&mut self, file: FileId, raw: &RawStep) {
        for o in &raw.output {
            self.diags.push(
                Diagnostic::error(
                    file,
                    o.span(),
                    "`[[…output]]` belongs to a step that `use`s a reusable step",
                )
                .with_hint(
                    "give a written command its output with `output = \"…\"` in its own part",
                ),
            );
        }
    }

    /// A step written out where it stands (no `use`): its title, nothing else yet.
    fn written_step(
        &mut self,
        file: FileId,
        raw: &RawStep,
        span: Range<usize>,
        stack: &UseStack,
    ) -> Option<Step> {
        if let Some(params) = &raw.params {
            // Inside an expansion the step is a `_steps/` file, where `params` belongs.
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
                .with_hint("give it a title, or `use = \"ID\"` of a step in content/_steps/"),
            );
            return None;
        };
        self.plain_title(file, title);
        let (title, title_source) = self.title_text(title.get_ref());
        Some(Step {
            id: String::new(),
            number: 0,
            title,
            title_source,
            when: None,
            parts: Vec::new(),
            variants: Vec::new(),
            variants_at: 0,
            reused: None,
            origin: (file, span),
        })
    }

    /// `body` (a leading text part) and the parts of a step or variant, in reading order;
    /// a part that does not resolve is left out (the error is reported).
    fn body_and_parts(
        &mut self,
        file: FileId,
        owner: &str,
        body: Option<&SStr>,
        raws: &[Spanned<RawPart>],
        outer: &[Condition],
    ) -> Vec<Part> {
        let mut parts = Vec::new();
        if let Some(body) = body {
            parts.push(Part {
                when: None,
                kind: Arc::new(PartKind::Text(self.markdown(file, Some(body), owner))),
            });
        }
        for p in raws {
            parts.extend(self.part(file, owner, p, outer));
        }
        parts
    }

    /// A reusable step's variants are written for every place it is used; the ones that
    /// can never hold here (the 2.4 path inside a 2.3.x-only procedure) are dead text
    /// at this use site. All are kept if none would be left, so the coverage check still
    /// reports the gap.
    fn live_variants(&self, variants: Vec<Variant>, outer: &[Condition]) -> Vec<Variant> {
        let live: Vec<Variant> = variants
            .iter()
            .filter(|v| Condition::And(with(outer, Some(&v.when))).satisfiable(&self.config.facets))
            .cloned()
            .collect();
        if live.is_empty() {
            variants
        } else {
            live
        }
    }

    /// The step a `use` names, with the use site's parameters substituted, resolved as if
    /// it were written here.
    fn expand_use(
        &mut self,
        file: FileId,
        owner: &str,
        raw: &RawStep,
        use_id: &SStr,
        outer: &[Condition],
        stack: &mut UseStack,
    ) -> Option<Step> {
        let name = use_id.get_ref();
        self.check_nesting(file, use_id, stack)?;
        let (rfile, reusable) = self.reusable_step(file, use_id)?;
        let given = raw
            .with
            .as_ref()
            .map(|w| w.get_ref().clone())
            .unwrap_or_default();
        if !self.check_arguments(file, use_id, reusable, &given) {
            return None;
        }
        let before = self.diags.items.len();
        let expanded = self.substitute(rfile, reusable, &given);
        stack.push(name.clone());
        self.reuse_depth += 1;
        let step = self.step(rfile, owner, &expanded, 0..0, outer, stack);
        self.reuse_depth -= 1;
        stack.pop();
        // A problem inside the reusable step is reported where it is written, and names
        // the use that brought it here (each level of a nested use adds its own).
        for d in &mut self.diags.items[before..] {
            d.related
                .push((file, use_id.span(), format!("in `{name}`, used here")));
        }
        let mut step = step?;
        step.reused = Some(name.clone());
        Some(step)
    }

    /// Refuses a `use` that closes a cycle or nests deeper than [`MAX_REUSE_DEPTH`].
    fn check_nesting(&mut self, file: FileId, use_id: &SStr, stack: &UseStack) -> Option<()> {
        let name = use_id.get_ref();
        let (message, hint) = if stack.contains(name) {
            let chain = stack
                .iter()
                .chain(std::iter::once(name))
                .cloned()
                .collect::<Vec<_>>()
                .join(" → ");
            (
                format!("reusable steps use each other in a cycle: {chain}"),
                "a reusable step may not (even indirectly) use itself",
            )
        } else if stack.len() >= MAX_REUSE_DEPTH {
            let chain = match stack.as_slice() {
                [first, .., last] => format!("{first} → … → {last} → {name}"),
                _ => name.clone(),
            };
            (
                format!("reusable steps nest at most {MAX_REUSE_DEPTH} deep: {chain}"),
                "write this step out here instead of using another one",
            )
        } else {
            return Some(());
        };
        self.diags
            .push(Diagnostic::error(file, use_id.span(), message).with_hint(hint));
        None
    }

    /// The reusable step `use_id` names and the file it was read from; an unknown name is
    /// an error with the nearest known one as a hint.
    fn reusable_step(&mut self, file: FileId, use_id: &SStr) -> Option<(FileId, &'a RawStep)> {
        let reusable = self.reusable;
        let name = use_id.get_ref();
        if let Some((rfile, step)) = reusable.get(name) {
            return Some((*rfile, step));
        }
        let nearest = reusable.keys().min_by_key(|k| strsim_distance(k, name));
        let hint = match nearest {
            Some(k) => {
                format!("did you mean `{k}`? reusable steps are the files in content/_steps/")
            }
            None => "reusable steps are the files in content/_steps/ (none exist yet)".to_string(),
        };
        self.diags.push(
            Diagnostic::error(
                file,
                use_id.span(),
                format!("unknown reusable step `{name}`"),
            )
            .with_hint(hint),
        );
        None
    }

    /// Checks `with` against the reusable step's `params`: every one given is declared, every
    /// declared one given. Reports each mismatch; true when there is none.
    fn check_arguments(
        &mut self,
        file: FileId,
        use_id: &SStr,
        reusable: &RawStep,
        given: &BTreeMap<String, SStr>,
    ) -> bool {
        let name = use_id.get_ref();
        let declared: Vec<String> = reusable
            .params
            .as_ref()
            .map(|p| p.get_ref().iter().map(|s| s.get_ref().clone()).collect())
            .unwrap_or_default();
        let mut ok = true;
        for (k, v) in given.iter().filter(|(k, _)| !declared.contains(k)) {
            ok = false;
            let hint = if declared.is_empty() {
                "it takes no parameters".to_string()
            } else {
                format!("its parameters: {}", declared.join(", "))
            };
            self.diags.push(
                Diagnostic::error(
                    file,
                    v.span(),
                    format!("reusable step `{name}` has no parameter `{k}`"),
                )
                .with_hint(hint),
            );
        }
        for d in declared.iter().filter(|d| !given.contains_key(*d)) {
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
        ok
    }

    /// A copy of the reusable step (read from `file`) with `{{param}}` replaced by the
    /// given values everywhere; a `{{name}}` left over is reported there.
    fn substitute(
        &mut self,
        file: FileId,
        reusable: &RawStep,
        given: &BTreeMap<String, SStr>,
    ) -> RawStep {
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
        self.undeclared_params(file, &expanded);
        // The use site's id names the step; the reusable file's own would clash at a
        // second use.
        expanded.id = None;
        expanded
    }

    /// A `{{name}}` left after substitution names a parameter the step never declared.
    fn undeclared_params(&mut self, file: FileId, step: &RawStep) {
        let mut seen = HashSet::new();
        for s in step_strings(step) {
            let text = s.get_ref();
            // Every `{{…}}` of the string, not only its first.
            let mut from = 0;
            while let Some(at) = text[from..].find("{{") {
                let start = from + at;
                let end = text[start..]
                    .find("}}")
                    .map(|e| start + e + 2)
                    .unwrap_or(text.len());
                from = end;
                let name = &text[start..end];
                if !seen.insert(name.to_string()) {
                    continue;
                }
                self.diags.push(
                    Diagnostic::error(
                        file,
                        s.span(),
                        format!("`{name}` is not a declared parameter"),
                    )
                    .with_hint("declare it with params = [\"…\"] at the top of the reusable step"),
                );
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
        let inner = with(outer, Some(&when));
        let parts = self.body_and_parts(file, owner, raw.body.as_ref(), &raw.part, &inner);
        Some(Variant {
            label: raw.label.as_ref().map(|l| l.get_ref().clone()),
            when,
            parts,
        })
    }

    /// One part; `None` (with the error reported) when it cannot be shown.
    fn part(
        &mut self,
        file: FileId,
        owner: &str,
        raw: &Spanned<RawPart>,
        outer: &[Condition],
    ) -> Option<Part> {
        // Errors about the part as a whole point at its start: its `[[…part]]` header or
        // the `{` of an inline table.
        let head = raw.span().start..raw.span().start;
        let part = match raw.get_ref() {
            RawPart::Typed(part) => part,
            RawPart::Malformed(m) => {
                let msg = match m.problem {
                    PartProblem::NoContent => "part has no content".to_string(),
                    PartProblem::TwoKinds(a, b) => format!("part has both `{a}` and `{b}`"),
                };
                self.diags
                    .push(Diagnostic::error(file, head, msg).with_hint(ONE_KIND));
                return None;
            }
        };
        for m in &part.misplaced {
            let msg = format!("`{}` belongs to a `{}` part", m.key, m.belongs_to);
            self.err(file, m.value.span(), msg);
        }
        let when = self.when(file, part.when.as_deref(), outer);
        let kind = match &part.kind {
            RawPartKind::Text(t) => PartKind::Text(self.markdown(file, Some(t), owner)),
            RawPartKind::Note(t) => PartKind::Note(self.markdown(file, Some(t), owner)),
            RawPartKind::Caution(t) => PartKind::Caution(self.markdown(file, Some(t), owner)),
            RawPartKind::Command { cmd, shell, output } => {
                self.command(file, cmd, shell.as_deref(), output.as_deref())?
            }
            RawPartKind::Gui(g) => self.gui(file, g),
            RawPartKind::Processes { items, expect } => {
                let expect = self.expectation(file, head.clone(), expect.as_deref())?;
                let inner = with(outer, when.as_ref());
                let items = self.process_items(file, raw.span(), items, &inner);
                PartKind::Processes { expect, items }
            }
            RawPartKind::Refs(refs) => {
                for id in refs {
                    self.ref_uses.push((file, id.span(), id.get_ref().clone()));
                }
                PartKind::Refs(refs.iter().map(|s| s.get_ref().clone()).collect())
            }
        };
        Some(Part {
            when: when.map(Box::new),
            kind: Arc::new(kind),
        })
    }

    /// A `cmd` part: its shell, its non-blank lines (each remembered for the lint), its
    /// expected output.
    fn command(
        &mut self,
        file: FileId,
        cmd: &SStr,
        shell: Option<&SStr>,
        output: Option<&SStr>,
    ) -> Option<PartKind> {
        let shell = self.shell(file, cmd, shell)?;
        // Blank lines inside stay (a here-document's body keeps its shape); at the ends
        // they are the TOML string's, not the command's.
        let all: Vec<String> = cmd
            .get_ref()
            .lines()
            .map(|l| l.trim_end().to_string())
            .collect();
        let first = all.iter().position(|l| !l.trim().is_empty());
        let last = all.iter().rposition(|l| !l.trim().is_empty());
        let lines: Vec<String> = match (first, last) {
            (Some(a), Some(b)) => all[a..=b].to_vec(),
            _ => Vec::new(),
        };
        if lines.is_empty() {
            self.err(file, cmd.span(), "empty command");
            return None;
        }
        self.placeholders(file, &cmd.span(), cmd.get_ref());
        if let Some(o) = output {
            self.placeholders(file, &o.span(), o.get_ref());
        }
        for l in lines.iter().filter(|l| !l.trim().is_empty()) {
            self.commands.push(CommandSite {
                file,
                span: cmd.span(),
                text: l.clone(),
            });
        }
        Some(PartKind::Command {
            shell,
            lines,
            output: output.map(|o| o.get_ref().trim_end().to_string()),
        })
    }

    /// The `shell` of the command `cmd`, which every command needs.
    fn shell(&mut self, file: FileId, cmd: &SStr, shell: Option<&SStr>) -> Option<Arc<Shell>> {
        let known = || {
            let ids: Vec<String> = self
                .config
                .shells
                .iter()
                .map(|s| format!("\"{}\"", s.id))
                .collect();
            ids.join(", ")
        };
        let Some(shell) = shell else {
            let hint = format!(
                "add shell = one of {} ([[shell]] in book.toml adds more)",
                known()
            );
            self.diags.push(
                Diagnostic::error(file, cmd.span(), "command without `shell`").with_hint(hint),
            );
            return None;
        };
        let id = shell.get_ref();
        if let Some(s) = self.config.shell(id) {
            return Some(Arc::clone(s));
        }
        let hint = format!(
            "use one of {}, or declare it with [[shell]] in book.toml",
            known()
        );
        self.diags.push(
            Diagnostic::error(file, shell.span(), format!("unknown shell `{id}`")).with_hint(hint),
        );
        None
    }

    /// A GUI path, `→`-separated; an empty entry is an error, kept so the rest still shows.
    fn gui(&mut self, file: FileId, g: &SStr) -> PartKind {
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
    }

    /// The `expect` of a process list (at the part's start `head`), which every list needs.
    fn expectation(
        &mut self,
        file: FileId,
        head: Range<usize>,
        expect: Option<&SStr>,
    ) -> Option<Expect> {
        let Some(expect) = expect else {
            self.diags.push(
                Diagnostic::error(file, head, "process list without `expect`")
                    .with_hint("add expect = \"present\" or expect = \"absent\""),
            );
            return None;
        };
        match expect.get_ref().as_str() {
            "present" => Some(Expect::Present),
            "absent" => Some(Expect::Absent),
            other => {
                self.diags.push(
                    Diagnostic::error(
                        file,
                        expect.span(),
                        format!("unknown expectation `{other}`"),
                    )
                    .with_hint("use \"present\" or \"absent\""),
                );
                None
            }
        }
    }

    /// A process list's items, each name remembered for the lint. Items carry no location
    /// of their own: their names and conditions are placed at the part (`span`).
    fn process_items(
        &mut self,
        file: FileId,
        span: Range<usize>,
        items: &[RawProcessItem],
        outer: &[Condition],
    ) -> Vec<ProcessItem> {
        let head = span.start..span.start;
        let mut out = Vec::new();
        for it in items {
            let (name, when) = match it {
                RawProcessItem::Name(name) => (name, None),
                RawProcessItem::Conditional { name, when } => {
                    (name, self.condition_at(file, when, head.clone(), outer))
                }
            };
            self.commands.push(CommandSite {
                file,
                span: span.clone(),
                text: name.clone(),
            });
            out.push(ProcessItem {
                name: name.clone(),
                when,
            });
        }
        out
    }
}

/// The conditions `outer` with `when` (if any) added: what the level below sits under.
fn with(outer: &[Condition], when: Option<&Condition>) -> Vec<Condition> {
    let mut all = outer.to_vec();
    all.extend(when.cloned());
    all
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

/// How many of a step's parts (its `body` first) are written before its first variant.
fn written_before_variants(raw: &RawStep) -> usize {
    let Some(first) = raw.variant.iter().map(|v| v.when.span().start).min() else {
        return usize::MAX;
    };
    usize::from(raw.body.is_some()) + raw.part.iter().filter(|p| p.span().start < first).count()
}

#[cfg(test)]
mod tests;

/// The expected output of each command `step` shows, in reading order: its parts before
/// the variants, the variants' parts, then the parts after them.
fn command_outputs(step: &mut Step) -> Vec<&mut Option<String>> {
    let at = step.variants_at.min(step.parts.len());
    let (before, after) = step.parts.split_at_mut(at);
    before
        .iter_mut()
        .chain(step.variants.iter_mut().flat_map(|v| v.parts.iter_mut()))
        .chain(after.iter_mut())
        .filter_map(|p| match Arc::make_mut(&mut p.kind) {
            PartKind::Command { output, .. } => Some(output),
            _ => None,
        })
        .collect()
}
