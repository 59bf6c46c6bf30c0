//! `compat` as a command: inputs, outputs, exit codes, and the render
//! failures of chart 13.x outside the layer that 8.7 values hit.

#[path = "compat/support.rs"]
mod support;

use serde_json::Value;
use support::{at, compat_in, compat_stdin, effective};

const UPGRADE_DOCS: &str = concat!(
    "For more details, please check Camunda Helm chart documentation. ",
    "https://docs.camunda.io/docs/self-managed/deployment/helm/upgrade/"
);

fn first_error_line(stderr: &str) -> &str {
    stderr.lines().find(|l| l.starts_with('[') || !l.starts_with("compat:") && !l.contains(": dropped:")).unwrap_or("")
}

#[test]
fn renamed_and_removed_keys_fail_like_the_chart() {
    let renamed = |old: &str, new: &str| {
        format!("[camunda][error] The Helm values file key changed from \"{old}\" to \"{new}\". {UPGRADE_DOCS}")
    };
    let removed =
        |old: &str| format!("[camunda][error] The Helm values file key \"{old}\" has been removed. {UPGRADE_DOCS}");
    let cases = [
        (
            "webModeler: {enabled: true, restapi: {mail: {fromAddress: a@b.example}}}\n\
             identity: {enabled: true}\npostgresql: {enabled: true}\n",
            renamed("postgresql", "webModelerPostgresql"),
        ),
        ("zeebe-gateway: {enabled: true}\n", renamed("zeebe-gateway", "zeebeGateway")),
        ("connectors: {ingress: {enabled: true}}\n", removed("connectors.ingress")),
        (
            "zeebeGateway: {enabled: true, ingress: {rest: {enabled: true}, grpc: {enabled: false}}}\n",
            removed("orchestration.ingress.rest"),
        ),
        (
            "global: {elasticsearch: {url: \"http://es:9200\"}}\n",
            "- global.elasticsearch.url: Invalid type. Expected: object, given: string".to_string(),
        ),
        (
            "identityKeycloak: {enabled: true}\n",
            "[camunda][error] Identity is disabled but identityKeycloak is enabled. Please ensure that if \
             identityKeycloak is enabled, Identity must also be enabled."
                .to_string(),
        ),
        (
            "global: {elasticsearch: {enabled: false}}\n",
            "Please enable a secondary storage type. Either Elasticsearch or OpenSearch".to_string(),
        ),
    ];
    for (values, expected) in cases {
        let run = compat_stdin(values, &[]);
        assert!(run.stderr.lines().any(|l| l == expected), "{values}expected {expected}\ngot:\n{}", run.stderr);
        assert_eq!(run.code, 4, "{values}");
    }
}

#[test]
fn identity_requirements_follow_the_release() {
    let optimize = "optimize: {enabled: true}\n";
    let run = compat_stdin(optimize, &["--chart-version", "13.3.2"]);
    assert!(
        run.stderr.contains("[camunda][error] Optimize is enabled but management Identity is not enabled."),
        "{}",
        run.stderr
    );
    let run = compat_stdin(optimize, &["--chart-version", "13.4.0"]);
    assert!(!run.stderr.contains("would fail to render"), "PR #4910 dropped the rule: {}", run.stderr);

    let console = "console: {enabled: true}\nglobal: {identity: {service: {url: http://identity.example}}}\n";
    let run = compat_stdin(console, &["--chart-version", "13.12.2"]);
    assert!(
        run.stderr.contains("[camunda][error] Console is enabled but management Identity is not enabled."),
        "{}",
        run.stderr
    );
    let run = compat_stdin(console, &["--chart-version", "13.12.3"]);
    assert!(!run.stderr.contains("would fail to render"), "an external Identity counts since 13.12.3: {}", run.stderr);
    let run = compat_stdin("console: {enabled: true}\n", &[]);
    let text = "[camunda][error] Console is enabled but management Identity is not configured. Enable local";
    assert!(run.stderr.contains(text), "{}", run.stderr);
}

#[test]
fn layer_failures_come_before_other_templates() {
    let values = "postgresql: {enabled: true}\nwebModeler: {enabled: true}\nidentity: {enabled: true}\n\
                  zeebe: {enabled: true, env: [{name: A}]}\n";
    let run = compat_stdin(values, &[]);
    let errors: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("[orchestration][compatibility][error]"), "{}", run.stderr);
    let run = compat_stdin(values, &["--all-errors"]);
    let errors: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(errors.len(), 2);
    assert!(errors[1].contains("\"postgresql\" to \"webModelerPostgresql\""), "{}", run.stderr);
}

#[test]
fn several_files_merge_like_helm_and_notes_point_at_the_deciding_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.yaml"), "zeebe:\n  pvcSize: 64Gi\n  logLevel: warn\n").unwrap();
    std::fs::write(dir.path().join("prod.yaml"), "# production\nzeebe:\n  pvcSize: 128Gi\n").unwrap();
    let run = compat_in(dir.path(), &["--explain", "--output", "json", "base.yaml", "prod.yaml"]);
    assert!(run.stderr.contains("prod.yaml:3:3: dropped: zeebe.pvcSize: 128Gi is ignored"), "{}", run.stderr);
    assert!(run.stderr.contains("base.yaml:3:3: dropped: zeebe.logLevel: warn is ignored"), "{}", run.stderr);
    let with_flag = "zeebe:\n  enabled: true\n";
    std::fs::write(dir.path().join("on.yaml"), with_flag).unwrap();
    let run = compat_in(dir.path(), &["--output", "json", "base.yaml", "prod.yaml", "on.yaml"]);
    assert_eq!(at(&run.json(), "orchestration.pvcSize"), "128Gi");
    assert_eq!(at(&run.json(), "orchestration.logLevel"), "warn");
}

#[test]
fn yaml_and_json_outputs_agree_and_yaml_reads_back_under_helm_rules() {
    let values = "zeebe:\n  enabled: true\n  podLabels: {flag: \"on\", count: \"1_000\", when: \"2024-01-01\"}\n\
                  \x20 configuration: \"\"\n";
    let json = compat_stdin(values, &["--output", "json"]).json();
    let yaml = compat_stdin(values, &[]).stdout;
    // Helm reads `on` unquoted as true; the output must keep these strings quoted.
    for needle in ["flag: \"on\"", "count: \"1_000\"", "when: \"2024-01-01\""] {
        assert!(yaml.contains(needle), "{needle} in\n{yaml}");
    }
    let doc = helm_camunda_upgrade::yaml::parse_document(&yaml).unwrap();
    assert_eq!(helm_camunda_upgrade::yaml::value::to_value(&doc).unwrap(), json);
    assert_eq!(at(&json, "orchestration.podLabels.flag"), "on");
}

#[test]
fn secrets_are_masked() {
    let values = "global:\n  elasticsearch:\n    auth: {username: elastic, password: hunter2}\n\
                  orchestration:\n  security: {authentication: {oidc: {secret: {inlineSecret: s3cr3t}}}}\n\
                  zeebe:\n  enabled: true\n  env: []\n  podAnnotations: {note: x}\n";
    let run = compat_stdin(values, &["--explain"]);
    for secret in ["hunter2", "s3cr3t"] {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret), "{secret}");
    }
    assert!(run.stdout.contains("password: <redacted>"), "{}", run.stdout);
    assert!(run.stdout.contains("inlineSecret: <redacted>"), "{}", run.stdout);
    assert!(run.stderr.contains("secret value(s) printed as <redacted>"), "{}", run.stderr);
}

#[test]
fn bad_input_exits_5_with_the_place() {
    let run = compat_stdin("zeebe:\n  enabled: true\n   bad: [\n", &[]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(run.stderr.contains("<stdin>:"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let run = compat_stdin("- a list\n", &[]);
    assert_eq!(run.code, 5);
    assert!(run.stderr.contains("must be a mapping"), "{}", run.stderr);
}

#[test]
fn chart_version_must_be_13x() {
    for bad in ["12.13.3", "13.1", "13.0.0-alpha8", "latest"] {
        let run = compat_stdin("{}\n", &["--chart-version", bad]);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
    }
}

#[test]
fn chart_defaults_alone_render_in_every_modelled_release() {
    for version in ["13.0.0", "13.1.2", "13.3.2", "13.4.0", "13.4.1", "13.12.2", "13.12.3", "13.12.7"] {
        for helm in ["3.10", "3.17"] {
            let run = compat_stdin("{}\n", &["--chart-version", version, "--helm-version", helm]);
            assert_eq!(run.code, 0, "{version} / Helm {helm}: {}", run.stderr);
        }
    }
}

#[test]
fn no_values_gives_the_13x_defaults_and_exit_0() {
    let (v, run) = effective("", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(at(&v, "orchestration.image.repository"), "camunda/camunda");
    assert_eq!(at(&v, "global.compatibility.orchestration.enabled"), true);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["orchestration", "connectors", "global"], "only the three printed keys");
    assert!(!first_error_line(&run.stderr).starts_with('['));
    let _: Value = v;
}
