//! Renderers of a finished `setconform` run.
//!
//! Everything here reads only the [`Run`] record: a run can be re-rendered,
//! merged or compared long after the system under test is gone.

pub mod bench;
pub mod console;
pub mod diff;
mod finding_rule;
pub mod headline;
pub mod html;
mod inline;
pub mod interruption;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod not_applicable;
pub mod paint;
pub mod reproduce;
pub mod role;
pub mod run;
mod time;
pub mod verdict;

pub use interruption::{Interruption, StopSignal};
pub use not_applicable::{NaCounts, NaKind};
pub use run::{
    Ambiguity, Body, DecodedSet, Exchange, ExpectationResult, FrameRecord, Header, HttpRequest, HttpResponse,
    ProcessRecord, RequirementResult, Run, SCHEMA_VERSION, ScenarioResult, StepRecord, Summary, SutInfo, Tool,
    WaiverRecord, WaiverStatus,
};
pub use time::rfc3339_utc;
pub use verdict::Verdict;
