//! The typed parts of a step as HTML: commands with a prompt that is not copied and a copy
//! button, GUI menu paths as chips, process checklists, 補足/注意 callouts, and the
//! 「手順は…を参照してください。」 sentence. Each call also returns the plain text the
//! search index reads, so a step is rendered exactly once.

use super::html::{esc, placeholders, placeholders_text, Ctx};
use super::labels::{badges_html, when_attr};
use super::markdown::{self, Rendered};
use crate::model::{Expect, Part, PartKind, Step, Variant};

/// A step's body: its own parts, then its variants as labelled blocks.
pub fn step_body(ctx: &Ctx, owner: &str, step: &Step) -> Rendered {
    let mut acc = Rendered::default();
    parts(ctx, owner, &step.parts, &mut acc);
    for v in &step.variants {
        variant(ctx, owner, v, &mut acc);
    }
    acc
}

fn variant(ctx: &Ctx, owner: &str, v: &Variant, acc: &mut Rendered) {
    // A variant without its own label is labelled by its condition, in words.
    let (label, badges) = if v.label == v.when.to_string() {
        (super::labels::label(&v.when, ctx.config()), String::new())
    } else {
        (v.label.clone(), badges_html(Some(&v.when), ctx.config()))
    };
    acc.html.push_str(&format!(
        "<div class=\"variant\"{}><p class=\"variant-label\">{}{badges}</p>\n",
        when_attr(Some(&v.when)),
        esc(&label),
    ));
    push_text(&mut acc.text, &label);
    parts(ctx, owner, &v.parts, acc);
    acc.html.push_str("</div>\n");
}

fn parts(ctx: &Ctx, owner: &str, parts: &[Part], acc: &mut Rendered) {
    for p in parts {
        let (class, inner, text) = part(ctx, owner, &p.kind);
        acc.html.push_str(&format!(
            "<div class=\"part part-{class}\"{}>{}{inner}</div>\n",
            when_attr(p.when.as_ref()),
            badges_html(p.when.as_ref(), ctx.config())
        ));
        push_text(&mut acc.text, &text);
    }
}

fn push_text(acc: &mut String, s: &str) {
    if s.is_empty() {
        return;
    }
    if !acc.is_empty() {
        acc.push('\n');
    }
    acc.push_str(s);
}

/// (class suffix, HTML, plain text) of one part.
fn part(ctx: &Ctx, owner: &str, kind: &PartKind) -> (&'static str, String, String) {
    let t = ctx.t();
    match kind {
        PartKind::Text(md) => {
            let r = markdown::render(ctx, owner, md);
            let cfg = ctx.config();
            (
                "text",
                placeholders(cfg, &r.html),
                placeholders_text(cfg, &r.text),
            )
        }
        PartKind::Command {
            shell,
            lines,
            output,
        } => {
            let mut h = format!(
                "<div class=\"cmd\" data-shell=\"{0}\"><div class=\"cmd-bar\"><span class=\"cmd-shell\">{0}</span>\
                 <button type=\"button\" class=\"copy\" data-copied=\"{2}\" data-unfilled=\"{3}\">{1}</button></div><pre><code>",
                shell.name(),
                esc(t.copy),
                esc(t.copied),
                esc(t.copied_unfilled)
            );
            let rendered: Vec<String> = lines
                .iter()
                .map(|line| {
                    format!(
                        "<span class=\"line\"><span class=\"prompt\" aria-hidden=\"true\">{} </span><span class=\"cmd-text\">{}</span></span>",
                        esc(shell.prompt()),
                        placeholders(ctx.config(), &esc(line))
                    )
                })
                .collect();
            // Lines are separated by real newlines so selecting by hand copies them too.
            h.push_str(&rendered.join("\n"));
            h.push_str("</code></pre></div>");
            let mut text = placeholders_text(ctx.config(), &lines.join("\n"));
            if let Some(out) = output {
                h.push_str(&format!(
                    "<div class=\"cmd-output\"><p class=\"cmd-output-label\">{}</p><pre><samp>{}</samp></pre></div>",
                    esc(t.output),
                    esc(out.trim_end())
                ));
                push_text(&mut text, out);
            }
            ("cmd", h, text)
        }
        PartKind::Gui(entries) => {
            let chips: Vec<String> = entries
                .iter()
                .map(|e| {
                    format!(
                        "<span class=\"menu\">{}</span>",
                        placeholders(ctx.config(), &esc(e))
                    )
                })
                .collect();
            let sep = "<span class=\"menu-sep\" aria-label=\"→\">→</span>";
            (
                "gui",
                format!("<p class=\"menu-path\">{}</p>", chips.join(sep)),
                entries.join(" → "),
            )
        }
        PartKind::Processes { expect, items } => {
            let heading = match expect {
                Expect::Absent => t.absent,
                Expect::Present => t.present,
            };
            let mut h =
                format!(
                "<div class=\"processes processes-{}\"><p class=\"processes-heading\">{}</p><ul>",
                if *expect == Expect::Absent { "absent" } else { "present" },
                esc(heading)
            );
            for item in items {
                h.push_str(&format!(
                    "<li{}><code>{}</code>{}</li>",
                    when_attr(item.when.as_ref()),
                    esc(&item.name),
                    badges_html(item.when.as_ref(), ctx.config())
                ));
            }
            h.push_str("</ul></div>");
            let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
            ("processes", h, format!("{heading}: {}", names.join(" ")))
        }
        PartKind::Note(md) => callout(ctx, owner, "note", t.note, md),
        PartKind::Caution(md) => callout(ctx, owner, "caution", t.caution, md),
        PartKind::Refs(ids) => {
            let links: Vec<String> = ids
                .iter()
                .map(|id| {
                    let title = ctx.book.ext_ref(id).map(|r| r.title.as_str()).unwrap_or(id);
                    format!("<a href=\"{}\">{}</a>", esc(&ctx.ref_href(id)), esc(title))
                })
                .collect();
            let titles: Vec<&str> = ids
                .iter()
                .map(|id| ctx.book.ext_ref(id).map(|r| r.title.as_str()).unwrap_or(id))
                .collect();
            (
                "refs",
                format!(
                    "<p>{}{}{}</p>",
                    esc(t.refs_before),
                    links.join(&esc(t.refs_sep)),
                    esc(t.refs_after)
                ),
                format!(
                    "{}{}{}",
                    t.refs_before,
                    titles.join(t.refs_sep),
                    t.refs_after
                ),
            )
        }
    }
}

fn callout(
    ctx: &Ctx,
    owner: &str,
    class: &'static str,
    title: &str,
    md: &str,
) -> (&'static str, String, String) {
    let r = markdown::render(ctx, owner, md);
    (
        class,
        format!(
            "<aside class=\"callout callout-{class}\"><p class=\"callout-title\">{}</p>{}</aside>",
            esc(title),
            r.html
        ),
        format!("{title}: {}", r.text),
    )
}
