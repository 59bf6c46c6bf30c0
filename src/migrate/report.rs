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
        // An empty or null value hides nothing; saying so is more useful than `<redacted>`.
        let hide = |v: &Value| is_secret_value(key, v);
        self.old = old.map(|v| if hide(v) { redacted() } else { redact_at(key, v) });
        self.new = new.map(|v| if hide(v) { redacted() } else { redact_at(key, v) });
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
    redact_at("", v)
}

/// As `redact_deep`, for the value found at the dotted `path` (which decides what
/// a key inside it means, e.g. the 12.x literal form of `existingSecret`).
pub fn redact_at(path: &str, v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let name = m.get("name").and_then(Value::as_str);
            Value::Object(
                m.iter()
                    .map(|(k, v)| {
                        let at = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                        let env = k == "value" && name.is_some_and(|n| is_secret_env(n, v));
                        let hide = is_secret_value(&at, v) || env;
                        (k.clone(), if hide { redacted() } else { redact_at(&at, v) })
                    })
                    .collect(),
            )
        }
        // Items of a list under a secret key (`tokens: [...]`) are secrets too.
        Value::Array(a) => Value::Array(a.iter().map(|v| redact_at(path, v)).collect()),
        other if !path.is_empty() && is_secret_value(path, other) => redacted(),
        other => other.clone(),
    }
}

fn redacted() -> Value {
    Value::String("<redacted>".into())
}

/// Keys whose values must never be shown. Names of Secrets and of keys inside
/// them are not secret; passwords, tokens and client secrets are. `_` and `-`
/// are ignored, so env-style names (`DB_PASSWORD`, `API_KEY`) judge alike.
pub fn is_secret_key(path: &str) -> bool {
    let raw = path.rsplit(['.', '[']).next().unwrap_or(path);
    let last = normalise(raw);
    let whole = path.to_ascii_lowercase();
    // Values that are keys themselves, whatever their name ends with (Airflow's signing and encryption keys).
    const VALUES: [&str; 4] = ["apisecretkey", "webserversecretkey", "fernetkey", "pass"];
    if VALUES.contains(&last.as_str()) || raw.to_ascii_lowercase().starts_with("airflow_conn_") {
        return true;
    }
    if is_reference_name(raw, &last) || last.ends_with("scope") || last.ends_with("url") {
        return false;
    }
    // A license key is a secret even though its own name is just `key`.
    if last == "key" && whole.contains("license") {
        return true;
    }
    let whole = whole.replace(['_', '-'], "");
    SECRET_WORDS.iter().any(|w| last.contains(w) || (whole.contains(w) && (last == "value" || last == "inlinesecret")))
}

/// Words that make a key (or env var) name secret on their own (`_` and `-` removed).
const SECRET_WORDS: [&str; 11] = [
    "password",
    "passwd",
    "secret",
    "token",
    "credential",
    "apikey",
    "privatekey",
    "passphrase",
    "license",
    "fernet",
    "sqlalchemyconn",
];

/// Words that make a name *possibly* secret: its value counts as secret only when it
/// also looks random (`looks_random`), which keeps ids, paths and names out.
const WEAK_WORDS: [&str; 7] = ["key", "auth", "pass", "pwd", "salt", "signing", "cookie"];

/// Endings of names that hold no secret although they contain a weak word.
const PLAIN_ENDINGS: [&str; 12] =
    ["url", "uri", "path", "file", "name", "id", "enabled", "type", "size", "class", "method", "format"];

fn normalise(name: &str) -> String {
    name.trim_end_matches(['"', ']']).trim_start_matches(['[', '"']).to_ascii_lowercase().replace(['_', '-'], "")
}

/// Keys that name a Secret or a key inside one (`existingSecret`, `passwordSecretKey`, ...);
/// `raw` is the key as written, `last` normalised.
fn is_reference_name(raw: &str, last: &str) -> bool {
    const NAMES: [&str; 6] = ["existingsecret", "existingsecretkey", "secretname", "passwordsecretkey", "secretkeys", "usernamekey"];
    NAMES.contains(&last)
        || raw.to_ascii_lowercase().ends_with("key\"]")
        || last.ends_with("secretname")
        || last.ends_with("secretkey")
        || last.ends_with("passwordkey")
}

/// Is the value at the dotted `path` a secret? By its key's name (`is_secret_key`), by
/// the 12.x chart's meaning of the key (a string `existingSecret` of an Identity client
/// is the client secret itself: `secrets::table`), or by shape: a random-looking string
/// under a weakly secret name, or under a Secret-name key although no Secret can be
/// called that. Empty values and nulls hide nothing; collections are judged inside.
pub fn is_secret_value(path: &str, v: &Value) -> bool {
    let text = match v {
        Value::String(s) if !s.is_empty() => s.clone(),
        Value::Number(n) => n.to_string(),
        // A switch under a secret-looking name is hidden too (as it always was); it is no value by shape.
        Value::Bool(_) => return is_secret_key(path),
        _ => return false,
    };
    if is_secret_key(path) || crate::secrets::table::is_literal_key(path) {
        return true;
    }
    let raw = path.rsplit(['.', '[']).next().unwrap_or(path);
    let last = normalise(raw);
    if is_reference_name(raw, &last) {
        return !is_secret_name(&text) && looks_random(&text);
    }
    weak_name(&last) && looks_random(&text)
}

/// Is the env var `name` = `value` a secret? (By name, or a weak name with a random value.)
pub fn is_secret_env(name: &str, v: &Value) -> bool {
    let text = match v {
        Value::String(s) if !s.is_empty() => s.as_str(),
        Value::Number(_) => "",
        _ => return false,
    };
    is_secret_key(name) || (weak_name(&normalise(name)) && looks_random(text))
}

fn weak_name(last: &str) -> bool {
    WEAK_WORDS.iter().any(|w| last.contains(w)) && !PLAIN_ENDINGS.iter().any(|e| last.ends_with(e))
}

/// Could `s` name a Kubernetes Secret (a DNS-1123 subdomain)?
pub fn is_secret_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// A string that looks generated rather than written: at least 12 characters, no spaces, not a
/// URL or path, not a name/host/version (lowercase words and digits joined by `.` or `-`), three
/// kinds of characters (lower, upper, digit, other) or two with a digit from 20 characters on,
/// few repeated characters, and the kind of character changing often (as in random text, unlike
/// words and numbers written next to each other).
pub fn looks_random(s: &str) -> bool {
    let n = s.chars().count();
    if n < 12 || s.chars().any(char::is_whitespace) || s.contains("://") || s.starts_with('/') || s.starts_with("${") {
        return false;
    }
    if is_secret_name(s) && s.contains(['.', '-']) {
        return false;
    }
    let class = |c: char| match c {
        'a'..='z' => 0u8,
        'A'..='Z' => 1,
        '0'..='9' => 2,
        _ => 3,
    };
    let mut seen = [false; 4];
    s.chars().for_each(|c| seen[class(c) as usize] = true);
    let kinds = seen.iter().filter(|x| **x).count();
    let distinct = s.chars().collect::<std::collections::HashSet<_>>().len();
    let chars: Vec<u8> = s.chars().map(class).collect();
    let changes = chars.windows(2).filter(|w| w[0] != w[1]).count();
    (kinds >= 3 || (kinds == 2 && seen[2] && n >= 20)) && distinct * 2 >= n.min(40) && changes * 10 >= (n - 1) * 3
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
        // Env-style names judge as the words they are made of.
        assert!(is_secret_key("API_KEY") && is_secret_key("SPRING_DATASOURCE_PASSWORD"));
        assert!(is_secret_key("PRIVATE_KEY"));
        assert!(!is_secret_key("OPERATE_CLIENT_SCOPE") && !is_secret_key("LOG_LEVEL"));
    }

    #[test]
    fn secret_values_by_meaning_and_shape() {
        use super::{is_secret_env, is_secret_name, is_secret_value, looks_random};
        use serde_json::json;
        // 12.x: a string existingSecret of an Identity client is the client secret itself.
        assert!(is_secret_value("global.identity.auth.zeebe.existingSecret", &json!("camunda-credentials")));
        assert!(!is_secret_value("global.identity.auth.zeebe.existingSecret.name", &json!("camunda-credentials")));
        // Elsewhere it names a Secret, unless no Secret can be called that and it looks generated.
        assert!(!is_secret_value("identityKeycloak.auth.existingSecret", &json!("camunda-credentials")));
        assert!(is_secret_value("identityKeycloak.auth.existingSecret", &json!("x9Fk2LmQ7rT4vB8n")));
        // Weak names: only random-looking values.
        assert!(is_secret_value("connectors.signingKey", &json!("Zq8#rT2!mW9xLp4K")));
        assert!(!is_secret_value("connectors.signingKey", &json!("rsa-sha256")));
        assert!(!is_secret_value("connectors.hostKeyPath", &json!("Zq8#rT2!mW9xLp4K")));
        assert!(is_secret_env("HMAC_KEY", &json!("Zq8#rT2!mW9xLp4K")));
        assert!(!is_secret_env("CACHE_KEY", &json!("users-by-id")));
        assert!(is_secret_env("DB_PASSWORD", &json!("demo")) && !is_secret_env("DB_PASSWORD", &json!("")));
        assert!(super::redact_at("a.tokens", &json!(["t1", "t2"])) == json!(["<redacted>", "<redacted>"]));
        // Empty values and collections hide nothing.
        assert!(!is_secret_value("identity.firstUser.password", &json!("")));
        assert!(!is_secret_value("identity.firstUser.password", &json!(null)));
        assert!(is_secret_value("identity.firstUser.password", &json!(1234)));
        let plain = ["camunda-platform-12.13.3", "https://a.example.com/x?y=Z1", "/usr/local/camunda/data"];
        for plain in plain.into_iter().chain(["ThisIsJustCamelCase", "aaaaaaaaaaaaaaaaaaaaaaa1"]) {
            assert!(!looks_random(plain), "{plain}");
        }
        for random in ["7NfVYDyNONq2xW", "Zq8#rT2!mW9xLp4K", "3f9a1c07be42d8e6a5b1c9d0"] {
            assert!(looks_random(random), "{random}");
        }
        assert!(is_secret_name("camunda-credentials") && is_secret_name("a.b-c"));
        assert!(!is_secret_name("Camunda") && !is_secret_name("a..b"));
    }
}
