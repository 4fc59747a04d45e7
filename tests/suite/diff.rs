//! `tejun diff` on a small fixture book (tests/fixtures/site-ja: a step only old versions
//! need, a step whose variant follows the version), and `tejun check --matrix` on the
//! JobCenter book, whose every procedure must have a profile.

use std::path::Path;

use crate::harness::{fixture_dir, repo, Tejun};

/// `tejun ARGS` on the fixture book (read only): (exit code, stdout, stderr).
fn tejun(args: &[&str]) -> (i32, String, String) {
    run_in(&fixture_dir("site-ja"), args)
}

fn run_in(book: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Tejun::new(book).args(args).run();
    (out.code().unwrap_or(-1), out.stdout(), out.stderr())
}

#[test]
fn diff_names_the_steps_only_one_environment_has() {
    let (code, out, err) = tejun(&[
        "diff",
        "--env",
        "mscs-patch-r1-0",
        "--env",
        "cluster=mscs,operation=patch,from=R1.5,to=R1.5",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("- mscs-patch: 1.2.1 待機系のパッチ適用 / 3. リソースDLLを削除"),
        "{out}"
    );
    assert!(
        out.contains("~ mscs-patch: 1.2.1 待機系のパッチ適用 / 2. パッチを適用 (content differs)"),
        "{out}"
    );
    assert!(out.contains("2 steps differ"), "{out}");
}

#[test]
fn diff_of_an_environment_with_itself_is_empty() {
    let (code, out, _) = tejun(&["diff", "--env", "unix-patch", "--env", "unix-patch"]);
    assert_eq!(code, 0);
    assert!(out.contains("0 steps differ"), "{out}");
}

#[test]
fn diff_rejects_an_environment_that_does_not_parse() {
    let (code, _, err) = tejun(&["diff", "--env", "cluster", "--env", "unix-patch"]);
    assert_ne!(code, 0);
    assert!(err.contains("`cluster` is not `facet=value`"), "{err}");
}

#[test]
fn matrix_lists_each_procedure_with_its_profiles() {
    let (code, out, err) = run_in(repo(), &["check", "--matrix"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("1.1.2 IA-32/x64版(R12.7.x以前)のバージョンアップ"),
        "{out}"
    );
    assert!(
        out.contains("profiles: mscs-x64-upgrade-from-r12-4, mscs-x64-upgrade-from-r12-6"),
        "{out}"
    );
    assert!(
        !out.contains("profiles: (none)"),
        "every procedure has a profile:\n{out}"
    );
}
