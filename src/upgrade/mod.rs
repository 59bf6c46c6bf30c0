//! `upgrade RELEASE CHART [helm upgrade flags]`: the one-command upgrade. Reads the release's
//! user values (or the `-f` files), migrates them, writes them to a file it names, renders the
//! upgrade with Helm (`--dry-run`, our `check` as post-renderer), shows what would change and
//! refuses changes the API server would refuse; with `--apply` it then runs `helm upgrade`.
//!
//! A dry run is the default: this upgrade starts one-way data migrations, so the first run
//! should show the migrated values, the report and the object changes before anything is
//! applied. Scripts add `--apply` once they have looked.

pub mod flags;
pub mod show;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::error::{Refused, Usage};
use crate::exit::Exit;
use crate::helm::{Helm, HelmError, HelmVersion};
use crate::kubectl;
use crate::migrate::report::ItemKind;
use crate::migrate::{migrate_values, OnConflict, Options};
use crate::values::{Source, Sources};
use crate::{output, preflight};

/// The Helm 4 post-renderer plugin (plugins/camunda-upgrade-check).
pub const CHECK_PLUGIN: &str = "camunda-upgrade-check";
/// `--post-renderer-args` exists since Helm 3.9.0.
const MIN_HELM: HelmVersion = HelmVersion { major: 3, minor: 9, patch: 0 };

const AFTER_HELP: &str = "\
Without --apply this is a dry run: it writes the migrated values, prints the migration report, a \
diff of the values (secrets hidden) and the objects the upgrade would add, change and remove \
(stderr), checks for changes the Kubernetes API server refuses (immutable fields), and prints the \
rendered manifest (stdout). Nothing in the cluster changes. With --apply it then runs
  helm upgrade RELEASE CHART -f <migrated values> [your flags] --post-renderer <this binary> \
--post-renderer-args check
(on Helm 4: --post-renderer camunda-upgrade-check).

Values: the release's user-supplied values (helm get values), or the -f files you give.
Refused: --force (breaks StatefulSets on this upgrade), --reuse-values and \
--reset-then-reuse-values (would merge the 8.7 values back), --post-renderer (Helm takes one).
Exit codes: Helm's own when helm fails; else 0 done, 3 done with manual steps in the report, \
4 refused (blocker, immutable-field change, refused flag), 5 bad input, 2 usage.";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP, disable_version_flag = true)]
pub struct UpgradeArgs {
    /// Apply the upgrade (default: a dry run that changes nothing).
    #[arg(long)]
    pub apply: bool,
    /// Write the migrated values to FILE (default: RELEASE-values-8.8.yaml here). An existing
    /// file with other content is never overwritten.
    #[arg(long, value_name = "FILE")]
    pub values_out: Option<PathBuf>,
    /// When two sources of a consolidated list or configuration disagree: stop (default), or
    /// keep the first or the last one (as `migrate --on-conflict`).
    #[arg(long, value_enum, value_name = "first|last")]
    pub on_conflict: Option<OnConflict>,
    /// Replace plaintext secrets in the migrated values with references to the Secret NAME
    /// (as `migrate --secret-name`; `secrets extract` creates that Secret).
    #[arg(long, value_name = "NAME")]
    pub secret_name: Option<String>,
    /// The release to upgrade.
    pub release: String,
    /// The 13.x chart, as `helm upgrade` takes it (repo/name, path, URL, oci://).
    pub chart: String,
    /// `helm upgrade` flags, after CHART: -n, --version, --set, --wait, --timeout, -f (values to
    /// migrate instead of the release's), ...
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "HELM_UPGRADE_FLAGS")]
    pub helm_args: Vec<String>,
}

pub fn run(args: UpgradeArgs) -> Result<Exit> {
    let flags = match flags::parse(&args.helm_args) {
        Ok(f) => f,
        Err(flags::FlagError::Refused { flag, reason }) => {
            anyhow::bail!(Refused(format!("{flag} is refused: {reason}")))
        }
        Err(e) => anyhow::bail!(Usage(e.to_string())),
    };
    if flags.help {
        let mut cmd = crate::cli::Cli::command();
        cmd.find_subcommand_mut("upgrade").expect("upgrade is a subcommand").print_long_help()?;
        return Ok(Exit::Ok);
    }
    for key in flags.old_set_keys() {
        eprintln!(
            "helm-camunda-upgrade: warning: --set {key}: an 8.7 key, passed to Helm as it is (not migrated); \
             put it in a -f file to have it migrated"
        );
    }
    let apply = args.apply || flags.apply;
    if apply && flags.dry_run {
        anyhow::bail!(Usage("--apply and --dry-run contradict each other".into()));
    }

    let mut helm = Helm::from_env()?;
    let ctx = &mut helm.context;
    ctx.namespace = flags.namespace.clone().or(ctx.namespace.take());
    ctx.kube_context = flags.kube_context.clone().or(ctx.kube_context.take());
    ctx.kubeconfig = flags.kubeconfig.clone().or(ctx.kubeconfig.take());
    ctx.debug |= flags.debug;
    let namespace = helm.context.namespace.clone().unwrap_or_else(|| "default".into());
    let post_renderer = post_renderer_flags(&helm, &args.release, &namespace)?;

    // 1. The values to migrate, migrated. Like Helm, start from the last deployed revision.
    // No such release: only `--install` with -f files makes sense (nothing to read or compare).
    let revision = match helm.current_revision(&args.release) {
        Err(HelmError::Failed { stderr, .. }) if stderr.contains("release: not found") && !flags.values.is_empty() => {
            eprintln!("helm-camunda-upgrade: release {} does not exist yet: nothing to compare", args.release);
            None
        }
        Err(HelmError::Failed { stderr, code, .. }) if stderr.contains("release: not found") => {
            eprint!("{stderr}");
            eprintln!(
                "helm-camunda-upgrade: no release {} to read values from (give -f files to install it)",
                args.release
            );
            return pass_exit(code);
        }
        r => Some(r?),
    };
    let exists = revision.is_some();
    let revision = revision.flatten();
    let sources = if flags.values.is_empty() {
        let text = helm.get_values(&args.release, revision)?;
        // A release without user values answers `null`.
        let text = if text.trim() == "null" { String::new() } else { text };
        Sources::new(vec![Source::from_text(&format!("helm get values {}", args.release), None, text)?])
    } else {
        Sources::read(&flags.values)?
    };
    let names: Vec<String> = sources.files.iter().map(|f| f.name.clone()).collect();
    let on_conflict = args.on_conflict.or(flags.on_conflict);
    let secret_name = args.secret_name.clone().or(flags.secret_name.clone());
    let migrated = migrate_values(&sources, false, &Options { on_conflict, secret_name, ..Options::default() })?;
    let title = format!(
        "helm-camunda-upgrade: upgrade {}: migrate {} ({})",
        args.release,
        names.join(", "),
        migrated.migration.title
    );
    eprint!("{}", migrated.report.render_text(&title));
    if migrated.report.has(ItemKind::Blocker) {
        anyhow::bail!(Refused(format!(
            "nothing applied: {} blocker(s) listed above must be resolved first",
            migrated.report.count(ItemKind::Blocker)
        )));
    }
    let out = args
        .values_out
        .clone()
        .or(flags.values_out.as_ref().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(format!("{}-values-8.8.yaml", args.release)));
    // One output (not per file): the merged, migrated values.
    let (original, text) = migrated.outputs.first().map(|o| (o.original.as_str(), o.text.as_str())).unwrap_or_default();
    write_values(&out, text)?;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprintln!("\nValues diff (secret values hidden):");
    eprint!(
        "{}",
        output::unified_diff(&show::redact_text(original), &show::redact_text(text), &names.join("+"), color)
    );

    // 2. Render the upgrade (nothing applied), compare with the release, preflight.
    let mut upgrade: Vec<OsString> = vec!["upgrade".into(), (&args.release).into(), (&args.chart).into()];
    upgrade.extend(["-f".into(), out.clone().into_os_string()]);
    upgrade.extend(flags.pass.iter().map(OsString::from));
    upgrade.extend(post_renderer);
    let mut dry = upgrade.clone();
    dry.extend(["--dry-run", "--output", "json"].map(OsString::from));
    let rendered_json = match helm.output(&dry) {
        Ok(s) => s,
        Err(HelmError::Failed { stderr, code, .. }) => {
            eprint!("{stderr}");
            eprintln!(
                "helm-camunda-upgrade: rendering the upgrade failed; nothing applied (values in {})",
                out.display()
            );
            return pass_exit(code);
        }
        Err(e) => return Err(e.into()),
    };
    let rendered_manifest = manifest_of(&rendered_json)?;
    let rendered = preflight::parse_manifest("rendered upgrade", &rendered_manifest)?;
    let previous_text = if exists { helm.get_manifest(&args.release, revision)? } else { String::new() };
    let previous = preflight::parse_manifest(&format!("helm get manifest {}", args.release), &previous_text)?;
    let from = revision.map(|r| format!(" (from revision {r})")).unwrap_or_default();
    eprint!(
        "\nUpgrade of release {}{from} in namespace {namespace}:\n{}",
        args.release,
        show::summarise(&previous, &rendered, &namespace).render()
    );
    let findings = still_there(preflight::immutable_changes(&previous, &rendered, &namespace), &helm);
    if !findings.is_empty() {
        eprintln!("\nThe Kubernetes API server would refuse this upgrade:");
        for f in &findings {
            eprintln!("- {f}");
        }
        anyhow::bail!(Refused(format!(
            "nothing applied: {} immutable-field change(s) listed above (values in {})",
            findings.len(),
            out.display()
        )));
    }

    if !apply {
        std::io::stdout().write_all(rendered_manifest.as_bytes()).context("writing to stdout")?;
        eprintln!(
            "\nDry run: nothing applied. Migrated values: {}. To apply, run the same command with --apply.",
            out.display()
        );
        return Ok(migrated.exit());
    }

    // 3. Apply.
    if let Some(o) = &flags.output {
        upgrade.extend(["--output".into(), o.into()]);
    }
    let shown: Vec<String> = upgrade.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    eprintln!("\nApplying: helm {}", crate::helm::redact_args(&shown).join(" "));
    let status = helm.status(&upgrade)?;
    if !status.success() {
        eprintln!("helm-camunda-upgrade: helm upgrade failed; the migrated values are in {}", out.display());
        return pass_exit(status.code());
    }
    Ok(migrated.exit())
}

/// The findings about objects that still exist (kubectl asked), the notes said on stderr.
fn still_there(findings: Vec<preflight::Finding>, helm: &Helm) -> Vec<preflight::Finding> {
    let (kept, notes) = kubectl::drop_gone(findings, &helm.context);
    for n in notes {
        eprintln!("\n{n}");
    }
    kept
}

/// Helm's exit code, passed through as it is.
fn pass_exit(code: Option<i32>) -> Result<Exit> {
    std::io::stderr().flush().ok();
    std::io::stdout().flush().ok();
    std::process::exit(code.unwrap_or(1))
}

/// How this Helm runs our `check` as post-renderer: Helm 3 runs this binary, Helm 4 only runs
/// postrenderer/v1 plugins. A post-renderer learns nothing from Helm: the release and namespace
/// go along as arguments (the immutable-field check is done here, before Helm runs).
fn post_renderer_flags(helm: &Helm, release: &str, namespace: &str) -> Result<Vec<OsString>> {
    let v = helm.version()?;
    if v < MIN_HELM {
        anyhow::bail!(Refused(format!(
            "Helm {v} is too old: upgrade needs Helm {MIN_HELM} or newer (--post-renderer-args)"
        )));
    }
    let mut out: Vec<OsString> = Vec::new();
    if v.major >= 4 {
        let list = helm.output(["plugin", "list"])?;
        if !list.lines().skip(1).any(|l| l.split_whitespace().next() == Some(CHECK_PLUGIN)) {
            let dir = std::env::var("HELM_PLUGIN_DIR").unwrap_or_else(|_| "<plugin dir>".into());
            anyhow::bail!(Refused(format!(
                "Helm {v} runs post-renderers only as plugins; install it first: \
                 helm plugin install {dir}/plugins/{CHECK_PLUGIN}"
            )));
        }
        out.extend(["--post-renderer".into(), CHECK_PLUGIN.into()]);
    } else {
        let exe = std::env::current_exe().context("cannot find this program's path for --post-renderer")?;
        out.extend(["--post-renderer".into(), exe.into_os_string(), "--post-renderer-args".into(), "check".into()]);
    }
    for a in [format!("--release={release}"), format!("--namespace={namespace}")] {
        out.extend(["--post-renderer-args".into(), a.into()]);
    }
    Ok(out)
}

/// The `manifest` of `helm upgrade --dry-run --output json`.
fn manifest_of(json: &str) -> Result<String> {
    let v: serde_json::Value = serde_json::from_str(json).context("helm upgrade --dry-run --output json: not JSON")?;
    Ok(v.get("manifest").and_then(|m| m.as_str()).unwrap_or_default().to_string())
}

/// Write the migrated values (which may hold secrets: owner-only) atomically, never over a
/// different file. A file that already holds the same values (say, from the dry run, or as
/// Helm printed them back after an earlier upgrade) is used as it is.
fn write_values(path: &Path, text: &str) -> Result<()> {
    match std::fs::read_to_string(path) {
        Ok(existing) if same_values(&existing, text) => {
            eprintln!("\nMigrated values: {} (already there, same values)", path.display());
            return Ok(());
        }
        Ok(_) => anyhow::bail!(Refused(format!(
            "{} exists with other values and is not overwritten: remove it or pass --values-out FILE",
            path.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().with_context(|| format!("{} is not a file name", path.display()))?;
    let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = (|| -> Result<()> {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        // Not a rename over: a file that appeared meanwhile is not replaced.
        std::fs::hard_link(&tmp, path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(())
    })();
    let _ = std::fs::remove_file(&tmp);
    result?;
    eprintln!("\nMigrated values: {}", path.display());
    Ok(())
}

/// Whether two values texts mean the same to Helm (formatting, order and comments aside).
fn same_values(a: &str, b: &str) -> bool {
    let parse = |t: &str| Source::from_text("values", None, t.to_string()).ok().map(|s| s.value);
    a == b || matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}
