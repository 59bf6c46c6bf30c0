//! `check`: the post-renderer guard (being built).

use anyhow::Result;

use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {}

pub fn run(_args: CheckArgs) -> Result<Exit> {
    anyhow::bail!("`check` is not available in this build yet")
}
