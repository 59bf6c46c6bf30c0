//! Reading and writing Secrets through the user's kubectl (`$KUBECTL`, else `kubectl` on PATH,
//! as `crate::kubectl` finds it), in the cluster context Helm gave the plugin.
//!
//! Why kubectl and not our own API client: it speaks every way a kubeconfig authenticates
//! (exec plugins for EKS/GKE/AKS, OIDC, client certificates, proxies) exactly as the user's
//! other tools do. Secret data only ever travels through pipes: manifests go to kubectl's
//! stdin, answers come from its stdout into memory; nothing secret is on a command line or in
//! a log. kubectl's error text is shown with every known secret value scrubbed from it.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::helm::HelmContext;

#[derive(Debug, thiserror::Error)]
pub enum KubectlError {
    #[error("cannot find kubectl (put kubectl on PATH or set KUBECTL)")]
    NotFound,
    #[error("cannot run {bin}: {source}")]
    Spawn { bin: String, source: std::io::Error },
    #[error("`{command}` failed ({status}){}", tail(.stderr))]
    Failed { command: String, status: String, stderr: String },
    #[error("`{command}` answered something that is not a Secret list: {what}")]
    Answer { command: String, what: String },
}

fn tail(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        String::new()
    } else {
        format!(": {s}")
    }
}

/// A Secret as read from the cluster (the data stays in memory).
#[derive(Clone)]
pub struct LiveSecret {
    pub name: String,
    /// The whole object, data included: written back on replace.
    pub object: Value,
    pub data: BTreeMap<String, Vec<u8>>,
}

impl std::fmt::Debug for LiveSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LiveSecret({}, keys {:?})", self.name, self.data.keys().collect::<Vec<_>>())
    }
}

impl LiveSecret {
    fn from_object(object: Value) -> Result<LiveSecret, String> {
        let name =
            object.pointer("/metadata/name").and_then(Value::as_str).ok_or("a Secret without a name")?.to_string();
        let mut data = BTreeMap::new();
        if let Some(Value::Object(m)) = object.get("data") {
            for (k, v) in m {
                let text = v.as_str().ok_or_else(|| format!("{name}: data key {k} is not a string"))?;
                let bytes = super::base64::decode(text).ok_or_else(|| format!("{name}: data key {k} is not base64"))?;
                data.insert(k.clone(), bytes);
            }
        }
        Ok(LiveSecret { name, object, data })
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.object.pointer("/metadata/labels").and_then(|l| l.get(key)).and_then(Value::as_str)
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.object.pointer("/metadata/annotations").and_then(|l| l.get(key)).and_then(Value::as_str)
    }
}

pub struct Kubectl {
    pub bin: PathBuf,
    pub context: HelmContext,
    /// Values scrubbed from any kubectl output shown to the user.
    scrub: Vec<Vec<u8>>,
}

impl Kubectl {
    /// `$KUBECTL` or `kubectl` on PATH, in `context`.
    pub fn from_env(context: HelmContext) -> Result<Kubectl, KubectlError> {
        let found = crate::kubectl::Kubectl::find(&context).ok_or(KubectlError::NotFound)?;
        Ok(Kubectl { bin: found.bin, context, scrub: Vec::new() })
    }

    /// Remember values to scrub from kubectl's error text (with their base64 form).
    pub fn scrub(&mut self, value: &[u8]) {
        if value.len() >= 3 {
            self.scrub.push(value.to_vec());
            self.scrub.push(super::base64::encode(value).into_bytes());
        }
    }

    /// kubectl's own flags for Helm's context (`--context`, not Helm's `--kube-context`).
    fn flags(&self) -> Vec<OsString> {
        let mut out: Vec<OsString> = Vec::new();
        let c = &self.context;
        for (flag, v) in
            [("--namespace", &c.namespace), ("--context", &c.kube_context), ("--kubeconfig", &c.kubeconfig)]
        {
            if let Some(v) = v {
                out.push(flag.into());
                out.push(v.into());
            }
        }
        out
    }

    fn shown(&self, args: &[&str]) -> String {
        let mut s = self.bin.display().to_string();
        for a in self.flags().iter().map(|f| f.to_string_lossy().into_owned()).chain(args.iter().map(|a| a.to_string()))
        {
            s.push(' ');
            s.push_str(&a);
        }
        s
    }

    /// Run with `stdin` piped in; stdout returned, never logged.
    fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Result<Vec<u8>, KubectlError> {
        let mut cmd = Command::new(&self.bin);
        cmd.args(self.flags()).args(args);
        if self.context.debug {
            eprintln!("helm-camunda-upgrade: running {}", self.shown(args));
        }
        cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let spawn_err = |source| KubectlError::Spawn { bin: self.bin.display().to_string(), source };
        let mut child = cmd.spawn().map_err(spawn_err)?;
        if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
            // kubectl may exit before reading (a bad flag, no cluster): its exit status says why.
            match pipe.write_all(bytes) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(spawn_err(e)),
                _ => {}
            }
        }
        let out = child.wait_with_output().map_err(spawn_err)?;
        if !out.status.success() {
            return Err(KubectlError::Failed {
                command: self.shown(args),
                status: out.status.to_string(),
                stderr: self.scrubbed(&out.stderr),
            });
        }
        Ok(out.stdout)
    }

    fn scrubbed(&self, text: &[u8]) -> String {
        let mut s = String::from_utf8_lossy(text).into_owned();
        for v in &self.scrub {
            let v = String::from_utf8_lossy(v);
            if !v.is_empty() {
                s = s.replace(v.as_ref(), "<redacted>");
            }
        }
        s
    }

    /// The Secrets of these names that exist (one call; absent ones are simply missing).
    pub fn get_secrets(&self, names: &[String]) -> Result<BTreeMap<String, LiveSecret>, KubectlError> {
        let mut args = vec!["get", "secret"];
        args.extend(names.iter().map(String::as_str));
        args.extend(["--ignore-not-found", "--output", "json"]);
        let out = self.run(&args, None)?;
        let bad = |what: String| KubectlError::Answer { command: self.shown(&args), what };
        if out.iter().all(u8::is_ascii_whitespace) {
            return Ok(BTreeMap::new());
        }
        let v: Value = serde_json::from_slice(&out).map_err(|e| bad(format!("not JSON ({e})")))?;
        let objects = match v.get("kind").and_then(Value::as_str) {
            Some("List") => v.get("items").and_then(Value::as_array).cloned().unwrap_or_default(),
            Some("Secret") => vec![v],
            other => return Err(bad(format!("kind {other:?}"))),
        };
        let mut found = BTreeMap::new();
        for o in objects {
            let s = LiveSecret::from_object(o).map_err(bad)?;
            found.insert(s.name.clone(), s);
        }
        Ok(found)
    }

    /// `kubectl create` (the Secret is new) or `replace` (with its resourceVersion, so a
    /// change made meanwhile is refused, not overwritten). The manifest goes through stdin.
    pub fn write(&self, manifest: &Value, create: bool) -> Result<(), KubectlError> {
        let verb = if create { "create" } else { "replace" };
        let body = serde_json::to_vec(manifest).expect("a manifest serialises");
        self.run(&[verb, "--filename", "-", "--output", "name"], Some(&body)).map(|_| ())
    }
}
