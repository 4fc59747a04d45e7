//! The search box in real headless Chromium, on the JobCenter book opened from file://:
//! typing through an input method (nothing searched or opened until the text is
//! committed), what the results say (how many, what the environment hides, conditions in
//! words, titles marked), the panel on a phone and in dark mode, and axe-core on it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::json;

use crate::harness::cdp::{file_url, Browser};
use crate::harness::repo;

/// The JobCenter book, built once for these tests.
fn site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-browser-site");
        crate::harness::Tejun::new(repo())
            .args(["build", ".", "--out"])
            .arg(&out)
            .run()
            .assert_ok();
        out
    })
}

fn page(query: &str) -> String {
    format!("{}{query}", file_url(&site().join("index.html")))
}

const HITS: &str = "document.querySelectorAll('#search-results .search-hit a').length";

/// Text as an input method produces it: the composition (kana) shown in the box, then
/// committed as `commit`. Returns what the box showed meanwhile.
#[test]
fn nothing_is_searched_or_opened_while_an_input_method_composes() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&page(""));
    b.eval("document.getElementById('search-input').focus()");
    b.insert_text("regsvr32 ");
    b.wait_for(HITS);
    let before = b.eval("document.getElementById('search-results').textContent");

    // Composing りそーす: the box keeps what it showed, no "no results" flash.
    b.call(
        "Input.imeSetComposition",
        json!({"text": "りそーす", "selectionStart": 4, "selectionEnd": 4}),
    );
    assert_eq!(
        b.eval("document.getElementById('search-input').value"),
        "regsvr32 りそーす"
    );
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        b.eval("document.getElementById('search-results').textContent"),
        before
    );
    // The Enter that commits a conversion (keyCode 229) opens nothing.
    b.key("Enter", 229);
    std::thread::sleep(Duration::from_millis(300));
    assert!(b
        .eval("location.pathname")
        .as_str()
        .is_some_and(|p| p.ends_with("/index.html")));

    // Committed: the query runs on the committed text.
    b.insert_text("アンレジスト");
    b.wait_for("document.getElementById('search-input').value === 'regsvr32 アンレジスト'");
    b.wait_for(&format!(
        "{HITS} > 0 && document.getElementById('search-results').textContent !== {}",
        json!(before)
    ));
    // A plain Enter now opens the first result.
    b.key("Enter", 13);
    b.wait_for("!location.pathname.endsWith('/index.html')");
    let path = b.eval("location.pathname");
    assert!(
        path.as_str().is_some_and(|p| p.contains("/mscs-")),
        "{path}"
    );
}

/// The results count themselves, say how many the environment hides (and show them on
/// request, marked), word their conditions as badges do, and mark the query in titles.
#[test]
fn results_say_how_many_and_what_the_environment_hides() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&page("?cluster=unix"));
    b.eval("document.getElementById('search-input').focus()");
    b.insert_text("regsvr32");
    b.wait_for("!!document.querySelector('#search-results .search-more')");
    let said = b.eval("document.querySelector('#search-results .search-count').textContent");
    let said = said.as_str().unwrap_or_default();
    assert!(said.starts_with("0 件"), "{said}");
    assert!(
        said.contains("ほかに 12 件が選択中の環境の外にあります"),
        "{said}"
    );
    assert_eq!(b.eval(HITS), 0);

    b.eval("document.querySelector('#search-results .search-more').click()");
    b.wait_for(HITS);
    let rows = b.eval(HITS);
    assert_eq!(shown_hits(&mut b), 12);
    let marks = b.eval("document.querySelectorAll('#search-results .search-outside-mark').length");
    assert_eq!(marks, rows);
    // Each hit says in words why it is outside: the clause UNIX rules out.
    let out = b.eval(
        "Array.from(document.querySelectorAll('#search-results .search-clause-out'))\
         .map(e => e.textContent)",
    );

    assert!(
        out.as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|t| t == "クラスタ種別: MSCS(MSFC)")),
        "{out}"
    );

    // A new query starts inside the environment again; titles are marked.
    b.eval(
        "(() => { const i = document.getElementById('search-input'); i.value = ''; \
         i.dispatchEvent(new Event('input', {bubbles: true})); })()",
    );
    b.insert_text("停止");
    b.wait_for(&format!(
        "{HITS} > 0 && !document.querySelector('.search-outside-mark')"
    ));
    let marked = b.eval(
        "Array.from(document.querySelectorAll('#search-results .search-title mark'))\
         .map(m => m.textContent.toLowerCase())",
    );
    assert!(
        marked
            .as_array()
            .is_some_and(|a| a.iter().any(|t| t == "停止")),
        "{marked}"
    );
    // One reused step is one row, naming its other places.
    let rows = b.eval(HITS).as_u64().unwrap_or(0);
    assert!(
        rows < 20,
        "停止 finds a reused step in several procedures: one row"
    );
    let count = b.eval("document.querySelector('#search-results .search-count').textContent");
    let total: u64 = count
        .as_str()
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("count: {count}"));
    assert_eq!(
        shown_hits(&mut b),
        total.min(20),
        "the rows and the places they name"
    );
    // With UNIX chosen, the cluster clause is settled and not repeated on every hit.
    let clauses = b.eval("document.querySelector('#search-results').textContent");
    assert!(
        !clauses
            .as_str()
            .unwrap_or_default()
            .contains("クラスタ種別"),
        "{clauses}"
    );
}

/// The hits the panel shows: a row each, plus the other places each row names.
fn shown_hits(b: &mut Browser) -> u64 {
    let rows = b.eval(HITS).as_u64().unwrap_or(0);
    let also = b.eval(
        "Array.from(document.querySelectorAll('#search-results .search-also')).map(e => e.textContent)",
    );
    let others: u64 = also
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let t = t.as_str().unwrap();
            assert!(t.starts_with("ほかに同じ手順が "), "{t}");
            t.split(" · ").count() as u64
        })
        .sum();
    rows + others
}

/// WCAG contrast of two CSS `rgb()`/`rgba()` colours.
const CONTRAST: &str = r#"((fg, bg) => {
  const rgb = s => s.match(/[\d.]+/g).slice(0, 3).map(Number).map(c => {
    c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); });
  const lum = c => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  const [a, b] = [lum(rgb(fg)), lum(rgb(bg))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
})"#;

/// On a 375 px phone the panel lies wholly on screen; in dark mode its text keeps WCAG AA
/// contrast (4.5:1) with the panel, the selected hit included.
#[test]
fn the_results_fit_a_phone_and_read_in_dark_mode() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.set_viewport(375, 800, true);
    b.set_color_scheme("dark");
    b.open(&page(""));
    b.eval("document.getElementById('search-input').focus()");
    b.insert_text("停止");
    b.wait_for(HITS);
    let rect = b.eval(
        "(() => { const r = document.getElementById('search-results').getBoundingClientRect(); \
         return [r.left, r.right, innerWidth]; })()",
    );
    let (left, right, width) = (
        rect[0].as_f64().unwrap(),
        rect[1].as_f64().unwrap(),
        rect[2].as_f64().unwrap(),
    );
    assert!(
        left >= 0.0 && right <= width,
        "panel at {rect} on a 375 px screen"
    );
    b.key("ArrowDown", 40);
    let worst = b.eval(&format!(
        "(() => {{ const c = {CONTRAST}; \
         const bgOf = el => {{ for (; el; el = el.parentElement) {{ \
           const b = getComputedStyle(el).backgroundColor; \
           if (!/rgba\\(.*, 0\\)$/.test(b) && b !== 'transparent') return b; }} return 'rgb(255,255,255)'; }}; \
         const els = document.querySelectorAll('#search-results .search-hit *, #search-results .search-count'); \
         let worst = [99, '']; \
         els.forEach(e => {{ if (!e.childNodes.length || ![...e.childNodes].some(n => n.nodeType === 3 && n.nodeValue.trim())) return; \
           const r = c(getComputedStyle(e).color, bgOf(e)); if (r < worst[0]) worst = [r, e.className || e.tagName]; }}); \
         return worst; }})()"
    ));
    let ratio = worst[0].as_f64().unwrap();
    assert!(ratio >= 4.5, "dark mode: {worst} (WCAG AA needs 4.5:1)");
}

/// A word still being typed finds what it begins (`regsvr` → `regsvr32`); a misspelt one
/// says what it searched instead (`regsvr23` → `regsvr32`).
#[test]
fn half_a_command_and_a_typo_both_find_it() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&page(""));
    b.eval("document.getElementById('search-input').focus()");
    b.insert_text("regsvr");
    b.wait_for(HITS);
    let marked = b.eval(
        "Array.from(document.querySelectorAll('#search-results .search-snippet mark'))\
         .map(m => m.textContent)",
    );
    assert!(
        marked
            .as_array()
            .is_some_and(|a| a.iter().any(|t| t == "regsvr32")),
        "{marked}"
    );
    b.insert_text("23");
    b.wait_for(&format!(
        "{HITS} > 0 && !!document.querySelector('#search-results .search-note')"
    ));
    let note = b.eval("document.querySelector('#search-results .search-note').textContent");
    assert_eq!(note, "「regsvr32」の結果を表示しています。");
}

/// axe-core, for the accessibility check: `TEJUN_AXE_CORE` (a path to `axe.min.js`), or
/// installed once with npm into the target folder.
pub(crate) fn axe_core() -> String {
    // Once per run: tests asking at the same moment would run two `npm install`s into one
    // folder, and one could find the other's half-written package.
    static AXE: OnceLock<String> = OnceLock::new();
    AXE.get_or_init(load_axe_core).clone()
}

fn load_axe_core() -> String {
    if let Some(p) = std::env::var_os("TEJUN_AXE_CORE") {
        return std::fs::read_to_string(&p).expect("TEJUN_AXE_CORE: axe.min.js");
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("axe");
    let js = dir.join("node_modules/axe-core/axe.min.js");
    if !js.is_file() {
        let o = Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg("axe-core@4")
            .output();
        assert!(
            o.as_ref().is_ok_and(|o| o.status.success()) && js.is_file(),
            "could not install axe-core with npm ({o:?}); set TEJUN_AXE_CORE to an axe.min.js"
        );
    }
    std::fs::read_to_string(js).expect("axe.min.js")
}

/// The search box and its results follow the ARIA combobox and listbox pattern, and axe-core
/// finds nothing wrong with them, light or dark, results shown and one selected.
#[test]
fn axe_finds_nothing_wrong_with_search_open_light_or_dark() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let axe = axe_core();
    for scheme in ["light", "dark"] {
        b.set_color_scheme(scheme);
        b.open(&page("?cluster=unix"));
        b.eval("document.getElementById('search-input').focus()");
        b.insert_text("停止");
        b.wait_for(HITS);
        b.key("ArrowDown", 40);
        let roles = b.eval(
            "(() => { const i = document.getElementById('search-input'); \
             const l = document.getElementById(i.getAttribute('aria-controls')); \
             return [i.getAttribute('role'), i.getAttribute('aria-expanded'), l.getAttribute('role'), \
             document.getElementById(i.getAttribute('aria-activedescendant')).getAttribute('role')]; })()",
        );
        assert_eq!(
            roles,
            json!(["combobox", "true", "listbox", "option"]),
            "{scheme}"
        );
        b.eval(&axe);
        let found = b.eval(
            "axe.run({ include: [['.search']] }).then(r => r.violations.map(v => \
             v.id + ': ' + v.nodes.length + ' ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))",
        );
        assert_eq!(found, json!([]), "{scheme}: axe-core violations");
    }
}
