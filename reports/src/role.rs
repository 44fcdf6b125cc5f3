//! Who must keep a requirement, in one vocabulary.
//!
//! The catalogue writes roles as each spec's requirements matrix does
//! (REQUIREMENTS.md, Legend): pushpull's `I`, `R`, `T`, `S`, `Rx`; RFC
//! 8935/8936 and SSF's `Tx`, `Rcv`; RFC 8417's `Issuer`; sometimes several,
//! or a code with its name (`Rx (Receiver)`, `Issuer/Tx`). Reports show the
//! spelled-out names below instead.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// pushpull `I`: the HTTP client, or the WebSocket handshake's client.
    Initiator,
    /// pushpull `R`: the side that owns the Pushpull endpoint.
    Responder,
    /// pushpull `T`: either side of a pushpull exchange.
    Transceiver,
    /// `Tx`; pushpull `S` (the side that sent a given SET); RFC 8417's `Issuer`.
    Transmitter,
    /// `Rcv`; pushpull `Rx` (the side that received a given SET).
    Receiver,
}

/// The catalogue's codes (REQUIREMENTS.md, Legend) and the names written out.
const CODES: [(&str, Role); 13] = [
    ("I", Role::Initiator),
    ("R", Role::Responder),
    ("T", Role::Transceiver),
    ("Tx", Role::Transmitter),
    ("S", Role::Transmitter),
    ("Issuer", Role::Transmitter),
    ("Rcv", Role::Receiver),
    ("Rx", Role::Receiver),
    ("Initiator", Role::Initiator),
    ("Responder", Role::Responder),
    ("Transceiver", Role::Transceiver),
    ("Transmitter", Role::Transmitter),
    ("Receiver", Role::Receiver),
];

impl Role {
    /// The role a catalogue code stands for; `None` for a code not in the legend.
    pub fn from_code(code: &str) -> Option<Role> {
        known(code).map(|(_, role)| role)
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Initiator => "Initiator",
            Role::Responder => "Responder",
            Role::Transceiver => "Transceiver",
            Role::Transmitter => "Transmitter",
            Role::Receiver => "Receiver",
        }
    }
}

/// A code of the legend as its fixed spelling, and its role.
fn known(code: &str) -> Option<(&'static str, Role)> {
    CODES.iter().find(|(c, _)| *c == code).copied()
}

/// One role of a catalogue `role` field: a known role, or a code the legend
/// does not have, kept as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleName<'a> {
    Known(Role),
    Other(&'a str),
}

impl fmt::Display for RoleName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RoleName::Known(r) => f.write_str(r.name()),
            RoleName::Other(code) => f.write_str(code),
        }
    }
}

/// The legend's codes found in a catalogue `role` field, in its order, each
/// spelt as the legend does (fixed words: nothing else of the field).
pub fn legend_codes(field: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (code, _) in codes(field).filter_map(known) {
        if !out.contains(&code) {
            out.push(code);
        }
    }
    out
}

/// The codes of a catalogue `role` field: separated by `,` or `/`, a name in
/// parentheses after a code left out (it only repeats the code).
fn codes(field: &str) -> impl Iterator<Item = &str> {
    field.split([',', '/']).map(|part| part.split('(').next().unwrap_or(part).trim()).filter(|c| !c.is_empty())
}

/// The roles of a catalogue `role` field, in order, each once.
pub fn roles(field: &str) -> Vec<RoleName<'_>> {
    let mut out: Vec<RoleName> = Vec::new();
    for code in codes(field) {
        let name = Role::from_code(code).map_or(RoleName::Other(code), RoleName::Known);
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The roles of a catalogue `role` field spelled out: `Transmitter, Receiver`.
pub fn spelled_out(field: &str) -> String {
    roles(field).iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_spelling_maps_to_one_vocabulary() {
        let cases = [
            ("R", "Responder"),
            ("I, R", "Initiator, Responder"),
            ("T", "Transceiver"),
            ("Tx", "Transmitter"),
            ("S", "Transmitter"),
            ("S (Transmitter)", "Transmitter"),
            ("Issuer", "Transmitter"),
            ("Issuer/Tx", "Transmitter"),
            ("Rcv", "Receiver"),
            ("Rx", "Receiver"),
            ("Rx (Receiver)", "Receiver"),
            ("Tx, Rcv", "Transmitter, Receiver"),
            ("Rcv, Tx", "Receiver, Transmitter"),
            ("", ""),
            ("Harness", "Harness"),
        ];
        for (code, shown) in cases {
            assert_eq!(spelled_out(code), shown, "{code:?}");
        }
        assert_eq!(legend_codes("Issuer/Tx"), ["Issuer", "Tx"]);
        assert_eq!(legend_codes("Rx (Receiver), <b>x</b>"), ["Rx"]);
    }

    /// Every role the shipped catalogue uses is in the legend.
    #[test]
    fn the_catalogue_has_no_unknown_role() {
        let yaml = include_str!("../../suite/requirements.yaml");
        let fields = yaml.lines().filter_map(|l| l.trim().strip_prefix("role:")).map(|v| v.trim().trim_matches('"'));
        let mut seen = 0;
        for field in fields {
            seen += 1;
            assert!(
                roles(field).iter().all(|r| matches!(r, RoleName::Known(_))),
                "role {field:?} is not in the legend"
            );
        }
        assert!(seen > 100, "read {seen} roles from the catalogue");
    }
}
