//! The keys Airflow encrypts and signs with. The fernet key is carried (the
//! airflow-helm 8.9.0 default too: every install that never set one encrypted
//! airflow_db with it). Airflow 3 signs with apiSecretKey and jwtSecret, which
//! the 1.18.0 chart draws anew on every render unless set; webserverSecretKey
//! does nothing on Airflow 3. With `--generate-secrets FILE` the migration
//! writes a Secret manifest holding stable keys (reusing those already in
//! FILE) and the values only name it; the keys are never printed.

use std::path::Path;

use anyhow::Result;
use serde_json::{json, Value};

use super::defaults::{COMMUNITY_FERNET_KEY, COMMUNITY_WEBSERVER_SECRET_KEY};
use super::Deps;
use crate::error::InputError;
use crate::migrate::derive::{Derivations, SideFile};
use crate::migrate::report::{Item, ItemKind};

const FERNET: &str = "airflow.airflow.fernetKey";
const WEBSERVER: &str = "airflow.airflow.webserverSecretKey";

/// (key in the Secret, value naming the Secret)
const SECRET_KEYS: [(&str, &str); 4] = [
    ("api-secret-key", "airflow.apiSecretKeySecretName"),
    ("jwt-secret", "airflow.jwtSecretName"),
    ("webserver-secret-key", "airflow.webserverSecretKeySecretName"),
    ("fernet-key", "airflow.fernetKeySecretName"),
];

pub(super) fn derive(x: &Deps, d: &mut Derivations) -> Result<()> {
    let Some(fernet) = fernet_key(x, d) else { return Ok(()) };
    let webserver = match x.user(WEBSERVER) {
        Some(Value::String(s)) if s != COMMUNITY_WEBSERVER_SECRET_KEY && !s.is_empty() => Some(s.clone()),
        Some(_) => {
            x.drop_key(
                d,
                WEBSERVER,
                "the public 8.9.0 default; deps 1.11.3 sets its own (and Airflow 3 does not use it)",
            );
            None
        }
        None => None,
    };
    match &x.ctx.options.generate_secrets {
        None => {
            if x.user(FERNET).is_some() {
                d.move_to(&x.ctx.path(FERNET), &x.ctx.path("airflow.fernetKey"));
            } else {
                d.add(
                    x.ctx,
                    "airflow.fernetKey",
                    json!(fernet),
                    "the airflow-helm 8.9.0 default key, which encrypted airflow_db (connections, variables); without \
                     it 1.18.0 draws a new one",
                );
            }
            if webserver.is_some() {
                d.move_to(&x.ctx.path(WEBSERVER), &x.ctx.path("airflow.webserverSecretKey"));
            }
            let set = [
                "airflow.apiSecretKey",
                "airflow.apiSecretKeySecretName",
                "airflow.jwtSecret",
                "airflow.jwtSecretName",
            ];
            if !set.iter().any(|k| x.user(k).is_some()) {
                let keys = "airflow.apiSecretKey, airflow.jwtSecret";
                d.manual(Item::new(ItemKind::Manual, None, Some(keys.into()), None).reason(
                    "Airflow 3 signs sessions and its API tokens with these; 1.18.0 draws new ones on every render, so \
                     pods of two renders disagree. Set both to stable random values (e.g. `openssl rand -hex 32`), or \
                     rerun with --generate-secrets FILE",
                ));
            }
        }
        Some(file) => generate(x, d, file, &fernet, webserver)?,
    }
    Ok(())
}

/// The fernet key the old release ran with, or None (with a manual step) when it cannot be known.
fn fernet_key(x: &Deps, d: &mut Derivations) -> Option<String> {
    let from_config =
        x.old("airflow.airflow.config.AIRFLOW__CORE__FERNET_KEY").and_then(Value::as_str).filter(|s| !s.is_empty());
    if let Some(k) = from_config {
        return Some(k.to_string());
    }
    match x.user(FERNET) {
        None => Some(COMMUNITY_FERNET_KEY.to_string()),
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(_) => {
            let item = x.item(ItemKind::Manual, FERNET, Some("airflow.fernetKey")).reason(format!(
                "no fernet key in the values: read AIRFLOW__CORE__FERNET_KEY from Secret {}-config-envs of the running \
                 release and set airflow.fernetKey (another key cannot decrypt airflow_db)",
                x.release
            ));
            x.consume(d, FERNET, item);
            None
        }
    }
}

fn generate(x: &Deps, d: &mut Derivations, file: &Path, fernet: &str, webserver: Option<String>) -> Result<()> {
    let name = format!("{}-airflow-keys", x.release);
    let existing = read_existing(file)?;
    let mut data: Vec<(&str, String)> = Vec::new();
    for (key, _) in SECRET_KEYS {
        let value = match key {
            "fernet-key" => fernet.to_string(),
            "webserver-secret-key" if webserver.is_some() => webserver.clone().unwrap_or_default(),
            _ => match existing.get(key).and_then(Value::as_str) {
                Some(v) if !v.is_empty() => v.to_string(),
                _ => random_hex(32)?,
            },
        };
        data.push((key, value));
    }
    for (from, key) in [(FERNET, "fernet-key"), (WEBSERVER, "webserver-secret-key")] {
        if x.user(from).is_some() && (from == FERNET || webserver.is_some()) {
            let to = format!("Secret {name} key {key}");
            let item = x
                .item(ItemKind::Moved, from, Some(&to))
                .reason(format!("carried into {} (not plaintext in the values)", file.display()));
            x.consume(d, from, item);
        }
    }
    for (key, value_key) in SECRET_KEYS {
        let why = match key {
            "fernet-key" => {
                "the carried fernet key, from the generated Secret (which, unlike the chart's own, also exists on an \
                 upgrade)"
            }
            "webserver-secret-key" => "stable; Airflow 2 only, deps 1.11.3's shared default is not used",
            _ => "a stable key from the generated Secret: 1.18.0 would draw a new one on every render",
        };
        d.add(x.ctx, value_key, json!(name), why);
    }
    let mut text = format!(
        "# Written by helm-camunda-upgrade migrate --generate-secrets: stable Airflow keys for the\n# \
         openmetadata-dependencies release {release}. Keep this file private. Apply it in the\n# release's namespace \
         before installing the chart:  kubectl apply -n <namespace> -f {file}\napiVersion: v1\nkind: \
         Secret\nmetadata:\n  name: {name}\n  labels:\n    app.kubernetes.io/part-of: {release}\ntype: \
         Opaque\nstringData:\n",
        release = x.release,
        file = file.display(),
    );
    for (k, v) in &data {
        text.push_str(&format!("  {k}: {}\n", crate::yaml::scalar::quote_str(v)));
    }
    d.files.push(SideFile { path: file.to_path_buf(), text, private: true });
    d.extra.push(Item::new(ItemKind::Note, None, Some(format!("Secret {name}")), None).reason(format!(
        "apply {} (kubectl apply -n <namespace> -f {}) before installing the chart; rerunning with the same FILE keeps \
         its keys",
        file.display(),
        file.display()
    )));
    Ok(())
}

/// The keys of a Secret manifest this tool wrote before (stable across reruns).
fn read_existing(file: &Path) -> Result<serde_json::Map<String, Value>> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
        Err(e) => return Err(anyhow::anyhow!(e).context(format!("cannot read {}", file.display()))),
    };
    let bad = |message: &str| InputError {
        location: crate::values::loc(&file.display().to_string(), None),
        key: None,
        message: format!(
            "{message}; --generate-secrets reuses the keys of a Secret manifest it wrote before (or give a new file \
             name)"
        ),
    };
    let v: Value = serde_yaml::from_str(&text).map_err(|_| bad("not YAML"))?;
    if v.get("kind").and_then(Value::as_str) != Some("Secret") {
        anyhow::bail!(bad("not a Secret manifest"));
    }
    Ok(v.get("stringData").and_then(Value::as_object).cloned().unwrap_or_default())
}

fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no randomness from the operating system: {e}"))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}
