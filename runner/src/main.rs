//! The `setconform` command line.

use clap::{Parser, Subcommand};
use setconform::output::{self, Format};
use setconform::run::{self, Console, FailOn, RunRequest, exit};
use setconform_reference::{Fault, Reference, ReferenceConfig};
use setconform_reports::verdict::Outcome;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "setconform", version, about = "Conformance and interop test suite for Security Event Token delivery")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the catalogue against a SUT (default: the embedded reference) and write reports.
    Run(RunArgs),
    /// List the reference's fault catalogue: each fault and the requirements it breaks.
    Faults,
    /// Requirement coverage: every requirement with the scenarios that test it, and
    /// those with none (with the reason, for the ones not observable from outside).
    #[command(alias = "requirements")]
    Coverage {
        /// Read suite/ and profiles/ from this folder instead of the embedded copy.
        #[arg(long)]
        suite: Option<PathBuf>,
    },
    /// Render the reports again from a saved run.json.
    Report {
        /// The saved run.json.
        run: PathBuf,
        /// Folder for the reports (default: the run.json's folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Which reports (comma-separated).
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = Format::ALL)]
        format: Vec<Format>,
    },
    /// The interop matrix of several saved runs: implementations x scenarios and x requirements.
    Merge {
        /// The saved run.json files, one per implementation (or per configuration).
        #[arg(required = true, num_args = 1..)]
        runs: Vec<PathBuf>,
        /// Where to write the matrix page.
        #[arg(long, default_value = "matrix.html")]
        html: PathBuf,
    },
    /// Compare two saved runs: regressions and fixes, by scenario and requirement.
    /// Exit 1 when something got worse.
    Diff {
        /// The earlier run.json.
        old: PathBuf,
        /// The later run.json.
        new: PathBuf,
    },
    /// Check the catalogue (and a SUT configuration) without running anything.
    Check {
        #[arg(long)]
        suite: Option<PathBuf>,
        #[arg(long)]
        sut: Option<PathBuf>,
    },
    /// Sit between two implementations, an initiator and a responder, relay their
    /// conversation and judge both (default: two embedded references).
    Pair(PairArgs),
    /// Print the harness's public keys (JWKS) for SUTs that are configured by hand.
    Keys,
    /// Serve the reference transceiver on its own, as a SUT for `run --sut`.
    Reference {
        /// Loopback address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Break one rule on purpose (see `setconform faults`).
        #[arg(long)]
        fault: Option<String>,
    },
}

#[derive(clap::Args)]
struct RunArgs {
    /// SUT configuration (sut.yaml). Without it the embedded reference is the SUT.
    #[arg(long)]
    sut: Option<PathBuf>,
    /// Run only these profiles (repeatable). Default: every profile the SUT claims.
    #[arg(long = "profile")]
    profiles: Vec<String>,
    /// Make the embedded reference break one rule (see `setconform faults`).
    #[arg(long)]
    fault: Option<String>,
    /// Seed for jtis and claims; the same seed mints the same SETs.
    #[arg(long)]
    seed: Option<u64>,
    /// Folder for reports.
    #[arg(long, default_value = "setconform-report")]
    out: PathBuf,
    /// Which reports to write (comma-separated): run.json, report.html, junit.xml, summary.md.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = Format::ALL)]
    format: Vec<Format>,
    /// Read suite/ and profiles/ from this folder instead of the embedded copy.
    #[arg(long)]
    suite: Option<PathBuf>,
    /// Lowest verdict that makes the exit code 1.
    #[arg(long, default_value = "fail", value_parser = fail_on_parser())]
    fail_on: FailOn,
    /// The SET content profile the SUT's SETs are judged under (over sut.yaml's sets.profile):
    /// rfc8417, ssf or caep-interop. The embedded reference mints its SETs in it.
    #[arg(long, value_parser = parse_set_profile)]
    set_profile: Option<setconform::set::SetProfile>,
    /// Expected deviations (schemas/waivers.json): the FAILs and WARNs they name become WAIVED.
    #[arg(long)]
    waivers: Option<PathBuf>,
    /// Run again only the scenarios that failed (or, with --fail-on warn, warned) in this run.json.
    #[arg(long, value_name = "FROM.json")]
    rerun_failed: Option<PathBuf>,
    /// Do not verify the SUT's TLS certificates. For a first try only: every report marks the
    /// run NOT CERTIFIABLE.
    #[arg(long)]
    insecure: bool,
    #[command(flatten)]
    select: Selection,
}

/// Which scenarios run, and how many at once (libtest's words for them).
#[derive(clap::Args)]
struct Selection {
    /// Run only scenarios whose id contains this text.
    filter: Option<String>,
    /// With a filter: the id must equal it.
    #[arg(long)]
    exact: bool,
    /// Leave out scenarios whose id contains this text (repeatable).
    #[arg(long, value_name = "TEXT")]
    skip: Vec<String>,
    /// List the scenarios that would run, and run none.
    #[arg(long)]
    list: bool,
    /// Scenarios at once (default 16; 1 with a manual trigger).
    #[arg(long, value_name = "N")]
    test_threads: Option<usize>,
    /// No line per scenario: only the summary.
    #[arg(long, short)]
    quiet: bool,
}

impl Selection {
    fn into_arguments(self) -> libtest_mimic::Arguments {
        libtest_mimic::Arguments {
            filter: self.filter,
            exact: self.exact,
            skip: self.skip,
            list: self.list,
            test_threads: self.test_threads,
            quiet: self.quiet,
            ..libtest_mimic::Arguments::default()
        }
    }
}

#[derive(clap::Args)]
struct PairArgs {
    /// The initiator's sut.yaml (with an http trigger); default: an embedded reference.
    #[arg(long, requires = "responder")]
    initiator: Option<PathBuf>,
    /// The responder's sut.yaml (with an http trigger and a pushpull endpoint).
    #[arg(long, requires = "initiator")]
    responder: Option<PathBuf>,
    /// Make the embedded initiator break one rule.
    #[arg(long)]
    fault_initiator: Option<String>,
    /// Make the embedded responder break one rule.
    #[arg(long)]
    fault_responder: Option<String>,
    /// Folder for the reports (run.json, report.html, junit.xml, summary.md).
    #[arg(long, default_value = "setconform-report")]
    out: PathBuf,
}

fn main() -> ExitCode {
    // The libtest console runs each scenario on a thread of its own; give those
    // threads the stack scenarios need (see run::THREAD_STACK), unless told otherwise.
    if std::env::var_os("RUST_MIN_STACK").is_none() {
        // SAFETY: no other thread exists yet, so nothing reads the environment concurrently.
        unsafe { std::env::set_var("RUST_MIN_STACK", setconform::run::THREAD_STACK.to_string()) };
    }
    let cli = Cli::parse();
    let talks_to_peers = match &cli.command {
        Command::Run(args) => !args.select.list,
        Command::Pair(_) | Command::Reference { .. } => true,
        Command::Faults
        | Command::Coverage { .. }
        | Command::Check { .. }
        | Command::Keys
        | Command::Diff { .. }
        | Command::Report { .. }
        | Command::Merge { .. } => false,
    };
    if !talks_to_peers {
        restore_default_sigpipe();
    }
    let code = match cli.command {
        Command::Run(args) => run_command(args),
        Command::Faults => {
            for f in Fault::ALL {
                println!("{:<28} breaks {:<24} {}", f.name(), f.breaks().join(", "), f.description());
            }
            exit::CONFORMANT
        }
        Command::Coverage { suite } => coverage(suite),
        Command::Diff { old, new } => diff(&old, &new),
        Command::Report { run, out, format } => report(&run, out, &format),
        Command::Merge { runs, html } => merge(&runs, &html),
        Command::Check { suite, sut } => check(suite, sut),
        Command::Pair(args) => pair_command(args),
        Command::Keys => {
            println!("{}", harness_jwks());
            exit::CONFORMANT
        }
        Command::Reference { listen, fault } => serve_reference(listen, fault),
    };
    ExitCode::from(code as u8)
}

/// `setconform run --list | head` should end quietly when `head` stops reading,
/// as command-line tools do, not panic inside the console printer. Only for
/// commands that open no sockets: HTTP and TLS write to sockets with writev,
/// which raises SIGPIPE when a peer has closed the connection, and a SUT that
/// hangs up must never end the whole process.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called in main before any thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn run_command(args: RunArgs) -> i32 {
    let out = args.out.clone();
    let formats = args.format.clone();
    let only = match &args.rerun_failed {
        None => None,
        Some(from) => match setconform_reports::json::read(from) {
            Ok(previous) => {
                let failed =
                    |s: &&setconform_reports::ScenarioResult| s.verdict.outcome(args.fail_on) != Outcome::Conformant;
                let ids: BTreeSet<String> = previous.scenarios.iter().filter(failed).map(|s| s.id.clone()).collect();
                if ids.is_empty() {
                    say(&format!("nothing failed in {}: nothing to run again\n", from.display()));
                    return exit::CONFORMANT;
                }
                Some(ids)
            }
            Err(e) => {
                eprintln!("setconform: --rerun-failed {}: {e}", from.display());
                return exit::USAGE;
            }
        },
    };
    let request = RunRequest {
        sut_file: args.sut,
        profiles: args.profiles,
        only,
        waivers: args.waivers,
        set_profile: args.set_profile,
        fault: args.fault,
        seed: args.seed,
        out_dir: args.out,
        suite_dir: args.suite,
        fail_on: args.fail_on,
        insecure: args.insecure,
        args: args.select.into_arguments(),
        console: Console::Lines,
    };
    match run::execute(request) {
        Err(e) => {
            eprintln!("setconform: configuration error:\n{e}");
            exit::USAGE
        }
        Ok(finished) => {
            let Some(record) = finished.run else { return finished.exit_code };
            say(&setconform_reports::console::summary(&record));
            let written = write_all(&record, &out, &formats)
                .and_then(|()| std::fs::write(out.join("harness-jwks.json"), harness_jwks() + "\n"));
            if written.is_err() {
                return exit::INCOMPLETE;
            }
            finished.exit_code
        }
    }
}

fn pair_command(args: PairArgs) -> i32 {
    let request = run::PairRequest {
        initiator: args.initiator,
        responder: args.responder,
        fault_initiator: args.fault_initiator,
        fault_responder: args.fault_responder,
    };
    match run::pair(request) {
        Err(e) => {
            eprintln!("setconform: {e}");
            exit::USAGE
        }
        Ok(record) => {
            say(&setconform_reports::console::summary(&record));
            if write_all(&record, &args.out, &Format::ALL).is_err() {
                return exit::INCOMPLETE;
            }
            record.summary.exit_code
        }
    }
}

/// Writes the run's reports in `formats` into `dir` and names them; a failure is told on stderr.
fn write_all(record: &setconform_reports::Run, dir: &std::path::Path, formats: &[Format]) -> std::io::Result<()> {
    match output::write_reports(record, dir, formats) {
        Ok(files) => {
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            say(&format!("reports: {}\n", names.join(", ")));
            Ok(())
        }
        Err(e) => {
            eprintln!("setconform: cannot write reports to {}: {e}", dir.display());
            Err(e)
        }
    }
}

/// `setconform report`: the reports again, from a saved record.
fn report(run: &std::path::Path, out: Option<PathBuf>, formats: &[Format]) -> i32 {
    let record = match setconform_reports::json::read(run) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("setconform: {}: {e}", run.display());
            return exit::USAGE;
        }
    };
    let dir = out.unwrap_or_else(|| run.parent().map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf));
    // The record is re-read, not re-judged: no need to write it over itself.
    let formats: Vec<Format> =
        formats.iter().copied().filter(|f| *f != Format::Json || dir.join("run.json") != run).collect();
    if write_all(&record, &dir, &formats).is_err() { exit::INCOMPLETE } else { exit::CONFORMANT }
}

/// `setconform merge`: the interop matrix of several saved runs.
fn merge(runs: &[PathBuf], html: &std::path::Path) -> i32 {
    match output::write_matrix(runs, html) {
        Ok(()) => {
            say(&format!("matrix: {}\n", html.display()));
            exit::CONFORMANT
        }
        Err(e) => {
            eprintln!("setconform: merge: {e}");
            exit::USAGE
        }
    }
}

/// `--fail-on`: one of the settings' names.
fn fail_on_parser() -> impl clap::builder::TypedValueParser<Value = FailOn> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(FailOn::ALL.map(FailOn::as_str))
        .map(|name| FailOn::from_name(&name).unwrap_or_default())
}

fn parse_set_profile(name: &str) -> Result<setconform::set::SetProfile, String> {
    setconform::set::SetProfile::from_name(name)
        .ok_or_else(|| format!("{name:?} is none of rfc8417, ssf, caep-interop"))
}

/// Prints to stdout; a reader that went away (`| head`) is no reason to fail.
fn say(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// The public keys SUTs verify the harness's SETs with.
fn harness_jwks() -> String {
    serde_json::to_string_pretty(setconform::set::HarnessKeys::get().jwks()).unwrap_or_default()
}

fn coverage(suite: Option<PathBuf>) -> i32 {
    let catalogue = match run::load_catalogue(suite.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("setconform: {e}");
            return exit::USAGE;
        }
    };
    let (covered, uncovered) = catalogue.coverage();
    let unobservable = uncovered.iter().filter(|r| !r.observable).count();
    println!(
        "{} requirements: {} with scenarios, {} without ({} of those not observable from outside)",
        catalogue.requirements.len(),
        covered.len(),
        uncovered.len(),
        unobservable
    );
    for r in catalogue.requirements.values() {
        let tested_by: Vec<&str> =
            catalogue.scenarios.iter().filter(|s| s.requirements.contains(&r.id)).map(|s| s.id.as_str()).collect();
        let every_set = setconform::set::judged_on_every_set(&r.id);
        let what = match (tested_by.is_empty(), r.why.as_deref()) {
            (true, _) if every_set => "every SET the SUT sends, in every scenario".to_owned(),
            (false, _) if every_set => format!("every SET the SUT sends; also {}", tested_by.join(", ")),
            (false, _) => tested_by.join(", "),
            (true, Some(why)) => format!("no scenario: not observable from outside: {why}"),
            (true, None) => "no scenario".to_owned(),
        };
        println!("{:<13} {:<10} {what}", r.id, r.level.as_str());
    }
    exit::CONFORMANT
}

/// Exit 1 when the later run is worse than the earlier one somewhere.
fn diff(old: &std::path::Path, new: &std::path::Path) -> i32 {
    let read = |p: &std::path::Path| {
        setconform_reports::json::read(p).map_err(|e| eprintln!("setconform: {}: {e}", p.display())).ok()
    };
    let (Some(old_run), Some(new_run)) = (read(old), read(new)) else { return exit::USAGE };
    let d = setconform_reports::diff::Diff::between(&old_run, &new_run);
    say(&d.render());
    if d.regressions.is_empty() { exit::CONFORMANT } else { exit::FAILED }
}

fn check(suite: Option<PathBuf>, sut: Option<PathBuf>) -> i32 {
    let mut problems = Vec::new();
    match run::load_catalogue(suite.as_deref()) {
        Ok(c) => println!(
            "catalogue: {} requirements, {} profiles, {} scenarios",
            c.requirements.len(),
            c.profiles.len(),
            c.scenarios.len()
        ),
        Err(e) => problems.push(e.to_string()),
    }
    if let Some(path) = sut {
        match setconform::sut::SutSetup::load(&path) {
            Ok(s) => println!("{}: SUT {:?}, profiles {}", path.display(), s.name, s.profiles.join(", ")),
            Err(errs) => problems.extend(errs.iter().map(ToString::to_string)),
        }
    }
    if problems.is_empty() {
        exit::CONFORMANT
    } else {
        eprintln!("{}", problems.join("\n"));
        exit::USAGE
    }
}

fn serve_reference(listen: SocketAddr, fault: Option<String>) -> i32 {
    if !listen.ip().is_loopback() {
        eprintln!("setconform: the reference listens on loopback addresses only");
        return exit::USAGE;
    }
    let fault = match fault.map(|n| Fault::from_name(&n).ok_or(n)) {
        None => None,
        Some(Ok(f)) => Some(f),
        Some(Err(n)) => {
            eprintln!("setconform: unknown fault {n:?} (see `setconform faults`)");
            return exit::USAGE;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("setconform: {e}");
            return exit::INCOMPLETE;
        }
    };
    runtime.block_on(async {
        match Reference::start(ReferenceConfig { listen, fault, ..ReferenceConfig::default() }).await {
            Ok(reference) => {
                println!("pushpull endpoint: {}", reference.pushpull_url());
                println!("push endpoint (RFC 8935): {}", reference.push_url());
                println!("multi-SET push endpoint: {}", reference.msp_url());
                println!("poll endpoint (RFC 8936): {}", reference.poll_url());
                println!("control API (http trigger): {}", reference.control_url());
                println!("TLS: trust the CA in reference/keys/tls/ca.pem (also printed below)");
                print!("{}", String::from_utf8_lossy(Reference::ca_pem()));
                println!("stop with Ctrl-C");
                let _ = tokio::signal::ctrl_c().await;
                exit::CONFORMANT
            }
            Err(e) => {
                eprintln!("setconform: cannot listen on {listen}: {e}");
                exit::USAGE
            }
        }
    })
}
