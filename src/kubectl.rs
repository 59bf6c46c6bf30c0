//! Asking the cluster whether an object still exists, with `kubectl` (`$KUBECTL`, else
//! `kubectl` on PATH) in the same context as Helm. Used to drop preflight findings about
//! objects the user already deleted (the way out of a Job or selector change), which Helm will
//! then create instead of patching.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::helm::{resolve_bin, HelmContext, HelmError};
use crate::preflight::Finding;

#[derive(Debug, Clone)]
pub struct Kubectl {
    pub bin: PathBuf,
    pub context: HelmContext,
}

impl Kubectl {
    /// `$KUBECTL` or `kubectl` on PATH; `None` when there is none.
    pub fn find(context: &HelmContext) -> Option<Self> {
        let name = std::env::var("KUBECTL").ok().filter(|k| !k.is_empty()).unwrap_or_else(|| "kubectl".into());
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let path = std::env::var_os("PATH");
        let bin = resolve_bin(&name, path.as_deref(), &cwd).ok()?;
        Some(Kubectl { bin, context: context.clone() })
    }

    /// Whether `kind/name` exists in `namespace`; an error when kubectl cannot tell.
    pub fn exists(&self, kind: &str, namespace: &str, name: &str) -> Result<bool, HelmError> {
        let mut cmd = Command::new(&self.bin);
        if let Some(k) = &self.context.kubeconfig {
            cmd.args(["--kubeconfig", k]);
        }
        if let Some(c) = &self.context.kube_context {
            cmd.args(["--context", c]);
        }
        cmd.args(["get", kind, name, "--namespace", namespace, "--ignore-not-found", "--output", "name"]);
        let out = cmd
            .stdin(Stdio::null())
            .output()
            .map_err(|source| HelmError::Spawn { bin: self.bin.display().to_string(), source })?;
        if !out.status.success() {
            return Err(HelmError::Failed {
                command: format!("kubectl get {kind} {name} -n {namespace}"),
                status: out.status.to_string(),
                code: out.status.code(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
        }
        Ok(!out.stdout.iter().all(u8::is_ascii_whitespace))
    }
}

/// The findings about objects that still exist, and a note for each object that is gone. An
/// object the user deleted (the way out of a Job or selector change) is created anew by Helm,
/// not patched. Without kubectl, or where it cannot tell, a finding stays (with a note).
pub fn drop_gone(findings: Vec<Finding>, context: &HelmContext) -> (Vec<Finding>, Vec<String>) {
    if findings.is_empty() {
        return (findings, Vec::new());
    }
    let Some(kubectl) = Kubectl::find(context) else {
        return (findings, vec!["kubectl not found: cannot check whether these objects still exist".into()]);
    };
    let mut notes: Vec<String> = Vec::new();
    let kept = findings
        .into_iter()
        .filter(|f| match kubectl.exists(&f.kind, &f.namespace, &f.name) {
            Ok(true) => true,
            Ok(false) => {
                let note = format!("{}/{} no longer exists in the cluster: Helm will create it anew", f.kind, f.name);
                if !notes.contains(&note) {
                    notes.push(note);
                }
                false
            }
            Err(e) => {
                notes.push(format!("cannot check whether {}/{} still exists: {e}", f.kind, f.name));
                true
            }
        })
        .collect();
    (kept, notes)
}
