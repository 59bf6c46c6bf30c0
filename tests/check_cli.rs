//! `check` as a filter: streams in, the same bytes out (or nothing), reports
//! on stderr. The streams under tests/check/streams/ are `helm template`
//! renders of the test charts (tests/check_helm.rs proves they still match)
//! and one Helm-4-shaped stream written by hand after Helm 4's own tests.

#[path = "check/support.rs"]
mod support;

use serde_json::Value;
use support::{check, golden, read, read_str, stderr};

fn passes(args: &[&str], input: &[u8]) -> String {
    let o = check(args, input);
    assert_eq!(o.status.code(), Some(0), "stderr:\n{}", stderr(&o));
    assert!(o.stdout == input, "the stream was changed");
    stderr(&o)
}

/// A refused stream: exit 4, nothing on stdout; returns stderr.
fn refused(args: &[&str], input: &[u8]) -> String {
    let o = check(args, input);
    assert_eq!(o.status.code(), Some(4), "stderr:\n{}", stderr(&o));
    assert!(o.stdout.is_empty(), "stdout must stay empty on failure");
    stderr(&o)
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

#[test]
fn helm3_stream_passes_through_byte_for_byte() {
    let err = passes(&[], &read("streams/helm3-13x-data.yaml"));
    golden("pass-helm3.txt", &err);
}

#[test]
fn helm4_stream_with_hooks_passes_through() {
    let input = read("streams/helm4-13x-migration.yaml");
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.json");
    let s = summary.to_str().unwrap();
    let err = passes(&["--require", "identity-migration", "--output", "json", "--summary", s], &input);
    assert!(err.starts_with("helm-camunda-upgrade check: passed:"), "stderr keeps the text report:\n{err}");
    let v = json(&std::fs::read_to_string(&summary).unwrap());
    assert_eq!(v["result"], "passed");
    assert_eq!(v["input"]["shape"], "helm4");
    assert_eq!(v["input"]["hooks"], 1);
    assert_eq!(v["input"]["fallbacks"], 0, "kyaml-style documents take the fast path");
    let found: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["found"].as_array().unwrap())
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(found.contains(&"camunda-zeebe-migration-identity"), "{found:?}");
    let importer = v["checks"].as_array().unwrap().iter().find(|c| c["id"] == "importer").unwrap();
    assert_eq!(
        importer["found"][0]["source"], "camunda-platform/templates/orchestration/importer-deployment.yaml",
        "the source comes from Helm 4's annotation"
    );
}

#[test]
fn missing_migration_resources_stop_the_upgrade_with_the_values_key() {
    let err = refused(&[], &read("streams/helm3-13x-default.yaml"));
    golden("fail-13x-default.txt", &err);
    assert!(err.contains("orchestration.migration.data.enabled: true"));
}

#[test]
fn helm4_stream_without_the_migration_fails_too() {
    let input = read_str("streams/helm4-13x-migration.yaml");
    // Drop the importer and the data Job (documents 3 and 4).
    let docs: Vec<&str> = input.split("\n---\n").collect();
    let kept = [docs[0], docs[1], docs[4], docs[5]].join("\n---\n");
    let err = refused(&[], kept.as_bytes());
    assert!(err.contains("FAILED importer") && err.contains("FAILED data-migration"), "{err}");
}

#[test]
fn identity_migration_is_opt_in() {
    let data_only = read("streams/helm3-13x-data.yaml");
    passes(&[], &data_only);
    let err = refused(&["--require", "identity-migration"], &data_only);
    golden("fail-identity.txt", &err);
    passes(&["--require=identity-migration"], &read("streams/helm3-13x-full.yaml"));
}

#[test]
fn chart_13_0_names_are_matched_by_labels() {
    let err = passes(&[], &read("streams/helm3-130-data.yaml"));
    assert!(err.contains("importer (Deployment camunda-zeebe-importer)"), "{err}");
    let err = refused(&[], &read("streams/helm3-130-default.yaml"));
    assert!(err.contains("(for this release: camunda-zeebe-importer)"), "13.0 names in the message:\n{err}");
}

#[test]
fn a_stream_that_is_not_camunda_is_refused() {
    let input = b"---\n# Source: other/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
    let err = refused(&[], input);
    golden("fail-not-camunda.txt", &err);
    let err = refused(&[], b"");
    assert!(err.contains("none of the 0 objects"), "{err}");
}

#[test]
fn a_chart_12_render_is_refused_as_camunda_8_7() {
    let input = read_str("streams/helm3-13x-data.yaml").replace("camunda-platform-13.12.7", "camunda-platform-12.13.3");
    let err = refused(&[], input.as_bytes());
    golden("fail-12x.txt", &err);
}

#[test]
fn leftover_8_7_images_are_refused() {
    let input = read_str("streams/helm3-13x-data.yaml");
    let old = input.replacen("image: camunda/camunda:8.8.36", "image: camunda/zeebe:8.7.37", 1).replace(
        "image: camunda/camunda:8.8.36\n          command:\n            - /usr/local/camunda/bin/data-migration",
        "image: camunda/camunda:8.7.37\n          command:\n            - /usr/local/camunda/bin/data-migration",
    );
    assert_ne!(old, input);
    let err = refused(&[], old.as_bytes());
    golden("fail-old-images.txt", &err);
    passes(&["--skip", "orchestration-images"], old.as_bytes());
}

#[test]
fn a_changed_statefulset_selector_is_refused() {
    let input = read_str("streams/helm3-13x-data.yaml");
    let marker = "  selector:\n    matchLabels:\n";
    let at = input.find("kind: StatefulSet").unwrap();
    let sel = at + input[at..].find(marker).unwrap();
    let end = sel + input[sel..].find("  serviceName").unwrap();
    let changed = format!(
        "{}{}",
        &input[..sel],
        input[sel..].replacen(&input[sel..end], &input[sel..end].replace("zeebe-broker", "orchestration"), 1)
    );
    let err = refused(&[], changed.as_bytes());
    golden("fail-selector.txt", &err);
}

#[test]
fn a_renamed_statefulset_is_refused_and_release_makes_names_precise() {
    let input = read("streams/helm3-13x-data.yaml");
    // The stream is release `camunda`; claiming another release renames what is expected.
    let err = refused(&["--release", "prod", "--namespace", "camunda-prod"], &input);
    golden("fail-release-mismatch.txt", &err);
}

#[test]
fn tolerant_where_helm_is() {
    let base = read_str("streams/helm3-13x-data.yaml");
    let mut s = String::from("\u{feff}# a comment-only first document\n");
    s.push_str(&base.replacen(
        "---\n# Source: camunda-platform/templates/orchestration/service.yaml",
        "---\n---\n# only a comment\n--- # Source: camunda-platform/templates/orchestration/service.yaml",
        1,
    ));
    // A duplicate key (last wins), text after `--- ` (Helm reads it as the document's first line),
    // a JSON document, an empty document at the end.
    s = s.replacen(
        "automountServiceAccountToken: false",
        "automountServiceAccountToken: true\nautomountServiceAccountToken: false",
        1,
    );
    s.push_str("--- apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after-the-marker\n");
    s.push_str("---\n{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"json\"}}\n---\n");
    let crlf = s.replace('\n', "\r\n");
    for input in [s.as_bytes(), crlf.as_bytes()] {
        let dir = tempfile::tempdir().unwrap();
        let summary = dir.path().join("s.json");
        passes(&["--quiet", "--output=json", "--summary", summary.to_str().unwrap()], input);
        let v = json(&std::fs::read_to_string(&summary).unwrap());
        assert_eq!((v["input"]["documents"].as_u64(), v["input"]["objects"].as_u64()), (Some(13), Some(9)), "{v}");
        assert_eq!(v["input"]["fallbacks"], 1, "only the JSON document needs the full parser: {v}");
    }
}

#[test]
fn invalid_yaml_fails_with_its_position() {
    let base = read_str("streams/helm3-13x-data.yaml");
    let broken = base.replacen("  legacy-flag: \"on\"", "  legacy-flag: [\"on\"", 1);
    let o = check(&[], broken.as_bytes());
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    golden("bad-input-yaml.txt", &stderr(&o));

    let o = check(&["--output", "json"], b"kind: A\n---\n- a list\n");
    assert_eq!(o.status.code(), Some(5));
    let v = json(&stderr(&o));
    assert_eq!(v["result"], "bad-input");
    assert_eq!((v["error"]["line"].as_u64(), v["error"]["column"].as_u64()), (Some(3), Some(1)));
    assert!(v["error"]["message"].as_str().unwrap().contains("not a Kubernetes object"), "{v}");

    // Helm reads `--- text` as a document starting with `text`; positions stay in stream terms.
    let o = check(&[], b"kind: A\n--- kind: B\nspec: [\n");
    assert_eq!(o.status.code(), Some(5));
    assert!(stderr(&o).starts_with("helm-camunda-upgrade: error: <stdin>:4:1: document 2: invalid YAML"), "{}", stderr(&o));

    let o = check(&[], b"kind: A\nname: \xff\n");
    assert_eq!(o.status.code(), Some(5));
    assert!(stderr(&o).contains("<stdin>:2:7: not valid UTF-8"), "{}", stderr(&o));
}

#[test]
fn json_report_on_stderr_names_the_fix() {
    let o = check(&["--output", "json"], &read("streams/helm3-13x-default.yaml"));
    assert_eq!(o.status.code(), Some(4));
    assert!(o.stdout.is_empty());
    let v = json(&stderr(&o));
    assert_eq!(v["result"], "failed");
    assert_eq!(v["exit_code"], 4);
    assert_eq!(v["release"], "camunda");
    assert_eq!(v["release_from"], "label");
    let failed: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "failed")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["importer", "data-migration"]);
    let fix = v["checks"][1]["findings"][0]["fix"].as_str().unwrap();
    assert!(fix.contains("orchestration.migration.data.enabled: true"), "{fix}");
}

#[test]
fn summary_file_in_text_and_stdout_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("report.txt");
    let err = refused(&["--summary", summary.to_str().unwrap()], &read("streams/helm3-13x-default.yaml"));
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), err, "the file holds the same text report");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left behind");
}

#[test]
fn quiet_pass_prints_nothing() {
    let o = check(&["-q"], &read("streams/helm3-13x-data.yaml"));
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
}

#[test]
fn selection_errors_are_usage_errors() {
    let input = read("streams/helm3-13x-data.yaml");
    let o = check(&["--require", "nope"], &input);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("possible values: camunda-13, importer"), "{}", stderr(&o));
    let o = check(&["--require", "importer", "--skip", "importer"], &input);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("both required and skipped"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    // Skipping the gate check runs the others anyway.
    let err = refused(&["--skip", "camunda-13"], b"kind: ConfigMap\nmetadata:\n  name: x\n");
    assert!(err.contains("FAILED importer"), "{err}");
}

#[test]
fn list_checks_and_help() {
    let o = check(&["--list-checks"], b"");
    assert_eq!(o.status.code(), Some(0));
    golden("list-checks.txt", &String::from_utf8(o.stdout).unwrap());
    let o = check(&["--help"], b"");
    // clap wraps the text to the terminal: compare with whitespace collapsed.
    let help = String::from_utf8(o.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "Helm 3 never passes hooks",
        "--post-renderer-args check",
        "--post-renderer helm --post-renderer-args camunda-upgrade \\ --post-renderer-args check",
        "| helm camunda-upgrade check",
        "--summary FILE",
        "--release-namespace",
    ] {
        assert!(help.contains(needle), "--help lacks {needle:?}:\n{help}");
    }
}
