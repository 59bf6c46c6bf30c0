//! Derivations: decisions the rule table cannot express key by key, taken on
//! the merged view of all inputs (as Helm merges them): consolidating the
//! free-form keys of four components into one, carrying the auth method,
//! keeping the 8.7 component set, the migration switches, multi-region
//! exporters, and blockers. Each can override what happens to an input key
//! (`ops`), report it (`items`), and write values (`sets`).

mod auth;
mod blockers;
mod components;
mod consolidate;
mod flags;
mod secrets;

pub(crate) use components::ran_in_87;

use std::collections::HashMap;

use anyhow::Result;
use serde_json::Value;

use super::engine::{Op, Transform};
use super::report::{Item, ItemKind};
use super::Options;
use crate::error::Location;
use crate::values::Sources;
use crate::yaml::value::get_path;
use crate::yaml::{join_path, Kind};

/// A value the migration writes.
#[derive(Debug, Clone)]
pub struct Set {
    pub path: Vec<String>,
    pub value: Value,
    /// Input keys it is made from (decides which file gets it when files are rewritten separately).
    pub sources: Vec<Vec<String>>,
}

/// A file a derivation asks to write beside the values (a generated Secret manifest).
#[derive(Debug, Clone)]
pub struct SideFile {
    pub path: std::path::PathBuf,
    pub text: String,
    /// Holds secrets: written readable by the owner only.
    pub private: bool,
}

#[derive(Debug, Default)]
pub struct Derivations {
    pub(crate) ops: HashMap<Vec<String>, Op>,
    pub(crate) items: HashMap<Vec<String>, Item>,
    pub sets: Vec<Set>,
    /// Report items not tied to one input key (added keys, manual steps, blockers).
    pub extra: Vec<Item>,
    /// Files to write beside the values (only when the run is not refused).
    pub files: Vec<SideFile>,
}

impl Derivations {
    /// Is there an override strictly below `path`?
    pub fn has_below(&self, path: &[String]) -> bool {
        self.ops.keys().any(|k| k.len() > path.len() && k.starts_with(path))
    }

    /// A later derivation takes over an input key: forget the values and the
    /// manual steps earlier derivations made from that key alone.
    pub(crate) fn take_over(&mut self, path: &[String]) {
        self.sets.retain(|s| s.sources != [path.to_vec()]);
        let dotted_path = dotted(path);
        self.extra.retain(|i| !(i.kind == ItemKind::Manual && i.from.as_deref() == Some(dotted_path.as_str())));
    }

    /// Take the key out; `item` reports it.
    pub(crate) fn consume(&mut self, path: &[String], item: Item) {
        self.ops.insert(path.to_vec(), Op::Consumed);
        self.items.insert(path.to_vec(), item);
    }

    /// Move the key as written (lossless) to `to`.
    pub(crate) fn move_to(&mut self, path: &[String], to: &[String]) {
        self.ops.insert(path.to_vec(), Op::Move { to: to.to_vec(), transform: Transform::None });
    }

    pub(crate) fn set(&mut self, path: &[String], value: Value, sources: Vec<Vec<String>>) {
        self.sets.retain(|s| s.path != path);
        self.sets.push(Set { path: path.to_vec(), value, sources });
    }

    /// Write `value` at `path` and report it as added (unless the user already has that value).
    pub(crate) fn add(&mut self, ctx: &Ctx, path: &str, value: Value, reason: &str) {
        let p = ctx.path(path);
        if ctx.get(path) == Some(&value) {
            return;
        }
        let kind = if ctx.get(path).is_some() { ItemKind::Changed } else { ItemKind::Added };
        let old = ctx.get(path).cloned();
        let mut item = Item::new(kind, old.as_ref().map(|_| path.to_string()), Some(path.to_string()), ctx.loc(&p)).reason(reason);
        item = item.values(path, old.as_ref(), Some(&value));
        if kind == ItemKind::Changed {
            self.items.insert(p.clone(), item);
        } else {
            self.extra.push(item);
        }
        self.set(&p, value, vec![]);
    }

    pub(crate) fn manual(&mut self, item: Item) {
        self.extra.push(Item { kind: ItemKind::Manual, ..item });
    }

    pub(crate) fn blocker(&mut self, item: Item) {
        self.extra.push(Item { kind: ItemKind::Blocker, ..item });
    }
}

/// What derivations read: the merged user values and where each key came from.
pub(crate) struct Ctx<'a> {
    pub sources: &'a Sources,
    pub merged: &'a Value,
    pub options: &'a Options,
}

impl Ctx<'_> {
    pub fn path(&self, dotted: &str) -> Vec<String> {
        dotted.split('.').map(str::to_string).collect()
    }

    pub fn get(&self, dotted: &str) -> Option<&Value> {
        get_path(self.merged, &dotted.split('.').collect::<Vec<_>>())
    }

    pub fn get_p(&self, path: &[String]) -> Option<&Value> {
        get_path(self.merged, &path.iter().map(String::as_str).collect::<Vec<_>>())
    }

    pub fn loc(&self, path: &[String]) -> Option<Location> {
        self.sources.origin(&path.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// Where item `i` of the list at `path` is written (in the file whose list wins).
    pub fn item_loc(&self, path: &[String], i: usize) -> Option<Location> {
        let strs: Vec<&str> = path.iter().map(String::as_str).collect();
        for f in self.sources.files.iter().rev() {
            if let Some(node) = f.node(&strs) {
                if let Kind::Seq { items, .. } = &node.kind {
                    return items.get(i).map(|n| f.location(n.start));
                }
                return Some(f.location(node.start));
            }
        }
        None
    }
}

fn loc_text(l: &Option<Location>) -> String {
    l.as_ref().map_or_else(|| "?".to_string(), |l| format!("{}:{}", l.file, l.line))
}

/// Run every derivation over the merged view.
pub fn derive(sources: &Sources, options: &Options) -> Result<Derivations> {
    let ctx = Ctx { sources, merged: &sources.merged, options };
    let mut d = Derivations::default();
    flags::derive(&ctx, &mut d);
    blockers::derive(&ctx, &mut d);
    consolidate::derive(&ctx, &mut d)?;
    auth::derive(&ctx, &mut d);
    components::derive(&ctx, &mut d);
    // Last: it rewrites what the others decided for plaintext secrets.
    secrets::derive(&ctx, &mut d)?;
    Ok(d)
}

pub(crate) fn dotted(path: &[String]) -> String {
    join_path(path)
}
