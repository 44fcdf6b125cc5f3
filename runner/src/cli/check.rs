//! `setconform check`: load and validate the catalogue, and a SUT
//! configuration if given, without running anything.

use super::Error;
use setconform::run::{self, exit};
use setconform::sut::SutSetup;
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
        match SutSetup::load(path) {
            Ok(s) => {
                println!("{}: SUT {:?}, profiles {}", path.display(), s.name, s.profiles.join(", "));
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
