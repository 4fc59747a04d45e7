//! Snippets: the stretch of a document's text with the most query tokens, and where they
//! are. Computed over the stored text with the same analyser (rather than tantivy's
//! `SnippetGenerator`) because bigrams and unigrams overlap, and so that `search.js` can
//! pick the same window from the same text.

use std::collections::HashSet;
use std::ops::Range;

use super::analyze::analyze;

/// How many characters a snippet shows.
pub const WIDTH: usize = 120;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges of `text` to highlight, sorted and disjoint.
    pub highlights: Vec<Range<usize>>,
}

/// The best window of `text` for `tokens`.
pub fn snippet(text: &str, tokens: &[String]) -> Snippet {
    let wanted: HashSet<&str> = tokens.iter().map(String::as_str).collect();
    let mut hits: Vec<Range<usize>> = analyze(text)
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
    // Start a little before the match that has the most matches within the window after it.
    let mut best = (0usize, 0usize); // (matches, start char)
    for h in &hits {
        let start = char_at(h.start).saturating_sub(WIDTH / 6);
        let end_byte = bounds[(start + WIDTH).min(chars)];
        let n = hits
            .iter()
            .filter(|o| o.start >= bounds[start] && o.end <= end_byte)
            .count();
        if n > best.0 {
            best = (n, start);
        }
    }
    let start = best.1;
    let end = (start + WIDTH).min(chars);
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
            &["共有".into(), "有デ".into(), "ディ".into()],
        );
        assert_eq!(mark(&s, "[", "]"), "クラスタの[共有ディ]スクを確認します");
    }

    #[test]
    fn windows_long_text_around_the_match() {
        let text = format!("{} regsvr32 /s x {}", "a ".repeat(200), "b ".repeat(200));
        let s = snippet(&text, &["regsvr32".into()]);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert_eq!(mark(&s, "[", "]").matches("[regsvr32]").count(), 1);
    }
}
