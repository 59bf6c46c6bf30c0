//! `check` as a real Helm post-renderer, on Helm 3.17.3 and 3.10.1, over the
//! small charts in tests/check/charts/ (13.1+ names and 13.0 names, with a
//! pre-install/pre-upgrade hook). Pass-through must give exactly Helm's own
//! output; a failed check must abort Helm with our message.

#[path = "check/support.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::{bin, helm_cmd, path, read};

const VERSIONS: [&str; 2] = ["3.17.3", "3.10.1"];
const DATA: &str = "orchestration.migration.data.enabled=true";
const IDENTITY: &str = "orchestration.migration.identity.enabled=true";

fn chart(name: &str) -> PathBuf {
    path(&format!("charts/{name}"))
}

/// `helm template camunda <chart> -n camunda --set <sets...> <extra...>`.
fn template(version: &str, home: &Path, chart_name: &str, sets: &[&str], extra: &[&str]) -> Output {
    let mut cmd = helm_cmd(version, home);
    cmd.args(["template", "camunda"]).arg(chart(chart_name)).args(["--namespace", "camunda"]);
    for s in sets {
        cmd.args(["--set", s]);
    }
    cmd.args(extra).output().expect("running helm")
}

/// The post-renderer flags: our binary, `check`, then `args` one per flag.
fn post_render(args: &[&str]) -> Vec<String> {
    let mut v = vec!["--post-renderer".to_string(), bin().to_str().unwrap().to_string()];
    for a in std::iter::once(&"check").chain(args) {
        v.push("--post-renderer-args".into());
        v.push(a.to_string());
    }
    v
}

fn ok(o: &Output) -> &[u8] {
    assert!(o.status.success(), "helm failed:\n{}", String::from_utf8_lossy(&o.stderr));
    &o.stdout
}

fn with_post_renderer(version: &str, home: &Path, chart_name: &str, sets: &[&str], args: &[&str]) -> Output {
    let pr = post_render(args);
    let pr: Vec<&str> = pr.iter().map(String::as_str).collect();
    template(version, home, chart_name, sets, &pr)
}

#[test]
fn pass_through_is_identical_to_helm_without_a_post_renderer() {
    let home = tempfile::tempdir().unwrap();
    for version in VERSIONS {
        for (chart_name, sets) in
            [("camunda-13x", vec![DATA]), ("camunda-13x", vec![DATA, IDENTITY]), ("camunda-130", vec![DATA])]
        {
            let plain = template(version, home.path(), chart_name, &sets, &[]);
            let args: &[&str] = if sets.contains(&IDENTITY) { &["--require=identity-migration"] } else { &[] };
            let checked = with_post_renderer(version, home.path(), chart_name, &sets, args);
            assert_eq!(
                String::from_utf8_lossy(ok(&checked)),
                String::from_utf8_lossy(ok(&plain)),
                "Helm {version}, {chart_name} {sets:?}: output differs with the post-renderer"
            );
            // The hook is in Helm's output (Helm appends it after the post-rendered part).
            assert!(String::from_utf8_lossy(&plain.stdout).contains("\"helm.sh/hook\": pre-install,pre-upgrade"));
        }
    }
}

#[test]
fn a_failed_check_aborts_helm_with_our_message() {
    let home = tempfile::tempdir().unwrap();
    for version in VERSIONS {
        for chart_name in ["camunda-13x", "camunda-130"] {
            let o = with_post_renderer(version, home.path(), chart_name, &[], &[]);
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "Helm {version}: {err}");
            assert!(o.stdout.is_empty(), "Helm {version} printed manifests after a failed check");
            assert!(err.contains("Error: error while running post render on files"), "{err}");
            assert!(err.contains("FAILED importer: no importer Deployment"), "{err}");
            assert!(err.contains("FAILED data-migration"), "{err}");
            assert!(err.contains("set `orchestration.migration.data.enabled: true`"), "{err}");
            assert!(err.contains("exit status 4"), "{err}");
        }
        // Opt-in identity migration, through --post-renderer-args.
        let o = with_post_renderer(version, home.path(), "camunda-13x", &[DATA], &["--require", "identity-migration"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(
            err.contains("FAILED identity-migration") && err.contains("orchestration.migration.identity.enabled: true")
        );
    }
}

#[test]
fn a_renamed_orchestration_is_refused() {
    let home = tempfile::tempdir().unwrap();
    for version in VERSIONS {
        let sets = [DATA, "orchestration.fullnameOverride=camunda-orchestration"];
        let o = with_post_renderer(version, home.path(), "camunda-13x", &sets, &["--release=camunda"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(
            err.contains("FAILED zeebe-statefulset: StatefulSet camunda-orchestration has a different name")
                && err.contains("than 8.7's camunda-zeebe"),
            "{err}"
        );
    }
}

#[test]
fn helm_3_never_passes_hooks_to_the_post_renderer() {
    let home = tempfile::tempdir().unwrap();
    for version in VERSIONS {
        let summary = home.path().join(format!("summary-{version}.json"));
        let s = format!("--summary={}", summary.display());
        let o = with_post_renderer(
            version,
            home.path(),
            "camunda-13x",
            &[DATA],
            &["--output=json", &s, "--release=camunda", "--namespace=camunda"],
        );
        let out = String::from_utf8_lossy(ok(&o)).into_owned();
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
        assert_eq!(v["input"]["shape"], "helm3");
        assert_eq!(v["input"]["hooks"], 0, "Helm {version} passed a hook to the post-renderer");
        assert_eq!(v["namespace"], "camunda");
        let documents = out.matches("\n---\n").count() + 1;
        assert_eq!(v["input"]["objects"].as_u64().unwrap() as usize, documents - 1, "all but the hook were checked");
        assert!(out.trim_end().ends_with("command: [\"true\"]"), "the hook comes last, unprocessed");
    }
}

/// The committed streams that tests/check_cli.rs reads are what Helm renders
/// from the test charts.
#[test]
fn committed_streams_match_the_charts() {
    let home = tempfile::tempdir().unwrap();
    let no_hook = "hookJob.enabled=false";
    for (file, chart_name, sets) in [
        ("helm3-13x-data.yaml", "camunda-13x", vec![no_hook, DATA]),
        ("helm3-13x-full.yaml", "camunda-13x", vec![no_hook, DATA, IDENTITY]),
        ("helm3-13x-default.yaml", "camunda-13x", vec![no_hook]),
        ("helm3-130-data.yaml", "camunda-130", vec![no_hook, DATA]),
        ("helm3-130-default.yaml", "camunda-130", vec![no_hook]),
    ] {
        let o = template("3.17.3", home.path(), chart_name, &sets, &[]);
        assert!(ok(&o) == read(&format!("streams/{file}")), "tests/check/streams/{file} is stale");
    }
}

/// `--post-renderer helm --post-renderer-args camunda-upgrade --post-renderer-args check`:
/// Helm runs itself, which runs the installed plugin. The plugin is the
/// project's own plugin.yaml with bin/ pointing at the binary under test.
#[test]
fn through_the_installed_plugin() {
    let home = tempfile::tempdir().unwrap();
    let plugin = home.path().join("plugins/camunda-upgrade");
    std::fs::create_dir_all(plugin.join("bin")).unwrap();
    std::fs::copy(support::root().join("plugin.yaml"), plugin.join("plugin.yaml")).unwrap();
    std::os::unix::fs::symlink(bin(), plugin.join("bin/helm-camunda-upgrade")).unwrap();
    for version in VERSIONS {
        // `helm` must be found on PATH under that name.
        let path_dir = home.path().join(format!("path-{version}"));
        std::fs::create_dir_all(&path_dir).unwrap();
        std::os::unix::fs::symlink(support::helm(version), path_dir.join("helm")).unwrap();
        let path_var = format!("{}:{}", path_dir.display(), std::env::var("PATH").unwrap_or_default());
        let run = |sets: &[&str], args: &[&str]| {
            let mut cmd = helm_cmd(version, home.path());
            cmd.env("PATH", &path_var).args(["template", "camunda"]).arg(chart("camunda-13x"));
            cmd.args(["--namespace", "camunda"]);
            for s in sets {
                cmd.args(["--set", s]);
            }
            cmd.args(["--post-renderer", "helm"]);
            for a in ["camunda-upgrade", "check"].iter().chain(args) {
                cmd.args(["--post-renderer-args", a]);
            }
            cmd.output().unwrap()
        };
        let plain = template(version, home.path(), "camunda-13x", &[DATA], &[]);
        let checked = run(&[DATA], &["--release=camunda", "--release-namespace=camunda"]);
        assert_eq!(ok(&checked), ok(&plain), "Helm {version}: the plugin route changed the output");

        let o = run(&[], &[]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(
            err.contains("FAILED importer") && err.contains("Error: plugin \"camunda-upgrade\" exited with error"),
            "{err}"
        );
    }
}
