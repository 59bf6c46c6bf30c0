//! `secrets extract` against a real kube-apiserver (1.20.2): a release of the 12.x-like test chart
//! (tests/secrets/charts/camunda-12, Secrets generated with randAlphaNum like Camunda's) is
//! installed with real Helm, extracted with real kubectl, and the consolidated Secret compared
//! with the originals inside the test (failures name keys, never values).

#[path = "plugin/kube.rs"]
mod kube;
#[path = "secrets/support.rs"]
mod secrets;
#[path = "plugin/support.rs"]
mod support;

use std::collections::BTreeMap;

use secrets::{same_data, Cluster};
use support::Run;

/// (Secret of the 12.x chart, data key, consolidated key): the upgrade guide's table, written
/// out here on its own so the test does not check the code against itself.
const ALL: [(&str, &str, &str); 11] = [
    ("r-connectors-identity-secret", "connectors-secret", "identity-connectors-client-token"),
    ("r-console-identity-secret", "console-secret", "identity-console-client-token"),
    ("r-optimize-identity-secret", "optimize-secret", "identity-optimize-client-token"),
    ("r-zeebe-identity-secret", "zeebe-secret", "identity-orchestration-client-token"),
    ("r-postgresql-web-modeler", "postgres-password", "webmodeler-postgresql-admin-password"),
    ("r-postgresql-web-modeler", "password", "webmodeler-postgresql-user-password"),
    ("r-identity-postgresql", "postgres-password", "identity-postgresql-admin-password"),
    ("r-identity-postgresql", "password", "identity-postgresql-user-password"),
    ("r-keycloak", "admin-password", "identity-keycloak-admin-password"),
    ("r-postgresql", "postgres-password", "identity-keycloak-postgresql-admin-password"),
    ("r-postgresql", "password", "identity-keycloak-postgresql-user-password"),
];

const EVERYTHING_ON: [&str; 4] =
    ["webModeler.enabled=true", "postgresql.enabled=true", "identityPostgresql.enabled=true", "console.enabled=true"];

/// The overlay's references: (values key of the Secret name -> name, values key of the key -> key).
fn overlay_refs(text: &str) -> BTreeMap<String, String> {
    let v: serde_json::Value = serde_yaml::from_str(text).unwrap();
    let mut out = BTreeMap::new();
    fn walk(v: &serde_json::Value, path: String, out: &mut BTreeMap<String, String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    walk(v, if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, out);
                }
            }
            other => {
                out.insert(path, other.as_str().unwrap().to_string());
            }
        }
    }
    walk(&v, String::new(), &mut out);
    out
}

#[test]
fn extract_apply_holds_exactly_the_original_values_and_the_overlay_references_every_key() {
    let c = Cluster::new("sx");
    c.install("r", &EVERYTHING_ON, &[]);
    let mut want: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (secret, data_key, key) in ALL {
        let original = c.secret(secret).unwrap_or_else(|| panic!("the chart made no {secret}"));
        want.insert(key.to_string(), original[data_key].clone());
    }
    // Management Identity's first user ran with the 12.x default password.
    want.insert("identity-firstuser-password".into(), b"demo".to_vec());
    let before = c.secret_names();

    let run = c.run(["secrets", "extract", "--release", "r", "--apply"]).ok("extract --apply");
    let got = c.secret("camunda-credentials").expect("the consolidated Secret exists");
    same_data(&got, &want).unwrap();
    // No other Secret was touched: the originals still hold what they held.
    for (secret, data_key, key) in ALL {
        assert!(c.secret(secret).unwrap()[data_key] == want[key], "{secret}/{data_key} changed");
    }
    let mut after = c.secret_names();
    after.retain(|n| n != "camunda-credentials");
    assert_eq!(after, before);

    // The overlay names the Secret and every key of it, each where the 13.x chart reads it.
    let overlay = std::fs::read_to_string(c.cwd.path().join("existing-secrets-values.yaml")).unwrap();
    let refs = overlay_refs(&overlay);
    let keys: Vec<&String> = refs.iter().filter(|(k, _)| !k.ends_with("existingSecret")).map(|(_, v)| v).collect();
    let mut keys: Vec<&str> = keys.into_iter().map(String::as_str).collect();
    keys.sort_unstable();
    let mut all: Vec<&str> = want.keys().map(String::as_str).collect();
    all.sort_unstable();
    assert_eq!(keys, all, "the overlay references every key once");
    for (k, v) in &refs {
        if k.ends_with("existingSecret") {
            assert_eq!(v, "camunda-credentials", "{k}");
        }
    }
    for k in [
        "orchestration.security.authentication.oidc.secret.existingSecretKey",
        "connectors.security.authentication.oidc.secret.existingSecretKey",
        "global.identity.auth.console.secret.existingSecretKey",
        "global.identity.auth.optimize.secret.existingSecretKey",
        "identityKeycloak.auth.passwordSecretKey",
        "identityKeycloak.postgresql.auth.secretKeys.userPasswordKey",
        "identityPostgresql.auth.secretKeys.adminPasswordKey",
        "webModelerPostgresql.auth.secretKeys.userPasswordKey",
        "identity.firstUser.secret.existingSecretKey",
    ] {
        assert!(refs.contains_key(k), "{k} missing in the overlay");
    }
    // stdout: the manifest with every value redacted, one line per key.
    assert_eq!(run.stdout.matches(": <redacted>").count(), want.len(), "{}", run.stdout);
    assert!(run.stderr.contains("created Secret camunda-credentials with 12 keys"), "{}", run.stderr);

    // Again: nothing changes, nothing is refused.
    let again = c.run(["secrets", "extract", "--release", "r", "--apply"]).ok("second extract --apply");
    assert!(again.stderr.contains("already holds every key with the same value"), "{}", again.stderr);
    assert!(again.stderr.contains("(unchanged)"), "{}", again.stderr);
    same_data(&c.secret("camunda-credentials").unwrap(), &want).unwrap();
}

#[test]
fn references_to_own_secrets_are_left_alone_and_missing_keys_are_added() {
    let c = Cluster::new("sr");
    // The user's own Keycloak Secret, and a consolidated Secret that already holds one key of its own.
    c.create_secret("kc-own", &[("pw", b"kc-own-value")], &[]);
    c.create_secret("creds", &[("unrelated", b"keep-me-1"), ("identity-firstuser-password", b"fu-pw-9")], &[]);
    c.install(
        "r",
        &[
            "global.identity.auth.connectors.existingSecret.name=conn-own",
            "identityKeycloak.auth.existingSecret=kc-own",
        ],
        &[],
    );
    let values = c.cwd.path().join("first-user.yaml");
    std::fs::write(&values, "identity:\n  firstUser:\n    password: fu-pw-9\n").unwrap();
    c.home
        .run(["upgrade", "r", &secrets::chart(), "-n", &c.ns, "--reuse-values", "-f", values.to_str().unwrap()])
        .ok("upgrade");
    assert!(c.secret("r-connectors-identity-secret").is_none() && c.secret("r-keycloak").is_none());

    let run =
        c.run(["secrets", "extract", "--release", "r", "--secret-name", "creds", "--apply", "--overlay", "o.yaml"]);
    let run = run.ok("extract");
    let got = c.secret("creds").unwrap();
    let keys: Vec<&str> = got.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "identity-firstuser-password",
            "identity-keycloak-postgresql-admin-password",
            "identity-keycloak-postgresql-user-password",
            "identity-optimize-client-token",
            "identity-orchestration-client-token",
            "unrelated"
        ]
    );
    assert!(got["unrelated"] == b"keep-me-1", "a key of the user's changed");
    assert!(got["identity-firstuser-password"] == b"fu-pw-9");
    assert!(run.stderr.contains("added identity-keycloak-postgresql-admin-password"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Keycloak admin password: identityKeycloak.auth.existingSecret names kc-own"),
        "{}",
        run.stderr
    );
    let refs = overlay_refs(&std::fs::read_to_string(c.cwd.path().join("o.yaml")).unwrap());
    assert!(!refs.keys().any(|k| k.starts_with("connectors.") || k.starts_with("identityKeycloak.auth")), "{refs:?}");
    assert_eq!(refs["identityKeycloak.postgresql.auth.existingSecret"], "creds");
}

#[test]
fn names_follow_overrides_and_the_release_name() {
    let c = Cluster::new("sn");
    // Bitnami names: a release name containing "keycloak" is used as it is; fullnameOverride wins.
    c.install("my-keycloak", &["identityKeycloak.postgresql.fullnameOverride=kc-db"], &[]);
    assert!(c.secret("my-keycloak").is_some() && c.secret("kc-db").is_some());
    c.run(["secrets", "extract", "--release", "my-keycloak", "--apply"]).ok("extract");
    let got = c.secret("camunda-credentials").unwrap();
    assert!(got["identity-keycloak-admin-password"] == c.secret("my-keycloak").unwrap()["admin-password"]);
    assert!(got["identity-keycloak-postgresql-user-password"] == c.secret("kc-db").unwrap()["password"]);
}

/// A value nobody else writes: `cnry` and 16 random letters and digits.
fn canary() -> String {
    let mut bytes = [0u8; 16];
    use std::io::Read;
    std::fs::File::open("/dev/urandom").unwrap().read_exact(&mut bytes).unwrap();
    let alnum = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    format!("cnry{}", bytes.iter().map(|b| alnum[*b as usize % alnum.len()] as char).collect::<String>())
}

/// Every command, every output mode: no secret of the values or the cluster appears on stdout,
/// stderr, in a report, an overlay, a migrated values file or a debug log. The real manifest
/// (`--out`, mode 0600) is the one place that holds them.
#[test]
fn canaries_never_leak() {
    let c = Cluster::new("sc");
    let [zeebe, es, first, kc, env, manual, shape, cluster_only] = std::array::from_fn(|_| canary());
    // A random-looking value under a weakly secret name, caught by shape.
    let shape = format!("{}-Q7#x", shape);
    let values = c.cwd.path().join("values-8.7.yaml");
    std::fs::write(
        &values,
        format!(
            "global:\n  identity:\n    auth:\n      zeebe:\n        existingSecret: {zeebe}\n\
             \x20 elasticsearch:\n    auth:\n      password: {es}\n\
             identity:\n  firstUser:\n    password: {first}\n\
             identityKeycloak:\n  auth:\n    adminPassword: {kc}\n\
             zeebe:\n  env:\n    - name: DB_PASSWORD\n      value: {env}\n\
             connectors:\n  custom:\n    apiToken: {manual}\n    signingKey: \"{shape}\"\n"
        ),
    )
    .unwrap();
    c.install("r", &EVERYTHING_ON, &[&values]);
    // An extra key of the user's in the consolidated Secret.
    c.create_secret("camunda-credentials", &[("unrelated", cluster_only.as_bytes())], &[]);
    let mut secrets: Vec<Vec<u8>> = [&zeebe, &es, &first, &kc, &env, &manual, &shape, &cluster_only]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
    for (secret, data_key, _) in ALL {
        secrets.push(c.secret(secret).unwrap()[data_key].clone());
    }
    let v = values.to_str().unwrap();
    let runs: Vec<(&str, Vec<&str>, bool)> = vec![
        ("plan file", vec!["secrets", "plan", v, "--release", "r"], false),
        ("plan file json", vec!["secrets", "plan", v, "--output", "json"], false),
        ("plan release", vec!["secrets", "plan", "--release", "r"], false),
        ("plan release json", vec!["secrets", "plan", "--release", "r", "--output", "json"], true),
        ("extract", vec!["secrets", "extract", "--release", "r"], false),
        (
            "extract --out",
            vec!["secrets", "extract", "--release", "r", "--out", "secret.yaml", "--overlay", "o2.yaml"],
            false,
        ),
        ("extract --apply", vec!["secrets", "extract", "--release", "r", "--apply", "--overlay", "o3.yaml"], true),
        (
            "extract --apply again",
            vec!["secrets", "extract", "--release", "r", "--apply", "--overlay", "o3.yaml"],
            false,
        ),
        ("extract refused", vec!["secrets", "extract", "--release", "r", "--secret-name", "r-keycloak"], true),
        (
            "migrate -o",
            vec!["migrate", v, "--secret-name", "camunda-credentials", "--report-json", "rep1.json", "-o", "m1.yaml"],
            false,
        ),
        ("migrate --diff", vec!["migrate", v, "--secret-name", "camunda-credentials", "--diff"], false),
        (
            "migrate --diff -o",
            vec!["migrate", v, "--secret-name", "camunda-credentials", "--diff", "-o", "m2.yaml"],
            true,
        ),
        ("migrate plain report", vec!["migrate", v, "--report-json", "rep2.json", "-o", "m3.yaml"], false),
        ("migrate plain diff", vec!["migrate", v, "--diff"], false),
        ("compat", vec!["compat", v, "--explain"], false),
        ("upgrade dry run", vec!["upgrade", "r", "../chart-13"], true),
    ];
    let chart13 = support::root().join("tests/plugin/charts/camunda-13");
    std::os::unix::fs::symlink(&chart13, c.cwd.path().parent().unwrap().join("chart-13")).ok();
    let mut outputs: Vec<(String, String)> = Vec::new();
    for (what, args, debug) in &runs {
        let args: Vec<String> = args.iter().map(|a| a.replace("../chart-13", chart13.to_str().unwrap())).collect();
        let mut cmd = c.ours(&args);
        if *debug {
            cmd.env("HELM_DEBUG", "true");
        }
        let run = support::Run::from(cmd.output().unwrap());
        assert!(run.code.is_some(), "{what}: killed");
        outputs.push((format!("{what}: stdout"), run.stdout));
        outputs.push((format!("{what}: stderr"), run.stderr));
    }
    for f in ["rep1.json", "rep2.json", "existing-secrets-values.yaml", "o2.yaml", "o3.yaml"] {
        outputs.push((f.into(), std::fs::read_to_string(c.cwd.path().join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))));
    }
    // Migrated values with --secret-name: every secret with an 8.8 reference is gone from them.
    for f in ["m1.yaml", "m2.yaml"] {
        let text = std::fs::read_to_string(c.cwd.path().join(f)).unwrap();
        for (i, s) in [&zeebe, &es, &first, &kc, &env].iter().enumerate() {
            assert!(!secrets::leaks(&text, s.as_bytes()), "{f} still holds plaintext secret #{i}");
        }
    }
    for (where_, text) in &outputs {
        for (i, s) in secrets.iter().enumerate() {
            assert!(!secrets::leaks(text, s), "secret #{i} appears in {where_}");
        }
    }
    // The real manifest holds them, owner-only.
    let path = c.cwd.path().join("secret.yaml");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    let manifest: serde_json::Value = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let data = secrets::decode_data(&manifest);
    assert!(data["identity-orchestration-client-token"] == zeebe.as_bytes(), "the 12.x literal, read from its Secret");
    assert!(data["identity-keycloak-admin-password"] == kc.as_bytes());
    assert!(data["elasticsearch-password"] == es.as_bytes() && data["identity-firstuser-password"] == first.as_bytes());
    assert!(
        data["orchestration-db-password"] == env.as_bytes() && data["connectors-custom-api-token"] == manual.as_bytes()
    );
    // The cluster's copy: the user's key kept, ours added.
    let live = c.secret("camunda-credentials").unwrap();
    assert!(live["unrelated"] == cluster_only.as_bytes());
    same_data(&live.into_iter().filter(|(k, _)| k != "unrelated").collect(), &data).unwrap();
}

#[test]
fn a_missing_secret_or_key_is_refused_and_nothing_is_written() {
    let c = Cluster::new("sm");
    c.install("r", &[], &[]);
    c.delete_secret("r-keycloak");
    c.delete_secret("r-postgresql");
    c.create_secret("r-postgresql", &[("password", b"only-the-user")], &[]);
    let run = c.run(["secrets", "extract", "--release", "r", "--apply", "--out", "s.yaml"]).expect_code(4, "missing");
    assert!(
        run.stderr.contains("the cluster in namespace sm-")
            && run.stderr.contains("no Secret r-keycloak (for Keycloak admin password)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("no key postgres-password in Secret r-postgresql"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert_eq!(c.files(), Vec::<String>::new(), "nothing written");
    assert!(c.secret("camunda-credentials").is_none(), "nothing applied");
}

#[test]
fn a_release_without_identity_is_refused() {
    let c = Cluster::new("si");
    c.install(
        "r",
        &["identity.enabled=false", "global.identity.auth.enabled=false", "identityKeycloak.enabled=false"],
        &[],
    );
    assert!(c.secret_names().is_empty(), "the chart generated secrets without Identity");
    let run = c.run(["secrets", "extract", "--release", "r", "--apply"]).expect_code(4, "no identity");
    assert!(run.stderr.contains("release r ran without Identity"), "{}", run.stderr);
    assert_eq!(c.files(), Vec::<String>::new());
    assert!(c.secret("camunda-credentials").is_none());
    let plan = c.run(["secrets", "plan", "--release", "r"]).ok("plan");
    assert!(plan.stdout.contains("8.7 ran without Identity"), "{}", plan.stdout);
}

#[test]
fn no_cluster_access_no_kubectl_no_release_fail_cleanly() {
    let c = Cluster::new("sa");
    c.install("r", &[], &[]);
    // A kubeconfig whose server refuses connections.
    let dead = c.cwd.path().join("dead-kubeconfig");
    let text = std::fs::read_to_string(&c.api.kubeconfig).unwrap();
    let server = text.lines().find_map(|l| l.trim().strip_prefix("server: ")).unwrap().to_string();
    std::fs::write(&dead, text.replace(&server, "https://127.0.0.1:1")).unwrap();
    let run = Run::from(
        c.ours(["secrets", "extract", "--release", "r", "--apply"]).env("KUBECONFIG", &dead).output().unwrap(),
    );
    let run = run.expect_code(1, "no cluster");
    assert!(
        run.stderr.contains("cannot read the values of release r") && run.stderr.contains("127.0.0.1:1"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(&dead).unwrap();
    assert_eq!(c.files(), Vec::<String>::new());

    let run = Run::from(
        c.ours(["secrets", "extract", "--release", "r"])
            .env("KUBECTL", "/nonexistent/kubectl")
            .output()
            .unwrap(),
    );
    let run = run.expect_code(1, "no kubectl");
    assert!(run.stderr.contains("cannot find kubectl (put kubectl on PATH or set KUBECTL)"), "{}", run.stderr);

    let run = c.run(["secrets", "extract", "--release", "nope"]).expect_code(1, "no release");
    assert!(
        run.stderr.contains("cannot read the values of release nope") && run.stderr.contains("not found"),
        "{}",
        run.stderr
    );
    assert_eq!(c.files(), Vec::<String>::new());
}

#[test]
fn values_are_never_changed_nor_files_overwritten() {
    let c = Cluster::new("sv");
    c.install("r", &[], &[]);
    c.create_secret("camunda-credentials", &[("identity-keycloak-admin-password", b"someone-elses")], &[]);
    let run = c.run(["secrets", "extract", "--release", "r", "--apply"]).expect_code(4, "conflict");
    assert!(run.stderr.contains("already holds identity-keycloak-admin-password with other values"), "{}", run.stderr);
    assert_eq!(c.secret("camunda-credentials").unwrap().len(), 1, "unchanged");
    assert_eq!(c.files(), Vec::<String>::new());

    // A Secret another release owns is never taken over.
    c.create_secret("helm-owned", &[], &[("meta.helm.sh/release-name", "other")]);
    let run = c
        .run(["secrets", "extract", "--release", "r", "--apply", "--secret-name", "helm-owned"])
        .expect_code(4, "owned");
    assert!(run.stderr.contains("belongs to a Helm release"), "{}", run.stderr);
    let run =
        c.run(["secrets", "extract", "--release", "r", "--secret-name", "r-keycloak"]).expect_code(4, "chart's own");
    assert!(run.stderr.contains("is a Secret of the 12.x chart"), "{}", run.stderr);
    c.run(["secrets", "extract", "--release", "r", "--secret-name", "Bad_Name"]).expect_code(2, "bad name");

    // A file in the way: refused before anything is applied.
    std::fs::write(c.cwd.path().join("existing-secrets-values.yaml"), "mine: true\n").unwrap();
    let run =
        c.run(["secrets", "extract", "--release", "r", "--apply", "--secret-name", "fresh"]).expect_code(4, "file");
    assert!(run.stderr.contains("exists with other content and is not overwritten"), "{}", run.stderr);
    assert!(c.secret("fresh").is_none(), "applied although a file was in the way");
    assert_eq!(std::fs::read_to_string(c.cwd.path().join("existing-secrets-values.yaml")).unwrap(), "mine: true\n");

    // kubectl failing while applying: no file appears.
    let wrapper = c.cwd.path().parent().unwrap().join(format!("kubectl-fails-{}", c.ns));
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nfor a; do [ \"$a\" = create ] && {{ echo 'simulated failure' >&2; exit 1; }}; done\n\
             exec '{}' \"$@\"\n",
            secrets::kubectl_bin().display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let args = [
        "secrets",
        "extract",
        "--release",
        "r",
        "--apply",
        "--secret-name",
        "fresh",
        "--overlay",
        "o.yaml",
        "--out",
        "s.yaml",
    ];
    let run = Run::from(c.ours(args).env("KUBECTL", &wrapper).output().unwrap());
    let run = run.expect_code(1, "apply fails");
    assert!(
        run.stderr.contains("creating the Secret failed") && run.stderr.contains("simulated failure"),
        "{}",
        run.stderr
    );
    assert_eq!(c.files(), vec!["existing-secrets-values.yaml".to_string()], "nothing else written");
    std::fs::remove_file(&wrapper).unwrap();
}

#[test]
fn nothing_to_extract_when_every_secret_is_the_users() {
    let c = Cluster::new("so");
    let own = [
        "global.identity.auth.connectors.existingSecret.name=own",
        "global.identity.auth.optimize.existingSecret.name=own",
        "global.identity.auth.zeebe.existingSecret.name=own",
        "identityKeycloak.auth.existingSecret=own",
        "identityKeycloak.postgresql.auth.existingSecret=own",
        "identity.firstUser.existingSecret=own",
    ];
    c.install("r", &own, &[]);
    let run = c.run(["secrets", "extract", "--release", "r", "--apply"]).ok("extract");
    assert!(run.stderr.contains("nothing to extract") && run.stdout.is_empty(), "{}", run.stderr);
    assert_eq!(c.files(), Vec::<String>::new());
    assert!(c.secret("camunda-credentials").is_none());
}
