//! `helm plugin install <this checkout>` with real Helm 3.10.1 and 3.17.3: the install hook builds
//! the binary with cargo, `helm camunda-upgrade` runs it, a neighbour plugin keeps working, and
//! `helm plugin uninstall` removes only the link.

#[path = "plugin/support.rs"]
mod support;

use std::path::Path;
use std::sync::Mutex;

use support::{helm_bin, our_bin, root, HelmHome, Run};

/// Both tests' install hooks write <checkout>/bin/: one at a time.
static HOOK: Mutex<()> = Mutex::new(());

const NEIGHBOUR_MANIFEST: &str = "name: hcu-neighbour
version: 1.0.0
usage: a neighbour plugin
description: stands for any other plugin the user has installed
platformCommand:
  - os: linux
    command: $HELM_PLUGIN_DIR/run.sh
  - os: darwin
    command: $HELM_PLUGIN_DIR/run.sh
";

/// A second, ordinary plugin: one broken manifest in the plugins dir makes Helm 3 drop them all.
fn install_neighbour(home: &HelmHome) {
    let src = home.path().join("neighbour");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("plugin.yaml"), NEIGHBOUR_MANIFEST).unwrap();
    std::fs::write(src.join("run.sh"), "#!/bin/sh\necho \"neighbour ran: $*\"\n").unwrap();
    set_exec(&src.join("run.sh"));
    home.run(["plugin".as_ref(), "install".as_ref(), src.as_os_str()]).ok("install the neighbour plugin");
    assert_neighbour_works(home);
}

fn assert_neighbour_works(home: &HelmHome) {
    let r = home.run(["hcu-neighbour", "a", "b"]).ok("run the neighbour plugin");
    assert_eq!(r.stdout, "neighbour ran: a b\n");
    assert!(!r.stderr.contains("failed to load plugins"), "{}", r.stderr);
}

#[cfg(unix)]
fn set_exec(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn plugin_names(home: &HelmHome) -> Vec<String> {
    let r = home.run(["plugin", "list"]).ok("helm plugin list");
    // Long descriptions wrap onto lines that start with blanks.
    let rows = r.stdout.lines().skip(1).filter(|l| !l.starts_with(char::is_whitespace));
    rows.filter_map(|l| l.split_whitespace().next()).map(String::from).collect()
}

fn direct(args: &[&str]) -> Run {
    Run::from(std::process::Command::new(our_bin()).args(args).output().unwrap())
}

const VALUES_87: &str = "# 8.7 values
global:
  identity:
    auth:
      enabled: false
zeebe:
  clusterSize: 3
  partitionCount: 3
";

fn install_run_uninstall(version: &str) {
    let _one_at_a_time = HOOK.lock().unwrap_or_else(|e| e.into_inner());
    let home = HelmHome::new(helm_bin(version));
    install_neighbour(&home);

    let r = home.run(["plugin".as_ref(), "install".as_ref(), root().as_os_str()]).ok("helm plugin install <checkout>");
    assert!(r.stdout.contains("Installed plugin: camunda-upgrade"), "{}", r.stdout);
    // The hook took the cargo path and smoke-tested what it built.
    assert!(r.stderr.contains("camunda-upgrade install: building with cargo"), "{}", r.stderr);
    assert!(r.stderr.contains("camunda-upgrade install: installed helm-camunda-upgrade "), "{}", r.stderr);
    assert!(root().join("bin/helm-camunda-upgrade").is_file());

    // Helm 3 sees exactly the two plugins: the Helm 4 post-renderer manifest was not installed.
    let mut names = plugin_names(&home);
    names.sort();
    assert_eq!(names, ["camunda-upgrade", "hcu-neighbour"]);
    assert_eq!(std::fs::read_dir(home.plugins()).unwrap().count(), 2);

    // `--help` and `--version` are forwarded to our binary, byte for byte.
    let help = home.run(["camunda-upgrade", "--help"]).ok("helm camunda-upgrade --help");
    assert_eq!(help.stdout, direct(&["--help"]).stdout);
    assert!(help.stdout.contains("migrate"), "{}", help.stdout);
    let v = home.run(["camunda-upgrade", "--version"]).ok("helm camunda-upgrade --version");
    assert_eq!(v.stdout, format!("helm-camunda-upgrade {}\n", env!("CARGO_PKG_VERSION")));

    // `migrate` through Helm behaves exactly as the binary does, exit code included; Helm's
    // global flags (-n, --kube-context) are taken out of the arguments before they reach us.
    let values = home.path().join("values-8.7.yaml");
    std::fs::write(&values, VALUES_87).unwrap();
    let vs = values.to_str().unwrap();
    let via_helm = home.run(["-n", "camunda", "camunda-upgrade", "migrate", vs, "--kube-context", "x"]);
    let plain = direct(&["migrate", vs]);
    assert_eq!(via_helm.code, plain.code, "exit code passes through Helm\n{}", via_helm.stderr);
    assert_eq!(via_helm.stdout, plain.stdout);
    assert!(plain.stderr.lines().all(|l| via_helm.stderr.contains(l)), "{}\n---\n{}", via_helm.stderr, plain.stderr);
    if plain.code != Some(0) {
        assert!(via_helm.stderr.contains("Error: plugin \"camunda-upgrade\" exited with error"), "{}", via_helm.stderr);
    }

    // Completion scripts come through the plugin too.
    let bash = home.run(["camunda-upgrade", "completion", "bash"]).ok("completion through helm");
    assert_eq!(bash.stdout, direct(&["completion", "bash"]).stdout);

    assert_neighbour_works(&home);
    let r = home.run(["plugin", "uninstall", "camunda-upgrade"]).ok("helm plugin uninstall");
    assert!(r.stdout.contains("Uninstalled plugin: camunda-upgrade"), "{}", r.stdout);
    assert_eq!(plugin_names(&home), ["hcu-neighbour"]);
    assert_neighbour_works(&home);
    // Uninstalling removed Helm's link, not the checkout.
    assert!(root().join("plugin.yaml").is_file() && root().join("scripts/install.sh").is_file());
}

#[test]
fn helm_3_10_installs_runs_and_uninstalls_the_plugin() {
    install_run_uninstall("3.10.1");
}

#[test]
fn helm_3_17_installs_runs_and_uninstalls_the_plugin() {
    install_run_uninstall("3.17.3");
}
