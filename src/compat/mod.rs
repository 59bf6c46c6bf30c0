//! `compat`: emulation of the 13.x chart's compatibility layer (being built).

use anyhow::Result;

use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub struct CompatArgs {}

pub fn run(_args: CompatArgs) -> Result<Exit> {
    anyhow::bail!("`compat` is not available in this build yet")
}
