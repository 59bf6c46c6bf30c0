//! `secrets`: carry the secrets of an 8.7 release over to 8.8 without ever showing one.
//!
//! Chart 13.x generates no secrets; the 8.7 release's chart-generated ones (Identity client
//! secrets, Keycloak and PostgreSQL passwords) and any plaintext literals in its values must be
//! put into one Secret that the 8.8 values reference (`table.rs` lists them all).
//!
//! - `plan`: what the values (or the live release's values) say: which secrets exist, which
//!   are left alone, which plaintext literals there are, and where each goes.
//! - `extract`: reads them (values through Helm, Secrets through kubectl), and prints the
//!   consolidated Secret with every value redacted, writes it to a file (mode 0600) with
//!   `--out`, creates or updates it in the cluster with `--apply`, and always writes the 8.8
//!   values overlay that references it. Nothing is written before everything was read.

pub mod base64;
pub mod files;
pub mod kubectl;
pub mod manifest;
pub mod plan;
pub mod scan;
pub mod table;

mod extract;

use std::path::PathBuf;

use anyhow::Result;

use crate::exit::Exit;
use crate::helm::Helm;
use crate::values::{Source, Sources};

/// The consolidated Secret's name in the upgrade guide, and the one the 13.x chart's defaults use.
pub const DEFAULT_SECRET_NAME: &str = "camunda-credentials";

#[derive(Debug, clap::Args)]
pub struct SecretsArgs {
    #[command(subcommand)]
    pub command: SecretsCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum SecretsCommand {
    /// List the secrets of the 8.7 values and where each goes (values never shown).
    Plan(plan::PlanArgs),
    /// Read the 8.7 release's secrets into one Secret and write the 8.8 values overlay.
    #[command(after_help = extract::AFTER_HELP)]
    Extract(extract::ExtractArgs),
}

pub fn run(args: SecretsArgs) -> Result<Exit> {
    match args.command {
        SecretsCommand::Plan(a) => plan::run(a),
        SecretsCommand::Extract(a) => extract::run(a),
    }
}

/// The user-supplied values of a release (`helm get values`), as one source.
pub fn release_values(helm: &Helm, release: &str) -> Result<Sources> {
    let text = helm
        .get_values(release, None)
        .map_err(|e| anyhow::anyhow!(e).context(format!("cannot read the values of release {release}")))?;
    // A release without user values answers `null`.
    let text = if text.trim() == "null" { String::new() } else { text };
    Ok(Sources::new(vec![Source::from_text(&format!("helm get values {release}"), None, text)?]))
}

/// `--namespace` over Helm's `HELM_NAMESPACE`.
pub fn helm_in(namespace: &Option<String>) -> Result<Helm> {
    let mut helm = Helm::from_env()?;
    if let Some(ns) = namespace {
        helm.context.namespace = Some(ns.clone());
    }
    Ok(helm)
}

/// A Secret name must be a DNS-1123 subdomain; checked before anything runs.
pub fn check_secret_name(name: &str) -> Result<()> {
    if !crate::migrate::report::is_secret_name(name) {
        anyhow::bail!(crate::error::Usage(format!(
            "--secret-name {name:?} is not a valid Secret name (lowercase letters, digits, '-' and '.')"
        )));
    }
    Ok(())
}

/// Where an output file goes (`--out`, `--overlay`).
pub fn path_arg(p: &Option<PathBuf>, default: &str) -> PathBuf {
    p.clone().unwrap_or_else(|| PathBuf::from(default))
}
