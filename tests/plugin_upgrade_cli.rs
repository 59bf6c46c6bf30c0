//! `upgrade` before it reaches a cluster: refused flags, usage errors, Helm versions. The Helm
//! 4 and too-old-Helm branches use a stand-in `$HELM_BIN` that logs its calls and answers with
//! canned output (no Helm 4 binary exists here); the real-cluster runs are in plugin_upgrade.rs.

#[path = "plugin/support.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{our_bin, Run};

/// A `$HELM_BIN` stand-in: prints `version`, logs every call, answers the calls `upgrade` makes.
fn fake_helm(dir: &Path, version: &str, plugins: &str) -> PathBuf {
    let p = dir.join("helm");
    let log = dir.join("calls.log");
    let manifest = "---\\n# Source: c/templates/cm.yaml\\napiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: cm\\n";
    let script = format!(
        r#"#!/bin/sh
echo "$*" >> '{log}'
case "$*" in
  "version --short") echo '{version}' ;;
  *"plugin list"*) printf 'NAME\tVERSION\tTYPE\n{plugins}' ;;
  *"history"*) printf '%s' '[{{"revision":1,"status":"superseded"}},{{"revision":2,"status":"deployed"}}]' ;;
  *"get values"*) printf 'zeebe:\n  clusterSize: 1\n' ;;
  *"get manifest"*) printf '%b' '{manifest}' ;;
  *"upgrade"*"--dry-run"*) printf '%s' '{{"name":"r","manifest":"{manifest}"}}' ;;
  *"upgrade"*) echo "applied" ;;
  *) echo "unexpected: $*" >&2; exit 9 ;;
esac
"#,
        log = log.display(),
    );
    std::fs::write(&p, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

fn calls(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("calls.log")).unwrap_or_default().lines().map(String::from).collect()
}

fn upgrade(dir: &Path, helm: &Path, args: &[&str]) -> Run {
    let mut c = Command::new(our_bin());
    c.current_dir(dir).arg("upgrade").args(args).env("HELM_BIN", helm).env("HELM_NAMESPACE", "camunda");
    for v in ["HELM_KUBECONTEXT", "KUBECONFIG", "HELM_DEBUG", "HELM_PLUGIN_DIR"] {
        c.env_remove(v);
    }
    Run::from(c.output().unwrap())
}

#[test]
fn force_is_refused_with_the_reason_before_helm_is_called() {
    let d = tempfile::tempdir().unwrap();
    let helm = fake_helm(d.path(), "v3.17.3+ge4da497", "");
    let r = upgrade(d.path(), &helm, &["camunda", "camunda/camunda-platform", "--version", "13.0.0", "--force"]);
    assert_eq!(r.code, Some(4), "{}", r.stderr);
    assert!(r.stderr.contains("--force is refused"), "{}", r.stderr);
    assert!(r.stderr.contains("immutable fields") && r.stderr.contains("#4767"), "{}", r.stderr);
    assert_eq!(calls(d.path()), Vec::<String>::new());
}

#[test]
fn reuse_values_and_post_renderer_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let helm = fake_helm(d.path(), "v3.17.3", "");
    for flag in [&["--reuse-values"][..], &["--post-renderer", "./kustomize.sh"][..]] {
        let mut args = vec!["camunda", "chart"];
        args.extend(flag);
        let r = upgrade(d.path(), &helm, &args);
        assert_eq!(r.code, Some(4), "{flag:?}: {}", r.stderr);
        assert!(r.stderr.contains(&format!("{} is refused", flag[0])), "{}", r.stderr);
    }
    assert_eq!(calls(d.path()), Vec::<String>::new());
}

#[test]
fn usage_errors_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let helm = fake_helm(d.path(), "v3.17.3", "");
    for args in [&["r", "c", "--apply", "--dry-run"][..], &["r", "c", "--set"][..], &["r"][..]] {
        let r = upgrade(d.path(), &helm, args);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
    }
    let help = upgrade(d.path(), &helm, &["r", "c", "--help"]);
    assert_eq!(help.code, Some(0));
    assert!(help.stdout.contains("Without --apply this is a dry run"), "{}", help.stdout);
}

#[test]
fn helm_older_than_3_9_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let helm = fake_helm(d.path(), "v3.8.2+g6e3701e", "");
    let r = upgrade(d.path(), &helm, &["camunda", "chart"]);
    assert_eq!(r.code, Some(4), "{}", r.stderr);
    assert!(r.stderr.contains("Helm v3.8.2 is too old"), "{}", r.stderr);
    assert_eq!(calls(d.path()), ["version --short"]);
}

#[test]
fn helm4_needs_the_postrenderer_plugin() {
    let d = tempfile::tempdir().unwrap();
    let helm = fake_helm(d.path(), "v4.2.4+g1234567", "camunda-upgrade\t0.1.0\tcli/v1\n");
    let r = upgrade(d.path(), &helm, &["camunda", "chart"]);
    assert_eq!(r.code, Some(4), "{}", r.stderr);
    assert!(r.stderr.contains("helm plugin install") && r.stderr.contains("plugins/camunda-upgrade-check"));
}

#[test]
fn helm4_runs_check_as_the_postrenderer_plugin() {
    let d = tempfile::tempdir().unwrap();
    let helm = fake_helm(d.path(), "v4.2.4+g1234567", "camunda-upgrade-check\t0.1.0\tpostrenderer/v1\n");
    let r = upgrade(d.path(), &helm, &["camunda", "chart", "--version", "13.0.0", "--apply"]);
    let calls = calls(d.path());
    let ups: Vec<&String> = calls.iter().filter(|c| c.contains("upgrade camunda chart")).collect();
    assert_eq!(ups.len(), 2, "a dry run, then the upgrade: {calls:?}\n{}", r.stderr);
    for u in &ups {
        let start = "--namespace camunda upgrade camunda chart -f camunda-values-8.8.yaml --version 13.0.0";
        assert!(u.starts_with(start), "{u}");
        let pr = " --post-renderer camunda-upgrade-check --post-renderer-args --release=camunda \
                  --post-renderer-args --namespace=camunda";
        assert!(u.contains(pr), "{u}");
        assert!(!u.contains("--post-renderer-args check"), "Helm 4's plugin adds `check` itself: {u}");
    }
    assert!(ups[0].ends_with("--dry-run --output json"), "{}", ups[0]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, "applied\n");
}

#[test]
fn a_bare_helm_bin_and_the_plugin_context_reach_every_helm_call() {
    let d = tempfile::tempdir().unwrap();
    fake_helm(d.path(), "v3.17.3+ge4da497", "");
    let path = format!("{}:{}", d.path().display(), std::env::var("PATH").unwrap_or_default());
    let mut c = Command::new(our_bin());
    c.current_dir(d.path()).args(["upgrade", "r", "chart", "--wait"]);
    c.env("PATH", path).env("HELM_BIN", "helm").env("HELM_NAMESPACE", "camunda").env("HELM_KUBECONTEXT", "prod");
    c.env("KUBECONFIG", "/k/config").env("HELM_DEBUG", "true");
    let r = Run::from(c.output().unwrap());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let ctx = "--namespace camunda --kube-context prod --kubeconfig /k/config --debug";
    let calls = calls(d.path());
    assert_eq!(calls[0], "version --short");
    assert_eq!(calls[1], format!("{ctx} history r --output json"));
    // The revision Helm patches from: the last deployed one.
    assert_eq!(calls[2], format!("{ctx} get values r --output yaml --revision 2"));
    let exe = our_bin().display().to_string();
    assert_eq!(
        calls[3],
        format!(
            "{ctx} upgrade r chart -f r-values-8.8.yaml --wait --post-renderer {exe} --post-renderer-args check \
             --post-renderer-args --release=r --post-renderer-args --namespace=camunda --dry-run --output json"
        )
    );
    assert_eq!(calls[4], format!("{ctx} get manifest r --revision 2"));
    assert_eq!(calls.len(), 5, "a dry run applies nothing: {calls:?}");
    // HELM_DEBUG: each call is logged (never its output).
    assert!(r
        .stderr
        .contains(&format!("helm-camunda-upgrade: running {}/helm {ctx} get values r", d.path().display())));
    assert!(r.stdout.contains("kind: ConfigMap"), "the render is the product: {}", r.stdout);
}
