//! `compat`: what chart 13.x's compatibility layer
//! (`global.compatibility.orchestration.enabled`, on by default) does to 8.7
//! values: the effective `orchestration`, `connectors` and `global` values
//! the chart's templates receive (stdout), the render failures it causes, and
//! with `--explain` every key it drops or changes (stderr).

mod compare;
mod constraints;
mod defaults;
mod emit;
mod explain;
pub mod gotpl;
mod layer;
mod version;

use std::collections::HashMap;
use std::io::Write;

use anyhow::Result;
use serde_json::{Map, Value};

use crate::exit::Exit;
use crate::migrate::report::redact_deep;
use crate::values::Sources;
use crate::yaml::{self, value::coalesce_with_defaults};

pub use compare::Difference;
pub use explain::{Note, Severity};
pub use version::{ChartVersion, HelmVersion};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Yaml,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(long_about = "Emulate the 13.x chart's compatibility layer on 8.7 (chart 12.x) values.\n\n\
        Prints the effective `orchestration`, `connectors` and `global` values the chart's templates would \
        receive (the 13.x defaults the layer touches plus every key you set; secrets masked). When the chart \
        would fail to render, prints the chart's own error text on stderr; stdout stays empty only when the \
        layer's mapping itself fails.\n\n\
        Exit codes: 0 the layer keeps every key you set; 4 the render would fail, or the layer drops a key \
        you set or turns it into something that breaks the upgrade; 5 bad input.")]
pub struct CompatArgs {
    /// Values files in Helm's `-f` order; none or `-` reads stdin.
    pub files: Vec<String>,
    /// The 13.x chart release to emulate (behaviour changed in 13.2.0, 13.4.0, 13.4.1 and 13.12.3).
    #[arg(long, value_name = "VERSION", default_value_t = version::LATEST)]
    pub chart_version: ChartVersion,
    /// The Helm client that will render: before 3.16 sprig's merge keeps a non-map value where the old key has a map.
    #[arg(long, value_name = "VERSION", default_value_t = HelmVersion::DEFAULT)]
    pub helm_version: HelmVersion,
    /// List every render failure, not only the first one (Helm stops at the first).
    #[arg(long)]
    pub all_errors: bool,
    /// Explain, key by key, where the layer's result differs from what your values say.
    #[arg(long)]
    pub explain: bool,
    /// Format of the effective values on stdout.
    #[arg(long, value_enum, default_value_t = Output::Yaml)]
    pub output: Output,
}

/// Which chart template a failure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureSource {
    Schema,
    Compat,
    SecondaryStorage,
    IngressGrpc,
    Constraints,
}

impl FailureSource {
    pub fn template(self) -> &'static str {
        match self {
            FailureSource::Schema => "values.schema.json",
            FailureSource::Compat => "templates/z/1/2/3/4/5/6/7/8/z_compatibility_helpers.tpl",
            FailureSource::SecondaryStorage => "templates/orchestration/statefulset.yaml",
            FailureSource::IngressGrpc => "templates/common/ingress-grpc.yaml",
            FailureSource::Constraints => "templates/common/constraints.tpl",
        }
    }
}

/// A reason the chart would not render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub source: FailureSource,
    /// The user's key behind it.
    pub key: Vec<String>,
    /// The chart's own message (for `fail`), or Go's template error text.
    pub message: String,
    /// A template evaluation error rather than a message the chart wrote.
    pub template_error: bool,
}

impl Failure {
    fn chart(source: FailureSource, key: &[&str], message: String) -> Failure {
        Failure { source, key: key.iter().map(|s| s.to_string()).collect(), message, template_error: false }
    }
    fn template(source: FailureSource, key: &[&str], message: String) -> Failure {
        Failure { source, key: key.iter().map(|s| s.to_string()).collect(), message, template_error: true }
    }
}

/// Everything `compat` found out about some values.
#[derive(Debug, Clone)]
pub struct Report {
    pub version: ChartVersion,
    pub helm: HelmVersion,
    /// Effective `orchestration`, `connectors`, `global` (not redacted); `None`
    /// when the layer's own mapping fails, so no template would receive values.
    pub effective: Option<Value>,
    /// In Helm's order; the render stops at the first.
    pub failures: Vec<Failure>,
    pub notes: Vec<Note>,
}

impl Report {
    /// Would `compat` refuse these values (exit 4)?
    pub fn refused(&self) -> bool {
        !self.failures.is_empty() || self.notes.iter().any(|n| n.severity >= Severity::Dropped)
    }
}

/// Emulate the layer on user values (several files merged as Helm merges them).
pub fn emulate(sources: &Sources, version: ChartVersion, helm: HelmVersion) -> Report {
    let coalesced = coalesce_with_defaults(&sources.merged, &defaults::chart_13x(version));
    let outcome = layer::apply(coalesced, &layer::Options { version, helm, all_errors: true });
    let mut failures = constraints::schema(&outcome.before);
    failures.extend(outcome.failures.iter().cloned());
    failures.extend(constraints::check(&outcome.after, version, true));
    failures.dedup_by(|a, b| a.key == b.key && a.message == b.message);
    let notes = explain::explain(sources, &outcome, version, helm);
    let effective = outcome.mapped.then(|| printed(&outcome.after));
    Report { version, helm, effective, failures, notes }
}

/// Where the layer's effective values differ from those of `migrate`'s result
/// (over the same defaults, layer off), or why they cannot be compared.
pub fn compare_with_migrate(sources: &Sources, report: &Report) -> Result<Vec<Difference>, String> {
    let layer = report.effective.as_ref().ok_or("the layer's own mapping fails, so there are no values to compare")?;
    let migrated = compare::migrated_effective(sources, &defaults::chart_13x(report.version), printed)?;
    Ok(compare::differences(layer, &migrated))
}

/// The top-level keys `compat` prints, from the values after the layer.
fn printed(after: &Value) -> Value {
    let mut out = Map::new();
    for k in defaults::PRINTED {
        if let Some(v) = after.get(k) {
            out.insert(k.to_string(), v.clone());
        }
    }
    Value::Object(out)
}

pub fn run(args: CompatArgs) -> Result<Exit> {
    let sources = Sources::read(&args.files)?;
    let report = emulate(&sources, args.chart_version, args.helm_version);
    // Buffered: --explain can write thousands of lines (stderr itself is unbuffered).
    let stderr = &mut std::io::BufWriter::new(std::io::stderr().lock());

    let shown = if args.all_errors { report.failures.len() } else { report.failures.len().min(1) };
    for f in &report.failures[..shown] {
        writeln!(stderr, "{}", describe_failure(&sources, &report, f))?;
    }
    if shown < report.failures.len() {
        let more = report.failures.len() - shown;
        writeln!(stderr, "compat: Helm stops at the first failure; {more} more follow (see them with --all-errors)")?;
    }
    if args.explain {
        for n in &report.notes {
            writeln!(stderr, "{}", n.display())?;
        }
        write_comparison(stderr, &sources, &report)?;
    }
    if let Some(effective) = &report.effective {
        let shown = redact_deep(effective);
        let masked = count_redacted(effective, &shown);
        let effective = shown;
        let text = match args.output {
            Output::Yaml => emit::to_yaml(&effective),
            Output::Json => serde_json::to_string_pretty(&effective)? + "\n",
        };
        stderr.flush()?;
        std::io::stdout().lock().write_all(text.as_bytes())?;
        if masked > 0 {
            writeln!(stderr, "compat: {masked} secret value(s) printed as <redacted>")?;
        }
        if !report.failures.is_empty() {
            writeln!(stderr, "compat: stdout shows the values the layer computed before the render stops")?;
        }
    }
    writeln!(stderr, "{}", summary(&report, args.explain))?;
    stderr.flush()?;
    Ok(if report.refused() { Exit::Refused } else { Exit::Ok })
}

/// `--explain`'s second part: the layer's result next to `migrate`'s.
fn write_comparison(out: &mut impl Write, sources: &Sources, report: &Report) -> Result<()> {
    let diffs = match compare_with_migrate(sources, report) {
        Ok(d) => d,
        Err(why) => {
            writeln!(out, "compat: no comparison with `migrate`: {why}")?;
            return Ok(());
        }
    };
    if diffs.is_empty() {
        writeln!(out, "compat: the templates receive the same values as from `helm-camunda-upgrade migrate`")?;
        return Ok(());
    }
    writeln!(
        out,
        "compat: the templates would receive other values than from `helm-camunda-upgrade migrate` at {} key(s):",
        diffs.len()
    )?;
    // The note that explains a difference: the first about this key, a parent or a child of it.
    let mut exact: HashMap<&[String], usize> = HashMap::new();
    let mut under: HashMap<&[String], usize> = HashMap::new();
    for (i, n) in report.notes.iter().enumerate().filter(|(_, n)| !n.target.is_empty()) {
        exact.entry(&n.target[..]).or_insert(i);
        for len in 1..=n.target.len() {
            under.entry(&n.target[..len]).or_insert(i);
        }
    }
    for d in &diffs {
        let path: Vec<&str> = d.path.iter().map(String::as_str).collect();
        // Long strings that share a beginning: show them from shortly before they part.
        let skip = match (&d.layer, &d.migrate) {
            (Some(Value::String(a)), Some(Value::String(b))) if a.len().max(b.len()) > 60 => {
                let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
                common.saturating_sub(20)
            }
            _ => 0,
        };
        let val = |v: &Option<Value>| match v {
            None => "unset".to_string(),
            Some(Value::String(s)) if skip > 0 => {
                format!("...{}", explain::show(&path, &Value::String(s.chars().skip(skip).collect())))
            }
            Some(v) => explain::show(&path, v),
        };
        let ancestors = (1..d.path.len()).filter_map(|len| exact.get(&d.path[..len]).copied());
        let see = under.get(&d.path[..]).copied().into_iter().chain(ancestors).min().map(|i| {
            let n = &report.notes[i];
            n.at.as_ref().map_or_else(|| format!(" (see {})", yaml::join_path(&n.key)), |l| format!(" (see {l})"))
        });
        writeln!(
            out,
            "  {}: the layer gives {}, migrate gives {}{}",
            yaml::join_path(&path),
            val(&d.layer),
            val(&d.migrate),
            see.unwrap_or_default()
        )?;
    }
    Ok(())
}

/// How many values `redact_deep` masked.
fn count_redacted(plain: &Value, shown: &Value) -> usize {
    match (plain, shown) {
        (Value::Object(a), Value::Object(b)) => {
            a.iter().map(|(k, v)| b.get(k).map_or(0, |w| count_redacted(v, w))).sum()
        }
        (Value::Array(a), Value::Array(b)) => a.iter().zip(b).map(|(v, w)| count_redacted(v, w)).sum(),
        (a, b) => usize::from(a != b),
    }
}

fn describe_failure(sources: &Sources, report: &Report, f: &Failure) -> String {
    let key: Vec<&str> = f.key.iter().map(String::as_str).collect();
    let at = match sources.origin(&key) {
        Some(loc) => format!("{} ({loc})", yaml::join_path(&key)),
        None => yaml::join_path(&key),
    };
    let what = if f.template_error { "a template error" } else { "this error" };
    let step = match f.source {
        FailureSource::Schema => format!("would refuse the values ({})", f.source.template()),
        _ => format!("would fail to render {}", f.source.template()),
    };
    format!("compat: chart {} {step} with {what}, caused by {at}:\n{}", report.version, f.message)
}

fn summary(report: &Report, explained: bool) -> String {
    let count = |s: Severity| report.notes.iter().filter(|n| n.severity == s).count();
    let (breaks, dropped, changed) = (count(Severity::Breaks), count(Severity::Dropped), count(Severity::Changed));
    let mut out = String::from("compat: ");
    if !report.failures.is_empty() {
        out.push_str("the render would fail; ");
    }
    if breaks + dropped + changed == 0 {
        out.push_str("the layer keeps every key you set as you wrote it");
    } else {
        out.push_str(&format!("the layer drops {dropped}, breaks {breaks} and changes {changed} of the keys you set"));
        if !explained {
            out.push_str(" (--explain lists them)");
        }
    }
    out
}
