//! Renderers of a finished `setconform` run.
//!
//! Everything here reads only the [`Run`] record: a run can be re-rendered,
//! merged or compared long after the system under test is gone.

pub mod console;
pub mod diff;
pub mod headline;
pub mod html;
pub mod interruption;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod reproduce;
pub mod run;
mod time;
pub mod verdict;

pub use interruption::{Interruption, StopSignal};
pub use run::{
    Body, DecodedSet, Exchange, ExpectationResult, FrameRecord, Header, HttpRequest, HttpResponse, ProcessRecord,
    RequirementResult, Run, SCHEMA_VERSION, ScenarioResult, StepRecord, Summary, SutInfo, Tool, WaiverRecord,
    WaiverStatus,
};
pub use time::rfc3339_utc;
pub use verdict::Verdict;
