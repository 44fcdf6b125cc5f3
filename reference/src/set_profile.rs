//! The content profile the reference mints its SETs under.

/// Which rules shape the claims and header of the SETs the reference mints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SetProfile {
    /// Plain RFC 8417 SETs, as the delivery specs need them.
    #[default]
    Rfc8417,
    /// SSF 1.0 SETs (§3.1, §4.1, §4.2): `sub_id`, `txn`, one CAEP event, no `sub` or `exp`.
    Ssf,
    /// SSF SETs under the CAEP interoperability profile (§2.5–§2.8): as `Ssf`, signed RS256.
    CaepInterop,
}

impl SetProfile {
    pub const ALL: [SetProfile; 3] = [SetProfile::Rfc8417, SetProfile::Ssf, SetProfile::CaepInterop];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            SetProfile::Rfc8417 => "rfc8417",
            SetProfile::Ssf => "ssf",
            SetProfile::CaepInterop => "caep-interop",
        }
    }

    pub fn from_name(name: &str) -> Option<SetProfile> {
        SetProfile::ALL.into_iter().find(|p| p.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in SetProfile::ALL {
            assert_eq!(SetProfile::from_name(p.name()), Some(p));
        }
        assert_eq!(SetProfile::default(), SetProfile::Rfc8417);
        assert_eq!(SetProfile::from_name("SSF"), None);
    }
}
