//! The JobCenter book's profiles against the seed: each profile selects exactly one
//! procedure, its steps are the seed's steps for that case in the seed's order, numbered
//! 1..n, with the right variant text.

use tejun::filter::filter;
use tejun::model::{Book, PartKind, Step};

use crate::harness::seed::corrected_seed;
use crate::harness::{load, repo, squash};

fn book() -> Book {
    load(repo())
}

/// The seed's numbered step titles under heading `number` (e.g. "1.1.2"), up to the next
/// heading that is not inside it.
fn seed_steps(number: &str) -> Vec<String> {
    let head = format!("{number}. ");
    let seed = corrected_seed();
    let lines: Vec<&str> = seed.iter().map(String::as_str).collect();
    // The table of contents lists headings too; the body's heading is the last match.
    let start = lines
        .iter()
        .rposition(|l| l.starts_with(&head))
        .expect("heading in seed");
    let mut out = Vec::new();
    for l in &lines[start + 1..] {
        let t = l.trim();
        let is_heading = t.split_once(". ").is_some_and(|(n, _)| {
            n.contains('.') && n.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        }) || t.starts_with("第");
        if is_heading && !t.starts_with(&format!("{number}.")) {
            break;
        }
        if let Some((n, rest)) = t.split_once(". ") {
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
                out.push(squash(rest));
            }
        }
    }
    out
}

fn steps_of(view: &Book) -> Vec<&Step> {
    view.procedures()
        .flat_map(|p| p.sections.iter())
        .flat_map(|s| s.all_steps())
        .collect()
}

fn commands(step: &Step) -> Vec<(String, String)> {
    step.parts
        .iter()
        .chain(step.variants.iter().flat_map(|v| v.parts.iter()))
        .filter_map(|p| match &*p.kind {
            PartKind::Command { shell, lines, .. } => Some((shell.id.clone(), lines.join("\n"))),
            _ => None,
        })
        .collect()
}

fn processes(step: &Step) -> Vec<String> {
    step.parts
        .iter()
        .filter_map(|p| match &*p.kind {
            PartKind::Processes { items, .. } => Some(items.iter().map(|i| i.name.clone())),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn every_profile_selects_one_procedure_whose_steps_follow_the_seed() {
    let b = book();
    let mut selected = std::collections::BTreeSet::new();
    assert!(b.config.profiles.len() >= 12);
    for profile in &b.config.profiles {
        let view = filter(&b, &profile.env);
        let procs: Vec<_> = view.procedures().collect();
        assert_eq!(
            procs.len(),
            1,
            "profile {} selects {:?}",
            profile.id,
            procs.iter().map(|p| &p.id).collect::<Vec<_>>()
        );
        let p = procs[0];
        selected.insert(p.id.clone());
        let seed = seed_steps(&p.number.to_string());
        let mut pos = 0;
        for step in steps_of(&view) {
            let t = squash(&step.title);
            let found = seed[pos..].iter().position(|s| *s == t);
            assert!(
                found.is_some(),
                "profile {}: step 「{}」 is not in seed {} after position {pos}",
                profile.id,
                step.title,
                p.number
            );
            pos += found.unwrap_or(0) + 1;
        }
        for s in &p.sections {
            let numbers: Vec<u32> = s.all_steps().map(|st| st.number).collect();
            if s.branches.len() <= 1 {
                assert_eq!(
                    numbers,
                    (1..=numbers.len() as u32).collect::<Vec<_>>(),
                    "profile {} section {}",
                    profile.id,
                    s.id
                );
            }
        }
    }
    let all: std::collections::BTreeSet<String> = b.procedures().map(|p| p.id.clone()).collect();
    assert_eq!(
        selected, all,
        "every procedure of the guide is covered by a profile"
    );
}

#[test]
fn unix_patch_from_r12_7_has_the_unix_commands_and_no_windows_one() {
    let b = book();
    let p = b
        .config
        .profiles
        .iter()
        .find(|p| p.id == "unix-patch")
        .unwrap();
    let view = filter(&b, &p.env);
    let steps = steps_of(&view);
    let cmds: Vec<(String, String)> = steps.iter().flat_map(|s| commands(s)).collect();
    assert!(cmds.iter().any(|(_, c)| c.contains("/usr/lib/nqs/nqsstop")));
    assert!(cmds.iter().any(|(_, c)| c.contains("rpm -ivh")));
    assert!(
        cmds.iter().all(|(sh, _)| sh == "sh"),
        "no Windows command in a UNIX runbook"
    );
    assert!(
        steps
            .iter()
            .any(|s| processes(s).contains(&"jcdbs".to_string())),
        "jcdbs runs from R13.1"
    );
}

#[test]
fn mscs_patch_drops_the_resource_dll_deletion_from_r12_5() {
    let b = book();
    let titles = |id: &str| -> Vec<String> {
        let p = b.config.profiles.iter().find(|p| p.id == id).unwrap();
        steps_of(&filter(&b, &p.env))
            .iter()
            .map(|s| s.title.clone())
            .collect()
    };
    assert!(titles("mscs-patch-r12-4").contains(&"リソースDLLを削除".to_string()));
    assert!(!titles("mscs-patch-r12-6").contains(&"リソースDLLを削除".to_string()));
}

#[test]
fn variants_show_the_text_of_the_installed_version() {
    let b = book();
    let p = b
        .config
        .profiles
        .iter()
        .find(|p| p.id == "win-other-upgrade")
        .unwrap();
    let view = filter(&b, &p.env);
    for step in steps_of(&view) {
        for v in &step.variants {
            assert!(
                !v.label.as_deref().unwrap_or("").contains("R12.7.x以前"),
                "an R12.8→R13.2 runbook shows 「{}」 variant of 「{}」",
                v.label.as_deref().unwrap_or(""),
                step.title
            );
        }
    }
}
