//! Procedures rendered one by one, in parallel. The print page and each runbook hold every
//! procedure of the book; one tera render of such a page runs on a single thread and walks
//! a context the size of the book, so they are assembled from `procedure_body.html`
//! fragments instead (the same template the procedure pages include).

use anyhow::{anyhow, Result};
use rayon::prelude::*;
use tera::Context;

use super::theme::{error_chain, Theme};
use super::view::ProcedureView;

/// `procedure_body.html` for each of `procedures`, with `base` (the strings `t`, and for a
/// runbook `runbook` and `rb_t`) plus `procedure` as its context.
pub fn procedure_bodies(
    theme: &Theme,
    base: &Context,
    procedures: &[ProcedureView],
) -> Result<Vec<String>> {
    procedures
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
        .collect()
}
