//! Switches the migrated values always need: the compatibility layer off, and
//! the exporters of 8.7's `disableExporter`.

use serde_json::{json, Value};

use super::{dotted, Ctx, Derivations};
use crate::migrate::report::{Item, ItemKind};

pub(crate) fn derive(ctx: &Ctx, d: &mut Derivations) {
    d.add(ctx, "global.compatibility.orchestration.enabled", json!(false), "the values are migrated; the chart's compatibility layer must not run over them again");
    disable_exporter(ctx, d);
}

/// 12.x `global.elasticsearch.disableExporter: true` (multi-region: exporters by hand in env).
fn disable_exporter(ctx: &Ctx, d: &mut Derivations) {
    let from = ctx.path("global.elasticsearch.disableExporter");
    let Some(old) = ctx.get_p(&from) else { return };
    if old != &Value::Bool(true) {
        let item = Item::new(ItemKind::Dropped, Some(dotted(&from)), None, ctx.loc(&from))
            .values(&dotted(&from), Some(old), None)
            .reason("false is 8.8's default: the Camunda exporter stays on");
        d.consume(&from, item);
        return;
    }
    let to = "orchestration.exporters.camunda.enabled, orchestration.exporters.zeebe.enabled";
    let item = Item::new(ItemKind::Changed, Some(dotted(&from)), Some(to.into()), ctx.loc(&from))
        .values(&dotted(&from), Some(old), Some(&json!(false)))
        .reason("replaced by orchestration.exporters.{camunda,zeebe}.enabled");
    d.consume(&from, item);
    for exporter in ["camunda", "zeebe"] {
        d.set(&ctx.path(&format!("orchestration.exporters.{exporter}.enabled")), json!(false), vec![from.clone()]);
    }
    d.manual(Item::new(ItemKind::Manual, None, Some("orchestration.env".into()), ctx.loc(&from)).reason(
        "multi-region: the exporters are defined by hand in orchestration.env (a Camunda exporter per region was added beside each legacy one); \
         run the data migration in one region only; after the migration, without Optimize, disable the legacy Elasticsearch exporter \
         through the management API and then remove it from the values",
    ));
}
