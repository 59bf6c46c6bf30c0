//! The migrated openmetadata-dependencies values obey the rules of the Apache
//! Airflow chart 1.18.0 values schema that reject old or doc-style values
//! (closed objects, env items, string-only keys, the executor pattern, ...),
//! and carry what must not be lost (the fernet key, the FAB pin, the dags
//! access mode). The rules are written here from the schema's meaning, not
//! copied from it. Checked over every installable `om-deps-*` golden output.

use std::path::Path;

use helm_camunda_upgrade::values::Source;
use serde_json::Value;

/// Objects the 1.18.0 schema closes, with the keys it allows (the ones a migration may write).
const CLOSED: &[(&str, &[&str])] = &[
    ("dags", &["gitSync", "mountPath", "persistence"]),
    (
        "dags.persistence",
        &["accessMode", "annotations", "enabled", "existingClaim", "size", "storageClassName", "subPath"],
    ),
    ("logs", &["emptyDirConfig", "persistence"]),
    ("logs.persistence", &["annotations", "enabled", "existingClaim", "size", "storageClassName"]),
    (
        "data",
        &[
            "brokerUrl",
            "brokerUrlSecretAnnotations",
            "brokerUrlSecretName",
            "metadataConnection",
            "metadataSecretName",
            "resultBackendConnection",
            "resultBackendConnectionSecretAnnotations",
            "resultBackendSecretName",
        ],
    ),
    ("data.metadataConnection", &["db", "host", "pass", "port", "protocol", "secretAnnotations", "sslmode", "user"]),
    ("images.airflow", &["digest", "pullPolicy", "repository", "tag"]),
    ("registry", &["connection", "secretName"]),
    ("webserver.defaultUser", &["email", "enabled", "firstName", "lastName", "password", "role", "username"]),
    (
        "scheduler",
        &[
            "affinity",
            "annotations",
            "args",
            "command",
            "containerLifecycleHooks",
            "enabled",
            "env",
            "extraContainers",
            "extraInitContainers",
            "extraVolumeMounts",
            "extraVolumes",
            "hostAliases",
            "labels",
            "livenessProbe",
            "logGroomerSidecar",
            "nodeSelector",
            "podAnnotations",
            "podDisruptionBudget",
            "priorityClassName",
            "replicas",
            "resources",
            "revisionHistoryLimit",
            "safeToEvict",
            "securityContext",
            "securityContexts",
            "serviceAccount",
            "startupProbe",
            "strategy",
            "terminationGracePeriodSeconds",
            "tolerations",
            "topologySpreadConstraints",
            "updateStrategy",
            "waitForMigrations",
        ],
    ),
    (
        "apiServer",
        &[
            "affinity",
            "allowPodLogReading",
            "annotations",
            "apiServerConfig",
            "apiServerConfigConfigMapName",
            "args",
            "command",
            "configMapAnnotations",
            "containerLifecycleHooks",
            "defaultUser",
            "env",
            "extraContainers",
            "extraInitContainers",
            "extraVolumeMounts",
            "extraVolumes",
            "hostAliases",
            "labels",
            "livenessProbe",
            "networkPolicy",
            "nodeSelector",
            "podAnnotations",
            "podDisruptionBudget",
            "priorityClassName",
            "readinessProbe",
            "replicas",
            "resources",
            "revisionHistoryLimit",
            "securityContexts",
            "service",
            "serviceAccount",
            "startupProbe",
            "strategy",
            "tolerations",
            "topologySpreadConstraints",
            "waitForMigrations",
        ],
    ),
    ("apiServer.service", &["annotations", "loadBalancerIP", "loadBalancerSourceRanges", "ports", "type"]),
    (
        "apiServer.readinessProbe",
        &["failureThreshold", "initialDelaySeconds", "periodSeconds", "scheme", "timeoutSeconds"],
    ),
    (
        "apiServer.livenessProbe",
        &["failureThreshold", "initialDelaySeconds", "periodSeconds", "scheme", "timeoutSeconds"],
    ),
    ("apiServer.podDisruptionBudget", &["config", "enabled"]),
    ("apiServer.podDisruptionBudget.config", &["maxUnavailable", "minAvailable"]),
    ("scheduler.podDisruptionBudget", &["config", "enabled"]),
    ("scheduler.podDisruptionBudget.config", &["maxUnavailable", "minAvailable"]),
    (
        "scheduler.livenessProbe",
        &["command", "failureThreshold", "initialDelaySeconds", "periodSeconds", "timeoutSeconds"],
    ),
    (
        "scheduler.logGroomerSidecar",
        &[
            "args",
            "command",
            "containerLifecycleHooks",
            "enabled",
            "env",
            "frequencyMinutes",
            "resources",
            "retentionDays",
            "securityContexts",
        ],
    ),
    (
        "workers",
        &[
            "affinity",
            "annotations",
            "args",
            "command",
            "containerLifecycleHooks",
            "env",
            "extraContainers",
            "extraInitContainers",
            "extraPorts",
            "extraVolumeMounts",
            "extraVolumes",
            "hostAliases",
            "hpa",
            "keda",
            "kerberosInitContainer",
            "kerberosSidecar",
            "labels",
            "livenessProbe",
            "logGroomerSidecar",
            "nodeSelector",
            "persistence",
            "podAnnotations",
            "podManagementPolicy",
            "priorityClassName",
            "replicas",
            "resources",
            "revisionHistoryLimit",
            "runtimeClassName",
            "safeToEvict",
            "securityContext",
            "securityContexts",
            "serviceAccount",
            "strategy",
            "terminationGracePeriodSeconds",
            "tolerations",
            "topologySpreadConstraints",
            "updateStrategy",
            "volumeClaimTemplates",
            "waitForMigrations",
        ],
    ),
    (
        "triggerer",
        &[
            "affinity",
            "annotations",
            "args",
            "command",
            "containerLifecycleHooks",
            "enabled",
            "env",
            "extraContainers",
            "extraInitContainers",
            "extraVolumeMounts",
            "extraVolumes",
            "hostAliases",
            "keda",
            "labels",
            "livenessProbe",
            "logGroomerSidecar",
            "nodeSelector",
            "persistence",
            "podAnnotations",
            "priorityClassName",
            "replicas",
            "resources",
            "revisionHistoryLimit",
            "safeToEvict",
            "securityContext",
            "securityContexts",
            "serviceAccount",
            "strategy",
            "terminationGracePeriodSeconds",
            "tolerations",
            "topologySpreadConstraints",
            "updateStrategy",
            "waitForMigrations",
        ],
    ),
    (
        "migrateDatabaseJob",
        &[
            "affinity",
            "annotations",
            "applyCustomEnv",
            "args",
            "command",
            "containerLifecycleHooks",
            "enabled",
            "env",
            "extraContainers",
            "extraInitContainers",
            "extraVolumeMounts",
            "extraVolumes",
            "jobAnnotations",
            "labels",
            "nodeSelector",
            "priorityClassName",
            "resources",
            "securityContext",
            "securityContexts",
            "serviceAccount",
            "tolerations",
            "topologySpreadConstraints",
            "ttlSecondsAfterFinished",
            "useHelmHooks",
        ],
    ),
];

/// Keys of the community chart the Apache chart ignores silently: they must not survive.
const IGNORED_OLD: [&str; 8] = [
    "airflow",
    "web",
    "externalDatabase",
    "externalRedis",
    "serviceAccount",
    "extraManifests",
    "serviceMonitor",
    "prometheusRule",
];

/// The executors the schema's pattern accepts (also as comma lists).
const EXECUTORS: [&str; 8] = [
    "LocalExecutor",
    "LocalKubernetesExecutor",
    "CeleryExecutor",
    "KubernetesExecutor",
    "CeleryKubernetesExecutor",
    "airflow.providers.edge3.executors.EdgeExecutor",
    "airflow.providers.amazon.aws.executors.batch.AwsBatchExecutor",
    "airflow.providers.amazon.aws.executors.ecs.AwsEcsExecutor",
];

fn at<'v>(v: &'v Value, dotted: &str) -> Option<&'v Value> {
    dotted.split('.').try_fold(v, |cur, k| cur.as_object()?.get(k))
}

/// Helm drops user nulls before it validates (they delete chart defaults).
fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), strip_nulls(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

/// The schema rules a deps `airflow:` subtree breaks.
fn violations(airflow: &Value) -> Vec<String> {
    let v = &strip_nulls(airflow);
    let mut out = Vec::new();
    for (path, allowed) in CLOSED {
        if let Some(Value::Object(m)) = at(v, path) {
            for k in m.keys().filter(|k| !allowed.contains(&k.as_str())) {
                out.push(format!("{path}: additional property {k} is not allowed"));
            }
        }
    }
    if let Some(env) = at(v, "env") {
        match env.as_array() {
            None => out.push("env must be a list".into()),
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    let ok = item.as_object().is_some_and(|m| {
                        m.len() == 2
                            && m.get("name").is_some_and(Value::is_string)
                            && m.get("value").is_some_and(Value::is_string)
                    });
                    if !ok {
                        out.push(format!("env[{i}] must be exactly {{name, value}}, both strings: {item}"));
                    }
                }
            }
        }
    }
    if let Some(secret) = at(v, "secret") {
        for (i, item) in secret.as_array().into_iter().flatten().enumerate() {
            let ok = item.as_object().is_some_and(|m| {
                m.contains_key("envName")
                    && m.contains_key("secretName")
                    && m.keys().all(|k| ["envName", "secretName", "secretKey"].contains(&k.as_str()))
            });
            if !ok {
                out.push(format!("secret[{i}] must be {{envName, secretName, secretKey}}: {item}"));
            }
        }
    }
    for key in [
        "extraEnv",
        "extraEnvFrom",
        "podTemplate",
        "airflowLocalSettings",
        "fernetKey",
        "webserverSecretKey",
        "apiSecretKey",
        "jwtSecret",
    ] {
        if let Some(x) = at(v, key) {
            if !x.is_string() {
                out.push(format!("{key} must be a string or null, is {x}"));
            }
        }
    }
    if let Some(e) = at(v, "executor") {
        let ok = e.as_str().is_some_and(|s| s.split(',').all(|p| EXECUTORS.contains(&p)));
        if !ok {
            out.push(format!("executor {e} does not match the schema's pattern"));
        }
    }
    for key in [
        "uid",
        "gid",
        "data.metadataConnection.port",
        "scheduler.logGroomerSidecar.retentionDays",
        "scheduler.logGroomerSidecar.frequencyMinutes",
    ] {
        if let Some(x) = at(v, key) {
            if !x.is_i64() && !x.is_u64() {
                out.push(format!("{key} must be an integer, is {x}"));
            }
        }
    }
    if let Some(m) = at(v, "dags.persistence.accessMode") {
        if !["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"].contains(&m.as_str().unwrap_or("")) {
            out.push(format!("dags.persistence.accessMode {m} is not an access mode"));
        }
    }
    for (i, port) in at(v, "apiServer.service.ports").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let ok = port.as_object().is_some_and(|m| {
            m.keys().all(|k| ["name", "port", "targetPort", "nodePort", "protocol"].contains(&k.as_str()))
        });
        if !ok {
            out.push(format!("apiServer.service.ports[{i}] has keys the schema does not allow: {port}"));
        }
    }
    for key in IGNORED_OLD {
        if v.get(key).is_some() {
            out.push(format!("the community-chart key {key} is still there (1.18.0 ignores it silently)"));
        }
    }
    out
}

/// What a migration must carry (not schema rules: losses the chart would not report).
fn losses(airflow: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if at(airflow, "fernetKey").is_none() && at(airflow, "fernetKeySecretName").is_none() {
        out.push("no fernet key carried: 1.18.0 would draw a new one and airflow_db could not be decrypted".into());
    }
    if let Some(env) = at(airflow, "env").and_then(Value::as_array) {
        let pin = env.iter().any(|e| {
            e.get("name").and_then(Value::as_str) == Some("_PIP_ADDITIONAL_REQUIREMENTS")
                && e.get("value").and_then(Value::as_str).is_some_and(|s| s.contains("apache-airflow-providers-fab"))
        });
        if !pin {
            out.push("a written env list lost deps 1.11.3's FAB pin".into());
        }
    }
    let pvc = at(airflow, "dags.persistence.enabled") != Some(&Value::Bool(false))
        && at(airflow, "dags.persistence.existingClaim").is_none();
    if pvc && at(airflow, "dags.persistence.accessMode").is_none() {
        out.push(
            "dags.persistence.accessMode not kept: 1.18.0 would ask ReadWriteOnce for the existing RWX claim".into(),
        );
    }
    out
}

fn airflow_of(name: &str, text: &str) -> Value {
    let v = Source::from_text(name, None, text.to_string()).unwrap().value;
    v.get("airflow").cloned().unwrap_or(Value::Null)
}

#[test]
fn installable_deps_outputs_obey_the_1_18_schema_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/migrate/cases");
    let mut checked = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        if !name.starts_with("om-deps-") {
            continue;
        }
        let exit = std::fs::read_to_string(dir.join("exit")).unwrap();
        if !["0", "3"].contains(&exit.trim()) {
            continue;
        }
        let mut outputs = vec![(format!("{name}/stdout"), std::fs::read_to_string(dir.join("stdout")).unwrap())];
        if dir.join("expected").is_dir() {
            outputs.clear();
            // Per-file outputs: checked as Helm merges them.
            let mut files: Vec<_> =
                std::fs::read_dir(dir.join("expected")).unwrap().map(|e| e.unwrap().path()).collect();
            files.sort();
            let docs: Vec<Value> =
                files.iter().map(|f| airflow_of("x", &std::fs::read_to_string(f).unwrap())).collect();
            let mut all = Value::Object(Default::default());
            for d in docs {
                helm_camunda_upgrade::yaml::value::merge_user_values(&mut all, &serde_json::json!({"airflow": d}));
            }
            outputs.push((format!("{name}/expected/*"), serde_yaml::to_string(&all).unwrap()));
        }
        // Inputs in the community chart's shape must lose nothing (values already migrated carry nothing).
        let old_input = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).any(|p| {
            p.extension().is_some_and(|e| e == "yaml") && {
                let a = airflow_of("in", &std::fs::read_to_string(&p).unwrap());
                ["airflow", "web", "externalDatabase"].iter().any(|k| a.get(k).is_some())
            }
        });
        for (label, text) in outputs {
            let airflow = airflow_of(&label, &text);
            let mut problems = violations(&airflow);
            if old_input {
                problems.extend(losses(&airflow));
            }
            assert!(problems.is_empty(), "{label}:\n  {}", problems.join("\n  "));
            checked += 1;
        }
    }
    assert!(checked >= 4, "expected the om-deps golden outputs, checked {checked}");
}

/// The checks can fail: the old deps block and doc-style values break exactly the rules the spec lists.
#[test]
fn the_rules_reject_old_and_doc_style_values() {
    let old = airflow_of(
        "old.yaml",
        "airflow:\n  workers: {enabled: false}\n  scheduler: {logCleanup: {enabled: false}}\n  dags: {persistence: \
         {storageClass: ''}}\n  logs: {persistence: {storageClass: '', accessMode: ReadWriteMany, cleanup: {enabled: \
         false}}}\n  web: {replicas: 1}\n",
    );
    let got = violations(&old).join("\n");
    for want in [
        "workers: additional property enabled",
        "scheduler: additional property logCleanup",
        "dags.persistence: additional property storageClass",
        "logs.persistence: additional property storageClass",
        "logs.persistence: additional property accessMode",
        "logs.persistence: additional property cleanup",
        "community-chart key web",
    ] {
        assert!(got.contains(want), "missing {want:?} in:\n{got}");
    }
    let docs = airflow_of(
        "docs.yaml",
        "airflow:\n  data: {metadataConnection: {password: x}}\n  extraEnv: [{name: A, value: b}]\n  env: [{name: N, \
         valueFrom: {secretKeyRef: {name: s, key: k}}}]\n  executor: SequentialExecutor\n",
    );
    let got = violations(&docs).join("\n");
    for want in [
        "metadataConnection: additional property password",
        "extraEnv must be a string",
        "env[0] must be exactly",
        "executor \"SequentialExecutor\"",
    ] {
        assert!(got.contains(want), "missing {want:?} in:\n{got}");
    }
    assert_eq!(losses(&airflow_of("x", "airflow:\n  env: [{name: A, value: b}]\n")).len(), 3);
}
