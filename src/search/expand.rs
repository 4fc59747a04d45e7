//! From what was typed to what is searched, against the book's own vocabulary: the word
//! still being typed matches as a prefix (`nqss` → `nqsstop`, `regsvr` → `regsvr32`), a
//! word the book never uses is corrected to the nearest one it does (`regsvr23` →
//! `regsvr32`, `upgarde` → `upgrade`; the reader is told), and a book's synonyms
//! (`[search] synonyms`, 登録 = レジスト) search each other. Each becomes a [`Variant`]
//! of its term; a term matches when any variant does.
//!
//! The vocabulary is every indexed token without CJK characters, of two characters or
//! more: the CLI reads it from tantivy's term dictionaries, the site from the sorted
//! `search/words-N.js` blocks. Both hand [`plan`] the same words with the same
//! frequency bucket, and `search.js` ports [`plan`] line by line
//! (`tests/search-vectors.json` holds both to the same plans).

use serde::Serialize;

use super::analyze::{is_cjk_char, Analysis};
use super::query::{Field, Term};

/// A word still being typed matches this many words at most, the most frequent first.
pub const PREFIX_MAX: usize = 6;
/// …and only from this many characters on.
pub const PREFIX_MIN: usize = 2;
/// The score factor of a word the typed prefix completes (a variant not typed as such).
pub const PREFIX_FACTOR: f64 = 0.8;
/// The score factor of a synonym.
pub const SYNONYM_FACTOR: f64 = 0.9;
/// The score factor of another form of the word (`logs` for `log`).
pub const FORM_FACTOR: f64 = 0.9;
/// The score factor of a term's script parts apart (`サービス` `停止` for `サービス停止`).
pub const PARTS_FACTOR: f64 = 0.9;
/// English endings a word may gain or lose (`logs` finds `log`, `restart` `restarted`).
const ENDINGS: [&str; 5] = ["s", "es", "ed", "d", "ing"];

/// The book's words.
pub trait Vocabulary {
    /// Every word that starts with `prefix` (the prefix itself included when it is a word),
    /// with its frequency [`bucket`].
    fn with_prefix(&self, prefix: &str) -> Vec<(String, u32)>;
}

/// How common a word is, coarsely: `floor(log2(n + 1))` of the number of (document,
/// field) pairs holding it, so the CLI and the site agree without exact counts.
pub fn bucket(n: u64) -> u32 {
    (n + 1).ilog2()
}

/// Whether `token` belongs in the vocabulary.
pub fn is_word(token: &str) -> bool {
    token.chars().count() >= 2 && !token.chars().any(is_cjk_char)
}

/// One way a term can match: its primaries as a phrase, alternates adding to the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    /// `(offset, token)`: the tokens that must occur in this order.
    pub primaries: Vec<(usize, String)>,
    /// Tokens that only add to the score.
    pub alternates: Vec<String>,
    /// The phrases that must occur, when not the primaries as one (a term whose scripts
    /// the book may write apart: `サービス` and `停止`).
    pub phrases: Vec<Vec<(usize, String)>>,
    /// What was typed (or its correction), rather than a prefix's word or a synonym: an
    /// exact match ranks first.
    pub exact: bool,
    /// What a match through it is worth beside an exact one (1.0).
    pub factor: f64,
}

/// A query term with every way it can match.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedTerm {
    /// The field it is restricted to, if any.
    pub field: Option<Field>,
    /// The ways it matches: as typed first.
    pub variants: Vec<Variant>,
}

/// A query, widened.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// The terms, in query order.
    pub terms: Vec<PlannedTerm>,
    /// Words the book does not use, and what they were corrected to.
    pub corrections: Vec<(String, String)>,
}

impl Plan {
    /// Every token a match may show, for highlighting.
    pub fn highlight_tokens(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .terms
            .iter()
            .flat_map(|t| &t.variants)
            .flat_map(|v| {
                v.primaries
                    .iter()
                    .map(|(_, s)| s.clone())
                    .chain(v.alternates.iter().cloned())
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The query as searched, for "showing results for": each corrected word replaced in
    /// what was typed (ASCII case ignored).
    pub fn corrected_query(&self, query: &str) -> Option<String> {
        if self.corrections.is_empty() {
            return None;
        }
        let mut out = query.to_string();
        for (from, to) in &self.corrections {
            if let Some(at) = out.to_ascii_lowercase().find(from.as_str()) {
                out.replace_range(at..at + from.len(), to);
            }
        }
        Some(out)
    }
}

/// A book's synonym groups, each member read as a query term.
#[derive(Debug, Clone, Default)]
pub struct Synonyms(Vec<Vec<Term>>);

impl Synonyms {
    /// The groups of `[search] synonyms`, each word analysed as a query term.
    pub fn new(groups: &[Vec<String>]) -> Synonyms {
        Synonyms::new_in(groups, Analysis::Japanese)
    }

    /// [`Synonyms::new`] for an index analysed with `analysis`.
    pub fn new_in(groups: &[Vec<String>], analysis: Analysis) -> Synonyms {
        Synonyms(
            groups
                .iter()
                .map(|g| g.iter().filter_map(|w| member(w, analysis)).collect())
                .collect(),
        )
    }

    /// The other members of every group that has `t` as a member.
    fn of(&self, primaries: &[(usize, String)]) -> Vec<&Term> {
        self.0
            .iter()
            .filter(|g| g.iter().any(|m| m.primaries == primaries))
            .flat_map(|g| g.iter().filter(|m| m.primaries != primaries))
            .collect()
    }
}

/// A synonym as a query term, read as a query is (`閉じる` as `閉`, so that a query
/// `閉じる` finds it); words that read as several terms are one phrase.
fn member(word: &str, analysis: Analysis) -> Option<Term> {
    let mut terms = super::query::parse_in(&format!("{word} "), None, analysis);
    if terms.len() == 1 {
        return terms.pop();
    }
    super::query::parse_in(&format!("\"{word}\""), None, analysis).pop()
}

/// The terms as searched: each with its variants.
pub fn plan(terms: &[Term], vocab: &dyn Vocabulary, synonyms: &Synonyms) -> Plan {
    let mut plan = Plan::default();
    for t in terms {
        let mut base = Variant {
            primaries: t.primaries.clone(),
            alternates: t.alternates.clone(),
            phrases: Vec::new(),
            exact: true,
            factor: 1.0,
        };
        let mut variants = Vec::new();
        if !t.quoted {
            let last = t.primaries.len() - 1;
            let words = if t.prefix {
                prefixed(&t.primaries[last].1, vocab)
            } else {
                Vec::new()
            };
            for i in 0..t.primaries.len() {
                let word = t.primaries[i].1.clone();
                if (i == last && !words.is_empty()) || !correctable(&word) || known(&word, vocab) {
                    continue;
                }
                // An English word is searched by its stem; the word as written (an
                // alternate) is what the reader typed and the vocabulary's kind of word,
                // so it is the one corrected (`stoped` → `stopped`, never `stopd`).
                let written = base
                    .alternates
                    .iter()
                    .find(|a| super::stem::stem(a).as_deref() == Some(word.as_str()))
                    .cloned();
                if let Some(typed) = written {
                    if let Some(fix) = correction(&typed, vocab) {
                        base.primaries[i].1 =
                            super::stem::stem(&fix).unwrap_or_else(|| fix.clone());
                        for a in &mut base.alternates {
                            if *a == typed {
                                a.clone_from(&fix);
                            }
                        }
                        plan.corrections.push((typed, fix));
                    }
                    continue;
                }
                if let Some(fix) = correction(&word, vocab) {
                    for a in &mut base.alternates {
                        *a = a.replace(&word, &fix);
                    }
                    base.primaries[i].1.clone_from(&fix);
                    plan.corrections.push((word, fix));
                }
            }
            // A word being typed grows rather than changes form (`nqss` is on its way to
            // `nqsstop`, not the plural of `nqs`).
            let forms_too = words.is_empty();
            for w in words {
                let mut primaries = base.primaries.clone();
                primaries[last].1 = w;
                variants.push(Variant {
                    primaries,
                    alternates: Vec::new(),
                    phrases: Vec::new(),
                    exact: false,
                    factor: PREFIX_FACTOR,
                });
            }
            if let ([(o, word)], true) = (base.primaries.as_slice(), forms_too) {
                for w in forms(word, vocab) {
                    variants.push(Variant {
                        primaries: vec![(*o, w)],
                        alternates: Vec::new(),
                        phrases: Vec::new(),
                        exact: false,
                        factor: FORM_FACTOR,
                    });
                }
            }
            if !t.parts.is_empty() {
                variants.push(Variant {
                    primaries: t.parts.iter().flatten().cloned().collect(),
                    alternates: Vec::new(),
                    phrases: t.parts.clone(),
                    exact: false,
                    factor: PARTS_FACTOR,
                });
            }
            for m in synonyms.of(&base.primaries) {
                variants.push(Variant {
                    primaries: m.primaries.clone(),
                    alternates: m.alternates.clone(),
                    phrases: Vec::new(),
                    exact: false,
                    factor: SYNONYM_FACTOR,
                });
            }
        }
        variants.insert(0, base);
        plan.terms.push(PlannedTerm {
            field: t.field,
            variants,
        });
    }
    plan
}

/// The words a word being typed may become: the most frequent first, then the shortest.
fn prefixed(word: &str, vocab: &dyn Vocabulary) -> Vec<String> {
    if !is_word(word) || word.chars().count() < PREFIX_MIN {
        return Vec::new();
    }
    let mut words: Vec<(String, u32)> = vocab
        .with_prefix(word)
        .into_iter()
        .filter(|(w, _)| w != word)
        .collect();
    words.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.chars().count().cmp(&b.0.chars().count()))
            .then_with(|| a.0.cmp(&b.0))
    });
    words.into_iter().take(PREFIX_MAX).map(|(w, _)| w).collect()
}

/// The book's other forms of an English word: with an ending from [`ENDINGS`] added or
/// taken off (three letters of stem at least), in order.
fn forms(word: &str, vocab: &dyn Vocabulary) -> Vec<String> {
    if word.len() < 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return Vec::new();
    }
    let mut roots = vec![word];
    for e in ENDINGS {
        if let Some(r) = word.strip_suffix(e).filter(|r| r.len() >= 3) {
            roots.push(r);
        }
    }
    let shortest = roots
        .iter()
        .min_by_key(|r| r.len())
        .copied()
        .unwrap_or(word);
    let mut out: Vec<String> = vocab
        .with_prefix(shortest)
        .into_iter()
        .map(|(w, _)| w)
        .filter(|w| {
            w != word
                && roots.iter().any(|r| {
                    w.strip_prefix(r)
                        .is_some_and(|rest| rest.is_empty() || ENDINGS.contains(&rest))
                })
        })
        .collect();
    out.sort();
    out
}

fn known(word: &str, vocab: &dyn Vocabulary) -> bool {
    vocab.with_prefix(word).iter().any(|(w, _)| w == word)
}

/// Whether a word the book lacks may be corrected: a word of four characters or more
/// that is not a number.
fn correctable(word: &str) -> bool {
    is_word(word) && max_distance(word) > 0 && !word.chars().all(|c| c.is_ascii_digit())
}

/// Edits allowed: one from four characters, two from eight.
fn max_distance(word: &str) -> usize {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The book's word nearest `word`: fewest edits, then the most frequent, then the first
/// in order. Only words with the same first character are candidates (a typo rarely
/// falls there, and the site then loads one stretch of the dictionary).
fn correction(word: &str, vocab: &dyn Vocabulary) -> Option<String> {
    let max = max_distance(word);
    let first: String = word.chars().take(1).collect();
    let len = word.chars().count();
    vocab
        .with_prefix(&first)
        .into_iter()
        .filter(|(w, _)| w.chars().count().abs_diff(len) <= max)
        .filter_map(|(w, b)| {
            let d = distance(word, &w);
            (d <= max).then_some((d, b, w))
        })
        .min_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.cmp(&a.1))
                .then_with(|| a.2.cmp(&b.2))
        })
        .map(|(_, _, w)| w)
}

/// Optimal string alignment distance over characters: insertions, deletions,
/// substitutions and swaps of neighbours (`regsvr23` is one edit from `regsvr32`).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// A vocabulary held in memory, sorted (tests, and the site's blocks in `search.js`).
pub struct Words(pub Vec<(String, u32)>);

impl Vocabulary for Words {
    fn with_prefix(&self, prefix: &str) -> Vec<(String, u32)> {
        let from = self.0.partition_point(|(w, _)| w.as_str() < prefix);
        self.0[from..]
            .iter()
            .take_while(|(w, _)| w.starts_with(prefix))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    fn vocab() -> Words {
        let mut w: Vec<(String, u32)> = [
            ("nqs", 6),
            ("nqsstop", 4),
            ("nqsstart", 4),
            ("nqsdaemon", 3),
            ("nqs_site", 3),
            ("regsvr32", 4),
            ("regext", 2),
            ("upgrade", 7),
            ("pg", 3),
            ("pg_upgrade", 2),
        ]
        .into_iter()
        .map(|(w, b)| (w.to_string(), b))
        .collect();
        w.sort();
        Words(w)
    }

    fn searched(q: &str) -> Vec<Vec<String>> {
        plan(&parse(q, None), &vocab(), &Synonyms::default())
            .terms
            .iter()
            .map(|t| {
                t.variants
                    .iter()
                    .map(|v| {
                        v.primaries
                            .iter()
                            .map(|(_, s)| s.as_str())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_word_being_typed_matches_as_a_prefix() {
        assert_eq!(searched("nqss"), [["nqss", "nqsstop", "nqsstart"]]);
        assert_eq!(searched("regsvr"), [["regsvr", "regsvr32"]]);
        // Finished (a space after it): what was typed, or, lacking it, the nearest word.
        assert_eq!(searched("nqs "), [["nqs"]]);
        assert_eq!(searched("nqss "), [["nqs"]]);
        // The most frequent first, at most PREFIX_MAX.
        assert_eq!(
            searched("nq")[0],
            ["nq", "nqs", "nqsstop", "nqsstart", "nqs_site", "nqsdaemon"]
        );
    }

    #[test]
    fn a_word_the_book_lacks_is_corrected_and_said() {
        let p = plan(&parse("regsvr23 x", None), &vocab(), &Synonyms::default());
        assert_eq!(
            p.corrections,
            [("regsvr23".to_string(), "regsvr32".to_string())]
        );
        assert_eq!(
            p.corrected_query("REGSVR23 x").as_deref(),
            Some("regsvr32 x")
        );
        assert_eq!(searched("pg_upgarde "), [["pg upgrade"]]);
        // Too short, a number, or quoted: left alone.
        assert_eq!(searched("nqz "), [["nqz"]]);
        assert_eq!(searched("\"regsvr23\""), [["regsvr23"]]);
    }

    #[test]
    fn synonyms_search_each_other() {
        let syn = Synonyms::new(&[vec!["登録".into(), "レジスト".into()]]);
        let p = plan(&parse("登録する", None), &vocab(), &syn);
        let v = &p.terms[0].variants;
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].primaries[0].1, "レジ");
        assert_eq!(v[1].factor, SYNONYM_FACTOR);
    }

    proptest::proptest! {
        /// Any query plans without a panic, and its corrected form is a string.
        #[test]
        fn any_query_plans(q in "\\PC{0,40}") {
            let p = plan(&parse(&q, None), &vocab(), &Synonyms::new(&[vec!["登録".into(), "レジスト".into()]]));
            let _ = p.corrected_query(&q);
            for t in &p.terms {
                proptest::prop_assert!(!t.variants.is_empty() && t.variants[0].exact);
            }
        }
    }

    #[test]
    fn distance_counts_a_swap_as_one_edit() {
        assert_eq!(distance("regsvr23", "regsvr32"), 1);
        assert_eq!(distance("upgarde", "upgrade"), 1);
        assert_eq!(distance("nqsstp", "nqsstop"), 1);
        assert_eq!(distance("abc", "abc"), 0);
        assert_eq!(distance("", "ab"), 2);
        assert_eq!(bucket(0), 0);
        assert_eq!(bucket(1), 1);
        assert_eq!(bucket(7), 3);
    }
}
