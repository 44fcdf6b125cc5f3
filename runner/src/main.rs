//! The `setconform` command line: parse the flags ([`cli::args`]), run the
//! subcommand (one module each under [`cli`]), and end with its exit code or
//! report its error.

mod cli;

use clap::Parser;
use cli::{Cli, Command, Error};
use setconform::run::exit;
use setconform_reports::diff::Narrowing;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !cli.command.talks_to_peers() {
        cli::restore_default_sigpipe();
    }
    let paint = cli.console.color.paint();
    let outcome = match cli.command {
        Command::Run(args) => cli::run::run(args, paint),
        Command::Faults => Ok(cli::faults::list()),
        Command::Coverage { suite, oidf, markdown } => match (oidf, markdown) {
            (false, _) => cli::coverage::coverage(suite.as_deref()),
            (true, markdown) => cli::oidf::parity(suite.as_deref(), markdown),
        },
        Command::Report { run, out, format } => cli::report::report(&run, out, &format),
        Command::Merge { runs, html, labels, json } => cli::merge::merge(&runs, &labels, &html, &json),
        Command::Diff { old, new, accept_narrowing, threshold } => {
            let narrowing = if accept_narrowing { Narrowing::Accepted } else { Narrowing::Regression };
            cli::diff::diff(&old, &new, narrowing, threshold)
        }
        Command::Check { suite, sut } => cli::check::check(suite.as_deref(), sut.as_deref()),
        Command::Pair(args) => cli::pair::pair(args, paint),
        Command::Keys { sut, write_ca } => cli::keys::print(sut.as_deref(), write_ca.as_deref()),
        Command::Bench(args) => cli::bench::bench(args),
        Command::Reference { listen, fault, ssf_endpoint_ca, ssf_receiver } => {
            cli::reference::serve(listen, fault, ssf_endpoint_ca, ssf_receiver)
        }
    };
    let code = outcome.unwrap_or_else(|e| {
        report(&e);
        exit_code(&e)
    });
    ExitCode::from(code as u8)
}

/// Tells the user on stderr what went wrong.
fn report(e: &Error) {
    match e {
        Error::Several(errors) => errors.iter().for_each(report),
        // Each problem is a line of its own that names its file.
        Error::Problems(_) => eprintln!("{e}"),
        _ => eprintln!("setconform: {e}"),
    }
}

/// Bad input is a usage error (2); what stops a command half-way leaves it incomplete (3).
fn exit_code(e: &Error) -> i32 {
    match e {
        Error::Configuration(_)
        | Error::Catalogue(_)
        | Error::Pairing(_)
        | Error::Problems(_)
        | Error::RerunFrom { .. }
        | Error::ReadRun { .. }
        | Error::Merge(_)
        | Error::MixedRecords { .. }
        | Error::BenchMerge { .. }
        | Error::BenchDiff { .. }
        | Error::LabelCount { .. }
        | Error::NotLoopback
        | Error::ReadCa { .. }
        | Error::UnknownFault(_)
        | Error::Listen { .. } => exit::USAGE,
        Error::Bench(setconform::bench::BenchError::Config(_)) => exit::USAGE,
        Error::NotWritten(_) | Error::Runtime(_) | Error::Bench(_) => exit::INCOMPLETE,
        Error::Several(errors) => errors.iter().map(exit_code).max().unwrap_or(exit::USAGE),
    }
}
