//! `setconform check`: load and validate the catalogue, and a SUT
//! configuration if given, without running anything.

use super::Error;
use setconform::run::{self, exit};
use setconform::sut::{SetupMode, SutSetup, claims};
use std::path::Path;

pub fn check(suite: Option<&Path>, sut: Option<&Path>) -> Result<i32, Error> {
    let mut problems = Vec::new();
    let catalogue = match run::load_catalogue(suite) {
        Ok(c) => {
            println!(
                "catalogue: {} requirements, {} profiles, {} scenarios",
                c.requirements.len(),
                c.profiles.len(),
                c.scenarios.len()
            );
            Some(c)
        }
        Err(e) => {
            problems.push(e.to_string());
            None
        }
    };
    let mut setup = None;
    if let Some(path) = sut {
        let loaded = match &catalogue {
            Some(c) => claims::load(path, c),
            None => SutSetup::load(path),
        };
        match loaded {
            Ok(s) => {
                println!("{}: SUT {:?}, profiles {}", path.display(), s.name, s.profiles.join(", "));
                for warning in setup_warnings(&s) {
                    println!("{}: warning: {warning}", path.display());
                }
                for (field, url) in s.cleartext_endpoint_fields() {
                    println!(
                        "{}: warning: {field}: {url} is not TLS: the scenarios that test its TLS are ERROR, \
                         and a run against it is NOT CERTIFIABLE",
                        path.display()
                    );
                }
                setup = Some(s);
            }
            Err(errs) => problems.extend(errs.iter().map(ToString::to_string)),
        }
    }
    if let Some(c) = &catalogue
        && (sut.is_none() || setup.is_some())
    {
        super::capabilities::lines(c, setup.as_ref()).iter().for_each(|line| println!("{line}"));
    }
    if problems.is_empty() { Ok(exit::CONFORMANT) } else { Err(Error::Problems(problems)) }
}

/// What a SUT set up once (`setup: per-run` or `static`) lacks.
fn setup_warnings(sut: &SutSetup) -> Vec<String> {
    let mut warnings = Vec::new();
    let setup = sut.setup.name();
    if sut.setup.shares_peer() && sut.harness_stable.is_none() {
        let catalogue = run::load_catalogue(None).ok();
        let sends = sut
            .profiles
            .iter()
            .filter(|p| catalogue.as_ref().and_then(|c| c.profiles.get(*p)).is_some_and(|def| def.sut_sends()));
        for profile in sends {
            warnings.push(format!(
                "/harness/listen: setup: {setup} needs the stable harness endpoint for {profile}, where the SUT                  sends requests: give it a port (e.g. 127.0.0.1:9443); until then its scenarios are N/A"
            ));
        }
    }
    if sut.setup == SetupMode::Static && sut.harness_pki.is_none() {
        warnings.push(
            "/harness/ca_file: setup: static has no CA of yours, and each run generates its own, which the SUT              cannot trust in advance: run `setconform keys --write-ca DIR` and name the files in              harness.ca_file and harness.ca_key_file"
                .to_owned(),
        );
    }
    warnings
}
