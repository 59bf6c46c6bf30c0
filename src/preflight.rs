//! Immutable-field preflight: compare the release's current manifest with the one about to be
//! applied and name every change the Kubernetes API server will refuse ("field is immutable",
//! "updates to statefulset spec for fields other than ... are forbidden"), before anything is
//! applied.
//!
//! Helm 3 patches each object with a three-way merge of the *previous manifest*, the new
//! manifest and the live object, so a field changes exactly when it differs between the two
//! manifests; comparing manifests therefore predicts the patch. Absent, `null`, `{}` and `[]`
//! are the same to the API server (it compares semantically), and so are absent fields and
//! their server defaults (`podManagementPolicy: OrderedReady`, `volumeMode: Filesystem`).

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

use crate::error::{InputError, Location};

/// One change the API server would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// Path in the object, e.g. `spec.volumeClaimTemplates[data].spec.resources.requests.storage`.
    pub field: String,
    /// Old and new value as compact JSON; `<none>` when absent.
    pub old: String,
    pub new: String,
    /// What the API server says, in short.
    pub reason: &'static str,
    /// What to do about it.
    pub way_out: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{} (namespace {}): {} would change from {} to {}, but {}.\n  Way out: {}",
            self.kind, self.name, self.namespace, self.field, self.old, self.new, self.reason, self.way_out
        )
    }
}

/// Which part of a kind's spec the API server will not change.
enum Immutable {
    /// Every `spec` field except these.
    SpecExcept(&'static [&'static str]),
    /// Just these `spec` fields.
    Fields(&'static [&'static str]),
}

struct Rule {
    kind: &'static str,
    immutable: Immutable,
    reason: &'static str,
    way_out: &'static str,
}

/// The rules, per kind. `{name}` and `{ns}` are filled in. Kubernetes 1.27+ wording; older
/// servers allow less on a StatefulSet (1.20: only replicas, template, updateStrategy).
const RULES: &[Rule] = &[
    Rule {
        kind: "StatefulSet",
        immutable: Immutable::SpecExcept(&[
            "replicas",
            "template",
            "updateStrategy",
            "persistentVolumeClaimRetentionPolicy",
            "minReadySeconds",
            "ordinals",
            "revisionHistoryLimit",
        ]),
        reason: "Kubernetes forbids updates to a StatefulSet's spec beyond replicas, template, updateStrategy, \
                 persistentVolumeClaimRetentionPolicy, minReadySeconds, ordinals and revisionHistoryLimit",
        way_out: "keep the old value (the 13.x chart keeps the 8.7 names and selectors; set the values key that \
                  changed it back). If the change is wanted, delete only the StatefulSet object and keep its \
                  pods and volumes: `kubectl delete statefulset {name} -n {ns} --cascade=orphan`, then rerun \
                  the upgrade (volumeClaimTemplates changes do not resize existing PVCs; edit those separately)",
    },
    Rule {
        kind: "Deployment",
        immutable: Immutable::Fields(&["selector"]),
        reason: "a Deployment's spec.selector is immutable",
        way_out: "keep the old selector labels, or delete the Deployment first (`kubectl delete deployment {name} \
                  -n {ns}`; its pods restart) and rerun the upgrade",
    },
    Rule {
        kind: "DaemonSet",
        immutable: Immutable::Fields(&["selector"]),
        reason: "a DaemonSet's spec.selector is immutable",
        way_out: "keep the old selector labels, or delete the DaemonSet first (`kubectl delete daemonset {name} \
                  -n {ns}`) and rerun the upgrade",
    },
    Rule {
        kind: "Job",
        immutable: Immutable::Fields(&["selector", "template", "completions"]),
        reason: "a Job's spec.template, spec.selector and spec.completions are immutable",
        way_out: "delete the finished Job first (`kubectl delete job {name} -n {ns}`), then rerun the upgrade; \
                  it creates the Job anew",
    },
    Rule {
        kind: "PersistentVolumeClaim",
        immutable: Immutable::SpecExcept(&["resources", "volumeAttributesClassName"]),
        reason: "a PersistentVolumeClaim's spec is immutable after creation except resources.requests and \
                 volumeAttributesClassName",
        way_out: "keep the old value for this claim. Changing it means a new volume: back up the data, delete \
                  the claim (`kubectl delete pvc {name} -n {ns}`) and rerun the upgrade",
    },
    Rule {
        kind: "Service",
        immutable: Immutable::Fields(&["clusterIP"]),
        reason: "a Service's spec.clusterIP may not change once set (when the old manifest named none, the \
                 server allocated one at creation; headless `None` cannot become an address or back)",
        way_out: "keep the old clusterIP, or delete the Service first (`kubectl delete service {name} -n {ns}`; \
                  clients lose it until the upgrade recreates it) and rerun the upgrade",
    },
];

/// The kinds the rules cover.
pub const KINDS: &[&str] = &["StatefulSet", "Deployment", "DaemonSet", "Job", "PersistentVolumeClaim", "Service"];

/// The OpenMetadata dependencies chart (Airflow) cannot be fixed in place: its docs prescribe
/// uninstall and reinstall (and a pre-install-only Secret would be missing otherwise).
const OPENMETADATA_WAY_OUT: &str = "this object belongs to the OpenMetadata dependencies (Airflow) chart, whose \
    upgrade docs prescribe `helm uninstall` of that release, a fresh `helm install`, then redeploying the \
    ingestion pipelines (the DAG volumes are deleted with it)";

/// Server defaults: an absent field and its default are the same object. (kind, spec path, default)
const DEFAULTS: &[(&str, &str, &str)] =
    &[("StatefulSet", "podManagementPolicy", "OrderedReady"), ("PersistentVolumeClaim", "volumeMode", "Filesystem")];

/// Parse a multi-document manifest (`helm get manifest`, `helm template`) into its objects;
/// empty documents and non-objects are skipped.
pub fn parse_manifest(name: &str, text: &str) -> Result<Vec<Value>, InputError> {
    let mut out = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(text) {
        let v = <Value as serde::Deserialize>::deserialize(doc).map_err(|e| {
            let (line, col) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
            InputError {
                location: Location { file: name.to_string(), line, col },
                key: None,
                message: format!("not a YAML manifest: {e}"),
            }
        })?;
        if v.get("kind").and_then(Value::as_str).is_some() {
            out.push(v);
        }
    }
    Ok(out)
}

/// (kind, namespace, name): how Helm matches an old object with a new one. The API group is
/// left out on purpose: `extensions/v1beta1` and `apps/v1` Deployments are the same object.
pub type Key = (String, String, String);

/// An object's (kind, namespace, name), with `default_ns` for objects that name none.
pub fn object_key(obj: &Value, default_ns: &str) -> Option<Key> {
    let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let kind = s(obj.get("kind"))?;
    let meta = obj.get("metadata");
    let name = s(meta.and_then(|m| m.get("name")))?;
    let ns = s(meta.and_then(|m| m.get("namespace"))).filter(|n| !n.is_empty()).unwrap_or(default_ns.to_string());
    Some((kind, ns, name))
}

/// Compare the previous manifest's objects with the rendered ones (objects in `default_ns`
/// unless they name a namespace) and return every change the API server would refuse.
pub fn immutable_changes(previous: &[Value], rendered: &[Value], default_ns: &str) -> Vec<Finding> {
    let old: BTreeMap<Key, &Value> = previous.iter().filter_map(|o| Some((object_key(o, default_ns)?, o))).collect();
    let mut findings = Vec::new();
    for new in rendered {
        let Some(k) = object_key(new, default_ns) else { continue };
        let (Some(old), Some(rule)) = (old.get(&k), RULES.iter().find(|r| r.kind == k.0)) else { continue };
        let (old_spec, new_spec) = (spec(old, &k.0), spec(new, &k.0));
        let mut fields: Vec<String> = match rule.immutable {
            Immutable::SpecExcept(allowed) => {
                old_spec.keys().chain(new_spec.keys()).filter(|f| !allowed.contains(&f.as_str())).cloned().collect()
            }
            Immutable::Fields(fields) => fields.iter().map(|f| f.to_string()).collect(),
        };
        fields.sort();
        fields.dedup();
        let mut diffs = Vec::new();
        for f in fields {
            let (a, b) = (old_spec.get(&f).unwrap_or(&Value::Null), new_spec.get(&f).unwrap_or(&Value::Null));
            if changes(&k.0, &f, a, b) {
                leaf_diffs(&format!("spec.{f}"), a, b, &mut diffs);
            }
        }
        diffs.sort_by(|x, y| x.0.cmp(&y.0));
        for (field, a, b) in diffs {
            findings.push(finding(rule, &k, new, field, &a, &b));
        }
        if k.0 == "PersistentVolumeClaim" {
            findings.extend(pvc_shrink(rule, &k, old, new));
        }
    }
    findings
}

/// `spec` with empty values dropped and absent defaults filled in, so equal objects compare equal.
fn spec(obj: &Value, kind: &str) -> Map<String, Value> {
    let mut m = match obj.get("spec").map(normalise) {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    for (k, field, default) in DEFAULTS {
        if *k == kind && !m.contains_key(*field) {
            m.insert(field.to_string(), Value::String(default.to_string()));
        }
    }
    if kind == "StatefulSet" {
        // Each volumeClaimTemplate is a PVC: the same defaults apply inside.
        if let Some(Value::Array(ts)) = m.get_mut("volumeClaimTemplates") {
            for t in ts {
                if let Some(Value::Object(s)) = t.get_mut("spec") {
                    s.entry("volumeMode").or_insert_with(|| Value::String("Filesystem".into()));
                }
                if let Value::Object(t) = t {
                    t.entry("apiVersion").or_insert_with(|| "v1".into());
                    t.entry("kind").or_insert_with(|| "PersistentVolumeClaim".into());
                    t.remove("status");
                }
            }
        }
    }
    m
}

/// Drop nulls, empty maps and empty lists, recursively (the API server's semantic equality).
fn normalise(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), normalise(v))).filter(|(_, v)| !is_empty(v)).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(normalise).collect()),
        other => other.clone(),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Whether a difference in an immutable field is one the server sees as a change. For a
/// field the server fills in itself, only a value the new manifest names counts: an omitted
/// Service clusterIP keeps the allocated address (current Kubernetes; 1.20 still refused
/// removing it), while naming one that differs from the old manifest's (or from the address
/// the server allocated when the old one named none) is refused ("may not change once set").
/// An unset PVC volumeName may be set once (by the binder, or by the user).
fn changes(kind: &str, field: &str, old: &Value, new: &Value) -> bool {
    let s = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    match (kind, field) {
        ("Service", "clusterIP") => s(new).is_some_and(|n| s(old) != Some(n)),
        ("PersistentVolumeClaim", "volumeName") => s(old).is_some() && old != new,
        _ => old != new,
    }
}

/// Where two values differ, as (path, old, new), down to the first differing leaves. List
/// items are named by their `name` (or `metadata.name`) when both sides have the same one.
fn leaf_diffs(path: &str, a: &Value, b: &Value, out: &mut Vec<(String, Value, Value)>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            let none = Value::Null;
            for k in keys {
                leaf_diffs(&format!("{path}.{k}"), x.get(k).unwrap_or(&none), y.get(k).unwrap_or(&none), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                let name = |v: &Value| {
                    v.get("name").or_else(|| v.pointer("/metadata/name")).and_then(Value::as_str).map(str::to_string)
                };
                let label = match (name(p), name(q)) {
                    (Some(m), Some(n)) if m == n => m,
                    _ => i.to_string(),
                };
                leaf_diffs(&format!("{path}[{label}]"), p, q, out);
            }
        }
        _ => out.push((path.to_string(), a.clone(), b.clone())),
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "<none>".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn finding(rule: &Rule, k: &Key, obj: &Value, field: String, old: &Value, new: &Value) -> Finding {
    let way_out = if is_openmetadata_dependency(obj) { OPENMETADATA_WAY_OUT } else { rule.way_out };
    Finding {
        kind: k.0.clone(),
        namespace: k.1.clone(),
        name: k.2.clone(),
        field,
        old: show(old),
        new: show(new),
        reason: rule.reason,
        way_out: way_out.replace("{name}", &k.2).replace("{ns}", &k.1),
    }
}

/// A requested storage size may grow (on bound claims) but never shrink.
fn pvc_shrink(rule: &Rule, k: &Key, old: &Value, new: &Value) -> Option<Finding> {
    let size = |o: &Value| o.pointer("/spec/resources/requests/storage").and_then(quantity_bytes);
    let (a, b) = (size(old)?, size(new)?);
    (b < a).then(|| Finding {
        reason: "a PersistentVolumeClaim's requested storage can not be less than before",
        ..finding(
            rule,
            k,
            new,
            "spec.resources.requests.storage".into(),
            &old.pointer("/spec/resources/requests/storage").cloned().unwrap_or(Value::Null),
            &new.pointer("/spec/resources/requests/storage").cloned().unwrap_or(Value::Null),
        )
    })
}

/// A Kubernetes quantity (`10Gi`, `500M`, `1e3`, 1024) in bytes, for comparing sizes.
fn quantity_bytes(v: &Value) -> Option<f64> {
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("Pi", 1125899906842624.0),
        ("Ei", 1152921504606846976.0),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
        ("m", 1e-3),
    ];
    let s = match v {
        Value::Number(n) => return n.as_f64(),
        Value::String(s) => s.trim(),
        _ => return None,
    };
    for (suffix, mult) in SUFFIXES {
        if let Some(num) = s.strip_suffix(suffix) {
            return num.parse::<f64>().ok().map(|n| n * mult);
        }
    }
    s.parse::<f64>().ok()
}

/// Airflow from the OpenMetadata dependencies chart: its labels name the chart or the tier.
fn is_openmetadata_dependency(obj: &Value) -> bool {
    let Some(labels) = obj.pointer("/metadata/labels").and_then(Value::as_object) else { return false };
    let label = |k: &str| labels.get(k).and_then(Value::as_str).unwrap_or("");
    ["helm.sh/chart", "chart"].iter().any(|k| label(k).starts_with("openmetadata-dependencies"))
        || label("tier") == "airflow"
        || label("app") == "airflow"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objs(yaml: &str) -> Vec<Value> {
        parse_manifest("test.yaml", yaml).unwrap()
    }

    fn check(old: &str, new: &str) -> Vec<Finding> {
        immutable_changes(&objs(old), &objs(new), "camunda")
    }

    fn fields(f: &[Finding]) -> Vec<String> {
        f.iter().map(|f| format!("{}/{} {}: {} -> {}", f.kind, f.name, f.field, f.old, f.new)).collect()
    }

    const STS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: camunda-zeebe}
spec:
  replicas: 3
  serviceName: camunda-zeebe
  selector:
    matchLabels: {app.kubernetes.io/component: zeebe-broker}
  template:
    metadata:
      labels: {app.kubernetes.io/component: zeebe-broker}
    spec:
      containers: [{name: zeebe, image: camunda/zeebe:8.7.0}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 32Gi}}
";

    #[test]
    fn statefulset_changes_the_server_allows_pass() {
        let new =
            STS.replace("replicas: 3", "replicas: 5").replace("camunda/zeebe:8.7.0", "camunda/camunda:8.8.0").replace(
                "spec:\n  replicas",
                "spec:\n  updateStrategy: {type: RollingUpdate}\n  minReadySeconds: 5\n  replicas",
            );
        assert_eq!(fields(&check(STS, &new)), Vec::<String>::new());
    }

    #[test]
    fn statefulset_immutable_fields_are_named_down_to_the_leaf() {
        let new = STS
            .replace("storage: 32Gi", "storage: 64Gi")
            .replace("serviceName: camunda-zeebe", "serviceName: camunda-orchestration")
            .replace("matchLabels: {app.kubernetes.io/component: zeebe-broker}", "matchLabels: {app: orch}")
            .replace("spec:\n  replicas", "spec:\n  podManagementPolicy: Parallel\n  replicas");
        let f = check(STS, &new);
        let sts = "StatefulSet/camunda-zeebe spec";
        assert_eq!(
            fields(&f).iter().map(|l| l.replace(sts, "")).collect::<Vec<_>>(),
            [
                ".podManagementPolicy: OrderedReady -> Parallel",
                ".selector.matchLabels.app: <none> -> orch",
                ".selector.matchLabels.app.kubernetes.io/component: zeebe-broker -> <none>",
                ".serviceName: camunda-zeebe -> camunda-orchestration",
                ".volumeClaimTemplates[data].spec.resources.requests.storage: 32Gi -> 64Gi",
            ]
        );
        assert!(f[0].way_out.contains("kubectl delete statefulset camunda-zeebe -n camunda --cascade=orphan"));
        assert_eq!(f[0].namespace, "camunda");
    }

    #[test]
    fn server_defaults_and_empty_values_are_no_change() {
        let new = STS
            .replace("spec:\n  replicas", "spec:\n  podManagementPolicy: OrderedReady\n  replicas")
            .replace("accessModes: [ReadWriteOnce]", "accessModes: [ReadWriteOnce]\n        volumeMode: Filesystem")
            .replace(
                "    - metadata: {name: data}",
                "    - apiVersion: v1\n      kind: PersistentVolumeClaim\n      metadata: {name: data}",
            )
            .replace("resources: {requests: {storage: 32Gi}}", "resources: {requests: {storage: 32Gi}, limits: {}}");
        assert_eq!(fields(&check(STS, &new)), Vec::<String>::new());
    }

    #[test]
    fn deployment_and_daemonset_selectors_are_immutable_templates_are_not() {
        let old = "kind: Deployment
metadata: {name: gw}
spec:
  selector: {matchLabels: {app: gw, component: zeebe-gateway}}
  template: {metadata: {labels: {app: gw, component: zeebe-gateway}}}
---
kind: DaemonSet
metadata: {name: ds, namespace: other}
spec:
  selector: {matchLabels: {app: ds}}
";
        let new = old.replace("component: zeebe-gateway}}}", "component: zeebe-gateway, v: '2'}}}");
        assert_eq!(fields(&check(old, &new)), Vec::<String>::new());
        let new = old
            .replace("{app: gw, component: zeebe-gateway}}\n", "{app: gw, component: gateway}}\n")
            .replace("{app: ds}", "{app: ds2}");
        let f = check(old, &new);
        assert_eq!(
            fields(&f),
            [
                "Deployment/gw spec.selector.matchLabels.component: zeebe-gateway -> gateway",
                "DaemonSet/ds spec.selector.matchLabels.app: ds -> ds2",
            ]
        );
        assert_eq!(f[1].namespace, "other");
        assert!(f[0].way_out.contains("kubectl delete deployment gw -n camunda"), "{}", f[0].way_out);
    }

    #[test]
    fn a_changed_job_template_names_the_delete_the_job_way_out() {
        let old = "kind: Job
metadata: {name: camunda-zeebe-migration-data}
spec:
  backoffLimit: 6
  template:
    metadata: {annotations: {checksum/config: abc}}
    spec: {restartPolicy: OnFailure, containers: [{name: m, image: camunda/camunda:8.8.0}]}
";
        assert_eq!(fields(&check(old, &old.replace("backoffLimit: 6", "backoffLimit: 7"))), Vec::<String>::new());
        let f = check(old, &old.replace("checksum/config: abc", "checksum/config: def"));
        assert_eq!(
            fields(&f),
            ["Job/camunda-zeebe-migration-data spec.template.metadata.annotations.checksum/config: abc -> def"]
        );
        assert!(f[0].way_out.starts_with(
            "delete the finished Job first (`kubectl delete job camunda-zeebe-migration-data -n camunda`)"
        ));
    }

    #[test]
    fn pvc_spec_is_immutable_except_requests_which_may_only_grow() {
        let old = "kind: PersistentVolumeClaim
metadata: {name: dags, labels: {tier: airflow, component: dags}}
spec:
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 10Gi}}
";
        assert_eq!(fields(&check(old, &old.replace("10Gi", "20Gi"))), Vec::<String>::new());
        let f = check(old, &old.replace("ReadWriteMany", "ReadWriteOnce").replace("10Gi", "10000Mi"));
        assert_eq!(
            fields(&f),
            [
                "PersistentVolumeClaim/dags spec.accessModes[0]: ReadWriteMany -> ReadWriteOnce",
                "PersistentVolumeClaim/dags spec.resources.requests.storage: 10Gi -> 10000Mi"
            ]
        );
        assert!(f[1].reason.contains("can not be less"));
        // Airflow of the OpenMetadata dependencies chart: uninstall and reinstall.
        assert!(f[0].way_out.contains("helm uninstall"), "{}", f[0].way_out);
        let f = check(old, &old.replace("accessModes", "storageClassName: fast\n  accessModes"));
        assert_eq!(fields(&f), ["PersistentVolumeClaim/dags spec.storageClassName: <none> -> fast"]);
    }

    #[test]
    fn service_cluster_ip_counts_only_when_the_new_manifest_names_a_different_one() {
        let svc = |ip: &str| format!("kind: Service\nmetadata: {{name: s}}\nspec:\n  {ip}\n  ports: [{{port: 80}}]\n");
        let cases = [
            ("clusterIP: None", "clusterIP: None", false),
            ("clusterIP: 10.0.0.5", "clusterIP: 10.0.0.5", false),
            // Omitted: the server keeps what it has.
            ("clusterIP: 10.0.0.5", "type: ClusterIP", false),
            ("clusterIP: None", "type: ClusterIP", false),
            // Named anew: differs from the old one, or from the one the server allocated.
            ("clusterIP: 10.0.0.5", "clusterIP: 10.0.0.9", true),
            ("type: ClusterIP", "clusterIP: 10.0.0.9", true),
            ("type: ClusterIP", "clusterIP: None", true),
            ("clusterIP: None", "clusterIP: 10.0.0.9", true),
        ];
        for (a, b, flagged) in cases {
            assert_eq!(check(&svc(a), &svc(b)).len(), usize::from(flagged), "{a} -> {b}");
        }
    }

    #[test]
    fn objects_are_matched_by_kind_namespace_and_name_only() {
        let old = "kind: Deployment\nmetadata: {name: a}\nspec: {selector: {matchLabels: {x: '1'}}}\n";
        // apps/v1 vs extensions/v1beta1 is the same object; other namespaces or names are not.
        let moved = old.replace("{name: a}", "{name: a, namespace: elsewhere}").replace("'1'", "'2'");
        assert!(check(old, &moved).is_empty());
        let renamed = old.replace("{name: a}", "{name: b}").replace("'1'", "'2'");
        assert!(check(old, &renamed).is_empty());
        let regrouped = format!("apiVersion: apps/v1\n{}", old.replace("'1'", "'2'"));
        assert_eq!(check(&format!("apiVersion: extensions/v1beta1\n{old}"), &regrouped).len(), 1);
        // Same namespace written out or implied.
        let explicit = old.replace("{name: a}", "{name: a, namespace: camunda}").replace("'1'", "'2'");
        assert_eq!(check(old, &explicit).len(), 1);
    }

    #[test]
    fn unparsable_manifests_name_the_place() {
        let e = parse_manifest("prev.yaml", "kind: A\n---\nkind: [\n").unwrap_err();
        assert_eq!(e.location.file, "prev.yaml");
        assert!(e.location.line >= 3, "{e}");
    }

    #[test]
    fn every_rule_kind_is_listed() {
        let kinds: Vec<&str> = RULES.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, KINDS);
    }

    #[test]
    fn quantities_compare_by_size() {
        let q = |s: &str| quantity_bytes(&Value::String(s.into())).unwrap();
        assert_eq!(q("1Gi"), 1024.0 * q("1Mi"));
        assert!(q("10Gi") > q("10000Mi"));
        assert!(q("1G") < q("1Gi"));
        assert_eq!(q("500m"), 0.5);
        assert_eq!(quantity_bytes(&Value::from(7)), Some(7.0));
        assert_eq!(quantity_bytes(&Value::String("lots".into())), None);
    }
}
