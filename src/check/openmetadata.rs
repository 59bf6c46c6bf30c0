//! The OpenMetadata profile: the openmetadata-dependencies 1.11.3 upgrade,
//! where the community airflow-helm 8.9.0 chart gave way to the Apache Airflow
//! chart 1.18.0 (Airflow 3). A stream is the dependencies release (Airflow
//! objects, labelled `tier: airflow` by the Apache chart, `app: airflow` by the
//! community one), the openmetadata release (its pipeline client Secret), or both.
//!
//! - the Airflow 3 api-server Service is rendered (not the Airflow 2 `-web` one);
//! - the openmetadata pipeline client points at it (`<deps>-api-server`, not `-web`);
//! - the Secret the Airflow pods read the fernet key from exists on an upgrade
//!   (the chart's own `<release>-fernet-key` is a `pre-install` hook only);
//! - with `--previous` (the release's current manifest), no PersistentVolumeClaim
//!   and no workload selector changes in a way Kubernetes refuses.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::preflight;

use super::checks::{Check, Context, Finding, Previous, Profile, Resource, Verdict};
use super::stream::{Object, Stream};

const TIER: &str = "tier";
const COMPONENT: &str = "component";
const ENDPOINT_ENV: &str = "PIPELINE_SERVICE_CLIENT_ENDPOINT";
const FERNET_ENV: &str = "AIRFLOW__CORE__FERNET_KEY";
const WORKLOADS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];
const SELECTOR_KINDS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet"];

/// The way out the OpenMetadata docs give for the immutable fields.
fn way_out(release: Option<&str>) -> String {
    format!(
        "the way out the OpenMetadata docs give: `helm uninstall {}` (its dags and logs PVCs go with it; the Airflow \
         database stays), install openmetadata-dependencies >= 1.11.3 with the migrated values, then redeploy the \
         ingestion pipelines from OpenMetadata",
        release.unwrap_or("<deps release>")
    )
}
const MIGRATE_DEPS: &str = "helm camunda-upgrade migrate --migration openmetadata-deps-1.11";

pub const CHECKS: &[Check] = &[
    Check {
        id: "airflow-api-server",
        profile: Profile::Openmetadata,
        default: true,
        description: "a dependencies render has the Airflow 3 api-server Service (not the Airflow 2 -web one)",
        after: &[],
        needs_body: never,
        run: api_server,
    },
    Check {
        id: "pipeline-client",
        profile: Profile::Openmetadata,
        default: true,
        description: "the openmetadata pipeline client points at <deps release>-api-server",
        after: &[],
        needs_body: carries_endpoint,
        run: pipeline_client,
    },
    Check {
        id: "fernet-key-secret",
        profile: Profile::Openmetadata,
        default: true,
        description: "the Secret Airflow reads its fernet key from exists on an upgrade (not a pre-install hook)",
        after: &[],
        needs_body: is_airflow_workload_or_secret,
        run: fernet_key_secret,
    },
    Check {
        id: "pvc-changes",
        profile: Profile::Openmetadata,
        default: true,
        description: "with --previous: no PersistentVolumeClaim changes access modes, class, volume or shrinks",
        after: &[],
        needs_body: is_pvc,
        run: pvc_changes,
    },
    Check {
        id: "selector-changes",
        profile: Profile::Openmetadata,
        default: true,
        description: "with --previous: no Deployment/StatefulSet/DaemonSet changes its selector",
        after: &[],
        needs_body: has_selector,
        run: selector_changes,
    },
];

fn never(_: &Object) -> bool {
    false
}

fn is_airflow(o: &Object) -> bool {
    o.label(TIER) == Some("airflow") || o.label("app") == Some("airflow")
}

fn carries_endpoint(o: &Object) -> bool {
    o.kind() == "Secret" || o.kind() == "ConfigMap" || o.kind() == "Deployment"
}

fn is_airflow_workload_or_secret(o: &Object) -> bool {
    o.kind() == "Secret" || (WORKLOADS.contains(&o.kind()) && is_airflow(o))
}

fn is_pvc(o: &Object) -> bool {
    o.kind() == "PersistentVolumeClaim"
}

fn has_selector(o: &Object) -> bool {
    SELECTOR_KINDS.contains(&o.kind())
}

/// The dependencies release: `--release`, else the Airflow objects' `release` label.
fn deps_release(stream: &Stream, ctx: &Context) -> Option<String> {
    let labelled = stream.objects().filter(|o| is_airflow(o)).find_map(|o| o.label("release")).map(str::to_string);
    labelled.or_else(|| ctx.release.clone())
}

fn api_services<'s, 'a>(stream: &'s Stream<'a>) -> Vec<&'s Object<'a>> {
    stream
        .objects()
        .filter(|o| {
            o.kind() == "Service" && o.label(TIER) == Some("airflow") && o.label(COMPONENT) == Some("api-server")
        })
        .collect()
}

fn api_server(stream: &Stream, ctx: &Context) -> Verdict {
    let airflow: Vec<&Object> = stream.objects().filter(|o| is_airflow(o)).collect();
    if airflow.is_empty() {
        return Verdict::skipped("no Airflow objects: not a render of the dependencies chart");
    }
    let api = api_services(stream);
    let mut v = Verdict { found: api.iter().map(|o| Resource::of(stream, o)).collect(), ..Verdict::default() };
    if !api.is_empty() {
        return v;
    }
    let release = deps_release(stream, ctx);
    let want = release.as_deref().map_or("<release>-api-server".to_string(), |r| format!("{r}-api-server"));
    let web =
        stream.objects().find(|o| o.kind() == "Service" && matches!(o.label(COMPONENT), Some("web" | "webserver")));
    let message = match web {
        Some(w) if w.label("app") == Some("airflow") => format!(
            "Service {} is the Airflow 2 webserver of the airflow-helm 8.9.0 chart (openmetadata-dependencies <= \
             1.11.2); the Airflow 3 ingestion images need the 1.18.0 chart's api-server",
            w.name()
        ),
        Some(w) => format!("Service {} is an Airflow 2 webserver: the chart renders Airflow < 3", w.name()),
        None => "no Airflow api-server Service in the rendered release".to_string(),
    };
    v.findings.push(Finding {
        message,
        resource: web.map(|w| Resource::of(stream, w)),
        expected: Some(format!("a Service labelled tier: airflow, component: api-server ({want})")),
        fix: format!(
            "render openmetadata-dependencies >= 1.11.3 (Apache Airflow chart 1.18.0, airflowVersion 3) with values \
             migrated by `{MIGRATE_DEPS}`"
        ),
    });
    v
}

/// The pipeline client endpoints in the stream: (object, URL).
fn endpoints<'s, 'a>(stream: &'s Stream<'a>) -> Vec<(&'s Object<'a>, String)> {
    let mut out = Vec::new();
    for o in stream.objects() {
        match o.kind() {
            "Secret" => {
                if let Some(s) = o.get(&["stringData", ENDPOINT_ENV]).and_then(Value::as_str) {
                    out.push((o, s.to_string()));
                } else if let Some(s) = o.get(&["data", ENDPOINT_ENV]).and_then(Value::as_str).and_then(base64) {
                    out.push((o, s));
                }
            }
            "ConfigMap" => {
                if let Some(s) = o.get(&["data", ENDPOINT_ENV]).and_then(Value::as_str) {
                    out.push((o, s.to_string()));
                }
            }
            "Deployment" => {
                for c in containers(o) {
                    for e in c.get("env").and_then(Value::as_array).into_iter().flatten() {
                        if e.get("name").and_then(Value::as_str) == Some(ENDPOINT_ENV) {
                            if let Some(s) = e.get("value").and_then(Value::as_str) {
                                out.push((o, s.to_string()));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The URL as reports show it: credentials in it are never printed.
fn without_userinfo(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").map_or(("", url), |(s, r)| (s, r));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((_, host)) => {
            format!("{scheme}{}<redacted>@{host}{}", if scheme.is_empty() { "" } else { "://" }, &rest[authority_end..])
        }
        None => url.to_string(),
    }
}

/// The first DNS label of a URL's host.
fn host_label(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let host = rest.split(['/', ':', '?']).next().unwrap_or(rest);
    host.split('.').next().unwrap_or(host)
}

fn pipeline_client(stream: &Stream, _ctx: &Context) -> Verdict {
    let found = endpoints(stream);
    if found.is_empty() {
        return Verdict::skipped("no pipeline client endpoint: not a render of the openmetadata chart");
    }
    // Another Airflow (not from the dependencies chart) has nothing here to compare with.
    let services: Vec<String> = api_services(stream).iter().map(|o| o.name().to_string()).collect();
    let mut v = Verdict::default();
    for (o, url) in found {
        v.found.push(Resource::of(stream, o));
        let url = without_userinfo(&url);
        let label = host_label(&url);
        let fix_with = |service: &str| {
            let release = service.strip_suffix("-api-server").unwrap_or("<deps release>");
            format!(
                "set openmetadata.config.pipelineServiceClientConfig.apiEndpoint to http://{service}:8080 (`helm \
                 camunda-upgrade migrate --migration openmetadata-1.11 --deps-release {release}` rewrites it)"
            )
        };
        if let Some(prefix) = label.strip_suffix("-web") {
            let want = format!("{prefix}-api-server");
            v.findings.push(Finding {
                message: format!(
                    "{} {} points the pipeline client at {url}: Service {label} was the Airflow 2 webserver of \
                     openmetadata-dependencies <= 1.11.2; from 1.11.3 on it is {want}",
                    o.kind(),
                    o.name()
                ),
                resource: Some(Resource::of(stream, o)),
                expected: Some(format!("{ENDPOINT_ENV} naming Service {want}")),
                fix: fix_with(&want),
            });
        } else if !services.is_empty() && !services.iter().any(|s| s == label) {
            v.findings.push(Finding {
                message: format!(
                    "{} {} points the pipeline client at {url}, but the Airflow api-server Service in this stream \
                     is {}",
                    o.kind(),
                    o.name(),
                    services.join(", ")
                ),
                resource: Some(Resource::of(stream, o)),
                expected: Some(format!("{ENDPOINT_ENV} naming Service {}", services.join(" or "))),
                fix: fix_with(&services[0]),
            });
        }
    }
    v
}

fn containers<'o>(o: &'o Object) -> Vec<&'o Value> {
    let spec = match o.kind() {
        "CronJob" => o.get(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => o.get(&["spec", "template", "spec"]),
    };
    let list = |k: &str| spec.and_then(|s| s.get(k)).and_then(Value::as_array).into_iter().flatten();
    list("initContainers").chain(list("containers")).collect()
}

/// Does the hook annotation create the object on an upgrade?
fn created_on_upgrade(hooks: &str) -> bool {
    hooks.split(',').map(str::trim).any(|h| h == "pre-upgrade")
}

fn fernet_key_secret(stream: &Stream, ctx: &Context) -> Verdict {
    // Secret name -> the first workload reading the fernet key from it.
    let mut refs: BTreeMap<String, &Object> = BTreeMap::new();
    for o in stream.objects().filter(|o| WORKLOADS.contains(&o.kind()) && is_airflow(o)) {
        for c in containers(o) {
            for e in c.get("env").and_then(Value::as_array).into_iter().flatten() {
                if e.get("name").and_then(Value::as_str) != Some(FERNET_ENV) {
                    continue;
                }
                let name = e.get("valueFrom").and_then(|f| f.get("secretKeyRef")).and_then(|r| r.get("name"));
                if let Some(n) = name.and_then(Value::as_str) {
                    refs.entry(n.to_string()).or_insert(o);
                }
            }
        }
    }
    if refs.is_empty() {
        return Verdict::skipped("no Airflow workload reads AIRFLOW__CORE__FERNET_KEY from a Secret");
    }
    let release = deps_release(stream, ctx);
    let mut v = Verdict::default();
    for (name, user) in refs {
        let secrets: Vec<&Object> = stream.objects().filter(|o| o.kind() == "Secret" && o.name() == name).collect();
        if let Some(s) = secrets.iter().find(|s| s.annotation("helm.sh/hook").is_none_or(created_on_upgrade)) {
            v.found.push(Resource::of(stream, s));
            continue;
        }
        let chart_owned = release.as_deref().is_some_and(|r| name == format!("{r}-fernet-key")) || !secrets.is_empty();
        if !chart_owned {
            continue; // a Secret of the user's own (fernetKeySecretName): created outside the chart
        }
        let how = match secrets.first() {
            Some(s) => format!("Secret {name} is a {} hook", s.annotation("helm.sh/hook").unwrap_or("")),
            None => format!(
                "Secret {name} is not among the release's resources (the chart renders it as a pre-install hook, which \
                 Helm 3 does not pass to a post-renderer)"
            ),
        };
        v.findings.push(Finding {
            message: format!(
                "{how}: `helm upgrade` never creates it, and {} {} reads {FERNET_ENV} from it, so its pods fail with \
                 CreateContainerConfigError",
                user.kind(),
                user.name()
            ),
            resource: Some(Resource::of(stream, secrets.first().copied().unwrap_or(user))),
            expected: Some(format!(
                "Secret {name} as a release resource or a pre-upgrade hook, or an existing Secret named by \
                 fernetKeySecretName"
            )),
            fix: format!(
                "point fernetKeySecretName at a Secret created before the upgrade (`{MIGRATE_DEPS} --generate-secrets \
                 FILE` writes one holding the carried key); or follow {}; for a fresh install, `--skip \
                 fernet-key-secret`",
                way_out(release.as_deref())
            ),
        });
    }
    v
}

fn previous_or_skip(ctx: &Context) -> Result<&Previous, Verdict> {
    ctx.previous.as_deref().ok_or_else(|| {
        Verdict::skipped("needs --previous FILE, the release's current manifest from `helm get manifest <release>`")
    })
}

fn access_modes(v: &Value) -> Vec<String> {
    let mut m: Vec<String> = v
        .get("accessModes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    m.sort();
    m
}

/// What the API server would refuse, judged once by the preflight (crate::preflight), for the
/// rendered objects `of` picks; each with the object it is about.
fn refused<'s, 'a>(
    stream: &'s Stream<'a>,
    ctx: &Context,
    prev: &Previous,
    of: impl Fn(&Object) -> bool,
) -> Vec<(&'s Object<'a>, Vec<preflight::Finding>)> {
    let ns = ctx.namespace.as_deref().unwrap_or("default");
    let old: Vec<Value> = prev.objects.iter().map(|o| o.body.clone()).collect();
    let mine: Vec<&Object> = stream.objects().filter(|o| of(o) && o.body.is_some()).collect();
    let new: Vec<Value> = mine.iter().filter_map(|o| o.body.clone()).collect();
    let found = preflight::immutable_changes(&old, &new, ns);
    mine.into_iter()
        .map(|o| (o, found.iter().filter(|f| f.kind == o.kind() && f.name == o.name()).cloned().collect()))
        .collect()
}

fn changes_text(found: &[preflight::Finding]) -> String {
    found.iter().map(|f| format!("{} {} -> {}", f.field, f.old, f.new)).collect::<Vec<_>>().join(", ")
}

fn pvc_changes(stream: &Stream, ctx: &Context) -> Verdict {
    let prev = match previous_or_skip(ctx) {
        Ok(p) => p,
        Err(v) => return v,
    };
    let way_out = way_out(deps_release(stream, ctx).as_deref());
    let mut v = Verdict::default();
    for (o, found) in refused(stream, ctx, prev, is_pvc) {
        let Some(old) = prev.find("PersistentVolumeClaim", o.name()) else { continue };
        v.found.push(Resource::of(stream, o));
        if found.is_empty() {
            continue;
        }
        let old_modes = old.body.get("spec").map(access_modes).unwrap_or_default();
        let dags = o.name().ends_with("-dags") && found.iter().any(|f| f.field.starts_with("spec.accessModes"));
        let fix = if dags {
            format!(
                "keep the claim's access mode: `airflow.dags.persistence.accessMode: {}` (`{MIGRATE_DEPS}` writes it), \
                 or follow {way_out}",
                old_modes.first().map_or("ReadWriteMany", String::as_str)
            )
        } else {
            format!("keep the claim's spec as it is in the release, or follow {way_out}")
        };
        v.findings.push(Finding {
            message: format!(
                "PersistentVolumeClaim {} changes {}: Kubernetes refuses it ({}), so the upgrade fails",
                o.name(),
                changes_text(&found),
                found[0].reason
            ),
            resource: Some(Resource::of(stream, o)),
            expected: Some(format!("the spec of {} (document {}, line {})", prev.file, old.document, old.line)),
            fix,
        });
    }
    v
}

fn selector_changes(stream: &Stream, ctx: &Context) -> Verdict {
    let prev = match previous_or_skip(ctx) {
        Ok(p) => p,
        Err(v) => return v,
    };
    let way_out = way_out(deps_release(stream, ctx).as_deref());
    let mut v = Verdict::default();
    for (o, found) in refused(stream, ctx, prev, has_selector) {
        let Some(old) = prev.find(o.kind(), o.name()) else { continue };
        v.found.push(Resource::of(stream, o));
        let found: Vec<preflight::Finding> = found.into_iter().filter(|f| f.field.starts_with("spec.selector")).collect();
        if found.is_empty() {
            continue;
        }
        let scheduler = o.name().ends_with("-scheduler") && is_airflow(o);
        v.findings.push(Finding {
            message: format!(
                "{} {} changes {}: the selector is immutable, so the upgrade fails",
                o.kind(),
                o.name(),
                changes_text(&found)
            ),
            resource: Some(Resource::of(stream, o)),
            expected: Some(format!("the selector of {} (document {}, line {})", prev.file, old.document, old.line)),
            fix: if scheduler {
                format!(
                    "no values keep the old selector (the 1.18.0 chart labels pods tier: airflow): follow {way_out}"
                )
            } else {
                format!(
                    "keep the selector labels as they are in the release, or delete {} {} before upgrading",
                    o.kind(),
                    o.name()
                )
            },
        });
    }
    v
}

/// Standard base64 (Secret `data`), to text.
fn base64(s: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(base64("aHR0cDovL29tLWRlcHMtd2ViOjgwODA=").as_deref(), Some("http://om-deps-web:8080"));
        assert_eq!(host_label("http://om-deps-web.data.svc.cluster.local:8080/api"), "om-deps-web");
        assert_eq!(host_label("om-deps-api-server:8080"), "om-deps-api-server");
        assert_eq!(host_label("http://u:p@om-deps-web:8080"), "om-deps-web");
        assert_eq!(without_userinfo("http://admin:s3cret@om-deps-web:8080/x"), "http://<redacted>@om-deps-web:8080/x");
        assert_eq!(without_userinfo("http://om-deps-web:8080"), "http://om-deps-web:8080");
        assert!(created_on_upgrade("pre-install,pre-upgrade") && !created_on_upgrade("pre-install"));
    }
}
