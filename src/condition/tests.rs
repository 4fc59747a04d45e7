use super::*;
use crate::config::{EnumValue, Facet, FacetKind};

fn facets() -> Vec<Facet> {
    let e = |id: &str, vals: &[&str]| Facet {
        id: id.into(),
        label: id.into(),
        kind: FacetKind::Enum(
            vals.iter()
                .map(|v| EnumValue {
                    id: (*v).into(),
                    label: (*v).into(),
                })
                .collect(),
        ),
    };
    let v = |id: &str| Facet {
        id: id.into(),
        label: id.into(),
        kind: FacetKind::Version {
            known: Vec::new(),
            labels: Vec::new(),
        },
    };
    vec![
        e("platform", &["alpha", "beta-two", "gamma"]),
        e("operation", &["upgrade", "patch"]),
        v("from"),
        v("to"),
    ]
}

fn cond(s: &str) -> Condition {
    bind(&parse(s).unwrap(), &facets()).unwrap()
}

fn env(pairs: &[(&str, &str)]) -> Env {
    pairs
        .iter()
        .map(|(k, v)| {
            let value = if v.starts_with('v') {
                Value::Version(v.parse().unwrap())
            } else {
                Value::Enum((*v).into())
            };
            ((*k).to_string(), value)
        })
        .collect()
}

#[test]
fn seed_ranges_evaluate_at_their_boundaries() {
    let before = cond("from <= v2.4");
    assert_eq!(before.eval(&env(&[("from", "v2.4")])), Some(true));
    assert_eq!(before.eval(&env(&[("from", "v2.4.1")])), Some(false));
    let middle = cond("v2.4.1 <= from <= v2.7.x");
    assert_eq!(middle.eval(&env(&[("from", "v2.4.1")])), Some(true));
    assert_eq!(middle.eval(&env(&[("from", "v2.7.3")])), Some(true));
    assert_eq!(middle.eval(&env(&[("from", "v2.8")])), Some(false));
    let r124x = cond("from <= v2.4.x");
    assert_eq!(r124x.eval(&env(&[("from", "v2.4.9")])), Some(true));
    assert_eq!(r124x.eval(&env(&[("from", "v2.5")])), Some(false));
    assert_eq!(cond("to >= v3.1").eval(&env(&[("to", "v3.1")])), Some(true));
    assert_eq!(
        cond("to >= v3.1").eval(&env(&[("to", "v2.10")])),
        Some(false)
    );
}

#[test]
fn open_facets_leave_the_answer_open() {
    let c = cond("platform = alpha and from >= v2.8");
    assert_eq!(c.eval(&env(&[("platform", "alpha")])), None);
    assert_eq!(
        c.eval(&env(&[("platform", "gamma")])),
        Some(false),
        "one false side decides"
    );
    let o = cond("platform = gamma or from >= v2.8");
    assert_eq!(o.eval(&env(&[("platform", "gamma")])), Some(true));
}

#[test]
fn operators_and_negation() {
    assert_eq!(
        cond("platform != gamma").eval(&env(&[("platform", "alpha")])),
        Some(true)
    );
    assert_eq!(
        cond("not (platform in [alpha, gamma])").eval(&env(&[("platform", "beta-two")])),
        Some(true)
    );
    assert_eq!(cond("v2.8 <= to").eval(&env(&[("to", "v2.9")])), Some(true));
    assert_eq!(
        cond("platform == alpha").eval(&env(&[("platform", "alpha")])),
        Some(true)
    );
}

#[test]
fn impossible_conditions_are_detected() {
    assert!(!cond("from <= v2.4 and from >= v2.8").satisfiable(&facets()));
    assert!(!cond("platform = alpha and platform = gamma").satisfiable(&facets()));
    assert!(!cond("v2.8 <= from <= v2.4").satisfiable(&facets()));
    assert!(cond("from <= v2.4 or from >= v2.8").satisfiable(&facets()));
    assert!(
        !cond("v2.4 < from < v2.4.1").satisfiable(&facets()),
        "no release lies between"
    );
    assert!(cond("v2.4 < from < v2.4.2").satisfiable(&facets()));
    assert!(cond("from <= v2.7.x and from >= v2.7.x").satisfiable(&facets()));
}

#[test]
fn errors_point_at_the_offending_word() {
    let e = bind(&parse("platfrm = alpha").unwrap(), &facets()).unwrap_err();
    assert_eq!(e[0].span, 0..7);
    assert!(e[0].message.contains("unknown facet `platfrm`"));
    let e = bind(&parse("platform = solaris").unwrap(), &facets()).unwrap_err();
    assert_eq!(e[0].span, 11..18);
    let e = bind(&parse("from <= v2..4").unwrap(), &facets()).unwrap_err();
    assert!(
        e[0].message.contains("malformed version `v2..4`"),
        "{}",
        e[0].message
    );
    let p = parse("platform = alpha and").unwrap_err();
    assert!(p.message.contains("expected"), "{}", p.message);
    let p = parse("platform = alpha )").unwrap_err();
    assert_eq!(p.span, 17..18);
    assert!(parse("v2.4 >= from >= v2.8").is_err());
}

#[test]
fn display_round_trips_through_the_parser() {
    for s in [
        "platform = alpha and from >= v2.8",
        "platform in [alpha, gamma] or not (to < v3.1)",
    ] {
        let c = cond(s);
        assert_eq!(cond(&c.to_string()), c);
    }
}

#[test]
fn nesting_stops_at_the_limit_with_the_offending_token() {
    let nested = |n: usize| format!("{}platform = gamma{}", "(".repeat(n), ")".repeat(n));
    assert!(parse(&nested(MAX_DEPTH)).is_ok());
    let e = parse(&nested(MAX_DEPTH + 1)).unwrap_err();
    assert_eq!(e.span, MAX_DEPTH..MAX_DEPTH + 1, "{e:?}");
    assert!(e.message.contains("nest at most 64"), "{e:?}");
    // `not` and `(` count alike; siblings do not add up.
    let mixed = format!("{}platform = gamma", "not (".repeat(MAX_DEPTH / 2));
    let mixed = format!("{mixed}{}", ")".repeat(MAX_DEPTH / 2));
    assert!(parse(&mixed).is_ok());
    let siblings = vec![nested(MAX_DEPTH); 3].join(" and ");
    assert!(parse(&siblings).is_ok());
    let e = parse(&format!("{}platform = gamma", "not ".repeat(20_000))).unwrap_err();
    assert_eq!(e.span, 4 * MAX_DEPTH..4 * MAX_DEPTH + 3);
}

/// One enumeration facet per name, each with the given values.
fn many_facets(n: usize, values: &[&str]) -> Vec<Facet> {
    (0..n)
        .map(|i| Facet {
            id: format!("f{i}"),
            label: "F".into(),
            kind: FacetKind::Enum(
                values
                    .iter()
                    .map(|v| EnumValue {
                        id: (*v).into(),
                        label: (*v).into(),
                    })
                    .collect(),
            ),
        })
        .collect()
}

fn all_set(n: usize, value: &str) -> Vec<Condition> {
    (0..n)
        .map(|i| Condition::OneOf {
            facet: format!("f{i}"),
            values: vec![value.into()],
        })
        .collect()
}

/// A flat `f0 = a and f1 = a and …` names as many facets as book.toml declares: the search
/// over them must not recurse once per facet (it overflowed the stack at 60,000).
#[test]
fn a_condition_over_a_hundred_thousand_facets_is_decided() {
    let facets = many_facets(100_000, &["a"]);
    assert!(Condition::And(all_set(100_000, "a")).satisfiable(&facets));
}

/// 2^64 combinations overflowed the count (a panic in debug builds; in release a count of
/// 0, and an endless search of a contradiction).
#[test]
fn too_many_combinations_to_count_are_not_searched() {
    let facets = many_facets(64, &["a", "b"]);
    let mut items = all_set(64, "a");
    items.push(Condition::OneOf {
        facet: "f0".into(),
        values: vec!["b".into()],
    });
    assert!(Condition::And(items).satisfiable(&facets));
}

/// tests/condition-vectors.json: what the browser's condition.js must answer too.
#[test]
fn shared_vectors_hold_in_rust() {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/condition-vectors.json")).unwrap();
    let facets: Vec<Facet> = v["facets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| Facet {
            id: f["id"].as_str().unwrap().into(),
            label: f["id"].as_str().unwrap().into(),
            kind: match f["values"].as_array() {
                Some(vals) => FacetKind::Enum(
                    vals.iter()
                        .map(|v| EnumValue {
                            id: v.as_str().unwrap().into(),
                            label: v.as_str().unwrap().into(),
                        })
                        .collect(),
                ),
                None => FacetKind::Version {
                    known: Vec::new(),
                    labels: Vec::new(),
                },
            },
        })
        .collect();
    let is_version = |k: &str| {
        facets
            .iter()
            .any(|f| f.id == k && matches!(f.kind, FacetKind::Version { .. }))
    };
    for case in v["cases"].as_array().unwrap() {
        let when = case["when"].as_str().unwrap();
        let env: Env = case["env"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, val)| {
                let s = val.as_str().unwrap();
                let value = if is_version(k) {
                    Value::Version(s.parse().unwrap())
                } else {
                    Value::Enum(s.into())
                };
                (k.clone(), value)
            })
            .collect();
        let expect = case["expect"].as_bool();
        let c = bind(&parse(when).unwrap(), &facets).unwrap();
        assert_eq!(c.eval(&env), expect, "{when} with {env:?}");
        // The browser reads what tejun writes into data-when: the same answer.
        let written = bind(&parse(&c.to_string()).unwrap(), &facets).unwrap();
        assert_eq!(written.eval(&env), expect, "{when} written as {c}");
    }
    for case in v["versions"].as_array().unwrap() {
        let a: crate::version::Version = case["a"].as_str().unwrap().parse().unwrap();
        let b: crate::version::Version = case["b"].as_str().unwrap().parse().unwrap();
        let want = case["cmp"].as_i64().unwrap();
        assert_eq!(a.cmp(&b) as i64, want, "{a} vs {b}");
    }
    for case in v["parts"].as_array().unwrap() {
        let version: crate::version::Version = case["version"].as_str().unwrap().parse().unwrap();
        let n = case["n"].as_u64().unwrap() as usize;
        assert_eq!(
            version.leading(n).as_deref(),
            case["expect"].as_str(),
            "{version}, {n} components"
        );
    }
}
