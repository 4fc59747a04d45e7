//! Conditions in words outside the site's pages: every profile's runbook and its PDF, `tejun
//! diff` and `check --matrix` word a condition with the book's facet and value labels, and
//! say nothing the environment already settles. Raw syntax (`distro = debian`, `from >=
//! R12.8`) is what the writer typed, never what a reader on the phone should read aloud.
//!
//! Raw syntax is found by the book's own facet ids followed by an operator, so the check
//! works for any book. `data-when` attributes and the inline scripts are for scripts and
//! are not read; text, tooltips and accessible names are.

use std::path::Path;

use regex::Regex;
use scraper::{Html, Node};

use crate::harness::{load, read, Book};

/// A matcher of `FACET OP` (and `OP FACET`, as in `R1 <= from`) for the book's facets.
fn raw_syntax(book: &Path) -> Regex {
    let ids: Vec<String> = load(book)
        .config
        .facets
        .iter()
        .map(|f| regex::escape(&f.id))
        .collect();
    let ids = ids.join("|");
    Regex::new(&format!(
        r"(?:^|[^\w.-])(?:{ids})\s*(?:!=|<=|>=|=|<|>|in\s*\[)|(?:<=|<)\s*(?:{ids})(?:$|[^\w.-])"
    ))
    .expect("pattern")
}

/// What a reader of `html` sees or hears: text outside scripts and styles, tooltips,
/// accessible names and alt texts, one entry each.
fn reader_text(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut out = Vec::new();
    for node in doc.tree.nodes() {
        match node.value() {
            Node::Text(t) => {
                let hidden = node.ancestors().any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| matches!(e.name(), "script" | "style"))
                });
                if !hidden && !t.trim().is_empty() {
                    out.push(t.to_string());
                }
            }
            Node::Element(e) => out.extend(
                ["title", "aria-label", "alt", "placeholder"]
                    .iter()
                    .filter_map(|a| e.attr(a))
                    .map(str::to_string),
            ),
            _ => {}
        }
    }
    out
}

/// Each raw condition in `texts`, with the text around it.
fn raw_in(texts: impl IntoIterator<Item = String>, raw: &Regex) -> Vec<String> {
    texts
        .into_iter()
        .filter_map(|t| {
            let m = raw.find(&t)?;
            let around: String = t.chars().take(160).collect();
            Some(format!("`{}` in {around}", m.as_str().trim()))
        })
        .collect()
}

fn profiles(book: &Path) -> Vec<String> {
    load(book)
        .config
        .profiles
        .iter()
        .map(|p| p.id.clone())
        .collect()
}

/// Builds `book` with every profile's runbook and PDF, and asserts that none of them shows
/// a raw condition.
fn runbooks_and_pdfs_word_every_condition(book: &Book) {
    let config = book.read("book.toml");
    book.write("book.toml", config + "\n[output.pdf]\nenabled = true\n");
    book.tejun()
        .args(["build", "."])
        .within(std::time::Duration::from_secs(900))
        .run()
        .assert_ok();
    let raw = raw_syntax(book);
    let ids = profiles(book);
    assert!(!ids.is_empty(), "the book has profiles");
    let site = book.join("book");
    for id in ids {
        let html = read(&site.join(format!("runbooks/{id}.html")));
        let found = raw_in(reader_text(&html), &raw);
        assert!(
            found.is_empty(),
            "runbook {id} shows raw conditions: {found:#?}"
        );
        let pdf = site.join(format!("pdf/{id}.pdf"));
        let text = pdftotext(&pdf);
        let lines = text.lines().map(str::to_string);
        let found = raw_in(lines, &raw);
        assert!(
            found.is_empty(),
            "{id}.pdf shows raw conditions: {found:#?}"
        );
    }
}

fn pdftotext(pdf: &Path) -> String {
    let o = std::process::Command::new("pdftotext")
        .args([pdf.as_os_str(), "-".as_ref()])
        .output()
        .expect("pdftotext is needed (apt-get install poppler-utils)");
    assert!(o.status.success(), "pdftotext {}", pdf.display());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_raw_syntax_matcher_finds_conditions_and_not_prose() {
    let book = Book::fixture("site-ja");
    let raw = raw_syntax(&book);
    for hit in [
        "from > R1.0.x",
        "適用条件: cluster = mscs",
        "R1.0 <= from",
        "(cluster in [mscs, unix])",
    ] {
        assert!(raw.is_match(hit), "{hit}");
    }
    for prose in [
        "適用前のバージョン: R1.0.x以降",
        "from R1.5 to R2.0",
        "cluster",
    ] {
        assert!(!raw.is_match(prose), "{prose}");
    }
}

/// site-ja's patch step has an unlabelled variant (`from > R1.0.x`): settled by the
/// environment it needs no label; open, it reads in words.
#[test]
fn fixture_runbooks_and_pdfs_word_every_condition() {
    runbooks_and_pdfs_word_every_condition(&Book::fixture("site-ja"));
}

#[test]
fn jobcenter_runbooks_and_pdfs_word_every_condition() {
    runbooks_and_pdfs_word_every_condition(&Book::jobcenter());
}

#[test]
fn kubeadm_runbooks_and_pdfs_word_every_condition() {
    runbooks_and_pdfs_word_every_condition(&Book::kubeadm());
}

/// `tejun diff --detail` between consecutive profiles, and `check --matrix`, in words.
fn diff_and_matrix_word_every_condition(book: &Book) {
    let raw = raw_syntax(book);
    let ids = profiles(book);
    for pair in ids.windows(2) {
        let out = book.run(["diff", "--env", &pair[0], "--env", &pair[1], "--detail"]);
        let found = raw_in(out.assert_ok().stdout().lines().map(str::to_string), &raw);
        assert!(found.is_empty(), "diff {pair:?}: {found:#?}");
    }
    let out = book.run(["check", ".", "--matrix"]);
    let found = raw_in(out.assert_ok().stdout().lines().map(str::to_string), &raw);
    assert!(found.is_empty(), "check --matrix: {found:#?}");
}

#[test]
fn diff_and_matrix_word_every_condition_in_every_book() {
    for book in [Book::fixture("site-ja"), Book::jobcenter(), Book::kubeadm()] {
        diff_and_matrix_word_every_condition(&book);
    }
}

/// An unlabelled variant the environment settles needs no label in `diff`; the headers say
/// which environments in the book's words.
#[test]
fn diff_names_environments_and_variants_in_words() {
    let book = Book::fixture("site-ja");
    let out = book.run([
        "diff",
        "--env",
        "mscs-patch-r1-0",
        "--env",
        "cluster=mscs,operation=patch",
        "--detail",
    ]);
    let out = out.assert_ok().stdout();
    assert!(
        out.starts_with("--- mscs-patch-r1-0: MSCS(MSFC) / パッチ適用 / R1.0 / R1.0\n+++ cluster=mscs,operation=patch: MSCS(MSFC) / パッチ適用\n"),
        "{out}"
    );
    // Open in B: the unlabelled variant reads as its condition in words.
    assert!(
        out.contains("    + [適用前のバージョン: R1.0.xより後]"),
        "{out}"
    );
}

#[test]
fn matrix_words_the_selecting_condition_without_tautologies() {
    let book = Book::kubeadm();
    let out = book.run(["check", ".", "--matrix"]);
    let out = out.assert_ok().stdout();
    assert!(
        out.contains("1.1 Check the upgrade path and the version skew\n    when: (always)\n"),
        "{out}"
    );
    let jc = Book::jobcenter();
    let out = jc.run(["check", ".", "--matrix"]);
    assert!(
        out.assert_ok().stdout().contains(
            "    when: クラスタ種別: MSCS(MSFC)、作業: バージョンアップ、プラットフォーム (MSCS): IA-32/x64、適用前のバージョン: R12.8以降\n"
        ),
        "{}",
        out.stdout()
    );
}

/// `tejun search` (text) words a hit's condition by what `--env` leaves open; `--json`
/// keeps the raw form beside the words.
#[test]
fn search_words_conditions_by_what_the_environment_leaves_open() {
    let book = Book::jobcenter();
    let raw = raw_syntax(&book);
    let everywhere = book.run(["search", "cmd:regsvr32", ".", "--limit", "50"]);
    let text = everywhere.assert_ok().stdout();
    assert!(
        raw_in(text.lines().map(str::to_string), &raw).is_empty(),
        "{text}"
    );
    assert!(text.contains("[クラスタ種別: MSCS(MSFC)"), "{text}");
    let env = "cluster=mscs,operation=upgrade,platform=x86,from=R12.4,to=R13.2";
    let inside = book.run(["search", "cmd:regsvr32", ".", "--env", env, "--limit", "50"]);
    let text = inside.assert_ok().stdout();
    assert!(
        raw_in(text.lines().map(str::to_string), &raw).is_empty(),
        "{text}"
    );
    assert!(!text.contains("クラスタ種別"), "settled by --env:\n{text}");
    let json = book
        .run(["search", "cmd:regsvr32", ".", "--json", "--limit", "50"])
        .json();
    let first = &json.as_array().expect("hits")[0];
    assert!(
        first["condition"]
            .as_str()
            .is_some_and(|c| c.contains("cluster = mscs")),
        "{first}"
    );
    assert!(
        first["condition_text"]
            .as_str()
            .is_some_and(|c| c.contains("MSCS(MSFC)")),
        "{first}"
    );
}
