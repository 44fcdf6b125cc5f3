//! The harness as the SUT's SSF transmitter (profile `ssf-receiver`): the
//! transmitter it serves, how far the steps have read its log of the SUT's
//! calls, and the stream the SUT made.

use crate::harness::ssf_transmitter::{SsfTransmitter, Stream};
use std::sync::Arc;

#[derive(Default)]
pub struct TransmitterSide {
    /// The scenario's own, or the run's when the SUT was configured by hand.
    pub server: Option<Arc<SsfTransmitter>>,
    /// How many of the SUT's calls the steps have taken in.
    pub taken: usize,
    /// The stream the SUT made, once it made one.
    pub stream: Option<Stream>,
    /// The transmitter is the run's: the SUT was configured with it by hand.
    pub by_hand: bool,
    /// How the scenario wants SETs to travel on the stream.
    pub delivery: Option<crate::catalogue::ssf_receiver_step::RxDelivery>,
}

impl TransmitterSide {
    /// Where the harness pushes on the SUT's stream, and the `authorization_header`
    /// value it presents there (SSF §6.1.1), when the stream is a push stream.
    pub fn push_target(&self) -> Option<(String, Option<String>)> {
        self.stream.as_ref()?.push_target()
    }
}
