//! The Go template / sprig / mergo behaviour `compat` emulates, checked
//! against real Helm (3.17.3 and 3.10.1) with a probe chart of our own
//! (tests/compat/charts/semantics): the merge rules on fixed and generated
//! cases, and the exact template error texts.

#[path = "compat/support.rs"]
mod support;

use std::process::Command;

use helm_camunda_upgrade::compat::{gotpl, HelmVersion};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{json, Map, Value};

const HELMS: [&str; 2] = ["3.17", "3.10"];

fn chart() -> String {
    support::root().join("tests/compat/charts/semantics").display().to_string()
}

/// `helm template` with `values` (JSON is YAML); Ok(stdout) or Err(stderr).
fn render(helm: &str, values: &Value, show: &str) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("values.json");
    std::fs::write(&file, serde_json::to_string(values).unwrap()).unwrap();
    let out = Command::new(support::helm(helm))
        .args(["template", "probe", &chart(), "--show-only", show, "-f"])
        .arg(&file)
        .output()
        .expect("run helm");
    if out.status.success() {
        Ok(String::from_utf8(out.stdout).unwrap())
    } else {
        Err(String::from_utf8(out.stderr).unwrap())
    }
}

fn yaml_value(text: &str) -> Value {
    let doc = helm_camunda_upgrade::yaml::parse_document(text).unwrap();
    helm_camunda_upgrade::yaml::value::to_value(&doc).unwrap()
}

fn ours(helm: &str, dst: &Value, src: &Value) -> Value {
    let mergo = helm.parse::<HelmVersion>().unwrap().mergo();
    let mut d = dst.as_object().unwrap().clone();
    gotpl::merge_overwrite(&mut d, src.as_object().unwrap(), mergo);
    Value::Object(d)
}

fn fixed_cases() -> Vec<(Value, Value)> {
    vec![
        (json!({"a": {"x": 1, "y": 2}}), json!({"a": {"x": 9}})),
        (json!({"l": [1, 2]}), json!({"l": []})),
        (json!({"l": [1, 2]}), json!({"l": [3]})),
        (json!({"s": true, "t": "x", "n": 5}), json!({"s": false, "t": "", "n": 0})),
        (json!({"k": 1}), json!({"k": null})),
        (json!({"m": {"a": 1}}), json!({"m": "scalar"})),
        (json!({"m": "scalar"}), json!({"m": {"a": 1}})),
        (json!({"m": {"a": 1}}), json!({"m": {}})),
        (json!({"m": {}}), json!({"m": {"a": {"b": null}}})),
        (json!({"m": 3}), json!({"m": {}})),
        (json!({"m": [1]}), json!({"m": {"a": 1}})),
        (json!({"m": {"a": 1}}), json!({"m": [1]})),
        (json!({"keep": {"deep": {"x": 1}}}), json!({"keep": {"deep": {"y": 2}}, "new": [{"a": 1}]})),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-2i64..3).prop_map(|i| json!(i)),
        prop::sample::select(vec!["", "x", "zeebe"]).prop_map(|s| json!(s)),
        Just(json!([])),
        Just(json!({})),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..3).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(vec!["a", "b", "c", "d"]), inner, 1..4)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

fn generated_cases(n: usize) -> Vec<(Value, Value)> {
    let map = prop::collection::btree_map(prop::sample::select(vec!["a", "b", "c", "d"]), any_value(), 0..4)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<_, _>>()));
    let mut runner = TestRunner::deterministic();
    (0..n)
        .map(|_| {
            let dst = map.new_tree(&mut runner).unwrap().current();
            let src = map.new_tree(&mut runner).unwrap().current();
            (dst, src)
        })
        .collect()
}

#[test]
fn merge_overwrite_matches_helm() {
    let mut cases = fixed_cases();
    cases.extend(generated_cases(300));
    let values = json!({"cases": cases.iter().map(|(d, s)| json!({"dst": d, "src": s})).collect::<Vec<_>>()});
    for helm in HELMS {
        let out = render(helm, &values, "templates/merge.yaml").unwrap_or_else(|e| panic!("helm {helm}: {e}"));
        let data = yaml_value(&out)["data"].clone();
        for (i, (dst, src)) in cases.iter().enumerate() {
            let theirs: Value = serde_json::from_str(data[format!("case{i:03}")].as_str().unwrap()).unwrap();
            assert_eq!(ours(helm, dst, src), theirs, "helm {helm}, case {i}: dst {dst} src {src}");
        }
    }
}

/// The probe's error text, as Helm prints it after the expression.
fn helm_error(helm: &str, probe: &str, x: Value) -> Option<String> {
    match render(helm, &json!({"probe": probe, "x": x}), "templates/probe.yaml") {
        Ok(_) => None,
        Err(e) => Some(e.lines().find(|l| l.starts_with("Error:")).unwrap().rsplit(">: ").next().unwrap().to_string()),
    }
}

fn at_b(x: &Value) -> Option<&Value> {
    x.get("a").and_then(|a| a.get("b"))
}

#[test]
fn template_errors_match_helm() {
    let eq_cases = [
        json!({"a": {"b": 2}}),
        json!({"a": {"b": true}}),
        json!({"a": {"b": {"c": 1}}}),
        json!({"a": {"b": "800m"}}),
        json!({"a": "s"}),
        json!(null),
        json!({"a": {"b": [1]}}),
    ];
    let chain_cases = [json!({}), json!({"a": null}), json!({"a": "s"}), json!({"a": {"b": 1}}), json!("top")];
    let replace_cases = [json!({"s": null}), json!({"s": 3}), json!({"s": true}), json!({"s": "a zeebe"}), json!({})];
    for helm in HELMS {
        for x in &eq_cases {
            let collection = matches!(at_b(x), Some(Value::Object(_) | Value::Array(_)));
            if helm == "3.10" && collection {
                // Go 1.18/1.19 (Helm 3.10) words this "uncomparable type ...: <value>"; compat uses the current text.
                assert!(helm_error(helm, "eq", x.clone()).unwrap().starts_with("error calling eq: uncomparable type"));
                continue;
            }
            let ours =
                gotpl::paren_chain(Some(x), &["a", "b"]).and_then(|v| gotpl::eq_str(v, "800m")).err().map(|e| e.0);
            assert_eq!(helm_error(helm, "eq", x.clone()), ours, "helm {helm}: eq on {x}");
        }
        for x in &chain_cases {
            let root = json!({"x": x});
            let ours = gotpl::field_chain(&root, &["x", "a", "b"]).err().map(|e| e.0);
            assert_eq!(helm_error(helm, "chain", x.clone()), ours, "helm {helm}: .x.a.b on {x}");
            let ours = gotpl::paren_chain(Some(&root), &["x", "a", "b"]).err().map(|e| e.0);
            assert_eq!(helm_error(helm, "paren", x.clone()), ours, "helm {helm}: ((.x).a).b on {x}");
        }
        for x in &replace_cases {
            let root = json!({"x": x});
            let ours = gotpl::field_chain(&root, &["x", "s"]).and_then(gotpl::as_string_arg).err().map(|e| e.0);
            assert_eq!(helm_error(helm, "replace", x.clone()), ours, "helm {helm}: replace on {x}");
        }
    }
}
