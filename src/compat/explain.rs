//! Where the layer's result differs from what the user's values say, key by
//! key, in plain words.
//!
//! Every key the user set (each scalar, list, empty mapping or null) is
//! routed to the layer rule that handles it; the rule knows the 13.x key it
//! should end up at. The note compares that key's value after the layer with
//! the user's value and names the cause when they differ.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::gotpl;
use super::layer::{Facts, Outcome, FREEFORM, GATEWAY_SERVICE, GATEWAY_TOP};
use super::version::{ChartVersion, HelmVersion, Mergo};
use crate::error::Location;
use crate::migrate::report::{is_secret_value, redact_deep};
use crate::values::Sources;
use crate::yaml::{self, scalar::render_scalar, value::get_path, Node};

/// How bad a difference is. `Dropped` and `Breaks` make `compat` exit 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Lands, but not quite as written (a rewrite, a wiped default list).
    Changed,
    /// The user's value has no effect.
    Dropped,
    /// Lands, and breaks the upgrade or the release (or the render refuses it).
    Breaks,
}

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Changed => "changed",
            Severity::Dropped => "dropped",
            Severity::Breaks => "breaks",
        }
    }
}

/// One difference between intent and result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub severity: Severity,
    /// The user's key it is about.
    pub key: Vec<String>,
    /// The 13.x key it concerns (empty when there is none).
    pub target: Vec<String>,
    pub text: String,
    /// Where the user wrote `key` (`Sources::origin`).
    pub at: Option<Location>,
}

impl Note {
    /// `file:line:col: dropped: <text>`
    pub fn display(&self) -> String {
        let at = self.at.as_ref().map(|l| l.to_string()).unwrap_or_else(|| "compat".into());
        format!("{at}: {}: {}", self.severity.label(), self.text)
    }
}

/// `Sources::origin` for many keys at once: every key position of every file,
/// indexed in one pass (a lookup per note would be quadratic on wide maps).
struct Origins {
    index: HashMap<Vec<String>, (usize, Location)>,
}

impl Origins {
    fn new(sources: &Sources) -> Origins {
        fn walk(node: &Node, file: usize, src: &crate::values::Source, path: &mut Vec<String>, out: &mut Origins) {
            for e in node.entries() {
                path.push(e.key.clone());
                // Later entries (duplicate keys) and later files win, as in `Sources::origin`.
                out.index.insert(path.clone(), (file, src.location(e.key_pos)));
                walk(&e.value, file, src, path, out);
                path.pop();
            }
        }
        let mut out = Origins { index: HashMap::new() };
        for (i, f) in sources.files.iter().enumerate() {
            if let Some(root) = &f.doc.root {
                walk(root, i, f, &mut Vec::new(), &mut out);
            }
        }
        out
    }

    /// The deciding file and place of `path`, or of its nearest parent.
    fn get(&self, path: &[String]) -> Option<&(usize, Location)> {
        (1..=path.len()).rev().find_map(|n| self.index.get(&path[..n]))
    }
}

/// 13.x keys whose value cannot change on an existing StatefulSet.
const STATEFULSET_IMMUTABLE: [&str; 6] =
    ["pvcSize", "pvcAccessModes", "pvcStorageClassName", "pvcSelector", "persistenceType", "extraVolumeClaimTemplates"];

/// 12.x `global.identity.auth.<app>.<key>` the 13.x chart never reads, and where the upgrade guide puts them.
const AUTH_UNREAD: [(&str, &str, &str); 8] = [
    ("zeebe", "clientId", "orchestration.security.authentication.oidc.clientId"),
    ("zeebe", "audience", "orchestration.security.authentication.oidc.audience"),
    ("zeebe", "existingSecret", "orchestration.security.authentication.oidc.secret.existingSecret"),
    ("zeebe", "existingSecretKey", "orchestration.security.authentication.oidc.secret.existingSecretKey"),
    ("zeebe", "tokenScope", "orchestration.security.authentication.oidc.scope (a list)"),
    ("operate", "audience", "orchestration.security.authentication.oidc.backwardsCompatibleAudiences"),
    ("tasklist", "audience", "orchestration.security.authentication.oidc.backwardsCompatibleAudiences"),
    ("*", "redirectUrl", "orchestration.security.authentication.oidc.redirectUrl"),
];

/// Hints for old keys the layer ignores, from the upgrade guide.
const IGNORED_HINTS: [(&str, &str); 5] = [
    ("zeebeGateway.service.httpPort", "the upgrade guide moves it to orchestration.service.managementPort"),
    ("operate.contextPath", "8.8 serves Operate at <orchestration.contextPath>/operate"),
    ("tasklist.contextPath", "8.8 serves Tasklist at <orchestration.contextPath>/tasklist"),
    ("operate.retention", "the upgrade guide moves it to orchestration.history.retention"),
    ("tasklist.retention", "the upgrade guide moves it to orchestration.history.retention"),
];

struct Ctx<'a> {
    user: &'a Value,
    before: &'a Value,
    after: &'a Value,
    facts: &'a Facts,
    version: ChartVersion,
    helm: HelmVersion,
    notes: Vec<Note>,
    /// Subtrees already reported as a whole by `unmapped`.
    grouped: HashSet<Vec<String>>,
}

pub fn explain(sources: &Sources, outcome: &Outcome, version: ChartVersion, helm: HelmVersion) -> Vec<Note> {
    let mut cx = Ctx {
        user: &sources.merged,
        before: &outcome.before,
        after: &outcome.after,
        facts: &outcome.facts,
        version,
        helm,
        notes: Vec::new(),
        grouped: HashSet::new(),
    };
    let mut leaves = Vec::new();
    collect_leaves(cx.user, &mut Vec::new(), &mut leaves);
    for (path, value) in &leaves {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        match p[0] {
            "zeebe" => zeebe_leaf(&mut cx, &p, value),
            "zeebeGateway" => gateway_leaf(&mut cx, &p, value),
            "operate" | "tasklist" => app_leaf(&mut cx, &p, value),
            "global" => global_leaf(&mut cx, &p, value),
            "orchestration" | "connectors" => own_leaf(&mut cx, &p, value),
            _ => {}
        }
    }
    layer_effects(&mut cx);
    let origins = Origins::new(sources);
    let mut notes = cx.notes;
    // In file order (file, line, column); notes without a place last.
    notes.sort_by_cached_key(|n| match origins.get(&n.key) {
        Some((file, l)) => (*file, l.line, l.col),
        None => (usize::MAX, 0, 0),
    });
    for n in &mut notes {
        n.at = origins.get(&n.key).map(|(_, l)| l.clone());
    }
    notes
}

/// Scalars, lists, nulls and empty mappings, with their key paths.
fn collect_leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, child) in m {
                path.push(k.clone());
                collect_leaves(child, path, out);
                path.pop();
            }
        }
        _ if !path.is_empty() => out.push((path.clone(), v.clone())),
        _ => {}
    }
}

impl Ctx<'_> {
    /// A note about the user's `key`, on the 13.x key `target` (empty: none).
    fn note(&mut self, severity: Severity, key: &[&str], target: &[&str], text: String) {
        let owned = |p: &[&str]| p.iter().map(|s| s.to_string()).collect();
        self.notes.push(Note { severity, key: owned(key), target: owned(target), text, at: None });
    }

    /// Why a component's old keys are not mapped, or `None` if they are.
    fn gate_closed(&self, component: &str) -> Option<String> {
        if !self.facts.flag {
            let v = get_path(self.before, &["global", "compatibility", "orchestration", "enabled"]);
            return Some(format!("global.compatibility.orchestration.enabled is {}", state(v)));
        }
        let enabled = get_path(self.before, &[component, "enabled"]);
        if gotpl::truthy(enabled) {
            return None;
        }
        let extra = if component == "zeebeGateway" { " (chart 12.x has no such key)" } else { "" };
        Some(format!("{component}.enabled is {}{extra}", state(enabled)))
    }

    fn after_at(&self, path: &[&str]) -> Option<&Value> {
        get_path(self.after, path)
    }
}

/// `zeebe.*`: merged into `orchestration.*` when `zeebe.enabled` is truthy.
fn zeebe_leaf(cx: &mut Ctx, p: &[&str], u: &Value) {
    let rest = &p[1..];
    let mut target = vec!["orchestration"];
    target.extend_from_slice(rest);
    if rest == ["enabled"] {
        let broker = cx.after_at(&["orchestration", "profiles", "broker"]).cloned();
        if gotpl::truthy(broker.as_ref()) != gotpl::truthy(Some(u)) {
            let why = cx.gate_closed("zeebe").map(|r| format!(" because {r}")).unwrap_or_default();
            cx.note(
                Severity::Dropped,
                p,
                &["orchestration", "profiles", "broker"],
                format!(
                    "{}: {} is ignored{why}; orchestration.profiles.broker is {}",
                    join(p),
                    show(p, u),
                    show_opt(&["broker"], broker.as_ref())
                ),
            );
        }
        return;
    }
    if let Some(reason) = cx.gate_closed("zeebe") {
        ignored_for_gate(cx, p, u, &target, &reason);
        return;
    }
    if rest.len() == 1 && FREEFORM.contains(&rest[0]) && gotpl::truthy(Some(u)) {
        refused(cx, p, rest[0]);
        return;
    }
    if let ["resources", group, name] = rest {
        if let Some(r) = cx.facts.resets.iter().find(|r| r.group == *group && r.name == *name) {
            cx.note(
                Severity::Dropped,
                p,
                &target,
                format!(
                    "{}: {} is the chart 12.x default, so the layer keeps {} at {}",
                    join(p),
                    show(p, u),
                    join(&target),
                    show_opt(&target, Some(&r.restored))
                ),
            );
            return;
        }
    }
    if rest == ["javaOpts"] {
        if let Some((before, after)) = &cx.facts.java_opts {
            if before != after {
                cx.note(
                    Severity::Changed,
                    p,
                    &["orchestration", "javaOpts"],
                    format!(
                        "{}: every \"zeebe\" in it becomes \"camunda\": orchestration.javaOpts is {}",
                        join(p),
                        show(p, &Value::String(after.clone()))
                    ),
                );
            }
            return;
        }
    }
    landed(cx, p, u, &target);
}

/// A merged or copied value: compare what arrived with what was written.
fn landed(cx: &mut Ctx, p: &[&str], u: &Value, target: &[&str]) {
    let actual = cx.after_at(target).cloned();
    if actual.as_ref() == Some(u) {
        meaning_changed(cx, p, u, target);
        return;
    }
    if u.as_object().is_some_and(|m| m.is_empty()) && actual.as_ref().is_some_and(Value::is_object) {
        cx.note(
            Severity::Dropped,
            p,
            target,
            format!(
                "{}: {{}} has no effect (an empty mapping merges into nothing); {} keeps {}",
                join(p),
                join(target),
                show_opt(target, actual.as_ref())
            ),
        );
        return;
    }
    if cx.helm.mergo() == Mergo::Legacy {
        // Old mergo leaves a non-empty non-map alone where the old key has a map.
        let blocked = (1..=target.len()).find(|n| get_path(cx.after, &target[..*n]).is_some_and(|v| !v.is_object()));
        if let Some(n) = blocked.filter(|n| *n < target.len() || u.is_object()) {
            let at = &target[..n];
            cx.note(
                Severity::Dropped,
                p,
                target,
                format!(
                    "{}: {} is ignored: with Helm {} a mapping does not replace {} ({}, {})",
                    join(p),
                    show(p, u),
                    cx.helm,
                    join(at),
                    kind(get_path(cx.after, at).unwrap_or(&Value::Null)),
                    show(at, get_path(cx.after, at).unwrap_or(&Value::Null))
                ),
            );
            return;
        }
    }
    let cause = overwritten_by(cx, target).unwrap_or_else(|| "a later step of the layer".into());
    cx.note(
        Severity::Dropped,
        p,
        target,
        format!(
            "{}: {} is overridden: {} is {} from {cause}",
            join(p),
            show(p, u),
            join(target),
            show(target, actual.as_ref().unwrap_or(&Value::Null))
        ),
    );
}

/// The value arrived as written; say so when its meaning is not what it was in 8.7.
fn meaning_changed(cx: &mut Ctx, p: &[&str], u: &Value, target: &[&str]) {
    let old = get_path(cx.before, target);
    let t = join(target);
    match &target[1..] {
        ["image", field] if ["repository", "tag", "registry", "digest"].contains(field) && old != Some(u) => {
            let img = image_of(cx.after);
            let severity = if img.contains("camunda/zeebe") || img.contains(":8.7") || img.contains(":8.6") {
                Severity::Breaks
            } else {
                Severity::Changed
            };
            cx.note(
                severity,
                p,
                target,
                format!(
                    "{}: {} becomes {t}: orchestration would run {img}, not the chart's 8.8 camunda/camunda image",
                    join(p),
                    show(p, u)
                ),
            );
        }
        ["service", "httpPort"] if p[0] == "zeebe" => {
            let mgmt = cx.after_at(&["orchestration", "service", "managementPort"]).cloned();
            let clash = mgmt.as_ref() == Some(u);
            cx.note(
                if clash { Severity::Breaks } else { Severity::Changed },
                p,
                target,
                format!(
                    "{}: {} becomes {t}, which in 8.8 is the REST port (8.7's was the monitoring port){}",
                    join(p),
                    show(p, u),
                    if clash { format!("; it now equals managementPort {}", show(p, u)) } else { String::new() }
                ),
            );
        }
        _ => match (u, old) {
            (Value::Null, Some(o)) if !o.is_null() => cx.note(
                Severity::Changed,
                p,
                target,
                format!("{}: null overwrites {t}; the 13.x value {} is gone", join(p), show(target, o)),
            ),
            (Value::Array(a), Some(Value::Array(o))) if a.is_empty() && !o.is_empty() => cx.note(
                Severity::Changed,
                p,
                target,
                format!(
                    "{}: [] replaces {t} (lists are replaced, not merged); {} is wiped",
                    join(p),
                    show(target, &Value::Array(o.clone()))
                ),
            ),
            (u, Some(o)) if u.is_object() != o.is_object() && !o.is_null() => cx.note(
                Severity::Changed,
                p,
                target,
                format!(
                    "{}: {} replaces {t} ({} in 13.x); on a type clash the old key wins",
                    join(p),
                    kind(u),
                    kind(o)
                ),
            ),
            _ => {}
        },
    }
}

/// Which old key last wrote to `target` (a 13.x path).
fn overwritten_by(cx: &Ctx, target: &[&str]) -> Option<String> {
    let f = cx.facts;
    let rest = &target[1..];
    if target[0] == "orchestration" {
        for copied in &f.gateway_copied {
            let new: Vec<&str> = match copied.as_slice() {
                ["service", old] => {
                    vec!["service", GATEWAY_SERVICE.iter().find(|(o, _)| o == old).map(|(_, n)| *n).unwrap_or(old)]
                }
                other => other.to_vec(),
            };
            if rest.starts_with(&new) {
                let mut old = vec!["zeebeGateway"];
                old.extend(copied.iter());
                let how = if copied == &["ingress"] { " (it replaces orchestration.ingress as a whole)" } else { "" };
                return Some(format!("{}{how}", join(&old)));
            }
        }
        if let ["profiles", app @ ("operate" | "tasklist")] = rest {
            if f.profiles_set.contains(app) {
                return Some(format!("{app}.enabled"));
            }
        }
        if rest == ["profiles", "broker"] && f.broker_profile.is_some() {
            return Some("zeebe.enabled".into());
        }
        if rest == ["javaOpts"] && f.java_opts.is_some() {
            return Some("the layer's \"zeebe\" -> \"camunda\" rewrite of javaOpts".into());
        }
        if f.zeebe_merged {
            for n in (1..=rest.len()).rev() {
                let mut old = vec!["zeebe"];
                old.extend_from_slice(&rest[..n]);
                if get_path(cx.before, &old).is_some() {
                    return Some(format!("{} (the old key wins)", join(&old)));
                }
            }
        }
    }
    if let [to, "security", "authentication", "oidc", ..] = target {
        let sub = &target[4..];
        if f.auth_merged.contains(to) {
            for n in (0..=sub.len()).rev() {
                let mut old = vec!["global", "identity", "auth", to];
                old.extend_from_slice(&sub[..n]);
                if get_path(cx.before, &old).is_some() && n > 0 {
                    return Some(format!("{} (the old key wins)", join(&old)));
                }
            }
        }
    }
    None
}

/// An old key whose rule did not run.
fn ignored_for_gate(cx: &mut Ctx, p: &[&str], u: &Value, target: &[&str], reason: &str) {
    let actual = cx.after_at(target);
    if actual == Some(u) || (actual.is_none() && (is_empty(u) || u == &Value::Bool(false))) {
        return;
    }
    let verb = if actual.is_some() && actual == get_path(cx.before, target) { "stays" } else { "is" };
    let refused_if_on = p.len() == 2 && FREEFORM.contains(&p[1]) && gotpl::truthy(Some(u));
    let suffix =
        if refused_if_on { " (were it on, the chart would refuse this key)".to_string() } else { consequence(target) };
    cx.note(
        Severity::Dropped,
        p,
        target,
        format!(
            "{}: {} is ignored because {reason}; {} {} {}{suffix}",
            join(p),
            show(p, u),
            join(target),
            verb,
            show_opt(target, actual)
        ),
    );
}

fn consequence(target: &[&str]) -> String {
    match target {
        ["orchestration", k, ..] if STATEFULSET_IMMUTABLE.contains(k) => {
            "; Kubernetes forbids changing a StatefulSet's volumeClaimTemplates, so the upgrade will be refused".into()
        }
        _ => String::new(),
    }
}

/// An old key with no 13.x counterpart in the layer. Keys of one subtree
/// (`operate.resources.*`) share one note; `zeebeGateway.service.*` keys do
/// not, as some of them are mapped.
fn unmapped(cx: &mut Ctx, p: &[&str], u: &Value, why: &str) {
    let group = if p.len() > 2 && p[..2] != ["zeebeGateway", "service"] && p[0] != "global" { &p[..2] } else { p };
    let (p, u) = (group, get_path(cx.user, group).unwrap_or(u));
    if all_empty(u) || !cx.grouped.insert(p.iter().map(|s| s.to_string()).collect()) {
        return;
    }
    let dotted = join(p);
    let hint = IGNORED_HINTS
        .iter()
        .find(|(k, _)| dotted == *k || dotted.starts_with(&format!("{k}.")))
        .map(|(_, h)| format!(" ({h})"))
        .unwrap_or_default();
    cx.note(Severity::Dropped, p, &[], format!("{dotted}: {} is ignored: {why}{hint}", show(p, u)));
}

fn refused(cx: &mut Ctx, p: &[&str], key: &str) {
    cx.note(
        Severity::Breaks,
        p,
        &["orchestration", key],
        format!(
            "{}: the chart refuses this key and stops rendering; move its content to orchestration.{key} by hand",
            join(p)
        ),
    );
}

/// `zeebeGateway.*`: a few keys are copied when `zeebeGateway.enabled` is truthy.
fn gateway_leaf(cx: &mut Ctx, p: &[&str], u: &Value) {
    let rest = &p[1..];
    if rest == ["enabled"] {
        return;
    }
    let target: Option<Vec<&str>> = match rest {
        [top, ..] if GATEWAY_TOP.contains(top) => {
            Some(std::iter::once("orchestration").chain(rest.iter().copied()).collect())
        }
        ["service", old] => {
            GATEWAY_SERVICE.iter().find(|(o, _)| o == old).map(|(_, new)| vec!["orchestration", "service", new])
        }
        _ => None,
    };
    let gate = cx.gate_closed("zeebeGateway");
    let freeform = rest.len() == 1 && FREEFORM.contains(&rest[0]);
    match (gate, target) {
        (Some(reason), Some(t)) => ignored_for_gate(cx, p, u, &t, &reason),
        (Some(reason), None) if freeform => ignored_for_gate(cx, p, u, &["orchestration", rest[0]], &reason),
        (None, _) if freeform && gotpl::truthy(Some(u)) => refused(cx, p, rest[0]),
        (None, Some(t)) => {
            if !gotpl::truthy(Some(u)) {
                // The layer copies only non-empty values.
                let actual = cx.after_at(&t);
                if actual != Some(u) && !(actual.is_none() && is_empty(u)) {
                    cx.note(
                        Severity::Dropped,
                        p,
                        &t,
                        format!(
                            "{}: {} is ignored (the layer copies only non-empty values); {} is {}",
                            join(p),
                            show(p, u),
                            join(&t),
                            show_opt(&t, actual)
                        ),
                    );
                }
            } else {
                landed(cx, p, u, &t);
            }
        }
        _ => unmapped(
            cx,
            p,
            u,
            "8.8 has no separate gateway, and the layer copies only zeebeGateway.ingress, \
                                   contextPath and service ports",
        ),
    }
}

/// `operate.*`, `tasklist.*`: only `enabled: true` becomes a profile.
fn app_leaf(cx: &mut Ctx, p: &[&str], u: &Value) {
    let app = p[0];
    let rest = &p[1..];
    if rest == ["enabled"] {
        let profile = cx.after_at(&["orchestration", "profiles", app]).cloned();
        if gotpl::truthy(profile.as_ref()) != gotpl::truthy(Some(u)) {
            let why = match cx.gate_closed(app) {
                Some(_) if !cx.facts.flag => "the compatibility layer is off".to_string(),
                _ => "the layer copies only true".to_string(),
            };
            cx.note(
                Severity::Dropped,
                p,
                &["orchestration", "profiles", app],
                format!(
                "{}: {} is ignored ({why}); orchestration.profiles.{app} is {}, so {} still runs inside orchestration",
                join(p), show(p, u), show_opt(&[app], profile.as_ref()), title(app)
            ),
            );
        }
        return;
    }
    let freeform = rest.len() == 1 && FREEFORM.contains(&rest[0]);
    match cx.gate_closed(app) {
        None if freeform && gotpl::truthy(Some(u)) => refused(cx, p, rest[0]),
        Some(reason) if freeform && gotpl::truthy(Some(u)) => {
            ignored_for_gate(cx, p, u, &["orchestration", rest[0]], &reason)
        }
        _ => {
            let why = format!("{} runs inside orchestration in 8.8, and the layer maps only {app}.enabled", title(app));
            unmapped(cx, p, u, &why)
        }
    }
}

/// `global.*`: the two auth merges, the auth keys 13.x no longer reads, and the auth switch.
fn global_leaf(cx: &mut Ctx, p: &[&str], u: &Value) {
    match p {
        ["global", "identity", "auth", from @ ("orchestration" | "connectors"), rest @ ..] if !rest.is_empty() => {
            let mut target = vec![*from, "security", "authentication", "oidc"];
            target.extend_from_slice(rest);
            if cx.facts.auth_merged.contains(from) {
                landed(cx, p, u, &target);
            } else {
                let reason = if !cx.facts.flag {
                    cx.gate_closed("zeebe").unwrap_or_default()
                } else {
                    format!("{from}.enabled is {}", state(get_path(cx.before, &[from, "enabled"])))
                };
                ignored_for_gate(cx, p, u, &target, &reason);
            }
        }
        ["global", "identity", "auth", app @ ("zeebe" | "operate" | "tasklist"), key, ..] => {
            let hint = AUTH_UNREAD
                .iter()
                .find(|(a, k, _)| (a == app || *a == "*") && k == key)
                .map(|(_, _, to)| format!(" (the upgrade guide moves it to {to})"))
                .unwrap_or_default();
            let why = format!("chart 13.x does not read global.identity.auth.{app}{hint}");
            unmapped(cx, p, u, &why);
        }
        ["global", "identity", "auth", "enabled"] if gotpl::truthy(Some(u)) => {
            let method = |root: &str| {
                get_path(cx.after, &[root, "security", "authentication", "method"]).and_then(Value::as_str)
            };
            let global =
                get_path(cx.after, &["global", "security", "authentication", "method"]).and_then(Value::as_str);
            let orch = method("orchestration").filter(|m| !m.is_empty()).or(global).unwrap_or("");
            if orch != "oidc" {
                cx.note(
                    Severity::Dropped,
                    p,
                    &["global", "security", "authentication", "method"],
                    format!(
                    "{}: true no longer selects OIDC: 13.x takes the method from global.security.authentication.method \
                     ({}), so orchestration and connectors use {} login (with the chart's default users unless you \
                     configure others)",
                    join(p), global.unwrap_or("unset"), if orch.is_empty() { "the default" } else { orch }
                ),
                );
            }
        }
        _ => {}
    }
}

/// `orchestration.*` and `connectors.*` the user wrote in 13.x terms: did an old key override them?
fn own_leaf(cx: &mut Ctx, p: &[&str], u: &Value) {
    if u.is_null() {
        return;
    }
    let before = get_path(cx.before, p);
    let after = cx.after_at(p);
    if before == after {
        return;
    }
    let Some(cause) = overwritten_by(cx, p) else { return };
    let severity = if p.last() == Some(&"javaOpts") { Severity::Changed } else { Severity::Dropped };
    let text = match after {
        Some(a) => format!("{}: {} is overridden: it becomes {} from {cause}", join(p), show(p, u), show(p, a)),
        None => format!("{}: {} is lost: {cause}", join(p), show(p, u)),
    };
    cx.note(severity, p, p, text);
}

/// Effects not tied to one key the user set.
fn layer_effects(cx: &mut Ctx) {
    let f = cx.facts;
    // Whole-object ingress replacement: 13.x defaults that did not survive.
    if f.gateway_copied.iter().any(|c| c == &["ingress"]) {
        let mut lost = Vec::new();
        if let Some(before) = get_path(cx.before, &["orchestration", "ingress"]) {
            let mut leaves = Vec::new();
            collect_leaves(before, &mut Vec::new(), &mut leaves);
            for (path, _) in leaves {
                let mut full = vec!["orchestration".to_string(), "ingress".to_string()];
                full.extend(path.iter().cloned());
                let full: Vec<&str> = full.iter().map(String::as_str).collect();
                if get_path(cx.after, &full).is_none() {
                    lost.push(yaml::join_path(&path));
                }
            }
        }
        if !lost.is_empty() {
            let grpc_on = gotpl::truthy(get_path(cx.after, &["orchestration", "ingress", "grpc", "enabled"]));
            let broken = grpc_on
                && ["path", "pathType"]
                    .iter()
                    .any(|k| !gotpl::truthy(get_path(cx.after, &["orchestration", "ingress", "grpc", k])));
            let tail = if broken {
                "; the gRPC Ingress is rendered with path/pathType null, which Kubernetes rejects"
            } else {
                ""
            };
            cx.note(
                if broken { Severity::Breaks } else { Severity::Changed },
                &["zeebeGateway", "ingress"],
                &["orchestration", "ingress"],
                format!(
                "zeebeGateway.ingress replaces orchestration.ingress as a whole, so these settings are lost: {}{tail}",
                lost.join(", ")
            ),
            );
        }
    }
    // Charts before 13.2.0 took the broker profile from any `zeebe:` key.
    if let Some(Value::Null) = &f.broker_profile {
        let has_enabled = get_path(cx.user, &["zeebe", "enabled"]).is_some();
        if !has_enabled {
            cx.note(Severity::Breaks, &["zeebe"], &["orchestration", "profiles", "broker"], format!(
                "zeebe has keys but no zeebe.enabled: chart {} sets orchestration.profiles.broker to null, so no \
                 broker runs (fixed in 13.2.0; set zeebe.enabled: true)",
                cx.version
            ));
        }
    }
}

/// Nothing in it but nulls, empty strings and empty collections.
fn all_empty(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.values().all(all_empty),
        other => is_empty(other),
    }
}

fn is_empty(v: &Value) -> bool {
    !gotpl::truthy(Some(v)) && !matches!(v, Value::Bool(_) | Value::Number(_))
}

fn join(p: &[&str]) -> String {
    yaml::join_path(p)
}

fn title(app: &str) -> &'static str {
    if app == "operate" {
        "Operate"
    } else {
        "Tasklist"
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "a mapping",
        Value::Array(_) => "a list",
        Value::Null => "null",
        _ => "a scalar",
    }
}

/// The orchestration image after the layer, as the chart composes it.
fn image_of(after: &Value) -> String {
    let s = |k: &str| get_path(after, &["orchestration", "image", k]).and_then(Value::as_str).unwrap_or("").to_string();
    let n = |k: &str| {
        get_path(after, &["orchestration", "image", k]).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    let registry = s("registry");
    let repo = s("repository");
    let base = if registry.is_empty() { repo } else { format!("{registry}/{repo}") };
    match (s("digest"), n("tag")) {
        (d, _) if !d.is_empty() => format!("{base}@{d}"),
        (_, Some(t)) => format!("{base}:{t}"),
        _ => base,
    }
}

/// A switch's value for "because X is ...".
fn state(v: Option<&Value>) -> String {
    v.map(short).unwrap_or_else(|| "not set".into())
}

/// A value at `path` for a message, or `unset`.
fn show_opt<S: AsRef<str>>(path: &[S], v: Option<&Value>) -> String {
    match v {
        None => "unset".into(),
        Some(v) => show(path, v),
    }
}

/// A value for a message: secrets masked, long values cut.
pub(super) fn show<S: AsRef<str>>(path: &[S], v: &Value) -> String {
    if is_secret_value(&yaml::join_path(path), v) {
        return "<redacted>".into();
    }
    short(&redact_deep(v))
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::Array(_) | Value::Object(_) => serde_json::to_string(v).unwrap_or_default(),
        scalar => render_scalar(scalar),
    };
    if s.chars().count() > 160 {
        format!("{}...", s.chars().take(157).collect::<String>())
    } else {
        s
    }
}
