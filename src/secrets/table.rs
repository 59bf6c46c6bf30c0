//! The one table of the secrets an 8.7 -> 8.8 upgrade carries over: which Secret the 12.x
//! chart generated for which component (name, data key), the key each gets in the
//! consolidated Secret, the 8.7 values keys that may hold it as plaintext or already point at
//! a Secret of the user's, and the 8.8 values keys that reference it. `secrets plan`,
//! `secrets extract`, the overlay writer, `migrate --secret-name`, the README table
//! (`secrets plan --table`) and the tests all read it.
//!
//! Sources: the upgrade guide's "Secrets" table (generated Secrets, data keys, consolidated
//! keys, 8.8 keys), the 12.x and 13.x values.yaml (switches, `nameOverride`s, which
//! `existingSecret` is a literal), and a real 12.x render (Secret names).

/// Where the value lives in 8.7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// In a Secret the 12.x chart generated (random, or the plaintext literal of `literal`).
    Generated { secret: SecretName, data_key: &'static str },
    /// Only in the values, as a plaintext literal (or the 12.x default).
    Values,
}

/// How the 12.x chart names a generated Secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretName {
    /// `<release>-<suffix>` (Camunda's own templates).
    Release(&'static str),
    /// Bitnami's `common.names.fullname` of the subchart configured under `values`:
    /// `<values>.fullnameOverride`, else `<release>-<name>` (just `<release>` when it already
    /// contains the name), where `name` is `<values>.nameOverride` or this default.
    Bitnami { values: &'static str, name: &'static str },
}

/// How 8.7 values say "use my own Secret" instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// The key holds a Secret name (Bitnami charts and most Camunda keys).
    Name(&'static str),
    /// `{name: X}` names a Secret; a plain string at the same key is the secret itself
    /// (the 12.x `[string,object]` keys of the Identity clients and Web Modeler).
    MapName(&'static str),
}

impl Reference {
    pub fn key(self) -> &'static str {
        match self {
            Reference::Name(k) | Reference::MapName(k) => k,
        }
    }
}

/// One value that moves into the consolidated Secret.
#[derive(Debug)]
pub struct Row {
    /// Stable id (JSON output, tests).
    pub id: &'static str,
    pub title: &'static str,
    /// 12.x switches that must all be on for 8.7 to have used it (see `migrate::derive::ran_in_87`).
    pub when: &'static [&'static str],
    pub origin: Origin,
    /// Its key in the consolidated Secret.
    pub consolidated: &'static str,
    /// 8.7 values keys that hold it as plaintext, the one the chart prefers first.
    pub literal: &'static [&'static str],
    /// The 8.7 values key that points at an existing Secret instead (then it is left alone).
    pub reference: Option<Reference>,
    /// 8.8 values keys naming the Secret and the key in it (none: 8.8 has no use for it).
    pub name_key: Option<&'static str>,
    pub key_key: Option<&'static str>,
    /// Must the generated Secret hold this data key? (Bitnami writes the user password
    /// only when there is a database user besides `postgres`.)
    pub required: bool,
    /// The 12.x default value 8.7 ran with when the values set none (public, not a secret
    /// of the user's, but 13.x expects it in the Secret).
    pub default_87: Option<&'static str>,
}

/// The 12.x switch of Identity authentication (on by default); the client secrets exist only with it.
pub const AUTH: &str = "global.identity.auth.enabled";

const fn generated(
    id: &'static str,
    title: &'static str,
    when: &'static [&'static str],
    secret: SecretName,
    data_key: &'static str,
    consolidated: &'static str,
) -> Row {
    Row {
        id,
        title,
        when,
        origin: Origin::Generated { secret, data_key },
        consolidated,
        literal: &[],
        reference: None,
        name_key: None,
        key_key: None,
        required: true,
        default_87: None,
    }
}

const fn values(
    id: &'static str,
    title: &'static str,
    when: &'static [&'static str],
    consolidated: &'static str,
) -> Row {
    Row {
        id,
        title,
        when,
        origin: Origin::Values,
        consolidated,
        literal: &[],
        reference: None,
        name_key: None,
        key_key: None,
        required: true,
        default_87: None,
    }
}

impl Row {
    const fn literal(mut self, keys: &'static [&'static str]) -> Row {
        self.literal = keys;
        self
    }
    const fn reference(mut self, r: Reference) -> Row {
        self.reference = Some(r);
        self
    }
    const fn to(mut self, name_key: &'static str, key_key: &'static str) -> Row {
        self.name_key = Some(name_key);
        self.key_key = Some(key_key);
        self
    }
    const fn optional(mut self) -> Row {
        self.required = false;
        self
    }
    const fn default_87(mut self, v: &'static str) -> Row {
        self.default_87 = Some(v);
        self
    }
}

use Reference::{MapName, Name};
use SecretName::{Bitnami, Release};

const KC_PG: SecretName = Bitnami { values: "identityKeycloak.postgresql", name: "postgresql" };
const ID_PG: SecretName = Bitnami { values: "identityPostgresql", name: "identity-postgresql" };
const WM_PG: SecretName = Bitnami { values: "postgresql", name: "postgresql-web-modeler" };

/// Every secret the upgrade carries over, in the order they are shown and written.
pub static ROWS: &[Row] = &[
    // --- Identity client secrets (the guide's client-token rows).
    generated(
        "connectors-client",
        "Connectors' Identity client secret",
        &["connectors.enabled", AUTH],
        Release("connectors-identity-secret"),
        "connectors-secret",
        "identity-connectors-client-token",
    )
    .literal(&["global.identity.auth.connectors.existingSecret"])
    .reference(MapName("global.identity.auth.connectors.existingSecret"))
    .to(
        "connectors.security.authentication.oidc.secret.existingSecret",
        "connectors.security.authentication.oidc.secret.existingSecretKey",
    ),
    generated(
        "console-client",
        "Console's Identity client secret",
        &["console.enabled", AUTH],
        Release("console-identity-secret"),
        "console-secret",
        "identity-console-client-token",
    )
    .reference(MapName("global.identity.auth.console.existingSecret"))
    .to("global.identity.auth.console.secret.existingSecret", "global.identity.auth.console.secret.existingSecretKey"),
    generated(
        "optimize-client",
        "Optimize's Identity client secret",
        &["optimize.enabled", AUTH],
        Release("optimize-identity-secret"),
        "optimize-secret",
        "identity-optimize-client-token",
    )
    .literal(&["global.identity.auth.optimize.existingSecret"])
    .reference(MapName("global.identity.auth.optimize.existingSecret"))
    .to(
        "global.identity.auth.optimize.secret.existingSecret",
        "global.identity.auth.optimize.secret.existingSecretKey",
    ),
    generated(
        "orchestration-client",
        "Zeebe's Identity client secret (the orchestration cluster's in 8.8)",
        &["zeebe.enabled", AUTH],
        Release("zeebe-identity-secret"),
        "zeebe-secret",
        "identity-orchestration-client-token",
    )
    .literal(&["global.identity.auth.zeebe.existingSecret"])
    .reference(MapName("global.identity.auth.zeebe.existingSecret"))
    .to(
        "orchestration.security.authentication.oidc.secret.existingSecret",
        "orchestration.security.authentication.oidc.secret.existingSecretKey",
    ),
    // --- Bundled databases and Keycloak (Bitnami subcharts).
    generated(
        "webmodeler-postgresql-admin",
        "Web Modeler PostgreSQL admin password",
        &["webModeler.enabled", "postgresql.enabled"],
        WM_PG,
        "postgres-password",
        "webmodeler-postgresql-admin-password",
    )
    .literal(&["postgresql.auth.postgresPassword"])
    .reference(Name("postgresql.auth.existingSecret"))
    .to("webModelerPostgresql.auth.existingSecret", "webModelerPostgresql.auth.secretKeys.adminPasswordKey"),
    generated(
        "webmodeler-postgresql-user",
        "Web Modeler PostgreSQL user password",
        &["webModeler.enabled", "postgresql.enabled"],
        WM_PG,
        "password",
        "webmodeler-postgresql-user-password",
    )
    .literal(&["postgresql.auth.password"])
    .reference(Name("postgresql.auth.existingSecret"))
    .to("webModelerPostgresql.auth.existingSecret", "webModelerPostgresql.auth.secretKeys.userPasswordKey")
    .optional(),
    generated(
        "identity-postgresql-admin",
        "Identity PostgreSQL admin password",
        &["identity.enabled", "identityPostgresql.enabled"],
        ID_PG,
        "postgres-password",
        "identity-postgresql-admin-password",
    )
    .literal(&["identityPostgresql.auth.postgresPassword"])
    .reference(Name("identityPostgresql.auth.existingSecret"))
    .to("identityPostgresql.auth.existingSecret", "identityPostgresql.auth.secretKeys.adminPasswordKey"),
    generated(
        "identity-postgresql-user",
        "Identity PostgreSQL user password",
        &["identity.enabled", "identityPostgresql.enabled"],
        ID_PG,
        "password",
        "identity-postgresql-user-password",
    )
    .literal(&["identityPostgresql.auth.password"])
    .reference(Name("identityPostgresql.auth.existingSecret"))
    .to("identityPostgresql.auth.existingSecret", "identityPostgresql.auth.secretKeys.userPasswordKey")
    .optional(),
    generated(
        "keycloak-admin",
        "Keycloak admin password",
        &["identityKeycloak.enabled"],
        Bitnami { values: "identityKeycloak", name: "keycloak" },
        "admin-password",
        "identity-keycloak-admin-password",
    )
    .literal(&["identityKeycloak.auth.adminPassword"])
    .reference(Name("identityKeycloak.auth.existingSecret"))
    .to("identityKeycloak.auth.existingSecret", "identityKeycloak.auth.passwordSecretKey"),
    generated(
        "keycloak-postgresql-admin",
        "Keycloak PostgreSQL admin password",
        &["identityKeycloak.enabled", "identityKeycloak.postgresql.enabled"],
        KC_PG,
        "postgres-password",
        "identity-keycloak-postgresql-admin-password",
    )
    .literal(&["identityKeycloak.postgresql.auth.postgresPassword"])
    .reference(Name("identityKeycloak.postgresql.auth.existingSecret"))
    .to(
        "identityKeycloak.postgresql.auth.existingSecret",
        "identityKeycloak.postgresql.auth.secretKeys.adminPasswordKey",
    ),
    generated(
        "keycloak-postgresql-user",
        "Keycloak PostgreSQL user password",
        &["identityKeycloak.enabled", "identityKeycloak.postgresql.enabled"],
        KC_PG,
        "password",
        "identity-keycloak-postgresql-user-password",
    )
    .literal(&["identityKeycloak.postgresql.auth.password"])
    .reference(Name("identityKeycloak.postgresql.auth.existingSecret"))
    .to(
        "identityKeycloak.postgresql.auth.existingSecret",
        "identityKeycloak.postgresql.auth.secretKeys.userPasswordKey",
    )
    .optional(),
    // --- Plaintext in the values only.
    values(
        "identity-first-user",
        "Management Identity first user's password",
        &["identity.enabled"],
        "identity-firstuser-password",
    )
    .literal(&["identity.firstUser.password"])
    .reference(Name("identity.firstUser.existingSecret"))
    .to("identity.firstUser.secret.existingSecret", "identity.firstUser.secret.existingSecretKey")
    .default_87("demo"),
    values(
        "identity-oidc-client",
        "Identity's own OIDC client secret (external provider)",
        &[AUTH],
        "identity-oidc-client-token",
    )
    .literal(&["global.identity.auth.identity.existingSecret"])
    .reference(MapName("global.identity.auth.identity.existingSecret"))
    .to(
        "global.identity.auth.identity.secret.existingSecret",
        "global.identity.auth.identity.secret.existingSecretKey",
    ),
    values(
        "identity-database",
        "Identity external database password",
        &["identity.enabled"],
        "identity-database-password",
    )
    .literal(&["identity.externalDatabase.password"])
    .reference(Name("identity.externalDatabase.existingSecret"))
    .to("identity.externalDatabase.secret.existingSecret", "identity.externalDatabase.secret.existingSecretKey"),
    values(
        "webmodeler-database",
        "Web Modeler external database password",
        &["webModeler.enabled"],
        "webmodeler-database-password",
    )
    .literal(&["webModeler.restapi.externalDatabase.existingSecret", "webModeler.restapi.externalDatabase.password"])
    .reference(MapName("webModeler.restapi.externalDatabase.existingSecret"))
    .to(
        "webModeler.restapi.externalDatabase.secret.existingSecret",
        "webModeler.restapi.externalDatabase.secret.existingSecretKey",
    ),
    values("webmodeler-smtp", "Web Modeler SMTP password", &["webModeler.enabled"], "webmodeler-smtp-password")
        .literal(&["webModeler.restapi.mail.existingSecret", "webModeler.restapi.mail.smtpPassword"])
        .reference(MapName("webModeler.restapi.mail.existingSecret"))
        .to("webModeler.restapi.mail.secret.existingSecret", "webModeler.restapi.mail.secret.existingSecretKey"),
    values("elasticsearch", "External Elasticsearch password", &[], "elasticsearch-password")
        .literal(&["global.elasticsearch.auth.password"])
        .reference(Name("global.elasticsearch.auth.existingSecret"))
        .to("global.elasticsearch.auth.secret.existingSecret", "global.elasticsearch.auth.secret.existingSecretKey"),
    values("opensearch", "External OpenSearch password", &[], "opensearch-password")
        .literal(&["global.opensearch.auth.password"])
        .reference(Name("global.opensearch.auth.existingSecret"))
        .to("global.opensearch.auth.secret.existingSecret", "global.opensearch.auth.secret.existingSecretKey"),
    values("license", "Camunda license key", &[], "camunda-license-key")
        .literal(&["global.license.key"])
        .reference(Name("global.license.existingSecret"))
        .to("global.license.secret.existingSecret", "global.license.secret.existingSecretKey"),
    // 8.8 serves Operate and Tasklist with the orchestration cluster's client: their 8.7
    // client secrets have no 8.8 key (still secrets, never shown).
    values(
        "operate-client",
        "Operate's Identity client secret (unused in 8.8)",
        &[AUTH],
        "identity-operate-client-token",
    )
    .literal(&["global.identity.auth.operate.existingSecret"])
    .reference(MapName("global.identity.auth.operate.existingSecret")),
    values(
        "tasklist-client",
        "Tasklist's Identity client secret (unused in 8.8)",
        &[AUTH],
        "identity-tasklist-client-token",
    )
    .literal(&["global.identity.auth.tasklist.existingSecret"])
    .reference(MapName("global.identity.auth.tasklist.existingSecret")),
];

/// Is `path` (dotted) an 8.7 key that holds a secret as plaintext when it is a string?
/// (`existingSecret` of an Identity client is the secret itself in 12.x.)
pub fn is_literal_key(path: &str) -> bool {
    ROWS.iter().any(|r| r.literal.contains(&path))
}

impl SecretName {
    /// The name in a release `release` with the user's 8.7 `values`.
    pub fn resolve(self, release: &str, values: &serde_json::Value) -> String {
        match self {
            SecretName::Release(suffix) => format!("{release}-{suffix}"),
            SecretName::Bitnami { values: at, name } => {
                let get = |k: &str| {
                    let path: Vec<&str> = at.split('.').chain([k]).collect();
                    crate::yaml::value::get_path(values, &path)
                        .and_then(|v| v.as_str())
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                };
                if let Some(full) = get("fullnameOverride") {
                    return trunc63(&full);
                }
                let name = get("nameOverride").unwrap_or_else(|| name.to_string());
                if release.contains(&name) {
                    trunc63(release)
                } else {
                    trunc63(&format!("{release}-{name}"))
                }
            }
        }
    }

    /// The name as a pattern for messages (`R-keycloak`).
    pub fn pattern(self) -> String {
        match self {
            SecretName::Release(suffix) => format!("<release>-{suffix}"),
            SecretName::Bitnami { name, .. } => format!("<release>-{name}"),
        }
    }
}

/// Helm's `trunc 63 | trimSuffix "-"`.
fn trunc63(s: &str) -> String {
    let cut: String = s.chars().take(63).collect();
    cut.strip_suffix('-').map(str::to_string).unwrap_or(cut)
}

/// The table as Markdown, for the README (`secrets plan --table`).
pub fn markdown_table() -> String {
    let mut s = String::from(
        "| 8.7 (chart 12.x) Secret / data key, or values key | when 8.7 ran | consolidated key \
         | 8.8 (chart 13.x) values keys |\n\
         |---|---|---|---|\n",
    );
    for r in ROWS {
        let from = match r.origin {
            Origin::Generated { secret, data_key } => {
                let lit = if r.literal.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (plaintext: {})",
                        r.literal.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    )
                };
                format!("`{}` / `{data_key}`{lit}", secret.pattern())
            }
            Origin::Values => r.literal.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "),
        };
        let when = if r.when.is_empty() {
            "always".to_string()
        } else {
            r.when.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" + ")
        };
        let to = match (r.name_key, r.key_key) {
            (Some(n), Some(k)) => format!("`{n}` + `{k}`"),
            _ => "none (not used in 8.8)".to_string(),
        };
        let left = r.reference.map(|x| format!("; left alone when `{}` names a Secret", x.key())).unwrap_or_default();
        s.push_str(&format!("| {from} | {when}{left} | `{}` | {to} |\n", r.consolidated));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn consolidated_keys_are_unique_and_valid() {
        let mut seen = std::collections::HashSet::new();
        for r in ROWS {
            assert!(seen.insert(r.consolidated), "{} twice", r.consolidated);
            assert!(r.consolidated.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_'));
            assert_eq!(r.name_key.is_some(), r.key_key.is_some(), "{}", r.id);
            if let Origin::Values = r.origin {
                assert!(!r.literal.is_empty(), "{}: a values-only row needs its plaintext key", r.id);
            }
        }
    }

    #[test]
    fn names_follow_the_12x_chart() {
        let none = json!({});
        let names: Vec<String> = ROWS
            .iter()
            .filter_map(|r| match r.origin {
                Origin::Generated { secret, .. } => Some(secret.resolve("camunda", &none)),
                Origin::Values => None,
            })
            .collect();
        // As a real 12.13.3 render names them for release `camunda`.
        for n in [
            "camunda-connectors-identity-secret",
            "camunda-zeebe-identity-secret",
            "camunda-keycloak",
            "camunda-postgresql",
        ] {
            assert!(names.contains(&n.to_string()), "{n}");
        }
        assert!(names.contains(&"camunda-postgresql-web-modeler".to_string()));
        assert!(names.contains(&"camunda-identity-postgresql".to_string()));
        let kc = Bitnami { values: "identityKeycloak", name: "keycloak" };
        assert_eq!(kc.resolve("my-keycloak", &none), "my-keycloak");
        assert_eq!(kc.resolve("c", &json!({"identityKeycloak": {"nameOverride": "kc"}})), "c-kc");
        assert_eq!(kc.resolve("c", &json!({"identityKeycloak": {"fullnameOverride": "the-kc"}})), "the-kc");
        assert_eq!(Release("x").resolve(&"r".repeat(70), &none), format!("{}-x", "r".repeat(70)));
        assert_eq!(kc.resolve(&format!("{}-", "a".repeat(62)), &none), "a".repeat(62));
    }

    #[test]
    fn literal_keys() {
        assert!(is_literal_key("global.identity.auth.zeebe.existingSecret"));
        assert!(is_literal_key("identityKeycloak.auth.adminPassword"));
        assert!(!is_literal_key("identityKeycloak.auth.existingSecret"));
    }
}
