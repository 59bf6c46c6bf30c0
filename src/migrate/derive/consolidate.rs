//! The eight free-form keys of zeebe, zeebeGateway, operate and tasklist (and
//! the deprecated extraInitContainers) become one `orchestration.<key>`.
//!
//! Lists are joined in the order orchestration (already 8.8), zeebe,
//! zeebeGateway, operate, tasklist; exact duplicates collapse; entries with the
//! same identity (env by name, mounts by mountPath, ...) but other content are
//! a conflict: a blocker naming both places, unless `--on-conflict` chooses.
//! A key with a single source that needs no change is moved as written.

use anyhow::Result;
use serde_json::{Map, Value};

use super::{dotted, loc_text, Ctx, Derivations};
use crate::error::InputError;
use crate::migrate::report::{Item, ItemKind};
use crate::migrate::OnConflict;
use crate::values::Source;

/// Components whose keys are consolidated, in joining order.
use crate::migrate::rules::OLD_COMPONENTS as COMPONENTS;

#[derive(Clone, Copy)]
enum Shape {
    /// A list; entries are identified by this function (None: only exact duplicates collapse).
    List(fn(&Value) -> Option<String>),
    /// A string holding application YAML.
    Config,
    /// A mapping of file name -> content.
    Files,
}

fn by_name(v: &Value) -> Option<String> {
    v.get("name").and_then(Value::as_str).map(str::to_string)
}

fn by_mount_path(v: &Value) -> Option<String> {
    v.get("mountPath").and_then(Value::as_str).map(str::to_string)
}

fn by_source(v: &Value) -> Option<String> {
    for (kind, key) in [("configMap", "configMapRef"), ("secret", "secretRef")] {
        if let Some(n) = v.get(key).and_then(|r| r.get("name")).and_then(Value::as_str) {
            return Some(format!("{kind} {n}"));
        }
    }
    None
}

/// (key in the old components, key under orchestration, shape)
const KEYS: [(&str, &str, Shape); 9] = [
    ("configuration", "configuration", Shape::Config),
    ("extraConfiguration", "extraConfiguration", Shape::Files),
    ("env", "env", Shape::List(by_name)),
    ("envFrom", "envFrom", Shape::List(by_source)),
    ("initContainers", "initContainers", Shape::List(by_name)),
    ("extraInitContainers", "initContainers", Shape::List(by_name)),
    ("sidecars", "sidecars", Shape::List(by_name)),
    ("extraVolumes", "extraVolumes", Shape::List(by_name)),
    ("extraVolumeMounts", "extraVolumeMounts", Shape::List(by_mount_path)),
];

/// The gateway is embedded in the broker in 8.8: its env prefix changes.
const GATEWAY_PREFIX: &str = "ZEEBE_GATEWAY_";
const EMBEDDED_PREFIX: &str = "ZEEBE_BROKER_GATEWAY_";
/// Read under their old name by the migration Jobs' standalone gateway: kept as well.
const KEEP_BOTH: [&str; 1] = ["ZEEBE_GATEWAY_CLUSTER_MESSAGECOMPRESSION"];

fn p(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

fn non_empty(v: &Value) -> bool {
    crate::yaml::value::truthy(Some(v))
}

pub(crate) fn derive(ctx: &Ctx, d: &mut Derivations) -> Result<()> {
    // Group the source keys by their orchestration target.
    let targets: Vec<&str> = {
        let mut t: Vec<&str> = KEYS.iter().map(|k| k.1).collect();
        t.dedup();
        t
    };
    for target in targets {
        let to = p(&["orchestration", target]);
        let shape = KEYS.iter().find(|k| k.1 == target).unwrap().2;
        let mut sources: Vec<(Vec<String>, Value)> = Vec::new();
        if let Some(v) = ctx.get_p(&to).filter(|v| non_empty(v)) {
            sources.push((to.clone(), v.clone()));
        }
        for comp in COMPONENTS {
            for (old, _, _) in KEYS.iter().filter(|k| k.1 == target) {
                let path = p(&[comp, old]);
                match ctx.get_p(&path) {
                    Some(v) if non_empty(v) => sources.push((path, v.clone())),
                    Some(v) => {
                        let item = Item::new(ItemKind::Dropped, Some(dotted(&path)), None, ctx.loc(&path))
                            .values(&dotted(&path), Some(v), None)
                            .reason("empty; nothing to carry over");
                        d.consume(&path, item);
                    }
                    None => {}
                }
            }
        }
        if sources.is_empty() {
            continue;
        }
        match shape {
            Shape::List(identity) => lists(ctx, d, &to, &sources, identity),
            Shape::Config => configs(ctx, d, &to, &sources)?,
            Shape::Files => files(ctx, d, &to, &sources),
        }
    }
    Ok(())
}

/// One entry on its way into the joined list.
struct Joined {
    value: Value,
    from: Vec<String>,
    index: usize,
}

fn lists(ctx: &Ctx, d: &mut Derivations, to: &[String], sources: &[(Vec<String>, Value)], identity: fn(&Value) -> Option<String>) {
    let is_env = to.last().is_some_and(|k| k == "env");
    let mut out: Vec<Joined> = Vec::new();
    let mut notes: Vec<(Vec<String>, String)> = Vec::new();
    let mut changed = false;
    for (path, list) in sources {
        let Value::Array(items) = list else { continue };
        for (i, item) in items.iter().enumerate() {
            let mut entries = vec![item.clone()];
            if is_env {
                entries = env_entry(item, path, &mut notes);
                if entries.len() != 1 || &entries[0] != item {
                    changed = true;
                }
            }
            for entry in entries {
                if out.iter().any(|j| j.value == entry) {
                    notes.push((path.clone(), format!("{}[{i}] duplicates an entry already there; written once", dotted(path))));
                    changed = true;
                    continue;
                }
                let id = identity(&entry);
                let clash = id.as_ref().and_then(|id| out.iter().position(|j| identity(&j.value).as_ref() == Some(id)));
                match clash {
                    None => out.push(Joined { value: entry, from: path.clone(), index: i }),
                    Some(at) => {
                        changed = true;
                        let first = &out[at];
                        let here = format!("{}[{i}] ({})", dotted(path), loc_text(&ctx.item_loc(path, i)));
                        let there = format!("{}[{}] ({})", dotted(&first.from), first.index, loc_text(&ctx.item_loc(&first.from, first.index)));
                        let what = format!("{} {:?}", dotted(to), id.unwrap());
                        match ctx.options.on_conflict {
                            None => d.blocker(
                                Item::new(ItemKind::Blocker, Some(dotted(path)), Some(dotted(to)), ctx.item_loc(path, i)).reason(format!(
                                    "{what}: {here} and {there} differ; merge them by hand or pass --on-conflict first|last"
                                )),
                            ),
                            Some(OnConflict::First) => notes.push((path.clone(), format!("{what}: kept {there}, dropped {here} (--on-conflict first)"))),
                            Some(OnConflict::Last) => {
                                notes.push((path.clone(), format!("{what}: kept {here}, dropped {there} (--on-conflict last)")));
                                out[at] = Joined { value: entry, from: path.clone(), index: i };
                            }
                        }
                    }
                }
            }
        }
    }
    let mut joined: Vec<Value> = out.into_iter().map(|j| j.value).collect();
    if is_env && region_exporters(&mut joined) {
        changed = true;
        let first = sources.iter().find(|(p, _)| p[0] != "orchestration").map_or_else(|| sources[0].0.clone(), |(p, _)| p.clone());
        notes.push((first, "a Camunda exporter was added per region beside the legacy Elasticsearch exporter (multi-region)".into()));
    }
    finish(ctx, d, to, sources, Value::Array(joined), changed, notes);
}

/// Multi-region: beside each legacy per-region Elasticsearch exporter, 8.8 needs
/// a Camunda exporter pointing at the same URL.
fn region_exporters(env: &mut Vec<Value>) -> bool {
    const LEGACY: &str = "ZEEBE_BROKER_EXPORTERS_ELASTICSEARCHREGION";
    let mut added = false;
    let regions: Vec<(String, Value)> = env
        .iter()
        .filter_map(|e| {
            let name = e.get("name")?.as_str()?;
            let rest = name.strip_prefix(LEGACY)?;
            let region = rest.strip_suffix("_ARGS_URL").or_else(|| rest.strip_suffix("_ARGS_CONNECT_URL"))?;
            region.chars().all(|c| c.is_ascii_digit()).then(|| (region.to_string(), e.get("value").cloned().unwrap_or(Value::Null)))
        })
        .collect();
    for (region, url) in regions {
        let class = format!("ZEEBE_BROKER_EXPORTERS_CAMUNDAREGION{region}_CLASSNAME");
        if env.iter().any(|e| e.get("name").and_then(Value::as_str) == Some(class.as_str())) {
            continue;
        }
        env.push(serde_json::json!({"name": class, "value": "io.camunda.exporter.CamundaExporter"}));
        env.push(serde_json::json!({"name": format!("ZEEBE_BROKER_EXPORTERS_CAMUNDAREGION{region}_ARGS_CONNECT_URL"), "value": url}));
        added = true;
    }
    added
}

/// An env entry as it goes into orchestration.env: gateway names renamed,
/// values written as strings (the 13.x schema allows only string or null).
fn env_entry(item: &Value, path: &[String], notes: &mut Vec<(Vec<String>, String)>) -> Vec<Value> {
    let Some(obj) = item.as_object() else { return vec![item.clone()] };
    let mut obj = obj.clone();
    if let Some(v) = obj.get("value").filter(|v| v.is_number() || v.is_boolean()).cloned() {
        let s = v.to_string();
        notes.push((path.to_vec(), format!("{}: value {} written as the string \"{s}\" (the 13.x schema requires strings)", by_name(item).unwrap_or_default(), v)));
        obj.insert("value".into(), Value::String(s));
    }
    let name = obj.get("name").and_then(Value::as_str).unwrap_or("").to_string();
    if let Some(rest) = name.strip_prefix(GATEWAY_PREFIX) {
        let new = format!("{EMBEDDED_PREFIX}{rest}");
        let mut renamed = obj.clone();
        renamed.insert("name".into(), Value::String(new.clone()));
        if KEEP_BOTH.contains(&name.as_str()) {
            notes.push((path.to_vec(), format!("{name}: also written as {new} (the embedded gateway reads that; the migration Jobs still read {name})")));
            return vec![Value::Object(renamed), Value::Object(obj)];
        }
        notes.push((path.to_vec(), format!("{name} renamed {new} (the gateway is embedded in 8.8)")));
        return vec![Value::Object(renamed)];
    }
    vec![Value::Object(obj)]
}

fn configs(ctx: &Ctx, d: &mut Derivations, to: &[String], sources: &[(Vec<String>, Value)]) -> Result<()> {
    let mut merged = Value::Object(Map::new());
    let mut notes = Vec::new();
    let mut origins: Vec<(Vec<String>, Vec<String>)> = Vec::new(); // config key path -> source
    for (path, text) in sources.iter().filter(|_| sources.len() > 1) {
        let Some(text) = text.as_str() else { continue };
        let loc = ctx.loc(path);
        let parsed = Source::from_text(&format!("{} (in {})", dotted(path), loc_text(&loc)), None, text.to_string()).map_err(|e| {
            let message = e.downcast_ref::<InputError>().map_or_else(|| e.to_string(), |ie| ie.to_string());
            anyhow::Error::new(InputError {
                location: loc.clone().unwrap_or_else(|| crate::values::loc("<values>", None)),
                key: Some(dotted(path)),
                message: format!("the configuration is not valid YAML: {message}"),
            })
        })?;
        merge_config(&mut merged, &parsed.value, &mut Vec::new(), path, &mut origins, ctx, d, &mut notes);
    }
    let written = if sources.len() == 1 {
        sources[0].1.clone()
    } else {
        Value::String(crate::yaml::edit::render_value(&merged))
    };
    d.manual(
        Item::new(ItemKind::Manual, None, Some(dotted(to)), ctx.loc(&sources[0].0)).reason(
            "orchestration.configuration replaces the application configuration the 13.x chart generates; review it against the 8.8 configuration reference",
        ),
    );
    if sources.len() > 1 {
        notes.push((sources[0].0.clone(), "comments inside the configurations are not kept".into()));
    }
    finish(ctx, d, to, sources, written, sources.len() > 1, notes);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn merge_config(
    into: &mut Value,
    from: &Value,
    at: &mut Vec<String>,
    source: &[String],
    origins: &mut Vec<(Vec<String>, Vec<String>)>,
    ctx: &Ctx,
    d: &mut Derivations,
    notes: &mut Vec<(Vec<String>, String)>,
) {
    let (Value::Object(into_m), Value::Object(from_m)) = (&mut *into, from) else { return };
    for (k, v) in from_m {
        at.push(k.clone());
        match into_m.get_mut(k) {
            Some(existing) if existing.is_object() && v.is_object() => merge_config(existing, v, at, source, origins, ctx, d, notes),
            Some(existing) if existing == v => {}
            Some(existing) => {
                let key = at.join(".");
                // The source that first wrote this key (or the mapping holding it).
                let first = origins.iter().filter(|(p, _)| at.starts_with(p)).max_by_key(|(p, _)| p.len()).map(|(_, s)| s.clone()).unwrap_or_default();
                let what = format!("configuration key {key}");
                match ctx.options.on_conflict {
                    None => d.blocker(Item::new(ItemKind::Blocker, Some(dotted(source)), None, ctx.loc(source)).reason(format!(
                        "{what} is set differently in {} ({}) and {} ({}); merge them by hand or pass --on-conflict first|last",
                        dotted(&first),
                        loc_text(&ctx.loc(&first)),
                        dotted(source),
                        loc_text(&ctx.loc(source))
                    ))),
                    Some(OnConflict::First) => notes.push((source.to_vec(), format!("{what}: kept the value from {} (--on-conflict first)", dotted(&first)))),
                    Some(OnConflict::Last) => {
                        notes.push((source.to_vec(), format!("{what}: kept the value from {} (--on-conflict last)", dotted(source))));
                        *existing = v.clone();
                    }
                }
            }
            None => {
                into_m.insert(k.clone(), v.clone());
                origins.push((at.clone(), source.to_vec()));
            }
        }
        at.pop();
    }
}

fn files(ctx: &Ctx, d: &mut Derivations, to: &[String], sources: &[(Vec<String>, Value)]) {
    let mut out = Map::new();
    let mut from: Vec<(String, Vec<String>)> = Vec::new();
    let mut notes = Vec::new();
    for (path, files) in sources {
        let Value::Object(m) = files else { continue };
        for (name, content) in m {
            match out.get(name) {
                None => {
                    out.insert(name.clone(), content.clone());
                    from.push((name.clone(), path.clone()));
                }
                Some(c) if c == content => notes.push((path.clone(), format!("{name}: same content as before; written once"))),
                Some(_) => {
                    let first = from.iter().find(|(n, _)| n == name).map(|(_, p)| p.clone()).unwrap_or_default();
                    let what = format!("file {name}");
                    match ctx.options.on_conflict {
                        None => d.blocker(Item::new(ItemKind::Blocker, Some(dotted(path)), Some(dotted(to)), ctx.loc(path)).reason(format!(
                            "{what} has different content in {} ({}) and {} ({}); merge by hand or pass --on-conflict first|last",
                            dotted(&first),
                            loc_text(&ctx.loc(&first)),
                            dotted(path),
                            loc_text(&ctx.loc(path))
                        ))),
                        Some(OnConflict::First) => notes.push((path.clone(), format!("{what}: kept {} (--on-conflict first)", dotted(&first)))),
                        Some(OnConflict::Last) => {
                            out.insert(name.clone(), content.clone());
                            notes.push((path.clone(), format!("{what}: kept {} (--on-conflict last)", dotted(path))));
                        }
                    }
                }
            }
        }
    }
    finish(ctx, d, to, sources, Value::Object(out), sources.len() > 1, notes);
}

/// Write the joined value (or move the single source as written) and report each source.
fn finish(ctx: &Ctx, d: &mut Derivations, to: &[String], sources: &[(Vec<String>, Value)], joined: Value, changed: bool, notes: Vec<(Vec<String>, String)>) {
    let joined_from: Vec<String> = sources.iter().map(|(p, _)| dotted(p)).collect();
    let single = sources.len() == 1;
    // An (empty) orchestration key already there would win a move: write the value instead.
    let target_taken = ctx.get_p(to).is_some() && sources[0].0.as_slice() != to;
    if single && !changed && !target_taken {
        let (path, _) = &sources[0];
        if path.as_slice() != to {
            d.move_to(path, to);
            let item = Item::new(ItemKind::Moved, Some(dotted(path)), Some(dotted(to)), ctx.loc(path))
                .reason(format!("zeebe, zeebeGateway, operate and tasklist share one {} in 8.8", dotted(to)));
            d.items.insert(path.clone(), item);
        }
        return;
    }
    d.set(to, joined.clone(), sources.iter().map(|(p, _)| p.clone()).collect());
    if let Some(empty) = ctx.get_p(to).filter(|_| !sources.iter().any(|(p, _)| p.as_slice() == to)) {
        let item = Item::new(ItemKind::Changed, Some(dotted(to)), Some(dotted(to)), ctx.loc(to))
            .values(&dotted(to), Some(empty), Some(&joined))
            .reason(format!("was empty; now holds {}", joined_from.join(", ")));
        d.items.insert(to.to_vec(), item);
    }
    for (path, old) in sources {
        let mine: Vec<&str> = notes.iter().filter(|(p, _)| p == path).map(|(_, n)| n.as_str()).collect();
        let mut reason = if single { String::new() } else { format!("joined from {}", joined_from.join(", ")) };
        if !mine.is_empty() {
            if !reason.is_empty() {
                reason.push_str("; ");
            }
            reason.push_str(&mine.join("; "));
        }
        let item = Item::new(ItemKind::Changed, Some(dotted(path)), Some(dotted(to)), ctx.loc(path)).values(&dotted(path), Some(old), Some(&joined)).reason(reason);
        if path.as_slice() == to {
            d.items.insert(path.clone(), item);
        } else {
            d.consume(path, item);
        }
    }
}
