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

/// Steps are listed in the book's reading order (not sorted by id), and `--detail` shows
/// what differs inside a changed step: the Calico lines on one side, the Cilium on the other.
#[test]
fn diff_follows_reading_order_and_details_what_differs() {
    let book = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kubeadm");
    let book = book.to_string_lossy();
    let (code, out, err) = tejun(&[
        "diff",
        &book,
        "--env",
        "ubuntu-calico-stacked-v1-29-to-v1-30",
        "--env",
        "rhel-cilium-external-v1-30-to-v1-31",
        "--detail",
    ]);
    assert_eq!(code, 0, "{err}");
    // Reading order: the chapters' own order (plan, prepare, ... verify), whatever the ids.
    let at = |id: &str| {
        out.find(&format!(": {id}: "))
            .or_else(|| out.find(&format!(" {id}: ")))
    };
    let order = ["plan", "prepare", "first-control-plane", "workers"];
    let found: Vec<usize> = order.iter().filter_map(|id| at(id)).collect();
    assert_eq!(found.len(), order.len(), "{out}");
    assert!(
        found.windows(2).all(|w| w[0] < w[1]),
        "not in reading order:\n{out}"
    );
    assert!(out.contains("    - [Calico]"), "{out}");
    assert!(out.contains("    + [Cilium]"), "{out}");
    assert!(
        out.lines()
            .last()
            .is_some_and(|l| l.ends_with("steps differ")),
        "{out}"
    );
}
