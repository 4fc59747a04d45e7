//! Search on the JobCenter book through the real binary (`tejun index`, `tejun search`),
//! the offline shard writer, and the analyser vectors shared with `search.js`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;
use tejun::search::{analyze, offline, query};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A fresh copy of the repository's book (book.toml and content/).
fn copy_book(to: &Path) {
    if to.exists() {
        std::fs::remove_dir_all(to).unwrap();
    }
    std::fs::create_dir_all(to).unwrap();
    std::fs::copy(Path::new(ROOT).join("book.toml"), to.join("book.toml")).unwrap();
    copy_dir(&Path::new(ROOT).join("content"), &to.join("content"));
}

/// One indexed copy shared by the query tests.
fn book() -> &'static Path {
    static BOOK: OnceLock<PathBuf> = OnceLock::new();
    BOOK.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-book");
        copy_book(&dir);
        let out = tejun(&["index", dir.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

fn tejun(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tejun"))
        .args(args)
        .output()
        .unwrap()
}

/// `tejun search QUERY BOOK --json [extra…]`, parsed; fails the test on any error.
fn search(query: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["search", query, book().to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let out = tejun(&args);
    assert!(
        out.status.success(),
        "tejun search {query:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON for {query:?}: {e}"));
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
        ("nqsstop", "unix-upgrade.html#step-stop-local"),
        ("NQS_SITE", "check-nqs-site"),
        ("nqs_site", "check-nqs-site"),
        ("cjcmksite", "site-db"),
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
    let b = match tejun::load_book(book()) {
        Ok((b, _)) => b,
        Err((d, src)) => panic!("{}", d.lines(&src).join("\n")),
    };
    let docs = tejun::search::collect(&b);
    for word in ["regsvr32", "nqsstop", "cluster"] {
        let in_commands = docs
            .iter()
            .filter(|d| {
                d.commands
                    .iter()
                    .any(|c| analyze::analyze(c).iter().any(|t| t.text == word))
            })
            .count();
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
    for q in ["NQS_SITE", "停止", "クラスタ", "nqsstop"] {
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
    let hits = search("nqsstop", &["--env", "cluster=unix", "--limit", "50"]);
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
        "/usr/lib",
        "%systemroot%\\cluster",
        "xyzzyplugh",
    ] {
        search(q, &[]);
        let out = tejun(&["search", q, book().to_str().unwrap()]);
        assert!(out.status.success(), "{q:?}");
        assert!(out.stderr.is_empty() || !String::from_utf8_lossy(&out.stderr).contains("error"));
    }
    assert!(!search("-ivh", &[]).is_empty());
    assert!(!search("/usr/lib", &[]).is_empty());
    let none = tejun(&["search", "xyzzyplugh", book().to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&none.stdout).contains("no results"));
}

#[test]
fn json_results_carry_location_link_condition_and_highlights() {
    let hits = search("nqsstop", &["--limit", "2"]);
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
    assert_eq!(snippet[a..b].iter().collect::<String>(), "nqsstop");
}

#[test]
fn the_index_is_rebuilt_only_when_content_changes() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-rebuild");
    copy_book(&dir);
    let d = dir.to_str().unwrap();
    let first = tejun(&["index", d]);
    assert!(String::from_utf8_lossy(&first.stderr).contains("indexed"));
    assert!(dir.join(".tejun-index/tejun-index.json").exists());
    let again = tejun(&["index", d]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("up to date"));
    let step = dir.join("content/_steps/stop-local-service-unix.toml");
    let text = std::fs::read_to_string(&step).unwrap();
    std::fs::write(&step, text.replace("nqsstop", "nqsstopzz")).unwrap();
    // `search` notices the change itself and answers from the new content.
    let out = tejun(&["search", "nqsstopzz", d, "--json"]);
    let hits: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!hits.as_array().unwrap().is_empty());
    let out = tejun(&["index", d, "--out", dir.join("elsewhere").to_str().unwrap()]);
    assert!(out.status.success());
    assert!(dir.join("elsewhere/tantivy").is_dir());
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

#[test]
fn offline_shards_cover_every_token_and_decode_to_the_postings() {
    let b = match tejun::load_book(Path::new(ROOT)) {
        Ok((b, _)) => b,
        Err((d, src)) => panic!("{}", d.lines(&src).join("\n")),
    };
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let stats = offline::write_offline_index(&b, &mut |p, bytes| {
        assert!(files.insert(p.to_string(), bytes).is_none(), "{p} twice");
    });
    let meta = payload(&files["search/meta.js"], "tejunSearchMeta");
    let shards = meta["shards"].as_u64().unwrap() as usize;
    assert!(shards.is_power_of_two());
    assert_eq!(meta["docs"].as_u64().unwrap() as usize, stats.docs);
    assert_eq!(meta["docCond"].as_array().unwrap().len(), stats.docs);

    let docs = tejun::search::collect(&b);
    let expected = offline::postings(&docs);
    let (doc_group, expected_groups) = offline::groups(&docs);
    assert_eq!(meta["docGroup"], serde_json::json!(doc_group));
    let decode = |list: &Value| -> Vec<(usize, u32)> {
        let mut id = 0;
        list.as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let e = e.as_u64().unwrap();
                id += (e / 16) as usize;
                (id, (e % 16) as u32)
            })
            .collect()
    };
    let mut seen = BTreeSet::new();
    let mut seen_groups = BTreeSet::new();
    for n in 0..shards {
        let shard = payload(&files[&offline::shard_file(n)], "tejunSearchShard");
        assert_eq!(shard["shard"].as_u64().unwrap() as usize, n);
        for (token, list) in shard["tokens"].as_object().unwrap() {
            assert_eq!(offline::token_hash(token) as usize % shards, n, "{token}");
            assert_eq!(decode(list), expected[token], "{token}");
            seen.insert(token.clone());
        }
        for (token, list) in shard["groups"].as_object().unwrap() {
            assert_eq!(offline::token_hash(token) as usize % shards, n, "{token}");
            assert_eq!(decode(list), expected_groups[token], "{token}");
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
    let chunk = meta["chunk"].as_u64().unwrap() as usize;
    let mut rows = 0;
    for n in 0..stats.docs.div_ceil(chunk) {
        let c = payload(&files[&format!("search/docs-{n}.js")], "tejunSearchDocs");
        rows += c["docs"].as_array().unwrap().len();
    }
    assert_eq!(rows, stats.docs);
    eprintln!(
        "offline index: {} docs, {} tokens, {} shards, {} files, {} bytes",
        stats.docs, stats.tokens, stats.shards, stats.files, stats.bytes
    );
}

// ---- the shared vectors -----------------------------------------------------------------

fn vectors() -> Value {
    let path = Path::new(ROOT).join("tests/search-vectors.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn rust_analyser_matches_the_shared_vectors() {
    let v = vectors();
    for case in v["analyze"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        let want: Vec<&str> = case["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(analyze::describe(text), want, "analysing {text:?}");
    }
    for case in v["queries"].as_array().unwrap() {
        let q = case["query"].as_str().unwrap();
        let got: Vec<Value> = query::parse(q, None)
            .iter()
            .map(|t| {
                serde_json::json!({
                    "field": t.field.map(|f| f.name()),
                    "primaries": t.primaries.iter().map(|(o, s)| format!("{s}@{o}")).collect::<Vec<_>>(),
                    "alternates": t.alternates,
                })
            })
            .collect();
        assert_eq!(Value::Array(got), case["terms"], "reading query {q:?}");
    }
}

#[test]
fn javascript_analyser_matches_the_shared_vectors() {
    let node_found = Command::new("node").arg("--version").output().is_ok();
    if !node_found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "node is required in CI to test themes/default/search.js"
        );
        eprintln!("skipped: node is not on PATH");
        return;
    }
    // Token hashes decide which shard the browser loads: they must agree too.
    let v = vectors();
    let mut hashes = serde_json::Map::new();
    for case in v["analyze"].as_array().unwrap() {
        for t in analyze::analyze(case["text"].as_str().unwrap()) {
            hashes.insert(t.text.clone(), offline::token_hash(&t.text).into());
        }
    }
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-hashes.json");
    std::fs::write(&tmp, Value::Object(hashes).to_string()).unwrap();
    let script = r#"
const fs = require("fs");
const [js, vectorsPath, hashesPath] = process.argv.slice(1);
const s = require(js);
const v = JSON.parse(fs.readFileSync(vectorsPath, "utf8"));
const hashes = JSON.parse(fs.readFileSync(hashesPath, "utf8"));
let bad = 0;
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
for (const c of v.analyze) {
  const got = s.describe(c.text);
  if (!same(got, c.tokens)) { bad++; console.log("analyse", JSON.stringify(c.text), JSON.stringify(got), "want", JSON.stringify(c.tokens)); }
}
for (const c of v.queries) {
  const got = s.parseQuery(c.query).map(t => ({ field: t.field, primaries: t.primaries.map(p => p[1] + "@" + p[0]), alternates: t.alternates }));
  if (!same(got, c.terms)) { bad++; console.log("query", JSON.stringify(c.query), JSON.stringify(got), "want", JSON.stringify(c.terms)); }
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
        .arg(Path::new(ROOT).join("themes/default/search.js"))
        .arg(Path::new(ROOT).join("tests/search-vectors.json"))
        .arg(&tmp)
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
    if Command::new("node").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "node is required in CI"
        );
        return;
    }
    let b = match tejun::load_book(book()) {
        Ok((b, _)) => b,
        Err((d, src)) => panic!("{}", d.lines(&src).join("\n")),
    };
    let site = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-offline");
    let _ = std::fs::remove_dir_all(&site);
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
    let script = r#"
const fs = require("fs"), path = require("path");
const [js, site, queries] = process.argv.slice(1);
const s = require(js);
const engine = s.createEngine(p => new Promise((resolve, reject) => {
  fs.readFile(path.join(site, p), "utf8", (err, text) => {
    if (err) return reject(err);
    new Function("window", text)({ tejunSearchMeta: engine.receivers.meta, tejunSearchShard: engine.receivers.shard, tejunSearchDocs: engine.receivers.docs });
    resolve();
  });
}), () => true);
(async () => {
  const out = {};
  for (const q of JSON.parse(queries)) out[q] = (await engine.search(q, 200)).hits.map(h => h.row[2]);
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"#;
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(Path::new(ROOT).join("themes/default/search.js"))
        .arg(&site)
        .arg(serde_json::to_string(&queries).unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: BTreeMap<String, Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    for q in queries {
        let cli: BTreeSet<String> = search(q, &["--limit", "200"])
            .iter()
            .map(|h| s(h, "link").to_string())
            .collect();
        let off: BTreeSet<String> = js[q].iter().cloned().collect();
        assert_eq!(off, cli, "offline and CLI disagree on {q:?}");
        if let Some(top) = js[q].first() {
            assert!(cli.contains(top));
        }
    }
}
