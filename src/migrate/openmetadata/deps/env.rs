//! The community chart's environment sources become the Apache chart's `env`
//! list: `airflow.config` (a map of AIRFLOW__* names), `airflow.extraEnv`
//! (EnvVar items) and every `extraPipPackages` list. Helm replaces lists
//! instead of merging them, so a written `env` must repeat deps 1.11.3's own
//! items; the FAB pin it carries is never lost, user packages join it.

use anyhow::Result;
use serde_json::{json, Map, Value};

use super::defaults::{target_env, PIP_ENV};
use super::Deps;
use crate::migrate::derive::Derivations;
use crate::migrate::report::{Item, ItemKind};

const CONFIG: &str = "airflow.airflow.config";
const EXTRA_ENV: &str = "airflow.airflow.extraEnv";
const PIP_LISTS: [&str; 7] = [
    "airflow.airflow.extraPipPackages",
    "airflow.airflow.kubernetesPodTemplate.extraPipPackages",
    "airflow.scheduler.extraPipPackages",
    "airflow.web.extraPipPackages",
    "airflow.workers.extraPipPackages",
    "airflow.triggerer.extraPipPackages",
    "airflow.flower.extraPipPackages",
];
const TO_ENV: &str = "airflow.env";

/// An ordered name -> value list.
#[derive(Default, PartialEq)]
struct Env(Vec<(String, String)>);

impl Env {
    fn put(&mut self, name: &str, value: String) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(e) => e.1 = value,
            None => self.0.push((name.to_string(), value)),
        }
    }

    fn remove(&mut self, name: &str) {
        self.0.retain(|(n, _)| n != name);
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn to_value(&self) -> Value {
        Value::Array(self.0.iter().map(|(n, v)| json!({"name": n, "value": v})).collect())
    }
}

/// How Helm's templates print a scalar (`toString`): the 1.18.0 schema wants strings.
fn as_env_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// The name a pip requirement installs ("pkg[extra]>=1" -> "pkg").
fn package_name(req: &str) -> String {
    req.split(|c: char| "=<>!~[; @".contains(c)).next().unwrap_or(req).trim().to_ascii_lowercase().replace('_', "-")
}

pub(super) fn derive(x: &Deps, d: &mut Derivations) -> Result<()> {
    let user_config = x.user(CONFIG);
    let extra = x.user(EXTRA_ENV);
    let pips: Vec<(&str, &Value)> = PIP_LISTS.iter().filter_map(|p| x.user(p).map(|v| (*p, v))).collect();
    if user_config.is_none() && extra.is_none() && pips.is_empty() {
        return Ok(());
    }
    let mut env = Env(target_env());
    // Values that already have an `env` list (half-migrated) keep it, over the defaults.
    if let Some(v) = x.user(TO_ENV) {
        for item in v.as_array().ok_or_else(|| x.shape_error(TO_ENV, "a list"))? {
            if let (Some(n), Some(v)) =
                (item.get("name").and_then(Value::as_str), item.get("value").and_then(as_env_string))
            {
                env.put(n, v);
            }
        }
    }
    let mut notes = Vec::new();
    match x.old(CONFIG) {
        Some(Value::Object(m)) => {
            for (k, v) in m {
                if v.is_null() {
                    env.remove(k);
                    continue;
                }
                let s = as_env_string(v).ok_or_else(|| x.shape_error(&format!("{CONFIG}.{k}"), "a single value"))?;
                if k.starts_with("AIRFLOW__WEBSERVER__") && user_config.and_then(|u| u.get(k)).is_some() {
                    notes.push(k.clone());
                }
                env.put(k, s);
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => return Err(x.shape_error(CONFIG, "a mapping of AIRFLOW__* names to values")),
    }
    let (secrets, rest) = extra_env(x, extra, &mut env)?;
    let mut pip_from = Vec::new();
    for (path, list) in &pips {
        let items = list.as_array().ok_or_else(|| x.shape_error(path, "a list of pip requirements"))?;
        let mut reqs: Vec<String> =
            env.get(PIP_ENV).unwrap_or_default().split_whitespace().map(str::to_string).collect();
        for item in items {
            let req = item.as_str().ok_or_else(|| x.shape_error(path, "a list of strings"))?.trim().to_string();
            match reqs.iter().position(|r| package_name(r) == package_name(&req)) {
                Some(i) => reqs[i] = req,
                None => reqs.push(req),
            }
        }
        env.put(PIP_ENV, reqs.join(" "));
        pip_from.push(*path);
    }

    let unchanged = env == Env(target_env()) && secrets.is_empty() && rest.is_empty();
    let same = "equal to the env list deps 1.11.3 ships: nothing to write";
    report_config(x, d, user_config, unchanged.then_some(same));
    if let Some(v) = extra {
        let reason = if unchanged {
            same.to_string()
        } else {
            let n = v.as_array().map_or(0, Vec::len);
            format!(
                "{n} item(s): {} into env, {} into secret (Secret references), {} into the extraEnv string",
                n - secrets.len() - rest.len(),
                secrets.len(),
                rest.len()
            )
        };
        let kind = if unchanged { ItemKind::Dropped } else { ItemKind::Changed };
        let to = (!unchanged).then_some("airflow.env, airflow.secret, airflow.extraEnv");
        let item = x.item(kind, EXTRA_ENV, to).values(EXTRA_ENV, Some(v), None).reason(reason);
        x.consume(d, EXTRA_ENV, item);
    }
    for path in &pip_from {
        let item = if unchanged {
            x.item(ItemKind::Dropped, path, None).reason(same)
        } else {
            x.item(ItemKind::Moved, path, Some("airflow.env _PIP_ADDITIONAL_REQUIREMENTS")).reason(
                "joined with the deps 1.11.3 FAB pin into one space-separated _PIP_ADDITIONAL_REQUIREMENTS (installed \
                 in every Airflow container)",
            )
        };
        x.consume(d, path, item);
    }
    if unchanged {
        return Ok(());
    }
    let mut sources: Vec<&str> = vec![CONFIG, EXTRA_ENV];
    sources.extend(PIP_LISTS);
    x.set(d, TO_ENV, env.to_value(), &sources);
    if !secrets.is_empty() {
        let mut all = match x.user("airflow.secret") {
            Some(Value::Array(a)) => a.clone(),
            _ => vec![],
        };
        all.extend(secrets);
        x.set(d, "airflow.secret", Value::Array(all), &[EXTRA_ENV]);
    }
    if !rest.is_empty() {
        let mut text = match x.user("airflow.extraEnv") {
            Some(Value::String(s)) => s.trim_end().to_string() + "\n",
            _ => String::new(),
        };
        text.push_str(&serde_yaml::to_string(&Value::Array(rest))?);
        x.set(d, "airflow.extraEnv", Value::String(text), &[EXTRA_ENV]);
    }
    if !notes.is_empty() {
        d.extra.push(Item::new(ItemKind::Note, None, Some(TO_ENV.into()), None).reason(format!(
            "Airflow 3 moved many [webserver] options to [api] (for example base_url, secret_key): check {}",
            notes.join(", ")
        )));
    }
    Ok(())
}

/// One report line per config entry the user wrote.
fn report_config(x: &Deps, d: &mut Derivations, user_config: Option<&Value>, unchanged: Option<&str>) {
    let Some(user_config) = user_config else { return };
    let item = x
        .item(ItemKind::Dropped, CONFIG, None)
        .values(CONFIG, Some(user_config), None)
        .reason(unchanged.unwrap_or("empty: nothing to carry over"));
    x.consume(d, CONFIG, item);
    let Value::Object(m) = user_config else { return };
    for (k, v) in m {
        let from = format!("{CONFIG}.{k}");
        let to = format!("{TO_ENV} (name {k})");
        let item = if let Some(why) = unchanged {
            x.item(ItemKind::Dropped, &from, None).reason(why)
        } else if v.is_null() {
            x.item(ItemKind::Dropped, &from, None).reason("null removes the entry: it is left out of env")
        } else if v.is_string() {
            x.item(ItemKind::Moved, &from, Some(&to)).reason("an env item {name, value}")
        } else {
            let s = as_env_string(v).map(Value::String);
            x.item(ItemKind::Changed, &from, Some(&to))
                .values(&from, Some(v), s.as_ref())
                .reason("an env item; the 1.18.0 schema wants the value as a string")
        };
        x.report_below(d, &from, item);
    }
}

/// Split the EnvVar list: name/value items join `env`; secretKeyRef items
/// become `secret` entries; the rest is returned for the extraEnv string.
fn extra_env(x: &Deps, extra: Option<&Value>, env: &mut Env) -> Result<(Vec<Value>, Vec<Value>)> {
    let (mut secrets, mut rest) = (Vec::new(), Vec::new());
    let Some(extra) = extra else { return Ok((secrets, rest)) };
    if extra.is_null() {
        return Ok((secrets, rest));
    }
    let items = extra.as_array().ok_or_else(|| x.shape_error(EXTRA_ENV, "a list of env items"))?;
    for item in items {
        let m = item
            .as_object()
            .ok_or_else(|| x.shape_error(EXTRA_ENV, "a list of env items {name, value | valueFrom}"))?;
        let name =
            m.get("name").and_then(Value::as_str).ok_or_else(|| x.shape_error(EXTRA_ENV, "env items with a name"))?;
        let simple = m.keys().all(|k| k == "name" || k == "value");
        if simple {
            if let Some(v) = as_env_string(m.get("value").unwrap_or(&Value::Null)) {
                env.put(name, v);
                continue;
            }
        }
        let secret_ref = m.get("valueFrom").and_then(|v| v.get("secretKeyRef"));
        if let (Some(Value::Object(r)), 2) = (secret_ref, m.len()) {
            if let (Some(Value::String(s)), Some(Value::String(k))) = (r.get("name"), r.get("key")) {
                let mut e = Map::new();
                e.insert("envName".into(), json!(name));
                e.insert("secretName".into(), json!(s));
                e.insert("secretKey".into(), json!(k));
                secrets.push(Value::Object(e));
                continue;
            }
        }
        rest.push(item.clone());
    }
    Ok((secrets, rest))
}
