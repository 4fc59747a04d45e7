//! Accessibility checked in the real browser: axe-core finds nothing wrong with the site's
//! pages (the home page and a procedure page, with and without an environment, search
//! open, the print page) on the JobCenter book and on examples/kubeadm, light and dark,
//! whether dark comes from the system or from the page's own switch.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::cdp::{file_url, Browser};
use crate::harness::{built_once as built, repo};

/// The JobCenter book's site, built once for the run.
pub(crate) fn jobcenter() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    built(repo(), "a11y-jobcenter", &SITE)
}

pub(crate) fn kubeadm() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    built(&repo().join("examples/kubeadm"), "a11y-kubeadm", &SITE)
}

/// What a book is checked on: a procedure page, an environment, a query with results.
struct Case {
    site: &'static Path,
    page: &'static str,
    env: &'static str,
    query: &'static str,
}

fn cases() -> [Case; 2] {
    [
        Case {
            site: jobcenter(),
            page: "mscs-upgrade-x64-r12-7.html",
            env: "cluster=mscs&platform=x86&operation=upgrade&from=R12.6&to=R13.2",
            query: "停止",
        },
        Case {
            site: kubeadm(),
            page: "first-control-plane.html",
            env: "distro=debian&cni=calico&topology=single&from=v1.29&to=v1.30",
            query: "kubeadm upgrade",
        },
    ]
}

/// axe-core's violations on the page as it is now: `id: count first-targets`.
pub(crate) fn violations(b: &mut Browser, axe: &str) -> Value {
    if b.eval("typeof axe") != json!("object") {
        b.eval(axe);
    }
    // Two frames: what the page's resize observers do after a change has been done.
    b.eval(
        "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))).then(() => axe.run(document)).then(r => r.violations.map(v => \
         v.id + ': ' + v.nodes.length + ' ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))",
    )
}

/// Opens `page` of `site` with `env` (`""`: none, the stored one cleared).
fn open(b: &mut Browser, site: &Path, page: &str, env: &str) {
    b.open(&format!("{}?{env}", file_url(&site.join(page))));
    if env.is_empty() {
        b.eval("window.tejunEnv && tejunEnv.reset()");
    }
}

/// Every page of the matrix under the current colour settings; what axe found on each.
fn check_pages(b: &mut Browser, axe: &str, mode: &str) -> Vec<String> {
    let mut found = Vec::new();
    for case in cases() {
        for (page, env) in [
            ("index.html", ""),
            ("index.html", case.env),
            (case.page, ""),
            (case.page, case.env),
            ("print.html", case.env),
        ] {
            open(b, case.site, page, env);
            let v = violations(b, axe);
            if v != json!([]) {
                found.push(format!("{mode} {page}?{env}: {v}"));
            }
        }
        open(b, case.site, case.page, case.env);
        b.eval("document.getElementById('search-input').focus()");
        b.insert_text(case.query);
        b.wait_for("document.querySelectorAll('#search-results [role=option]').length");
        b.key("ArrowDown", 40);
        let v = violations(b, axe);
        if v != json!([]) {
            found.push(format!("{mode} search {:?} open: {v}", case.query));
        }
    }
    found
}

/// The colour scheme the page shows: its background's luminance decides.
pub(crate) const DARK_SHOWN: &str = "(() => { const m = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number); \
    return m[0] + m[1] + m[2] < 3 * 128; })()";

#[test]
fn axe_finds_nothing_wrong_light_or_dark_from_the_system() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let axe = crate::search_browser::axe_core();
    let mut found = Vec::new();
    for scheme in ["light", "dark"] {
        b.set_color_scheme(scheme);
        found.extend(check_pages(&mut b, &axe, scheme));
    }
    assert!(
        found.is_empty(),
        "axe-core violations:\n{}",
        found.join("\n")
    );
}

/// The same pages with the page's own switch set against the system: dark chosen on a
/// light system, light on a dark one.
#[test]
fn axe_finds_nothing_wrong_with_the_scheme_switch_against_the_system() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let axe = crate::search_browser::axe_core();
    let mut found = Vec::new();
    for (system, chosen) in [("light", "dark"), ("dark", "light")] {
        b.set_color_scheme(system);
        open(&mut b, jobcenter(), "index.html", "");
        b.store_and_reload("tejun-scheme", chosen);
        // The emulated system scheme and the stored choice reach a freshly opened page
        // at its load; under a loaded machine the first frame may still be the other one,
        // and the choice stored on one page can reach the browser after the next has read
        // its storage (as `Browser::reopen` says): opened again, up to three times.
        let want = json!(chosen == "dark");
        let mut shown = json!(null);
        for _ in 0..3 {
            open(&mut b, kubeadm(), "index.html", "");
            shown = b.poll(DARK_SHOWN, Duration::from_secs(5), |v| *v == want);
            if shown == want {
                break;
            }
        }
        assert_eq!(shown, want, "{chosen}");
        found.extend(check_pages(
            &mut b,
            &axe,
            &format!("{chosen} chosen on a {system} system"),
        ));
    }
    assert!(
        found.is_empty(),
        "axe-core violations:\n{}",
        found.join("\n")
    );
}

/// Whether the focus is on an element matching `selector`.
fn focus_on(b: &mut Browser, selector: &str) -> bool {
    b.eval(&format!(
        "!!document.activeElement && document.activeElement.matches({})",
        json!(selector)
    )) == json!(true)
}

/// Tab until the focus is on `selector` (at most `limit` presses).
fn tab_to(b: &mut Browser, selector: &str, limit: usize) {
    for _ in 0..limit {
        if focus_on(b, selector) {
            return;
        }
        b.press("Tab", 9, 0);
    }
    assert!(focus_on(b, selector), "Tab never reached {selector}");
}

/// Waits for a page other than `from` to have loaded.
fn wait_left(b: &mut Browser, from: &str) -> String {
    b.wait_for(&format!(
        "document.readyState === 'complete' && location.pathname !== {}",
        json!(from)
    ));
    let path = b.eval("location.pathname");
    path.as_str().unwrap_or_default().to_string()
}

/// With the keyboard alone, on the JobCenter book: skip to the content, choose an
/// environment in the picker, open a procedure that applies, search with `/`, open a
/// result with Enter, and go on to the next page with →.
#[test]
fn the_keyboard_alone_goes_from_the_picker_to_a_page_a_search_and_the_next_page() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&file_url(&jobcenter().join("index.html")));
    b.press("Tab", 9, 0);
    assert!(focus_on(&mut b, ".skip-link"));
    b.press("Enter", 13, 0);
    b.wait_for("document.activeElement.id === 'main'");
    tab_to(&mut b, "#env-picker select", 40);
    // Each question the picker asks (a new one may appear): its first value that may be.
    while focus_on(&mut b, "#env-picker select") {
        if b.eval("document.activeElement.value") == json!("") {
            b.press("ArrowDown", 40, 0);
        }
        b.press("Tab", 9, 0);
    }
    let env = b.eval("location.search");
    assert!(
        env.as_str()
            .is_some_and(|q| q.contains("cluster=") && q.contains("to=")),
        "{env}"
    );
    tab_to(&mut b, "[data-env-procs] a", 20);
    let index = b.eval("location.pathname");
    b.press("Enter", 13, 0);
    let page = wait_left(&mut b, index.as_str().unwrap_or_default());
    assert!(
        b.eval("document.body.classList.contains('page-procedure') && location.search")
            .as_str()
            .is_some_and(|q| q.contains("cluster=")),
        "{page}: a procedure page, in the environment chosen"
    );

    b.press("/", 191, 0);
    assert!(focus_on(&mut b, "#search-input"));
    b.insert_text("停止");
    b.wait_for("document.querySelectorAll('#search-results [role=option]').length");
    b.press("ArrowDown", 40, 0);
    let chosen = b.eval(
        "document.getElementById(document.getElementById('search-input').getAttribute('aria-activedescendant')).href",
    );
    b.press("Enter", 13, 0);
    b.wait_for(&format!(
        "document.readyState === 'complete' && location.href === {chosen}"
    ));

    let next = b.eval("document.querySelector('.pager-next').href.split('#')[0]");
    let here = b.eval("location.pathname");
    b.press("ArrowRight", 39, 0);
    wait_left(&mut b, here.as_str().unwrap_or_default());
    assert_eq!(b.eval("location.href.split('#')[0]"), next);
}
