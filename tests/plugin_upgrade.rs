//! `helm camunda-upgrade upgrade` end to end on a real kube-apiserver: a release of the
//! 12.x-like test chart upgraded to the 13.x-like one (tests/plugin/charts), checked in the API
//! server; the unmigrated upgrade refused by the server as the preflight predicts; a changed Job
//! caught before anything is applied, and its way out followed.

#[path = "plugin/kube.rs"]
mod kube;
#[path = "plugin/support.rs"]
mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::{helm_bin, our_bin, root, HelmHome, Run};

const VALUES_87: &str = "# the 8.7 values of the test release
zeebe:
  clusterSize: 1
  partitionCount: 1
  replicationFactor: 1
  pvcSize: 64Gi
operate:
  enabled: true
tasklist:
  enabled: false
";
/// The 13.x default is off; the upgrade from 8.7 needs it (the check insists). `migrate`
/// writes it; the unmigrated upgrade gets it by hand, to differ only in what migrate does.
const DATA_MIGRATION: &str = "orchestration.migration.data.enabled=true";

fn chart(v: u32) -> String {
    root().join(format!("tests/plugin/charts/camunda-{v}")).display().to_string()
}

/// A namespace with release `r` of the 12.x-like chart installed from VALUES_87.
fn installed(home: &HelmHome, prefix: &str) -> (String, tempfile::TempDir) {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("values-8.7.yaml"), VALUES_87).unwrap();
    let ns = kube::unique_namespace(prefix);
    let values = work.path().join("values-8.7.yaml");
    home.run(["install", "r", &chart(12), "-n", &ns, "--create-namespace", "-f", values.to_str().unwrap()])
        .ok("install the 12.x-like release");
    (ns, work)
}

/// What `migrate` makes of the release's values as `helm get values` gives them (the input of
/// `upgrade`), and its exit code: `upgrade` must agree.
fn migrated(home: &HelmHome, ns: &str) -> (String, Option<i32>) {
    let values = home.run(["get", "values", "r", "-n", ns, "-o", "yaml"]).ok("get values").stdout;
    let mut c = Command::new(our_bin());
    c.arg("migrate").stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped());
    c.stderr(std::process::Stdio::null());
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(values.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (String::from_utf8(out.stdout).unwrap(), out.status.code())
}

fn our_upgrade(home: &HelmHome, ns: &str, cwd: &Path, args: &[&str]) -> Run {
    let mut c = Command::new(our_bin());
    home.env(&mut c);
    // As Helm runs a plugin: HELM_BIN and the namespace from the environment.
    c.current_dir(cwd).env("HELM_BIN", &home.helm).env("HELM_NAMESPACE", ns).env("KUBECTL", kube::kubectl());
    c.arg("upgrade").args(args);
    Run::from(c.output().unwrap())
}

fn revision(home: &HelmHome, ns: &str) -> (u64, String) {
    let s: Value =
        serde_json::from_str(&home.run(["status", "r", "-n", ns, "-o", "json"]).ok("status").stdout).unwrap();
    (s["version"].as_u64().unwrap(), s["info"]["status"].as_str().unwrap().to_string())
}

#[test]
fn unmigrated_values_are_refused_by_the_api_server_as_the_preflight_predicts() {
    let api = kube::kube_api();
    let home = HelmHome::new(helm_bin("3.17.3")).with_kubeconfig(&api.kubeconfig);
    let (ns, work) = installed(&home, "unmigrated");
    let values = work.path().join("values-8.7.yaml");
    let v = values.to_str().unwrap();

    let previous = home.run(["get", "manifest", "r", "-n", &ns]).ok("get manifest").stdout;
    let rendered = home.run(["template", "r", &chart(13), "-n", &ns, "-f", v, "--set", DATA_MIGRATION]).ok("template");
    let parse = |t: &str| helm_camunda_upgrade::preflight::parse_manifest("m", t).unwrap();
    let findings = helm_camunda_upgrade::preflight::immutable_changes(&parse(&previous), &parse(&rendered.stdout), &ns);
    let seen: Vec<String> =
        findings.iter().map(|f| format!("{}/{} {}: {} -> {}", f.kind, f.name, f.field, f.old, f.new)).collect();
    // 13.x ignores zeebe.pvcSize: the default size would replace the release's.
    assert_eq!(
        seen,
        ["StatefulSet/r-zeebe spec.volumeClaimTemplates[data].spec.resources.requests.storage: 64Gi -> 32Gi"]
    );

    let up = home.run(["upgrade", "r", &chart(13), "-n", &ns, "-f", v, "--set", DATA_MIGRATION]);
    assert_eq!(up.code, Some(1), "{}", up.stderr);
    assert!(up.stderr.contains("updates to statefulset spec for fields other than"), "{}", up.stderr);
}

#[test]
fn dry_run_then_apply_then_a_changed_job_is_caught_before_anything_is_applied() {
    let api = kube::kube_api();
    let home = HelmHome::new(helm_bin("3.17.3")).with_kubeconfig(&api.kubeconfig);
    let (ns, work) = installed(&home, "upgrade");
    let (want_values, want_code) = migrated(&home, &ns);
    let cwd = work.path();

    // Dry run (the default): nothing applied, values written, the render on stdout.
    let dry = our_upgrade(&home, &ns, cwd, &["r", &chart(13)]);
    assert_eq!(dry.code, want_code, "{}", dry.stderr);
    assert!(dry.stderr.contains("Dry run: nothing applied"), "{}", dry.stderr);
    for line in [
        "+ Deployment/r-zeebe-migration-importer",
        "+ Job/r-zeebe-migration-data",
        "~ StatefulSet/r-zeebe",
        "- Deployment/r-operate",
        "- Deployment/r-zeebe-gateway",
    ] {
        assert!(dry.stderr.contains(line), "summary lacks {line}: {}", dry.stderr);
    }
    assert!(dry.stdout.contains("name: r-zeebe-migration-data") && dry.stdout.contains("storage: 64Gi"));
    let file = cwd.join("r-values-8.8.yaml");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), want_values);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(revision(&home, &ns), (1, "deployed".into()));

    // Apply: the release and the API server hold the 8.8 values and objects.
    let up = our_upgrade(&home, &ns, cwd, &["r", &chart(13), "--apply"]);
    assert_eq!(up.code, want_code, "{}", up.stderr);
    assert_eq!(revision(&home, &ns), (2, "deployed".into()));
    let got: Value =
        serde_json::from_str(&home.run(["get", "values", "r", "-n", &ns, "-o", "json"]).ok("get values").stdout)
            .unwrap();
    let want: Value = serde_yaml::from_str(&want_values).unwrap();
    assert_eq!(got, want);
    let (code, sts) = api.get(&format!("/apis/apps/v1/namespaces/{ns}/statefulsets/r-zeebe"));
    assert_eq!(code, 200);
    assert_eq!(sts["spec"]["template"]["spec"]["containers"][0]["image"], "camunda/camunda:8.8.0");
    assert_eq!(sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"], "64Gi");
    assert_eq!(sts["spec"]["replicas"], 1);
    assert_eq!(api.get(&format!("/apis/apps/v1/namespaces/{ns}/deployments/r-operate")).0, 404);
    assert_eq!(api.get(&format!("/apis/apps/v1/namespaces/{ns}/deployments/r-zeebe-migration-importer")).0, 200);
    assert_eq!(api.get(&format!("/apis/batch/v1/namespaces/{ns}/jobs/r-zeebe-migration-data")).0, 200);

    // A later change to the orchestration values changes the Job's template: caught, not applied.
    let change = ["r", &chart(13), "--set", "orchestration.partitionCount=2", "--apply"];
    let caught = our_upgrade(&home, &ns, cwd, &change);
    assert_eq!(caught.code, Some(4), "{}", caught.stderr);
    assert!(caught.stderr.contains("Job/r-zeebe-migration-data"), "{}", caught.stderr);
    assert!(caught.stderr.contains("spec.template.metadata.annotations.checksum/config"), "{}", caught.stderr);
    assert!(caught.stderr.contains(&format!("kubectl delete job r-zeebe-migration-data -n {ns}")), "{}", caught.stderr);
    assert_eq!(revision(&home, &ns), (2, "deployed".into()));
    // Without the preflight the API server refuses the same upgrade.
    let f = file.to_str().unwrap();
    let plain = home.run(["upgrade", "r", &chart(13), "-n", &ns, "-f", f, "--set", change[3]]);
    assert_eq!(plain.code, Some(1));
    assert!(plain.stderr.contains("Job.batch \"r-zeebe-migration-data\" is invalid"), "{}", plain.stderr);
    assert!(plain.stderr.contains("field is immutable"), "{}", plain.stderr);
    // The way out: delete the finished Job, rerun. (Background, as kubectl does: the default
    // orphan policy waits for a garbage collector, and this API server runs none.) The preflight
    // sees that the Job is gone (kubectl) and lets Helm create it anew.
    let job = format!("/apis/batch/v1/namespaces/{ns}/jobs/r-zeebe-migration-data");
    assert_eq!(api.request("DELETE", &format!("{job}?propagationPolicy=Background")).0, 200);
    assert_eq!(api.get(&job).0, 404);
    let again = our_upgrade(&home, &ns, cwd, &change);
    assert_eq!(again.code, want_code, "{}", again.stderr);
    assert!(again.stderr.contains("Job/r-zeebe-migration-data no longer exists in the cluster"), "{}", again.stderr);
    // Revision 3 is the failed plain upgrade; the values came from revision 2, the last deployed.
    assert!(again.stderr.contains("Upgrade of release r (from revision 2)"), "{}", again.stderr);
    assert_eq!(revision(&home, &ns), (4, "deployed".into()));
    let (_, job_now) = api.get(&job);
    assert_ne!(job_now["spec"]["template"]["metadata"]["annotations"], Value::Null);
}

#[test]
fn through_the_plugin_on_helm_3_10() {
    let api = kube::kube_api();
    let home = HelmHome::new(helm_bin("3.10.1")).with_kubeconfig(&api.kubeconfig);
    home.run(["plugin".as_ref(), "install".as_ref(), root().as_os_str()]).ok("helm plugin install <checkout>");
    let (ns, work) = installed(&home, "plugin");
    let (_, want_code) = migrated(&home, &ns);
    let in_work = |args: &[&str]| {
        Run::from(home.cmd(args).current_dir(work.path()).env("KUBECTL", kube::kubectl()).output().unwrap())
    };

    // -n is Helm's: it reaches us as HELM_NAMESPACE.
    let up = in_work(&["-n", &ns, "camunda-upgrade", "upgrade", "r", &chart(13), "--apply"]);
    assert_eq!(up.code, want_code, "{}", up.stderr);
    assert_eq!(revision(&home, &ns), (2, "deployed".into()));
    assert!(work.path().join("r-values-8.8.yaml").is_file());

    // Helm's errors and our exit codes pass through the plugin.
    let missing = in_work(&["camunda-upgrade", "upgrade", "nope", &chart(13), "-n", &ns]);
    assert_eq!(missing.code, Some(1));
    assert!(missing.stderr.contains("release: not found"), "{}", missing.stderr);
    let force = in_work(&["camunda-upgrade", "upgrade", "r", &chart(13), "-n", &ns, "--force"]);
    assert_eq!(force.code, Some(4), "{}", force.stderr);
    assert!(force.stderr.contains("--force is refused"), "{}", force.stderr);

    home.run(["plugin", "uninstall", "camunda-upgrade"]).ok("uninstall");
}

#[test]
fn install_a_new_release_from_8_7_values_files() {
    let api = kube::kube_api();
    let home = HelmHome::new(helm_bin("3.17.3")).with_kubeconfig(&api.kubeconfig);
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("values-8.7.yaml"), VALUES_87).unwrap();
    let ns = kube::unique_namespace("install");
    let args = ["fresh", &chart(13), "-f", "values-8.7.yaml", "--install", "--create-namespace", "--apply"];
    let r = our_upgrade(&home, &ns, work.path(), &args);
    let migrate = Command::new(our_bin()).current_dir(work.path()).args(["migrate", "values-8.7.yaml"]).output();
    assert_eq!(r.code, migrate.unwrap().status.code(), "{}", r.stderr);
    assert!(r.stderr.contains("release fresh does not exist yet: nothing to compare"), "{}", r.stderr);
    let (code, sts) = api.get(&format!("/apis/apps/v1/namespaces/{ns}/statefulsets/fresh-zeebe"));
    assert_eq!(code, 200);
    assert_eq!(sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"], "64Gi");
}
