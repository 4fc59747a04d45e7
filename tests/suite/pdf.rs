//! `tejun pdf` through the real binary and a real headless Chromium (`.ci/test` installs
//! chromium, fonts-noto-cjk and poppler-utils): the JobCenter book and one of its runbooks
//! printed, read back with pdftotext / pdfinfo / pdffonts, page 1 rendered with pdftoppm;
//! the paper size from book.toml; the one-line error without Chromium; `tejun build` with
//! `[output.pdf] enabled`; `--set` values printed into a runbook (tests/fixtures/site-ja).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{fixture_dir, load, read, repo, squash, Tejun, DATE};

/// How long a print may take: Chromium on a loaded two-core machine is slow, not hung.
pub(crate) const PRINT: std::time::Duration = std::time::Duration::from_secs(600);

/// A poppler tool's standard output (the tests need poppler-utils, as they need Chromium).
fn poppler(tool: &str, args: &[&str]) -> String {
    let o = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{tool}` is needed (apt-get install poppler-utils): {e}"));
    assert!(
        o.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn info(pdf: &Path, key: &str) -> String {
    let text = poppler("pdfinfo", &[&pdf.to_string_lossy()]);
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| panic!("pdfinfo has no `{key}`:\n{text}"))
}

fn pages(pdf: &Path) -> u32 {
    info(pdf, "Pages").parse().expect("page count")
}

/// The text of pages `first..=last` (all when `None`), without any whitespace, so words
/// broken across lines still match.
pub(crate) fn text(pdf: &Path, range: Option<(u32, u32)>) -> String {
    let mut args = Vec::new();
    let (f, l);
    if let Some((first, last)) = range {
        f = first.to_string();
        l = last.to_string();
        args.extend(["-f", f.as_str(), "-l", l.as_str()]);
    }
    let p = pdf.to_string_lossy();
    args.extend([p.as_ref(), "-"]);
    poppler("pdftotext", &args)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The PDF's bookmarks as poppler reads them: `(depth, page, title)` in order.
pub(crate) fn outline(pdf: &Path) -> Vec<(usize, u32, String)> {
    let xml = poppler(
        "pdftohtml",
        &["-xml", "-i", "-stdout", "-q", &pdf.to_string_lossy()],
    );
    let mut out = Vec::new();
    let mut depth = 0usize;
    for line in xml.lines().map(str::trim) {
        if line == "<outline>" {
            depth += 1;
        } else if line == "</outline>" {
            depth = depth.saturating_sub(1);
        } else if let Some(rest) = line.strip_prefix("<item page=\"") {
            let (page, rest) = rest.split_once("\">").unwrap_or(("0", rest));
            let title = rest.trim_end_matches("</item>").replace("&amp;", "&");
            out.push((depth, page.parse().unwrap_or(0), title));
        }
    }
    out
}

/// One bookmark per heading, its number and title once (Chromium's own outline doubled
/// them, "1.1.11.1.1 …"), nested chapter → group → procedure → section; and every
/// bookmark and every contents entry points at the page its heading is on.
fn assert_outline_and_contents_pages(pdf: &Path, book: &tejun::Book) {
    let marks = outline(pdf);
    for p in book.procedures() {
        let want = format!("{} {}", p.number, p.title);
        let found: Vec<_> = marks.iter().filter(|(_, _, t)| *t == want).collect();
        assert_eq!(found.len(), 1, "bookmark `{want}` in {marks:?}");
        let (depth, page, _) = found[0];
        assert_eq!(
            *depth,
            p.number.0.len(),
            "`{want}` nests under its chapter and group"
        );
        let on_page = text(pdf, Some((*page, *page)));
        assert!(
            on_page.contains(&squash(&want)),
            "`{want}` is not on page {page}"
        );
    }
    for (_, _, title) in &marks {
        let half = title.len() / 2;
        assert!(
            !(title.len() > 2 && title.is_char_boundary(half) && title[..half] == title[half..]),
            "doubled bookmark `{title}`"
        );
    }
    assert_contents_pages(pdf, book.procedures().count());
}

/// The contents (page 2): each numbered entry's page number is the page its heading is on;
/// at least `at_least` entries are checked.
fn assert_contents_pages(pdf: &Path, at_least: usize) {
    let layout = poppler(
        "pdftotext",
        &["-f", "2", "-l", "2", "-layout", &pdf.to_string_lossy(), "-"],
    );
    let mut checked = 0;
    for line in layout.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (Some(num), Some(page)) = (words.first(), words.last()) else {
            continue;
        };
        let (Ok(page), true) = (
            page.parse::<u32>(),
            num.starts_with(|c: char| c.is_ascii_digit()),
        ) else {
            continue;
        };
        let heading = squash(&words[..words.len() - 1].join(" "));
        assert!(
            text(pdf, Some((page, page))).contains(&heading),
            "contents says `{heading}` is on page {page}"
        );
        checked += 1;
    }
    assert!(checked >= at_least, "{checked} contents entries checked");
}

/// Every font is embedded (poppler's `emb` column).
pub(crate) fn assert_fonts_embedded(pdf: &Path) {
    let fonts = poppler("pdffonts", &[&pdf.to_string_lossy()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts:\n{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type [type] encoding emb sub uni obj gen: `emb` is 5th from the end.
        let emb = cols.get(cols.len().saturating_sub(5)).copied();
        assert_eq!(emb, Some("yes"), "a font is not embedded:\n{fonts}");
    }
}

/// Page 1 as a PNG, the way a reviewer looks at it.
fn render_first_page(pdf: &Path) -> PathBuf {
    let prefix = pdf.with_extension("");
    poppler(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            &pdf.to_string_lossy(),
            &prefix.to_string_lossy(),
        ],
    );
    let png = prefix.with_extension("png");
    let bytes = std::fs::read(&png).expect("pdftoppm wrote a PNG");
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 2_000);
    png
}

fn jobcenter() -> (tejun::Book, PathBuf) {
    (load(repo()), repo().to_path_buf())
}

#[test]
fn the_jobcenter_book_prints_with_cover_contents_page_numbers_and_steps_in_order() {
    let (book, root) = jobcenter();
    let tmp = tempfile::tempdir().expect("tempdir");
    let pdf = tmp.path().join("book.pdf");
    let o = Tejun::new(tmp.path())
        .args([
            "pdf",
            &root.to_string_lossy(),
            "--out",
            &pdf.to_string_lossy(),
        ])
        .within(PRINT)
        .run();
    o.assert_ok();
    assert!(
        !o.stderr().contains("section numbers only"),
        "the contents should carry page numbers: {}",
        o.stderr()
    );
    let n = pages(&pdf);
    assert!(n > 20, "{n} pages");
    assert!(info(&pdf, "Page size").contains("(A4)"));

    // Title page: title, edition, date; no running header or page number.
    let cover = text(&pdf, Some((1, 1)));
    assert!(cover.contains(&squash(&book.config.title)), "{cover}");
    if let Some(edition) = &book.config.edition {
        assert!(cover.contains(&squash(edition)));
    }
    assert!(cover.contains(DATE));
    assert!(!cover.contains(&format!("1/{n}")));

    // Contents on page 2, with the first procedure's number and a page number after it.
    let procs: Vec<_> = book.procedures().collect();
    let contents = text(&pdf, Some((2, 2)));
    let first = squash(&format!("{} {}", procs[0].number, procs[0].title));
    let at = contents
        .find(&first)
        .unwrap_or_else(|| panic!("{first} not in {contents}"));
    let after = &contents[at + first.len()..];
    assert!(
        after.starts_with(|c: char| c.is_ascii_digit()),
        "no page number after {first}: {after}"
    );

    // The body: every procedure's title, in reading order, and the commands.
    let all = text(&pdf, None);
    let body = &all[all.find(&squash(&procs[0].title)).unwrap_or(0)..];
    let mut pos = 0;
    for p in procs.iter().skip(1).take(5) {
        let t = squash(&p.title);
        let found = body[pos..]
            .find(&t)
            .unwrap_or_else(|| panic!("`{}` missing or out of order", p.title));
        pos += found + t.len();
    }
    assert!(all.contains("regsvr32"));
    assert!(all.contains("cjcpw"));
    // Running footer: the page counter.
    assert!(text(&pdf, Some((3, 3))).contains(&format!("3/{n}")));

    assert_fonts_embedded(&pdf);
    assert_outline_and_contents_pages(&pdf, &book);
    render_first_page(&pdf);
}

#[test]
fn a_profile_prints_a_shorter_runbook_naming_its_environment() {
    let (book, root) = jobcenter();
    let profile = &book.config.profiles[0];
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = Tejun::new(tmp.path())
        .args(["pdf", &root.to_string_lossy(), "--profile", &profile.id])
        .within(PRINT)
        .run();
    o.assert_ok();
    let pdf = tmp.path().join(format!("{}.pdf", profile.id));
    let n = pages(&pdf);
    assert!((3..=20).contains(&n), "{n} pages for one runbook");
    let cover = text(&pdf, Some((1, 1)));
    assert!(cover.contains(&squash(&profile.label)), "{cover}");
    assert!(cover.contains("対象環境"));
    let all = text(&pdf, None);
    let view = tejun::filter::filter(&book, &profile.env);
    let titles: Vec<String> = view.procedures().map(|p| squash(&p.title)).collect();
    assert!(!titles.is_empty());
    for t in &titles {
        assert!(all.contains(t.as_str()), "{t} missing");
    }
    // Its contents give each procedure the page it starts on.
    assert_contents_pages(&pdf, view.procedures().count());
    // A runbook's bookmarks are its procedures (with their sections), each once, each on
    // the page its heading is on.
    let marks = outline(&pdf);
    for p in view.procedures() {
        let want = format!("{} {}", p.number, p.title);
        let found: Vec<_> = marks.iter().filter(|(_, _, t)| *t == want).collect();
        assert_eq!(found.len(), 1, "bookmark `{want}` in {marks:?}");
        assert_eq!(found[0].0, 1, "a runbook's procedures are its top level");
        let on_page = text(&pdf, Some((found[0].1, found[0].1)));
        assert!(
            on_page.contains(&squash(&p.title)),
            "`{want}` not on its page"
        );
    }
    render_first_page(&pdf);

    // --env with the same environment prints the same runbook.
    let spec: Vec<String> = profile
        .env
        .iter()
        .map(|(k, v)| match v {
            tejun::condition::Value::Enum(s) => format!("{k}={s}"),
            tejun::condition::Value::Version(v) => format!("{k}={v}"),
        })
        .collect();
    let out = tmp.path().join("by-env.pdf");
    Tejun::new(tmp.path())
        .args([
            "pdf",
            &root.to_string_lossy(),
            "--env",
            &spec.join(","),
            "--out",
            &out.to_string_lossy(),
        ])
        .within(PRINT)
        .run()
        .assert_ok();
    assert_eq!(pages(&out), n);
}

#[test]
fn without_chromium_pdf_fails_in_one_line_and_says_how_to_install_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let book = fixture_dir("site-ja");
    let o = Tejun::new(tmp.path())
        .args([
            "pdf",
            &book.to_string_lossy(),
            "--chromium",
            "/nonexistent/chromium",
        ])
        .within(PRINT)
        .run();
    assert!(!o.status.success());
    let err = o.stderr();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("apt-get install chromium fonts-noto-cjk"),
        "{err}"
    );
    assert!(!tmp.path().join("book.pdf").exists());
    // The other commands do not need it.
    Tejun::new(tmp.path())
        .args(["check", &book.to_string_lossy()])
        .within(PRINT)
        .run()
        .assert_ok();
}

/// A small book from `tejun init` with `[output.pdf]` set.
fn small_book(dir: &Path, pdf: &str) {
    Tejun::new(dir)
        .args(["init", &dir.to_string_lossy()])
        .within(PRINT)
        .run()
        .assert_ok();
    let toml = dir.join("book.toml");
    let mut text = read(&toml);
    text.push_str(&format!("\n[output.pdf]\n{pdf}\n"));
    std::fs::write(&toml, text).expect("write book.toml");
}

#[test]
fn paper_letter_in_book_toml_prints_letter() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let book = tmp.path().join("b");
    std::fs::create_dir(&book).expect("mkdir");
    small_book(&book, "paper = \"letter\"");
    let pdf = tmp.path().join("letter.pdf");
    Tejun::new(tmp.path())
        .args([
            "pdf",
            &book.to_string_lossy(),
            "--out",
            &pdf.to_string_lossy(),
        ])
        .within(PRINT)
        .run()
        .assert_ok();
    let size = info(&pdf, "Page size");
    assert!(size.contains("612 x 792"), "{size}");
}

#[test]
fn a_printed_pdf_names_tejun_and_is_replaced_by_the_next_print() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let book = tmp.path().join("b");
    std::fs::create_dir(&book).expect("mkdir");
    small_book(&book, "");
    let pdf = tmp.path().join("b.pdf");
    let print = || {
        Tejun::new(tmp.path())
            .args([
                "pdf",
                &book.to_string_lossy(),
                "--out",
                &pdf.to_string_lossy(),
            ])
            .within(PRINT)
            .run()
    };
    print().assert_ok();
    assert!(
        info(&pdf, "Creator").starts_with("tejun "),
        "{}",
        info(&pdf, "Creator")
    );
    // The title Chromium set stays, and poppler reads the whole document.
    assert!(!info(&pdf, "Title").is_empty());
    assert!(pages(&pdf) >= 2);
    // tejun knows the file as its own: a second print replaces it.
    let first = std::fs::read(&pdf).expect("pdf");
    print().assert_ok();
    assert!(std::fs::read(&pdf).expect("pdf").starts_with(b"%PDF-"));
    assert!(first.starts_with(b"%PDF-"));
    // Someone else's PDF at the same place is never replaced.
    std::fs::write(&pdf, b"%PDF-1.4\nsomeone else's").expect("write");
    let o = print();
    assert!(!o.status.success());
    assert!(
        o.stderr().contains("refusing to overwrite"),
        "{}",
        o.stderr()
    );
    assert_eq!(
        std::fs::read(&pdf).expect("pdf"),
        b"%PDF-1.4\nsomeone else's"
    );
}

#[test]
fn build_with_pdf_enabled_writes_the_book_and_profile_pdfs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let book = tmp.path().join("b");
    std::fs::create_dir(&book).expect("mkdir");
    small_book(&book, "enabled = true");
    Tejun::new(tmp.path())
        .args(["build", &book.to_string_lossy()])
        .within(PRINT)
        .run()
        .assert_ok();
    let site = book.join("book");
    let pdf = site.join("book.pdf");
    assert!(pages(&pdf) >= 3);
    assert!(info(&site.join("pdf/linux-r1-5.pdf"), "Page size").contains("(A4)"));
    // The home page offers them for download.
    let index = read(&site.join("index.html"));
    assert!(
        index.contains("href=\"book.pdf\""),
        "index links the book's PDF"
    );
    assert!(
        index.contains("href=\"pdf/linux-r1-5.pdf\""),
        "index links each profile's PDF"
    );
}

#[test]
fn set_values_are_printed_in_the_runbook_pdf() {
    let root = fixture_dir("site-ja");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("u.pdf");
    Tejun::new(tmp.path())
        .args([
            "pdf",
            &root.to_string_lossy(),
            "--profile",
            "unix-patch",
            "--set",
            "patch_version=2.0.1",
            "--out",
            &out.to_string_lossy(),
        ])
        .within(PRINT)
        .run()
        .assert_ok();
    let all = text(&out, None);
    assert!(all.contains("SampleSV-2.0.1-1.x86_64.rpm"), "{all}");
    assert!(!all.contains("xx.x.x-1.x86_64"));
    let bad = Tejun::new(tmp.path())
        .args([
            "pdf",
            &root.to_string_lossy(),
            "--profile",
            "unix-patch",
            "--set",
            "patch_version=abc",
        ])
        .within(PRINT)
        .run();
    assert!(!bad.status.success());
    assert!(
        bad.stderr()
            .contains("`abc` is not a valid パッチのバージョン"),
        "{}",
        bad.stderr()
    );
}
