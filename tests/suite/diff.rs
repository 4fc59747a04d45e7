//! `tejun diff` and `tejun check --matrix` on the JobCenter book.

use crate::harness::{repo, Tejun};

/// `tejun ARGS` on the repository's book: (exit code, stdout, stderr).
fn tejun(args: &[&str]) -> (i32, String, String) {
    let out = Tejun::new(repo()).args(args).run();
    (out.code().unwrap_or(-1), out.stdout(), out.stderr())
}

#[test]
fn diff_names_the_steps_only_one_environment_has() {
    let (code, out, err) = tejun(&[
        "diff",
        "--env",
        "mscs-patch-r12-4",
        "--env",
        "cluster=mscs,operation=patch,from=R12.6,to=R12.6",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("- mscs-patch-r12-7: 1.2.2.1 待機系のパッチ適用 / 5. リソースDLLを削除"),
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
    let (code, out, err) = tejun(&["check", "--matrix"]);
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
