//! Chart defaults the derivations compare against, written down here from
//! the charts' values.yaml (deps 1.11.2 over airflow-helm 8.9.0 for "old",
//! deps 1.11.3 over Apache Airflow 1.18.0 for "target"); only the keys the
//! migration reads. Users who never set a key ran with these.

use std::sync::LazyLock;

use serde_json::{json, Value};

/// The ingestion image the deps chart ships (both versions).
pub const INGESTION_IMAGE: &str = "docker.getcollate.io/openmetadata/ingestion";

/// airflow-helm 8.9.0's public default fernet key: airflow_db of every deps
/// <= 1.11.2 install that never set one is encrypted with it.
pub const COMMUNITY_FERNET_KEY: &str = "7T512UXSSmBOkpWimFHIVb8jK6lfmSAvx4mO6Arehnc=";
pub const COMMUNITY_WEBSERVER_SECRET_KEY: &str = "THIS IS UNSAFE!";

/// The env item deps 1.11.3 adds so Airflow 3 migrations work on MySQL.
pub const PIP_ENV: &str = "_PIP_ADDITIONAL_REQUIREMENTS";
pub const FAB_PIN: &str = "apache-airflow-providers-fab==2.4.4";

/// The effective old values (deps 1.11.2 over airflow-helm 8.9.0), `airflow:` subtree.
pub static OLD: LazyLock<Value> = LazyLock::new(|| {
    json!({"airflow": {
        "enabled": true,
        "airflow": {
            "image": {"repository": INGESTION_IMAGE, "pullPolicy": "IfNotPresent"},
            "executor": "KubernetesExecutor",
            "fernetKey": COMMUNITY_FERNET_KEY,
            "webserverSecretKey": COMMUNITY_WEBSERVER_SECRET_KEY,
            "config": old_config(),
            "users": [{"username": "admin", "password": "admin", "role": "Admin", "email": "spiderman@superhero.org",
                       "firstName": "Peter", "lastName": "Parker"}],
            "clusterDomain": "cluster.local",
            "protectedPipPackages": ["apache-airflow"],
            "defaultSecurityContext": {"fsGroup": 0},
        },
        "web": {
            "service": {"type": "ClusterIP", "externalPort": 8080, "sessionAffinity": "None"},
            "extraVolumes": [
                {"name": "pod-template", "configMap": {"name": "openmetadata-pod-template", "defaultMode": 420}}
            ],
            "extraVolumeMounts": [{"name": "pod-template", "readOnly": true, "subPath": "pod_template.yaml",
                                   "mountPath": "/opt/airflow/pod_templates/pod_template.yaml"}],
        },
        "scheduler": {
            "numRuns": -1,
            "logCleanup": {"enabled": false, "retentionMinutes": 21600, "intervalSeconds": 900},
        },
        "workers": {
            "enabled": false,
            "logCleanup": {"enabled": true, "retentionMinutes": 21600, "intervalSeconds": 900},
        },
        "flower": {"enabled": false},
        "redis": {"enabled": false},
        "postgresql": {"enabled": false},
        "pgbouncer": {"enabled": true},
        "externalDatabase": {
            "type": "mysql", "host": "mysql", "port": 3306, "database": "airflow_db", "user": "airflow_user",
            "passwordSecret": "airflow-mysql-secrets", "passwordSecretKey": "airflow-mysql-password",
            "password": "", "userSecret": "", "properties": "",
        },
        "serviceAccount": {"create": true, "name": "airflow"},
        "dags": {
            "path": "/opt/airflow/dags",
            "persistence": {"enabled": true, "accessMode": "ReadWriteMany", "size": "1Gi"},
            "gitSync": {"enabled": false},
        },
        "logs": {
            "path": "/opt/airflow/logs",
            "persistence": {
                "enabled": true, "accessMode": "ReadWriteMany", "size": "1Gi",
                "cleanup": {"enabled": false, "schedule": "0 4 * * *", "retainDays": 180},
            },
        },
        "ingress": {"enabled": false},
    }})
});

fn old_config() -> Value {
    json!({
        "AIRFLOW__API__AUTH_BACKENDS": "airflow.api.auth.backend.session,airflow.api.auth.backend.basic_auth",
        "AIRFLOW__OPENMETADATA_AIRFLOW_APIS__DAG_GENERATED_CONFIGS": "/opt/airflow/dags",
        "AIRFLOW__OPENMETADATA_SECRETS_MANAGER__AWS_REGION": "",
        "AIRFLOW__OPENMETADATA_SECRETS_MANAGER__AWS_ACCESS_KEY_ID": "",
        "AIRFLOW__OPENMETADATA_SECRETS_MANAGER__AWS_ACCESS_KEY": "",
    })
}

/// deps 1.11.3's `airflow.env` list (its old config map, plus the FAB pin).
pub fn target_env() -> Vec<(String, String)> {
    let Value::Object(m) = old_config() else { unreachable!() };
    let mut out: Vec<(String, String)> =
        m.into_iter().map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string())).collect();
    out.push((PIP_ENV.into(), FAB_PIN.into()));
    out
}

/// deps 1.11.3's `airflow.webserver.defaultUser`.
pub fn target_default_user() -> Value {
    json!({"enabled": true, "role": "Admin", "username": "admin", "email": "spiderman@superhero.org",
           "firstName": "Peter", "lastName": "Parker", "password": "admin"})
}

/// deps 1.11.3's `airflow.data.metadataConnection`.
pub fn target_connection() -> Value {
    json!({"user": "airflow_user", "pass": "airflow_pass", "protocol": "mysql", "host": "mysql", "port": 3306,
           "db": "airflow_db", "sslmode": "disable"})
}

/// deps 1.11.3's dags volume for the api-server (the claim name is templated by the chart).
pub const DAGS_CLAIM_TEMPLATE: &str = "{{ include \"airflow.fullname\" . }}-dags";

pub fn target_api_volumes(claim: &str) -> (Value, Value) {
    (
        json!({"name": "dags", "persistentVolumeClaim": {"claimName": claim}}),
        json!({"name": "dags", "mountPath": "/opt/airflow/dags"}),
    )
}

/// The executors the 1.18.0 schema accepts (comma lists of them too).
pub const EXECUTORS: [&str; 8] = [
    "LocalExecutor",
    "LocalKubernetesExecutor",
    "CeleryExecutor",
    "KubernetesExecutor",
    "CeleryKubernetesExecutor",
    "airflow.providers.edge3.executors.EdgeExecutor",
    "airflow.providers.amazon.aws.executors.batch.AwsBatchExecutor",
    "airflow.providers.amazon.aws.executors.ecs.AwsEcsExecutor",
];
