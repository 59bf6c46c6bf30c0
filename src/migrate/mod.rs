//! `migrate`: 8.7 values in, 8.8 values out, as a filter.
//!
//! With one input (a file or stdin) the result goes to stdout or `-o FILE`.
//! With several inputs (Helm's `-f a -f b` order), `-o`/stdout gets one merged
//! result, while `--out-dir`/`--in-place` rewrite each file on its own; every
//! decision is taken on the merged view either way, as Helm would merge them.

pub mod derive;
pub mod engine;
pub mod openmetadata;
pub mod report;
pub mod rules;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

use self::engine::{Engine, Part};
use self::report::{ItemKind, Report};
use crate::error::{InputError, Refused};
use crate::exit::Exit;
use crate::output::{self, Color};
use crate::values::{Source, Sources};
use crate::yaml::edit::{EditDoc, Policy};

#[derive(Debug, clap::Args)]
#[command(after_help = "Exit codes: 0 migrated; 3 migrated, with manual steps or keys left for later in the report; \
4 refused (a blocker); 5 bad input; 2 usage; 1 other failure.")]
pub struct MigrateArgs {
    /// Values files in Helm's `-f` order; none, or `-`, reads stdin.
    pub files: Vec<String>,
    /// Write the (merged) result to FILE instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE", conflicts_with_all = ["out_dir", "in_place"])]
    pub output: Option<PathBuf>,
    /// Rewrite each input file separately into DIR (same file names).
    #[arg(long, value_name = "DIR", conflicts_with = "in_place")]
    pub out_dir: Option<PathBuf>,
    /// Rewrite each input file in place (atomically).
    #[arg(long)]
    pub in_place: bool,
    /// Write the report as JSON to FILE (one entry for every input leaf).
    #[arg(long, value_name = "FILE")]
    pub report_json: Option<PathBuf>,
    /// Show a unified diff of old against new values. Without -o/--out-dir/--in-place
    /// the diff is printed instead of the values (a preview).
    #[arg(long)]
    pub diff: bool,
    /// Colour the diff: auto (on a terminal), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
    /// Do not print the report on stderr (errors still are).
    #[arg(short, long)]
    pub quiet: bool,
    /// When two sources of a consolidated list or configuration disagree: stop (default),
    /// or keep the first or the last one (each choice is reported).
    #[arg(long, value_enum, value_name = "first|last")]
    pub on_conflict: Option<OnConflict>,
    /// Which migration to run: camunda-8.7-to-8.8, openmetadata-deps-1.11 or openmetadata-1.11
    /// (default: detected from the input).
    #[arg(long, value_name = "NAME")]
    pub migration: Option<String>,
    /// Replace plaintext secrets in the values with references to the Secret NAME (one key
    /// each, as `secrets extract` writes it), and report each one (values never shown).
    #[arg(long, value_name = "NAME")]
    pub secret_name: Option<String>,
    /// openmetadata-deps-1.11: write stable Airflow keys (apiSecretKey, jwtSecret, webserverSecretKey, and the
    /// carried fernet key) into a Secret manifest FILE (mode 0600; keys already in FILE are reused) and name it in the values.
    #[arg(long, value_name = "FILE")]
    pub generate_secrets: Option<PathBuf>,
    /// OpenMetadata: the dependencies chart's release name (default openmetadata-dependencies), for Service and Secret names.
    #[arg(long, value_name = "NAME")]
    pub deps_release: Option<String>,
    /// Print the key rules as a Markdown table and exit.
    #[arg(long, conflicts_with_all = ["files", "output", "out_dir", "in_place"])]
    pub list_rules: bool,
}

/// Choices of the migration that the user makes.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub on_conflict: Option<OnConflict>,
    /// A migration id from `MIGRATIONS`; detected from the input when absent.
    pub migration: Option<String>,
    /// Plaintext secrets become references to this Secret (`--secret-name`).
    pub secret_name: Option<String>,
    /// OpenMetadata deps: write generated keys into this Secret manifest.
    pub generate_secrets: Option<PathBuf>,
    /// OpenMetadata: the dependencies chart's release name.
    pub deps_release: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnConflict {
    First,
    Last,
}

/// One migrated output.
#[derive(Debug, Clone)]
pub struct Output {
    /// Index of the input it came from in `Sources::files` (`None` for the merged result of several files).
    pub input: Option<usize>,
    pub original: String,
    pub text: String,
}

/// What `migrate_values` produces: the outputs, the report (decided on the
/// merged view), and the migrated values as Helm will read them.
#[derive(Clone)]
pub struct Migrated {
    pub outputs: Vec<Output>,
    pub report: Report,
    /// The merged 8.8 values as text (equal to the single output when there is one).
    pub merged_text: String,
    pub migration: &'static Migration,
    /// Files the derivations ask for beside the values (a generated Secret manifest).
    pub files: Vec<derive::SideFile>,
}

impl Migrated {
    /// The migrated values as Helm will read them.
    pub fn values(&self) -> Result<Value> {
        Ok(Source::from_text("<migrated>", None, self.merged_text.clone())
            .context("the migrated values do not parse (a bug: please report it with the input)")?
            .value)
    }

    pub fn exit(&self) -> Exit {
        if self.report.has(ItemKind::Blocker) {
            Exit::Refused
        } else if self.report.has(ItemKind::Manual) || self.report.has(ItemKind::Pending) {
            Exit::ManualSteps
        } else {
            Exit::Ok
        }
    }
}

/// A values migration between two chart versions: its rules, the shapes it
/// relies on, its derivations, and how to recognise its input.
pub struct Migration {
    pub id: &'static str,
    pub title: &'static str,
    /// Headings of the key table's first two columns (`--list-rules`).
    pub columns: (&'static str, &'static str),
    pub rules: &'static [rules::Rule],
    pub shapes: fn() -> &'static [(&'static str, rules::Shape)],
    pub derive: fn(&Sources, &Options) -> Result<derive::Derivations>,
    /// Does the merged input look like this migration's "before" values?
    pub detect: fn(&Value) -> bool,
}

/// Every migration the tool knows; `--migration` picks one by id.
pub static MIGRATIONS: &[Migration] = &[
    Migration {
        id: "camunda-8.7-to-8.8",
        title: "Camunda 8.7 -> 8.8",
        columns: ("8.7 key (chart 12.x)", "8.8 key (chart 13.x)"),
        rules: rules::CAMUNDA,
        shapes: || rules::CAMUNDA_SHAPES.as_slice(),
        derive: derive::derive,
        detect: |v| {
            const KEYS: [&str; 12] = [
                "zeebe", "zeebeGateway", "operate", "tasklist", "orchestration", "identity", "identityKeycloak", "connectors", "optimize",
                "webModeler", "console", "postgresql",
            ];
            v.as_object().is_some_and(|m| m.is_empty() || KEYS.iter().any(|k| m.contains_key(*k)) || m.get("global").is_some_and(|g| g.get("identity").is_some()))
        },
    },
    Migration {
        id: "openmetadata-deps-1.11",
        title: "openmetadata-dependencies <= 1.11.2 (airflow-helm 8.9.0) -> >= 1.11.3 (Apache Airflow chart 1.18.0)",
        columns: ("deps <= 1.11.2 key (airflow-helm 8.9.0)", "deps >= 1.11.3 key (Apache Airflow 1.18.0)"),
        rules: openmetadata::deps::rules::RULES,
        shapes: || openmetadata::deps::rules::SHAPES,
        derive: openmetadata::deps::derive,
        detect: openmetadata::deps::detect,
    },
    Migration {
        id: "openmetadata-1.11",
        title: "openmetadata chart (0.0.x, 1.0.x, <= 1.11.2) -> 1.11.3",
        columns: ("old key (openmetadata chart)", "chart 1.11.3 key"),
        rules: openmetadata::server::RULES,
        shapes: || openmetadata::server::SHAPES,
        derive: openmetadata::server::derive,
        detect: openmetadata::server::detect,
    },
];

/// The migration to run: the one named, or the only one whose input this looks like.
pub fn choose(sources: &Sources, options: &Options) -> Result<&'static Migration> {
    if let Some(id) = &options.migration {
        return MIGRATIONS.iter().find(|m| m.id == id).ok_or_else(|| {
            let known: Vec<&str> = MIGRATIONS.iter().map(|m| m.id).collect();
            anyhow::anyhow!(crate::error::Usage(format!("unknown migration {id:?}; known: {}", known.join(", "))))
        });
    }
    let hits: Vec<&Migration> = MIGRATIONS.iter().filter(|m| (m.detect)(&sources.merged)).collect();
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Ok(&MIGRATIONS[0]),
        many => {
            let ids: Vec<&str> = many.iter().map(|m| m.id).collect();
            anyhow::bail!(crate::error::Usage(format!("the input fits several migrations ({}); choose one with --migration", ids.join(", "))))
        }
    }
}

/// Migrate `sources`. With `per_file`, one output per input.
pub fn migrate_values(sources: &Sources, per_file: bool, options: &Options) -> Result<Migrated> {
    let migration = choose(sources, options)?;
    if options.secret_name.is_some() && migration.id != "camunda-8.7-to-8.8" {
        // The secrets table is Camunda's (src/secrets/table.rs).
        let why = format!("--secret-name applies to the camunda-8.7-to-8.8 migration only, not {}", migration.id);
        anyhow::bail!(crate::error::Usage(why));
    }
    let derived = (migration.derive)(sources, options)?;
    let engine = Engine { rules: migration.rules, shapes: (migration.shapes)(), sources, derived: &derived };
    engine.check_shapes()?;
    for f in &sources.files {
        for d in &f.doc.duplicates {
            eprintln!(
                "helm-camunda-upgrade: warning: {}:{}: duplicate key {} (first at line {}); Helm uses the last one",
                f.name,
                d.second.line + 1,
                d.path,
                d.first.line + 1
            );
        }
    }
    let merged_src = merged_source(sources)?;
    let locate = |path: &[String]| sources.origin(&path.iter().map(String::as_str).collect::<Vec<_>>());
    let mut merged = engine.migrate_doc(&merged_src, Part::Whole, &locate)?;
    merged.report.items.extend(derived.extra.iter().cloned());
    let outputs = if per_file && sources.files.len() > 1 {
        let mut outs = Vec::new();
        for (i, f) in sources.files.iter().enumerate() {
            let r = engine.migrate_doc(f, Part::File { first: i == 0 }, &locate)?;
            outs.push(Output { input: Some(i), original: f.text.clone(), text: r.text });
        }
        outs
    } else {
        let input = (sources.files.len() == 1).then_some(0);
        vec![Output { input, original: merged_src.text.clone(), text: merged.text.clone() }]
    };
    Ok(Migrated { outputs, report: merged.report, merged_text: merged.text, migration, files: derived.files })
}

/// Several files overlaid into one text, as Helm merges them (later files win).
fn merged_source(sources: &Sources) -> Result<std::borrow::Cow<'_, Source>> {
    if sources.files.len() == 1 {
        return Ok(std::borrow::Cow::Borrowed(&sources.files[0]));
    }
    let first = &sources.files[0];
    let mut ed = EditDoc::new(&first.text, &first.doc);
    for f in &sources.files[1..] {
        let mut other = EditDoc::new(&f.text, &f.doc);
        for e in other.take_root_entries() {
            ed.merge(&[], e, Policy::Incoming);
        }
    }
    let names: Vec<&str> = sources.files.iter().map(|f| f.name.as_str()).collect();
    Ok(std::borrow::Cow::Owned(Source::from_text(&names.join("+"), None, ed.render())?))
}

pub fn run(args: MigrateArgs) -> Result<Exit> {
    if args.list_rules {
        let m = match &args.migration {
            Some(id) => MIGRATIONS.iter().find(|m| m.id == id).with_context(|| format!("unknown migration {id:?}"))?,
            None => &MIGRATIONS[0],
        };
        print!("{}", rules::markdown_table_with(m.rules, m.columns));
        return Ok(Exit::Ok);
    }
    let reads_stdin = args.files.is_empty() || args.files.iter().any(|f| f == "-");
    if args.in_place && reads_stdin {
        anyhow::bail!(InputError { location: crate::values::loc("<stdin>", None), key: None, message: "--in-place needs files, not stdin".into() });
    }
    if args.out_dir.is_some() && reads_stdin {
        anyhow::bail!(InputError { location: crate::values::loc("<stdin>", None), key: None, message: "--out-dir needs files, not stdin".into() });
    }
    if let Some(o) = &args.output {
        for f in &args.files {
            if f != "-" && same_file(Path::new(f), o) {
                anyhow::bail!(Refused(format!("-o {} would overwrite the input; use --in-place to rewrite it", o.display())));
            }
        }
    }
    let sources = Sources::read(&args.files)?;
    let per_file = args.out_dir.is_some() || args.in_place;
    let options = Options {
        on_conflict: args.on_conflict,
        migration: args.migration.clone(),
        generate_secrets: args.generate_secrets.clone(),
        deps_release: args.deps_release.clone(),
        secret_name: args.secret_name.clone(),
    };
    let migrated = migrate_values(&sources, per_file, &options)?;
    let inputs: Vec<String> = sources.files.iter().map(|f| f.name.clone()).collect();

    if let Some(path) = &args.report_json {
        output::write_atomic(path, migrated.report.to_json(migrated.migration.id, &inputs).as_bytes(), None)?;
    }
    if !args.quiet {
        let title = format!("helm-camunda-upgrade: migrate {} ({})", inputs.join(", "), migrated.migration.title);
        eprint!("{}", migrated.report.render_text(&title));
    }
    let exit = migrated.exit();
    if exit == Exit::Refused {
        anyhow::bail!(Refused(format!(
            "nothing written: {} blocker(s) listed above must be resolved first",
            migrated.report.count(ItemKind::Blocker)
        )));
    }

    for f in &migrated.files {
        if f.private {
            output::write_atomic_private(&f.path, f.text.as_bytes())?;
        } else {
            output::write_atomic(&f.path, f.text.as_bytes(), None)?;
        }
    }

    let color = args.color.enabled(std::io::stdout().is_terminal());
    let mut stdout = std::io::stdout().lock();
    let diff_text = |o: &Output| {
        let name = o.input.map_or_else(|| inputs.join("+"), |i| sources.files[i].name.clone());
        // A preview for people: secret values hidden on both sides, as `upgrade` shows it.
        let hide = crate::upgrade::show::redact_text;
        output::unified_diff(&hide(&o.original), &hide(&o.text), &name, color)
    };
    if args.out_dir.is_some() {
        let mut names = std::collections::HashSet::new();
        for f in &sources.files {
            let name = f.path.as_ref().and_then(|p| p.file_name()).map(|n| n.to_os_string());
            if !names.insert(name.clone()) {
                anyhow::bail!(Refused(format!("two inputs are named {name:?}; --out-dir would write one over the other")));
            }
        }
    }
    if args.in_place || args.out_dir.is_some() {
        for o in &migrated.outputs {
            let src = &sources.files[o.input.expect("per-file outputs have inputs")];
            let path = src.path.as_ref().expect("files, not stdin");
            let dest = match &args.out_dir {
                Some(dir) => {
                    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
                    let name = path.file_name().context("input has no file name")?;
                    let dest = dir.join(name);
                    if same_file(path, &dest) {
                        anyhow::bail!(Refused(format!("--out-dir {} would overwrite the input {}; use --in-place", dir.display(), src.name)));
                    }
                    dest
                }
                None => path.clone(),
            };
            output::write_atomic(&dest, o.text.as_bytes(), Some(path))?;
            if args.diff {
                stdout.write_all(diff_text(o).as_bytes())?;
            }
        }
    } else if let Some(path) = &args.output {
        let o = &migrated.outputs[0];
        output::write_atomic(path, o.text.as_bytes(), None)?;
        if args.diff {
            stdout.write_all(diff_text(o).as_bytes())?;
        }
    } else {
        let o = &migrated.outputs[0];
        let bytes = if args.diff { diff_text(o) } else { o.text.clone() };
        stdout.write_all(bytes.as_bytes()).context("writing to stdout")?;
    }
    stdout.flush().ok();
    Ok(exit)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
