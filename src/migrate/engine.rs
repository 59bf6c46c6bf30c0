//! The migration engine: walks a values document, decides with the rule table
//! (on the merged view of all inputs, as Helm would merge them) what happens to
//! every key, applies that to the lossless editor, and reports every leaf.

use std::collections::HashMap;

use anyhow::Result;
use serde_json::Value;

use super::report::{Item, ItemKind, Report};
use super::derive::Derivations;
use super::rules::{self, Action, Rule, Shape, Special};
use crate::error::{InputError, Location};
use crate::values::{kind_name, Source, Sources};
use crate::yaml::edit::{EditDoc, Policy};
use crate::yaml::value::{get_path, truthy};
use crate::yaml::{join_path, Kind, Node};

/// One decision of the walk: what happens to the subtree at `from`.
#[derive(Debug, Clone)]
struct Plan<'r> {
    from: Vec<String>,
    rule: Option<&'r Rule>,
    op: Op,
    /// A reason other than the rule's own.
    why: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    Keep,
    /// Taken out; a derivation (`derive.rs`) writes its value elsewhere and reports it.
    Consumed,
    Drop,
    Manual,
    Pending,
    Move { to: Vec<String>, transform: Transform },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Transform {
    None,
    ToString,
    Replace(&'static str, &'static str),
}

/// Which document `migrate_doc` works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// All inputs merged into one: everything is written here.
    Whole,
    /// One of several files rewritten separately; the first gets what has no other home.
    File { first: bool },
}

/// Result of migrating one document.
pub struct DocResult {
    pub text: String,
    pub report: Report,
}

pub struct Engine<'a> {
    pub rules: &'a [Rule],
    pub shapes: &'a [(&'static str, Shape)],
    pub sources: &'a Sources,
    pub derived: &'a Derivations,
}

fn p(s: &str) -> Vec<String> {
    s.split('.').map(str::to_string).collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

impl<'a> Engine<'a> {
    fn merged(&self, path: &[String]) -> Option<&'a Value> {
        get_path(&self.sources.merged, &strs(path))
    }

    /// Check the shapes the rules rely on, in every input file.
    pub fn check_shapes(&self) -> Result<()> {
        for f in &self.sources.files {
            let Some(root) = &f.doc.root else { continue };
            check_node_shapes(f, root, self.shapes, &mut Vec::new())?;
        }
        Ok(())
    }

    /// Decide what happens to each key of `root`.
    fn plan(&self, root: &Node) -> Vec<Plan<'a>> {
        let mut out = Vec::new();
        for e in root.entries() {
            self.walk(&e.value, vec![e.key.clone()], &mut out);
        }
        out
    }

    fn walk(&self, node: &Node, path: Vec<String>, out: &mut Vec<Plan<'a>>) {
        if let Some(op) = self.derived.ops.get(&path) {
            let rule = rules::exact_rule(self.rules, &path).or_else(|| rules::glob_rule(self.rules, &path).map(|(r, _)| r));
            out.push(Plan { from: path, rule, op: op.clone(), why: None });
            return;
        }
        let below = |path: &[String]| rules::has_rule_below(self.rules, path) || self.derived.has_below(path);
        if let Some(rule) = rules::exact_rule(self.rules, &path) {
            out.push(self.decide(rule, path));
            return;
        }
        if node.is_map() && !node.entries().is_empty() && below(&path) {
            for e in node.entries() {
                let mut child = path.clone();
                child.push(e.key.clone());
                self.walk(&e.value, child, out);
            }
            return;
        }
        if let Some((rule, _)) = rules::glob_rule(self.rules, &path) {
            out.push(self.decide(rule, path));
            return;
        }
        out.push(Plan { from: path, rule: None, op: Op::Keep, why: None });
    }

    fn decide(&self, rule: &'a Rule, from: Vec<String>) -> Plan<'a> {
        let mv = |to: &str, transform| Op::Move { to: rules::target(rule.from, to, &from), transform };
        let op = match rule.action {
            Action::Move(to) => mv(to, Transform::None),
            Action::MoveAsString(to) => mv(to, Transform::ToString),
            Action::MoveReplacing { to, from: a, with } => mv(to, Transform::Replace(a, with)),
            Action::DropIfDefault { default, to } => match self.merged(&from) {
                Some(Value::String(s)) if s == default => Op::Drop,
                _ => {
                    let to = rules::target(rule.from, to, &from);
                    return Plan { from, rule: Some(rule), op: Op::Move { to, transform: Transform::None }, why: Some("differs from the 12.x default; kept") };
                }
            },
            Action::Drop => Op::Drop,
            // A switched-off feature needs no manual step.
            Action::Manual => match self.merged(&from) {
                Some(Value::Object(m)) if m.contains_key("enabled") && !truthy(m.get("enabled")) => {
                    return Plan { from, rule: Some(rule), op: Op::Drop, why: Some("not enabled; nothing to carry over") };
                }
                _ => Op::Manual,
            },
            Action::Pending => Op::Pending,
            // Without an override from a derivation, the key stays as it is.
            Action::Special(Special::Derived(_)) => Op::Keep,
        };
        Plan { from, rule: Some(rule), op, why: None }
    }

    /// Migrate one document. `locate` says where a key came from (for reports).
    pub fn migrate_doc(&self, src: &Source, part: Part, locate: &dyn Fn(&[String]) -> Option<Location>) -> Result<DocResult> {
        let mut ed = EditDoc::new(&src.text, &src.doc);
        let mut report = Report::default();
        let plans = match &src.doc.root {
            Some(root) if root.is_map() => self.plan(root),
            _ => Vec::new(),
        };

        // Containers whose whole subtree moves next to themselves are renamed in
        // place (zeebe -> orchestration), keeping their position and comments.
        let mut renames: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for rule in self.rules.iter() {
            let Action::Move(to) = rule.action else { continue };
            let (Some(old), Some(new)) = (rule.from.strip_suffix(".**"), to.strip_suffix(".**")) else { continue };
            let (old, new) = (p(old), p(new));
            if old.contains(&"*".to_string()) || old[..old.len() - 1] != new[..new.len() - 1] {
                continue;
            }
            let moves_here = plans.iter().any(|pl| pl.from.starts_with(&old));
            if moves_here && ed.contains(&old) && !ed.contains(&new) && src.node(&strs(&old)).is_some_and(|n| n.is_block_collection()) {
                ed.rename(&old, new.last().unwrap());
                renames.push((old, new));
            }
        }
        let resolve = |path: &[String]| -> Vec<String> {
            for (old, new) in &renames {
                if path.starts_with(old) {
                    let mut out = new.clone();
                    out.extend_from_slice(&path[old.len()..]);
                    return out;
                }
            }
            path.to_vec()
        };

        if let Some(root) = &src.doc.root {
            check_anchors(src, root, &plans, &resolve)?;
        }
        // Helm keeps the last of duplicate keys; so does the output.
        for d in &src.doc.duplicates {
            if d.parts.iter().all(|p| !p.starts_with('[')) {
                ed.dedupe(&resolve(&d.parts));
            }
        }

        // Phase 1: take out everything that leaves its place.
        let mut incoming = Vec::new();
        let mut emptied = Vec::new();
        for plan in &plans {
            let at = resolve(&plan.from);
            match &plan.op {
                Op::Keep => {}
                Op::Drop | Op::Manual | Op::Consumed => {
                    ed.remove(&at);
                    emptied.push(at[..at.len() - 1].to_vec());
                }
                Op::Pending => {
                    if at != plan.from {
                        if let Some(e) = ed.remove(&at) {
                            incoming.push((plan.from.clone(), plan.from.clone(), e));
                            emptied.push(at[..at.len() - 1].to_vec());
                        }
                    }
                }
                Op::Move { to, transform } => {
                    match transform {
                        Transform::None => {}
                        Transform::ToString => {
                            if let Some(v @ Value::Number(_)) = self.merged(&plan.from) {
                                ed.set(&at, &Value::String(v.to_string()));
                            }
                        }
                        Transform::Replace(a, b) => {
                            ed.replace_in_value(&at, a, b);
                        }
                    }
                    if &at != to {
                        if let Some(e) = ed.remove(&at) {
                            incoming.push((plan.from.clone(), to.clone(), e));
                            emptied.push(at[..at.len() - 1].to_vec());
                        }
                    }
                }
            }
        }
        // Phase 2: put them where they belong, merging key by key.
        let mut collisions = Vec::new();
        for (from, to, entry) in incoming {
            let (last, parent) = to.split_last().expect("non-empty target");
            for c in ed.merge(parent, entry.rekey(last).without_leading_blank(), Policy::Existing) {
                let mut full = parent.to_vec();
                full.extend(c.path);
                collisions.push((from.clone(), full));
            }
        }
        emptied.sort_by_key(|p| std::cmp::Reverse(p.len()));
        for path in emptied {
            ed.prune_empty(&path);
        }

        // Values derived from the merged view: in per-file mode each goes to the
        // file that held its sources (or the first file when it has none).
        let write_flag = !matches!(part, Part::File { first: false });
        for set in &self.derived.sets {
            let owner = set.sources.iter().any(|sp| src.node(&strs(sp)).is_some());
            let orphan = !set.sources.iter().any(|sp| self.sources.files.iter().any(|f| f.node(&strs(sp)).is_some()));
            if part == Part::Whole || owner || (orphan && write_flag) {
                ed.set(&set.path, &set.value);
            }
        }
        self.report(src, &plans, &collisions, locate, &mut report);
        Ok(DocResult { text: ed.render(), report })
    }

    fn report(
        &self,
        src: &Source,
        plans: &[Plan],
        collisions: &[(Vec<String>, Vec<String>)],
        locate: &dyn Fn(&[String]) -> Option<Location>,
        report: &mut Report,
    ) {
        for plan in plans {
            let why = plan.why.or(plan.rule.map(|r| r.why)).unwrap_or("");
            let Some(node) = src.node(&strs(&plan.from)) else { continue };
            for (rest, leaf, key_pos) in leaves(node) {
                let mut from = plan.from.clone();
                from.extend(rest.iter().cloned());
                let from_s = join_path(&from);
                // A single input is walked itself: its own positions are exact and cheap.
                let loc = match key_pos {
                    Some(pos) if self.sources.files.len() == 1 => Some(src.location(pos)),
                    _ => locate(&from).or_else(|| locate(&plan.from)),
                };
                let old = self.merged(&from).cloned().or_else(|| leaf_value(src, leaf));
                let values = |item: Item, old: Option<&Value>, new: Option<&Value>| item.values(&from_s, old, new);
                // A derivation's report of this key, or of the mapping it sits in.
                let derived = (plan.from.len()..=from.len()).rev().find_map(|n| self.derived.items.get(&from[..n]).map(|i| (n, i)));
                if let Some((n, item)) = derived {
                    let mut item = item.clone();
                    if n < from.len() {
                        let rest = &from[n..];
                        item.from = Some(from_s.clone());
                        let rest = join_path(rest);
                        let sep = if rest.starts_with('[') { "" } else { "." };
                        item.to = item.to.map(|t| format!("{t}{sep}{rest}"));
                        item.old = None;
                        item.new = None;
                    }
                    if item.file.is_none() {
                        item = item.at(loc);
                    }
                    report.push(item);
                    continue;
                }
                let item = match &plan.op {
                    Op::Keep => Item::new(ItemKind::Kept, Some(from_s.clone()), Some(from_s.clone()), loc),
                    Op::Consumed => {
                        values(Item::new(ItemKind::Dropped, Some(from_s.clone()), None, loc).reason(why), old.as_ref(), None)
                    }
                    Op::Drop => values(Item::new(ItemKind::Dropped, Some(from_s.clone()), None, loc).reason(why), old.as_ref(), None),
                    Op::Manual => Item::new(ItemKind::Manual, Some(from_s.clone()), None, loc).reason(why),
                    Op::Pending => Item::new(ItemKind::Pending, Some(from_s.clone()), Some(from_s.clone()), loc).reason(why),
                    Op::Move { to, transform } => {
                        let mut to = to.clone();
                        to.extend(rest.iter().cloned());
                        let to_s = join_path(&to);
                        let new = match (transform, &old) {
                            (Transform::ToString, Some(v @ Value::Number(_))) => Some(Value::String(v.to_string())),
                            (Transform::Replace(a, b), Some(Value::String(s))) if s.contains(a) => Some(Value::String(s.replace(a, b))),
                            _ => None,
                        };
                        // Only the key that arrived second lost; the one already there stays.
                        if collisions.iter().any(|(f, c)| f == &plan.from && to.starts_with(c)) {
                            let kept = self.merged(&to);
                            let same = kept.is_some() && kept == old.as_ref();
                            if same {
                                let reason = format!("{to_s} is already set to the same value");
                                values(Item::new(ItemKind::Dropped, Some(from_s.clone()), None, loc).reason(reason), old.as_ref(), None)
                            } else {
                                let reason = format!("{to_s} is set too, to a different value; that one is kept: check which you meant");
                                values(Item::new(ItemKind::Manual, Some(from_s.clone()), None, loc).reason(reason), old.as_ref(), None)
                            }
                        } else if let Some(new) = new {
                            values(Item::new(ItemKind::Changed, Some(from_s.clone()), Some(to_s), loc).reason(why), old.as_ref(), Some(&new))
                        } else {
                            let kind = if from == to { ItemKind::Kept } else { ItemKind::Moved };
                            Item::new(kind, Some(from_s.clone()), Some(to_s), loc).reason(if from == to { "" } else { why })
                        }
                    }
                };
                report.push(item);
            }
        }
    }
}

/// Every leaf under `node` (scalars, empty collections, lists as a whole) with
/// its relative path and the position of its key (None for `node` itself).
fn leaves(node: &Node) -> Vec<(Vec<String>, &Node, Option<crate::yaml::Pos>)> {
    let mut out = Vec::new();
    fn go<'n>(n: &'n Node, path: Vec<String>, pos: Option<crate::yaml::Pos>, out: &mut Vec<(Vec<String>, &'n Node, Option<crate::yaml::Pos>)>) {
        match &n.kind {
            Kind::Map { entries, .. } if !entries.is_empty() => {
                for e in entries {
                    let mut p = path.clone();
                    p.push(e.key.clone());
                    go(&e.value, p, Some(e.key_pos), out);
                }
            }
            _ => out.push((path, n, pos)),
        }
    }
    go(node, Vec::new(), None, &mut out);
    out
}

fn leaf_value(src: &Source, n: &Node) -> Option<Value> {
    let mut budget = 100_000;
    crate::yaml::value::node_to_value(&src.doc, n, &mut budget, 0).ok()
}

fn check_node_shapes(f: &Source, node: &Node, shapes: &[(&str, Shape)], path: &mut Vec<String>) -> Result<()> {
    for e in node.entries() {
        path.push(e.key.clone());
        let shape = shapes.iter().find(|(pat, _)| rules::matches(pat, path).is_some());
        if let Some((_, shape)) = shape {
            let v = resolve_alias(f, &e.value);
            let (is_null, found) = match &v.kind {
                Kind::Map { .. } => (false, "a mapping"),
                Kind::Seq { .. } => (false, "a list"),
                Kind::Scalar { value, style } => {
                    let r = crate::yaml::scalar::resolve(value, *style, v.tag.as_deref());
                    (r.is_null(), kind_name(&r))
                }
                Kind::Alias(_) => (true, "an alias"),
            };
            let ok = is_null
                || match shape {
                    Shape::Map => found == "a mapping",
                    Shape::List => found == "a list",
                    Shape::Str => found == "a string",
                    Shape::Scalar => found != "a mapping" && found != "a list",
                };
            if !ok {
                let want = match shape {
                    Shape::Map => "a mapping",
                    Shape::List => "a list",
                    Shape::Str => "a string",
                    Shape::Scalar => "a single value",
                };
                anyhow::bail!(InputError {
                    location: f.location(e.value.start),
                    key: Some(join_path(path)),
                    message: format!("expected {want}, found {found}"),
                });
            }
        }
        // Shapes are only ever checked two levels down.
        if path.len() < 2 && e.value.is_map() {
            check_node_shapes(f, &e.value, shapes, path)?;
        }
        path.pop();
    }
    Ok(())
}

fn resolve_alias<'n>(f: &'n Source, n: &'n Node) -> &'n Node {
    match &n.kind {
        Kind::Alias(id) => f.doc.anchors.get(id).unwrap_or(n),
        _ => n,
    }
}

/// Refuse to move or drop a subtree when that would break an anchor/alias pair.
fn check_anchors(src: &Source, root: &Node, plans: &[Plan], resolve: &dyn Fn(&[String]) -> Vec<String>) -> Result<()> {
    if src.doc.anchors.is_empty() {
        return Ok(());
    }
    let mut all_aliases: HashMap<usize, usize> = HashMap::new();
    count_aliases(root, &mut all_aliases);
    for plan in plans {
        let moves = match &plan.op {
            Op::Move { to, .. } if to == &resolve(&plan.from) => continue,
            Op::Move { .. } => true,
            Op::Drop | Op::Manual | Op::Consumed => false,
            Op::Keep | Op::Pending => continue,
        };
        let Some(node) = src.node(&strs(&plan.from)) else { continue };
        let mut inside: HashMap<usize, usize> = HashMap::new();
        count_aliases(node, &mut inside);
        let mut anchors = Vec::new();
        collect_anchors(node, &mut anchors);
        let used_outside = anchors.iter().any(|a| all_aliases.get(a).copied().unwrap_or(0) > inside.get(a).copied().unwrap_or(0));
        let refers_outside = moves && inside.keys().any(|id| !anchors.contains(id));
        if used_outside || refers_outside {
            let what = if used_outside { "defines an anchor that is used elsewhere" } else { "uses an alias of an anchor defined elsewhere" };
            anyhow::bail!(InputError {
                location: src.location(node.start),
                key: Some(join_path(&plan.from)),
                message: format!(
                    "this key {}, and the migration {} it; expand the alias (write the values out) and run again",
                    what,
                    if moves { "moves" } else { "removes" }
                ),
            });
        }
    }
    Ok(())
}

fn count_aliases(n: &Node, out: &mut HashMap<usize, usize>) {
    match &n.kind {
        Kind::Alias(id) => *out.entry(*id).or_insert(0) += 1,
        Kind::Map { entries, .. } => entries.iter().for_each(|e| count_aliases(&e.value, out)),
        Kind::Seq { items, .. } => items.iter().for_each(|i| count_aliases(i, out)),
        Kind::Scalar { .. } => {}
    }
}

fn collect_anchors(n: &Node, out: &mut Vec<usize>) {
    if let Some(a) = n.anchor {
        out.push(a);
    }
    match &n.kind {
        Kind::Map { entries, .. } => entries.iter().for_each(|e| collect_anchors(&e.value, out)),
        Kind::Seq { items, .. } => items.iter().for_each(|i| collect_anchors(i, out)),
        _ => {}
    }
}
