//! `check --profile openmetadata` over small charts written for these tests
//! (tests/check/charts/om-*), rendered by real Helm 3.17.3 and 3.10.1: the
//! dependencies chart before (airflow-helm 8.9.0 shape) and after (Apache
//! Airflow 1.18.0 shape) the 1.11.3 refactor, and the openmetadata chart's
//! pipeline client Secret.

#[path = "check/support.rs"]
mod support;

use std::path::Path;
use std::process::Output;

use support::{bin, check, golden, helm_cmd, path, stderr};

const VERSIONS: [&str; 2] = ["3.17.3", "3.10.1"];
const RELEASE: &str = "om-deps";
/// The values `migrate --migration openmetadata-deps-1.11 --generate-secrets` leads to.
const MIGRATED: [&str; 2] = ["fernetKeySecretName=om-deps-airflow-keys", "dags.persistence.accessMode=ReadWriteMany"];

/// `helm template <release> tests/check/charts/<chart> --set ... <extra...>`.
fn template(version: &str, home: &Path, release: &str, chart: &str, sets: &[&str], extra: &[String]) -> Output {
    let mut cmd = helm_cmd(version, home);
    cmd.args(["template", release]).arg(path(&format!("charts/{chart}")));
    for s in sets {
        cmd.args(["--set", s]);
    }
    cmd.args(extra).output().expect("running helm")
}

fn rendered(version: &str, home: &Path, release: &str, chart: &str, sets: &[&str]) -> Vec<u8> {
    let o = template(version, home, release, chart, sets, &[]);
    assert!(o.status.success(), "helm template failed: {}", stderr(&o));
    o.stdout
}

/// The post-renderer flags: our binary, then `check` and `args`, one per flag.
fn post_render(args: &[&str]) -> Vec<String> {
    let mut v = vec!["--post-renderer".to_string(), bin().to_str().unwrap().to_string()];
    for a in std::iter::once("check").chain(args.iter().copied()) {
        v.push("--post-renderer-args".into());
        v.push(a.to_string());
    }
    v
}

/// The old release's manifest, as `helm get manifest` would give it.
fn previous(home: &Path) -> std::path::PathBuf {
    let file = home.join("previous.yaml");
    std::fs::write(&file, rendered("3.17.3", home, RELEASE, "om-deps-old", &[])).unwrap();
    file
}

#[test]
fn migrated_deps_values_pass_through_helm_unchanged() {
    let home = tempfile::tempdir().unwrap();
    for version in VERSIONS {
        let plain = rendered(version, home.path(), RELEASE, "om-deps-new", &MIGRATED);
        let checked = template(
            version,
            home.path(),
            RELEASE,
            "om-deps-new",
            &MIGRATED,
            &post_render(&["--profile=openmetadata"]),
        );
        assert!(checked.status.success(), "Helm {version}: {}", stderr(&checked));
        assert_eq!(String::from_utf8_lossy(&checked.stdout), String::from_utf8_lossy(&plain), "Helm {version}");
    }
}

#[test]
fn helm_stops_the_in_place_upgrade() {
    let home = tempfile::tempdir().unwrap();
    let prev = previous(home.path());
    let prev_arg = format!("--previous={}", prev.display());
    for version in VERSIONS {
        let args = post_render(&["--profile=openmetadata", &prev_arg, "--release=om-deps"]);
        let o = template(version, home.path(), RELEASE, "om-deps-new", &[], &args);
        assert!(!o.status.success(), "Helm {version} must fail");
        let err = stderr(&o);
        for want in [
            "FAILED selector-changes: Deployment om-deps-scheduler changes spec.selector",
            "FAILED pvc-changes: PersistentVolumeClaim om-deps-dags changes spec.accessModes[0] ReadWriteMany -> ReadWriteOnce",
            // Helm 3 hands no hooks to a post-renderer: the chart's fernet Secret is not in the stream.
            "FAILED fernet-key-secret: Secret om-deps-fernet-key is not among the release's resources",
            "`helm uninstall om-deps`",
        ] {
            assert!(err.contains(want), "Helm {version}: {want:?} missing in:\n{err}");
        }
        // With the migrated values only the selector (no values can keep it) stops the upgrade.
        let o = template(version, home.path(), RELEASE, "om-deps-new", &MIGRATED, &args);
        let err = stderr(&o);
        assert!(
            !o.status.success() && err.contains("1 of 5 checks failed") && err.contains("selector-changes"),
            "{err}"
        );
    }
}

#[test]
fn the_upgrade_report() {
    let home = tempfile::tempdir().unwrap();
    let prev = previous(home.path());
    let stream = rendered("3.17.3", home.path(), RELEASE, "om-deps-new", &[]);
    let o = check(&["--profile", "openmetadata", "--previous", prev.to_str().unwrap()], &stream);
    assert_eq!(o.status.code(), Some(4));
    assert!(o.stdout.is_empty());
    // `helm template` prints hooks: here the fernet Secret is seen as the pre-install hook it is.
    golden("om-deps-upgrade.txt", &stderr(&o).replace(prev.to_str().unwrap(), "previous.yaml"));
}

#[test]
fn an_old_dependencies_render_has_no_api_server() {
    let home = tempfile::tempdir().unwrap();
    let stream = rendered("3.17.3", home.path(), RELEASE, "om-deps-old", &[]);
    let o = check(&["--profile", "openmetadata"], &stream);
    assert_eq!(o.status.code(), Some(4));
    golden("om-deps-old.txt", &stderr(&o));
}

#[test]
fn the_pipeline_client_must_name_the_api_server() {
    let home = tempfile::tempdir().unwrap();
    let web =
        "openmetadata.config.pipelineServiceClientConfig.apiEndpoint=http://om-deps-web.data.svc.cluster.local:8080";
    let stream = rendered("3.17.3", home.path(), "openmetadata", "om-server", &[web]);
    let o = check(&["--profile", "openmetadata"], &stream);
    assert_eq!(o.status.code(), Some(4));
    golden("om-pipeline-web.txt", &stderr(&o));

    // The chart's own default passes on its own...
    let stream = rendered("3.17.3", home.path(), "openmetadata", "om-server", &[]);
    let o = check(&["--profile", "openmetadata"], &stream);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(o.stdout, stream);
    assert!(stderr(&o).contains("pipeline-client (Secret openmetadata-pipeline-secret)"), "{}", stderr(&o));
    assert!(stderr(&o).contains("pvc-changes (not run: needs --previous FILE"), "{}", stderr(&o));

    // ...but not beside a dependencies release of another name.
    let mut both = rendered("3.17.3", home.path(), RELEASE, "om-deps-new", &MIGRATED);
    both.extend(&stream);
    let o = check(&["--profile", "openmetadata"], &both);
    assert_eq!(o.status.code(), Some(4));
    let err = stderr(&o);
    let want = "points the pipeline client at http://openmetadata-dependencies-api-server:8080, but the Airflow \
                api-server Service in this stream is om-deps-api-server";
    assert!(err.contains(want), "{err}");
    assert!(err.contains("apiEndpoint to http://om-deps-api-server:8080"), "{err}");

    let right = "openmetadata.config.pipelineServiceClientConfig.apiEndpoint=http://om-deps-api-server:8080";
    let mut both = rendered("3.17.3", home.path(), RELEASE, "om-deps-new", &MIGRATED);
    both.extend(rendered("3.17.3", home.path(), "openmetadata", "om-server", &[right]));
    let o = check(&["--profile", "openmetadata"], &both);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_bad_previous_manifest_is_bad_input() {
    let home = tempfile::tempdir().unwrap();
    let bad = home.path().join("prev.yaml");
    std::fs::write(&bad, "kind: Deployment\nmetadata: {name: x\n").unwrap();
    let stream = rendered("3.17.3", home.path(), RELEASE, "om-deps-new", &MIGRATED);
    let o = check(&["--profile", "openmetadata", "--previous", bad.to_str().unwrap()], &stream);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(stderr(&o).contains("prev.yaml:"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}
