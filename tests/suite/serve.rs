//! `tejun serve`: the incremental preview against full builds after a sequence of edits to
//! the JobCenter book (library), and the real binary over plain TCP on small fixture
//! books: pages, the reload channel, the error overlay, path traversal, the port fallback,
//! Ctrl-C, `/api/search` under an environment and after edits; and the edit-to-event
//! latency on the JobCenter book.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use tejun::output::MemoryOutput;
use tejun::render::{Site, Theme};
use tejun::serve::{Plan, Preview};

use crate::harness::server::{changed, errors, Server};
use crate::harness::{copy_dir, edit, read, repo, wait_until, Book};

/// What `tejun build` would write for the book at `root` now, its translations' folders
/// aside (`the_translations_are_previewed_as_built` holds those to a real build).
fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let (book, _) = tejun::load_book(root).unwrap_or_else(|(d, s)| panic!("{:?}", d.lines(&s)));
    let theme = Theme::load(Some(&root.join(&book.config.theme_dir))).unwrap();
    let mut out = MemoryOutput::default();
    let own = book.config.language;
    Site::new(&book, theme)
        .unwrap()
        .with_search(tejun::search::read_site)
        .with_languages(tejun::render::language_links(
            own,
            &book.config.translations,
            own,
        ))
        .build(&mut out)
        .unwrap();
    out.files
}

/// Whether `path` is in a translation's folder (`en/…`).
fn translated(path: &str) -> bool {
    path.split_once('/')
        .is_some_and(|(first, _)| tejun::words::Language::from_code(first).is_some())
}

/// Every served file equals the full build's, byte for byte, and nothing else is served.
fn assert_same_as_full_build(preview: &Preview, root: &Path, after: &str) {
    let full = full_build(root);
    let served: BTreeMap<&str, &[u8]> = preview
        .files()
        .iter()
        .filter(|(k, _)| !translated(k))
        .map(|(k, v)| (k.as_str(), &v[..]))
        .collect();
    assert_eq!(
        served.keys().copied().collect::<Vec<_>>(),
        full.keys().map(String::as_str).collect::<Vec<_>>(),
        "after {after}: different file lists"
    );
    for (path, bytes) in &full {
        assert!(
            served[path.as_str()] == &bytes[..],
            "after {after}: `{path}` differs from a full build"
        );
    }
}

#[test]
fn incremental_rebuilds_match_full_builds_after_each_edit() {
    let book = Book::jobcenter();
    let root: &Path = &book;
    let mut preview = Preview::open(root, false);
    assert!(preview.errors().is_empty(), "{:?}", preview.errors());
    assert_same_as_full_build(&preview, root, "the first build");
    let content = Plan {
        content: true,
        ..Plan::default()
    };
    let theme = Plan {
        theme: true,
        ..Plan::default()
    };
    let proc_file = root.join("content/01-mscs/01-upgrade/01-mscs-upgrade-x64-r12-8.toml");
    let patch_file = root.join("content/01-mscs/02-patch/01-mscs-patch-r12-8.toml");
    let mut last = full_build(root);
    let mut step = |preview: &mut Preview, plan: Plan, paths: &[PathBuf], what: &str| {
        let update = preview.apply_paths(plan, paths);
        assert!(
            preview.errors().is_empty(),
            "{what}: {:?}",
            preview.errors()
        );
        assert_same_as_full_build(preview, root, what);
        // Exactly the files whose bytes differ from the previous build are reported.
        let now = full_build(root);
        let mut differ: Vec<String> = now
            .iter()
            .filter(|(k, v)| last.get(*k) != Some(*v))
            .map(|(k, _)| k.clone())
            .chain(last.keys().filter(|k| !now.contains_key(*k)).cloned())
            .collect();
        differ.sort();
        let changed: Vec<&String> = update.changed.iter().filter(|p| !translated(p)).collect();
        assert_eq!(
            changed,
            differ.iter().collect::<Vec<_>>(),
            "{what}: changed files"
        );
        assert!(!update.changed.is_empty(), "{what}: nothing changed");
        last = now;
        update
    };
    let one = |p: &PathBuf| vec![p.clone()];

    // A step's text: its procedure page and the print page, not the others; applied to
    // the loaded book in place.
    edit(
        &proc_file,
        "以下の手順でローカルのJobCenterサービスを停止させます。",
        "以下の手順で停止させます(編集)。",
    );
    let u = step(&mut preview, content, &one(&proc_file), "a step's text");
    assert!(u.patched, "a step's text went through a full load");
    assert!(u
        .changed
        .contains(&"mscs-upgrade-x64-r12-8.html".to_string()));
    assert!(!u.changed.contains(&"index.html".to_string()));

    // A command that looks like a typo of one used elsewhere: the edit is patched in and
    // the similar-commands lint warns about the new word.
    edit(
        &proc_file,
        "text = \"停止させた後、[サーバの環境設定]画面を終了してください。\"\n",
        "text = \"停止させた後、[サーバの環境設定]画面を終了してください。\"\n\n\
         [[section.step.part]]\n\
         shell = \"cmd\"\n\
         cmd = 'copy [[install_path]]\\ins\\JobCenterClustr.vbs [[shared_disk]]'\n",
    );
    let u = step(&mut preview, content, &one(&proc_file), "a new command");
    assert!(u.patched);
    assert!(
        u.warnings
            .iter()
            .any(|w| w.contains("jobcenterclustr.vbs") && w.contains("jobcentercluster.vbs")),
        "{:?}",
        u.warnings
    );

    // A new cross-reference to another procedure's section: that page lists it among
    // its backlinks.
    edit(
        &proc_file,
        "以下の手順で停止させます(編集)。",
        "以下の手順で停止させます(「[](#mscs-patch-r12-8/failover)」も参照)。",
    );
    let u = step(
        &mut preview,
        content,
        &one(&proc_file),
        "a new cross-reference",
    );
    assert!(u.patched);
    assert!(u.changed.contains(&"mscs-patch-r12-8.html".to_string()));

    // The target's title: the linking page shows it.
    edit(
        &patch_file,
        "title = \"フェイルオーバ実行\"",
        "title = \"フェイルオーバの実行\"",
    );
    let u = step(
        &mut preview,
        content,
        &one(&patch_file),
        "a linked section's title",
    );
    assert!(u.patched);
    assert!(u
        .changed
        .contains(&"mscs-upgrade-x64-r12-8.html".to_string()));

    // Removing the section the other page links to cannot be patched in: the full load
    // reports the dangling link and the pages stay as they were.
    let good_patch = read(&patch_file);
    edit(&patch_file, "id = \"failover\"", "id = \"failover2\"");
    let u = preview.apply_paths(content, &one(&patch_file));
    assert!(!u.patched && u.changed.is_empty() && u.errors_changed);
    assert!(
        preview
            .errors()
            .iter()
            .any(|e| e.message.contains("mscs-patch-r12-8/failover")),
        "{:?}",
        preview.errors()
    );
    std::fs::write(&patch_file, &good_patch).unwrap();
    let u = preview.apply_paths(content, &one(&patch_file));
    assert!(u.changed.is_empty() && preview.errors().is_empty());

    // A reusable step used in five procedures.
    let reusable = root.join("content/_steps/stop-local-service.toml");
    edit(
        &reusable,
        "title = \"ローカルのJobCenterサービスを停止\"",
        "title = \"ローカルのJobCenterサービスを停止する\"",
    );
    let u = step(&mut preview, content, &one(&reusable), "a reusable step");
    assert!(!u.patched);
    assert!(u.changed.len() >= 3, "{:?}", u.changed);

    // A cross-reference target's title: every page's sidebar and the linking pages.
    edit(&proc_file, "title = \"", "title = \"改 ");
    let u = step(
        &mut preview,
        content,
        &one(&proc_file),
        "a cross-reference target's title",
    );
    assert!(u.patched);

    // The title of a step a known problem shows at: patched in, and the entry's page,
    // which names the step, rendered again.
    edit(
        &proc_file,
        "title = \"クラスタサイトの登録\"",
        "title = \"クラスタサイトを登録\"",
    );
    let u = step(
        &mut preview,
        content,
        &one(&proc_file),
        "the title of a step a known problem shows at",
    );
    assert!(u.patched);
    assert!(
        u.changed
            .contains(&"problem-site-db-shared-disk-offline.html".to_string()),
        "{:?}",
        u.changed
    );

    // A template override: every page, no content reload.
    let themes = root.join("themes/default");
    std::fs::create_dir_all(&themes).unwrap();
    let layout = read(&repo().join("themes/default/layout.html"));
    std::fs::write(
        themes.join("layout.html"),
        layout.replacen("<main id=\"main\"", "<!-- edited -->\n<main id=\"main\"", 1),
    )
    .unwrap();
    let u = step(&mut preview, theme, &[], "a template");
    assert!(u.changed.contains(&"index.html".to_string()));

    // A broken edit keeps every file and reports the error; fixing it changes nothing.
    let good = read(&proc_file);
    std::fs::write(&proc_file, format!("{good}\n[[section\n")).unwrap();
    let u = preview.apply_paths(content, &one(&proc_file));
    assert!(u.changed.is_empty() && u.errors_changed);
    let errors = preview.errors();
    assert!(
        errors.iter().any(|e| e.location.as_deref().is_some_and(
            |l| l.starts_with("content/01-mscs/01-upgrade/01-mscs-upgrade-x64-r12-8.toml:")
        )),
        "{errors:?}"
    );
    let stale = full_build_files(&preview);
    std::fs::write(&proc_file, &good).unwrap();
    let u = preview.apply_paths(content, &one(&proc_file));
    assert!(u.changed.is_empty() && u.errors_changed && preview.errors().is_empty());
    assert_eq!(stale, full_build_files(&preview));
    assert_same_as_full_build(&preview, root, "break then fix");

    // book.toml: everything is reloaded.
    edit(
        &root.join("book.toml"),
        "title = \"",
        "title = \"[preview] ",
    );
    let u = step(&mut preview, Plan::all(), &[], "book.toml");
    assert!(u.changed.len() > 20);
}

fn full_build_files(p: &Preview) -> BTreeMap<String, Vec<u8>> {
    p.files()
        .iter()
        .map(|(k, v)| (k.clone(), v.to_vec()))
        .collect()
}

#[test]
fn edits_reload_pages_and_broken_edits_show_errors() {
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &[]);
    let (status, page) = server.get("/alpha.html");
    assert_eq!(status, 200);
    assert!(page.contains("Run the check."));
    assert!(page.contains("<script src=\"/__tejun/reload.js\"></script></body>"));
    assert!(page.contains("\"page\":\"alpha.html\""));
    let (status, js) = server.get("/__tejun/reload.js");
    assert_eq!(status, 200);
    assert!(js.contains("EventSource"));

    let mut events = server.events("alpha.html");
    let (event, hello) = events.next();
    assert_eq!(event, "hello");
    assert_eq!(hello["errors"].as_array().unwrap().len(), 0);

    // (a) the reload event names the page, (b) the page serves the new text.
    let alpha = book.join("content/01-first/01-alpha.toml");
    edit(&alpha, "Run the check.", "Run the edited check.");
    let update = events.update_where(|u| changed(u).contains(&"alpha.html".to_string()));
    assert!(
        !changed(&update).contains(&"index.html".to_string()),
        "{update}"
    );
    assert!(server
        .get("/alpha.html")
        .1
        .contains("Run the edited check."));

    // A broken file: an error event with file:line:col, the last good page still served
    // with the overlay, escaped.
    let good = read(&alpha);
    std::fs::write(&alpha, format!("{good}\nbad = <script>x</script>\n")).unwrap();
    let update = events.update_where(|u| errors(u) > 0);
    let list = update["errors"].as_array().unwrap();
    let loc = list[0]["location"].as_str().unwrap();
    assert!(
        loc.starts_with("content/01-first/01-alpha.toml:")
            && loc.split(':').skip(1).all(|n| n.parse::<u32>().is_ok()),
        "{update}"
    );
    let (status, errs) = server.get("/__tejun/errors");
    assert_eq!(status, 200);
    assert!(errs.contains("content/01-first/01-alpha.toml:"), "{errs}");
    let (status, page) = server.get("/alpha.html");
    assert_eq!(status, 200);
    assert!(page.contains("Run the edited check."));
    assert!(page.contains("id=\"tejun-overlay\""));
    assert!(
        page.contains("bad = &lt;script&gt;x&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.contains("bad = <script>"));

    // Fixed: the errors go, the overlay with them.
    std::fs::write(&alpha, &good).unwrap();
    events.update_where(|u| errors(u) == 0);
    assert!(server.get("/__tejun/errors").1.contains("\"errors\":[]"));
    assert!(!server.get("/alpha.html").1.contains("id=\"tejun-overlay\""));

    // An editor that saves by writing a temporary file and renaming it over the original.
    let tmp_file = alpha.with_file_name(".01-alpha.toml.tmp");
    std::fs::write(
        &tmp_file,
        good.replace("Run the edited check.", "Renamed in."),
    )
    .unwrap();
    std::fs::rename(&tmp_file, &alpha).unwrap();
    events.update_where(|u| changed(u).contains(&"alpha.html".to_string()));
    assert!(server.get("/alpha.html").1.contains("Renamed in."));
}

#[test]
fn only_the_built_site_is_served() {
    let book = Book::fixture("site-basic");
    std::fs::write(book.join("secret.txt"), "secret").unwrap();
    let server = Server::start(&book, &[]);
    assert_eq!(server.get("/").0, 200);
    assert_eq!(server.get("/assets/style.css").0, 200);
    for target in [
        "/../secret.txt",
        "/assets/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/assets%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/assets\\..\\..\\secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/secret.txt",
        "/book.toml",
        "/content/01-first/01-alpha.toml",
        &format!("/{}", book.join("secret.txt").display()),
    ] {
        let (status, body) = server.get(target);
        assert_eq!(status, 404, "{target}");
        assert!(!body.contains("secret\n") && body != "secret", "{target}");
    }
}

#[test]
fn a_taken_port_moves_to_the_next_free_one() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &["--port", &port.to_string()]);
    assert!(server.port() > port, "{} vs {port}", server.port());
    assert_eq!(server.get("/").0, 200);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let book = Book::fixture("site-basic");
    let mut server = Server::start(&book, &[]);
    wait_until("a search index folder", || {
        (!index_folders(server.tmp()).is_empty()).then_some(())
    });
    let pid = server.child().id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(sent.success());
    let status = wait_until("the server stops after Ctrl-C", || {
        server.child().try_wait().unwrap()
    });
    assert!(status.success(), "{status:?}");
    assert_eq!(
        index_folders(server.tmp()),
        Vec::<String>::new(),
        "the search index folder outlived the server"
    );
}

/// The `/api/search` index folders in `tmp`.
fn index_folders(tmp: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("tejun-serve-index-"))
        .collect();
    names.sort();
    names
}

/// A server killed outright cannot clean up; the next one removes what it left, and never
/// the folder of a server still running.
#[cfg(target_os = "linux")]
#[test]
fn a_killed_servers_index_folder_is_removed_by_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    // No process has this id (Linux pids stay below 2^22); this test's own does run.
    let dead = "tejun-serve-index-4294967294-x1";
    let alive = format!("tejun-serve-index-{}-x2", std::process::id());
    for name in [dead, alive.as_str()] {
        std::fs::create_dir(tmp.path().join(name)).unwrap();
        std::fs::write(tmp.path().join(name).join("meta.json"), "{}").unwrap();
    }
    let book = Book::fixture("site-basic");
    let server = Server::start_in(&book, &[], tmp);
    assert_eq!(server.get("/").0, 200);
    let left = index_folders(server.tmp());
    assert!(!left.iter().any(|n| n == dead), "{left:?}");
    assert!(left.contains(&alive), "{left:?}");
}

/// Edit-to-event latency on the JobCenter book, printed (`--nocapture`) for the record.
#[test]
fn jobcenter_edit_reaches_open_pages() {
    let book = Book::jobcenter();
    let server = Server::start(&book, &[]);
    let page = "mscs-upgrade-x64-r12-8.html";
    let mut events = server.events(page);
    assert_eq!(events.next().0, "hello");
    let file = book.join("content/01-mscs/01-upgrade/01-mscs-upgrade-x64-r12-8.toml");
    let mut latencies = Vec::new();
    for i in 0..3 {
        let text = read(&file);
        let marker = format!("(edit {i})");
        let start = Instant::now();
        std::fs::write(
            &file,
            text.replacen("以下の手順で", &format!("以下の手順で{marker}"), 1),
        )
        .unwrap();
        events.update_where(|u| changed(u).contains(&page.to_string()));
        latencies.push(start.elapsed().as_millis());
        assert!(server.get(&format!("/{page}")).1.contains(&marker));
    }
    eprintln!("JobCenter edit-to-event latency (ms): {latencies:?}");
}

#[test]
fn api_search_answers_from_the_index_and_follows_env() {
    let book = Book::fixture("site-ja");
    let server = Server::start(&book, &[]);
    // The index is built after the first render; until then the endpoint says so.
    let body = wait_until("the search index", || {
        let (status, body) = server.get("/api/search?q=regsvr32&limit=50");
        assert!(status == 200 || status == 503, "{status}: {body}");
        (status == 200).then_some(body)
    });
    let all: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(!all["hits"].as_array().unwrap().is_empty(), "{all:#}");

    // regsvr32 is an MSCS command: under cluster=unix nothing is left.
    let (status, body) = server.get("/api/search?q=regsvr32&env=cluster%3Dunix");
    assert_eq!(status, 200, "{body}");
    let unix: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(unix["hits"].as_array().unwrap().len(), 0, "{unix:#}");
    let (status, body) = server.get("/api/search?q=svstop&env=cluster%3Dunix&limit=100");
    assert_eq!(status, 200, "{body}");
    let hits: serde_json::Value = serde_json::from_str(&body).unwrap();
    let hits = hits["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    for h in hits {
        let c = h["condition"].as_str().unwrap_or("");
        assert!(!c.contains("cluster = mscs"), "{h:#}");
        // In words, and only what `env` leaves open: never 「クラスタ種別: UNIX」 again.
        let words = h["condition_text"].as_str().unwrap_or("");
        assert!(!words.contains("クラスタ種別"), "{h:#}");
        assert!(!words.contains(" = ") && !words.contains(">="), "{h:#}");
    }

    // A malformed environment is the client's mistake, said in words.
    let (status, body) = server.get("/api/search?q=nqs&env=cluster");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("error"), "{body}");

    // An edit of one procedure reaches the index (its documents replaced in place), and
    // taking the word out again removes it; nothing else is lost or doubled on the way.
    let total = |q: &str| -> (u64, Vec<String>) {
        let (status, body) = server.get(&format!("/api/search?q={q}&limit=100"));
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let links = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["link"].as_str().unwrap_or("").to_string())
            .collect();
        (v["total"].as_u64().unwrap(), links)
    };
    let wait_for = |q: &str, want: u64| {
        wait_until(&format!("`{q}` with {want} hits"), || {
            let (n, links) = total(q);
            (n == want).then_some(links)
        })
    };
    let before = total("regsvr32").0;
    // The procedure that holds regsvr32 (its unregister step), so a lost or doubled
    // document would change that count.
    let file = book.join("content/01-mscs/01-mscs-upgrade.toml");
    let good = read(&file);
    edit(
        &file,
        "指定してインストールしてください。",
        "指定してインストールしてください。zzyzxplugh",
    );
    let links = wait_for("zzyzxplugh", 1);
    assert!(links[0].starts_with("mscs-upgrade.html#step-"), "{links:?}");
    assert_eq!(total("regsvr32").0, before);
    std::fs::write(&file, &good).unwrap();
    wait_for("zzyzxplugh", 0);
    assert_eq!(total("regsvr32").0, before);
}

/// `rm -rf content && cp -r backup content`: the watcher loses the folder it watched and
/// must watch the new one, so later edits still reach open pages. Done twice, the second
/// time by moving the old folder aside (its watch would otherwise follow it).
#[test]
fn edits_are_seen_after_the_content_folder_is_replaced() {
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &[]);
    let mut events = server.events("alpha.html");
    assert_eq!(events.next().0, "hello");
    let content = book.join("content");
    let alpha = content.join("01-first/01-alpha.toml");
    let mut last = "Run the check.".to_string();
    for round in 0..2 {
        let backup = tempfile::tempdir().unwrap();
        copy_dir(&content, backup.path());
        let swapped = format!("From backup {round}.");
        edit(
            &backup.path().join("01-first/01-alpha.toml"),
            &last,
            &swapped,
        );
        if round == 0 {
            std::fs::remove_dir_all(&content).unwrap();
            copy_dir(backup.path(), &content);
        } else {
            std::fs::rename(&content, book.join("content.old")).unwrap();
            copy_dir(backup.path(), &content);
        }
        events.update_where(|u| errors(u) == 0 && changed(u).contains(&"alpha.html".into()));
        assert!(server.get("/alpha.html").1.contains(&swapped));

        let edited = format!("Edited after swap {round}.");
        edit(&alpha, &swapped, &edited);
        events.update_where(|u| errors(u) == 0 && changed(u).contains(&"alpha.html".into()));
        assert!(server.get("/alpha.html").1.contains(&edited));
        last = edited;
    }

    // The same for `themes/`, which did not exist when the server started.
    let layout = read(&repo().join("themes/default/layout.html"));
    let marked =
        |m: &str| layout.replacen("<main id=\"main\"", &format!("{m}<main id=\"main\""), 1);
    let themes = book.join("themes");
    let backup = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(backup.path().join("default")).unwrap();
    std::fs::write(
        backup.path().join("default/layout.html"),
        marked("<!-- a -->"),
    )
    .unwrap();
    for (round, marker) in ["<!-- a -->", "<!-- b -->"].into_iter().enumerate() {
        if round > 0 {
            std::fs::remove_dir_all(&themes).unwrap();
            std::fs::write(backup.path().join("default/layout.html"), marked(marker)).unwrap();
        }
        copy_dir(backup.path(), &themes);
        events.update_where(|u| errors(u) == 0 && changed(u).contains(&"alpha.html".into()));
        assert!(server.get("/alpha.html").1.contains(marker));
    }
    std::fs::write(themes.join("default/layout.html"), marked("<!-- c -->")).unwrap();
    events.update_where(|u| errors(u) == 0 && changed(u).contains(&"alpha.html".into()));
    assert!(server.get("/alpha.html").1.contains("<!-- c -->"));
}

/// A FIFO named like a procedure file, or put in place of book.toml, used to block the
/// rebuild thread in `open` for good, even after it was removed: now it is an error on
/// the open pages, and removing it brings the preview back (the edit after it is served).
/// Needs the loader's refusal of files that are not regular ones.
#[cfg(unix)]
#[test]
fn a_fifo_in_the_book_shows_an_error_and_the_preview_recovers() {
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &[]);
    let mut events = server.events("alpha.html");
    assert_eq!(events.next().0, "hello");
    let fifo = book.join("content/01-first/03-fifo.toml");
    mkfifo(&fifo);
    let update = events.update_where(|u| errors(u) > 0);
    assert!(update.to_string().contains("03-fifo.toml"), "{update}");
    assert!(server.get("/__tejun/errors").1.contains("03-fifo.toml"));
    assert!(server.get("/alpha.html").1.contains("id=\"tejun-overlay\""));

    std::fs::remove_file(&fifo).unwrap();
    events.update_where(|u| errors(u) == 0);
    let alpha = book.join("content/01-first/01-alpha.toml");
    edit(&alpha, "Run the check.", "Run the check after the FIFO.");
    events.update_where(|u| changed(u).contains(&"alpha.html".to_string()));
    let page = server.get("/alpha.html").1;
    assert!(page.contains("Run the check after the FIFO."));
    assert!(!page.contains("id=\"tejun-overlay\""));

    // book.toml replaced by a FIFO in one step (renamed over it), then put back.
    let config = book.join("book.toml");
    let saved = read(&config);
    let aside = book.join(".book.fifo");
    mkfifo(&aside);
    std::fs::rename(&aside, &config).unwrap();
    let update = events.update_where(|u| errors(u) > 0);
    assert!(update.to_string().contains("book.toml"), "{update}");
    std::fs::write(&aside, saved.replace("Fixture Book", "Fixture Book Again")).unwrap();
    std::fs::rename(&aside, &config).unwrap();
    events.update_where(|u| errors(u) == 0 && changed(u).contains(&"alpha.html".into()));
    assert!(server.get("/alpha.html").1.contains("Fixture Book Again"));
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
}

/// A theme file that cannot be read as text is an error on the open pages, naming the
/// file; fixing it brings the preview back.
#[test]
fn an_unreadable_template_shows_an_error_and_the_preview_recovers() {
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &[]);
    let mut events = server.events("alpha.html");
    assert_eq!(events.next().0, "hello");
    let theme = book.join("themes/default");
    std::fs::create_dir_all(&theme).unwrap();
    let layout = read(&repo().join("themes/default/layout.html"));
    std::fs::write(theme.join("layout.html"), b"<p>\xff\xfe not text</p>").unwrap();
    let update = events.update_where(|u| errors(u) > 0);
    assert!(update.to_string().contains("layout.html"), "{update}");

    let marked = layout.replacen("<main id=\"main\"", "<!-- fixed -->\n<main id=\"main\"", 1);
    std::fs::write(theme.join("layout.html"), marked).unwrap();
    events.update_where(|u| errors(u) == 0 && changed(u).contains(&"alpha.html".to_string()));
    assert!(server.get("/alpha.html").1.contains("<!-- fixed -->"));
}

/// The index behind `/api/search` lives in the shared temporary folder: only its owner
/// may look inside.
#[cfg(unix)]
#[test]
fn the_search_index_folder_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &[]);
    let folders = wait_until("a search index folder", || {
        Some(index_folders(server.tmp())).filter(|f| !f.is_empty())
    });
    for name in folders {
        let mode = std::fs::metadata(server.tmp().join(&name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "{name}: {mode:o}");
    }
}

/// The second book under the dev server: after each kind of edit (a step's text, a
/// reusable step two procedures use, book.toml) every served file equals a full build's,
/// and an open page hears of an edit that changes it.
#[test]
fn kubeadm_edits_rebuild_as_a_full_build_would() {
    let book = Book::kubeadm();
    let root: &Path = &book;
    let mut preview = Preview::open(root, false);
    assert!(preview.errors().is_empty(), "{:?}", preview.errors());
    assert_same_as_full_build(&preview, root, "the first build");
    let content = Plan {
        content: true,
        ..Plan::default()
    };
    let step_file = root.join("content/02-control-plane/01-first-control-plane.toml");
    edit(
        &step_file,
        "Every field of the new API is described in",
        "Every field (edited) of the new API is described in",
    );
    let u = preview.apply_paths(content, std::slice::from_ref(&step_file));
    assert!(u.changed.contains(&"first-control-plane.html".to_string()));
    assert_same_as_full_build(&preview, root, "a step's text");

    let reused = root.join("content/_steps/check-etcd-health.toml");
    edit(
        &reused,
        "ask every etcd member",
        "ask each etcd member (edited)",
    );
    let u = preview.apply_paths(content, std::slice::from_ref(&reused));
    for page in ["prepare.html", "verify.html"] {
        assert!(
            u.changed.contains(&page.to_string()),
            "{page}: {:?}",
            u.changed
        );
    }
    assert_same_as_full_build(&preview, root, "a reusable step");

    edit(
        &root.join("book.toml"),
        "title = \"Upgrading a kubeadm Kubernetes cluster\"",
        "title = \"Upgrading a kubeadm cluster (edited)\"",
    );
    preview.apply_paths(Plan::all(), &[root.join("book.toml")]);
    assert!(preview.errors().is_empty(), "{:?}", preview.errors());
    assert_same_as_full_build(&preview, root, "book.toml");

    // Through the real server: an open page hears of an edit to it.
    drop(preview);
    let server = Server::start(&book, &[]);
    let page = "verify.html";
    let mut events = server.events(page);
    assert_eq!(events.next().0, "hello");
    edit(&reused, "(edited)", "(edited twice)");
    events.update_where(|u| changed(u).contains(&page.to_string()));
    assert!(server.get(&format!("/{page}")).1.contains("(edited twice)"));
}

/// The files `tejun build` writes into the translation folder `lang/` for the book at
/// `root` now, by path under the output folder.
fn built_translation(root: &Path, lang: &str) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().expect("tempdir");
    let site = out.path().join("site");
    // The preview dates its runbooks today, as a build without SOURCE_DATE_EPOCH does.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    crate::harness::Tejun::new(root)
        .args(["build", ".", "--out"])
        .arg(&site)
        .env("SOURCE_DATE_EPOCH", now.to_string())
        .run()
        .assert_ok();
    let mut files = BTreeMap::new();
    let mut stack = vec![site.join(lang)];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read the build").flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(&site).unwrap().to_string_lossy();
                files.insert(rel.replace('\\', "/"), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// `preview`'s files of `lang/` equal what `tejun build` writes there.
fn assert_translation_as_built(preview: &Preview, root: &Path, lang: &str, after: &str) {
    let built = built_translation(root, lang);
    let prefix = format!("{lang}/");
    let served: BTreeMap<&str, &[u8]> = preview
        .files()
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .map(|(k, v)| (k.as_str(), &v[..]))
        .collect();
    assert!(
        built.len() > 10,
        "after {after}: the build wrote no {prefix}"
    );
    assert_eq!(
        served.keys().copied().collect::<Vec<_>>(),
        built.keys().map(String::as_str).collect::<Vec<_>>(),
        "after {after}: different files in {prefix}"
    );
    for (path, bytes) in &built {
        assert!(
            served[path.as_str()] == &bytes[..],
            "after {after}: `{path}` differs from `tejun build`'s"
        );
    }
}

/// A translator previews too: `tejun serve` renders each translation into its folder as
/// `tejun build` does, with the language switch on the source's pages; an edit of a
/// translation file, or of the source it follows, re-renders it; a broken translation
/// shows its error at its place and keeps the last good pages.
#[test]
fn the_translations_are_previewed_as_built() {
    let book = Book::jobcenter();
    let root: &Path = &book;
    let mut preview = Preview::open(root, false);
    assert!(preview.errors().is_empty(), "{:?}", preview.errors());
    assert_translation_as_built(&preview, root, "en", "the first build");
    let page = "mscs-upgrade-x64-r12-8.html";
    let source = String::from_utf8(preview.files()[page].to_vec()).unwrap();
    assert!(source.contains("hreflang=\"en\""), "no language switch");

    let translation =
        root.join("translations/en/01-mscs/01-upgrade/01-mscs-upgrade-x64-r12-8.toml");
    edit(
        &translation,
        "If the local JobCenter service is running, stop it as follows.",
        "If the local service runs, stop it as follows (edited).",
    );
    let only = Plan {
        translations: true,
        ..Plan::default()
    };
    let u = preview.apply_paths(only, std::slice::from_ref(&translation));
    assert!(preview.errors().is_empty(), "{:?}", preview.errors());
    let english = format!("en/{page}");
    assert!(u.changed.contains(&english), "{:?}", u.changed);
    assert!(!u.changed.contains(&page.to_string()), "{:?}", u.changed);
    let shown = String::from_utf8(preview.files()[english.as_str()].to_vec()).unwrap();
    assert!(shown.contains("(edited)"));
    assert_translation_as_built(&preview, root, "en", "a translation's edit");

    // The source moves on: the English page now marks that unit stale.
    let source_file = root.join("content/01-mscs/01-upgrade/01-mscs-upgrade-x64-r12-8.toml");
    edit(
        &source_file,
        "以下の手順でローカルのJobCenterサービスを停止させます。",
        "以下の手順で停止させます(編集)。",
    );
    let content = Plan {
        content: true,
        ..Plan::default()
    };
    let u = preview.apply_paths(content, std::slice::from_ref(&source_file));
    assert!(u.changed.contains(&english), "{:?}", u.changed);
    assert_translation_as_built(&preview, root, "en", "the source's edit");

    // A translation that names a step the source lacks: a located error, the last good
    // English pages still served.
    let good = read(&translation);
    std::fs::write(
        &translation,
        format!("{good}\n[step.no-such-step]\ntitle = \"x\"\n"),
    )
    .unwrap();
    preview.apply_paths(only, std::slice::from_ref(&translation));
    let errors = preview.errors();
    assert!(
        errors.iter().any(|e| e
            .location
            .as_deref()
            .is_some_and(|l| l
                .contains("translations/en/01-mscs/01-upgrade/01-mscs-upgrade-x64-r12-8.toml:"))),
        "{errors:?}"
    );
    assert!(preview.files().contains_key(english.as_str()));
    std::fs::write(&translation, &good).unwrap();
    preview.apply_paths(only, std::slice::from_ref(&translation));
    assert!(preview.errors().is_empty(), "{:?}", preview.errors());

    // Through the real server, the English site is served and follows its files.
    drop(preview);
    let server = Server::start(&book, &[]);
    // Rendered with the print page and runbooks, after the server starts serving.
    let body = wait_until("the English page is served", || {
        let (status, body) = server.get(&format!("/{english}"));
        (status == 200).then_some(body)
    });
    assert!(body.contains("(edited)"));
    let mut events = server.events(&english);
    assert_eq!(events.next().0, "hello");
    edit(&translation, "(edited)", "(edited twice)");
    events.update_where(|u| changed(u).contains(&english));
    assert!(server
        .get(&format!("/{english}"))
        .1
        .contains("(edited twice)"));
}
