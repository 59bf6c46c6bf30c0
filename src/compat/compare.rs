//! The layer's result next to `migrate`'s: both as the chart's templates would
//! receive them (the migrated values over the same 13.x defaults, with the
//! layer off, which `migrate` switches off), compared key by key.

use anyhow::Result;
use serde_json::Value;

use crate::values::Sources;
use crate::yaml::value::coalesce_with_defaults;

/// One 13.x key where the two results differ (`None` = not set).
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub path: Vec<String>,
    pub layer: Option<Value>,
    pub migrate: Option<Value>,
}

/// The `migrate` migration the layer's job corresponds to.
const MIGRATION: &str = "camunda-8.7-to-8.8";

/// Keys expected to differ: `migrate` turns the layer off.
const IGNORED: [&[&str]; 1] = [&["global", "compatibility", "orchestration", "enabled"]];

/// What `migrate` makes of `sources`, as the templates would receive it (the
/// printed top-level keys only), or why there is nothing to compare.
pub fn migrated_effective(sources: &Sources, defaults: &Value, printed: fn(&Value) -> Value) -> Result<Value, String> {
    // The layer is Camunda's, so is the migration to compare with (no detection).
    let options = crate::migrate::Options { migration: Some(MIGRATION.into()), ..Default::default() };
    let run = || -> Result<Value> {
        let migrated = crate::migrate::migrate_values(sources, false, &options)?;
        if migrated.report.has(crate::migrate::report::ItemKind::Blocker) {
            anyhow::bail!("migrate refuses these values (run `helm-camunda-upgrade migrate` for the reason)");
        }
        Ok(printed(&coalesce_with_defaults(&migrated.values()?, defaults)))
    };
    run().map_err(|e| format!("{e:#}"))
}

/// Leaf by leaf (scalars, lists, empty maps), every place the two differ.
pub fn differences(layer: &Value, migrate: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(Some(layer), Some(migrate), &mut Vec::new(), &mut out);
    out.retain(|d| !IGNORED.iter().any(|p| d.path.iter().map(String::as_str).eq(p.iter().copied())));
    out
}

fn walk(a: Option<&Value>, b: Option<&Value>, path: &mut Vec<String>, out: &mut Vec<Difference>) {
    // An empty map and an absent key give the templates the same.
    let (am, bm) = (a.and_then(Value::as_object), b.and_then(Value::as_object));
    let both_maps_or_absent = (am.is_some() || a.is_none()) && (bm.is_some() || b.is_none());
    if both_maps_or_absent && (am.is_some() || bm.is_some()) {
        let only_b = bm.into_iter().flat_map(|m| m.keys()).filter(|k| !am.is_some_and(|m| m.contains_key(*k)));
        let keys: Vec<&String> = am.into_iter().flat_map(|m| m.keys()).chain(only_b).collect();
        for k in keys {
            path.push(k.clone());
            walk(am.and_then(|m| m.get(k)), bm.and_then(|m| m.get(k)), path, out);
            path.pop();
        }
    } else if a != b {
        out.push(Difference { path: path.clone(), layer: a.cloned(), migrate: b.cloned() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leaf_differences() {
        let layer = json!({"orchestration": {"pvcSize": "32Gi", "podLabels": {}, "ingress": {"grpc": {"path": "/"}}},
                           "global": {"compatibility": {"orchestration": {"enabled": true}}}});
        let migrate = json!({"orchestration": {"pvcSize": "64Gi", "podLabels": {"team": "a"},
                                               "ingress": {"grpc": {"path": "/"}}},
                             "global": {"compatibility": {"orchestration": {"enabled": false}}}});
        let d = differences(&layer, &migrate);
        assert_eq!(
            d,
            vec![
                Difference {
                    path: vec!["orchestration".into(), "pvcSize".into()],
                    layer: Some(json!("32Gi")),
                    migrate: Some(json!("64Gi"))
                },
                Difference {
                    path: vec!["orchestration".into(), "podLabels".into(), "team".into()],
                    layer: None,
                    migrate: Some(json!("a"))
                },
            ]
        );
    }
}
