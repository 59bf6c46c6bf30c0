//! `completion bash|zsh|fish`: shell completion for the binary's own name.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;

/// The name the scripts complete (as a Helm plugin, `helm camunda-upgrade` runs this binary).
pub const BIN_NAME: &str = "helm-camunda-upgrade";

/// The completion script for `shell`.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN_NAME, &mut buf);
    let text = String::from_utf8(buf).expect("clap_complete writes UTF-8");
    match shell {
        clap_complete::Shell::Bash => repair_bash(&text),
        _ => text,
    }
}

/// clap_complete 4.6 (clap-rs/clap#6421) spells the `case` arms for subcommands of a hyphenated
/// binary as `helm__subcmd__camunda__subcmd__upgrade__subcmd__x` while its dispatch loop sets
/// `helm__camunda__upgrade__subcmd__x`, so no subcommand option ever completes. Spell the arms
/// as the loop does; once clap_complete is fixed this finds nothing to replace.
fn repair_bash(text: &str) -> String {
    let wrong = BIN_NAME.replace('-', "__subcmd__");
    let right = BIN_NAME.replace('-', "__");
    text.replace(&format!("{wrong}__subcmd__"), &format!("{right}__subcmd__"))
}

pub fn write(shell: clap_complete::Shell, out: &mut impl Write) -> std::io::Result<()> {
    out.write_all(script(shell).as_bytes())
}
