//! Why the reference stopped configuring its stream at a transmitter.

/// A call of the configuration flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Metadata,
    Token,
    Create,
    Verification,
    Status,
    Delete,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Step::Metadata => "metadata",
            Step::Token => "token request",
            Step::Create => "stream creation",
            Step::Verification => "verification request",
            Step::Status => "status read",
            Step::Delete => "stream deletion",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    /// No answer in time, a body too large, or a body that is not JSON.
    #[error("{0}: no usable answer (unreachable, too slow, too large or not JSON)")]
    NoAnswer(Step),
    #[error("{step}: answered {status}")]
    Status { step: Step, status: u16 },
    #[error("{step}: {field} is missing or malformed")]
    Malformed { step: Step, field: &'static str },
    /// SSF §7.2.1: the metadata's `issuer` is not the one the receiver expected.
    #[error("metadata: issuer {0:?} is not the registered issuer")]
    IssuerMismatch(String),
    /// SSF §8.1.1.1: the stream's `iss` is not the transmitter's issuer.
    #[error("stream creation: iss {0:?} is not the transmitter's issuer")]
    ForeignStreamIssuer(String),
}
