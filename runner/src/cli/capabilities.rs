//! The capabilities each profile understands (declared in `profiles/*.yaml`,
//! listed in sut.yaml's `capabilities`), for `setconform check`: per profile,
//! how many scenarios need each one, whether the SUT declares it, and a warning
//! when most of a claimed profile would be N/A for want of them.

use setconform::catalogue::Catalogue;
use setconform::sut::SutSetup;

/// One profile's capabilities: (name, scenarios of the profile that need it).
fn needs<'c>(catalogue: &'c Catalogue, profile: &str) -> Vec<(&'c str, usize)> {
    let Some(p) = catalogue.profiles.get(profile) else { return Vec::new() };
    p.capabilities
        .keys()
        .map(|cap| {
            let n = catalogue
                .scenarios
                .iter()
                .filter(|s| s.applies_to.iter().any(|a| a == profile) && s.requires.contains(cap))
                .count();
            (cap.as_str(), n)
        })
        .collect()
}

/// The lines `check` prints: every profile (or, with a SUT, each it claims)
/// with its capabilities, and the warnings.
pub fn lines(catalogue: &Catalogue, sut: Option<&SutSetup>) -> Vec<String> {
    let mut out = Vec::new();
    let profiles: Vec<&String> = match sut {
        Some(s) => s.profiles.iter().collect(),
        None => catalogue.profiles.keys().collect(),
    };
    for profile in profiles {
        let caps = needs(catalogue, profile);
        if caps.is_empty() {
            continue;
        }
        let declared = |cap: &str| sut.is_none_or(|s| s.capabilities.iter().any(|c| c == cap));
        let listed: Vec<String> = caps
            .iter()
            .map(|(cap, n)| {
                let mark = match sut {
                    Some(_) if declared(cap) => " (declared)",
                    Some(_) => " (not declared)",
                    None => "",
                };
                format!("{cap}{mark}: {n} scenario(s)")
            })
            .collect();
        out.push(format!("capabilities of {profile}: {}", listed.join(", ")));
        if sut.is_none() {
            continue;
        }
        let total = catalogue.scenarios.iter().filter(|s| s.applies_to.contains(profile)).count();
        let missing: Vec<&(&str, usize)> = caps.iter().filter(|(cap, n)| *n > 0 && !declared(cap)).collect();
        let lacking = catalogue
            .scenarios
            .iter()
            .filter(|s| s.applies_to.contains(profile) && s.requires.iter().any(|r| !declared(r)))
            .count();
        if lacking * 2 > total {
            let named: Vec<String> = missing.iter().map(|(cap, n)| format!("{cap} ({n})")).collect();
            out.push(format!(
                "warning: {lacking} of the {total} scenarios of {profile} would be N/A for lack of a capability: {}",
                named.join(", ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sut(capabilities: &str) -> SutSetup {
        let dir = std::env::temp_dir().join(format!("setconform-capabilities-{}-{capabilities}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("sut.yaml");
        let text = format!(
            "name: x\nprofiles: [pushpull-http-responder]\ncapabilities: [{capabilities}]\n\
             pushpull: {{ endpoint: 'https://127.0.0.1:9/pushpull' }}\n"
        );
        std::fs::write(&path, text).unwrap();
        SutSetup::load(&path).unwrap()
    }

    /// A catalogue where most pushpull-http-responder scenarios need `push-pull-class`.
    fn mostly_push_pull_class() -> Catalogue {
        let mut catalogue = setconform::run::load_catalogue(None).unwrap();
        let profile = "pushpull-http-responder".to_owned();
        let mut others = 0;
        catalogue.scenarios.retain(|s| {
            let keep = s.applies_to.contains(&profile)
                && (s.requires.iter().any(|r| r == "push-pull-class") || s.requires.is_empty() && others < 3);
            others += usize::from(keep && s.requires.is_empty());
            keep
        });
        catalogue
    }

    #[test]
    fn a_profile_mostly_na_for_an_undeclared_capability_is_warned_of_by_name_and_count() {
        let lines = lines(&mostly_push_pull_class(), Some(&sut("access-tokens")));
        let warning = lines.iter().find(|l| l.starts_with("warning:")).expect("a warning");
        assert!(warning.contains("11 of the 14 scenarios") && warning.contains("push-pull-class (11)"), "{warning}");
        assert!(
            lines[0].contains("push-pull-class (not declared): 11") && lines[0].contains("access-tokens (declared)")
        );
    }

    #[test]
    fn a_profile_whose_capabilities_are_declared_is_not_warned_of() {
        let lines = lines(&mostly_push_pull_class(), Some(&sut("push-pull-class")));
        assert!(lines.iter().all(|l| !l.starts_with("warning:")), "{lines:?}");
    }
}
