//! The commands page (`commands.html`): every program the book's commands run and every
//! process its checks name, each with the steps that use it — `tejun search --commands`
//! for a reader without a terminal. Each step carries its condition so the picker hides
//! what the chosen environment rules out, and a name left with no step goes with it.

use serde::Serialize;

use super::html::Ctx;
use crate::search::commands::{self, Kind};

/// A program or process with its steps, ready for `commands.html`.
#[derive(Debug, Clone, Serialize)]
pub struct CommandView {
    pub name: String,
    /// Whether a check names it rather than a command running it.
    pub process: bool,
    pub steps: Vec<StepLink>,
}

/// A step that uses a command, as its page numbers and titles it.
#[derive(Debug, Clone, Serialize)]
pub struct StepLink {
    pub href: String,
    /// Procedure and step number (`1.2 step 3`).
    pub location: String,
    pub title: String,
    pub procedure: String,
    /// The step's effective condition, for `data-when`.
    pub when: Option<String>,
}

/// Every command and process of the book, by name.
pub fn index(ctx: &Ctx) -> Vec<CommandView> {
    commands::list(ctx.book, "")
        .into_iter()
        .map(|e| CommandView {
            name: e.name,
            process: e.kind == Kind::Process,
            steps: e
                .steps
                .into_iter()
                .map(|u| StepLink {
                    href: ctx.href(&u.page, &u.anchor),
                    location: u.location,
                    title: u.title,
                    procedure: u.procedure,
                    when: u.condition,
                })
                .collect(),
        })
        .collect()
}
