//! Search through the real binary (`tejun index`, `tejun search`): query mechanics,
//! fields, environments and when the index is rebuilt on the small fixture book
//! tests/fixtures/site-ja; the offline shard writer, and the offline engine of
//! `search.js` against the CLI, on the JobCenter book; the analyser vectors shared with
//! `search.js`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;
use tejun::search::{analyze, expand, offline, pack, query};

use crate::harness::{copy_dir, fixture_dir, load, read, repo, Book, Run, Tejun};

/// The site-ja fixture, indexed once for the tests of query mechanics.
fn book() -> &'static Path {
    static BOOK: OnceLock<PathBuf> = OnceLock::new();
    BOOK.get_or_init(|| {
        indexed("search-site-ja", |dir| {
            copy_dir(&fixture_dir("site-ja"), dir)
        })
    })
}

/// The JobCenter book, indexed once: the offline engine against the CLI on a real book.
fn jobcenter() -> &'static Path {
    static BOOK: OnceLock<PathBuf> = OnceLock::new();
    BOOK.get_or_init(|| {
        indexed("search-jobcenter", |dir| {
            std::fs::copy(repo().join("book.toml"), dir.join("book.toml")).unwrap();
            copy_dir(&repo().join("content"), &dir.join("content"));
        })
    })
}

/// A book `copy` writes into `target/tmp/NAME`, indexed. The tests share it through a
/// static, which is never dropped: so it lives under the target folder (replaced by the
/// next run), not in a temporary folder that would outlive the run.
fn indexed(name: &str, copy: impl FnOnce(&Path)) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    copy(&dir);
    tejun(&["index", dir.to_str().unwrap()]).assert_ok();
    dir
}

/// `tejun ARGS` (the book is named in them).
fn tejun(args: &[&str]) -> Run {
    Tejun::new(repo()).args(args).run()
}

/// `tejun search QUERY BOOK --json [extra…]` on the site-ja fixture, parsed; fails the
/// test on any error.
fn search(query: &str, extra: &[&str]) -> Vec<Value> {
    search_in(book(), query, extra)
}

/// [`search`] on the JobCenter book.
fn search_jobcenter(query: &str, extra: &[&str]) -> Vec<Value> {
    search_in(jobcenter(), query, extra)
}

fn search_in(book: &Path, query: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["search", query, book.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let v = tejun(&args).assert_ok().json();
    v.as_array().expect("a JSON array").clone()
}

fn s<'a>(hit: &'a Value, key: &str) -> &'a str {
    hit[key].as_str().unwrap_or("")
}

#[test]
fn each_term_lands_on_a_step_that_contains_it() {
    // (query, what the top hit's link must contain)
    let cases = [
        ("regsvr32", "mscs-"),
        ("svstop", "unix-upgrade.html#step-stop-local"),
        ("SAMPLE_SITE", "check-site"),
        ("sample_site", "check-site"),
        ("clusvc", "monitoring"),
        ("リソースDLL", "mscs-"),
        ("フェイルオーバ", "#sec-failover"),
        ("共有ディスク", "mscs-"),
    ];
    for (q, link) in cases {
        let hits = search(q, &["--limit", "5"]);
        let top = hits.first().unwrap_or_else(|| panic!("no hit for {q}"));
        assert!(s(top, "link").contains(link), "{q}: top hit {top:#}");
        let text = format!("{} {}", s(top, "title"), s(top, "snippet")).to_lowercase();
        assert!(
            text.contains(&q.to_lowercase()),
            "{q}: top hit lacks it: {top:#}"
        );
        assert!(!s(top, "location").is_empty() && !s(top, "procedure").is_empty());
    }
}

#[test]
fn regsvr32_is_only_in_mscs_steps() {
    let hits = search("regsvr32", &["--limit", "100"]);
    assert!(!hits.is_empty());
    for h in &hits {
        assert!(s(h, "condition").contains("cluster = mscs"), "{h:#}");
    }
}

#[test]
fn resource_dll_finds_the_register_and_unregister_steps() {
    let hits = search("リソースDLL", &["--limit", "30"]);
    let titles: Vec<&str> = hits.iter().map(|h| s(h, "title")).collect();
    assert!(titles.iter().any(|t| t.contains("レジスト")), "{titles:?}");
    assert!(
        titles.iter().any(|t| t.contains("アンレジスト")),
        "{titles:?}"
    );
    assert!(
        titles.iter().all(|t| t.contains("リソースDLL")),
        "{titles:?}"
    );
}

#[test]
fn cmd_prefix_matches_only_command_lines() {
    let b = load(book());
    let docs = tejun::search::collect(&b);
    for word in ["regsvr32", "svstop", "cluster"] {
        let in_commands = docs
            .iter()
            .filter(|d| {
                d.commands
                    .iter()
                    .any(|c| analyze::analyze(c).iter().any(|t| t.text == word))
            })
            .count();
        assert!(in_commands > 0, "no command holds {word}");
        let hits = search(&format!("cmd:{word}"), &["--limit", "1000"]);
        assert_eq!(hits.len(), in_commands, "cmd:{word}");
        let same = search(word, &["--field", "cmd", "--limit", "1000"]);
        assert_eq!(same.len(), in_commands, "--field cmd {word}");
    }
    // 停止 is in many titles and much prose, never in a command.
    assert!(!search("停止", &[]).is_empty());
    assert!(search("cmd:停止", &[]).is_empty());
    assert!(search("title:regsvr32", &[]).is_empty());
}

#[test]
fn env_unix_never_returns_a_windows_only_step() {
    for q in ["SAMPLE_SITE", "停止", "クラスタ", "svstop"] {
        let hits = search(q, &["--env", "cluster=unix", "--limit", "200"]);
        assert!(!hits.is_empty(), "{q}");
        for h in &hits {
            let c = s(h, "condition");
            assert!(
                !c.contains("cluster = mscs") && !c.contains("cluster = win-other"),
                "{q}: {h:#}"
            );
        }
    }
    assert!(search("regsvr32", &["--env", "cluster=unix"]).is_empty());
    // An open facet keeps a step: without `operation`, patch and upgrade steps both stay.
    let hits = search("svstop", &["--env", "cluster=unix", "--limit", "50"]);
    assert!(hits.iter().any(|h| s(h, "link").starts_with("unix-patch")));
    assert!(hits
        .iter()
        .any(|h| s(h, "link").starts_with("unix-upgrade")));
}

#[test]
fn awkward_queries_answer_without_error() {
    for q in [
        r"C:\nqs",
        "-ivh",
        "\"unterminated",
        ":",
        "",
        "cmd:",
        "title:",
        "\"\"",
        "((",
        "*",
        "a:b:c",
        "AND OR NOT",
        "/opt/sample",
        "%systemroot%\\cluster",
        "xyzzyplugh",
    ] {
        search(q, &[]);
        let out = tejun(&["search", q, book().to_str().unwrap()]);
        assert!(out.status.success(), "{q:?}");
        assert!(out.stderr.is_empty() || !out.stderr().contains("error"));
    }
    assert!(!search("-ivh", &[]).is_empty());
    assert!(!search("/opt/sample", &[]).is_empty());
    let none = tejun(&["search", "xyzzyplugh", book().to_str().unwrap()]);
    assert!(none.stdout().contains("no results"));
}

#[test]
fn json_results_carry_location_link_condition_and_highlights() {
    let hits = search("svstop", &["--limit", "2"]);
    assert_eq!(hits.len(), 2);
    let h = &hits[0];
    for key in [
        "title",
        "procedure",
        "chapter",
        "location",
        "link",
        "snippet",
        "condition",
    ] {
        assert!(h[key].is_string(), "{key}: {h:#}");
    }
    assert!(s(h, "location").contains("手順"), "{h:#}");
    let snippet: Vec<char> = s(h, "snippet").chars().collect();
    let hl = h["highlights"][0].as_array().unwrap();
    let (a, b) = (
        hl[0].as_u64().unwrap() as usize,
        hl[1].as_u64().unwrap() as usize,
    );
    assert_eq!(snippet[a..b].iter().collect::<String>(), "svstop");
}

#[test]
fn the_index_is_rebuilt_only_when_content_changes() {
    let book = Book::fixture("site-ja");
    let dir = book.to_path_buf();
    let d = dir.to_str().unwrap();
    let first = tejun(&["index", d]);
    assert!(first.stderr().contains("indexed"));
    assert!(dir.join(".tejun-index/tejun-index.json").exists());
    let again = tejun(&["index", d]);
    assert!(again.stderr().contains("up to date"));
    let step = dir.join("content/_steps/stop-local-service-unix.toml");
    let text = std::fs::read_to_string(&step).unwrap();
    // Saved again unchanged (a newer modification time): still up to date, not rebuilt.
    let saved = std::fs::metadata(&step).unwrap().modified().unwrap();
    std::fs::write(&step, &text).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&step)
        .unwrap()
        .set_modified(saved + std::time::Duration::from_secs(2))
        .unwrap();
    let touched = tejun(&["index", d]);
    assert!(touched.stderr().contains("up to date"));
    let out = tejun(&["search", "svstop", d]);
    assert!(!out.stderr().contains("indexed"));
    // An edit that keeps the file's size is still seen.
    std::fs::write(&step, text.replace("svstop", "svstoq")).unwrap();
    let out = tejun(&["search", "svstoq", d, "--json"]);
    let hits = out.json();
    assert!(
        !hits.as_array().unwrap().is_empty(),
        "a same-size edit was missed"
    );
    std::fs::write(&step, text.replace("svstop", "svstopzz")).unwrap();
    // `search` notices the change itself and answers from the new content.
    let out = tejun(&["search", "svstopzz", d, "--json"]);
    let hits = out.json();
    assert!(!hits.as_array().unwrap().is_empty());
    let out = tejun(&["index", d, "--out", dir.join("elsewhere").to_str().unwrap()]);
    assert!(out.status.success());
    assert!(dir.join("elsewhere/tantivy").is_dir());
}

/// A hit's condition reads in the book's words, simplified; a placeholder reads as the
/// page shows it, never as `[[id]]`.
#[test]
fn hits_read_as_the_page_does() {
    let hits = search_jobcenter("regsvr32", &["--limit", "100"]);
    for h in &hits {
        let words = s(h, "condition_text");
        assert!(
            words.starts_with("クラスタ種別: MSCS(MSFC)、作業: "),
            "{h:#}"
        );
        assert!(!words.contains(" and ") && !words.contains("from"), "{h:#}");
    }
    // `from <= R12.7.x and from <= R12.4` is one bound, the tighter.
    assert!(hits
        .iter()
        .any(|h| s(h, "condition_text").ends_with("適用前のバージョン: R12.4以前")));
    let hits = search_jobcenter("リソースの名前", &["--limit", "100"]);
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|h| !s(h, "snippet").contains("[[")),
        "{hits:#?}"
    );
    assert!(hits
        .iter()
        .any(|h| s(h, "snippet").contains("cluster res \"[リソースの名前]\"")));
}

/// With an environment, hits it rules out are counted, not silently dropped.
#[test]
fn an_environment_that_hides_the_hits_says_how_many() {
    let all = search("regsvr32", &["--limit", "1000"]).len();
    let out = tejun(&[
        "search",
        "regsvr32",
        book().to_str().unwrap(),
        "--env",
        "cluster=unix",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("no results for `regsvr32`; {all} more outside the environment")
    );
}

// ---- the offline index ------------------------------------------------------------------

fn payload(js: &[u8], call: &str) -> Value {
    let text = std::str::from_utf8(js).unwrap();
    let inner = text
        .trim()
        .strip_prefix(&format!("window.{call}("))
        .and_then(|t| t.strip_suffix(");"))
        .unwrap_or_else(|| panic!("not a {call} call: {}", &text[..text.len().min(80)]));
    serde_json::from_str(inner).unwrap()
}

/// Id → mask of a posting string: id lists joined by `,`, one per mask bit.
/// Id → mask of a posting string; a list's ids after `;` are the slices', less `docs`.
fn decode_postings(value: &str, docs: u32) -> Vec<(u32, u32)> {
    let mut masks: BTreeMap<u32, u32> = BTreeMap::new();
    for (i, list) in value.split(',').enumerate() {
        for (part, base) in list.split(';').zip([0, docs]) {
            for id in pack::decode_ids(part).unwrap_or_else(|| panic!("bad list {list:?}")) {
                *masks.entry(id + base).or_default() |= 1 << i;
            }
        }
    }
    masks.into_iter().collect()
}

/// Running sums of the varints of `s`, from 0.
fn starts(s: &Value) -> Vec<u64> {
    let mut out = vec![0];
    for n in pack::decode_varints(s.as_str().unwrap()).unwrap() {
        out.push(out[out.len() - 1] + n);
    }
    out
}

#[test]
fn offline_shards_cover_every_token_and_decode_to_the_postings() {
    let b = load(repo());
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let stats = offline::write_offline_index(&b, &mut |p, bytes| {
        assert!(files.insert(p.to_string(), bytes).is_none(), "{p} twice");
    });
    let meta = payload(&files["search/meta.js"], "tejunSearchMeta");
    assert_eq!(meta["v"], offline::VERSION);
    let js = read(&repo().join("themes/default/search.js"));
    assert!(
        js.contains(&format!("var VERSION = {};", offline::VERSION)),
        "search.js reads another format"
    );
    assert_eq!(meta["docs"].as_u64().unwrap() as usize, stats.docs);
    let shard_starts: Vec<u64> = starts(&meta["shards"])
        .iter()
        .map(|s| s * u64::from(offline::SHARD_STEP))
        .collect();
    assert_eq!(shard_starts.len(), stats.shards);
    assert!(shard_starts.windows(2).all(|w| w[0] < w[1]));
    let group_starts = starts(&meta["groups"]);
    let chunk_starts = starts(&meta["chunks"]);
    assert_eq!(*group_starts.last().unwrap() as usize, stats.docs);
    assert_eq!(*chunk_starts.last().unwrap() as usize, stats.docs);

    let docs = tejun::search::collect(&b);
    let expected = offline::postings(&docs);
    let (doc_group, expected_groups) = offline::groups(&docs);
    for (d, &g) in doc_group.iter().enumerate() {
        let g = g as usize;
        assert!(group_starts[g] <= d as u64 && (d as u64) < group_starts[g + 1]);
    }
    let mut seen = BTreeSet::new();
    let mut seen_groups = BTreeSet::new();
    for n in 0..stats.shards {
        let shard = payload(&files[&offline::shard_file(n)], "tejunSearchShard");
        assert_eq!(shard["shard"].as_u64().unwrap() as usize, n);
        let home = |token: &str| {
            let h = u64::from(offline::token_hash(token));
            shard_starts.iter().rposition(|&s| s <= h).unwrap()
        };
        for (token, list) in shard["tokens"].as_object().unwrap() {
            assert_eq!(home(token), n, "{token}");
            assert_eq!(
                decode_postings(list.as_str().unwrap(), stats.docs as u32),
                expected[token],
                "{token}"
            );
            seen.insert(token.clone());
        }
        for (token, list) in shard["groups"].as_object().unwrap() {
            assert_eq!(home(token), n, "{token}");
            assert_eq!(
                decode_postings(list.as_str().unwrap(), stats.docs as u32),
                expected_groups[token],
                "{token}"
            );
            seen_groups.insert(token.clone());
        }
    }
    let all: BTreeSet<String> = expected.keys().cloned().collect();
    assert_eq!(seen, all, "shards must hold every indexed token, once");
    let all: BTreeSet<String> = expected_groups.keys().cloned().collect();
    assert_eq!(
        seen_groups, all,
        "shards must hold every procedure and chapter token"
    );
    // Every token of every searchable field is in some shard.
    for d in &docs {
        let fields = [&d.title, &d.procedure, &d.chapter]
            .into_iter()
            .chain(&d.commands)
            .chain(&d.gui)
            .chain(&d.body);
        for f in fields {
            for t in analyze::analyze(f) {
                assert!(
                    seen.contains(&t.text) || seen_groups.contains(&t.text),
                    "{}",
                    t.text
                );
            }
        }
    }

    // Every document's condition, once, in conds.js.
    let conds = meta["conds"].as_array().unwrap();
    let lists = payload(&files["search/conds.js"], "tejunSearchConds");
    let mut of_doc = vec![None; stats.docs];
    for (c, list) in lists["conds"].as_array().unwrap().iter().enumerate() {
        for d in pack::decode_ids(list.as_str().unwrap()).unwrap() {
            assert!(of_doc[d as usize].replace(c).is_none(), "doc {d} twice");
        }
    }
    for (d, c) in docs.iter().zip(&of_doc) {
        let c = c.expect("every document has a condition");
        assert_eq!(conds[c], d.condition.clone().unwrap_or_default());
    }

    // The chunks give back every document's record and its group.
    let dict: Vec<u16> = meta["dict"].as_str().unwrap().encode_utf16().collect();
    for n in 0..chunk_starts.len() - 1 {
        let c = payload(&files[&offline::docs_file(n)], "tejunSearchDocs");
        assert_eq!(c["chunk"].as_u64().unwrap() as usize, n);
        let text = pack::decode_lz(c["docs"].as_str().unwrap(), &dict).unwrap();
        let mut records: Vec<&str> = text.split(pack::RECORD).collect();
        let first = chunk_starts[n] as usize;
        let end = chunk_starts[n + 1] as usize;
        let groups: Vec<&str> = records
            .drain(..(doc_group[end - 1] - doc_group[first]) as usize + 1)
            .collect();
        assert_eq!(records.len(), end - first);
        for (i, r) in records.iter().enumerate() {
            let d = &docs[first + i];
            let f: Vec<&str> = r.split(pack::FIELD).collect();
            assert_eq!(f.len(), 7, "{r}");
            assert_eq!(
                (f[0], f[1], f[2], f[6]),
                (&*d.title, &*d.location, &*d.anchor, &*d.text)
            );
            // Line tags only for a step cut into slices, one per line of its text.
            assert_eq!(f[5].is_empty(), d.slices.conditions.is_empty(), "{r}");
            if !f[5].is_empty() {
                let runs = pack::decode_varints(f[5]).unwrap();
                let lines: u64 = runs.chunks(2).map(|r| r[1]).sum();
                assert_eq!(lines as usize, d.text.split('\n').count(), "{r}");
            }
            assert_eq!(
                conds[f[4].parse::<usize>().unwrap()],
                d.condition.clone().unwrap_or_default()
            );
            let g = groups[(doc_group[first + i] - doc_group[first]) as usize];
            assert_eq!(
                g.split(pack::FIELD).collect::<Vec<_>>(),
                [&*d.procedure, &*d.chapter, &*d.page]
            );
        }
    }
    eprintln!(
        "offline index: {} docs, {} tokens, {} shards, {} files, {} bytes",
        stats.docs, stats.tokens, stats.shards, stats.files, stats.bytes
    );
}

// ---- the shared vectors -----------------------------------------------------------------

fn vectors() -> Value {
    serde_json::from_str(&read(&repo().join("tests/search-vectors.json"))).unwrap()
}

/// A term as the vectors write it.
fn term_json(t: &query::Term) -> Value {
    serde_json::json!({
        "field": t.field.map(|f| f.name()),
        "primaries": t.primaries.iter().map(|(o, s)| format!("{s}@{o}")).collect::<Vec<_>>(),
        "alternates": t.alternates,
        "quoted": t.quoted,
        "prefix": t.prefix,
        "parts": t.parts.iter().map(|p| phrase_text(p)).collect::<Vec<_>>(),
    })
}

/// `token@offset …`, as the vectors write a phrase.
fn phrase_text(p: &[(usize, String)]) -> String {
    p.iter()
        .map(|(o, s)| format!("{s}@{o}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A case's analysis (`"analysis": "en"`; the Japanese one when it names none).
fn analysis_of(c: &Value) -> analyze::Analysis {
    analyze::Analysis::from_code(c["analysis"].as_str().unwrap_or_default())
}

/// `out` with the case's `analysis` key, when it has one.
fn with_analysis(c: &Value, mut out: Value) -> Value {
    if let Some(a) = c.get("analysis") {
        out["analysis"] = a.clone();
    }
    out
}

/// What the Rust side makes of every case of the vectors, in the file's own shape.
fn rust_side(v: &Value) -> Value {
    let analyze: Vec<Value> = v["analyze"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = c["text"].as_str().unwrap();
            let tokens = analyze::describe_in(text, analysis_of(c));
            with_analysis(c, serde_json::json!({"text": text, "tokens": tokens}))
        })
        .collect();
    let queries: Vec<Value> = v["queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let q = c["query"].as_str().unwrap();
            let terms: Vec<Value> = query::parse_in(q, None, analysis_of(c))
                .iter()
                .map(term_json)
                .collect();
            with_analysis(c, serde_json::json!({"query": q, "terms": terms}))
        })
        .collect();
    let words: Vec<(String, u32)> = serde_json::from_value(v["vocabulary"].clone()).unwrap();
    let mut words = words;
    words.sort();
    let vocab = expand::Words(words);
    let groups: Vec<Vec<String>> = serde_json::from_value(v["synonyms"].clone()).unwrap();
    let plans: Vec<Value> = v["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let q = c["query"].as_str().unwrap();
            let synonyms = expand::Synonyms::new_in(&groups, analysis_of(c));
            let p = expand::plan(&query::parse_in(q, None, analysis_of(c)), &vocab, &synonyms);
            let terms: Vec<Value> = p
                .terms
                .iter()
                .map(|t| {
                    t.variants
                        .iter()
                        .map(|x| {
                            serde_json::json!({
                                "primaries": phrase_text(&x.primaries),
                                "alternates": x.alternates,
                                "phrases": x.phrases.iter().map(|p| phrase_text(p)).collect::<Vec<_>>(),
                                "exact": x.exact,
                                "factor": x.factor,
                            })
                        })
                        .collect()
                })
                .collect();
            with_analysis(
                c,
                serde_json::json!({"query": q, "terms": terms, "corrections": p.corrections}),
            )
        })
        .collect();
    let snippets: Vec<Value> = v["snippets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = c["text"].as_str().unwrap();
            let tokens: Vec<String> = serde_json::from_value(c["tokens"].clone()).unwrap();
            let s = tejun::search::snippet::snippet_in(text, &tokens, analysis_of(c));
            let chars = |b: usize| s.text[..b].chars().count();
            with_analysis(
                c,
                serde_json::json!({
                    "text": text,
                    "tokens": tokens,
                    "snippet": s.text,
                    "highlights": s.highlights.iter().map(|h| [chars(h.start), chars(h.end)]).collect::<Vec<_>>(),
                }),
            )
        })
        .collect();
    serde_json::json!({
        "about": v["about"],
        "analyze": analyze,
        "queries": queries,
        "vocabulary": v["vocabulary"],
        "synonyms": v["synonyms"],
        "plans": plans,
        "snippets": snippets,
    })
}

/// The vectors file as written: one case per line.
fn vectors_text(v: &Value) -> String {
    let mut out = String::from("{\n");
    let keys = [
        "about",
        "analyze",
        "queries",
        "vocabulary",
        "synonyms",
        "plans",
        "snippets",
    ];
    for (i, k) in keys.iter().enumerate() {
        out.push_str(&format!(" {}: ", Value::from(*k)));
        match &v[*k] {
            Value::Array(items) if *k != "synonyms" => {
                out.push_str("[\n");
                let lines: Vec<String> = items.iter().map(|c| format!("  {c}")).collect();
                out.push_str(&lines.join(",\n"));
                out.push_str("\n ]");
            }
            other => out.push_str(&other.to_string()),
        }
        out.push_str(if i + 1 < keys.len() { ",\n" } else { "\n" });
    }
    out.push_str("}\n");
    out
}

/// Every case of `tests/search-vectors.json` as the Rust code reads it. With
/// `TEJUN_BLESS_VECTORS=1` the file is rewritten from the Rust side instead (then the
/// JavaScript test says whether search.js agrees, and the diff is for a person to read).
#[test]
fn rust_analyser_matches_the_shared_vectors() {
    let v = vectors();
    let got = rust_side(&v);
    if std::env::var("TEJUN_BLESS_VECTORS").as_deref() == Ok("1") {
        let path = repo().join("tests/search-vectors.json");
        std::fs::write(path, vectors_text(&got)).unwrap();
        return;
    }
    for section in ["analyze", "queries", "plans", "snippets"] {
        for (want, got) in v[section]
            .as_array()
            .unwrap()
            .iter()
            .zip(got[section].as_array().unwrap())
        {
            assert_eq!(got, want, "{section}");
        }
    }
}

#[test]
fn javascript_analyser_matches_the_shared_vectors() {
    assert!(
        Command::new("node").arg("--version").output().is_ok(),
        "node is needed to test themes/default/search.js (.ci/test installs it)"
    );
    // Token hashes decide which shard the browser loads: they must agree too.
    let v = vectors();
    let mut hashes = serde_json::Map::new();
    for case in v["analyze"].as_array().unwrap() {
        for t in analyze::analyze_in(case["text"].as_str().unwrap(), analysis_of(case)) {
            hashes.insert(t.text.clone(), offline::token_hash(&t.text).into());
        }
    }
    let tmp = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(&tmp, Value::Object(hashes).to_string()).unwrap();
    let script = r#"
const fs = require("fs");
const [js, vectorsPath, hashesPath] = process.argv.slice(1);
const s = require(js);
const v = JSON.parse(fs.readFileSync(vectorsPath, "utf8"));
const hashes = JSON.parse(fs.readFileSync(hashesPath, "utf8"));
let bad = 0;
// Objects compare whatever their key order (serde writes keys sorted).
const canon = x => Array.isArray(x) ? x.map(canon) : x && typeof x === "object" ? Object.keys(x).sort().reduce((o, k) => { o[k] = canon(x[k]); return o; }, {}) : x;
const same = (a, b) => JSON.stringify(canon(a)) === JSON.stringify(canon(b));
const vocab = v.vocabulary.slice().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
const words = p => vocab.filter(w => w[0].startsWith(p));

const phrase = p => p.map(q => q[1] + "@" + q[0]).join(" ");
const term = t => ({ field: t.field, primaries: t.primaries.map(p => p[1] + "@" + p[0]), alternates: t.alternates, quoted: t.quoted, prefix: t.prefix, parts: t.parts.map(phrase) });
for (const c of v.analyze) {
  const got = s.describe(c.text, c.analysis);
  if (!same(got, c.tokens)) { bad++; console.log("analyse", JSON.stringify(c.text), JSON.stringify(got), "want", JSON.stringify(c.tokens)); }
}
for (const c of v.queries) {
  const got = s.parseQuery(c.query, null, c.analysis).map(term);
  if (!same(got, c.terms)) { bad++; console.log("query", JSON.stringify(c.query), JSON.stringify(got), "want", JSON.stringify(c.terms)); }
}
for (const c of v.plans) {
  const p = s.plan(s.parseQuery(c.query, null, c.analysis), words, s.synonymGroups(v.synonyms, c.analysis));
  const got = { analysis: c.analysis, query: c.query, terms: p.terms.map(t => t.variants.map(x => ({ primaries: phrase(x.primaries), alternates: x.alternates, phrases: x.phrases.map(phrase), exact: x.exact, factor: x.factor }))), corrections: p.corrections };
  if (!same(got, c)) { bad++; console.log("plan", JSON.stringify(c.query), JSON.stringify(got), "want", JSON.stringify(c)); }
}
for (const c of v.snippets) {
  const wanted = {}; c.tokens.forEach(t => { wanted[t] = true; });
  const r = s.snippet(c.text, wanted, c.analysis);
  const cp = off => Array.from(r.text.slice(0, off)).length;
  const got = { snippet: r.text, highlights: r.highlights.map(h => [cp(h[0]), cp(h[1])]) };
  if (!same(got, { snippet: c.snippet, highlights: c.highlights })) { bad++; console.log("snippet", JSON.stringify(c.text), JSON.stringify(got)); }
}
for (const [tok, h] of Object.entries(hashes)) {
  if (s.tokenHash(tok) !== h) { bad++; console.log("hash", tok, s.tokenHash(tok), "want", h); }
}
console.log(bad === 0 ? "ok" : bad + " mismatches");
process.exit(bad === 0 ? 0 : 1);
"#;
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(repo().join("themes/default/search.js"))
        .arg(repo().join("tests/search-vectors.json"))
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "search.js disagrees with the Rust analyser:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_offline_engine_in_search_js_finds_what_the_cli_finds() {
    assert!(
        Command::new("node").arg("--version").output().is_ok(),
        "node is needed to test themes/default/search.js (.ci/test installs it)"
    );
    let b = load(jobcenter());
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    std::fs::create_dir_all(site.join("search")).unwrap();
    offline::write_offline_index(&b, &mut |p, bytes| {
        std::fs::write(site.join(p), bytes).unwrap()
    });
    let queries = [
        "nqsstop",
        "regsvr32",
        "cmd:regsvr32",
        "NQS_SITE",
        "共有ディスク",
        "フェイルオーバ",
        "リソースDLL",
        "/usr/lib",
        "-ivh",
        r"C:\nqs",
        "停止 unix",
        ":",
    ];
    // Each query twice: no environment, and UNIX (`--env cluster=unix`), the conditions
    // evaluated by the site's own condition.js.
    let script = r#"
const fs = require("fs"), path = require("path");
const [js, condition, site, queries] = process.argv.slice(1);
const s = require(js);
const tc = require(condition);
const loaded = { all: new Set(), unix: new Set() };
function engine(env, name) {
  const e = s.createEngine(p => new Promise((resolve, reject) => {
    loaded[name].add(p);
    fs.readFile(path.join(site, p), "utf8", (err, text) => {
      if (err) return reject(err);
      new Function("window", text)(e.globals);
      resolve();
    });
  }), c => (c ? tc.evaluate(tc.parse(c), env) : true));
  return e;
}
const all = engine({}, "all"), unix = engine({ cluster: "unix" }, "unix");
(async () => {
  const out = {};
  for (const q of JSON.parse(queries)) {
    const hits = (await all.search(q, 200)).hits;
    const u = await unix.search(q, 200);
    out[q] = {
      all: hits.map(h => [h.row[2], h.row[0], h.row[1], h.row[3], h.row[6], h.condition,
        all.clauses(h.cond).map(c => c.label).join("、")]),
      unix: u.hits.map(h => h.row[2]),
      counts: [u.total, u.outside, u.exact],
    };
  }
  out[""] = { all: [...loaded.all], unix: [...loaded.unix] };
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"#;
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(repo().join("themes/default/search.js"))
        .arg(repo().join("themes/default/condition.js"))
        .arg(site)
        .arg(serde_json::to_string(&queries).unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: BTreeMap<String, BTreeMap<String, Vec<Value>>> =
        serde_json::from_slice(&out.stdout).unwrap();
    // The slices' conditions are downloaded only by a reader whose environment rules out
    // some of them (search_env.rs holds the site to the CLI where it does).
    let loaded = |who: &str| js[""][who].iter().any(|f| f == "search/slices.js");
    assert!(!loaded("all"), "no environment, yet slices.js was loaded");
    let links = |hits: &[Value]| -> BTreeSet<String> {
        hits.iter().map(|h| s(h, "link").to_string()).collect()
    };
    for q in queries {
        let cli = search_in(jobcenter(), q, &["--limit", "200"]);
        let off = &js[q]["all"];
        let off_links: BTreeSet<String> = off
            .iter()
            .map(|h| h[0].as_str().unwrap().to_string())
            .collect();
        assert_eq!(off_links, links(&cli), "offline and CLI disagree on {q:?}");
        // What a hit shows comes back from the chunks as the CLI has it.
        for h in &cli {
            let mine = off.iter().find(|o| o[0] == h["link"]).unwrap();
            let want = [
                "link",
                "title",
                "location",
                "procedure",
                "chapter",
                "condition",
                "condition_text",
            ]
            .map(|k| match &h[k] {
                Value::Null => Value::from(""),
                v => v.clone(),
            });
            assert_eq!(mine, &Value::from(want.to_vec()), "{q:?}");
        }
        let cli_unix = search_in(jobcenter(), q, &["--limit", "200", "--env", "cluster=unix"]);
        let off_unix: BTreeSet<String> = js[q]["unix"]
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect();
        assert_eq!(off_unix, links(&cli_unix), "--env cluster=unix: {q:?}");
        // The count, and how many the environment hid: exact once every candidate has
        // been checked (or no phrase needed checking), an upper bound before.
        let counts = &js[q]["counts"];
        let (total, outside) = (counts[0].as_u64().unwrap(), counts[1].as_u64().unwrap());
        if counts[2] == true {
            assert_eq!(total as usize, cli_unix.len(), "{q:?}");
            assert_eq!((total + outside) as usize, cli.len(), "{q:?}");
        } else {
            assert!(total as usize >= cli_unix.len() && (total + outside) as usize >= cli.len());
        }
    }
    assert_eq!(
        Value::from(js["regsvr32"]["counts"].clone()),
        serde_json::json!([0, 12, true])
    );
    assert!(!js["nqsstop"]["unix"].is_empty() && js["regsvr32"]["unix"].is_empty());
}

/// The offline writer's time on a big book, alone (the build runs it beside the pages):
/// `TEJUN_BENCH_BOOK=/tmp/gb/tejun cargo test --release --test search offline_index_time -- --ignored --nocapture`.
#[test]
#[ignore]
fn offline_index_time() {
    let Some(dir) = std::env::var_os("TEJUN_BENCH_BOOK") else {
        return;
    };
    let b = load(Path::new(&dir));
    let docs = tejun::search::collect(&b);
    // Process CPU time (all threads) from /proc, in ms: steadier than wall time on a busy
    // machine.
    let cpu = || {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let fields: Vec<i64> = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        // utime and stime are fields 14 and 15 of the line, 11 and 12 after the name.
        fields
            .get(10)
            .zip(fields.get(11))
            .map_or(0, |(u, s)| (u + s) as u64 * 10)
    };
    let time = |f: &mut dyn FnMut()| {
        let runs: Vec<(std::time::Duration, u64)> = (0..10)
            .map(|_| {
                let (t, c) = (std::time::Instant::now(), cpu());
                f();
                (t.elapsed(), cpu() - c)
            })
            .collect();
        let wall = runs.iter().map(|r| r.0).min().unwrap();
        let cpu = runs.iter().map(|r| r.1).min().unwrap();
        format!(
            "{:.0} ms wall, {cpu} ms cpu (min of 10)",
            wall.as_secs_f64() * 1000.0
        )
    };
    let collect = time(&mut || drop(tejun::search::collect(&b)));
    let analyse = time(&mut || {
        for d in &docs {
            for f in std::iter::once(&d.title).chain(&d.commands).chain(&d.body) {
                drop(analyze::analyze(f));
            }
        }
    });
    let postings = time(&mut || drop(offline::postings(&docs)));
    let mut bytes = 0;
    let all = time(&mut || {
        bytes = 0;
        offline::write_offline_index(&b, &mut |_, v| bytes += v.len());
    });
    eprintln!(
        "{} docs: collect {collect}; analyse (one thread) {analyse}; postings {postings}; whole offline index {all}; {bytes} bytes",
        docs.len()
    );
}

/// A cross-reference written with empty text reads in search as it reads on the page:
/// `[](#backup)` inside a procedure is that procedure's step, filled with its title (the
/// search text once resolved links on its own and left it empty).
#[test]
fn a_relative_cross_reference_is_filled_in_search_as_on_the_page() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("starter");
    let init = Command::new(env!("CARGO_BIN_EXE_tejun"))
        .args(["init", &book.to_string_lossy()])
        .output()
        .unwrap();
    assert!(init.status.success());
    let o = Command::new(env!("CARGO_BIN_EXE_tejun"))
        .args([
            "search",
            "Install the package",
            &book.to_string_lossy(),
            "--json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hits: Value = serde_json::from_slice(&o.stdout).unwrap();
    let snippet = hits[0]["snippet"].as_str().unwrap_or_default();
    assert!(
        snippet.contains("as in 2 Back up the configuration"),
        "{snippet}"
    );
}

/// Runs `script` under node with `themes/default/search.js` as its first argument.
fn node(script: &str, args: &[&str]) -> Output {
    assert!(
        Command::new("node").arg("--version").output().is_ok(),
        "node is needed to test themes/default/search.js (.ci/test installs it)"
    );
    Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(repo().join("themes/default/search.js"))
        .args(args)
        .output()
        .unwrap()
}

/// Typing Japanese goes through an input method: kana while composing, Enter to commit the
/// conversion. Nothing may be searched on the half-typed kana, and the committing Enter
/// must not open the first result (it did: the reader landed on a page mid-word).
#[test]
fn the_search_box_waits_for_the_input_method_to_commit() {
    let script = r#"
const s = require(process.argv[1]);
const acts = [];
const k = s.createKeys(a => acts.push(a));
const key = (key, extra) => Object.assign({ key, isComposing: false, keyCode: 0 }, extra);
const steps = [
  // Composing ていし → 停止: input events carry isComposing; Enter commits.
  ["compositionstart", null],
  ["input", { isComposing: true }],
  ["keydown", key("ArrowDown", { isComposing: true, keyCode: 229 })],
  ["input", { isComposing: true }],
  ["keydown", key("Enter", { isComposing: true, keyCode: 229 })],
  ["compositionend", null],
  // Safari: the committing Enter arrives after compositionend, isComposing false, 229.
  ["keydown", key("Enter", { keyCode: 229 })],
  // Now the reader moves and opens a result.
  ["keydown", key("ArrowDown", { keyCode: 40 })],
  ["keydown", key("Enter", { keyCode: 13 })],
  ["input", { isComposing: false }],
  ["keydown", key("Escape", { keyCode: 27 })],
  ["keydown", key("a", { keyCode: 65 })],
];
const handled = steps.map(([type, e]) => {
  const before = acts.length;
  const r = k[type](e);
  return [type, r === undefined ? null : r, acts.slice(before)];
});
console.log(JSON.stringify(handled));
"#;
    let out = node(script, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    let want = serde_json::json!([
        ["compositionstart", null, ["cancel"]],
        ["input", null, ["cancel"]],
        ["keydown", false, []],
        ["input", null, ["cancel"]],
        ["keydown", false, []],
        ["compositionend", null, ["search"]],
        ["keydown", false, []],
        ["keydown", true, ["next"]],
        ["keydown", true, ["open"]],
        ["input", null, ["search"]],
        ["keydown", true, ["clear"]],
        ["keydown", false, []],
    ]);
    assert_eq!(got, want);
}

/// The queries both rankings are held to: identifiers, commands, paths, Japanese (with
/// particles and inflections), phrases, prefixes being typed, typos, field restrictions.
const JOBCENTER_QUERIES: &[&str] = &[
    "regsvr32",
    "regsvr",
    "regsvr23",
    "nqss",
    "nq",
    "nqsstop",
    "nqsdaemon",
    "NQS_SITE",
    "cjcmksite",
    "cjcpw",
    "/usr/lib",
    "-ivh",
    r"C:\nqs",
    "cmd:regsvr32",
    "title:停止",
    "停止",
    "フェイルオーバ",
    "共有ディスク",
    "リソースDLL",
    "サービスを停止",
    "ローカルのJobCenterサービスを停止",
    "引き継げない",
    "待機系ノード",
    "サイトデータベース",
    "\"サイトデータベース\"",
    "共有ディスク 停止",
    "jobcenter サービス 停止 できない",
    "クラスタリソース 登録",
    "パッチ適用",
    "バージョンアップ 手順",
    "サーバの環境設定",
    "unix nqsstart",
    "rpm",
];

const KUBEADM_QUERIES: &[&str] = &[
    "kubeadm upgrade apply",
    "kubeadm upgrade plan",
    "kubeadm upgarde",
    "kubectl drain",
    "drain the node",
    "uncordon",
    "cordo",
    "apt-mark unhold",
    "apt-mark",
    "etcdctl snapshot save",
    "etcdctl snapshto",
    "etcd",
    "systemctl restart kubelet",
    "kubelet",
    "kube",
    "calico",
    "cilium helm",
    "flannel",
    "containerd",
    "coredns",
    "kube-proxy",
    "\"control plane\"",
    "how to upgrade the control plane",
    "certificates renew",
    "dnf list --showduplicates",
    "admin.conf",
    "v1beta4",
];

/// `book` loaded and the offline index of its site written into `<book>/<name>`, for
/// `search.js` under node ([`ENGINE`]).
fn offline_site(book: &Path, name: &str) -> (tejun::Book, PathBuf) {
    let b = match tejun::load_book(book) {
        Ok((b, _)) => b,
        Err((d, src)) => panic!("{}", d.lines(&src).join("\n")),
    };
    let site = book.join(name);
    let _ = std::fs::remove_dir_all(&site);
    std::fs::create_dir_all(site.join("search")).unwrap();
    offline::write_offline_index(&b, &mut |p, bytes| {
        std::fs::write(site.join(p), bytes).unwrap()
    });
    (b, site)
}

/// The start of a node script that runs `search.js`'s engine over a written site: its
/// arguments are the script, the site and the queries (JSON); `e` is the engine.
const ENGINE: &str = r#"
const fs = require("fs"), path = require("path");
const [js, site, queries] = process.argv.slice(1);
const s = require(js);
const e = s.createEngine(p => new Promise((resolve, reject) => {
  fs.readFile(path.join(site, p), "utf8", (err, text) => {
    if (err) return reject(err);
    new Function("window", text)(e.globals);
    resolve();
  });
}), () => true);
"#;

/// `queries` against the CLI (`tejun search --json --limit 10`) and `search.js` over the
/// offline index of the same book: the same top ten, in order; documents whose ranks tie
/// may trade places.
fn rank_alike(book: &Path, queries: &[&str]) {
    let out = tejun(&["index", book.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, site) = offline_site(book, "site-ranked");
    let script = ENGINE.to_string()
        + r#"(async () => {
  const out = {};
  for (const q of JSON.parse(queries)) {
    const r = await e.search(q, 10);
    out[q] = { hits: r.hits.map(h => [h.row[2], h.key]), total: r.total, corrected: r.corrected };
  }
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"#;
    let out = node(
        &script,
        &[
            site.to_str().unwrap(),
            &serde_json::to_string(queries).unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: BTreeMap<String, Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut empty = 0;
    for q in queries {
        let o = tejun(&[
            "search",
            q,
            book.to_str().unwrap(),
            "--json",
            "--limit",
            "10",
        ]);
        assert!(
            o.status.success(),
            "{q}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let cli: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
        let cli: Vec<(String, [f64; 3])> = cli
            .iter()
            .map(|h| {
                let n = |k: &str| h[k].as_f64().unwrap();
                (
                    s(h, "link").to_string(),
                    [n("matched"), n("exact"), n("score")],
                )
            })
            .collect();
        let site: Vec<(String, [f64; 3])> = js[*q]["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                let k = &h[1];
                let n = |i: usize| k[i].as_f64().unwrap();
                (h[0].as_str().unwrap().to_string(), [n(0), n(1), n(2)])
            })
            .collect();
        empty += usize::from(cli.is_empty());
        assert_eq!(cli.len(), site.len(), "{q:?}: CLI {cli:?}\nsite {site:?}");
        let same_key = |a: &[f64; 3], b: &[f64; 3]| {
            a[0] == b[0] && a[1] == b[1] && (a[2] - b[2]).abs() <= 1e-9 * a[2].abs().max(1.0)
        };
        for (i, (c, w)) in cli.iter().zip(&site).enumerate() {
            assert!(
                same_key(&c.1, &w.1),
                "{q:?}: rank {i} differs: CLI {cli:?}\nsite {site:?}"
            );
            if c.0 != w.0 {
                // Only documents of equal rank may trade places.
                let tied = |l: &[(String, [f64; 3])], link: &str| {
                    l.iter().any(|(x, k)| x == link && same_key(k, &c.1))
                };
                assert!(
                    tied(&site, &c.0) || i + 1 == cli.len(),
                    "{q:?}: rank {i}: CLI {} site {}\nCLI {cli:?}\nsite {site:?}",
                    c.0,
                    w.0
                );
            }
        }
    }
    assert!(empty * 4 < queries.len(), "too many queries found nothing");
}

/// One ranking: the CLI and the offline site put the same documents first, on both books.
#[test]
fn the_cli_and_the_site_rank_alike() {
    assert!(JOBCENTER_QUERIES.len() + KUBEADM_QUERIES.len() >= 40);
    rank_alike(jobcenter(), JOBCENTER_QUERIES);
    let kubeadm = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-kubeadm");
    let _ = std::fs::remove_dir_all(&kubeadm);
    std::fs::create_dir_all(&kubeadm).unwrap();
    let src = repo().join("examples/kubeadm");
    std::fs::copy(src.join("book.toml"), kubeadm.join("book.toml")).unwrap();
    copy_dir(&src.join("content"), &kubeadm.join("content"));
    rank_alike(&kubeadm, KUBEADM_QUERIES);
}

/// A query comes back with what holds its words as the book writes them: particles and
/// inflections typed or not, okurigana or not, one word the book lacks, stop words.
#[test]
fn queries_find_what_the_book_writes_however_they_are_typed() {
    let top = |q: &str| {
        let hits = search_jobcenter(q, &["--limit", "3"]);
        assert!(!hits.is_empty(), "{q}: nothing");
        s(&hits[0], "title").to_string()
    };
    assert_eq!(
        top("ローカルのJobCenterサービスを停止する"),
        "ローカルのJobCenterサービスを停止"
    );
    assert_eq!(top("サービスを停止"), top("サービス 停止"));
    assert!(top("引き継げない").contains("引継できない"));
    // One word the book lacks: the steps with the others, said to be partial.
    let out = tejun(&[
        "search",
        "regsvr32 xyzzyplugh",
        jobcenter().to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("no step has every word"), "{text}");
    assert!(text.contains("リソースDLL"), "{text}");
    // Stop words: the same hits with them or without.
    let links = |q: &str| -> Vec<String> {
        search_jobcenter(q, &["--limit", "20"])
            .iter()
            .map(|h| s(h, "link").to_string())
            .collect()
    };
    assert_eq!(links("the regsvr32 of"), links("regsvr32"));
}

/// `[search] synonyms` in book.toml: a word finds its synonyms' steps, after its own.
#[test]
fn a_books_synonyms_search_each_other() {
    let book = Book::jobcenter();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        format!("{toml}\n[search]\nsynonyms = [[\"登録\", \"レジスト\"]]\n"),
    );
    let hits = search_in(&book, "登録", &["--limit", "100"]);
    let titles: Vec<&str> = hits.iter().map(|h| s(h, "title")).collect();
    let first_synonym = titles
        .iter()
        .position(|t| t.contains("レジスト"))
        .expect("レジスト found");
    let last_exact = titles
        .iter()
        .rposition(|t| t.contains("登録"))
        .expect("登録 found");
    assert!(last_exact < first_synonym, "{titles:?}");
    // And the site ranks them alike.
    rank_alike(
        &book,
        &[
            "登録",
            "レジスト",
            "クラスタリソース 登録",
            "リソースDLL 登録",
        ],
    );
    // An unknown key under [search] is an error at its line.
    book.write(
        "book.toml",
        format!("{toml}\n[search]\nsynonym = [[\"登録\", \"レジスト\"]]\n"),
    );
    let out = book.run(["check", "."]);
    assert_ne!(out.code(), Some(0));
    let err = out.stderr();
    assert!(
        err.contains("book.toml:") && err.contains("synonym"),
        "{err}"
    );
}

/// Relevance figures over `tests/search-judged.json`: MRR@10, nDCG@10 (binary gains, the
/// ideal ranking putting every relevant document of the book first) and precision at 5.
#[derive(Debug, Default)]
struct Figures {
    mrr: f64,
    ndcg: f64,
    p5: f64,
}

fn relevant(judged: &Value, title: &str, link: &str) -> bool {
    let any = |key: &str, f: &dyn Fn(&str) -> bool| {
        judged[key]
            .as_array()
            .is_some_and(|l| l.iter().filter_map(Value::as_str).any(f))
    };
    any("titles", &|t| title.starts_with(t)) || any("anchors", &|a| link.ends_with(a))
}

/// The figures of `ranked` (per judged query, the (title, link) of the top ten).
fn figures(
    judged: &[Value],
    ranked: &[Vec<(String, String)>],
    docs: &[tejun::search::SearchDoc],
) -> Figures {
    let mut f = Figures::default();
    for (j, hits) in judged.iter().zip(ranked) {
        let rel: Vec<bool> = hits.iter().map(|(t, l)| relevant(j, t, l)).collect();
        f.mrr += rel
            .iter()
            .position(|&r| r)
            .map_or(0.0, |i| 1.0 / (i + 1) as f64);
        f.p5 += rel.iter().take(5).filter(|&&r| r).count() as f64 / 5.0;
        let dcg: f64 = rel
            .iter()
            .enumerate()
            .filter(|(_, &r)| r)
            .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
            .sum();
        let all = docs
            .iter()
            .filter(|d| relevant(j, &d.title, &d.link()))
            .count();
        let ideal: f64 = (0..all.min(10))
            .map(|i| 1.0 / ((i + 2) as f64).log2())
            .sum();
        assert!(all > 0, "{j}: nothing in the book is relevant");
        f.ndcg += dcg / ideal;
    }
    let n = judged.len() as f64;
    Figures {
        mrr: f.mrr / n,
        ndcg: f.ndcg / n,
        p5: f.p5 / n,
    }
}

/// The judged queries of one book through the CLI and through the site's engine.
fn judged_figures(book: &Path, key: &str) -> (Figures, Figures) {
    let judged: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/search-judged.json")).unwrap(),
    )
    .unwrap();
    let judged = judged[key].as_array().unwrap().clone();
    let queries: Vec<&str> = judged
        .iter()
        .map(|j| j["query"].as_str().unwrap())
        .collect();
    let cli: Vec<Vec<(String, String)>> = queries
        .iter()
        .map(|q| {
            search_in(book, q, &["--limit", "10"])
                .iter()
                .map(|h| (s(h, "title").to_string(), s(h, "link").to_string()))
                .collect()
        })
        .collect();
    let (b, site) = offline_site(book, "site-judged");
    let docs = tejun::search::collect(&b);
    let script = ENGINE.to_string()
        + r#"(async () => {
  const out = [];
  for (const q of JSON.parse(queries)) out.push((await e.search(q, 10)).hits.map(h => [h.row[0], h.row[2]]));
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"#;
    let out = node(
        &script,
        &[
            site.to_str().unwrap(),
            &serde_json::to_string(&queries).unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let offline: Vec<Vec<(String, String)>> = serde_json::from_slice(&out.stdout).unwrap();
    (
        figures(&judged, &cli, &docs),
        figures(&judged, &offline, &docs),
    )
}

/// Measured relevance on the judged queries of both books: the first relevant step within
/// the top ten at reciprocal rank 0.8 or better on average, in the CLI and on the site.
#[test]
fn judged_queries_find_the_steps_a_support_engineer_wants() {
    let kubeadm = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-judged-kubeadm");
    let _ = std::fs::remove_dir_all(&kubeadm);
    std::fs::create_dir_all(&kubeadm).unwrap();
    let src = repo().join("examples/kubeadm");
    std::fs::copy(src.join("book.toml"), kubeadm.join("book.toml")).unwrap();
    copy_dir(&src.join("content"), &kubeadm.join("content"));
    for (book, key) in [(jobcenter(), "jobcenter"), (kubeadm.as_path(), "kubeadm")] {
        let (cli, site) = judged_figures(book, key);
        eprintln!("{key}: CLI {cli:?}; site {site:?}");
        for (name, f) in [("CLI", &cli), ("site", &site)] {
            assert!(f.mrr >= 0.8, "{key}, {name}: MRR@10 {:.3}", f.mrr);
        }
        assert!(
            (cli.mrr - site.mrr).abs() < 1e-9,
            "{key}: {cli:?} vs {site:?}"
        );
    }
}

/// Browse by command: every program and process the book names, with the steps using
/// it; with an environment, only that environment's steps.
#[test]
fn commands_list_the_steps_that_run_them() {
    let list = |extra: &[&str]| -> Vec<Value> {
        let mut args = vec!["search", "--commands"];
        args.extend_from_slice(extra);
        let out = tejun(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let b = jobcenter().to_str().unwrap();
    let all = list(&["", b, "--json"]);
    let names: Vec<&str> = all.iter().map(|e| s(e, "name")).collect();
    for n in ["regsvr32", "nqsstop", "rpm", "cluster"] {
        assert!(names.contains(&n), "{n}: {names:?}");
    }
    assert!(all
        .iter()
        .any(|e| s(e, "name") == "nqsdaemon" && s(e, "kind") == "process"));
    let regsvr32 = all.iter().find(|e| s(e, "name") == "regsvr32").unwrap();
    // The same steps a search of the command finds.
    let found: BTreeSet<String> = search_jobcenter("cmd:regsvr32", &["--limit", "100"])
        .iter()
        .map(|h| s(h, "link").to_string())
        .collect();
    let listed: BTreeSet<String> = regsvr32["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| s(u, "link").to_string())
        .collect();
    assert_eq!(listed, found);
    // UNIX: no Windows command, and nqsstop only in UNIX steps.
    let unix = list(&["nq", b, "--env", "cluster=unix", "--json"]);
    assert!(unix.iter().all(|e| s(e, "name").starts_with("nq")));
    let stop = unix.iter().find(|e| s(e, "name") == "nqsstop").unwrap();
    assert!(stop["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| s(u, "link").starts_with("unix-")));
    assert!(list(&["regsvr", b, "--env", "cluster=unix", "--json"]).is_empty());
}
