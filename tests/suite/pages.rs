//! The site's pages under a chosen environment, in real headless Chromium from file://: a
//! page the environment rules out says so in a banner (why, in words, and which pages
//! apply instead) and keeps its steps whole; the sidebar marks it but keeps "you are
//! here"; previous/next skip what does not apply; each section says how many steps it
//! hides and shows them on demand, each labelled; a link to a hidden step opens it with a
//! note; a step whose number filtering changed shows its number in the book. On the
//! Japanese fixture book and on examples/kubeadm, plus axe-core (light and dark) and a
//! phone-width check of the banner.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::harness::cdp::{file_url, Browser};
use crate::harness::{built_once as built, fixture_dir, repo};

fn site_ja() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    built(&fixture_dir("site-ja"), "pages-site-ja", &SITE)
}

fn kubeadm() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    built(&repo().join("examples/kubeadm"), "pages-kubeadm", &SITE)
}

fn url(site: &Path, page: &str, query: &str) -> String {
    let (file, hash) = page.split_once('#').map_or((page, ""), |(f, h)| (f, h));
    let hash = if hash.is_empty() {
        String::new()
    } else {
        format!("#{hash}")
    };
    format!("{}?{query}{hash}", file_url(&site.join(file)))
}

/// Whether an element is laid out (not `display: none` anywhere up its tree).
const SHOWN: &str = "el => !!el && el.getClientRects().length > 0";

/// The banner as a reader sees it: shown, the reasons shown, the pages offered (file
/// names), and whether its text comes before the article's.
fn banner(b: &mut Browser) -> Value {
    b.eval(&format!(
        "(() => {{ const shown = {SHOWN}; const box = document.querySelector('[data-env-banner]'); \
         if (!box) return null; \
         return {{ shown: shown(box), role: box.getAttribute('role'), \
           reasons: [...box.querySelectorAll('[data-reason-when]')].filter(shown).map(e => e.textContent), \
           links: [...box.querySelectorAll('[data-env-instead-list] a')].map(a => a.getAttribute('href').split('?')[0]), \
           first: !!(box.compareDocumentPosition(document.querySelector('main article')) & Node.DOCUMENT_POSITION_FOLLOWING) }}; }})()"
    ))
}

/// Every step of the page: (id, shown, number shown).
const STEPS: &str = "[...document.querySelectorAll('main [data-step]')].map(li => \
    [li.getAttribute('data-step'), li.getClientRects().length > 0, li.querySelector('.step-num').textContent.trim()])";

/// The pager's targets (file names), previous then next.
const PAGER: &str =
    "['.pager-prev', '.pager-next'].map(s => { const a = document.querySelector(s); \
    return a && a.getAttribute('href').split('?')[0]; })";

/// The sidebar entry of `file`: (marked, shown, current, what a screen reader hears).
fn sidebar_entry(b: &mut Browser, file: &str) -> Value {
    b.eval(&format!(
        "(() => {{ const a = [...document.querySelectorAll('#sidebar-toc a')].find(a => a.getAttribute('href').split('?')[0] === {file}); \
         return [a.closest('li').classList.contains('env-off'), a.getClientRects().length > 0, \
           a.getAttribute('aria-current'), a.textContent.replace(/\\s+/g, ' ').trim()]; }})()",
        file = json!(file)
    ))
}

#[test]
fn a_page_the_environment_rules_out_says_why_and_where_to_go_on_site_ja() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let site = site_ja();
    // UNIX, patch: the MSCS upgrade breaks both its chapter's and its own condition.
    b.open(&url(
        site,
        "mscs-upgrade.html",
        "cluster=unix&operation=patch",
    ));
    assert_eq!(
        banner(&mut b),
        json!({"shown": true, "role": "status",
               "reasons": ["クラスタ種別: MSCS(MSFC)", "作業: バージョンアップ"],
               "links": ["unix-patch.html"], "first": true})
    );
    // Its steps are all there, with the book's numbers: nothing silently dropped.
    let steps = b.eval(STEPS);
    let steps = steps.as_array().expect("steps");
    assert!(steps.len() >= 8, "{steps:?}");
    assert!(steps.iter().all(|s| s[1] == json!(true)), "{steps:?}");
    assert_eq!(steps[2][2], "3.");
    // The sidebar keeps it, marked, and still says "you are here".
    assert_eq!(
        sidebar_entry(&mut b, "mscs-upgrade.html"),
        json!([
            true,
            true,
            "page",
            "1.1 バージョンアップ (この環境には該当しません)"
        ])
    );
    assert_eq!(sidebar_entry(&mut b, "unix-patch.html")[0], json!(false));
    // Previous/next skip the MSCS chapter and its pages.
    assert_eq!(b.eval(PAGER), json!(["index.html", "unix.html"]));
    b.open(&url(site, "unix.html", "cluster=unix&operation=patch"));
    assert_eq!(b.eval(PAGER), json!(["index.html", "unix-patch.html"]));
    assert_eq!(banner(&mut b)["shown"], json!(false));
    // A chapter's page too: the MSCS chapter under UNIX.
    b.open(&url(site, "mscs.html", "cluster=unix&operation=patch"));
    let seen = banner(&mut b);
    assert_eq!(seen["reasons"], json!(["クラスタ種別: MSCS(MSFC)"]));
    assert_eq!(seen["links"], json!(["unix-patch.html"]));

    // MSCS, patch: only the operation is wrong, and the chapter's own patch page applies.
    b.open(&url(
        site,
        "mscs-upgrade.html",
        "cluster=mscs&operation=patch",
    ));
    let seen = banner(&mut b);
    assert_eq!(seen["reasons"], json!(["作業: バージョンアップ"]));
    assert_eq!(seen["links"], json!(["mscs-patch.html"]));
    // No environment: no banner, and the pager is the book's.
    b.open(&url(site, "mscs-upgrade.html", ""));
    b.eval("tejunEnv.reset()");
    assert_eq!(banner(&mut b)["shown"], json!(false));
    assert_eq!(b.eval(PAGER), json!(["mscs.html", "mscs-patch.html"]));
}

#[test]
fn hidden_steps_are_counted_shown_on_demand_and_keep_their_book_number_on_site_ja() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let site = site_ja();
    let env = "cluster=mscs&operation=patch&from=R1.5&to=R2.0";
    b.open(&url(site, "mscs-patch.html", env));
    assert_eq!(banner(&mut b)["shown"], json!(false));
    let trace =
        "(() => { const t = document.querySelector('.section:has(> #sec-standby) .env-trace'); \
        return t && [t.querySelector('span').textContent, t.querySelector('button').textContent, \
        t.querySelector('button').getAttribute('aria-expanded')]; })()";
    assert_eq!(
        b.eval(trace),
        json!([
            "この環境では 1 個の手順を非表示にしています。",
            "表示する",
            "false"
        ])
    );
    // Numbered 1.. among the steps that apply; each renumbered one shows its book number.
    let numbers = "[...document.querySelectorAll('.section:has(> #sec-standby) [data-step]')].filter(li => li.getClientRects().length) \
        .map(li => [li.getAttribute('data-step'), li.querySelector('.step-num').textContent, \
        (li.querySelector('.step-book-num') || {}).textContent || null])";
    assert_eq!(
        b.eval(numbers),
        json!([
            ["stop-local", "1.", null],
            ["apply-patch", "2.", null],
            ["copy-vbs", "3.", "本書 4"],
            ["start-local", "4.", "本書 5"]
        ])
    );
    // Shown: greyed, with its book number and the condition it needs in words.
    b.click(".section:has(> #sec-standby) .env-trace button");
    let hidden = format!(
        "(() => {{ const li = document.getElementById('step-delete-dll').closest('li.step'); \
         return [({SHOWN})(li), li.querySelector('.step-num').textContent, li.querySelector('.env-why').textContent, \
         getComputedStyle(li).filter, document.querySelector('.section:has(> #sec-standby) .env-trace button').getAttribute('aria-expanded')]; }})()"
    );
    assert_eq!(
        b.eval(&hidden),
        json!([
            true,
            "3.",
            "この環境では非表示: 適用前のバージョン: R1.0.x以前",
            "grayscale(1)",
            "true"
        ])
    );
    b.click(".section:has(> #sec-standby) .env-trace button");
    assert_eq!(
        b.eval("document.getElementById('step-delete-dll').getClientRects().length"),
        json!(0)
    );

    // A link to the hidden step opens it, scrolled to, with a note saying why. (From
    // another page: a link within the page is a hash change, tested on kubeadm below.)
    b.open(&url(site, "index.html", env));
    b.open(&url(site, "mscs-patch.html#step-delete-dll", env));
    let linked = format!(
        "(() => {{ const li = document.getElementById('step-delete-dll').closest('li.step'); const r = li.getBoundingClientRect(); \
         const n = li.querySelector('.env-linked'); \
         return [({SHOWN})(li), r.top >= 0 && r.top < innerHeight, n && n.textContent, n && n.getAttribute('role')]; }})()"
    );
    assert_eq!(
        b.eval(&linked),
        json!([
            true,
            true,
            "リンク先の手順は選択中の環境には該当しないため、非表示でした (適用前のバージョン: R1.0.x以前)。",
            "note"
        ])
    );
}

#[test]
fn kubeadm_pages_say_what_does_not_apply_in_english() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let site = kubeadm();
    let env = "distro=debian&cni=calico&topology=single&from=v1.29&to=v1.30";
    // Other control-plane nodes: there are none in a single control plane.
    b.open(&url(site, "other-control-planes.html", env));
    let seen = banner(&mut b);
    assert_eq!(seen["shown"], json!(true));
    assert_eq!(
        seen["reasons"],
        json!(["Control plane topology: not Single control-plane node (stacked etcd)"])
    );
    assert_eq!(seen["links"], json!(["first-control-plane.html"]));
    assert_eq!(
        sidebar_entry(&mut b, "other-control-planes.html"),
        json!([
            true,
            true,
            "page",
            // A title's facet value follows the environment in the sidebar too.
            "2.2 Upgrade the other control-plane nodes to v1.30 (does not apply to your environment)"
        ])
    );
    assert_eq!(
        b.eval(PAGER),
        json!(["first-control-plane.html", "network.html"])
    );
    // Cilium's page under Calico: sends the reader to Calico's.
    b.open(&url(site, "cilium.html", env));
    assert_eq!(banner(&mut b)["links"], json!(["calico.html"]));
    assert_eq!(b.eval(PAGER), json!(["calico.html", "nodes.html"]));

    // v1.29 → v1.30: the v1beta4 migration is hidden and counted; a link opens it.
    b.open(&url(
        site,
        "first-control-plane.html#step-migrate-config",
        env,
    ));
    assert_eq!(banner(&mut b)["shown"], json!(false));
    let state = "(() => { const li = document.getElementById('step-migrate-config').closest('li.step'); \
        const sec = li.closest('.section'); const t = sec.querySelector('.env-trace'); \
        return [li.getClientRects().length > 0, t.querySelector('span').textContent, \
        t.querySelector('button').textContent, (li.querySelector('.env-linked') || {}).textContent]; })()";
    assert_eq!(
        b.eval(state),
        json!([
            true,
            "1 step hidden for this environment.",
            "Hide",
            "The step you were sent to does not apply to your environment and was hidden (Target Kubernetes version: ≥ v1.31)."
        ])
    );
}

/// A link inside the page to a step the environment hides (a hash change, no new load)
/// opens it too.
#[test]
fn a_link_within_the_page_to_a_hidden_step_opens_it() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let env = "cluster=mscs&operation=patch&from=R1.5&to=R2.0";
    b.open(&url(site_ja(), "mscs-patch.html", env));
    assert_eq!(
        b.eval("document.getElementById('step-delete-dll').getClientRects().length"),
        json!(0)
    );
    b.eval("location.hash = '#step-delete-dll'");
    b.wait_for("document.getElementById('step-delete-dll').getClientRects().length > 0");
    assert_eq!(
        b.eval("!!document.querySelector('li.step:has(> #step-delete-dll) .env-linked')"),
        json!(true)
    );
}

/// The print page hides a procedure by everything that selects it: under UNIX, the MSCS
/// chapter's procedures go, though their own conditions do not name the cluster.
#[test]
fn the_print_page_hides_procedures_by_their_chapters_condition() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&url(
        site_ja(),
        "print.html",
        "cluster=unix&operation=patch",
    ));
    let shown = "['mscs-upgrade', 'mscs-patch', 'unix-upgrade', 'unix-patch'].map(id => \
        document.querySelector(`article[data-procedure=\"${id}\"]`).getClientRects().length > 0)";
    assert_eq!(b.eval(shown), json!([false, false, false, true]));
}

/// axe-core finds nothing wrong with a page under its banner or with hidden steps shown,
/// light or dark, sidebar marks included.
#[test]
fn axe_finds_nothing_wrong_with_the_banner_or_shown_hidden_steps() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let axe = crate::search_browser::axe_core();
    let site = site_ja();
    for scheme in ["light", "dark"] {
        b.set_color_scheme(scheme);
        for (page, env, reveal) in [
            ("mscs-upgrade.html", "cluster=unix&operation=patch", false),
            (
                "mscs-patch.html",
                "cluster=mscs&operation=patch&from=R1.5&to=R2.0",
                true,
            ),
        ] {
            b.open(&url(site, page, env));
            if reveal {
                b.click(".section:has(> #sec-standby) .env-trace button");
                b.wait_for(
                    "document.getElementById('step-delete-dll').getClientRects().length > 0",
                );
            } else {
                assert_eq!(banner(&mut b)["shown"], json!(true));
            }
            b.eval(&axe);
            let found = b.eval(
                "axe.run(document).then(r => r.violations.map(v => \
                 v.id + ': ' + v.nodes.length + ' ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))",
            );
            assert_eq!(found, json!([]), "{scheme} {page}: axe-core violations");
        }
    }
}

/// On a 375 px phone the banner fits the screen: nothing sticks out sideways.
#[test]
fn the_banner_fits_a_phone() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.set_viewport(375, 800, true);
    b.open(&url(
        kubeadm(),
        "other-control-planes.html",
        "distro=rhel&cni=cilium&topology=single&from=v1.30&to=v1.31",
    ));
    let fit = "(() => { const box = document.querySelector('[data-env-banner]'); const r = box.getBoundingClientRect(); \
        return [box.getClientRects().length > 0, r.left >= 0 && r.right <= 375, box.scrollWidth <= box.clientWidth, \
        document.documentElement.scrollWidth <= 375]; })()";
    assert_eq!(b.eval(fit), json!([true, true, true, true]));
}

fn jobcenter() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    built(repo(), "pages-jobcenter", &SITE)
}

/// The issue's own cases on the JobCenter guide: the MSCS R12.7 upgrade under UNIX keeps
/// all its steps under the banner; under MSCS from R12.6 every step is either shown or
/// counted in its section, never silently gone.
#[test]
fn jobcenter_steps_are_shown_or_counted_never_silently_gone() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let page = "mscs-upgrade-x64-r12-7.html";
    b.open(&url(
        jobcenter(),
        page,
        "cluster=unix&operation=patch&from=R12.7&to=R13.2",
    ));
    let seen = banner(&mut b);
    assert_eq!(seen["shown"], json!(true));
    assert!(
        seen["reasons"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("クラスタ種別: MSCS(MSFC)"))),
        "{seen}"
    );
    let all = "document.querySelectorAll('main [data-step]').length";
    let total = b.eval(all);
    assert_eq!(
        b.eval("[...document.querySelectorAll('main [data-step]')].filter(li => li.getClientRects().length).length"),
        total
    );

    b.open(&url(
        jobcenter(),
        page,
        "cluster=mscs&platform=x86&operation=upgrade&from=R12.6&to=R13.2",
    ));
    assert_eq!(banner(&mut b)["shown"], json!(false));
    // Per section: [steps, shown, the count its trace states].
    let sections = b.eval(
        "[...document.querySelectorAll('main .section')].map(s => { \
           const steps = [...s.querySelectorAll('[data-step]')]; \
           const t = s.querySelector('.env-trace span'); \
           return [steps.length, steps.filter(li => li.getClientRects().length).length, \
             t ? parseInt(t.textContent.match(/\\d+/)[0], 10) : 0]; })",
    );
    let sections = sections.as_array().expect("sections");
    let hidden: u64 = sections.iter().map(|s| s[2].as_u64().unwrap_or(0)).sum();
    assert!(hidden > 0, "{sections:?}");
    for s in sections {
        assert_eq!(
            s[0].as_u64(),
            Some(s[1].as_u64().unwrap_or(0) + s[2].as_u64().unwrap_or(0)),
            "{sections:?}"
        );
    }
}

/// A choice that is a profile's environment offers that profile's runbook; any other
/// choice offers the print page filtered to it; a procedure page lists the runbooks that
/// hold it (and only those).
#[test]
fn the_chosen_environment_offers_its_runbook_and_pages_list_theirs() {
    let site = site_ja();
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let offer = "(() => { const s = document.querySelector('[data-env-runbook]'); \
                 return s && !s.hidden ? [...s.querySelectorAll('a')].map(a => [a.textContent, \
                 a.getAttribute('href')]) : null; })()";
    b.open(&url(
        site,
        "index.html",
        "cluster=unix&operation=upgrade&from=R1.5&to=R2.0",
    ));
    b.wait_for("document.documentElement.classList.contains('env-active')");
    assert_eq!(
        b.eval(offer),
        json!([[
            "この環境の作業手順書: UNIX バージョンアップ (R1.5 から R2.0 へ)",
            "runbooks/unix-upgrade.html"
        ]])
    );
    // Not a profile: the print page, filtered to exactly this environment.
    b.open(&url(
        site,
        "index.html",
        "cluster=unix&operation=upgrade&from=R1.0&to=R2.0",
    ));
    b.wait_for("document.documentElement.classList.contains('env-active')");
    let other = b.eval(offer);
    assert_eq!(other[0][0], "この環境の手順を印刷", "{other}");
    let href = other[0][1].as_str().unwrap_or_default();
    assert!(
        href.starts_with("print.html?") && href.contains("from=R1.0"),
        "{href}"
    );
    // Nothing chosen (the reset button): nothing offered.
    b.eval("document.querySelector('[data-env-reset]').click()");
    b.wait_for("!document.documentElement.classList.contains('env-active')");
    assert_eq!(b.eval(offer), Value::Null);

    // A procedure page lists the runbooks that hold it.
    let listed = |b: &mut Browser, page: &str| -> Vec<String> {
        b.open(&url(site, page, ""));
        let v = b.eval(
            "[...document.querySelectorAll('.in-runbooks a')].map(a => a.getAttribute('href'))",
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|h| h.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let unix = listed(&mut b, "unix-upgrade.html");
    assert_eq!(unix, ["runbooks/unix-upgrade.html"]);
    let mscs = listed(&mut b, "mscs-upgrade.html");
    assert!(
        mscs.contains(&"runbooks/mscs-upgrade.html".to_string()),
        "{mscs:?}"
    );
    assert!(
        !mscs.contains(&"runbooks/unix-upgrade.html".to_string()),
        "{mscs:?}"
    );
}
