//! The second example book (examples/kubeadm: a Kubernetes control-plane and node upgrade
//! with kubeadm, versions as Kubernetes writes them) through the real binary: it checks
//! clean, builds every page and profile runbook, its runbooks carry what each environment
//! needs and nothing else, and search finds its commands. Proof that nothing in the engine
//! is tied to the JobCenter book.

use crate::harness::{read, Book};

#[test]
fn the_kubeadm_book_checks_clean() {
    let book = Book::kubeadm();
    let o = book.run(["check", "."]);
    o.assert_ok();
    let err = o.stderr();
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
    let book = Book::kubeadm();
    book.run(["build", "."]).assert_ok();
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
    let book = Book::kubeadm();
    let o = book.run([
        "search",
        "kubeadm upgrade apply",
        ".",
        "--json",
        "--limit",
        "5",
    ]);
    let hits = o.assert_ok().json();
    let first = &hits[0];
    assert!(
        first["link"]
            .as_str()
            .is_some_and(|l| l.starts_with("first-control-plane.html#")),
        "{hits}"
    );
    // A prefix-free version in a query is a word like any other.
    let o = book.run(["search", "v1.30", "."]);
    assert!(o.assert_ok().stdout().contains("v1.30"));
}

/// A cross-reference to a step of another procedure names it in full (`1.2.3 step 2`): a
/// step's own number restarts in every section, so "2" alone would point at a step here.
#[test]
fn a_step_of_another_procedure_is_named_in_full() {
    let book = Book::kubeadm();
    book.run(["build", "."]).assert_ok();
    let page = book.read("book/workers.html");
    assert!(
        page.contains(">1.2.3 step 2 Check that the other nodes can take a drained node"),
        "{}",
        page.lines()
            .filter(|l| l.contains("xref"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A mistyped environment is answered with an example in this book's own facets and
/// values, never another book's.
#[test]
fn a_malformed_environment_is_answered_in_the_books_own_facets() {
    let book = Book::kubeadm();
    for args in [
        vec!["runbook", ".", "--env", "debian"],
        vec!["search", "kubeadm", ".", "--env", "debian"],
        vec!["diff", ".", "--env", "debian", "--env", "distro=rhel"],
    ] {
        let run = book.run(args.clone());
        assert_ne!(run.code(), Some(0), "{args:?}");
        let err = run.stderr();
        assert!(
            err.contains("`debian` is not `facet=value` (for example `distro=debian,"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("cluster"), "{args:?}: {err}");
    }
}
