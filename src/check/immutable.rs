//! The `immutable-fields` check (camunda profile, opt-in): the rendered objects against the
//! release's current manifest (`Context::previous`: `--previous FILE`, or with `--release NAME`
//! the last deployed revision read with `$HELM_BIN`, the one Helm patches from), judged by the
//! preflight (crate::preflight).

use serde_json::Value;

use super::checks::{Context, Finding, Resource, Verdict};
use super::stream::{Object, Stream};
use crate::helm::{Helm, HelmContext, HelmError};
use crate::preflight;

/// Kinds the preflight has rules for: the only bodies this check needs.
pub fn needs_body(o: &Object) -> bool {
    preflight::KINDS.contains(&o.kind())
}

/// The release's current manifest, read with Helm, and the context it was read in; `Ok(None)`
/// when there is no such release (a first install: nothing to compare).
pub fn read_release(release: &str, namespace: Option<&str>) -> anyhow::Result<Option<(String, HelmContext)>> {
    let mut helm = Helm::from_env()?;
    if let Some(ns) = namespace {
        helm.context.namespace = Some(ns.to_string());
    }
    let revision = match helm.current_revision(release) {
        Ok(r) => r,
        Err(HelmError::Failed { stderr, .. }) if stderr.contains("release: not found") => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    Ok(Some((helm.get_manifest(release, revision)?, helm.context)))
}

pub fn run(stream: &Stream, ctx: &Context) -> Verdict {
    let Some(previous) = &ctx.previous else {
        return Verdict::skipped("needs the release's current manifest: --previous FILE, or --release NAME");
    };
    let ns = ctx.namespace.as_deref().unwrap_or("default");
    let old: Vec<Value> = previous.objects.iter().map(|o| o.body.clone()).collect();
    let rendered: Vec<(&Object, &Value)> = stream.objects().filter_map(|o| Some((o, o.body.as_ref()?))).collect();
    let new: Vec<Value> = rendered.iter().map(|(_, v)| (*v).clone()).collect();
    let mut found = preflight::immutable_changes(&old, &new, ns);
    if let Some(context) = &ctx.live {
        // Objects the user deleted (the way out) are created anew by Helm.
        found = crate::kubectl::drop_gone(found, context).0;
    }
    let resource = |f: &preflight::Finding| {
        rendered.iter().find(|(o, _)| o.kind() == f.kind && o.name() == f.name).map(|(o, _)| Resource::of(stream, o))
    };
    let findings = found
        .iter()
        .map(|f| Finding {
            message: format!(
                "{}/{}: {} would change from {} to {}, but {}",
                f.kind, f.name, f.field, f.old, f.new, f.reason
            ),
            resource: resource(f),
            expected: None,
            fix: f.way_out.clone(),
        })
        .collect();
    Verdict { findings, ..Verdict::default() }
}
