//! Invisible characters in commands and process names: a right-to-left override (U+202E)
//! or a zero-width space shows one command on the page and puts another on the clipboard
//! ("Trojan Source"). They are errors, located at the character itself, whether written
//! raw or as a TOML escape (`\u202E`), and named by code point, never printed.

use std::collections::HashSet;

use super::CommandSite;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};

/// The characters reported, with their Unicode names: the bidirectional embeddings,
/// overrides, isolates and marks, and the characters of zero width.
const INVISIBLE: &[(char, &str)] = &[
    ('\u{00ad}', "SOFT HYPHEN"),
    ('\u{061c}', "ARABIC LETTER MARK"),
    ('\u{200b}', "ZERO WIDTH SPACE"),
    ('\u{200c}', "ZERO WIDTH NON-JOINER"),
    ('\u{200d}', "ZERO WIDTH JOINER"),
    ('\u{200e}', "LEFT-TO-RIGHT MARK"),
    ('\u{200f}', "RIGHT-TO-LEFT MARK"),
    ('\u{202a}', "LEFT-TO-RIGHT EMBEDDING"),
    ('\u{202b}', "RIGHT-TO-LEFT EMBEDDING"),
    ('\u{202c}', "POP DIRECTIONAL FORMATTING"),
    ('\u{202d}', "LEFT-TO-RIGHT OVERRIDE"),
    ('\u{202e}', "RIGHT-TO-LEFT OVERRIDE"),
    ('\u{2060}', "WORD JOINER"),
    ('\u{2061}', "FUNCTION APPLICATION"),
    ('\u{2062}', "INVISIBLE TIMES"),
    ('\u{2063}', "INVISIBLE SEPARATOR"),
    ('\u{2064}', "INVISIBLE PLUS"),
    ('\u{2066}', "LEFT-TO-RIGHT ISOLATE"),
    ('\u{2067}', "RIGHT-TO-LEFT ISOLATE"),
    ('\u{2068}', "FIRST STRONG ISOLATE"),
    ('\u{2069}', "POP DIRECTIONAL ISOLATE"),
    ('\u{feff}', "ZERO WIDTH NO-BREAK SPACE"),
];

fn name(c: char) -> Option<&'static str> {
    INVISIBLE.iter().find(|(i, _)| *i == c).map(|(_, n)| *n)
}

/// Reports every invisible character in the commands and process names of `sites`.
pub(crate) fn check(sites: &[CommandSite], sources: &SourceMap, diags: &mut Diagnostics) {
    // The lines of one command share its span: each span is looked at once.
    let mut done = HashSet::new();
    for site in sites {
        let Some(first) = site.text.chars().find(|c| name(*c).is_some()) else {
            continue;
        };
        if !done.insert((site.file, site.span.start, site.span.end)) {
            continue;
        }
        let text = sources.text(site.file);
        // A process name's site is its part's `[[...part]]` header: its keys follow it.
        let region = [
            site.span.clone(),
            site.span.start..table_end(text, site.span.end),
        ];
        let found = region.into_iter().find_map(|r| {
            let found = occurrences(text.get(r.clone()).unwrap_or(""));
            (!found.is_empty()).then_some((r.start, found))
        });
        let Some((base, found)) = found else {
            // Not in the source as written (a reused step's parameter, say): the span.
            diags.push(error(site.file, site.span.clone(), first));
            continue;
        };
        for (at, len, c) in found {
            diags.push(error(site.file, base + at..base + at + len, c));
        }
    }
}

fn error(file: crate::diagnostics::FileId, span: std::ops::Range<usize>, c: char) -> Diagnostic {
    let name = name(c).unwrap_or("INVISIBLE CHARACTER");
    Diagnostic::error(
        file,
        span,
        format!(
            "invisible character U+{:04X} ({name}) in a command or process name: \
             what the page shows and what is copied differ",
            c as u32
        ),
    )
    .with_hint("delete it; such characters come with text pasted from web pages and chats")
}

/// Where the TOML table that goes on at `from` ends: at the next line that opens a table
/// (`[...]` or `[[...]]`), or at the end of the file.
fn table_end(text: &str, from: usize) -> usize {
    let Some(mut at) = text
        .get(from..)
        .and_then(|r| r.find('\n'))
        .map(|n| from + n + 1)
    else {
        return text.len();
    };
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
        if text[at..end].trim_start().starts_with('[') {
            return at;
        }
        at = end;
    }
    text.len()
}

/// Where invisible characters sit in `source` (TOML text): `(offset, length, character)`,
/// raw or written as a `\uXXXX` or `\UXXXXXXXX` escape.
fn occurrences(source: &str) -> Vec<(usize, usize, char)> {
    let mut out = Vec::new();
    let mut chars = source.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if name(c).is_some() {
            out.push((i, c.len_utf8(), c));
            continue;
        }
        if c != '\\' {
            continue;
        }
        match chars.peek() {
            Some((_, '\\')) => {
                chars.next();
            }
            Some((_, u @ ('u' | 'U'))) => {
                let digits = if *u == 'u' { 4 } else { 8 };
                let escaped = source
                    .get(i + 2..i + 2 + digits)
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .and_then(char::from_u32)
                    .filter(|e| name(*e).is_some());
                if let Some(e) = escaped {
                    out.push((i, 2 + digits, e));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{occurrences, table_end};

    #[test]
    fn a_table_ends_where_the_next_one_opens() {
        let text = "[[part]]\nexpect = \"absent\"\nprocesses = [\"a\"]\n\n[[part]]\nx = 1\n";
        assert_eq!(
            &text[..table_end(text, 8)],
            "[[part]]\nexpect = \"absent\"\nprocesses = [\"a\"]\n\n"
        );
        assert_eq!(table_end(text, text.len() - 2), text.len());
    }

    #[test]
    fn raw_and_escaped_characters_are_found_where_they_are_written() {
        assert_eq!(occurrences("'''rm x\u{202e}y'''"), vec![(7, 3, '\u{202e}')]);
        assert_eq!(
            occurrences(r#""a\u200Bb \U0000202e""#),
            vec![(2, 6, '\u{200b}'), (10, 10, '\u{202e}')]
        );
        assert_eq!(
            occurrences(r#""a\\u200Bb""#),
            vec![],
            "an escaped backslash"
        );
        assert_eq!(occurrences(r#""\u0041""#), vec![], "a visible character");
    }
}
