//! The default theme is compiled into the binary, so `tejun build` works with no theme on
//! disk; a book replaces any file by putting one of the same name in its own theme folder
//! (`themes/default/` unless book.toml says otherwise).
//!
//! A theme may come from anyone, and the site it makes is published: its files are read
//! only from inside its folder (regular files, and links and subfolders that stay in the
//! folder), and its templates see the book and nothing of the machine that builds it.
//!
//! Rust hands the templates data and they write every element: pages, the table of
//! contents (`toc.html`, one macro for the home page, the print page and the sidebar),
//! the sidebar's script (`toc.js`), and each step's body (`step_body.html`, `part.html`,
//! `variant.html`, `parts/*.html`, `conditions.html`). Only prose is HTML before it
//! reaches a template: Markdown is content, rendered by pulldown-cmark. While a theme
//! leaves the step-body templates as the default theme has them, their markup is written
//! by [`super::body_html`] instead, byte for byte the same, several times faster; so are
//! procedures and their steps by [`super::procedure_html`].

use std::error::Error as _;
use std::path::Path;

use anyhow::{anyhow, bail, Result};

use crate::output::{Fingerprint, Fingerprinter};
pub use crate::theme_file::read_file;
use tera::Tera;

/// Templates of the default theme: (name, text).
const TEMPLATES: &[(&str, &str)] = &[
    (
        "layout.html",
        include_str!("../../themes/default/layout.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/index.html"),
    ),
    (
        "chapter.html",
        include_str!("../../themes/default/chapter.html"),
    ),
    (
        "procedure.html",
        include_str!("../../themes/default/procedure.html"),
    ),
    (
        "procedure_body.html",
        include_str!("../../themes/default/procedure_body.html"),
    ),
    ("step.html", include_str!("../../themes/default/step.html")),
    (
        "translation_gap.html",
        include_str!("../../themes/default/translation_gap.html"),
    ),
    (
        "step_body.html",
        include_str!("../../themes/default/step_body.html"),
    ),
    ("part.html", include_str!("../../themes/default/part.html")),
    (
        "variant.html",
        include_str!("../../themes/default/variant.html"),
    ),
    (
        "parts/text.html",
        include_str!("../../themes/default/parts/text.html"),
    ),
    (
        "parts/cmd.html",
        include_str!("../../themes/default/parts/cmd.html"),
    ),
    (
        "parts/gui.html",
        include_str!("../../themes/default/parts/gui.html"),
    ),
    (
        "parts/processes.html",
        include_str!("../../themes/default/parts/processes.html"),
    ),
    (
        "parts/callout.html",
        include_str!("../../themes/default/parts/callout.html"),
    ),
    (
        "parts/refs.html",
        include_str!("../../themes/default/parts/refs.html"),
    ),
    (
        "parts/placeholder.html",
        include_str!("../../themes/default/parts/placeholder.html"),
    ),
    (
        "parts/value.html",
        include_str!("../../themes/default/parts/value.html"),
    ),
    (
        "parts/title.html",
        include_str!("../../themes/default/parts/title.html"),
    ),
    (
        "conditions.html",
        include_str!("../../themes/default/conditions.html"),
    ),
    ("toc.html", include_str!("../../themes/default/toc.html")),
    (
        "scheme_head.html",
        include_str!("../../themes/default/scheme_head.html"),
    ),
    (
        "page_toc.html",
        include_str!("../../themes/default/page_toc.html"),
    ),
    ("toc.js", include_str!("../../themes/default/toc.js")),
    (
        "sidebar.html",
        include_str!("../../themes/default/sidebar.html"),
    ),
    (
        "env_banner.html",
        include_str!("../../themes/default/env_banner.html"),
    ),
    (
        "env_bar.html",
        include_str!("../../themes/default/env_bar.html"),
    ),
    (
        "references.html",
        include_str!("../../themes/default/references.html"),
    ),
    ("404.html", include_str!("../../themes/default/404.html")),
    (
        "problem.html",
        include_str!("../../themes/default/problem.html"),
    ),
    (
        "problem_body.html",
        include_str!("../../themes/default/problem_body.html"),
    ),
    (
        "commands.html",
        include_str!("../../themes/default/commands.html"),
    ),
    (
        "known_problems.html",
        include_str!("../../themes/default/known_problems.html"),
    ),
    (
        "print.html",
        include_str!("../../themes/default/print.html"),
    ),
    (
        "runbook.html",
        include_str!("../../themes/default/runbook.html"),
    ),
];

/// Static files copied to `assets/`: (name, text).
const ASSETS: &[(&str, &str)] = &[
    ("style.css", include_str!("../../themes/default/style.css")),
    ("print.css", include_str!("../../themes/default/print.css")),
    ("tejun.js", include_str!("../../themes/default/tejun.js")),
    ("nav.js", include_str!("../../themes/default/nav.js")),
    (
        "condition.js",
        include_str!("../../themes/default/condition.js"),
    ),
    ("picker.js", include_str!("../../themes/default/picker.js")),
    (
        "applies.js",
        include_str!("../../themes/default/applies.js"),
    ),
    ("search.js", include_str!("../../themes/default/search.js")),
    (
        "placeholders.js",
        include_str!("../../themes/default/placeholders.js"),
    ),
    // Inlined into runbooks; copied too, so a theme overrides them like any asset.
    (
        "runbook.css",
        include_str!("../../themes/default/runbook.css"),
    ),
    (
        "runbook.js",
        include_str!("../../themes/default/runbook.js"),
    ),
];

/// The templates, compiled, and the assets to copy.
#[derive(Clone)]
pub struct Theme {
    /// The compiled templates.
    pub tera: Tera,
    /// The files copied to `assets/`, by name.
    pub assets: Vec<(String, Vec<u8>)>,
    /// A hash of every template and asset: part of each page's build-cache key, so an
    /// edit of any theme file renders the pages again.
    pub fingerprint: Fingerprint,
    /// Whether the step-body templates are all the default theme's own, so that
    /// [`super::body_html`] writes their markup instead of tera.
    pub default_bodies: bool,
    /// Whether the procedure fragment's templates are all the default theme's own, so
    /// that [`super::procedure_html`] writes the print page's and runbooks' procedures.
    pub default_procedures: bool,
    /// Whether procedure pages are rendered with [`PROCEDURE_PAGE`] (`procedure.html` is
    /// the default's too), handed the procedure [`super::procedure_html`] wrote.
    pub procedure_page: bool,
    /// Whether the commands page is rendered with [`COMMANDS_PAGE`] (`commands.html` and
    /// the title it includes are the default's own, [`super::commands_html::TEMPLATES`]).
    pub commands_page: bool,
}

/// The default `procedure.html`, its procedure handed in as `procedure_html`. Not a theme
/// file: a theme that replaces `procedure.html` is rendered with its own.
pub const PROCEDURE_PAGE: &str = "tejun/procedure-page.html";

/// The default `commands.html`, its content block handed in as `commands_html`
/// ([`super::commands_html`]). Not a theme file either.
pub const COMMANDS_PAGE: &str = "tejun/commands-page.html";

/// Where the default `procedure.html` includes the procedure.
const INCLUDE_BODY: &str = "{% include \"procedure_body.html\" %}";

impl Theme {
    /// The default theme with the book's overrides from `dir` (which may not exist).
    pub fn load(dir: Option<&Path>) -> Result<Theme> {
        let mut templates = Vec::new();
        for (name, text) in TEMPLATES {
            let text = match read_file(dir, name)? {
                Some(bytes) => String::from_utf8(bytes).map_err(|_| {
                    let path = dir.map(|d| d.join(name)).unwrap_or_default();
                    anyhow!("theme file `{}` is not UTF-8", path.display())
                })?,
                None => text.to_string(),
            };
            templates.push((name.to_string(), text));
        }
        let as_default = |names: &[&str]| {
            names.iter().all(|name| {
                let own = TEMPLATES.iter().find(|(n, _)| n == name);
                let used = templates.iter().find(|(n, _)| n == name);
                matches!((own, used), (Some((_, a)), Some((_, b))) if a == b)
            })
        };
        let default_bodies = as_default(super::body_html::TEMPLATES);
        let default_procedures = as_default(super::procedure_html::TEMPLATES);
        let commands_page = as_default(super::commands_html::TEMPLATES);
        let mut f = Fingerprinter::new();
        for (name, text) in &templates {
            f.bytes(name.as_bytes()).bytes(text.as_bytes());
        }
        // The default procedure page with its procedure written by Rust: the same text with
        // the fragment handed in where it includes `procedure_body.html`.
        let procedure_page = default_procedures && as_default(&["procedure.html"]);
        if procedure_page {
            let own = templates
                .iter()
                .find(|(n, _)| n == "procedure.html")
                .map(|(_, text)| text.replace(INCLUDE_BODY, "{{ procedure_html | safe }}"))
                .filter(|text| !text.contains("procedure_body.html\" %}"));
            match own {
                Some(text) => templates.push((PROCEDURE_PAGE.to_string(), text)),
                None => {
                    bail!("the default `procedure.html` does not include `procedure_body.html`")
                }
            }
        }
        if commands_page {
            let own = templates
                .iter()
                .find(|(n, _)| n == "commands.html")
                .and_then(|(_, text)| commands_block(text));
            match own {
                Some(text) => templates.push((COMMANDS_PAGE.to_string(), text)),
                None => bail!("the default `commands.html` has no `content` block"),
            }
        }
        let mut tera = Tera::default();
        sandbox(&mut tera);
        tera.register_filter("esc", Esc);
        tera.add_raw_templates(templates)
            .map_err(|e| anyhow!("theme templates: {}", error_chain(&e)))?;
        let mut assets = Vec::new();
        for (name, text) in ASSETS {
            let bytes = match read_file(dir, name)? {
                Some(bytes) => bytes,
                None if name.ends_with(".js") => compact_js(text).into_bytes(),
                None => text.as_bytes().to_vec(),
            };
            f.bytes(name.as_bytes()).bytes(&bytes);
            assets.push((name.to_string(), bytes));
        }
        Ok(Theme {
            tera,
            assets,
            fingerprint: f.finish(),
            default_bodies,
            default_procedures,
            procedure_page,
            commands_page,
        })
    }
}

/// `commands.html` with its content block's text replaced by `commands_html`.
fn commands_block(text: &str) -> Option<String> {
    const OPEN: &str = "{% block content %}";
    const CLOSE: &str = "{% endblock content %}";
    let start = text.find(OPEN)? + OPEN.len();
    let end = start + text[start..].find(CLOSE)?;
    Some(format!(
        "{}{{{{ commands_html | safe }}}}{}",
        &text[..start],
        &text[end..]
    ))
}

/// The default theme's script without its comment lines, blank lines and indentation: a
/// reader's first search loads `search.js`, and a runbook inlines `runbook.js`, so their
/// comments would cost every reader bytes. Safe for these files only (no template
/// literals, no line continuations: checked by the unit test below); a book's own
/// override is copied as written.
fn compact_js(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Takes from templates what reaches past the book: tera's `get_env` would write the build
/// host's environment (tokens, paths) into a site meant to be published. Tera without its
/// `builtins` feature has no other such function (`now` and `get_random` are left out, and
/// `include`, `import` and `extends` only name templates added here, never a path).
fn sandbox(tera: &mut Tera) {
    tera.register_function(
        "get_env",
        |_: &std::collections::HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
            Err(tera::Error::msg(
                "`get_env` is not available: templates have no access to the environment \
                 of the machine that builds the book",
            ))
        },
    );
}

/// `{{ text | esc }}`: text escaped as the renderer escapes it (`& < > " '`), where tera's
/// autoescape would also write `/` as `&#x2F;`. The markup that moved from Rust into the
/// theme uses it, so its pages stay byte for byte what they were; it marks its result
/// safe, so tera does not escape it again.
struct Esc;

impl tera::Filter for Esc {
    fn filter(
        &self,
        value: &tera::Value,
        _: &std::collections::HashMap<String, tera::Value>,
    ) -> tera::Result<tera::Value> {
        let text = match value {
            tera::Value::String(s) => super::html::esc(s),
            // As tera writes a missing value: nothing.
            tera::Value::Null => String::new(),
            other => super::html::esc(&other.to_string()),
        };
        Ok(tera::Value::String(text))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// A tera error with every cause: tera puts the useful part (the template, the line, the
/// missing variable) in the sources, not in the top-level message.
pub fn error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `compact_js` relies on: no line of a default script is inside a template
    /// literal or continues a string, so dropping indentation and whole-line comments
    /// changes no string the script holds.
    #[test]
    fn the_default_scripts_can_be_compacted() {
        for (name, text) in ASSETS.iter().filter(|(n, _)| n.ends_with(".js")) {
            for (i, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                assert!(!line.ends_with('\\'), "{name}:{}: a continued line", i + 1);
                let ticks = code.matches('`').count();
                let quoted = code.matches("\"`\"").count() + code.matches("'`'").count();
                assert_eq!(ticks, quoted, "{name}:{}: a template literal", i + 1);
            }
            let compact = compact_js(text);
            assert!(compact.len() < text.len(), "{name}");
            assert!(!compact.lines().any(|l| l.starts_with("//") || l.is_empty()));
        }
    }
}
