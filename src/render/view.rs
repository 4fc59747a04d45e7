//! The model turned into plain serialisable values for the templates: numbers as strings,
//! prose already rendered, conditions as their canonical text (`when`, for `data-when`)
//! and their [`Badges`], anchors and hrefs computed for the page mode. Templates only
//! arrange these; they compute nothing. A step's body is the one piece of markup made
//! here, by the theme's `step_body.html` ([`parts::Bodies`]): its HTML is hashed for
//! runbooks, and rendered once for every page that shows the same body
//! ([`parts::BodyCache`]), or written by Rust while the theme's body templates are the
//! default's ([`super::body_html`]).

use anyhow::Result;
use serde::Serialize;

use super::html::{title_segments, Ctx, Segment};
use super::labels::{self, Badges};
use super::markdown;
use super::nav::Place;
use super::parts::{self, Bodies, StepMarkup};
use crate::condition::Condition;
use crate::model::{Branch, Chapter, ChapterItem, Group, Procedure, Section, Step};

/// A link to a numbered thing (backlinks, prev/next, breadcrumbs, procedure lists).
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub href: String,
    pub number: String,
    pub title: String,
    /// The title cut at the facet values it shows (see [`Head::title_values`]).
    pub title_values: Option<Vec<Segment<'static>>>,
}

/// A title shown outside its own heading (a step named in a list), for the theme's
/// `parts/title.html`.
#[derive(Debug, Clone, Serialize)]
pub struct TitleView {
    pub title: String,
    /// The title cut at the facet values it shows (see [`Head::title_values`]).
    pub title_values: Option<Vec<Segment<'static>>>,
}

impl TitleView {
    /// The title of target `key`, as `title` reads it in this book.
    pub fn of(ctx: &Ctx, key: &str, title: &str) -> TitleView {
        TitleView {
            title: title.to_string(),
            title_values: ctx.title_values(key),
        }
    }
}

/// Fields every conditional, anchored element shares.
#[derive(Debug, Clone, Serialize)]
pub struct Head {
    pub id: String,
    /// The element's `id` attribute.
    pub anchor: String,
    pub number: String,
    pub title: String,
    /// The title cut at the facet values it shows, for a heading the picker fills in;
    /// `None` for a title that shows none.
    pub title_values: Option<Vec<Segment<'static>>>,
    /// The condition, for `data-when`.
    pub when: Option<String>,
    pub badges: Option<Badges>,
    pub backlinks: Vec<LinkView>,
}

/// Where a heading's title as written comes from.
enum Written<'a> {
    /// Its link target's (contents entries, chapters, groups).
    Target,
    /// The heading's own item: a procedure, section or step carries its title as
    /// written, the same text its target holds, so the target need not be looked up (one
    /// lookup in a book-sized map per heading of every view).
    Own(Option<&'a str>),
}

impl Head {
    /// `id` is the element's own id; its target id (for backlinks) is `page/id` for
    /// sections and steps, which are unique only inside their procedure, else `id`.
    pub fn new(
        ctx: &Ctx,
        id: &str,
        page: &str,
        anchor: &str,
        number: String,
        title: &str,
        when: Option<&Condition>,
    ) -> Head {
        Head::titled(
            ctx,
            (id, page, anchor),
            number,
            title,
            Written::Target,
            when,
        )
    }

    /// The head of a heading whose title as written comes from `written`.
    fn titled(
        ctx: &Ctx,
        (id, page, anchor): (&str, &str, &str),
        number: String,
        title: &str,
        written: Written<'_>,
        when: Option<&Condition>,
    ) -> Head {
        let key = if anchor.starts_with("sec-") || anchor.starts_with("step-") {
            format!("{page}/{id}")
        } else {
            id.to_string()
        };
        let title_values = match written {
            Written::Target => ctx.title_values(&key),
            Written::Own(source) => title_segments(ctx.config(), source),
        };
        Head {
            id: id.to_string(),
            anchor: ctx.anchor(page, anchor),
            number,
            title: title.to_string(),
            title_values,
            when: labels::when(when),
            badges: labels::badges(when, ctx.config()),
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
    /// The body, as the theme's `step_body.html` wrote it.
    pub html: String,
    /// The body as plain text, for the search index.
    pub text: String,
    /// FNV-1a 64 of the step's title and rendered body, as 16 hex digits, in runbooks
    /// (empty elsewhere): a later build can tell which steps changed since a runbook was
    /// ticked.
    pub hash: String,
    /// Position in a runbook, 1..total across every procedure; 0 on site pages.
    pub seq: u32,
    /// In a translated book, text not (or no longer) translated from the source's.
    pub translation: Option<GapView>,
    /// The known problems that show at this step.
    pub problems: Vec<ProblemLink>,
}

/// A known problem as a step lists it: one line, linking to the entry.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemLink {
    pub id: String,
    pub href: String,
    pub title: String,
    /// The title cut at the facet values it shows (see [`Head::title_values`]).
    pub title_values: Option<Vec<Segment<'static>>>,
    /// The problem's condition, for `data-when`.
    pub when: Option<String>,
}

/// What a reader of a translated book is told where the translation falls short.
#[derive(Debug, Clone, Serialize)]
pub struct GapView {
    /// Translated from an earlier source (otherwise: not translated yet).
    pub stale: bool,
    /// The source's text, rendered.
    pub source: String,
    /// Its language code.
    pub lang: &'static str,
}

/// The gap recorded for `target` (see [`crate::model::Book::translation_gaps`]).
fn gap(ctx: &Ctx, page: &str, target: &str) -> Option<GapView> {
    let gap = ctx.book.translation_gaps.get(target)?;
    let source = gap
        .source
        .iter()
        .map(|text| markdown::render(ctx, page, text).html)
        .collect();
    Some(GapView {
        stale: gap.stale,
        source,
        lang: gap.lang,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct BranchView {
    pub label: String,
    pub when: Option<String>,
    pub badges: Option<Badges>,
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
    /// The condition written on the procedure's element (`data-when`): its own in a
    /// runbook (whose book is filtered already), chapter ∧ group ∧ procedure among the
    /// other procedures of the print page, and none on its own page, where the page's
    /// banner carries it instead ([`PageCondition`]): a page that does not apply says so
    /// rather than going blank.
    pub select_when: Option<String>,
    /// In a translated book, the procedure's own text (title, introduction, sections) not
    /// translated from the source as it is now.
    pub translation: Option<GapView>,
}

/// What selects a chapter's or a procedure's page (chapter ∧ group ∧ procedure), for the
/// banner that tells a reader whose environment it does not apply to, and why.
#[derive(Debug, Clone, Serialize)]
pub struct PageCondition {
    /// The whole condition in the canonical syntax (`data-page-when`).
    pub when: String,
    /// Its conjuncts in words, each with its own condition: the banner names the ones the
    /// reader's environment breaks.
    pub badges: Badges,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    #[serde(flatten)]
    pub head: Head,
    pub kind: &'static str,
    pub href: String,
    pub intro: String,
    pub procedures: Vec<ItemView>,
    /// Everything that selects a procedure (chapter ∧ group ∧ procedure), for lists that
    /// show procedures outside their chapter; `None` otherwise.
    pub select_when: Option<String>,
    /// A group's title or intro not (or no longer) translated.
    pub translation: Option<GapView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChapterView {
    #[serde(flatten)]
    pub head: Head,
    pub intro: String,
    pub items: Vec<ItemView>,
    /// Its title or intro not (or no longer) translated.
    pub translation: Option<GapView>,
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
                title_values: ctx.title_values(owner),
            },
            None => LinkView {
                href: ctx.href("index", "front"),
                number: String::new(),
                title: ctx.t().front_matter.to_string(),
                title_values: None,
            },
        })
        .collect()
}

/// A procedure's view, its steps' bodies rendered as `markup` says.
pub fn procedure(ctx: &Ctx, markup: StepMarkup, p: &Procedure) -> Result<ProcedureView> {
    let mut bodies = Bodies::new(markup, ctx.t());
    Ok(ProcedureView {
        head: Head::titled(
            ctx,
            (&p.id, &p.id, ""),
            p.number.to_string(),
            &p.title,
            Written::Own(p.title_source.as_deref()),
            p.when.as_ref(),
        ),
        intro: markdown::render(ctx, &p.id, &p.intro).html,
        sections: p
            .sections
            .iter()
            .map(|s| section(ctx, &mut bodies, p, s))
            .collect::<Result<_>>()?,
        select_when: labels::when(p.when.as_ref()),
        translation: gap(ctx, &p.id, &p.id),
    })
}

/// The conditions that select procedure `place` (chapter, group, its own), outermost
/// first.
pub fn selecting(place: Place<'_>) -> [Option<&Condition>; 3] {
    [
        place.chapter.when.as_ref(),
        place.group.and_then(|g| g.when.as_ref()),
        place.procedure.when.as_ref(),
    ]
}

/// [`PageCondition`] of what `conds` together select; `None` when nothing is conditional.
pub fn page_condition(ctx: &Ctx, conds: &[Option<&Condition>]) -> Option<PageCondition> {
    let all = all_of(conds)?;
    Some(PageCondition {
        when: labels::when(Some(&all))?,
        badges: labels::badges(Some(&all), ctx.config())?,
    })
}

fn section(ctx: &Ctx, bodies: &mut Bodies, p: &Procedure, s: &Section) -> Result<SectionView> {
    let level = if s.branches.is_empty() { 3 } else { 4 };
    Ok(SectionView {
        head: Head::titled(
            ctx,
            (&s.id, &p.id, &format!("sec-{}", s.id)),
            s.number.to_string(),
            &s.title,
            Written::Own(s.title_source.as_deref()),
            s.when.as_ref(),
        ),
        intro: markdown::render(ctx, &p.id, &s.intro).html,
        steps: s
            .steps
            .iter()
            .map(|st| step(ctx, bodies, &p.id, st, level))
            .collect::<Result<_>>()?,
        branches: s
            .branches
            .iter()
            .map(|b| branch(ctx, bodies, p, b))
            .collect::<Result<_>>()?,
    })
}

fn branch(ctx: &Ctx, bodies: &mut Bodies, p: &Procedure, b: &Branch) -> Result<BranchView> {
    Ok(BranchView {
        label: b.label.clone(),
        when: labels::when(Some(&b.when)),
        badges: labels::badges(Some(&b.when), ctx.config()),
        intro: markdown::render(ctx, &p.id, &b.intro).html,
        steps: b
            .steps
            .iter()
            .map(|st| step(ctx, bodies, &p.id, st, 4))
            .collect::<Result<_>>()?,
    })
}

/// A step of the page `page` (a procedure's, or a problem's remedy).
pub fn step(ctx: &Ctx, bodies: &mut Bodies, page: &str, st: &Step, level: u8) -> Result<StepView> {
    let (body, text) = parts::step_body(ctx, page, st);
    let html = bodies.render(page, &body)?;
    let hash = if bodies.hashed() {
        format!(
            "{:016x}",
            fnv1a64(&[st.title.as_bytes(), b"\n", html.as_bytes()])
        )
    } else {
        String::new()
    };
    // Most books have no translation gaps and few known problems: a step's key is made
    // only to look up what there is.
    let key = || format!("{page}/{}", st.id);
    let translation = if ctx.book.translation_gaps.is_empty() {
        None
    } else {
        gap(ctx, page, &key()).or_else(|| {
            let id = st.reused.as_ref()?;
            gap(ctx, page, &format!("_steps/{id}"))
        })
    };
    let problems = if ctx.book.problems.is_empty() {
        Vec::new()
    } else {
        ctx.book
            .problems_at(&key())
            .map(|pr| ProblemLink {
                id: pr.id.clone(),
                href: ctx.href(&pr.page(), ""),
                title: pr.title.clone(),
                title_values: ctx.title_values(&pr.page()),
                when: labels::when(pr.when.as_ref()),
            })
            .collect()
    };
    Ok(StepView {
        head: Head::titled(
            ctx,
            (&st.id, page, &format!("step-{}", st.id)),
            st.number.to_string(),
            &st.title,
            Written::Own(st.title_source.as_deref()),
            st.when.as_deref(),
        ),
        reused: st.reused.clone(),
        level,
        html,
        text,
        hash,
        seq: 0,
        translation,
        problems,
    })
}

/// 64-bit FNV-1a of `parts` one after another: small, stable across platforms and Rust
/// versions, enough to notice an edit.
pub fn fnv1a64(parts: &[&[u8]]) -> u64 {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    for p in parts {
        h.write(p);
    }
    h.finish()
}

/// The conjunction of the conditions that select something nested in chapters and groups.
pub fn all_of(conds: &[Option<&Condition>]) -> Option<Condition> {
    let mut items = Vec::new();
    for c in conds.iter().flatten() {
        match c {
            Condition::And(inner) => items.extend(inner.iter().cloned()),
            other => items.push((*other).clone()),
        }
    }
    match items.len() {
        0 => None,
        1 => items.pop(),
        _ => Some(Condition::And(items)),
    }
}

fn proc_item(ctx: &Ctx, p: &Procedure, outer: &[Option<&Condition>]) -> ItemView {
    let mut select = outer.to_vec();
    select.push(p.when.as_ref());
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
        select_when: labels::when(all_of(&select).as_ref()),
        translation: None,
    }
}

fn group_item(ctx: &Ctx, c: &Chapter, g: &Group) -> ItemView {
    let chapter = c.id.as_str();
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
        procedures: g
            .procedures
            .iter()
            .map(|p| proc_item(ctx, p, &[c.when.as_ref(), g.when.as_ref()]))
            .collect(),
        select_when: None,
        translation: gap(ctx, chapter, &g.id),
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
                ChapterItem::Group(g) => group_item(ctx, c, g),
                ChapterItem::Procedure(p) => proc_item(ctx, p, &[c.when.as_ref()]),
            })
            .collect(),
        translation: gap(ctx, &c.id, &c.id),
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
                select_when: None,
                translation: None,
            }
        })
        .collect()
}
