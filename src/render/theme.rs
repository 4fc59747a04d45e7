//! The default theme is compiled into the binary, so `tejun build` works with no theme on
//! disk; a book replaces any file by putting one of the same name in its own theme folder
//! (`themes/default/` unless book.toml says otherwise).

use std::error::Error as _;
use std::path::Path;

use anyhow::{anyhow, Context, Result};
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
        "sidebar.html",
        include_str!("../../themes/default/sidebar.html"),
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
    ("picker.js", include_str!("../../themes/default/picker.js")),
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
pub struct Theme {
    pub tera: Tera,
    pub assets: Vec<(String, Vec<u8>)>,
}

impl Theme {
    /// The default theme with the book's overrides from `dir` (which may not exist).
    pub fn load(dir: Option<&Path>) -> Result<Theme> {
        let mut templates = Vec::new();
        for (name, text) in TEMPLATES {
            templates.push((
                name.to_string(),
                read_override(dir, name)?.unwrap_or_else(|| text.to_string()),
            ));
        }
        let mut tera = Tera::default();
        tera.add_raw_templates(templates)
            .map_err(|e| anyhow!("theme templates: {}", error_chain(&e)))?;
        let mut assets = Vec::new();
        for (name, text) in ASSETS {
            let bytes = match dir.map(|d| d.join(name)) {
                Some(path) if path.is_file() => std::fs::read(&path)
                    .with_context(|| format!("failed to read `{}`", path.display()))?,
                _ => text.as_bytes().to_vec(),
            };
            assets.push((name.to_string(), bytes));
        }
        Ok(Theme { tera, assets })
    }
}

fn read_override(dir: Option<&Path>, name: &str) -> Result<Option<String>> {
    let Some(path) = dir.map(|d| d.join(name)).filter(|p| p.is_file()) else {
        return Ok(None);
    };
    std::fs::read_to_string(&path)
        .map(Some)
        .with_context(|| format!("failed to read theme file `{}`", path.display()))
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
