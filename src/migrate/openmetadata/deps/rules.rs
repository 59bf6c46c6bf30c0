//! The key rules of the `openmetadata-dependencies` migration: the `airflow:`
//! subtree moves from the community chart (airflow-helm 8.9.0, deps <= 1.11.2)
//! to the Apache Airflow chart 1.18.0 (deps >= 1.11.3). Paths are from the deps
//! chart's root, so the community chart's own `airflow.*` block is
//! `airflow.airflow.*` here. Keys outside `airflow:` (mysql, opensearch, ...)
//! have no rule and stay as they are.
//!
//! `Special(Derived(..))` keys are decided in `derive/` on the merged values;
//! a Manual key whose value is empty, the 8.9.0 default, or part of a
//! component that is off is dropped quietly there too (`quiet.rs`).

use crate::migrate::rules::{Action, Action::*, Rule, Shape, Special::Derived};

const fn r(from: &'static str, action: Action, why: &'static str) -> Rule {
    Rule { from, action, why }
}

const fn d(target: &'static str) -> Action {
    Special(Derived(target))
}

const TOP: &str = "a chart-wide setting at the top level of the 1.18.0 chart";
const IMAGE: &str =
    "the deps 1.11.3 ingestion image (Airflow 3) applies; a custom image is moved and must be rebuilt on it";
const PIP: &str = "no key in 1.18.0: joined into env _PIP_ADDITIONAL_REQUIREMENTS (beside the deps FAB pin), installed \
                   in every Airflow container";
const POD_LABELS: &str = "1.18.0 puts one set of labels on the objects and their pods";
const PROBE: &str =
    "1.18.0 probes are closed objects without `enabled`: dropped when true; they cannot be switched off";
const PDB: &str = "{enabled, maxUnavailable, minAvailable} becomes {enabled, config: {maxUnavailable, minAvailable}}; \
                   apiVersion has no equivalent";
const GROOMER: &str = "becomes the log groomer sidecar (minutes -> retentionDays, seconds -> frequencyMinutes); the \
                       old key is rejected by the 1.18.0 schema";
const WEB: &str = "the Airflow 3 api-server replaces the webserver; 1.18.0 silently ignores leftover web keys";
const SC: &str = "renamed storageClassName; the old name is rejected by the 1.18.0 schema";
const NO_SYNC: &str = "no equivalent: 1.18.0 has no sync Deployments; keep these in airflow_db (UI, CLI) or a secrets \
                       backend (AIRFLOW_CONN_*/AIRFLOW_VAR_* env from extraSecrets)";
const CELERY: &str = "Celery only; its keys differ in 1.18.0: set them anew if you run a Celery executor";

/// The deps rules, most specific first (the first matching rule wins; a `**`
/// rule applies only where no more specific rule matches deeper down).
pub static RULES: &[Rule] = &[
    // --- the community chart's `airflow` block
    r("airflow.airflow.legacyCommands", Drop, "Airflow 1 only"),
    r("airflow.airflow.image.repository", d("airflow.images.airflow.repository"), IMAGE),
    r("airflow.airflow.image.tag", d("airflow.images.airflow.tag"), IMAGE),
    r(
        "airflow.airflow.image.pullPolicy",
        Move("airflow.images.airflow.pullPolicy"),
        "the image is images.airflow in 1.18.0",
    ),
    r(
        "airflow.airflow.image.pullSecret",
        Move("airflow.registry.secretName"),
        "the image pull secret is registry.secretName in 1.18.0",
    ),
    r("airflow.airflow.image.uid", Move("airflow.uid"), TOP),
    r("airflow.airflow.image.gid", Move("airflow.gid"), TOP),
    r(
        "airflow.airflow.executor",
        d("airflow.executor"),
        "moved to the top level; checked against the executors 1.18.0 accepts",
    ),
    r(
        "airflow.airflow.fernetKey",
        d("airflow.fernetKey"),
        "carried: another key could not decrypt the connections and variables in airflow_db",
    ),
    r(
        "airflow.airflow.webserverSecretKey",
        d("airflow.webserverSecretKey"),
        "carried when set; Airflow 3 signs with apiSecretKey and jwtSecret instead",
    ),
    r(
        "airflow.airflow.config",
        d("airflow.env"),
        "each AIRFLOW__* entry becomes an env item {name, value} (values as strings), joined with the deps 1.11.3 env \
         list",
    ),
    r(
        "airflow.airflow.extraEnv",
        d("airflow.env, airflow.secret, airflow.extraEnv"),
        "name/value items join env; secretKeyRef items become secret entries; anything else goes into the extraEnv \
         string",
    ),
    r("airflow.airflow.extraPipPackages", d("airflow.env _PIP_ADDITIONAL_REQUIREMENTS"), PIP),
    r(
        "airflow.airflow.protectedPipPackages",
        Drop,
        "no equivalent: the official image installs _PIP_ADDITIONAL_REQUIREMENTS as given",
    ),
    r(
        "airflow.airflow.users",
        d("airflow.webserver.defaultUser"),
        "1.18.0 creates one user: the first is kept; the others stay in airflow_db but the chart no longer \
         manages them",
    ),
    r("airflow.airflow.usersTemplates", Manual, "no equivalent: webserver.defaultUser takes plain values"),
    r("airflow.airflow.usersUpdate", Drop, "no equivalent: the create-user Job never changes an existing user"),
    r("airflow.airflow.connections", Manual, NO_SYNC),
    r("airflow.airflow.connectionsTemplates", Manual, NO_SYNC),
    r("airflow.airflow.connectionsUpdate", Drop, NO_SYNC),
    r("airflow.airflow.variables", Manual, NO_SYNC),
    r("airflow.airflow.variablesTemplates", Manual, NO_SYNC),
    r("airflow.airflow.variablesUpdate", Drop, NO_SYNC),
    r("airflow.airflow.pools", Manual, NO_SYNC),
    r("airflow.airflow.poolsUpdate", Drop, NO_SYNC),
    r("airflow.airflow.defaultNodeSelector", Move("airflow.nodeSelector"), TOP),
    r("airflow.airflow.defaultAffinity", Move("airflow.affinity"), TOP),
    r("airflow.airflow.defaultTolerations", Move("airflow.tolerations"), TOP),
    r("airflow.airflow.defaultTopologySpreadConstraints", Move("airflow.topologySpreadConstraints"), TOP),
    r("airflow.airflow.defaultSecurityContext", Move("airflow.securityContexts.pod"), TOP),
    r("airflow.airflow.defaultContainerSecurityContext", Move("airflow.securityContexts.container"), TOP),
    r("airflow.airflow.podAnnotations", Move("airflow.airflowPodAnnotations"), "annotations of every Airflow pod"),
    r("airflow.airflow.extraVolumes", Move("airflow.volumes"), "volumes of every Airflow container"),
    r("airflow.airflow.extraVolumeMounts", Move("airflow.volumeMounts"), "volume mounts of every Airflow container"),
    r(
        "airflow.airflow.extraContainers",
        Manual,
        "1.18.0 has extraContainers per component (scheduler, apiServer, triggerer, dagProcessor, workers): add them \
         where needed",
    ),
    r(
        "airflow.airflow.extraInitContainers",
        Manual,
        "1.18.0 has extraInitContainers per component: add them where needed",
    ),
    r("airflow.airflow.clusterDomain", Manual, "no equivalent in 1.18.0"),
    r("airflow.airflow.initContainers.**", Manual, "1.18.0 has no settings for these init containers"),
    r(
        "airflow.airflow.localSettings.stringOverride",
        Move("airflow.airflowLocalSettings"),
        "airflow_local_settings.py is a string at the top level",
    ),
    r(
        "airflow.airflow.localSettings.existingSecret",
        Manual,
        "1.18.0 takes airflow_local_settings.py only as a string (airflowLocalSettings)",
    ),
    r(
        "airflow.airflow.kubernetesPodTemplate.stringOverride",
        Move("airflow.podTemplate"),
        "the pod template file is podTemplate",
    ),
    r("airflow.airflow.kubernetesPodTemplate.extraPipPackages", d("airflow.env _PIP_ADDITIONAL_REQUIREMENTS"), PIP),
    r(
        "airflow.airflow.kubernetesPodTemplate.securityContext",
        Move("airflow.workers.securityContexts.pod"),
        "workers.* shapes the KubernetesExecutor task pods in 1.18.0",
    ),
    r(
        "airflow.airflow.kubernetesPodTemplate.podLabels",
        Move("airflow.workers.labels"),
        "workers.* shapes the KubernetesExecutor task pods in 1.18.0",
    ),
    r(
        "airflow.airflow.kubernetesPodTemplate.shareProcessNamespace",
        Manual,
        "no equivalent: write it into podTemplate",
    ),
    r(
        "airflow.airflow.kubernetesPodTemplate.*",
        Move("airflow.workers.*"),
        "workers.* shapes the KubernetesExecutor task pods in 1.18.0",
    ),
    r(
        "airflow.airflow.dbMigrations.enabled",
        Move("airflow.migrateDatabaseJob.enabled"),
        "migrations run in a Helm-hook Job (migrateDatabaseJob) in 1.18.0",
    ),
    r("airflow.airflow.dbMigrations.runAsJob", Drop, "1.18.0 always runs the migrations as a Job"),
    r("airflow.airflow.dbMigrations.checkInterval", Drop, "no equivalent: the Job runs once per install and upgrade"),
    r("airflow.airflow.dbMigrations.safeToEvict", Drop, "no equivalent for a Job"),
    r(
        "airflow.airflow.dbMigrations.securityContext",
        Move("airflow.migrateDatabaseJob.securityContexts.pod"),
        "migrations run in a Helm-hook Job (migrateDatabaseJob) in 1.18.0",
    ),
    r(
        "airflow.airflow.dbMigrations.annotations",
        Move("airflow.migrateDatabaseJob.jobAnnotations"),
        "the Job's own annotations are jobAnnotations",
    ),
    r(
        "airflow.airflow.dbMigrations.podAnnotations",
        Move("airflow.migrateDatabaseJob.annotations"),
        "the Job's pod annotations are annotations",
    ),
    r("airflow.airflow.dbMigrations.podLabels", Move("airflow.migrateDatabaseJob.labels"), POD_LABELS),
    r(
        "airflow.airflow.dbMigrations.*",
        Move("airflow.migrateDatabaseJob.*"),
        "migrations run in a Helm-hook Job (migrateDatabaseJob) in 1.18.0",
    ),
    r("airflow.airflow.sync.**", Drop, "the sync Deployments are gone in 1.18.0"),
    r("airflow.airflow.**", Manual, "no known 1.18.0 equivalent for this community-chart key"),
    // --- web -> apiServer
    r(
        "airflow.web.webserverConfig.stringOverride",
        Move("airflow.apiServer.apiServerConfig"),
        "webserver_config.py is apiServer.apiServerConfig for Airflow 3 (check it still fits the FAB auth manager)",
    ),
    r(
        "airflow.web.webserverConfig.existingSecret",
        Manual,
        "1.18.0 reads the api-server config from apiServer.apiServerConfig or a ConfigMap \
         (apiServerConfigConfigMapName), not a Secret",
    ),
    r("airflow.web.webserverConfig.enabled", Drop, "no switch in 1.18.0"),
    r(
        "airflow.web.securityContext",
        Move("airflow.apiServer.securityContexts.pod"),
        "the api-server takes securityContexts.pod",
    ),
    r("airflow.web.podLabels", Move("airflow.apiServer.labels"), POD_LABELS),
    r("airflow.web.safeToEvict", Drop, "the api-server has no safeToEvict in 1.18.0"),
    r("airflow.web.podDisruptionBudget", d("airflow.apiServer.podDisruptionBudget"), PDB),
    r(
        "airflow.web.service.externalPort",
        d("airflow.apiServer.service.ports"),
        "the Service port goes into a ports item (name api-server)",
    ),
    r(
        "airflow.web.service.nodePort",
        d("airflow.apiServer.service.ports"),
        "the node port goes into a ports item (name api-server)",
    ),
    r("airflow.web.service.sessionAffinity", Manual, "no equivalent for the api-server Service in 1.18.0"),
    r("airflow.web.service.sessionAffinityConfig", Manual, "no equivalent for the api-server Service in 1.18.0"),
    r(
        "airflow.web.service.*",
        Move("airflow.apiServer.service.*"),
        "the Service is <release>-api-server in 1.18.0 (port 8080 as before)",
    ),
    r("airflow.web.readinessProbe.enabled", d("dropped"), PROBE),
    r("airflow.web.livenessProbe.enabled", d("dropped"), PROBE),
    r("airflow.web.readinessProbe.*", Move("airflow.apiServer.readinessProbe.*"), WEB),
    r("airflow.web.livenessProbe.*", Move("airflow.apiServer.livenessProbe.*"), WEB),
    r(
        "airflow.web.extraVolumes",
        d("airflow.apiServer.extraVolumes"),
        "the openmetadata-pod-template volume is gone (deps 1.11.3 no longer renders it); the dags PVC volume of deps \
         1.11.3 is kept beside your own",
    ),
    r(
        "airflow.web.extraVolumeMounts",
        d("airflow.apiServer.extraVolumeMounts"),
        "the pod-template mount is gone; the dags PVC mount of deps 1.11.3 is kept beside your own",
    ),
    r("airflow.web.extraPipPackages", d("airflow.env _PIP_ADDITIONAL_REQUIREMENTS"), PIP),
    r("airflow.web.**", Move("airflow.apiServer.**"), WEB),
    // --- scheduler
    r("airflow.scheduler.logCleanup", d("airflow.scheduler.logGroomerSidecar"), GROOMER),
    r("airflow.scheduler.numRuns", Manual, "no equivalent in 1.18.0"),
    r("airflow.scheduler.livenessProbe.enabled", d("dropped"), PROBE),
    r("airflow.scheduler.livenessProbe.taskCreationCheck", Manual, "no equivalent in 1.18.0"),
    r("airflow.scheduler.podLabels", Move("airflow.scheduler.labels"), POD_LABELS),
    r("airflow.scheduler.podDisruptionBudget", d("airflow.scheduler.podDisruptionBudget"), PDB),
    r("airflow.scheduler.extraPipPackages", d("airflow.env _PIP_ADDITIONAL_REQUIREMENTS"), PIP),
    // --- workers (Celery workers; KubernetesExecutor task pods are shaped by workers.* too)
    r(
        "airflow.workers.enabled",
        Drop,
        "rejected by the 1.18.0 schema; worker pods render only for Celery executors (then workers.replicas)",
    ),
    r("airflow.workers.logCleanup", d("airflow.workers.logGroomerSidecar"), GROOMER),
    r("airflow.workers.podLabels", Move("airflow.workers.labels"), POD_LABELS),
    r("airflow.workers.podDisruptionBudget", Manual, "1.18.0 has no PodDisruptionBudget for workers"),
    r("airflow.workers.autoscaling", Manual, "1.18.0 scales Celery workers with workers.hpa or workers.keda"),
    r("airflow.workers.celery", Manual, CELERY),
    r("airflow.workers.terminationPeriod", Move("airflow.workers.terminationGracePeriodSeconds"), "renamed in 1.18.0"),
    r("airflow.workers.extraPipPackages", d("airflow.env _PIP_ADDITIONAL_REQUIREMENTS"), PIP),
    // --- triggerer
    r("airflow.triggerer.capacity", Move("airflow.config.triggerer.capacity"), "an airflow.cfg option in 1.18.0"),
    r("airflow.triggerer.podLabels", Move("airflow.triggerer.labels"), POD_LABELS),
    r("airflow.triggerer.podDisruptionBudget", Manual, "1.18.0 has no PodDisruptionBudget for the triggerer"),
    r("airflow.triggerer.livenessProbe.enabled", d("dropped"), PROBE),
    r("airflow.triggerer.extraPipPackages", d("airflow.env _PIP_ADDITIONAL_REQUIREMENTS"), PIP),
    // --- Celery-only and database components
    r("airflow.flower.enabled", Move("airflow.flower.enabled"), ""),
    r("airflow.flower.extraPipPackages", d("airflow.env _PIP_ADDITIONAL_REQUIREMENTS"), PIP),
    r("airflow.flower.**", Manual, CELERY),
    r("airflow.redis.enabled", Move("airflow.redis.enabled"), ""),
    r("airflow.redis.**", Manual, CELERY),
    r("airflow.externalRedis", Manual, "Celery only: 1.18.0 takes data.brokerUrl or data.brokerUrlSecretName"),
    r(
        "airflow.externalDatabase.**",
        d("airflow.data.metadataConnection.*, airflow.data.metadataSecretName"),
        "type -> protocol (postgres -> postgresql), database -> db, password -> pass; a password Secret becomes \
         data.metadataSecretName",
    ),
    r("airflow.postgresql.enabled", Move("airflow.postgresql.enabled"), ""),
    r(
        "airflow.postgresql.**",
        Manual,
        "the embedded PostgreSQL is another subchart version in 1.18.0; its values (and data) do not carry over",
    ),
    r("airflow.pgbouncer.enabled", Move("airflow.pgbouncer.enabled"), ""),
    r("airflow.pgbouncer.**", Manual, "pgbouncer's keys differ in 1.18.0 (it only serves PostgreSQL)"),
    // --- service accounts and RBAC
    r(
        "airflow.serviceAccount",
        d("airflow.<component>.serviceAccount"),
        "1.18.0 has one ServiceAccount per component (<release>-airflow-<component>); annotations are copied to each",
    ),
    r("airflow.rbac.events", Drop, "no equivalent: rbac has only create and createSCCRoleBinding in 1.18.0"),
    r("airflow.rbac.secrets", Drop, "no equivalent: rbac has only create and createSCCRoleBinding in 1.18.0"),
    // --- DAGs and logs
    r(
        "airflow.dags.path",
        Move("airflow.dags.mountPath"),
        "rejected by the 1.18.0 schema (issue #435); the mount path is dags.mountPath",
    ),
    r("airflow.dags.persistence.storageClass", Move("airflow.dags.persistence.storageClassName"), SC),
    r(
        "airflow.dags.persistence.accessMode",
        d("airflow.dags.persistence.accessMode"),
        "kept: the 1.18.0 default ReadWriteOnce would make the existing PVC unpatchable",
    ),
    r("airflow.dags.gitSync.enabled", Move("airflow.dags.gitSync.enabled"), ""),
    r(
        "airflow.dags.gitSync.**",
        Manual,
        "git-sync v4 in 1.18.0: its keys differ (repo, branch, rev, credentialsSecret, ...); set dags.gitSync anew",
    ),
    r("airflow.logs.path", Manual, "rejected by the 1.18.0 schema (issue #435): logs live in {airflowHome}/logs"),
    r("airflow.logs.persistence.storageClass", Move("airflow.logs.persistence.storageClassName"), SC),
    r(
        "airflow.logs.persistence.accessMode",
        d("dropped"),
        "rejected by the 1.18.0 schema: the chart always asks ReadWriteMany for the logs PVC (issue #468)",
    ),
    r(
        "airflow.logs.persistence.cleanup",
        d("airflow.scheduler.logGroomerSidecar.retentionDays"),
        "rejected by the 1.18.0 schema: the deps clean-up CronJob is replaced by the log groomer sidecar",
    ),
    // --- Ingress
    r(
        "airflow.ingress.enabled",
        Move("airflow.ingress.apiServer.enabled"),
        "the api-server Ingress has its own switch in 1.18.0",
    ),
    r("airflow.ingress.apiVersion", Drop, "1.18.0 always renders networking.k8s.io/v1"),
    r("airflow.ingress.web.labels", Manual, "no equivalent for the api-server Ingress in 1.18.0"),
    r(
        "airflow.ingress.web.**",
        Move("airflow.ingress.apiServer.**"),
        "the Ingress points at Service <release>-api-server, port api-server",
    ),
    r("airflow.ingress.flower.**", Manual, CELERY),
    // --- no equivalent
    r(
        "airflow.extraManifests",
        Manual,
        "no extra-objects template in 1.18.0: apply these manifests separately (or use extraSecrets/extraConfigMaps)",
    ),
    r("airflow.serviceMonitor", Manual, "no ServiceMonitor in 1.18.0 (statsd, on by default, exports the metrics)"),
    r("airflow.prometheusRule", Manual, "no PrometheusRule in 1.18.0"),
];

/// Shapes of the old keys the derivations read.
pub static SHAPES: &[(&str, Shape)] = &[
    ("airflow", Shape::Map),
    ("airflow.airflow", Shape::Map),
    ("airflow.web", Shape::Map),
    ("airflow.scheduler", Shape::Map),
    ("airflow.workers", Shape::Map),
    ("airflow.triggerer", Shape::Map),
    ("airflow.dags", Shape::Map),
    ("airflow.logs", Shape::Map),
    ("airflow.externalDatabase", Shape::Map),
    ("airflow.serviceAccount", Shape::Map),
    ("airflow.env", Shape::List),
];
