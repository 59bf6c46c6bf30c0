//! The consolidated Secret manifest (real, or with every value redacted) and the 8.8 values
//! overlay that references its keys.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use super::base64;
use super::scan::SecretValue;
use crate::yaml::scalar::quote_str;

/// Annotation on the consolidated Secret naming the release it was extracted from.
pub const SOURCE_ANNOTATION: &str = "helm-camunda-upgrade/source-release";

/// One key of the consolidated Secret: its value and, for the redacted manifest, where it came from.
pub struct Item {
    pub key: String,
    pub value: SecretValue,
    pub from: String,
}

pub struct Consolidated {
    pub name: String,
    pub namespace: Option<String>,
    pub release: String,
    pub items: Vec<Item>,
}

impl Consolidated {
    /// The manifest as YAML; with `redact`, values are `<redacted>` and each says where it came from.
    pub fn yaml(&self, redact: bool) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {}", quote_str(&self.name));
        if let Some(ns) = &self.namespace {
            let _ = writeln!(s, "  namespace: {}", quote_str(ns));
        }
        let _ = writeln!(s, "  annotations:\n    {SOURCE_ANNOTATION}: {}", quote_str(&self.release));
        s.push_str("type: Opaque\ndata:\n");
        for i in &self.items {
            if redact {
                let _ = writeln!(s, "  {}: <redacted>  # {}", quote_str(&i.key), i.from);
            } else {
                let _ = writeln!(s, "  {}: {}", quote_str(&i.key), base64::encode(i.value.bytes()));
            }
        }
        s
    }

    /// The data as Kubernetes stores it (base64).
    pub fn data(&self) -> BTreeMap<String, Vec<u8>> {
        self.items.iter().map(|i| (i.key.clone(), i.value.bytes().to_vec())).collect()
    }

    /// A new Secret object for `kubectl create`.
    pub fn object(&self) -> Value {
        let mut metadata = json!({"name": self.name, "annotations": {SOURCE_ANNOTATION: self.release}});
        if let Some(ns) = &self.namespace {
            metadata["namespace"] = json!(ns);
        }
        let data: Map<String, Value> =
            self.items.iter().map(|i| (i.key.clone(), json!(base64::encode(i.value.bytes())))).collect();
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": metadata, "type": "Opaque", "data": data})
    }
}

/// The 8.8 values overlay: for each (name key, key key, consolidated key), the two values.
pub fn overlay(secret: &str, namespace: Option<&str>, release: &str, refs: &[(String, String, String)]) -> String {
    let mut root = Value::Object(Map::new());
    for (name_key, key_key, key) in refs {
        set(&mut root, name_key, json!(secret));
        set(&mut root, key_key, json!(key));
    }
    let ns = namespace.map(|n| format!(" in namespace {n}")).unwrap_or_default();
    let mut s = format!(
        "# Written by `helm camunda-upgrade secrets extract` for release {release}.\n\
         # Each key below names a key of the Secret {secret}{ns}, which holds the values the 8.7\n\
         # release used (never regenerated). Pass this file after the migrated 8.8 values:\n\
         #   helm upgrade {release} <13.x chart> -f <8.8 values> -f <this file>\n"
    );
    if refs.is_empty() {
        s.push_str("{}\n");
    } else {
        s.push_str(&crate::yaml::edit::render_value(&root));
    }
    s
}

fn set(root: &mut Value, dotted: &str, v: Value) {
    let mut at = root;
    let parts: Vec<&str> = dotted.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        at = at.as_object_mut().expect("a mapping").entry(p.to_string()).or_insert_with(|| json!({}));
    }
    at.as_object_mut().expect("a mapping").insert(parts[parts.len() - 1].to_string(), v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_and_overlay() {
        let c = Consolidated {
            name: "camunda-credentials".into(),
            namespace: Some("camunda".into()),
            release: "camunda".into(),
            items: vec![Item {
                key: "k1".into(),
                value: SecretValue::new(b"v1-s3cret".to_vec()),
                from: "Secret x, key y".into(),
            }],
        };
        let redacted = c.yaml(true);
        assert!(!redacted.contains("v1-s3cret") && !redacted.contains(&base64::encode(b"v1-s3cret")));
        assert!(redacted.contains("  k1: <redacted>  # Secret x, key y\n"), "{redacted}");
        let real: Value = serde_yaml::from_str(&c.yaml(false)).unwrap();
        assert_eq!(real["data"]["k1"], json!(base64::encode(b"v1-s3cret")));
        assert_eq!(real, c.object());
        let o = overlay(
            "camunda-credentials",
            Some("camunda"),
            "camunda",
            &[
                ("a.b.existingSecret".into(), "a.b.existingSecretKey".into(), "k1".into()),
                ("a.c".into(), "a.d".into(), "k2".into()),
            ],
        );
        let v: Value = serde_yaml::from_str(&o).unwrap();
        assert_eq!(
            v,
            json!({"a": {
                "b": {"existingSecret": "camunda-credentials", "existingSecretKey": "k1"},
                "c": "camunda-credentials",
                "d": "k2"
            }})
        );
    }
}
