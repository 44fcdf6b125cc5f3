//! The state that the reference's handlers and background tasks share: its
//! peers, its settings, and which communications toward peers are under way.

use crate::fault::Fault;
use crate::peers::Peers;
use crate::set_profile::SetProfile;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

pub struct App {
    pub peers: Peers,
    pub fault: Option<Fault>,
    /// Peer that unauthenticated requests fall to under the `no-auth-check` fault.
    pub anonymous_token: String,
    pub retry_interval: Duration,
    /// How long a poll with nothing to return is held (RFC 8936 §2.5).
    pub poll_hold: Duration,
    /// Content profile of the SETs it mints.
    pub set_profile: SetProfile,
    /// A legal behaviour other than the default (see [`crate::Variant`]).
    pub variant: Option<crate::Variant>,
    /// Turns true when the reference stops; background tasks end then.
    pub stopped: watch::Receiver<bool>,
    /// The reference as an SSF transmitter: its receivers and streams.
    pub ssf: crate::ssf::Ssf,
    gates: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Live pushpull sockets toward peers (initiator over WebSocket).
    sockets: Mutex<HashMap<String, Kick>>,
    /// Peers whose endpoint the reference is polling now (RFC 8936, as Recipient).
    polling: Mutex<HashSet<String>>,
}

/// Why an initiation happens: a timer only sends when something is outstanding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// New SETs were queued, or the control API asked for a request now.
    Asked,
    /// The retry timer (§9.1: retry what is not answered).
    Retry,
}

/// How the reference behaves: the rule it breaks, if any, its timers, the
/// SETs it mints, and the legal variant it takes, if any.
pub struct Conduct {
    pub fault: Option<Fault>,
    pub retry_interval: Duration,
    pub poll_hold: Duration,
    pub set_profile: SetProfile,
    pub variant: Option<crate::Variant>,
}

/// A live pushpull socket to a peer: its session task takes delivery requests.
pub type Kick = mpsc::UnboundedSender<Reason>;

impl App {
    /// The state of a reference serving `peers` the way `conduct` says, before any communication.
    pub fn new(
        peers: Peers,
        anonymous_token: String,
        conduct: Conduct,
        ssf: crate::ssf::Ssf,
        stopped: watch::Receiver<bool>,
    ) -> App {
        let Conduct { fault, retry_interval, poll_hold, set_profile, variant } = conduct;
        App {
            peers,
            fault,
            anonymous_token,
            retry_interval,
            poll_hold,
            set_profile,
            variant,
            stopped,
            ssf,
            gates: Mutex::default(),
            sockets: Mutex::default(),
            polling: Mutex::default(),
        }
    }

    /// The lock that keeps requests to one peer from overlapping.
    pub fn initiating(&self, peer: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        gates.entry(peer.to_owned()).or_default().clone()
    }

    /// The live socket toward `peer`, if there is one.
    pub fn socket_to(&self, peer: &str) -> Option<Kick> {
        let sockets = self.sockets.lock().unwrap_or_else(|e| e.into_inner());
        sockets.get(peer).filter(|k| !k.is_closed()).cloned()
    }

    pub fn keep_socket(&self, peer: &str, kick: Kick) {
        self.sockets.lock().unwrap_or_else(|e| e.into_inner()).insert(peer.to_owned(), kick);
    }

    /// Marks a poll loop for `peer` as running; false when one already runs.
    pub fn start_polling(&self, peer: &str) -> bool {
        self.polling.lock().unwrap_or_else(|e| e.into_inner()).insert(peer.to_owned())
    }

    /// Marks the poll loop for `peer` as ended.
    pub fn stop_polling(&self, peer: &str) {
        self.polling.lock().unwrap_or_else(|e| e.into_inner()).remove(peer);
    }

    /// Forgets `peer` (the control API's `DELETE`): its state goes, its socket
    /// closes, and its retry and poll loops end at their next turn; whether it was known.
    pub fn forget(&self, peer: &str) -> bool {
        self.sockets.lock().unwrap_or_else(|e| e.into_inner()).remove(peer);
        self.peers.remove(peer)
    }

    /// Forgets the socket toward `peer` once its session has ended (and not a newer one).
    pub fn drop_socket(&self, peer: &str) {
        let mut sockets = self.sockets.lock().unwrap_or_else(|e| e.into_inner());
        if sockets.get(peer).is_some_and(|k| k.is_closed()) {
            sockets.remove(peer);
        }
    }
}
