//! The catalogue: requirements, profiles and scenarios, loaded and checked.
//!
//! Every file is parsed, validated against its schema in `schemas/`, and
//! cross-checked (requirement IDs, profiles, step references). All problems
//! are collected, each naming its file and JSON pointer, before anything runs.
//! `suite/oidf-parity.yaml`, the map of the OIDF conformance suite's SSF test
//! modules to scenarios ([`oidf`]), is loaded and checked beside them, and so
//! is `suite/ambiguities.yaml` ([`ambiguity`]), which every `amb` citation must name.

pub mod ambiguity;
pub mod binding;
mod expectation;
pub mod names;
pub mod oidf;
mod profile;
pub mod proof;
mod requirement;
mod scenario;
pub mod shown;
mod source;
pub mod ssf_receiver_step;
pub mod ssf_step;
mod yaml;

pub use binding::OnlyBinding;
pub use expectation::{
    Check, CountSpec, DelaySpec, ErrorCodeSpec, Expectation, HeaderSpec, MetadataLookup, Reqs, Selector, Soften,
    StatusSpec,
};
pub use profile::{Binding, Profile, ProfileBinding, Protocol, Role};
pub use requirement::{Level, Requirement};
pub use scenario::{
    AckSpec, Action, Auth, AwaitSpec, BodySpec, ClientCertificate, EndpointAuthMode, EndpointCert, LongPollSpec,
    ObjectSpec, PushSpec, RespondSpec, Scenario, SendSpec, SettleSpec, Step, TlsProbeSpec, TriggerSpec, WsAcceptSpec,
    WsAnswer, WsConnectSpec, WsReceiveSpec,
};
pub use source::{LoadError, SourceFile};

use crate::set::INSPECTED_REQUIREMENTS;
use setconform_reports::Ambiguity;

use crate::embedded;
use crate::schema::Schemas;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

#[derive(Debug)]
pub struct Catalogue {
    pub requirements: BTreeMap<String, Requirement>,
    pub profiles: BTreeMap<String, Profile>,
    pub scenarios: Vec<Scenario>,
    /// The ambiguity catalogue (`suite/ambiguities.yaml`), by id.
    pub ambiguities: BTreeMap<String, Ambiguity>,
    /// The OIDF parity map (`suite/oidf-parity.yaml`), when the suite has one.
    pub oidf: Option<oidf::OidfParity>,
}

/// Where the catalogue comes from.
#[derive(Debug, Clone)]
pub enum Origin<'a> {
    /// The files compiled into the binary.
    Embedded,
    /// A checkout: `suite/` and `profiles/` below this folder.
    Dir(&'a Path),
}

impl Catalogue {
    /// Loads the catalogue. From a folder, each scenario file must also have the
    /// name its id requires (see [`Catalogue::from_suite_files`]); the embedded
    /// copy is held to that by the catalogue's tests.
    pub fn load(origin: Origin<'_>) -> Result<Catalogue, Vec<LoadError>> {
        let (files, suite_dir) = match origin {
            Origin::Embedded => (
                embedded::files_under("suite/")
                    .chain(embedded::files_under("profiles/"))
                    .map(|(p, t)| SourceFile::new(p, t))
                    .collect(),
                None,
            ),
            Origin::Dir(root) => {
                let mut files = Vec::new();
                let mut errors = Vec::new();
                for dir in ["suite", "profiles"] {
                    source::read_tree(&root.join(dir), &mut files, &mut errors);
                }
                if !errors.is_empty() {
                    return Err(errors);
                }
                (files, Some(root.join("suite").display().to_string()))
            }
        };
        Catalogue::build(files, suite_dir.as_deref())
    }

    /// Builds a catalogue from files named `suite/...` and `profiles/...`.
    pub fn from_files(files: Vec<SourceFile>) -> Result<Catalogue, Vec<LoadError>> {
        Catalogue::build(files, None)
    }

    /// Like [`Catalogue::from_files`], and each scenario file whose name starts
    /// with the folder `suite_dir` must be named as its id requires: the id
    /// without its first segments, one per folder below `suite_dir`
    /// (`suite/pushpull/http/responder/post.empty-object.yaml` holds
    /// `pushpull.http.responder.post.empty-object`), so that a scenario named in a
    /// report or a waiver is found by its name.
    pub fn from_suite_files(files: Vec<SourceFile>, suite_dir: &str) -> Result<Catalogue, Vec<LoadError>> {
        Catalogue::build(files, Some(suite_dir))
    }

    fn build(files: Vec<SourceFile>, suite_dir: Option<&str>) -> Result<Catalogue, Vec<LoadError>> {
        let schemas = Schemas::embedded();
        let mut errors = Vec::new();
        let mut requirements = BTreeMap::new();
        let mut profiles = BTreeMap::new();
        let mut scenarios = Vec::new();
        let mut saw_requirements = false;
        let mut parity = None;
        let mut ambiguities = None;
        let mut citations = Vec::new();
        for file in &files {
            if ambiguity::is_ambiguity_file(file) {
                if let Some(value) = file.parse_checked(schemas, "ambiguities", &mut errors) {
                    match file.typed::<ambiguity::AmbiguitiesFile>(value) {
                        Ok(doc) => ambiguities = Some(by_id(file, doc.ambiguities, &mut errors)),
                        Err(e) => errors.push(e),
                    }
                }
                continue;
            }
            if oidf::is_parity_file(file) {
                if let Some(value) = file.parse_checked(schemas, "oidf-parity", &mut errors) {
                    match file.typed::<oidf::OidfParity>(value) {
                        Ok(map) => parity = Some((file, map)),
                        Err(e) => errors.push(e),
                    }
                }
                continue;
            }
            let is_requirements = file.name().ends_with("requirements.yaml");
            let schema = if is_requirements {
                "requirements"
            } else if file.is_under("profiles") {
                "profile"
            } else {
                "scenario"
            };
            let Some(value) = file.parse_checked(schemas, schema, &mut errors) else { continue };
            match schema {
                "requirements" => {
                    saw_requirements = true;
                    match file.typed::<requirement::RequirementsFile>(value) {
                        Ok(doc) => {
                            citations.extend(requirement::citations(file, &doc));
                            for r in doc.requirements {
                                if requirements.insert(r.id.clone(), r).is_some() {
                                    errors.push(file.error("/requirements", "duplicate requirement id"));
                                }
                            }
                        }
                        Err(e) => errors.push(e),
                    }
                }
                "profile" => match file.typed::<Profile>(value) {
                    Ok(p) => {
                        if profiles.contains_key(&p.id) {
                            errors.push(file.error("/id", format!("duplicate profile id {:?}", p.id)));
                        }
                        profiles.insert(p.id.clone(), p);
                    }
                    Err(e) => errors.push(e),
                },
                _ => match file.typed::<Scenario>(value.clone()) {
                    Ok(mut s) => {
                        if let Some(Err(e)) = suite_dir.map(|dir| source::check_scenario_name(file, dir, &s.id)) {
                            errors.push(e);
                        }
                        s.source = file.name().to_owned();
                        s.written_steps = value.get("steps").and_then(|v| v.as_array()).cloned().unwrap_or_default();
                        let twin = binding::runs_on_both(&s).then(|| binding::websocket_twin(&s));
                        scenarios.push(s);
                        match twin {
                            Some(Ok(twin)) => scenarios.push(twin),
                            Some(Err(e)) => errors.push(file.error(&e.pointer, e.to_string())),
                            None => {}
                        }
                    }
                    Err(e) => errors.push(e),
                },
            }
        }
        if !saw_requirements {
            errors.push(LoadError::Missing("suite/requirements.yaml".into()));
        }
        let ambiguities = ambiguities.unwrap_or_else(|| {
            errors.push(LoadError::Missing(format!("suite/{}", ambiguity::FILE_NAME)));
            BTreeMap::new()
        });
        if let Some((file, map)) = &parity {
            errors.extend(map.problems(&profiles).into_iter().map(|(at, message)| file.error(&at, message)));
        }
        let catalogue = Catalogue { requirements, profiles, scenarios, ambiguities, oidf: parity.map(|(_, map)| map) };
        if !catalogue.ambiguities.is_empty() {
            citations.extend(catalogue.scenario_citations());
            errors.extend(catalogue.unknown_ambiguities(citations));
        }
        catalogue.cross_check(schemas, &mut errors);
        if errors.is_empty() { Ok(catalogue) } else { Err(errors) }
    }

    /// Checks what no schema can: that every name a scenario uses exists.
    fn cross_check(&self, schemas: &Schemas, errors: &mut Vec<LoadError>) {
        let mut ids = HashSet::new();
        for s in &self.scenarios {
            let err =
                |pointer: String, message: String| LoadError::Invalid { file: s.source.clone(), pointer, message };
            if !ids.insert(s.id.as_str()) {
                errors.push(err("/id".into(), format!("duplicate scenario id {:?}", s.id)));
            }
            for (i, id) in s.requirements.iter().enumerate() {
                if !self.requirements.contains_key(id) {
                    errors.push(err(format!("/requirements/{i}"), format!("unknown requirement {id:?}")));
                }
            }
            for (i, p) in s.applies_to.iter().enumerate() {
                match self.profiles.get(p) {
                    None => errors.push(err(format!("/applies_to/{i}"), format!("unknown profile {p:?}"))),
                    Some(profile) => {
                        for (j, cap) in s.requires.iter().enumerate() {
                            if !profile.capabilities.contains_key(cap) {
                                errors.push(err(
                                    format!("/requires/{j}"),
                                    format!("profile {p:?} defines no capability {cap:?}"),
                                ));
                            }
                        }
                    }
                }
            }
            for (n, step) in s.steps.iter().enumerate() {
                for (k, e) in step.expect.iter().enumerate() {
                    let at = format!("/steps/{n}/expect/{k}");
                    for id in e.req.ids() {
                        if !s.requirements.contains(id) {
                            errors.push(err(
                                format!("{at}/req"),
                                format!("{id:?} is not listed in the scenario's `requirements`"),
                            ));
                        }
                        if matches!(e.check, Check::SetsValid(_)) && !INSPECTED_REQUIREMENTS.contains(&id.as_str()) {
                            errors.push(err(
                                format!("{at}/req"),
                                format!(
                                    "sets_valid cannot judge {id:?} (it judges {})",
                                    INSPECTED_REQUIREMENTS.join(", ")
                                ),
                            ));
                        }
                    }
                    if let Some(amb) = &e.amb {
                        let known =
                            e.req.ids().any(|id| self.requirements.get(id).is_some_and(|r| r.amb.contains(amb)));
                        if !known {
                            errors.push(err(format!("{at}/amb"), format!("no requirement named here touches {amb}")));
                        }
                    }
                    match &e.check {
                        Check::Schema(name) if !schemas.contains(name) => {
                            errors.push(err(format!("{at}/schema"), format!("unknown schema {name:?}")));
                        }
                        Check::Redelivered(k) | Check::Retired(k) if *k == 0 || *k > n => {
                            errors.push(err(at.clone(), format!("step {k} is not an earlier step")));
                        }
                        Check::Acked(Selector::Step(k))
                        | Check::Errored(Selector::Step(k))
                        | Check::Unanswered(Selector::Step(k))
                            if *k == 0 || *k > n + 1 =>
                        {
                            errors.push(err(at.clone(), format!("step {k} is not this or an earlier step")));
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// Where the scenarios' expectations cite an ambiguity (`amb`).
    fn scenario_citations(&self) -> Vec<ambiguity::Citation> {
        let mut citations = Vec::new();
        for s in &self.scenarios {
            for (n, step) in s.steps.iter().enumerate() {
                for (k, e) in step.expect.iter().enumerate() {
                    if let Some(id) = &e.amb {
                        let pointer = format!("/steps/{n}/expect/{k}/amb");
                        citations.push(ambiguity::Citation { file: s.source.clone(), pointer, id: id.clone() });
                    }
                }
            }
        }
        citations
    }

    /// A catalogue error for each citation of an ambiguity the catalogue lacks.
    fn unknown_ambiguities(&self, citations: Vec<ambiguity::Citation>) -> impl Iterator<Item = LoadError> + '_ {
        citations.into_iter().filter(|c| !self.ambiguities.contains_key(&c.id)).map(|c| LoadError::Invalid {
            file: c.file,
            pointer: c.pointer,
            message: format!("unknown ambiguity {:?}: suite/{} has no such entry", c.id, ambiguity::FILE_NAME),
        })
    }

    /// The catalogue's entries for the ambiguities `scenarios` cite, in id order.
    pub fn cited_ambiguities(&self, scenarios: &[setconform_reports::ScenarioResult]) -> Vec<Ambiguity> {
        let ids = scenarios.iter().flat_map(|s| s.expectations.iter().filter_map(|e| e.ambiguity.as_deref()));
        ambiguity::cited(&self.ambiguities, ids)
    }

    /// Requirements a scenario tests (cited by one, or judged on every SET a SUT
    /// sends), and those none does.
    pub fn coverage(&self) -> (Vec<&Requirement>, Vec<&Requirement>) {
        let cited: HashSet<&str> =
            self.scenarios.iter().flat_map(|s| s.requirements.iter().map(String::as_str)).collect();
        self.requirements
            .values()
            .partition(|r| cited.contains(r.id.as_str()) || crate::set::judged_on_every_set(&r.id))
    }
}

/// The ambiguity entries of `file` by id; an id given twice is an error.
fn by_id(file: &SourceFile, entries: Vec<Ambiguity>, errors: &mut Vec<LoadError>) -> BTreeMap<String, Ambiguity> {
    let mut known = BTreeMap::new();
    for (i, a) in entries.into_iter().enumerate() {
        if known.contains_key(&a.id) {
            errors.push(file.error(&format!("/ambiguities/{i}/id"), format!("duplicate ambiguity id {:?}", a.id)));
        }
        known.insert(a.id.clone(), a);
    }
    known
}
