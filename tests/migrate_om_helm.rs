//! Real Helm (3.17.3 and 3.10.1) validates every installable openmetadata-deps
//! golden output against a deps-shaped test chart whose airflow subchart
//! carries a small schema written from the Apache Airflow 1.18.0 rules that
//! reject old or doc-style values (tests/migrate/charts/om-deps); the old
//! values themselves are rejected with Helm's own messages.

use std::path::{Path, PathBuf};

fn helm(version: &str) -> PathBuf {
    let var = if version == "3.17.3" { "HCU_HELM_3_17" } else { "HCU_HELM_3_10" };
    let p = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(".tools/helm-{version}/helm")));
    assert!(p.exists(), "Helm {version} not found at {} (run scripts/install-helm.sh)", p.display());
    p
}

fn chart() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/migrate/charts/om-deps")
}

/// `helm template` with these values files; Ok(rendered) or Err(stderr).
fn template(version: &str, files: &[PathBuf]) -> Result<String, String> {
    let mut c = std::process::Command::new(helm(version));
    c.args(["template", "om", chart().to_str().unwrap()]);
    for f in files {
        c.arg("-f").arg(f);
    }
    let out = c.output().unwrap();
    if out.status.success() {
        Ok(String::from_utf8(out.stdout).unwrap())
    } else {
        Err(String::from_utf8(out.stderr).unwrap())
    }
}

/// The installable deps outputs: stdout, or the per-file outputs in Helm's order.
fn outputs() -> Vec<(String, Vec<PathBuf>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/migrate/cases");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&root).unwrap() {
        let dir = e.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let exit = std::fs::read_to_string(dir.join("exit")).unwrap_or_default();
        if !name.starts_with("om-deps-") || !matches!(exit.trim(), "0" | "3") {
            continue;
        }
        if dir.join("expected").is_dir() {
            let cmd = std::fs::read_to_string(dir.join("cmd")).unwrap();
            let files = cmd.lines().filter(|l| l.ends_with(".yaml")).map(|l| dir.join("expected").join(l)).collect();
            out.push((name, files));
        } else {
            out.push((name, vec![dir.join("stdout")]));
        }
    }
    out.sort();
    out
}

#[test]
fn helm_accepts_every_migrated_deps_output() {
    let cases = outputs();
    assert!(cases.len() >= 4, "expected the om-deps golden outputs, found {}", cases.len());
    for version in ["3.17.3", "3.10.1"] {
        for (name, files) in &cases {
            let rendered = template(version, files).unwrap_or_else(|e| panic!("Helm {version} rejects {name}:\n{e}"));
            assert!(rendered.contains("name: om-api-server"), "{name}: no api-server Service rendered");
        }
    }
}

#[test]
fn helm_rejects_the_old_values_with_the_schema_messages() {
    let old = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/migrate/cases/om-deps-default-block/values.yaml");
    for version in ["3.17.3", "3.10.1"] {
        let err = template(version, std::slice::from_ref(&old)).expect_err("the old deps block must not validate");
        for want in [
            "dags.persistence: Additional property storageClass is not allowed",
            "logs.persistence: Additional property accessMode is not allowed",
            "logs.persistence: Additional property cleanup is not allowed",
            "scheduler.logCleanup",
            "workers.enabled",
        ] {
            assert!(err.contains(want), "Helm {version}: {want:?} missing in:\n{err}");
        }
    }
}
