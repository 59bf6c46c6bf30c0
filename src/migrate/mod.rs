//! `migrate`: 8.7 values -> 8.8 values (being built).

use anyhow::Result;

use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// Values files in Helm's `-f` order; none or `-` reads stdin.
    pub files: Vec<String>,
}

pub fn run(_args: MigrateArgs) -> Result<Exit> {
    anyhow::bail!("`migrate` is not available in this build yet")
}
