use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use helm_camunda_upgrade::cli::{Cli, Command};
use helm_camunda_upgrade::exit::Exit;
use helm_camunda_upgrade::{check, compat, error, migrate};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; real usage errors exit 2.
            let _ = e.print();
            return if e.use_stderr() { Exit::Usage.into() } else { Exit::Ok.into() };
        }
    };
    let result = match cli.command {
        Command::Migrate(args) => migrate::run(args),
        Command::Compat(args) => compat::run(args),
        Command::Check(args) => check::run(args),
        Command::Completion(args) => {
            let mut cmd = Cli::command();
            // As a Helm plugin the command is `helm camunda-upgrade`; complete the binary name.
            clap_complete::generate(args.shell, &mut cmd, "helm-camunda-upgrade", &mut std::io::stdout());
            Ok(Exit::Ok)
        }
    };
    match result {
        Ok(code) => code.into(),
        Err(err) => {
            eprintln!("helm-camunda-upgrade: error: {err:#}");
            error::exit_for(&err).into()
        }
    }
}
