//! The head of a Kubernetes object: the few top-level fields every check
//! looks at. Both the fast scanner and the full parser produce it, with the
//! same rules (Helm's YAML 1.1 scalars, duplicate keys: last wins).

use serde_json::Value;

use crate::yaml::scalar;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Head {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// Labels and annotations with scalar values, sorted by key.
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
}

/// A scalar as the text a check compares: strings as they are, numbers and
/// booleans as written by JSON, null and collections as nothing.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A plain (unquoted) scalar, resolved as Helm would.
pub fn plain_text(s: &str) -> Option<String> {
    scalar_text(&scalar::resolve_plain(s))
}

/// Set `key` in an ordered list of pairs: replace in place, or append; `None`
/// removes (a later non-scalar duplicate wins over an earlier scalar).
pub fn put(list: &mut Vec<(String, String)>, key: &str, value: Option<String>) {
    let at = list.iter().position(|(k, _)| k == key);
    match (at, value) {
        (Some(i), Some(v)) => list[i].1 = v,
        (Some(i), None) => {
            list.remove(i);
        }
        (None, Some(v)) => list.push((key.to_string(), v)),
        (None, None) => {}
    }
}

fn pairs(v: Option<&Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(Value::Object(m)) = v {
        for (k, v) in m {
            put(&mut out, k, scalar_text(v));
        }
    }
    out
}

impl Head {
    /// The head of a fully parsed object.
    pub fn from_value(v: &Value) -> Head {
        let meta = v.get("metadata").filter(|m| m.is_object());
        let text = |m: Option<&Value>, k: &str| m.and_then(|m| m.get(k)).and_then(scalar_text);
        let mut h = Head {
            api_version: text(Some(v), "apiVersion"),
            kind: text(Some(v), "kind"),
            name: text(meta, "name"),
            namespace: text(meta, "namespace"),
            labels: pairs(meta.and_then(|m| m.get("labels"))),
            annotations: pairs(meta.and_then(|m| m.get("annotations"))),
        };
        h.sort();
        h
    }

    /// Labels and annotations are maps: sort them so both readers agree.
    pub fn sort(&mut self) {
        self.labels.sort_by(|a, b| a.0.cmp(&b.0));
        self.annotations.sort_by(|a, b| a.0.cmp(&b.0));
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn from_value_keeps_scalars_only() {
        let v = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "x", "labels": {"a": "1", "b": 2, "c": {"d": 1}, "e": null, "f": true}},
        });
        let h = Head::from_value(&v);
        assert_eq!(h.kind.as_deref(), Some("Deployment"));
        assert_eq!(h.labels, vec![("a".into(), "1".into()), ("b".into(), "2".into()), ("f".into(), "true".into())]);
        let sorted = Head::from_value(&json!({"metadata": {"labels": {"z": "1", "a": "2"}}}));
        assert_eq!(sorted.labels, vec![("a".into(), "2".into()), ("z".into(), "1".into())]);
        assert_eq!(h.label("b"), Some("2"));
        assert_eq!(h.namespace, None);
    }

    #[test]
    fn plain_scalars_resolve_like_helm() {
        assert_eq!(plain_text("8.8"), Some("8.8".into()));
        assert_eq!(plain_text("yes"), Some("true".into()));
        assert_eq!(plain_text("~"), None);
        assert_eq!(plain_text("camunda"), Some("camunda".into()));
    }

    #[test]
    fn put_replaces_in_place_and_removes() {
        let mut l = Vec::new();
        put(&mut l, "a", Some("1".into()));
        put(&mut l, "b", Some("2".into()));
        put(&mut l, "a", Some("3".into()));
        assert_eq!(l, vec![("a".into(), "3".into()), ("b".into(), "2".into())]);
        put(&mut l, "a", None);
        assert_eq!(l, vec![("b".into(), "2".into())]);
    }
}
