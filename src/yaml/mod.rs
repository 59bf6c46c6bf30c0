//! YAML reading and lossless editing.
//!
//! - `tree`: a span-annotated tree from saphyr-parser events (positions for
//!   diagnostics and for the editor);
//! - `scalar`: Helm's YAML 1.1 scalar rules and a quoting guard for writes;
//! - `value`: plain values as Helm sees them (merge keys, aliases under a budget,
//!   Helm's merging of several files).

pub mod edit;
pub mod scalar;
pub mod tree;
pub mod value;

pub use tree::{parse_document, Document, Entry, Kind, Node, Pos, Style};

/// Join key path parts for messages: `zeebe.env[0].name`; keys holding dots
/// or spaces are bracketed: `annotations["nginx.ingress.kubernetes.io/x"]`.
pub fn join_path<S: AsRef<str>>(parts: &[S]) -> String {
    let mut out = String::new();
    for p in parts {
        let p = p.as_ref();
        if p.starts_with('[') && p.ends_with(']') && p[1..p.len() - 1].chars().all(|c| c.is_ascii_digit()) {
            out.push_str(p);
        } else if p.is_empty() || p.contains(['.', ' ', '[', ']', '"']) {
            out.push_str(&format!("[{}]", serde_json::Value::String(p.to_string())));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn join() {
        assert_eq!(super::join_path(&["zeebe", "env", "[0]", "name"]), "zeebe.env[0].name");
        assert_eq!(super::join_path(&["a", "x.y"]), "a[\"x.y\"]");
    }
}
