//! The workloads: image, executor, the admin user, the web -> api-server
//! Service, volumes, probes and disruption budgets, log clean-up, the PVC
//! access modes, ServiceAccounts, and the upgrade procedure itself.

use anyhow::Result;
use serde_json::{json, Map, Value};

use super::defaults::{target_api_volumes, target_default_user, DAGS_CLAIM_TEMPLATE, EXECUTORS, INGESTION_IMAGE};
use super::Deps;
use crate::migrate::derive::Derivations;
use crate::migrate::report::{Item, ItemKind};
use crate::yaml::value::truthy;

pub(super) fn derive(x: &Deps, d: &mut Derivations) -> Result<()> {
    image(x, d);
    executor(x, d);
    users(x, d)?;
    service_ports(x, d);
    for (from, to) in [
        ("airflow.web.podDisruptionBudget", "airflow.apiServer.podDisruptionBudget"),
        ("airflow.scheduler.podDisruptionBudget", "airflow.scheduler.podDisruptionBudget"),
    ] {
        pdb(x, d, from, to)?;
    }
    // (workers.livenessProbe keeps its `enabled` in 1.18.0)
    for comp in ["web", "scheduler", "triggerer"] {
        for probe in ["readinessProbe", "livenessProbe"] {
            probe_switch(x, d, &format!("airflow.{comp}.{probe}.enabled"));
        }
    }
    api_volumes(x, d)?;
    for comp in ["scheduler", "workers"] {
        log_cleanup(x, d, comp)?;
    }
    logs_persistence(x, d);
    dags_access_mode(x, d);
    service_account(x, d)?;
    ingress_paths(x, d);
    Ok(())
}

/// 1.18.0 renders a pathType for every extra Ingress path; the community chart's items had none.
fn ingress_paths(x: &Deps, d: &mut Derivations) {
    for key in ["precedingPaths", "succeedingPaths"] {
        let from = format!("airflow.ingress.web.{key}");
        let Some(Value::Array(items)) = x.user(&from) else { continue };
        let missing = items.iter().filter(|i| i.get("pathType").is_none()).count();
        if missing > 0 {
            d.manual(x.item(ItemKind::Manual, &from, Some(&format!("airflow.ingress.apiServer.{key}"))).reason(format!(
                "{missing} item(s) without pathType: 1.18.0 writes pathType for each (add ImplementationSpecific or Prefix), \
                 and servicePort must name a port of the Service"
            )));
        }
    }
}

fn image(x: &Deps, d: &mut Derivations) {
    let (repo, tag) = ("airflow.airflow.image.repository", "airflow.airflow.image.tag");
    let custom = x.user(repo).and_then(Value::as_str).is_some_and(|r| r != INGESTION_IMAGE);
    if custom {
        d.move_to(&x.ctx.path(repo), &x.ctx.path("airflow.images.airflow.repository"));
        if x.user(tag).is_some() {
            d.move_to(&x.ctx.path(tag), &x.ctx.path("airflow.images.airflow.tag"));
        }
        d.manual(x.item(ItemKind::Manual, repo, Some("airflow.images.airflow")).reason(
            "a custom image: rebuild it on the ingestion image of the target OpenMetadata version (Airflow 3); an \
             Airflow 2 image fails in the 1.18.0 chart (`airflow api-server` does not exist there)",
        ));
        return;
    }
    if x.user(repo).is_some() {
        x.drop_key(d, repo, "the same ingestion image is deps 1.11.3's default");
    }
    if x.user(tag).is_some() {
        x.drop_key(
            d,
            tag,
            "the deps chart's own tag applies: it matches the OpenMetadata server version (Airflow 3 images from \
             1.11.3 on)",
        );
    }
}

fn executor(x: &Deps, d: &mut Derivations) {
    let path = "airflow.airflow.executor";
    let executor = x.old_str(path);
    let bad: Vec<&str> = executor.split(',').map(str::trim).filter(|e| !EXECUTORS.contains(e)).collect();
    if !bad.is_empty() {
        d.blocker(x.item(ItemKind::Blocker, path, Some("airflow.executor")).reason(format!(
            "executor {executor:?} is not accepted by the 1.18.0 chart (Airflow 3 runs LocalExecutor, CeleryExecutor, \
             KubernetesExecutor, their combinations, Edge, AwsBatch or AwsEcs). Fix: choose one of these (deps uses \
             KubernetesExecutor)"
        )));
        return;
    }
    if x.user(path).is_some() {
        d.move_to(&x.ctx.path(path), &x.ctx.path("airflow.executor"));
    }
    let note =
        |text: &str| Item::new(ItemKind::Note, None, Some("airflow.executor".into()), None).reason(text.to_string());
    if executor.contains("KubernetesExecutor") && !executor.contains("Celery") {
        d.extra.push(note(
            "KubernetesExecutor: workers.replicas (deps 1.11.3 sets 2) has no effect; workers.* shapes the task pods, \
             which mount the dags PVC on any node (ReadWriteMany)",
        ));
    }
    if executor.split(',').any(|e| e.trim() == "LocalExecutor") {
        d.extra.push(note(
            "LocalExecutor: the 1.18.0 chart runs the scheduler as a StatefulSet (workers.persistence is on by \
             default); the old scheduler Deployment is deleted",
        ));
    }
    if executor.contains("Celery") {
        d.extra.push(note(
            "a Celery executor needs a broker: redis.enabled or data.brokerUrl, and workers.replicas for the worker \
             StatefulSet",
        ));
    }
}

/// The first user becomes webserver.defaultUser; 1.18.0 creates only one.
fn users(x: &Deps, d: &mut Derivations) -> Result<()> {
    let path = "airflow.airflow.users";
    let Some(v) = x.user(path) else { return Ok(()) };
    if v.is_null() {
        return Ok(());
    }
    let users = v.as_array().ok_or_else(|| x.shape_error(path, "a list of users"))?;
    let to = "airflow.webserver.defaultUser";
    let Some(first) = users.first() else {
        x.set(d, &format!("{to}.enabled"), json!(false), &[path]);
        let item = x
            .item(ItemKind::Changed, path, Some(&format!("{to}.enabled")))
            .values(path, Some(v), Some(&json!(false)))
            .reason(
                "no users were created; deps 1.11.3 would create admin/admin, so its create-user Job is switched off",
            );
        x.consume(d, path, item);
        return Ok(());
    };
    let first = first.as_object().ok_or_else(|| x.shape_error(path, "a list of user mappings"))?;
    let target = target_default_user();
    let templated = |s: &str| s.contains("${");
    let mut notes = Vec::new();
    let mut written = false;
    for field in ["username", "password", "role", "email", "firstName", "lastName"] {
        let Some(mut value) = first.get(field).cloned() else { continue };
        if let (Value::Array(roles), "role") = (&value, field) {
            notes.push(format!(
                "only the first role ({}) is kept",
                roles.first().map_or("none".into(), |r| r.to_string())
            ));
            value = roles.first().cloned().unwrap_or(Value::Null);
        }
        if value.as_str().is_some_and(templated) {
            d.manual(x.item(ItemKind::Manual, path, Some(&format!("{to}.{field}"))).reason(format!(
                "the first user's {field} was a usersTemplates placeholder: set {to}.{field} (existing users keep \
                 their password)"
            )));
            continue;
        }
        if target.get(field) != Some(&value) {
            x.set(d, &format!("{to}.{field}"), value, &[path]);
            written = true;
        }
    }
    let mut reason = String::from(if written {
        "the first user, as the create-user Job's user; an existing user keeps its password"
    } else {
        "the same user as deps 1.11.3's webserver.defaultUser"
    });
    for n in notes {
        reason.push_str("; ");
        reason.push_str(&n);
    }
    let item = if written { x.item(ItemKind::Moved, path, Some(to)) } else { x.item(ItemKind::Dropped, path, None) };
    x.consume(d, path, item.reason(reason));
    for (i, u) in users.iter().enumerate().skip(1) {
        let name = u.get("username").and_then(Value::as_str).unwrap_or("?");
        let p = x.ctx.path(path);
        d.manual(Item::new(ItemKind::Manual, Some(format!("{path}[{i}]")), None, x.ctx.item_loc(&p, i)).reason(
            format!(
            "user {name}: 1.18.0 creates only one user; it stays in airflow_db if it exists, but the chart no longer \
             manages it (use the Airflow UI or `airflow users create`)"
        ),
        ));
    }
    Ok(())
}

/// web.service.externalPort / nodePort.http -> apiServer.service.ports.
fn service_ports(x: &Deps, d: &mut Derivations) {
    let (port_path, node_path) = ("airflow.web.service.externalPort", "airflow.web.service.nodePort");
    if x.user(port_path).is_none() && x.user(node_path).is_none() {
        return;
    }
    let port = x.old("airflow.web.service.externalPort").cloned().unwrap_or(json!(8080));
    let node = x.old("airflow.web.service.nodePort.http").cloned().filter(|v| truthy(Some(v)));
    let to = "airflow.apiServer.service.ports";
    if port == json!(8080) && node.is_none() {
        for p in [port_path, node_path] {
            if x.user(p).is_some() {
                x.drop_key(d, p, "the api-server Service listens on 8080 as well");
            }
        }
        return;
    }
    let mut item = Map::new();
    item.insert("name".into(), json!("api-server"));
    item.insert("port".into(), port.clone());
    item.insert("targetPort".into(), json!("{{ .Values.ports.apiServer }}"));
    if let Some(n) = node {
        item.insert("nodePort".into(), n);
    }
    x.set(d, to, json!([Value::Object(item)]), &[port_path, node_path]);
    let why = "a ports item named api-server (the container still listens on 8080)";
    if let Some(v) = x.user(port_path) {
        let it = x
            .item(ItemKind::Changed, port_path, Some(&format!("{to}[0].port")))
            .values(port_path, Some(v), None)
            .reason(why);
        x.consume(d, port_path, it);
    }
    if x.user(node_path).is_some() {
        x.consume_map(d, node_path, |k, v| {
            let leaf = format!("{node_path}.{k}");
            match k {
                "http" => x
                    .item(ItemKind::Changed, &leaf, Some(&format!("{to}[0].nodePort")))
                    .values(&leaf, Some(v), None)
                    .reason(why),
                _ => x
                    .item(ItemKind::Dropped, &leaf, None)
                    .values(&leaf, Some(v), None)
                    .reason("no such node port in 1.18.0"),
            }
        });
    }
    if port != json!(8080) {
        d.extra.push(Item::new(ItemKind::Note, None, Some(to.into()), None).reason(format!(
            "the Service port is {port}: the openmetadata chart's pipelineServiceClientConfig.apiEndpoint must use it"
        )));
    }
}

/// {enabled, apiVersion, maxUnavailable, minAvailable} -> {enabled, config: {...}}.
fn pdb(x: &Deps, d: &mut Derivations, from: &str, to: &str) -> Result<()> {
    let Some(v) = x.user(from) else { return Ok(()) };
    let Some(m) = v.as_object() else {
        if v.is_null() {
            return Ok(());
        }
        return Err(x.shape_error(from, "a mapping"));
    };
    let given = |k: &str| m.get(k).filter(|v| truthy(Some(v)) || v == &&json!(0)).cloned();
    let mut out = Map::new();
    if let Some(e) = m.get("enabled") {
        out.insert("enabled".into(), e.clone());
    }
    let (max, min) = (given("maxUnavailable"), given("minAvailable"));
    if max.is_some() || min.is_some() {
        // The chart's default config sets maxUnavailable: a PDB takes only one of the two.
        let mut config = Map::new();
        config.insert("maxUnavailable".into(), max.unwrap_or(Value::Null));
        if let Some(min) = min {
            config.insert("minAvailable".into(), min);
        }
        out.insert("config".into(), Value::Object(config));
    }
    x.consume_map(d, from, |k, v| {
        let leaf = format!("{from}.{k}");
        match k {
            "enabled" if leaf == format!("{to}.enabled") => x.item(ItemKind::Kept, &leaf, Some(&leaf)),
            "enabled" => x.item(ItemKind::Moved, &leaf, Some(&format!("{to}.enabled"))).reason(""),
            "maxUnavailable" | "minAvailable"
                if out.get("config").and_then(|c| c.get(k)).is_some_and(|c| !c.is_null()) =>
            {
                x.item(ItemKind::Moved, &leaf, Some(&format!("{to}.config.{k}")))
                    .reason("PodDisruptionBudget settings sit under config in 1.18.0")
            }
            "apiVersion" => x
                .item(ItemKind::Dropped, &leaf, None)
                .values(&leaf, Some(v), None)
                .reason("1.18.0 always renders policy/v1"),
            _ => x
                .item(ItemKind::Dropped, &leaf, None)
                .values(&leaf, Some(v), None)
                .reason("empty: nothing to carry over"),
        }
    });
    if out.get("config").is_some_and(|c| c.get("maxUnavailable") == Some(&Value::Null)) {
        let added = Item::new(ItemKind::Added, None, Some(format!("{to}.config.maxUnavailable")), None);
        d.extra.push(added.values(to, None, Some(&Value::Null)).reason(
            "null removes the chart's default maxUnavailable (a PodDisruptionBudget takes only one of the two); Helm \
             3.17 honours null for a subchart, Helm 3.10 keeps the default: there, give maxUnavailable instead",
        ));
    }
    if !out.is_empty() {
        x.set(d, to, Value::Object(out), &[from]);
    }
    Ok(())
}

fn probe_switch(x: &Deps, d: &mut Derivations, path: &str) {
    let Some(v) = x.user(path) else { return };
    if truthy(Some(v)) || v.is_null() {
        x.drop_key(d, path, "1.18.0 probes have no switch; they are always on");
    } else {
        let item = x
            .item(ItemKind::Manual, path, None)
            .values(path, Some(v), None)
            .reason("the probe was off; 1.18.0 probes cannot be switched off (loosen its timings instead)");
        x.consume(d, path, item);
    }
}

/// web.extraVolumes/extraVolumeMounts -> apiServer.*: the pod-template items
/// go (deps 1.11.3 no longer renders that ConfigMap), deps 1.11.3's dags PVC
/// items stay first, the user's own follow.
fn api_volumes(x: &Deps, d: &mut Derivations) -> Result<()> {
    let (vols_path, mounts_path) = ("airflow.web.extraVolumes", "airflow.web.extraVolumeMounts");
    let dags_on = x.old_on("airflow.dags.persistence.enabled");
    let claim = match x.old("airflow.dags.persistence.existingClaim") {
        Some(Value::String(c)) if !c.is_empty() => c.clone(),
        _ => DAGS_CLAIM_TEMPLATE.to_string(),
    };
    let custom_claim = claim != DAGS_CLAIM_TEMPLATE;
    let (user_vols, user_mounts) = (x.user(vols_path), x.user(mounts_path));
    if user_vols.is_none() && user_mounts.is_none() && dags_on && !custom_claim {
        return Ok(());
    }
    let list = |p: &str, v: Option<&Value>| -> Result<Vec<Value>> {
        match v {
            None | Some(Value::Null) => Ok(vec![]),
            Some(Value::Array(a)) => Ok(a.clone()),
            Some(_) => Err(x.shape_error(p, "a list")),
        }
    };
    let vols = list(vols_path, user_vols)?;
    let mounts = list(mounts_path, user_mounts)?;
    let pod_template = |v: &Value| {
        v.get("configMap").and_then(|c| c.get("name")).and_then(Value::as_str) == Some("openmetadata-pod-template")
    };
    let gone: Vec<String> =
        vols.iter().filter(|v| pod_template(v)).filter_map(|v| v.get("name")?.as_str().map(str::to_string)).collect();
    let own_vols: Vec<Value> = vols.into_iter().filter(|v| !pod_template(v)).collect();
    let own_mounts: Vec<Value> = mounts
        .into_iter()
        .filter(|m| !m.get("name").and_then(Value::as_str).is_some_and(|n| gone.iter().any(|g| g == n)))
        .collect();
    let (dags_vol, dags_mount) = target_api_volumes(&claim);
    let (mut out_vols, mut out_mounts) = if dags_on { (vec![dags_vol], vec![dags_mount]) } else { (vec![], vec![]) };
    out_vols.extend(own_vols.iter().cloned());
    out_mounts.extend(own_mounts.iter().cloned());
    let default_only = dags_on && !custom_claim && own_vols.is_empty() && own_mounts.is_empty();
    for (path, user, out, own) in
        [(vols_path, user_vols, &out_vols, &own_vols), (mounts_path, user_mounts, &out_mounts, &own_mounts)]
    {
        let to = path.replace("airflow.web.", "airflow.apiServer.");
        if !default_only {
            x.set(d, &to, Value::Array(out.clone()), &[path]);
        }
        let Some(v) = user else { continue };
        let reason = match (default_only, own.len()) {
            (true, _) => "only the openmetadata-pod-template items, which deps 1.11.3 drops (it no longer renders that \
                          ConfigMap); its own dags PVC items apply"
                .to_string(),
            (false, n) => format!(
                "{n} item(s) of your own kept; the openmetadata-pod-template items dropped; {}",
                if dags_on {
                    format!(
                        "deps 1.11.3's dags PVC item (claim {claim}) first"
                    )
                } else {
                    "no dags PVC item (dags persistence is off)".into()
                }
            ),
        };
        let kind = if default_only { ItemKind::Dropped } else { ItemKind::Changed };
        let item =
            x.item(kind, path, (!default_only).then_some(to.as_str())).values(path, Some(v), None).reason(reason);
        x.consume(d, path, item);
    }
    if !dags_on || custom_claim {
        let why = if dags_on {
            format!("the dags PVC is the existing claim {claim}: the api-server mounts it")
        } else {
            "dags persistence is off: deps 1.11.3's api-server volume would point at a PVC that does not exist"
                .to_string()
        };
        d.extra.push(Item::new(ItemKind::Added, None, Some("airflow.apiServer.extraVolumes".into()), None).reason(why));
    }
    Ok(())
}

/// logCleanup (community) -> logGroomerSidecar (Apache).
fn log_cleanup(x: &Deps, d: &mut Derivations, comp: &str) -> Result<()> {
    let from = format!("airflow.{comp}.logCleanup");
    let Some(v) = x.user(&from) else { return Ok(()) };
    if v.is_null() {
        return Ok(());
    }
    if !v.is_object() {
        return Err(x.shape_error(&from, "a mapping"));
    }
    let to = format!("airflow.{comp}.logGroomerSidecar");
    let enabled = x.old_on(&format!("{from}.enabled"));
    let logs_pvc = x.old_on("airflow.logs.persistence.enabled");
    if !enabled && logs_pvc {
        // 8.9.0 refused logCleanup together with logs persistence; 1.18.0's groomer works with it.
        let reason = "8.9.0 required it off with logs persistence; 1.18.0's log groomer sidecar (on by default, 15 \
                      days) works with the logs PVC";
        x.drop_key(d, &from, reason);
        return Ok(());
    }
    let mut out = Map::new();
    out.insert("enabled".into(), json!(enabled));
    if enabled {
        let minutes = x.old(&format!("{from}.retentionMinutes")).and_then(Value::as_u64).unwrap_or(21600);
        let seconds = x.old(&format!("{from}.intervalSeconds")).and_then(Value::as_u64).unwrap_or(900);
        out.insert("retentionDays".into(), json!(minutes.div_ceil(1440).max(1)));
        out.insert("frequencyMinutes".into(), json!(seconds.div_ceil(60).max(1)));
    }
    let out = Value::Object(out);
    x.consume_map(d, &from, |k, v| {
        let leaf = format!("{from}.{k}");
        let (new_key, why) = match k {
            "enabled" => ("enabled", ""),
            "retentionMinutes" => ("retentionDays", "minutes -> days, rounded up"),
            "intervalSeconds" => ("frequencyMinutes", "seconds -> minutes, rounded up"),
            _ => {
                return x
                    .item(ItemKind::Dropped, &leaf, None)
                    .values(&leaf, Some(v), None)
                    .reason("no equivalent for the log groomer sidecar")
            }
        };
        match out.get(new_key) {
            Some(n) if n == v => x.item(ItemKind::Moved, &leaf, Some(&format!("{to}.{new_key}"))).reason(why),
            Some(n) => x
                .item(ItemKind::Changed, &leaf, Some(&format!("{to}.{new_key}")))
                .values(&leaf, Some(v), Some(n))
                .reason(why),
            None => x.item(ItemKind::Dropped, &leaf, None).values(&leaf, Some(v), None).reason("the groomer is off"),
        }
    });
    x.set(d, &to, out, &[&from]);
    Ok(())
}

/// logs.persistence: the access mode is fixed (RWX) and the deps clean-up CronJob is gone.
fn logs_persistence(x: &Deps, d: &mut Derivations) {
    let mode_path = "airflow.logs.persistence.accessMode";
    if x.user(mode_path).is_some() {
        let mode = x.old_str(mode_path);
        if mode == "ReadWriteMany" {
            x.drop_key(d, mode_path, "rejected by the 1.18.0 schema; the chart always asks ReadWriteMany");
        } else {
            let item = x.item(ItemKind::Manual, mode_path, None).values(mode_path, x.user(mode_path), None).reason(
                "rejected by the 1.18.0 schema: the chart always asks ReadWriteMany for the logs PVC (issue #468); use \
                 an RWX-capable storageClassName, or logs.persistence.enabled: false",
            );
            x.consume(d, mode_path, item);
        }
    }
    let cleanup = "airflow.logs.persistence.cleanup";
    let Some(v) = x.user(cleanup) else { return };
    if !x.old_on(&format!("{cleanup}.enabled")) {
        x.drop_key(d, cleanup, "rejected by the 1.18.0 schema; the clean-up CronJob was off");
        return;
    }
    let days = x.old(&format!("{cleanup}.retainDays")).cloned().unwrap_or(json!(180));
    let to = "airflow.scheduler.logGroomerSidecar.retentionDays";
    let _ = v;
    x.consume_map(d, cleanup, |k, v| {
        let leaf = format!("{cleanup}.{k}");
        match k {
            "retainDays" => x.item(ItemKind::Moved, &leaf, Some(to)).reason(
                "the scheduler's log groomer sidecar keeps the logs PVC for this many days",
            ),
            _ => x.item(ItemKind::Dropped, &leaf, None).values(&leaf, Some(v), None).reason(
                "rejected by the 1.18.0 schema: the deps clean-up CronJob is gone; the scheduler's log groomer sidecar \
                 cleans the logs PVC",
            ),
        }
    });
    if x.user(to).is_none() && !d.sets.iter().any(|s| s.path == x.ctx.path(to)) {
        x.set(d, to, days, &[cleanup]);
    }
}

/// Keep the dags PVC's access mode: 1.18.0 defaults to ReadWriteOnce, and a
/// bound claim's access modes cannot change.
fn dags_access_mode(x: &Deps, d: &mut Derivations) {
    let path = "airflow.dags.persistence.accessMode";
    let existing = x.old("airflow.dags.persistence.existingClaim").is_some_and(|c| truthy(Some(c)));
    if !x.old_on("airflow.dags.persistence.enabled") || x.user(path).is_some() || existing {
        return;
    }
    let mode = x.old_str(path);
    let reason = format!(
        "the old dags PVC is {mode} (deps 1.11.2's setting); 1.18.0 would ask ReadWriteOnce, which cannot patch the \
         existing claim and breaks KubernetesExecutor task pods on other nodes"
    );
    d.add(x.ctx, path, json!(mode), &reason);
}

/// One ServiceAccount per component in 1.18.0; annotations (IRSA, Workload Identity) go to each.
const SA_COMPONENTS: [&str; 7] =
    ["scheduler", "apiServer", "workers", "triggerer", "dagProcessor", "migrateDatabaseJob", "createUserJob"];

fn service_account(x: &Deps, d: &mut Derivations) -> Result<()> {
    let from = "airflow.serviceAccount";
    let Some(v) = x.user(from) else { return Ok(()) };
    let Some(m) = v.as_object() else {
        if v.is_null() {
            return Ok(());
        }
        return Err(x.shape_error(from, "a mapping"));
    };
    let create = x.old_on("airflow.serviceAccount.create");
    let name = x.old_str("airflow.serviceAccount.name");
    let annotations = m.get("annotations").filter(|a| truthy(Some(a))).cloned();
    x.consume(d, from, x.item(ItemKind::Dropped, from, None).reason("empty: nothing to carry over"));
    for (k, v) in m {
        let leaf = format!("{from}.{k}");
        let item = match k.as_str() {
            "annotations" if annotations.is_some() => x
                .item(ItemKind::Moved, &leaf, Some("airflow.<component>.serviceAccount.annotations"))
                .reason(format!("copied to {}", SA_COMPONENTS.join(", "))),
            "create" if !create => x
                .item(ItemKind::Moved, &leaf, Some("airflow.<component>.serviceAccount.create"))
                .reason("your own ServiceAccount, for every component"),
            "name" if !create && !name.is_empty() => x
                .item(ItemKind::Moved, &leaf, Some("airflow.<component>.serviceAccount.name"))
                .reason("your own ServiceAccount, for every component"),
            "name" => x.item(ItemKind::Dropped, &leaf, None).values(&leaf, Some(v), None).reason(
                "1.18.0 creates one ServiceAccount per component, named <release>-airflow-<component> (one name for \
                 all would collide)",
            ),
            _ => x.item(ItemKind::Dropped, &leaf, None).values(&leaf, Some(v), None).reason(
                "the 8.9.0 default; 1.18.0 creates its ServiceAccounts too",
            ),
        };
        x.report_below(d, &leaf, item);
    }
    for comp in SA_COMPONENTS {
        let base = format!("airflow.{comp}.serviceAccount");
        if let Some(a) = &annotations {
            x.set(d, &format!("{base}.annotations"), a.clone(), &[from]);
        }
        if !create {
            x.set(d, &format!("{base}.create"), json!(false), &[from]);
            if !name.is_empty() {
                x.set(d, &format!("{base}.name"), json!(name), &[from]);
            }
        }
    }
    if annotations.is_some() && create {
        d.manual(x.item(ItemKind::Manual, "airflow.serviceAccount.annotations", None).reason(format!(
            "the annotations now sit on {} ServiceAccounts named {}-airflow-<component>: a cloud role that trusts the \
             old name ({}) must trust these names",
            SA_COMPONENTS.len(),
            x.release,
            if name.is_empty() { "<release>".to_string() } else { name.clone() }
        )));
    }
    Ok(())
}

/// What the upgrade itself needs, whatever the values.
pub(super) fn upgrade_steps(x: &Deps, d: &mut Derivations) {
    let r = &x.release;
    // With --generate-secrets the fernet key comes from our own Secret, which exists on an upgrade too.
    let fernet = if x.ctx.options.generate_secrets.is_some() {
        String::new()
    } else {
        format!(", and the Secret {r}-fernet-key is created only at install")
    };
    d.manual(Item::new(ItemKind::Manual, None, Some("helm upgrade".into()), None).reason(format!(
        "an in-place `helm upgrade` of {r} fails: Deployment {r}-scheduler gets another selector (immutable){fernet}. \
         Way out: `helm uninstall {r}` (its dags and logs PVCs go with it; the Airflow database stays), install the \
         new chart with these values, then redeploy the ingestion pipelines from OpenMetadata"
    )));
    d.extra.push(Item::new(ItemKind::Note, None, Some("openmetadata chart".into()), None).reason(format!(
        "the Airflow Service is {r}-api-server now (was {r}-web): migrate the openmetadata chart's values too (migrate \
         --migration openmetadata-1.11 --deps-release {r})"
    )));
}
