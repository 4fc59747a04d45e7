//! Issue 16, second round of hardening: themes that reach outside their folder or into the
//! build host's environment, lints and coverage that must stay fast on hostile books,
//! invisible characters in commands, output piped into a reader that stops early, and
//! runbooks that must make no request. Each test runs the real binary on a small book
//! written into a temporary folder (the `site-basic` fixture plus what the case needs).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{read, repo, write, Book, Run, Tejun};

/// A copy of the `site-basic` fixture book.
fn basic_book() -> Book {
    Book::fixture("site-basic")
}

/// `tejun build` into `site/` beside the book; returns the output and the folder.
fn build(book: &Path) -> (Run, PathBuf) {
    let site = book.parent().unwrap().join("site");
    let out = Tejun::new(book)
        .args(["build", ".", "--out", site.to_str().unwrap()])
        .run();
    (out, site)
}

// ---- themes (item 5) ----------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn theme_link_to_a_file_outside_the_theme_is_refused() {
    let book = basic_book();
    let secret = book.tmp().join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET-HOST-FILE").unwrap();
    let theme = book.join("themes/default");
    std::fs::create_dir_all(&theme).unwrap();
    std::os::unix::fs::symlink(&secret, theme.join("style.css")).unwrap();

    let (out, site) = build(&book);
    let err = out.stderr();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("style.css"), "names the file: {err}");
    assert!(err.contains("outside the theme folder"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!site.exists(), "nothing is written");
}

#[cfg(unix)]
#[test]
fn theme_link_to_etc_passwd_as_a_template_is_refused() {
    let book = basic_book();
    let theme = book.join("themes/default");
    std::fs::create_dir_all(&theme).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", theme.join("404.html")).unwrap();
    let (out, site) = build(&book);
    let err = out.stderr();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("404.html") && err.contains("/etc/passwd"),
        "{err}"
    );
    assert!(!site.exists(), "nothing is written");
}

#[cfg(unix)]
#[test]
fn theme_link_inside_the_theme_is_read() {
    let book = basic_book();
    let theme = book.join("themes/default");
    write(
        &theme.join("shared/site.css"),
        "body { color: rebeccapurple }",
    );
    std::os::unix::fs::symlink("shared/site.css", theme.join("style.css")).unwrap();
    let (out, site) = build(&book);
    out.assert_ok();
    let css = read(&site.join("assets/style.css"));
    assert_eq!(css, "body { color: rebeccapurple }");
}

#[cfg(unix)]
#[test]
fn theme_fifo_is_an_error_not_a_hang() {
    let book = basic_book();
    let theme = book.join("themes/default");
    std::fs::create_dir_all(&theme).unwrap();
    let made = Command::new("mkfifo")
        .arg(theme.join("tejun.js"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let (out, site) = build(&book);
    let err = out.stderr();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("tejun.js") && err.contains("not a regular file"),
        "{err}"
    );
    assert!(!site.exists(), "nothing is written");
}

#[test]
fn template_get_env_is_a_template_error() {
    let book = basic_book();
    let layout = std::fs::read_to_string(repo().join("themes/default/layout.html"))
        .unwrap()
        .replace(
            "</body>",
            "<p>{{ get_env(name=\"TEJUN_TEST_SECRET\") }}</p></body>",
        );
    write(&book.join("themes/default/layout.html"), &layout);
    let o = book
        .tejun()
        .args(["build", ".", "--out", "../site"])
        .env("TEJUN_TEST_SECRET", "HOST-ENV-SECRET")
        .run();
    let err = o.stderr();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("get_env"), "{err}");
    assert!(err.contains("no access to the environment"), "{err}");
    assert!(!err.contains("HOST-ENV-SECRET"), "{err}");
    assert!(!book.parent().unwrap().join("site").exists());
}

#[test]
fn template_include_reaches_only_theme_templates() {
    let book = basic_book();
    let layout = std::fs::read_to_string(repo().join("themes/default/layout.html"))
        .unwrap()
        .replace("</body>", "{% include \"/etc/passwd\" %}</body>");
    write(&book.join("themes/default/layout.html"), &layout);
    let (out, site) = build(&book);
    let err = out.stderr();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("/etc/passwd"), "{err}");
    assert!(!err.contains("root:"), "{err}");
    assert!(!site.exists());
}

// ---- lints and coverage that stay fast (item 8) ------------------------------------------

/// `n` bytes of base64 in 76-character lines, from a fixed seed.
fn base64_blob(n: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = String::with_capacity(n + n / 76);
    for i in 0..n {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        out.push(ALPHABET[(state >> 58) as usize] as char);
        if i % 76 == 75 {
            out.push('\n');
        }
    }
    out
}

#[test]
fn check_finishes_on_a_command_holding_a_large_base64_heredoc() {
    let book = basic_book();
    write(
        &book.join("content/01-first/03-blob.toml"),
        format!(
            "title = \"Restore the key\"\n\n[[section]]\nid = \"restore\"\ntitle = \"Restore\"\n\n\
             [[section.step]]\ntitle = \"Write the key file\"\n[[section.step.part]]\nshell = \"sh\"\n\
             cmd = '''\nbase64 -d > key.bin <<'EOF'\n{}\nEOF\n'''\n",
            base64_blob(231 * 1024)
        ),
    );
    let out = book.run(["check", "."]);
    let err = out.stderr();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("3 procedures"), "{err}");
}

/// A book of ten enumeration facets of ten values each (a hundred values), whose
/// conditions mention every value of every facet.
fn ten_facet_book() -> Book {
    let book = Book::empty("book");
    let mut config = String::from("title = \"Ten facets\"\nlanguage = \"en\"\n");
    for f in 0..10 {
        let values: Vec<String> = (0..10)
            .map(|v| format!("{{ id = \"v{v}\", label = \"V{v}\" }}"))
            .collect();
        config.push_str(&format!(
            "\n[[facet]]\nid = \"f{f}\"\nlabel = \"F{f}\"\nvalues = [{}]\n",
            values.join(", ")
        ));
    }
    write(&book.join("book.toml"), &config);
    write(
        &book.join("content/01-ch/_chapter.toml"),
        "title = \"Chapter\"\n",
    );
    // One procedure per value of each facet: together they serve every environment.
    for f in 0..10 {
        for v in 0..10 {
            write(
                &book.join(format!("content/01-ch/{f}{v}-p{f}{v}.toml")),
                format!(
                    "title = \"F{f} is V{v}\"\nwhen = \"f{f} = v{v}\"\n\n[[section]]\nid = \"s\"\n\
                     title = \"S\"\n[[section.step]]\ntitle = \"Only step\"\nbody = \"Do it.\"\n"
                ),
            );
        }
    }
    // A step whose two variants split on all ten facets at once, and one with a variant per
    // value of a facet.
    let all: Vec<String> = (0..10).map(|f| format!("f{f} = v{f}")).collect();
    let all = all.join(" and ");
    let mut per_value = String::new();
    for v in 0..10 {
        per_value.push_str(&format!(
            "[[section.step.variant]]\nwhen = \"f9 = v{v}\"\nbody = \"Value {v}.\"\n"
        ));
    }
    write(
        &book.join("content/01-ch/zz-all.toml"),
        format!(
            "title = \"Everything\"\n\n[[section]]\nid = \"s\"\ntitle = \"S\"\n\n\
             [[section.step]]\ntitle = \"Split\"\n\
             [[section.step.variant]]\nwhen = \"{all}\"\nbody = \"All.\"\n\
             [[section.step.variant]]\nwhen = \"not ({all})\"\nbody = \"Not all.\"\n\n\
             [[section.step]]\ntitle = \"Per value\"\nwhen = \"f0 != v0 and f3 in [v1, v2, v3]\"\n{per_value}"
        ),
    );
    book
}

#[test]
fn coverage_check_finishes_on_ten_facets_of_ten_values() {
    let book = ten_facet_book();
    let out = book.run(["check", "."]);
    let err = out.stderr();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("101 procedures"), "{err}");
}

#[test]
fn coverage_check_still_finds_a_gap_among_ten_facets() {
    let book = ten_facet_book();
    // Drop the variant of f9 = v7: a gap where f0 != v0, f3 in [v1..v3], f9 = v7.
    let path = book.join("content/01-ch/zz-all.toml");
    let text = read(&path).replace("when = \"f9 = v7\"", "when = \"f9 = v7 and f5 = v5\"");
    write(&path, text);
    let out = book.run(["check", "."]);
    let err = out.stderr();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "1.101 Everything step 2 \"Per value\": no variant applies when f0=v1, f3=v1, f5=v0, f9=v7"
        ),
        "{err}"
    );
}

// ---- output into a closed pipe (item 11) ---------------------------------------------------

/// Runs tejun with its standard output a pipe nobody reads any more (`tejun … | head`
/// after `head` has left): the first write fails with EPIPE.
fn into_closed_pipe(dir: &Path, args: &[&str]) -> Run {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Tejun::new(dir).args(args).stdout(writer).run()
}

fn assert_stops_quietly(o: &Run, what: &str) {
    let err = o.stderr();
    #[cfg(unix)]
    let killed_by_sigpipe = std::os::unix::process::ExitStatusExt::signal(&o.status) == Some(13);
    #[cfg(not(unix))]
    let killed_by_sigpipe = false;
    assert!(
        o.status.success() || killed_by_sigpipe,
        "{what}: {:?}\n{err}",
        o.status
    );
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(!err.contains("Broken pipe"), "{what}: {err}");
}

#[test]
fn diff_into_a_closed_pipe_stops_quietly() {
    let book = basic_book();
    let o = into_closed_pipe(
        &book,
        &["diff", "--env", "os=linux", "--env", "os=windows", "."],
    );
    assert_stops_quietly(&o, "diff");
}

#[test]
fn check_matrix_into_a_closed_pipe_stops_quietly() {
    let book = basic_book();
    let o = into_closed_pipe(&book, &["check", ".", "--matrix"]);
    assert_stops_quietly(&o, "check --matrix");
}

#[test]
fn search_into_a_closed_pipe_stops_quietly() {
    let book = basic_book();
    let o = into_closed_pipe(&book, &["search", "systemctl", "."]);
    assert_stops_quietly(&o, "search");
    let o = into_closed_pipe(&book, &["search", "systemctl", ".", "--json"]);
    assert_stops_quietly(&o, "search --json");
}

#[test]
fn search_with_stdout_and_stderr_into_a_closed_pipe_stops_quietly() {
    let book = basic_book();
    // `tejun search … 2>&1 | head`: both streams are the one closed pipe; the messages on
    // stderr (refreshing the index) must not end in a panic (exit 101).
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = book
        .tejun()
        .args(["search", "systemctl", "."])
        .stdout(writer.try_clone().expect("clone"))
        .stderr(writer)
        .run();
    assert_ne!(out.status.code(), Some(101), "{:?}", out.status);
    #[cfg(unix)]
    let killed_by_sigpipe = std::os::unix::process::ExitStatusExt::signal(&out.status) == Some(13);
    #[cfg(not(unix))]
    let killed_by_sigpipe = false;
    assert!(
        out.status.success() || killed_by_sigpipe,
        "{:?}",
        out.status
    );
}

// ---- invisible characters in commands (item 16) -------------------------------------------

#[test]
fn bidi_controls_and_zero_width_characters_in_commands_are_errors_at_the_character() {
    let book = basic_book();
    // Line 12 hides a right-to-left override (written raw in a literal string), line 17 a
    // zero-width space (a TOML escape) in a process name.
    write(
        &book.join("content/01-first/03-clean.toml"),
        "title = \"Clean up\"\n\n[[section]]\nid = \"s\"\ntitle = \"S\"\n\n\
         [[section.step]]\ntitle = \"Remove the log\"\n[[section.step.part]]\nshell = \"sh\"\n\
         cmd = '''\nrm -rf /tmp/x\u{202e}gol.txt\n'''\n\n[[section.step.part]]\nexpect = \"absent\"\n\
         processes = [\"jobd\", \"svc\\u200Bd\"]\n",
    );
    let out = book.run(["check", "."]);
    let err = out.stderr();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        "names the character: {err}"
    );
    assert!(
        err.contains("┌─ content/01-first/03-clean.toml:12:14"),
        "points at the character: {err}"
    );
    assert!(err.contains("U+200B (ZERO WIDTH SPACE)"), "{err}");
    assert!(
        err.contains("┌─ content/01-first/03-clean.toml:17:26"),
        "points at the escape: {err}"
    );
    let message_lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
    assert!(
        message_lines
            .iter()
            .all(|l| !l.contains('\u{202e}') && !l.contains('\u{200b}')),
        "the message itself shows no invisible character: {message_lines:?}"
    );
}

#[test]
fn every_bidi_control_is_reported() {
    for c in ('\u{202a}'..='\u{202e}').chain('\u{2066}'..='\u{2069}') {
        let book = basic_book();
        write(
            &book.join("content/01-first/03-clean.toml"),
            format!(
                "title = \"Clean up\"\n\n[[section]]\nid = \"s\"\ntitle = \"S\"\n\n\
                 [[section.step]]\ntitle = \"Remove\"\n[[section.step.part]]\nshell = \"sh\"\n\
                 cmd = \"rm x{c}y\"\n"
            ),
        );
        let out = book.run(["check", "."]);
        let err = out.stderr();
        assert_eq!(out.status.code(), Some(1), "U+{:04X}: {err}", c as u32);
        assert!(
            err.contains(&format!("U+{:04X}", c as u32)),
            "U+{:04X}: {err}",
            c as u32
        );
    }
}

// ---- runbooks make no request (item 13) ---------------------------------------------------

/// The basic book with a procedure showing remote images and a relative one.
fn book_with_images() -> Book {
    let book = basic_book();
    write(
        &book.join("content/01-first/03-pics.toml"),
        "title = \"Pictures\"\n\n[[section]]\nid = \"s\"\ntitle = \"S\"\n\n\
         [[section.step]]\ntitle = \"Look\"\n\
         body = '''\nThe diagram: ![cluster diagram](https://img.example.com/cluster.png \"Cluster\")\n\n\
         A local one: ![local](images/local.png)\n\n\
         Bare: ![](http://img.example.com/bare.png)\n'''\n",
    );
    book
}

#[test]
fn runbook_shows_remote_images_as_links_and_forbids_requests() {
    let book = book_with_images();
    let file = book.tmp().join("rb.html");
    let out = book.run([
        "runbook",
        ".",
        "--env",
        "os=linux",
        "--out",
        file.to_str().unwrap(),
    ]);
    out.assert_ok();
    let html = read(&file);
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<img src=\"http"), "{html}");
    assert!(
        !lower.contains("images/local.png\" alt"),
        "a file next to the runbook is a request too"
    );
    assert!(
        html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"),
        "{html}"
    );
    assert!(
        html.contains("href=\"https://img.example.com/cluster.png\"")
            && html.contains(">cluster diagram</a>"),
        "the remote image is a link named by its alt text"
    );
    assert!(
        html.contains(">http://img.example.com/bare.png</a>"),
        "no alt text: the address"
    );
    assert!(
        html.contains("<span class=\"image-alt\">local</span>"),
        "a relative image: its alt text"
    );
    // The site's own page still shows the images.
    let (out, site) = build(&book);
    out.assert_ok();
    let page = read(&site.join("pics.html"));
    assert!(page.contains("<img src=\"https://img.example.com/cluster.png\""));
}

/// The runbook's policy forbids loading `pdf.css`; `tejun pdf` prints it with its print
/// styles all the same (which hide the runbook's own header behind the title page).
#[test]
fn runbook_pdf_keeps_its_print_styles_under_the_policy() {
    let book = basic_book();
    let pdf = book.tmp().join("rb.pdf");
    let out = book.run([
        "pdf",
        ".",
        "--env",
        "os=linux",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    out.assert_ok();
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext is needed (apt-get install poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Printed: 2023-11-14"),
        "the title page: {text}"
    );
    assert!(
        !text.contains("Built: 2023-11-14"),
        "the runbook's own header shows: {text}"
    );
}
