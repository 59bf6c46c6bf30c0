//! scripts/install.sh, the plugin's install/update hook, on the paths the Helm install test does
//! not take: a release archive on disk (air-gapped installs), the download path with its SHA-256
//! check (served from a `file://` release folder through curl: everything but the real host),
//! SKIP_BIN_INSTALL, and installing the post-renderer plugin only when `$HELM_BIN` is Helm 4
//! (a stand-in script answers `version`, as no Helm 4 binary is available here).

#[path = "plugin/support.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{our_bin, root, Run};

/// The release asset name for this machine, spelled as install.sh spells it.
fn asset() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        o => o,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        a => a,
    };
    format!("helm-camunda-upgrade-{os}-{arch}.tgz")
}

/// A copy of the plugin's files (no Cargo.toml, so the hook cannot take the cargo path).
fn plugin_copy(d: &Path) -> PathBuf {
    let p = d.join("plugin");
    for f in ["plugin.yaml", "scripts/install.sh", "plugins/camunda-upgrade-check/plugin.yaml"] {
        std::fs::create_dir_all(p.join(f).parent().unwrap()).unwrap();
        std::fs::copy(root().join(f), p.join(f)).unwrap();
    }
    p
}

/// A release archive holding `member` (a copy of our binary), as the release job would make it.
fn make_archive(d: &Path, member: &str) -> PathBuf {
    let stage = d.join("stage");
    std::fs::create_dir_all(&stage).unwrap();
    std::fs::copy(our_bin(), stage.join(member)).unwrap();
    let tgz = d.join(asset());
    let st = Command::new("tar").arg("-czf").arg(&tgz).arg("-C").arg(&stage).arg(member).status().unwrap();
    assert!(st.success());
    tgz
}

fn sha256(p: &Path) -> String {
    let out = Command::new("sha256sum").arg(p).output().expect("sha256sum");
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_string()
}

fn hook(plugin: &Path, env: &[(&str, &str)]) -> Run {
    let mut c = Command::new("sh");
    c.arg(plugin.join("scripts/install.sh")).arg("install").env("HELM_PLUGIN_DIR", plugin);
    for v in ["SKIP_BIN_INSTALL", "HELM_CAMUNDA_UPGRADE_BIN_TGZ", "HELM_CAMUNDA_UPGRADE_BIN_SHA256", "HELM_BIN"] {
        c.env_remove(v);
    }
    // Without HELM_BIN the hook would ask `helm` on PATH for its version: point it at nothing.
    c.env("HELM_BIN", "/nonexistent/helm");
    for (k, v) in env {
        c.env(k, v);
    }
    Run::from(c.output().unwrap())
}

fn installed(plugin: &Path) -> PathBuf {
    plugin.join("bin/helm-camunda-upgrade")
}

fn assert_runs(bin: &Path) {
    let out = Command::new(bin).arg("--version").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("helm-camunda-upgrade {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn archive_on_disk_is_unpacked_and_checked_when_a_checksum_is_given() {
    let d = tempfile::tempdir().unwrap();
    let plugin = plugin_copy(d.path());
    let tgz = make_archive(d.path(), "helm-camunda-upgrade");
    let tgz_s = tgz.to_str().unwrap();

    let zeros = "0".repeat(64);
    let bad = hook(&plugin, &[("HELM_CAMUNDA_UPGRADE_BIN_TGZ", tgz_s), ("HELM_CAMUNDA_UPGRADE_BIN_SHA256", &zeros)]);
    assert_eq!(bad.code, Some(1), "{}", bad.stderr);
    assert!(bad.stderr.contains("checksum mismatch"), "{}", bad.stderr);
    assert!(!installed(&plugin).exists());

    let sum = sha256(&tgz);
    let good = hook(&plugin, &[("HELM_CAMUNDA_UPGRADE_BIN_TGZ", tgz_s), ("HELM_CAMUNDA_UPGRADE_BIN_SHA256", &sum)]);
    assert_eq!(good.code, Some(0), "{}", good.stderr);
    assert_runs(&installed(&plugin));
    assert!(good.stderr.contains("installed helm-camunda-upgrade"), "{}", good.stderr);
}

#[test]
fn archive_without_the_binary_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let plugin = plugin_copy(d.path());
    let tgz = make_archive(d.path(), "something-else");
    let r = hook(&plugin, &[("HELM_CAMUNDA_UPGRADE_BIN_TGZ", tgz.to_str().unwrap())]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("has no helm-camunda-upgrade at its root"), "{}", r.stderr);
    assert!(!installed(&plugin).exists());
}

/// A release folder `<base>/v<version>/` with the archive and a sha256sum-style checksum file.
fn release(d: &Path, sums: impl FnOnce(&str) -> String) -> String {
    let tgz = make_archive(d, "helm-camunda-upgrade");
    let dir = d.join("releases").join(format!("v{}", env!("CARGO_PKG_VERSION")));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::rename(&tgz, dir.join(asset())).unwrap();
    let sum = sha256(&dir.join(asset()));
    std::fs::write(dir.join("helm-camunda-upgrade-checksums.sha256"), sums(&sum)).unwrap();
    format!("file://{}", d.join("releases").display())
}

fn download(plugin: &Path, base: &str) -> Run {
    hook(plugin, &[("HELM_CAMUNDA_UPGRADE_DOWNLOAD", "1"), ("HELM_CAMUNDA_UPGRADE_RELEASE_BASE", base)])
}

#[test]
fn download_is_installed_only_when_its_checksum_matches() {
    let d = tempfile::tempdir().unwrap();
    let plugin = plugin_copy(d.path());
    let base = release(d.path(), |sum| format!("{}  other-asset.tgz\n{sum}  {}\n", "1".repeat(64), asset()));
    let r = download(&plugin, &base);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("downloading {base}/v{}/{}", env!("CARGO_PKG_VERSION"), asset())));
    assert_runs(&installed(&plugin));
}

#[test]
fn download_with_a_wrong_or_missing_checksum_is_refused() {
    type Sums = fn(&str) -> String;
    let cases: [(&str, Sums, &str); 3] = [
        ("tampered", |_| format!("{}  {}\n", "ab".repeat(32), asset()), "checksum mismatch"),
        ("unlisted", |sum| format!("{sum}  other-asset.tgz\n"), "no single checksum"),
        ("listed twice", |sum| format!("{sum}  {a}\n{sum}  {a}\n", a = asset()), "no single checksum"),
    ];
    for (what, sums, message) in cases {
        let d = tempfile::tempdir().unwrap();
        let plugin = plugin_copy(d.path());
        let r = download(&plugin, &release(d.path(), sums));
        assert_eq!(r.code, Some(1), "{what}: {}", r.stderr);
        assert!(r.stderr.contains(message), "{what}: {}", r.stderr);
        assert!(!installed(&plugin).exists(), "{what}: a binary was installed");
    }
}

#[test]
fn skip_bin_install_leaves_bin_alone() {
    let d = tempfile::tempdir().unwrap();
    let plugin = plugin_copy(d.path());
    let r = hook(&plugin, &[("SKIP_BIN_INSTALL", "1")]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!plugin.join("bin").exists());
}

/// A stand-in for `$HELM_BIN` that reports `version` and logs every other call.
fn fake_helm(d: &Path, version: &str, listed: &str) -> PathBuf {
    let p = d.join("fake-helm");
    let log = d.join("helm-calls.log");
    let script = format!(
        "#!/bin/sh\necho \"$*\" >> '{log}'\ncase \"$1 $2\" in\n  'version --short') echo '{version}' ;;\n  \
         'plugin list') printf 'NAME\\tVERSION\\n{listed}' ;;\nesac\n",
        log = log.display()
    );
    std::fs::write(&p, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

fn helm_calls(d: &Path) -> Vec<String> {
    std::fs::read_to_string(d.join("helm-calls.log")).unwrap_or_default().lines().map(String::from).collect()
}

#[test]
fn postrenderer_plugin_is_installed_on_helm4_only() {
    // (Helm version, already listed plugins, expected `plugin install` calls)
    let cases = [
        ("v3.17.3+ge4da497", "", false),
        ("v3.10.1+g9f88ccb", "", false),
        ("v4.2.4+g1234567", "", true),
        ("v4.2.4+g1234567", "camunda-upgrade-check\\t0.1.0\\n", false),
        ("", "", false), // helm unreadable: treated as Helm 3, the safe side
    ];
    for (version, listed, installs) in cases {
        let d = tempfile::tempdir().unwrap();
        let plugin = plugin_copy(d.path());
        let helm = fake_helm(d.path(), version, listed);
        let r = hook(&plugin, &[("SKIP_BIN_INSTALL", "1"), ("HELM_BIN", helm.to_str().unwrap())]);
        assert_eq!(r.code, Some(0), "{version}: {}", r.stderr);
        let want = format!("plugin install {}", plugin.join("plugins/camunda-upgrade-check").display());
        let calls = helm_calls(d.path());
        assert_eq!(calls.contains(&want), installs, "{version} {listed:?}: {calls:?}");
        assert_eq!(calls.iter().filter(|c| c.starts_with("plugin install")).count(), usize::from(installs));
    }
}
