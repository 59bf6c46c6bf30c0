//! `check`: the post-renderer guard. Reads the rendered stream on stdin and
//! writes it to stdout byte for byte when every selected check passes; on any
//! failure writes nothing to stdout and explains on stderr (and in `--summary`).
//!
//! - `split`: documents by byte range (`---` lines);
//! - `scan`: the fast validating scanner for block-style documents;
//! - `stream`: objects (head, source, body), with the full parser as fallback;
//! - `checks`: the check table and its selection; `camunda`: the Camunda profile;
//! - `report`: the summary, as text or JSON.

pub mod camunda;
pub mod checks;
pub mod head;
pub mod immutable;
pub mod openmetadata;
pub mod report;
pub mod scan;
pub mod split;
pub mod stream;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use self::checks::{Context, Profile, Status};
use self::report::{CheckSummary, ErrorSummary, InputInfo, Summary};
use self::stream::Stream;
use crate::exit::Exit;

const ABOUT: &str = "Post-renderer guard: pass manifests through unchanged, or fail the upgrade";

/// `check --help`'s text (src/cli.rs puts it on the subcommand).
pub const LONG_ABOUT: &str = "\
Post-renderer guard for the Camunda 8.7 -> 8.8 upgrade (chart 12.x -> 13.x).

Reads the rendered manifests on stdin. When every check passes, writes them to stdout byte for byte \
unchanged and exits 0. When a check fails, writes nothing to stdout, says on stderr what is missing and \
which values key fixes it, and exits 4, so Helm aborts the upgrade before anything is applied. A \
document that is not valid YAML exits 5 with its line and column.

Three ways to call it:

  1. Helm 3, with the path of the binary:
       helm upgrade camunda camunda/camunda-platform --version 13.x -f values-8.8.yaml \\
         --post-renderer <plugin dir>/bin/helm-camunda-upgrade \\
         --post-renderer-args check --post-renderer-args --release=camunda
     (the plugin dir is under `helm env HELM_PLUGINS`)

  2. Helm 3, through the installed plugin (no path needed):
       helm upgrade ... --post-renderer helm --post-renderer-args camunda-upgrade \\
         --post-renderer-args check --post-renderer-args --release=camunda

  3. As a filter, e.g. in CI:
       helm template camunda camunda/camunda-platform -f values-8.8.yaml \\
         | helm camunda-upgrade check --release camunda > /dev/null

Helm 3 never passes hooks (resources annotated helm.sh/hook) to a post-renderer; they are applied \
unchecked. The Camunda importer and migration resources are not hooks, so they are checked. Helm 4 \
passes hooks too, marks each document with a postrenderer.helm.sh/postrender-filename annotation, and \
discards a post-renderer's stderr: use --summary FILE to keep the report. Helm passes neither the \
release name nor the namespace to a post-renderer: give them with --release and --namespace (in form 2, \
write --release-namespace, because the inner helm keeps --namespace for itself).";

/// The opt-in camunda check that compares with the release's current manifest (crate::preflight).
const IMMUTABLE: &str = "immutable-fields";

const AFTER_HELP: &str = "\
Checks (--list-checks describes them):
  camunda profile (default):  camunda-13, importer, data-migration, orchestration-images, zeebe-statefulset;
                              opt-in: identity-migration, immutable-fields (on with --previous FILE; or
                              --require it with --release NAME to read the release with $HELM_BIN)
  openmetadata profile:       airflow-api-server, pipeline-client, fernet-key-secret, pvc-changes and
                              selector-changes (these two with --previous)

Exit codes: 0 passed (stream written), 2 usage, 4 a check failed, 5 invalid input, 1 other failure.";

#[derive(Debug, clap::Args)]
#[command(about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP)]
pub struct CheckArgs {
    /// Which product's upgrade to guard.
    #[arg(long, value_enum, default_value_t = Profile::Camunda)]
    pub profile: Profile,

    /// Also run these checks (opt-in ones such as identity-migration); repeat or separate with commas.
    #[arg(long, value_name = "CHECK", value_delimiter = ',', value_parser = check_id())]
    pub require: Vec<String>,

    /// Do not run these checks; repeat or separate with commas.
    #[arg(long, value_name = "CHECK", value_delimiter = ',', value_parser = check_id())]
    pub skip: Vec<String>,

    /// The release name, for precise messages (default: the stream's app.kubernetes.io/instance label).
    #[arg(long, value_name = "NAME")]
    pub release: Option<String>,

    /// The release namespace, for messages.
    #[arg(long, visible_alias = "release-namespace", value_name = "NS")]
    pub namespace: Option<String>,

    /// Format of the report: text on stderr, or a JSON summary (on stderr, or in --summary FILE).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub output: Format,

    /// Also write the report (in the --output format) to FILE, pass or fail; stderr keeps the text.
    /// Helm 4 discards a post-renderer's stderr, so this is where its report stays.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,

    /// No report on stderr when every check passes.
    #[arg(long, short)]
    pub quiet: bool,

    /// List the checks and exit (reads no input).
    #[arg(long)]
    pub list_checks: bool,

    /// The release's current manifest (`helm get manifest RELEASE > FILE`): checks compare the new
    /// render with it for changes Kubernetes refuses (openmetadata profile; in the camunda profile it
    /// turns on immutable-fields, which `--require immutable-fields --release NAME` can also feed by
    /// reading the release with $HELM_BIN).
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
}

fn check_id() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(checks::all_ids())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(args: CheckArgs) -> Result<Exit> {
    if args.list_checks {
        print!("{}", list_checks(args.profile));
        return Ok(Exit::Ok);
    }
    let mut require = args.require.clone();
    let immutable_known = checks::all().any(|c| c.id == IMMUTABLE && c.profile == args.profile);
    if args.previous.is_some() && immutable_known && !require.iter().chain(&args.skip).any(|c| c == IMMUTABLE) {
        require.push(IMMUTABLE.to_string());
    }
    let selected = match checks::select(args.profile, &require, &args.skip) {
        Ok(s) => s,
        Err(msg) => return Ok(usage(&msg)),
    };
    let wants_immutable = selected.iter().any(|c| c.id == IMMUTABLE);
    if wants_immutable && args.previous.is_none() && args.release.is_none() {
        return Ok(usage(&format!("{IMMUTABLE} needs --previous FILE or --release NAME")));
    }
    if std::io::stdin().is_terminal() {
        return Ok(usage(
            "check reads rendered manifests on stdin: pipe `helm template` into it, \
             or use it as a Helm --post-renderer",
        ));
    }
    let keep = |o: &stream::Object| selected.iter().any(|c| (c.needs_body)(o));
    let mut live = None;
    let mut note = None;
    let previous = match (&args.previous, &args.release) {
        (Some(path), _) => {
            let bytes = std::fs::read(path).with_context(|| format!("reading --previous {}", path.display()))?;
            Some(std::sync::Arc::new(checks::Previous::read(&path.display().to_string(), &bytes, keep)?))
        }
        // immutable-fields without a file: the release's manifest, as Helm patches from it.
        (None, Some(release)) if wants_immutable => {
            match immutable::read_release(release, args.namespace.as_deref())
                .with_context(|| format!("{IMMUTABLE}: reading the current manifest of release {release}"))?
            {
                Some((text, context)) => {
                    live = Some(context);
                    let name = format!("helm get manifest {release}");
                    Some(std::sync::Arc::new(checks::Previous::read(&name, text.as_bytes(), keep)?))
                }
                None => {
                    note = Some(format!("{IMMUTABLE}: no release {release} yet: nothing to compare"));
                    None
                }
            }
        }
        _ => None,
    };
    let input = read_stdin().context("reading the rendered manifests from stdin")?;
    let mut summary = evaluate(&input, &selected, &args, previous, live);
    summary.warnings.extend(note);
    let exit = summary.result.exit();
    if let Some(path) = &args.summary {
        let body = match args.output {
            Format::Json => summary.json(),
            Format::Text => summary.text(),
        };
        write_atomically(path, body.as_bytes())
            .with_context(|| format!("writing the summary to {}", path.display()))?;
    }
    // stderr: JSON when asked for and no file takes it; else text. A quiet
    // pass keeps only the text warnings (JSON carries them anyway).
    let json_on_stderr = args.output == Format::Json && args.summary.is_none();
    let quiet_pass = exit == Exit::Ok && args.quiet;
    match (quiet_pass, json_on_stderr) {
        (false, true) => eprint!("{}", summary.json()),
        (false, false) => eprint!("{}", summary.text()),
        (true, false) => eprint!("{}", warnings_only(&summary)),
        (true, true) => {}
    }
    if exit == Exit::Ok {
        let mut out = std::io::stdout().lock();
        out.write_all(&input).and_then(|_| out.flush()).context("writing the manifests to stdout")?;
    }
    Ok(exit)
}

fn usage(msg: &str) -> Exit {
    eprintln!("helm-camunda-upgrade: error: {msg}");
    Exit::Usage
}

fn warnings_only(s: &Summary) -> String {
    s.warnings.iter().map(|w| format!("helm-camunda-upgrade check: warning: {w}\n")).collect()
}

/// Read all of stdin, sized up front when it is a file.
fn read_stdin() -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() {
            if let Ok(meta) = std::fs::File::from(fd).metadata() {
                if meta.is_file() {
                    buf.reserve_exact(meta.len() as usize + 1);
                }
            }
        }
    }
    std::io::stdin().lock().read_to_end(&mut buf)?;
    Ok(buf)
}

/// Read the stream, run the checks, and sum it up.
fn evaluate(
    input: &[u8],
    selected: &[&'static checks::Check],
    args: &CheckArgs,
    previous: Option<std::sync::Arc<checks::Previous>>,
    live: Option<crate::helm::HelmContext>,
) -> Summary {
    let mut summary = Summary {
        command: "check",
        result: report::Overall::BadInput,
        exit_code: Exit::BadInput.code(),
        profile: args.profile,
        input: InputInfo { bytes: input.len(), ..InputInfo::default() },
        chart: None,
        release: args.release.clone(),
        release_from: args.release.as_ref().map(|_| "--release"),
        namespace: args.namespace.clone(),
        checks: Vec::new(),
        error: None,
        warnings: Vec::new(),
    };
    let not_run = |reason: &str| -> Vec<CheckSummary> {
        selected
            .iter()
            .map(|c| CheckSummary {
                id: c.id,
                description: c.description,
                status: Status::NotRun,
                reason: Some(reason.to_string()),
                found: Vec::new(),
                findings: Vec::new(),
            })
            .collect()
    };
    let stream = Stream::read(input).and_then(|mut s| {
        s.load_bodies(|o| selected.iter().any(|c| (c.needs_body)(o)))?;
        Ok(s)
    });
    let stream = match stream {
        Ok(s) => s,
        Err(e) => {
            summary.error = Some(ErrorSummary::from_input_error(&e));
            summary.checks = not_run("the stream is not valid YAML");
            return summary;
        }
    };
    summary.input.documents = stream.objects.len();
    summary.input.objects = stream.objects().count();
    summary.input.shape = Some(stream.shape());
    summary.input.hooks = stream.objects().filter(|o| o.is_hook()).count();
    summary.input.fallbacks = stream.objects.iter().filter(|o| o.fallback).count();
    summary.input.bodies = stream.objects.iter().filter(|o| o.body.is_some()).count();

    let mut ctx = context(&stream, args, &mut summary.warnings);
    ctx.previous = previous;
    ctx.live = live;
    summary.chart = ctx.chart.clone();
    if summary.release.is_none() && ctx.release.is_some() {
        summary.release = ctx.release.clone();
        summary.release_from = Some("label");
    }
    summary.checks = checks::run_all(selected, &stream, &ctx).into_iter().map(CheckSummary::from_outcome).collect();
    // A check that did not run either depends on a failed one or does not apply.
    let passed = !summary.checks.iter().any(|c| c.status == Status::Failed);
    summary.result = if passed { report::Overall::Passed } else { report::Overall::Failed };
    summary.exit_code = summary.result.exit().code();
    summary
}

/// The release and chart, from `--release` or the labels Helm charts set.
fn context(stream: &Stream, args: &CheckArgs, warnings: &mut Vec<String>) -> Context {
    let prefix = args.profile.chart_prefix();
    let mut charts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut releases: BTreeMap<&str, usize> = BTreeMap::new();
    for o in stream.objects() {
        if let Some(chart) = o.label("helm.sh/chart").filter(|c| c.starts_with(prefix)) {
            *charts.entry(chart).or_default() += 1;
            if let Some(r) = o.label("app.kubernetes.io/instance") {
                *releases.entry(r).or_default() += 1;
            }
        }
    }
    let most = |m: &BTreeMap<&str, usize>| m.iter().max_by_key(|(_, n)| **n).map(|(k, _)| k.to_string());
    if charts.len() > 1 {
        warnings.push(format!(
            "objects of several chart versions: {}",
            charts.keys().copied().collect::<Vec<_>>().join(", ")
        ));
    }
    let labelled = if releases.len() > 1 {
        warnings.push(format!(
            "objects of several releases: {}; give the release with --release",
            releases.keys().copied().collect::<Vec<_>>().join(", ")
        ));
        None
    } else {
        most(&releases)
    };
    if let (Some(given), Some(seen)) = (&args.release, &labelled) {
        if given != seen {
            warnings.push(format!(
                "--release {given}, but the stream's objects are labelled app.kubernetes.io/instance: {seen}"
            ));
        }
    }
    Context {
        release: args.release.clone().or(labelled),
        namespace: args.namespace.clone(),
        chart: most(&charts),
        previous: None,
        live: None,
    }
}

fn list_checks(profile: Profile) -> String {
    let mut out =
        format!("checks of profile {} (default ones run unless --skip; opt-in ones need --require):\n", profile.name());
    for c in checks::all().filter(|c| c.profile == profile) {
        let when = if c.default { "default" } else { "opt-in " };
        out.push_str(&format!("  {:<22} {when}  {}\n", c.id, c.description));
    }
    out
}

/// Write a file via a temporary file and a rename; devices and pipes
/// (`/dev/stderr`, a FIFO) are written directly.
fn write_atomically(path: &Path, body: &[u8]) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return std::fs::OpenOptions::new().write(true).open(path)?.write_all(body);
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, body).and_then(|_| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
