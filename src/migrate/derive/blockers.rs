//! What cannot be migrated automatically (refused, with the way out), and
//! removed 12.x keys the 13.x chart fails on.

use serde_json::{json, Value};

use super::{dotted, Ctx, Derivations};
use crate::migrate::report::{Item, ItemKind};
use crate::yaml::value::truthy;

/// Components with their own Ingress in 12.x; 13.x has only the combined one.
const SEPARATE_INGRESS: [&str; 7] = ["identity", "console", "webModeler", "connectors", "operate", "tasklist", "optimize"];

/// Env vars pointing a web app at its own Elasticsearch/OpenSearch.
const STORE_URL_ENV: [&str; 6] = [
    "CAMUNDA_OPERATE_ELASTICSEARCH_URL",
    "CAMUNDA_OPERATE_OPENSEARCH_URL",
    "CAMUNDA_TASKLIST_ELASTICSEARCH_URL",
    "CAMUNDA_TASKLIST_OPENSEARCH_URL",
    "CAMUNDA_OPERATE_ZEEBEELASTICSEARCH_URL",
    "CAMUNDA_TASKLIST_ZEEBEELASTICSEARCH_URL",
];

const WEBAPPS: [&str; 4] = ["operate", "tasklist", "zeebeGateway", "identity"];

pub(crate) fn derive(ctx: &Ctx, d: &mut Derivations) {
    ldap(ctx, d);
    separate_ingress(ctx, d);
    dedicated_stores(ctx, d);
    removed_keys(ctx, d);
}

fn env_of(ctx: &Ctx, comp: &str) -> Vec<(usize, String, Value)> {
    match ctx.get(&format!("{comp}.env")) {
        Some(Value::Array(env)) => env
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((i, e.get("name")?.as_str()?.to_string(), e.get("value").cloned().unwrap_or(Value::Null))))
            .collect(),
        _ => vec![],
    }
}

/// LDAP authentication has no migration path to 8.8.
fn ldap(ctx: &Ctx, d: &mut Derivations) {
    for comp in WEBAPPS {
        for (i, name, _) in env_of(ctx, comp) {
            if name.to_ascii_uppercase().contains("LDAP") {
                let path = ctx.path(&format!("{comp}.env"));
                d.blocker(Item::new(ItemKind::Blocker, Some(format!("{comp}.env[{i}]")), None, ctx.item_loc(&path, i)).reason(format!(
                    "{name}: LDAP authentication has no migration path to 8.8 (Camunda offers it only through consulting); migrate the users to OIDC or basic auth first"
                )));
            }
        }
        if let Some(Value::String(conf)) = ctx.get(&format!("{comp}.configuration")) {
            if conf.lines().any(|l| l.trim_start().starts_with("ldap:")) {
                let path = ctx.path(&format!("{comp}.configuration"));
                d.blocker(Item::new(ItemKind::Blocker, Some(dotted(&path)), None, ctx.loc(&path)).reason(
                    "the configuration sets up LDAP authentication, which has no migration path to 8.8; migrate the users to OIDC or basic auth first",
                ));
            }
        }
    }
}

/// 12.x could give components their own Ingress; 13.x refuses it.
fn separate_ingress(ctx: &Ctx, d: &mut Derivations) {
    let mut hits = Vec::new();
    for comp in SEPARATE_INGRESS {
        let key = format!("{comp}.ingress.enabled");
        if ctx.get(&key).is_some_and(|v| truthy(Some(v))) {
            hits.push((comp, key));
        }
    }
    for (comp, key) in &hits {
        let host = ctx.get(&format!("{comp}.ingress.host")).and_then(Value::as_str).unwrap_or("<host>");
        d.blocker(Item::new(ItemKind::Blocker, Some(key.clone()), None, ctx.loc(&ctx.path(key))).reason(format!(
            "the separate {comp} Ingress is gone in 13.x. Way out: the combined Ingress, e.g. global.ingress.enabled: true, global.ingress.host: {host}, \
             global.ingress.tls.enabled/secretName as needed, and {comp}.contextPath: /{comp} (then set {comp}.ingress.enabled: false)"
        )));
    }
}

/// Only one shared Elasticsearch/OpenSearch is supported in 8.8.
fn dedicated_stores(ctx: &Ctx, d: &mut Derivations) {
    let mut urls: Vec<(String, String)> = Vec::new();
    for comp in ["operate", "tasklist"] {
        for (i, name, value) in env_of(ctx, comp) {
            if STORE_URL_ENV.contains(&name.as_str()) {
                if let Some(u) = value.as_str() {
                    urls.push((format!("{comp}.env[{i}] {name}"), u.trim_end_matches('/').to_string()));
                }
            }
        }
    }
    let mut distinct: Vec<&str> = urls.iter().map(|(_, u)| u.as_str()).collect();
    distinct.sort();
    distinct.dedup();
    if distinct.len() > 1 {
        let list: Vec<String> = urls.iter().map(|(w, u)| format!("{w} = {u}")).collect();
        let first = urls[0].0.split(' ').next().unwrap_or("operate.env").to_string();
        d.blocker(Item::new(ItemKind::Blocker, Some(first), None, None).reason(format!(
            "the components use different Elasticsearch/OpenSearch clusters ({}); 8.8 supports only one shared cluster: consolidate the data first",
            list.join(", ")
        )));
    }
}

/// Keys 13.x refuses or ignores, with a mechanical fix.
fn removed_keys(ctx: &Ctx, d: &mut Derivations) {
    // The upgrade guide still shows this key; no released 13.x chart reads it.
    let importer = ctx.path("orchestration.importer.enabled");
    if let Some(v) = ctx.get_p(&importer) {
        let item = Item::new(ItemKind::Dropped, Some(dotted(&importer)), None, ctx.loc(&importer))
            .values(&dotted(&importer), Some(v), None)
            .reason("has no effect in any released 13.x chart: the importer starts with orchestration.migration.data.enabled");
        d.consume(&importer, item);
    }
    let it = ctx.path("global.multiregion.installationType");
    if let Some(v) = ctx.get_p(&it) {
        let item = Item::new(ItemKind::Dropped, Some(dotted(&it)), None, ctx.loc(&it))
            .values(&dotted(&it), Some(v), None)
            .reason("removed in 13.x; the chart fails on it");
        d.consume(&it, item);
    }
    // 13.x reads the Elasticsearch URL only as a mapping {protocol, host, port}.
    let url = ctx.path("global.elasticsearch.url");
    if let Some(Value::String(s)) = ctx.get_p(&url) {
        match split_url(s) {
            Some((protocol, host, port)) => {
                let new = json!({"protocol": protocol, "host": host, "port": port});
                let item = Item::new(ItemKind::Changed, Some(dotted(&url)), Some(dotted(&url)), ctx.loc(&url))
                    .values(&dotted(&url), Some(&json!(s)), Some(&new))
                    .reason("13.x reads the URL as protocol, host and port");
                d.consume(&url, item);
                d.set(&url, new, vec![url.clone()]);
            }
            None => d.blocker(Item::new(ItemKind::Blocker, Some(dotted(&url)), None, ctx.loc(&url)).reason(format!(
                "{s:?} is not a URL of the form protocol://host:port; write global.elasticsearch.url.{{protocol,host,port}} by hand"
            ))),
        }
    }
    let old = ctx.path("zeebe-gateway");
    if ctx.get_p(&old).is_some() {
        d.blocker(Item::new(ItemKind::Blocker, Some("zeebe-gateway".into()), None, ctx.loc(&old)).reason(
            "the chart 10.x key zeebe-gateway: rename it zeebeGateway (chart 12.x) and run the migration again",
        ));
    }
}

fn split_url(s: &str) -> Option<(String, String, Value)> {
    let (protocol, rest) = s.split_once("://")?;
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), json!(p.parse::<u16>().ok()?)),
        None => (rest.to_string(), json!(if protocol == "https" { 443 } else { 80 })),
    };
    if host.is_empty() || host.contains('/') {
        return None;
    }
    Some((protocol.to_string(), host, port))
}
