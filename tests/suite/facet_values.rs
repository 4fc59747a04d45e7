//! Facet values in text (`[[to]]`, `[[to.minor]]`, `[[os.label]]`): a runbook writes its
//! environment's values into titles, commands, expected output, code spans and link
//! addresses; an environment that leaves a facet open shows the facet's label, never a
//! wrong value; on the site the picker fills them in; mistakes are errors at their place.

use crate::harness::cdp::{file_url, Browser};
use crate::harness::{built_once, Book};

/// The text of `html` without its tags, for what a reader sees.
fn text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn a_kubeadm_runbook_holds_its_profiles_versions() {
    let book = Book::kubeadm();
    for (profile, minor, from) in [
        ("ubuntu-calico-stacked-v1-29-to-v1-30", "v1.30", "v1.29"),
        ("fedora-cilium-stacked-v1-30-to-v1-31", "v1.31", "v1.30"),
    ] {
        let out = book.tmp().join(format!("{profile}.html"));
        book.run([
            "runbook",
            ".",
            "--profile",
            profile,
            "--out",
            out.to_str().expect("a UTF-8 path"),
        ])
        .assert_ok();
        let html = crate::harness::read(&out);
        assert!(!html.contains("[["), "{profile}: a use left as written");
        let seen = text(&html);
        assert!(
            seen.contains(&format!("Switch the package repository to {minor}")),
            "{profile}: the title shows the target's minor line"
        );
        assert!(
            seen.contains(&format!("https://pkgs.k8s.io/core:/stable:/{minor}/")),
            "{profile}: the repository path"
        );
        assert!(
            seen.contains(&format!("Upgrade the first control-plane node to {minor}")),
            "{profile}: a procedure title"
        );
        assert!(
            seen.contains(&format!("core:/stable:/{from}/")),
            "{profile}: the expected output of the current repository shows `from`"
        );
        assert!(!seen.contains("[Target Kubernetes version]"), "{profile}");
    }
}

#[test]
fn an_environment_that_leaves_a_facet_open_shows_its_label() {
    let book = Book::kubeadm();
    let out = book.tmp().join("open.html");
    book.run([
        "runbook",
        ".",
        "--env",
        "distro=debian,cni=calico,topology=single,from=v1.29",
        "--out",
        out.to_str().expect("a UTF-8 path"),
    ])
    .assert_ok();
    let seen = text(&crate::harness::read(&out));
    assert!(
        seen.contains("Switch the package repository to [Target Kubernetes version]"),
        "the open facet reads as its label"
    );
    assert!(
        seen.contains("https://pkgs.k8s.io/core:/stable:/v1.29/"),
        "`from` is given"
    );
    assert!(!seen.contains("[["));
    // Search shows what the page shows before a version is chosen: the label.
    let hits = book
        .run([
            "search",
            "Switch the package repository",
            ".",
            "--json",
            "--limit",
            "1",
        ])
        .assert_ok()
        .json();
    assert_eq!(
        hits[0]["title"].as_str(),
        Some("Switch the package repository to [Target Kubernetes version]"),
        "{hits}"
    );
}

/// A step that shows facet values in a code span, a link's address and a command, in the
/// English fixture book (facets `os` and `from`).
const VALUES: &str = r#"title = "Move to [[from.major]]"
[[section]]
id = "go"
title = "Go"
[[section.step]]
id = "repo"
title = "Point at [[from.minor]]"
body = "Add `/opt/app/[[from.major]]/bin` from [the repo](https://example.com/[[os.label]]/[[from.minor]]/) for [[os.label]]."
[[section.step.part]]
shell = "sh"
cmd = "echo [[from]] [[os]]"
output = "[[from.patch]]"
"#;

#[test]
fn values_are_escaped_for_text_and_addresses() {
    let book = Book::fixture("site-basic");
    book.edit(
        "book.toml",
        r#"{ id = "linux", label = "Linux" }"#,
        r#"{ id = "linux", label = "Linux <GNU> & co" }"#,
    );
    book.write("content/01-first/03-values.toml", VALUES);
    let out = book.tmp().join("rb.html");
    book.run([
        "runbook",
        ".",
        "--env",
        "os=linux,from=R2.0",
        "--out",
        out.to_str().expect("a UTF-8 path"),
    ])
    .assert_ok();
    let html = crate::harness::read(&out);
    assert!(
        html.contains(r#"href="https://example.com/Linux%20%3CGNU%3E%20%26%20co/R2.0/""#),
        "a value in an address is percent-encoded"
    );
    assert!(html.contains("for <span class=\"fv fv-filled\" data-fv=\"os\" data-fv-part=\"label\">Linux &lt;GNU&gt; &amp; co</span>."));
    assert!(html.contains("<code>/opt/app/<span class=\"fv fv-filled\" data-fv=\"from\" data-fv-part=\"major\">R2</span>/bin</code>"));
    let seen = text(&html);
    assert!(seen.contains("echo R2.0 linux"), "command");
    assert!(seen.contains("Move to R2"), "procedure title");
    // R2.0 gives no third component: the output shows the facet open, not `R2.0.0`.
    assert!(seen.contains("[Current version]"));
    // On the site the open address waits for the picker, marked for it.
    book.run(["build", "."]).assert_ok();
    let page = book.read("book/values.html");
    assert!(page.contains(r#"href="https://example.com/%5B%5Bos.label%5D%5D/%5B%5Bfrom.minor%5D%5D/" data-fv-href>"#), "{page}");
}

#[test]
fn mistakes_in_facet_values_are_located() {
    let book = Book::fixture("site-basic");
    book.write(
        "content/01-first/03-values.toml",
        "title = \"To [[from.build]]\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n[[section.step]]\ntitle = \"T\"\nbody = \"[[os.minor]] and [[nope]]\"\n",
    );
    let o = book.run(["check", "."]);
    assert_eq!(o.code(), Some(1));
    let err = o.stderr();
    for (at, message) in [
        (
            "content/01-first/03-values.toml:1:13",
            "facet `from` has no part `build`",
        ),
        (
            "content/01-first/03-values.toml:7:9",
            "facet `os` has no part `minor`",
        ),
        (
            "content/01-first/03-values.toml:7:26",
            "undeclared placeholder `nope`",
        ),
    ] {
        assert!(
            err.contains(message) && err.contains(at),
            "{message} at {at}:\n{err}"
        );
    }
}

#[test]
fn choosing_a_version_in_the_picker_fills_the_page() {
    static SITE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let book = Book::kubeadm();
    let site = built_once(&book, "facet-values-kubeadm", &SITE);
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let heading = "document.querySelector('h1 .fv[data-fv=to]').textContent";
    b.open(&file_url(&site.join("first-control-plane.html")));
    assert_eq!(b.eval(heading), "[Target Kubernetes version]");
    b.open(&file_url(&site.join("index.html")));
    b.eval(
        "(() => { const set = (id, v) => { const s = document.querySelector('#env-' + id); s.value = v; s.dispatchEvent(new Event('change', { bubbles: true })); };
          set('distro', 'debian'); set('from', 'v1.30'); set('to', 'v1.31'); })()",
    );
    b.navigate_by("document.querySelector('a[href^=\"first-control-plane.html\"]').click()");
    b.wait_for(&format!("{heading} === 'v1.31'"));
    let repo = b.eval(
        "Array.from(document.querySelectorAll('.cmd-text')).map(e => e.textContent).filter(t => t.includes('pkgs.k8s.io')).join('\\n')",
    );
    let repo = repo.as_str().unwrap_or_default();
    assert!(repo.contains("core:/stable:/v1.31/deb/"), "{repo}");
    assert!(!repo.contains("v1.30/deb"), "{repo}");
}
