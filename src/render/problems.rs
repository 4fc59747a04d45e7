//! Known problems as the site shows them: an entry's page (symptom, messages, causes with
//! their numbered remedy steps, the steps where it shows), the index of every entry by
//! chapter, and the same entries in the print page.

use anyhow::Result;
use serde::Serialize;

use super::html::Ctx;
use super::labels::{self, Badges};
use super::markdown;
use super::nav;
use super::parts::{Bodies, StepMarkup};
use super::view::{self, StepView};
use crate::model::Problem;

/// One known problem, ready for `problem_body.html`.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemView {
    pub id: String,
    /// The element's `id` attribute (empty on its own page).
    pub anchor: String,
    pub href: String,
    pub title: String,
    /// The title cut at the facet values it shows.
    pub title_values: Option<Vec<super::html::Segment<'static>>>,
    /// The problem's condition, for `data-when`.
    pub when: Option<String>,
    pub badges: Option<Badges>,
    pub messages: Vec<String>,
    pub symptom: String,
    pub causes: Vec<CauseView>,
    pub shown_at: Vec<ShownAt>,
}

/// One cause and its remedy.
#[derive(Debug, Clone, Serialize)]
pub struct CauseView {
    pub number: usize,
    pub html: String,
    pub when: Option<String>,
    pub badges: Option<Badges>,
    pub steps: Vec<StepView>,
}

/// A step where a problem shows, named as a reader finds it: procedure number and title,
/// step number and title.
#[derive(Debug, Clone, Serialize)]
pub struct ShownAt {
    pub href: String,
    pub procedure_number: String,
    pub procedure_title: view::TitleView,
    pub section_number: String,
    pub step_number: String,
    pub step_title: view::TitleView,
}

/// The entries of one chapter on the index page (`chapter` is `None` for entries tied to
/// no step).
#[derive(Debug, Clone, Serialize)]
pub struct ProblemGroup {
    pub chapter: Option<view::LinkView>,
    pub problems: Vec<view::ProblemLink>,
}

/// A problem's view; its remedy steps rendered as `markup` says.
pub fn problem(ctx: &Ctx, markup: StepMarkup, p: &Problem) -> Result<ProblemView> {
    let page = p.page();
    let mut bodies = Bodies::new(markup, ctx.t());
    let causes = p
        .causes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(CauseView {
                number: i + 1,
                html: markdown::render(ctx, &page, &c.text).html,
                when: labels::when(c.when.as_ref()),
                badges: labels::badges(c.when.as_ref(), ctx.config()),
                steps: c
                    .steps
                    .iter()
                    .map(|st| view::step(ctx, &mut bodies, &page, st, 4))
                    .collect::<Result<_>>()?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(ProblemView {
        id: p.id.clone(),
        anchor: ctx.anchor(&page, ""),
        href: ctx.href(&page, ""),
        title: p.title.clone(),
        title_values: ctx.title_values(&page),
        when: labels::when(p.when.as_ref()),
        badges: labels::badges(p.when.as_ref(), ctx.config()),
        messages: p.messages.clone(),
        symptom: markdown::render(ctx, &page, &p.symptom).html,
        causes,
        shown_at: shown_at(ctx, p),
    })
}

fn shown_at(ctx: &Ctx, p: &Problem) -> Vec<ShownAt> {
    let targets = &ctx.book.targets;
    p.applies_to
        .iter()
        .filter_map(|key| {
            let step = targets.get(key)?;
            let procedure = targets.get(step.procedure.as_deref()?)?;
            Some(ShownAt {
                href: ctx.target_href(step),
                procedure_number: procedure.number.to_string(),
                procedure_title: view::TitleView::of(ctx, &procedure.page, &procedure.title),
                section_number: step
                    .section
                    .as_ref()
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                step_number: step.number.to_string(),
                step_title: view::TitleView::of(ctx, key, &step.title),
            })
        })
        .collect()
}

/// Every entry, under each chapter it shows in (in the book's order), then those tied to
/// no step.
pub fn index(ctx: &Ctx) -> Vec<ProblemGroup> {
    let chapter_of: std::collections::HashMap<&str, &str> = nav::places(ctx.book)
        .map(|pl| (pl.procedure.id.as_str(), pl.chapter.id.as_str()))
        .collect();
    let link = |p: &Problem| view::ProblemLink {
        id: p.id.clone(),
        href: ctx.href(&p.page(), ""),
        title: p.title.clone(),
        title_values: ctx.title_values(&p.page()),
        when: labels::when(p.when.as_ref()),
    };
    let mut groups = Vec::new();
    for c in &ctx.book.chapters {
        let problems: Vec<view::ProblemLink> = ctx
            .book
            .problems
            .iter()
            .filter(|p| {
                p.applies_to.iter().any(|k| {
                    let proc_id = k.split('/').next().unwrap_or_default();
                    chapter_of.get(proc_id) == Some(&c.id.as_str())
                })
            })
            .map(link)
            .collect();
        if !problems.is_empty() {
            groups.push(ProblemGroup {
                chapter: Some(nav::page_link(ctx, &nav::PageId::Chapter(c.id.clone()))),
                problems,
            });
        }
    }
    let loose: Vec<view::ProblemLink> = ctx
        .book
        .problems
        .iter()
        .filter(|p| p.applies_to.is_empty())
        .map(link)
        .collect();
    if !loose.is_empty() {
        groups.push(ProblemGroup {
            chapter: None,
            problems: loose,
        });
    }
    groups
}
