//! The command consistency lint: two command words that differ by a character or two
//! (`nqsstop` / `nqstop`, `jcdbs` / `jcdfs`) are usually a typo in one of them.
//!
//! Comparing every word with every other was quadratic: one command holding a base64 blob
//! brings thousands of distinct "words". Words are instead filed under deletion keys
//! ([`keys`]), so only words sharing a key are compared, with a distance bounded at two.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use super::CommandSite;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceMap};

/// The largest edit distance the lint reports.
const MAX_DISTANCE: usize = 2;

/// How many leading bytes of a word its deletion keys are taken from: the length from
/// which [`similar`] counts two edits, so that keys of prefixes this long find every pair.
const PREFIX: usize = 8;

/// Splits a command into the words worth comparing: names of programs, options, paths'
/// parts and identifiers, lower-cased.
fn words(line: &str) -> Vec<String> {
    // Placeholder ids (`[[db_path]]`) are not command words.
    let line = super::placeholders::fill(line, &|_| Some(" ".to_string()));
    line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map(|w| w.trim_matches('.').to_ascii_lowercase())
        .filter(|w| w.len() >= 5 && w.chars().any(|c| c.is_ascii_alphabetic()))
        .collect()
}

/// Whether `a` and `b` look like one word mistyped: distance 1 for words of five or more
/// characters, 2 for eight or more; a plain prefix such as `un`-`regext` is a real word.
pub(crate) fn similar(a: &str, b: &str) -> bool {
    if a == b || same_family(a, b) {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.ends_with(short) && long.len() - short.len() >= 2 {
        return false;
    }
    let min = short.len();
    match distance_within(a.as_bytes(), b.as_bytes()) {
        Some(1) => min >= 5,
        Some(2) => min >= 8,
        _ => false,
    }
}

/// Whether two words are forms of one another rather than a typo: the same but for
/// separators (`disable_excludes` / `disableexcludes`), one the other with an English
/// ending (`server` / `servers`, `restore` / `restored`, `checkpoint` / `checkpointer`), or
/// different only in digits (`v1.30` / `v1.31`, `regsvr32` / `regsvr64`).
fn same_family(a: &str, b: &str) -> bool {
    let bare = |w: &str| -> String {
        w.chars()
            .filter(|c| !matches!(c, '_' | '-' | '.'))
            .collect()
    };
    if bare(a) == bare(b) {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if let Some(ending) = long.strip_prefix(short) {
        if ["s", "es", "d", "ed", "er", "r", "ing"].contains(&ending) {
            return true;
        }
    }
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .all(|(x, y)| x == y || (x.is_ascii_digit() && y.is_ascii_digit()))
}

/// The Levenshtein distance of `a` and `b` when it is at most [`MAX_DISTANCE`]: only the
/// diagonal band of the table is filled, so a pair of long words costs their length.
fn distance_within(a: &[u8], b: &[u8]) -> Option<usize> {
    const K: usize = MAX_DISTANCE;
    const WIDTH: usize = 2 * K + 1;
    const FAR: usize = usize::MAX / 2;
    let (m, n) = (a.len(), b.len());
    if m.abs_diff(n) > K {
        return None;
    }
    // `row[t]` is the distance of `a[..i]` and `b[..j]` for `j = i + t - K`.
    let mut row = [FAR; WIDTH];
    for (t, cell) in row.iter_mut().enumerate().skip(K) {
        if t - K <= n {
            *cell = t - K;
        }
    }
    for i in 1..=m {
        let mut next = [FAR; WIDTH];
        for t in 0..WIDTH {
            let Some(j) = (i + t).checked_sub(K).filter(|&j| j <= n) else {
                continue;
            };
            let mut best = if t + 1 < WIDTH { row[t + 1] + 1 } else { FAR };
            if j == 0 {
                best = best.min(i);
            } else {
                if t > 0 {
                    best = best.min(next[t - 1] + 1);
                }
                best = best.min(row[t] + usize::from(a[i - 1] != b[j - 1]));
            }
            next[t] = best.min(FAR);
        }
        row = next;
    }
    let d = row[n + K - m];
    (d <= K).then_some(d)
}

/// The deletion keys of a word: hashes of what is left of its first [`PREFIX`] bytes (all
/// of it when shorter) after deleting up to two of them. Two words within distance two
/// share a key: both reach the same prefix of their common subsequence by deleting as
/// many bytes from prefixes of one length, and a pair of lengths on either side of
/// [`PREFIX`] is close only at distance one, where both words are whole prefixes.
fn keys(word: &str) -> Vec<u64> {
    let part = &word.as_bytes()[..word.len().min(PREFIX)];
    let p = part.len();
    let mut out = vec![hash_skipping(part, usize::MAX, usize::MAX)];
    for i in 0..p {
        out.push(hash_skipping(part, i, usize::MAX));
        for k in i + 1..p {
            out.push(hash_skipping(part, i, k));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// FNV-1a of `bytes` without the bytes at `skip_a` and `skip_b` (a key, not a digest: a
/// collision only adds a comparison).
fn hash_skipping(bytes: &[u8], skip_a: usize, skip_b: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, &b) in bytes.iter().enumerate() {
        if i != skip_a && i != skip_b {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The pairs `(i, j)` of a word of `left` and a word of `right` (of `left` itself, with
/// `i < j`, when `right` is `None`) that share a deletion key, each once, in order. The
/// keys of every word are sorted together, so words sharing one are neighbours.
fn candidates(left: &[&str], right: Option<&[&str]>) -> Vec<(usize, usize)> {
    let mut keyed: Vec<(u64, bool, u32)> = Vec::new();
    let sides = [(false, left), (true, right.unwrap_or(&[]))];
    for (side, words) in sides {
        for (i, w) in words.iter().enumerate() {
            keyed.extend(keys(w).into_iter().map(|k| (k, side, i as u32)));
        }
    }
    keyed.sort_unstable();
    let mut pairs = Vec::new();
    for run in keyed.chunk_by(|a, b| a.0 == b.0) {
        let (l, r) = run.split_at(run.partition_point(|e| !e.1));
        match right {
            None => {
                for (x, a) in l.iter().enumerate() {
                    pairs.extend(l[x + 1..].iter().map(|b| (a.2 as usize, b.2 as usize)));
                }
            }
            Some(_) => {
                for a in l {
                    pairs.extend(r.iter().map(|b| (a.2 as usize, b.2 as usize)));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Every pair `(i, j)`, `i < j`, of `words` that [`similar`] holds for, in that order.
fn similar_pairs(words: &[&str]) -> Vec<(usize, usize)> {
    candidates(words, None)
        .into_iter()
        .filter(|&(i, j)| similar(words[i], words[j]))
        .collect()
}

fn allowed(allow: &[[String; 2]], a: &str, b: &str) -> bool {
    allow.iter().any(|[x, y]| {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        (x == a && y == b) || (x == b && y == a)
    })
}

pub(crate) fn similar_commands(
    sites: &[CommandSite],
    allow: &[[String; 2]],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) {
    let seen = word_counts(sites);
    let list: Vec<(&String, &(usize, usize))> = seen.iter().collect();
    let words: Vec<&str> = list.iter().map(|(w, _)| w.as_str()).collect();
    for (i, j) in similar_pairs(&words) {
        let ((a, (na, sa)), (b, (nb, sb))) = (list[i], list[j]);
        if allowed(allow, a, b) {
            continue;
        }
        // Point at the rarer spelling: it is the likelier typo.
        let (rare, rare_site, common, common_site) = if na <= nb {
            (a, *sa, b, *sb)
        } else {
            (b, *sb, a, *sa)
        };
        let other = &sites[common_site];
        diags.push(typo(
            sources,
            &sites[rare_site],
            rare,
            common,
            (other.file, other.span.clone()),
        ));
    }
}

/// Each command word of `sites` with how many times they use it and the first site that
/// does, in word order.
fn word_counts(sites: &[CommandSite]) -> BTreeMap<String, (usize, usize)> {
    use rayon::prelude::*;
    // Runs of sites on every core, joined by adding counts and keeping the earlier site:
    // splitting a large book's commands into words was 30 ms of one core while the
    // other, done with the link check, waited.
    const RUN: usize = 2048;
    sites
        .par_chunks(RUN)
        .enumerate()
        .map(|(run, chunk)| {
            let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
            for (k, s) in chunk.iter().enumerate() {
                for w in words(&s.text) {
                    seen.entry(w).or_insert((0, run * RUN + k)).0 += 1;
                }
            }
            seen
        })
        .reduce(HashMap::new, |mut all, more| {
            for (w, (n, first)) in more {
                let e = all.entry(w).or_insert((0, first));
                e.0 += n;
                e.1 = e.1.min(first);
            }
            all
        })
        .into_iter()
        .collect()
}

/// Where a command word is first used.
pub(crate) type WordSite = (FileId, Range<usize>);

/// Every command word of `sites` and where it is first used.
pub(crate) fn vocabulary(sites: &[CommandSite]) -> HashMap<String, WordSite> {
    let mut out = HashMap::new();
    for s in sites {
        for w in words(&s.text) {
            out.entry(w).or_insert_with(|| (s.file, s.span.clone()));
        }
    }
    out
}

/// Past this many comparisons, an edit's new words are compared through their keys.
const DIRECT_COMPARISONS: usize = 1 << 20;

/// The lint for one edited procedure (the dev server's fast path): each word of `sites`
/// new to the book is compared with the book's words, which then take it in.
pub(crate) fn new_words(
    sites: &[CommandSite],
    known: &mut HashMap<String, WordSite>,
    allow: &[[String; 2]],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) {
    let mut fresh: Vec<(String, &CommandSite)> = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    for s in sites {
        for w in words(&s.text) {
            if !known.contains_key(&w) && taken.insert(w.clone()) {
                fresh.push((w, s));
            }
        }
    }
    // close[i]: the known words close to fresh[i].
    let mut close: Vec<Vec<(&String, &WordSite)>> = vec![Vec::new(); fresh.len()];
    if fresh.len().saturating_mul(known.len()) <= DIRECT_COMPARISONS {
        for ((w, _), list) in fresh.iter().zip(&mut close) {
            list.extend(known.iter().filter(|(k, _)| similar(w, k)));
        }
    } else {
        let new: Vec<&str> = fresh.iter().map(|(w, _)| w.as_str()).collect();
        let old: Vec<(&String, &WordSite)> = known.iter().collect();
        let old_words: Vec<&str> = old.iter().map(|(k, _)| k.as_str()).collect();
        for (i, j) in candidates(&new, Some(&old_words)) {
            if similar(new[i], old_words[j]) {
                close[i].push(old[j]);
            }
        }
    }
    for ((w, site), mut list) in fresh.iter().zip(close) {
        list.sort_by(|a, b| a.0.cmp(b.0));
        for (k, at) in list {
            if !allowed(allow, w, k) {
                diags.push(typo(sources, site, w, k, at.clone()));
            }
        }
    }
    for (w, site) in fresh {
        known.insert(w, (site.file, site.span.clone()));
    }
}

/// The warning that `rare` (used at `site`) looks like a typo of `common` (used at
/// `other`).
fn typo(
    sources: &SourceMap,
    site: &CommandSite,
    rare: &str,
    common: &str,
    other: WordSite,
) -> Diagnostic {
    let here = sources.text(site.file).get(site.span.clone()).unwrap_or("");
    let span = match here
        .find(rare)
        .or_else(|| here.to_ascii_lowercase().find(rare))
    {
        Some(off) => site.span.start + off..site.span.start + off + rare.len(),
        None => site.span.clone(),
    };
    Diagnostic::warning(
        site.file,
        span,
        format!("`{rare}` is one or two characters away from `{common}`; a typo?"),
    )
    .with_related(other.0, other.1, format!("`{common}` is used here"))
    .with_hint(format!(
        "if both are right, add allow_similar = [[\"{rare}\", \"{common}\"]] under [check] in book.toml"
    ))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{
        candidates, distance_within, similar, similar_pairs, word_counts, words, CommandSite,
        MAX_DISTANCE,
    };
    use crate::resolve::steps::strsim_distance;
    use std::collections::BTreeMap;

    /// The pairs the lint reported before it had an index: every pair compared.
    fn every_pair(words: &[&str]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for i in 0..words.len() {
            for j in i + 1..words.len() {
                if similar(words[i], words[j]) {
                    out.push((i, j));
                }
            }
        }
        out
    }

    /// A word and, for some of them, copies with one or two random edits.
    fn vocabulary() -> impl Strategy<Value = Vec<String>> {
        let word = "[a-e0-2_.]{1,14}";
        let edit = (0usize..3, any::<prop::sample::Index>(), "[a-e0-2]");
        prop::collection::vec((word, prop::collection::vec(edit, 0..3)), 1..40).prop_map(|items| {
            let mut out = Vec::new();
            for (w, edits) in items {
                let mut typo: Vec<char> = w.chars().collect();
                for (kind, at, c) in edits {
                    let c = c.chars().next().unwrap_or('a');
                    let i = at.index(typo.len() + 1);
                    match kind {
                        0 => typo.insert(i, c),
                        1 if i < typo.len() => {
                            typo.remove(i);
                        }
                        _ if i < typo.len() => typo[i] = c,
                        _ => typo.push(c),
                    }
                }
                out.push(w);
                out.push(typo.into_iter().collect());
            }
            out.sort();
            out.dedup();
            out
        })
    }

    proptest! {
        #[test]
        fn banded_distance_is_the_distance_up_to_two(a in "[ab]{0,12}", b in "[ab]{0,12}") {
            let d = strsim_distance(&a, &b);
            let want = (d <= MAX_DISTANCE).then_some(d);
            prop_assert_eq!(distance_within(a.as_bytes(), b.as_bytes()), want);
        }

        #[test]
        fn the_index_finds_exactly_the_pairs_of_comparing_all(words in vocabulary()) {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            prop_assert_eq!(similar_pairs(&words), every_pair(&words));
        }

        #[test]
        fn new_words_meet_exactly_the_known_words_close_to_them(words in vocabulary()) {
            // The dev server's edit: some words new, the rest known.
            let (new, old): (Vec<&str>, Vec<&str>) =
                words.iter().map(String::as_str).partition(|w| w.len() % 2 == 0);
            let found: Vec<(usize, usize)> = candidates(&new, Some(&old))
                .into_iter()
                .filter(|&(i, j)| similar(new[i], old[j]))
                .collect();
            let mut want = Vec::new();
            for (i, a) in new.iter().enumerate() {
                for (j, b) in old.iter().enumerate() {
                    if similar(a, b) {
                        want.push((i, j));
                    }
                }
            }
            prop_assert_eq!(found, want);
        }
    }

    #[test]
    fn long_words_compare_in_time_linear_in_their_length() {
        let a = "x".repeat(200_000);
        let b = format!("{a}yz");
        assert_eq!(distance_within(a.as_bytes(), b.as_bytes()), Some(2));
        assert_eq!(
            distance_within(a.as_bytes(), format!("{b}q").as_bytes()),
            None
        );
    }

    /// Counted in runs on every core, a word's count is the whole book's and its site the
    /// first to use it, as counted one site after another: the lint points at the rarer
    /// spelling and names where the other is first written.
    #[test]
    fn word_counts_match_one_site_after_another() {
        let sites: Vec<CommandSite> = (0..5000)
            .map(|i| CommandSite {
                file: i % 7,
                span: i..i + 1,
                text: match i % 3 {
                    0 => format!("nqsstop --queue batch{}", i % 11),
                    1 => "systemctl restart jobcenter".to_string(),
                    _ => format!("/opt/nqs/bin/nqsstart worker{}", i % 4),
                },
            })
            .collect();
        let mut one_by_one: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (i, s) in sites.iter().enumerate() {
            for w in words(&s.text) {
                one_by_one.entry(w).or_insert((0, i)).0 += 1;
            }
        }
        let counted = word_counts(&sites);
        assert_eq!(counted, one_by_one);
        assert_eq!(counted["systemctl"], (1667, 1));
        assert_eq!(counted["batch10"], (151, 21));
    }

    #[test]
    fn seed_typos_are_similar() {
        assert!(similar("nqsstop", "nqstop"));
        assert!(similar("jcdbs", "jcdfs"));
        assert!(similar("necjcpt", "necjopt"));
        assert!(similar("necjcupsetup", "necjcupset"));
        assert!(similar("necjcupsetup", "necjcupsetu"));
    }

    #[test]
    fn word_families_are_not_typos() {
        for (a, b) in [
            ("servers", "server"),
            ("endpoint", "endpoints"),
            ("restore", "restored"),
            ("checkpoint", "checkpointer"),
            ("disableexcludes", "disable_excludes"),
            ("v1.30", "v1.31"),
            ("regsvr32", "regsvr64"),
        ] {
            assert!(!similar(a, b), "{a} / {b}");
        }
        assert!(
            similar("necjcupsetup", "necjcupset"),
            "an ending that is not a word form"
        );
    }

    #[test]
    fn real_pairs_are_not() {
        assert!(
            !similar("regext", "unregext"),
            "a prefix makes a different word"
        );
        assert!(!similar("cluster", "clusters2x"));
        assert!(!similar("abcd", "abce"), "too short to judge");
    }

    #[test]
    fn words_split_paths_and_options() {
        assert_eq!(words("/usr/lib/nqs/nqsstop"), vec!["nqsstop"]);
        assert_eq!(
            words("regsvr32 -u /s %systemroot%\\cluster\\ExampleClusterEx"),
            vec!["regsvr32", "systemroot", "cluster", "exampleclusterex"]
        );
    }
}
