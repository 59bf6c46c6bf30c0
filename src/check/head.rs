//! The head of a Kubernetes object: the few top-level fields every check
//! looks at. Both the fast scanner and the full parser produce it, with the
//! same rules (Helm's YAML 1.1 scalars, duplicate keys: last wins).

use std::borrow::Cow;

use serde_json::Value;

use crate::yaml::scalar;

/// Text borrowed from the stream where the scanner could, owned otherwise.
pub type Text<'a> = Cow<'a, str>;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Head<'a> {
    pub api_version: Option<Text<'a>>,
    pub kind: Option<Text<'a>>,
    pub name: Option<Text<'a>>,
    pub namespace: Option<Text<'a>>,
    /// Labels and annotations with scalar values, sorted by key.
    pub labels: Vec<(Text<'a>, Text<'a>)>,
    pub annotations: Vec<(Text<'a>, Text<'a>)>,
}

/// A scalar as the text a check compares: strings as they are, numbers and
/// booleans as written by JSON, null and collections as nothing.
pub fn scalar_text(v: &Value) -> Option<Text<'static>> {
    match v {
        Value::String(s) => Some(Cow::Owned(s.clone())),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

/// Plain words YAML 1.1 (and so Helm) reads as booleans or null.
const YAML11_WORDS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO", "false",
    "False", "FALSE", "off", "Off", "OFF", "null", "Null", "NULL",
];

/// A plain (unquoted) scalar, resolved as Helm would. Text starting with a
/// letter is a string unless it is one of YAML 1.1's words for booleans and
/// null, so most values are borrowed without asking `resolve_plain`.
pub fn plain_text(s: &str) -> Option<Text<'_>> {
    let special = YAML11_WORDS.contains(&s);
    if s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) && !special {
        return Some(Cow::Borrowed(s));
    }
    scalar_text(&scalar::resolve_plain(s))
}

/// Set `key` in an ordered list of pairs: replace in place, or append; `None`
/// removes (a later non-scalar duplicate wins over an earlier scalar).
pub fn put<'a>(list: &mut Vec<(Text<'a>, Text<'a>)>, key: Text<'a>, value: Option<Text<'a>>) {
    let at = list.iter().position(|(k, _)| *k == key);
    match (at, value) {
        (Some(i), Some(v)) => list[i].1 = v,
        (Some(i), None) => {
            list.remove(i);
        }
        (None, Some(v)) => list.push((key, v)),
        (None, None) => {}
    }
}

fn pairs(v: Option<&Value>) -> Vec<(Text<'static>, Text<'static>)> {
    let mut out = Vec::new();
    if let Some(Value::Object(m)) = v {
        for (k, v) in m {
            put(&mut out, Cow::Owned(k.clone()), scalar_text(v));
        }
    }
    out
}

impl<'a> Head<'a> {
    /// The head of a fully parsed object.
    pub fn from_value(v: &Value) -> Head<'static> {
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
        self.labels.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_ref())
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_ref())
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
        assert_eq!(plain_text("8.8").as_deref(), Some("8.8"));
        assert_eq!(plain_text("yes").as_deref(), Some("true"));
        assert_eq!(plain_text("Off").as_deref(), Some("false"));
        assert_eq!(plain_text("~"), None);
        assert_eq!(plain_text("null"), None);
        assert!(matches!(plain_text("camunda"), Some(Cow::Borrowed("camunda"))));
        assert_eq!(plain_text("0x1F").as_deref(), Some("31"));
    }

    #[test]
    fn put_replaces_in_place_and_removes() {
        let mut l = Vec::new();
        put(&mut l, "a".into(), Some("1".into()));
        put(&mut l, "b".into(), Some("2".into()));
        put(&mut l, "a".into(), Some("3".into()));
        assert_eq!(l, vec![("a".into(), "3".into()), ("b".into(), "2".into())]);
        put(&mut l, "a".into(), None);
        assert_eq!(l, vec![("b".into(), "2".into())]);
    }
}
