//! Real Helm reads the migrated values with the intended types: what we
//! write is what Helm (YAML 1.1 rules) sees, and our own reader agrees.

use std::path::PathBuf;

use assert_cmd::Command;
use helm_camunda_upgrade::values::Source;
use serde_json::{json, Value};

fn helm() -> PathBuf {
    let p = std::env::var_os("HCU_HELM_3_17")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.tools/helm-3.17.3/helm")));
    assert!(p.exists(), "Helm 3.17.3 not found at {} (run scripts/install-helm.sh)", p.display());
    p
}

/// The values as Helm's templates see them.
fn helm_view(values_file: &std::path::Path) -> Value {
    let chart = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/migrate/charts/probe");
    let out = std::process::Command::new(helm()).args(["template", "probe", chart, "-f"]).arg(values_file).output().unwrap();
    assert!(out.status.success(), "helm template failed: {}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_yaml::from_slice(&out.stdout).unwrap();
    serde_json::from_str(doc["data"]["values.json"].as_str().unwrap()).unwrap()
}

const INPUT: &str = r#"# tricky scalars
global:
  ingress:
    enabled: on          # YAML 1.1 boolean, kept as written
  labels:
    mode: "on"           # a string, kept quoted
    perms: 0755          # octal for Helm
    big: 1_000
zeebe:
  enabled: yes
  clusterSize: 3
  partitionCount: 0x6
  replicationFactor: "3"
  javaOpts: -Xmx1g -XX:HeapDumpPath=/usr/local/zeebe/data
  podAnnotations:
    "on": "yes"
    empty: ""
    nothing: ~
zeebeGateway:
  service:
    restPort: 8088
operate:
  enabled: false
"#;

#[test]
fn helm_reads_the_migrated_values_with_the_intended_types() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("in.yaml");
    std::fs::write(&input, INPUT).unwrap();
    let migrated = d.path().join("out.yaml");
    Command::cargo_bin("helm-camunda-upgrade").unwrap().args(["migrate", "-q"]).arg(&input).arg("-o").arg(&migrated).assert().code(0);

    let seen = helm_view(&migrated);
    let o = &seen["orchestration"];
    assert_eq!(o["clusterSize"], json!("3"), "clusterSize must be a string for the 13.x schema");
    assert_eq!(o["partitionCount"], json!("6"));
    assert_eq!(o["replicationFactor"], json!("3"));
    assert_eq!(o["profiles"], json!({"broker": true, "operate": false}));
    assert_eq!(o["service"]["httpPort"], json!(8088));
    assert_eq!(o["javaOpts"], json!("-Xmx1g -XX:HeapDumpPath=/usr/local/camunda/data"));
    assert_eq!(o["podAnnotations"]["on"], json!("yes"));
    assert_eq!(o["podAnnotations"]["empty"], json!(""));
    assert_eq!(seen["global"]["ingress"]["enabled"], json!(true));
    assert_eq!(seen["global"]["labels"], json!({"mode": "on", "perms": 493, "big": 1000}));
    assert_eq!(seen["global"]["compatibility"]["orchestration"]["enabled"], json!(false));
    assert!(seen.get("zeebe").is_none() && seen.get("operate").is_none() && seen.get("zeebeGateway").is_none());

    // Our reader (used for every decision) sees exactly what Helm sees...
    let ours = Source::from_text("out.yaml", None, std::fs::read_to_string(&migrated).unwrap()).unwrap().value;
    assert_eq!(ours, seen);
    // ...and reads the input as Helm does too.
    let ours_in = Source::from_text("in.yaml", None, INPUT.to_string()).unwrap().value;
    assert_eq!(ours_in, helm_view(&input));
}

#[test]
fn values_written_by_the_tool_round_trip_through_helm() {
    // Strings that YAML 1.1 or 1.2 would read as something else, written by `set`.
    use helm_camunda_upgrade::yaml::{edit::EditDoc, parse_document};
    let tricky = ["on", "off", "yes", "no", "y", "n", "Y", "true", "null", "~", "", "0755", "0o17", "0x1F", "1_000", "1e3", "12:30",
        "2024-01-01", ".inf", "-.5", "a: b", "x #y", " lead", "trail ", "- item", "@at", "`tick", "quote\"d", "back\\slash", "%pct", "*star", "&amp", "!bang", "|pipe", ">gt", "multi\nline", "tab\there"];
    let text = "probe: {}\n";
    let mut ed = EditDoc::new(text, &parse_document(text).unwrap());
    for (i, s) in tricky.iter().enumerate() {
        ed.set(&["probe".to_string(), format!("k{i}")], &json!(s));
    }
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("v.yaml");
    std::fs::write(&f, ed.render()).unwrap();
    let seen = helm_view(&f);
    for (i, s) in tricky.iter().enumerate() {
        assert_eq!(seen["probe"][format!("k{i}")], json!(s), "{s:?} did not survive Helm:\n{}", ed.render());
    }
}
