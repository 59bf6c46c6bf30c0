//! Shared by the secrets tests: a release of tests/secrets/charts/camunda-12 on the real
//! kube-apiserver, our binary run against it, and comparisons that never print a secret.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use helm_camunda_upgrade::secrets::base64;

use crate::kube::{self, KubeApi};
use crate::support::{helm_bin, our_bin, root, HelmHome, Run};


/// kubectl 1.20 from Debian, next to the API server (`scripts/kube-apiserver.sh build`).
pub fn kubectl_bin() -> PathBuf {
    kube::kubectl()
}

pub fn chart() -> String {
    root().join("tests/secrets/charts/camunda-12").display().to_string()
}

/// One namespace on the shared API server, with its own Helm home and working directory.
pub struct Cluster {
    pub api: &'static KubeApi,
    pub home: HelmHome,
    pub ns: String,
    /// The working directory of our binary (the overlay lands here by default).
    pub cwd: tempfile::TempDir,
}

impl Cluster {
    pub fn new(prefix: &str) -> Cluster {
        let api = kube::kube_api();
        let home = HelmHome::new(helm_bin("3.17.3")).with_kubeconfig(&api.kubeconfig);
        let c = Cluster { api, home, ns: kube::unique_namespace(prefix), cwd: tempfile::tempdir().unwrap() };
        let out = Command::new(kubectl_bin())
            .env("KUBECONFIG", &api.kubeconfig)
            .args(["create", "namespace", &c.ns])
            .output();
        assert!(out.unwrap().status.success(), "create namespace {}", c.ns);
        c
    }

    /// `helm install RELEASE <test chart> -n NS` with `--set`s and values files.
    pub fn install(&self, release: &str, sets: &[&str], files: &[&Path]) {
        let mut args: Vec<String> = vec!["install".into(), release.into(), chart(), "-n".into(), self.ns.clone()];
        for s in sets {
            args.extend(["--set".into(), s.to_string()]);
        }
        for f in files {
            args.extend(["-f".into(), f.display().to_string()]);
        }
        // Helm's output names no values; shown only on failure.
        self.home.run(&args).ok("helm install");
    }

    /// Our binary with Helm's plugin environment: this namespace, the real helm and kubectl.
    pub fn ours<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut c = Command::new(our_bin());
        self.home.env(&mut c);
        c.env("HELM_BIN", &self.home.helm)
            .env("HELM_NAMESPACE", &self.ns)
            .env("KUBECTL", kubectl_bin())
            .env("NO_COLOR", "1")
            .current_dir(self.cwd.path())
            .args(args);
        c
    }

    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        Run::from(self.ours(args).output().expect("run helm-camunda-upgrade"))
    }

    /// A Secret's data, decoded (None: no such Secret).
    pub fn secret(&self, name: &str) -> Option<BTreeMap<String, Vec<u8>>> {
        let (code, body) = self.api.get(&format!("/api/v1/namespaces/{}/secrets/{name}", self.ns));
        if code == 404 {
            return None;
        }
        assert_eq!(code, 200, "GET secret {name}");
        Some(decode_data(&body))
    }

    /// The names of the Secrets in this namespace (Helm's release records left out).
    pub fn secret_names(&self) -> Vec<String> {
        let (code, body) = self.api.get(&format!("/api/v1/namespaces/{}/secrets", self.ns));
        assert_eq!(code, 200);
        let mut names: Vec<String> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["type"] != "helm.sh/release.v1")
            .map(|s| s["metadata"]["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    }

    /// Create a Secret (data given as bytes) through kubectl's stdin.
    pub fn create_secret(&self, name: &str, data: &[(&str, &[u8])], annotations: &[(&str, &str)]) {
        let data: serde_json::Map<String, serde_json::Value> =
            data.iter().map(|(k, v)| (k.to_string(), serde_json::json!(base64::encode(v)))).collect();
        let ann: serde_json::Map<String, serde_json::Value> =
            annotations.iter().map(|(k, v)| (k.to_string(), serde_json::json!(v))).collect();
        let object = serde_json::json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": name, "namespace": self.ns, "annotations": ann}, "data": data});
        let mut c = Command::new(kubectl_bin());
        c.env("KUBECONFIG", &self.api.kubeconfig).args(["create", "-f", "-", "-o", "name"]);
        c.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(object.to_string().as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "kubectl create: {}", String::from_utf8_lossy(&out.stderr));
    }

    pub fn delete_secret(&self, name: &str) {
        let (code, _) = self.api.request("DELETE", &format!("/api/v1/namespaces/{}/secrets/{name}", self.ns));
        assert_eq!(code, 200, "DELETE secret {name}");
    }

    /// Files in the working directory.
    pub fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.cwd.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

pub fn decode_data(secret: &serde_json::Value) -> BTreeMap<String, Vec<u8>> {
    secret["data"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), base64::decode(v.as_str().unwrap()).expect("base64"))).collect())
        .unwrap_or_default()
}

/// Compare two Secrets' data; the message names keys, never values.
pub fn same_data(got: &BTreeMap<String, Vec<u8>>, want: &BTreeMap<String, Vec<u8>>) -> Result<(), String> {
    let mut errors = Vec::new();
    for k in want.keys().filter(|k| !got.contains_key(*k)) {
        errors.push(format!("missing key {k}"));
    }
    for k in got.keys().filter(|k| !want.contains_key(*k)) {
        errors.push(format!("unexpected key {k}"));
    }
    for (k, v) in want {
        if got.get(k).is_some_and(|g| g != v) {
            errors.push(format!("key {k} holds another value ({} bytes, want {})", got[k].len(), v.len()));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// Does `text` contain `secret`, as it is or base64-encoded? Says where without printing it.
pub fn leaks(text: &str, secret: &[u8]) -> bool {
    let plain = String::from_utf8_lossy(secret);
    text.contains(plain.as_ref()) || text.contains(&base64::encode(secret))
}
