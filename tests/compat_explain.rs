//! `--explain` on realistic 8.7 values: it names every key the layer drops or
//! changes (checked against an independent, simple model of where each old
//! key should land), points at the file and line, and compares the layer's
//! result with `migrate`'s.

#[path = "compat/support.rs"]
mod support;

use std::path::Path;

use serde_json::Value;
use support::{at, cases_dir, compat_in, Run};

/// Realistic inputs: (case folder, values files).
const REALISTIC: [(&str, &[&str]); 3] = [
    ("e7-realistic-87", &["values.yaml"]),
    ("realistic-87-partial", &["values.yaml"]),
    ("e6-full-12x-values", &["values.yaml"]),
];

/// Where an old key is meant to land in 13.x (the upgrade guide's mapping,
/// written independently of the emulation); `None` = no 13.x counterpart.
fn intended_target(path: &[String]) -> Option<Vec<String>> {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    let to = |prefix: &[&str], rest: &[&str]| Some(prefix.iter().chain(rest).map(|s| s.to_string()).collect());
    match p.as_slice() {
        ["zeebe", "enabled"] => to(&["orchestration", "profiles", "broker"], &[]),
        ["zeebe", rest @ ..] => to(&["orchestration"], rest),
        ["zeebeGateway", "service", "restPort"] => to(&["orchestration", "service", "httpPort"], &[]),
        ["zeebeGateway", "service", k @ ("grpcPort" | "commandPort" | "internalPort")] => {
            to(&["orchestration", "service", k], &[])
        }
        ["zeebeGateway", "service", k @ ("loadBalancerIP" | "loadBalancerSourceRanges")] => {
            to(&["orchestration", "service", k], &[])
        }
        ["zeebeGateway", rest @ ("ingress" | "contextPath"), more @ ..] => to(&["orchestration", rest], more),
        [app @ ("operate" | "tasklist"), "enabled"] => to(&["orchestration", "profiles", app], &[]),
        ["global", "identity", "auth", comp @ ("orchestration" | "connectors"), rest @ ..] => {
            to(&[comp, "security", "authentication", "oidc"], rest)
        }
        [top @ ("orchestration" | "connectors"), rest @ ..] => to(&[top], rest),
        _ => None,
    }
}

/// Keys the layer is responsible for.
fn in_scope(path: &[String]) -> bool {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["zeebeGateway", "enabled"] | ["global", "compatibility", ..] => false,
        ["zeebe" | "zeebeGateway" | "operate" | "tasklist" | "orchestration" | "connectors", ..] => true,
        ["global", "identity", "auth", "orchestration" | "connectors" | "zeebe" | "operate" | "tasklist", ..] => true,
        _ => false,
    }
}

fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, c) in m {
                path.push(k.clone());
                leaves(c, path, out);
                path.pop();
            }
        }
        _ => out.push((path.clone(), v.clone())),
    }
}

fn empty(v: &Value) -> bool {
    matches!(v, Value::Null)
        || v.as_str() == Some("")
        || v.as_array().is_some_and(Vec::is_empty)
        || v.as_object().is_some_and(|m| m.is_empty())
}

fn truthy(v: &Value) -> bool {
    !(empty(v) || *v == Value::Bool(false) || v.as_f64() == Some(0.0))
}

fn input_values(dir: &Path, files: &[&str]) -> Value {
    let args: Vec<String> = files.iter().map(|f| dir.join(f).display().to_string()).collect();
    helm_camunda_upgrade::values::Sources::read(&args).unwrap().merged
}

fn run(dir: &Path, files: &[&str]) -> Run {
    let mut args = vec!["--explain", "--output", "json"];
    args.extend_from_slice(files);
    compat_in(dir, &args)
}

#[test]
fn explain_names_every_key_the_layer_drops_or_changes() {
    for (case, files) in REALISTIC {
        let dir = cases_dir().join(case);
        let user = input_values(&dir, files);
        let out = run(&dir, files);
        let effective = out.json();
        let mut all = Vec::new();
        leaves(&user, &mut Vec::new(), &mut all);
        let mut checked = 0;
        for (path, value) in all.iter().filter(|(p, _)| in_scope(p)) {
            let dotted = path.join(".");
            let landed = match intended_target(path) {
                None => empty(value),
                Some(t) => {
                    let got = at(&effective, &t.join("."));
                    if t.last().map(String::as_str) == Some("broker") || t.iter().any(|k| k == "profiles") {
                        truthy(got) == truthy(value)
                    } else {
                        // An unset key reads like an empty value or a `false` switch.
                        got == value || (!truthy(value) && (got.is_null() || empty(got)))
                    }
                }
            };
            if landed {
                continue;
            }
            checked += 1;
            // The note names the key itself or the subtree it belongs to.
            let named = out.stderr.lines().any(|l| {
                (1..=path.len())
                    .any(|n| l.contains(&format!(": {}: ", path[..n].join("."))) && l.contains("values.yaml:"))
            });
            assert!(
                named,
                "{case}: {dotted} ({value}) lands elsewhere but --explain does not name it:\n{}",
                out.stderr
            );
        }
        assert!(checked >= 5, "{case}: only {checked} keys differ; the test would prove little");
    }
}

#[test]
fn every_note_is_about_a_key_the_user_wrote() {
    for (case, files) in REALISTIC {
        let dir = cases_dir().join(case);
        let user = input_values(&dir, files);
        let out = run(&dir, files);
        for line in out
            .stderr
            .lines()
            .filter(|l| l.contains(": dropped: ") || l.contains(": changed: ") || l.contains(": breaks: "))
        {
            let text = line.splitn(3, ": ").nth(2).unwrap();
            let key = text.split([':', ' ']).next().unwrap();
            assert!(
                !key.is_empty() && has_path(&user, key),
                "{case}: note about {key:?} which is not in the input: {line}"
            );
        }
    }
}

fn has_path(v: &Value, dotted: &str) -> bool {
    // Keys with dots are written in brackets by the notes; plain ones are enough here.
    dotted.split('.').try_fold(v, |cur, k| cur.get(k)).is_some()
}

#[test]
fn the_issue_example_and_the_comparison_with_migrate() {
    let dir = cases_dir().join("realistic-87-partial");
    let out = run(&dir, &["values.yaml"]);
    assert!(out.stderr.contains(
        "values.yaml:23:3: dropped: zeebe.pvcSize: 64Gi is ignored because zeebe.enabled is not set; \
         orchestration.pvcSize stays 32Gi; Kubernetes forbids changing a StatefulSet's volumeClaimTemplates, so the \
         upgrade will be refused"
    ), "{}", out.stderr);
    let section: Vec<&str> = out
        .stderr
        .lines()
        .skip_while(|l| !l.contains("other values than from `helm-camunda-upgrade migrate`"))
        .collect();
    assert!(!section.is_empty(), "no comparison:\n{}", out.stderr);
    for expected in [
        "  orchestration.pvcSize: the layer gives 32Gi, migrate gives 64Gi (see values.yaml:23:3)",
        "  orchestration.partitionCount: the layer gives \"3\", migrate gives \"10\" (see values.yaml:21:3)",
        "  orchestration.service.httpPort: the layer gives 8080, migrate gives 8088 (see values.yaml:40:5)",
        "  orchestration.profiles.tasklist: the layer gives true, migrate gives false (see values.yaml:53:3)",
    ] {
        assert!(section.contains(&expected), "missing {expected:?} in\n{}", section.join("\n"));
    }
}

#[test]
fn comparison_with_migrate_on_a_file_the_layer_handles_well() {
    let dir = cases_dir().join("e7-realistic-87");
    let out = run(&dir, &["values.yaml"]);
    let section: Vec<&str> = out.stderr.lines().skip_while(|l| !l.contains("`helm-camunda-upgrade migrate`")).collect();
    let keys: Vec<&str> =
        section.iter().skip(1).filter_map(|l| l.strip_prefix("  ")).map(|l| l.split(": ").next().unwrap()).collect();
    // The layer keeps sizing, ports and context path; it differs on the gRPC
    // Ingress defaults (whole-object copy) and the javaOpts rewrite.
    assert!(keys.contains(&"orchestration.ingress.grpc.pathType"), "{keys:?}");
    assert!(keys.contains(&"orchestration.javaOpts"), "{keys:?}");
    for same in [
        "orchestration.pvcSize",
        "orchestration.partitionCount",
        "orchestration.service.httpPort",
        "orchestration.contextPath",
    ] {
        assert!(!keys.contains(&same), "{same} should match migrate: {keys:?}");
    }
}
