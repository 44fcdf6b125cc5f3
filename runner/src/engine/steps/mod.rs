//! The actions a scenario step can take, one module per kind of exchange:
//! requests to the SUT's endpoint ([`send`]), RFC 8935 push and TLS probes
//! ([`push`]), the SUT's requests to the harness's endpoint
//! ([`await_request`]), the SSF management API and a stream's events ([`ssf`],
//! [`ssf_events`]), and the WebSocket binding ([`websocket`]), which also
//! carries the Communication Object steps of a scenario's WebSocket twin ([`socket`]). What they
//! send is built in [`request`]; what they see goes into the scenario state.

mod await_request;
mod push;
mod request;
mod send;
pub mod socket;
pub mod ssf;
mod ssf_events;
pub mod ssf_transmitter;
mod websocket;

pub use await_request::{answer_meanwhile, await_request};
pub use push::{push, tls_probe};
pub use send::{send, settle};
pub use ssf::call as ssf_call;
pub use ssf_events::await_events as ssf_events;
pub use websocket::{accept as ws_accept, connect as ws_connect, receive as ws_receive, send as ws_send};
