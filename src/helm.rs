//! Running Helm: `$HELM_BIN` resolved the way a shell would, and the context Helm hands to a
//! plugin (`HELM_NAMESPACE`, `HELM_KUBECONTEXT`, `KUBECONFIG`, `HELM_DEBUG`) passed on as
//! explicit flags, so every nested `helm` call talks to the cluster and namespace the user chose.
//!
//! Why explicit flags: `helm camunda-upgrade -n ns ...` strips `-n ns` from our arguments and
//! only sets `HELM_NAMESPACE`; a post-renderer gets no `HELM_*` variables at all. Output that
//! may hold secrets (`get values`, `get manifest`) is returned, never logged.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

/// What went wrong talking to Helm.
#[derive(Debug, thiserror::Error)]
pub enum HelmError {
    #[error("cannot find the helm binary {0:?} (set HELM_BIN or put helm on PATH)")]
    NotFound(String),
    #[error("cannot run {bin}: {source}")]
    Spawn { bin: String, source: std::io::Error },
    #[error("`{command}` failed ({status}){}", stderr_tail(.stderr))]
    Failed { command: String, status: String, code: Option<i32>, stderr: String },
    #[error("cannot read the Helm version from {0:?}")]
    Version(String),
}

fn stderr_tail(stderr: &str) -> String {
    let s = stderr.trim();
    if s.is_empty() {
        String::new()
    } else {
        format!(": {s}")
    }
}

/// The cluster context Helm gives a plugin, from its environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelmContext {
    pub namespace: Option<String>,
    pub kube_context: Option<String>,
    pub kubeconfig: Option<String>,
    pub debug: bool,
}

impl HelmContext {
    /// Read the context from the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Read the context through `get` (tests pass a map). Empty values count as unset.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let non_empty = |k: &str| get(k).filter(|v| !v.is_empty());
        HelmContext {
            namespace: non_empty("HELM_NAMESPACE"),
            kube_context: non_empty("HELM_KUBECONTEXT"),
            kubeconfig: non_empty("KUBECONFIG"),
            // Helm sets "true"/"false"; its docs (and some users) say "1".
            debug: matches!(non_empty("HELM_DEBUG").as_deref(), Some("true" | "1")),
        }
    }

    /// The global flags that carry this context to a nested `helm` call.
    pub fn flags(&self) -> Vec<OsString> {
        let mut out = Vec::new();
        let mut push = |flag: &str, v: &Option<String>| {
            if let Some(v) = v {
                out.push(OsString::from(flag));
                out.push(OsString::from(v));
            }
        };
        push("--namespace", &self.namespace);
        push("--kube-context", &self.kube_context);
        push("--kubeconfig", &self.kubeconfig);
        if self.debug {
            out.push("--debug".into());
        }
        out
    }
}

/// Helm's version as `helm version --short` prints it (`v3.17.3+ge4da497`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HelmVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl HelmVersion {
    pub fn parse(short: &str) -> Option<Self> {
        let s = short.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let core = s.split(['+', '-']).next()?;
        let mut it = core.split('.').map(|p| p.parse::<u32>().ok());
        let v = HelmVersion { major: it.next()??, minor: it.next()??, patch: it.next()?? };
        it.next().is_none().then_some(v)
    }
}

impl fmt::Display for HelmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Find `bin` the way a shell does: a name with a path separator is a path (relative to the
/// current directory), a bare name is looked up on `path` (`PATH`).
pub fn resolve_bin(bin: &str, path: Option<&OsStr>, cwd: &Path) -> Result<PathBuf, HelmError> {
    let is_exe = |p: &Path| p.is_file() && is_executable(p);
    if bin.is_empty() {
        return Err(HelmError::NotFound(bin.to_string()));
    }
    if bin.contains('/') || bin.contains(std::path::MAIN_SEPARATOR) {
        let p = cwd.join(bin);
        return if is_exe(&p) { Ok(p) } else { Err(HelmError::NotFound(bin.to_string())) };
    }
    for dir in std::env::split_paths(path.unwrap_or_default()) {
        // An empty PATH entry means the current directory.
        let dir = if dir.as_os_str().is_empty() { cwd.to_path_buf() } else { cwd.join(dir) };
        for name in exe_names(bin) {
            let p = dir.join(&name);
            if is_exe(&p) {
                return Ok(p);
            }
        }
    }
    Err(HelmError::NotFound(bin.to_string()))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata().map(|m| m.permissions().mode() & 0o111 != 0).unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(_p: &Path) -> bool {
    true
}

fn exe_names(bin: &str) -> Vec<String> {
    if cfg!(windows) && !bin.to_ascii_lowercase().ends_with(".exe") {
        vec![format!("{bin}.exe"), bin.to_string()]
    } else {
        vec![bin.to_string()]
    }
}

/// A Helm binary plus the context to run it in.
#[derive(Debug, Clone)]
pub struct Helm {
    pub bin: PathBuf,
    pub context: HelmContext,
}

impl Helm {
    /// `$HELM_BIN` (default `helm`) with the context from the environment.
    pub fn from_env() -> Result<Self, HelmError> {
        let bin = std::env::var("HELM_BIN").ok().filter(|b| !b.is_empty()).unwrap_or_else(|| "helm".into());
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let path = std::env::var_os("PATH");
        Ok(Helm { bin: resolve_bin(&bin, path.as_deref(), &cwd)?, context: HelmContext::from_env() })
    }

    /// The command line `helm <context flags> <args>`, not yet run. The global flags go first so
    /// that a `--` among `args` cannot turn them into positional arguments.
    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new(&self.bin);
        cmd.args(self.context.flags());
        cmd.args(args);
        cmd
    }

    fn show(&self, cmd: &Command) -> String {
        let args: Vec<String> = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        format!("{} {}", self.bin.display(), redact_args(&args).join(" "))
    }

    fn debug(&self, cmd: &Command) {
        if self.context.debug {
            eprintln!("helm-camunda-upgrade: running {}", self.show(cmd));
        }
    }

    /// Run and capture stdout (stderr captured for the error message); fail on non-zero exit.
    pub fn output<I, S>(&self, args: I) -> Result<String, HelmError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command(args);
        self.debug(&cmd);
        let out = cmd
            .stdin(Stdio::null())
            .output()
            .map_err(|source| HelmError::Spawn { bin: self.bin.display().to_string(), source })?;
        if !out.status.success() {
            return Err(HelmError::Failed {
                command: self.show(&cmd),
                status: out.status.to_string(),
                code: out.status.code(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Run with the terminal attached (Helm's own output goes straight to the user).
    pub fn status<I, S>(&self, args: I) -> Result<ExitStatus, HelmError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command(args);
        self.debug(&cmd);
        cmd.status().map_err(|source| HelmError::Spawn { bin: self.bin.display().to_string(), source })
    }

    /// `helm version --short`, parsed.
    pub fn version(&self) -> Result<HelmVersion, HelmError> {
        // No context flags: `version` needs no cluster.
        let mut cmd = Command::new(&self.bin);
        cmd.args(["version", "--short"]);
        self.debug(&cmd);
        let out = cmd
            .stdin(Stdio::null())
            .output()
            .map_err(|source| HelmError::Spawn { bin: self.bin.display().to_string(), source })?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        HelmVersion::parse(&text).ok_or(HelmError::Version(text))
    }

    /// The revision `helm upgrade` patches from: the last deployed one (Helm compares the new
    /// manifest with it, not with a later failed revision), else the latest.
    pub fn current_revision(&self, release: &str) -> Result<Option<u64>, HelmError> {
        let text = self.output(["history", release, "--output", "json"])?;
        Ok(current_revision_of(&text))
    }

    /// The user-supplied values of a release (`helm get values RELEASE -o yaml`), of `revision`.
    pub fn get_values(&self, release: &str, revision: Option<u64>) -> Result<String, HelmError> {
        let mut args = vec!["get".to_string(), "values".into(), release.into(), "--output".into(), "yaml".into()];
        args.extend(revision.map(|r| ["--revision".to_string(), r.to_string()]).into_iter().flatten());
        self.output(args)
    }

    /// The manifest of a release (`helm get manifest RELEASE`), of `revision`.
    pub fn get_manifest(&self, release: &str, revision: Option<u64>) -> Result<String, HelmError> {
        let mut args = vec!["get".to_string(), "manifest".into(), release.into()];
        args.extend(revision.map(|r| ["--revision".to_string(), r.to_string()]).into_iter().flatten());
        self.output(args)
    }
}

/// A command line fit to print: the values of `--password`/`--kube-token`, and of `--set*`
/// keys that look secret, replaced.
pub fn redact_args(args: &[String]) -> Vec<String> {
    const SECRET_FLAGS: &[&str] = &["--password", "--kube-token"];
    const SET_FLAGS: &[&str] = &["--set", "--set-string", "--set-json", "--set-literal", "--set-file"];
    let hide_pairs = |v: &str| {
        v.split(',')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if crate::migrate::report::is_secret_key(k) => format!("{k}=<redacted>"),
                _ => pair.to_string(),
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut out = Vec::with_capacity(args.len());
    let mut next: Option<&str> = None;
    for a in args {
        let shown = match next.take() {
            Some(f) if SECRET_FLAGS.contains(&f) => "<redacted>".to_string(),
            Some(_) => hide_pairs(a),
            None => match a.split_once('=') {
                Some((f, _)) if SECRET_FLAGS.contains(&f) => format!("{f}=<redacted>"),
                Some((f, v)) if SET_FLAGS.contains(&f) => format!("{f}={}", hide_pairs(v)),
                _ => {
                    if SECRET_FLAGS.contains(&a.as_str()) || SET_FLAGS.contains(&a.as_str()) {
                        next = Some(a.as_str());
                    }
                    a.clone()
                }
            },
        };
        out.push(shown);
    }
    out
}

/// From `helm history -o json`: the last `deployed` revision, else the last one.
fn current_revision_of(history: &str) -> Option<u64> {
    let list: Vec<serde_json::Value> = serde_json::from_str(history).ok()?;
    let rev = |e: &serde_json::Value| e.get("revision").and_then(serde_json::Value::as_u64);
    let deployed = list.iter().filter(|e| e.get("status").and_then(|s| s.as_str()) == Some("deployed"));
    deployed.filter_map(rev).max().or_else(|| list.iter().filter_map(rev).max())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn ctx(pairs: &[(&str, &str)]) -> HelmContext {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        HelmContext::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn context_becomes_flags_in_a_fixed_order() {
        let c = ctx(&[
            ("HELM_NAMESPACE", "camunda"),
            ("HELM_KUBECONTEXT", "prod"),
            ("KUBECONFIG", "/k/config"),
            ("HELM_DEBUG", "true"),
        ]);
        let flags: Vec<String> = c.flags().into_iter().map(|f| f.into_string().unwrap()).collect();
        assert_eq!(flags, ["--namespace", "camunda", "--kube-context", "prod", "--kubeconfig", "/k/config", "--debug"]);
    }

    #[test]
    fn empty_or_false_values_add_no_flags() {
        let c = ctx(&[("HELM_NAMESPACE", ""), ("HELM_KUBECONTEXT", ""), ("HELM_DEBUG", "false")]);
        assert_eq!(c, HelmContext::default());
        assert!(c.flags().is_empty());
        assert!(ctx(&[("HELM_DEBUG", "1")]).debug);
        assert!(!ctx(&[("HELM_DEBUG", "yes")]).debug);
    }

    #[test]
    fn versions_parse_as_helm_prints_them() {
        let v = |s| HelmVersion::parse(s);
        assert_eq!(v("v3.17.3+ge4da497\n"), Some(HelmVersion { major: 3, minor: 17, patch: 3 }));
        assert_eq!(v("v4.2.4"), Some(HelmVersion { major: 4, minor: 2, patch: 4 }));
        assert_eq!(v("v4.0.0-rc.1+g123"), Some(HelmVersion { major: 4, minor: 0, patch: 0 }));
        assert_eq!(v("3.10.1"), Some(HelmVersion { major: 3, minor: 10, patch: 1 }));
        assert_eq!(v("v3.17"), None);
        assert_eq!(v("Error: unknown"), None);
        assert_eq!(v("v3.1.2.3"), None);
    }

    #[test]
    fn printed_command_lines_hide_secrets() {
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let shown = redact_args(&a(&[
            "upgrade",
            "--set",
            "orchestration.clusterSize=3,global.identity.auth.operate.clientSecret=s3cr3t",
            "--set-string=db.password=hunter2",
            "--password",
            "repo-pw",
            "--kube-token=tok",
            "--version",
            "13.0.0",
        ]));
        assert_eq!(
            shown,
            a(&[
                "upgrade",
                "--set",
                "orchestration.clusterSize=3,global.identity.auth.operate.clientSecret=<redacted>",
                "--set-string=db.password=<redacted>",
                "--password",
                "<redacted>",
                "--kube-token=<redacted>",
                "--version",
                "13.0.0",
            ])
        );
    }

    #[test]
    fn the_current_revision_is_the_last_deployed_one() {
        let h = |entries: &[(u64, &str)]| {
            let list: Vec<String> =
                entries.iter().map(|(r, s)| format!(r#"{{"revision":{r},"status":"{s}","chart":"c"}}"#)).collect();
            current_revision_of(&format!("[{}]", list.join(",")))
        };
        assert_eq!(h(&[(1, "superseded"), (2, "deployed"), (3, "failed")]), Some(2));
        assert_eq!(h(&[(1, "deployed")]), Some(1));
        assert_eq!(h(&[(1, "failed"), (2, "failed")]), Some(2));
        assert_eq!(h(&[]), None);
        assert_eq!(current_revision_of("Error"), None);
    }

    #[cfg(unix)]
    #[test]
    fn bare_names_resolve_on_path_and_paths_against_cwd() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let (a, b) = (d.path().join("a"), d.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        // a/helm is not executable, b/helm is: PATH order is honoured among executables only.
        std::fs::write(a.join("helm"), "").unwrap();
        std::fs::write(b.join("helm"), "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(b.join("helm"), std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::join_paths([&a, &b]).unwrap();
        assert_eq!(resolve_bin("helm", Some(&path), Path::new("/")).unwrap(), b.join("helm"));
        assert_eq!(resolve_bin("./b/helm", None, d.path()).unwrap(), d.path().join("./b/helm"));
        assert!(matches!(resolve_bin("./a/helm", None, d.path()), Err(HelmError::NotFound(_))));
        assert!(matches!(resolve_bin("nohelm", Some(&path), Path::new("/")), Err(HelmError::NotFound(_))));
        // Relative PATH entries are relative to the current directory.
        assert_eq!(resolve_bin("helm", Some(OsStr::new("b")), d.path()).unwrap(), d.path().join("b/helm"));
    }
}
