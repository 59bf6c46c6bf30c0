//! Authentication, without ever switching the method: 12.x turned Identity
//! (Keycloak/OIDC) on by default, 13.x defaults to basic auth, so a 12.x OIDC
//! setup must say `oidc` explicitly, and its client settings move to the 8.8 keys.

use serde_json::{json, Value};

use super::{dotted, Ctx, Derivations};
use crate::migrate::report::{Item, ItemKind};
use crate::yaml::value::truthy;

/// Old client key -> new key, for the orchestration (ex-zeebe) and connectors clients.
const CLIENT_FIELDS: [(&str, &str); 5] = [
    ("clientId", "clientId"),
    ("audience", "audience"),
    ("existingSecret", "secret.existingSecret"),
    ("existingSecretKey", "secret.existingSecretKey"),
    ("tokenScope", "scope"),
];

/// (12.x client block, 8.8 OIDC block)
const CLIENTS: [(&str, &str); 2] = [
    ("global.identity.auth.zeebe", "orchestration.security.authentication.oidc"),
    ("global.identity.auth.connectors", "connectors.security.authentication.oidc"),
];

/// The webapps whose clients are folded into the orchestration client; their 12.x default audience.
const WEBAPPS: [(&str, &str); 2] = [("operate", "operate-api"), ("tasklist", "tasklist-api")];

pub(crate) fn derive(ctx: &Ctx, d: &mut Derivations) {
    if !ctx.is_87() {
        return;
    }
    let enabled = ctx.get("global.identity.auth.enabled").is_none_or(|v| truthy(Some(v)));
    if !enabled {
        basic(ctx, d);
        return;
    }
    let why = "8.7 used Identity (Keycloak/OIDC) authentication; 13.x defaults to basic auth, so the method is written explicitly";
    d.add(ctx, "global.identity.auth.enabled", json!(true), "12.x turned Identity authentication on by default; 13.x turns it off");
    d.add(ctx, "global.security.authentication.method", json!("oidc"), why);
    d.add(ctx, "orchestration.security.authentication.method", json!("oidc"), why);
    if ctx.get("connectors.enabled").is_none_or(|v| truthy(Some(v))) {
        d.add(ctx, "connectors.security.authentication.method", json!("oidc"), why);
    }
    for (old, new) in CLIENTS {
        clients(ctx, d, old, new);
    }
    webapps(ctx, d);
    token_scope_env(ctx, d);
}

fn clients(ctx: &Ctx, d: &mut Derivations, old: &str, new: &str) {
    let Some(Value::Object(block)) = ctx.get(old) else { return };
    for (key, value) in block {
        let from = ctx.path(&format!("{old}.{key}"));
        let Some((_, to_key)) = CLIENT_FIELDS.iter().find(|(k, _)| k == key) else {
            let item = Item::new(ItemKind::Dropped, Some(dotted(&from)), None, ctx.loc(&from))
                .values(&dotted(&from), Some(value), None)
                .reason("no 8.8 equivalent for this client setting");
            d.consume(&from, item);
            continue;
        };
        let literal = matches!((key.as_str(), value), ("existingSecret", Value::String(s)) if !s.is_empty());
        let literal_beside = key == "existingSecretKey" && matches!(block.get("existingSecret"), Some(Value::String(s)) if !s.is_empty());
        if literal_beside {
            let item = Item::new(ItemKind::Dropped, Some(dotted(&from)), None, ctx.loc(&from))
                .values(&dotted(&from), Some(value), None)
                .reason("it only named the key of the Secret the 12.x chart generated from the literal existingSecret");
            d.consume(&from, item);
            continue;
        }
        // In 12.x a string existingSecret is the client secret itself (only {name: ...} names
        // a Secret); 8.8 calls that secret.inlineSecret.
        let to = if literal { format!("{new}.secret.inlineSecret") } else { format!("{new}.{to_key}") };
        // 12.x sometimes wrote existingSecret as {name: ...}; 8.8 takes the name.
        let mut written = match (key.as_str(), value) {
            ("existingSecret", Value::Object(m)) => m.get("name").cloned().unwrap_or(Value::Null),
            ("tokenScope", Value::String(s)) if new.starts_with("orchestration") => json!([s]),
            _ => value.clone(),
        };
        if key == "tokenScope" && !new.starts_with("orchestration") {
            written = value.clone();
        }
        if written.is_null() {
            let item = Item::new(ItemKind::Dropped, Some(dotted(&from)), None, ctx.loc(&from)).reason("null: the 13.x default applies");
            d.consume(&from, item);
            continue;
        }
        let to_key_path = if key == "tokenScope" && !new.starts_with("orchestration") { format!("{new}.tokenScope") } else { to.clone() };
        let kind = if &written == value { ItemKind::Moved } else { ItemKind::Changed };
        let mut item = Item::new(kind, Some(dotted(&from)), Some(to_key_path.clone()), ctx.loc(&from))
            .reason("the 12.x client settings are the 8.8 OIDC settings of the same component");
        if literal {
            item = item.reason("12.x took this string as the client secret itself, not as a Secret name: carried as secret.inlineSecret");
            d.manual(Item::new(ItemKind::Manual, Some(dotted(&from)), Some(to_key_path.clone()), ctx.loc(&from)).reason(
                "a plaintext client secret is now in the values: move it into a Kubernetes Secret and reference it with secret.existingSecret/existingSecretKey \
                 (`migrate --secret-name NAME` does this, `secrets extract` creates the Secret)",
            ));
        } else if kind == ItemKind::Changed {
            item = item.values(&dotted(&from), Some(value), Some(&written));
        }
        if let ("existingSecret", Value::Object(_)) = (key.as_str(), value) {
            // {name: x} became x: every leaf of the old mapping points at the one new key.
            let mut name = from.clone();
            name.push("name".into());
            let leaf = Item::new(ItemKind::Changed, Some(dotted(&name)), Some(to_key_path.clone()), ctx.loc(&name))
                .reason("12.x wrote the Secret as {name: ...}; 8.8 takes the name");
            d.items.insert(name, leaf);
        }
        d.consume(&from, item);
        let p = ctx.path(&to_key_path);
        d.set(&p, written, vec![from]);
    }
}

/// Operate and Tasklist are served by the orchestration cluster: their audiences
/// stay accepted through backwardsCompatibleAudiences, their redirect URLs become one.
fn webapps(ctx: &Ctx, d: &mut Derivations) {
    let mut audiences: Vec<Value> = match ctx.get("orchestration.security.authentication.oidc.backwardsCompatibleAudiences") {
        Some(Value::Array(a)) => a.clone(),
        _ => vec![],
    };
    let mut sources = Vec::new();
    let mut redirects: Vec<(Vec<String>, String)> = Vec::new();
    for (app, default_audience) in WEBAPPS {
        if ctx.get(&format!("{app}.enabled")).is_some_and(|v| !truthy(Some(v))) && ctx.get(&format!("global.identity.auth.{app}")).is_none() {
            continue;
        }
        let audience = ctx.get(&format!("global.identity.auth.{app}.audience")).cloned().unwrap_or_else(|| json!(default_audience));
        if !audiences.contains(&audience) {
            audiences.push(audience);
        }
        sources.push(ctx.path(&format!("global.identity.auth.{app}.audience")));
        let Some(Value::Object(block)) = ctx.get(&format!("global.identity.auth.{app}")) else { continue };
        for (key, value) in block {
            let from = ctx.path(&format!("global.identity.auth.{app}.{key}"));
            let item = match key.as_str() {
                "audience" => Item::new(ItemKind::Moved, Some(dotted(&from)), Some("orchestration.security.authentication.oidc.backwardsCompatibleAudiences".into()), ctx.loc(&from))
                    .reason(format!("tokens issued for the 8.7 {app} API stay accepted")),
                "redirectUrl" => {
                    if let Some(s) = value.as_str() {
                        redirects.push((from.clone(), s.to_string()));
                    }
                    continue;
                }
                _ => Item::new(ItemKind::Dropped, Some(dotted(&from)), None, ctx.loc(&from))
                    .values(&dotted(&from), Some(value), None)
                    .reason(format!("{app} uses the orchestration cluster's OIDC client in 8.8")),
            };
            d.consume(&from, item);
        }
    }
    if !audiences.is_empty() {
        let p = ctx.path("orchestration.security.authentication.oidc.backwardsCompatibleAudiences");
        if ctx.get_p(&p) != Some(&Value::Array(audiences.clone())) {
            d.extra.push(
                Item::new(ItemKind::Added, None, Some(dotted(&p)), None)
                    .values(&dotted(&p), None, Some(&Value::Array(audiences.clone())))
                    .reason("the 8.7 Operate/Tasklist API audiences, so existing API clients' tokens stay valid (the 13.x default is empty)"),
            );
            d.set(&p, Value::Array(audiences), sources);
        }
    }
    redirect(ctx, d, redirects);
}

/// One redirect URL for the orchestration web apps: the 8.7 per-app URL without
/// its `/operate` or `/tasklist` suffix, under the orchestration context path.
fn redirect(ctx: &Ctx, d: &mut Derivations, redirects: Vec<(Vec<String>, String)>) {
    if redirects.is_empty() {
        return;
    }
    let context = ctx
        .get("orchestration.contextPath")
        .or_else(|| ctx.get("zeebeGateway.contextPath"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string();
    let normal = |url: &str| {
        let base = url.trim_end_matches('/');
        let base = base.strip_suffix("/operate").or_else(|| base.strip_suffix("/tasklist")).unwrap_or(base);
        format!("{base}{context}")
    };
    let target = "orchestration.security.authentication.oidc.redirectUrl";
    let chosen = normal(&redirects[0].1);
    let agree = redirects.iter().all(|(_, u)| normal(u) == chosen);
    for (from, url) in &redirects {
        let item = Item::new(ItemKind::Changed, Some(dotted(from)), Some(target.into()), ctx.loc(from))
            .values(&dotted(from), Some(&json!(url)), Some(&json!(chosen)))
            .reason("8.8 has one redirect URL for the orchestration web apps");
        d.consume(from, item);
    }
    if !agree {
        let all: Vec<String> = redirects.iter().map(|(p, u)| format!("{} = {u}", dotted(p))).collect();
        d.manual(Item::new(ItemKind::Manual, None, Some(target.into()), ctx.loc(&redirects[0].0)).reason(format!(
            "the 8.7 redirect URLs disagree ({}); {chosen} was written: check it and the redirect URIs registered in your identity provider",
            all.join(", ")
        )));
    }
    d.set(&ctx.path(target), json!(chosen), redirects.into_iter().map(|(p, _)| p).collect());
}

/// Connectors read their token scope from an env var in 8.7; 8.8 has a key for it.
fn token_scope_env(ctx: &Ctx, d: &mut Derivations) {
    let Some(Value::Array(env)) = ctx.get("connectors.env") else { return };
    let Some(pos) = env.iter().position(|e| e.get("name").and_then(Value::as_str) == Some("OPERATE_CLIENT_SCOPE")) else { return };
    let Some(scope) = env[pos].get("value").cloned() else { return };
    let rest: Vec<Value> = env.iter().enumerate().filter(|(i, _)| *i != pos).map(|(_, e)| e.clone()).collect();
    let from = ctx.path("connectors.env");
    let to = "connectors.security.authentication.oidc.tokenScope";
    let item = Item::new(ItemKind::Changed, Some(dotted(&from)), Some(dotted(&from)), ctx.loc(&from))
        .reason(format!("OPERATE_CLIENT_SCOPE moved to {to}"));
    d.items.insert(from.clone(), item);
    d.set(&from, Value::Array(rest), vec![from.clone()]);
    d.set(&ctx.path(to), scope.clone(), vec![from.clone()]);
    d.extra.push(Item::new(ItemKind::Added, None, Some(to.into()), ctx.item_loc(&from, pos)).values(to, None, Some(&scope)).reason("from connectors.env OPERATE_CLIENT_SCOPE"));
}

/// 8.7 without Identity auth: Operate and Tasklist used basic auth, the Zeebe API was open.
fn basic(ctx: &Ctx, d: &mut Derivations) {
    let loc = ctx.loc(&ctx.path("global.identity.auth.enabled"));
    d.add(ctx, "global.security.authentication.method", json!("basic"), "8.7 ran without Identity authentication: basic auth, as the 13.x default");
    d.manual(Item::new(ItemKind::Manual, None, Some("orchestration.security.initialization.users".into()), loc.clone()).reason(
        "basic auth now covers the whole orchestration cluster: create the 8.7 Operate/Tasklist users (camunda.operate.userId, camunda.tasklist.userId) in the embedded Identity, or demo:demo applies",
    ));
    d.manual(Item::new(ItemKind::Manual, None, Some("orchestration.security.authentication.unprotectedApi".into()), loc).reason(
        "8.8 secures the gRPC and REST APIs by default: give clients credentials, or set orchestration.security.authentication.unprotectedApi: true and orchestration.security.authorizations.enabled: false to keep 8.7's open API",
    ));
}
