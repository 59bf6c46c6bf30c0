//! `externalDatabase.*` -> `data.metadataConnection.*`, or, when the password
//! (or user) came from a Secret, `data.metadataSecretName`: the 1.18.0 chart
//! builds its connection Secret from literal values only, so a password kept
//! in a Secret must reach it as a whole connection URL in a Secret of its own.

use anyhow::Result;
use serde_json::{json, Value};

use super::defaults::target_connection;
use super::Deps;
use crate::migrate::derive::Derivations;
use crate::migrate::report::{Item, ItemKind};

const DB: &str = "airflow.externalDatabase";
const TO: &str = "airflow.data.metadataConnection";

/// (old field, new field)
const FIELDS: [(&str, &str); 5] =
    [("type", "protocol"), ("host", "host"), ("port", "port"), ("database", "db"), ("user", "user")];

pub(super) fn derive(x: &Deps, d: &mut Derivations) -> Result<()> {
    let user = x.user(DB);
    if let Some(u) = user {
        if !u.is_object() && !u.is_null() {
            return Err(x.shape_error(DB, "a mapping"));
        }
    }
    if x.old_on("airflow.postgresql.enabled") {
        if let Some(Value::Object(m)) = user {
            for k in m.keys() {
                x.drop_key(d, &format!("{DB}.{k}"), "unused: the embedded PostgreSQL was on");
            }
        }
        return Ok(());
    }
    let kind = x.old_str("airflow.externalDatabase.type");
    let protocol = match kind.as_str() {
        "mysql" => "mysql",
        "postgres" | "postgresql" => "postgresql",
        other => {
            d.blocker(x.item(ItemKind::Blocker, "airflow.externalDatabase.type", None).reason(format!(
                "database type {other:?}: the 1.18.0 chart connects to mysql or postgresql only. Fix: set type to \
                 mysql or postgres"
            )));
            return Ok(());
        }
    };
    let target = target_connection();
    let written = |new: &str, old_value: &Value| -> Value {
        match new {
            "protocol" => json!(protocol),
            _ => old_value.clone(),
        }
    };
    // Each field: moved as written (each file keeps its own), or written when
    // the user did not set it and it differs from what deps 1.11.3 sets.
    for (old, new) in FIELDS {
        let from = format!("{DB}.{old}");
        let Some(v) = x.old(&from).cloned() else { continue };
        let value = written(new, &v);
        let to = format!("{TO}.{new}");
        let same_as_target = target.get(new) == Some(&value);
        match x.user(&from) {
            Some(_) if value == v => {
                d.move_to(&x.ctx.path(&from), &x.ctx.path(&to));
                x.report_below(
                    d,
                    &from,
                    x.item(ItemKind::Moved, &from, Some(&to)).reason(if same_as_target {
                        "the same in deps 1.11.3"
                    } else {
                        ""
                    }),
                );
            }
            Some(_) => {
                x.set(d, &to, value.clone(), &[&from]);
                x.consume(
                    d,
                    &from,
                    x.item(ItemKind::Changed, &from, Some(&to))
                        .values(&from, Some(&v), Some(&value))
                        .reason("the 1.18.0 protocol name"),
                );
            }
            None if !same_as_target => x.set(d, &to, value, &[&from]),
            None => {}
        }
    }
    let secret = x.old_str("airflow.externalDatabase.passwordSecret");
    let user_secret = x.old_str("airflow.externalDatabase.userSecret");
    let password = x.old_str("airflow.externalDatabase.password");
    let properties = x.old_str("airflow.externalDatabase.properties");
    let params: Vec<(String, String)> = properties
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').map_or((p.to_string(), String::new()), |(k, v)| (k.to_string(), v.to_string())))
        .collect();
    let sslmode = params.iter().find(|(k, _)| k == "sslmode").map(|(_, v)| v.clone());
    let other_params: Vec<String> =
        params.iter().filter(|(k, _)| k != "sslmode").map(|(k, v)| format!("{k}={v}")).collect();
    if protocol == "postgresql" {
        // libpq's default was `prefer`; 1.18.0 (and deps 1.11.3) write `disable`.
        let mode = sslmode.clone().unwrap_or_else(|| "prefer".into());
        x.set(d, &format!("{TO}.sslmode"), json!(mode), &[&format!("{DB}.properties")]);
        d.extra.push(
            Item::new(ItemKind::Added, None, Some(format!("{TO}.sslmode")), None)
                .values("sslmode", None, Some(&json!(mode)))
                .reason(if sslmode.is_some() {
                    "from externalDatabase.properties"
                } else {
                    "the old connection used libpq's default (prefer); deps 1.11.3 would write disable"
                }),
        );
    }
    let via_secret = !secret.is_empty() || !user_secret.is_empty();
    if via_secret {
        let name = if secret.is_empty() { user_secret.clone() } else { secret.clone() };
        x.set(d, "airflow.data.metadataSecretName", json!(name), &[&format!("{DB}.passwordSecret")]);
        let key = x.old_str("airflow.externalDatabase.passwordSecretKey");
        let port = x.old_str("airflow.externalDatabase.port");
        let mut query = other_params.clone();
        if protocol == "postgresql" {
            query.push(format!("sslmode={}", sslmode.clone().unwrap_or_else(|| "prefer".into())));
        }
        let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
        let user_part =
            if user_secret.is_empty() { x.old_str("airflow.externalDatabase.user") } else { "<user>".into() };
        let url = format!(
            "{protocol}://{user_part}:<password>@{}:{port}/{}{query}",
            x.old_str("airflow.externalDatabase.host"),
            x.old_str("airflow.externalDatabase.database")
        );
        let from = if secret.is_empty() {
            "airflow.externalDatabase.userSecret"
        } else {
            "airflow.externalDatabase.passwordSecret"
        };
        d.manual(x.item(ItemKind::Manual, from, Some("airflow.data.metadataSecretName")).reason(format!(
            "before installing, add key `connection` = {url} to Secret {name} (the password from its key {key}, \
             URL-encoded), e.g. kubectl patch secret {name} -p '{{\"stringData\":{{\"connection\":\"{url}\"}}}}' with \
             <password> filled in"
        )));
    } else if !password.is_empty() {
        let from = format!("{DB}.password");
        if x.user(&from).is_some() {
            d.move_to(&x.ctx.path(&from), &x.ctx.path(&format!("{TO}.pass")));
        }
    } else {
        x.set(d, &format!("{TO}.pass"), json!(""), &[&format!("{DB}.password")]);
        d.extra.push(
            Item::new(ItemKind::Added, None, Some(format!("{TO}.pass")), None)
                .reason("the old chart connected without a password; deps 1.11.3 would send airflow_pass"),
        );
    }
    if !other_params.is_empty() && !via_secret {
        d.manual(
            x.item(ItemKind::Manual, "airflow.externalDatabase.properties", Some("airflow.data.metadataSecretName"))
                .reason(format!(
            "1.18.0 builds the connection without extra parameters ({}): put the whole URL with them into a Secret \
             (key connection) and set data.metadataSecretName",
            other_params.join("&")
        )),
        );
    }
    report_rest(x, d, user);
    Ok(())
}

/// Report (and take out) the user's externalDatabase keys that are not connection fields.
fn report_rest(x: &Deps, d: &mut Derivations, user: Option<&Value>) {
    let Some(Value::Object(m)) = user else { return };
    for (k, v) in m {
        if FIELDS.iter().any(|(old, _)| old == k) {
            continue;
        }
        let leaf = format!("{DB}.{k}");
        let (kind, to, reason): (ItemKind, Option<String>, &str) = match k.as_str() {
            "passwordSecret" | "userSecret" | "password" if v.as_str() == Some("") => {
                (ItemKind::Dropped, None, "empty: nothing to carry over")
            }
            "password" if d.ops.contains_key(&x.ctx.path(&leaf)) => {
                x.report_below(
                    d,
                    &leaf,
                    x.item(ItemKind::Moved, &leaf, Some(&format!("{TO}.pass")))
                        .reason("the password is pass in 1.18.0"),
                );
                continue;
            }
            "password" => (ItemKind::Dropped, None, "unused: the password comes from the Secret (see the manual step)"),
            "passwordSecret" | "userSecret" => (
                ItemKind::Changed,
                Some("airflow.data.metadataSecretName".into()),
                "the Secret must hold the whole connection URL (key connection): see the manual step",
            ),
            "passwordSecretKey" | "userSecretKey" => {
                (ItemKind::Dropped, None, "the Secret's key is connection in 1.18.0: see the manual step")
            }
            "properties" => (
                ItemKind::Dropped,
                None,
                "sslmode is carried (PostgreSQL); other parameters need data.metadataSecretName",
            ),
            _ => (ItemKind::Manual, None, "no equivalent in data.metadataConnection"),
        };
        let mut item = x.item(kind, &leaf, to.as_deref()).reason(reason);
        if matches!(kind, ItemKind::Dropped | ItemKind::Manual) {
            item = item.values(&leaf, Some(v), None);
        }
        x.consume(d, &leaf, item);
    }
}
