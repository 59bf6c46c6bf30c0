//! The migration report: one item per input leaf (and per added key), shown
//! grouped on stderr and written as JSON with `--report-json`.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::error::Location;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// Refused: the values cannot be migrated automatically.
    Blocker,
    /// Something the user must do by hand.
    Manual,
    /// Kept in place; a later version of this tool migrates it.
    Pending,
    /// Removed, with the reason.
    Dropped,
    /// Moved and its value changed (type or text).
    Changed,
    /// Moved to a new key, value unchanged.
    Moved,
    /// A key the migration adds.
    Added,
    /// Unchanged.
    Kept,
    /// What to do after the upgrade (does not change the exit code).
    Note,
}

impl ItemKind {
    fn heading(self) -> &'static str {
        match self {
            ItemKind::Blocker => "Blockers (the values were not migrated)",
            ItemKind::Manual => "Manual steps",
            ItemKind::Pending => "Not migrated yet (left in place)",
            ItemKind::Dropped => "Dropped",
            ItemKind::Changed => "Changed values",
            ItemKind::Moved => "Moved",
            ItemKind::Added => "Added",
            ItemKind::Kept => "Kept",
            ItemKind::Note => "Next steps",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub kind: ItemKind,
    /// The input key (absent for added keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The output key (absent for dropped keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// Input value (redacted for secret-looking keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// Output value when it differs from the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

impl Item {
    pub fn new(kind: ItemKind, from: Option<String>, to: Option<String>, location: Option<Location>) -> Item {
        let (file, line, column) = match location {
            Some(l) => (Some(l.file), (l.line > 0).then_some(l.line), (l.col > 0).then_some(l.col)),
            None => (None, None, None),
        };
        Item { kind, from, to, file, line, column, old: None, new: None, reason: String::new() }
    }

    /// Set the location (when the item was made without one).
    pub fn at(mut self, location: Option<Location>) -> Item {
        if let Some(l) = location {
            self.file = Some(l.file);
            self.line = (l.line > 0).then_some(l.line);
            self.column = (l.col > 0).then_some(l.col);
        }
        self
    }

    pub fn reason(mut self, r: impl Into<String>) -> Item {
        self.reason = r.into();
        self
    }

    pub fn values(mut self, key: &str, old: Option<&Value>, new: Option<&Value>) -> Item {
        let secret = is_secret_key(key);
        // An empty or null value hides nothing; saying so is more useful than `<redacted>`.
        let hide = |v: &Value| secret && !v.is_null() && v != &Value::String(String::new());
        self.old = old.map(|v| if hide(v) { redacted() } else { redact_deep(v) });
        self.new = new.map(|v| if hide(v) { redacted() } else { redact_deep(v) });
        self
    }

    fn location(&self) -> String {
        match (&self.file, self.line) {
            (Some(f), Some(l)) => format!("{f}:{l}"),
            (Some(f), None) => f.clone(),
            _ => String::new(),
        }
    }
}

/// Redact secret-looking keys inside a value, and `value` of list items
/// (env vars) whose `name` looks secret.
pub fn redact_deep(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let secret_name = m.get("name").and_then(Value::as_str).is_some_and(is_secret_key);
            Value::Object(
                m.iter()
                    .map(|(k, v)| {
                        let hide = (is_secret_key(k) || (secret_name && k == "value")) && !v.is_object() && !v.is_array();
                        let empty = v.is_null() || v == &Value::String(String::new());
                        (k.clone(), if hide && !empty { redacted() } else { redact_deep(v) })
                    })
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(redact_deep).collect()),
        other => other.clone(),
    }
}

fn redacted() -> Value {
    Value::String("<redacted>".into())
}

/// Keys whose values must never be shown. Names of Secrets and of keys inside
/// them are not secret; passwords, tokens and client secrets are.
pub fn is_secret_key(path: &str) -> bool {
    let last = path.rsplit(['.', '[']).next().unwrap_or(path).to_ascii_lowercase();
    let whole = path.to_ascii_lowercase();
    // Values that are keys themselves, whatever their name ends with (Airflow's signing and encryption keys).
    const VALUES: [&str; 4] = ["apisecretkey", "webserversecretkey", "fernetkey", "pass"];
    if VALUES.contains(&last.as_str()) || last.starts_with("airflow_conn_") {
        return true;
    }
    const NAMES: [&str; 6] = ["existingsecret", "existingsecretkey", "secretname", "passwordsecretkey", "secretkeys", "usernamekey"];
    if NAMES.iter().any(|n| last == *n)
        || last.ends_with("secretname")
        || last.ends_with("key\"]")
        || last.ends_with("secretkey")
        || last.ends_with("passwordkey")
        || last.ends_with("scope")
        || last.ends_with("url")
    {
        return false;
    }
    // A license key is a secret even though its own name is just `key`.
    if last == "key" && whole.contains("license") {
        return true;
    }
    ["password", "passwd", "secret", "token", "credential", "apikey", "privatekey", "passphrase", "license", "fernet", "sql_alchemy_conn"]
        .iter()
        .any(|w| last.contains(w) || (whole.contains(w) && (last == "value" || last == "inlinesecret")))
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Serialize)]
struct JsonReport<'a> {
    version: u32,
    migration: &'a str,
    inputs: &'a [String],
    summary: std::collections::BTreeMap<ItemKind, usize>,
    items: &'a [Item],
}

impl Report {
    pub fn push(&mut self, item: Item) {
        self.items.push(item);
    }

    pub fn count(&self, kind: ItemKind) -> usize {
        self.items.iter().filter(|i| i.kind == kind).count()
    }

    pub fn has(&self, kind: ItemKind) -> bool {
        self.items.iter().any(|i| i.kind == kind)
    }

    /// Human-readable, grouped; kept keys only counted.
    pub fn render_text(&self, title: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{title}");
        let kinds = [ItemKind::Blocker, ItemKind::Manual, ItemKind::Pending, ItemKind::Dropped, ItemKind::Changed, ItemKind::Moved, ItemKind::Added, ItemKind::Note];
        for kind in kinds {
            let items: Vec<&Item> = self.items.iter().filter(|i| i.kind == kind).collect();
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{} ({}):", kind.heading(), items.len());
            for i in items {
                let _ = writeln!(out, "  {}", line_for(i));
            }
        }
        let kept = self.count(ItemKind::Kept);
        let _ = writeln!(out, "\nKept unchanged: {kept} key{}", if kept == 1 { "" } else { "s" });
        out
    }

    pub fn to_json(&self, migration: &str, inputs: &[String]) -> String {
        let mut summary = std::collections::BTreeMap::new();
        for i in &self.items {
            *summary.entry(i.kind).or_insert(0) += 1;
        }
        let r = JsonReport { version: 1, migration, inputs, summary, items: &self.items };
        serde_json::to_string_pretty(&r).expect("report serialises") + "\n"
    }
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => crate::yaml::scalar::quote_str(s),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}...", s.chars().take(57).collect::<String>())
    } else {
        s
    }
}

fn line_for(i: &Item) -> String {
    let mut s = String::new();
    match (&i.from, &i.to) {
        (Some(f), Some(t)) if f != t => {
            let _ = write!(s, "{f} -> {t}");
        }
        (Some(f), _) => s.push_str(f),
        (None, Some(t)) => s.push_str(t),
        (None, None) => {}
    }
    let collection = |v: &Option<Value>| v.as_ref().is_some_and(|v| v.is_array() || v.is_object());
    match (&i.old, &i.new) {
        // Whole lists and mappings are too long for a line; the JSON report has them.
        _ if collection(&i.old) || collection(&i.new) => {}
        (Some(o), Some(n)) => {
            let _ = write!(s, ": {} -> {}", short(o), short(n));
        }
        (None, Some(n)) => {
            let _ = write!(s, ": {}", short(n));
        }
        (Some(o), None) if matches!(i.kind, ItemKind::Dropped | ItemKind::Manual) => {
            let _ = write!(s, " ({})", short(o));
        }
        _ => {}
    }
    if !i.reason.is_empty() {
        let _ = write!(s, " — {}", i.reason);
    }
    let loc = i.location();
    if !loc.is_empty() {
        let _ = write!(s, "  [{loc}]");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::is_secret_key;

    #[test]
    fn secrets() {
        assert!(is_secret_key("global.identity.auth.zeebe.password"));
        assert!(is_secret_key("identity.firstUser.password"));
        assert!(is_secret_key("orchestration.security.authentication.oidc.secret.inlineSecret"));
        assert!(!is_secret_key("zeebe.env[0].value"));
        assert!(!is_secret_key("global.identity.auth.zeebe.existingSecret"));
        assert!(!is_secret_key("global.identity.auth.zeebe.existingSecretKey"));
        assert!(!is_secret_key("identityKeycloak.auth.passwordSecretKey"));
        assert!(!is_secret_key("zeebe.clusterSize"));
        assert!(is_secret_key("airflow.fernetKey"));
        assert!(is_secret_key("airflow.airflow.webserverSecretKey"));
        assert!(is_secret_key("airflow.apiSecretKey"));
        assert!(is_secret_key("airflow.jwtSecret"));
        assert!(is_secret_key("airflow.data.metadataConnection.pass"));
        assert!(is_secret_key("airflow.airflow.config.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"));
        assert!(is_secret_key("airflow.airflow.config.AIRFLOW_CONN_MY_DB"));
        assert!(!is_secret_key("airflow.fernetKeySecretName"));
        assert!(!is_secret_key("airflow.data.metadataSecretName"));
        assert!(!is_secret_key("airflow.externalDatabase.passwordSecretKey"));
        assert!(is_secret_key("global.license.key"));
        assert!(!is_secret_key("global.identity.auth.tokenUrl"));
    }
}
