//! What every reader of a book's TOML files shares (book.toml for `config`, the content
//! files for `content`): syntax and shape errors as located diagnostics (the toml crate's
//! nesting bound, [`TOML_DEPTH`], included), and where a string's text starts inside its
//! value, so an error inside a string (a condition, a pattern) is placed at its column.

use std::ops::Range;

use crate::diagnostics::{Diagnostic, FileId};

/// How deep the toml crate lets arrays, inline tables and dotted keys nest before it
/// stops with an error (its own bound, which keeps its recursion off the stack's end);
/// a unit test holds it to this figure, which the README documents.
pub const TOML_DEPTH: usize = 80;

/// Turns a TOML syntax or shape error in `text` (the file's contents) into a located
/// diagnostic.
pub fn toml_error(file: FileId, text: &str, e: &toml::de::Error) -> Diagnostic {
    let mut span = e.span();
    let mut message = e.message().trim().replace('\n', " ");
    if message.contains("recursion limit") || message.contains("cannot recurse further") {
        // The toml crate gives no place for a key of too many parts: the longest one is it.
        span = span.or_else(|| longest_dotted_key(text));
        message = format!(
            "TOML nests too deep (arrays, inline tables and dotted keys stop at {TOML_DEPTH} levels)"
        );
    }
    let span = span.unwrap_or(0..0);
    let hint = if message.contains("unknown field") {
        Some("check the spelling; the README's \"The book on disk\" lists every key")
    } else if message.contains("missing field") {
        Some("this key is required here")
    } else {
        None
    };
    let d = Diagnostic::error(file, span, message);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// Where a string's content starts inside its TOML value (after the quotes, and after the
/// newline that TOML trims right after `'''`).
pub(crate) fn content_start(text: &str, span: &Range<usize>) -> usize {
    let v = text.get(span.clone()).unwrap_or("");
    let quote = if v.starts_with("'''") || v.starts_with("\"\"\"") {
        let rest = &v[3..];
        3 + if rest.starts_with("\r\n") {
            2
        } else if rest.starts_with('\n') {
            1
        } else {
            0
        }
    } else if v.starts_with('"') || v.starts_with('\'') {
        1
    } else {
        0
    };
    span.start + quote
}

/// Where the key with the most dotted parts starts (in a `[table.header]` or before `=`),
/// by a line-wise look that ignores quoting: only used to place an error the TOML reader
/// could not place itself.
fn longest_dotted_key(text: &str) -> Option<Range<usize>> {
    let mut best: Option<(usize, usize)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        let body = &line[indent..];
        let (start, key) = match body.strip_prefix("[[").or_else(|| body.strip_prefix('[')) {
            Some(rest) => (
                body.len() - rest.len(),
                rest.split(']').next().unwrap_or(rest),
            ),
            None => (0, body.split('=').next().unwrap_or(body)),
        };
        let parts = key.matches('.').count();
        if parts > 0 && best.is_none_or(|(most, _)| parts > most) {
            best = Some((parts, offset + indent + start));
        }
        offset += line.len();
    }
    best.map(|(_, at)| at..at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Any {
        #[allow(dead_code)]
        v: toml::Value,
    }

    /// `v` holding an array, an inline table and a dotted key, each `levels` deep.
    fn nested(levels: usize) -> [String; 3] {
        [
            format!("v = {}1{}", "[".repeat(levels), "]".repeat(levels)),
            format!("v = {}1{}", "{a=".repeat(levels), "}".repeat(levels)),
            format!("v = {{ {} = 1 }}", vec!["x"; levels].join(".")),
        ]
    }

    #[test]
    fn the_toml_depth_limit_is_what_the_readme_says() {
        for text in nested(TOML_DEPTH) {
            assert!(toml::from_str::<Any>(&text).is_ok(), "{text}");
        }
        for text in nested(TOML_DEPTH + 1) {
            let e = toml::from_str::<Any>(&text).unwrap_err();
            let d = toml_error(0, &text, &e);
            assert!(d.message.starts_with("TOML nests too deep"), "{d:?}");
        }
    }

    #[test]
    fn a_key_of_too_many_parts_is_placed_at_its_start() {
        let text = format!("a = 1\n  [{}]\nb.c = 2\n", vec!["x"; 200].join("."));
        let e = toml::from_str::<toml::Table>(&text).unwrap_err();
        let d = toml_error(0, &text, &e);
        assert_eq!(d.span, 9..9, "{d:?}");
    }
}
