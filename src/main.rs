use std::process::ExitCode;

use clap::Parser;
use helm_camunda_upgrade::cli::{Cli, Command};
use helm_camunda_upgrade::exit::Exit;
use helm_camunda_upgrade::{check, compat, completion, error, migrate, secrets, upgrade};

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
        Command::Upgrade(args) => upgrade::run(args),
        Command::Secrets(args) => secrets::run(args),
        Command::Completion(args) => {
            completion::write(args.shell, &mut std::io::stdout().lock()).map(|()| Exit::Ok).map_err(Into::into)
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
