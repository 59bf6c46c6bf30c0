//! `openmetadata-1.11`: the openmetadata chart's values, from any era, for
//! chart 1.11.3+: the pipeline service client of 0.0.x (`global.airflow`) and
//! 1.0.x (`global.pipelineServiceClientConfig`) moves to
//! `openmetadata.config.pipelineServiceClientConfig` (chart 1.1.0 moved every
//! OpenMetadata `global.*` key under `openmetadata.config`; 1.1+ ignores
//! leftovers silently), and the endpoint follows the deps chart's Service
//! rename `<release>-web` -> `<release>-api-server`.

use anyhow::Result;
use serde_json::{json, Value};

use super::deps::DEFAULT_RELEASE;
use crate::migrate::derive::{dotted, Ctx, Derivations};
use crate::migrate::report::{Item, ItemKind};
use crate::migrate::rules::{Action, Action::*, Rule, Shape, Special::Derived};
use crate::migrate::Options;
use crate::values::Sources;

const fn r(from: &'static str, action: Action, why: &'static str) -> Rule {
    Rule { from, action, why }
}

const PSC: &str = "openmetadata.config.pipelineServiceClientConfig";
const MOVED_1_1: &str =
    "chart 1.1.0 moved the OpenMetadata global.* keys to openmetadata.config.* (1.1+ ignores global silently)";
const AIRFLOW_0: &str = "0.0.x's global.airflow is pipelineServiceClientConfig since chart 1.0.0";
const REWRITE: &str =
    "<release>-web becomes <release>-api-server (deps 1.11.3 renamed the Airflow Service); scheme and port are kept";
const NO_KEY: &str = "no such key in chart 1.11 (its schema rejects it under openmetadata.config): configure it in the \
                      OpenMetadata server (UI settings, or env through extraEnvs)";

/// The openmetadata chart rules, most specific first.
pub static RULES: &[Rule] = &[
    r("global.airflow.enabled", Move("openmetadata.config.pipelineServiceClientConfig.enabled"), AIRFLOW_0),
    r("global.airflow.host", Special(Derived("openmetadata.config.pipelineServiceClientConfig.apiEndpoint")), REWRITE),
    r(
        "global.airflow.openmetadata.serverHostApiUrl",
        Move("openmetadata.config.pipelineServiceClientConfig.metadataApiEndpoint"),
        AIRFLOW_0,
    ),
    r("global.airflow.verifySsl", Move("openmetadata.config.pipelineServiceClientConfig.verifySsl"), AIRFLOW_0),
    r(
        "global.airflow.sslCertificatePath",
        Move("openmetadata.config.pipelineServiceClientConfig.sslCertificatePath"),
        AIRFLOW_0,
    ),
    r("global.airflow.auth.username", Move("openmetadata.config.pipelineServiceClientConfig.auth.username"), AIRFLOW_0),
    r(
        "global.airflow.auth.password.**",
        Move("openmetadata.config.pipelineServiceClientConfig.auth.password.**"),
        AIRFLOW_0,
    ),
    r("global.airflow.**", Manual, "no equivalent in pipelineServiceClientConfig (a closed object in chart 1.11)"),
    r(
        "global.pipelineServiceClientConfig.apiEndpoint",
        Special(Derived("openmetadata.config.pipelineServiceClientConfig.apiEndpoint")),
        REWRITE,
    ),
    r("global.pipelineServiceClientConfig.maskPasswordsApi", Manual, NO_KEY),
    r("global.pipelineServiceClientConfig.**", Move("openmetadata.config.pipelineServiceClientConfig.**"), MOVED_1_1),
    r(
        "global.openmetadata.host",
        Special(Derived("dropped")),
        "in 1.11 this is the address the server binds to (0.0.0.0 by default), no longer its Service name",
    ),
    r("global.openmetadata.uri", Manual, NO_KEY),
    r(
        "global.database.dbUseSSL",
        Special(Derived("openmetadata.config.database.dbParams")),
        "useSSL is part of dbParams in chart 1.11 (its default has useSSL=false)",
    ),
    r("global.maskPasswordsApi", Manual, NO_KEY),
    r("global.basicLogin", Manual, NO_KEY),
    r("global.smtpConfig", Manual, NO_KEY),
    r("global.logLevel", Move("openmetadata.config.logLevel"), MOVED_1_1),
    r("global.clusterName", Move("openmetadata.config.clusterName"), MOVED_1_1),
    r("global.openmetadata.**", Move("openmetadata.config.openmetadata.**"), MOVED_1_1),
    r("global.elasticsearch.**", Move("openmetadata.config.elasticsearch.**"), MOVED_1_1),
    r("global.database.**", Move("openmetadata.config.database.**"), MOVED_1_1),
    r("global.authorizer.**", Move("openmetadata.config.authorizer.**"), MOVED_1_1),
    r("global.authentication.**", Move("openmetadata.config.authentication.**"), MOVED_1_1),
    r("global.jwtTokenConfiguration.**", Move("openmetadata.config.jwtTokenConfiguration.**"), MOVED_1_1),
    r("global.fernetkey.**", Move("openmetadata.config.fernetkey.**"), MOVED_1_1),
    r("global.eventMonitor.**", Move("openmetadata.config.eventMonitor.**"), MOVED_1_1),
    r("global.secretsManager.**", Move("openmetadata.config.secretsManager.**"), MOVED_1_1),
    r("global.web.**", Move("openmetadata.config.web.**"), MOVED_1_1),
    r("global.upgradeMigrationConfigs.**", Move("openmetadata.config.upgradeMigrationConfigs.**"), MOVED_1_1),
    r("global.deployPipelinesConfig.**", Move("openmetadata.config.deployPipelinesConfig.**"), MOVED_1_1),
    r("global.reindexConfig.**", Move("openmetadata.config.reindexConfig.**"), MOVED_1_1),
    r(
        "openmetadata.config.pipelineServiceClientConfig.apiEndpoint",
        Special(Derived("openmetadata.config.pipelineServiceClientConfig.apiEndpoint")),
        REWRITE,
    ),
    r(
        "openmetadata.config.airflow",
        Manual,
        "rejected by chart 1.11's closed openmetadata.config (issue #225): its settings belong in \
         pipelineServiceClientConfig",
    ),
];

pub static SHAPES: &[(&str, Shape)] = &[
    ("global", Shape::Map),
    ("openmetadata", Shape::Map),
    ("global.airflow", Shape::Map),
    ("global.pipelineServiceClientConfig", Shape::Map),
    ("openmetadata.config", Shape::Map),
];

/// Does the merged input look like openmetadata chart values?
pub fn detect(v: &Value) -> bool {
    v.get("openmetadata").is_some_and(Value::is_object)
        || ["airflow", "pipelineServiceClientConfig"]
            .iter()
            .any(|k| v.get("global").and_then(|g| g.get(k)).is_some_and(Value::is_object))
}

/// Old defaults that must not move (they mean something else in 1.11).
const OLD_DEFAULTS: [(&str, &str); 1] = [("global.openmetadata.host", "openmetadata")];

/// The endpoint keys, in the order the chart reads them (the first one present wins).
const ENDPOINTS: [&str; 3] = [
    "openmetadata.config.pipelineServiceClientConfig.apiEndpoint",
    "global.pipelineServiceClientConfig.apiEndpoint",
    "global.airflow.host",
];

pub(crate) fn derive(sources: &Sources, options: &Options) -> Result<Derivations> {
    let ctx = Ctx { sources, merged: &sources.merged, options };
    let mut d = Derivations::default();
    if options.generate_secrets.is_some() {
        anyhow::bail!(crate::error::Usage(
            "--generate-secrets applies to the openmetadata-deps-1.11 migration only".into()
        ));
    }
    quiet(&ctx, &mut d);
    if ctx.get("global.openmetadata.uri") == Some(&json!("http://openmetadata:8585")) {
        drop_key(
            &ctx,
            &mut d,
            "global.openmetadata.uri",
            "the 1.0.x default, and no such key in chart 1.11: nothing to carry over",
        );
    }
    for (path, default) in OLD_DEFAULTS {
        match ctx.get(path) {
            Some(Value::String(s)) if s == default => drop_key(
                &ctx,
                &mut d,
                path,
                "the old default (the Service name); in 1.11 this is the bind address, 0.0.0.0 by default",
            ),
            Some(v) => {
                let p = ctx.path(path);
                let item = Item::new(
                    ItemKind::Manual,
                    Some(path.to_string()),
                    Some("openmetadata.config.openmetadata.host".into()),
                    ctx.loc(&p),
                )
                .values(path, Some(v), None)
                .reason(
                    "in chart 1.11 this is the address the server binds to (0.0.0.0 by default), not its Service name: \
                     set it only if that is what you meant",
                );
                d.consume(&p, item);
            }
            None => {}
        }
    }
    match ctx.get("global.database.dbUseSSL") {
        Some(v) if v == &json!(true) || v == &json!("true") => {
            let p = ctx.path("global.database.dbUseSSL");
            let item = Item::new(
                ItemKind::Manual,
                Some(dotted(&p)),
                Some("openmetadata.config.database.dbParams".into()),
                ctx.loc(&p),
            )
            .reason(
                "set useSSL=true in openmetadata.config.database.dbParams (chart 1.11's default dbParams has \
                 useSSL=false)",
            );
            d.consume(&p, item);
        }
        Some(_) => {
            drop_key(&ctx, &mut d, "global.database.dbUseSSL", "useSSL=false is in chart 1.11's default dbParams")
        }
        None => {}
    }
    endpoint(&ctx, &mut d, options.deps_release.as_deref());
    Ok(d)
}

fn drop_key(ctx: &Ctx, d: &mut Derivations, dotted_path: &str, reason: &str) {
    let p = ctx.path(dotted_path);
    let item = Item::new(ItemKind::Dropped, Some(dotted_path.to_string()), None, ctx.loc(&p))
        .values(dotted_path, ctx.get(dotted_path), None)
        .reason(reason);
    d.consume(&p, item);
}

/// Manual keys with nothing to carry (empty, false, or a switched-off block) are just dropped.
fn quiet(ctx: &Ctx, d: &mut Derivations) {
    let Some(Value::Object(global)) = ctx.get("global") else { return };
    for (k, v) in global {
        let path = format!("global.{k}");
        let rule = crate::migrate::rules::exact_rule(RULES, &ctx.path(&path));
        if !rule.is_some_and(|r| r.action == Manual) {
            continue;
        }
        let off = match v {
            Value::Bool(false) | Value::Null => true,
            Value::Object(m) => m.is_empty() || m.get("enableSmtpServer") == Some(&json!(false)),
            _ => false,
        };
        if off {
            drop_key(ctx, d, &path, "off or empty: nothing to carry over");
        }
    }
}

/// Rewrite `<release>-web` in the endpoint's host to `<release>-api-server`.
/// Returns the new URL, or why it was left alone.
pub(crate) fn rewrite(url: &str, release: Option<&str>) -> Result<String, String> {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host_end = rest.find([':', '/']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(host_end);
    let (label, domain) = host.split_once('.').map_or((host, ""), |(l, dmn)| (l, dmn));
    let prefix = if scheme.is_empty() { String::new() } else { format!("{scheme}://") };
    let dot = if domain.is_empty() { "" } else { "." };
    let build = |label: String| format!("{prefix}{label}{dot}{domain}{tail}");
    match release {
        Some(r) if label == format!("{r}-web") => Ok(build(format!("{r}-api-server"))),
        Some(r) if label == format!("{r}-api-server") => Ok(url.to_string()),
        Some(r) if label.ends_with("-web") => Err(format!(
            "points at {label}, not at the release {r} given with --deps-release: check which one is meant"
        )),
        None if label.ends_with("-web") => Ok(build(format!("{}-api-server", label.trim_end_matches("-web")))),
        _ if label.ends_with("-api-server") => Ok(url.to_string()),
        _ => Err(format!(
            "{host} is not a dependencies chart Service name: make sure it reaches the Airflow 3 api-server"
        )),
    }
}

fn endpoint(ctx: &Ctx, d: &mut Derivations, release: Option<&str>) {
    let to = ctx.path(PSC).into_iter().chain(["apiEndpoint".to_string()]).collect::<Vec<_>>();
    let present: Vec<(&str, &Value)> = ENDPOINTS.iter().filter_map(|k| ctx.get(k).map(|v| (*k, v))).collect();
    let Some(&(winner, value)) = present.first() else {
        match release {
            Some(r) if r != DEFAULT_RELEASE => {
                d.add(
                    ctx,
                    &dotted(&to),
                    json!(format!("http://{r}-api-server:8080")),
                    "the chart's default endpoint names the release openmetadata-dependencies",
                );
            }
            _ => d.extra.push(Item::new(ItemKind::Note, None, Some(dotted(&to)), None).reason(format!(
                "the chart 1.11.3 default endpoint http://{DEFAULT_RELEASE}-api-server:8080 applies (it assumes the \
                 dependencies release is named {DEFAULT_RELEASE}; give --deps-release otherwise)"
            ))),
        }
        return;
    };
    for &(path, v) in &present[1..] {
        let p = ctx.path(path);
        let same = v == value;
        let kind = if same { ItemKind::Dropped } else { ItemKind::Manual };
        let reason = if same {
            format!("{winner} is set to the same value")
        } else {
            format!("{winner} is set too, to another value; that one is kept: check which you meant")
        };
        d.consume(
            &p,
            Item::new(kind, Some(path.to_string()), None, ctx.loc(&p)).values(path, Some(v), None).reason(reason),
        );
    }
    let p = ctx.path(winner);
    let Some(url) = value.as_str() else {
        let item = Item::new(ItemKind::Manual, Some(winner.to_string()), Some(dotted(&to)), ctx.loc(&p))
            .reason("not a URL string: set the api-server endpoint");
        d.consume(&p, item);
        return;
    };
    match rewrite(url, release) {
        Ok(new) if new == url && p == to => {}
        Ok(new) => {
            let kind = if new == url { ItemKind::Moved } else { ItemKind::Changed };
            let mut item = Item::new(kind, Some(winner.to_string()), Some(dotted(&to)), ctx.loc(&p));
            item = if new != url {
                item.values(winner, Some(value), Some(&json!(new))).reason(REWRITE)
            } else {
                item.reason("already the api-server Service")
            };
            // In place (keeping its line and comments) when it already is the 1.11 key.
            if p == to {
                d.items.insert(p.clone(), item);
            } else {
                d.consume(&p, item);
            }
            d.set(&to, json!(new), vec![p.clone()]);
        }
        Err(why) => {
            if p != to {
                d.move_to(&p, &to);
            }
            let mut item =
                Item::new(ItemKind::Manual, Some(winner.to_string()), Some(dotted(&to)), ctx.loc(&p)).reason(why);
            if p != to {
                item = item.values(winner, Some(value), None);
            }
            d.manual(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn endpoints() {
        assert_eq!(
            rewrite("http://openmetadata-dependencies-web:8080", None).unwrap(),
            "http://openmetadata-dependencies-api-server:8080"
        );
        assert_eq!(
            rewrite("http://om-deps-web.data.svc.cluster.local:8080/x", Some("om-deps")).unwrap(),
            "http://om-deps-api-server.data.svc.cluster.local:8080/x"
        );
        assert_eq!(
            rewrite("http://om-deps-api-server:8080", Some("om-deps")).unwrap(),
            "http://om-deps-api-server:8080"
        );
        assert!(rewrite("http://other-web:8080", Some("om-deps")).is_err());
        assert!(rewrite("https://airflow.example.com", None).is_err());
    }
}
