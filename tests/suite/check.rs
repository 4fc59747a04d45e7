//! `tejun check` on the repository's book and on one small fixture book per kind of
//! mistake (tests/fixtures/check/<case>/ laid over tests/fixtures/check/base/): each must
//! name the problem and point at the right file:line:col, with a non-zero exit.

use std::path::{Path, PathBuf};

use crate::harness::{copy_dir, fixture_dir, repo, Book, Tejun};

fn fixtures() -> PathBuf {
    fixture_dir("check")
}

/// The check fixtures' base book with each of `cases` laid over it, in order.
fn book_of(cases: &[&str]) -> Book {
    let book = Book::fixture("check/base");
    for case in cases {
        copy_dir(&fixtures().join(case), &book);
    }
    book
}

/// Runs `tejun check` on base + case; returns (exit code, stderr).
fn check_case(case: &str) -> (i32, String) {
    let cases: &[&str] = if case == "base" { &[] } else { &[case] };
    run_check(&book_of(cases))
}

fn run_check(book: &Path) -> (i32, String) {
    let out = Tejun::new(book).args(["check", "."]).run();
    (out.code().unwrap_or(-1), out.stderr())
}

fn assert_reports(case: &str, location: &str, message: &str) {
    let (code, err) = check_case(case);
    assert_eq!(code, 1, "{case}: expected exit 1\n{err}");
    assert!(
        err.contains(message),
        "{case}: expected message `{message}` in:\n{err}"
    );
    assert!(
        err.contains(&format!("┌─ {location}")),
        "{case}: expected location `{location}` in:\n{err}"
    );
}

#[test]
fn the_repository_book_is_clean() {
    let (code, err) = run_check(repo());
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("error"), "{err}");
    assert!(err.contains("12 procedures"), "{err}");
}

#[test]
fn the_base_fixture_is_clean() {
    let (code, err) = check_case("base");
    assert_eq!(code, 0, "{err}");
}

#[test]
fn toml_syntax_error() {
    assert_reports(
        "toml-syntax",
        "content/01-ch/01-proc.toml:2:18",
        "invalid basic string",
    );
}

#[test]
fn unknown_field_in_content() {
    assert_reports(
        "unknown-field",
        "content/01-ch/01-proc.toml:2:1",
        "unknown field `whne`",
    );
}

#[test]
fn unknown_field_in_book_toml() {
    assert_reports("bad-config", "book.toml:2:1", "unknown field `langauge`");
}

#[test]
fn missing_field() {
    assert_reports(
        "missing-field",
        "content/01-ch/01-proc.toml:3:1",
        "missing field `title`",
    );
}

#[test]
fn duplicate_id_points_at_both_definitions() {
    assert_reports(
        "duplicate-id",
        "content/01-ch/02-other.toml:1:6",
        "duplicate id `proc`",
    );
    let (_, err) = check_case("duplicate-id");
    assert!(err.contains("first defined here"), "{err}");
}

#[test]
fn unknown_reusable_step_suggests_the_near_one() {
    assert_reports(
        "unknown-reusable",
        "content/01-ch/01-proc.toml:8:7",
        "unknown reusable step `stpo`",
    );
    let (_, err) = check_case("unknown-reusable");
    assert!(err.contains("did you mean `stop`?"), "{err}");
}

#[test]
fn dangling_cross_reference() {
    assert_reports(
        "dangling-ref",
        "content/01-ch/01-proc.toml:2:17",
        "dangling cross-reference `#proc/activ`",
    );
}

#[test]
fn unknown_facet() {
    assert_reports(
        "unknown-facet",
        "content/01-ch/01-proc.toml:2:9",
        "unknown facet `platform`",
    );
}

#[test]
fn unknown_facet_value() {
    assert_reports(
        "unknown-value",
        "content/01-ch/01-proc.toml:2:14",
        "unknown value `solaris` for facet `os`",
    );
}

#[test]
fn malformed_version() {
    assert_reports(
        "bad-version",
        "content/01-ch/01-proc.toml:2:17",
        "malformed version `R12..4`",
    );
}

#[test]
fn malformed_range() {
    assert_reports(
        "bad-range",
        "content/01-ch/01-proc.toml:2:9",
        "a range is written `LOW <= facet <= HIGH`",
    );
}

#[test]
fn condition_that_can_never_hold() {
    assert_reports(
        "never-holds",
        "content/01-ch/01-proc.toml:7:8",
        "condition `os = win` can never hold",
    );
}

#[test]
fn reuse_cycle() {
    assert_reports(
        "reuse-cycle",
        "content/_steps/b.toml:1:7",
        "cycle: a → b → a",
    );
}

#[test]
fn similar_commands_warn_but_pass() {
    let (code, err) = check_case("similar-commands");
    assert_eq!(code, 0, "a warning alone must not fail the check\n{err}");
    assert!(
        err.contains("`nqstop` is one or two characters away from `nqsstop`"),
        "{err}"
    );
    assert!(err.contains("┌─ content/01-ch/02-typo.toml:17:21"), "{err}");

    // A book may turn the lint off.
    let book = book_of(&["similar-commands"]);
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        format!("{toml}\n[check]\nsimilar_commands = false\n"),
    );
    let (code, err) = run_check(&book);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("nqstop"), "{err}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let book = book_of(&["unknown-facet", "duplicate-id"]);
    let (code, err) = run_check(&book);
    assert_eq!(code, 1);
    assert!(
        err.contains("unknown facet `platform`") && err.contains("duplicate id `proc`"),
        "{err}"
    );
    assert!(err.contains("2 errors"), "{err}");
}

#[test]
fn missing_book_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = run_check(dir.path());
    assert_eq!(code, 1);
    assert!(err.contains("no book.toml here"), "{err}");
}

#[test]
fn coverage_gap_names_the_environment_and_the_step() {
    assert_reports(
        "coverage-gap",
        "content/01-ch/02-gap.toml:7:1",
        "1.2 Gap step 1 \"Restart\": no variant applies when from=R12.4.1",
    );
}

#[test]
fn coverage_overlap_names_the_environment_and_the_step() {
    assert_reports(
        "coverage-overlap",
        "content/01-ch/02-overlap.toml:7:1",
        "more than one variant applies when from=R12.8",
    );
}

#[test]
fn coverage_reports_an_environment_no_procedure_serves() {
    let (code, err) = check_case("coverage-none");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no procedure applies when os=win"), "{err}");
}

#[test]
fn undeclared_placeholder_is_an_error_at_its_use() {
    assert_reports(
        "placeholder-undeclared",
        "content/01-ch/02-ph.toml:11:18",
        "undeclared placeholder `hostt`",
    );
}

#[test]
fn unused_placeholder_is_a_warning_at_its_declaration() {
    let (code, err) = check_case("placeholder-unused");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("placeholder `host` is declared but never used"),
        "{err}"
    );
    assert!(err.contains("┌─ book.toml:15:6"), "{err}");
}

/// Ids become file names (`runbooks/<profile>.html`, `pdf/<profile>.pdf`), anchors and
/// attribute values: every kind follows the one id rule, with the error at the id.
#[test]
fn a_profile_id_carrying_markup_is_refused() {
    assert_reports(
        "bad-profile-id",
        "book.toml:15:6",
        "invalid profile id `x\"><img src=x onerror=\"alert(1)\">`",
    );
}

#[test]
fn a_profile_id_climbing_out_of_the_folder_is_refused() {
    assert_reports(
        "profile-id-traversal",
        "book.toml:15:6",
        "invalid profile id `../x`",
    );
}

#[test]
fn a_facet_value_id_follows_the_id_rule() {
    assert_reports(
        "bad-value-id",
        "book.toml:17:49",
        "invalid value id `<b>arm</b>` in facet `arch`",
    );
}

#[test]
fn a_reference_id_follows_the_id_rule() {
    assert_reports(
        "bad-ref-id",
        "content/_refs.toml:6:6",
        "invalid reference id `../../etc/passwd`",
    );
}

#[test]
fn a_front_matter_id_follows_the_id_rule() {
    assert_reports(
        "bad-front-id",
        "content/_book.toml:7:6",
        "invalid id `\"><script>alert(1)</script>`",
    );
}

#[test]
fn a_reusable_step_file_name_is_its_id() {
    assert_reports(
        "bad-step-file-id",
        "content/_steps/Stop Now.toml:1:1",
        "invalid reusable step id `Stop Now`",
    );
}

#[test]
fn a_version_facet_lists_known_versions_not_values() {
    assert_reports(
        "version-values",
        "book.toml:13:18",
        "facet `from` is a version facet: it lists `known` versions, not `values`",
    );
}

#[test]
fn a_version_label_names_a_known_version() {
    assert_reports(
        "version-label-unknown",
        "book.toml:14:31",
        "`17` has a label but is not in `known`",
    );
}

#[test]
fn an_enumeration_has_no_known_versions() {
    assert_reports(
        "enum-known",
        "book.toml:8:10",
        "facet `os` is an enumeration: `known` and `labels` belong to version facets",
    );
}

/// Every command loads the book the same way: its warnings are printed whatever the
/// command, and its errors end in one count line, singular or plural as it should be.
#[test]
fn every_command_reports_the_books_warnings_and_counts_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("base"), dir.path());
    copy_dir(&fixtures().join("placeholder-unused"), dir.path());
    let book = dir.path().to_string_lossy().into_owned();
    let out = tempfile::tempdir().unwrap();
    let runbook = out.path().join("rb.html").to_string_lossy().into_owned();
    let site = out.path().join("site").to_string_lossy().into_owned();
    for args in [
        vec!["check", &book],
        // Before `index`: a search whose index is fresh reads no book, so prints nothing.
        vec!["search", "anything", &book],
        vec!["index", &book, "--force"],
        vec!["diff", "--env", "os=win", "--env", "os=unix", &book],
        vec!["runbook", &book, "--env", "os=win", "--out", &runbook],
        vec!["build", &book, "--out", &site],
    ] {
        let o = Tejun::new(dir.path()).args(&args).run();
        let err = o.stderr();
        assert!(o.status.success(), "{args:?}: {err}");
        assert!(
            err.contains("placeholder `host` is declared but never used"),
            "{args:?} dropped the warning: {err}"
        );
    }
    let (code, err) = check_case("bad-version");
    assert_eq!(code, 1);
    assert!(err.contains("1 error, 0 warnings"), "{err}");
}

/// A book whose environments have rules: a `to` version that may not be below `from`, and
/// a `platform` that means something on Windows only.
fn ruled_book() -> Book {
    let book = Book::fixture("check/base");
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        format!(
            "{toml}\n[[facet]]\nid = \"to\"\nlabel = \"Target version\"\nkind = \"version\"\n\
             known = [\"R12.7\", \"R13.1\"]\n\n\
             [[facet]]\nid = \"platform\"\nlabel = \"Platform\"\nwhen = \"os = win\"\n\
             values = [{{ id = \"x64\", label = \"x64\" }}, {{ id = \"arm\", label = \"Arm\" }}]\n\n\
             [[rule]]\nwhen = \"to >= from\"\nlabel = \"the target version is not older than the current one\"\n"
        ),
    );
    book
}

#[test]
fn rules_make_environments_impossible_everywhere_an_environment_is_given() {
    let book = ruled_book();
    let (code, err) = run_check(&book);
    assert_eq!(code, 0, "{err}");
    // A downgrade is refused in one line naming the rule, by every command taking --env.
    for args in [
        vec!["runbook", ".", "--env", "from=R13.1,to=R12.7"],
        vec![
            "diff",
            ".",
            "--env",
            "from=R13.1,to=R12.7",
            "--env",
            "os=win",
        ],
        vec!["search", "anything", ".", "--env", "from=R13.1,to=R12.7"],
    ] {
        let o = book.run(&args);
        assert!(!o.status.success(), "{args:?} accepted a downgrade");
        let err = o.stderr();
        assert!(
            err.contains("the target version is not older than the current one"),
            "{args:?}: {err}"
        );
        let errors = err.lines().filter(|l| l.contains("error")).count();
        assert_eq!(errors, 1, "{args:?}: {err}");
    }
    // A facet set where it does not apply.
    let o = book.run(["runbook", ".", "--env", "os=unix,platform=arm"]);
    assert!(!o.status.success());
    assert!(
        o.stderr().contains("`platform` applies only when os = win"),
        "{}",
        o.stderr()
    );
    // A possible one is fine.
    book.run([
        "runbook",
        ".",
        "--env",
        "os=win,platform=x64,from=R12.7,to=R13.1",
        "--out",
        "rb.html",
    ])
    .assert_ok();
}

#[test]
fn a_profile_or_a_rule_that_cannot_be_is_an_error_at_its_place() {
    let book = ruled_book();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        format!(
            "{toml}\n[[profile]]\nid = \"down\"\nlabel = \"Down\"\nenv = {{ from = \"R13.1\", to = \"R12.7\" }}\n\n\
             [[rule]]\nwhen = \"to < from\"\nlabel = \"contradiction\"\n"
        ),
    );
    let (code, err) = run_check(&book);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("profile `down`: impossible environment"),
        "{err}"
    );
    assert!(
        err.contains("rule `to < from` leaves no environment possible"),
        "{err}"
    );
}

#[test]
fn coverage_is_proved_over_possible_environments_only() {
    let book = ruled_book();
    // Variants that cover every environment where to >= from, and none where it is not.
    book.write(
        "content/01-ch/02-move.toml",
        "title = \"Move\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n[[section.step]]\ntitle = \"Go\"\n\
         [[section.step.variant]]\nwhen = \"to = from\"\nbody = \"Same version.\"\n\
         [[section.step.variant]]\nwhen = \"to > from\"\nbody = \"Newer version.\"\n",
    );
    let (code, err) = run_check(&book);
    assert_eq!(code, 0, "a gap only a downgrade would see is no gap: {err}");
    // Without the rule, the downgrade is a gap.
    let toml = book.read("book.toml");
    let without = toml
        .split("[[rule]]")
        .next()
        .unwrap_or_default()
        .to_string();
    book.write("book.toml", without);
    let (code, err) = run_check(&book);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no variant applies when"), "{err}");
}

/// A reusable step may pass its own parameter on (`with = { who = "{{node}}" }`); a mistake
/// inside a reusable step is shown where it is written, naming every use that brought it
/// there; and every `{{…}}` of a string is checked, not only its first.
#[test]
fn reusable_steps_pass_parameters_on_and_errors_name_their_use_sites() {
    let book = Book::fixture("check/base");
    book.write(
        "content/_steps/outer.toml",
        "params = [\"node\"]\nuse = \"inner\"\nwith = { who = \"{{node}}\" }\n",
    );
    book.write(
        "content/_steps/inner.toml",
        "params = [\"who\"]\ntitle = \"Drain {{who}}\"\nbody = \"Drain {{who}} now.\"\n",
    );
    let proc_ = book.read("content/01-ch/01-proc.toml");
    book.write(
        "content/01-ch/01-proc.toml",
        format!("{proc_}\n[[section.step]]\nuse = \"outer\"\nwith = {{ node = \"worker-1\" }}\n"),
    );
    let (code, err) = run_check(&book);
    assert_eq!(code, 0, "{err}");
    book.run(["build", "."]).assert_ok();
    assert!(book.read("book/proc.html").contains("Drain worker-1"));

    book.write(
        "content/_steps/inner.toml",
        "params = [\"who\"]\ntitle = \"Drain {{who}}\"\nbody = \"Drain {{who}} now {{oops}}.\"\n",
    );
    let (code, err) = run_check(&book);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("`{{oops}}` is not a declared parameter"),
        "{err}"
    );
    assert!(err.contains("┌─ content/_steps/inner.toml:3:8"), "{err}");
    assert!(err.contains("in `inner`, used here"), "{err}");
    assert!(err.contains("in `outer`, used here"), "{err}");
}

/// Two chapters whose folder names give the same id: the message names the file the id
/// came from and the way out.
#[test]
fn a_clash_of_ids_derived_from_names_says_where_they_came_from() {
    let book = Book::fixture("check/base");
    book.write("content/02-ch/_chapter.toml", "title = \"Second\"\n");
    let (code, err) = run_check(&book);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("duplicate id `ch`"), "{err}");
    assert!(
        err.contains("`ch` comes from the name of `content/02-ch/_chapter.toml` (or its folder); set `id = \"…\"`"),
        "{err}"
    );
}

/// One unknown key costs one error: the file's ids still count, so links to it elsewhere
/// are not reported as dangling too.
#[test]
fn a_file_with_one_bad_key_sets_off_no_dangling_links_elsewhere() {
    let book = Book::fixture("check/base");
    book.write(
        "content/01-ch/02-other.toml",
        "title = \"Other\"\nintro = \"See [](#proc), [](#proc/standby) and [](#proc/install).\"\n",
    );
    let (code, err) = run_check(&book);
    assert_eq!(code, 0, "{err}");
    book.edit(
        "content/01-ch/01-proc.toml",
        "title = \"Upgrade\"",
        "title = \"Upgrade\"\ntitel = \"typo\"",
    );
    let (code, err) = run_check(&book);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("unknown field `titel`"), "{err}");
    assert!(!err.contains("dangling"), "{err}");
    assert!(err.contains("1 error,"), "{err}");
    // A link to an id the broken file does not define is still dangling.
    book.write(
        "content/01-ch/02-other.toml",
        "title = \"Other\"\nintro = \"See [](#proc/nowhere).\"\n",
    );
    let (_, err) = run_check(&book);
    assert!(
        err.contains("dangling cross-reference `#proc/nowhere`"),
        "{err}"
    );
}

/// The allocator's line of `TEJUN_TIMINGS` in a run of `t`, which must succeed.
fn allocator_line(t: Tejun) -> String {
    let out = t.env("TEJUN_TIMINGS", "1").run();
    assert_eq!(out.code(), Some(0), "{}", out.stderr());
    out.stderr()
        .lines()
        .find(|l| l.starts_with("timing: allocator:"))
        .unwrap_or_else(|| panic!("no allocator line in:\n{}", out.stderr()))
        .to_string()
}

/// The allocator options that halve the peak memory (src/allocator.rs) are in effect in the
/// real binary, set before its first allocation; a reader's own `MIMALLOC_*` setting wins.
#[test]
fn the_allocator_gives_memory_back_unless_the_environment_says_otherwise() {
    let book = book_of(&[]);
    let run = |env: Option<(&str, &str)>| {
        let mut t = Tejun::new(&book).args(["check", "."]);
        if let Some((k, v)) = env {
            t = t.env(k, v);
        }
        allocator_line(t)
    };
    let line = |purge: &str, eager: &str, large: &str, huge: &str| {
        format!(
            "timing: allocator: purge delay {purge} ms, arena eager commit {eager}, \
             large pages {large}, transparent huge pages {huge}"
        )
    };
    assert_eq!(run(None), line("50", "1", "1", "off"));
    assert_eq!(
        run(Some(("MIMALLOC_PURGE_DELAY", "1000"))),
        line("1000", "1", "1", "off")
    );
    assert_eq!(
        run(Some(("MIMALLOC_ARENA_EAGER_COMMIT", "2"))),
        line("50", "2", "1", "off")
    );
    assert_eq!(
        run(Some(("MIMALLOC_ALLOW_LARGE_OS_PAGES", "0"))),
        line("50", "1", "0", "off")
    );
}

/// A rebuild from the previous build's memo keeps the memory it frees (src/allocator.rs);
/// a first build and `--no-cache` do not. Every build keeps transparent huge pages off: on
/// a virtual machine that hands freed memory back to its host, a rebuild faulting them in
/// again took twice as long.
#[test]
fn a_rebuild_keeps_freed_memory_and_no_build_takes_huge_pages() {
    let book = book_of(&[]);
    let out = book.join("site");
    let build = |extra: &[&str]| {
        let mut args = vec!["build", ".", "--out"];
        args.push(out.to_str().expect("a UTF-8 path"));
        args.extend_from_slice(extra);
        allocator_line(Tejun::new(&book).args(args))
    };
    let first = build(&[]);
    assert!(
        first.contains("purge delay 50 ms") && first.ends_with("huge pages off"),
        "{first}"
    );
    // Any edit, so that the build is not up to date: a comment in book.toml.
    let config = book.join("book.toml");
    let mut text = std::fs::read_to_string(&config).expect("book.toml");
    text.push_str("\n# edited\n");
    std::fs::write(&config, text).expect("edit");
    let rebuild = build(&[]);
    assert!(
        rebuild.contains("purge delay -1 ms") && rebuild.ends_with("huge pages off"),
        "{rebuild}"
    );
    let clean = build(&["--no-cache"]);
    assert!(
        clean.contains("purge delay 50 ms") && clean.ends_with("huge pages off"),
        "{clean}"
    );
}
