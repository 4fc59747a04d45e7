//! The site and runbooks in real headless Chromium, opened from file:// as a reader would,
//! driven by the harness's DevTools-protocol client (`harness::cdp`).
//!
//! On the JobCenter book: pick an environment by URL on the home page, follow to a
//! procedure and find only its steps, numbered as the Rust filter numbers them;
//! cross-references land on their target; screenshots at desktop and phone widths
//! (written to `target/screenshots/`) are real, non-blank PNGs that fit.
//!
//! On small fixture books (tests/fixtures/site-ja, site-basic): tick runbook steps, reload,
//! find them ticked, and watch the network while the runbook loads; a tick on a step that
//! changed is flagged; a typed placeholder value shows on every page; a copy button puts
//! exactly its command on the real clipboard; offline search under an environment; a page
//! open in `tejun serve` shows an edit by itself, at the same scroll position; a runbook's
//! CSV export writes no live spreadsheet formula, a runbook with remote images makes no
//! request, and a malformed `#%E0%A4%A` with `?hl=` leaves the search box working.
//!
//! Chromium is `/usr/bin/chromium` (or `TEJUN_CHROMIUM`); `.ci/test` installs it. Without
//! it these tests fail with how to install it, unless `TEJUN_SKIP_BROWSER=1`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use tejun::condition::Env;
use tejun::filter::filter;

use crate::harness::cdp::{base64_decode, file_url, Browser};
use crate::harness::server::Server;
use crate::harness::{fixture_dir, load, repo, Book, Tejun};

/// `tejun ARGS` in the repository (the JobCenter book), which must succeed.
fn tejun(args: &[&str]) {
    tejun_in(repo(), args);
}

/// `tejun ARGS` in `dir`, which must succeed.
fn tejun_in(dir: &Path, args: &[&str]) {
    Tejun::new(dir).args(args).run().assert_ok();
}

/// The small Japanese fixture book, for behaviours any book has: runbook ticks,
/// placeholders, copy buttons, search under an environment.
fn site_ja() -> PathBuf {
    fixture_dir("site-ja")
}

fn book() -> tejun::Book {
    load(repo())
}

/// Each visible list of steps on the page: (step id, number shown) in order.
const VISIBLE_STEPS: &str = r#"(() => {
  const gone = el => !!el.closest('.env-hidden, .env-empty');
  return Array.from(document.querySelectorAll('[data-steps]'))
    .filter(ol => !gone(ol))
    .map(ol => Array.from(ol.children)
      .filter(li => li.hasAttribute('data-step') && !gone(li))
      .map(li => [li.getAttribute('data-step'), li.querySelector('.step-num').textContent.trim()]))
    .filter(list => list.length > 0);
})()"#;

/// The same lists from the Rust filter.
fn expected_steps(book: &tejun::Book, env: &Env, procedure: &str) -> Value {
    let view = filter(book, env);
    let p = view
        .procedures()
        .find(|p| p.id == procedure)
        .unwrap_or_else(|| panic!("{procedure} is not selected"));
    let mut lists = Vec::new();
    for s in &p.sections {
        let mut all = vec![&s.steps];
        all.extend(s.branches.iter().map(|b| &b.steps));
        for steps in all.into_iter().filter(|l| !l.is_empty()) {
            lists.push(
                steps
                    .iter()
                    .map(|st| json!([st.id, format!("{}.", st.number)]))
                    .collect::<Vec<_>>(),
            );
        }
    }
    json!(lists)
}

#[test]
fn picked_environment_filters_and_renumbers_pages() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    tejun(&["build", ".", "--out", out.to_str().expect("utf-8 path")]);
    let book = book();
    let Some(mut b) = Browser::launch() else {
        return;
    };

    for (query, procedure) in [
        (
            "cluster=unix&operation=patch&from=R12.7&to=R13.2",
            "unix-patch",
        ),
        (
            "cluster=mscs&operation=patch&from=R12.6&to=R12.6",
            "mscs-patch-r12-7",
        ),
    ] {
        let spec = query.replace('&', ",");
        let env = book.config.parse_env(&spec).expect("env");
        b.open(&format!("{}?{query}", file_url(&out.join("index.html"))));
        // The summary states the environment; the picker shows it; the list shows what applies.
        let summary = b.eval("document.querySelector('[data-env-summary]').textContent");
        let cluster_label = if spec.contains("unix") {
            "UNIX"
        } else {
            "MSCS(MSFC)"
        };
        assert!(
            summary
                .as_str()
                .is_some_and(|s| s.contains(&format!("クラスタ種別: {cluster_label}"))),
            "{summary}"
        );
        assert_eq!(
            b.eval("document.querySelector('#env-from').value"),
            json!(env_value(&spec, "from"))
        );
        let listed = b.eval(
            "Array.from(document.querySelectorAll('.env-proc-list [data-env-item]')) \
             .filter(li => !li.closest('.env-hidden')) \
             .map(li => li.querySelector('a').getAttribute('href').split('?')[0].replace('.html', ''))",
        );
        let selected: Vec<String> = filter(&book, &env)
            .procedures()
            .map(|p| p.id.clone())
            .collect();
        assert_eq!(listed, json!(selected), "applicable procedures for {query}");
        b.screenshot(&format!("index-{procedure}"));
        assert!(selected.contains(&procedure.to_string()));

        // Follow the link: the environment travels in the URL.
        b.navigate_by(&format!(
            "document.querySelector('.env-proc-list a[href^=\"{procedure}.html\"]').click()"
        ));
        let search = b.eval("location.search");
        assert!(
            search
                .as_str()
                .is_some_and(|s| s.contains("operation=patch")),
            "{search}"
        );
        let shown = b.eval(VISIBLE_STEPS);
        assert_eq!(shown, expected_steps(&book, &env, procedure), "{query}");
        for list in shown.as_array().expect("lists") {
            let numbers: Vec<&str> = list
                .as_array()
                .expect("list")
                .iter()
                .map(|s| s[1].as_str().expect("number"))
                .collect();
            let want: Vec<String> = (1..=numbers.len()).map(|n| format!("{n}.")).collect();
            assert_eq!(numbers, want);
        }
        b.screenshot(&format!("procedure-{procedure}"));
        let bar = b.eval("document.querySelector('[data-env-bar]').hidden");
        assert_eq!(bar, json!(false), "summary bar shown on procedure pages");

        // Without the query the stored environment still applies (once what the last
        // page stored has reached the browser: a file:// write can land after the next
        // page read its storage).
        b.reopen_keeping_storage(&file_url(&out.join(format!("{procedure}.html"))));
        assert_eq!(
            b.eval(VISIBLE_STEPS),
            expected_steps(&book, &env, procedure)
        );
    }
    // Something was actually hidden for MSCS patch from R12.6 (the R12.4.x-only DLL step).
    let all_steps = b.eval("document.querySelectorAll('[data-step]').length");
    let visible = b.eval(&format!("{VISIBLE_STEPS}.flat().length"));
    assert!(
        all_steps.as_u64() > visible.as_u64(),
        "{all_steps} > {visible}"
    );
    // Reset shows every step again.
    b.eval("document.querySelector('[data-env-reset]').click()");
    assert_eq!(b.eval(&format!("{VISIBLE_STEPS}.flat().length")), all_steps);
    assert_eq!(
        b.eval("document.documentElement.classList.contains('env-active')"),
        json!(false)
    );
}

fn env_value<'a>(spec: &'a str, facet: &str) -> &'a str {
    spec.split(',')
        .find_map(|kv| kv.strip_prefix(&format!("{facet}=")))
        .expect("facet in spec")
}

#[test]
fn runbook_ticks_survive_reload_and_make_no_request() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("unix-patch.html");
    tejun_in(
        &site_ja(),
        &[
            "runbook",
            ".",
            "--profile",
            "unix-patch",
            "--out",
            file.to_str().expect("utf-8 path"),
        ],
    );
    let url = file_url(&file);
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&url);
    // Every request is the file itself: no style sheet, script, font or image from elsewhere.
    let requested = b.requested_urls();
    assert!(!requested.is_empty(), "the network log saw the page load");
    for r in &requested {
        assert!(
            r == &url || r.starts_with("data:") || r.starts_with("blob:"),
            "the runbook requested {r}"
        );
    }
    let total = b
        .eval("document.querySelectorAll('li[data-seq]').length")
        .as_u64()
        .expect("count");
    assert!(total >= 8);
    assert_eq!(
        b.eval("document.querySelector('[data-progress-text]').textContent"),
        json!(format!("0 / {total}"))
    );

    b.eval("document.querySelectorAll('.step-check')[0].click()");
    // The first tick asks who is working (a modal dialog); this test does not say.
    b.eval(
        "(() => { const d = document.querySelector('[data-operator-dialog]'); \
         if (d && d.open) d.querySelector('[data-operator=skip]').click(); })()",
    );
    b.eval("document.querySelectorAll('.step-check')[2].click()");
    b.wait_for(&format!(
        "document.querySelector('[data-progress-text]').textContent === '2 / {total}'"
    ));
    // Loaded again once what the ticks saved has reached the browser's storage (file://
    // writes can land after an immediate reload has read it: see `Browser::reopen`).
    b.reopen_keeping_storage(&url);
    b.eval("document.querySelectorAll('.step-check')[2].scrollIntoView({block: 'center'})");
    b.screenshot("runbook-ticked");
    assert_eq!(
        b.eval("Array.from(document.querySelectorAll('.step-check')).map((c, i) => c.checked ? i : -1).filter(i => i >= 0)"),
        json!([0, 2]),
        "ticks survive a reload"
    );
    assert_eq!(
        b.eval("document.querySelector('[data-progress-text]').textContent"),
        json!(format!("2 / {total}"))
    );
    let width = b.eval("document.querySelector('[data-progress-bar]').style.width");
    assert_eq!(width, json!(format!("{}%", (200.0 / total as f64).round())));
    // Each tick shows when it was made.
    let times = b.eval(
        "Array.from(document.querySelectorAll('.ticked-at')).filter(t => !t.hidden).map(t => t.getAttribute('datetime'))",
    );
    let times = times.as_array().expect("times");
    assert_eq!(times.len(), 2);
    assert!(times
        .iter()
        .all(|t| t.as_str().is_some_and(|t| t.len() >= 20 && t.contains('T'))));
    // The log: a CSV row per step, with the tick time and content hash.
    let csv = b.eval("window.tejunRunbook.exportLog('csv')");
    let csv = csv.as_str().expect("csv");
    let lines: Vec<&str> = csv.trim_end().lines().collect();
    assert_eq!(
        lines[0].trim_start_matches('\u{feff}'),
        "seq,section,section_title,step,title,ticked_at,ticked_by,values,note,problems,hash"
    );
    assert_eq!(lines.len() as u64, total + 1);
    let first: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(first[0], "1");
    assert!(first[5].contains('T'), "{}", lines[1]);
    assert_eq!(first[10].len(), 16);
    let json_log = b.eval("JSON.parse(window.tejunRunbook.exportLog('json'))");
    assert_eq!(json_log["done"], json!(2));
    assert_eq!(
        json_log["environment"],
        json!("cluster=unix,operation=patch,from=R1.5,to=R2.0")
    );
    // Unticking is remembered too.
    b.eval("document.querySelectorAll('.step-check')[0].click()");
    b.reopen_keeping_storage(&url);
    assert_eq!(
        b.eval("document.querySelector('[data-progress-text]').textContent"),
        json!(format!("1 / {total}"))
    );
    // Still nothing but the file (and the export's blob URLs).
    for r in b.requested_urls() {
        assert!(
            r == url || r.starts_with("data:") || r.starts_with("blob:"),
            "the runbook requested {r}"
        );
    }
}

const HIT_LINKS: &str =
    "Array.from(document.querySelectorAll('#search-results a')).map(a => a.getAttribute('href'))";

#[test]
fn offline_search_finds_commands_from_file_url_and_respects_the_environment() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    tejun_in(
        &site_ja(),
        &["build", ".", "--out", out.to_str().expect("utf-8 path")],
    );
    let Some(mut b) = Browser::launch() else {
        return;
    };

    b.open(&file_url(&out.join("index.html")));
    b.type_into("#search-input", "regsvr32");
    b.wait_for("document.querySelectorAll('#search-results a').length");
    let links = b.eval(HIT_LINKS);
    let links: Vec<&str> = links
        .as_array()
        .expect("links")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(!links.is_empty());
    assert!(
        links
            .iter()
            .all(|l| l.starts_with("mscs-") && l.contains("#")),
        "{links:?}"
    );
    b.screenshot("search-regsvr32");
    // Without an environment the Japanese query below finds both clusters' steps.
    let both = search_answer(&mut b, "ローカルのサンプルサーバサービスを停止").to_string();
    assert!(
        both.contains("\"mscs-") && both.contains("\"unix-"),
        "{both}"
    );

    // Japanese, and an environment given by URL: UNIX only.
    b.open(&format!(
        "{}?cluster=unix",
        file_url(&out.join("index.html"))
    ));
    b.type_into("#search-input", "ローカルのサンプルサーバサービスを停止");
    b.wait_for("document.querySelectorAll('#search-results a').length");
    let links = b.eval(HIT_LINKS);
    let links: Vec<&str> = links
        .as_array()
        .expect("links")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        links.iter().all(|l| l.starts_with("unix-")),
        "UNIX environment, yet: {links:?}"
    );

    // A query made of symbols is searched as text, never an error: the box answers it
    // (no step has both words), and a phrase cut short finds its command.
    // No step has both words: the box says so and shows the steps with one of them.
    let shown = search_answer(&mut b, "C:\\nqs \"-ivh");
    assert!(
        shown.as_array().is_some_and(|a| !a.is_empty()
            && a.iter()
                .all(|l| l.as_str().is_some_and(|l| l.starts_with("unix-")))),
        "{shown}"
    );
    assert_eq!(
        b.eval("document.querySelector('#search-results .search-note').textContent"),
        json!("すべての語を含む手順はありません。一部の語を含む手順を表示しています。")
    );
    let shown = search_answer(&mut b, "xyzzyplugh");
    assert_eq!(shown, json!(["該当する手順はありません。"]));
    let links = search_answer(&mut b, "\"-ivh");
    let links: Vec<&str> = links
        .as_array()
        .expect("links")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        !links.is_empty()
            && links
                .iter()
                .all(|l| l.starts_with("unix-") && l.contains("#step-")),
        "{links:?}"
    );
}

/// Types `query` into the search box and waits for the box to answer it (what it showed
/// for the previous query is marked first, so an old answer cannot pass for this one);
/// returns the links of the hits, or the box's message when there are none.
fn search_answer(b: &mut Browser, query: &str) -> Value {
    // The box keeps its status line and list, and empties both for each answer.
    b.eval(
        "document.querySelector('#search-results .search-status').appendChild( \
         Object.assign(document.createElement('i'), {id: 'answer-before'}))",
    );
    b.type_into("#search-input", query);
    b.wait_for(
        "!document.getElementById('answer-before') && \
         !!document.querySelector('#search-results .search-hit, #search-results .search-empty')",
    );
    let shown = b.eval(&format!(
        "document.querySelector('#search-results .search-hit') ? {HIT_LINKS} : \
         [document.querySelector('#search-results .search-empty').textContent]"
    ));
    assert!(!shown.to_string().contains("Error"), "{query}: {shown}");
    shown
}

#[test]
fn a_filled_placeholder_shows_in_commands_on_every_page() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    tejun_in(
        &site_ja(),
        &["build", ".", "--out", out.to_str().expect("utf-8 path")],
    );
    let Some(mut b) = Browser::launch() else {
        return;
    };

    b.open(&file_url(&out.join("mscs-upgrade.html")));
    assert_eq!(
        b.eval("document.querySelector('[data-values-panel]').hidden"),
        json!(false)
    );
    // A value that fails the pattern (a Windows path) is refused and stays unfilled.
    b.type_into("#ph-install_path", "relative\\path");
    assert_eq!(
        b.eval("document.querySelector('#ph-install_path').getAttribute('aria-invalid')"),
        json!("true")
    );
    assert_eq!(
        b.eval("document.querySelector('.ph[data-ph=install_path]').textContent"),
        json!("[インストールパス]")
    );
    b.type_into("#ph-install_path", "D:\\Sample\\SV");
    assert_eq!(
        b.eval(
            "document.querySelector('.ph[data-ph=install_path]').classList.contains('ph-filled')"
        ),
        json!(true)
    );

    // Another page that uses it shows the value after navigation, in the text a copy takes
    // (opened again until the values saved on leaving have reached it: file:// storage).
    assert_eq!(
        b.eval("Object.keys(localStorage).some(k => k.startsWith('tejun-values:'))"),
        json!(true),
        "the value typed is kept"
    );
    b.reopen_keeping_storage(&file_url(&out.join("mscs-patch.html")));
    let copied = b.eval(
        "(() => { const ph = document.querySelector('.cmd .ph[data-ph=install_path]'); \
         const block = ph.closest('.cmd'); \
         return Array.from(block.querySelectorAll('.cmd-text')).map(l => l.textContent).join('\\n'); })()",
    );
    assert!(
        copied
            .as_str()
            .is_some_and(|c| c.contains("copy D:\\Sample\\SV\\bin\\SampleCluster.vbs")),
        "{copied}"
    );
    // The shared-disk value is still unfilled: the copy button warns.
    assert_eq!(
        b.eval("!!document.querySelector('.cmd .ph[data-ph=shared_disk]:not(.ph-filled)')"),
        json!(true)
    );
    b.screenshot("placeholder-filled");
}

#[test]
fn a_tick_on_a_step_that_changed_since_is_flagged() {
    let book = Book::fixture("site-ja");
    let file = book.tmp().join("unix-patch.html");
    let make = || {
        tejun(&[
            "runbook",
            book.to_str().expect("utf-8"),
            "--profile",
            "unix-patch",
            "--out",
            file.to_str().expect("utf-8"),
        ])
    };
    make();
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&file_url(&file));
    b.eval("{ const boxes = document.querySelectorAll('.step-check'); boxes[0].click(); boxes[1].click(); }");
    let first_id = b.eval("document.querySelectorAll('li[data-seq] > .step-title')[0].id");
    assert_eq!(
        b.eval("document.querySelectorAll('.step-changed').length"),
        json!(0)
    );

    // A newer runbook changes the first step's text (the shared SAMPLE_SITE check).
    book.edit(
        "content/_steps/check-site-unix.toml",
        "サンプルサーバの管理者でログインします。",
        "サンプルサーバの管理者(root以外)でログインします。",
    );
    make();
    // Opened again once the ticks it saved have reached the browser: a file:// page's
    // storage write can come after an immediate reload has read its storage, and a reload
    // that came too soon would save its empty ticks over them.
    b.reopen_keeping_storage(&file_url(&file));
    b.wait_for("document.querySelectorAll('li.step-changed').length");
    assert_eq!(
        b.eval("document.querySelectorAll('.step-check:checked').length"),
        json!(2),
        "the ticks survive the newer runbook"
    );
    assert_eq!(
        b.eval(
            "Array.from(document.querySelectorAll('li.step-changed > .step-title')).map(h => h.id)"
        ),
        json!([first_id]),
        "only the changed step is flagged"
    );
    assert_eq!(
        b.eval("document.querySelectorAll('.step-changed-note').length"),
        json!(1)
    );
    b.screenshot("runbook-changed-step");
}

/// The book at `book` built into a temporary folder: (the folder, the site in it).
fn built_site(book: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    tejun_in(
        book,
        &["build", ".", "--out", out.to_str().expect("utf-8 path")],
    );
    (tmp, out)
}

/// The command of the first `cmd` part of one of site-ja's reusable steps, as written.
fn command_of_step(file: &str) -> String {
    let path = site_ja().join("content/_steps").join(file);
    let text = std::fs::read_to_string(&path).expect("step file");
    let step: toml::Value = toml::from_str(&text).expect("step toml");
    let cmd = step["part"]
        .as_array()
        .expect("parts")
        .iter()
        .find_map(|p| p.get("cmd").and_then(toml::Value::as_str))
        .unwrap_or_else(|| panic!("no cmd part in {}", path.display()));
    cmd.trim_end_matches('\n').to_string()
}

#[test]
fn the_copy_button_copies_exactly_the_command() {
    let (_tmp, out) = built_site(&site_ja());
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.allow_clipboard();
    b.open(&file_url(&out.join("mscs-upgrade.html")));

    // Three Windows lines, with `%`, `\` and quotes; each shown after a `> ` prompt.
    let want = command_of_step("unregister-resource-dll.toml");
    assert_eq!(want.lines().count(), 3, "{want}");
    // Something else on the clipboard first, so a copy that does nothing cannot pass.
    b.eval("navigator.clipboard.writeText('not the command')");
    assert_eq!(
        b.eval("navigator.clipboard.readText()"),
        json!("not the command"),
        "the clipboard works in this browser"
    );
    // The block that shows those lines (and no other); its button's labels are recorded.
    let found = b.eval(&format!(
        r#"(() => {{
  const want = {lines};
  const blocks = Array.from(document.querySelectorAll('.cmd')).filter(c => {{
    const shown = Array.from(c.querySelectorAll('pre .line')).map(l => l.textContent);
    return shown.length === want.length && shown.every((l, i) => l === '> ' + want[i]);
  }});
  if (blocks.length === 0) return null;
  const button = blocks[0].querySelector('button.copy');
  button.id = 'copy-under-test';
  window.__labels = [];
  new MutationObserver(() => window.__labels.push(
      [button.textContent, button.classList.contains('done'), button.classList.contains('warn')]))
    .observe(button, {{childList: true, characterData: true, subtree: true, attributes: true}});
  return button.textContent;
}})()"#,
        lines = json!(want.lines().collect::<Vec<_>>())
    ));
    assert_eq!(
        found,
        json!("コピー"),
        "a command block showing `> ` before each line of {want:?}"
    );

    b.click("#copy-under-test");
    // The button says it copied (for a moment) ...
    b.wait_for("window.__labels.some(([label, done, warn]) => label === 'コピーしました' && done && !warn)",
    );
    // ... and the clipboard holds the command: no prompts, nothing before or after.
    assert_eq!(b.eval("navigator.clipboard.readText()"), json!(want));
    // Then the label comes back.
    b.wait_for(
        "(() => { const b = document.querySelector('#copy-under-test'); \
         return b.textContent === 'コピー' && !b.classList.contains('done'); })()",
    );
    b.screenshot("copy-button");
}

/// Text of the first element `selector` matches, its white space collapsed.
fn text_of(b: &mut Browser, selector: &str) -> Value {
    b.eval(&format!(
        "(() => {{ const el = document.querySelector({sel}); \
         return el && el.textContent.replace(/\\s+/g, ' ').trim(); }})()",
        sel = json!(selector)
    ))
}

/// An xref link's (text, data-number, href) on the current page.
fn xref(b: &mut Browser, selector: &str) -> (String, String, String) {
    let v = b.eval(&format!(
        "(() => {{ const a = document.querySelector({sel}); \
         return a && [a.textContent.replace(/\\s+/g, ' ').trim(), a.getAttribute('data-number'), a.href]; }})()",
        sel = json!(selector)
    ));
    let s = |i: usize| {
        v[i].as_str()
            .unwrap_or_else(|| panic!("no cross-reference `{selector}`: {v}"))
            .to_string()
    };
    (s(0), s(1), s(2))
}

#[test]
fn cross_references_lead_to_their_target() {
    let (_tmp, out) = built_site(repo());
    let Some(mut b) = Browser::launch() else {
        return;
    };

    // A procedure on another page, its number and title filled in as the link's text.
    b.open(&file_url(&out.join("unix-patch.html")));
    let link = "article a.xref[href='unix-rolling-patch.html']";
    let (text, number, href) = xref(&mut b, link);
    assert_eq!(text, "3.3 ローリングアップデートによるパッチ適用");
    assert_eq!(number, "3.3");
    b.navigate_by(&format!("document.querySelector({}).click()", json!(link)));
    assert_eq!(b.eval("location.href"), json!(href));
    let path = b.eval("location.pathname");
    assert!(
        path.as_str()
            .is_some_and(|p| p.ends_with("/unix-rolling-patch.html")),
        "{path}"
    );
    assert_eq!(
        b.eval("document.querySelector('article.procedure').getAttribute('data-procedure')"),
        json!("unix-rolling-patch")
    );
    assert_eq!(text_of(&mut b, "article.procedure h1"), json!(text));
    assert_eq!(text_of(&mut b, "article.procedure h1 .num"), json!(number));

    // A step on the same page, linked by its title: the page scrolls to it.
    let link = "article a.xref[href='unix-rolling-patch.html#step-stop-local']";
    let (text, number, href) = xref(&mut b, link);
    assert!(
        href.ends_with("/unix-rolling-patch.html#step-stop-local"),
        "{href}"
    );
    assert_eq!(b.eval("window.scrollY"), json!(0));
    b.eval(&format!("document.querySelector({}).click()", json!(link)));
    b.wait_for("location.hash === '#step-stop-local'");
    assert_eq!(b.eval("location.href"), json!(href));
    assert_eq!(
        b.eval("(() => { const t = document.getElementById('step-stop-local'); return t && t.matches('li.step[data-step=\"stop-local\"] > .step-title'); })()"),
        json!(true),
        "the target is the step's title"
    );
    let heading = text_of(&mut b, "#step-stop-local");
    assert_eq!(heading, json!(format!("{number}. {text}")));
    assert_eq!(
        text_of(&mut b, "#step-stop-local .step-num"),
        json!(format!("{number}."))
    );
    let top = b.eval("document.getElementById('step-stop-local').getBoundingClientRect().top");
    let top = top.as_f64().expect("top");
    let height = b.eval("window.innerHeight").as_f64().expect("height");
    assert!(
        (-2.0..height / 3.0).contains(&top),
        "the step is at the top of the window after following the link: top {top} of {height}"
    );
    b.screenshot("xref-step");

    // A section on another page (the fixture book): path, hash, the section's heading.
    let fixture = tempfile::tempdir().expect("tempdir");
    let site = fixture.path().join("site");
    tejun(&[
        "build",
        "tests/fixtures/site-basic",
        "--out",
        site.to_str().expect("utf-8 path"),
    ]);
    b.open(&file_url(&site.join("beta.html")));
    let link = "a.xref[href='alpha.html#sec-prep']";
    let (text, number, href) = xref(&mut b, link);
    assert_eq!(text, "1.1.1 Preparation");
    b.navigate_by(&format!("document.querySelector({}).click()", json!(link)));
    assert_eq!(b.eval("location.href"), json!(href));
    assert!(b
        .eval("location.pathname")
        .as_str()
        .is_some_and(|p| p.ends_with("/alpha.html")));
    assert_eq!(b.eval("location.hash"), json!("#sec-prep"));
    assert_eq!(
        b.eval("(() => { const t = document.getElementById('sec-prep'); return t && t.matches('section.section > h2'); })()"),
        json!(true),
        "the target is the section's heading"
    );
    assert_eq!(text_of(&mut b, "#sec-prep"), json!(text));
    assert_eq!(text_of(&mut b, "#sec-prep .num"), json!(number));
}

#[test]
fn a_served_page_reloads_by_itself_after_an_edit_and_keeps_its_place() {
    let book = Book::fixture("site-basic");
    let serve = Server::start(&book, &[]);
    let Some(mut b) = Browser::launch() else {
        return;
    };
    // A short window, so that even this small page scrolls.
    b.set_viewport(1000, 320, false);
    let url = serve.url("/alpha.html");
    b.open(&url);
    const BODY: &str = "document.body ? document.body.innerText : ''";
    let body = b.eval(BODY);
    assert!(
        body.as_str().is_some_and(|t| t.contains("Run the check.")),
        "{body}"
    );
    let room = b
        .eval("document.documentElement.scrollHeight - window.innerHeight")
        .as_f64()
        .expect("scroll room");
    assert!(
        room >= 100.0,
        "the page must scroll for its place to be kept: {room} px"
    );
    // Chromium restores the scroll position of a reloaded page by itself; turned off, what
    // brings the reader back is the reload script's own restore.
    b.eval("history.scrollRestoration = 'manual'");
    b.eval(&format!("window.scrollTo(0, {})", (room / 2.0).round()));
    let y = b.eval("window.scrollY").as_f64().expect("scrollY");
    assert!(y >= 50.0, "the page scrolled: {y}");

    book.edit(
        "content/01-first/01-alpha.toml",
        "Run the check.",
        "Run the check twice (edited).",
    );

    // The page shows the new text without the test doing anything.
    let deadline = Duration::from_secs(60);
    let body = b.poll(BODY, deadline, |v| {
        v.as_str()
            .is_some_and(|t| t.contains("Run the check twice (edited)."))
    });
    assert!(
        body.as_str()
            .is_some_and(|t| t.contains("Run the check twice (edited).")),
        "the open page never showed the edit: {body}"
    );
    assert_eq!(b.eval("location.href"), json!(url));
    let now = b.poll("window.scrollY", deadline, |v| {
        v.as_f64().is_some_and(|now| (now - y).abs() <= 2.0)
    });
    assert!(
        now.as_f64().is_some_and(|now| (now - y).abs() <= 2.0),
        "scroll position kept across the reload: was {y}, now {now}"
    );
    b.screenshot("serve-reloaded");
}

/// Where the screenshots go: `target/screenshots/` (under `CARGO_TARGET_DIR` when set).
fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    repo().join(target).join("screenshots")
}

/// Width and height from a PNG's header, after checking its signature and its end.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG signature");
    assert_eq!(&png[12..16], b"IHDR", "the first chunk is IHDR");
    assert_eq!(
        &png[png.len() - 8..png.len() - 4],
        b"IEND",
        "ends with IEND"
    );
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes"));
    (be(16), be(20))
}

/// Decodes a PNG in the page (an `<img>` drawn on a canvas) and returns
/// [width, height, distinct colours, share of pixels unlike the commonest colour].
const PNG_STATS: &str = r#"(async (data) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + data;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.naturalWidth;
  c.height = img.naturalHeight;
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  const count = new Map();
  for (let i = 0; i < d.length; i += 4) {
    const k = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
    count.set(k, (count.get(k) || 0) + 1);
  }
  const top = Math.max(...count.values());
  const pixels = d.length / 4;
  return [c.width, c.height, count.size, (pixels - top) / pixels];
})"#;

/// Takes a screenshot, writes it as `dir/name.png`, and checks it is a `width` × `height`
/// PNG with something drawn on it.
fn shoot(b: &mut Browser, dir: &Path, name: &str, width: u32, height: u32) {
    let data = b.capture_png_base64();
    let png = base64_decode(&data);
    let file = dir.join(format!("{name}.png"));
    std::fs::write(&file, &png).expect("write png");
    assert_eq!(png_size(&png), (width, height), "{}", file.display());
    assert!(
        png.len() > 8 * 1024,
        "{}: only {} bytes",
        file.display(),
        png.len()
    );
    let stats = b.eval(&format!("{PNG_STATS}({})", json!(data)));
    assert_eq!(stats[0], json!(width), "{}: {stats}", file.display());
    assert_eq!(stats[1], json!(height), "{}: {stats}", file.display());
    let colours = stats[2].as_u64().expect("colours");
    let ink = stats[3].as_f64().expect("ink");
    assert!(
        colours >= 16 && ink > 0.01,
        "{} looks blank: {colours} colours, {:.2}% of pixels off the background",
        file.display(),
        ink * 100.0
    );
}

#[test]
fn screenshots_at_desktop_and_phone_widths_show_pages_that_fit() {
    let (_tmp, out) = built_site(repo());
    let dir = screenshots_dir();
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let procedure = "mscs-upgrade-x64-r12-8.html";

    b.set_viewport(1280, 800, false);
    for (page, name) in [
        ("index.html", "desktop-home"),
        (procedure, "desktop-procedure"),
        ("print.html", "desktop-print"),
    ] {
        b.open(&file_url(&out.join(page)));
        b.eval("document.fonts.ready.then(() => true)");
        shoot(&mut b, &dir, name, 1280, 800);
    }

    // A phone: the page fits its width, nothing to scroll sideways.
    b.set_viewport(375, 812, true);
    b.open(&file_url(&out.join(procedure)));
    b.eval("document.fonts.ready.then(() => true)");
    // A phone widens its layout viewport to content that overflows, so innerWidth is
    // checked too, against the phone's width.
    let fit = b.eval("[document.documentElement.scrollWidth, window.innerWidth]");
    assert_eq!(fit[1], json!(375), "innerWidth at 375 px: {fit}");
    assert!(
        fit[0].as_u64() <= fit[1].as_u64(),
        "{procedure} at 375 px scrolls sideways: scrollWidth {} > innerWidth {}",
        fit[0],
        fit[1]
    );
    shoot(&mut b, &dir, "phone-procedure", 375, 812);
}

// Two product bugs found while writing the tests above (both fixed), kept as regressions.

#[test]
fn the_copy_button_label_comes_back_after_two_quick_clicks() {
    let (_tmp, out) = built_site(&site_ja());
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.allow_clipboard();
    b.open(&file_url(&out.join("mscs-upgrade.html")));
    b.eval("document.querySelector('.cmd button.copy').id = 'copy-under-test'");
    b.eval(TRACK_FEEDBACK_TIMERS);
    b.click("#copy-under-test");
    b.wait_for("document.querySelector('#copy-under-test').textContent === 'コピーしました'");
    // A second click while it still says so (a double click, or copying again).
    b.click("#copy-under-test");
    // Both clicks' feedback has had its time: each set its timer, and every one has run
    // or was cancelled. Then the label is the resting one, for good.
    b.wait_for(
        "window.__feedback.length === 2 && window.__feedback.every(t => t.ran || t.cleared)",
    );
    assert_eq!(
        b.eval("document.querySelector('#copy-under-test').textContent"),
        json!("コピー"),
        "the button keeps saying it copied"
    );
}

/// Records, in `window.__feedback`, every timer of a second or more the page sets from
/// now on (the copy button's feedback ends on one) and whether it ran or was cancelled.
const TRACK_FEEDBACK_TIMERS: &str = r#"(() => {
  window.__feedback = [];
  const set = window.setTimeout, clear = window.clearTimeout;
  window.setTimeout = (fn, ms, ...args) => {
    if (!(ms >= 1000)) return set(fn, ms, ...args);
    const t = { ms, ran: false, cleared: false };
    t.id = set(() => { t.ran = true; fn(...args); }, ms);
    window.__feedback.push(t);
    return t.id;
  };
  window.clearTimeout = id => {
    window.__feedback.filter(t => t.id === id).forEach(t => { t.cleared = true; });
    clear(id);
  };
})()"#;

#[test]
fn the_values_panel_fits_a_phone() {
    let (_tmp, out) = built_site(&site_ja());
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.set_viewport(375, 812, true);
    b.open(&file_url(&out.join("unix-patch.html")));
    b.click("[data-values-panel] > summary");
    b.wait_for("document.querySelector('[data-values-panel]').open");
    // (A phone widens its layout viewport to content that overflows: compare with 375.)
    let fit = b.eval(
        "[document.documentElement.scrollWidth, window.innerWidth, \
         Math.max(...Array.from(document.querySelectorAll('[data-values-panel] input')) \
           .map(i => Math.ceil(i.getBoundingClientRect().right)))]",
    );
    assert!(
        fit.as_array()
            .expect("widths")
            .iter()
            .all(|w| w.as_u64().is_some_and(|w| w <= 375)),
        "with 値の入力 open at 375 px: [scrollWidth, innerWidth, rightmost input edge] = {fit}"
    );
}

/// A copy of the `site-basic` fixture book with `extra` files (path, text) added.
fn fixture_book(extra: &[(&str, &str)]) -> Book {
    let book = Book::fixture("site-basic");
    for (path, text) in extra {
        book.write(path, text);
    }
    book
}

/// Step titles a spreadsheet would take for formulas.
const FORMULA_TITLES: &str = r#"title = "Formulas"

[[section]]
id = "s"
title = "S"

[[section.step]]
title = '=HYPERLINK("http://evil.example/","open")'
body = "One."

[[section.step]]
title = "+1+cmd|' /C calc'!A0"
body = "Two."

[[section.step]]
title = "-2+3"
body = "Three."

[[section.step]]
title = "@SUM(A1:A2)"
body = "Four."
"#;

#[test]
fn runbook_csv_export_writes_no_live_formula() {
    let book = fixture_book(&[("content/01-first/03-formulas.toml", FORMULA_TITLES)]);
    let file = book.tmp().join("rb.html");
    tejun(&[
        "runbook",
        book.to_str().expect("utf-8"),
        "--env",
        "os=windows",
        "--out",
        file.to_str().expect("utf-8"),
    ]);
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&file_url(&file));
    let csv = b.eval("window.tejunRunbook.exportLog('csv')");
    let titles: Vec<String> = csv
        .as_str()
        .expect("csv")
        .lines()
        .skip(1)
        .map(|row| {
            // seq,section,section_title,step,title,…: the title is the fifth cell, quoted
            // when it must be.
            let cells: Vec<&str> = row.splitn(5, ',').collect();
            cells[4].to_string()
        })
        .filter(|rest| !rest.starts_with("Check"))
        .collect();
    let want = [
        "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"open\"\")\"",
        "'+1+cmd|' /C calc'!A0",
        "'-2+3",
        "'@SUM(A1:A2)",
    ];
    for (title, want) in titles.iter().zip(want) {
        assert!(title.starts_with(want), "{title} should start with {want}");
    }
    assert_eq!(titles.len(), 4, "{titles:?}");
}

#[test]
fn a_runbook_with_remote_images_makes_no_request() {
    let book = fixture_book(&[(
        "content/01-first/03-pics.toml",
        "title = \"Pictures\"\n\n[[section]]\nid = \"s\"\ntitle = \"S\"\n\n\
             [[section.step]]\ntitle = \"Look\"\n\
             body = '''\n![diagram](https://img.example.com/d.png) ![local](pics/l.png)\n'''\n",
    )]);
    let file = book.tmp().join("rb.html");
    tejun(&[
        "runbook",
        book.to_str().expect("utf-8"),
        "--env",
        "os=windows",
        "--out",
        file.to_str().expect("utf-8"),
    ]);
    let url = file_url(&file);
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&url);
    let requested = b.requested_urls();
    assert!(!requested.is_empty(), "the network log saw the page load");
    for r in &requested {
        assert!(
            r == &url || r.starts_with("data:"),
            "the runbook requested {r}"
        );
    }
    assert_eq!(
        b.eval("document.querySelector('a.image-link').getAttribute('href')"),
        json!("https://img.example.com/d.png")
    );
    // The policy leaves the runbook's own script working.
    b.eval("document.querySelector('.step-check').click()");
    assert_eq!(
        b.eval(
            "document.querySelector('[data-progress-text]').textContent === \
             '1 / ' + document.querySelectorAll('li[data-seq]').length"
        ),
        json!(true)
    );
}

#[test]
fn a_malformed_hash_with_a_highlight_leaves_search_working() {
    let book = fixture_book(&[]);
    let out = book.tmp().join("site");
    tejun(&[
        "build",
        book.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.open(&format!(
        "{}?hl=x#%E0%A4%A",
        file_url(&out.join("alpha.html"))
    ));
    b.type_into("#search-input", "systemctl");
    b.wait_for("document.querySelectorAll('#search-results a').length");
    // A well-formed arrival still marks the query in its target.
    b.open(&format!(
        "{}?hl=systemctl#step-check",
        file_url(&out.join("alpha.html"))
    ));
    assert!(
        b.eval("document.querySelectorAll('mark.search-hl').length")
            .as_u64()
            .is_some_and(|n| n > 0),
        "the highlight still works"
    );
}

/// The picker asks only what applies: a facet that means something on Windows only is
/// hidden for Linux (and its value dropped), and a target version older than the current
/// one cannot be chosen (the option is disabled, titled with the rule's words).
#[test]
fn the_picker_hides_facets_that_do_not_apply_and_disables_impossible_values() {
    let book = Book::fixture("site-basic");
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        format!(
            "{toml}\n[[facet]]\nid = \"to\"\nlabel = \"Target version\"\nkind = \"version\"\n\
             known = [\"R1.0\", \"R2.0\"]\n\n\
             [[facet]]\nid = \"arch\"\nlabel = \"Architecture\"\nwhen = \"os = windows\"\n\
             values = [{{ id = \"x64\", label = \"x64\" }}, {{ id = \"arm\", label = \"Arm\" }}]\n\n\
             [[rule]]\nwhen = \"to >= from\"\nlabel = \"No downgrade\"\n"
        ),
    );
    book.run(["build", "."]).assert_ok();
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let index = book.join("book/index.html");
    b.open(&format!("{}?os=linux&arch=arm&from=R2.0", file_url(&index)));
    b.wait_for("!!document.querySelector('#env-to')");
    let state = b.eval(
        "({ arch: document.querySelector('[data-env-facet=arch]').hidden, \
            archValue: document.querySelector('#env-arch').value, \
            old: document.querySelector('#env-to option[value=\"R1.0\"]').disabled, \
            oldTitle: document.querySelector('#env-to option[value=\"R1.0\"]').title, \
            same: document.querySelector('#env-to option[value=\"R2.0\"]').disabled })",
    );
    assert_eq!(state["arch"], json!(true), "{state}");
    assert_eq!(state["archValue"], json!(""), "{state}");
    assert_eq!(state["old"], json!(true), "{state}");
    assert_eq!(state["oldTitle"], json!("No downgrade"), "{state}");
    assert_eq!(state["same"], json!(false), "{state}");
    // Windows: the architecture is asked.
    b.eval("var s = document.querySelector('#env-os'); s.value = 'windows'; s.dispatchEvent(new Event('change', { bubbles: true }))");
    let shown = b.eval("document.querySelector('[data-env-facet=arch]').hidden");
    assert_eq!(shown, json!(false));
}
