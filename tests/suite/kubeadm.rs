//! The second example book (examples/kubeadm: a Kubernetes control-plane and node upgrade
//! with kubeadm, versions as Kubernetes writes them) through the real binary: it checks
//! clean, builds every page and profile runbook, its runbooks carry what each environment
//! needs and nothing else, and search finds its commands. Proof that nothing in the engine
//! is tied to the JobCenter book.

use crate::harness as common;
use common::{assert_ok, copy_dir, stderr};

use std::path::{Path, PathBuf};
use std::process::Output;

fn tejun(args: &[&str], cwd: &Path) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tejun"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("run tejun")
}

/// A copy of examples/kubeadm in a fresh temporary folder.
fn book() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let book = tmp.path().join("kubeadm");
    copy_dir(&common::manifest().join("examples/kubeadm"), &book);
    (tmp, book)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn the_kubeadm_book_checks_clean() {
    let (_tmp, book) = book();
    let o = tejun(&["check", "."], &book);
    assert_ok(&o);
    let err = stderr(&o);
    assert!(err.contains("0 warnings"), "{err}");
    assert!(!err.contains("warning:"), "{err}");
    // At least 6 procedures and 60 steps, as issue 18 asks of a second book.
    let count = |what: &str| -> usize {
        let words: Vec<&str> = err.split([' ', ',', ';']).collect();
        words
            .windows(2)
            .find(|w| w[1] == what)
            .and_then(|w| w[0].parse().ok())
            .unwrap_or(0)
    };
    assert!(count("procedures") >= 6, "{err}");
    assert!(count("steps") >= 60, "{err}");
}

#[test]
fn every_profile_gets_a_runbook_with_what_its_environment_needs() {
    let (_tmp, book) = book();
    assert_ok(&tejun(&["build", "."], &book));
    let site = book.join("book");
    let index = read(&site.join("index.html"));
    let runbook = |id: &str| read(&site.join(format!("runbooks/{id}.html")));
    for id in [
        "ubuntu-calico-stacked-v1-29-to-v1-30",
        "rhel-cilium-external-v1-30-to-v1-31",
        "debian-flannel-single-v1-28-to-v1-29",
        "rocky-calico-single-patch-v1-29-3",
        "fedora-cilium-stacked-v1-30-to-v1-31",
    ] {
        assert!(
            index.contains(&format!("runbooks/{id}.html")),
            "index lists {id}"
        );
        let html = runbook(id);
        // Steps numbered 1..n without a gap.
        let seqs: Vec<usize> = html
            .match_indices(" data-seq=\"")
            .filter_map(|(i, m)| html[i + m.len()..].split('"').next()?.parse().ok())
            .collect();
        assert!(seqs.len() >= 40, "{id}: {} steps", seqs.len());
        assert_eq!(seqs, (1..=seqs.len()).collect::<Vec<_>>(), "{id}");
    }
    // A minor upgrade switches the package repository; a patch upgrade stays where it is.
    let switch = "Switch the package repository";
    assert!(runbook("ubuntu-calico-stacked-v1-29-to-v1-30").contains(switch));
    assert!(!runbook("rocky-calico-single-patch-v1-29-3").contains(switch));
    // apt on Ubuntu, dnf on RHEL: each runbook carries its own package manager only.
    let ubuntu = runbook("ubuntu-calico-stacked-v1-29-to-v1-30");
    assert!(ubuntu.contains("apt-get") && !ubuntu.contains("dnf install"));
    let rhel = runbook("rhel-cilium-external-v1-30-to-v1-31");
    assert!(rhel.contains("dnf") && !rhel.contains("apt-get"));
    // The network plugin chosen, not the others.
    assert!(
        rhel.contains("helm upgrade cilium") || rhel.contains("cilium"),
        "Cilium"
    );
    assert!(
        !rhel.contains("tigera-operator"),
        "no Calico steps for a Cilium cluster"
    );
}

#[test]
fn search_finds_the_kubeadm_commands() {
    let (_tmp, book) = book();
    let o = tejun(
        &[
            "search",
            "kubeadm upgrade apply",
            ".",
            "--json",
            "--limit",
            "5",
        ],
        &book,
    );
    assert_ok(&o);
    let hits: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let first = &hits[0];
    assert!(
        first["link"]
            .as_str()
            .is_some_and(|l| l.starts_with("first-control-plane.html#")),
        "{hits}"
    );
    // A prefix-free version in a query is a word like any other.
    let o = tejun(&["search", "v1.30", "."], &book);
    assert_ok(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("v1.30"));
}
