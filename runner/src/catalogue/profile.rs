//! Conformance profiles: what a SUT claims, as a protocol, a binding and a
//! role, each parsed once into an enum when the catalogue loads.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Profile {
    pub id: String,
    pub title: String,
    pub protocol: Protocol,
    pub binding: ProfileBinding,
    pub role: Role,
    pub description: String,
    /// Optional behaviours a SUT may declare, with what each means.
    #[serde(default)]
    pub capabilities: BTreeMap<String, String>,
}

/// The delivery protocol a profile is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// draft-tulshibagwale-saag-pushpull-delivery.
    Pushpull,
    /// RFC 8935.
    Push,
    /// RFC 8936.
    Poll,
    /// Multi-SET push.
    MultiSetPush,
    /// The SET itself (RFC 8417), on no binding of its own.
    Set,
    /// OpenID Shared Signals Framework 1.0: stream management, push and poll delivery.
    Ssf,
}

/// The transport a profile names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileBinding {
    Http,
    Websocket,
    None,
}

/// The part the SUT plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Responder,
    Initiator,
    Receiver,
    Transmitter,
}

/// How SETs travel in a scenario, as the harness tells the SUT at registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Binding {
    /// Pushpull over HTTP request/response.
    #[default]
    Http,
    /// Pushpull over WebSocket.
    Websocket,
    /// RFC 8935: one SET per POST.
    Push,
    /// Multi-SET push: batches.
    Msp,
    /// RFC 8936 poll.
    Poll,
}

impl Binding {
    /// The name the SUT contract uses (`binding` in the registration request).
    pub fn name(self) -> &'static str {
        match self {
            Binding::Http => "http",
            Binding::Websocket => "websocket",
            Binding::Push => "push",
            Binding::Msp => "msp",
            Binding::Poll => "poll",
        }
    }

    /// The last segment of the path of the harness's endpoint for this binding.
    pub fn endpoint_path(self) -> &'static str {
        match self {
            Binding::Push => "/push",
            Binding::Msp => "/msp",
            Binding::Poll => "/poll",
            Binding::Http | Binding::Websocket => "/pushpull",
        }
    }
}

impl Profile {
    /// How SETs travel under this profile.
    pub fn delivery(&self) -> Binding {
        match (self.protocol, self.binding) {
            // An SSF transmitter pushes to the harness unless a stream asks for polls.
            (Protocol::Push | Protocol::Ssf, _) => Binding::Push,
            (Protocol::MultiSetPush, _) => Binding::Msp,
            (Protocol::Poll, _) => Binding::Poll,
            (_, ProfileBinding::Websocket) => Binding::Websocket,
            _ => Binding::Http,
        }
    }

    /// The SET profile the SUT's SETs are judged under when it claims
    /// `claimed`: an SSF transmitter's are SSF SETs (SSF §4) at the least.
    pub fn set_profile_under(&self, claimed: crate::set::SetProfile) -> crate::set::SetProfile {
        use crate::set::SetProfile;
        match self.protocol {
            Protocol::Ssf if !claimed.includes(SetProfile::Ssf) => SetProfile::Ssf,
            _ => claimed,
        }
    }

    /// Whether the SUT sends requests to the harness and so needs its endpoint:
    /// an initiator, a pushing transmitter, or a polling receiver (RFC 8936 §2.4).
    pub fn sut_sends(&self) -> bool {
        match (self.protocol, self.role) {
            (Protocol::Poll, role) => role == Role::Receiver,
            (_, role) => role == Role::Initiator || role == Role::Transmitter,
        }
    }
}
