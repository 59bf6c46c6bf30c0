//! Both plugin manifests checked against the loading rules of Helm 3.0-3.21 and Helm 4 (research
//! notes on Helm plugins, sections 1 and 2). There is no Helm 4 binary to load them with, so the
//! rules are written out here as tables; tests/plugin_install.rs loads the legacy manifest with
//! real Helm 3.10.1 and 3.17.3.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(rel: &str) -> Map<String, Value> {
    let text = std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    match serde_yaml::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{rel}: {e}")) {
        Value::Object(m) => m,
        other => panic!("{rel}: not a mapping: {other}"),
    }
}

/// Keys Helm 3's strict decoder accepts in every 3.x release (`args`/`platformHooks` are 3.18+).
const LEGACY_KEYS_ALL_HELM3: &[&str] = &[
    "name",
    "version",
    "usage",
    "description",
    "command",
    "platformCommand",
    "ignoreFlags",
    "hooks",
    "downloaders",
    "useTunnel",
];
const LEGACY_PLATFORM_COMMAND_KEYS: &[&str] = &["os", "arch", "command"];
const HOOK_EVENTS: &[&str] = &["install", "update", "delete"];
/// Helm 4 `apiVersion: v1` top level (unknown keys rejected since 4.1.0).
const V1_KEYS: &[&str] = &["apiVersion", "type", "name", "version", "runtime", "sourceURL", "config", "runtimeConfig"];
const V1_TYPES: &[&str] = &["cli/v1", "getter/v1", "postrenderer/v1"];
const V1_RUNTIMES: &[&str] = &["subprocess", "extism/v1"];
const V1_SUBPROCESS_KEYS: &[&str] = &["platformCommand", "platformHooks"];
const V1_PLATFORM_COMMAND_KEYS: &[&str] = &["os", "arch", "command", "args"];
/// GOOS / GOARCH values we could meet; an unknown one would silently never match.
const GOOS: &[&str] = &["linux", "darwin", "windows", "freebsd", "openbsd", "netbsd"];
const GOARCH: &[&str] = &["amd64", "arm64", "386", "arm", "ppc64le", "s390x", "riscv64"];
/// Platforms the plugin must run on: (GOOS, GOARCH).
const PLATFORMS: &[(&str, &str)] =
    &[("linux", "amd64"), ("linux", "arm64"), ("darwin", "arm64"), ("darwin", "amd64"), ("windows", "amd64")];
/// Helm's own top-level commands (3.x and 4.x): a plugin may not take one of these names.
const HELM_COMMANDS: &[&str] = &[
    "completion",
    "create",
    "dependency",
    "env",
    "get",
    "help",
    "history",
    "install",
    "lint",
    "list",
    "package",
    "plugin",
    "pull",
    "push",
    "registry",
    "repo",
    "rollback",
    "search",
    "show",
    "status",
    "template",
    "test",
    "uninstall",
    "upgrade",
    "verify",
    "version",
];

fn unknown_keys(m: &Map<String, Value>, allowed: &[&str]) -> Vec<String> {
    m.keys().filter(|k| !allowed.contains(&k.as_str())).cloned().collect()
}

/// Strict SemVer 2.0.0 (what Helm 4.1.4+ demands): no leading `v`, no leading zeros, three parts.
fn is_strict_semver(v: &str) -> bool {
    let num = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    let ident = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let (rest, build) = match v.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| num(p))
        && pre.is_none_or(|p| p.split('.').all(|i| ident(i) && (!i.bytes().all(|b| b.is_ascii_digit()) || num(i))))
        && build.is_none_or(|b| b.split('.').all(ident))
}

#[test]
fn semver_rule_matches_helm4() {
    for ok in ["0.1.0", "1.2.3", "10.20.30", "1.0.0-rc.1", "1.0.0+g123", "1.0.0-alpha-1.2+b.7"] {
        assert!(is_strict_semver(ok), "{ok}");
    }
    for bad in ["0.1", "v0.1.0", "01.0.0", "1.0.0-01", "1.0", "1.0.0.0", "", "1.0.0-", "1.0.0+"] {
        assert!(!is_strict_semver(bad), "{bad}");
    }
}

fn name_ok(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn str_field<'a>(m: &'a Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or_else(|| panic!("`{k}` must be a string: {:?}", m.get(k)))
}

fn cargo_version() -> String {
    let text = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let line = text.lines().find(|l| l.starts_with("version = ")).expect("Cargo.toml version");
    line.trim_start_matches("version = ").trim_matches('"').to_string()
}

struct Entry {
    os: Option<String>,
    arch: Option<String>,
    command: String,
    args: Vec<String>,
}

fn entries(list: &Value, allowed: &[&str]) -> Vec<Entry> {
    let list = list.as_array().expect("platformCommand must be a list");
    assert!(!list.is_empty(), "platformCommand is empty");
    list.iter()
        .map(|e| {
            let m = e.as_object().expect("platformCommand entry must be a mapping");
            assert_eq!(unknown_keys(m, allowed), Vec::<String>::new(), "platformCommand entry keys");
            let s = |k: &str| m.get(k).map(|v| v.as_str().unwrap_or_else(|| panic!("{k}: not a string")).to_string());
            let strings = |a: &Value| -> Vec<String> {
                a.as_array().expect("args list").iter().map(|x| x.as_str().expect("arg").to_string()).collect()
            };
            let args = m.get("args").map(strings).unwrap_or_default();
            Entry { os: s("os"), arch: s("arch"), command: s("command").expect("command"), args }
        })
        .collect()
}

/// Helm 3.0-3.17 selection: only entries whose os equals GOOS; os+arch beats os-only.
fn select_pre_318<'a>(es: &'a [Entry], os: &str, arch: &str) -> Option<&'a Entry> {
    let same_os: Vec<&Entry> = es.iter().filter(|e| e.os.as_deref() == Some(os)).collect();
    same_os
        .iter()
        .find(|e| e.arch.as_deref() == Some(arch))
        .or_else(|| same_os.iter().find(|e| e.arch.is_none()))
        .copied()
}

/// Helm 3.18+ and Helm 4: exact os+arch, then os-only, then arch-only, then neither.
fn select_318<'a>(es: &'a [Entry], os: &str, arch: &str) -> Option<&'a Entry> {
    let rank = |e: &Entry| match (e.os.as_deref(), e.arch.as_deref()) {
        (Some(o), Some(a)) if o == os && a == arch => Some(0),
        (Some(o), None) if o == os => Some(1),
        (None, Some(a)) if a == arch => Some(2),
        (None, None) => Some(3),
        _ => None,
    };
    es.iter().filter_map(|e| rank(e).map(|r| (r, e))).min_by_key(|(r, _)| *r).map(|(_, e)| e)
}

fn check_platform_commands(es: &[Entry], exe: &str) {
    for e in es {
        let os = e.os.as_deref().expect("every platformCommand entry names its os (Helm < 3.18 ignores others)");
        assert!(GOOS.contains(&os), "unknown os {os}");
        if let Some(a) = &e.arch {
            assert!(GOARCH.contains(&a.as_str()), "unknown arch {a}");
        }
        // Helm splits the command on spaces and runs it without a shell.
        assert!(!e.command.contains(' '), "command has a space: {}", e.command);
    }
    for (os, arch) in PLATFORMS {
        let want = if *os == "windows" { format!("{exe}.exe") } else { exe.to_string() };
        let picks = [("Helm 3.0-3.17", select_pre_318(es, os, arch)), ("Helm 3.18+/4", select_318(es, os, arch))];
        for (helm, sel) in picks {
            let e = sel.unwrap_or_else(|| panic!("{helm}: no platformCommand for {os}/{arch}"));
            assert!(e.command.ends_with(&want), "{helm} {os}/{arch} runs {}", e.command);
        }
    }
}

#[test]
fn legacy_manifest_loads_on_helm3_and_helm4() {
    let m = load("plugin.yaml");
    // Helm 3 before 3.18 decodes strictly: one unknown key and no plugin loads at all.
    assert_eq!(unknown_keys(&m, LEGACY_KEYS_ALL_HELM3), Vec::<String>::new(), "keys Helm 3.0-3.17 reject");
    // An apiVersion would make Helm 4 read it as v1 (and Helm 3 reject it).
    assert!(!m.contains_key("apiVersion"));
    let name = str_field(&m, "name");
    assert_eq!(name, "camunda-upgrade");
    assert!(name_ok(name) && !HELM_COMMANDS.contains(&name));
    let version = str_field(&m, "version");
    assert!(is_strict_semver(version), "version {version:?} is not strict semver (Helm 4.1.4+)");
    assert_eq!(version, cargo_version(), "plugin.yaml and Cargo.toml versions differ");
    str_field(&m, "usage");
    str_field(&m, "description");
    if let Some(v) = m.get("ignoreFlags") {
        assert!(v.is_boolean());
    }
    // Helm 3.18.0 and Helm 4 refuse both forms; 3.18.1+ print a warning to stdout on every call.
    assert!(!(m.contains_key("command") && m.contains_key("platformCommand")), "both command and platformCommand");
    // `downloaders` turns a legacy plugin into a getter on Helm 4 (the CLI command disappears).
    assert!(!m.contains_key("downloaders"));
    let es = entries(&m["platformCommand"], LEGACY_PLATFORM_COMMAND_KEYS);
    check_platform_commands(&es, "$HELM_PLUGIN_DIR/bin/helm-camunda-upgrade");
    // Hooks: legacy strings run by `sh -c` from the caller's directory.
    let hooks = m["hooks"].as_object().expect("hooks mapping");
    assert_eq!(unknown_keys(hooks, HOOK_EVENTS), Vec::<String>::new());
    for event in ["install", "update"] {
        let h = hooks.get(event).and_then(Value::as_str).unwrap_or_else(|| panic!("{event} hook string"));
        assert!(h.starts_with("cd \"$HELM_PLUGIN_DIR\" && "), "{event} hook must cd into the plugin dir: {h}");
        let script = h.split_whitespace().find(|w| w.ends_with(".sh")).expect("hook runs a script");
        assert!(root().join(script).is_file(), "{script} missing");
    }
}

#[test]
fn postrenderer_manifest_is_a_valid_helm4_v1_plugin() {
    let m = load("plugins/camunda-upgrade-check/plugin.yaml");
    assert_eq!(unknown_keys(&m, V1_KEYS), Vec::<String>::new(), "keys Helm 4.1+ rejects");
    assert_eq!(str_field(&m, "apiVersion"), "v1");
    let ty = str_field(&m, "type");
    assert!(V1_TYPES.contains(&ty));
    assert_eq!(ty, "postrenderer/v1");
    let runtime = str_field(&m, "runtime");
    assert!(V1_RUNTIMES.contains(&runtime));
    assert_eq!(runtime, "subprocess", "extism post-renderers were broken");
    let name = str_field(&m, "name");
    assert_eq!(name, "camunda-upgrade-check");
    assert!(name_ok(name) && !HELM_COMMANDS.contains(&name));
    // Plugin names are global across the plugins dir: a clash disables every plugin.
    assert_ne!(name, str_field(&load("plugin.yaml"), "name"));
    let version = str_field(&m, "version");
    assert!(is_strict_semver(version), "version {version:?}");
    assert_eq!(version, cargo_version());
    // postrenderer/v1 has no config fields.
    if let Some(c) = m.get("config") {
        assert!(c.as_object().is_some_and(Map::is_empty), "postrenderer/v1 config must be empty");
    }
    let rc = m["runtimeConfig"].as_object().expect("runtimeConfig mapping");
    assert_eq!(unknown_keys(rc, V1_SUBPROCESS_KEYS), Vec::<String>::new());
    let es = entries(&rc["platformCommand"], V1_PLATFORM_COMMAND_KEYS);
    check_platform_commands(&es, "${HELM_PLUGIN_DIR}/bin/helm-camunda-upgrade");
    for e in &es {
        assert_eq!(e.args, ["check"], "the post-renderer runs `helm-camunda-upgrade check`");
    }
}

#[test]
fn postrenderer_plugin_finds_the_main_plugins_binary() {
    let dir = root().join("plugins/camunda-upgrade-check");
    // bin/ is a relative symlink to the main plugin's bin/, where the install hook puts the binary.
    let link = std::fs::read_link(dir.join("bin")).expect("plugins/camunda-upgrade-check/bin is a symlink");
    assert_eq!(link, Path::new("../../bin"));
}
