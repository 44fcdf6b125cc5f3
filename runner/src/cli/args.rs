//! The command line's flags and subcommands, as clap reads them: every help
//! text the user sees is here, and nothing that acts on them.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use setconform::bench::plan::{Rate, Sampling, ShardArg, duration};
use setconform::output::Format;
use setconform::progress::colour::ColorWhen;
use setconform::run::FailOn;
use setconform::set::SetProfile;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "setconform", version, about = "Conformance and interop test suite for Security Event Token delivery")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

#[derive(Subcommand)]
pub enum Command {
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
        /// Instead: the OpenID Foundation conformance suite's SSF transmitter and receiver
        /// test modules and the scenarios that cover each (suite/oidf-parity.yaml).
        #[arg(long)]
        oidf: bool,
        /// With --oidf: print the map as the Markdown page docs/oidf-parity.md.
        #[arg(long, requires = "oidf")]
        markdown: bool,
    },
    /// Render the reports again from a saved run.json; from a bench.json, the bench's page (bench.html).
    Report {
        /// The saved run.json or bench.json.
        run: PathBuf,
        /// Folder for the reports (default: the record's folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Which reports (comma-separated).
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = Format::ALL)]
        format: Vec<Format>,
    },
    /// The interop matrix of several saved runs: implementations x scenarios and x requirements.
    /// Given bench records (bench.json) instead, those of the shards of one bench: their sum,
    /// as one bench record and its page.
    Merge {
        /// The saved run.json files, one per implementation (or per configuration); or the
        /// bench.json files of one bench's shards. Runs and benches do not mix.
        #[arg(required = true, num_args = 1..)]
        runs: Vec<PathBuf>,
        /// Where to write the matrix page.
        #[arg(long, default_value = "matrix.html")]
        html: PathBuf,
        /// A column's label (repeatable): one per run, in the order of the runs, or none.
        /// Without them a column is called by its SUT's name (and fault), with the minute
        /// its run started (UTC) added where two columns would otherwise be called alike.
        #[arg(long = "label", value_name = "LABEL")]
        labels: Vec<String>,
        /// For bench records: where to write the merged record; its page, bench.html, goes beside it.
        #[arg(long, value_name = "FILE", default_value = "bench.json")]
        json: PathBuf,
    },
    /// Compare two saved runs: regressions and fixes, by scenario and requirement.
    /// Exit 1 when something got worse, or is no longer tested (judged before,
    /// N/A or gone now; a requirement no longer covered). Two bench records
    /// (bench.json) are compared by sustained rate and p99 latency: exit 1 when
    /// either got worse by more than --threshold, 2 when they measured different
    /// bindings or directions.
    Diff {
        /// The earlier run.json (or bench.json).
        old: PathBuf,
        /// The later run.json (or bench.json).
        new: PathBuf,
        /// Accept testing less: scenarios no longer judged (now N/A or gone) and
        /// requirements no longer covered are other changes, not regressions.
        #[arg(long)]
        accept_narrowing: bool,
        /// For bench records: how many percent the sustained rate may drop, and the p99 rise.
        #[arg(long, value_name = "PERCENT", default_value_t = 10.0, value_parser = parse_threshold)]
        threshold: f64,
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
    /// Print the harness's public keys (JWKS) for SUTs that are configured by hand;
    /// with --sut, everything such a SUT needs (identity, endpoint URLs, token, CA).
    Keys {
        /// SUT configuration (sut.yaml) whose harness section the values come from.
        #[arg(long)]
        sut: Option<PathBuf>,
        /// Make a CA for you to keep (harness-ca.pem, harness-ca-key.pem in DIR),
        /// for sut.yaml harness.ca_file and harness.ca_key_file.
        #[arg(long, value_name = "DIR")]
        write_ca: Option<PathBuf>,
    },
    /// Measure how many SETs per second a SUT takes on one binding, at what latency,
    /// and whether it loses any (default: the embedded reference). Writes bench.json
    /// and bench.html; exit 1 when SETs were lost.
    Bench(BenchArgs),
    /// Serve the reference transceiver on its own, as a SUT for `run --sut`.
    Reference {
        /// Loopback address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Break one rule on purpose (see `setconform faults`).
        #[arg(long)]
        fault: Option<String>,
        /// A CA certificate (PEM) the endpoints of SSF push streams may chain to: the
        /// harness's kept CA (`setconform keys --write-ca`, sut.yaml `harness.ca_file`).
        #[arg(long, value_name = "FILE")]
        ssf_endpoint_ca: Option<std::path::PathBuf>,
        #[command(flatten)]
        ssf_receiver: SsfReceiverArgs,
    },
}

/// The reference as an SSF receiver configured by hand: from its start it
/// configures a stream at the transmitter of this issuer (SSF §7.2: metadata at
/// the well-known URL built from it), trying until it answers.
#[derive(Debug, clap::Args)]
pub struct SsfReceiverArgs {
    /// The SSF transmitter's issuer (e.g. the harness's, from `setconform keys --sut`).
    #[arg(long, value_name = "URL")]
    pub ssf_issuer: Option<String>,
    /// Its token endpoint for client credentials; `<issuer>/token` unless given.
    #[arg(long, value_name = "URL", requires = "ssf_issuer")]
    pub ssf_token_endpoint: Option<String>,
    /// The client id at that token endpoint.
    #[arg(long, default_value = "setconform-receiver", requires = "ssf_issuer")]
    pub ssf_client_id: String,
    /// A file holding the client secret; the harness's fixed test secret unless given.
    #[arg(long, value_name = "FILE", requires = "ssf_issuer")]
    pub ssf_client_secret_file: Option<PathBuf>,
    /// How the stream delivers: `push` or `poll`.
    #[arg(long, default_value = "push", value_parser = ["push", "poll"], requires = "ssf_issuer")]
    pub ssf_delivery: String,
}

impl Command {
    /// Whether the command opens sockets to a SUT or for one (see
    /// [`super::restore_default_sigpipe`]).
    pub fn talks_to_peers(&self) -> bool {
        match self {
            Command::Run(args) => !args.select.list,
            Command::Pair(_) | Command::Reference { .. } => true,
            Command::Faults
            | Command::Coverage { .. }
            | Command::Check { .. }
            | Command::Keys { .. }
            | Command::Diff { .. }
            | Command::Report { .. }
            | Command::Merge { .. } => false,
            Command::Bench(_) => true,
        }
    }
}

#[derive(clap::Args)]
pub struct RunArgs {
    /// SUT configuration (sut.yaml). Without it the embedded reference is the SUT.
    #[arg(long)]
    pub sut: Option<PathBuf>,
    /// Run only these profiles (repeatable). Default: every profile the SUT claims.
    #[arg(long = "profile")]
    pub profiles: Vec<String>,
    /// Make the embedded reference break one rule (see `setconform faults`).
    #[arg(long)]
    pub fault: Option<String>,
    /// Seed for jtis and claims; the same seed mints the same SETs.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Folder for reports.
    #[arg(long, default_value = "setconform-report", value_parser = parse_out_folder)]
    pub out: PathBuf,
    /// Which reports to write (comma-separated): run.json, report.html, junit.xml, summary.md.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = Format::ALL)]
    pub format: Vec<Format>,
    /// Read suite/ and profiles/ from this folder instead of the embedded copy.
    #[arg(long)]
    pub suite: Option<PathBuf>,
    /// Lowest verdict that makes the exit code 1.
    #[arg(long, default_value = "fail", value_parser = fail_on_parser())]
    pub fail_on: FailOn,
    /// The SET content profile the SUT's SETs are judged under (over sut.yaml's sets.profile):
    /// rfc8417, ssf or caep-interop. The embedded reference mints its SETs in it.
    #[arg(long, value_parser = parse_set_profile)]
    pub set_profile: Option<SetProfile>,
    /// Expected deviations (schemas/waivers.json): the FAILs and WARNs they name become WAIVED.
    #[arg(long)]
    pub waivers: Option<PathBuf>,
    /// Run again only the scenarios that failed (or, with --fail-on warn, warned) in this run.json.
    #[arg(long, value_name = "FROM.json")]
    pub rerun_failed: Option<PathBuf>,
    /// Do not verify the SUT's TLS certificates. For a first try only: every report marks the
    /// run NOT CERTIFIABLE.
    #[arg(long)]
    pub insecure: bool,
    #[command(flatten)]
    pub select: Selection,
}

/// Which scenarios run, and how many at once (libtest's words for them).
#[derive(clap::Args)]
pub struct Selection {
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
    pub list: bool,
    /// Scenarios at once (default 16; 1 with a manual trigger).
    #[arg(long, value_name = "N", value_parser = parse_test_threads)]
    test_threads: Option<usize>,
    /// No line per scenario: only the summary.
    #[arg(long, short)]
    quiet: bool,
}

impl Selection {
    pub fn into_arguments(self) -> libtest_mimic::Arguments {
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
pub struct PairArgs {
    /// The initiator's sut.yaml (with an http trigger); default: an embedded reference.
    #[arg(long, requires = "responder")]
    pub initiator: Option<PathBuf>,
    /// The responder's sut.yaml (with an http trigger and a pushpull endpoint).
    #[arg(long, requires = "initiator")]
    pub responder: Option<PathBuf>,
    /// Make the embedded initiator break one rule.
    #[arg(long)]
    pub fault_initiator: Option<String>,
    /// Make the embedded responder break one rule.
    #[arg(long)]
    pub fault_responder: Option<String>,
    /// Folder for the reports (run.json, report.html, junit.xml, summary.md).
    #[arg(long, default_value = "setconform-report")]
    pub out: PathBuf,
}

/// How the console looks, for every subcommand.
#[derive(clap::Args)]
pub struct ConsoleArgs {
    /// When to colour the verdicts and the headline on the console; report files never are.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,
}

/// `--fail-on`: one of the settings' names.
fn fail_on_parser() -> impl TypedValueParser<Value = FailOn> {
    PossibleValuesParser::new(FailOn::ALL.map(FailOn::as_str)).map(|name| FailOn::from_name(&name).unwrap_or_default())
}

/// `--set-profile`: one of the SET content profiles' names.
fn parse_set_profile(name: &str) -> Result<SetProfile, String> {
    SetProfile::from_name(name).ok_or_else(|| format!("{name:?} is none of rfc8417, ssf, caep-interop"))
}

/// `--out`: a folder, or a path where one can be made; an existing file is neither.
fn parse_out_folder(path: &str) -> Result<PathBuf, String> {
    let folder = PathBuf::from(path);
    match std::fs::metadata(&folder) {
        Ok(meta) if !meta.is_dir() => Err(format!("--out {path} is a file, not a folder")),
        _ => Ok(folder),
    }
}

/// `--threshold`: a percentage, zero or more.
fn parse_threshold(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(p) if p.is_finite() && p >= 0.0 => Ok(p),
        _ => Err(format!("{text:?} is not a percentage (a number, 0 or more)")),
    }
}

/// `--test-threads`: how many scenarios at once, one at the least.
fn parse_test_threads(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("at least 1 scenario must run at a time (0 would run none)".to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{text:?} is not a number of scenarios (1 or more)")),
    }
}

/// `setconform bench`.
#[derive(clap::Args)]
pub struct BenchArgs {
    /// SUT configuration (sut.yaml). Without it the embedded reference is the SUT.
    #[arg(long)]
    pub sut: Option<PathBuf>,
    /// The delivery binding: push (RFC 8935), msp (multi-SET push), pushpull-http,
    /// pushpull-ws, or poll (RFC 8936; with --direction drain).
    #[arg(long, value_parser = PossibleValuesParser::new(["push", "msp", "pushpull-http", "pushpull-ws", "poll"]))]
    pub binding: String,
    /// Which way the SETs go: send (the harness sends to a receiving SUT) or drain (the
    /// harness has a transmitting SUT queue SETs through its trigger, and receives them).
    #[arg(long, default_value = "send", value_parser = PossibleValuesParser::new(["send", "drain"]))]
    pub direction: String,
    /// A fixed rate held for --duration (SETs per second, all shards together).
    #[arg(long, default_value = "5000/s")]
    pub rate: Rate,
    /// How long a fixed rate is held.
    #[arg(long, default_value = "10s", value_parser = duration)]
    pub duration: Duration,
    /// Ramp instead: find the highest rate whose p99 latency stays under this bound
    /// (e.g. 250ms), from --start-rate, growing by half per --step.
    #[arg(long, value_parser = duration)]
    pub max_p99: Option<Duration>,
    /// The ramp's first rate.
    #[arg(long, default_value = "1000/s", requires = "max_p99")]
    pub start_rate: Rate,
    /// How long the ramp holds each rate.
    #[arg(long, default_value = "5s", value_parser = duration, requires = "max_p99")]
    pub step: Duration,
    /// SETs per request or message (push always sends one).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub batch: u32,
    /// Connections (WebSocket streams) the load is spread over, all shards together.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub connections: u32,
    /// With --direction drain: judge 1 in N of the SUT's SETs as they arrive (1/100), all, or none.
    #[arg(long, default_value = "1/100")]
    pub verify: Sampling,
    /// This copy is shard i of n (from 1): it sends 1/n of the rate over 1/n of the
    /// connections, for `setconform merge` to add up. Fixed rates only.
    #[arg(long, conflicts_with = "max_p99")]
    pub shard: Option<ShardArg>,
    /// How long after the last send unanswered SETs are waited for before they count as lost.
    #[arg(long, default_value = "5s", value_parser = duration)]
    pub grace: Duration,
    /// Folder for bench.json and bench.html.
    #[arg(long, default_value = "setconform-bench", value_parser = parse_out_folder)]
    pub out: PathBuf,
}
