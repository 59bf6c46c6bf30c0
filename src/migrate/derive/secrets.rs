//! `--secret-name NAME`: plaintext secrets in the values become references to one Secret, the
//! consolidated Secret `secrets extract` writes (same keys: `secrets::table` and
//! `secrets::scan` decide for both). Runs after the other derivations and overrides what they
//! decided for those keys. Values are never reported, only where they went.

use std::collections::BTreeMap;

use anyhow::Result;
use serde_json::{json, Value};

use super::{dotted, Ctx, Derivations};
use crate::migrate::engine::Op;
use crate::migrate::report::{Item, ItemKind};
use crate::secrets::scan::{inventory, Literal, Status, Target};
use crate::secrets::table::Origin;

pub(crate) fn derive(ctx: &Ctx, d: &mut Derivations) -> Result<()> {
    let Some(secret) = ctx.options.secret_name.as_deref() else {
        mention_literals(ctx, d);
        return Ok(());
    };
    crate::secrets::check_secret_name(secret)?;
    let inv = inventory(ctx.sources, None);
    let mut keys: Vec<String> = Vec::new();
    let mut envs: BTreeMap<Vec<String>, Vec<&Literal>> = BTreeMap::new();
    for l in &inv.literals {
        match &l.target {
            Target::Keys { name_key, key_key } => {
                let mut refs = vec![(name_key.clone(), key_key.clone(), l.key.clone())];
                // A generated Secret is referenced as a whole: every key of its row group.
                if let Some(Origin::Generated { secret: group, .. }) = l.row.map(|r| r.origin) {
                    for rs in inv.rows.iter().filter(|rs| matches!(rs.status, Status::FromSecret { .. })) {
                        let same = matches!(rs.row.origin, Origin::Generated { secret: s, .. } if s == group);
                        if let (true, Some(n), Some(k)) = (same, rs.row.name_key, rs.row.key_key) {
                            if !refs.iter().any(|(_, kk, _)| kk == k) {
                                refs.push((n.to_string(), k.to_string(), rs.row.consolidated.to_string()));
                            }
                        }
                    }
                }
                let why =
                    format!("plaintext secret: now read from the Secret {secret}, key {} (value not shown)", l.key);
                let (from, to) = (Some(dotted(&l.path)), Some(name_key.clone()));
                let item = Item::new(ItemKind::Changed, from, to, l.location.clone()).reason(why);
                // Moved (its place and comments kept on the way), then its value replaced by the name.
                d.take_over(&l.path);
                d.move_to(&l.path, &ctx.path(name_key));
                d.items.insert(l.path.clone(), item);
                old_key_of_client(ctx, d, l, secret);
                for (n, k, key) in refs {
                    added(ctx, d, &n, json!(secret), &l.path);
                    added(ctx, d, &k, json!(key), &l.path);
                    keys.push(key);
                }
            }
            Target::Env { list, .. } => envs.entry(list.clone()).or_default().push(l),
            Target::Unused(why) if l.row.is_some_and(|r| r.literal.len() > 1) && why.ends_with("takes precedence") => {
                let item = Item::new(ItemKind::Dropped, Some(dotted(&l.path)), None, l.location.clone())
                    .reason(format!("plaintext secret that 8.7 did not use ({why}); not carried over"));
                d.consume(&l.path, item);
            }
            Target::Unused(why) => d.extra.push(
                Item::new(ItemKind::Note, Some(dotted(&l.path)), None, l.location.clone())
                    .reason(format!("plaintext secret that 8.7 did not use ({why}): left as it is; better removed")),
            ),
            Target::Manual => {
                let why = format!(
                    "plaintext secret with no 8.8 key that takes a Secret: move it into the Secret {secret}, key {} \
                     by hand",
                    l.key
                );
                d.manual(Item::new(ItemKind::Manual, Some(dotted(&l.path)), None, l.location.clone()).reason(why))
            }
        }
    }
    for (list, lits) in envs {
        env_list(ctx, d, &list, &lits, secret);
        keys.extend(lits.iter().map(|l| l.key.clone()));
    }
    if !keys.is_empty() {
        keys.sort();
        keys.dedup();
        d.extra.push(Item::new(ItemKind::Note, None, Some(secret.to_string()), None).reason(format!(
            "before the upgrade the Secret {secret} must hold {}: `helm camunda-upgrade secrets extract \
             --release <release> --secret-name {secret} --apply` writes them with the values 8.7 uses",
            keys.join(", ")
        )));
    }
    Ok(())
}

/// Without `--secret-name` plaintext secrets stay where they are; say where they are (never
/// what), once each, unless another derivation already asks for a manual step about them.
fn mention_literals(ctx: &Ctx, d: &mut Derivations) {
    if !ctx.is_87() {
        return;
    }
    let inv = inventory(ctx.sources, None);
    for l in inv.literals.iter().filter(|l| matches!(l.target, Target::Keys { .. } | Target::Env { .. })) {
        let from = dotted(&l.path);
        if d.extra.iter().any(|i| i.from.as_deref() == Some(from.as_str())) {
            continue;
        }
        d.extra.push(Item::new(ItemKind::Note, Some(from), None, l.location.clone()).reason(
            "a plaintext secret stays in the values: `--secret-name NAME` turns it into a reference to the Secret NAME \
             (`secrets extract` creates that Secret with the values 8.7 uses)",
        ));
    }
}

/// Write `value` at the dotted `key` (made from the input key `from`) and report it as added.
fn added(ctx: &Ctx, d: &mut Derivations, key: &str, value: Value, from: &[String]) {
    let p = ctx.path(key);
    if d.sets.iter().any(|s| s.path == p && s.value == value && s.sources.iter().any(|x| x == from)) {
        return;
    }
    d.extra.push(
        Item::new(ItemKind::Added, None, Some(key.to_string()), None)
            .values(key, None, Some(&value))
            .reason(format!("references the Secret that replaces the plaintext {}", dotted(from))),
    );
    d.set(&p, value, vec![from.to_vec()]);
}

/// A 12.x client's `existingSecretKey` named the key in the chart-generated Secret; it gives
/// way to the consolidated Secret's key.
fn old_key_of_client(ctx: &Ctx, d: &mut Derivations, l: &Literal, secret: &str) {
    let Some(parent) = l.path.strip_suffix(&["existingSecret".to_string()]) else { return };
    let mut old = parent.to_vec();
    old.push("existingSecretKey".into());
    if ctx.get_p(&old).is_some() {
        let item = Item::new(ItemKind::Dropped, Some(dotted(&old)), None, ctx.loc(&old))
            .reason(format!("named the key in the 12.x chart's own Secret; the key in {secret} replaces it"));
        d.consume(&old, item);
    }
}

/// Env vars of the 8.8 list `list`: `value` becomes `valueFrom.secretKeyRef`.
fn env_list(ctx: &Ctx, d: &mut Derivations, list: &[String], lits: &[&Literal], secret: &str) {
    let rewrite = |v: &Value| -> Value {
        let Value::Array(items) = v else { return v.clone() };
        Value::Array(
            items
                .iter()
                .map(|item| {
                    let name = item.get("name").and_then(Value::as_str);
                    let hit = lits
                        .iter()
                        .find(|l| matches!(&l.target, Target::Env { name: n, .. } if Some(n.as_str()) == name));
                    match (hit, item.as_object()) {
                        (Some(l), Some(m)) if m.contains_key("value") => {
                            let mut m = m.clone();
                            m.remove("value");
                            m.insert("valueFrom".into(), json!({"secretKeyRef": {"name": secret, "key": l.key}}));
                            Value::Object(m)
                        }
                        _ => item.clone(),
                    }
                })
                .collect(),
        )
    };
    // The lists that feed it (zeebe.env, operate.env, ... for orchestration.env).
    let sources: Vec<Vec<String>> = lits.iter().map(|l| l.path[..l.path.len() - 1].to_vec()).collect();
    if let Some(set) = d.sets.iter_mut().find(|s| s.path == list) {
        // Joined by another derivation: rewrite what it writes.
        set.value = rewrite(&set.value);
    } else {
        let from = &sources[0];
        let value = ctx.get_p(from).cloned().unwrap_or(Value::Null);
        let item = Item::new(ItemKind::Changed, Some(dotted(from)), Some(dotted(list)), ctx.loc(from))
            .reason(format!("plaintext env values now read from the Secret {secret}"));
        let moved_away = d.ops.get(from).is_some_and(|op| matches!(op, Op::Move { .. })) || from.as_slice() != list;
        if moved_away {
            d.consume(from, item);
        } else {
            d.items.insert(from.clone(), item);
        }
        d.set(list, rewrite(&value), vec![from.clone()]);
    }
    for l in lits {
        let Target::Env { name, .. } = &l.target else { continue };
        d.extra.push(
            Item::new(
                ItemKind::Changed,
                Some(dotted(&l.path)),
                Some(format!("{}[{name}].valueFrom.secretKeyRef", dotted(list))),
                l.location.clone(),
            )
            .reason(format!(
                "plaintext env value {name}: now read from the Secret {secret}, key {} (value not shown)",
                l.key
            )),
        );
    }
}
