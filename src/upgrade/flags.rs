//! The `helm upgrade` flags after `RELEASE CHART`: which we take over (values files, cluster
//! context, dry run), which we refuse (and why), and which go to Helm untouched.

use crate::migrate::OnConflict;

/// What a flag is to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// `-f/--values`: the values to migrate (instead of the release's current ones).
    Values,
    Namespace,
    KubeContext,
    Kubeconfig,
    Debug,
    /// `--dry-run[=client|server|none]`.
    DryRun,
    /// `-o/--output`: Helm's output format when applying.
    Output,
    /// Ours: apply instead of a dry run.
    Apply,
    /// Ours: where the migrated values go.
    ValuesOut,
    /// Ours: `migrate --on-conflict`.
    OnConflict,
    /// Ours: `migrate --secret-name`.
    SecretName,
    Help,
    /// Refused, with the reason.
    Refuse(&'static str),
    /// Helm's, with a value: passed on with it.
    PassValue,
}

const FORCE: &str = "--force makes Helm replace resources instead of patching them; on the 8.7 -> 8.8 upgrade that \
    fails on the StatefulSets' immutable fields (camunda-platform-helm #4767, PR #6021). A plain upgrade is safe";
const REUSE: &str = "would merge the release's old 8.7 values back over the migrated 8.8 values; the upgrade already \
    passes the complete migrated values";
const POST_RENDERER: &str = "the upgrade runs its own post-renderer (`check`) and Helm takes only one; render \
    your own step into the chart or run `helm upgrade` yourself with `--post-renderer` (see docs/plugin.md)";

/// Every flag we look at, long and short spellings. Unknown flags (and their values) go to
/// Helm as they are; value-taking Helm flags are listed so their values are never mistaken
/// for flags of ours.
const FLAGS: &[(&[&str], Role)] = &[
    (&["-f", "--values"], Role::Values),
    (&["-n", "--namespace"], Role::Namespace),
    (&["--kube-context"], Role::KubeContext),
    (&["--kubeconfig"], Role::Kubeconfig),
    (&["--debug"], Role::Debug),
    (&["--dry-run"], Role::DryRun),
    (&["-o", "--output"], Role::Output),
    (&["--apply"], Role::Apply),
    (&["--values-out"], Role::ValuesOut),
    (&["--on-conflict"], Role::OnConflict),
    (&["--secret-name"], Role::SecretName),
    (&["-h", "--help"], Role::Help),
    (&["--force"], Role::Refuse(FORCE)),
    (&["--reuse-values", "--reset-then-reuse-values"], Role::Refuse(REUSE)),
    (&["--post-renderer", "--post-renderer-args"], Role::Refuse(POST_RENDERER)),
    (
        &[
            "--set",
            "--set-string",
            "--set-file",
            "--set-json",
            "--set-literal",
            "--timeout",
            "--version",
            "--description",
            "--history-max",
            "--repo",
            "--username",
            "--password",
            "--cert-file",
            "--key-file",
            "--ca-file",
            "--keyring",
            "--registry-config",
            "--repository-cache",
            "--repository-config",
            "--kube-apiserver",
            "--kube-as-user",
            "--kube-as-group",
            "--kube-ca-file",
            "--kube-token",
            "--kube-tls-server-name",
            "--burst-limit",
            "--qps",
            "--labels",
        ],
        Role::PassValue,
    ),
];

/// Boolean flags of ours and Helm's: `--flag=false` turns them off.
fn bool_value(v: Option<&str>) -> bool {
    !matches!(v, Some("false" | "0"))
}

fn takes_value(role: Role) -> bool {
    matches!(
        role,
        Role::Values
            | Role::Namespace
            | Role::KubeContext
            | Role::Kubeconfig
            | Role::Output
            | Role::ValuesOut
            | Role::OnConflict
            | Role::SecretName
            | Role::PassValue
            | Role::Refuse(POST_RENDERER)
    )
}

/// What the flags after `RELEASE CHART` ask for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    /// `-f` files in order (Helm splits comma lists too).
    pub values: Vec<String>,
    pub namespace: Option<String>,
    pub kube_context: Option<String>,
    pub kubeconfig: Option<String>,
    pub debug: bool,
    pub dry_run: bool,
    pub apply: bool,
    pub output: Option<String>,
    pub values_out: Option<String>,
    pub on_conflict: Option<OnConflict>,
    pub secret_name: Option<String>,
    pub help: bool,
    /// Everything else, for `helm upgrade`, in order.
    pub pass: Vec<String>,
}

/// A flag we will not pass on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlagError {
    #[error("{flag} is refused: {reason}")]
    Refused { flag: String, reason: &'static str },
    #[error("{0} needs a value")]
    MissingValue(String),
    #[error("{flag} {value:?}: expected {expected}")]
    BadValue { flag: String, value: String, expected: &'static str },
}

/// 8.7 top-level keys that 8.8 renames: given with `--set`, they skip the migration.
use crate::migrate::rules::OLD_COMPONENTS as OLD_KEYS;

impl Flags {
    /// The keys the passed-on `--set*` flags set, where they are 8.7 keys 8.8 no longer reads.
    pub fn old_set_keys(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut it = self.pass.iter().peekable();
        while let Some(a) = it.next() {
            let value = match a.split_once('=') {
                Some((f, v)) if f.starts_with("--set") => v.to_string(),
                None if a.starts_with("--set") => it.next().cloned().unwrap_or_default(),
                _ => continue,
            };
            for pair in value.split(',') {
                let key = pair.split_once('=').map_or(pair, |(k, _)| k);
                if OLD_KEYS.contains(&key.split(['.', '[']).next().unwrap_or("")) {
                    out.push(key.to_string());
                }
            }
        }
        out
    }
}

/// Sort `args` into what we take over and what goes to Helm.
pub fn parse(args: &[String]) -> Result<Flags, FlagError> {
    let mut out = Flags::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            // Helm reads everything after `--` as arguments, not flags.
            out.pass.extend(args[i - 1..].iter().cloned());
            break;
        }
        let Some((name, inline, role)) = lookup(arg) else {
            out.pass.push(arg.clone());
            continue;
        };
        let value = if takes_value(role) {
            match inline {
                Some(v) => Some(v),
                None if i < args.len() => {
                    i += 1;
                    Some(args[i - 1].clone())
                }
                None => return Err(FlagError::MissingValue(name)),
            }
        } else {
            inline
        };
        match role {
            Role::Values => out.values.extend(value.unwrap().split(',').filter(|s| !s.is_empty()).map(String::from)),
            Role::Namespace => out.namespace = value,
            Role::KubeContext => out.kube_context = value,
            Role::Kubeconfig => out.kubeconfig = value,
            Role::Debug => out.debug = bool_value(value.as_deref()),
            Role::DryRun => out.dry_run = !matches!(value.as_deref(), Some("none" | "false")),
            Role::Output => out.output = value,
            Role::Apply => out.apply = bool_value(value.as_deref()),
            Role::ValuesOut => out.values_out = value,
            Role::OnConflict => {
                let v = value.unwrap();
                out.on_conflict = Some(match v.as_str() {
                    "first" => OnConflict::First,
                    "last" => OnConflict::Last,
                    _ => return Err(FlagError::BadValue { flag: name, value: v, expected: "first or last" }),
                });
            }
            Role::SecretName => out.secret_name = value,
            Role::Help => out.help = true,
            Role::Refuse(reason) => {
                if bool_value(value.as_deref()) || takes_value(role) {
                    return Err(FlagError::Refused { flag: name, reason });
                }
            }
            Role::PassValue if arg.len() > name.len() => out.pass.push(arg.clone()),
            Role::PassValue => {
                out.pass.push(name);
                out.pass.push(value.unwrap());
            }
        }
    }
    Ok(out)
}

/// The flag's canonical spelling as given, an inline value (`--x=v`, `-fvalue`), and its role.
fn lookup(arg: &str) -> Option<(String, Option<String>, Role)> {
    if arg == "--" || !arg.starts_with('-') {
        return None;
    }
    let (name, inline) = match arg.split_once('=') {
        Some((n, v)) if arg.starts_with("--") => (n.to_string(), Some(v.to_string())),
        _ if !arg.starts_with("--") && arg.len() > 2 => (arg[..2].to_string(), Some(arg[2..].to_string())),
        _ => (arg.to_string(), None),
    };
    let role = FLAGS.iter().find(|(names, _)| names.contains(&name.as_str()))?.1;
    // `-fvalue` is only a thing for value-taking short flags.
    if !arg.starts_with("--") && inline.is_some() && !takes_value(role) {
        return None;
    }
    Some((name, inline, role))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Flags, FlagError> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn values_files_in_every_spelling_are_taken_over_in_order() {
        let f = p(&["-f", "a.yaml", "--values=b.yaml", "-fc.yaml", "--values", "d.yaml,e.yaml"]).unwrap();
        assert_eq!(f.values, ["a.yaml", "b.yaml", "c.yaml", "d.yaml", "e.yaml"]);
        assert!(f.pass.is_empty());
    }

    #[test]
    fn cluster_context_is_taken_over_and_the_rest_passes_in_order() {
        let f = p(&[
            "-n",
            "camunda",
            "--version",
            "13.0.0",
            "--kube-context=prod",
            "--set",
            "a=-f",
            "--wait",
            "--kubeconfig",
            "/k",
            "--timeout=10m",
            "--debug",
            "-i",
        ])
        .unwrap();
        assert_eq!(f.namespace.as_deref(), Some("camunda"));
        assert_eq!(f.kube_context.as_deref(), Some("prod"));
        assert_eq!(f.kubeconfig.as_deref(), Some("/k"));
        assert!(f.debug);
        assert!(f.values.is_empty(), "`a=-f` is --set's value, not a values flag");
        assert_eq!(f.pass, ["--version", "13.0.0", "--set", "a=-f", "--wait", "--timeout=10m", "-i"]);
    }

    #[test]
    fn force_reuse_and_post_renderer_are_refused_with_the_reason() {
        for (args, flag, says) in [
            (&["--force"][..], "--force", "immutable fields"),
            (&["--wait", "--force=true"][..], "--force", "immutable fields"),
            (&["--reuse-values"][..], "--reuse-values", "old 8.7 values"),
            (&["--reset-then-reuse-values"][..], "--reset-then-reuse-values", "old 8.7 values"),
            (&["--post-renderer", "./x.sh"][..], "--post-renderer", "only one"),
            (&["--post-renderer-args=a"][..], "--post-renderer-args", "only one"),
        ] {
            match p(args) {
                Err(FlagError::Refused { flag: f, reason }) => {
                    assert_eq!(f, flag);
                    assert!(reason.contains(says), "{reason}");
                }
                other => panic!("{args:?}: {other:?}"),
            }
        }
        assert!(p(&["--force=false"]).unwrap().pass.is_empty());
    }

    #[test]
    fn dry_run_apply_output_and_help() {
        assert!(p(&["--dry-run"]).unwrap().dry_run);
        assert!(p(&["--dry-run=server"]).unwrap().dry_run);
        assert!(!p(&["--dry-run=none"]).unwrap().dry_run);
        let f = p(&["--apply", "-o", "json", "--values-out", "v.yaml", "--on-conflict=last", "--secret-name", "creds"]).unwrap();
        assert_eq!(f.on_conflict, Some(OnConflict::Last));
        assert_eq!(f.secret_name.as_deref(), Some("creds"));
        assert!(!f.pass.iter().any(|a| a == "creds" || a == "--secret-name"), "ours, not Helm's: {:?}", f.pass);
        assert!(matches!(p(&["--on-conflict", "middle"]), Err(FlagError::BadValue { .. })));
        assert!(f.apply && !f.dry_run);
        assert_eq!((f.output.as_deref(), f.values_out.as_deref()), (Some("json"), Some("v.yaml")));
        assert!(p(&["-h"]).unwrap().help);
        assert!(p(&["--help"]).unwrap().help);
    }

    #[test]
    fn old_keys_given_with_set_are_found() {
        let f = p(&["--set", "zeebe.clusterSize=3,orchestration.x=1", "--set-string=operate.enabled=true", "--wait"]);
        assert_eq!(f.unwrap().old_set_keys(), ["zeebe.clusterSize", "operate.enabled"]);
        assert!(p(&["--set", "zeebeX=1", "--version", "13.0.0"]).unwrap().old_set_keys().is_empty());
    }

    #[test]
    fn a_missing_value_is_an_error_and_unknown_flags_pass() {
        assert_eq!(p(&["--set"]), Err(FlagError::MissingValue("--set".into())));
        assert_eq!(p(&["-n"]), Err(FlagError::MissingValue("-n".into())));
        let f = p(&["--atomic", "--cleanup-on-fail", "--take-ownership", "--", "-f", "x"]).unwrap();
        assert_eq!(f.pass, ["--atomic", "--cleanup-on-fail", "--take-ownership", "--", "-f", "x"]);
        assert!(f.values.is_empty());
        // Short boolean bundles are not ours to read.
        assert_eq!(p(&["-hx"]).unwrap().pass, ["-hx"]);
    }
}
