//! Every word tejun shows a reader, in one table per language: the site's pages, the
//! picker and the scripts, runbooks, PDF covers and the search box. The tables are theme
//! files (`themes/default/lang/ja.toml`, `lang/en.toml`), compiled in like the rest of
//! the default theme; a book's theme may hold its own `lang/<language>.toml` with only the
//! keys it changes, read with the book, so every command (the site, `runbook`, `pdf`,
//! `search`) speaks alike. A key the table does not have, or a replacement that drops or
//! adds a `{}`, is an error at its line.
//!
//! Code never holds a reader-facing word; a new word is a key in both tables (a unit test
//! holds them to the same keys).

use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceMap};

/// The languages a book may be written in (`language` in book.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Language {
    /// Japanese.
    #[serde(rename = "ja")]
    Ja,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Language {
    /// The language a code names (`ja`, `en`), if tejun has its words.
    pub fn from_code(code: &str) -> Option<Language> {
        match code {
            "ja" => Some(Language::Ja),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    /// The language's code, as book.toml writes it and the table's file is named.
    pub fn code(self) -> &'static str {
        match self {
            Language::Ja => "ja",
            Language::En => "en",
        }
    }
}

/// Declares the sections of the table: each a struct of words (`String`s) and its twin in
/// `partial` (each word optional and located) that a theme's table is read into.
macro_rules! tables {
    ($(
        $(#[$meta:meta])*
        $section:ident: $Ty:ident { $($(#[$fmeta:meta])* $field:ident),* $(,)? }
    )*) => {
        $(
            #[derive(Debug, Clone, Deserialize, Serialize)]
            #[serde(deny_unknown_fields)]
            $(#[$meta])*
            pub struct $Ty {
                $(
                    $(#[$fmeta])*
                    #[doc = concat!("`", stringify!($section), ".", stringify!($field), "` in the table.")]
                    pub $field: String,
                )*
            }
        )*

        /// Every word of one language.
        #[derive(Debug, Clone, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct Words {
            $(
                #[doc = concat!("The `[", stringify!($section), "]` section.")]
                pub $section: $Ty,
            )*
        }

        /// A theme's table: only the words it replaces, each with where it stands.
        mod partial {
            use serde::Deserialize;
            use toml::Spanned;

            $(
                #[derive(Debug, Default, Deserialize)]
                #[serde(deny_unknown_fields)]
                pub struct $Ty { $(pub $field: Option<Spanned<String>>,)* }
            )*

            #[derive(Debug, Default, Deserialize)]
            #[serde(deny_unknown_fields)]
            pub struct Words { $(#[serde(default)] pub $section: $Ty,)* }
        }

        impl Words {
            /// Each word `theme` replaces, with its place: (section.key, builtin, new).
            fn replace(&mut self, theme: partial::Words, mut each: impl FnMut(Replaced<'_>)) {
                $($(
                    if let Some(new) = theme.$section.$field {
                        let span = new.span();
                        let value = new.into_inner();
                        each(Replaced {
                            key: concat!(stringify!($section), ".", stringify!($field)),
                            builtin: &self.$section.$field,
                            value: &value,
                            span,
                        });
                        self.$section.$field = value;
                    }
                )*)*
            }

            /// Every (section.key, word), for tests and checks.
            pub fn entries(&self) -> Vec<(&'static str, &str)> {
                vec![$($(
                    (
                        concat!(stringify!($section), ".", stringify!($field)),
                        self.$section.$field.as_str(),
                    ),
                )*)*]
            }
        }
    };
}

tables! {
    /// Pages of the site, the print page and runbooks (`t` in templates).
    site: Site {
        lang, skip_to_content, menu, contents, home, references, search, print, previous,
        next, breadcrumbs, procedures, referenced_from,
        /// On a cross-reference to something the runbook's environment leaves out.
        not_in_view,
        note, caution, copy, copied, copied_unfilled, values, values_hint, output, absent,
        present, applies_when, not_found_title, not_found_body, back_home, env_picker,
        front_matter, generated_by,
        /// "step", as in a step of another procedure named in full: `1.2.1 step 4`.
        step,
        /// Before / between / after the links of a `refs` part.
        refs_before, refs_sep, refs_after,
        /// Conditions: a version bound (`{}` the version), a value excluded, joiners, a
        /// range (`{}` twice) and a facet with what is asked of it.
        ver_ge, ver_le, ver_gt, ver_lt, ver_ne, except, or, and, range, facet_value,
        /// The banner of a page the environment rules out.
        not_for_env, not_for_env_because, not_for_env_instead, not_for_env_unfiltered,
        /// The colour scheme switch: its name and its choices (the system's, light, dark).
        scheme, scheme_system, scheme_light, scheme_dark,
        /// A procedure page's section list, and the link back to the top.
        on_this_page, back_to_top,
        /// The language switch of a translated book: its name, and the language's own name.
        language, language_name,
        /// A translated book's text not (or no longer) translated from the source's.
        translation_missing, translation_stale, translation_source,
        /// A facet value in text the environment leaves open (`{}`: the facet's label).
        open_value,
        /// Known problems: the index page and a step's list, an entry's parts, and where
        /// it shows (`{}` a step's number).
        known_problems, known_problem, symptom, messages, cause, remedy, shows_at,
        step_n, no_known_problems, other_problems,
        /// The commands page: its title, what it lists, the mark on a process a check
        /// names, and the text of a book without commands.
        commands, commands_intro, command_process, no_commands,
    }

    /// The environment picker and the scripts of every page (`window.TEJUN.strings`).
    #[serde(rename_all(serialize = "camelCase"))]
    picker: Picker {
        picker_title, any, reset, share, no_env, current, change, applicable, none_apply,
        /// `{}` is the number of procedures.
        count,
        runbooks, runbooks_intro, download, search_placeholder, search_unavailable,
        /// `{}` is a placeholder's example value.
        example,
        invalid_value,
        /// A section's hidden steps, why each is hidden, book numbers, the sidebar's mark.
        hidden_one, hidden_many, show_hidden, hide_hidden, hidden_because, linked_hidden,
        no_variant, reason_sep, book_number, book_number_hint, off_env,
        /// The chosen environment's runbook, the print page filtered to it, and the
        /// runbooks a procedure is in.
        env_runbook, print_env, in_runbooks,
    }

    /// What a runbook says besides the site's words (its script's too).
    #[serde(rename_all(serialize = "camelCase"))]
    runbook: Runbook {
        kicker, environment, all, built, progress, done, export_json, export_csv, clear,
        clear_confirm, no_procedure, ticked_at,
        /// A ticked step whose text changed since.
        changed,
        /// The button (and key) to the next unticked step, and what it says when none is.
        next_unticked, all_ticked,
        /// The operator's note on a step.
        note,
        /// Who ticks: asked once, kept in the browser.
        operator, operator_ask, operator_save, operator_skip, operator_change, operator_none,
        /// Merging another copy's log; `{}` a number of steps, or the other runbook's title.
        import, imported, import_other, import_bad,
        /// The values of placeholders a step was ticked with.
        values_used,
        /// Marks a known problem as met at a step.
        hit_problem,
    }

    /// The cover of a PDF.
    pdf: Pdf { handbook, runbook, environment, date }

    /// The search box and its results (`search/meta.js`); `{}` a number or a query.
    #[serde(rename_all(serialize = "camelCase"))]
    search: Search {
        result, results,
        /// An upper bound: phrases are checked only for the hits shown.
        results_about,
        no_results,
        /// `{}` hits the chosen environment hides.
        outside,
        show_outside, hide_outside, outside_mark,
        /// `{}` is the corrected query the results are for.
        showing_for,
        partial,
        /// `{}` other places the same reused step appears.
        also_in,
        /// The mark of a known problem whose messages match the query.
        known_problem,
    }
}

/// One word a theme replaces.
struct Replaced<'a> {
    key: &'static str,
    builtin: &'a str,
    value: &'a str,
    span: std::ops::Range<usize>,
}

const JA: &str = include_str!("../themes/default/lang/ja.toml");
const EN: &str = include_str!("../themes/default/lang/en.toml");

impl Words {
    /// The default theme's table for `lang`.
    pub fn builtin(lang: Language) -> &'static Words {
        static JA_WORDS: OnceLock<Words> = OnceLock::new();
        static EN_WORDS: OnceLock<Words> = OnceLock::new();
        let (cell, text) = match lang {
            Language::Ja => (&JA_WORDS, JA),
            Language::En => (&EN_WORDS, EN),
        };
        // Compiled in and parsed by a unit test: a table that does not parse cannot ship.
        cell.get_or_init(|| toml::from_str(text).expect("the built-in language table parses"))
    }

    /// The table for `lang` with the theme's replacements from `theme_dir` (which may not
    /// exist). Problems are pushed as located diagnostics; the built-in words stand in.
    pub fn load(
        lang: Language,
        theme_dir: &Path,
        sources: &mut SourceMap,
        diags: &mut Diagnostics,
    ) -> Words {
        let mut words = Words::builtin(lang).clone();
        let name = format!("lang/{}.toml", lang.code());
        let display = theme_dir.join(&name).display().to_string();
        let bytes = match crate::theme_file::read_file(Some(theme_dir), &name) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return words,
            Err(e) => {
                diags.push(Diagnostic::global(format!("{e:#}")));
                return words;
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            diags.push(Diagnostic::global(format!("{display}: not UTF-8")));
            return words;
        };
        let file = sources.add(theme_dir.join(&name), display, text);
        match toml::from_str::<partial::Words>(sources.text(file)) {
            Ok(theme) => words.replace(theme, |r| check_fills(file, &r, diags)),
            Err(e) => diags.push(
                crate::toml_source::toml_error(file, sources.text(file), &e).with_hint(format!(
                    "a theme's {name} holds only keys of the built-in table, under its sections"
                )),
            ),
        }
        words
    }
}

/// A replacement must keep its `{}`s: the number, version or query goes there.
fn check_fills(file: FileId, r: &Replaced<'_>, diags: &mut Diagnostics) {
    let want = r.builtin.matches("{}").count();
    let got = r.value.matches("{}").count();
    if want != got {
        diags.push(
            Diagnostic::error(
                file,
                r.span.clone(),
                format!(
                    "`{}` has {got} `{{}}`; the word it replaces has {want}",
                    r.key
                ),
            )
            .with_hint(format!("the built-in word is {:?}", r.builtin)),
        );
    }
}

/// Fills the `{}`s of a word in order (`range`: `{} to {}`).
pub fn fill(pattern: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    for v in values {
        match rest.find("{}") {
            Some(i) => {
                out.push_str(&rest[..i]);
                out.push_str(v);
                rest = &rest[i + 2..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_builtin_tables_parse_with_the_same_keys_and_fills() {
        let ja = Words::builtin(Language::Ja).entries();
        let en = Words::builtin(Language::En).entries();
        assert_eq!(ja.len(), en.len());
        for ((k1, w1), (k2, w2)) in ja.iter().zip(&en) {
            assert_eq!(k1, k2);
            assert!(!w1.is_empty() && !w2.is_empty(), "{k1} is empty");
            assert_eq!(w1.matches("{}").count(), w2.matches("{}").count(), "{k1}");
        }
    }

    #[test]
    fn fill_fills_in_order_and_keeps_the_rest() {
        assert_eq!(fill("{} to {}", &["v1", "v2"]), "v1 to v2");
        assert_eq!(fill("{} items", &["3"]), "3 items");
        assert_eq!(fill("none", &["3"]), "none");
    }

    fn load_with(text: &str) -> (Words, Vec<String>) {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(tmp.path().join("lang")).expect("mkdir");
        std::fs::write(tmp.path().join("lang/en.toml"), text).expect("write");
        let mut sources = SourceMap::default();
        let mut diags = Diagnostics::default();
        let w = Words::load(Language::En, tmp.path(), &mut sources, &mut diags);
        (w, diags.lines(&sources))
    }

    #[test]
    fn a_theme_replaces_only_the_words_it_names() {
        let (w, errors) = load_with("[site]\nnote = \"Good to know\"\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(w.site.note, "Good to know");
        assert_eq!(w.site.caution, Words::builtin(Language::En).site.caution);
    }

    #[test]
    fn an_unknown_key_or_a_lost_fill_is_located() {
        let (_, errors) = load_with("[site]\nnote = \"N\"\nnotes = \"x\"\n");
        assert!(
            errors
                .iter()
                .any(|e| e.contains("en.toml:3:1") && e.contains("notes")),
            "{errors:?}"
        );
        let (w, errors) = load_with("[search]\nresults = \"results\"\n");
        assert!(
            errors
                .iter()
                .any(|e| e.contains("en.toml:2:11") && e.contains("search.results")),
            "{errors:?}"
        );
        assert_eq!(w.search.results, "results");
    }
}
