//! Every command starts the same way: load the book, print its warnings, or print its
//! errors with one count line saying what was not done, and exit 1.

use std::path::Path;
use std::process::ExitCode;

use crate::diagnostics::{Diagnostics, Severity};
use crate::model::Book;

/// A loaded book; its warnings are printed already.
pub(super) struct Loaded {
    pub book: Book,
    pub warnings: usize,
    /// The warnings, kept to be printed again by a build that has nothing to do.
    pub kept_warnings: Vec<crate::fresh::Warning>,
}

/// Loads the book at `root`. On errors, prints them and `N errors, M warnings; {undone}`
/// (`undone`: "nothing was built", "no runbook was written"; empty for `check`, whose
/// whole job the report is) and gives the exit code.
pub(super) fn book(root: &Path, undone: &str) -> Result<Loaded, ExitCode> {
    report(root, crate::load_book(root), undone)
}

/// [`book`], with the procedures resolved by the previous build taken from its `memo`
/// ([`crate::resolve::load_book_remembering`]).
pub(super) fn book_remembering(
    root: &Path,
    memo: &crate::output::memo::Memo,
    ahead: Option<crate::content::ReadAhead>,
    undone: &str,
) -> Result<Loaded, ExitCode> {
    report(
        root,
        crate::resolve::load_book_remembering(root, memo, ahead),
        undone,
    )
}

/// [`book`] in `lang` (`--lang`): the book's own language, or one of its translations.
pub(super) fn book_in(root: &Path, lang: Option<&str>, undone: &str) -> Result<Loaded, ExitCode> {
    let Some(code) = lang else {
        return book(root, undone);
    };
    let Some(lang) = crate::words::Language::from_code(code) else {
        eprintln!("error: --lang {code}: unknown language (use ja or en); {undone}");
        return Err(ExitCode::from(2));
    };
    let loaded = crate::resolve::load_translated(root, lang).map(|(b, d, _)| (b, d));
    report(root, loaded, undone)
}

type LoadResult = Result<(Book, Diagnostics), (Diagnostics, crate::diagnostics::SourceMap)>;

/// Prints a load's warnings, or its errors with the count line; the book or the exit code.
fn report(root: &Path, loaded: LoadResult, undone: &str) -> Result<Loaded, ExitCode> {
    match loaded {
        Ok((mut book, warnings)) => {
            warnings.emit(&book.sources);
            let kept_warnings = crate::fresh::keep_warnings(root, &warnings, &book.sources);
            // Every file's text, kept only to point at problems: those are printed now, and
            // a large book's text is tens of megabytes no output reads.
            book.sources = crate::diagnostics::SourceMap::default();
            // With the raw files and the resolver's tables, as much again as the model.
            crate::allocator::release();
            crate::timing::note(&crate::allocator::describe());
            Ok(Loaded {
                warnings: warnings.count(Severity::Warning),
                kept_warnings,
                book,
            })
        }
        Err((diags, sources)) => {
            diags.emit(&sources);
            let counts = format!(
                "{}, {}",
                count(diags.count(Severity::Error), "error"),
                count(diags.count(Severity::Warning), "warning")
            );
            if undone.is_empty() {
                eprintln!("{counts}");
            } else {
                eprintln!("{counts}; {undone}");
            }
            Err(ExitCode::from(1))
        }
    }
}

/// Leaves `model` to the operating system: the command ends next, and the system takes a
/// process's memory back at once, where freeing a large book's model (hundreds of
/// thousands of small allocations) one by one took a third of a second of one core.
pub(super) fn leave<T>(model: T) {
    std::mem::forget(model);
}

/// `1 error`, `2 errors`, `0 warnings`.
pub(super) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_singular_and_plural() {
        assert_eq!(super::count(1, "error"), "1 error");
        assert_eq!(super::count(0, "warning"), "0 warnings");
        assert_eq!(super::count(12, "step"), "12 steps");
    }
}
