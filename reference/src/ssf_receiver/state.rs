//! What the reference holds for a peer that is its SSF transmitter: how far
//! the configuration got, the stream, and the verification states it asked for.

use super::discovery::Metadata;
use super::error::SetupError;
use super::registration::Registration;
use tokio::sync::watch;

/// How far the configuration of the stream got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Discovery, token or creation under way.
    Configuring,
    /// The flow stopped before a stream was usable; no SET is accepted.
    Stopped(SetupError),
    /// The stream was refused (SSF-STRM-007) and deleted; no SET is accepted.
    Refused,
    /// The stream is in use.
    Ready,
}

#[derive(Debug)]
pub struct SsfPeer {
    pub registration: Registration,
    /// A client that trusts the CA the peer named, with every redirect refused.
    pub client: reqwest::Client,
    pub phase: Phase,
    pub metadata: Option<Metadata>,
    pub access_token: Option<String>,
    pub stream_id: Option<String>,
    /// The `state` values of the verification requests the reference sent (SSF §8.1.4.2).
    pub asked_states: Vec<String>,
    /// A verification SET with one of those states arrived.
    pub verified: bool,
    /// A stream-updated SET arrived and the status is to be read again (SSF §8.1.5).
    pub status_to_read: bool,
    /// The status last read (SSF §8.1.2.1).
    pub status: Option<String>,
    /// Turns true when the phase leaves [`Phase::Configuring`].
    settled: watch::Sender<bool>,
}

impl SsfPeer {
    pub fn new(registration: Registration, client: reqwest::Client) -> SsfPeer {
        SsfPeer {
            registration,
            client,
            phase: Phase::Configuring,
            metadata: None,
            access_token: None,
            stream_id: None,
            asked_states: Vec::new(),
            verified: false,
            status_to_read: false,
            status: None,
            settled: watch::Sender::new(false),
        }
    }

    /// Moves to `phase`, out of [`Phase::Configuring`] for good.
    pub fn settle(&mut self, phase: Phase) {
        self.phase = phase;
        self.settled.send_replace(true);
    }

    /// While the configuration is under way: what turns true when it ends.
    pub fn until_settled(&self) -> Option<watch::Receiver<bool>> {
        (self.phase == Phase::Configuring).then(|| self.settled.subscribe())
    }

    /// What the control API shows of it.
    pub fn summary(&self) -> serde_json::Value {
        let phase = match &self.phase {
            Phase::Configuring => "configuring".to_owned(),
            Phase::Stopped(e) => format!("stopped: {e}"),
            Phase::Refused => "refused: the stream's iss is not the transmitter's issuer".to_owned(),
            Phase::Ready => "ready".to_owned(),
        };
        serde_json::json!({ "phase": phase, "stream_id": self.stream_id, "status": self.status })
    }
}
