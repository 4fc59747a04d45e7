//! One ranking for the CLI and the site. `search.js` ports this file's arithmetic in the
//! same order, so the same query over the same book puts the same documents first in
//! both (`tests/search.rs` checks the top 10 over a fixed set of queries on two books).
//!
//! A document is ranked by three numbers, compared in turn:
//!
//! 1. how many of the query's terms it matches (a term matches through any of its
//!    [`Variant`]s, a phrase checked against the text), so that a query comes back with
//!    what holds most of its words when nothing holds all of them;
//! 2. how many of those match as typed (not only as a prefix's completion or a synonym),
//!    so that an exact match ranks first;
//! 3. a BM25F score: per token, `idf × (k1 + 1) w / (k1 + w)`, where `w` sums the weights
//!    of the fields that hold it (title 3, command 2.5, GUI 1.5, body 1, procedure 0.5,
//!    chapter 0.3) and `idf = ln(1 + (N − df + 0.5) / (df + 0.5))` counts the documents
//!    that hold the token anywhere. Length normalisation is one step, on the title: a
//!    title of at most [`SHORT_TITLE_CHARS`] characters weighs 1 more (`フェイルオーバ実行` before
//!    `フェイルオーバークラスタ管理を終了`). The site's postings record only which fields
//!    hold a token, and whether that title is short; a step is short, and its fields say
//!    more than its length.
//!
//! Ties go to the earlier document in reading order. A query of three terms or more
//! keeps documents that miss one of the best's terms (they rank after); a shorter query
//! keeps only the best count.

use super::expand::{Plan, Variant};
use super::query::Field;

/// Bits of the fields that hold a token in one document.
pub const TITLE: u8 = 1;
/// The field bit of a command.
pub const COMMAND: u8 = 2;
/// The field bit of the body.
pub const BODY: u8 = 4;
/// The field bit of a GUI path.
pub const GUI: u8 = 8;
/// Set with [`TITLE`] when the title is short.
pub const SHORT_TITLE: u8 = 16;
/// The field bit of the procedure's title.
pub const PROCEDURE: u8 = 32;
/// The field bit of the chapter's title.
pub const CHAPTER: u8 = 64;
/// Every field.
pub const ALL: u8 = 127;

/// A title of at most this many characters is short.
pub const SHORT_TITLE_CHARS: usize = 12;
/// What a short title adds to the title's weight.
pub const SHORT_TITLE_BONUS: f64 = 1.0;

/// Whether `title` is short.
pub fn is_short(title: &str) -> bool {
    title.chars().count() <= SHORT_TITLE_CHARS
}

/// BM25's term-frequency saturation.
pub const K1: f64 = 1.2;

/// The fields a term may match in.
pub fn allowed(field: Option<Field>) -> u8 {
    match field {
        None => ALL,
        Some(Field::Title) => TITLE | SHORT_TITLE,
        Some(Field::Commands) => COMMAND,
        Some(Field::Gui) => GUI,
        Some(Field::Body) => BODY,
        Some(Field::Procedure) => PROCEDURE,
        Some(Field::Chapter) => CHAPTER,
    }
}

/// The summed weight of the fields in `mask`, added in one fixed order.
pub fn weight(mask: u8) -> f64 {
    let mut w = 0.0;
    for (bit, f) in [
        (TITLE, Field::Title),
        (COMMAND, Field::Commands),
        (GUI, Field::Gui),
        (BODY, Field::Body),
        (PROCEDURE, Field::Procedure),
        (CHAPTER, Field::Chapter),
    ] {
        if mask & bit != 0 {
            w += f.boost();
        }
    }
    if mask & SHORT_TITLE != 0 {
        w += SHORT_TITLE_BONUS;
    }
    w
}

/// The BM25 idf of a token `df` documents of `docs` hold.
pub fn idf(df: u64, docs: u64) -> f64 {
    let (df, n) = (df as f64, docs as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// One token's share of a document's score.
pub fn token_score(idf: f64, mask: u8) -> f64 {
    let w = weight(mask);
    if w == 0.0 {
        return 0.0;
    }
    idf * w * (K1 + 1.0) / (w + K1)
}

/// What a ranking knows of one token: its idf, and per document the fields holding it.
pub trait Postings {
    /// The token's idf.
    fn idf(&self, token: &str) -> f64;
    /// The fields of document `doc` that hold `token` (0: none).
    fn mask(&self, token: &str, doc: u32) -> u8;
}

/// A document's rank (compared field by field, greater first).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Key {
    /// How many of the query's terms it matches.
    pub matched: u32,
    /// Of those, how many as typed.
    pub exact: u32,
    /// The BM25F score.
    pub score: f64,
}

impl Key {
    /// Greater first; ties go to the earlier document.
    pub fn order(a: (&Key, u32), b: (&Key, u32)) -> std::cmp::Ordering {
        b.0.matched
            .cmp(&a.0.matched)
            .then(b.0.exact.cmp(&a.0.exact))
            .then(b.0.score.total_cmp(&a.0.score))
            .then(a.1.cmp(&b.1))
    }
}

/// A variant's score in `doc` if every primary is there (`None` otherwise); the phrase
/// itself is checked by the caller.
pub fn variant_score(v: &Variant, allow: u8, doc: u32, p: &dyn Postings) -> Option<f64> {
    let mut score = 0.0;
    for (_, t) in &v.primaries {
        let m = p.mask(t, doc) & allow;
        if m == 0 {
            return None;
        }
        score += token_score(p.idf(t), m);
    }
    for t in &v.alternates {
        let m = p.mask(t, doc) & allow;
        if m != 0 {
            score += token_score(p.idf(t), m);
        }
    }
    Some(score * v.factor)
}

/// The rank of `doc`. `holds(term, variant)` says whether a variant whose tokens are all
/// there really matches (its phrase is in the text); `None` from it means "not known
/// yet", counted as a match, so that the key is an upper bound the site can sort by
/// before it has loaded the text.
pub fn key(
    plan: &Plan,
    doc: u32,
    p: &dyn Postings,
    holds: &mut dyn FnMut(usize, usize) -> Option<bool>,
) -> Key {
    let mut key = Key::default();
    for (i, t) in plan.terms.iter().enumerate() {
        let allow = allowed(t.field);
        let mut best: Option<(bool, f64)> = None;
        for (j, v) in t.variants.iter().enumerate() {
            let Some(s) = variant_score(v, allow, doc, p) else {
                continue;
            };
            if holds(i, j) == Some(false) {
                continue;
            }
            let better = match best {
                None => true,
                Some((e, b)) => (v.exact, s) > (e, b),
            };
            if better {
                best = Some((v.exact, s));
            }
        }
        if let Some((exact, s)) = best {
            key.matched += 1;
            key.exact += u32::from(exact);
            key.score += s;
        }
    }
    key
}

/// The fewest terms a hit must match, given the most any document matches.
pub fn threshold(best: u32, terms: usize) -> u32 {
    let slack = u32::from(terms >= 3);
    best.saturating_sub(slack).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_add_up_and_saturate() {
        assert_eq!(weight(TITLE | BODY), 4.0);
        assert_eq!(weight(TITLE | SHORT_TITLE), 4.0);
        assert!(token_score(1.0, TITLE | BODY) > token_score(1.0, TITLE));
        assert!(token_score(1.0, TITLE | BODY) < 2.0 * token_score(1.0, TITLE));
        assert_eq!(token_score(1.0, 0), 0.0);
        assert!(idf(1, 100) > idf(50, 100));
    }

    #[test]
    fn a_long_query_keeps_what_misses_one_word() {
        assert_eq!(threshold(2, 2), 2);
        assert_eq!(threshold(3, 3), 2);
        assert_eq!(threshold(1, 4), 1);
        assert_eq!(threshold(0, 1), 1);
    }
}
