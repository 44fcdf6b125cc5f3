//! Reference pushpull transceiver for `setconform`.
//!
//! A small, clear implementation of both pushpull roles, responder and
//! initiator (draft-tulshibagwale-saag-pushpull-delivery-03), with a control API that
//! implements the `http` trigger of the setconform SUT contract. It is the
//! embedded default system under test and the suite's self-test partner:
//! [`Fault`] makes it break exactly one rule, so the suite can prove that its
//! checks catch that rule being broken.
//!
//! This crate shares no code with the harness's judging code on purpose: a bug
//! shared by both would hide itself.

mod access_token;
mod bounded;
mod control;
mod delivery;
mod fault;
mod hostile;
mod initiator;
mod jose;
mod key_refresh;
mod keys;
mod msp;
mod msp_transmitter;
mod peers;
mod poll;
mod poll_receiver;
mod push;
mod push_transmitter;
mod pushpull;
mod resource_auth;
mod server;
mod set_ids;
mod set_profile;
mod ssf;
mod ssf_claims;
mod ssf_receiver;
mod state;
mod variant;
mod websocket;
mod ws_initiator;

pub use fault::Fault;
pub use server::{Reference, ReferenceConfig};
pub use set_profile::SetProfile;
pub use ssf::SSF_RECEIVERS;
pub use variant::Variant;
