//! What the harness serves to a SUT during a run, each on loopback and over
//! TLS with the run's own CA ([`pki`]):
//!
//! - [`endpoint`]: the harness's pushpull, push, multi-SET push or poll
//!   endpoint for a SUT that sends requests, handing each to its scenario;
//! - [`key_server`]: the harness's `jwks_uri`, with key rotation;
//! - [`authorization`]: RFC 9728 protected-resource metadata and an OAuth
//!   authorization server on the endpoint's port (pushpull §8.2);
//! - [`listener`]: what they share: the TLS listener, private URL paths,
//!   public URLs;
//! - [`ssf_transmitter`]: an SSF transmitter with its authorization server,
//!   for an SSF receiver;
//! - [`router`]: the stable listener a SUT configured once is pointed at,
//!   routing each request to the scenario it belongs to.
//!
//! None of it judges: the scenario that owns a server reads what it saw.

pub mod authorization;
pub mod endpoint;
pub mod key_server;
pub mod listener;
pub mod pki;
pub mod router;
pub mod ssf_transmitter;
