//! Keep the 8.7 component set, respect the 13.x constraints between
//! components, and switch on the migration resources.

use serde_json::{json, Value};

use super::{Ctx, Derivations};
use crate::migrate::report::{Item, ItemKind};
use crate::yaml::value::truthy;

/// A component's switch and its defaults in chart 12.x (8.7) and 13.x (8.8),
/// from the charts' values.yaml files (written down here, not copied).
pub(crate) struct Component {
    pub name: &'static str,
    /// The 12.x key (values are read under it)...
    pub key_12: &'static str,
    /// ...and the 13.x key (written under it).
    pub key_13: &'static str,
    pub default_12: bool,
    pub default_13: bool,
}

const fn c(name: &'static str, key_12: &'static str, key_13: &'static str, default_12: bool, default_13: bool) -> Component {
    Component { name, key_12, key_13, default_12, default_13 }
}

pub(crate) static COMPONENTS: &[Component] = &[
    c("Zeebe broker", "zeebe.enabled", "orchestration.profiles.broker", true, true),
    c("Operate", "operate.enabled", "orchestration.profiles.operate", true, true),
    c("Tasklist", "tasklist.enabled", "orchestration.profiles.tasklist", true, true),
    c("Optimize", "optimize.enabled", "optimize.enabled", true, false),
    c("Management Identity", "identity.enabled", "identity.enabled", true, false),
    c("Keycloak", "identityKeycloak.enabled", "identityKeycloak.enabled", true, false),
    c("Identity PostgreSQL", "identityPostgresql.enabled", "identityPostgresql.enabled", false, false),
    c("Connectors", "connectors.enabled", "connectors.enabled", true, true),
    c("Web Modeler", "webModeler.enabled", "webModeler.enabled", false, false),
    c("Web Modeler PostgreSQL", "postgresql.enabled", "webModelerPostgresql.enabled", false, false),
    c("Console", "console.enabled", "console.enabled", false, false),
    c("Elasticsearch subchart", "elasticsearch.enabled", "elasticsearch.enabled", true, true),
];

/// 12.x switches that are not components of their own, with their 12.x defaults
/// (`secrets` asks `ran_in_87` about them; other derivations write their 13.x values).
pub(crate) static SWITCHES_12: &[(&str, bool)] = &[
    ("global.identity.auth.enabled", true),
    // Unset in 12.x values: the PostgreSQL subchart's own default applies.
    ("identityKeycloak.postgresql.enabled", true),
];

/// Did the component (or switch) run in 8.7: the user's value over the 12.x default?
pub(crate) fn ran_in_87(values: &Value, key_12: &str) -> bool {
    let default = COMPONENTS.iter().find(|c| c.key_12 == key_12).map(|c| c.default_12);
    let default = default.or_else(|| SWITCHES_12.iter().find(|(k, _)| *k == key_12).map(|(_, d)| *d));
    match crate::yaml::value::get_path(values, &key_12.split('.').collect::<Vec<_>>()) {
        // A user `null` deletes the chart's default (Helm's coalescing): the template sees it off.
        Some(v) => truthy(Some(v)),
        None => default.unwrap_or(false),
    }
}

impl Ctx<'_> {
    /// Did the component run in 8.7 (the user's value over the 12.x default)?
    pub fn ran(&self, key_12: &str) -> bool {
        ran_in_87(self.merged, key_12)
    }

    /// Values that already follow the 13.x structure (a second run, or 8.8 values)
    /// get no 12.x defaults applied.
    pub fn is_87(&self) -> bool {
        const OLD: [&str; 10] = [
            "zeebe",
            "zeebeGateway",
            "operate",
            "tasklist",
            "postgresql",
            "executionIdentity",
            "identity.keycloak",
            "identity.postgresql",
            "global.identity.auth.zeebe",
            "global.identity.auth.operate",
        ];
        let old = OLD.iter().any(|k| self.get(k).is_some());
        old || self.get("orchestration").is_none()
    }
}

pub(crate) fn derive(ctx: &Ctx, d: &mut Derivations) {
    if !ctx.is_87() {
        return;
    }
    keep_running(ctx, d);
    constraints(ctx, d);
    switches(ctx, d);
}

/// Write `enabled` for every component whose 13.x default would change what ran in 8.7.
fn keep_running(ctx: &Ctx, d: &mut Derivations) {
    for comp in COMPONENTS.iter().filter(|c| c.default_12 != c.default_13) {
        let ran = ctx.ran(comp.key_12);
        let written = ctx.get(comp.key_12).is_some();
        if ran != comp.default_13 && !written {
            d.add(
                ctx,
                comp.key_13,
                json!(ran),
                &format!("{} ran in 8.7 (on by default in 12.x) and is off by default in 13.x: kept {}", comp.name, if ran { "running" } else { "off" }),
            );
        }
    }
}

/// The 13.x chart refuses some combinations 12.x allowed: report each with its fix.
fn constraints(ctx: &Ctx, d: &mut Derivations) {
    let identity = ctx.ran("identity.enabled");
    let loc = |k: &str| ctx.loc(&ctx.path(k));
    let needs_identity = [("identityKeycloak.enabled", "Keycloak"), ("console.enabled", "Console"), ("webModeler.enabled", "Web Modeler"), ("optimize.enabled", "Optimize")];
    if !identity {
        for (key, name) in needs_identity {
            if ctx.ran(key) {
                d.blocker(Item::new(ItemKind::Blocker, Some(key.into()), None, loc(key)).reason(format!(
                    "{name} is enabled but Management Identity is not: chart 13.x refuses this. Fix: set identity.enabled: true, or {key}: false"
                )));
            }
        }
    }
    let mt = ctx.get("global.multitenancy.enabled").is_some_and(|v| truthy(Some(v))) || ctx.get("identity.multitenancy.enabled").is_some_and(|v| truthy(Some(v)));
    let db = ctx.ran("identityPostgresql.enabled") || ctx.get("identity.externalDatabase.enabled").is_some_and(|v| truthy(Some(v)));
    if mt && !(identity && db) {
        d.blocker(Item::new(ItemKind::Blocker, Some("global.multitenancy.enabled".into()), None, loc("global.multitenancy.enabled")).reason(
            "multi-tenancy needs Management Identity with a database in 13.x. Fix: identity.enabled: true and identityPostgresql.enabled: true (or identity.externalDatabase.enabled: true)",
        ));
    }
    let es = ctx.get("global.elasticsearch.enabled").is_none_or(|v| truthy(Some(v)));
    let os = ctx.get("global.opensearch.enabled").is_some_and(|v| truthy(Some(v)));
    if !es && !os {
        d.blocker(Item::new(ItemKind::Blocker, Some("global.elasticsearch.enabled".into()), None, loc("global.elasticsearch.enabled")).reason(
            "8.8 needs a secondary storage: enable Elasticsearch (global.elasticsearch.enabled) or OpenSearch (global.opensearch.enabled)",
        ));
    }
}

/// Turn on the data migration (it also starts the importer) and, when
/// Management Identity ran, the identity migration.
fn switches(ctx: &Ctx, d: &mut Derivations) {
    d.add(ctx, "orchestration.migration.data.enabled", json!(true), "moves the 8.7 process data into the 8.8 indices; it also starts the importer Deployment");
    if ctx.ran("identity.enabled") {
        d.add(ctx, "orchestration.migration.identity.enabled", json!(true), "Management Identity ran in 8.7: moves its roles, groups, tenants and mappings into the orchestration cluster");
        if resource_authorizations(ctx) {
            d.add(ctx, "orchestration.migration.identity.resourceAuthorizationsEnabled", json!(true), "8.7 used resource authorizations");
        }
    }
    d.extra.push(Item::new(ItemKind::Note, None, Some("orchestration.migration".into()), None).reason(
        "after the upgrade: watch the migration Jobs' logs; once the data-migration Job completed, the importer Deployment can be scaled down; delete a failed Job before running helm upgrade again",
    ));
}

/// 8.7 switched resource authorizations on through env vars of Identity or the web apps.
fn resource_authorizations(ctx: &Ctx) -> bool {
    ["identity", "operate", "tasklist", "zeebe", "zeebeGateway"].iter().any(|comp| {
        let Some(Value::Array(env)) = ctx.get(&format!("{comp}.env")) else { return false };
        env.iter().any(|e| {
            let name = e.get("name").and_then(Value::as_str).unwrap_or("").to_ascii_uppercase().replace('_', "");
            name.ends_with("RESOURCEPERMISSIONSENABLED") && e.get("value").is_some_and(|v| v == "true" || v == &json!(true))
        })
    })
}
