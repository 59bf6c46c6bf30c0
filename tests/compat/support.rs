//! Helpers shared by the `compat` integration tests (included with `#[path]`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn cases_dir() -> PathBuf {
    root().join("tests/compat/cases")
}

/// One run of the real binary.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    /// stdout parsed (run with `--output json`).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }
}

fn finish(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run helm-camunda-upgrade");
    Run {
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
        code: out.status.code().expect("exit code"),
    }
}

/// `helm-camunda-upgrade compat <args>` in `dir`.
pub fn compat_in(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::cargo_bin("helm-camunda-upgrade").unwrap();
    cmd.arg("compat").args(args).current_dir(dir);
    finish(&mut cmd)
}

/// `helm-camunda-upgrade compat <args>` with `yaml` on stdin.
pub fn compat_stdin(yaml: &str, args: &[&str]) -> Run {
    let mut cmd = Command::cargo_bin("helm-camunda-upgrade").unwrap();
    cmd.arg("compat").args(args).write_stdin(yaml.to_string());
    finish(&mut cmd)
}

/// Effective values for `yaml` (stdin), with `--explain --output json` and extra args.
pub fn effective(yaml: &str, extra: &[&str]) -> (Value, Run) {
    let mut args = vec!["--explain", "--output", "json"];
    args.extend_from_slice(extra);
    let run = compat_stdin(yaml, &args);
    (run.json(), run)
}

/// The value at a dotted path (`orchestration.service.httpPort`); Null when absent.
pub fn at<'v>(v: &'v Value, dotted: &str) -> &'v Value {
    dotted.split('.').try_fold(v, |cur, k| cur.get(k)).unwrap_or(&Value::Null)
}

/// Does the dotted path exist?
pub fn has(v: &Value, dotted: &str) -> bool {
    dotted.split('.').try_fold(v, |cur, k| cur.get(k)).is_some()
}

/// Lines of `--explain` output (stderr) that mention `needle`.
pub fn notes<'r>(run: &'r Run, needle: &str) -> Vec<&'r str> {
    run.stderr.lines().filter(|l| l.contains(needle)).collect()
}

/// A real Helm binary: `$HCU_HELM_3_17` / `$HCU_HELM_3_10`, else `.tools/helm-<v>/helm`.
/// Missing binaries fail the test (scripts/test.sh installs them).
pub fn helm(version: &str) -> PathBuf {
    let (var, dir) = match version {
        "3.17" => ("HCU_HELM_3_17", "helm-3.17.3"),
        "3.10" => ("HCU_HELM_3_10", "helm-3.10.1"),
        other => panic!("no Helm {other} for tests"),
    };
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| root().join(".tools").join(dir).join("helm"));
    assert!(path.is_file(), "Helm {version} not found at {} (run scripts/install-helm.sh)", path.display());
    path
}
