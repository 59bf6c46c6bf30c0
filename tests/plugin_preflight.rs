//! The immutable-field preflight proven against a real kube-apiserver (1.20.2): for each case a
//! release of tests/plugin/charts/immutable is installed, the preflight compares its manifest
//! with the upgrade's render, and then the same upgrade runs with plain `helm upgrade` (no
//! preflight). Every change the preflight flags must be refused by the API server; every case
//! it passes must be accepted.

#[path = "plugin/kube.rs"]
mod kube;
#[path = "plugin/support.rs"]
mod support;

use helm_camunda_upgrade::preflight::{immutable_changes, parse_manifest};
use support::{helm_bin, root, HelmHome};

/// (what, --set for the install, --set added for the upgrade, fields the preflight must name;
/// none = the upgrade must be accepted)
type Case = (&'static str, &'static str, &'static str, &'static [&'static str]);

fn chart() -> String {
    root().join("tests/plugin/charts/immutable").display().to_string()
}

fn run_cases(cases: &[Case]) {
    let api = kube::kube_api();
    let home = HelmHome::new(helm_bin("3.17.3")).with_kubeconfig(&api.kubeconfig);
    for (what, base, change, want) in cases {
        let ns = kube::unique_namespace("pf");
        home.run(["install", "r", &chart(), "-n", &ns, "--create-namespace", "--set", base]).ok(what);
        let previous = home.run(["get", "manifest", "r", "-n", &ns]).ok(what).stdout;
        let rendered = home.run(["template", "r", &chart(), "-n", &ns, "--set", base, "--set", change]).ok(what).stdout;
        let findings = immutable_changes(
            &parse_manifest("previous", &previous).unwrap(),
            &parse_manifest("rendered", &rendered).unwrap(),
            &ns,
        );
        let fields: Vec<&str> = findings.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(&fields, want, "{what}: preflight findings");
        for f in &findings {
            assert!(!f.way_out.is_empty() && f.namespace == ns, "{what}: {f}");
        }

        // The same upgrade without the preflight: the API server decides.
        let up = home.run(["upgrade", "r", &chart(), "-n", &ns, "--set", base, "--set", change]);
        if want.is_empty() {
            assert_eq!(up.code, Some(0), "{what}: the API server refused a change the preflight passed\n{}", up.stderr);
            let status = home.run(["status", "r", "-n", &ns, "-o", "json"]).ok(what).stdout;
            assert!(status.contains("\"version\":2") && status.contains("\"status\":\"deployed\""), "{what}: {status}");
        } else {
            assert_eq!(up.code, Some(1), "{what}: the API server accepted a change the preflight flagged");
            let kind = &findings[0].kind;
            assert!(
                up.stderr.contains(&format!("with kind {kind}: {kind}"))
                    || up.stderr.contains(&format!("with kind {kind}:")),
                "{what}: {}",
                up.stderr
            );
            let refusal = ["field is immutable", "Forbidden", "may not change once set", "can not be less"];
            assert!(
                refusal.iter().any(|r| up.stderr.contains(r)),
                "{what}: not an immutable-field refusal: {}",
                up.stderr
            );
        }
    }
}

#[test]
fn statefulset() {
    let base = "sts.enabled=true";
    run_cases(&[
        (
            "replicas, image, updateStrategy",
            base,
            "sts.replicas=2,sts.image=busybox:1.37,sts.updateStrategy=OnDelete",
            &[],
        ),
        ("podManagementPolicy written as its default", base, "sts.podManagementPolicy=OrderedReady", &[]),
        ("volume size", base, "sts.storage=2Gi", &["spec.volumeClaimTemplates[data].spec.resources.requests.storage"]),
        ("serviceName", base, "sts.serviceName=sts-headless", &["spec.serviceName"]),
        ("selector", base, "sts.selector.app=sts2", &["spec.selector.matchLabels.app"]),
        ("podManagementPolicy", base, "sts.podManagementPolicy=Parallel", &["spec.podManagementPolicy"]),
    ]);
}

#[test]
fn deployment_and_daemonset() {
    run_cases(&[
        ("deployment template", "deploy.enabled=true", "deploy.image=busybox:1.37", &[]),
        ("deployment selector", "deploy.enabled=true", "deploy.selector.app=other", &["spec.selector.matchLabels.app"]),
        ("daemonset template", "ds.enabled=true", "ds.image=busybox:1.37", &[]),
        ("daemonset selector", "ds.enabled=true", "ds.selector.app=other", &["spec.selector.matchLabels.app"]),
    ]);
}

#[test]
fn job() {
    let base = "job.enabled=true";
    run_cases(&[
        ("parallelism and backoffLimit", base, "job.parallelism=2,job.backoffLimit=3", &[]),
        ("template", base, "job.image=busybox:1.37", &["spec.template.spec.containers[main].image"]),
        ("completions", base, "job.completions=2", &["spec.completions"]),
    ]);
}

#[test]
fn persistent_volume_claim() {
    let base = "pvc.enabled=true";
    run_cases(&[
        ("labels", base, "pvc.labels.team=data", &[]),
        ("accessModes", base, "pvc.accessModes={ReadWriteMany}", &["spec.accessModes[0]"]),
        ("storageClassName", base, "pvc.storageClassName=fast", &["spec.storageClassName"]),
        ("smaller request", base, "pvc.storage=500Mi", &["spec.resources.requests.storage"]),
    ]);
}

#[test]
fn service() {
    run_cases(&[
        ("port", "svc.enabled=true", "svc.port=81", &[]),
        ("the same explicit clusterIP", "svc.enabled=true,svc.clusterIP=10.0.200.201", "svc.port=81", &[]),
        (
            "explicit clusterIP after an allocated one",
            "svc.enabled=true",
            "svc.clusterIP=10.0.200.202",
            &["spec.clusterIP"],
        ),
        (
            "another clusterIP",
            "svc.enabled=true,svc.clusterIP=10.0.200.203",
            "svc.clusterIP=10.0.200.204",
            &["spec.clusterIP"],
        ),
        (
            "headless to an address",
            "svc.enabled=true,svc.clusterIP=None",
            "svc.clusterIP=10.0.200.205",
            &["spec.clusterIP"],
        ),
        ("an address to headless", "svc.enabled=true", "svc.clusterIP=None", &["spec.clusterIP"]),
    ]);
}

/// The checks that judge Camunda renders: off for the plain test chart.
const CAMUNDA_CHECKS: &str = "--skip=camunda-13,importer,data-migration,orchestration-images,zeebe-statefulset";

/// `check --previous FILE` as a filter (no cluster): refused with the field and the way out, or
/// passed through byte for byte.
#[test]
fn check_previous_file_as_a_filter() {
    let home = HelmHome::new(helm_bin("3.17.3"));
    let render = |set: &str| home.run(["template", "r", &chart(), "-n", "ns", "--set", set]).ok(set).stdout;
    let dir = tempfile::tempdir().unwrap();
    let previous = dir.path().join("previous.yaml");
    std::fs::write(&previous, render("job.enabled=true")).unwrap();
    let check = |stream: &str| {
        let mut c = std::process::Command::new(support::our_bin());
        c.args(["check", "--namespace", "ns", CAMUNDA_CHECKS, "--previous"]).arg(&previous);
        c.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(stream.as_bytes()).unwrap();
        support::Run::from(child.wait_with_output().unwrap())
    };
    let same = render("job.enabled=true,job.parallelism=3");
    let ok = check(&same).ok("a mutable change passes");
    assert_eq!(ok.stdout, same);
    let refused = check(&render("job.enabled=true,job.image=busybox:1.37"));
    assert_eq!(refused.code, Some(4), "{}", refused.stderr);
    assert!(refused.stdout.is_empty());
    assert!(refused.stderr.contains("FAILED immutable-fields"), "{}", refused.stderr);
    assert!(refused
        .stderr
        .contains("spec.template.spec.containers[main].image would change from busybox:1.36 to busybox:1.37"));
    assert!(refused.stderr.contains("kubectl delete job job -n ns"), "{}", refused.stderr);
}

/// `check --release NAME --require immutable-fields` as Helm's post-renderer on the real API
/// server: the release's manifest is read with $HELM_BIN, the refused change never reaches the
/// server (no new revision), a deleted Job is let through.
#[test]
fn check_release_as_helms_post_renderer() {
    let api = kube::kube_api();
    let home = HelmHome::new(helm_bin("3.17.3")).with_kubeconfig(&api.kubeconfig);
    let ns = kube::unique_namespace("pr");
    home.run(["install", "r", &chart(), "-n", &ns, "--create-namespace", "--set", "job.enabled=true"]).ok("install");
    let upgrade = |set: &str| {
        let mut c = home.cmd(["upgrade", "r", &chart(), "-n", &ns, "--set", set, "--post-renderer"]);
        c.arg(support::our_bin());
        for a in ["check", "--release=r", &format!("--namespace={ns}"), "--require=immutable-fields", CAMUNDA_CHECKS] {
            c.args(["--post-renderer-args", a]);
        }
        // The post-renderer inherits Helm's environment: the Helm and kubectl it should use.
        c.env("HELM_BIN", &home.helm).env("KUBECTL", kube::kubectl());
        support::Run::from(c.output().unwrap())
    };
    let version = || home.run(["status", "r", "-n", &ns, "-o", "json"]).ok("status").stdout;
    let refused = upgrade("job.enabled=true,job.image=busybox:1.37");
    assert_eq!(refused.code, Some(1));
    assert!(refused.stderr.contains("error while running post render"), "{}", refused.stderr);
    assert!(refused.stderr.contains("FAILED immutable-fields"), "{}", refused.stderr);
    assert!(version().contains("\"version\":1"), "nothing applied: {}", version());

    let job = format!("/apis/batch/v1/namespaces/{ns}/jobs/job?propagationPolicy=Background");
    assert_eq!(api.request("DELETE", &job).0, 200);
    upgrade("job.enabled=true,job.image=busybox:1.37").ok("the Job is gone: Helm creates it anew");
    assert!(version().contains("\"version\":2"), "{}", version());
}
