//! Shared helpers for the `check` tests (tests/check_*.rs include this file).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under tests/check/.
pub fn path(rel: &str) -> PathBuf {
    root().join("tests/check").join(rel)
}

pub fn read(rel: &str) -> Vec<u8> {
    std::fs::read(path(rel)).unwrap_or_else(|e| panic!("reading tests/check/{rel}: {e}"))
}

pub fn read_str(rel: &str) -> String {
    String::from_utf8(read(rel)).expect("UTF-8 test file")
}

/// The binary under test.
pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("helm-camunda-upgrade")
}

/// Run `helm-camunda-upgrade check <args>` with `stdin`.
pub fn check(args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = assert_cmd::Command::new(bin());
    cmd.arg("check").args(args).write_stdin(stdin.to_vec());
    cmd.output().expect("running the binary")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Compare `actual` with the golden file tests/check/golden/<name>;
/// `UPDATE_GOLDEN=1` rewrites it instead.
pub fn golden(name: &str, actual: &str) {
    let p = path(&format!("golden/{name}"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("golden file {}: {e} (UPDATE_GOLDEN=1 writes it)", p.display()));
    if want != actual {
        let diff = similar::TextDiff::from_lines(want.as_str(), actual);
        panic!(
            "{} differs from the output (UPDATE_GOLDEN=1 rewrites it):\n{}",
            p.display(),
            diff.unified_diff().header("golden", "actual")
        );
    }
}

/// The Helm binary of a version the tests use: `HCU_HELM_3_17` / `HCU_HELM_3_10`
/// (set by scripts/test.sh), else `.tools/helm-<version>/helm`. Missing is a failure.
pub fn helm(version: &str) -> PathBuf {
    let var = match version {
        "3.17.3" => "HCU_HELM_3_17",
        "3.10.1" => "HCU_HELM_3_10",
        v => panic!("no Helm {v} in the test set-up"),
    };
    let p =
        std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| root().join(format!(".tools/helm-{version}/helm")));
    assert!(p.is_file(), "Helm {version} not found at {} (run scripts/install-helm.sh or set {var})", p.display());
    p
}

/// A Helm command with its own empty config, cache and data homes, so tests
/// never see the user's repositories or plugins.
pub fn helm_cmd(version: &str, home: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(helm(version));
    for (var, dir) in [("HELM_CONFIG_HOME", "config"), ("HELM_CACHE_HOME", "cache"), ("HELM_DATA_HOME", "data")] {
        cmd.env(var, home.join(dir));
    }
    cmd.env("HELM_PLUGINS", home.join("plugins"));
    cmd
}
