//! How each translation stands against its source, for `check`: errors in translation
//! files stop it like any book error; stale, missing and unstamped units are warnings,
//! each at its place, with the fingerprint to record once the text is brought up to date.

use std::path::Path;
use std::process::ExitCode;

use super::load::count;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::translate::history::{diff, History};
use crate::translate::{State, Status};
use crate::words::Language;

/// Checks the `lang` translation of the book at `root`; returns how many units are behind
/// the source.
pub(super) fn check(root: &Path, lang: Language) -> Result<usize, ExitCode> {
    let (book, diags, status) = match crate::resolve::load_translated(root, lang) {
        Ok(loaded) => loaded,
        Err((diags, sources)) => {
            diags.emit(&sources);
            eprintln!(
                "{}, {}; the `{}` translation was not checked",
                count(diags.count(Severity::Error), "error"),
                count(diags.count(Severity::Warning), "warning"),
                lang.code()
            );
            return Err(ExitCode::from(1));
        }
    };
    let dir = root.join("translations");
    // The source's own warnings were printed with the source; only the translation's here.
    let mut own = Diagnostics::default();
    for d in diags.items {
        if d.file
            .is_some_and(|f| book.sources.path(f).starts_with(&dir))
        {
            own.push(d);
        }
    }
    let mut history = History::load(root, lang);
    for unit in &status.units {
        own.push(unit_warning(unit, lang, &history));
    }
    own.sort();
    own.emit(&book.sources);
    eprintln!("{}", summary(&status, lang));
    history.update(&status);
    let sources = crate::output::BookSources::new(root, &book.config.theme_dir);
    if let Err(e) = history.save(root, lang, &sources) {
        eprintln!("warning: the record of source texts was not kept ({e:#}): later changes will show without a diff");
    }
    Ok(status.units.len())
}

fn unit_warning(unit: &crate::translate::Unit, lang: Language, history: &History) -> Diagnostic {
    let stamp = format!("from = \"{}\"", unit.fingerprint);
    let (name, table) = match unit.key.as_str() {
        "" => (
            "the file's own text".to_string(),
            "the file's top keys".to_string(),
        ),
        key => (key.to_string(), format!("[{key}]")),
    };
    let (source, span) = unit.source.clone();
    match &unit.state {
        State::Missing(fields) => Diagnostic::warning(
            source,
            span,
            format!(
                "no `{}` translation of {name} ({})",
                lang.code(),
                fields.join(", ")
            ),
        )
        .with_hint(format!("add {table} to {} with {stamp}", unit.file)),
        State::Unstamped | State::Stale(_) => {
            let message = match &unit.state {
                State::Stale(_) => format!("{name}: the source changed since it was translated"),
                _ => format!("{name}: translated, but not from which source text"),
            };
            let (file, at) = unit.translation.clone().unwrap_or((source, span.clone()));
            // What changed in the source, when an earlier check saw the text it was made from.
            let change = match &unit.state {
                State::Stale(from) => history
                    .texts(from)
                    .map(|old| format!("the source's change:\n{}\n", diff(old, &unit.source_text))),
                _ => None,
            };
            Diagnostic::warning(file, at, message)
                .with_related(source, span, "the source text now")
                .with_hint(format!(
                    "{}bring the translation up to date, then record {stamp} in {table}",
                    change.unwrap_or_default()
                ))
        }
    }
}

/// `translation en: 442 units, all current` or with what is behind.
fn summary(status: &Status, lang: Language) -> String {
    let of = |f: fn(&State) -> bool| status.units.iter().filter(|u| f(&u.state)).count();
    let stale = of(|s| matches!(s, State::Stale(_)));
    let missing = of(|s| matches!(s, State::Missing(_)));
    let unstamped = of(|s| matches!(s, State::Unstamped));
    let head = format!(
        "translation {}: {}",
        lang.code(),
        count(status.total, "unit")
    );
    if status.units.is_empty() {
        format!("{head}, all current")
    } else {
        format!("{head}; {stale} stale, {missing} missing, {unstamped} unstamped")
    }
}

/// The book in each of its translations, for the commands that build it. A translation
/// with errors stops the command like an error in the source; one behind the source is
/// built as it is, with a warning that `check` says where.
pub(super) fn load_all(
    root: &Path,
    book: &crate::model::Book,
    undone: &str,
    notes: &mut Vec<String>,
) -> Result<Vec<crate::model::Book>, ExitCode> {
    let mut out = Vec::new();
    for &lang in &book.config.translations {
        match crate::resolve::load_translated(root, lang) {
            Ok((mut translated, _, status)) => {
                // Its files' text only points at problems, and none is printed from here.
                translated.sources = crate::diagnostics::SourceMap::default();
                if !status.units.is_empty() {
                    let note = format!(
                        "warning: {}; `tejun check` lists them",
                        summary(&status, lang)
                    );
                    eprintln!("{note}");
                    notes.push(note);
                }
                out.push(translated);
            }
            Err((diags, sources)) => {
                diags.emit(&sources);
                eprintln!(
                    "{} in the `{}` translation; {undone}",
                    count(diags.count(Severity::Error), "error"),
                    lang.code()
                );
                return Err(ExitCode::from(1));
            }
        }
    }
    Ok(out)
}
