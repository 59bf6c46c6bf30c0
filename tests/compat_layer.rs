//! One test per rule of the compatibility layer (camunda-compat-layer.md §1.2),
//! running the real binary on small inline values.

#[path = "compat/support.rs"]
mod support;

use serde_json::json;
use support::{at, compat_stdin, effective, has, notes};

const URL_NEW: &str = "https://docs.camunda.io/docs/self-managed/deployment/helm/upgrade/upgrade-hc-870-880/";
const URL_OLD: &str =
    "https://docs.camunda.io/docs/next/self-managed/installation-methods/helm/upgrade/upgrade-hc-870-880/";

// ---- gates ----

#[test]
fn flag_off_ignores_every_old_key_without_error() {
    let (v, run) = effective(
        "global: {compatibility: {orchestration: {enabled: false}}}\n\
         zeebe: {enabled: true, pvcSize: 64Gi, env: [{name: A, value: b}]}\n\
         zeebeGateway: {enabled: true, contextPath: /zeebe}\n\
         operate: {enabled: true, env: [{name: B, value: c}]}\n",
        &[],
    );
    assert_eq!(at(&v, "orchestration.pvcSize"), "32Gi");
    assert_eq!(at(&v, "orchestration.env"), &json!([]));
    assert_eq!(at(&v, "orchestration.contextPath"), "");
    assert!(!run.stderr.contains("would fail to render"), "{}", run.stderr);
    let pvc = notes(&run, "zeebe.pvcSize");
    assert_eq!(pvc.len(), 1);
    assert!(pvc[0].contains("is ignored because global.compatibility.orchestration.enabled is false"), "{}", pvc[0]);
    assert_eq!(run.code, 4);
}

#[test]
fn component_gate_off_explains_the_statefulset_consequence() {
    let (v, run) = effective("zeebe:\n  pvcSize: 64Gi\n", &[]);
    assert_eq!(at(&v, "orchestration.pvcSize"), "32Gi");
    assert_eq!(
        notes(&run, "zeebe.pvcSize"),
        ["<stdin>:2:3: dropped: zeebe.pvcSize: 64Gi is ignored because zeebe.enabled is not set; orchestration.pvcSize \
          stays 32Gi; Kubernetes forbids changing a StatefulSet's volumeClaimTemplates, so the upgrade will be refused"]
    );
    assert_eq!(run.code, 4);
}

#[test]
fn gates_are_go_truthiness_not_booleans() {
    // The string "false" is a non-empty string: truthy in a Go template.
    let (v, _) = effective("zeebe:\n  enabled: \"false\"\n  pvcSize: 64Gi\n", &[]);
    assert_eq!(at(&v, "orchestration.pvcSize"), "64Gi");
    assert_eq!(at(&v, "orchestration.profiles.broker"), "false", "the raw value is copied");
    // 0 is falsy.
    let (v, _) = effective("zeebe:\n  enabled: 0\n  pvcSize: 64Gi\n", &[]);
    assert_eq!(at(&v, "orchestration.pvcSize"), "32Gi");
}

#[test]
fn values_that_match_intent_exit_zero() {
    let (v, run) = effective("zeebe:\n  enabled: true\n  pvcSize: 64Gi\n  logLevel: warn\n", &[]);
    assert_eq!((at(&v, "orchestration.pvcSize"), at(&v, "orchestration.logLevel")), (&json!("64Gi"), &json!("warn")));
    assert!(run.stderr.contains("the layer keeps every key you set as you wrote it"), "{}", run.stderr);
    assert_eq!(run.code, 0);
}

// ---- step 1: the deep merge ----

#[test]
fn empty_list_wipes_and_lists_replace() {
    let (v, run) = effective(
        "zeebe:\n  enabled: true\n  pvcAccessModes: []\n  tolerations: [{key: b, operator: Exists}]\n\
         orchestration:\n  tolerations: [{key: a, operator: Exists}]\n",
        &[],
    );
    assert_eq!(at(&v, "orchestration.pvcAccessModes"), &json!([]), "[] wipes the 13.x default [ReadWriteOnce]");
    assert_eq!(
        at(&v, "orchestration.tolerations"),
        &json!([{"key": "b", "operator": "Exists"}]),
        "replaced, not concatenated"
    );
    assert!(
        notes(&run, "changed: zeebe.pvcAccessModes: [] replaces orchestration.pvcAccessModes").len() == 1,
        "{}",
        run.stderr
    );
    assert!(notes(&run, "dropped: orchestration.tolerations:").len() == 1, "{}", run.stderr);
}

#[test]
fn maps_merge_key_by_key() {
    let (v, _) = effective("zeebe:\n  enabled: true\n  retention: {enabled: true}\n  podLabels: {team: a}\n", &[]);
    assert_eq!(
        at(&v, "orchestration.retention"),
        &json!({"enabled": true, "minimumAge": "30d", "policyName": "zeebe-record-retention-policy"})
    );
    assert_eq!(at(&v, "orchestration.podLabels"), &json!({"team": "a"}));
}

#[test]
fn null_overwrites() {
    let (v, run) = effective("zeebe:\n  enabled: true\n  podDisruptionBudget:\n    minAvailable: null\n", &[]);
    assert!(has(&v, "orchestration.podDisruptionBudget.minAvailable"));
    assert!(at(&v, "orchestration.podDisruptionBudget.minAvailable").is_null());
    assert_eq!(at(&v, "orchestration.podDisruptionBudget.maxUnavailable"), 1);
    assert_eq!(
        notes(&run, "null overwrites orchestration.podDisruptionBudget.minAvailable; the 13.x value 0 is gone").len(),
        1
    );
}

#[test]
fn false_empty_and_zero_overwrite() {
    let (v, _) = effective(
        concat!(
            "zeebe:\n  enabled: true\n  debug: false\n  priorityClassName: \"\"\n",
            "  podDisruptionBudget: {maxUnavailable: 0}\n",
            "orchestration:\n  debug: true\n  priorityClassName: high\n",
        ),
        &[],
    );
    assert_eq!(at(&v, "orchestration.debug"), false);
    assert_eq!(at(&v, "orchestration.priorityClassName"), "");
    assert_eq!(at(&v, "orchestration.podDisruptionBudget.maxUnavailable"), 0);
}

#[test]
fn type_clashes_old_wins() {
    let (v, run) = effective(
        "zeebe:\n  enabled: true\n  retention: none\n  pvcSize: {size: 64Gi}\n  exporters: x\n\
         orchestration:\n  exporters: {camunda: {enabled: true}}\n",
        &[],
    );
    assert_eq!(at(&v, "orchestration.retention"), "none", "an old scalar replaces a new map");
    assert_eq!(at(&v, "orchestration.pvcSize"), &json!({"size": "64Gi"}), "an old map replaces a new scalar");
    assert_eq!(at(&v, "orchestration.exporters"), "x");
    assert_eq!(notes(&run, "on a type clash the old key wins").len(), 2, "{}", run.stderr);
}

#[test]
fn type_clash_with_helm_before_3_16_keeps_the_new_scalar() {
    let values = "zeebe:\n  enabled: true\n  pvcSize: {size: 64Gi}\n  retention: none\n";
    let (v, run) = effective(values, &["--helm-version", "3.15.4"]);
    assert_eq!(at(&v, "orchestration.pvcSize"), "32Gi", "mergo 0.3.13 leaves a non-empty scalar under an old map");
    assert_eq!(at(&v, "orchestration.retention"), "none", "an old scalar still replaces a map");
    assert_eq!(
        notes(
            &run,
            "dropped: zeebe.pvcSize.size: 64Gi is ignored: with Helm 3.15 a mapping does not replace \
             orchestration.pvcSize (a scalar, 32Gi)"
        )
        .len(),
        1,
        "{}",
        run.stderr
    );
    let run = compat_stdin(values, &["--helm-version", "2.16"]);
    assert_eq!(run.code, 2);
}

#[test]
fn image_and_http_port_keep_their_old_meaning() {
    let (v, run) = effective(
        "zeebe:\n  enabled: true\n  image: {repository: camunda/zeebe, tag: 8.7.20}\n  service: {httpPort: 9600}\n",
        &[],
    );
    assert_eq!(
        (at(&v, "orchestration.image.repository"), at(&v, "orchestration.image.tag")),
        (&json!("camunda/zeebe"), &json!("8.7.20"))
    );
    assert_eq!(at(&v, "orchestration.service.httpPort"), 9600);
    let image =
        "breaks: zeebe.image.tag: 8.7.20 becomes orchestration.image.tag: orchestration would run camunda/zeebe:8.7.20";
    assert_eq!(notes(&run, image).len(), 1);
    assert_eq!(notes(&run, "it now equals managementPort 9600").len(), 1);
    assert_eq!(run.code, 4);
}

// ---- step 2: resources ----

#[test]
fn resources_equal_to_12x_defaults_go_back_to_pre_merge_values() {
    let (v, run) = effective(
        concat!(
            "zeebe:\n  enabled: true\n  resources:\n",
            "    requests: {cpu: 800m, memory: 4Gi}\n    limits: {cpu: \"2\", memory: 1920Mi}\n",
            "orchestration:\n  resources: {requests: {cpu: \"3\"}}\n",
        ),
        &[],
    );
    assert_eq!(
        at(&v, "orchestration.resources.requests"),
        &json!({"cpu": "3", "memory": "4Gi"}),
        "pre-merge = the user's orchestration value"
    );
    assert_eq!(at(&v, "orchestration.resources.limits"), &json!({"cpu": "2", "memory": "3000Mi"}));
    assert_eq!(notes(&run, "is the chart 12.x default").len(), 2, "{}", run.stderr);
}

#[test]
fn numeric_resources_crash_the_render_and_quoted_ones_do_not() {
    for (value, error) in [
        ("2", "error calling eq: incompatible types for comparison"),
        ("true", "error calling eq: incompatible types for comparison"),
        ("{a: b}", "error calling eq: incompatible types for comparison"),
    ] {
        let run =
            compat_stdin(&format!("zeebe:\n  enabled: true\n  resources:\n    limits:\n      memory: {value}\n"), &[]);
        assert!(run.stderr.lines().any(|l| l == error), "{value}: {}", run.stderr);
        assert!(run.stderr.contains("caused by zeebe.resources.limits.memory (<stdin>:5:7)"), "{}", run.stderr);
        assert_eq!((run.stdout.as_str(), run.code), ("", 4));
    }
    let (v, run) = effective("zeebe:\n  enabled: true\n  resources:\n    requests:\n      cpu: \"2\"\n", &[]);
    assert_eq!(at(&v, "orchestration.resources.requests.cpu"), "2");
    assert_eq!(run.code, 0);
}

// ---- step 3: javaOpts ----

#[test]
fn java_opts_substring_rewrite_also_hits_new_values() {
    let (v, run) = effective(
        concat!(
            "zeebe:\n  enabled: true\n",
            "orchestration:\n  javaOpts: -Dzeebe.broker.x=1 -DZEEBE_Y=2 -Xlog:/usr/local/zeebe/gc.log\n",
        ),
        &[],
    );
    assert_eq!(at(&v, "orchestration.javaOpts"), "-Dcamunda.broker.x=1 -DZEEBE_Y=2 -Xlog:/usr/local/camunda/gc.log");
    assert_eq!(notes(&run, "changed: orchestration.javaOpts:").len(), 1, "{}", run.stderr);
    // Without the merge, nothing is rewritten.
    let (v, _) = effective("orchestration:\n  javaOpts: -Dzeebe.x=1\n", &[]);
    assert_eq!(at(&v, "orchestration.javaOpts"), "-Dzeebe.x=1");
    // A null javaOpts cannot be passed to `replace`.
    let run = compat_stdin("zeebe:\n  enabled: true\n  javaOpts: null\n", &[]);
    assert!(run.stderr.lines().any(|l| l == "invalid value; expected string"), "{}", run.stderr);
}

// ---- step 4: broker profile ----

#[test]
fn broker_profile_before_and_after_13_2_0() {
    let values = "zeebe:\n  image:\n    tag: 8.7.20\n";
    for (version, broker) in [("13.1.2", json!(null)), ("13.2.0", json!(true)), ("13.12.7", json!(true))] {
        let (v, run) = effective(values, &["--chart-version", version]);
        assert_eq!(at(&v, "orchestration.profiles.broker"), &broker, "{version}");
        let warned = notes(&run, "so no broker runs (fixed in 13.2.0").len();
        assert_eq!(warned, usize::from(broker.is_null()), "{version}: {}", run.stderr);
    }
    for version in ["13.1.2", "13.12.7"] {
        let (v, _) = effective("zeebe:\n  enabled: false\n", &["--chart-version", version]);
        assert_eq!(at(&v, "orchestration.profiles.broker"), false, "{version}");
    }
}

// ---- step 5: zeebeGateway ----

#[test]
fn gateway_ingress_replaces_the_whole_object() {
    let (v, run) = effective(
        concat!(
            "zeebeGateway:\n  enabled: true\n  ingress:\n",
            "    grpc: {enabled: true, host: g.example, tls: {enabled: false}}\n",
            "orchestration:\n  ingress: {grpc: {labels: {mine: x}}}\n",
        ),
        &[],
    );
    assert_eq!(
        at(&v, "orchestration.ingress"),
        &json!({"grpc": {"enabled": true, "host": "g.example", "tls": {"enabled": false}}})
    );
    let lost = notes(&run, "replaces orchestration.ingress as a whole, so these settings are lost");
    assert_eq!(lost.len(), 1, "{}", run.stderr);
    for key in [
        "grpc.labels.mine",
        "grpc.className",
        "grpc.path",
        "grpc.pathType",
        "nginx.ingress.kubernetes.io/backend-protocol",
    ] {
        assert!(lost[0].contains(key), "{key}: {}", lost[0]);
    }
    assert!(lost[0].starts_with("<stdin>:3:3: breaks:") && lost[0].contains("path/pathType null"), "{}", lost[0]);
    assert_eq!(
        notes(&run, "dropped: orchestration.ingress.grpc.labels.mine: x is lost: zeebeGateway.ingress (it replaces")
            .len(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn gateway_mappings_need_enabled_and_skip_empty_values() {
    let (v, _) = effective("zeebeGateway:\n  contextPath: /z\n  service: {grpcPort: 1}\n", &[]);
    assert_eq!(
        (at(&v, "orchestration.contextPath"), at(&v, "orchestration.service.grpcPort")),
        (&json!(""), &json!(26500))
    );
    let (v, run) = effective(
        concat!(
            "zeebe:\n  enabled: true\n  service: {commandPort: 1111}\n",
            "zeebeGateway:\n  enabled: true\n  contextPath: \"\"\n  service:\n",
            "    restPort: 8088\n    grpcPort: 0\n    commandPort: 2222\n    internalPort: 3333\n",
            "    loadBalancerIP: 10.0.0.1\n",
        ),
        &[],
    );
    assert_eq!(at(&v, "orchestration.contextPath"), "", "empty values are not copied");
    let svc = at(&v, "orchestration.service");
    assert_eq!(
        (&svc["httpPort"], &svc["grpcPort"], &svc["commandPort"], &svc["internalPort"], &svc["loadBalancerIP"]),
        (&json!(8088), &json!(26500), &json!(2222), &json!(3333), &json!("10.0.0.1"))
    );
    assert_eq!(
        notes(&run, "zeebe.service.commandPort: 1111 is overridden").len(),
        1,
        "gateway wins over zeebe: {}",
        run.stderr
    );
    assert_eq!(
        notes(&run, "zeebeGateway.service.grpcPort: 0 is ignored (the layer copies only non-empty values)").len(),
        1
    );
}

#[test]
fn gateway_keys_without_counterpart_are_ignored() {
    let values = concat!(
        "zeebeGateway:\n  enabled: true\n  replicas: 3\n",
        "  resources: {requests: {cpu: 1}}\n  service: {httpPort: 9600}\n"
    );
    let (_, run) = effective(values, &[]);
    assert_eq!(notes(&run, "dropped: zeebeGateway.replicas: 3 is ignored").len(), 1);
    assert_eq!(notes(&run, "dropped: zeebeGateway.resources: {\"requests\":{\"cpu\":1}} is ignored").len(), 1);
    assert_eq!(notes(&run, "moves it to orchestration.service.managementPort").len(), 1);
}

// ---- steps 6, 7: operate and tasklist ----

#[test]
fn operate_and_tasklist_only_true_counts() {
    let (v, run) = effective(
        "operate:\n  enabled: true\ntasklist:\n  enabled: false\n\
         orchestration:\n  profiles: {operate: false, tasklist: true}\n",
        &[],
    );
    assert_eq!(at(&v, "orchestration.profiles.operate"), true, "old true wins over new false");
    assert_eq!(at(&v, "orchestration.profiles.tasklist"), true, "old false is ignored");
    assert_eq!(
        notes(
            &run,
            "dropped: orchestration.profiles.operate: false is overridden: it becomes true from operate.enabled"
        )
        .len(),
        1
    );
    assert_eq!(
        notes(&run, "tasklist.enabled: false is ignored (the layer copies only true)").len(),
        1,
        "{}",
        run.stderr
    );
}

// ---- steps 8, 9: auth ----

#[test]
fn auth_merges_need_the_component_enabled() {
    let values =
        "global:\n  identity:\n    auth:\n      orchestration: {clientId: foo}\n      connectors: {clientId: conn}\n";
    let (v, _) = effective(values, &[]);
    assert_eq!(at(&v, "orchestration.security.authentication.oidc.clientId"), "foo");
    assert_eq!(at(&v, "connectors.security.authentication.oidc.clientId"), "conn");
    let (v, run) =
        effective(&format!("{values}orchestration: {{enabled: false}}\nconnectors: {{enabled: false}}\n"), &[]);
    assert_eq!(at(&v, "orchestration.security.authentication.oidc.clientId"), "orchestration");
    assert_eq!(at(&v, "connectors.security.authentication.oidc.clientId"), "connectors");
    assert_eq!(notes(&run, "is ignored because connectors.enabled is false").len(), 1, "{}", run.stderr);
}

#[test]
fn old_auth_keys_and_the_auth_switch_are_not_mapped() {
    let (v, run) = effective(
        "global:\n  identity:\n    auth:\n      enabled: true\n      zeebe: {clientId: zeebe, audience: zeebe-api}\n",
        &[],
    );
    assert_eq!(at(&v, "orchestration.security.authentication.oidc.clientId"), "orchestration");
    assert_eq!(at(&v, "global.security.authentication.method"), "basic");
    assert_eq!(notes(&run, "global.identity.auth.zeebe.clientId: zeebe is ignored: chart 13.x does not read").len(), 1);
    assert_eq!(notes(&run, "global.identity.auth.enabled: true no longer selects OIDC").len(), 1);
}

// ---- Block B: refusals ----

#[test]
fn refusal_texts_order_and_docs_url_per_release() {
    let values = "tasklist:\n  enabled: true\n  env: [{name: T, value: x}]\n\
                  zeebe:\n  enabled: true\n  sidecars: [{name: s}]\n  configuration: x\n\
                  operate:\n  enabled: true\n  extraVolumeMounts: [{name: v}]\n";
    let run = compat_stdin(values, &["--all-errors"]);
    let refused: Vec<String> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("[orchestration][compatibility][error]"))
        .map(String::from)
        .collect();
    let refusal = |old: &str, new: &str| {
        format!(
            "[orchestration][compatibility][error] Please migrate the value of \"{old}\" to the new syntax under \
             \"{new}\" For more details, please check Camunda Helm chart documentation. {URL_NEW}"
        )
    };
    assert_eq!(refused, [
        refusal("zeebe.configuration", "orchestration.configuration"),
        refusal("zeebe.sidecars", "orchestration.sidecars"),
        refusal("operate.extraVolumeMounts", "orchestration.extraVolumeMounts"),
        refusal("tasklist.env", "orchestration.env"),
    ]);
    let first = compat_stdin(values, &[]);
    assert_eq!(first.stderr.matches("[orchestration][compatibility][error]").count(), 1);
    assert!(first.stderr.contains("3 more follow (see them with --all-errors)"), "{}", first.stderr);
    for (version, url) in [("13.4.0", URL_OLD), ("13.4.1", URL_NEW), ("13.0.0", URL_OLD)] {
        let run = compat_stdin(values, &["--chart-version", version]);
        assert!(
            run.stderr.lines().any(|l| l.starts_with("[orchestration]") && l.ends_with(url)),
            "{version}: {}",
            run.stderr
        );
    }
}

#[test]
fn empty_free_form_values_pass_and_extra_init_containers_is_merged() {
    let (v, run) = effective(
        concat!(
            "zeebe:\n  enabled: true\n  env: []\n  configuration: \"\"\n  extraConfiguration: {}\n",
            "  extraInitContainers: [{name: init}]\n",
        ),
        &[],
    );
    assert!(!run.stderr.contains("would fail to render"), "{}", run.stderr);
    assert_eq!(at(&v, "orchestration.extraInitContainers"), &json!([{"name": "init"}]));
}

#[test]
fn refusals_need_the_component_enabled() {
    let (_, run) = effective("operate:\n  enabled: false\n  configuration: x\n", &[]);
    assert!(!run.stderr.contains("would fail to render"), "{}", run.stderr);
    let note = "operate.configuration: x is ignored because operate.enabled is false; orchestration.configuration \
                stays \"\" (were it on, the chart would refuse this key)";
    assert_eq!(notes(&run, note).len(), 1, "{}", run.stderr);
}
