//! The Camunda profile: what an 8.7 -> 8.8 upgrade (chart 12.x -> 13.x) must
//! render, from the real 13.x chart (see docs/check.md):
//!
//! - the importer Deployment (`component: orchestration-importer`) and the
//!   data-migration Job (`component: orchestration-migration`, command
//!   `.../data-migration`), both switched on by `orchestration.migration.data.enabled`;
//! - with `--require identity-migration`, the identity-migration Job
//!   (`orchestration.migration.identity.enabled`);
//! - no 8.7 image left in the orchestration workloads;
//! - the orchestration StatefulSet keeps 8.7's name `<release>-zeebe` and
//!   selector `component: zeebe-broker` (both immutable in practice).
//!
//! Names changed in 13.1.0 (`<orch>-importer` became `<orch>-migration-importer`),
//! so resources are matched on kind and labels, never on names alone.

use serde_json::Value;

use super::checks::{Check, Context, Finding, Profile, Resource, Verdict};
use super::stream::{Object, Stream};

const COMPONENT: &str = "app.kubernetes.io/component";
const INSTANCE: &str = "app.kubernetes.io/instance";
const CHART: &str = "helm.sh/chart";
const IMPORTER: &str = "orchestration-importer";
const MIGRATION: &str = "orchestration-migration";
const BROKER: &str = "zeebe-broker";
/// Components whose pods run the orchestration (Zeebe/Operate/Tasklist) image.
const ORCHESTRATION_COMPONENTS: &[&str] =
    &[BROKER, "zeebe-gateway", "orchestration", IMPORTER, MIGRATION, "operate", "tasklist"];
const WORKLOADS: &[&str] = &["Deployment", "StatefulSet", "Job", "CronJob", "DaemonSet", "ReplicaSet", "Pod"];

const DATA_FIX: &str = "set `orchestration.migration.data.enabled: true` in the 13.x values; it renders the \
     importer Deployment and the data-migration Job together (`orchestration.importer.enabled` does nothing in \
     released 13.x charts)";
const IMAGE_FIX: &str = "remove the 8.7 image pins from the values (`zeebe.image.*`, which the 13.x \
     compatibility layer copies into `orchestration.image`, and `global.image.tag`), or set \
     `orchestration.image.repository: camunda/camunda` and `orchestration.image.tag` to an 8.8 release";
const NAME_FIX: &str = "remove `orchestration.fullnameOverride`/`orchestration.nameOverride` from the 13.x values; \
     if the 8.7 release set `zeebe.fullnameOverride`, set `orchestration.fullnameOverride` to the same value";
const IDENTITY_FIX: &str = "set `orchestration.migration.identity.enabled: true` in the 13.x values (with the \
     identity settings the upgrade guide lists), or drop `--require identity-migration`";

pub const CHECKS: &[Check] = &[
    Check {
        id: "camunda-13",
        profile: Profile::Camunda,
        default: true,
        description: "the stream is a render of the Camunda 8.8 chart (camunda-platform 13.x)",
        after: &[],
        needs_body: never,
        run: camunda_13,
    },
    Check {
        id: "importer",
        profile: Profile::Camunda,
        default: true,
        description: "the importer Deployment (component orchestration-importer) is rendered",
        after: &["camunda-13"],
        needs_body: never,
        run: importer,
    },
    Check {
        id: "data-migration",
        profile: Profile::Camunda,
        default: true,
        description: "the data-migration Job (component orchestration-migration) is rendered",
        after: &["camunda-13"],
        needs_body: is_migration_job,
        run: data_migration,
    },
    Check {
        id: "identity-migration",
        profile: Profile::Camunda,
        default: false,
        description: "the identity-migration Job is rendered (opt-in)",
        after: &["camunda-13"],
        needs_body: is_migration_job,
        run: identity_migration,
    },
    Check {
        id: "orchestration-images",
        profile: Profile::Camunda,
        default: true,
        description: "no 8.7 image (camunda/zeebe, operate, tasklist, camunda 8.7.x) in the orchestration workloads",
        after: &["camunda-13"],
        needs_body: is_orchestration_workload,
        run: orchestration_images,
    },
    Check {
        id: "zeebe-statefulset",
        profile: Profile::Camunda,
        default: true,
        description:
            "the orchestration StatefulSet keeps 8.7's name (<release>-zeebe) and selector (component zeebe-broker)",
        after: &["camunda-13"],
        needs_body: is_orchestration_statefulset,
        run: zeebe_statefulset,
    },
    Check {
        id: "immutable-fields",
        profile: Profile::Camunda,
        default: false,
        description: "no immutable-field change the API server refuses, against the release's current manifest \
                      (--previous FILE, or --release NAME)",
        after: &[],
        needs_body: super::immutable::needs_body,
        run: super::immutable::run,
    },
];

fn never(_: &Object) -> bool {
    false
}

/// `camunda-platform-13.12.7` -> (13, 12).
fn chart_version(label: &str) -> Option<(u64, u64)> {
    let v = label.strip_prefix(Profile::Camunda.chart_prefix())?;
    let mut parts = v.split(['.', '-', '+']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn camunda_13(stream: &Stream, _ctx: &Context) -> Verdict {
    let charts: Vec<(&Object, &str)> = stream
        .objects()
        .filter_map(|o| o.label(CHART).filter(|l| chart_version(l).is_some()).map(|l| (o, l)))
        .collect();
    let mut v = Verdict::default();
    if charts.iter().any(|(_, l)| chart_version(l).is_some_and(|(major, _)| major == 13)) {
        return v;
    }
    let fix =
        "render the upgrade with chart camunda-platform 13.x (`--version 13.x`); this check guards the 8.7 -> 8.8 \
               upgrade. For a renamed copy of the 13.x chart, use `--skip camunda-13`";
    let finding = match charts.first() {
        Some((o, label)) => Finding {
            message: format!(
                "this is a render of chart {label} ({}), not of chart 13.x (Camunda 8.8)",
                match chart_version(label) {
                    Some((12, _)) => "Camunda 8.7",
                    Some((m, _)) if m > 13 => "Camunda 8.9 or later",
                    _ => "an older Camunda",
                }
            ),
            resource: Some(Resource::of(stream, o)),
            expected: Some("objects labelled helm.sh/chart: camunda-platform-13.<minor>.<patch>".into()),
            fix: fix.into(),
        },
        None => Finding {
            message: format!(
                "not a Camunda chart render: none of the {} objects carries a \
                 helm.sh/chart: camunda-platform-<version> label",
                stream.objects().count()
            ),
            resource: None,
            expected: Some("objects labelled helm.sh/chart: camunda-platform-13.<minor>.<patch>".into()),
            fix: fix.into(),
        },
    };
    v.findings.push(finding);
    v
}

/// The orchestration fullname: the StatefulSet's name if rendered (it honours
/// overrides), else what the chart derives from the release name.
fn orchestration_name(stream: &Stream, ctx: &Context) -> Option<String> {
    if let Some(o) = stream.objects().find(|o| is_orchestration_statefulset(o)) {
        return Some(o.name().to_string());
    }
    ctx.release.as_deref().map(default_orchestration_name)
}

/// `orchestration.fullname` (and 8.7's `zeebe.fullname`) without overrides.
fn default_orchestration_name(release: &str) -> String {
    let name = if release.contains("zeebe") { release.to_string() } else { format!("{release}-zeebe") };
    let mut name: String = name.chars().take(63).collect();
    while name.ends_with('-') {
        name.pop();
    }
    name
}

/// Chart 13.0.x used the names that 13.1.0 renamed.
fn is_13_0(ctx: &Context) -> bool {
    ctx.chart.as_deref().and_then(chart_version) == Some((13, 0))
}

fn with_name(what: &str, name: Option<String>) -> String {
    match name {
        Some(n) => format!("{what} (for this release: {n})"),
        None => what.to_string(),
    }
}

fn importer(stream: &Stream, ctx: &Context) -> Verdict {
    let found = stream
        .objects()
        .filter(|o| o.kind() == "Deployment" && o.label(COMPONENT) == Some(IMPORTER))
        .map(|o| Resource::of(stream, o))
        .collect();
    let mut v = Verdict { found, ..Verdict::default() };
    if v.found.is_empty() {
        let suffix = if is_13_0(ctx) { "importer" } else { "migration-importer" };
        let name = orchestration_name(stream, ctx).map(|o| format!("{o}-{suffix}"));
        v.findings.push(Finding {
            message: "no importer Deployment in the rendered release: the 8.7 data would not be imported".into(),
            resource: None,
            expected: Some(with_name(
                "a Deployment labelled app.kubernetes.io/component: orchestration-importer",
                name,
            )),
            fix: DATA_FIX.into(),
        });
    }
    v
}

fn is_migration_job(o: &Object) -> bool {
    o.kind() == "Job" && o.label(COMPONENT) == Some(MIGRATION)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MigrationJob {
    Data,
    Identity,
}

fn strings(v: Option<&Value>) -> impl Iterator<Item = &str> {
    v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
}

/// The containers (and init containers) of a workload's pod template.
fn containers<'o>(o: &'o Object) -> Vec<&'o Value> {
    let spec = match o.kind() {
        "Pod" => o.get(&["spec"]),
        "CronJob" => o.get(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => o.get(&["spec", "template", "spec"]),
    };
    let list = |k: &str| spec.and_then(|s| s.get(k)).and_then(Value::as_array).into_iter().flatten();
    list("initContainers").chain(list("containers")).collect()
}

/// Which migration a Job runs: by its command (the chart's binaries), else by
/// the names all 13.x charts give the Jobs.
fn migration_job(o: &Object) -> Option<MigrationJob> {
    for c in containers(o) {
        for s in strings(c.get("command")).chain(strings(c.get("args"))) {
            if s.ends_with("/data-migration") || s == "data-migration" {
                return Some(MigrationJob::Data);
            }
            if s.ends_with("/identity-migration") || s == "identity-migration" {
                return Some(MigrationJob::Identity);
            }
        }
    }
    let name = o.name();
    if name.ends_with("-migration-data") {
        Some(MigrationJob::Data)
    } else if name.ends_with("-migration-identity") {
        Some(MigrationJob::Identity)
    } else {
        None
    }
}

fn migration(stream: &Stream, ctx: &Context, which: MigrationJob) -> Verdict {
    let found = stream
        .objects()
        .filter(|o| is_migration_job(o) && migration_job(o) == Some(which))
        .map(|o| Resource::of(stream, o))
        .collect();
    let mut v = Verdict { found, ..Verdict::default() };
    if v.found.is_empty() {
        let (what, binary, suffix, fix) = match which {
            MigrationJob::Data => ("data-migration", "data-migration", "migration-data", DATA_FIX),
            MigrationJob::Identity => ("identity-migration", "identity-migration", "migration-identity", IDENTITY_FIX),
        };
        let name = orchestration_name(stream, ctx).map(|o| format!("{o}-{suffix}"));
        let consequence = match which {
            MigrationJob::Data => "the 8.7 process data would stay in the 8.7 indices",
            MigrationJob::Identity => {
                "the Management Identity data would not move to the Orchestration Cluster Identity"
            }
        };
        v.findings.push(Finding {
            message: format!("no {what} Job in the rendered release: {consequence}"),
            resource: None,
            expected: Some(with_name(
                &format!(
                    "a Job labelled app.kubernetes.io/component: orchestration-migration running \
                     /usr/local/camunda/bin/{binary}"
                ),
                name,
            )),
            fix: fix.into(),
        });
    }
    v
}

fn data_migration(stream: &Stream, ctx: &Context) -> Verdict {
    migration(stream, ctx, MigrationJob::Data)
}

fn identity_migration(stream: &Stream, ctx: &Context) -> Verdict {
    migration(stream, ctx, MigrationJob::Identity)
}

fn is_orchestration_workload(o: &Object) -> bool {
    WORKLOADS.contains(&o.kind())
        && (o.label(COMPONENT).is_some_and(|c| ORCHESTRATION_COMPONENTS.contains(&c))
            || o.source().is_some_and(|s| s.contains("/templates/orchestration/")))
}

/// Why an image is an 8.7 leftover, if it is.
fn old_image(image: &str) -> Option<&'static str> {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    let (repo, tag) = match no_digest[last_slash..].rfind(':') {
        Some(i) => (&no_digest[..last_slash + i], &no_digest[last_slash + i + 1..]),
        None => (no_digest, ""),
    };
    let minor = |tag: &str| {
        let mut p = tag.split(['.', '-']);
        let major: u64 = p.next()?.parse().ok()?;
        let minor: u64 = p.next()?.parse().ok()?;
        Some((major, minor))
    };
    match repo.rsplit('/').next().unwrap_or(repo) {
        "zeebe" | "operate" | "tasklist" => {
            Some("an 8.7-era image: the 8.8 chart runs all of orchestration from camunda/camunda")
        }
        "camunda" if minor(tag).is_some_and(|(major, minor)| major == 8 && minor < 8) => {
            Some("an 8.7 (or older) release of the orchestration image")
        }
        _ => None,
    }
}

fn orchestration_images(stream: &Stream, _ctx: &Context) -> Verdict {
    let mut v = Verdict::default();
    for o in stream.objects().filter(|o| is_orchestration_workload(o)) {
        v.found.push(Resource::of(stream, o));
        for c in containers(o) {
            let (Some(image), name) = (c.get("image").and_then(Value::as_str), c.get("name").and_then(Value::as_str))
            else {
                continue;
            };
            if let Some(why) = old_image(image) {
                v.findings.push(Finding {
                    message: format!(
                        "{} {} container {} runs {image}, {why}",
                        o.kind(),
                        o.name(),
                        name.unwrap_or("(unnamed)")
                    ),
                    resource: Some(Resource::of(stream, o)),
                    expected: None,
                    fix: IMAGE_FIX.into(),
                });
            }
        }
    }
    v
}

fn is_orchestration_statefulset(o: &Object) -> bool {
    o.kind() == "StatefulSet"
        && (o.label(COMPONENT) == Some(BROKER)
            || o.source().is_some_and(|s| s.ends_with("/templates/orchestration/statefulset.yaml")))
}

fn zeebe_statefulset(stream: &Stream, ctx: &Context) -> Verdict {
    let mut v = Verdict::default();
    let expected_name = ctx.release.as_deref().map(default_orchestration_name);
    let sets: Vec<&Object> = stream.objects().filter(|o| is_orchestration_statefulset(o)).collect();
    if sets.is_empty() {
        v.findings.push(Finding {
            message: "no orchestration StatefulSet in the rendered release: Helm would delete 8.7's Zeebe StatefulSet"
                .into(),
            resource: None,
            expected: Some(with_name(
                "a StatefulSet labelled app.kubernetes.io/component: zeebe-broker",
                expected_name.clone(),
            )),
            fix: "keep `orchestration.enabled: true` (the default) in the 13.x values".into(),
        });
        return v;
    }
    for o in sets {
        v.found.push(Resource::of(stream, o));
        if let Some(want) = &expected_name {
            if o.name() != want {
                v.findings.push(Finding {
                    message: format!(
                        "StatefulSet {} has a different name than 8.7's {want}: Helm would delete {want} and start \
                         empty brokers",
                        o.name()
                    ),
                    resource: Some(Resource::of(stream, o)),
                    expected: Some(format!("StatefulSet {want}")),
                    fix: format!("{NAME_FIX} (and pass `--skip zeebe-statefulset` only if {} is 8.7's name)", o.name()),
                });
            }
        }
        let selector = o.get(&["spec", "selector", "matchLabels"]);
        let label = |k: &str| selector.and_then(|s| s.get(k)).and_then(Value::as_str);
        let mut wanted = vec![(COMPONENT, BROKER)];
        if let Some(release) = ctx.release.as_deref() {
            wanted.push((INSTANCE, release));
        }
        let wrong: Vec<String> = wanted
            .iter()
            .filter(|(k, want)| label(k) != Some(want))
            .map(|(k, want)| format!("{k}: {} where 8.7's has {want}", label(k).unwrap_or("(none)")))
            .collect();
        if !wrong.is_empty() {
            v.findings.push(Finding {
                message: format!(
                    "StatefulSet {}'s selector differs from 8.7's ({}): spec.selector cannot change, so Kubernetes \
                     would refuse the upgrade",
                    o.name(),
                    wrong.join("; ")
                ),
                resource: Some(Resource::of(stream, o)),
                expected: None,
                fix: "do not change the orchestration selector labels: keep the chart's own labels for the \
                      orchestration StatefulSet (no selector overrides in the values or a post-renderer)"
                    .into(),
            });
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_names() {
        assert_eq!(chart_version("camunda-platform-13.12.7"), Some((13, 12)));
        assert_eq!(chart_version("camunda-platform-13.0.0-alpha8"), Some((13, 0)));
        assert_eq!(chart_version("elasticsearch-21.6.3"), None);
        assert_eq!(default_orchestration_name("camunda"), "camunda-zeebe");
        assert_eq!(default_orchestration_name("my-zeebe"), "my-zeebe");
        let long = "r".repeat(60) + "-x";
        assert_eq!(default_orchestration_name(&long).len(), 62);
    }

    #[test]
    fn old_images() {
        assert!(old_image("camunda/zeebe:8.7.37").is_some());
        assert!(old_image("registry.local:5000/mirror/camunda/operate:8.7.1@sha256:00").is_some());
        assert!(old_image("camunda/camunda:8.7.37").is_some());
        assert!(old_image("camunda/camunda:8.8.36").is_none());
        assert!(old_image("camunda/camunda:SNAPSHOT").is_none());
        assert!(old_image("curlimages/curl:8.15.0").is_none());
        assert!(old_image("camunda/connectors-bundle:8.7.23").is_none());
        assert!(old_image("localhost:5000/camunda").is_none());
    }
}
