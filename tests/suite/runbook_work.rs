//! The runbook as the operator's work tool, in real headless Chromium from file://, on
//! site-ja's UNIX patch runbook and on a kubeadm profile's: progress that stays on screen,
//! the next unticked step by button and key (never while typing), reopening where the
//! operator was, a note per step, the values panel asking only for what the runbook uses,
//! copy that warns about unfilled values and never sticks, the log (local time with its
//! offset, titles, values, notes, who ticked), the printed record, two copies' logs merged,
//! axe-core light and dark, a keyboard-only pass, and a 375 px phone.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::harness::cdp::{base64_decode, file_url, Browser, TIMEOUT};
use crate::harness::{fixture_dir, repo, Tejun};

/// The runbooks under test: (book folder, profile).
fn runbooks() -> [(PathBuf, &'static str); 2] {
    [
        (fixture_dir("site-ja"), "unix-patch"),
        (
            repo().join("examples/kubeadm"),
            "ubuntu-calico-stacked-v1-29-to-v1-30",
        ),
    ]
}

/// Writes `profile`'s runbook of `book` into `dir`; its path.
fn write_runbook(book: &Path, profile: &str, dir: &Path) -> PathBuf {
    let file = dir.join(format!("{profile}.html"));
    Tejun::new(book)
        .args(["runbook", ".", "--profile", profile, "--out"])
        .arg(&file)
        .run()
        .assert_ok();
    file
}

/// Every runbook under test, written into `dir`, as file:// URLs.
fn urls(dir: &Path) -> Vec<String> {
    runbooks()
        .iter()
        .map(|(book, profile)| file_url(&write_runbook(book, profile, dir)))
        .collect()
}

/// The words of the runbook open in `b` (`TEJUN_RUNBOOK.strings`).
fn word(b: &mut Browser, key: &str) -> String {
    let v = b.eval(&format!("window.TEJUN_RUNBOOK.strings[{}]", json!(key)));
    v.as_str()
        .unwrap_or_else(|| panic!("no word {key}"))
        .to_string()
}

/// Presses `key` as a keyboard does (`text`: the character it types, if any), with
/// `modifiers` (8: Shift).
fn press(b: &mut Browser, key: &str, code: u32, text: &str, modifiers: u32) {
    let kind = if text.is_empty() {
        "rawKeyDown"
    } else {
        "keyDown"
    };
    for (kind, text) in [(kind, text), ("keyUp", "")] {
        b.call(
            "Input.dispatchKeyEvent",
            json!({"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code,
                   "text": text, "modifiers": modifiers}),
        );
    }
}

/// The index (in document order) of the step holding the focus, or -1.
const FOCUSED_STEP: &str = "(() => { const li = document.activeElement && \
    document.activeElement.closest('li[data-seq]'); \
    return li ? Array.from(document.querySelectorAll('li[data-seq]')).indexOf(li) : -1; })()";

/// Ticks step `i` (from 0) by clicking its box.
fn tick(b: &mut Browser, i: usize) {
    b.eval(&format!(
        "document.querySelectorAll('li[data-seq] .step-check')[{i}].click()"
    ));
}

/// Closes the operator dialog if it is open, giving `name` (or none).
fn answer_operator(b: &mut Browser, name: &str) {
    b.eval(&format!(
        "(() => {{ const d = document.querySelector('[data-operator-dialog]'); if (!d.open) return; \
         d.querySelector('input').value = {n}; \
         d.querySelector('[data-operator={v}]').click(); }})()",
        n = json!(name),
        v = if name.is_empty() { "skip" } else { "save" }
    ));
}

/// The step with a command that uses a placeholder: (its index, the placeholder's id,
/// its example value).
fn step_with_value(b: &mut Browser) -> (usize, String, String) {
    let v = b.eval(
        "(() => { const ph = document.querySelector('li[data-seq] .cmd .ph[data-ph]'); \
         const li = ph.closest('li[data-seq]'); const id = ph.getAttribute('data-ph'); \
         return [Array.from(document.querySelectorAll('li[data-seq]')).indexOf(li), id, \
           window.TEJUN.placeholders.find(p => p.id === id).example]; })()",
    );
    (
        v[0].as_u64().expect("index") as usize,
        v[1].as_str().expect("id").to_string(),
        v[2].as_str().expect("example").to_string(),
    )
}

/// How far the top of step `i` is below the bottom of the progress bar, in CSS pixels.
fn below_bar(b: &mut Browser, i: usize) -> f64 {
    b.eval(&gap_below_bar(i)).as_f64().expect("pixels")
}

/// The expression [`below_bar`] evaluates.
fn gap_below_bar(i: usize) -> String {
    format!(
        "document.querySelectorAll('li[data-seq]')[{i}].getBoundingClientRect().top - \
         document.querySelector('[data-status]').getBoundingClientRect().bottom"
    )
}

#[test]
fn progress_stays_on_screen_down_to_the_last_step() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(mut b) = Browser::launch() else {
        return;
    };
    for (width, height) in [(1280, 900), (375, 812)] {
        b.set_viewport(width, height, width < 400);
        for url in urls(tmp.path()) {
            b.open(&url);
            tick(&mut b, 0);
            answer_operator(&mut b, "");
            b.eval("window.scrollTo(0, document.documentElement.scrollHeight)");
            let bar = b.eval(
                "(() => { const r = document.querySelector('[data-status]').getBoundingClientRect(); \
                 return [r.top, r.bottom, document.querySelector('[data-progress-text]').textContent]; })()",
            );
            assert_eq!(
                bar[0],
                json!(0),
                "{width}px {url}: the bar is at the top: {bar}"
            );
            assert!(
                bar[1].as_f64().is_some_and(|h| h < height as f64 / 5.0),
                "{width}px {url}: the bar takes a fifth of the screen at most: {bar}"
            );
            assert!(
                bar[2].as_str().is_some_and(|t| t.starts_with("1 / ")),
                "{bar}"
            );
            b.eval("localStorage.clear()");
        }
    }
}

#[test]
fn next_unticked_step_by_button_and_key_but_never_while_typing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(mut b) = Browser::launch() else {
        return;
    };
    for url in urls(tmp.path()) {
        b.open(&url);
        tick(&mut b, 0);
        answer_operator(&mut b, "");
        tick(&mut b, 1);
        b.eval("document.activeElement.blur(); window.scrollTo(0, 0)");
        // From the top of the page, the key goes to the first unticked step: the third.
        press(&mut b, "n", 78, "", 0);
        assert_eq!(b.eval(FOCUSED_STEP), json!(2), "{url}");
        assert_eq!(
            b.eval("document.activeElement.classList.contains('step-check')"),
            json!(true)
        );
        let gap = below_bar(&mut b, 2);
        assert!(
            (0.0..40.0).contains(&gap),
            "{url}: step 3 under the bar: {gap}"
        );
        // Typing an `n` into a note types it, and moves nothing.
        b.eval("document.querySelectorAll('.step-note')[2].open = true; document.querySelectorAll('.step-note-input')[2].focus()");
        press(&mut b, "n", 78, "n", 0);
        assert_eq!(
            b.eval("document.activeElement.classList.contains('step-note-input') && document.activeElement.value"),
            json!("n"),
            "{url}"
        );
        // The button: every step but the last ticked, it goes to the last.
        let total = b
            .eval("document.querySelectorAll('li[data-seq]').length")
            .as_u64()
            .expect("count") as usize;
        for i in 2..total - 1 {
            tick(&mut b, i);
        }
        b.click("[data-next]");
        assert_eq!(b.eval(FOCUSED_STEP), json!(total - 1), "{url}");
        tick(&mut b, total - 1);
        b.click("[data-next]");
        let done = word(&mut b, "allTicked");
        assert_eq!(
            b.eval("document.querySelector('[data-live]').textContent"),
            json!(done)
        );
        b.eval("localStorage.clear()");
    }
}

#[test]
fn reopening_returns_to_where_the_operator_was() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(mut b) = Browser::launch() else {
        return;
    };
    for url in urls(tmp.path()) {
        b.open(&url);
        let id = b.eval("document.querySelectorAll('li[data-seq] > .step-title')[6].id");
        b.eval(
            "(() => { const li = document.querySelectorAll('li[data-seq]')[6]; \
             const bar = document.querySelector('[data-status]').getBoundingClientRect().height; \
             window.scrollTo(0, window.scrollY + li.getBoundingClientRect().top - bar); })()",
        );
        b.wait_for(&format!(
            "Object.keys(localStorage).some(k => k.endsWith(':place') && \
             JSON.parse(localStorage.getItem(k)).step === {id})"
        ));
        // Opened again (a new visit, not a reload): step 7 at the top, its box focused.
        let place = b.eval("Object.keys(localStorage).find(k => k.endsWith(':place'))");
        b.reopen(&url, &[place.as_str().expect("the place is kept")]);
        // The place is restored once the page is laid out: under load, a frame or two
        // after the load event the test waits for.
        let settled = b.poll(
            &format!("[{}, {FOCUSED_STEP}]", gap_below_bar(6)),
            std::time::Duration::from_secs(5),
            |v| v[0].as_f64().is_some_and(|g| g.abs() < 2.0) && v[1] == json!(6),
        );
        let gap = settled[0].as_f64().expect("pixels");
        assert!(gap.abs() < 2.0, "{url}: step 7 is {gap}px below the bar");
        assert_eq!(settled[1], json!(6), "{url}: step 7's box has the focus");
        // A link to a step wins over the last visit.
        let first = b.eval("document.querySelectorAll('li[data-seq] > .step-title')[0].id");
        b.open("about:blank");
        b.open(&format!("{url}#{}", first.as_str().expect("id")));
        let gap = below_bar(&mut b, 0);
        assert!((0.0..100.0).contains(&gap), "{url}: step 1 shown: {gap}");
        b.eval("localStorage.clear()");
    }
}

/// The placeholder ids the values panel asks for, and those the runbook's steps use.
const PANEL_AND_USED: &str = "[Array.from(document.querySelectorAll('[data-values-form] input')).map(i => i.name).sort(), \
    Array.from(new Set(Array.from(document.querySelectorAll('main .ph[data-ph]')).map(p => p.getAttribute('data-ph')))).sort()]";

#[test]
fn the_values_panel_asks_only_for_what_the_runbook_uses() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let all = urls(tmp.path());
    let (ja, kubeadm) = (&all[0], &all[1]);
    b.open(ja);
    assert_eq!(
        b.eval(PANEL_AND_USED),
        json!([["patch_version"], ["patch_version"]]),
        "site-ja declares five values; UNIX patching uses one"
    );
    b.open(kubeadm);
    let v = b.eval(PANEL_AND_USED);
    assert_eq!(v[0], v[1], "kubeadm");
    let declared = crate::harness::load(&repo().join("examples/kubeadm"))
        .config
        .placeholders
        .len();
    let asked = v[0].as_array().expect("ids").len();
    assert!(asked > 0 && asked < declared, "{asked} of {declared}");
}

#[test]
fn copy_warns_while_a_value_is_unfilled_and_never_sticks_on_copied() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.allow_clipboard();
    for url in urls(tmp.path()) {
        b.open(&url);
        let (i, id, example) = step_with_value(&mut b);
        let sel = format!(
            "li.step:has(> [id=\"{}\"]) .cmd:has(.ph[data-ph={id}]) .copy",
            b.eval(&format!(
                "document.querySelectorAll('li[data-seq] > .step-title')[{i}].id"
            ))
            .as_str()
            .expect("id")
        );
        let label = b.eval(&format!(
            "document.querySelector({}).textContent",
            json!(sel)
        ));
        // The page says what a copy button says once it has copied.
        let (copied, unfilled) = (
            b.eval("document.body.dataset.copied"),
            b.eval("document.body.dataset.unfilled"),
        );
        assert!(
            copied.is_string() && unfilled.is_string(),
            "the page words the copy"
        );
        b.click(&sel);
        b.wait_for(&format!(
            "document.querySelector({s}).textContent === {u} && document.querySelector({s}).classList.contains('warn')",
            s = json!(sel),
            u = unfilled
        ));
        // A double click: the label comes back all the same.
        b.click(&sel);
        b.click(&sel);
        b.wait_for(&format!(
            "document.querySelector({}).textContent === {label}",
            json!(sel)
        ));
        // Filled in, the copy says copied, with no warning.
        b.type_into(&format!("#ph-{id}"), &example);
        b.click(&sel);
        b.wait_for(&format!(
            "document.querySelector({s}).textContent === {c} && !document.querySelector({s}).classList.contains('warn')",
            s = json!(sel),
            c = copied
        ));
        b.eval("localStorage.clear()");
    }
}

/// A CSV text's rows, quoted cells unquoted.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let (mut row, mut cell, mut quoted) = (vec![], String::new(), false);
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            _ => cell.push(c),
        }
    }
    rows
}

/// Fills the first valued step's placeholder, ticks it as `name` (asked once), writes
/// `note` on it; returns the step's index and the placeholder's id and value.
fn work_on_valued_step(b: &mut Browser, name: &str, note: &str) -> (usize, String, String) {
    let (i, id, example) = step_with_value(b);
    b.type_into(&format!("#ph-{id}"), &example);
    tick(b, i);
    b.wait_for("document.querySelector('[data-operator-dialog]').open");
    answer_operator(b, name);
    write_note(b, i, note);
    (i, id, example)
}

/// Opens step `i`'s note and types `text` into it.
fn write_note(b: &mut Browser, i: usize, text: &str) {
    b.eval(&format!(
        "(() => {{ const t = document.querySelectorAll('.step-note-input')[{i}]; \
         t.closest('details').open = true; t.focus(); }})()"
    ));
    b.insert_text(text);
}

#[test]
fn the_log_is_in_local_time_with_titles_values_notes_and_who_ticked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.call(
        "Emulation.setTimezoneOverride",
        json!({"timezoneId": "Asia/Tokyo"}),
    );
    let note = "=cmd|' /C calc'!A0 と確認";
    for url in urls(tmp.path()) {
        b.open(&url);
        let (i, id, value) = work_on_valued_step(&mut b, "山田", note);
        // Asked once: the next tick, even after reopening, asks nothing. Every key the
        // visit stored is checked to have reached the new page (the ticks as well as the
        // name: a reload that lost the progress flaked the log's `tickedAt` below).
        b.reopen_keeping_storage(&url);
        tick(&mut b, 0);
        assert_eq!(
            b.eval("document.querySelector('[data-operator-dialog]').open"),
            json!(false),
            "{url}"
        );
        assert_eq!(
            b.eval("document.querySelector('[data-operator-name]').textContent"),
            json!("山田")
        );
        let label = b.eval(&format!(
            "window.TEJUN.placeholders.find(p => p.id === {}).label",
            json!(id)
        ));
        let label = label.as_str().expect("label");

        let log = b.eval("JSON.parse(window.tejunRunbook.exportLog('json'))");
        let step = &log["steps"][i];
        let at = step["tickedAt"].as_str().expect("ticked");
        assert!(
            at.len() == 25 && at.ends_with("+09:00") && at.as_bytes()[10] == b'T',
            "{at}"
        );
        let off = b.eval(&format!("Math.abs(Date.parse({}) - Date.now())", json!(at)));
        assert!(off.as_f64().is_some_and(|ms| ms < 600_000.0), "{at}: {off}");
        assert_eq!(step["tickedBy"], json!("山田"));
        assert_eq!(step["values"], json!({ id.clone(): value.clone() }));
        assert_eq!(step["note"], json!(note));
        assert!(step["sectionTitle"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(step["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert_eq!(log["operator"], json!("山田"));
        // The page shows the same local time.
        assert_eq!(
            b.eval(&format!(
                "document.querySelectorAll('li[data-seq]')[{i}].querySelector('.ticked-at').getAttribute('datetime')"
            )),
            json!(at)
        );

        let csv = b.eval("window.tejunRunbook.exportLog('csv')");
        let rows = csv_rows(csv.as_str().expect("csv"));
        assert_eq!(
            rows[0],
            [
                "seq",
                "section",
                "section_title",
                "step",
                "title",
                "ticked_at",
                "ticked_by",
                "values",
                "note",
                "problems",
                "hash"
            ]
        );
        let row = &rows[i + 1];
        assert_eq!(row[1], step["section"].as_str().expect("section"));
        assert_eq!(row[2], step["sectionTitle"].as_str().expect("title"));
        assert_eq!(row[4], step["title"].as_str().expect("title"));
        assert_eq!(row[5], at);
        assert_eq!(row[6], "山田");
        assert_eq!(row[7], format!("{label} = {value}"));
        // A note that reads as a formula opens as text.
        assert_eq!(row[8], format!("'{note}"));
        b.eval("localStorage.clear()");
    }
}

/// The runbook open in `b`, printed as the browser's "Save as PDF" does, as text.
fn printed_text(b: &mut Browser, dir: &Path) -> String {
    let pdf = b.call("Page.printToPDF", json!({}));
    let path = dir.join("printed.pdf");
    std::fs::write(&path, base64_decode(pdf["data"].as_str().expect("pdf"))).expect("write");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext is needed (apt-get install poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn printing_gives_the_completed_record_or_an_empty_checklist() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(mut b) = Browser::launch() else {
        return;
    };
    for url in urls(tmp.path()) {
        b.open(&url);
        let ticked_at = word(&mut b, "tickedAt");
        let empty = printed_text(&mut b, tmp.path());
        assert!(
            !empty.contains(&ticked_at),
            "{url}: nothing ticked: {empty}"
        );

        let note = "ノード1 完了、応答 OK";
        let (i, _, value) = work_on_valued_step(&mut b, "Operator Sato", note);
        let shown = b.eval(&format!(
            "document.querySelectorAll('.ticked-at')[{i}].textContent"
        ));
        let text = printed_text(&mut b, tmp.path());
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for want in [
            shown.as_str().expect("time"),
            "Operator Sato",
            note,
            value.as_str(),
        ] {
            assert!(
                flat.contains(want),
                "{url}: the record lacks {want}: {flat}"
            );
        }
        assert!(flat.contains(&format!("{}: 1 /", word(&mut b, "progress"))));
        // The ticked box prints ticked, another one empty.
        b.call("Emulation.setEmulatedMedia", json!({"media": "print"}));
        let other = if i == 0 { 1 } else { 0 };
        assert_eq!(
            b.eval(&format!(
                "[{i}, {other}].map(n => getComputedStyle(document.querySelectorAll('.step-check')[n]).backgroundColor)"
            )),
            json!(["rgb(0, 0, 0)", "rgb(255, 255, 255)"]),
            "{url}"
        );
        b.call("Emulation.setEmulatedMedia", json!({"media": ""}));
        b.eval("localStorage.clear()");
    }
}

/// What the runbook says in its live region, once it says something.
fn said(b: &mut Browser) -> Value {
    b.poll(
        "document.querySelector('[data-live]').textContent",
        TIMEOUT,
        |v| v.as_str().is_some_and(|t| !t.is_empty()),
    )
}

/// Merges the log file `path` through the runbook's own import button's file input.
fn import_file(b: &mut Browser, path: &Path) {
    let doc = b.call("DOM.getDocument", json!({}));
    let input = b.call(
        "DOM.querySelector",
        json!({"nodeId": doc["root"]["nodeId"], "selector": "[data-import-file]"}),
    );
    b.call(
        "DOM.setFileInputFiles",
        json!({"nodeId": input["nodeId"], "files": [path.to_str().expect("utf-8")]}),
    );
}

#[test]
fn two_operators_on_two_copies_merge_their_logs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // Two browsers: two operators' machines, each with its own storage.
    let (Some(mut a), Some(mut b)) = (Browser::launch(), Browser::launch()) else {
        return;
    };
    for url in urls(tmp.path()) {
        for (x, name) in [(&mut a, "A"), (&mut b, "B")] {
            x.open(&url);
            tick(x, 0);
            answer_operator(x, name);
            tick(x, 0); // untick: only the name stays
        }
        // B writes on step 2 first, then A does: A's note is the newer.
        write_note(&mut b, 1, "B's older note");
        write_note(&mut b, 3, "B only");
        tick(&mut b, 2);
        write_note(&mut a, 1, "A's newer note");
        tick(&mut a, 0);
        tick(&mut a, 4);
        // A's copy gave step 5's tick to another version of it.
        let mut log: Value = serde_json::from_str(
            a.eval("window.tejunRunbook.exportLog('json')")
                .as_str()
                .expect("log"),
        )
        .expect("json");
        log["steps"][4]["hash"] = json!("0000000000000000");
        let file = tmp.path().join("a-log.json");
        std::fs::write(&file, log.to_string()).expect("write log");

        import_file(&mut b, &file);
        let imported = word(&mut b, "imported").replace("{}", "3");
        assert_eq!(said(&mut b), json!(imported), "{url}");
        let merged = b.eval(
            "Array.from(document.querySelectorAll('li[data-seq]')).slice(0, 5).map(li => [\
             li.querySelector('.step-check').checked, li.querySelector('.step-note-input').value, \
             li.classList.contains('step-changed')])",
        );
        assert_eq!(
            merged,
            json!([
                [true, "", false],
                [false, "A's newer note", false],
                [true, "", false],
                [false, "B only", false],
                [true, "", true]
            ]),
            "{url}"
        );
        assert_eq!(
            b.eval("window.tejunRunbook.rows()[0].tickedBy"),
            json!("A"),
            "who ticked comes along"
        );
        // Merged ticks survive a reload, as B's own do (once saved to the browser's storage).
        b.reopen_keeping_storage(&url);
        // The page restores its ticks once its script has run: wait for it, not a moment.
        let progress = b.poll(
            "document.querySelector('[data-progress-text]').textContent",
            std::time::Duration::from_secs(30),
            |v| v.as_str().is_some_and(|t| t.starts_with("3 / ")),
        );
        assert!(
            progress.as_str().is_some_and(|t| t.starts_with("3 / ")),
            "{progress}"
        );
        // Another runbook's log is refused, and says so.
        let mut other = log.clone();
        other["runbook"] = json!("another");
        std::fs::write(&file, other.to_string()).expect("write log");
        import_file(&mut b, &file);
        let refused = word(&mut b, "importOther");
        let refused = &refused[..refused.find("{}").expect("{}")];
        let refusal = said(&mut b);
        assert!(
            refusal.as_str().is_some_and(|t| t.starts_with(refused)),
            "{refusal}"
        );
        for x in [&mut a, &mut b] {
            x.eval("localStorage.clear()");
        }
    }
}

#[test]
fn axe_finds_nothing_wrong_with_a_fresh_or_a_worked_runbook_light_or_dark() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let axe = crate::search_browser::axe_core();
    for url in urls(tmp.path()) {
        // The system's scheme, and the one the reader chose with the site's switch against it.
        for (scheme, chosen) in [
            ("light", ""),
            ("dark", ""),
            ("light", "dark"),
            ("dark", "light"),
        ] {
            b.set_color_scheme(scheme);
            for worked in [false, true] {
                b.open(&url);
                if !chosen.is_empty() {
                    b.store_and_reload("tejun-scheme", chosen);
                }
                let dark = if chosen.is_empty() { scheme } else { chosen } == "dark";
                assert_eq!(
                    b.eval(crate::a11y::DARK_SHOWN),
                    json!(dark),
                    "{scheme} {chosen}"
                );
                if worked {
                    work_on_valued_step(&mut b, "山田", "メモ");
                    tick(&mut b, 0);
                    b.click("[data-next]");
                    // A tick given to another version of a step, flagged.
                    b.eval(
                        "(() => { const k = window.tejunRunbook.key; const s = JSON.parse(localStorage.getItem(k)); \
                         s[document.querySelectorAll('li[data-seq] > .step-title')[0].id].hash = 'x'; \
                         localStorage.setItem(k, JSON.stringify(s)); window.tejunRunbook.refresh(); })()",
                    );
                    b.eval("document.querySelector('.values-panel').open = true");
                }
                b.eval(&axe);
                let found = b.eval(
                    "axe.run(document).then(r => r.violations.map(v => \
                     v.id + ': ' + v.nodes.length + ' ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))",
                );
                assert_eq!(found, json!([]), "{scheme} {chosen} worked={worked} {url}");
                b.eval("localStorage.clear()");
            }
        }
    }
}

#[test]
fn keyboard_alone_ticks_a_step_writes_a_note_and_jumps_to_the_next_unticked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(mut b) = Browser::launch() else {
        return;
    };
    for url in urls(tmp.path()) {
        b.open(&url);
        // Tab from the top of the page to the first step's box.
        let mut tabs = 0;
        while b.eval("document.activeElement.classList.contains('step-check')") != json!(true) {
            press(&mut b, "Tab", 9, "", 0);
            tabs += 1;
            assert!(tabs < 40, "{url}: Tab never reached a step");
        }
        assert_eq!(b.eval(FOCUSED_STEP), json!(0));
        press(&mut b, " ", 32, " ", 0);
        // The first tick asks who is working; Enter answers.
        b.wait_for("document.activeElement.id === 'operator-name'");
        b.insert_text("Kato");
        press(&mut b, "Enter", 13, "\r", 0);
        b.wait_for("!document.querySelector('[data-operator-dialog]').open");
        assert_eq!(
            b.eval("document.activeElement.classList.contains('step-check') && document.activeElement.checked"),
            json!(true),
            "{url}: back on the ticked box"
        );
        // On to the step's note: its disclosure, opened with Enter, then the text box.
        let mut tabs = 0;
        while b.eval("document.activeElement.tagName") != json!("SUMMARY") {
            press(&mut b, "Tab", 9, "", 0);
            tabs += 1;
            assert!(tabs < 40, "{url}: Tab never reached the note");
        }
        assert_eq!(b.eval(FOCUSED_STEP), json!(0));
        press(&mut b, "Enter", 13, "\r", 0);
        press(&mut b, "Tab", 9, "", 0);
        b.insert_text("done, no errors");
        // Shift+Tab back out of the text box, then N: the second step.
        press(&mut b, "Tab", 9, "", 8);
        press(&mut b, "n", 78, "", 0);
        assert_eq!(b.eval(FOCUSED_STEP), json!(1), "{url}");
        let row = b.eval("window.tejunRunbook.rows()[0]");
        assert_eq!(row["tickedBy"], json!("Kato"));
        assert_eq!(row["note"], json!("done, no errors"));
        b.eval("localStorage.clear()");
    }
}

#[test]
fn a_worked_runbook_fits_a_phone() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.set_viewport(375, 812, true);
    for url in urls(tmp.path()) {
        b.open(&url);
        work_on_valued_step(
            &mut b,
            "山田",
            "長いメモ長いメモ長いメモ長いメモ長いメモ長いメモ長いメモ",
        );
        b.eval("document.querySelector('.values-panel').open = true");
        b.screenshot("runbook-phone");
        assert_eq!(
            b.eval("document.documentElement.scrollWidth <= window.innerWidth"),
            json!(true),
            "{url}: nothing sticks out sideways"
        );
        b.eval("localStorage.clear()");
    }
}
