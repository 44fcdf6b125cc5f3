//! The fault catalogue: each fault breaks exactly one rule of the specs.
//!
//! Every fault is declared once, in the `faults!` table below, in the order
//! `setconform faults` lists them: its variant; its kind (`Rule`: breaks a
//! rule the suite must catch, `Hostile`: attacks the harness, which must
//! survive); its name on the command line; the requirements it breaks; after
//! `also`, the requirements it breaks as a consequence (a responder that never
//! acknowledges also keeps no Multi-Push promise); the ambiguity (AMB-nn) that
//! leaves open the reading of those of them that name it, if any; the SET
//! profile the suite runs it under, if not RFC 8417 alone; and what the
//! reference does wrong. The macro makes the enum, `Fault::ALL` and the
//! lookups from it.
//!
//! Together, `breaks` and `also` are every requirement a run of the whole
//! catalogue under the fault finds broken, and nothing else
//! (`runner/tests/faults.rs`). A hostile fault may break nothing the suite
//! judges: a SUT that never answers is a TIMEOUT, not a broken rule; its
//! `also` lists what it may break when a scenario gets that far before its
//! deadline.

use crate::set_profile::SetProfile;

/// What a fault tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// It breaks one rule, and the scenarios on that rule catch it.
    Rule,
    /// It makes the reference hostile (`hostile-*`): the harness survives it,
    /// with ERROR and TIMEOUT among the verdicts.
    Hostile,
}

/// One fault's declaration.
struct Entry {
    name: &'static str,
    kind: Kind,
    breaks: &'static [&'static str],
    also: &'static [&'static str],
    ambiguity: Option<&'static str>,
    set_profile: SetProfile,
    description: &'static str,
}

macro_rules! faults {
    (@ambiguity) => { None };
    (@ambiguity $ambiguity:literal) => { Some($ambiguity) };
    (@profile) => { SetProfile::Rfc8417 };
    (@profile $profile:ident) => { SetProfile::$profile };
    ($(
        $variant:ident: $kind:ident $name:literal breaks [$($requirement:literal),*]
            $(also [$($consequence:literal),+])?
            $(ambiguity $ambiguity:literal)? $(profile $profile:ident)?
            $description:literal;
    )+) => {
        /// A deliberate deviation from the specs, injected with `--fault NAME`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Fault {
            $(#[doc = $description] $variant,)+
        }

        /// The declarations, in the order of `Fault`'s variants.
        pub(super) const ENTRIES: &[Entry] = &[$(Entry {
            name: $name,
            kind: Kind::$kind,
            breaks: &[$($requirement),*],
            also: &[$($($consequence),+)?],
            ambiguity: faults!(@ambiguity $($ambiguity)?),
            set_profile: faults!(@profile $($profile)?),
            description: $description,
        },)+];

        impl Fault {
            pub const ALL: [Fault; ENTRIES.len()] = [$(Fault::$variant,)+];
        }
    };
}

mod table;

use table::ENTRIES;
pub use table::Fault;

impl Fault {
    fn entry(self) -> &'static Entry {
        &ENTRIES[self as usize]
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        self.entry().name
    }

    /// Requirement IDs (suite/requirements.yaml) this fault breaks.
    pub fn breaks(self) -> &'static [&'static str] {
        self.entry().breaks
    }

    /// Requirement IDs it breaks as a consequence of those: what a peer
    /// can no longer do, or no longer sees done, once the rule is broken.
    pub fn consequences(self) -> &'static [&'static str] {
        self.entry().also
    }

    /// Every requirement a run under this fault finds broken: [`Fault::breaks`]
    /// and [`Fault::consequences`].
    pub fn proves(self) -> impl Iterator<Item = &'static str> {
        self.breaks().iter().chain(self.consequences()).copied()
    }

    /// What the reference does wrong under this fault.
    pub fn description(self) -> &'static str {
        self.entry().description
    }

    /// The ambiguity (AMB-nn) under which the specs' reading of this
    /// deviation is open: for the requirements that name it, the suite reports
    /// it as INFO, not as a violation; any other requirement the fault breaks
    /// is judged at its level.
    pub fn ambiguity(self) -> Option<&'static str> {
        self.entry().ambiguity
    }

    /// Whether the fault makes the reference hostile (`hostile-*`): it then
    /// tests that the harness survives, with ERROR and TIMEOUT among the
    /// verdicts, rather than that one rule is caught.
    pub fn is_hostile(self) -> bool {
        self.entry().kind == Kind::Hostile
    }

    /// The SET profile the suite runs this fault under, so that the rules it
    /// breaks are judged: the SSF and interop content rules only bind SETs
    /// minted under those profiles.
    pub fn set_profile(self) -> SetProfile {
        self.entry().set_profile
    }

    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_round_trip() {
        let names: HashSet<_> = Fault::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), Fault::ALL.len());
        for f in Fault::ALL {
            assert_eq!(Fault::from_name(f.name()), Some(f));
            // A rule fault breaks a rule; a hostile one may only test survival.
            assert!(f.is_hostile() || !f.breaks().is_empty(), "{f:?}");
            assert!(f.consequences().iter().all(|r| !f.breaks().contains(r)), "{f:?}");
        }
    }

    #[test]
    fn the_declarations_follow_the_variants() {
        for (i, f) in Fault::ALL.into_iter().enumerate() {
            assert_eq!(f as usize, i, "{f:?}");
        }
        assert_eq!(Fault::ALL.len(), ENTRIES.len());
    }

    #[test]
    fn hostile_faults_are_named_so() {
        for f in Fault::ALL.into_iter().filter(|f| f.is_hostile()) {
            assert!(f.name().starts_with("hostile-"), "{f:?}");
        }
    }

    #[test]
    fn ssf_and_subject_rules_are_judged_under_an_ssf_profile() {
        for f in Fault::ALL {
            let ssf_rule = f.breaks().iter().any(|id| ["SSF-", "SUBID-", "CAEP-"].iter().any(|p| id.starts_with(p)));
            if ssf_rule {
                assert_ne!(f.set_profile(), SetProfile::Rfc8417, "{f:?}");
            }
            if f.breaks().iter().any(|id| id.starts_with("SSF-IOP-")) {
                assert_eq!(f.set_profile(), SetProfile::CaepInterop, "{f:?}");
            }
        }
        assert_eq!(Fault::SetsWithExp.set_profile(), SetProfile::Ssf);
        assert_eq!(Fault::TypJwt.set_profile(), SetProfile::Rfc8417);
    }
}
