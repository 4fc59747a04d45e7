//! Snippets: the stretch of a document's text with the most query tokens, and where they
//! are. Computed over the stored text with the same analyser (rather than tantivy's
//! `SnippetGenerator`) because bigrams and unigrams overlap, and so that `search.js` can
//! pick the same window from the same text (`tests/search-vectors.json` holds both to it).
//!
//! A window starts and ends at a [break](is_break): after a space or a punctuation mark,
//! or where Japanese meets a command word, never inside a word or a path
//! (`…lete "HKLM\…`). It opens about a sixth of its width before its first match, at the
//! break nearest that point.

use std::collections::HashSet;
use std::ops::Range;

use super::analyze::{analyze_in, Analysis};

/// How many characters a snippet shows.
pub const WIDTH: usize = 120;

/// A stretch of a document's text around its matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The text, cut at word or command breaks.
    pub text: String,
    /// Byte ranges of `text` to highlight, sorted and disjoint.
    pub highlights: Vec<Range<usize>>,
}

/// The best window of `text` for `tokens`, with the Japanese analysis (the default
/// language's).
pub fn snippet(text: &str, tokens: &[String]) -> Snippet {
    snippet_in(text, tokens, Analysis::Japanese)
}

/// The best window of `text` for `tokens`, `text` analysed with `analysis`.
pub fn snippet_in(text: &str, tokens: &[String], analysis: Analysis) -> Snippet {
    let wanted: HashSet<&str> = tokens.iter().map(String::as_str).collect();
    let mut hits: Vec<Range<usize>> = analyze_in(text, analysis)
        .into_iter()
        .filter(|t| wanted.contains(t.text.as_str()))
        .map(|t| t.offsets)
        .collect();
    hits.sort_by_key(|r| (r.start, r.end));
    let hits = merge(hits);
    // Character boundaries, so widths count characters, not bytes.
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let chars = bounds.len() - 1;
    let char_at = |byte: usize| bounds.partition_point(|&b| b < byte);
    let breaks = Breaks::of(text);
    // The window, around each match in turn, that holds the most matches.
    let mut best = (0usize, 0usize, chars.min(WIDTH)); // (matches, start, end) in chars
    for h in &hits {
        let (start, end) = breaks.window(char_at(h.start), chars);
        let n = hits
            .iter()
            .filter(|o| o.start >= bounds[start] && o.end <= bounds[end])
            .count();
        if n > best.0 {
            best = (n, start, end);
        }
    }
    let (_, start, end) = best;
    let (from, to) = (bounds[start], bounds[end]);
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < chars { "…" } else { "" };
    let body = text[from..to].replace('\n', " ");
    let shift = prefix.len();
    Snippet {
        text: format!("{prefix}{body}{suffix}"),
        highlights: hits
            .into_iter()
            .filter(|h| h.start >= from && h.end <= to)
            .map(|h| h.start - from + shift..h.end - from + shift)
            .collect(),
    }
}

/// Where a window may start or end, per character position of a text.
struct Breaks(Vec<bool>);

impl Breaks {
    fn of(text: &str) -> Breaks {
        let chars: Vec<char> = text.chars().collect();
        let mut at = vec![true; chars.len() + 1];
        for i in 1..chars.len() {
            at[i] = is_break(chars[i - 1], chars[i]);
        }
        Breaks(at)
    }

    /// The window of at most [`WIDTH`] characters for a match at character `hit`: from
    /// the last break at most `WIDTH / 6` before it (else the first one after that, up to
    /// the match), to the last break within the width (else the width).
    fn window(&self, hit: usize, chars: usize) -> (usize, usize) {
        let lead = WIDTH / 6;
        let aim = hit.saturating_sub(lead);
        let from = hit.saturating_sub(2 * lead);
        let start = (from..=aim)
            .rev()
            .find(|&i| self.0[i])
            .or_else(|| (aim..=hit).find(|&i| self.0[i]))
            .unwrap_or(hit);
        let limit = (start + WIDTH).min(chars);
        let end = if limit == chars {
            chars
        } else {
            (limit.saturating_sub(lead).max(hit + 1)..=limit)
                .rev()
                .find(|&i| self.0[i])
                .unwrap_or(limit)
        };
        (start, end)
    }
}

/// Whether a snippet may start or end between `prev` and `next`: after white space,
/// closing punctuation or an arrow, before opening punctuation, and where CJK text and a
/// word meet. Outside ASCII punctuation is told by its Unicode class, in any script;
/// inside it only `,`, `;` and `)` count (a `.`, `:` or `\` sits inside paths and
/// versions).
pub fn is_break(prev: char, next: char) -> bool {
    use super::analyze::{is_cjk_char as cjk, is_separator_char as sep};
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    let closes = |c: char| match c {
        ',' | ';' | ')' => true,
        '\u{2190}'..='\u{21FF}' => true,
        c if c.is_ascii() => false,
        c => matches!(
            get_general_category(c),
            G::ClosePunctuation | G::FinalPunctuation | G::OtherPunctuation
        ),
    };
    let opens = |c: char| {
        c == '('
            || (!c.is_ascii()
                && matches!(
                    get_general_category(c),
                    G::OpenPunctuation | G::InitialPunctuation
                ))
    };
    prev.is_whitespace()
        || closes(prev)
        || opens(next)
        || (cjk(prev) != cjk(next) && !sep(prev) && !sep(next))
}

fn merge(sorted: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in sorted {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// `text` with each highlight wrapped in `open` … `close`.
pub fn mark(s: &Snippet, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for h in &s.highlights {
        out.push_str(&s.text[at..h.start]);
        out.push_str(open);
        out.push_str(&s.text[h.clone()]);
        out.push_str(close);
        at = h.end;
    }
    out.push_str(&s.text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_whole_matches_and_merges_bigrams() {
        let s = snippet(
            "クラスタの共有ディスクを確認します",
            &["共有".into(), "有デ".into(), "デイ".into()],
        );
        assert_eq!(mark(&s, "[", "]"), "クラスタの[共有ディ]スクを確認します");
    }

    #[test]
    fn punctuation_breaks_by_its_class_in_any_script() {
        // Stops and closing marks of several scripts (Devanagari, Ethiopic, Arabic,
        // Latin), and an arrow.
        for prev in ['।', '።', '،', '¿', '»', '›', '→', ',', ')'] {
            assert!(is_break(prev, 'x'), "after {prev:?}");
        }
        for next in ['«', '‹', '⟨', '('] {
            assert!(is_break('x', next), "before {next:?}");
        }
        // Inside ASCII, paths and versions hold together.
        for prev in ['.', ':', '\\', '/', '"'] {
            assert!(!is_break(prev, 'x'), "after {prev:?}");
        }
    }

    #[test]
    fn a_window_starts_and_ends_between_words() {
        let text = format!(
            "{} reg delete \"HKLM\\SOFTWARE\\ACE\\Appliance\" /f を実行して {}",
            "ジョブを停止します。".repeat(3),
            "確認 ".repeat(60)
        );
        let s = snippet(&text, &["appliance".into()]);
        let body = s.text.trim_start_matches('…').trim_end_matches('…');
        // `delete` whole, where the old window began `…lete "HKLM`.
        assert!(body.starts_with("delete \"HKLM"), "{}", s.text);
        assert!(
            body.ends_with("確認 ") || body.ends_with("確認"),
            "{}",
            s.text
        );
    }

    #[test]
    fn windows_long_text_around_the_match() {
        let text = format!("{} regsvr32 /s x {}", "a ".repeat(200), "b ".repeat(200));
        let s = snippet(&text, &["regsvr32".into()]);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert_eq!(mark(&s, "[", "]").matches("[regsvr32]").count(), 1);
    }
}
