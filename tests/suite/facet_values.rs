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

/// examples/kubeadm built once for the browser tests of this file.
fn kubeadm_site() -> &'static std::path::Path {
    static SITE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let book = Book::kubeadm();
    built_once(&book, "facet-values-kubeadm", &SITE)
}

#[test]
fn choosing_a_version_in_the_picker_fills_the_page() {
    let site = kubeadm_site();
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

/// Where a title is repeated on other-control-planes.html (2.2, "Upgrade the other
/// control-plane nodes to [[to]]"), as a reader sees it: its sidebar entry, its breadcrumb,
/// the previous page's pager link (2.1 "… first control-plane node to [[to]]"), the
/// document's title and the cross-reference to itself in step text.
const TITLE_PLACES: &str = "JSON.stringify({
    sidebar: document.querySelector('#sidebar-toc a[href^=\"other-control-planes.html\"]').textContent,
    breadcrumb: document.querySelector('.breadcrumbs [aria-current=page]').textContent,
    pager: document.querySelector('.pager-prev .pager-title').textContent,
    title: document.title,
    xref: document.querySelector('main a.xref-filled[href^=\"other-control-planes.html\"]').textContent,
})";

#[test]
fn titles_follow_the_environment_wherever_they_are_repeated() {
    let site = kubeadm_site();
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let page = file_url(&site.join("other-control-planes.html"));
    let places = |b: &mut Browser| -> serde_json::Value {
        let json = b.eval(TITLE_PLACES);
        serde_json::from_str(json.as_str().expect("a JSON string")).expect("JSON")
    };
    b.open(&page);
    let open = places(&mut b);
    for (place, text) in open.as_object().expect("an object") {
        let text = text.as_str().unwrap_or_default();
        assert!(
            text.contains("[Target Kubernetes version]") && !text.contains("[["),
            "{place} before a choice: {text}"
        );
    }
    b.open(&format!(
        "{page}?distro=debian&cni=calico&from=v1.30&to=v1.31"
    ));
    b.wait_for("document.title.includes('v1.31')");
    let chosen = places(&mut b);
    let want = [
        ("sidebar", "2.2 Upgrade the other control-plane nodes to v1.31"),
        ("breadcrumb", "2.2 Upgrade the other control-plane nodes to v1.31"),
        ("pager", "2.1 Upgrade the first control-plane node to v1.31"),
        (
            "title",
            "2.2 Upgrade the other control-plane nodes to v1.31 | Upgrading a kubeadm Kubernetes cluster",
        ),
        ("xref", "2.2 Upgrade the other control-plane nodes to v1.31"),
    ];
    for (place, text) in want {
        assert_eq!(chosen[place].as_str(), Some(text), "{place}: {chosen}");
    }
    // A search hit's title, and its procedure's, show the chosen version too.
    b.type_into("#search-input", "Switch the package repository");
    let hit = "Array.from(document.querySelectorAll('#search-results .search-hit')).map(h => h.textContent).find(t => t.includes('Switch the package repository')) || ''";
    b.wait_for(&format!(
        "({hit}).includes('Switch the package repository to v1.31')"
    ));
    let seen = b.eval(hit);
    let seen = seen.as_str().unwrap_or_default();
    assert!(!seen.contains("[Target"), "{seen}");
    // Clearing the environment brings every place back to the label.
    b.eval("window.tejunEnv.reset()");
    b.wait_for("document.title.includes('[Target Kubernetes version]')");
    assert_eq!(places(&mut b), open);
    b.wait_for(&format!(
        "({hit}).includes('Switch the package repository to [Target Kubernetes version]')"
    ));
}

#[test]
fn a_search_in_an_environment_shows_its_values_in_titles() {
    let book = Book::kubeadm();
    let hits = book
        .run([
            "search",
            "Switch the package repository",
            ".",
            "--env",
            "distro=debian,cni=calico,from=v1.30,to=v1.31",
            "--json",
            "--limit",
            "3",
        ])
        .assert_ok()
        .json();
    assert_eq!(
        hits[0]["title"].as_str(),
        Some("Switch the package repository to v1.31"),
        "{hits}"
    );
    assert!(
        hits[0]["procedure"]
            .as_str()
            .is_some_and(|p| p.ends_with("to v1.31")),
        "{hits}"
    );
    for hit in hits.as_array().expect("hits") {
        for field in ["title", "procedure", "chapter", "snippet"] {
            let text = hit[field].as_str().unwrap_or_default();
            assert!(
                !text.contains("[[") && !text.contains("[Target"),
                "{field}: {text}"
            );
        }
    }
    // Words, not JSON: the same titles.
    let text = book
        .run([
            "search",
            "Switch the package repository",
            ".",
            "--env",
            "distro=debian,cni=calico,from=v1.30,to=v1.31",
        ])
        .assert_ok()
        .stdout();
    assert!(
        text.contains("Switch the package repository to v1.31"),
        "{text}"
    );
}

#[test]
fn chapter_and_group_titles_show_values_and_images_take_them_in_their_address() {
    let book = Book::fixture("site-basic");
    book.edit(
        "content/01-first/_chapter.toml",
        "title = \"First chapter\"",
        "title = \"First chapter on [[os.label]]\"",
    );
    book.write(
        "content/01-first/03-grp/_group.toml",
        "title = \"Moving to [[from.minor]]\"\n",
    );
    book.write(
        "content/01-first/03-grp/01-inside.toml",
        "title = \"Inside\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n[[section.step]]\ntitle = \"Look\"\nbody = \"![The layout](https://example.com/arch-[[from.minor]].png) and ![local](img/arch-[[from.minor]].png)\"\n",
    );
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
    assert!(!html.contains("[["), "a use left as written");
    assert!(
        html.contains(r#"href="https://example.com/arch-R2.0.png""#),
        "a remote image's address takes the value"
    );
    book.run(["build", "."]).assert_ok();
    let chapter = book.read("book/first.html");
    let open = "<span class=\"fv\" data-fv=\"os\" data-fv-part=\"label\">[Operating system]</span>";
    assert!(
        chapter.contains(&format!("First chapter on {open}</h1>")),
        "the chapter's heading marks the value for the picker:\n{chapter}"
    );
    assert!(
        chapter.contains("Moving to <span class=\"fv\" data-fv=\"from\" data-fv-part=\"minor\">[Current version]</span>"),
        "the group's heading"
    );
    let toc = book.read("book/assets/toc.js");
    assert!(
        toc.contains(r#"data-fv=\"os\""#) && toc.contains(r#"data-fv=\"from\""#),
        "the sidebar marks both:\n{toc}"
    );
    let inside = book.read("book/inside.html");
    assert!(
        inside.contains(r#"src="img/arch-%5B%5Bfrom.minor%5D%5D.png""#),
        "an open value in an image's address waits for the picker:\n{inside}"
    );
}

#[test]
fn a_placeholder_in_an_image_address_is_located() {
    let book = Book::fixture("site-basic");
    book.edit(
        "book.toml",
        "edition = \"Edition 1\"",
        "edition = \"Edition 1\"\n\n[[placeholder]]\nid = \"host\"\nlabel = \"Host\"",
    );
    book.write(
        "content/01-first/03-img.toml",
        "title = \"Img\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n[[section.step]]\ntitle = \"T\"\nbody = \"On [[host]]: ![shot](img/[[host]].png)\"\n",
    );
    let o = book.run(["check", "."]);
    assert_eq!(o.code(), Some(1));
    let err = o.stderr();
    assert!(
        err.contains("placeholder `[[host]]` in an image's address")
            && err.contains("content/01-first/03-img.toml:7:30"),
        "{err}"
    );
}

#[test]
fn introductions_and_notes_show_values_as_text_does() {
    let book = Book::fixture("site-basic");
    book.write(
        "content/01-first/03-vals.toml",
        "title = \"Vals\"\nintro = \"Intro for [[os.label]].\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\nintro = \"Section for `[[from]]`.\"\n[[section.step]]\ntitle = \"T\"\n[[section.step.part]]\nnote = \"Note for [[from.major]].\"\n",
    );
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
    let seen = text(&crate::harness::read(&out));
    for line in ["Intro for Linux.", "Section for R2.0.", "Note for R2."] {
        assert!(seen.contains(line), "{line}");
    }
    assert!(!seen.contains("[["));
    book.run(["build", "."]).assert_ok();
    let page = book.read("book/vals.html");
    assert!(
        page.contains("Intro for <span class=\"fv\" data-fv=\"os\" data-fv-part=\"label\">[Operating system]</span>."),
        "{page}"
    );
    assert!(
        page.contains("<code><span class=\"fv\" data-fv=\"from\">[Current version]</span></code>")
    );
    assert!(!page.contains("[["));
}

#[test]
fn a_profiles_pdf_has_its_values_in_contents_and_bookmarks() {
    let book = Book::kubeadm();
    let pdf = book.tmp().join("rb.pdf");
    book.tejun()
        .args([
            "pdf",
            ".",
            "--profile",
            "ubuntu-calico-stacked-v1-29-to-v1-30",
            "--out",
            pdf.to_str().expect("a UTF-8 path"),
        ])
        .within(crate::pdf::PRINT)
        .run()
        .assert_ok();
    let marks = crate::pdf::outline(&pdf);
    assert!(
        marks
            .iter()
            .any(|(_, _, t)| t == "2.1 Upgrade the first control-plane node to v1.30"),
        "{marks:?}"
    );
    assert!(
        marks.iter().all(|(_, _, t)| !t.contains('[')),
        "no bookmark reads as a label: {marks:?}"
    );
    let all = crate::pdf::text(&pdf, None);
    assert!(!all.contains("[[") && !all.contains("[TargetKubernetesversion]"));
    // pdftotext's words without their spaces.
    assert!(all.contains("Switchthepackagerepositorytov1.30"));
}
