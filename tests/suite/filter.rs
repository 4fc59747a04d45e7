//! Filtering the JobCenter book by environment: only what applies is kept, steps are
//! numbered consecutively, and "本手順は必要ありません" steps disappear.

use tejun::condition::Env;
use tejun::filter::filter;
use tejun::model::{Book, Step};

use crate::harness::{load, repo};

fn book() -> Book {
    load(repo())
}

fn env(book: &Book, spec: &str) -> Env {
    book.config.parse_env(spec).unwrap()
}

fn procedure_ids(b: &Book) -> Vec<String> {
    b.procedures().map(|p| p.id.clone()).collect()
}

fn section_steps<'a>(b: &'a Book, proc_id: &str, section: &str) -> Vec<&'a Step> {
    let p = b.procedures().find(|p| p.id == proc_id).unwrap();
    let s = p.sections.iter().find(|s| s.id == section).unwrap();
    s.all_steps().collect()
}

#[test]
fn a_full_environment_keeps_exactly_one_procedure() {
    let b = book();
    let e = env(
        &b,
        "cluster=mscs,platform=x86,operation=upgrade,from=R12.8,to=R13.2",
    );
    assert_eq!(
        procedure_ids(&filter(&b, &e)),
        vec!["mscs-upgrade-x64-r12-8"]
    );
    let e = env(&b, "cluster=unix,operation=patch,from=R13.1,to=R13.2");
    assert_eq!(procedure_ids(&filter(&b, &e)), vec!["unix-patch"]);
    let e = env(
        &b,
        "cluster=win-other,operation=rolling-patch,from=R13.1,to=R13.2",
    );
    assert_eq!(
        procedure_ids(&filter(&b, &e)),
        vec!["win-other-rolling-patch"]
    );
}

#[test]
fn an_open_environment_keeps_every_candidate() {
    let b = book();
    let e = env(&b, "cluster=mscs");
    let ids = procedure_ids(&filter(&b, &e));
    assert_eq!(ids.len(), 6, "{ids:?}");
    assert!(ids.iter().all(|i| i.starts_with("mscs-")));
    assert_eq!(
        procedure_ids(&filter(&b, &Env::new())).len(),
        b.procedures().count()
    );
}

#[test]
fn a_step_whose_variants_are_all_ruled_out_disappears_and_the_rest_renumber() {
    let b = book();
    // 1.2.2.1 step 5 "リソースDLLを削除" applies only from R12.4.x or earlier.
    let old = filter(
        &b,
        &env(&b, "cluster=mscs,operation=patch,from=R12.4.1,to=R12.4.1"),
    );
    let new = filter(
        &b,
        &env(&b, "cluster=mscs,operation=patch,from=R12.5,to=R12.5"),
    );
    let old_steps = section_steps(&old, "mscs-patch-r12-7", "standby");
    let new_steps = section_steps(&new, "mscs-patch-r12-7", "standby");
    assert!(old_steps.iter().any(|s| s.title == "リソースDLLを削除"));
    assert!(!new_steps.iter().any(|s| s.title == "リソースDLLを削除"));
    assert_eq!(new_steps.len() + 1, old_steps.len());
    for steps in [&old_steps, &new_steps] {
        let numbers: Vec<u32> = steps.iter().map(|s| s.number).collect();
        let want: Vec<u32> = (1..=steps.len() as u32).collect();
        assert_eq!(numbers, want, "steps are numbered consecutively");
    }
}

#[test]
fn branches_follow_the_current_version() {
    let b = book();
    let v = filter(
        &b,
        &env(
            &b,
            "cluster=mscs,platform=x86,operation=upgrade,from=R12.2,to=R13.2",
        ),
    );
    let p = v
        .procedures()
        .find(|p| p.id == "mscs-upgrade-x64-r12-7")
        .unwrap();
    let s = &p.sections[0];
    assert_eq!(s.branches.len(), 1, "only the R12.4以前 branch applies");
    assert!(
        s.branches[0].label.contains("R12.4以前"),
        "{}",
        s.branches[0].label
    );
}

#[test]
fn kept_items_never_contradict_the_environment() {
    let b = book();
    for spec in [
        "cluster=mscs,platform=ipf,operation=upgrade,from=R12.6,to=R13.2",
        "cluster=unix,operation=upgrade,from=R12.10,to=R13.2",
        "cluster=win-other,operation=patch,from=R12.7,to=R12.7",
    ] {
        let e = env(&b, spec);
        let v = filter(&b, &e);
        for p in v.procedures() {
            assert_ne!(
                p.when.as_ref().and_then(|c| c.eval(&e)),
                Some(false),
                "{spec}: {}",
                p.id
            );
            for s in &p.sections {
                for step in s.all_steps() {
                    assert_ne!(
                        step.when.as_ref().and_then(|c| c.eval(&e)),
                        Some(false),
                        "{spec}: {}",
                        step.id
                    );
                    for variant in &step.variants {
                        assert_ne!(variant.when.eval(&e), Some(false), "{spec}: {}", step.id);
                    }
                }
            }
        }
    }
}
