//! What a dry run shows on stderr: the values diff with secrets hidden, and what the upgrade
//! would do to the release's objects.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

use crate::migrate::report::{is_secret_env, is_secret_key, is_secret_value, redact_deep};
use crate::preflight::{object_key, Key};

/// `text` with the value of every secret-looking key replaced, line by line: `key: value`,
/// block scalars below such a key, and the `value:` of a list item whose `name:` looks
/// secret (env vars). Secret names (`existingSecret: x`) stay, as `is_secret_key` decides.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Indentation of a secret block scalar still being skipped, and of the last secret `name:`.
    let mut block: Option<usize> = None;
    let mut env_name: Option<(usize, String)> = None;
    // The keys above this line, with their columns: is_secret_key judges the whole path.
    let mut path: Vec<(usize, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start().len();
        if let Some(b) = block {
            if body.trim().is_empty() || indent > b {
                out.push_str(&line.replace(body.trim_start(), "<redacted>"));
                continue;
            }
            block = None;
        }
        if body.trim_start().starts_with('#') {
            // A comment line, even one that reads like `key: value`.
            out.push_str(line);
            continue;
        }
        let item = body.trim_start().strip_prefix("- ");
        let content = item.unwrap_or(body.trim_start());
        let key_col = if item.is_some() { indent + 2 } else { indent };
        let Some((key, value)) = content.split_once(':').filter(|(_, v)| v.is_empty() || v.starts_with(' ')) else {
            out.push_str(line);
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']);
        let value = value.trim();
        path.retain(|(col, _)| *col < key_col);
        let full: Vec<&str> = path.iter().map(|(_, k)| k.as_str()).chain([key]).collect();
        let full = full.join(".");
        path.push((key_col, key.to_string()));
        let scalar = Value::String(scalar_text(value));
        if key == "name" {
            env_name = Some((key_col, scalar_text(value)));
        } else if item.is_some() || env_name.as_ref().is_some_and(|(c, _)| key_col < *c) {
            env_name = None;
        }
        let secret = is_secret_key(&full)
            || (!value.starts_with(['|', '>', '{', '[', '&', '*']) && is_secret_value(&full, &scalar))
            || (key == "value" && env_name.as_ref().is_some_and(|(c, n)| *c == key_col && is_secret_env(n, &scalar)));
        let at = body.len() - content.len() + content.find(':').unwrap() + 1;
        if !secret && (value.starts_with('{') || value.starts_with('[')) {
            // A flow collection on one line: hide the secrets inside it.
            if let Ok(v) = serde_yaml::from_str::<Value>(value) {
                let hidden = redact_deep(&v);
                if hidden != v {
                    let _ = write!(out, "{} {}", &body[..at], hidden);
                    out.push_str(&line[body.len()..]);
                    continue;
                }
            }
        }
        if secret && !value.is_empty() && !value.starts_with('#') {
            if value.starts_with('|') || value.starts_with('>') {
                block = Some(key_col);
            }
            let _ = write!(out, "{} <redacted>", &body[..at]);
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The text of a one-line scalar as written after `key:`: quotes removed, a trailing comment cut.
fn scalar_text(value: &str) -> String {
    for q in ['"', '\''] {
        if let Some(rest) = value.strip_prefix(q) {
            let mut out = String::new();
            let mut chars = rest.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\\' if q == '"' => out.extend(chars.next()),
                    c if c == q && q == '\'' && chars.peek() == Some(&'\'') => {
                        chars.next();
                        out.push('\'');
                    }
                    c if c == q => return out,
                    c => out.push(c),
                }
            }
            return out;
        }
    }
    let cut = value.find(" #").map_or(value, |i| &value[..i]);
    cut.trim().to_string()
}

/// The objects an upgrade adds, removes and changes, previous manifest against rendered.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: usize,
}

pub fn summarise(previous: &[Value], rendered: &[Value], default_ns: &str) -> Summary {
    let index = |objs: &[Value]| -> BTreeMap<Key, Value> {
        objs.iter().filter_map(|o| Some((object_key(o, default_ns)?, o.clone()))).collect()
    };
    let (old, new) = (index(previous), index(rendered));
    let show = |(kind, ns, name): &Key| {
        if ns == default_ns {
            format!("{kind}/{name}")
        } else {
            format!("{kind}/{name} (namespace {ns})")
        }
    };
    let mut s = Summary::default();
    for (k, v) in &new {
        match old.get(k) {
            None => s.added.push(show(k)),
            Some(o) if o != v => s.changed.push(show(k)),
            Some(_) => s.unchanged += 1,
        }
    }
    s.removed = old.keys().filter(|k| !new.contains_key(*k)).map(show).collect();
    s
}

impl Summary {
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Objects: {} added, {} changed, {} removed, {} unchanged",
            self.added.len(),
            self.changed.len(),
            self.removed.len(),
            self.unchanged
        );
        for (sign, list) in [("+", &self.added), ("~", &self.changed), ("-", &self.removed)] {
            for o in list {
                let _ = writeln!(out, "  {sign} {o}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_hidden_and_everything_else_kept() {
        let text = "# a comment: secret words in it stay
global:
  identity:
    auth:
      operate:
        existingSecret: operate-secret
        clientSecret: s3cr3t  # comment
      zeebe:
        existingSecret:
          name: zeebe-credentials
  elasticsearch:
    password: |
      ABC
      DEF
    url: http://es:9200
    auth: {password: inline}
connectors:
  env:
    - name: DB_PASSWORD
      value: hunter2
    - name: LOG_LEVEL
      value: debug
  password:
  token: \"quoted\"
";
        // A 12.x client's string `existingSecret` is the client secret itself; `{name: ...}` names a Secret.
        let want = "# a comment: secret words in it stay
global:
  identity:
    auth:
      operate:
        existingSecret: <redacted>
        clientSecret: <redacted>
      zeebe:
        existingSecret:
          name: zeebe-credentials
  elasticsearch:
    password: <redacted>
      <redacted>
      <redacted>
    url: http://es:9200
    auth: {\"password\":\"<redacted>\"}
connectors:
  env:
    - name: DB_PASSWORD
      value: <redacted>
    - name: LOG_LEVEL
      value: debug
  password:
  token: <redacted>
";
        assert_eq!(redact_text(text), want);
    }

    #[test]
    fn scalars_are_read_without_quotes_and_comments() {
        assert_eq!(scalar_text("\"a\\\"b\" # c"), "a\"b");
        assert_eq!(scalar_text("'it''s' # c"), "it's");
        assert_eq!(scalar_text("plain#not-a-comment  # comment"), "plain#not-a-comment");
        let text = "env:\n  - name: SIGNING_KEY\n    value: \"Zq8#rT2!mW9xLp4K\"   # random: hidden\n";
        assert_eq!(redact_text(text), "env:\n  - name: SIGNING_KEY\n    value: <redacted>\n");
    }

    #[test]
    fn summary_lists_added_changed_and_removed_objects() {
        let objs = |y: &str| crate::preflight::parse_manifest("t", y).unwrap();
        let old = objs(
            "kind: A\nmetadata: {name: a}\n---\nkind: B\nmetadata: {name: b}\n---\nkind: C\nmetadata: {name: c}\n",
        );
        let new = objs(
            "kind: A\nmetadata: {name: a}\n---\nkind: B\nmetadata: {name: b}\nspec: {x: 1}\n---\n\
             kind: D\nmetadata: {name: d, namespace: o}\n",
        );
        let s = summarise(&old, &new, "ns");
        assert_eq!(
            s,
            Summary {
                added: vec!["D/d (namespace o)".into()],
                removed: vec!["C/c".into()],
                changed: vec!["B/b".into()],
                unchanged: 1
            }
        );
        assert_eq!(
            s.render(),
            "Objects: 1 added, 1 changed, 1 removed, 1 unchanged\n  + D/d (namespace o)\n  ~ B/b\n  - C/c\n"
        );
    }
}
