//! `setconform`: a conformance and interop test suite for Security Event Token
//! (SET) delivery.
//!
//! Data flows one way: the catalogue ([`catalogue`]) and the SUT contract
//! ([`sut`]) are loaded and schema-checked; [`plan`] decides what applies;
//! [`engine`] runs each scenario against the SUT over the [`wire`], with the
//! harness's own servers from [`harness`], minting and inspecting [`set`]s;
//! each expectation's check result becomes a verdict in [`judge`]; [`run`]
//! assembles the Run record that every report is rendered from.

pub mod bench;
pub mod catalogue;
mod embedded;
pub mod engine;
#[doc(hidden)]
pub mod fuzzing;
pub mod harness;
pub mod judge;
pub mod output;
pub mod pair;
pub mod plan;
pub mod progress;
pub mod run;
pub mod schema;
pub mod secrets;
pub mod seed;
pub mod set;
pub mod ssf;
pub mod sut;
pub mod trigger;
pub mod waivers;
pub mod wire;

/// Every file compiled into the binary, by repository-relative path.
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    embedded::FILES
}
