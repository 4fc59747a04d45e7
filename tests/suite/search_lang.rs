//! Search in each language of a book: the JobCenter book's English edition is searched
//! with the English analysis (a query finds the forms of its words the translation
//! writes), through `tejun search --lang en`, the offline index of `en/` under node and in
//! Chromium, while the Japanese site keeps finding Japanese; the CLI and the offline
//! engine agree on English queries; `--lang` of a language the book lacks is one line;
//! an edited translation refreshes the English index; `tejun pdf --lang en` embeds its
//! fonts.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

use crate::harness::cdp::{file_url, Browser};
use crate::harness::{copy_dir, repo, Book, Tejun};

/// How long a page may take to answer on a busy machine.
const WAIT: Duration = Duration::from_secs(60);

/// A copy of the JobCenter book (with its translation) in the target folder, its English
/// index built once, for the tests that only search it.
fn book() -> &'static Path {
    static BOOK: OnceLock<PathBuf> = OnceLock::new();
    BOOK.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-lang-jobcenter");
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(repo().join("book.toml"), dir.join("book.toml")).unwrap();
        copy_dir(&repo().join("content"), &dir.join("content"));
        copy_dir(&repo().join("translations"), &dir.join("translations"));
        for lang in [&["--lang", "en"][..], &[]] {
            Tejun::new(&dir)
                .args(["search", "x", "."])
                .args(lang)
                .run()
                .assert_ok();
        }
        dir
    })
}

/// `tejun search QUERY --json` on [`book`] with `extra` arguments.
fn search(query: &str, extra: &[&str]) -> Vec<Value> {
    let run = Tejun::new(book())
        .args(["search", query, ".", "--json"])
        .args(extra)
        .run();
    run.assert_ok();
    run.json().as_array().expect("a JSON array").clone()
}

/// What a hit's snippet marks, lower-cased.
fn marked(hit: &Value) -> Vec<String> {
    let chars: Vec<char> = hit["snippet"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .collect();
    hit["highlights"]
        .as_array()
        .map(|hs| {
            hs.iter()
                .map(|h| {
                    let (a, b) = (
                        h[0].as_u64().unwrap() as usize,
                        h[1].as_u64().unwrap() as usize,
                    );
                    chars[a..b].iter().collect::<String>().to_lowercase()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every word of the English translation's files, lower-cased.
fn english_words() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut String) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push_str(&std::fs::read_to_string(&p).unwrap());
                out.push('\n');
            }
        }
    }
    let mut text = String::new();
    walk(&repo().join("translations/en"), &mut text);
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// English queries in a form the translation never writes, each with a form it does
/// write: only an analysis that reads the forms alike finds them.
fn inflected_queries() -> Vec<(&'static str, &'static str)> {
    let words = english_words();
    // The first ones only a stemmer reads alike: taking off an ending is not enough.
    let pairs = [
        ("deleting", "delete"),
        ("applies", "apply"),
        ("stopping", "stop"),
        ("stopped", "stop"),
        ("copied", "copy"),
        ("Services", "service"),
        ("restarting", "restart"),
        ("installed", "install"),
        ("checks", "check"),
    ];
    let kept: Vec<_> = pairs
        .into_iter()
        .filter(|(q, w)| !words.contains(&q.to_lowercase()) && words.contains(*w))
        .collect();
    assert!(
        kept.len() >= 3,
        "the translation writes too few of these words in one form only: {kept:?}"
    );
    kept
}

/// The first four letters of a word: what every form of it the book writes starts with.
fn root(word: &str) -> String {
    word.chars().take(4).collect()
}

#[test]
fn the_english_edition_finds_other_forms_of_english_words_and_commands() {
    for (q, w) in inflected_queries() {
        let hits = search(q, &["--lang", "en"]);
        assert!(!hits.is_empty(), "--lang en: no hit for {q:?}");
        // A hit shows the form the translation writes: marked in its snippet, or in its
        // title (which `--json` does not mark).
        let shows = |h: &Value| {
            let title = h["title"].as_str().unwrap_or_default().to_lowercase();
            marked(h).iter().any(|m| m.starts_with(&root(w)))
                || title
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .any(|t| t.starts_with(&root(w)))
        };
        assert!(
            hits.iter().take(3).any(shows),
            "{q:?}: no top hit shows a form of {w:?}: {hits:?}"
        );
    }
    // Commands are found as they are written, in either language.
    for q in ["regsvr32", "cmd:nqsstop", "NQS_SITE"] {
        assert!(!search(q, &["--lang", "en"]).is_empty(), "--lang en: {q:?}");
    }
    // The English hits are the English edition's: English titles.
    let hits = search("stop", &["--lang", "en"]);
    assert!(
        hits.iter().all(|h| h["title"]
            .as_str()
            .is_some_and(|t| t.is_ascii() || t.contains("JobCenter"))),
        "{hits:?}"
    );
}

#[test]
fn the_japanese_edition_keeps_finding_japanese() {
    for lang in [&[][..], &["--lang", "ja"]] {
        let hits = search("停止", lang);
        assert!(!hits.is_empty(), "{lang:?}");
        assert!(
            marked(&hits[0]).iter().any(|m| m == "停止"),
            "{:?}",
            hits[0]
        );
        let hits = search("共有ディスク", lang);
        assert!(!hits.is_empty(), "{lang:?}");
    }
}

#[test]
fn a_language_the_book_lacks_is_one_line_naming_its_languages() {
    let run = Tejun::new(book())
        .args(["search", "stop", ".", "--lang", "fr"])
        .run();
    assert_eq!(run.code(), Some(2));
    let err = run.stderr();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--lang fr") && err.contains("ja, en"), "{err}");
}

#[test]
fn an_edited_translation_is_searched_at_once() {
    let book = Book::jobcenter();
    let run = |q: &str| {
        let r = Tejun::new(&*book)
            .args(["search", q, ".", "--json", "--lang", "en"])
            .run();
        r.assert_ok();
        r.json().as_array().unwrap().clone()
    };
    assert!(run("zanzibar").is_empty());
    let file = "translations/en/03-unix/02-unix-patch.toml";
    let text = book.read(file);
    let title = text
        .lines()
        .find(|l| l.starts_with("title = "))
        .expect("a title")
        .to_string();
    book.edit(
        file,
        &title,
        &title.replace("title = \"", "title = \"Zanzibars: "),
    );
    let hits = run("zanzibar");
    assert!(
        hits.iter().any(|h| h["title"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Zanzibars")),
        "{hits:?}"
    );
    // The Japanese index is the source's alone: untouched by the English edit.
    let ja = Tejun::new(&*book)
        .args(["search", "zanzibar", ".", "--json"])
        .run();
    assert_eq!(ja.json(), serde_json::json!([]));
}

/// The built site's offline engine (search.js under node) over `search/` of `site`:
/// each query's links, at most 200.
fn offline_links(site: &Path, queries: &[&str]) -> Vec<BTreeSet<String>> {
    let script = r#"
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
(async () => {
  const out = [];
  for (const q of JSON.parse(queries)) out.push((await e.search(q, 200)).hits.map(h => h.row[2]));
  console.log(JSON.stringify(out));
})().catch(err => { console.error(err); process.exit(1); });
"#;
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(repo().join("themes/default/search.js"))
        .arg(site)
        .arg(serde_json::to_string(queries).unwrap())
        .output()
        .expect("node is needed to test themes/default/search.js (.ci/test installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lists: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    lists.into_iter().map(|l| l.into_iter().collect()).collect()
}

#[test]
fn the_cli_and_the_english_sites_offline_index_find_the_same_steps() {
    let site = crate::a11y::jobcenter();
    let mut queries: Vec<&str> = inflected_queries().into_iter().map(|(q, _)| q).collect();
    queries.extend(["stop", "regsvr32", "nqsstop", "failover", "standby node"]);
    let offline = offline_links(&site.join("en"), &queries);
    for (q, off) in queries.iter().zip(&offline) {
        let cli: BTreeSet<String> = search(q, &["--lang", "en", "--limit", "200"])
            .iter()
            .map(|h| h["link"].as_str().unwrap().to_string())
            .collect();
        assert!(!cli.is_empty(), "{q:?}");
        assert_eq!(off, &cli, "offline and CLI disagree on {q:?}");
    }
    // The Japanese site's index still reads Japanese.
    let ja = offline_links(site, &["停止", "共有ディスク"]);
    assert!(ja.iter().all(|l| !l.is_empty()), "{ja:?}");
}

const HITS: &str = "document.querySelectorAll('#search-results .search-hit a').length";

/// What the search box of `page` marks in its results for `query`, lower-cased.
fn marks_in_browser(b: &mut Browser, page: &Path, query: &str) -> Vec<String> {
    b.open(&file_url(page));
    b.eval("document.getElementById('search-input').focus()");
    b.insert_text(query);
    b.poll(&format!("{HITS} > 0"), WAIT, |v| v == &Value::Bool(true));
    let marks = b.eval(
        "Array.from(document.querySelectorAll('#search-results mark')).map(m => m.textContent.toLowerCase())",
    );
    serde_json::from_value(marks).unwrap()
}

#[test]
fn the_english_sites_search_box_finds_other_forms_in_chromium() {
    let site = crate::a11y::jobcenter();
    let Some(mut b) = Browser::launch() else {
        return;
    };
    for (q, w) in inflected_queries() {
        let marks = marks_in_browser(&mut b, &site.join("en/index.html"), q);
        assert!(
            marks.iter().any(|m| m.starts_with(&root(w))),
            "{q:?} marks a form of {w:?}: {marks:?}"
        );
    }
    let marks = marks_in_browser(&mut b, &site.join("index.html"), "停止");
    assert!(marks.iter().any(|m| m == "停止"), "{marks:?}");
}

/// The whole book printed in English: English text, every font embedded.
#[test]
fn the_english_book_prints_with_its_fonts_embedded() {
    let book = Book::jobcenter();
    let out = book.tmp().join("book-en.pdf");
    Tejun::new(&*book)
        .args(["pdf", ".", "--lang", "en", "--out"])
        .arg(&out)
        .within(crate::pdf::PRINT)
        .run()
        .assert_ok();
    let all = crate::pdf::text(&out, None);
    // A procedure's title as the translation writes it (the text comes back squashed).
    let title = book
        .read("translations/en/03-unix/02-unix-patch.toml")
        .lines()
        .find_map(|l| {
            l.strip_prefix("title = \"")
                .map(|t| t.trim_end_matches('"').to_string())
        })
        .expect("a title");
    let squashed: String = title.split_whitespace().collect();
    assert!(all.contains(&squashed), "{squashed:?} in the English PDF");
    crate::pdf::assert_fonts_embedded(&out);
}

/// `tejun serve`'s `/api/search?lang=en` answers from the English edition as `tejun search
/// --lang en` does, follows an edit of the translation, and refuses a language the book
/// lacks in one line naming its languages.
#[test]
fn the_dev_servers_api_searches_each_language() {
    let book = Book::jobcenter();
    let server = crate::harness::server::Server::start(&book, &[]);
    let get = |target: &str| {
        crate::harness::wait_until("the search index", || {
            let (status, body) = server.get(target);
            (status != 503).then_some((status, body))
        })
    };
    let (q, w) = inflected_queries()[0];
    let (status, body) = get(&format!("/api/search?q={q}&lang=en&limit=200"));
    assert_eq!(status, 200, "{body}");
    let en: Value = serde_json::from_str(&body).unwrap();
    let links: BTreeSet<&str> = en["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["link"].as_str().unwrap())
        .collect();
    let cli: BTreeSet<String> = search(q, &["--lang", "en", "--limit", "200"])
        .iter()
        .map(|h| h["link"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        links,
        cli.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        "{q:?} (a form of {w:?})"
    );
    // The source's language is the default one.
    let (_, ja) = get("/api/search?q=%E5%81%9C%E6%AD%A2&lang=ja");
    let (_, plain) = get("/api/search?q=%E5%81%9C%E6%AD%A2");
    assert_eq!(ja, plain);
    let (status, body) = get("/api/search?q=stop&lang=fr");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("ja, en"), "{body}");
    // An edit of the translation is searched on the next query.
    let file = "translations/en/03-unix/02-unix-patch.toml";
    let title = book
        .read(file)
        .lines()
        .find(|l| l.starts_with("title = "))
        .expect("a title")
        .to_string();
    book.edit(
        file,
        &title,
        &title.replace("title = \"", "title = \"Zanzibars: "),
    );
    let (status, body) = get("/api/search?q=zanzibar&lang=en");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Zanzibars"), "{body}");
}

/// Once `tejun search` has made each language's index, `tejun build` keeps every one of
/// them up to date, so `tejun search --lang en` answers at once after an edit, as it does
/// in the book's own language.
#[test]
fn a_build_keeps_every_languages_index_for_the_cli_up_to_date() {
    let book = Book::jobcenter();
    book.run(["build", "."]).assert_ok();
    assert!(
        !book.join(".tejun-index").exists() && !book.join(".tejun-index-en").exists(),
        "no command-line index until a search asks for one"
    );
    for lang in ["en", "ja"] {
        let run = book.run(["search", "stop", ".", "--lang", lang]);
        run.assert_ok();
        assert!(run.stderr().contains("indexed"), "{lang}: {}", run.stderr());
    }
    assert!(book.join(".tejun-index-en/tejun-index.json").is_file());
    let chapter = std::fs::read_dir(book.join("content"))
        .expect("content")
        .filter_map(Result::ok)
        .map(|e| e.path().join("_chapter.toml"))
        .find(|p| p.is_file())
        .expect("a chapter file");
    let text = std::fs::read_to_string(&chapter).expect("read");
    std::fs::write(&chapter, format!("{text}\n# edited\n")).expect("write");
    book.run(["build", "."]).assert_ok();
    for lang in ["en", "ja"] {
        let run = book.run(["search", "stop", ".", "--lang", lang]);
        run.assert_ok();
        assert!(
            !run.stderr().contains("indexed"),
            "{lang}: {}",
            run.stderr()
        );
    }
}

/// `tejun index --lang en` writes the English index where `tejun search --lang en` reads it,
/// and refuses a language the book lacks as search does.
#[test]
fn the_index_command_indexes_a_translation() {
    let book = Book::jobcenter();
    book.run(["index", ".", "--lang", "en"]).assert_ok();
    assert!(book.join(".tejun-index-en/tejun-index.json").is_file());
    let run = book.run(["search", "deleting", ".", "--lang", "en"]);
    run.assert_ok();
    assert!(!run.stderr().contains("indexed"), "{}", run.stderr());
    let refused = book.run(["index", ".", "--lang", "fr"]);
    assert_eq!(refused.code(), Some(2));
    assert!(refused.stderr().contains("ja, en"), "{}", refused.stderr());
}
