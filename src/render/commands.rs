//! The commands page (`commands.html`): every program the book's commands run and every
//! process its checks name, each with the steps that use it — `tejun search --commands`
//! for a reader without a terminal. Each step carries its condition so the picker hides
//! what the chosen environment rules out, and a name left with no step goes with it.

use serde::Serialize;

use super::html::Ctx;
use super::view::TitleView;
use crate::output::Fingerprinter;

/// A program or process as the layer that knows commands (search) lists it for the site.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Its name, lower-cased.
    pub name: String,
    /// Whether a check names it rather than a command running it.
    pub process: bool,
    /// The steps that use it, in reading order.
    pub steps: Vec<ListedStep>,
}

/// A step that uses a [`Listed`] command.
#[derive(Debug, Clone)]
pub struct ListedStep {
    /// The page it is on.
    pub page: String,
    /// Its anchor on that page.
    pub anchor: String,
    /// Procedure and step number.
    pub location: String,
    /// The step's title.
    pub title: String,
    /// Its procedure's title.
    pub procedure: String,
    /// The step's effective condition, canonical.
    pub condition: Option<String>,
}

/// Adds everything `listed` holds to `f`: the commands page is a function of the
/// listing, the theme and what the book shares (each struct taken apart whole, so a field
/// added to it does not compile until it is keyed).
pub fn fingerprint(listed: &[Listed], f: &mut Fingerprinter) {
    f.bytes(&(listed.len() as u64).to_le_bytes());
    for Listed {
        name,
        process,
        steps,
    } in listed
    {
        f.bytes(name.as_bytes())
            .bytes(&[u8::from(*process)])
            .bytes(&(steps.len() as u64).to_le_bytes());
        for ListedStep {
            page,
            anchor,
            location,
            title,
            procedure,
            condition,
        } in steps
        {
            f.bytes(page.as_bytes())
                .bytes(anchor.as_bytes())
                .bytes(location.as_bytes())
                .bytes(title.as_bytes())
                .bytes(procedure.as_bytes());
            match condition {
                Some(c) => f.bytes(b"when").bytes(c.as_bytes()),
                None => f.bytes(b"always"),
            };
        }
    }
}

/// A program or process with its steps, ready for `commands.html`.
#[derive(Debug, Clone, Serialize)]
pub struct CommandView {
    /// Its name, lower-cased.
    pub name: String,
    /// Whether a check names it rather than a command running it.
    pub process: bool,
    /// The steps that use it, in reading order.
    pub steps: Vec<StepLink>,
}

/// A step that uses a command, as its page numbers and titles it.
#[derive(Debug, Clone, Serialize)]
pub struct StepLink {
    /// The step's address from the commands page.
    pub href: String,
    /// Procedure and step number (`1.2 step 3`).
    pub location: String,
    /// The step's title.
    pub title: TitleView,
    /// Its procedure's title.
    pub procedure: TitleView,
    /// The step's effective condition, for `data-when`.
    pub when: Option<String>,
}

/// Every command and process of the book as `listed` names them, by name.
pub fn index(ctx: &Ctx, listed: &[Listed]) -> Vec<CommandView> {
    listed
        .iter()
        .map(|e| CommandView {
            name: e.name.clone(),
            process: e.process,
            steps: e
                .steps
                .iter()
                .map(|u| {
                    let step = format!("{}/{}", u.page, u.anchor.trim_start_matches("step-"));
                    StepLink {
                        href: ctx.href(&u.page, &u.anchor),
                        location: u.location.clone(),
                        title: TitleView::of(ctx, &step, &u.title),
                        procedure: TitleView::of(ctx, &u.page, &u.procedure),
                        when: u.condition.clone(),
                    }
                })
                .collect(),
        })
        .collect()
}
