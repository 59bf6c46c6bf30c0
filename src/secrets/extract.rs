//! `secrets extract`: read the 8.7 release's secrets into one consolidated Secret and write the
//! 8.8 values overlay that references it. Order matters: read everything (values, every
//! Secret, the existing consolidated Secret), check everything, stage the files, apply, and
//! only then put the files in place. Values are never printed, logged, changed or regenerated.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde_json::{json, Value};

use super::files::Staged;
use super::kubectl::{Kubectl, LiveSecret};
use super::manifest::{self, Consolidated, Item};
use super::scan::{inventory, Inventory, SecretValue, Source, Status, Target};
use crate::error::{Refused, Usage};
use crate::exit::Exit;

pub const AFTER_HELP: &str = "\
Reads the release's user values (helm get values) and the Secrets the 12.x chart generated \
(kubectl, with the user's kubeconfig and Helm's namespace and context). Prints the consolidated \
Secret with every value redacted (stdout); --out FILE writes the real manifest (mode 0600); \
--apply creates the Secret in the cluster or adds the missing keys to it (a key it already holds \
with another value is refused, never changed). Always writes the 8.8 values overlay that \
references every key (--overlay FILE). Values already referencing a Secret of yours are left \
alone. Nothing is written unless everything was read.
kubectl: $KUBECTL, else kubectl on PATH.
Exit codes: 0 done; 3 done, with plaintext secrets left for `migrate --secret-name` or to move by \
hand; 4 refused (a Secret or key missing, a release without Identity, a conflicting value, a file \
in the way); 5 bad input; 1 helm or kubectl failed (e.g. no cluster access); 2 usage.";

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// The 8.7 release.
    #[arg(long, value_name = "NAME")]
    pub release: String,
    /// The release's namespace (default: Helm's).
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,
    /// The consolidated Secret.
    #[arg(long, value_name = "NAME", default_value = super::DEFAULT_SECRET_NAME)]
    pub secret_name: String,
    /// Write the real manifest to FILE (mode 0600) instead of only printing it redacted.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Create the Secret in the cluster, or add the keys it lacks.
    #[arg(long)]
    pub apply: bool,
    /// Where the 8.8 values overlay goes.
    #[arg(long, value_name = "FILE", default_value = "existing-secrets-values.yaml")]
    pub overlay: PathBuf,
}

/// What `--apply` does to the cluster.
enum Apply {
    Create(Value),
    Replace(Value, Vec<String>),
    Unchanged,
}

pub fn run(args: ExtractArgs) -> Result<Exit> {
    super::check_secret_name(&args.secret_name)?;
    if args.out.as_ref().is_some_and(|o| o == &args.overlay) {
        anyhow::bail!(Usage("--out and --overlay name the same file".into()));
    }
    let helm = super::helm_in(&args.namespace)?;
    let mut kubectl = Kubectl::from_env(helm.context.clone())?;
    let release = &args.release;

    // 1. Read: the values, then every Secret in one call.
    let sources = super::release_values(&helm, release)?;
    let inv = inventory(&sources, Some(release));
    if let Some((a, b)) = inv.conflicts().first() {
        anyhow::bail!(Refused(format!(
            "{} and {} hold different plaintext values that would share the key {} of {}: make them one by hand",
            a.shown, b.shown, a.key, args.secret_name
        )));
    }
    let entries = inv.entries();
    let generated = inv.rows.iter().any(|r| matches!(r.status, Status::FromSecret { .. } | Status::LeftAlone { .. }));
    if !inv.identity && !generated && inv.literals.iter().all(|l| !l.from_values()) {
        anyhow::bail!(Refused(format!(
            "release {release} ran without Identity (identity.enabled and global.identity.auth.enabled are off in its \
             values): the 12.x chart generated no secrets for it and its values hold no plaintext secrets; \
             there is nothing to extract"
        )));
    }
    if entries.is_empty() {
        eprintln!(
            "helm-camunda-upgrade: secrets extract {release}: nothing to extract: every secret of the release is in a \
             Secret of yours already (see `secrets plan --release {release}`); nothing written"
        );
        return Ok(Exit::Ok);
    }
    let mut names: BTreeSet<String> = entries
        .iter()
        .filter_map(|e| match &e.source {
            Source::Cluster { secret, .. } => Some(secret.clone()),
            _ => None,
        })
        .collect();
    if names.contains(&args.secret_name) {
        anyhow::bail!(Refused(format!(
            "--secret-name {} is a Secret of the 12.x chart in release {release}; choose another name",
            args.secret_name
        )));
    }
    names.insert(args.secret_name.clone());
    let names: Vec<String> = names.into_iter().collect();
    let live = kubectl
        .get_secrets(&names)
        .with_context(|| format!("cannot read the Secrets of release {release} (is the cluster reachable?)"))?;

    // 2. Check: every Secret and key there; collect the values.
    let mut missing = Vec::new();
    let mut skipped = Vec::new();
    let mut items = Vec::new();
    for e in &entries {
        let (value, from) = match &e.source {
            Source::Cluster { secret, data_key, required } => match live.get(secret).map(|s| s.data.get(*data_key)) {
                None => {
                    missing.push(format!("Secret {secret} (for {})", e.row.map_or("", |r| r.title)));
                    continue;
                }
                Some(None) if *required => {
                    missing.push(format!("key {data_key} in Secret {secret}"));
                    continue;
                }
                Some(None) => {
                    skipped.push(format!(
                        "{secret} has no {data_key} (no database user besides postgres): not carried over"
                    ));
                    continue;
                }
                Some(Some(bytes)) => (SecretValue::new(bytes.clone()), format!("from Secret {secret}, key {data_key}")),
            },
            Source::Literal(i) => {
                let l = &inv.literals[*i];
                let at = l.location.as_ref().map(|loc| format!(" ({loc})")).unwrap_or_default();
                (l.value.clone(), format!("plaintext in the values at {}{at}", l.shown))
            }
            Source::Default(d) => {
                let key = e.row.map_or("", |r| r.literal.first().copied().unwrap_or(""));
                (SecretValue::new(d.as_bytes().to_vec()), format!("the 12.x default of {key}"))
            }
        };
        kubectl.scrub(value.bytes());
        items.push((e, Item { key: e.key.clone(), value, from }));
    }
    if !missing.is_empty() {
        let ns = helm.context.namespace.as_deref().map(|n| format!(" in namespace {n}")).unwrap_or_default();
        anyhow::bail!(Refused(format!(
            "nothing written: release {release}'s values say these exist, but the cluster{ns} has no {}. Check \
             --release and --namespace; a Secret renamed with nameOverride/fullnameOverride is found only when \
             the values say so",
            missing.join(", no ")
        )));
    }
    let consolidated = Consolidated {
        name: args.secret_name.clone(),
        namespace: helm.context.namespace.clone(),
        release: release.clone(),
        items: items
            .iter()
            .map(|(_, i)| Item { key: i.key.clone(), value: i.value.clone(), from: i.from.clone() })
            .collect(),
    };
    let apply = if args.apply { Some(plan_apply(&consolidated, live.get(&args.secret_name), release)?) } else { None };

    // 3. Stage the files, apply, then put the files in place.
    let refs: Vec<(String, String, String)> =
        items.iter().filter_map(|(e, i)| e.overlay.clone().map(|(n, k)| (n, k, i.key.clone()))).collect();
    let overlay = manifest::overlay(&args.secret_name, helm.context.namespace.as_deref(), release, &refs);
    let mut staged = vec![Staged::new(&args.overlay, overlay.as_bytes(), false, "--overlay FILE")?];
    if let Some(out) = &args.out {
        staged.push(Staged::new(out, consolidated.yaml(false).as_bytes(), true, "--out FILE")?);
    }
    let applied = match apply {
        Some(Apply::Create(object)) => {
            kubectl.write(&object, true).context("nothing written: creating the Secret failed")?;
            format!("created Secret {} with {} keys", args.secret_name, consolidated.items.len())
        }
        Some(Apply::Replace(object, added)) => {
            kubectl.write(&object, false).context("nothing written: updating the Secret failed")?;
            format!("added {} to the Secret {}", added.join(", "), args.secret_name)
        }
        Some(Apply::Unchanged) => {
            format!("the Secret {} already holds every key with the same value", args.secret_name)
        }
        None => String::new(),
    };
    let mut done = Vec::new();
    for s in staged {
        done.push((s.dest.clone(), s.unchanged()));
        s.commit()?;
    }

    // 4. Tell: the redacted manifest on stdout, the rest on stderr.
    std::io::stdout().lock().write_all(consolidated.yaml(true).as_bytes()).context("writing to stdout")?;
    let manual = report(&inv, &consolidated, &args, &skipped, &applied, &done, refs.len());
    Ok(if manual { Exit::ManualSteps } else { Exit::Ok })
}

/// What `--apply` will do, decided before anything is written.
fn plan_apply(c: &Consolidated, existing: Option<&LiveSecret>, release: &str) -> Result<Apply> {
    let Some(existing) = existing else { return Ok(Apply::Create(c.object())) };
    let name = &c.name;
    if existing.label("app.kubernetes.io/managed-by") == Some("Helm")
        || existing.annotation("meta.helm.sh/release-name").is_some()
    {
        anyhow::bail!(Refused(format!(
            "the Secret {name} belongs to a Helm release (managed-by Helm); the upgrade would change or delete it: \
             choose another --secret-name"
        )));
    }
    let kind = existing.object.get("type").and_then(Value::as_str).unwrap_or("Opaque");
    if kind != "Opaque" {
        anyhow::bail!(Refused(format!(
            "the Secret {name} exists with type {kind}, not Opaque: choose another --secret-name"
        )));
    }
    let mut differ = Vec::new();
    let mut added = Vec::new();
    let mut data = existing.data.clone();
    for (k, v) in c.data() {
        match existing.data.get(&k) {
            Some(old) if *old == v => {}
            Some(_) => differ.push(k),
            None => {
                added.push(k.clone());
                data.insert(k, v);
            }
        }
    }
    if !differ.is_empty() {
        anyhow::bail!(Refused(format!(
            "nothing written: the Secret {name} already holds {} with other values than release {release} uses; \
             values are never changed: check which is right, or choose another --secret-name",
            differ.join(", ")
        )));
    }
    if added.is_empty() {
        return Ok(Apply::Unchanged);
    }
    if existing.object.get("immutable") == Some(&json!(true)) {
        anyhow::bail!(Refused(format!(
            "the Secret {name} is immutable and lacks {}: choose another --secret-name",
            added.join(", ")
        )));
    }
    // The existing object with the keys added; its resourceVersion makes a concurrent change fail.
    let mut object = existing.object.clone();
    if let Some(m) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    object["data"] = Value::Object(data.into_iter().map(|(k, v)| (k, json!(super::base64::encode(&v)))).collect());
    Ok(Apply::Replace(object, added))
}

/// The summary on stderr; true when manual steps are left.
fn report(
    inv: &Inventory,
    c: &Consolidated,
    args: &ExtractArgs,
    skipped: &[String],
    applied: &str,
    done: &[(PathBuf, bool)],
    refs: usize,
) -> bool {
    let mut s = String::new();
    let ns = c.namespace.as_deref().map(|n| format!(" (namespace {n})")).unwrap_or_default();
    let _ = writeln!(s, "helm-camunda-upgrade: secrets extract {}{ns}", args.release);
    let _ = writeln!(
        s,
        "\nConsolidated Secret {} ({} key{}, values never shown):",
        c.name,
        c.items.len(),
        plural(c.items.len())
    );
    for i in &c.items {
        let _ = writeln!(s, "  {} <- {}", i.key, i.from);
    }
    for k in skipped {
        let _ = writeln!(s, "  ({k})");
    }
    let left: Vec<String> = inv
        .rows
        .iter()
        .filter_map(|r| match &r.status {
            Status::LeftAlone { key, secret } => Some(format!("{}: {key} names {secret}", r.row.title)),
            _ => None,
        })
        .collect();
    if !left.is_empty() {
        let _ = writeln!(s, "\nLeft alone (your own Secrets):\n  {}", left.join("\n  "));
    }
    let mut manual = false;
    let later: Vec<String> = inv
        .literals
        .iter()
        .filter(|l| matches!(l.target, Target::Env { .. } | Target::Manual | Target::Unused(_)))
        .map(|l| {
            manual |= !matches!(l.target, Target::Unused(_));
            format!("{}: {}", l.shown, super::plan::target_text(l, &c.name))
        })
        .collect();
    if !later.is_empty() {
        let _ = writeln!(s, "\nPlaintext secrets the overlay cannot replace:\n  {}", later.join("\n  "));
    }
    let _ = writeln!(s);
    if !applied.is_empty() {
        let _ = writeln!(s, "Cluster: {applied}.");
    } else {
        let _ = writeln!(s, "Cluster: nothing changed (pass --apply to create or update {}).", c.name);
    }
    for (path, unchanged) in done {
        let what = if path == &args.overlay {
            format!("8.8 values overlay ({refs} reference{})", plural(refs))
        } else {
            "manifest (mode 0600)".into()
        };
        let state = if *unchanged { " (unchanged)" } else { "" };
        let _ = writeln!(s, "Wrote {what}: {}{state}", path.display());
    }
    let _ = writeln!(
        s,
        "Next: helm upgrade {} <13.x chart> -f <8.8 values> -f {}{}",
        args.release,
        args.overlay.display(),
        if manual { "; `migrate --secret-name` replaces the plaintext env vars listed above" } else { "" }
    );
    eprint!("{s}");
    manual
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
