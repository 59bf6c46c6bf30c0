//! `openmetadata-deps-1.11`: openmetadata-dependencies <= 1.11.2 values (the
//! community airflow-helm 8.9.0 chart under `airflow:`) -> >= 1.11.3 values
//! (the Apache Airflow chart 1.18.0). The key rules are in `rules.rs`; what
//! they cannot say key by key is derived here on the merged values, against
//! the effective old values (the user's over the old chart defaults).

mod database;
pub(crate) mod defaults;
mod env;
mod quiet;
pub(crate) mod rules;
mod secrets;
mod workloads;

use anyhow::Result;
use serde_json::Value;

use crate::error::InputError;
use crate::migrate::derive::{dotted, Ctx, Derivations};
use crate::migrate::report::{Item, ItemKind};
use crate::migrate::Options;
use crate::values::Sources;
use crate::yaml::value::{coalesce_with_defaults, get_path, truthy};

/// The deps chart's usual release name (the docs' and the openmetadata chart's default).
pub const DEFAULT_RELEASE: &str = "openmetadata-dependencies";

/// Keys only the community chart has: their presence marks old values.
const OLD_SHAPES: [&str; 16] = [
    "airflow.airflow",
    "airflow.web",
    "airflow.externalDatabase",
    "airflow.externalRedis",
    "airflow.serviceAccount",
    "airflow.extraManifests",
    "airflow.serviceMonitor",
    "airflow.prometheusRule",
    "airflow.scheduler.logCleanup",
    "airflow.workers.enabled",
    "airflow.workers.logCleanup",
    "airflow.dags.path",
    "airflow.logs.path",
    "airflow.dags.persistence.storageClass",
    "airflow.logs.persistence.storageClass",
    "airflow.ingress.web",
];

/// Keys only the Apache chart has: values with these and no old key are already migrated.
const NEW_SHAPES: [&str; 7] = [
    "airflow.images",
    "airflow.data",
    "airflow.apiServer",
    "airflow.webserver",
    "airflow.executor",
    "airflow.env",
    "airflow.fernetKey",
];

fn has(v: &Value, dotted: &str) -> bool {
    get_path(v, &dotted.split('.').collect::<Vec<_>>()).is_some()
}

/// Does the merged input look like deps values (an `airflow:` mapping)?
pub fn detect(v: &Value) -> bool {
    v.get("airflow").is_some_and(Value::is_object)
}

/// What the deps derivations share: the context, the effective old values
/// and the release name.
pub(crate) struct Deps<'a> {
    pub ctx: &'a Ctx<'a>,
    /// The user's values over the old chart defaults (as the old release ran).
    pub old: Value,
    pub release: String,
}

impl Deps<'_> {
    /// The effective old value at `dotted`.
    pub fn old(&self, dotted: &str) -> Option<&Value> {
        get_path(&self.old, &dotted.split('.').collect::<Vec<_>>())
    }

    pub fn old_str(&self, dotted: &str) -> String {
        match self.old(dotted) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(v) => v.to_string(),
        }
    }

    pub fn old_on(&self, dotted: &str) -> bool {
        truthy(self.old(dotted))
    }

    /// Did the user write this key (in any input)?
    pub fn user(&self, dotted: &str) -> Option<&Value> {
        self.ctx.get(dotted)
    }

    /// An input error at the key, for a shape the derivations cannot read.
    pub fn shape_error(&self, dotted: &str, want: &str) -> anyhow::Error {
        let path = self.ctx.path(dotted);
        let location = self.ctx.loc(&path).unwrap_or_else(|| crate::values::loc("<input>", None));
        let found = self.user(dotted).map_or("nothing", crate::values::kind_name);
        anyhow::anyhow!(InputError {
            location,
            key: Some(dotted.to_string()),
            message: format!("expected {want}, found {found}")
        })
    }

    /// An item about the input key `from`.
    pub fn item(&self, kind: ItemKind, from: &str, to: Option<&str>) -> Item {
        let p = self.ctx.path(from);
        Item::new(kind, Some(from.to_string()), to.map(str::to_string), self.ctx.loc(&p))
    }

    /// Take out the input key `from`, reported by `item`.
    pub fn consume(&self, d: &mut Derivations, from: &str, item: Item) {
        d.consume(&self.ctx.path(from), item);
    }

    /// Report a leaf below a consumed key.
    pub fn report_below(&self, d: &mut Derivations, leaf: &str, item: Item) {
        d.items.insert(self.ctx.path(leaf), item);
    }

    /// Take out the mapping `from` and report each key the user wrote in it
    /// with `item(key, value)` (an empty mapping is reported as such).
    pub fn consume_map(&self, d: &mut Derivations, from: &str, item: impl Fn(&str, &Value) -> Item) {
        let empty = self
            .item(ItemKind::Dropped, from, None)
            .values(from, self.user(from), None)
            .reason("empty: nothing to carry over");
        self.consume(d, from, empty);
        if let Some(Value::Object(m)) = self.user(from) {
            for (k, v) in m {
                self.report_below(d, &format!("{from}.{k}"), item(k, v));
            }
        }
    }

    /// Take out `from` and drop it with a reason (its value shown, redacted if secret).
    pub fn drop_key(&self, d: &mut Derivations, from: &str, reason: &str) {
        let item = self.item(ItemKind::Dropped, from, None).values(from, self.user(from), None).reason(reason);
        self.consume(d, from, item);
    }

    /// Write `value` at `path` (made from `sources`, for per-file output).
    pub fn set(&self, d: &mut Derivations, path: &str, value: Value, sources: &[&str]) {
        let sources = sources.iter().map(|s| self.ctx.path(s)).collect();
        d.set(&self.ctx.path(path), value, sources);
    }

    /// Values from before the migration (any community-chart key), or values
    /// that set no Apache-chart key (they ran on the old defaults).
    pub fn is_old(&self) -> bool {
        let m = self.ctx.merged;
        OLD_SHAPES.iter().any(|k| has(m, k)) || !NEW_SHAPES.iter().any(|k| has(m, k))
    }
}

pub(crate) fn derive(sources: &Sources, options: &Options) -> Result<Derivations> {
    let ctx = Ctx { sources, merged: &sources.merged, options };
    let release = options.deps_release.clone().unwrap_or_else(|| DEFAULT_RELEASE.to_string());
    let x = Deps { ctx: &ctx, old: coalesce_with_defaults(&sources.merged, &defaults::OLD), release };
    let mut d = Derivations::default();
    quiet::derive(&x, &mut d);
    if !x.is_old() {
        d.extra.push(Item::new(ItemKind::Note, None, Some("airflow".into()), None).reason(
            "these values already follow the deps 1.11.3 (Apache Airflow chart) structure: nothing to carry over",
        ));
        return Ok(d);
    }
    workloads::derive(&x, &mut d)?;
    env::derive(&x, &mut d)?;
    database::derive(&x, &mut d)?;
    secrets::derive(&x, &mut d)?;
    workloads::upgrade_steps(&x, &mut d);
    Ok(d)
}

pub(crate) fn dotted_path(p: &[String]) -> String {
    dotted(p)
}
