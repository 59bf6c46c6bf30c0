//! Keys the rules send to a manual step need none when there is nothing to
//! carry: an empty value, the old chart's default, or a part of a component
//! that did not run (Flower, Redis and Celery workers without a Celery
//! executor, pgbouncer without PostgreSQL, ...). Those are dropped with the reason.

use serde_json::Value;

use super::defaults::OLD;
use super::rules::RULES;
use super::Deps;
use crate::migrate::derive::Derivations;
use crate::migrate::rules::{exact_rule, glob_rule, has_rule_below, Action, Rule};
use crate::yaml::value::{get_path, truthy};

pub(super) fn derive(x: &Deps, d: &mut Derivations) {
    let Some(Value::Object(root)) = x.ctx.merged.get("airflow") else { return };
    let inactive = inactive_parts(x);
    for (k, v) in root {
        walk(x, d, &inactive, vec!["airflow".into(), k.clone()], v);
    }
}

/// Mirrors the engine's walk: the rule deciding a path is found the same way.
fn walk(x: &Deps, d: &mut Derivations, inactive: &[(&str, String)], path: Vec<String>, v: &Value) {
    let rule = exact_rule(RULES, &path);
    if let Some(rule) = rule {
        return decide(x, d, inactive, rule, &path, v);
    }
    if let Value::Object(m) = v {
        if !m.is_empty() && has_rule_below(RULES, &path) {
            for (k, child) in m {
                let mut p = path.clone();
                p.push(k.clone());
                walk(x, d, inactive, p, child);
            }
            return;
        }
    }
    if let Some((rule, _)) = glob_rule(RULES, &path) {
        decide(x, d, inactive, rule, &path, v);
    }
}

fn decide(x: &Deps, d: &mut Derivations, inactive: &[(&str, String)], rule: &Rule, path: &[String], v: &Value) {
    if rule.action != Action::Manual {
        return;
    }
    let dotted = super::dotted_path(path);
    let strs: Vec<&str> = path.iter().map(String::as_str).collect();
    let reason = if v == &Value::Bool(false) {
        "off: nothing to carry over".to_string()
    } else if !truthy(Some(v)) && !matches!(v, Value::Number(_)) {
        "empty: nothing to carry over".to_string()
    } else if get_path(&OLD, &strs) == Some(v) {
        "the old chart's default: nothing to carry over".to_string()
    } else if let Some((_, why)) =
        inactive.iter().find(|(prefix, _)| dotted == *prefix || dotted.starts_with(&format!("{prefix}.")))
    {
        why.clone()
    } else {
        return;
    };
    x.drop_key(d, &dotted, &reason);
}

/// Parts of the old values that did not run, with the reason.
fn inactive_parts(x: &Deps) -> Vec<(&'static str, String)> {
    let executor = x.old_str("airflow.airflow.executor");
    let celery = executor.contains("Celery");
    let postgres =
        x.old_str("airflow.externalDatabase.type").starts_with("postgres") || x.old_on("airflow.postgresql.enabled");
    let mut out = Vec::new();
    let off = |what: &str| format!("{what} was off: nothing to carry over");
    if !x.old_on("airflow.flower.enabled") {
        out.push(("airflow.flower", off("Flower")));
        out.push(("airflow.ingress.flower", off("Flower")));
    }
    if !x.old_on("airflow.redis.enabled") {
        out.push(("airflow.redis", off("the embedded Redis")));
    }
    if !x.old_on("airflow.postgresql.enabled") {
        out.push(("airflow.postgresql", off("the embedded PostgreSQL")));
    }
    if !x.old_on("airflow.pgbouncer.enabled") || !postgres {
        out.push((
            "airflow.pgbouncer",
            "pgbouncer only served PostgreSQL, and it did not run: nothing to carry over".into(),
        ));
    }
    if !celery {
        let why = format!("Celery only, and the executor was {executor}: nothing to carry over");
        out.push(("airflow.workers", why.clone()));
        out.push(("airflow.externalRedis", why));
    }
    if !x.old_on("airflow.dags.gitSync.enabled") {
        out.push(("airflow.dags.gitSync", off("git-sync")));
    }
    out
}
