//! The search against the enumeration it replaced: on random facets and conditions, the
//! first gap, overlap and uncovered environment are the ones trying every combination of
//! every probe finds.

use proptest::prelude::*;

use super::*;
use crate::condition::Op;
use crate::config::EnumValue;

/// What the check did before the search: every combination of every probe, in order.
fn every_env(
    facets: &[Facet],
    conds: &[&Condition],
    mut visit: impl FnMut(&Env) -> bool,
) -> Option<Found> {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for c in conds {
        names.extend(c.facets());
    }
    let axes: Vec<(String, Vec<Probe>)> = names
        .iter()
        .filter_map(|n| facets.iter().find(|f| f.id == *n))
        .map(|f| (f.id.clone(), probes(f, conds)))
        .filter(|(_, p)| !p.is_empty())
        .collect();
    let total: usize = axes.iter().map(|(_, p)| p.len()).product();
    let mut idx = vec![0usize; axes.len()];
    for _ in 0..total {
        let env: Env = axes
            .iter()
            .zip(&idx)
            .map(|((k, p), &i)| (k.clone(), p[i].value.clone()))
            .collect();
        if visit(&env) {
            return Some(Found(
                axes.iter()
                    .zip(&idx)
                    .map(|((k, p), &i)| (k.clone(), p[i].shown.clone()))
                    .collect(),
            ));
        }
        for (d, (_, p)) in idx.iter_mut().zip(&axes).rev() {
            *d += 1;
            if *d < p.len() {
                break;
            }
            *d = 0;
        }
    }
    None
}

fn facets() -> Vec<Facet> {
    let values = |ids: &[&str]| {
        FacetKind::Enum(
            ids.iter()
                .map(|id| EnumValue {
                    id: id.to_string(),
                    label: id.to_string(),
                })
                .collect(),
        )
    };
    vec![
        Facet {
            id: "a".into(),
            label: "A".into(),
            kind: values(&["a0", "a1", "a2", "a3"]),
        },
        Facet {
            id: "b".into(),
            label: "B".into(),
            kind: values(&["b0", "b1"]),
        },
        Facet {
            id: "c".into(),
            label: "C".into(),
            kind: values(&["c0", "c1", "c2"]),
        },
        Facet {
            id: "v".into(),
            label: "V".into(),
            kind: FacetKind::Version {
                known: Vec::new(),
                labels: Vec::new(),
            },
        },
    ]
}

fn atom() -> impl Strategy<Value = Condition> {
    let enum_test = (0usize..3, prop::collection::vec(0usize..4, 1..3)).prop_map(|(f, vs)| {
        let (facet, n) = [("a", 4), ("b", 2), ("c", 3)][f];
        Condition::OneOf {
            facet: facet.into(),
            values: vs.iter().map(|v| format!("{facet}{}", v % n)).collect(),
        }
    });
    let ops = [Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge];
    let versions = ["R1", "R1.2", "R1.x", "R2.0.1", "R3"];
    let version_test = (0usize..6, 0usize..5).prop_map(move |(o, v)| Condition::Version {
        facet: "v".into(),
        op: ops[o],
        version: versions[v].parse().expect("version"),
    });
    prop_oneof![3 => enum_test, 1 => version_test]
}

fn condition() -> impl Strategy<Value = Condition> {
    atom().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Condition::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Condition::Or),
            inner.prop_map(|c| Condition::Not(Box::new(c))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn gaps_and_overlaps_are_the_first_of_the_enumeration(
        ctx in prop::collection::vec(condition(), 0..3),
        variants in prop::collection::vec(condition(), 1..4),
    ) {
        let facets = facets();
        let ctx: Vec<&Condition> = ctx.iter().collect();
        let variants: Vec<&Condition> = variants.iter().collect();
        let mut all = ctx.clone();
        all.extend(&variants);
        let applying = |env: &Env| variants.iter().filter(|v| v.eval(env) == Some(true)).count();
        let gap = every_env(&facets, &all, |env| holds(&ctx, env) && applying(env) == 0);
        let overlap = every_env(&facets, &all, |env| holds(&ctx, env) && applying(env) > 1);
        prop_assert_eq!(gap_and_overlap(&facets, &ctx, &variants), (gap, overlap));
    }

    #[test]
    fn the_uncovered_environment_is_the_first_of_the_enumeration(
        chains in prop::collection::vec(prop::collection::vec(condition(), 0..3), 0..5),
    ) {
        let facets = facets();
        let chains: Vec<Vec<&Condition>> = chains.iter().map(|c| c.iter().collect()).collect();
        let conds: Vec<&Condition> = chains.iter().flatten().copied().collect();
        let want = every_env(&facets, &conds, |env| !chains.iter().any(|c| holds(c, env)));
        prop_assert_eq!(first_uncovered(&facets, &chains), want);
    }
}

#[test]
fn a_hundred_values_over_ten_facets_are_a_few_classes() {
    let facets: Vec<Facet> = (0..10)
        .map(|f| Facet {
            id: format!("f{f}"),
            label: format!("F{f}"),
            kind: FacetKind::Enum(
                (0..10)
                    .map(|v| EnumValue {
                        id: format!("v{v}"),
                        label: format!("V{v}"),
                    })
                    .collect(),
            ),
        })
        .collect();
    let all = Condition::And(
        (0..10)
            .map(|f| Condition::OneOf {
                facet: format!("f{f}"),
                values: vec![format!("v{f}")],
            })
            .collect(),
    );
    let not_all = Condition::Not(Box::new(all.clone()));
    let axes = axes(&facets, &[&all, &not_all]);
    assert_eq!(axes.len(), 10);
    assert!(axes.iter().all(|a| a.probes.len() == 2));
    assert_eq!(
        gap_and_overlap(&facets, &[], &[&all, &not_all]),
        (None, None)
    );
}
