//! Property: every leaf of the input is either carried to the output (where the
//! report says it went, with the value it says) or named in the report with a
//! reason; and nothing appears in the output that the report does not explain.

use helm_camunda_upgrade::migrate::{migrate_values, report::ItemKind};
use helm_camunda_upgrade::values::{Source, Sources};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const TOP: &[&str] = &["zeebe", "zeebeGateway", "operate", "tasklist", "postgresql", "global", "connectors", "identity", "orchestration"];
const MID: &[&str] = &[
    "enabled", "image", "service", "resources", "javaOpts", "clusterSize", "partitionCount", "pvcSize", "contextPath", "retention",
    "ingress", "replicas", "podLabels", "logLevel", "elasticsearch", "compatibility", "env", "configuration",
];
const LOW: &[&str] = &["tag", "repository", "registry", "httpPort", "restPort", "grpcPort", "requests", "grpc", "rest", "enabled", "cpu", "memory", "a", "b", "disableExporter", "orchestration"];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        (0i64..70000).prop_map(|n| json!(n)),
        prop::sample::select(vec!["800m", "1200Mi", "960m", "1920Mi", "on", "yes", "0755", "8.7.1", "/usr/local/zeebe/x", "", "a b", "x: y"]).prop_map(|s| json!(s)),
        Just(Value::Null),
    ]
}

fn value_for(key: &'static str, depth: usize) -> BoxedStrategy<Value> {
    match key {
        "env" => prop::collection::vec(prop::sample::select(vec!["A", "B"]).prop_map(|n| json!({"name": n, "value": "1"})), 0..3).prop_map(Value::Array).boxed(),
        "clusterSize" | "partitionCount" => scalar().boxed(),
        "configuration" => prop::sample::select(vec!["a: 1\n", "b:\n  c: on\n", "a: 2\n"]).prop_map(|s| json!(s)).boxed(),
        "javaOpts" => prop::sample::select(vec!["x", "-Xmx1g -Dp=/usr/local/zeebe/data"]).prop_map(|s| json!(s)).boxed(),
        "image" | "service" | "resources" | "retention" | "ingress" | "elasticsearch" | "compatibility" if depth < 3 => map_of(LOW, depth + 1).boxed(),
        _ if depth >= 3 => scalar().boxed(),
        _ => prop_oneof![3 => scalar(), 1 => map_of(LOW, depth + 1)].boxed(),
    }
}

fn map_of(keys: &'static [&'static str], depth: usize) -> impl Strategy<Value = Value> {
    prop::sample::subsequence(keys.to_vec(), 0..4).prop_flat_map(move |ks| {
        let parts: Vec<_> = ks.into_iter().map(|k| value_for(k, depth).prop_map(move |v| (k.to_string(), v))).collect();
        parts.prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>()))
    })
}

fn doc() -> impl Strategy<Value = Value> {
    prop::sample::subsequence(TOP.to_vec(), 1..6).prop_flat_map(|ks| {
        let parts: Vec<_> = ks.into_iter().map(|k| map_of(MID, 1).prop_map(move |v| (k.to_string(), v))).collect();
        parts.prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>()))
    })
}

fn leaves(v: &Value, path: Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, c) in m {
                let mut p = path.clone();
                p.push(k.clone());
                leaves(c, p, out);
            }
        }
        _ => out.push((path, v.clone())),
    }
}

fn at<'v>(v: &'v Value, dotted: &str) -> Option<&'v Value> {
    dotted.split('.').try_fold(v, |cur, k| cur.as_object()?.get(k))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    #[test]
    fn every_leaf_is_carried_or_reported(generated in doc()) {
        // Rendered by an independent emitter (serde_yaml), then read as Helm reads it.
        let text = serde_yaml::to_string(&generated).unwrap();
        let src = Source::from_text("gen.yaml", None, text.clone()).unwrap();
        let input = src.value.clone();
        let sources = Sources::new(vec![src]);
        let m = migrate_values(&sources, false, &Default::default()).unwrap();
        if m.report.has(ItemKind::Blocker) {
            // Refused: nothing is written; the report must say why.
            prop_assert!(m.report.items.iter().filter(|i| i.kind == ItemKind::Blocker).all(|i| !i.reason.is_empty()));
            return Ok(());
        }
        let values = m.values().unwrap();
        let out = &values;
        let mut input_leaves = Vec::new();
        leaves(&input, vec![], &mut input_leaves);
        for (path, value) in &input_leaves {
            let from = path.join(".");
            let items: Vec<_> = m.report.items.iter().filter(|i| i.from.as_deref() == Some(from.as_str())).collect();
            prop_assert_eq!(items.len(), 1, "leaf {} is reported {} times\n{}", from, items.len(), text);
            let item = items[0];
            match item.kind {
                ItemKind::Kept | ItemKind::Moved | ItemKind::Pending => {
                    let to = item.to.as_deref().unwrap();
                    let got = at(out, to);
                    // An empty mapping may receive keys that other rules move into it.
                    let grown = value.as_object().is_some_and(|m| m.is_empty()) && got.is_some_and(Value::is_object);
                    prop_assert!(grown || got == Some(value), "{} -> {}: value not carried ({:?})\n{}\n---\n{}", from, to, got, text, m.outputs[0].text);
                }
                ItemKind::Changed => {
                    let to = item.to.as_deref().unwrap();
                    if !to.contains(", ") {
                        prop_assert_eq!(at(out, to), item.new.as_ref(), "{} -> {}: changed value not written\n{}", from, to, m.outputs[0].text);
                    }
                }
                ItemKind::Dropped | ItemKind::Manual => prop_assert!(!item.reason.is_empty(), "{} dropped without a reason", from),
                ItemKind::Blocker | ItemKind::Added | ItemKind::Note => {}
            }
        }
        // Every output leaf is explained by a report item.
        let mut output_leaves = Vec::new();
        leaves(out, vec![], &mut output_leaves);
        let explained: Vec<String> = m.report.items.iter().filter_map(|i| i.to.clone()).flat_map(|t| t.split(", ").map(str::to_string).collect::<Vec<_>>()).collect();
        for (path, _) in &output_leaves {
            let p = path.join(".");
            prop_assert!(explained.iter().any(|e| p == *e || p.starts_with(&format!("{e}."))), "output leaf {} is not in the report\n{}\n---\n{}", p, text, m.outputs[0].text);
        }
    }
}
