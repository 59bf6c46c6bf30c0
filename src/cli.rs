//! The command line. Each subcommand's options live in its own module; this
//! file only ties them together.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "helm-camunda-upgrade",
    version,
    about = "Upgrade Camunda from Helm chart 12.x (8.7) to 13.x (8.8) in one checked step",
    long_about = "Upgrade Camunda from Helm chart 12.x (8.7) to 13.x (8.8) in one checked step.\n\n\
        migrate  rewrite 8.7 values into 8.8 values (a filter: stdin/files in, stdout/file out)\n\
        compat   show what the 13.x chart's compatibility layer would do to 8.7 values\n\
        check    a Helm post-renderer that fails the upgrade when migration resources are missing\n\
        upgrade  migrate a release's values and upgrade it in one checked step (dry run unless --apply)\n\
        secrets  carry the 8.7 secrets over to 8.8 in one Secret, without ever showing one\n\n\
        Reports go to stderr; stdout carries only values or manifests.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rewrite 8.7 (chart 12.x) values into 8.8 (chart 13.x) values, losslessly.
    Migrate(crate::migrate::MigrateArgs),
    /// Emulate the 13.x chart's compatibility layer on 8.7 values.
    Compat(crate::compat::CompatArgs),
    /// Post-renderer guard: pass manifests through unchanged, or fail the upgrade.
    #[command(long_about = crate::check::LONG_ABOUT)]
    Check(crate::check::CheckArgs),
    /// Migrate a release's values and upgrade it to 13.x in one checked step (dry run unless --apply).
    Upgrade(crate::upgrade::UpgradeArgs),
    /// Carry the 8.7 release's secrets over to 8.8 in one Secret (values never shown).
    Secrets(crate::secrets::SecretsArgs),
    /// Print shell completions.
    Completion(CompletionArgs),
}

#[derive(Debug, clap::Args)]
pub struct CompletionArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
