//! A real kube-apiserver (1.20.2) + etcd on loopback for one test binary, started through
//! scripts/kube-apiserver.sh on free ports, and stopped by a watchdog when the test process
//! exits (the Rust test harness has no global teardown). Each test takes its own namespace.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use crate::support::root;

pub struct KubeApi {
    /// Certificates, etcd data, logs and the kubeconfig; removed by the watchdog.
    pub dir: PathBuf,
    pub kubeconfig: PathBuf,
}

/// kubectl 1.20 from the same cache, for the code under test (`$KUBECTL`).
pub fn kubectl() -> PathBuf {
    kapi_bin().join("kubectl")
}

/// Where the server binaries are: `$HCU_KAPI_BIN` (exported by scripts/test.sh), else the
/// default cache of `scripts/kube-apiserver.sh build`. Missing is a failure, not a skip.
pub fn kapi_bin() -> PathBuf {
    let p = std::env::var_os("HCU_KAPI_BIN").map(PathBuf::from).unwrap_or_else(|| {
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache"));
        cache.join("helm-camunda-upgrade/kube-apiserver-1.20.2/bin")
    });
    assert!(
        ["kube-apiserver", "etcd", "kubectl"].iter().all(|b| p.join(b).is_file()),
        "no kube-apiserver/etcd/kubectl in {} ($HCU_KAPI_BIN): run scripts/test.sh, or scripts/kube-apiserver.sh \
         build (5-8 minutes once, then cached)",
        p.display()
    );
    p
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The server for this test binary, started on first use.
pub fn kube_api() -> &'static KubeApi {
    static API: OnceLock<KubeApi> = OnceLock::new();
    API.get_or_init(start)
}

fn start() -> KubeApi {
    let bin = kapi_bin();
    let dir = tempfile::Builder::new().prefix("hcu-kapi-").tempdir().unwrap().keep();
    let script = root().join("scripts/kube-apiserver.sh");
    let (kapi, etcd, peer) = (free_port(), free_port(), free_port());
    let out = Command::new("sh")
        .arg(&script)
        .arg("start")
        .arg(&dir)
        .env("HCU_KAPI_BIN", &bin)
        .env("KAPI_PORT", kapi.to_string())
        .env("ETCD_PORT", etcd.to_string())
        .env("ETCD_PEER_PORT", peer.to_string())
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(out.status.success(), "kube-apiserver did not start (logs in {})", dir.display());
    // Stop both servers and remove the directory once this test process is gone.
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; sh '{script}' clean '{dir}'",
        pid = std::process::id(),
        script = script.display(),
        dir = dir.display()
    );
    // Never waited for on purpose: it outlives this process to clean up after it.
    #[allow(clippy::zombie_processes)]
    Command::new("sh")
        .arg("-c")
        .arg(watchdog)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the watchdog");
    let kubeconfig = dir.join("kubeconfig");
    assert!(kubeconfig.is_file());
    KubeApi { dir, kubeconfig }
}

/// A namespace name no other test in this run uses.
pub fn unique_namespace(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}-{}", N.fetch_add(1, Ordering::SeqCst))
}

impl KubeApi {
    /// `GET`/`DELETE` on the API server (curl with the server's CA and token): the HTTP status
    /// and the JSON body.
    pub fn request(&self, method: &str, path: &str) -> (u16, serde_json::Value) {
        let token = std::fs::read_to_string(self.dir.join("certs/tokens.csv")).unwrap();
        let token = token.split(',').next().unwrap().trim().to_string();
        let server = std::fs::read_to_string(&self.kubeconfig).unwrap();
        let server = server.lines().find_map(|l| l.trim().strip_prefix("server: ")).unwrap().to_string();
        let out = Command::new("curl")
            .args(["-s", "-X", method, "-w", "\n%{http_code}", "--cacert"])
            .arg(self.dir.join("certs/ca.crt"))
            .args(["-H", &format!("Authorization: Bearer {token}"), &format!("{server}{path}")])
            .output()
            .expect("curl");
        let text = String::from_utf8(out.stdout).unwrap();
        let (body, code) = text.rsplit_once('\n').unwrap();
        (code.parse().unwrap(), serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
    }

    pub fn get(&self, path: &str) -> (u16, serde_json::Value) {
        self.request("GET", path)
    }
}
