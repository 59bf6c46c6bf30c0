//! Every golden output that is meant to install obeys the rules of the chart
//! 13.x values schema (and the chart's own constraints) that matter for a
//! migration. The rules are written here from the schema's meaning, not copied.

use std::path::Path;

use helm_camunda_upgrade::values::Source;
use serde_json::Value;

/// Where 13.x closes `env` items to {name, value, valueFrom}.
const ENV_LISTS: [&str; 9] = [
    "identity.env",
    "console.env",
    "webModeler.restapi.env",
    "webModeler.webapp.env",
    "webModeler.websockets.env",
    "connectors.env",
    "orchestration.env",
    "optimize.env",
    "optimize.migration.env",
];
const STRINGS: [&str; 3] = ["orchestration.clusterSize", "orchestration.partitionCount", "orchestration.replicationFactor"];
const GONE: [&str; 6] = ["zeebe", "zeebeGateway", "operate", "tasklist", "postgresql", "executionIdentity"];
const METHODS: [&str; 3] = ["global.security.authentication.method", "orchestration.security.authentication.method", "connectors.security.authentication.method"];

fn at<'v>(v: &'v Value, dotted: &str) -> Option<&'v Value> {
    dotted.split('.').try_fold(v, |cur, k| cur.as_object()?.get(k))
}

fn violations(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in STRINGS {
        if let Some(x) = at(v, key) {
            if !x.is_string() {
                out.push(format!("{key} must be a string, is {x}"));
            }
        }
    }
    for key in ENV_LISTS {
        let Some(list) = at(v, key) else { continue };
        let Some(items) = list.as_array() else {
            out.push(format!("{key} must be a list"));
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let Some(m) = item.as_object() else {
                out.push(format!("{key}[{i}] must be a mapping"));
                continue;
            };
            if !m.get("name").is_some_and(Value::is_string) {
                out.push(format!("{key}[{i}] needs a string name"));
            }
            if let Some(k) = m.keys().find(|k| !["name", "value", "valueFrom"].contains(&k.as_str())) {
                out.push(format!("{key}[{i}] has {k:?}; only name, value, valueFrom are allowed"));
            }
            if m.get("value").is_some_and(|x| !x.is_string() && !x.is_null()) {
                out.push(format!("{key}[{i}].value must be a string or null"));
            }
        }
    }
    for key in GONE {
        if v.get(key).is_some() {
            out.push(format!("the 12.x key {key} is still there (the 13.x chart ignores it)"));
        }
    }
    for key in METHODS {
        if let Some(m) = at(v, key) {
            if !["basic", "oidc"].contains(&m.as_str().unwrap_or("")) {
                out.push(format!("{key} must be basic or oidc, is {m}"));
            }
        }
    }
    if at(v, "global.compatibility.orchestration.enabled") != Some(&Value::Bool(false)) {
        out.push("global.compatibility.orchestration.enabled must be false".into());
    }
    if let Some(Value::Object(p)) = at(v, "orchestration.profiles") {
        for (k, x) in p {
            if !x.is_boolean() {
                out.push(format!("orchestration.profiles.{k} must be a boolean"));
            }
        }
    }
    // The chart's constraints: components that need Management Identity.
    let on = |k: &str| at(v, k).is_some_and(|x| x == &Value::Bool(true));
    for needs in ["identityKeycloak.enabled", "console.enabled", "webModeler.enabled", "optimize.enabled"] {
        if on(needs) && at(v, "identity.enabled") == Some(&Value::Bool(false)) {
            out.push(format!("{needs} without identity.enabled"));
        }
    }
    out
}

#[test]
fn installable_golden_outputs_follow_the_13x_schema_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/migrate/cases");
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        if dir.file_name().is_some_and(|n| n.to_string_lossy().starts_with("om-")) {
            continue; // OpenMetadata cases: tests/migrate_om_schema.rs
        }
        let exit = std::fs::read_to_string(dir.join("exit")).unwrap_or_default();
        if !matches!(exit.trim(), "0" | "3") {
            continue; // refused cases write nothing
        }
        let mut outputs = vec![std::fs::read_to_string(dir.join("stdout")).unwrap()];
        if dir.join("expected").is_dir() {
            // Per-file outputs only make sense merged, as Helm merges them.
            let mut merged = Value::Object(Default::default());
            let mut names: Vec<_> = std::fs::read_dir(dir.join("expected")).unwrap().map(|e| e.unwrap().path()).collect();
            names.sort();
            for n in names {
                let v = Source::from_text("x", None, std::fs::read_to_string(n).unwrap()).unwrap().value;
                helm_camunda_upgrade::yaml::value::merge_user_values(&mut merged, &v);
            }
            outputs = vec![serde_json::to_string(&merged).unwrap()];
        }
        for text in outputs.into_iter().filter(|t| !t.is_empty()) {
            let v = Source::from_text("out", None, text).unwrap().value;
            checked += 1;
            for problem in violations(&v) {
                failures.push(format!("{}: {problem}", dir.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(checked >= 15, "only {checked} outputs checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_rules_catch_what_they_are_for() {
    let bad = serde_json::json!({
        "orchestration": {"clusterSize": 3, "env": [{"name": "A", "value": 1, "extra": true}], "profiles": {"operate": "yes"}},
        "zeebe": {},
        "identityKeycloak": {"enabled": true},
        "identity": {"enabled": false},
        "global": {"security": {"authentication": {"method": "ldap"}}}
    });
    let v = violations(&bad);
    assert_eq!(v.len(), 8, "{v:#?}");
}
