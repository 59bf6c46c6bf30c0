//! Converting a span tree into plain values (serde_json::Value) as Helm sees
//! them: YAML 1.1 scalars, merge keys (`<<`), duplicate keys (last wins),
//! aliases expanded under a budget so alias bombs fail fast.

use serde_json::{Map, Value};

use super::scalar;
use super::tree::{Document, Kind, Node, Pos};

/// How many nodes alias expansion may produce before we call it a bomb.
pub const MAX_EXPANDED_NODES: usize = 1_000_000;

#[derive(Debug, Clone)]
pub struct ExpandError {
    pub pos: Pos,
    pub message: String,
}

pub fn to_value(doc: &Document) -> Result<Value, ExpandError> {
    let mut budget = MAX_EXPANDED_NODES;
    match &doc.root {
        None => Ok(Value::Null),
        Some(n) => node_to_value(doc, n, &mut budget, 0),
    }
}

pub fn node_to_value(doc: &Document, node: &Node, budget: &mut usize, depth: usize) -> Result<Value, ExpandError> {
    if *budget == 0 || depth > 512 {
        return Err(ExpandError {
            pos: node.start,
            message: format!("alias expansion exceeds {MAX_EXPANDED_NODES} nodes (an alias bomb?)"),
        });
    }
    *budget -= 1;
    Ok(match &node.kind {
        Kind::Scalar { value, style } => scalar::resolve(value, *style, node.tag.as_deref()),
        Kind::Alias(id) => {
            let target = doc.anchors.get(id).expect("checked at parse time");
            node_to_value(doc, target, budget, depth + 1)?
        }
        Kind::Seq { items, .. } => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                out.push(node_to_value(doc, i, budget, depth + 1)?);
            }
            Value::Array(out)
        }
        Kind::Map { entries, .. } => {
            let mut out = Map::new();
            // Merge keys first, so explicit keys override them (YAML merge-key rules).
            for e in entries.iter().filter(|e| e.key == "<<") {
                let merged = node_to_value(doc, &e.value, budget, depth + 1)?;
                let sources = match merged {
                    Value::Array(a) => a,
                    v => vec![v],
                };
                for src in sources {
                    if let Value::Object(m) = src {
                        for (k, v) in m {
                            out.entry(k).or_insert(v);
                        }
                    }
                }
            }
            for e in entries.iter().filter(|e| e.key != "<<") {
                let v = node_to_value(doc, &e.value, budget, depth + 1)?;
                // Last duplicate wins, as in Helm; keep the first position in order.
                out.insert(e.key.clone(), v);
            }
            Value::Object(out)
        }
    })
}

/// Helm's merge of several user values files (`-f a -f b`, `mergeMaps` in
/// Helm): later files win, maps merge key by key, anything else replaces
/// (an explicit `null` is kept as null; only the later merge with the chart's
/// defaults deletes such keys, see `coalesce_with_defaults`).
pub fn merge_user_values(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(bv) if bv.is_object() && v.is_object() => merge_user_values(bv, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

/// Helm's coalescing of user values over chart defaults: user keys win, maps
/// merge recursively, a user `null` deletes the default key.
pub fn coalesce_with_defaults(user: &Value, defaults: &Value) -> Value {
    match (user, defaults) {
        (Value::Object(u), Value::Object(d)) => {
            let mut out = d.clone();
            for (k, v) in u {
                if v.is_null() {
                    out.remove(k);
                    continue;
                }
                let merged = match d.get(k) {
                    Some(dv) if dv.is_object() && v.is_object() => coalesce_with_defaults(v, dv),
                    _ => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (u, _) => u.clone(),
    }
}

/// Is a value "truthy" the way Go templates see it?
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(m)) => !m.is_empty(),
    }
}

/// Look up a dotted path in a value.
pub fn get_path<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    let mut cur = v;
    for k in path {
        cur = cur.as_object()?.get(*k)?;
    }
    Some(cur)
}
