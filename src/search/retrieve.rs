//! A query against the tantivy index, ranked as the site ranks it ([`super::rank`]).
//! tantivy holds the postings, the term dictionaries (the vocabulary [`super::expand`]
//! widens a query with) and the positions that check a phrase; the ranking itself is
//! ours, because the site must compute the same from its own postings, which say only
//! which fields of a document hold a token.
//!
//! A step's conditional slices are documents of their own in tantivy, right after the
//! step; here they fold into their step (a *unit*, numbered as its step's document): a
//! slice the environment rules out lends its words only to a step that is itself outside
//! the environment (shown as such), so a step inside it matches by what applies. A step
//! inside that matches only by what is ruled out is counted among those outside, as the
//! site counts it.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use super::pack::{FastMap, FastSet};

use tantivy::collector::{Count, DocSetCollector};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Searcher, Term, TERMINATED};

use super::analyze::Analysis;
use super::expand::{self, bucket, is_word, Plan, Synonyms, Vocabulary};
use super::query::{self, Field};
use super::rank::{self, Key};

/// The text fields of the schema, with their bits in [`rank`]'s masks.
pub(super) type TextFields = [(tantivy::schema::Field, u8); 6];

/// The columns and terms that tell steps from slices.
pub(super) struct Columns<'a> {
    /// The fast field marking a short title.
    pub short: &'a str,
    /// The fast field of a slice's distance to its step.
    pub back: &'a str,
    /// The term every slice document holds.
    pub slice: Term,
}

/// What [`run`] found, before the stored fields of the hits are read.
pub(super) struct Found {
    pub plan: Plan,
    /// The hits in order, as documents of the searcher, with their rank.
    pub hits: Vec<(DocAddress, Key)>,
    pub total: usize,
    pub outside: usize,
    /// No document matches every term: these match most of them.
    pub partial: bool,
}

/// One query, start to end: read, widened against the vocabulary, matched, ranked.
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    searcher: &Searcher,
    fields: &TextFields,
    columns: Columns,
    query: &str,
    only: Option<Field>,
    synonyms: &Synonyms,
    analysis: Analysis,
    excluded: &HashSet<DocAddress>,
    limit: usize,
) -> tantivy::Result<Found> {
    let terms = query::parse_in(query, only, analysis);
    let words = Words {
        searcher,
        fields,
        error: RefCell::new(None),
    };
    let plan = expand::plan(&terms, &words, synonyms);
    if let Some(e) = words.error.into_inner() {
        return Err(e);
    }
    let docs = Docs::new(searcher, columns.back)?;
    let outside_units: FastSet<u32> = excluded
        .iter()
        .filter(|a| docs.is_unit(**a))
        .map(|a| docs.id(*a))
        .collect();
    // A slice counts unless the environment rules it out and its step stays inside.
    let counts = |a: DocAddress| !excluded.contains(&a) || outside_units.contains(&docs.id(a));
    let slices = searcher.search(
        &TermQuery::new(columns.slice, IndexRecordOption::Basic),
        &Count,
    )?;
    let units = searcher.num_docs() - slices as u64;
    let postings = TokenPostings::read(
        searcher,
        fields,
        columns.short,
        &docs,
        &plan,
        units,
        &counts,
    )?;
    // Every slice lending its words: a step that applies but matches only in what the
    // environment rules out is counted outside too, never dropped without a word.
    let every = |_: DocAddress| true;
    let whole = if excluded.is_empty() {
        None
    } else {
        let p = TokenPostings::read(searcher, fields, columns.short, &docs, &plan, units, &every)?;
        Some(p)
    };
    let outside_of = |d: u32| excluded.contains(&docs.address(d));
    let mut phrases = Phrases::default();
    let mut whole_phrases = Phrases::default();
    let mut keyed: Vec<(Key, u32)> = Vec::new();
    // Steps inside the environment that match only by what it rules out, keyed by all
    // their slices; a weak match by what applies stays below the threshold as any does.
    let mut in_part: Vec<(Key, u32)> = Vec::new();
    for doc in candidates(&plan, whole.as_ref().unwrap_or(&postings)) {
        let mut holds = |i: usize, j: usize| {
            let v = &plan.terms[i].variants[j];
            Some(phrases.holds(searcher, fields, &docs, &counts, (i, j), v, doc))
        };
        let key = rank::key(&plan, doc, &postings, &mut holds);
        if key.matched > 0 {
            keyed.push((key, doc));
        } else if let Some(whole) = whole.as_ref().filter(|_| !outside_of(doc)) {
            let mut holds = |i: usize, j: usize| {
                let v = &plan.terms[i].variants[j];
                Some(whole_phrases.holds(searcher, fields, &docs, &every, (i, j), v, doc))
            };
            let key = rank::key(&plan, doc, whole, &mut holds);
            if key.matched > 0 {
                in_part.push((key, doc));
            }
        }
    }
    if let Some(e) = phrases.error.or(whole_phrases.error) {
        return Err(e);
    }
    let best = |inside: bool| {
        keyed
            .iter()
            .filter(|(_, d)| !inside || !outside_of(*d))
            .map(|(k, _)| k.matched)
            .max()
            .unwrap_or(0)
    };
    let n = plan.terms.len();
    let inside_best = best(true);
    let all_best = in_part
        .iter()
        .map(|(k, _)| k.matched)
        .fold(best(false), u32::max);
    let keep = rank::threshold(inside_best, n);
    let mut hits: Vec<&(Key, u32)> = keyed
        .iter()
        .filter(|(k, d)| !outside_of(*d) && k.matched >= keep)
        .collect();
    hits.sort_by(|a, b| Key::order((&a.0, a.1), (&b.0, b.1)));
    let enough = rank::threshold(all_best, n);
    let outside = keyed
        .iter()
        .filter(|(k, d)| outside_of(*d) && k.matched >= enough)
        .count()
        + in_part.iter().filter(|(k, _)| k.matched >= enough).count();
    Ok(Found {
        total: hits.len(),
        partial: inside_best > 0 && (inside_best as usize) < n,
        hits: hits
            .into_iter()
            .take(limit)
            .map(|(k, d)| (docs.address(*d), *k))
            .collect(),
        outside,
        plan,
    })
}

/// Units (a step and its slices, numbered as the step's document) by one number across
/// segments, in index order (reading order for an index built in one go, as the site
/// numbers its documents).
struct Docs {
    /// The first number of each segment.
    base: Vec<u32>,
    /// Per segment, each document's distance to its step.
    back: Vec<Column<u64>>,
    /// One more than the highest id [`Docs::id`] gives.
    ids: u32,
}

impl Docs {
    fn new(searcher: &Searcher, back: &str) -> tantivy::Result<Docs> {
        let mut base = Vec::new();
        let mut backs = Vec::new();
        let mut next = 0;
        for seg in searcher.segment_readers() {
            base.push(next);
            next += seg.max_doc();
            backs.push(seg.fast_fields().u64(back)?);
        }
        Ok(Docs {
            base,
            back: backs,
            ids: next,
        })
    }

    /// The unit of document `a`: its step's number.
    fn id(&self, a: DocAddress) -> u32 {
        let back = self.back[a.segment_ord as usize]
            .first(a.doc_id)
            .unwrap_or(0) as u32;
        self.base[a.segment_ord as usize] + a.doc_id - back
    }

    /// Whether `a` is a step (or intro) rather than a slice.
    fn is_unit(&self, a: DocAddress) -> bool {
        self.back[a.segment_ord as usize]
            .first(a.doc_id)
            .unwrap_or(0)
            == 0
    }

    fn address(&self, id: u32) -> DocAddress {
        let seg = self.base.partition_point(|&b| b <= id) - 1;
        DocAddress::new(seg as u32, id - self.base[seg])
    }
}

/// Every token of a plan: per live unit, the fields holding it (in the slices that
/// count); and its idf (over units holding it in any slice).
struct TokenPostings {
    docs: u64,
    tokens: FastMap<String, (f64, Masks)>,
}

/// One token's fields per unit: a map, or for a common word a table indexed by the unit
/// (the ranking asks for every candidate and token, hundreds of thousands of times in a
/// large book, and filling and reading a table is cheaper than hashing there).
enum Masks {
    Sparse(FastMap<u32, u8>),
    Dense {
        table: Vec<u8>,
        /// Units with a mask.
        count: usize,
    },
}

impl Masks {
    /// Held by more than one unit in this many: a table of every unit costs less than
    /// the hashing it saves.
    const DENSE_FROM: usize = 32;

    /// Empty masks for a token about `expected` units hold, out of `ids`.
    fn with_room(expected: usize, ids: u32) -> Masks {
        if expected.saturating_mul(Self::DENSE_FROM) > ids as usize {
            Masks::Dense {
                table: vec![0; ids as usize],
                count: 0,
            }
        } else {
            Masks::Sparse(FastMap::default())
        }
    }

    fn add(&mut self, doc: u32, mask: u8) {
        match self {
            Masks::Sparse(map) => *map.entry(doc).or_default() |= mask,
            Masks::Dense { table, count } => {
                if let Some(slot) = table.get_mut(doc as usize) {
                    *count += usize::from(*slot == 0);
                    *slot |= mask;
                }
            }
        }
    }

    fn get(&self, doc: u32) -> u8 {
        match self {
            Masks::Sparse(map) => map.get(&doc).copied().unwrap_or(0),
            Masks::Dense { table, .. } => table.get(doc as usize).copied().unwrap_or(0),
        }
    }

    /// How many units have a mask.
    fn len(&self) -> usize {
        match self {
            Masks::Sparse(map) => map.len(),
            Masks::Dense { count, .. } => *count,
        }
    }

    /// The units with a mask, in no particular order.
    fn units(&self) -> Box<dyn Iterator<Item = u32> + '_> {
        match self {
            Masks::Sparse(map) => Box::new(map.keys().copied()),
            Masks::Dense { table, .. } => Box::new(
                table
                    .iter()
                    .enumerate()
                    .filter(|(_, &m)| m != 0)
                    .map(|(d, _)| d as u32),
            ),
        }
    }
}

impl TokenPostings {
    #[allow(clippy::too_many_arguments)]
    fn read(
        searcher: &Searcher,
        fields: &TextFields,
        short: &str,
        docs: &Docs,
        plan: &Plan,
        n: u64,
        counts: &dyn Fn(DocAddress) -> bool,
    ) -> tantivy::Result<TokenPostings> {
        let mut tokens = FastMap::default();
        let wanted = plan.terms.iter().flat_map(|t| &t.variants).flat_map(|v| {
            v.primaries
                .iter()
                .map(|(_, s)| s)
                .chain(v.alternates.iter())
        });
        for token in wanted {
            if tokens.contains_key(token) {
                continue;
            }
            // How many documents hold it, field by field: the table or the map is chosen
            // before the first posting is read.
            let mut expected = 0usize;
            for seg in searcher.segment_readers() {
                for &(field, _) in fields {
                    let term = Term::from_field_text(field, token);
                    expected += seg.inverted_index(field)?.doc_freq(&term)? as usize;
                }
            }
            let mut masks = Masks::with_room(expected, docs.ids);
            // Units holding it in any slice (the idf's), counted once each.
            let mut holding = Masks::with_room(expected, docs.ids);
            for (ord, seg) in searcher.segment_readers().iter().enumerate() {
                let alive = seg.alive_bitset();
                let short_titles = seg.fast_fields().u64(short)?;
                for &(field, bit) in fields {
                    let inv = seg.inverted_index(field)?;
                    let term = Term::from_field_text(field, token);
                    let Some(mut p) = inv.read_postings(&term, IndexRecordOption::Basic)? else {
                        continue;
                    };
                    let mut d = p.doc();
                    while d != TERMINATED {
                        if alive.is_none_or(|a| a.is_alive(d)) {
                            let addr = DocAddress::new(ord as u32, d);
                            let id = docs.id(addr);
                            holding.add(id, 1);
                            if counts(addr) {
                                let short = bit == rank::TITLE && short_titles.first(d) == Some(1);
                                masks.add(id, bit | if short { rank::SHORT_TITLE } else { 0 });
                            }
                        }
                        d = p.advance();
                    }
                }
            }
            let idf = rank::idf(holding.len() as u64, n);
            tokens.insert(token.clone(), (idf, masks));
        }
        Ok(TokenPostings { docs: n, tokens })
    }
}

impl rank::Postings for TokenPostings {
    fn idf(&self, token: &str) -> f64 {
        self.tokens
            .get(token)
            .map_or_else(|| rank::idf(0, self.docs), |t| t.0)
    }

    fn mask(&self, token: &str, doc: u32) -> u8 {
        self.tokens.get(token).map_or(0, |t| t.1.get(doc))
    }
}

/// The documents holding every primary of some variant, in order.
fn candidates(plan: &Plan, p: &TokenPostings) -> Vec<u32> {
    let mut out = FastSet::default();
    for t in &plan.terms {
        let allow = rank::allowed(t.field);
        for v in &t.variants {
            let masks = |s: &str| p.tokens.get(s).map(|t| &t.1);
            let Some(rarest) = v
                .primaries
                .iter()
                .filter_map(|(_, s)| masks(s))
                .min_by_key(|m| m.len())
            else {
                continue;
            };
            for d in rarest.units() {
                let all = v
                    .primaries
                    .iter()
                    .all(|(_, s)| masks(s).is_some_and(|m| m.get(d) & allow != 0));
                if all {
                    out.insert(d);
                }
            }
        }
    }
    let mut out: Vec<u32> = out.into_iter().collect();
    out.sort_unstable();
    out
}

/// Which documents hold a variant's phrases, asked of tantivy once per phrase.
#[derive(Default)]
struct Phrases {
    /// (term, variant, phrase) → the documents holding it.
    sets: HashMap<(usize, usize, usize), FastSet<u32>>,
    error: Option<tantivy::TantivyError>,
}

impl Phrases {
    #[allow(clippy::too_many_arguments)]
    fn holds(
        &mut self,
        searcher: &Searcher,
        fields: &TextFields,
        docs: &Docs,
        counts: &dyn Fn(DocAddress) -> bool,
        at: (usize, usize),
        v: &expand::Variant,
        doc: u32,
    ) -> bool {
        let whole = [v.primaries.clone()];
        let phrases: &[Vec<(usize, String)>] = if v.phrases.is_empty() {
            &whole
        } else {
            &v.phrases
        };
        for (k, phrase) in phrases.iter().enumerate().filter(|(_, p)| p.len() > 1) {
            let key = (at.0, at.1, k);
            if !self.sets.contains_key(&key) {
                let set = match phrase_docs(searcher, fields, phrase) {
                    Ok(set) => set
                        .into_iter()
                        .filter(|a| counts(*a))
                        .map(|a| docs.id(a))
                        .collect(),
                    Err(e) => {
                        self.error.get_or_insert(e);
                        FastSet::default()
                    }
                };
                self.sets.insert(key, set);
            }
            if !self.sets[&key].contains(&doc) {
                return false;
            }
        }
        true
    }
}

/// The documents with the variant's phrase in any field (a phrase is checked wherever it
/// is, as the site checks it in the text it loads; a field restriction applies to the
/// tokens).
fn phrase_docs(
    searcher: &Searcher,
    fields: &TextFields,
    phrase: &[(usize, String)],
) -> tantivy::Result<HashSet<DocAddress>> {
    let cover = super::index::covering(phrase);
    let per_field: Vec<(Occur, Box<dyn Query>)> = fields
        .iter()
        .map(|&(f, _)| {
            let q: Box<dyn Query> = match cover.as_slice() {
                [(_, one)] => Box::new(TermQuery::new(
                    Term::from_field_text(f, one),
                    IndexRecordOption::Basic,
                )),
                many => Box::new(PhraseQuery::new_with_offset(
                    many.iter()
                        .map(|(o, s)| (*o, Term::from_field_text(f, s)))
                        .collect(),
                )),
            };
            (Occur::Should, q)
        })
        .collect();
    searcher.search(&BooleanQuery::new(per_field), &DocSetCollector)
}

/// The vocabulary as tantivy's term dictionaries hold it.
struct Words<'a> {
    searcher: &'a Searcher,
    fields: &'a TextFields,
    error: RefCell<Option<tantivy::TantivyError>>,
}

impl Words<'_> {
    fn collect(&self, prefix: &str, counts: &mut BTreeMap<String, u64>) -> tantivy::Result<()> {
        for seg in self.searcher.segment_readers() {
            for &(field, _) in self.fields {
                let inv = seg.inverted_index(field)?;
                let mut stream = inv.terms().range().ge(prefix.as_bytes()).into_stream()?;
                while stream.advance() {
                    if !stream.key().starts_with(prefix.as_bytes()) {
                        break;
                    }
                    if let Ok(w) = std::str::from_utf8(stream.key()) {
                        if is_word(w) {
                            *counts.entry(w.to_string()).or_default() +=
                                u64::from(stream.value().doc_freq);
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl Vocabulary for Words<'_> {
    fn with_prefix(&self, prefix: &str) -> Vec<(String, u32)> {
        let mut counts = BTreeMap::new();
        if let Err(e) = self.collect(prefix, &mut counts) {
            self.error.borrow_mut().get_or_insert(e);
        }
        counts.into_iter().map(|(w, n)| (w, bucket(n))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A common token's table answers as a rare token's map does, for every unit and past
    /// the last, whichever was chosen for it.
    #[test]
    fn a_tokens_table_and_map_agree_on_every_unit() {
        let ids = 1000u32;
        for held in [1usize, 31, 32, 40, 500, 1000] {
            let postings: Vec<(u32, u8)> = (0..held as u32)
                .flat_map(|i| [((i * 7919) % ids, 1u8 << (i % 5)), ((i * 7919) % ids, 2)])
                .collect();
            let mut sparse = Masks::Sparse(FastMap::default());
            let mut chosen = Masks::with_room(held, ids);
            assert_eq!(
                matches!(chosen, Masks::Dense { .. }),
                held * Masks::DENSE_FROM > ids as usize,
                "{held}"
            );
            for &(d, m) in &postings {
                sparse.add(d, m);
                chosen.add(d, m);
            }
            assert_eq!(chosen.len(), sparse.len(), "{held}");
            for d in 0..ids + 5 {
                assert_eq!(chosen.get(d), sparse.get(d), "{held}: {d}");
            }
            let mut a: Vec<u32> = chosen.units().collect();
            let mut b: Vec<u32> = sparse.units().collect();
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "{held}");
        }
    }
}
