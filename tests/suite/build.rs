//! `tejun build` and `tejun init`, driven through the real binary on small fixture books
//! (tests/fixtures/site-*) and on a copy of the repository's own JobCenter book.

use crate::harness::{read, snapshot, Book, Tejun};

/// The values of `attr="…"` in document order.
fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!("{attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .collect()
}

#[test]
fn repo_book_renders_every_page() {
    let book = Book::jobcenter();
    book.run(["build", "."]).assert_ok();
    let out = book.join("book");
    for page in [
        "index.html",
        "references.html",
        "404.html",
        "print.html",
        "assets/style.css",
        "assets/tejun.js",
        ".tejun-output",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    let index = read(&out.join("index.html"));
    assert!(
        index.contains("<section id=\"env-picker\""),
        "env picker placeholder"
    );
    assert!(index.contains("第2版"), "edition on the title page");
    assert!(
        index.contains("改版履歴") && index.contains("凡例"),
        "front matter"
    );
    for chapter in ["mscs", "win-other", "unix"] {
        assert!(
            out.join(format!("{chapter}.html")).is_file(),
            "chapter page {chapter}"
        );
    }
    let proc_page = read(&out.join("mscs-upgrade-x64-r12-8.html"));
    assert!(proc_page.contains("id=\"sec-standby\""), "section anchor");
    assert!(
        proc_page.contains("id=\"step-standby-stop-local\""),
        "step anchor"
    );
    assert!(
        proc_page.contains("data-step=\"standby-stop-local\""),
        "data-step"
    );
    assert!(
        proc_page.contains("aria-current=\"page\""),
        "sidebar highlights the page"
    );
    assert!(proc_page.contains("class=\"menu\""), "GUI path chips");
    assert!(
        proc_page.contains("適用前のバージョン: R12.8以降"),
        "condition badge in words"
    );
    assert!(
        proc_page.contains(
            "data-page-when=\"cluster = mscs and operation = upgrade and platform = x86 and from &gt;= R12.8\""
        ),
        "the page's condition includes its chapter's and group's"
    );
    assert!(
        proc_page.contains("手順は<a href=\"references.html#ref-release-memo\">リリースメモ</a>、"),
        "refs sentence"
    );
    let refs = read(&out.join("references.html"));
    assert!(refs.contains("id=\"ref-release-memo\""));
}

#[test]
fn print_page_holds_every_procedure_in_reading_order() {
    let book = Book::jobcenter();
    book.run(["build", "."]).assert_ok();
    let out = book.join("book");
    let print = read(&out.join("print.html"));
    let printed = attr_values(&print, "data-procedure");
    // Reading order: the procedure pages as the index's table of contents lists them.
    let index = read(&out.join("index.html"));
    let toc = &index[index.find("toc-list").expect("toc")..];
    let mut expected: Vec<String> = Vec::new();
    for href in attr_values(toc, "href") {
        let Some(stem) = href.strip_suffix(".html") else {
            continue;
        };
        if read(&out.join(&href)).contains("data-procedure=") && !expected.iter().any(|e| e == stem)
        {
            expected.push(stem.to_string());
        }
    }
    assert!(expected.len() >= 10, "found procedures: {expected:?}");
    assert_eq!(printed, expected);
    assert!(
        !print.contains("class=\"sidebar\""),
        "no navigation on paper"
    );
    assert!(read(&out.join("assets/print.css")).contains("size: A4"));
}

#[test]
fn cross_reference_shows_target_number_and_title() {
    let book = Book::fixture("site-basic");
    book.run(["build", "."]).assert_ok();
    let beta = read(&book.join("book/beta.html"));
    assert!(beta.contains("href=\"alpha.html\" class=\"xref xref-filled\" data-number=\"1.1\">1.1 Alpha procedure</a>"), "{beta}");
    assert!(
        beta.contains("href=\"alpha.html#sec-prep\""),
        "section link"
    );
    assert!(
        beta.contains("href=\"references.html#ref-manual\">the manual</a>"),
        "ext link"
    );
    let print = read(&book.join("book/print.html"));
    assert!(
        print.contains("href=\"#p-alpha\""),
        "links stay inside the print page"
    );
}

#[test]
fn targets_list_their_backlinks() {
    let book = Book::fixture("site-basic");
    book.run(["build", "."]).assert_ok();
    let alpha = read(&book.join("book/alpha.html"));
    assert!(
        alpha.contains("Referenced from: <a href=\"beta.html\">1.2 Beta procedure</a>"),
        "{alpha}"
    );
}

/// Raw HTML is sanitised (tests/hostile.rs has the whole story): the script goes.
#[test]
fn raw_script_in_markdown_is_removed() {
    let book = Book::fixture("site-basic");
    book.run(["build", "."]).assert_ok();
    let beta = read(&book.join("book/beta.html"));
    assert!(!beta.contains("<script>alert") && !beta.contains("boom"));
}

#[test]
fn parts_render_as_typed_blocks() {
    let book = Book::fixture("site-basic");
    book.run(["build", "."]).assert_ok();
    let alpha = read(&book.join("book/alpha.html"));
    assert!(alpha.contains("<span class=\"prompt\" aria-hidden=\"true\">$ </span><span class=\"cmd-text\">systemctl status example</span>"));
    assert!(alpha.contains("<button type=\"button\" class=\"copy\""));
    assert!(alpha.contains("<samp>active (running)</samp>"));
    assert!(alpha.contains("<span class=\"menu\">[Settings]</span>"));
    assert!(alpha.contains("These processes must not exist"));
    assert!(alpha.contains("<li data-when=\"from &gt;= R2.0\"><code>helperd</code>"));
    assert!(alpha.contains("callout-note") && alpha.contains("callout-caution"));
    assert!(alpha
        .contains("See <a href=\"references.html#ref-manual\">The Manual</a> for the procedure."));
    let beta = read(&book.join("book/beta.html"));
    assert!(beta.contains("Operating system: Linux"), "procedure badge");
    assert!(beta.contains("<div class=\"variant\" data-when=\"from &lt; R2.0\"><p class=\"variant-label\">Older versions"));
}

#[test]
fn failed_build_leaves_previous_output_byte_identical() {
    let book = Book::fixture("site-basic");
    book.run(["build", "."]).assert_ok();
    let before = snapshot(&book.join("book"));
    std::fs::write(
        book.join("content/01-first/02-beta.toml"),
        "title = \"Beta\"\nintro = \"[](#nowhere)\"\n",
    )
    .expect("write");
    let o = book.run(["build", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", o.stderr());
    assert!(
        o.stderr().contains("nowhere"),
        "the diagnostic is shown: {}",
        o.stderr()
    );
    assert_eq!(snapshot(&book.join("book")), before);
    // No staging folder is left behind (the build cache and memo beside the output stay).
    let names: Vec<_> = std::fs::read_dir(&book)
        .expect("read_dir")
        .map(|e| e.expect("e").file_name())
        .collect();
    assert!(
        names.iter().all(|n| {
            let n = n.to_string_lossy();
            !n.starts_with(".book.tejun-") || n == ".book.tejun-cache" || n == ".book.tejun-memo"
        }),
        "{names:?}"
    );
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_make() {
    let book = Book::fixture("site-basic");
    std::fs::create_dir(book.join("book")).expect("mkdir");
    std::fs::write(book.join("book/notes.txt"), "mine").expect("write");
    let o = book.run(["build", "."]);
    assert!(!o.status.success());
    assert!(o.stderr().contains("refusing to replace"), "{}", o.stderr());
    assert_eq!(read(&book.join("book/notes.txt")), "mine");
    assert!(!book.join("book/index.html").exists());
    assert!(
        o.stderr().contains("Move it away"),
        "the message names the way out: {}",
        o.stderr()
    );

    // A file is never replaced.
    let file_out = book.join("out.txt");
    std::fs::write(&file_out, "keep").expect("write");
    let o = book.run(["build", ".", "--out", "out.txt"]);
    assert!(!o.status.success());
    assert_eq!(read(&file_out), "keep");
}

#[test]
fn the_internal_remover_only_removes_folders_a_build_set_aside() {
    let book = Book::fixture("site-basic");
    let mine = book.join("content");
    let o = book.run(["remove-retired", &mine.to_string_lossy()]);
    assert!(!o.status.success());
    assert!(mine.join("_refs.toml").is_file(), "nothing was removed");
    assert!(o.stderr().contains("refusing to remove"), "{}", o.stderr());
}

#[test]
fn rebuild_replaces_its_own_output_and_out_flag_is_honoured() {
    let book = Book::fixture("site-basic");
    let out = book.tmp().join("elsewhere/site");
    let out_arg = out.to_string_lossy().into_owned();
    book.run(["build", ".", "--out", &out_arg]).assert_ok();
    std::fs::write(out.join("stale.html"), "old").expect("write");
    book.run(["build", ".", "--out", &out_arg]).assert_ok();
    assert!(out.join("index.html").is_file());
    assert!(
        !out.join("stale.html").exists(),
        "the old output is replaced as a whole"
    );
}

#[test]
fn theme_file_in_the_book_overrides_the_builtin_one() {
    let book = Book::fixture("site-basic");
    let theme = book.join("themes/default");
    std::fs::create_dir_all(&theme).expect("mkdir");
    std::fs::write(theme.join("404.html"), "{% extends \"layout.html\" %}{% block content %}CUSTOM-404 {{ t.home }}{% endblock content %}").expect("write");
    std::fs::write(theme.join("style.css"), "/* custom */").expect("write");
    book.run(["build", "."]).assert_ok();
    assert!(read(&book.join("book/404.html")).contains("CUSTOM-404 Home"));
    assert_eq!(read(&book.join("book/assets/style.css")), "/* custom */");

    std::fs::write(theme.join("chapter.html"), "{% extends \"layout.html\" %}{% block content %}{{ chapter.nope.deeper }}{% endblock content %}").expect("write");
    let o = book.run(["build", "."]);
    assert!(!o.status.success());
    let err = o.stderr();
    assert!(
        err.contains("chapter.html") && err.contains("nope"),
        "template error names the template and the problem: {err}"
    );
    assert!(
        read(&book.join("book/404.html")).contains("CUSTOM-404"),
        "previous output kept"
    );
}

#[test]
fn theme_overrides_the_command_block_markup() {
    let book = Book::fixture("site-basic");
    book.write(
        "themes/default/parts/cmd.html",
        "<figure class=\"shell-{{ part.shell }}\">\
         {%- for line in part.lines %}<kbd>{% for s in line %}{{ s }}{% endfor %}</kbd>{% endfor -%}\
         </figure>",
    );
    book.run(["build", "."]).assert_ok();
    let expected = "<figure class=\"shell-sh\"><kbd>systemctl status example</kbd></figure>";
    for page in ["book/alpha.html", "book/print.html"] {
        let html = book.read(page);
        assert!(
            html.contains(expected),
            "{page} uses the theme's command block"
        );
        assert!(
            !html.contains("class=\"cmd\""),
            "{page} has no built-in command block"
        );
        assert!(
            html.contains("<span class=\"menu\">[Settings]</span>"),
            "{page}: the other parts keep theirs"
        );
    }
    book.run(["runbook", ".", "--env", "os=linux", "--out", "rb.html"])
        .assert_ok();
    assert!(
        book.read("rb.html").contains(expected),
        "runbooks use it too"
    );
}

#[test]
fn theme_overrides_the_callout_markup() {
    let book = Book::fixture("site-basic");
    book.write(
        "themes/default/parts/callout.html",
        "<div role=\"note\" class=\"box-{{ part.kind }}\">{{ part.html | safe }}</div>",
    );
    book.run(["build", "."]).assert_ok();
    let alpha = book.read("book/alpha.html");
    for (kind, text) in [("note", "A note."), ("caution", "A caution.")] {
        let expected = format!("<div role=\"note\" class=\"box-{kind}\"><p>{text}</p>\n</div>");
        assert!(alpha.contains(&expected), "{expected} in {alpha}");
    }
    assert!(!alpha.contains("<aside class=\"callout"));
}

#[test]
fn theme_table_of_contents_is_one_macro_for_home_print_and_sidebar() {
    let book = Book::fixture("site-basic");
    book.write(
        "themes/default/toc.html",
        "{% macro toc(toc, kind, t) %}<p class=\"my-toc-{{ kind }}\">\
         {%- for ch in toc %}{{ ch.title }}{% for p in ch.procedures %} / {{ p.title }}{% endfor %}{% endfor -%}\
         </p>{% endmacro toc %}",
    );
    book.run(["build", "."]).assert_ok();
    let mine = |kind: &str| format!("<p class=\"my-toc-{kind}\">First chapter / Alpha procedure");
    assert!(book.read("book/index.html").contains(&mine("contents")));
    assert!(book.read("book/print.html").contains(&mine("print")));
    let script = book.read("book/assets/toc.js");
    assert!(
        script.contains("box.innerHTML = \"\\n  \\u003cp class=\\\"my-toc-sidebar\\\"\\u003eFirst chapter / Alpha procedure"),
        "the sidebar script carries it: {script}"
    );
}

#[test]
fn theme_overrides_the_sidebar_script() {
    let book = Book::fixture("site-basic");
    book.write(
        "themes/default/toc.js",
        "window.MY_TOC = {{ sidebar | safe }};\n",
    );
    book.run(["build", "."]).assert_ok();
    let script = book.read("book/assets/toc.js");
    assert!(
        script.starts_with("window.MY_TOC = \"\\n  \\u003cul class=\\\"toc\\\"\\u003e"),
        "{script}"
    );
}

/// Parts and variants print in the order they are written: a check written after a step's
/// variants comes after them, on the page and in a runbook, where filtering keeps it there.
#[test]
fn parts_written_after_the_variants_print_after_them() {
    let book = Book::fixture("site-basic");
    let proc_file = "content/01-first/01-alpha.toml";
    let text = book.read(proc_file);
    book.write(
        proc_file,
        format!(
            "{text}\n[[section.step]]\ntitle = \"Stop the service\"\nbody = \"First stop it.\"\n\n\
             [[section.step.variant]]\nwhen = \"os = linux\"\n[[section.step.variant.part]]\n\
             shell = \"sh\"\ncmd = \"systemctl stop example\"\n\n\
             [[section.step.variant]]\nwhen = \"os = windows\"\n[[section.step.variant.part]]\n\
             shell = \"cmd\"\ncmd = \"net stop example\"\n\n\
             [[section.step.part]]\nexpect = \"absent\"\nprocesses = [\"exampled\"]\n"
        ),
    );
    book.run(["build", "."]).assert_ok();
    let order = |html: &str, what: &[&str]| {
        let at: Vec<usize> = what
            .iter()
            .map(|w| html.find(w).unwrap_or_else(|| panic!("{w} missing")))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{what:?} at {at:?}");
    };
    let alpha = book.read("book/alpha.html");
    order(
        &alpha,
        &[
            "First stop it.",
            "systemctl stop example",
            "net stop example",
            "exampled",
        ],
    );
    book.run(["runbook", ".", "--env", "os=linux", "--out", "rb.html"])
        .assert_ok();
    let rb = book.read("rb.html");
    order(
        &rb,
        &["First stop it.", "systemctl stop example", "exampled"],
    );
    assert!(!rb.contains("net stop example"));
}

/// A use site's `body` introduces the reused step, so it comes first; the use site's parts
/// come after the reused content, variants included, as they are written after the `use`.
#[test]
fn a_use_site_body_comes_before_the_reused_step_and_its_parts_after() {
    let book = Book::fixture("site-basic");
    book.write(
        "content/_steps/stop-service.toml",
        "title = \"Stop the service\"\nbody = \"Stop it.\"\n\n\
         [[variant]]\nwhen = \"os = linux\"\n[[variant.part]]\nshell = \"sh\"\ncmd = \"systemctl stop example\"\n\n\
         [[variant]]\nwhen = \"os = windows\"\n[[variant.part]]\nshell = \"cmd\"\ncmd = \"net stop example\"\n",
    );
    let file = "content/01-first/01-alpha.toml";
    let text = book.read(file);
    book.write(
        file,
        format!(
            "{text}\n[[section.step]]\nuse = \"stop-service\"\nbody = \"On the first node:\"\n\
             [[section.step.part]]\ntext = \"Then close the console.\"\n"
        ),
    );
    book.run(["build", "."]).assert_ok();
    let alpha = book.read("book/alpha.html");
    let at = |w: &str| alpha.find(w).unwrap_or_else(|| panic!("{w} missing"));
    let order = [
        at("On the first node:"),
        at("Stop it."),
        at("systemctl stop example"),
        at("net stop example"),
        at("Then close the console."),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

/// The prompts of the page's command blocks, line by line (`None`: no prompt).
fn prompts(html: &str) -> Vec<Option<String>> {
    html.split("<span class=\"line\">")
        .skip(1)
        .map(|line| {
            line.strip_prefix("<span class=\"prompt\" aria-hidden=\"true\">")
                .and_then(|rest| rest.split_once(" </span>"))
                .map(|(p, _)| p.to_string())
        })
        .collect()
}

/// A command shows its prompt on its first line only: continued lines, a here-document
/// and an SQL statement over several lines have none; a book's own shell brings its
/// prompt, and a built-in one can be given another.
#[test]
fn prompts_only_where_a_command_starts_in_the_books_shells() {
    let book = Book::fixture("site-basic");
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        format!(
            "{toml}\n[[shell]]\nid = \"psql\"\nprompt = \"postgres=#\"\n\
             continuation = \"semicolon\"\n\n[[shell]]\nid = \"root\"\nprompt = \"%\"\n"
        ),
    );
    let continuation_line = toml.lines().count() + 5;
    book.edit(
        "content/01-first/01-alpha.toml",
        "cmd = \"systemctl status example\"",
        r#"cmd = '''
systemctl status example \
  --no-pager
cat <<EOF > /tmp/x
a

EOF
ls'''
[[section.step.part]]
shell = "psql"
cmd = '''
SELECT 1
  FROM t;
\dt'''
[[section.step.part]]
shell = "root"
cmd = "id""#,
    );
    book.run(["build", "."]).assert_ok();
    let alpha = book.read("book/alpha.html");
    let s = |p: &str| Some(p.to_string());
    let want = [
        s("$"),
        None,
        s("$"),
        None,
        None,
        None,
        s("$"),
        s("postgres=#"),
        None,
        s("postgres=#"),
        s("%"),
    ];
    assert_eq!(prompts(&alpha), want, "{alpha}");
    book.run(["runbook", ".", "--env", "os=linux", "--out", "rb.html"])
        .assert_ok();
    assert_eq!(prompts(&book.read("rb.html")), want);
    // A shell nobody declared is an error naming the ones there are.
    book.edit(
        "content/01-first/01-alpha.toml",
        "shell = \"psql\"",
        "shell = \"mysql\"",
    );
    let err = book.run(["check", "."]).stderr();
    assert!(
        err.contains("unknown shell `mysql`") && err.contains("\"psql\""),
        "{err}"
    );
    book.edit(
        "book.toml",
        "continuation = \"semicolon\"",
        "continuation = \"semi\"",
    );
    let err = book.run(["check", "."]).stderr();
    assert!(
        err.contains(&format!("book.toml:{continuation_line}:16"))
            && err.contains("unknown continuation `semi`"),
        "{err}"
    );
}

/// Every word a reader sees comes from the language table, which the book's theme may
/// change key by key: the site, a runbook and the search box all say the theme's word.
#[test]
fn theme_language_table_replaces_words_everywhere() {
    let book = Book::fixture("site-basic");
    book.write(
        "themes/default/lang/en.toml",
        "[site]\nnote = \"Good to know\"\n[search]\nno_results = \"Nothing here.\"\n\
         [runbook]\nkicker = \"Field guide\"\n",
    );
    book.run(["build", "."]).assert_ok();
    let alpha = book.read("book/alpha.html");
    assert!(alpha.contains("Good to know"), "the callout's title");
    assert!(!alpha.contains(">Note<"), "no built-in word left: {alpha}");
    assert!(book.read("book/search/meta.js").contains("Nothing here."));
    book.run(["runbook", ".", "--env", "os=linux", "--out", "rb.html"])
        .assert_ok();
    let rb = book.read("rb.html");
    assert!(rb.contains("Field guide") && rb.contains("Good to know"));
}

/// A misspelt key, or a word that drops the `{}` its number goes in, is an error at its
/// line in the theme's table, and nothing is built.
#[test]
fn theme_language_table_mistakes_are_located() {
    let book = Book::fixture("site-basic");
    book.write(
        "themes/default/lang/en.toml",
        "[site]\nnote = \"N\"\nnotte = \"x\"\n[search]\nresults = \"many\"\n",
    );
    let out = book.run(["build", "."]);
    assert_eq!(out.code(), Some(1));
    let err = out.stderr();
    assert!(
        err.contains("themes/default/lang/en.toml:3:1") && err.contains("notte"),
        "{err}"
    );
    assert!(!book.join("book").exists(), "nothing built");
    book.write(
        "themes/default/lang/en.toml",
        "[search]\nresults = \"many\"\n",
    );
    let err = book.run(["check", "."]).stderr();
    assert!(
        err.contains("themes/default/lang/en.toml:2:11") && err.contains("search.results"),
        "{err}"
    );
}

#[test]
fn init_then_build_succeeds_and_init_never_overwrites() {
    let tmp = tempfile::tempdir().expect("tempdir");
    Tejun::new(tmp.path())
        .args(["init", "new-book"])
        .run()
        .assert_ok();
    let book = tmp.path().join("new-book");
    let o = Tejun::new(&book).args(["build", "."]).run();
    o.assert_ok();
    assert!(
        !o.stderr().contains("warning:"),
        "a fresh book is clean: {}",
        o.stderr()
    );
    let page = read(&book.join("book/upgrade.html"));
    assert!(page.contains("class=\"cmd\"") && page.contains("class=\"variant\""));
    let before = read(&book.join("book.toml"));
    let again = Tejun::new(tmp.path()).args(["init", "new-book"]).run();
    assert!(!again.status.success());
    assert_eq!(read(&book.join("book.toml")), before);
}

/// The default theme's step bodies and the print page's and runbooks' procedures are
/// written by Rust while the theme's templates for them are the default's own text; a
/// theme that only adds a comment to one of them is rendered by tera. Every book must come
/// out byte for byte the same both ways: every page, the print page, the runbooks and the
/// translations.
#[test]
fn pages_read_the_same_whether_written_by_tera_or_by_the_fast_path() {
    let repo = crate::harness::repo();
    for (book, names) in [
        (
            Book::jobcenter(),
            &["step.html", "part.html", "commands.html"][..],
        ),
        (
            Book::kubeadm(),
            &["procedure_body.html", "parts/cmd.html"][..],
        ),
        (Book::fixture("site-ja"), &["conditions.html"][..]),
        (
            Book::fixture("site-basic"),
            &["parts/title.html", "parts/processes.html"][..],
        ),
        (
            Book::fixture("problems"),
            &["procedure.html", "variant.html"][..],
        ),
    ] {
        let fast = book.build_into("fast");
        for name in names {
            let path = book.join("themes/default").join(name);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
            let text = read(&repo.join("themes/default").join(name));
            std::fs::write(&path, text + "{# the same markup #}").expect("write");
        }
        let slow = book.build_into("slow");
        let (fast, slow) = (snapshot(&fast), snapshot(&slow));
        assert_eq!(fast.len(), slow.len(), "{}: the same files", book.display());
        for (file, bytes) in &fast {
            assert!(
                slow.get(file) == Some(bytes),
                "{}: `{}` differs between tera and the fast path",
                book.display(),
                file.display()
            );
        }
    }
}
