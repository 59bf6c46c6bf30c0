//! The few pieces of Go `text/template`, sprig and mergo behaviour the chart's
//! compatibility layer relies on, on plain values.
//!
//! Helm runs templates with `missingkey=zero`, reads every number as float64,
//! and sprig's `mergeOverwrite` is mergo's `Merge(dst, src, WithOverride)`.
//! Each function names the template construct it stands for, so that the layer
//! in `layer.rs` reads like the chart's template.

use serde_json::{Map, Value};

use super::version::Mergo;

pub use crate::yaml::value::truthy;

/// A template evaluation error, worded as Go's text/template words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TplError(pub String);

/// Go's name of the dynamic type Helm gives a value (for error messages).
pub fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "interface {}",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// `.a.b.c` on `root`: a plain field chain. With `missingkey=zero` a missing
/// key yields a nil interface, and asking a nil interface for a field fails.
pub fn field_chain<'v>(root: &'v Value, path: &[&str]) -> Result<Option<&'v Value>, TplError> {
    let mut cur = Some(root);
    for key in path {
        match cur {
            Some(Value::Object(m)) => cur = m.get(*key),
            None | Some(Value::Null) => {
                return Err(TplError(format!("nil pointer evaluating interface {{}}.{key}")));
            }
            Some(_) => return Err(TplError(format!("can't evaluate field {key} in type interface {{}}"))),
        }
    }
    Ok(cur)
}

/// `((.a).b).c`: the parenthesised "safe navigation" idiom. A parenthesised
/// nil becomes an invalid value, and a field of an invalid value is empty, not
/// an error; a field of a non-map still fails.
pub fn paren_chain<'v>(root: Option<&'v Value>, path: &[&str]) -> Result<Option<&'v Value>, TplError> {
    let mut cur = root;
    for key in path {
        match cur {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Object(m)) => cur = m.get(*key),
            Some(other) => {
                return Err(TplError(format!("can't evaluate field {key} in type {}", go_type(other))));
            }
        }
    }
    Ok(cur.filter(|v| !v.is_null()))
}

/// `eq X "literal"` as Go templates compare: nil is simply unequal; a string
/// compares; anything else (number, bool, list, map) cannot be compared with a string.
pub fn eq_str(v: Option<&Value>, lit: &str) -> Result<bool, TplError> {
    match v {
        None | Some(Value::Null) => Ok(false),
        Some(Value::String(s)) => Ok(s == lit),
        Some(_) => Err(TplError("error calling eq: incompatible types for comparison".into())),
    }
}

/// A value passed where a Go function wants a `string` (e.g. sprig `replace`).
pub fn as_string_arg(v: Option<&Value>) -> Result<&str, TplError> {
    match v {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => Err(TplError("invalid value; expected string".into())),
        Some(other) => Err(TplError(format!("wrong type for value; expected string; got {}", go_type(other)))),
    }
}

/// A value passed where a Go function wants a map (sprig `set`, `hasKey`,
/// `mergeOverwrite`).
pub fn as_map_arg(v: Option<&Value>) -> Result<&Map<String, Value>, TplError> {
    match v {
        Some(Value::Object(m)) => Ok(m),
        Some(other) => {
            Err(TplError(format!("wrong type for value; expected map[string]interface {{}}; got {}", go_type(other))))
        }
        None => Err(TplError("wrong type for value; expected map[string]interface {}; got interface {}".into())),
    }
}

/// sprig `mergeOverwrite dst src` (mergo `WithOverride`) on Helm values:
/// a map merges into a map key by key (keys only in `dst` survive); anything
/// else from `src` replaces what `dst` has: scalars (also `false`, `""`, `0`),
/// explicit nulls, and lists (an empty list too). On a type clash `src` wins,
/// except that with Helm < 3.16 (`Mergo::Legacy`) a map from `src` leaves a
/// non-empty non-map in `dst` alone. Checked against both Helm builds in
/// tests/compat_helm_semantics.rs.
pub fn merge_overwrite(dst: &mut Map<String, Value>, src: &Map<String, Value>, mergo: Mergo) {
    for (k, sv) in src {
        match (dst.get_mut(k), sv) {
            (Some(Value::Object(dm)), Value::Object(sm)) => merge_overwrite(dm, sm, mergo),
            (Some(dv), Value::Object(_)) if mergo == Mergo::Legacy && !go_empty(dv) => {}
            _ => {
                dst.insert(k.clone(), sv.clone());
            }
        }
    }
}

/// mergo's `isEmptyValue`: nil, false, 0, "" and empty collections.
fn go_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
    }
}

/// The map at `path`, for a template `set` on it (`set .Values.a.b "k" v`):
/// the chain must resolve to a map.
pub fn map_at_mut<'v>(root: &'v mut Value, path: &[&str]) -> Result<&'v mut Map<String, Value>, TplError> {
    // Resolve read-only first, for the same error texts as a read.
    let found = field_chain(root, path)?;
    as_map_arg(found)?;
    let mut cur = root;
    for key in path {
        cur = cur.as_object_mut().and_then(|m| m.get_mut(*key)).expect("checked above");
    }
    Ok(cur.as_object_mut().expect("checked above"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn merge_rules() {
        let mut dst = obj(json!({"a": {"x": 1, "y": 2}, "l": [1, 2], "s": "new", "m": {"k": 1}, "keep": true}));
        let src = obj(json!({"a": {"x": 9}, "l": [], "s": {"now": "map"}, "m": "scalar", "n": null}));
        let mut legacy = dst.clone();
        merge_overwrite(&mut dst, &src, Mergo::V1);
        merge_overwrite(&mut legacy, &src, Mergo::Legacy);
        assert_eq!(legacy["s"], json!("new"), "Helm < 3.16 keeps a non-empty scalar under an old map");
        assert_eq!(
            Value::Object(dst),
            json!({"a": {"x": 9, "y": 2}, "l": [], "s": {"now": "map"}, "m": "scalar", "keep": true, "n": null})
        );
    }

    #[test]
    fn empty_src_map_keeps_dst_map() {
        let mut dst = obj(json!({"podAnnotations": {"x": "y"}}));
        merge_overwrite(&mut dst, &obj(json!({"podAnnotations": {}})), Mergo::V1);
        assert_eq!(dst["podAnnotations"], json!({"x": "y"}));
    }

    #[test]
    fn chains() {
        let v = json!({"a": {"b": "s"}, "n": null});
        assert_eq!(field_chain(&v, &["a", "b"]).unwrap(), Some(&json!("s")));
        assert_eq!(field_chain(&v, &["x", "y"]).unwrap_err().0, "nil pointer evaluating interface {}.y");
        assert_eq!(field_chain(&v, &["n", "y"]).unwrap_err().0, "nil pointer evaluating interface {}.y");
        assert_eq!(field_chain(&v, &["a", "b", "c"]).unwrap_err().0, "can't evaluate field c in type interface {}");
        assert_eq!(paren_chain(Some(&v), &["x", "y", "z"]).unwrap(), None);
        assert_eq!(paren_chain(Some(&v), &["a", "b", "c"]).unwrap_err().0, "can't evaluate field c in type string");
    }

    #[test]
    fn eq_like_go() {
        assert!(eq_str(Some(&json!("800m")), "800m").unwrap());
        assert!(!eq_str(None, "800m").unwrap());
        assert_eq!(
            eq_str(Some(&json!(2)), "800m").unwrap_err().0,
            "error calling eq: incompatible types for comparison"
        );
        assert_eq!(
            eq_str(Some(&json!(true)), "800m").unwrap_err().0,
            "error calling eq: incompatible types for comparison"
        );
        assert_eq!(
            eq_str(Some(&json!({})), "800m").unwrap_err().0,
            "error calling eq: incompatible types for comparison"
        );
    }
}
