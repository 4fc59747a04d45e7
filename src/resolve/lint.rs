//! The command consistency lint: two command words that differ by a character or two
//! (`nqsstop` / `nqstop`, `jcdbs` / `jcdfs`) are usually a typo in one of them.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use super::steps::strsim_distance;
use super::CommandSite;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceMap};

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
    if a == b {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.ends_with(short) && long.len() - short.len() >= 2 {
        return false;
    }
    let d = strsim_distance(a, b);
    let min = short.len();
    (d == 1 && min >= 5) || (d == 2 && min >= 8)
}

pub(crate) fn similar_commands(
    sites: &[CommandSite],
    allow: &[[String; 2]],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) {
    // word → (count, first site)
    let mut seen: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (i, s) in sites.iter().enumerate() {
        for w in words(&s.text) {
            seen.entry(w).or_insert((0, i)).0 += 1;
        }
    }
    let list: Vec<(&String, &(usize, usize))> = seen.iter().collect();
    for (i, (a, (na, sa))) in list.iter().enumerate() {
        for (b, (nb, sb)) in list.iter().skip(i + 1) {
            if !similar(a, b) {
                continue;
            }
            let allowed = allow.iter().any(|[x, y]| {
                let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
                (&x == *a && &y == *b) || (&x == *b && &y == *a)
            });
            if allowed {
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
    for s in sites {
        for w in words(&s.text) {
            if !known.contains_key(&w) && !fresh.iter().any(|(f, _)| *f == w) {
                fresh.push((w, s));
            }
        }
    }
    for (w, site) in &fresh {
        let mut close: Vec<(&String, &WordSite)> =
            known.iter().filter(|(k, _)| similar(w, k)).collect();
        close.sort_by(|a, b| a.0.cmp(b.0));
        for (k, at) in close {
            let allowed = allow.iter().any(|[x, y]| {
                let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
                (x == *w && y == *k) || (x == *k && y == *w)
            });
            if !allowed {
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
    use super::{similar, words};

    #[test]
    fn seed_typos_are_similar() {
        assert!(similar("nqsstop", "nqstop"));
        assert!(similar("jcdbs", "jcdfs"));
        assert!(similar("necjcpt", "necjopt"));
        assert!(similar("necjcupsetup", "necjcupset"));
        assert!(similar("necjcupsetup", "necjcupsetu"));
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
            words("regsvr32 -u /s %systemroot%\\cluster\\JobCenterClusterEx"),
            vec!["regsvr32", "systemroot", "cluster", "jobcenterclusterex"]
        );
    }
}
