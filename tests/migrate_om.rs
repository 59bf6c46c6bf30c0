//! The OpenMetadata migrations through the real binary: generated keys go
//! into a private Secret manifest (stable across reruns) and never into a
//! report; planted secrets never reach the report, stderr or --report-json;
//! the rule tables; usage errors.

use std::path::Path;

use assert_cmd::Command;

fn bin() -> Command {
    let mut c = Command::cargo_bin("helm-camunda-upgrade").unwrap();
    c.env("NO_COLOR", "1");
    c
}

const OLD_DEPS: &str = "\
airflow:
  airflow:
    executor: KubernetesExecutor
    fernetKey: FERNET-canary-7f1c
    webserverSecretKey: WEBSERVER-canary-2b9d
    config:
      AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: mysql://u:SQLCONN-canary-88aa@db/x
    users:
      - {username: admin, password: ADMINPW-canary-41e0, role: Admin, email: a@b.c, firstName: A, lastName: B}
      - {username: bot, password: BOTPW-canary-93c2, role: Op, email: b@b.c, firstName: B, lastName: C}
    connections:
      - {id: wh, type: postgres, password: CONNPW-canary-0d17}
    extraEnv:
      - {name: WAREHOUSE_PASSWORD, value: ENVPW-canary-5a6b}
  externalDatabase:
    host: db.internal
    password: DBPW-canary-c3f8
    passwordSecret: \"\"   # the deps default Secret would win over the literal password
";

const CANARIES: [&str; 8] = [
    "FERNET-canary-7f1c",
    "WEBSERVER-canary-2b9d",
    "SQLCONN-canary-88aa",
    "ADMINPW-canary-41e0",
    "BOTPW-canary-93c2",
    "CONNPW-canary-0d17",
    "ENVPW-canary-5a6b",
    "DBPW-canary-c3f8",
];

fn run_in(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = bin().current_dir(dir).args(args).output().unwrap();
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap(), out.status.code().unwrap())
}

#[test]
fn planted_secrets_never_reach_the_report() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("old.yaml"), OLD_DEPS).unwrap();
    let (stdout, stderr, code) = run_in(d.path(), &["migrate", "old.yaml", "--report-json", "r.json"]);
    assert_eq!(code, 3, "{stderr}");
    let json = std::fs::read_to_string(d.path().join("r.json")).unwrap();
    for c in CANARIES {
        assert!(!stderr.contains(c), "{c} leaked into stderr:\n{stderr}");
        assert!(!json.contains(c), "{c} leaked into --report-json:\n{json}");
    }
    // The values themselves carry what the new chart needs (so the test would see a leak).
    for carried in
        ["FERNET-canary-7f1c", "ADMINPW-canary-41e0", "DBPW-canary-c3f8", "SQLCONN-canary-88aa", "ENVPW-canary-5a6b"]
    {
        assert!(stdout.contains(carried), "{carried} should be carried into the values:\n{stdout}");
    }
    assert!(
        !stdout.contains("BOTPW-canary-93c2") && !stdout.contains("CONNPW-canary-0d17"),
        "dropped secrets must not be written:\n{stdout}"
    );
}

#[test]
fn generated_keys_go_to_a_private_secret_and_stay_stable() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("old.yaml"), OLD_DEPS).unwrap();
    let args = [
        "migrate",
        "old.yaml",
        "--deps-release",
        "om-deps",
        "--generate-secrets",
        "keys.yaml",
        "--report-json",
        "r.json",
    ];
    let (stdout, stderr, code) = run_in(d.path(), &args);
    assert_eq!(code, 3, "{stderr}");
    let keys_path = d.path().join("keys.yaml");
    let keys = std::fs::read_to_string(&keys_path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&keys_path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let secret: serde_json::Value = serde_yaml::from_str(&keys).unwrap();
    assert_eq!(secret["kind"], "Secret");
    assert_eq!(secret["metadata"]["name"], "om-deps-airflow-keys");
    let data = secret["stringData"].as_object().unwrap();
    assert_eq!(data["fernet-key"], "FERNET-canary-7f1c", "the fernet key is carried, not generated");
    assert_eq!(data["webserver-secret-key"], "WEBSERVER-canary-2b9d", "the user's webserver key is carried");
    let generated: Vec<String> =
        ["api-secret-key", "jwt-secret"].iter().map(|k| data[*k].as_str().unwrap().to_string()).collect();
    for g in &generated {
        assert!(g.len() == 64 && g.chars().all(|c| c.is_ascii_hexdigit()), "{g}");
    }
    assert_ne!(generated[0], generated[1]);
    // The values name the Secret; no key is written in plaintext or printed.
    for key in ["fernetKeySecretName", "apiSecretKeySecretName", "jwtSecretName", "webserverSecretKeySecretName"] {
        assert!(stdout.contains(&format!("{key}: om-deps-airflow-keys")), "{key} missing:\n{stdout}");
    }
    let json = std::fs::read_to_string(d.path().join("r.json")).unwrap();
    for s in generated.iter().map(String::as_str).chain(["FERNET-canary-7f1c", "WEBSERVER-canary-2b9d"]) {
        assert!(!stdout.contains(s) && !stderr.contains(s) && !json.contains(s), "{s} leaked");
    }
    assert!(
        !stderr.contains("apiSecretKey, airflow.jwtSecret —"),
        "no manual step for keys that were generated:\n{stderr}"
    );
    // A rerun with the same file keeps the keys.
    let (stdout2, _, code2) = run_in(d.path(), &args);
    assert_eq!(code2, 3);
    assert_eq!(stdout2, stdout);
    assert_eq!(std::fs::read_to_string(&keys_path).unwrap(), keys);
}

#[test]
fn a_refused_run_writes_no_secret_file() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("old.yaml"), "airflow:\n  airflow:\n    executor: DaskExecutor\n").unwrap();
    let (_, stderr, code) = run_in(d.path(), &["migrate", "old.yaml", "--generate-secrets", "keys.yaml"]);
    assert_eq!(code, 4, "{stderr}");
    assert!(!d.path().join("keys.yaml").exists());
}

#[test]
fn generate_secrets_refuses_a_file_it_did_not_write() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("old.yaml"), OLD_DEPS).unwrap();
    std::fs::write(d.path().join("values.yaml"), "replicaCount: 1\n").unwrap();
    let (_, stderr, code) = run_in(d.path(), &["migrate", "old.yaml", "--generate-secrets", "values.yaml"]);
    assert_eq!(code, 5, "{stderr}");
    assert!(stderr.contains("values.yaml") && stderr.contains("not a Secret manifest"), "{stderr}");
    assert_eq!(std::fs::read_to_string(d.path().join("values.yaml")).unwrap(), "replicaCount: 1\n");
}

#[test]
fn generate_secrets_is_for_the_deps_migration_only() {
    let (_, stderr, code) = {
        let out = bin()
            .args(["migrate", "--migration", "openmetadata-1.11", "--generate-secrets", "k.yaml"])
            .write_stdin("openmetadata:\n  config: {}\n")
            .output()
            .unwrap();
        (out.stdout, String::from_utf8(out.stderr).unwrap(), out.status.code().unwrap())
    };
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("openmetadata-deps-1.11 migration only"));
}

#[test]
fn no_users_switches_the_default_user_off() {
    let out = bin().args(["migrate", "-q"]).write_stdin("airflow:\n  airflow:\n    users: []\n").output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("defaultUser:\n      enabled: false"), "{stdout}");
}

#[test]
fn the_rule_tables_list_every_rule() {
    for (id, heading, row) in [
        (
            "openmetadata-deps-1.11",
            "| deps <= 1.11.2 key (airflow-helm 8.9.0) | deps >= 1.11.3 key (Apache Airflow 1.18.0) | why |",
            "| `airflow.dags.persistence.storageClass` | `airflow.dags.persistence.storageClassName` |",
        ),
        (
            "openmetadata-1.11",
            "| old key (openmetadata chart) | chart 1.11.3 key | why |",
            "| `global.airflow.host` | `openmetadata.config.pipelineServiceClientConfig.apiEndpoint` |",
        ),
    ] {
        let out = bin().args(["migrate", "--migration", id, "--list-rules"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let table = String::from_utf8(out.stdout).unwrap();
        assert!(table.starts_with(heading), "{table}");
        assert!(table.contains(row), "{row} missing in\n{table}");
    }
}

#[test]
fn the_docs_hold_the_current_rule_tables() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openmetadata.md")).unwrap();
    for id in ["openmetadata-deps-1.11", "openmetadata-1.11"] {
        let out = bin().args(["migrate", "--migration", id, "--list-rules"]).output().unwrap();
        let table = String::from_utf8(out.stdout).unwrap();
        assert!(
            docs.contains(&table),
            "docs/openmetadata.md's {id} table is out of date: paste `helm-camunda-upgrade migrate --migration {id} --list-rules`"
        );
    }
}
