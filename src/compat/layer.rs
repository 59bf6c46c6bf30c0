//! The chart 13.x compatibility layer (`templates/z/1/2/3/4/5/6/7/8/
//! z_compatibility_helpers.tpl`), step by step, on plain values.
//!
//! Block A maps old keys onto new ones; Block B refuses free-form keys. Both
//! run only when `global.compatibility.orchestration.enabled` is truthy. The
//! step numbers follow the spec (`camunda-compat-layer.md` §1.2). Template
//! evaluation errors abort the render, as Helm does; with `all_errors` the
//! emulation records them and goes on, to list every failure at once.

use serde_json::{Map, Value};

use super::defaults::RESOURCES_12X;
use super::gotpl::{self, TplError};
use super::version::{ChartVersion, HelmVersion};
use super::{Failure, FailureSource};

/// The old components Block B checks, in the chart's order.
pub use crate::migrate::rules::OLD_COMPONENTS as COMPONENTS;

/// Free-form keys the layer refuses for an enabled component, in the chart's order.
pub const FREEFORM: [&str; 8] = [
    "configuration",
    "extraConfiguration",
    "env",
    "envFrom",
    "initContainers",
    "sidecars",
    "extraVolumes",
    "extraVolumeMounts",
];

/// Step 5: `zeebeGateway.service.<old>` -> `orchestration.service.<new>`, in the chart's order.
pub const GATEWAY_SERVICE: [(&str, &str); 6] = [
    ("loadBalancerIP", "loadBalancerIP"),
    ("loadBalancerSourceRanges", "loadBalancerSourceRanges"),
    ("restPort", "httpPort"),
    ("grpcPort", "grpcPort"),
    ("commandPort", "commandPort"),
    ("internalPort", "internalPort"),
];

/// Step 5: top-level `zeebeGateway.<key>` -> `orchestration.<key>` (a plain `set`).
pub const GATEWAY_TOP: [&str; 2] = ["ingress", "contextPath"];

/// Step 8/9: `global.identity.auth.<from>` -> `<to>.security.authentication.oidc`.
pub const AUTH_MERGES: [(&str, &str); 2] = [("orchestration", "orchestration"), ("connectors", "connectors")];

#[derive(Debug, Clone)]
pub struct Options {
    pub version: ChartVersion,
    pub helm: HelmVersion,
    pub all_errors: bool,
}

/// A resource value step 2 put back to its pre-merge value.
#[derive(Debug, Clone)]
pub struct Reset {
    pub group: &'static str,
    pub name: &'static str,
    /// The pre-merge orchestration value now in effect (null when there was none).
    pub restored: Value,
}

/// What the layer did, step by step (for the explanation).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// `global.compatibility.orchestration.enabled` was truthy.
    pub flag: bool,
    /// Steps 1-3 ran (`zeebe.enabled` truthy).
    pub zeebe_merged: bool,
    pub resets: Vec<Reset>,
    /// javaOpts before and after the `zeebe` -> `camunda` rewrite.
    pub java_opts: Option<(String, String)>,
    /// Step 4 ran and set `orchestration.profiles.broker` to this value.
    pub broker_profile: Option<Value>,
    /// Step 5 ran (`zeebeGateway.enabled` truthy) ...
    pub gateway_mapped: bool,
    /// ... and copied these `zeebeGateway` keys (paths below `zeebeGateway`).
    pub gateway_copied: Vec<Vec<&'static str>>,
    /// Steps 6/7 set these profiles (`operate`, `tasklist`).
    pub profiles_set: Vec<&'static str>,
    /// Steps 8/9 merged these `global.identity.auth.<x>` subtrees.
    pub auth_merged: Vec<&'static str>,
}

/// The values before and after the layer, what it did, and how it failed.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub before: Value,
    pub after: Value,
    /// Block A (the mapping) finished without a template error, so `after`
    /// is what the chart's other templates would receive.
    pub mapped: bool,
    pub facts: Facts,
    pub failures: Vec<Failure>,
}

/// Stop the emulation (first failure, as Helm) unless all errors are wanted.
struct Halt;

struct Run<'o> {
    v: Value,
    facts: Facts,
    failures: Vec<Failure>,
    opts: &'o Options,
}

impl Run<'_> {
    /// Record a template error; `Err(Halt)` when the render would stop here.
    fn fail(&mut self, key: &[&str], e: TplError) -> Result<(), Halt> {
        self.failures.push(Failure::template(FailureSource::Compat, key, e.0));
        if self.opts.all_errors {
            Ok(())
        } else {
            Err(Halt)
        }
    }

    /// `and .Values.<c> .Values.<c>.enabled` (short-circuit, as Go >= 1.18).
    fn component_enabled(&mut self, c: &'static str) -> Result<bool, Halt> {
        if !gotpl::truthy(self.v.get(c)) {
            return Ok(false);
        }
        match gotpl::field_chain(&self.v, &[c, "enabled"]) {
            Ok(e) => Ok(gotpl::truthy(e)),
            Err(e) => self.fail(&[c], e).map(|_| false),
        }
    }
}

/// Apply the layer to `values` (user values already coalesced with the chart defaults).
pub fn apply(values: Value, opts: &Options) -> Outcome {
    let before = values.clone();
    let mut run = Run { v: values, facts: Facts::default(), failures: Vec::new(), opts };
    let _ = block_a(&mut run);
    let mapped = run.failures.is_empty();
    let _ = block_b(&mut run);
    Outcome { before, after: run.v, mapped, facts: run.facts, failures: run.failures }
}

fn block_a(run: &mut Run) -> Result<(), Halt> {
    let flag = match gotpl::field_chain(&run.v, &["global", "compatibility", "orchestration", "enabled"]) {
        Ok(f) => gotpl::truthy(f),
        Err(e) => {
            // Both blocks start with this test; the render stops here either way.
            run.failures.push(Failure::template(FailureSource::Compat, &["global", "compatibility"], e.0));
            return Err(Halt);
        }
    };
    run.facts.flag = flag;
    if !flag {
        return Ok(());
    }
    if run.component_enabled("zeebe")? {
        merge_zeebe(run)?;
    }
    broker_profile(run)?;
    if run.component_enabled("zeebeGateway")? {
        map_gateway(run)?;
    }
    for c in ["operate", "tasklist"] {
        if run.component_enabled(c)? {
            let enabled = run.v[c]["enabled"].clone();
            set(run, &["orchestration", "profiles"], c, enabled, &[c, "enabled"])?;
            run.facts.profiles_set.push(c);
        }
    }
    for (from, to) in AUTH_MERGES {
        merge_auth(run, from, to)?;
    }
    Ok(())
}

/// Steps 1-3.
fn merge_zeebe(run: &mut Run) -> Result<(), Halt> {
    let orig = run.v.get("orchestration").cloned().unwrap_or(Value::Null);
    // Step 1: `deepCopy .Values.zeebe | mergeOverwrite .Values.orchestration`.
    let zeebe = run.v["zeebe"].as_object().cloned().unwrap_or_default();
    match gotpl::as_map_arg(run.v.get("orchestration")) {
        Ok(_) => {
            let dst = run.v.get_mut("orchestration").and_then(Value::as_object_mut).expect("checked");
            gotpl::merge_overwrite(dst, &zeebe, run.opts.helm.mergo());
        }
        Err(e) => return run.fail(&["orchestration"], e),
    }
    run.facts.zeebe_merged = true;
    // Step 2: put back the pre-merge value where zeebe has the 12.x default.
    for (group, name, default_12x) in RESOURCES_12X {
        let key = ["zeebe", "resources", group, name];
        let hit = gotpl::paren_chain(Some(&run.v), &key).and_then(|v| gotpl::eq_str(v, default_12x));
        match hit {
            Ok(false) => {}
            Ok(true) => {
                let restored = match gotpl::field_chain(&orig, &["resources", group, name]) {
                    Ok(v) => v.cloned().unwrap_or(Value::Null),
                    Err(e) => {
                        run.fail(&key, e)?;
                        continue;
                    }
                };
                set(run, &["orchestration", "resources", group], name, restored.clone(), &key)?;
                run.facts.resets.push(Reset { group, name, restored });
            }
            Err(e) => run.fail(&key, e)?,
        }
    }
    // Step 3: `replace "zeebe" "camunda"` on the merged javaOpts.
    let java =
        gotpl::field_chain(&run.v, &["orchestration", "javaOpts"]).and_then(gotpl::as_string_arg).map(str::to_string);
    match java {
        Ok(before) => {
            let after = before.replace("zeebe", "camunda");
            set(run, &["orchestration"], "javaOpts", Value::String(after.clone()), &["zeebe", "javaOpts"])?;
            run.facts.java_opts = Some((before, after));
        }
        Err(e) => run.fail(&["orchestration", "javaOpts"], e)?,
    }
    Ok(())
}

/// Step 4: `zeebe.enabled` -> `orchestration.profiles.broker`.
fn broker_profile(run: &mut Run) -> Result<(), Halt> {
    let zeebe = run.v.get("zeebe");
    if !gotpl::truthy(zeebe) {
        return Ok(());
    }
    if run.opts.version.broker_profile_needs_enabled_key() {
        // `hasKey .Values.zeebe "enabled"`
        match gotpl::as_map_arg(zeebe) {
            Ok(m) if !m.contains_key("enabled") => return Ok(()),
            Ok(_) => {}
            Err(e) => return run.fail(&["zeebe"], e),
        }
    }
    let enabled = match gotpl::field_chain(&run.v, &["zeebe", "enabled"]) {
        Ok(e) => e.cloned().unwrap_or(Value::Null),
        Err(e) => return run.fail(&["zeebe"], e),
    };
    set(run, &["orchestration", "profiles"], "broker", enabled.clone(), &["zeebe", "enabled"])?;
    run.facts.broker_profile = Some(enabled);
    Ok(())
}

/// Step 5: a few `zeebeGateway` keys, each only when truthy, by plain `set`.
fn map_gateway(run: &mut Run) -> Result<(), Halt> {
    run.facts.gateway_mapped = true;
    for key in GATEWAY_TOP {
        if let Some(val) = truthy_at(run, &["zeebeGateway", key])? {
            set(run, &["orchestration"], key, val, &["zeebeGateway", key])?;
            run.facts.gateway_copied.push(vec![key]);
        }
    }
    if truthy_at(run, &["zeebeGateway", "service"])?.is_none() {
        return Ok(());
    }
    for (old, new) in GATEWAY_SERVICE {
        if let Some(val) = truthy_at(run, &["zeebeGateway", "service", old])? {
            set(run, &["orchestration", "service"], new, val, &["zeebeGateway", "service", old])?;
            run.facts.gateway_copied.push(vec!["service", old]);
        }
    }
    Ok(())
}

/// Steps 8/9: `global.identity.auth.<from>` merged into `<to>.security.authentication.oidc`.
fn merge_auth(run: &mut Run, from: &'static str, to: &'static str) -> Result<(), Halt> {
    // `and ((.Values.global.identity.auth).<from>) .Values.<to>.enabled`
    let src = gotpl::field_chain(&run.v, &["global", "identity", "auth"])
        .and_then(|auth| gotpl::paren_chain(auth, &[from]))
        .map(|v| v.cloned());
    let src = match src {
        Ok(s) if gotpl::truthy(s.as_ref()) => s.expect("truthy"),
        Ok(_) => return Ok(()),
        Err(e) => return run.fail(&["global", "identity", "auth", from], e),
    };
    match gotpl::field_chain(&run.v, &[to, "enabled"]) {
        Ok(e) if gotpl::truthy(e) => {}
        Ok(_) => return Ok(()),
        Err(e) => return run.fail(&[to, "enabled"], e),
    }
    let oidc_path = [to, "security", "authentication", "oidc"];
    let checked = gotpl::field_chain(&run.v, &oidc_path)
        .and_then(gotpl::as_map_arg)
        .and_then(|_| gotpl::as_map_arg(Some(&src)).map(|_| ()));
    if let Err(e) = checked {
        return run.fail(&["global", "identity", "auth", from], e);
    }
    let src: Map<String, Value> = src.as_object().cloned().expect("checked");
    let mut merged =
        gotpl::field_chain(&run.v, &oidc_path).ok().flatten().and_then(Value::as_object).cloned().expect("checked");
    gotpl::merge_overwrite(&mut merged, &src, run.opts.helm.mergo());
    set(
        run,
        &[to, "security", "authentication"],
        "oidc",
        Value::Object(merged),
        &["global", "identity", "auth", from],
    )?;
    run.facts.auth_merged.push(from);
    Ok(())
}

/// Block B: refuse non-empty free-form keys of enabled components.
fn block_b(run: &mut Run) -> Result<(), Halt> {
    if !run.facts.flag {
        return Ok(());
    }
    let url = run.opts.version.refusal_url();
    for c in COMPONENTS {
        if !run.component_enabled(c)? {
            continue;
        }
        for k in FREEFORM {
            if gotpl::truthy(run.v[c].get(k)) {
                let message = format!(
                    "[orchestration][compatibility][error] Please migrate the value of \"{c}.{k}\" to the new syntax \
                     under \"orchestration.{k}\" For more details, please check Camunda Helm chart documentation. {url}"
                );
                run.failures.push(Failure::chart(FailureSource::Compat, &[c, k], message));
                if !run.opts.all_errors {
                    return Err(Halt);
                }
            }
        }
    }
    Ok(())
}

/// `if ((.Values.a).b)`: the value when truthy.
fn truthy_at(run: &mut Run, path: &[&str]) -> Result<Option<Value>, Halt> {
    match gotpl::paren_chain(Some(&run.v), path) {
        Ok(v) if gotpl::truthy(v) => Ok(v.cloned()),
        Ok(_) => Ok(None),
        Err(e) => run.fail(path, e).map(|_| None),
    }
}

/// `set .Values.<map_path> "<key>" <val>`; `blame` is the user's key behind it.
fn set(run: &mut Run, map_path: &[&str], key: &str, val: Value, blame: &[&str]) -> Result<(), Halt> {
    match gotpl::map_at_mut(&mut run.v, map_path) {
        Ok(m) => {
            m.insert(key.to_string(), val);
            Ok(())
        }
        Err(e) => run.fail(blame, e),
    }
}
