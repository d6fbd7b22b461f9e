//! The `tally` command: the server and the maintenance commands around it.

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use tally::cli::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            error.exit()
        }
        Err(error) if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            error.exit()
        }
        Err(error) => {
            // One line is enough to say what was wrong; `--help` has the rest.
            let rendered = error.to_string();
            let message: Vec<&str> = rendered
                .lines()
                .map(str::trim)
                .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("tip:"))
                .filter(|line| !line.starts_with("For more information"))
                .filter(|line| !line.is_empty())
                .collect();
            eprintln!("{} (see 'tally --help')", message.join(" "));
            return ExitCode::from(2);
        }
    };

    tally::telemetry::init(cli.log_format);
    match tally::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", tally::one_line(&error));
            ExitCode::FAILURE
        }
    }
}
