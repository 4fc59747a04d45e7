//! Search honours conditions where they sit: a step's variant, conditional part or
//! process item is a slice of its own, and an environment drops exactly the slices it
//! rules out. On both example books and for every profile of their book.toml: the words
//! of commands that only a ruled-out slice of an applying step holds (read from the
//! model: the step unfiltered against `filter()`'s view) never bring that step back
//! through `tejun search cmd:WORD --env …`, snippets never show such a command, and the
//! offline site in Chromium, picker set to the profile's environment, shows the same rows,
//! snippets and "outside" count as the CLI; a step that matches only by such a slice is
//! counted outside, so the shown and the hidden add up to the hits without an environment.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;
use tejun::facet::{Env, Value as FacetValue};
use tejun::search::{analyze, SearchDoc};

use crate::harness::cdp::{file_url, Browser};
use crate::harness::Book;

/// `facet=value` pairs of an environment, in book.toml's order.
fn pairs(env: &Env) -> Vec<(String, String)> {
    env.iter()
        .map(|(f, v)| {
            let v = match v {
                FacetValue::Enum(id) => id.clone(),
                FacetValue::Version(v) => v.to_string(),
            };
            (f.clone(), v)
        })
        .collect()
}

/// The search documents of `book` by deep link.
fn by_link(book: &tejun::Book) -> BTreeMap<String, SearchDoc> {
    tejun::search::collect(book)
        .into_iter()
        .map(|d| (d.link(), d))
        .collect()
}

/// The fields probed: commands, and GUI paths (the JobCenter book's variants differ by
/// the dialogs they open more than by commands).
const FIELDS: [&str; 2] = ["cmd", "gui"];

fn lines<'a>(doc: &'a SearchDoc, field: &str) -> &'a [String] {
    if field == "cmd" {
        &doc.commands
    } else {
        &doc.gui
    }
}

/// The words (letters and digits, four or more) of `doc`'s `field` (`cmd`, `gui`), as
/// `field:word`.
fn command_words(doc: &SearchDoc) -> BTreeSet<String> {
    FIELDS
        .iter()
        .flat_map(|f| {
            lines(doc, f)
                .iter()
                .flat_map(|c| analyze(c))
                .map(|t| t.text)
                .filter(|w| w.len() >= 4 && w.chars().all(|c| c.is_ascii_alphanumeric()))
                .map(move |w| format!("{f}:{w}"))
        })
        .collect()
}

/// What one profile asks of search.
struct Probe {
    spec: String,
    url_query: String,
    /// Words only a ruled-out slice of some applying step holds there.
    traps: BTreeSet<String>,
    /// Words the applying commands hold.
    kept: BTreeSet<String>,
    /// The view of the book in the profile's environment, by link.
    view: BTreeMap<String, SearchDoc>,
}

fn probes(book: &tejun::Book) -> Vec<Probe> {
    let all = by_link(book);
    book.config
        .profiles
        .iter()
        .map(|p| {
            let view = by_link(&tejun::filter::filter(book, &p.env));
            let mut traps = BTreeSet::new();
            let mut kept = BTreeSet::new();
            for (link, d) in &view {
                let Some(whole) = all.get(link) else { continue };
                let here = command_words(d);
                if !whole.slices.conditions.is_empty() {
                    kept.extend(here.iter().cloned());
                }
                traps.extend(command_words(whole).difference(&here).cloned());
            }
            let pairs = pairs(&p.env);
            let spec = pairs
                .iter()
                .map(|(f, v)| format!("{f}={v}"))
                .collect::<Vec<_>>()
                .join(",");
            let url_query = pairs
                .iter()
                .map(|(f, v)| format!("{f}={v}"))
                .collect::<Vec<_>>()
                .join("&");
            Probe {
                spec,
                url_query,
                traps,
                kept,
                view,
            }
        })
        .collect()
}

fn search_json(book: &Path, query: &str, spec: &str, limit: &str) -> Vec<Value> {
    let run = crate::harness::Tejun::new(book)
        .args([
            "search", query, ".", "--env", spec, "--json", "--limit", limit,
        ])
        .run();
    run.assert_ok();
    run.json().as_array().cloned().unwrap_or_default()
}

/// How many more the CLI says the environment hides (its text output's last line).
fn outside_count(book: &Path, query: &str, spec: &str) -> u64 {
    let run = crate::harness::Tejun::new(book)
        .args(["search", query, ".", "--env", spec])
        .run();
    run.assert_ok();
    let out = run.stdout() + &run.stderr();
    out.split("; ")
        .find_map(|s| {
            s.split(" more outside the environment")
                .nth(1)
                .and(s.split(' ').next())
        })
        .map_or(0, |n| n.trim().parse().expect("a count"))
}

/// Every profile of `book`: each trap word brings back no step it is ruled out of, and
/// every hit holds the word (or a word it starts) in what applies there. Returns the
/// probes, and how many traps there were.
fn cli_keeps_to_the_environment(book: &Book) -> (Vec<Probe>, usize) {
    let model = match tejun::load_book(book) {
        Ok((b, _)) => b,
        Err((d, src)) => panic!("{}", d.lines(&src).join("\n")),
    };
    let all = by_link(&model);
    let probes = probes(&model);
    let mut traps = 0;
    for p in &probes {
        let words = p.traps.iter().take(4).chain(p.kept.iter().take(2));
        for w in words {
            for hit in search_json(book, w, &p.spec, "500") {
                let link = hit["link"].as_str().unwrap();
                let doc = p
                    .view
                    .get(link)
                    .unwrap_or_else(|| panic!("{}: {w} found {link}, outside it", p.spec));
                assert!(
                    command_words(doc).iter().any(|c| c.starts_with(w.as_str())),
                    "{}: {w} found {link}, whose commands there are {:?} and GUI paths {:?}",
                    p.spec,
                    doc.commands,
                    doc.gui
                );
                // The snippet shows no command or path of a ruled-out slice.
                let snippet = hit["snippet"].as_str().unwrap();
                let field = w.split(':').next().unwrap();
                for line in lines(&all[link], field) {
                    if line.len() >= 8 && !lines(doc, field).contains(line) {
                        assert!(
                            !snippet.contains(line.as_str()),
                            "{}: the snippet of {link} shows `{line}`: {snippet}",
                            p.spec
                        );
                    }
                }
            }
        }
        // A word that only ruled-out slices hold is never answered by silence: what the
        // environment shows and what it says it hides add up to what the book holds.
        for w in p.traps.iter().take(4) {
            let inside = search_json(book, w, &p.spec, "500").len() as u64;
            let hidden = outside_count(book, w, &p.spec);
            let everywhere = crate::harness::Tejun::new(book)
                .args(["search", w, ".", "--json", "--limit", "500"])
                .run();
            everywhere.assert_ok();
            let all = everywhere.json().as_array().map_or(0, Vec::len) as u64;
            assert!(all > 0, "{w} is a word of the book");
            assert_eq!(
                inside + hidden,
                all,
                "{}: {w}: {inside} shown and {hidden} said to be outside, of {all}",
                p.spec
            );
        }
        traps += p.traps.len();
    }
    (probes, traps)
}

/// The rows the CLI's first 20 hits make on the page: one per reused step (same title and
/// snippet), as `(link, snippet)`.
fn rows(hits: &[Value]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    for h in hits {
        let (title, snippet) = (h["title"].as_str().unwrap(), h["snippet"].as_str().unwrap());
        if !out.iter().any(|(t, s, _)| t == title && s == snippet) {
            out.push((
                title.to_string(),
                snippet.to_string(),
                h["link"].as_str().unwrap().to_string(),
            ));
        }
    }
    out.into_iter().map(|(_, s, l)| (l, s)).collect()
}

/// The site's search box, picker set by the URL: the rows (link, snippet) and the count.
fn site_rows(b: &mut Browser, query: &str) -> (Vec<(String, String)>, String) {
    b.eval(
        "(() => { const i = document.getElementById('search-input'); i.value = ''; \
         i.dispatchEvent(new Event('input')); })()",
    );
    b.wait_for("document.getElementById('search-results').hidden");
    b.eval(&format!(
        "(() => {{ const i = document.getElementById('search-input'); i.value = {}; \
         i.dispatchEvent(new Event('input')); }})()",
        serde_json::to_string(query).unwrap()
    ));
    b.wait_for(
        "!document.getElementById('search-results').hidden && \
         !!document.querySelector('#search-results .search-count')",
    );
    let got = b.eval(
        "Array.from(document.querySelectorAll('#search-results .search-hit a')).map(a => \
         [a.getAttribute('href').replace(/\\?hl=[^#]*/, ''), \
          a.querySelector('.search-snippet').textContent])",
    );
    let rows = got
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().to_string(),
                r[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let count = b.eval("document.querySelector('#search-results .search-count').textContent");
    (rows, count.as_str().unwrap_or_default().to_string())
}

/// The offline site agrees with the CLI on a few of each profile's words: the same rows
/// with the same snippets, and the same number outside the environment.
fn site_agrees(book: &Book, probes: &[Probe]) {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let out = book.build_site();
    let model = tejun::load_book(book).ok().unwrap().0;
    let outside_words = &model.config.words.search.outside;
    let index = file_url(&out.join("index.html"));
    for p in probes {
        b.open(&format!("{index}?{}", p.url_query));
        let words = p.traps.iter().take(2).chain(p.kept.iter().take(1));
        for w in words {
            let q = w.clone();
            let cli = rows(&search_json(book, &q, &p.spec, "20"));
            let (site, count) = site_rows(&mut b, &q);
            assert_eq!(site, cli, "{}: {q}", p.spec);
            let hidden = outside_count(book, &q, &p.spec);
            if hidden > 0 {
                let said = outside_words.replace("{}", &hidden.to_string());
                assert!(count.contains(&said), "{}: {q}: {count}", p.spec);
            } else {
                assert!(
                    b.eval("!document.querySelector('#search-results .search-more')") == true,
                    "{}: {q}: {count}",
                    p.spec
                );
            }
        }
    }
}

#[test]
fn jobcenter_profiles_search_only_what_applies() {
    let book = Book::jobcenter();
    let (probes, traps) = cli_keeps_to_the_environment(&book);
    assert!(probes.len() >= 5);
    // The JobCenter book's variants differ in their commands: there is something to drop.
    assert!(traps > 0, "no command word is ruled out with its slice");
    site_agrees(&book, &probes);
}

#[test]
fn kubeadm_profiles_search_only_what_applies() {
    let book = Book::kubeadm();
    let (probes, traps) = cli_keeps_to_the_environment(&book);
    assert!(probes.len() >= 5);
    assert!(traps > 0, "no command word is ruled out with its slice");
    site_agrees(&book, &probes);
}

/// On the site, "show them" lists a step that applies but holds the word only in a
/// variant the environment rules out, marked outside with that variant's condition in
/// words: on RHEL, `apt-mark` is in the Debian variants only.
#[test]
fn shown_outside_hits_say_which_condition_rules_them_out() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let book = Book::kubeadm();
    let out = book.build_site();
    let env = "distro=rhel&cni=cilium&topology=external-etcd&from=v1.30&to=v1.31";
    b.open(&format!("{}?{env}", file_url(&out.join("index.html"))));
    let (rows, count) = site_rows(&mut b, "cmd:apt-mark");
    assert!(rows.is_empty(), "{rows:?}");
    let hidden = outside_count(&book, "cmd:apt-mark", &env.replace('&', ","));
    assert!(hidden > 0 && count.contains(&hidden.to_string()), "{count}");
    b.eval("document.querySelector('#search-results .search-more').click()");
    b.wait_for("document.querySelectorAll('#search-results .search-hit').length > 0");
    let hits = b.eval(
        "[...document.querySelectorAll('#search-results .search-hit')].map(h => [\
         !!h.querySelector('.search-outside-mark'), \
         [...h.querySelectorAll('.search-clause-out')].map(c => c.textContent).join(' ')])",
    );
    let hits = hits.as_array().expect("hits");
    // One row per reused step, its other places listed under it.
    assert!(!hits.is_empty() && hits.len() as u64 <= hidden, "{hits:?}");
    for h in hits {
        assert_eq!(h[0], true, "not marked outside: {h:?}");
        assert!(
            h[1].as_str()
                .is_some_and(|c| c.contains("Debian / Ubuntu (apt)")),
            "no reason in words: {h:?}"
        );
    }
}
