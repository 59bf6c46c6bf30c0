//! Shared by the plugin tests: the real Helm binaries and an isolated Helm home.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A real Helm binary: `$HCU_HELM_3_17` / `$HCU_HELM_3_10` (set by scripts/test.sh), else
/// `.tools/helm-<version>/helm`. Missing is a failure, not a skip: CI installs them.
pub fn helm_bin(version: &str) -> PathBuf {
    let var = format!("HCU_HELM_{}", version.rsplitn(2, '.').last().unwrap().replace('.', "_"));
    let p =
        std::env::var_os(&var).map(PathBuf::from).unwrap_or_else(|| root().join(format!(".tools/helm-{version}/helm")));
    assert!(p.is_file(), "Helm {version} not found at {} (${var}); run scripts/install-helm.sh", p.display());
    p
}

/// The project's binary as cargo built it for this test run.
pub fn our_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_helm-camunda-upgrade"))
}

/// Helm with its own plugins, config, data and cache directories, and none of the caller's
/// cluster context leaking in.
pub struct HelmHome {
    pub dir: tempfile::TempDir,
    pub helm: PathBuf,
    /// The cluster to talk to (none: no KUBECONFIG at all).
    pub kubeconfig: Option<PathBuf>,
}

impl HelmHome {
    pub fn new(helm: PathBuf) -> Self {
        HelmHome { dir: tempfile::tempdir().unwrap(), helm, kubeconfig: None }
    }

    pub fn with_kubeconfig(mut self, kubeconfig: &Path) -> Self {
        self.kubeconfig = Some(kubeconfig.to_path_buf());
        self
    }

    /// Helm's directories and cluster for any command (our binary, a nested helm).
    pub fn env(&self, c: &mut Command) {
        let d = self.path();
        for v in ["HELM_NAMESPACE", "HELM_KUBECONTEXT", "HELM_DEBUG", "HELM_BIN", "HELM_DRIVER", "KUBECONFIG"] {
            c.env_remove(v);
        }
        c.env("HELM_PLUGINS", d.join("plugins"))
            .env("HELM_DATA_HOME", d.join("data"))
            .env("HELM_CONFIG_HOME", d.join("config"))
            .env("HELM_CACHE_HOME", d.join("cache"));
        if let Some(k) = &self.kubeconfig {
            c.env("KUBECONFIG", k);
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn plugins(&self) -> PathBuf {
        self.path().join("plugins")
    }

    pub fn cmd<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut c = Command::new(&self.helm);
        self.env(&mut c);
        // The install hook's cargo build: away from the target dir `cargo test` is using.
        c.env("CARGO_TARGET_DIR", root().join("target/plugin-hook")).args(args);
        c
    }

    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        Run::from(self.cmd(args).output().expect("run helm"))
    }
}

/// A finished command, with its output as text.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Panic with everything printed unless the exit code is `code`.
    pub fn expect_code(self, code: i32, what: &str) -> Self {
        assert_eq!(self.code, Some(code), "{what}\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }

    pub fn ok(self, what: &str) -> Self {
        self.expect_code(0, what)
    }
}
