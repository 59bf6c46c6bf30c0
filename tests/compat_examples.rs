//! The spec's worked examples E1-E7 (camunda-compat-layer.md §1.6), each
//! checked against its stated result. Inputs: tests/compat/cases/e*/; the
//! whole outputs are golden files there (compat_golden.rs).

#[path = "compat/support.rs"]
mod support;

use serde_json::json;
use support::{at, cases_dir, compat_in, has, notes, Run};

const REFUSAL_PREFIX: &str = "[orchestration][compatibility][error] Please migrate the value of";

fn case(name: &str, files: &[&str], extra: &[&str]) -> Run {
    let mut args = vec!["--explain", "--output", "json"];
    args.extend_from_slice(extra);
    args.extend_from_slice(files);
    compat_in(&cases_dir().join(name), &args)
}

#[test]
fn e1_zeebe_merged_over_orchestration() {
    let run = case("e1-merge-rules", &["values.yaml"], &[]);
    let v = run.json();
    assert_eq!(at(&v, "orchestration.clusterSize"), "5", "old zeebe.clusterSize wins over orchestration.clusterSize");
    assert_eq!(at(&v, "orchestration.image.repository"), "camunda/camunda");
    assert_eq!(at(&v, "orchestration.image.tag"), "8.7.20");
    assert_eq!(at(&v, "orchestration.resources.requests"), &json!({"cpu": "1000m", "memory": "2Gi"}));
    assert_eq!(at(&v, "orchestration.resources.limits"), &json!({"cpu": "2000m", "memory": "3000Mi"}));
    assert_eq!(at(&v, "orchestration.javaOpts"), "-Xmx1g -XX:HeapDumpPath=/usr/local/camunda/data");
    assert_eq!(at(&v, "orchestration.tolerations"), &json!([]), "an empty old list wipes the new one");
    assert_eq!(at(&v, "orchestration.podAnnotations"), &json!({"x": "y"}), "an empty old map is a no-op");
    assert_eq!(
        at(&v, "orchestration.retention"),
        &json!({"enabled": true, "minimumAge": "7d", "policyName": "zeebe-record-retention-policy"})
    );
    assert_eq!(
        at(&v, "orchestration.profiles"),
        &json!({"broker": true, "identity": true, "operate": true, "tasklist": true})
    );
    assert_eq!(run.code, 4, "the layer overrides orchestration.clusterSize and resets requests.cpu");
}

#[test]
fn e2_keys_without_enabled_are_ignored_silently() {
    let run = case("e2-no-enabled-flags", &["values.yaml"], &[]);
    let v = run.json();
    assert_eq!(at(&v, "orchestration.clusterSize"), "3");
    assert_eq!(at(&v, "orchestration.image.tag"), "8.8.36");
    assert_eq!(at(&v, "orchestration.contextPath"), "");
    assert_eq!(at(&v, "orchestration.service.httpPort"), 8080);
    assert_eq!(
        at(&v, "orchestration.profiles"),
        &json!({"broker": true, "identity": true, "operate": true, "tasklist": true})
    );
    assert!(!run.stderr.contains("[orchestration][compatibility][error]"), "no failure: {}", run.stderr);
    assert_eq!(run.code, 4, "silently dropped keys");
    for key in [
        "zeebe.clusterSize",
        "zeebe.image.tag",
        "zeebe.env",
        "zeebeGateway.contextPath",
        "zeebeGateway.service.restPort",
        "operate.enabled",
        "operate.env",
        "tasklist.enabled",
    ] {
        assert_eq!(notes(&run, &format!("dropped: {key}:")).len(), 1, "{key} in:\n{}", run.stderr);
    }
}

#[test]
fn e3_refused_free_form_key() {
    let run = case("e3-refused-env", &["values.yaml"], &[]);
    let expected =
        "[orchestration][compatibility][error] Please migrate the value of \"zeebe.env\" to the new syntax under \
        \"orchestration.env\" For more details, please check Camunda Helm chart documentation. \
        https://docs.camunda.io/docs/self-managed/deployment/helm/upgrade/upgrade-hc-870-880/";
    assert!(run.stderr.lines().any(|l| l == expected), "{}", run.stderr);
    assert!(run.stderr.contains("caused by zeebe.env (values.yaml:4:3)"), "{}", run.stderr);
    assert_eq!(run.code, 4);
}

#[test]
fn e4_gateway_profiles_and_auth() {
    let run = case("e4-gateway-operate-auth", &["values.yaml"], &[]);
    let v = run.json();
    assert_eq!(
        at(&v, "orchestration.profiles"),
        &json!({"broker": false, "identity": true, "operate": true, "tasklist": true})
    );
    assert_eq!(at(&v, "orchestration.contextPath"), "/zeebe");
    assert_eq!(at(&v, "orchestration.service.httpPort"), 9999);
    assert_eq!(at(&v, "orchestration.service.grpcPort"), 26600);
    assert_eq!(at(&v, "orchestration.service.loadBalancerSourceRanges"), &json!(["10.0.0.0/8"]));
    assert_eq!(at(&v, "orchestration.service.managementPort"), 9600, "other service defaults kept");
    assert_eq!(at(&v, "orchestration.ingress"), &json!({"grpc": {"enabled": true, "host": "grpc.example.com"}}));
    let oidc = at(&v, "orchestration.security.authentication.oidc");
    assert_eq!(
        (&oidc["clientId"], &oidc["audience"], &oidc["redirectUrl"]),
        (&json!("foo"), &json!("bar"), &json!("http://localhost:8080"))
    );
    let conn = at(&v, "connectors.security.authentication");
    assert_eq!((&conn["oidc"]["clientId"], &conn["oidc"]["existingSecret"]), (&json!("conn"), &json!("s")));
    assert_eq!(conn["oidc"]["existingSecretKey"], "identity-connectors-client-token", "rest default");
    assert_eq!(conn["method"], "", "the layer does not set connectors' auth method");
    // Beyond the layer: the copied ingress has no grpc.tls, which the chart's
    // gRPC Ingress template reads (checked against a real render).
    assert!(run.stderr.contains("templates/common/ingress-grpc.yaml with a template error"), "{}", run.stderr);
    assert!(run.stderr.lines().any(|l| l == "nil pointer evaluating interface {}.enabled"), "{}", run.stderr);
    assert_eq!(run.code, 4);
}

#[test]
fn e5_numeric_cpu_crashes_the_render() {
    let run = case("e5-numeric-cpu", &["values.yaml"], &[]);
    assert!(run.stderr.lines().any(|l| l == "error calling eq: incompatible types for comparison"), "{}", run.stderr);
    assert!(run.stderr.contains("caused by zeebe.resources.requests.cpu (values.yaml:6:7)"), "{}", run.stderr);
    assert_eq!(run.stdout, "", "no values: the layer itself fails");
    assert_eq!(run.code, 4);
}

#[test]
fn e6_full_12x_values() {
    let run = case("e6-full-12x-values", &["values.yaml"], &[]);
    let v = run.json();
    assert!(!run.stderr.contains("would fail to render"), "no failure: {}", run.stderr);
    assert_eq!(
        at(&v, "orchestration.image"),
        &json!({"registry": "", "repository": "camunda/zeebe", "tag": "8.7.37", "digest": "", "pullSecrets": []})
    );
    assert_eq!(at(&v, "orchestration.service.httpPort"), 9600);
    assert_eq!(at(&v, "orchestration.service.managementPort"), 9600);
    assert_eq!(
        at(&v, "orchestration.resources"),
        &json!({"requests": {"cpu": "1000m", "memory": "1500Mi"}, "limits": {"cpu": "2000m", "memory": "3000Mi"}})
    );
    assert_eq!(
        at(&v, "orchestration.javaOpts"),
        "-XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=/usr/local/camunda/data \
         -XX:ErrorFile=/usr/local/camunda/data/camunda_error%p.log -XX:+ExitOnOutOfMemoryError"
    );
    assert!(
        has(&v, "orchestration.podDisruptionBudget.minAvailable")
            && at(&v, "orchestration.podDisruptionBudget.minAvailable").is_null()
    );
    // zeebeGateway, operate and tasklist are inert (no zeebeGateway.enabled in 12.x).
    assert_eq!(at(&v, "orchestration.contextPath"), "");
    assert_eq!(
        at(&v, "orchestration.ingress.grpc.annotations")["nginx.ingress.kubernetes.io/backend-protocol"],
        "GRPC"
    );
    assert_eq!(
        at(&v, "orchestration.profiles"),
        &json!({"broker": true, "identity": true, "operate": true, "tasklist": true})
    );
    let conn = at(&v, "connectors.security.authentication.oidc");
    assert!(conn["existingSecret"].is_null());
    assert_eq!(conn["existingSecretKey"], "connectors-secret");
    assert_eq!(run.code, 4);
}

#[test]
fn e7_realistic_87_values() {
    let run = case("e7-realistic-87", &["values.yaml"], &[]);
    let v = run.json();
    assert_eq!(at(&v, "orchestration.partitionCount"), "6");
    assert_eq!(at(&v, "orchestration.pvcSize"), "64Gi");
    assert_eq!(at(&v, "orchestration.logLevel"), "warn");
    assert_eq!(
        at(&v, "orchestration.resources"),
        &json!({"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"cpu": "2", "memory": "4Gi"}})
    );
    assert_eq!(at(&v, "orchestration.podLabels"), &json!({"team": "billing"}));
    assert_eq!(at(&v, "orchestration.nodeSelector"), &json!({"workload": "camunda"}));
    assert_eq!(at(&v, "orchestration.contextPath"), "/zeebe");
    assert_eq!(at(&v, "orchestration.service.httpPort"), 8088);
    assert_eq!(
        at(&v, "orchestration.ingress"),
        &json!({"grpc": {"enabled": true, "className": "nginx", "host": "grpc.camunda.globex.example",
                         "tls": {"enabled": true, "secretName": "globex-grpc-tls"}}})
    );
    let oidc = at(&v, "orchestration.security.authentication.oidc");
    assert_eq!(
        (&oidc["clientId"], &oidc["audience"]),
        (&json!("orchestration"), &json!("orchestration-api")),
        "auth.zeebe ignored"
    );
    let conn = at(&v, "connectors.security.authentication.oidc");
    assert_eq!(
        (&conn["existingSecret"], &conn["existingSecretKey"]),
        (&json!("globex-credentials"), &json!("connectors-secret"))
    );
    assert_eq!(run.code, 4);
}

#[test]
fn e7_with_free_form_keys_fails_first_on_zeebe_configuration() {
    let dir = "e7-realistic-87-freeform";
    let files = ["../e7-realistic-87/values.yaml", "freeform.yaml"];
    let first = case(dir, &files, &[]);
    let refusals: Vec<&str> = first.stderr.lines().filter(|l| l.starts_with(REFUSAL_PREFIX)).collect();
    assert_eq!(refusals.len(), 1, "Helm stops at the first: {}", first.stderr);
    assert!(refusals[0].contains("\"zeebe.configuration\" to the new syntax under \"orchestration.configuration\""));
    assert_eq!(first.code, 4);

    let all = case(dir, &files, &["--all-errors"]);
    let order: Vec<&str> = all
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix(REFUSAL_PREFIX))
        .map(|l| l.split('"').nth(1).unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "zeebe.configuration",
            "zeebe.env",
            "zeebeGateway.env",
            "zeebeGateway.extraVolumes",
            "zeebeGateway.extraVolumeMounts",
            "operate.env",
            "tasklist.configuration",
        ]
    );
}
