//! `migrate` as users and scripts meet it: bad input, output modes, exit codes.

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn bin() -> Command {
    let mut c = Command::cargo_bin("helm-camunda-upgrade").unwrap();
    c.env("NO_COLOR", "1");
    c
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn malformed_yaml_names_file_line_and_column() {
    let d = tempfile::tempdir().unwrap();
    write(&d, "bad.yaml", "zeebe:\n  clusterSize: 3\n  env: [a, b\n");
    bin().current_dir(d.path()).args(["migrate", "bad.yaml"]).assert().code(5).stdout("").stderr(contains("bad.yaml:").and(contains("malformed YAML")));
}

#[test]
fn top_level_must_be_a_mapping() {
    bin().args(["migrate"]).write_stdin("- a\n- b\n").assert().code(5).stdout("").stderr(contains("<stdin>:1:1: the top level of a values file must be a mapping, found a list"));
}

#[test]
fn wrong_type_names_the_key_path() {
    bin()
        .args(["migrate"])
        .write_stdin("zeebe:\n  env:\n    name: A\n")
        .assert()
        .code(5)
        .stdout("")
        .stderr(contains("<stdin>:3:5: zeebe.env: expected a list, found a mapping"));
    bin().args(["migrate"]).write_stdin("zeebe: big\n").assert().code(5).stderr(contains("<stdin>:1:8: zeebe: expected a mapping, found a string"));
}

#[test]
fn duplicate_keys_warn_and_the_last_wins() {
    bin()
        .args(["migrate", "-q"])
        .write_stdin("zeebe:\n  pvcSize: 10Gi\n  pvcSize: 20Gi\n")
        .assert()
        .code(0)
        .stderr(contains("<stdin>:3: duplicate key zeebe.pvcSize (first at line 2); Helm uses the last one"))
        .stdout(contains("pvcSize: 20Gi").and(contains("10Gi").not()));
}

#[test]
fn alias_bombs_are_bounded() {
    let mut y = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let prev = (b'a' + i - 1) as char;
        let cur = (b'a' + i) as char;
        y.push_str(&format!("{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    bin().args(["migrate"]).write_stdin(y).assert().code(5).stdout("").stderr(contains("alias expansion exceeds"));
}

#[test]
fn moving_an_anchor_used_elsewhere_is_refused_with_its_position() {
    let y = "zeebe:\n  podLabels: &labels\n    team: a\nconnectors:\n  podLabels: *labels\nzeebeGateway:\n  podLabels: *labels\n";
    // zeebe renames in place, so its anchor stays before the aliases: fine.
    bin().args(["migrate", "-q"]).write_stdin(y).assert().code(0).stdout(contains("podLabels: &labels"));
    // The gateway's labels are dropped; dropping an alias is fine too. But dropping an anchor others use is not:
    let y2 = "zeebeGateway:\n  podLabels: &labels\n    team: a\nconnectors:\n  podLabels: *labels\n";
    bin()
        .args(["migrate"])
        .write_stdin(y2)
        .assert()
        .code(5)
        .stdout("")
        .stderr(contains("<stdin>:2:14: zeebeGateway.podLabels: this key defines an anchor that is used elsewhere, and the migration removes it"));
}

#[test]
fn huge_input_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let big = d.path().join("big.yaml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(65 * 1024 * 1024).unwrap();
    bin().current_dir(d.path()).args(["migrate", "big.yaml"]).assert().code(5).stderr(contains("big.yaml: larger than the"));
}

#[test]
fn missing_file_is_a_failure_not_a_panic() {
    bin().args(["migrate", "/nonexistent/values.yaml"]).assert().code(1).stdout("").stderr(contains("cannot read /nonexistent/values.yaml"));
}

#[test]
fn output_file_never_replaces_an_input_and_writes_atomically() {
    let d = tempfile::tempdir().unwrap();
    let input = write(&d, "values.yaml", "zeebe:\n  pvcSize: 64Gi\n");
    bin().current_dir(d.path()).args(["migrate", "values.yaml", "-o", "values.yaml"]).assert().code(4).stderr(contains("would overwrite the input"));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "zeebe:\n  pvcSize: 64Gi\n");
    bin().current_dir(d.path()).args(["migrate", "-q", "values.yaml", "-o", "new.yaml"]).assert().code(0).stdout("");
    assert!(std::fs::read_to_string(d.path().join("new.yaml")).unwrap().starts_with("orchestration:\n  pvcSize: 64Gi\n"));
    let names: Vec<_> = std::fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(names.len(), 2, "no temporary files left behind: {names:?}");
}

#[test]
fn in_place_rewrites_each_file_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let a = write(&d, "a.yaml", "zeebe:\n  enabled: true\n");
    let b = write(&d, "b.yaml", "zeebe:\n  pvcSize: 64Gi\n");
    std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o600)).unwrap();
    bin().current_dir(d.path()).args(["migrate", "-q", "--in-place", "a.yaml", "b.yaml"]).assert().code(0).stdout("");
    // Keys added from the merged view (auth method, components, migration switches) go to the first file.
    let a_out = std::fs::read_to_string(&a).unwrap();
    assert!(a_out.starts_with("orchestration:\n  profiles:\n    broker: true\n"), "{a_out}");
    for added in ["\n  migration:\n    data:\n      enabled: true\n", "\nidentity:\n  enabled: true\n", "\n  compatibility:\n    orchestration:\n      enabled: false\n"] {
        assert!(a_out.contains(added), "{added:?} missing from\n{a_out}");
    }
    assert_eq!(std::fs::read_to_string(&b).unwrap(), "orchestration:\n  pvcSize: 64Gi\n");
    assert_eq!(std::fs::metadata(&b).unwrap().permissions().mode() & 0o777, 0o600);
    bin().args(["migrate", "--in-place"]).write_stdin("a: 1\n").assert().code(5).stderr(contains("--in-place needs files"));
}

#[test]
fn diff_previews_without_writing() {
    bin()
        .args(["migrate", "-q", "--diff"])
        .write_stdin("zeebe:\n  pvcSize: 64Gi\n")
        .assert()
        .code(0)
        .stdout(contains("--- a/<stdin>\n+++ b/<stdin>\n").and(contains("-zeebe:\n+orchestration:\n")).and(contains("\x1b[").not()));
    bin().args(["migrate", "-q", "--diff", "--color", "always"]).write_stdin("zeebe:\n  pvcSize: 64Gi\n").assert().stdout(contains("\x1b[31m-zeebe:\x1b[0m"));
}

#[test]
fn report_json_has_one_entry_per_input_leaf() {
    let d = tempfile::tempdir().unwrap();
    write(&d, "v.yaml", "zeebe:\n  image:\n    tag: 8.7.1\n  pvcSize: 64Gi\nconnectors:\n  enabled: true\n  env: []\n");
    bin().current_dir(d.path()).args(["migrate", "-q", "v.yaml", "--report-json", "r.json"]).assert().code(0);
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(d.path().join("r.json")).unwrap()).unwrap();
    let froms: Vec<&str> = r["items"].as_array().unwrap().iter().filter_map(|i| i["from"].as_str()).collect();
    assert_eq!(froms, ["zeebe.image.tag", "zeebe.pvcSize", "connectors.enabled", "connectors.env"]);
    assert_eq!(r["items"][0]["kind"], "dropped");
    assert_eq!(r["items"][0]["line"], 3);
    assert_eq!(r["items"][1]["to"], "orchestration.pvcSize");
}

#[test]
fn secrets_in_dropped_values_are_redacted() {
    let canary = "s3cr3t-CANARY-value";
    let y = format!("zeebeGateway:\n  password: {canary}\n  env2:\n    - name: DB_PASSWORD\n      value: {canary}\n");
    let d = tempfile::tempdir().unwrap();
    let out = bin().current_dir(d.path()).args(["migrate", "--report-json", "r.json"]).write_stdin(y).output().unwrap();
    let all = format!("{}{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr), std::fs::read_to_string(d.path().join("r.json")).unwrap());
    assert!(out.status.success());
    assert!(!all.contains(canary), "a secret leaked:\n{all}");
    assert!(all.contains("<redacted>"));
}

#[test]
fn list_rules_prints_the_table_the_readme_shows() {
    let out = bin().args(["migrate", "--list-rules"]).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("| `zeebe.image.tag` | dropped |"));
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains(&table), "README.md's key table is out of date: paste the output of `helm-camunda-upgrade migrate --list-rules`");
}

#[test]
fn plaintext_secrets_are_pointed_at_without_their_values() {
    let y = "identityKeycloak:\n  auth:\n    adminPassword: Canary-9f8e7d\nzeebe:\n  env:\n    - name: DB_PASSWORD\n      value: Canary-1a2b3c\n";
    let out = bin().args(["migrate"]).write_stdin(y).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("identityKeycloak.auth.adminPassword — a plaintext secret stays in the values: `--secret-name NAME`"), "{err}");
    assert!(err.contains("zeebe.env"), "{err}");
    assert!(!err.contains("Canary-"), "a secret value reached the report:\n{err}");
}
