//! The PDF's title page: the book's title, edition and description, the date it was
//! printed and, for a runbook, the environment it was made for, facet by facet.
//!
//! The date is the runbooks' build date (`SOURCE_DATE_EPOCH` when set), so a
//! reproducible build prints the same day.

use crate::config::Config;
use crate::render::env::described;
use crate::render::RunbookSpec;

/// The title page as an HTML fragment (it replaces the print page's own title block).
pub fn html(config: &Config, runbook: Option<&RunbookSpec>) -> String {
    let w = &config.words.pdf;
    let mut h = String::from("<section class=\"tejun-cover\" aria-label=\"");
    h.push_str(&escape(&config.title));
    h.push_str("\">\n<p class=\"cover-kind\">");
    h.push_str(if runbook.is_some() {
        &w.runbook
    } else {
        &w.handbook
    });
    h.push_str("</p>\n<p class=\"cover-title\">");
    h.push_str(&escape(&config.title));
    h.push_str("</p>\n");
    if let Some(edition) = &config.edition {
        h.push_str(&format!(
            "<p class=\"cover-edition\">{}</p>\n",
            escape(edition)
        ));
    }
    if let Some(d) = &config.description {
        h.push_str(&format!(
            "<p class=\"cover-description\">{}</p>\n",
            escape(d)
        ));
    }
    if let Some(rb) = runbook {
        h.push_str(&format!(
            "<div class=\"cover-env\">\n<p class=\"cover-env-title\">{}</p>\n<p class=\"cover-env-label\">{}</p>\n<dl>\n",
            w.environment,
            escape(&rb.title)
        ));
        for (facet, value) in described(config, &rb.env) {
            h.push_str(&format!(
                "<div><dt>{}</dt><dd>{}</dd></div>\n",
                escape(&facet),
                escape(&value)
            ));
        }
        h.push_str("</dl>\n</div>\n");
    }
    h.push_str(&format!(
        "<p class=\"cover-date\">{}: {}</p>\n</section>\n",
        w.date,
        escape(&runbook.map_or_else(crate::render::runbook::build_date, |rb| rb.built.clone()))
    ));
    h
}

/// Text for HTML element content and attribute values (the renderer's escaping).
pub use crate::render::esc as escape;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
