//! Block-style YAML for plain values, read back unchanged by Helm.
//!
//! serde_yaml (yaml_serde) writes strings such as `on`, `yes`, `y` or `1_000`
//! without quotes; YAML 1.2 reads them as strings but Helm (YAML 1.1) reads
//! booleans and numbers. So scalars go through `yaml::scalar::quote_str`, the
//! crate's one rule for "needs quotes", and multi-line strings become literal
//! blocks. Round-trip tests (Helm's scalar rules) are at the bottom.

use serde_json::Value;

use crate::yaml::scalar::{quote_str, render_scalar};

/// The whole document (a mapping at the top), ending with a newline.
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, m, 0),
        other => {
            out.push_str(&inline(other).unwrap_or_else(|| "{}".into()));
            out.push('\n');
        }
    }
    out
}

/// A value that fits on its key's line: scalars and empty collections.
fn inline(v: &Value) -> Option<String> {
    match v {
        Value::Array(a) if a.is_empty() => Some("[]".into()),
        Value::Object(m) if m.is_empty() => Some("{}".into()),
        Value::Array(_) | Value::Object(_) => None,
        Value::String(s) if literal_block(s).is_some() => None,
        other => Some(render_scalar(other)),
    }
}

/// `|`-block header for a multi-line string that a literal block keeps exactly.
fn literal_block(s: &str) -> Option<&'static str> {
    if !s.contains('\n') || s.starts_with([' ', '\n']) {
        return None;
    }
    if s.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{feff}') {
        return None;
    }
    // A line holding only spaces before the last content line would be read as indentation.
    if s.lines().any(|l| !l.is_empty() && l.trim_start_matches(' ').is_empty()) {
        return None;
    }
    let trailing = s.len() - s.trim_end_matches('\n').len();
    Some(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    })
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A mapping key; `<<` is quoted too, or YAML would read a merge key.
fn key_str(k: &str) -> String {
    if k == "<<" {
        "\"<<\"".into()
    } else {
        quote_str(k)
    }
}

fn write_map(out: &mut String, m: &serde_json::Map<String, Value>, ind: usize) {
    for (k, v) in m {
        indent(out, ind);
        out.push_str(&key_str(k));
        out.push(':');
        write_value_after_key(out, v, ind);
    }
}

fn write_value_after_key(out: &mut String, v: &Value, ind: usize) {
    if let Some(s) = inline(v) {
        out.push(' ');
        out.push_str(&s);
        out.push('\n');
        return;
    }
    match v {
        Value::Object(m) => {
            out.push('\n');
            write_map(out, m, ind + 2);
        }
        Value::Array(a) => {
            out.push('\n');
            write_seq(out, a, ind + 2);
        }
        Value::String(s) => write_literal(out, s, ind + 2),
        _ => unreachable!("scalars are inline"),
    }
}

fn write_seq(out: &mut String, items: &[Value], ind: usize) {
    for item in items {
        indent(out, ind);
        out.push('-');
        match item {
            Value::Object(m) if !m.is_empty() => {
                // First entry on the dash line, the rest aligned under it.
                let mut first = true;
                for (k, v) in m {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        indent(out, ind + 2);
                    }
                    out.push_str(&key_str(k));
                    out.push(':');
                    write_value_after_key(out, v, ind + 2);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                write_seq(out, a, ind + 2);
            }
            other => write_value_after_key(out, other, ind),
        }
    }
}

fn write_literal(out: &mut String, s: &str, ind: usize) {
    out.push(' ');
    out.push_str(literal_block(s).expect("checked by inline"));
    out.push('\n');
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        if !line.is_empty() {
            indent(out, ind);
            out.push_str(line);
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;
    use proptest::prelude::*;
    use serde_json::json;

    fn read_back(text: &str) -> Value {
        let doc = yaml::parse_document(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        yaml::value::to_value(&doc).unwrap()
    }

    #[test]
    fn helm_reads_back_the_same() {
        let v = json!({
            "a": "yes", "b": "on", "c": "8.7", "d": "0755", "e": "y", "f": "1_000", "g": "", "h": null,
            "i": 1.5, "j": [], "k": {}, "l": "multi\nline\n", "m": "no newline\nat end", "n": "two\n\n",
            "o": [{"name": "A", "value": "b"}, {"x": [1, 2]}, [], {}, "on", ["nested", {"k": "v"}]],
            "p": {"q": {"r": -1}}, "on": "key needs quotes", "s": "  leading", "t": "-XX:+Opt -Dzeebe.x=1",
            "u": "a: b", "w": "line\n  indented\n", "x": "\ttab\nline",
        });
        let text = to_yaml(&v);
        assert_eq!(read_back(&text), v, "{text}");
    }

    #[test]
    fn layout() {
        let v = json!({"orchestration": {"tolerations": [{"key": "a", "operator": "Exists"}], "env": []}});
        assert_eq!(to_yaml(&v), "orchestration:\n  tolerations:\n    - key: a\n      operator: Exists\n  env: []\n");
    }

    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|i| json!(i)),
            "[ -~\\n]{0,12}".prop_map(Value::String),
            prop::sample::select(vec![
                "on", "off", "yes", "~", "0x1F", "1e3", "- a", "#x", "a #b", "|", "'q'", "\"d\""
            ])
            .prop_map(|s| Value::String(s.to_string())),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z.:/ -]{1,6}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn round_trip(m in prop::collection::btree_map("[a-zA-Z]{1,5}", any_value(), 1..5)) {
            let v = Value::Object(m.into_iter().collect());
            let text = to_yaml(&v);
            prop_assert_eq!(read_back(&text), v, "{}", text);
        }
    }
}
