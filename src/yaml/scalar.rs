//! Scalars as Helm reads them, and writing scalars Helm reads back unchanged.
//!
//! Helm reads values with sigs.k8s.io/yaml (go-yaml v2 rules, YAML 1.1):
//! `on/off/yes/no/y/n` are booleans, `0755` is octal, `1_000` is 1000. Rust's
//! YAML crates follow YAML 1.2, so we resolve plain scalars ourselves.

use serde_json::{Number, Value};

use super::tree::Style;

/// Resolve a scalar the way Helm would.
pub fn resolve(value: &str, style: Style, tag: Option<&str>) -> Value {
    if let Some(tag) = tag {
        match tag.trim_start_matches("tag:yaml.org,2002:").trim_start_matches("!!") {
            "str" => return Value::String(value.to_string()),
            "int" | "float" | "bool" | "null" => {
                let v = resolve_plain(value);
                if !v.is_string() {
                    return v;
                }
            }
            _ => {}
        }
    }
    match style {
        Style::Plain => resolve_plain(value),
        _ => Value::String(value.to_string()),
    }
}

/// Resolve a plain (unquoted) scalar with YAML 1.1 rules as go-yaml v2 does.
pub fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => return Value::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN" => {
            // JSON has no infinities; keep the text so nothing is lost.
            return Value::String(s.to_string());
        }
        _ => {}
    }
    if let Some(i) = parse_int(s) {
        return Value::Number(i.into());
    }
    if is_float(s) {
        if let Ok(f) = s.replace('_', "").parse::<f64>() {
            if let Some(n) = Number::from_f64(f) {
                return Value::Number(n);
            }
        }
    }
    Value::String(s.to_string())
}

/// go-yaml v2: strip `_`, then Go's ParseInt with base prefix detection
/// (`0x`, `0b`, `0o`, and a leading `0` means octal).
fn parse_int(s: &str) -> Option<i64> {
    let first = s.chars().next()?;
    if !(first.is_ascii_digit() || first == '-' || first == '+') {
        return None;
    }
    let plain: String = s.chars().filter(|c| *c != '_').collect();
    let (neg, body) = match plain.as_bytes().first()? {
        b'-' => (true, &plain[1..]),
        b'+' => (false, &plain[1..]),
        _ => (false, &plain[..]),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) = if let Some(r) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        (16, r)
    } else if let Some(r) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        (2, r)
    } else if let Some(r) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        (8, r)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() {
        return None;
    }
    let v = i64::from_str_radix(digits, radix).ok()?;
    Some(if neg { -v } else { v })
}

fn is_float(s: &str) -> bool {
    // ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ (underscores allowed in YAML 1.1)
    let b: Vec<char> = s.chars().filter(|c| *c != '_').collect();
    let mut i = 0;
    if i < b.len() && (b[i] == '-' || b[i] == '+') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == '.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - f;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == 'e' || b[i] == 'E') {
        i += 1;
        if i < b.len() && (b[i] == '-' || b[i] == '+') {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

/// Would a YAML 1.2 reader (most Rust and Python tools) take this plain text
/// as something other than a string?
fn yaml12_non_string(s: &str) -> bool {
    matches!(s, "true" | "True" | "TRUE" | "false" | "False" | "FALSE" | "null" | "Null" | "NULL" | "~" | "")
        || s.parse::<f64>().is_ok()
        || s.starts_with("0o")
        || s.starts_with("0x")
        || s.to_ascii_lowercase().trim_start_matches(['+', '-']) == ".inf"
        || s.eq_ignore_ascii_case(".nan")
}

/// Does `s` need quotes to be read back as the same string by Helm (YAML 1.1)
/// and by YAML 1.2 tools?
pub fn needs_quotes(s: &str) -> bool {
    if s.is_empty() || !resolve_plain(s).is_string() || yaml12_non_string(s) {
        return true;
    }
    // Things that merely look like numbers or dates to someone: timestamps,
    // sexagesimal (`12:30`), anything starting with a digit and holding a colon.
    if s.chars().next().is_some_and(|c| c.is_ascii_digit()) && (s.contains(':') || s.contains('-')) {
        return true;
    }
    let first = s.chars().next().unwrap();
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_whitespace() {
        // `-foo` and `:foo` are fine in YAML 1.2 but not everywhere; quote to be safe,
        // except the very common `-X...` java option style which is still a plain scalar.
        if !(first == '-' && s.len() > 1 && !s[1..].starts_with(' ')) {
            return true;
        }
    }
    if s.ends_with(char::is_whitespace) || s.ends_with(':') {
        return true;
    }
    if s.contains(": ") || s.contains(" #") || s.contains('\n') || s.contains('\t') || s.contains('\r') {
        return true;
    }
    s.chars().any(|c| c.is_control())
}

/// Render a string as a YAML scalar that reads back as this exact string.
pub fn quote_str(s: &str) -> String {
    if !needs_quotes(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Render a JSON scalar (bool, number, null, string) as YAML text.
pub fn render_scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quote_str(s),
        _ => unreachable!("render_scalar called with a collection"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml11_rules() {
        assert_eq!(resolve_plain("on"), json!(true));
        assert_eq!(resolve_plain("y"), json!(true));
        assert_eq!(resolve_plain("NO"), json!(false));
        assert_eq!(resolve_plain("0755"), json!(493));
        assert_eq!(resolve_plain("1_000"), json!(1000));
        assert_eq!(resolve_plain("0x1F"), json!(31));
        assert_eq!(resolve_plain("1.5"), json!(1.5));
        assert_eq!(resolve_plain("800m"), json!("800m"));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("8.7.20"), json!("8.7.20"));
        assert_eq!(resolve("3", Style::DoubleQuoted, None), json!("3"));
        assert_eq!(resolve("3", Style::Plain, Some("!!str")), json!("3"));
    }

    #[test]
    fn quoting_round_trips() {
        for s in ["on", "yes", "y", "n", "0755", "1_000", "12:30", "2024-01-01", "3", "1e3", "", "null", "~", "a: b", "x #y", " lead", ".inf", "true"] {
            let q = quote_str(s);
            assert!(q.starts_with('"'), "{s} must be quoted, got {q}");
        }
        for s in ["camunda/camunda", "800m", "-Xmx1g -XX:+Foo", "/usr/local/camunda", "64Gi", "zeebe-api"] {
            assert_eq!(quote_str(s), s);
        }
    }
}
