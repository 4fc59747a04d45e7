//! Moving around the site in real headless Chromium from file://: a procedure page's list
//! of its sections (beside the text on a wide screen, a closed box on a phone, following
//! the environment), back to the top, ← / → to the previous and next page the environment
//! keeps (never while typing or with a modifier), `/` for search, the phone's menu drawer
//! (backdrop, outside tap, Escape, focus kept inside and given back), and the colour
//! scheme switch (over the system's, remembered, before the first paint).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::a11y::DARK_SHOWN;
use crate::harness::cdp::{file_url, Browser};
use crate::harness::{copy_dir, edit, fixture_dir, Tejun};

/// site-ja, its MSCS upgrade's failover section given a condition of its own.
fn site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let (src, out) = (tmp.join("nav-site-ja-src"), tmp.join("nav-site-ja"));
        let _ = std::fs::remove_dir_all(&src);
        copy_dir(&fixture_dir("site-ja"), &src);
        edit(
            &src.join("content/01-mscs/01-mscs-upgrade.toml"),
            "id = \"failover\"\n",
            "id = \"failover\"\nwhen = \"from >= R1.5\"\n",
        );
        Tejun::new(&src)
            .args(["build", ".", "--out"])
            .arg(&out)
            .run()
            .assert_ok();
        out
    })
}

fn url(page: &str, query: &str) -> String {
    format!("{}?{query}", file_url(&site().join(page)))
}

/// The section list as a reader meets it: open, laid out, each entry (its text, as a
/// screen reader hears it, and whether it is marked), and which one is current.
const SECTION_LIST: &str = "(() => { const box = document.querySelector('[data-page-toc]'); \
    const ol = box.querySelector('ol'); \
    return { open: box.open, shown: ol.checkVisibility(), \
      entries: [...ol.querySelectorAll('li')].map(li => [li.textContent.replace(/\\s+/g, ' ').trim(), li.classList.contains('env-off')]), \
      current: [...ol.querySelectorAll('a[aria-current]')].map(a => a.getAttribute('href')) }; })()";

/// Two animation frames: what the page does on scroll has been done.
const FRAMES: &str =
    "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))";

#[test]
fn the_section_list_sits_beside_the_text_on_a_wide_screen_and_follows_the_environment() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.set_viewport(1280, 900, false);
    b.open(&url(
        "mscs-upgrade.html",
        "cluster=mscs&operation=upgrade&from=R1.0&to=R2.0",
    ));
    let seen = b.eval(SECTION_LIST);
    assert_eq!(seen["open"], json!(true));
    assert_eq!(seen["shown"], json!(true));
    // The failover section needs R1.5 or later: listed, marked, and said.
    assert_eq!(
        seen["entries"],
        json!([
            ["1.1.1 待機系のバージョンアップ", false],
            ["1.1.2 運用系のバージョンアップ", false],
            ["1.1.3 フェイルオーバ実行 (この環境には該当しません)", true]
        ])
    );
    // Beside the text, not above it: right of the article, level with its header.
    let place =
        "(() => { const r = document.querySelector('.page-toc-box').getBoundingClientRect(); \
        const a = document.querySelector('main article .page-header').getBoundingClientRect(); \
        return [r.left >= a.right, r.top < a.bottom, r.bottom > 0 && r.top < innerHeight]; })()";
    assert_eq!(b.eval(place), json!([true, true, true]));
    // Read further down, it stays in view and marks the section being read.
    b.eval("document.getElementById('sec-active').scrollIntoView({block: 'start'})");
    b.eval(FRAMES);
    let sticky =
        "(() => { const r = document.querySelector('.page-toc-box').getBoundingClientRect(); \
        return r.top >= 0 && r.top < innerHeight / 3; })()";
    assert_eq!(b.eval(sticky), json!(true));
    assert_eq!(b.eval(SECTION_LIST)["current"], json!(["#sec-active"]));

    // No environment: nothing is marked.
    b.eval("tejunEnv.reset()");
    let entries = b.eval(SECTION_LIST)["entries"].clone();
    assert!(
        entries
            .as_array()
            .is_some_and(|e| e.iter().all(|x| x[1] == json!(false))),
        "{entries}"
    );
}

#[test]
fn on_a_phone_the_section_list_is_a_closed_box_that_opens() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.set_viewport(375, 800, true);
    b.open(&url("mscs-upgrade.html", ""));
    let seen = b.eval(SECTION_LIST);
    assert_eq!(
        (&seen["open"], &seen["shown"]),
        (&json!(false), &json!(false))
    );
    // Under the page's header, before the first section.
    let order = "(() => { const nav = document.querySelector('.page-toc'); \
        return [!!(document.querySelector('.page-header').compareDocumentPosition(nav) & Node.DOCUMENT_POSITION_FOLLOWING), \
        !!(nav.compareDocumentPosition(document.querySelector('.section')) & Node.DOCUMENT_POSITION_FOLLOWING)]; })()";
    assert_eq!(b.eval(order), json!([true, true]));
    b.click(".page-toc summary");
    b.wait_for("document.querySelector('[data-page-toc] ol').checkVisibility()");
    assert_eq!(
        b.eval("document.documentElement.scrollWidth <= 375"),
        json!(true)
    );
    // A page of one section has no list.
    b.open(&url("mscs-patch.html", ""));
    assert_eq!(
        b.eval("!!document.querySelector('.page-toc')"),
        json!(false)
    );
}

#[test]
fn back_to_top_appears_once_scrolled_and_takes_the_reader_up() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.set_viewport(375, 800, true);
    b.open(&url("mscs-upgrade.html", ""));
    let visible = "getComputedStyle(document.querySelector('.to-top')).visibility";
    assert_eq!(b.eval(visible), json!("hidden"));
    b.eval("window.scrollTo(0, document.documentElement.scrollHeight)");
    b.wait_for(&format!("{visible} === 'visible'"));
    b.click(".to-top");
    b.wait_for("window.scrollY === 0");
    b.wait_for(&format!("{visible} === 'hidden'"));
}

/// Presses `key` with `modifiers` and says whether the page's key handler acted on it
/// (it cancels what it handles; a listener on the window hears it after the document's).
fn acted(b: &mut Browser, key: &str, code: u32, modifiers: u32) -> Value {
    b.eval(
        "window.__keys = []; if (!window.__heard) { window.__heard = true; \
         window.addEventListener('keydown', e => window.__keys.push(e.defaultPrevented)); }",
    );
    b.press(key, code, modifiers);
    b.eval("window.__keys[0]")
}

#[test]
fn arrow_keys_open_the_previous_and_next_page_the_environment_keeps() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    // Under UNIX patch, the MSCS upgrade's next page that applies is the UNIX chapter.
    b.open(&url("mscs-upgrade.html", "cluster=unix&operation=patch"));
    // Never with a modifier, nor while typing in the search box.
    for modifiers in [1, 2, 4, 8] {
        assert_eq!(
            acted(&mut b, "ArrowRight", 39, modifiers),
            json!(false),
            "modifiers {modifiers}"
        );
    }
    b.eval("document.getElementById('search-input').focus()");
    assert_eq!(acted(&mut b, "ArrowRight", 39, 0), json!(false));
    b.eval("document.activeElement.blur()");
    b.press("ArrowRight", 39, 0);
    b.wait_for("location.pathname.endsWith('/unix.html')");
    b.wait_for("document.readyState === 'complete'");
    assert_eq!(
        b.eval("new URLSearchParams(location.search).get('cluster')"),
        json!("unix")
    );
    b.press("ArrowLeft", 37, 0);
    b.wait_for("location.pathname.endsWith('/index.html')");
}

#[test]
fn slash_goes_to_search_but_not_while_typing_or_with_a_modifier() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&url("mscs-upgrade.html", ""));
    let focused = "document.activeElement && document.activeElement.id";
    b.press("/", 191, 2);
    assert_ne!(b.eval(focused), json!("search-input"));
    // Typed into another field, `/` is a character.
    b.eval(
        "(() => { const p = document.querySelector('[data-values-panel]'); p.hidden = false; p.open = true; \
         document.querySelector('[data-values-panel] input').focus(); })()",
    );
    b.press("/", 191, 0);
    assert_eq!(
        b.eval("[document.activeElement.tagName, document.activeElement.value]"),
        json!(["INPUT", "/"])
    );
    b.eval("document.activeElement.blur()");
    b.press("/", 191, 0);
    assert_eq!(b.eval(focused), json!("search-input"));
    assert_eq!(
        b.eval("document.getElementById('search-input').value"),
        json!("")
    );
}

/// Where the focus is: the menu button, inside the drawer, or elsewhere.
const FOCUS: &str = "(() => { const a = document.activeElement; \
    return a.classList.contains('nav-toggle') ? 'button' : document.getElementById('sidebar').contains(a) ? 'drawer' : a.tagName; })()";

#[test]
fn the_phone_drawer_has_a_backdrop_keeps_the_focus_and_gives_it_back() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.set_viewport(375, 800, true);
    b.open(&url("mscs-upgrade.html", ""));
    let state = "[document.body.classList.contains('nav-open'), \
        document.querySelector('.nav-toggle').getAttribute('aria-expanded'), \
        document.querySelector('.nav-backdrop').getClientRects().length > 0, document.querySelector('main').inert]";
    b.click(".nav-toggle");
    assert_eq!(b.eval(state), json!([true, "true", true, true]));
    assert_eq!(b.eval(FOCUS), json!("drawer"));
    // Tab and Shift+Tab go round the drawer and its button, never into the page.
    let stops = b
        .eval("[...document.querySelectorAll('#sidebar a')].filter(a => a.getClientRects().length).length + 1")
        .as_u64()
        .expect("stops");
    for _ in 0..stops + 2 {
        b.press("Tab", 9, 0);
        let at = b.eval(FOCUS);
        assert!(at == "drawer" || at == "button", "Tab reached {at}");
    }
    for _ in 0..3 {
        b.press("Tab", 9, 8);
        let at = b.eval(FOCUS);
        assert!(at == "drawer" || at == "button", "Shift+Tab reached {at}");
    }
    // Escape closes it and gives the focus back to its button.
    b.press("Escape", 27, 0);
    assert_eq!(b.eval(state), json!([false, "false", false, false]));
    assert_eq!(b.eval(FOCUS), json!("button"));
    // So does a tap beside it, on the backdrop, which follows no link underneath.
    b.click(".nav-toggle");
    b.click_at(360.0, 500.0);
    assert_eq!(b.eval(state), json!([false, "false", false, false]));
    assert_eq!(b.eval(FOCUS), json!("button"));
    assert_eq!(
        b.eval("location.pathname.endsWith('/mscs-upgrade.html')"),
        json!(true)
    );
}

/// The page's colours as it computes them: every custom property style.css gives a colour.
fn palette(b: &mut Browser) -> Value {
    let css = crate::harness::read(&crate::harness::repo().join("themes/default/style.css"));
    let mut names: Vec<&str> = css
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--"))
        .filter_map(|l| l.split_once(':'))
        .filter(|(_, v)| v.trim_start().starts_with('#') || v.trim_start().starts_with("rgb"))
        .map(|(n, _)| n)
        .collect();
    names.sort_unstable();
    names.dedup();
    assert!(names.len() > 15, "{names:?}");
    b.eval(&format!(
        "(() => {{ const s = getComputedStyle(document.documentElement); \
         return {names}.map(n => [n, s.getPropertyValue('--' + n).trim()]); }})()",
        names = json!(names)
    ))
}

/// Asserts the page shows the dark scheme or not, once it has settled: a scheme chosen
/// or stored is applied at once, but a loaded machine may paint a frame or two late.
fn shows_dark(b: &mut Browser, dark: bool) {
    let shown = b.poll(DARK_SHOWN, std::time::Duration::from_secs(5), |v| {
        *v == json!(dark)
    });
    assert_eq!(shown, json!(dark), "dark scheme shown");
}

#[test]
fn the_colour_scheme_switch_overrides_the_system_and_is_remembered_before_first_paint() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    // What the root says when the body first appears: nothing can be painted before.
    b.call(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "new MutationObserver((m, o) => { if (document.body) { \
            window.__schemeAtBody = document.documentElement.getAttribute('data-scheme'); o.disconnect(); } }) \
            .observe(document, {childList: true, subtree: true});"}),
    );
    b.set_color_scheme("dark");
    b.open(&url("index.html", ""));
    shows_dark(&mut b, true);
    let choose = |b: &mut Browser, v: &str| {
        b.eval(&format!(
            "(() => {{ const s = document.querySelector('[data-scheme-select]'); s.value = {v}; \
             s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()",
            v = json!(v)
        ));
    };
    assert_eq!(
        b.eval(
            "[...document.querySelector('[data-scheme-select]').options].map(o => o.textContent)"
        ),
        json!(["自動", "ライト", "ダーク"])
    );
    choose(&mut b, "light");
    shows_dark(&mut b, false);
    // Remembered on the next page, and there before the body (once the choice has
    // reached the browser's storage: a file:// page's write can come after the next page
    // has read it).
    b.reopen(&url("mscs-upgrade.html", ""), &["tejun-scheme"]);
    assert_eq!(
        b.eval("[window.__schemeAtBody, document.querySelector('[data-scheme-select]').value]"),
        json!(["light", "light"])
    );
    shows_dark(&mut b, false);
    // The print page too (with the choice waited for as above).
    b.reopen(&url("print.html", ""), &["tejun-scheme"]);
    assert_eq!(b.eval("window.__schemeAtBody"), json!("light"));
    shows_dark(&mut b, false);

    // Dark chosen under a light system; back to following the system.
    b.set_color_scheme("light");
    b.open(&url("index.html", ""));
    choose(&mut b, "dark");
    shows_dark(&mut b, true);
    let chosen = palette(&mut b);
    choose(&mut b, "");
    shows_dark(&mut b, false);
    b.reopen(&url("index.html", ""), &["tejun-scheme"]);
    assert_eq!(b.eval("window.__schemeAtBody"), Value::Null);
    shows_dark(&mut b, false);
    // The switch's dark is the system's dark, colour for colour.
    b.set_color_scheme("dark");
    assert_eq!(palette(&mut b), chosen);
}

/// A link in running text (a paragraph, a Markdown list) is underlined, not told by its
/// colour alone; headings' own anchors and lists of links are not.
#[test]
fn links_in_running_text_are_underlined() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&file_url(&crate::a11y::jobcenter().join("print.html")));
    let line = |sel: &str| {
        format!(
            "getComputedStyle(document.querySelector({})).textDecorationLine",
            json!(sel)
        )
    };
    for (sel, want) in [
        ("main li > a.xref[data-number='1.1.2']", "underline"),
        (".step-title a.anchor", "none"),
        (".section h2 a.anchor", "none"),
        (".toc-main a", "none"),
    ] {
        assert_eq!(b.eval(&line(sel)), json!(want), "{sel}");
    }
}
