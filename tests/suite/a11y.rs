//! Accessibility checked in the real browser: axe-core finds nothing wrong with the site's
//! pages (the home page and a procedure page, with and without an environment, search
//! open, the print page) on the JobCenter book and on examples/kubeadm, light and dark,
//! whether dark comes from the system or from the page's own switch.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::harness::cdp::{file_url, Browser};
use crate::harness::{repo, Tejun};

/// `book` built once into the target folder, for every test here.
pub(crate) fn built(book: &Path, name: &str, cell: &'static OnceLock<PathBuf>) -> &'static Path {
    cell.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        Tejun::new(book)
            .args(["build", ".", "--out"])
            .arg(&out)
            .run()
            .assert_ok();
        out
    })
}

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
