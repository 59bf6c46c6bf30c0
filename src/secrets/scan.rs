//! What 8.7 values say about secrets: for every row of the table, whether the release used a
//! chart-generated Secret, a plaintext literal, the user's own Secret, or nothing (component
//! off); and every other plaintext secret in the values (by key name and by shape, the one
//! notion in `migrate::report`), each with the consolidated key and the 8.8 key it moves to.

use std::fmt;

use serde_json::Value;

use super::table::{Origin, Reference, Row, ROWS};
use crate::error::Location;
use crate::migrate::derive::{ran_in_87, Ctx};
use crate::migrate::report::{is_secret_env, is_secret_value};
use crate::migrate::rules::{self, Action, Special, CAMUNDA};
use crate::migrate::Options;
use crate::values::Sources;
use crate::yaml::join_path;

/// A secret's bytes. Never printed: `Debug` says `<redacted>`, there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(Vec<u8>);

impl SecretValue {
    pub fn new(bytes: Vec<u8>) -> SecretValue {
        SecretValue(bytes)
    }
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
    /// As the text Helm renders for a scalar (strings as they are, numbers in decimal).
    fn of(v: &Value) -> Option<SecretValue> {
        match v {
            Value::String(s) if !s.is_empty() => Some(SecretValue(s.as_bytes().to_vec())),
            Value::Number(n) => Some(SecretValue(n.to_string().into_bytes())),
            _ => None,
        }
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(<redacted>)")
    }
}

/// What became of one table row in this release.
#[derive(Debug, Clone)]
pub enum Status {
    /// The 12.x chart generated it: read data key `data_key` of Secret `secret`
    /// (`None` when the release name is not known).
    FromSecret { secret: Option<String>, data_key: &'static str },
    /// From the values: the plaintext literal `literals[i]`, or the 12.x default.
    FromValues { literal: Option<usize> },
    /// 8.7 used the user's own Secret (`key` names it): left alone.
    LeftAlone { key: &'static str, secret: String },
    /// The component did not run in 8.7 (`switch` was off).
    Off { switch: &'static str },
    /// A values-only secret the values do not set.
    Absent,
}

#[derive(Debug, Clone)]
pub struct RowState {
    pub row: &'static Row,
    pub status: Status,
}

/// Where a plaintext literal goes in 8.8.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// These 8.8 keys name the Secret and the key; the literal's own key goes away.
    Keys { name_key: String, key_key: String },
    /// An env var of the 8.8 list at `list`: `value` becomes `valueFrom.secretKeyRef`.
    Env { list: Vec<String>, name: String },
    /// Unused by 8.7 (the reason says why); left where it is.
    Unused(String),
    /// No 8.8 key takes a Secret reference for it: to be moved by hand.
    Manual,
}

/// A plaintext secret in the values.
#[derive(Debug, Clone)]
pub struct Literal {
    /// The 8.7 key (an env var: the list, then `[i]`).
    pub path: Vec<String>,
    /// For messages: `zeebe.env[2] (DB_PASSWORD)`.
    pub shown: String,
    pub location: Option<Location>,
    pub value: SecretValue,
    /// Its key in the consolidated Secret.
    pub key: String,
    pub target: Target,
    /// The table row it belongs to.
    pub row: Option<&'static Row>,
}

impl Literal {
    /// Does this literal's value go into the consolidated Secret from the values?
    /// (A generated Secret already holds the literals of its row.)
    pub fn from_values(&self) -> bool {
        !matches!(self.target, Target::Unused(_)) && self.row.is_none_or(|r| r.origin == Origin::Values)
    }
}

/// Everything `plan`, `extract` and `migrate --secret-name` need to know.
#[derive(Debug, Clone)]
pub struct Inventory {
    pub rows: Vec<RowState>,
    pub literals: Vec<Literal>,
    /// Did 8.7 run Management Identity or Identity authentication?
    pub identity: bool,
}

/// Where a consolidated key's value comes from.
#[derive(Debug, Clone)]
pub enum Source {
    Cluster { secret: String, data_key: &'static str, required: bool },
    Literal(usize),
    Default(&'static str),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub source: Source,
    /// 8.8 keys that reference it in the overlay (none: env vars and keys without one).
    pub overlay: Option<(String, String)>,
    pub row: Option<&'static Row>,
}

impl Inventory {
    /// The consolidated Secret's keys, in table order, then the other literals.
    pub fn entries(&self) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for rs in &self.rows {
            let r = rs.row;
            let overlay = r.name_key.zip(r.key_key).map(|(n, k)| (n.to_string(), k.to_string()));
            let source = match &rs.status {
                Status::FromSecret { secret: Some(secret), data_key } => {
                    Source::Cluster { secret: secret.clone(), data_key, required: r.required }
                }
                Status::FromSecret { secret: None, data_key } => {
                    let secret = match r.origin {
                        Origin::Generated { secret, .. } => secret.pattern(),
                        Origin::Values => unreachable!("values rows are never read from a Secret"),
                    };
                    Source::Cluster { secret, data_key, required: r.required }
                }
                Status::FromValues { literal: Some(i) } => Source::Literal(*i),
                Status::FromValues { literal: None } => match r.default_87 {
                    Some(d) => Source::Default(d),
                    None => continue,
                },
                _ => continue,
            };
            out.push(Entry { key: r.consolidated.to_string(), source, overlay, row: Some(r) });
        }
        for (i, l) in self.literals.iter().enumerate() {
            if l.row.is_some() || !l.from_values() || out.iter().any(|e| e.key == l.key) {
                continue;
            }
            let overlay = match &l.target {
                Target::Keys { name_key, key_key } => Some((name_key.clone(), key_key.clone())),
                _ => None,
            };
            out.push(Entry { key: l.key.clone(), source: Source::Literal(i), overlay, row: None });
        }
        out
    }

    /// Two literals that would share a consolidated key with different values.
    pub fn conflicts(&self) -> Vec<(&Literal, &Literal)> {
        let mut out = Vec::new();
        let used: Vec<&Literal> = self.literals.iter().filter(|l| l.from_values()).collect();
        for (i, a) in used.iter().enumerate() {
            for b in &used[i + 1..] {
                if a.key == b.key && a.value != b.value {
                    out.push((*a, *b));
                }
            }
        }
        out
    }
}

/// Take stock of `sources` (8.7 values) for release `release` (when known).
pub fn inventory(sources: &Sources, release: Option<&str>) -> Inventory {
    let options = Options::default();
    let ctx = Ctx { sources, merged: &sources.merged, options: &options };
    let values = &sources.merged;
    let mut literals = Vec::new();
    let mut rows = Vec::new();
    for row in ROWS {
        let off = row.when.iter().find(|k| !ran_in_87(values, k)).copied();
        let reference = row.reference.and_then(|r| referenced(values, r).map(|s| (r.key(), s)));
        // The plaintext keys set, the chart's preferred one first.
        let mut used_literal = None;
        for key in row.literal {
            let path = ctx.path(key);
            let Some(value) = ctx.get_p(&path).filter(|v| !is_map_reference(row, key, v)).and_then(SecretValue::of)
            else {
                continue;
            };
            let target = if let Some(sw) = off {
                Target::Unused(format!("{sw} is off in 8.7"))
            } else if let Some((k, s)) = &reference {
                Target::Unused(format!("8.7 used the Secret {s} named by {k}"))
            } else if let Some(first) = used_literal {
                let first: &Literal = &literals[first];
                Target::Unused(format!("{} takes precedence", join_path(&first.path)))
            } else {
                match (row.name_key, row.key_key) {
                    (Some(n), Some(k)) => Target::Keys { name_key: n.into(), key_key: k.into() },
                    _ => Target::Unused("8.8 has no use for it".into()),
                }
            };
            let is_used = !matches!(target, Target::Unused(_));
            literals.push(Literal {
                shown: join_path(&path),
                location: ctx.loc(&path),
                path,
                value,
                key: row.consolidated.to_string(),
                target,
                row: Some(row),
            });
            if is_used {
                used_literal = Some(literals.len() - 1);
            }
        }
        let status = if let Some(switch) = off {
            Status::Off { switch }
        } else if let Some((key, secret)) = reference {
            Status::LeftAlone { key, secret }
        } else {
            match row.origin {
                Origin::Generated { secret, data_key } => {
                    Status::FromSecret { secret: release.map(|r| secret.resolve(r, values)), data_key }
                }
                Origin::Values if used_literal.is_some() => Status::FromValues { literal: used_literal },
                Origin::Values if row.default_87.is_some() => Status::FromValues { literal: None },
                Origin::Values => Status::Absent,
            }
        };
        rows.push(RowState { row, status });
    }
    walk(&ctx, values, &mut Vec::new(), &mut literals);
    let identity = ran_in_87(values, "identity.enabled") || ran_in_87(values, super::table::AUTH);
    Inventory { rows, literals, identity }
}

/// The Secret name an 8.7 reference key holds, if it holds one.
fn referenced(values: &Value, r: Reference) -> Option<String> {
    let path: Vec<&str> = r.key().split('.').collect();
    let v = crate::yaml::value::get_path(values, &path)?;
    let name = match (r, v) {
        (Reference::Name(_), Value::String(s)) => s,
        (Reference::MapName(_), Value::Object(m)) => m.get("name")?.as_str()?,
        _ => return None,
    };
    (!name.is_empty()).then(|| name.to_string())
}

/// `{name: X}` at a `MapName` key is a reference, not a literal.
fn is_map_reference(row: &Row, key: &str, v: &Value) -> bool {
    matches!(row.reference, Some(Reference::MapName(k)) if k == key) && v.is_object()
}

/// Mappings whose keys are not settings (their values are never moved into a Secret).
const OPAQUE: [&str; 6] = ["annotations", "labels", "podLabels", "podAnnotations", "nodeSelector", "commonLabels"];

fn walk(ctx: &Ctx, v: &Value, path: &mut Vec<String>, out: &mut Vec<Literal>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                path.push(k.clone());
                let dotted = join_path(path);
                if OPAQUE.iter().any(|o| o.eq_ignore_ascii_case(k)) || super::table::is_literal_key(&dotted) {
                    // Table keys were judged with their row.
                } else if k == "env" && child.is_array() {
                    env(ctx, child, path, out);
                } else if child.is_object() || child.is_array() {
                    walk(ctx, child, path, out);
                } else if let Some(value) = SecretValue::of(child).filter(|_| is_secret_value(&dotted, child)) {
                    let (key, target) = keyed(path);
                    out.push(Literal {
                        shown: dotted,
                        location: ctx.loc(path),
                        path: path.clone(),
                        value,
                        key,
                        target,
                        row: None,
                    });
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(format!("[{i}]"));
                walk(ctx, item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A literal at a mapping key: `<x>.secret.inlineSecret` has sibling reference keys in 8.8;
/// any other key has none.
fn keyed(path: &[String]) -> (String, Target) {
    let n = path.len();
    if n >= 2 && path[n - 1] == "inlineSecret" && path[n - 2] == "secret" {
        if let Some(to) = path_88(&path[..n - 1]) {
            let at = |k: &str| join_path(&[to.clone(), vec![k.to_string()]].concat());
            let key = kebab(&path[..n - 2]);
            return (key, Target::Keys { name_key: at("existingSecret"), key_key: at("existingSecretKey") });
        }
    }
    (kebab(path), Target::Manual)
}

/// Secret-looking env vars of the list at `path`.
fn env(ctx: &Ctx, list: &Value, path: &[String], out: &mut Vec<Literal>) {
    let Value::Array(items) = list else { return };
    let to = path_88(path);
    for (i, item) in items.iter().enumerate() {
        let Some(name) = item.get("name").and_then(Value::as_str) else { continue };
        let Some(v) = item.get("value") else { continue };
        let Some(value) = SecretValue::of(v).filter(|_| is_secret_env(name, v)) else { continue };
        let (key, target) = match &to {
            // Env lists inside containers of a list (sidecars[0].env) have no stable 8.8 path.
            Some(to) if !to.iter().any(|p| p.starts_with('[')) => {
                let prefix = &to[..to.len() - 1];
                (
                    format!("{}-{}", kebab(prefix), kebab(&[name.to_string()])),
                    Target::Env { list: to.clone(), name: name.into() },
                )
            }
            Some(_) => (format!("{}-{}", kebab(&path[..path.len() - 1]), kebab(&[name.to_string()])), Target::Manual),
            None => (
                kebab(&[path.to_vec(), vec![name.to_string()]].concat()),
                Target::Unused("the migration drops this list".into()),
            ),
        };
        let mut at = path.to_vec();
        at.push(format!("[{i}]"));
        out.push(Literal {
            shown: format!("{} ({name})", join_path(&at)),
            location: ctx.item_loc(path, i),
            path: at,
            value,
            key,
            target,
            row: None,
        });
    }
}

/// Where the migration puts the 8.7 key `path` (None: it drops it).
pub fn path_88(path: &[String]) -> Option<Vec<String>> {
    let map = |rule: &rules::Rule, at: &[String], rest: &[String]| -> Option<Vec<String>> {
        let to = match rule.action {
            Action::Move(to) | Action::MoveAsString(to) | Action::MoveReplacing { to, .. } => to,
            Action::DropIfDefault { to, .. } => to,
            // A derivation writes a plain path (the free-form keys that are joined).
            Action::Special(Special::Derived(to)) if to.contains('.') && !to.contains(['{', ' ']) => to,
            _ => return None,
        };
        let mut out = rules::target(rule.from, to, at);
        out.extend_from_slice(rest);
        Some(out)
    };
    for n in (1..=path.len()).rev() {
        if let Some(rule) = rules::exact_rule(CAMUNDA, &path[..n]) {
            return map(rule, &path[..n], &path[n..]);
        }
    }
    match rules::glob_rule(CAMUNDA, path) {
        Some((rule, _)) => map(rule, path, &[]),
        None => Some(path.to_vec()),
    }
}

/// A Secret data key from key parts: `connectors.inbound.apiToken` -> `connectors-inbound-api-token`.
pub fn kebab(parts: &[String]) -> String {
    let mut out = String::new();
    let parts = parts.iter().filter(|p| !p.starts_with('[')).skip_while(|p| *p == "global");
    for part in parts {
        let mut prev_lower = false;
        if !out.is_empty() {
            out.push('-');
        }
        for c in part.chars() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('-');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(if c.is_ascii_alphanumeric() || c == '.' { c.to_ascii_lowercase() } else { '-' });
        }
    }
    let mut clean = String::with_capacity(out.len());
    for c in out.chars() {
        if !(c == '-' && (clean.is_empty() || clean.ends_with('-'))) {
            clean.push(c);
        }
    }
    let clean = clean.trim_end_matches('-');
    if clean.is_empty() {
        "secret".into()
    } else {
        clean.chars().take(253).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Source;

    fn inv(yaml: &str) -> Inventory {
        let s = Sources::new(vec![Source::from_text("v.yaml", None, yaml.to_string()).unwrap()]);
        inventory(&s, Some("camunda"))
    }

    fn status<'a>(i: &'a Inventory, id: &str) -> &'a Status {
        &i.rows.iter().find(|r| r.row.id == id).unwrap().status
    }

    #[test]
    fn defaults_of_12x() {
        let i = inv("{}");
        assert!(
            matches!(status(&i, "keycloak-admin"),
                Status::FromSecret { secret: Some(s), .. } if s == "camunda-keycloak")
        );
        assert!(matches!(status(&i, "orchestration-client"), Status::FromSecret { .. }));
        assert!(matches!(status(&i, "console-client"), Status::Off { switch: "console.enabled" }));
        assert!(matches!(status(&i, "webmodeler-postgresql-admin"), Status::Off { .. }));
        assert!(matches!(status(&i, "identity-first-user"), Status::FromValues { literal: None }));
        assert!(matches!(status(&i, "elasticsearch"), Status::Absent));
        assert!(i.literals.is_empty());
        assert!(i.identity);
        let keys: Vec<String> = i.entries().into_iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            [
                "identity-connectors-client-token",
                "identity-optimize-client-token",
                "identity-orchestration-client-token",
                "identity-keycloak-admin-password",
                "identity-keycloak-postgresql-admin-password",
                "identity-keycloak-postgresql-user-password",
                "identity-firstuser-password"
            ]
        );
    }

    #[test]
    fn references_literals_and_shapes() {
        let i = inv(
            "global:\n  identity:\n    auth:\n      zeebe:\n        existingSecret: s3cr3t-literal\n\
             \x20     connectors:\n        existingSecret:\n          name: mine\n\
             identityKeycloak:\n  auth:\n    existingSecret: kc\n    adminPassword: unused1\n\
             zeebe:\n  env:\n    - name: DB_PASSWORD\n      value: pw1\n    - name: LOG_LEVEL\n      value: debug\n\
             connectors:\n  env:\n    - name: API_KEY\n      value: k1\n\
             \x20 custom:\n    apiToken: tok\n    signingKey: Zx8#kLm2Qp9!vR\n    hostKey: plain-name\n\
             identity:\n  firstUser:\n    password: fu\n  podAnnotations:\n    vault-secret: not-moved\n",
        );
        assert!(matches!(status(&i, "connectors-client"), Status::LeftAlone { secret, .. } if secret == "mine"));
        assert!(matches!(status(&i, "keycloak-admin"), Status::LeftAlone { .. }));
        assert!(matches!(status(&i, "identity-first-user"), Status::FromValues { literal: Some(_) }));
        let shown: Vec<(&str, &str, &Target)> =
            i.literals.iter().map(|l| (l.shown.as_str(), l.key.as_str(), &l.target)).collect();
        let find = |s: &str| shown.iter().find(|x| x.0 == s).unwrap_or_else(|| panic!("{s} in {shown:?}"));
        assert!(matches!(find("global.identity.auth.zeebe.existingSecret").2, Target::Keys { .. }));
        assert!(matches!(find("identityKeycloak.auth.adminPassword").2, Target::Unused(_)));
        assert_eq!(find("zeebe.env[0] (DB_PASSWORD)").1, "orchestration-db-password");
        assert!(
            matches!(find("zeebe.env[0] (DB_PASSWORD)").2,
                Target::Env { list, .. } if list == &["orchestration", "env"])
        );
        assert_eq!(find("connectors.env[0] (API_KEY)").1, "connectors-api-key");
        assert_eq!(*find("connectors.custom.apiToken").2, Target::Manual);
        assert_eq!(find("connectors.custom.apiToken").1, "connectors-custom-api-token");
        assert_eq!(*find("connectors.custom.signingKey").2, Target::Manual);
        assert!(!shown.iter().any(|x| x.0.contains("hostKey") || x.0.contains("LOG_LEVEL") || x.0.contains("vault")));
        // Nothing prints a value.
        assert!(!format!("{i:?}").contains("pw1") && !format!("{i:?}").contains("s3cr3t"));
    }

    #[test]
    fn inline_secrets_and_precedence() {
        let i = inv(
            "global:\n  elasticsearch:\n    tls:\n      jks:\n        secret:\n          inlineSecret: jks-pw\n\
             webModeler:\n  enabled: true\n  restapi:\n    externalDatabase:\n\
             \x20     existingSecret: lit\n      password: other\n",
        );
        let l = i.literals.iter().find(|l| l.shown.ends_with("inlineSecret")).unwrap();
        assert_eq!(l.key, "elasticsearch-tls-jks");
        assert!(
            matches!(&l.target,
                Target::Keys { name_key, .. } if name_key == "global.elasticsearch.tls.jks.secret.existingSecret")
        );
        let pw = i.literals.iter().find(|l| l.shown.ends_with("password")).unwrap();
        assert!(matches!(&pw.target, Target::Unused(r) if r.contains("existingSecret takes precedence")));
    }

    #[test]
    fn keys() {
        let p = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(kebab(&p("global.elasticsearch.auth")), "elasticsearch-auth");
        assert_eq!(kebab(&["DB_PASSWORD".to_string()]), "db-password");
        assert_eq!(path_88(&p("zeebe.env")).unwrap(), p("orchestration.env"));
        assert_eq!(path_88(&p("identity.keycloak.env")).unwrap(), p("identityKeycloak.env"));
        assert_eq!(path_88(&p("connectors.env")).unwrap(), p("connectors.env"));
        assert!(path_88(&p("zeebeGateway.foo")).is_none());
    }
}
