//! A book in two languages: the JobCenter book's English translation
//! (`translations/en/`) is complete and current, and an edit of the source flags exactly
//! the units it touched; a translation that loses a link or names a step the source does
//! not have is an error at its line.

use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::cdp::{file_url, Browser};
use crate::harness::Book;

/// How long a page may take to load on a busy machine.
const WAIT: Duration = Duration::from_secs(60);

const STEPS: &str = "translations/en/_steps/unix-check-processes-stopped.toml";

#[test]
fn the_jobcenter_books_english_translation_is_complete_and_current() {
    let run = Book::jobcenter().run(["check", "--strict"]);
    run.assert_ok();
    let err = run.stderr();
    assert!(
        err.contains("translation en: ") && err.contains("units, all current"),
        "{err}"
    );
}

#[test]
fn an_edited_source_step_makes_exactly_its_translation_stale() {
    let book = Book::jobcenter();
    // A check before the edit records the source texts it saw, for the diff after it.
    book.run(["check"]).assert_ok();
    book.edit(
        "content/_steps/unix-check-processes-stopped.toml",
        "body = \"以下のコマンドを実行してください。\"",
        "body = \"以下のコマンドを実行し、出力を確認してください。\"",
    );
    let run = book.run(["check"]);
    run.assert_ok();
    let err = run.stderr();
    assert_eq!(
        err.matches("the source changed since it was translated")
            .count(),
        1,
        "{err}"
    );
    let from_line = 1 + book
        .read(STEPS)
        .lines()
        .position(|l| l.starts_with("from = "))
        .expect("a `from` line");
    assert!(
        err.contains(&format!("{STEPS}:{from_line}:")),
        "stale unit located at its `from`: {err}"
    );
    assert!(err.contains("1 stale, 0 missing, 0 unstamped"), "{err}");
    assert!(
        err.contains("- 以下のコマンドを実行してください。\n    + 以下のコマンドを実行し、出力を確認してください。"),
        "the source's change as a diff: {err}"
    );
    // The hint gives the fingerprint to record; recording it makes the unit current.
    let fp = err
        .split("record from = \"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a fingerprint in the hint")
        .to_string();
    let strict = book.run(["check", "--strict"]);
    assert_eq!(strict.code(), Some(1), "--strict fails on stale text");
    let text = book.read(STEPS);
    let old = text
        .lines()
        .find(|l| l.starts_with("from = "))
        .unwrap_or_default();
    book.edit(STEPS, old, &format!("from = \"{fp}\""));
    book.run(["check", "--strict"]).assert_ok();
}

#[test]
fn a_translation_that_changes_a_link_target_is_an_error_at_its_line() {
    let book = Book::jobcenter();
    let file = "translations/en/03-unix/02-unix-patch.toml";
    book.edit(file, "(#unix-rolling-patch)", "(#unix-patch)");
    let run = book.run(["check"]);
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    assert!(err.contains(&format!("{file}:8:")), "{err}");
    assert!(err.contains("lost ](#unix-rolling-patch)"), "{err}");
    assert!(err.contains("translation was not checked"), "{err}");
}

/// The source gains a link its translation has not caught up with: the build goes on,
/// the unit is stale, and the English page shows that text as the source has it (with the
/// link) rather than the translation without it.
#[test]
fn a_source_edit_that_adds_a_link_leaves_its_translation_stale_not_broken() {
    let book = Book::jobcenter();
    book.edit(
        "content/_steps/unix-check-processes-stopped.toml",
        "body = \"以下のコマンドを実行してください。\"",
        "body = \"以下のコマンドを実行してください([パッチ](#unix-patch))。\"",
    );
    let run = book.run(["check"]);
    run.assert_ok();
    let err = run.stderr();
    assert!(err.contains("1 stale, 0 missing, 0 unstamped"), "{err}");
    assert!(!err.contains("the translation lost"), "{err}");
    let out = book.build_site();
    let page = std::fs::read_to_string(out.join("en/unix-upgrade.html")).expect("built");
    assert!(
        page.contains("以下のコマンドを実行してください(<a"),
        "the source's text, linked"
    );
    // A translation that does not keep its current source's links is still an error.
    let fresh = Book::jobcenter();
    fresh.edit(STEPS, "body = \"", "body = \"[x](#unix-patch) ");
    assert_eq!(fresh.run(["check"]).code(), Some(1));
}

#[test]
fn a_step_the_source_does_not_have_is_an_error_and_the_real_one_is_missing() {
    let book = Book::jobcenter();
    let file = "translations/en/03-unix/02-unix-patch.toml";
    book.edit(file, "[step.check-nqs-site]", "[step.check-nqs-sit]");
    let run = book.run(["check"]);
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    assert!(err.contains(&format!("{file}:20:")), "{err}");
    assert!(err.contains("no step `check-nqs-sit`"), "{err}");
    assert!(
        err.contains("check-nqs-site"),
        "the hint lists the real ids: {err}"
    );
}

/// The built JobCenter site holds its English edition in `en/`, each page linked to its
/// twin; the switch keeps the page, the environment and the step being read.
#[test]
fn the_language_switch_keeps_the_page_the_environment_and_the_step() {
    let site = crate::a11y::jobcenter();
    let en = std::fs::read_to_string(site.join("en/unix-patch.html")).expect("en/unix-patch.html");
    assert!(en.contains("<html lang=\"en\""), "the English page says so");
    assert!(en.contains("Patch application"), "with the English title");
    assert!(!en.contains("パッチ適用"), "and no Japanese title left");
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let page = |p: &str| {
        format!(
            "{}?cluster=unix&operation=patch#step-check-nqs-site",
            file_url(&site.join(p))
        )
    };
    b.open(&page("unix-patch.html"));
    b.click("[data-lang-link]");
    let landed = b.poll(
        "document.documentElement.lang === 'en' && document.readyState === 'complete' \
         && [location.pathname.split('/').slice(-2).join('/'), location.search, location.hash]",
        WAIT,
        Value::is_array,
    );
    assert_eq!(
        landed,
        json!([
            "en/unix-patch.html",
            "?cluster=unix&operation=patch",
            "#step-check-nqs-site"
        ])
    );
    assert_eq!(
        b.eval("document.querySelector('h1').textContent.includes('Patch application')"),
        json!(true)
    );
    // The environment came along: the English page shows it in English words.
    let summary = b.poll(
        "(() => { const t = document.querySelector('[data-env-summary]'); return t && t.textContent.includes('UNIX') && t.textContent; })()",
        WAIT,
        Value::is_string,
    );
    assert!(
        summary
            .as_str()
            .is_some_and(|s| s.contains("Patch application")),
        "{summary}"
    );
    b.click("[data-lang-link]");
    let back = b.poll(
        "document.documentElement.lang === 'ja' && document.readyState === 'complete' \
         && [location.pathname.split('/').pop(), location.hash]",
        WAIT,
        Value::is_array,
    );
    assert_eq!(back, json!(["unix-patch.html", "#step-check-nqs-site"]));
}

/// The English pages with the switch pass axe-core, light and dark, and on a phone the
/// switch still offers the other language.
#[test]
fn english_pages_with_the_switch_pass_axe_light_and_dark() {
    let site = crate::a11y::jobcenter();
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let axe = crate::search_browser::axe_core();
    let mut found = Vec::new();
    for scheme in ["light", "dark"] {
        b.set_color_scheme(scheme);
        for page in ["en/index.html", "en/unix-patch.html", "index.html"] {
            b.open(&file_url(&site.join(page)));
            let v = crate::a11y::violations(&mut b, &axe);
            if v != json!([]) {
                found.push(format!("{page} ({scheme}): {v}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "axe-core violations:\n{}",
        found.join("\n")
    );
    b.set_viewport(375, 800, true);
    b.open(&file_url(&site.join("en/unix-patch.html")));
    assert_eq!(
        b.eval("(() => { const a = document.querySelector('[data-lang-link]'); const r = a.getBoundingClientRect(); return a.checkVisibility() && r.right <= innerWidth && r.width > 0; })()"),
        json!(true),
        "the way back to Japanese stays on a phone's screen"
    );
}

/// `tejun pdf --lang en`: a runbook printed in English, cover and steps, every font
/// embedded.
#[test]
fn a_runbook_prints_in_english_with_its_fonts_embedded() {
    let book = Book::jobcenter();
    let out = book.tmp().join("en.pdf");
    crate::harness::Tejun::new(&*book)
        .args([
            "pdf",
            ".",
            "--lang",
            "en",
            "--profile",
            "mscs-x64-upgrade-from-r12-8",
            "--out",
        ])
        .arg(&out)
        .within(crate::pdf::PRINT)
        .run()
        .assert_ok();
    let cover = crate::pdf::text(&out, Some((1, 1)));
    assert!(cover.contains("MSCSIA-32/x64versionupgrade"), "{cover}");
    assert!(cover.contains("Environment"), "{cover}");
    let all = crate::pdf::text(&out, None);
    assert!(all.contains("Stop"), "English steps");
    assert!(
        !all.contains("対象環境") && !all.contains("手順"),
        "no Japanese words of the UI"
    );
    crate::pdf::assert_fonts_embedded(&out);
}

/// The English site marks a step whose source changed since it was translated, with the
/// source's text beside it, and a step the translation lacks as not translated.
#[test]
fn the_site_marks_stale_and_untranslated_steps_with_the_source_beside_them() {
    let book = Book::jobcenter();
    book.edit(
        "content/_steps/unix-check-processes-stopped.toml",
        "body = \"以下のコマンドを実行してください。\"",
        "body = \"以下のコマンドを管理者で実行してください。\"",
    );
    book.edit(
        "translations/en/03-unix/02-unix-patch.toml",
        "[section.active]",
        "[section.active]\n# (the next table is gone)",
    );
    let text = book.read("translations/en/03-unix/02-unix-patch.toml");
    let start = text
        .find("[step.check-nqs-site]")
        .expect("the step's table");
    let end = start + text[start..].find("\n\n").expect("its end");
    book.write(
        "translations/en/03-unix/02-unix-patch.toml",
        format!("{}{}", &text[..start], &text[end..]),
    );
    let out = book.build_site();
    let page = std::fs::read_to_string(out.join("en/unix-patch.html")).expect("page");
    let doc = scraper::Html::parse_document(&page);
    let step = |id: &str| {
        let sel =
            scraper::Selector::parse(&format!("li[data-step=\"{id}\"] > details.translation-gap"))
                .expect("selector");
        doc.select(&sel)
            .next()
            .map(|d| d.text().collect::<String>())
    };
    let stale = step("check-stopped").expect("the edited step is marked");
    assert!(stale.contains("earlier version of the source"), "{stale}");
    assert!(
        stale.contains("以下のコマンドを管理者で実行してください。"),
        "the source beside: {stale}"
    );
    let missing = step("check-nqs-site").expect("the untranslated step is marked");
    assert!(missing.contains("Not translated yet"), "{missing}");
    // The other steps are translated and current: nothing marked.
    assert_eq!(step("apply-patch"), None);
    // The Japanese site marks nothing.
    let ja = std::fs::read_to_string(out.join("unix-patch.html")).expect("page");
    assert!(!ja.contains("translation-gap"));
}

/// The record of source texts is tejun's own file: one it did not write is left alone
/// (the check still runs, without diffs), and it never goes into the book's sources.
#[test]
fn a_record_tejun_did_not_write_is_left_alone() {
    let book = Book::jobcenter();
    book.write(".tejun-translations/en.json", "{\"mine\": true}");
    let run = book.run(["check"]);
    run.assert_ok();
    assert!(
        run.stderr().contains("record of source texts was not kept"),
        "{}",
        run.stderr()
    );
    assert_eq!(book.read(".tejun-translations/en.json"), "{\"mine\": true}");
    std::fs::remove_file(book.join(".tejun-translations/en.json")).expect("remove");
    book.run(["check"]).assert_ok();
    assert!(book
        .read(".tejun-translations/en.json")
        .starts_with("{\"written_by\":\"tejun"));
    assert!(!book.join("translations/en/.tejun-translations").exists());
}

/// Translations are sources: no output goes into them, `--out` or not.
#[test]
fn no_command_writes_into_the_translations() {
    let book = Book::jobcenter();
    let before = book.read("translations/en/book.toml");
    let run = book.run(["build", ".", "--out", "translations/en"]);
    assert!(!run.status.success(), "{}", run.stderr());
    assert!(run.stderr().contains("translations/"), "{}", run.stderr());
    assert_eq!(book.read("translations/en/book.toml"), before);
}

/// A chapter's and a group's own text are marked like a step's: the chapter whose source
/// title changed as stale (the new source beside it), the group the translation lacks as
/// not translated, on the English chapter page; the other groups stay unmarked.
#[test]
fn the_site_marks_stale_chapter_titles_and_untranslated_group_titles() {
    let book = Book::jobcenter();
    book.edit(
        "content/01-mscs/_chapter.toml",
        "title = \"MSCS(MSFC)環境の場合\"",
        "title = \"MSCS(MSFC)クラスタ環境の場合\"",
    );
    std::fs::remove_file(book.join("translations/en/01-mscs/02-patch/_group.toml"))
        .expect("the group's translation");
    let out = book.build_site();
    let page = std::fs::read_to_string(out.join("en/mscs.html")).expect("the chapter page");
    let doc = scraper::Html::parse_document(&page);
    let text = |sel: &str| {
        let sel = scraper::Selector::parse(sel).expect("selector");
        doc.select(&sel)
            .map(|d| d.text().collect::<String>())
            .collect::<Vec<_>>()
    };
    let chapter = text("header > details.translation-gap");
    assert_eq!(chapter.len(), 1, "{chapter:?}");
    assert!(
        chapter[0].contains("earlier version of the source")
            && chapter[0].contains("MSCS(MSFC)クラスタ環境の場合"),
        "{chapter:?}"
    );
    let missing = text("#grp-mscs-patch ~ details.translation-gap");
    assert_eq!(missing.len(), 1, "{page}");
    assert!(missing[0].contains("Not translated yet"), "{missing:?}");
    assert!(text("#grp-mscs-upgrade ~ details.translation-gap").is_empty());
    let ja = std::fs::read_to_string(out.join("mscs.html")).expect("page");
    assert!(!ja.contains("translation-gap"));
    // The marks, opened, pass axe-core, light and dark.
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let axe = crate::search_browser::axe_core();
    for scheme in ["light", "dark"] {
        b.set_color_scheme(scheme);
        b.open(&file_url(&out.join("en/mscs.html")));
        b.eval("document.querySelectorAll('details.translation-gap').forEach(d => d.open = true)");
        let v = crate::a11y::violations(&mut b, &axe);
        assert_eq!(v, json!([]), "{scheme}");
    }
}

/// A known problem is translated like the rest: an edit of one cause in the source makes
/// exactly that cause's translation stale, and the English entry page reads in English.
#[test]
fn an_edited_cause_of_a_known_problem_makes_exactly_its_translation_stale() {
    let book = Book::jobcenter();
    let file = "translations/en/_problems/resource-dll-in-use.toml";
    book.run(["check"]).assert_ok();
    book.edit(
        "content/_problems/resource-dll-in-use.toml",
        "クラスタアドミニストレータ (フェイルオーバークラスタ管理) が開いています。",
        "クラスタアドミニストレータが開いています。",
    );
    let run = book.run(["check"]);
    run.assert_ok();
    let err = run.stderr();
    assert_eq!(
        err.matches("the source changed since it was translated")
            .count(),
        1,
        "{err}"
    );
    let text = book.read(file);
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| *l == "[cause.2]")
        .expect("the translation has [cause.2]");
    assert!(
        lines[header + 1].starts_with("from = "),
        "{}",
        lines[header + 1]
    );
    assert!(
        err.contains(&format!("{file}:{}:", header + 2)),
        "the stale cause is located at its `from`: {err}"
    );
    book.run(["build"]).assert_ok();
    let page = book.read("book/en/problem-resource-dll-in-use.html");
    let title_line = text
        .lines()
        .find(|l| l.starts_with("title = "))
        .expect("a translated title");
    let title = title_line.trim_start_matches("title = ").trim_matches('"');
    assert!(page.contains(title), "the English entry has its title");
}

/// What English Windows prints is not a translation of the Japanese message: an English
/// entry adds it (`[symptom] messages`), and a support engineer abroad who pastes it finds
/// the entry in the English CLI search, the English site and `/api/search?lang=en`, while
/// the Japanese book's search does not claim it.
#[test]
fn a_translation_adds_the_messages_the_product_prints_in_its_language() {
    let pasted = "Access is denied.";
    let english = [
        "necjc-delete-fails",
        "resource-dll-in-use",
        "resource-dll-register-fails",
    ];
    let book = Book::jobcenter();
    let run = book.run(["search", "--error", pasted, "--json", "--lang", "en", "."]);
    run.assert_ok();
    let v = run.json();
    let found: Vec<&str> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert!(
        found.len() >= 3 && found.iter().take(3).all(|id| english.contains(id)),
        "{v}"
    );
    assert!(
        v["problems"][0]["title"]
            .as_str()
            .is_some_and(|t| t.is_ascii()),
        "the English entry's title: {v}"
    );
    let run = book.run(["search", "--error", pasted, "--json", "."]);
    assert_eq!(run.json()["problems"], json!([]), "the Japanese book");

    // The English site's search box.
    if let Some(mut b) = Browser::launch() {
        let site = crate::a11y::jobcenter();
        b.open(&file_url(&site.join("en/index.html")));
        b.eval("(() => { const i = document.getElementById('search-input'); i.value = ''; i.focus(); })()");
        b.insert_text(pasted);
        let first = b.wait_for(&format!(
            "(() => {{ const a = document.querySelector('#search-results [role=option]'); \
             return !!a && {}.includes(a.getAttribute('data-problem')); }})()",
            json!(english)
        ));
        assert_eq!(first, json!(true));
    }

    // The preview's API, in English.
    let server = crate::harness::server::Server::start(&book, &[]);
    let answer = crate::harness::wait_until("the search index is ready", || {
        let (status, body) = server.get("/api/search?error=Access%20is%20denied.&lang=en");
        (status == 200).then_some(body)
    });
    let v: Value = serde_json::from_str(&answer).expect("JSON");
    assert!(
        v["problems"][0]["id"]
            .as_str()
            .is_some_and(|id| english.contains(&id)),
        "{v}"
    );
}
