//! The `immutable-fields` check (opt-in): the rendered objects against the release's current
//! manifest, with the preflight (crate::preflight). The previous manifest comes from
//! `--previous FILE`, or from `$HELM_BIN get manifest RELEASE` (the last deployed revision, the
//! one Helm patches from) with `--release NAME`.

use serde_json::Value;

use super::checks::{Context, Finding, Resource, Verdict};
use super::stream::{Object, Stream};
use crate::helm::{Helm, HelmContext, HelmError};
use crate::preflight;

/// The release's current manifest, as the check compares with it.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    pub objects: Vec<Value>,
    /// Read from the cluster (then kubectl, in the same context, may tell that a flagged
    /// object is gone); `None` for a file.
    pub live: Option<HelmContext>,
}

/// Kinds the preflight has rules for: the only bodies this check needs.
pub fn needs_body(o: &Object) -> bool {
    preflight::KINDS.contains(&o.kind())
}

/// Read the release's current manifest with Helm; `Ok(None)` when there is no such release (a
/// first install: nothing to compare).
pub fn read_release(release: &str, namespace: Option<&str>) -> anyhow::Result<Option<Previous>> {
    let mut helm = Helm::from_env()?;
    if let Some(ns) = namespace {
        helm.context.namespace = Some(ns.to_string());
    }
    let revision = match helm.current_revision(release) {
        Ok(r) => r,
        Err(HelmError::Failed { stderr, .. }) if stderr.contains("release: not found") => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let text = helm.get_manifest(release, revision)?;
    let objects = preflight::parse_manifest(&format!("helm get manifest {release}"), &text)?;
    Ok(Some(Previous { objects, live: Some(helm.context) }))
}

pub fn run(stream: &Stream, ctx: &Context) -> Verdict {
    let Some(previous) = &ctx.previous else { return Verdict::default() };
    let ns = ctx.namespace.as_deref().unwrap_or("default");
    let rendered: Vec<(&Object, &Value)> = stream.objects().filter_map(|o| Some((o, o.body.as_ref()?))).collect();
    let bodies: Vec<Value> = rendered.iter().map(|(_, v)| (*v).clone()).collect();
    let mut found = preflight::immutable_changes(&previous.objects, &bodies, ns);
    if let Some(context) = &previous.live {
        found = crate::kubectl::drop_gone(found, context).0;
    }
    let resource = |f: &preflight::Finding| {
        rendered.iter().find(|(o, _)| o.kind() == f.kind && o.name() == f.name).map(|(o, _)| Resource::of(stream, o))
    };
    Verdict {
        findings: found
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
            .collect(),
        found: Vec::new(),
    }
}
