//! Procedures rendered one by one, in parallel. The print page and each runbook hold every
//! procedure of the book; one tera render of such a page runs on a single thread and walks
//! a context the size of the book, so they are assembled from `procedure_body.html`
//! fragments instead (the same template the procedure pages include).

use anyhow::{anyhow, Result};
use rayon::prelude::*;
use tera::Context;

use super::theme::{error_chain, Theme};
use super::view::ProcedureView;

/// Procedures whose views are alive at once. A view holds every step's HTML and text, a
/// few times the fragment it renders to; making and rendering them a run at a time keeps
/// a book's worth of views (hundreds of megabytes at 5,000 procedures) from ever
/// existing, and a run is still plenty of work for every core.
const RUN: usize = 128;

/// `procedure_body.html` for each of `procedures`, with `base` (the strings `t`, and for a
/// runbook `runbook` and `rb_t`) plus `procedure` as its context. `view` makes each
/// procedure's view (in parallel); `adjust` then sees every view in reading order before
/// it is rendered (a runbook numbers its steps across the book).
pub fn procedure_bodies<P: Sync>(
    theme: &Theme,
    base: &Context,
    procedures: &[P],
    view: impl Fn(&P) -> Result<ProcedureView> + Sync,
    mut adjust: impl FnMut(&mut ProcedureView),
) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(procedures.len());
    for run in procedures.chunks(RUN) {
        let mut views: Vec<ProcedureView> = run.par_iter().map(&view).collect::<Result<_>>()?;
        views.iter_mut().for_each(&mut adjust);
        let bodies: Vec<String> = views
            .par_iter()
            .map(|p| {
                let mut c = base.clone();
                c.insert("procedure", p);
                theme.tera.render("procedure_body.html", &c).map_err(|e| {
                    anyhow!(
                        "failed to render procedure `{}` with template `procedure_body.html`: {}",
                        p.head.id,
                        error_chain(&e)
                    )
                })
            })
            .collect::<Result<_>>()?;
        out.extend(bodies);
    }
    Ok(out)
}

/// `strings` as a tera context entry `key`, moved rather than copied: `Context::insert`
/// serialises a copy, and these are the fragments of a whole book.
pub fn insert_strings(c: &mut Context, key: &str, strings: Vec<String>) -> Result<()> {
    let list = strings.into_iter().map(serde_json::Value::String).collect();
    insert_value(c, key, serde_json::Value::Array(list))
}

/// `value` as the context entry `key`, moved rather than copied.
pub fn insert_value(c: &mut Context, key: &str, value: serde_json::Value) -> Result<()> {
    let mut map = serde_json::Map::new();
    map.insert(key.to_string(), value);
    let moved = Context::from_value(serde_json::Value::Object(map)).map_err(|e| {
        anyhow!(
            "failed to build the context of `{key}`: {}",
            error_chain(&e)
        )
    })?;
    c.extend(moved);
    Ok(())
}
