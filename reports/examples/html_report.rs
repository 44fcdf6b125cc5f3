//! Renders a saved run as HTML, until the CLI writes the HTML reports itself.
//!
//! `cargo run -p setconform-reports --example html_report -- RUN.json > report.html`
//! `cargo run -p setconform-reports --example html_report -- --matrix A.json B.json > matrix.html`

use setconform_reports::html::{MatrixEntry, matrix, run_report};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (is_matrix, files) = match args.split_first() {
        Some((flag, rest)) if flag == "--matrix" => (true, rest),
        _ => (false, &args[..]),
    };
    if files.is_empty() || (!is_matrix && files.len() != 1) {
        eprintln!("usage: html_report RUN.json | html_report --matrix RUN.json...");
        return ExitCode::from(2);
    }
    let mut runs = Vec::new();
    for f in files {
        match setconform_reports::json::read(Path::new(f)) {
            Ok(run) => runs.push(run),
            Err(e) => {
                eprintln!("{f}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let page = if is_matrix {
        let entries: Vec<MatrixEntry<'_>> =
            runs.iter().map(|run| MatrixEntry { label: run.sut.name.clone(), report_href: None, run }).collect();
        matrix(&entries)
    } else {
        run_report(&runs[0])
    };
    print!("{page}");
    ExitCode::SUCCESS
}
