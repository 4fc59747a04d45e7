//! `tejun runbook` and the runbooks `tejun build` writes, through the real binary: on a
//! copy of the small fixture book tests/fixtures/site-ja, the same file from `--profile`
//! and `--env`, clear one-line errors, the environment stated, steps numbered without
//! gaps, the right commands, and a file that needs nothing but itself; on a copy of the
//! JobCenter book, every profile's runbook built, and every link in each landing inside it.
//! The values panel is handed only the placeholders the runbook's steps use.

use std::path::Path;

use crate::harness::{read, Book, Tejun, DATE};

/// The values of `attr="…"` in document order.
fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .collect()
}

/// Writes the UNIX patch runbook with `args` and returns its text.
fn unix_patch(book: &Path, args: &[&str], file: &str) -> String {
    let mut all = vec!["runbook", "."];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", file]);
    Tejun::new(book).args(all).run().assert_ok();
    read(&book.join(file))
}

/// Problems that would make the file reach outside itself.
fn external_references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href", "src", "srcset", "action", "poster", "data"] {
        for v in attr_values(html, attr) {
            let inline_image = attr == "src" && v.starts_with("data:image/");
            if !(v.starts_with('#') || inline_image) {
                found.push(format!("{attr}=\"{v}\""));
            }
        }
    }
    for needle in ["<link", "@import", "url(", "<iframe", "<object", "<embed"] {
        let mut rest = html;
        while let Some(i) = rest.find(needle) {
            let tail = &rest[i + needle.len()..];
            if !(needle == "url(" && tail.trim_start_matches(['"', '\'']).starts_with("data:")) {
                found.push(format!("{needle}{}", &tail[..tail.len().min(40)]));
            }
            rest = tail;
        }
    }
    found
}

#[test]
fn profile_and_env_write_the_same_file() {
    let book = Book::fixture("site-ja");
    let a = unix_patch(&book, &["--profile", "unix-patch"], "a.html");
    let b = unix_patch(
        &book,
        &["--env", "cluster=unix,operation=patch,from=R1.5,to=R2.0"],
        "b.html",
    );
    // Facet order in --env does not matter either.
    let c = unix_patch(
        &book,
        &["--env", "to=R2.0, from=R1.5,operation=patch,cluster=unix"],
        "c.html",
    );
    assert!(a == b, "--profile and --env differ");
    assert!(a == c, "facet order changed the file");
}

#[test]
fn unknown_profile_is_a_one_line_error() {
    let book = Book::fixture("site-ja");
    let o = book.run(["runbook", ".", "--profile", "nope"]);
    assert!(!o.status.success());
    let err = o.stderr();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("unknown profile `nope`"), "{err}");
    assert!(err.contains("unix-patch"), "lists the profiles: {err}");
    assert!(!book.join("nope.html").exists());
}

#[test]
fn unparsable_env_is_a_one_line_error() {
    let book = Book::fixture("site-ja");
    for (spec, says) in [
        ("cluster", "is not `facet=value`"),
        (
            "cluster=solaris",
            "unknown value `solaris` for facet `cluster`",
        ),
        ("colour=red", "unknown facet `colour`"),
        ("from=12..7", "malformed version"),
        ("from=twelve", "malformed version"),
    ] {
        let o = book.run(["runbook", ".", "--env", spec]);
        assert!(!o.status.success(), "{spec} was accepted");
        let err = o.stderr();
        assert_eq!(err.trim_end().lines().count(), 1, "{spec}: {err}");
        assert!(
            err.contains(&format!("invalid environment `{spec}`")) && err.contains(says),
            "{spec}: {err}"
        );
    }
    let o = book.run(["runbook", "."]);
    assert!(!o.status.success(), "neither --env nor --profile");
}

#[test]
fn runbook_states_environment_and_date() {
    let book = Book::fixture("site-ja");
    let html = unix_patch(&book, &["--profile", "unix-patch"], "r.html");
    let env = &html[html
        .find("class=\"runbook-env\"")
        .expect("environment block")..];
    let env = &env[..env.find("</section>").expect("end")];
    for (facet, value) in [
        ("クラスタ種別", "UNIX"),
        ("作業", "パッチ適用"),
        ("適用前のバージョン", "R1.5"),
        ("適用後のバージョン", "R2.0"),
    ] {
        assert!(
            env.contains(&format!("<dt>{facet}</dt><dd>{value}</dd>")),
            "{facet}: {value} in {env}"
        );
    }
    assert!(html.contains("<h1 class=\"runbook-title\">UNIX パッチ適用 (R1.5 から R2.0 へ)</h1>"));
    // The harness's SOURCE_DATE_EPOCH.
    assert!(html.contains(&format!("<time datetime=\"{DATE}\">{DATE}</time>")));
}

#[test]
fn steps_are_numbered_without_gaps() {
    let book = Book::fixture("site-ja");
    let html = unix_patch(&book, &["--profile", "unix-patch"], "r.html");
    let seqs: Vec<u32> = attr_values(&html, "data-seq")
        .iter()
        .map(|s| s.parse().expect("number"))
        .collect();
    assert!(seqs.len() >= 8, "{seqs:?}");
    assert_eq!(seqs, (1..=seqs.len() as u32).collect::<Vec<_>>());
    assert!(
        html.contains(&format!("0 / {}", seqs.len())),
        "progress total"
    );
    // Inside every list of steps, 1..n.
    for list in html.split("<ol class=\"steps\" data-steps>").skip(1) {
        let list = &list[..list.find("</ol>").expect("end of list")];
        let values: Vec<u32> = attr_values(list, "value")
            .iter()
            .map(|s| s.parse().expect("number"))
            .collect();
        assert_eq!(values, (1..=values.len() as u32).collect::<Vec<_>>());
    }
    // One checkbox and one content hash per step.
    assert_eq!(html.matches("class=\"step-check\"").count(), seqs.len());
    let hashes = attr_values(&html, "data-hash");
    assert_eq!(hashes.len(), seqs.len());
    assert!(hashes
        .iter()
        .all(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit())));
}

#[test]
fn unix_patch_has_unix_commands_only() {
    let book = Book::fixture("site-ja");
    let html = unix_patch(&book, &["--profile", "unix-patch"], "r.html");
    assert!(html.contains("/opt/sample/bin/svstop"), "svstop");
    assert!(html.contains("rpm -ivh"), "rpm");
    assert!(
        html.contains("<code>dbmaster</code>"),
        "dbmaster process check"
    );
    assert!(!html.contains("data-shell=\"cmd\""), "no Windows prompt");
    assert!(!html.contains("regsvr32"), "no Windows command");
}

#[test]
fn runbook_is_self_contained() {
    let book = Book::fixture("site-ja");
    let html = unix_patch(&book, &["--profile", "unix-patch"], "r.html");
    assert_eq!(external_references(&html), Vec::<String>::new());
    assert!(
        html.contains("<style>") && html.contains("size: A4"),
        "print CSS inline"
    );
    assert!(
        html.contains("window.TEJUN_RUNBOOK"),
        "runbook script inline"
    );
    assert!(html.contains("data-export=\"json\"") && html.contains("data-export=\"csv\""));
}

#[test]
fn build_writes_every_profile_runbook_and_lists_them() {
    let book = Book::jobcenter();
    book.run(["build", "."]).assert_ok();
    let out = book.join("book");
    let index = read(&out.join("index.html"));
    let config = read(&book.join("book.toml"));
    let profiles: Vec<String> = config
        .lines()
        .zip(config.lines().skip(1))
        .filter(|(a, _)| a.trim() == "[[profile]]")
        .filter_map(|(_, b)| b.split('"').nth(1).map(str::to_string))
        .collect();
    assert!(profiles.len() >= 10, "{profiles:?}");
    for id in &profiles {
        let path = out.join(format!("runbooks/{id}.html"));
        let html = read(&path);
        assert_eq!(external_references(&html), Vec::<String>::new(), "{id}");
        // The file `tejun runbook --profile` writes is the same one.
        let single = book.join(format!("{id}.html"));
        book.run([
            "runbook",
            ".",
            "--profile",
            id,
            "--out",
            &format!("{id}.html"),
        ])
        .assert_ok();
        assert!(read(&single) == html, "{id}: build and runbook differ");
        assert!(
            index.contains(&format!("href=\"runbooks/{id}.html\"")),
            "index links {id}"
        );
    }
}

#[test]
fn every_link_in_every_runbook_lands_inside_it() {
    let book = Book::jobcenter();
    book.run(["build", "."]).assert_ok();
    let dir = book.join("book/runbooks");
    let mut runbooks = 0;
    let mut absent = 0;
    for entry in std::fs::read_dir(&dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        let html = read(&path);
        runbooks += 1;
        let ids: std::collections::HashSet<String> = attr_values(&html, "id").into_iter().collect();
        let dead: Vec<String> = attr_values(&html, "href")
            .into_iter()
            .filter_map(|h| h.strip_prefix('#').map(str::to_string))
            .filter(|anchor| !anchor.is_empty() && !ids.contains(anchor))
            .collect();
        assert!(
            dead.is_empty(),
            "{}: links to anchors the runbook does not have: {dead:?}",
            path.display()
        );
        absent += html.matches("class=\"xref-absent\"").count();
    }
    assert_eq!(runbooks, 14, "one runbook per profile");
    // Cross-references to procedures another environment needs are kept as text.
    assert!(
        absent > 0,
        "some runbook refers to a procedure it leaves out"
    );
}

/// The placeholder ids `window.TEJUN` hands the values panel of a runbook.
fn placeholder_ids(html: &str) -> Vec<String> {
    let start = html.find("window.TEJUN = ").expect("window.TEJUN") + "window.TEJUN = ".len();
    let end = start + html[start..].find(";</script>").expect("end of script");
    let tejun: serde_json::Value = serde_json::from_str(&html[start..end]).expect("json");
    tejun["placeholders"]
        .as_array()
        .expect("placeholders")
        .iter()
        .map(|p| p["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn the_values_panel_gets_only_the_placeholders_the_runbook_uses() {
    let book = Book::fixture("site-ja");
    // The book declares five; patching UNIX uses one.
    let html = unix_patch(&book, &["--profile", "unix-patch"], "r.html");
    assert_eq!(placeholder_ids(&html), ["patch_version"]);
    // Upgrading MSCS uses others, from its own steps and a reused one.
    Tejun::new(&*book)
        .args([
            "runbook",
            ".",
            "--profile",
            "mscs-upgrade",
            "--out",
            "m.html",
        ])
        .run()
        .assert_ok();
    let html = read(&book.join("m.html"));
    let ids = placeholder_ids(&html);
    for id in ["install_path", "resource", "virtual_host"] {
        assert!(ids.iter().any(|i| i == id), "{id} in {ids:?}");
    }
    assert!(!ids.iter().any(|i| i == "patch_version"), "{ids:?}");
}
