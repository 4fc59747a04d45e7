//! The model turned into plain serialisable values for the templates: numbers as strings,
//! prose already rendered, conditions as badges and `data-when` attributes, anchors and
//! hrefs computed for the page mode. Templates only arrange these; they compute nothing.

use serde::Serialize;

use super::html::Ctx;
use super::labels::{badges_html, when_attr};
use super::markdown;
use super::parts;
use crate::condition::Condition;
use crate::model::{Branch, Chapter, ChapterItem, Group, Procedure, Section, Step};

/// A link to a numbered thing (backlinks, prev/next, breadcrumbs, procedure lists).
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub href: String,
    pub number: String,
    pub title: String,
}

/// Fields every conditional, anchored element shares.
#[derive(Debug, Clone, Serialize)]
pub struct Head {
    pub id: String,
    /// The element's `id` attribute.
    pub anchor: String,
    pub number: String,
    pub title: String,
    /// ` data-when="…"` or empty.
    pub when_attr: String,
    /// Badge markup or empty.
    pub badges: String,
    pub backlinks: Vec<LinkView>,
}

impl Head {
    /// `id` is the element's own id; its target id (for backlinks) is `page/id` for
    /// sections and steps, which are unique only inside their procedure, else `id`.
    fn new(
        ctx: &Ctx,
        id: &str,
        page: &str,
        anchor: &str,
        number: String,
        title: &str,
        when: Option<&Condition>,
    ) -> Head {
        let key = if anchor.starts_with("sec-") || anchor.starts_with("step-") {
            format!("{page}/{id}")
        } else {
            id.to_string()
        };
        Head {
            id: id.to_string(),
            anchor: ctx.anchor(page, anchor),
            number,
            title: title.to_string(),
            when_attr: when_attr(when),
            badges: badges_html(when, ctx.config()),
            backlinks: backlinks(ctx, &key, page),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    #[serde(flatten)]
    pub head: Head,
    /// The reusable step it came from, if any.
    pub reused: Option<String>,
    /// Heading level of the step title (3, or 4 inside a branch).
    pub level: u8,
    pub html: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BranchView {
    pub label: String,
    pub when_attr: String,
    pub badges: String,
    pub intro: String,
    pub steps: Vec<StepView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    #[serde(flatten)]
    pub head: Head,
    pub intro: String,
    pub steps: Vec<StepView>,
    pub branches: Vec<BranchView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProcedureView {
    #[serde(flatten)]
    pub head: Head,
    pub intro: String,
    pub sections: Vec<SectionView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    #[serde(flatten)]
    pub head: Head,
    pub kind: &'static str,
    pub href: String,
    pub intro: String,
    pub procedures: Vec<ItemView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChapterView {
    #[serde(flatten)]
    pub head: Head,
    pub intro: String,
    pub items: Vec<ItemView>,
}

/// Backlinks of a target id: the pages whose prose links to it, except `page` itself (a
/// step referred to from its own procedure needs no "referenced from" that page).
pub fn backlinks(ctx: &Ctx, key: &str, page: &str) -> Vec<LinkView> {
    let Some(owners) = ctx.book.backlinks.get(key) else {
        return Vec::new();
    };
    owners
        .iter()
        .filter(|owner| owner.as_str() != page)
        .map(|owner| match ctx.book.targets.get(owner) {
            Some(t) => LinkView {
                href: ctx.target_href(t),
                number: t.number.to_string(),
                title: t.title.clone(),
            },
            None => LinkView {
                href: ctx.href("index", "front"),
                number: String::new(),
                title: ctx.t().front_matter.to_string(),
            },
        })
        .collect()
}

pub fn procedure(ctx: &Ctx, p: &Procedure) -> ProcedureView {
    ProcedureView {
        head: Head::new(
            ctx,
            &p.id,
            &p.id,
            "",
            p.number.to_string(),
            &p.title,
            p.when.as_ref(),
        ),
        intro: markdown::render(ctx, &p.id, &p.intro).html,
        sections: p.sections.iter().map(|s| section(ctx, p, s)).collect(),
    }
}

fn section(ctx: &Ctx, p: &Procedure, s: &Section) -> SectionView {
    let level = if s.branches.is_empty() { 3 } else { 4 };
    SectionView {
        head: Head::new(
            ctx,
            &s.id,
            &p.id,
            &format!("sec-{}", s.id),
            s.number.to_string(),
            &s.title,
            s.when.as_ref(),
        ),
        intro: markdown::render(ctx, &p.id, &s.intro).html,
        steps: s.steps.iter().map(|st| step(ctx, p, st, level)).collect(),
        branches: s.branches.iter().map(|b| branch(ctx, p, b)).collect(),
    }
}

fn branch(ctx: &Ctx, p: &Procedure, b: &Branch) -> BranchView {
    BranchView {
        label: b.label.clone(),
        when_attr: when_attr(Some(&b.when)),
        badges: badges_html(Some(&b.when), ctx.config()),
        intro: markdown::render(ctx, &p.id, &b.intro).html,
        steps: b.steps.iter().map(|st| step(ctx, p, st, 4)).collect(),
    }
}

pub fn step(ctx: &Ctx, p: &Procedure, st: &Step, level: u8) -> StepView {
    let body = parts::step_body(ctx, &p.id, st);
    StepView {
        head: Head::new(
            ctx,
            &st.id,
            &p.id,
            &format!("step-{}", st.id),
            st.number.to_string(),
            &st.title,
            st.when.as_ref(),
        ),
        reused: st.reused.clone(),
        level,
        html: body.html,
        text: body.text,
    }
}

fn proc_item(ctx: &Ctx, p: &Procedure) -> ItemView {
    ItemView {
        head: Head::new(
            ctx,
            &p.id,
            &p.id,
            "",
            p.number.to_string(),
            &p.title,
            p.when.as_ref(),
        ),
        kind: "procedure",
        href: ctx.href(&p.id, ""),
        intro: String::new(),
        procedures: Vec::new(),
    }
}

fn group_item(ctx: &Ctx, chapter: &str, g: &Group) -> ItemView {
    let anchor = format!("grp-{}", g.id);
    ItemView {
        head: Head::new(
            ctx,
            &g.id,
            chapter,
            &anchor,
            g.number.to_string(),
            &g.title,
            g.when.as_ref(),
        ),
        kind: "group",
        href: ctx.href(chapter, &anchor),
        intro: markdown::render(ctx, chapter, &g.intro).html,
        procedures: g.procedures.iter().map(|p| proc_item(ctx, p)).collect(),
    }
}

pub fn chapter(ctx: &Ctx, c: &Chapter) -> ChapterView {
    ChapterView {
        head: Head::new(
            ctx,
            &c.id,
            &c.id,
            "",
            c.number.to_string(),
            &c.title,
            c.when.as_ref(),
        ),
        intro: markdown::render(ctx, &c.id, &c.intro).html,
        items: c
            .items
            .iter()
            .map(|i| match i {
                ChapterItem::Group(g) => group_item(ctx, &c.id, g),
                ChapterItem::Procedure(p) => proc_item(ctx, p),
            })
            .collect(),
    }
}

/// The table of contents: chapters, their groups and procedures (groups link to their
/// place on the chapter page).
pub fn toc(ctx: &Ctx) -> Vec<ItemView> {
    ctx.book
        .chapters
        .iter()
        .map(|c| {
            let mut head = Head::new(
                ctx,
                &c.id,
                &c.id,
                "",
                c.number.to_string(),
                &c.title,
                c.when.as_ref(),
            );
            head.backlinks.clear();
            ItemView {
                head,
                kind: "chapter",
                href: ctx.href(&c.id, ""),
                intro: String::new(),
                procedures: chapter(ctx, c).items,
            }
        })
        .collect()
}
