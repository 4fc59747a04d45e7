//! `tejun runbook --set`: values the operator gives are written into the runbook's
//! commands; a value that fails its placeholder's pattern is refused (on the small
//! fixture book tests/fixtures/site-ja). Patterns mean what the vectors shared with the
//! browser say.

use crate::harness::{fixture_dir, read, repo, Book, Tejun};

/// `tejun runbook ARGS` on the fixture book (read only): (exit code, the runbook as the
/// reader sees it, stderr).
fn runbook(args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rb.html");
    let o = Tejun::new(fixture_dir("site-ja"))
        .arg("runbook")
        .args(args)
        .arg("--out")
        .arg(&out)
        .run();
    let html = std::fs::read_to_string(&out).unwrap_or_default();
    // What the reader sees: the page without its scripts (whose data names every placeholder).
    let html = without_scripts(&html);
    (o.code().unwrap_or(-1), html, o.stderr())
}

fn without_scripts(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<script") {
        out.push_str(&rest[..i]);
        rest = rest[i..]
            .find("</script>")
            .map(|j| &rest[i + j + 9..])
            .unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[test]
fn set_values_are_written_into_the_commands() {
    let (code, html, err) = runbook(&[
        "--profile",
        "mscs-upgrade",
        "--set",
        "resource=JCRes,install_path=D:\\Sample\\SV",
        "--set",
        "virtual_host=jcvhost01",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(html.contains("cluster res &quot;<span class=\"ph ph-filled\" data-ph=\"resource\" title=\"リソースの名前\">JCRes</span>&quot;"), "filled and marked");
    assert!(html.contains(">D:\\Sample\\SV</span>\\bin\\SampleCluster.vbs"));
    assert!(
        !html.contains("[リソースの名前]"),
        "no bracketed placeholder left for a value that was set"
    );
    assert!(!html.contains("[仮想ホスト名]"));
    assert!(
        html.contains("[共有ディスク上のパス]"),
        "a value not set stays visibly unfilled"
    );
}

#[test]
fn a_value_failing_its_pattern_is_refused() {
    let (code, _, err) = runbook(&[
        "--profile",
        "mscs-upgrade",
        "--set",
        "install_path=relative\\path",
    ]);
    assert_ne!(code, 0);
    assert!(
        err.contains("`relative\\path` is not a valid インストールパス (`install_path`)"),
        "{err}"
    );
}

#[test]
fn an_unknown_placeholder_is_refused() {
    let (code, _, err) = runbook(&["--profile", "unix-patch", "--set", "resorce=x"]);
    assert_ne!(code, 0);
    assert!(err.contains("unknown placeholder `resorce`"), "{err}");
}

#[test]
fn the_patch_version_placeholder_reads_as_its_unfilled_text_until_set() {
    let (code, html, err) = runbook(&["--profile", "unix-patch"]);
    assert_eq!(code, 0, "{err}");
    assert!(html.contains("SampleSV-<span class=\"ph\" data-ph=\"patch_version\" title=\"パッチのバージョン\">xx.x.x</span>-1.x86_64.rpm"));
    let (code, html, err) = runbook(&["--profile", "unix-patch", "--set", "patch_version=2.0.1"]);
    assert_eq!(code, 0, "{err}");
    assert!(html.contains(">2.0.1</span>-1.x86_64.rpm"));
}

/// tests/placeholder-vectors.json: what the browser must accept (`browser` is the pattern
/// placeholders.js receives) and what `tejun check` refuses, shared with the browser side.
fn vectors() -> serde_json::Value {
    serde_json::from_str(&read(&repo().join("tests/placeholder-vectors.json"))).unwrap()
}

fn placeholder(pattern: Option<regex::Regex>) -> tejun::config::Placeholder {
    tejun::config::Placeholder {
        id: "p".into(),
        label: "P".into(),
        description: None,
        example: None,
        pattern,
        unfilled: "[P]".into(),
        span: 0..0,
        value: None,
    }
}

#[test]
fn patterns_mean_what_the_shared_vectors_say() {
    let v = vectors();
    for case in v["values"].as_array().unwrap() {
        let value = case["value"].as_str().unwrap();
        let pattern = case["pattern"]
            .as_str()
            .map(|p| tejun::config::pattern::compile(p).unwrap_or_else(|e| panic!("{p}: {e:?}")));
        assert_eq!(
            pattern.as_ref().map(|r| r.as_str()),
            case["browser"].as_str(),
            "the pattern the browser gets, for {case}"
        );
        assert_eq!(
            placeholder(pattern).accepts(value),
            case["expected"].as_bool().unwrap(),
            "{case}"
        );
    }
}

#[test]
fn patterns_outside_the_shared_syntax_are_refused_where_they_go_wrong() {
    let v = vectors();
    for case in v["refused"].as_array().unwrap() {
        let pattern = case["pattern"].as_str().unwrap();
        let e = tejun::config::pattern::compile(pattern).unwrap_err();
        let column = pattern[..e.span.start].chars().count() as u64 + 1;
        assert_eq!(column, case["column"].as_u64().unwrap(), "{case}: {e:?}");
        assert!(
            e.message.contains(case["message"].as_str().unwrap()),
            "{case}: {e:?}"
        );
    }
}

/// `tejun check` reports a pattern the browser would read differently at its column in
/// book.toml (a copy of the fixture book with one pattern changed).
#[test]
fn check_refuses_an_inline_flag_at_its_column() {
    let book = Book::fixture("site-ja");
    let config = book.read("book.toml");
    let old = "pattern = \"[0-9]+\\\\.[0-9]+\\\\.[0-9]+\"";
    assert!(config.contains(old), "the fixture's patch_version pattern");
    let line = config[..config.find(old).unwrap()].lines().count() + 1;
    book.write("book.toml", config.replace(old, "pattern = '[0-9]+(?i)x'"));
    let o = book.run(["check", "."]);
    let err = o.stderr();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("inline flags such as `(?i)` are not supported"),
        "{err}"
    );
    assert!(err.contains(&format!("┌─ book.toml:{line}:18")), "{err}");
}

/// A placeholder where no reader's value can be filled in (a title, a link's address) is
/// an error at its place, not a literal `[[id]]` on the page or a broken link; in a code
/// span and in expected output it is filled as in a command.
#[test]
fn placeholders_in_titles_and_link_addresses_are_located_errors() {
    let book = Book::fixture("site-ja");
    let file = "content/02-unix/01-unix-upgrade.toml";
    let text = book.read(file);
    book.write(
        file,
        format!(
            "{text}\n[[section.step]]\ntitle = \"Check [[install_path]] exists\"\n\
             body = \"Run `ls [[install_path]]`, see [the doc](https://example.com/[[install_path]]/x).\"\n"
        ),
    );
    let line = text.lines().count() + 3;
    let out = book.run(["check", "."]);
    assert_eq!(out.code(), Some(1));
    let err = out.stderr();
    assert!(
        err.contains(&format!("{file}:{line}:16"))
            && err.contains("placeholder `[[install_path]]` in a title"),
        "{err}"
    );
    assert!(
        err.contains(&format!("{file}:{}:", line + 1)) && err.contains("in a link's address"),
        "{err}"
    );
    // In a code span it is filled, as in a command.
    book.edit(
        file,
        "Check [[install_path]] exists",
        "Check the folder exists",
    );
    book.edit(
        file,
        "[the doc](https://example.com/[[install_path]]/x)",
        "the doc",
    );
    let text = book.read(file);
    book.write(
        file,
        format!(
            "{text}\n[[section.step.part]]\nshell = \"sh\"\ncmd = \"ls -d [[install_path]]\"\n\
             output = \"[[install_path]]\"\n"
        ),
    );
    book.run(["build", "."]).assert_ok();
    let page = book.read("book/unix-upgrade.html");
    assert!(page.contains("<code>ls <span class=\"ph\" data-ph=\"install_path\""));
    // Expected output is filled as its command is.
    assert!(
        page.contains("<samp><span class=\"ph\" data-ph=\"install_path\""),
        "{page}"
    );
}

/// A profile may preset placeholder values: its runbook shows them filled (a `--set` value
/// still wins); a value of no declared placeholder, or one its pattern refuses, is an
/// error at its place in book.toml.
#[test]
fn a_profile_presets_placeholder_values_in_its_runbook() {
    let book = Book::fixture("site-ja");
    book.edit(
        "book.toml",
        "env = { cluster = \"mscs\", operation = \"upgrade\", from = \"R1.5\", to = \"R2.0\" }",
        "env = { cluster = \"mscs\", operation = \"upgrade\", from = \"R1.5\", to = \"R2.0\" }\n\
         values = { virtual_host = \"svhost01\" }",
    );
    let filled = "data-ph=\"virtual_host\" title=\"仮想ホスト名\">svhost01</span>";
    book.run([
        "runbook",
        ".",
        "--profile",
        "mscs-upgrade",
        "--out",
        "a.html",
    ])
    .assert_ok();
    assert!(
        book.read("a.html").contains(filled),
        "preset value filled in"
    );
    book.run([
        "runbook",
        ".",
        "--profile",
        "mscs-upgrade",
        "--set",
        "virtual_host=other",
        "--out",
        "b.html",
    ])
    .assert_ok();
    let b = book.read("b.html");
    assert!(
        !b.contains(filled) && b.contains(">other</span>"),
        "--set wins"
    );
    // Another profile has no preset.
    book.run([
        "runbook",
        ".",
        "--profile",
        "mscs-patch-r1-0",
        "--out",
        "c.html",
    ])
    .assert_ok();
    assert!(!book.read("c.html").contains("svhost01"));

    book.edit(
        "book.toml",
        "virtual_host = \"svhost01\"",
        "virtual_host = \"-bad\", nope = \"x\"",
    );
    let err = book.run(["check", "."]).stderr();
    assert!(err.contains("`-bad` is not a valid 仮想ホスト名"), "{err}");
    assert!(err.contains("unknown placeholder `nope`"), "{err}");
    assert!(err.contains("book.toml:41:"), "{err}");
}
