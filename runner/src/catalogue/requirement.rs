//! Requirement entries of `suite/requirements.yaml`.

use super::SourceFile;
use super::ambiguity::Citation;
use crate::set::SetProfile;
use serde::Deserialize;
use setconform_reports::Verdict;

#[derive(Debug, Deserialize)]
pub(super) struct RequirementsFile {
    pub requirements: Vec<Requirement>,
}

/// Where the requirements of `file` cite an ambiguity (`amb`).
pub(super) fn citations(file: &SourceFile, doc: &RequirementsFile) -> Vec<Citation> {
    let mut citations = Vec::new();
    for (i, r) in doc.requirements.iter().enumerate() {
        for (j, id) in r.amb.iter().enumerate() {
            let pointer = format!("/requirements/{i}/amb/{j}");
            citations.push(Citation { file: file.name().to_owned(), pointer, id: id.clone() });
        }
    }
    citations
}

#[derive(Debug, Clone, Deserialize)]
pub struct Requirement {
    pub id: String,
    pub spec: String,
    pub section: String,
    pub level: Level,
    pub role: String,
    pub text: String,
    pub amb: Vec<String>,
    pub observable: bool,
    #[serde(default)]
    pub why: Option<String>,
}

impl Requirement {
    /// The least SET profile a SUT claims for this requirement to be judged.
    pub fn set_profile(&self) -> SetProfile {
        SetProfile::of_spec(&self.spec)
    }

    /// Why this requirement is not judged for a SUT claiming `claimed`, if it is not.
    pub fn outside(&self, claimed: SetProfile) -> Option<String> {
        let needs = self.set_profile();
        (!claimed.includes(needs)).then(|| {
            format!(
                "not applicable: {} belongs to the {} SET profile; the SUT claims {}",
                self.id,
                needs.name(),
                claimed.name()
            )
        })
    }

    /// Where the requirement's (first) section can be read.
    pub fn link(&self) -> Option<String> {
        let base = match self.spec.as_str() {
            "rfc8417" => "https://www.rfc-editor.org/rfc/rfc8417",
            "rfc8935" => "https://www.rfc-editor.org/rfc/rfc8935",
            "rfc8936" => "https://www.rfc-editor.org/rfc/rfc8936",
            "pushpull-03" => "https://datatracker.ietf.org/doc/html/draft-tulshibagwale-saag-pushpull-delivery-03",
            "multi-set-push-post03" => {
                "https://datatracker.ietf.org/doc/html/draft-deshpande-secevent-http-multi-set-push"
            }
            "rfc9493" => "https://www.rfc-editor.org/rfc/rfc9493",
            "ssf-1_0" => "https://openid.net/specs/openid-sharedsignals-framework-1_0.html",
            "caep-1_0" => "https://openid.net/specs/openid-caep-1_0.html",
            "caep-interop-1_0" => "https://openid.net/specs/openid-caep-interoperability-profile-1_0.html",
            _ => return None,
        };
        // Section numbers only: a range or a placeholder such as "3.x" links to the document.
        let first = self
            .section
            .split([',', ' '])
            .find(|s| !s.is_empty())
            .filter(|s| s.chars().all(|c| c.is_ascii_digit() || c == '.'));
        Some(match first {
            Some(section) => format!("{base}#section-{section}"),
            None => base.to_owned(),
        })
    }
}

/// The normalised BCP 14 keyword of a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Level {
    #[serde(rename = "MUST")]
    Must,
    #[serde(rename = "MUST NOT")]
    MustNot,
    #[serde(rename = "SHALL")]
    Shall,
    #[serde(rename = "SHALL NOT")]
    ShallNot,
    #[serde(rename = "REQUIRED")]
    Required,
    /// Definitional: not a keyword, but two implementations must agree on it.
    #[serde(rename = "MUST*")]
    Definitional,
    #[serde(rename = "SHOULD")]
    Should,
    #[serde(rename = "SHOULD NOT")]
    ShouldNot,
    #[serde(rename = "RECOMMENDED")]
    Recommended,
    #[serde(rename = "NOT RECOMMENDED")]
    NotRecommended,
    #[serde(rename = "MAY")]
    May,
    #[serde(rename = "OPTIONAL")]
    Optional,
}

impl Level {
    /// The verdict a violation of a rule at this level earns (REQUIREMENTS.md legend).
    pub fn violation_verdict(self) -> Verdict {
        match self {
            Level::Must | Level::MustNot | Level::Shall | Level::ShallNot | Level::Required | Level::Definitional => {
                Verdict::Fail
            }
            Level::Should | Level::ShouldNot | Level::Recommended | Level::NotRecommended => Verdict::Warn,
            Level::May | Level::Optional => Verdict::Info,
        }
    }

    /// Whether the level binds an implementation (RFC 2119 §1-§4, and the
    /// definitional MUST*); MAY and OPTIONAL only permit (§5).
    pub fn is_normative(self) -> bool {
        !matches!(self, Level::May | Level::Optional)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::MustNot => "MUST NOT",
            Level::Shall => "SHALL",
            Level::ShallNot => "SHALL NOT",
            Level::Required => "REQUIRED",
            Level::Definitional => "MUST*",
            Level::Should => "SHOULD",
            Level::ShouldNot => "SHOULD NOT",
            Level::Recommended => "RECOMMENDED",
            Level::NotRecommended => "NOT RECOMMENDED",
            Level::May => "MAY",
            Level::Optional => "OPTIONAL",
        }
    }
}
