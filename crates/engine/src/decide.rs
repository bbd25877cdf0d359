//! The decision: given a definition, the state, an actor, a command, the instant and the calendar, the events
//! that happen — or a refusal that says why not. Nothing here reads a clock or touches storage.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use simpul_definitions::model::{
    Action, ClockStart, Fact, OutcomeStatus, RequirementKind, Role, Severity, StepKind, Target, ValueType,
};

use crate::authority;
use crate::available::{self, Available};
use crate::calendar::WorkCalendar;
use crate::command::{ActionInput, Actor, Command, InputField};
use crate::deadline::Deadline;
use crate::event::{ActionTaken, Effect, Event, EventKind, Resubmitted, Submitted};
use crate::form;
use crate::refusal::{Named, Refusal};
use crate::registry::{self, Findings};
use crate::service::{Bindings, Service};
use crate::state::{Application, EndStatus, Stage};
use crate::values::{FactValue, Facts, FormData, RuleOutcome, RuleResult};

/// What the engine knows about the tenant an application belongs to.
pub struct Context<'a> {
    /// The definition version the application runs under.
    pub service: &'a Service,
    /// The tenant's working time.
    pub calendar: &'a WorkCalendar,
    /// The tenant's region code (`PP.KK`), to warn about NIKs registered elsewhere.
    pub region_code: Option<&'a str>,
    /// The tenant's roles, to name them in refusals (a role not among them is named by its code).
    pub roles: &'a [Role],
    /// What the registries say about the applicant, looked up by the caller before the command: each recorded
    /// fact's provenance is decided against it.
    pub findings: &'a Findings,
}

/// Where an action leads, as a generic client shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Movement {
    /// To a later step, or to a granted outcome.
    Forward,
    /// Back to an earlier step for correction.
    Back,
    /// Back to the applicant.
    Return,
    /// Ends the application without granting it.
    End,
}

impl Context<'_> {
    /// A role by code and by the name the office gives it.
    pub(crate) fn role(&self, code: &str) -> Named {
        let name = self.roles.iter().find(|r| r.code == code).map_or(code, |r| r.name.as_str());
        Named::new(code, name)
    }

    /// Roles by code and name, each once.
    pub(crate) fn roles_named<'r>(&self, codes: impl IntoIterator<Item = &'r String>) -> Vec<Named> {
        let mut named: Vec<Named> = Vec::new();
        for code in codes {
            if !named.iter().any(|n| &n.code == code) {
                named.push(self.role(code));
            }
        }
        named
    }

    /// How an action of `step` moves the application.
    pub fn movement(&self, step: &str, action: &Action) -> Movement {
        match &action.to {
            Target::Applicant => Movement::Return,
            Target::Step(next) => {
                if self.service.step_index(next) > self.service.step_index(step) {
                    Movement::Forward
                } else {
                    Movement::Back
                }
            }
            Target::Outcome(code) => {
                let granted = self
                    .service
                    .definition()
                    .outcomes
                    .iter()
                    .any(|o| &o.code == code && o.status == OutcomeStatus::Granted);
                if granted { Movement::Forward } else { Movement::End }
            }
        }
    }

    fn deadline_of_step(&self, step: &str, at: DateTime<Utc>) -> Option<Deadline> {
        self.service.step(step).and_then(|s| s.duration).map(|d| Deadline::start(self.calendar, at, d))
    }
}

/// Decides what happens. `state` is `None` only for a submission.
pub fn decide(
    ctx: &Context<'_>,
    state: Option<&Application>,
    actor: &Actor,
    command: &Command,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, Refusal> {
    let kind = match (command, state) {
        (Command::Submit { data, channel, facts, fact_notes, documents_received }, None) => {
            submit(ctx, actor, data, *channel, (facts, fact_notes), documents_received, now)?
        }
        (Command::Submit { .. }, Some(_)) => return Err(Refusal::AlreadySubmitted),
        (_, None) => return Err(Refusal::NotSubmitted),
        (Command::Act { expected_version, action, input }, Some(state)) => {
            check_open(ctx, state, *expected_version)?;
            act(ctx, state, actor, action, input, now)?
        }
        (Command::Resubmit { expected_version, data, documents_received }, Some(state)) => {
            check_open(ctx, state, *expected_version)?;
            resubmit(ctx, state, actor, data, documents_received, now)?
        }
        (Command::Withdraw { expected_version, reason }, Some(state)) => {
            check_open(ctx, state, *expected_version)?;
            authority::may_submit(ctx, actor)?;
            if reason.trim().is_empty() {
                return Err(Refusal::NoteRequired);
            }
            EventKind::Withdrawn { reason: reason.trim().to_string() }
        }
        (Command::AttachDocument { expected_version, requirement, document }, Some(state)) => {
            check_open(ctx, state, *expected_version)?;
            authority::may_supply(ctx, state, actor)?;
            check_documents(ctx, std::iter::once(requirement))?;
            EventKind::DocumentAttached { requirement: requirement.clone(), document: document.clone() }
        }
    };
    Ok(vec![Event { at: now, actor: actor.user_id.clone(), kind }])
}

/// Checks that the caller saw the current state and that the application is still open.
///
/// The version comes first: a caller who read an older version is told that it changed (and re-reads), whatever
/// the change did — also when a concurrent action ended the application — so two officers racing on one version
/// always get the same answer, the optimistic-concurrency conflict.
fn check_open(ctx: &Context<'_>, state: &Application, expected_version: u64) -> Result<(), Refusal> {
    if expected_version != state.version {
        return Err(Refusal::StaleVersion { expected: expected_version, actual: state.version });
    }
    if let Stage::Ended { outcome, .. } = &state.stage {
        return Err(Refusal::Ended { outcome: outcome.clone() });
    }
    if state.definition_version != ctx.service.version() {
        return Err(Refusal::DefinitionMismatch { pinned: state.definition_version, given: ctx.service.version() });
    }
    Ok(())
}

fn check_documents<'a>(ctx: &Context<'_>, codes: impl IntoIterator<Item = &'a String>) -> Result<(), Refusal> {
    for code in codes {
        let known =
            ctx.service.definition().persyaratan.iter().any(|r| &r.code == code && r.kind == RequirementKind::Document);
        if !known {
            return Err(Refusal::UnknownRequirement { requirement: code.clone() });
        }
    }
    Ok(())
}

/// Checks that `given` holds exactly the facts `wanted`, each of its type.
fn check_facts(wanted: &[Fact], given: &Facts) -> Result<(), Refusal> {
    for fact in given.keys() {
        if !wanted.contains(fact) {
            return Err(Refusal::InvalidFact {
                fact: fact.name().into(),
                problem: "tidak diminta pada tindakan ini".into(),
            });
        }
    }
    for fact in wanted {
        let problem = match (fact.value_type(), given.get(fact)) {
            (_, None) => Some(format!("({}) wajib diisi", fact.label())),
            (ValueType::Bool, Some(FactValue::Bool(_))) => None,
            (ValueType::Int, Some(FactValue::Int(d))) if *fact != Fact::DtsenDesil || (1..=10).contains(d) => None,
            (ValueType::Int, Some(_)) => Some(String::from("harus angka 1 sampai 10")),
            _ => Some(String::from("harus ya atau tidak")),
        };
        if let Some(problem) = problem {
            return Err(Refusal::InvalidFact { fact: fact.name().into(), problem });
        }
    }
    Ok(())
}

/// Checks `rules`; the first failing blocking rule refuses.
fn check_rules(service: &Service, rules: &[String], bindings: &Bindings<'_>) -> Result<Vec<RuleResult>, Refusal> {
    let results: Vec<RuleResult> = rules.iter().filter_map(|r| service.check_rule(r, bindings)).collect();
    if let Some(failed) = results.iter().find(|r| r.outcome == RuleOutcome::Fail && r.severity == Severity::Block) {
        return Err(Refusal::RuleFailed {
            rule: failed.rule.clone(),
            message: failed.message.clone().unwrap_or_default(),
        });
    }
    Ok(results)
}

fn submit(
    ctx: &Context<'_>,
    actor: &Actor,
    data: &FormData,
    channel: simpul_definitions::model::Channel,
    (facts, fact_notes): (&Facts, &BTreeMap<Fact, String>),
    documents_received: &BTreeSet<String>,
    now: DateTime<Utc>,
) -> Result<EventKind, Refusal> {
    let def = ctx.service.definition();
    authority::may_submit(ctx, actor)?;
    if !def.submission.channels.contains(&channel) {
        return Err(Refusal::ChannelNotAccepted { channel: format!("{channel:?}").to_lowercase() });
    }
    let checked = form::check(ctx.service, data, ctx.calendar.local_date(now), ctx.region_code)
        .map_err(|problems| Refusal::InvalidData { problems })?;
    check_facts(&def.submission.facts, facts)?;
    let fact_sources = registry::attribute(ctx.findings, facts, fact_notes)?;
    check_documents(ctx, documents_received)?;
    let bindings = Bindings { data: &checked.data, derived: &checked.derived, facts };
    let rule_results = check_rules(ctx.service, &def.submission.rules, &bindings)?;
    let first = def.prosedur.first().map(|s| s.code.clone()).unwrap_or_default();
    let service_deadline = match (def.jangka_waktu.clock_starts, def.jangka_waktu.limit) {
        (ClockStart::OnSubmission, Some(limit)) => Some(Deadline::start(ctx.calendar, now, limit)),
        _ => None,
    };
    Ok(EventKind::Submitted(Submitted {
        service: def.code.clone(),
        definition_version: ctx.service.version(),
        channel,
        step_deadline: ctx.deadline_of_step(&first, now),
        step: first,
        data: checked.data,
        derived: checked.derived,
        facts: facts.clone(),
        fact_sources,
        rule_results,
        warnings: checked.warnings,
        documents_received: documents_received.clone(),
        service_deadline,
    }))
}

fn act(
    ctx: &Context<'_>,
    state: &Application,
    actor: &Actor,
    code: &str,
    input: &ActionInput,
    now: DateTime<Utc>,
) -> Result<EventKind, Refusal> {
    let def = ctx.service.definition();
    let step_code = match &state.stage {
        Stage::AtStep { step } => step.as_str(),
        Stage::Returned { .. } => {
            return Err(Refusal::WrongStage { state: String::from("menunggu kelengkapan dari pemohon") });
        }
        Stage::Ended { outcome, .. } => return Err(Refusal::Ended { outcome: outcome.clone() }),
    };
    let step = ctx
        .service
        .step(step_code)
        .ok_or_else(|| Refusal::ActionNotAvailable { action: code.to_string(), step: step_code.to_string() })?;
    let action = step
        .actions
        .iter()
        .find(|a| a.code == code)
        .ok_or_else(|| Refusal::ActionNotAvailable { action: code.to_string(), step: step.name.clone() })?;
    // Who may act, and what the action takes.
    let offered = available::offer(ctx, state, step, action, actor)?;
    check_input(&offered, input)?;
    let fact_sources = registry::attribute(ctx.findings, &input.facts, &input.fact_notes)?;
    let forward = offered.movement == Movement::Forward;
    let chain_role = offered.paraf_role;

    check_documents(ctx, &input.documents_received)?;
    let mut facts = state.facts.clone();
    facts.extend(input.facts.iter().map(|(k, v)| (*k, *v)));
    let bindings = Bindings { data: &state.data, derived: &state.derived, facts: &facts };
    if forward {
        let missing: Vec<Named> = def
            .persyaratan
            .iter()
            .filter(|r| r.kind == RequirementKind::Document && r.required)
            .filter(|r| r.needed_at.as_deref() == Some(step.code.as_str()))
            .filter(|r| ctx.service.requirement_applies(r, &bindings))
            .filter(|r| !state.has_document(&r.code) && !input.documents_received.contains(&r.code))
            .map(|r| Named::new(&r.code, &r.name))
            .collect();
        if !missing.is_empty() {
            return Err(Refusal::MissingDocuments { missing });
        }
    }
    if let Some(unknown) = input.missing.iter().find(|m| !def.persyaratan.iter().any(|r| &r.code == *m)) {
        return Err(Refusal::InvalidMissingList { problem: format!("`{unknown}` bukan persyaratan layanan ini") });
    }
    let rule_results = check_rules(ctx.service, &action.rules, &bindings)?;
    let assignee = input.assignee.as_ref().map(|a| a.user_id.clone());

    // What happens.
    let chain_goes_on = chain_role.is_some() && state.paraf.len() + 1 < step.roles.len();
    let effect = if let (true, Some(role)) = (chain_goes_on, &chain_role) {
        Effect::Initialled { role: role.clone() }
    } else {
        match &action.to {
            Target::Step(next) => Effect::MovedTo { step: next.clone(), deadline: ctx.deadline_of_step(next, now) },
            Target::Applicant => Effect::Returned,
            Target::Outcome(code) => {
                let status =
                    def.outcomes.iter().find(|o| &o.code == code).map_or(EndStatus::Rejected, |o| o.status.into());
                let products =
                    def.produk.iter().filter(|p| p.outcomes.contains(code)).map(|p| p.code.clone()).collect();
                Effect::Ended { outcome: code.clone(), status, products }
            }
        }
    };
    let completes_step = !matches!(effect, Effect::Initialled { .. });
    let service_deadline_started = match def.jangka_waktu.limit {
        Some(limit)
            if def.jangka_waktu.clock_starts == ClockStart::OnRequirementsComplete
                && state.clocks.service.is_none()
                && step.kind == StepKind::CompletenessCheck
                && forward =>
        {
            Some(Deadline::start(ctx.calendar, now, limit))
        }
        _ => None,
    };
    let signed = (step.kind == StepKind::Sign && forward && completes_step).then(|| step.issues.clone()).flatten();
    Ok(EventKind::ActionTaken(ActionTaken {
        step: step.code.clone(),
        action: action.code.clone(),
        note: input.note.as_ref().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        checklist: input.checklist.clone(),
        facts: input.facts.clone(),
        fact_sources,
        rule_results,
        result: action.result,
        documents_received: input.documents_received.clone(),
        missing: input.missing.clone(),
        assignee,
        signed,
        initialled_as: chain_role,
        service_deadline_started,
        effect,
    }))
}

/// Checks an action's input against what the action takes (as [`available`] offers it): every input it
/// needs is there, and none it does not take is given — an ignored input would be a silent surprise.
fn check_input(offered: &Available<'_>, input: &ActionInput) -> Result<(), Refusal> {
    // First what is given but not taken, so that the caller learns of it before what is missing.
    if let Some(item) = input.checklist.keys().find(|i| !offered.checklist.iter().any(|q| &q.item.code == *i)) {
        return Err(Refusal::UnknownChecklistItem { item: item.clone() });
    }
    if !offered.needs_missing_list && !input.missing.is_empty() {
        return Err(Refusal::InputNotTaken { input: InputField::Missing });
    }
    if offered.assign_to.is_empty() && input.assignee.is_some() {
        return Err(Refusal::InputNotTaken { input: InputField::Assignee });
    }
    if offered.note_required && input.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(Refusal::NoteRequired);
    }
    let unconfirmed: Vec<Named> = offered
        .checklist
        .iter()
        .filter(|q| q.required && input.checklist.get(&q.item.code) != Some(&true))
        .map(|q| Named::new(&q.item.code, &q.item.label))
        .collect();
    if !unconfirmed.is_empty() {
        return Err(Refusal::ChecklistIncomplete { items: unconfirmed });
    }
    check_facts(offered.facts, &input.facts)?;
    if offered.needs_missing_list && input.missing.is_empty() {
        return Err(Refusal::InvalidMissingList { problem: String::from("daftar tidak boleh kosong") });
    }
    match (offered.assign_to, &input.assignee) {
        ([], _) => Ok(()),
        (_, None) => Err(Refusal::InvalidAssignee { problem: String::from("belum ada petugas yang ditunjuk") }),
        (roles, Some(a)) if !roles.iter().any(|r| a.roles.contains(r)) => {
            Err(Refusal::InvalidAssignee { problem: format!("petugas harus memegang peran {}", roles.join(" atau ")) })
        }
        (_, Some(_)) => Ok(()),
    }
}

fn resubmit(
    ctx: &Context<'_>,
    state: &Application,
    actor: &Actor,
    corrections: &FormData,
    documents_received: &BTreeSet<String>,
    now: DateTime<Utc>,
) -> Result<EventKind, Refusal> {
    let Stage::Returned { step } = &state.stage else {
        return Err(Refusal::WrongStage { state: String::from("tidak dikembalikan kepada pemohon") });
    };
    authority::may_supply(ctx, state, actor)?;
    let mut data = state.data.clone();
    for (key, value) in corrections {
        data.insert(key.clone(), value.clone());
    }
    data.retain(|_, v| !v.is_null());
    let checked = form::check(ctx.service, &data, ctx.calendar.local_date(now), ctx.region_code)
        .map_err(|problems| Refusal::InvalidData { problems })?;
    check_documents(ctx, documents_received)?;
    let suspended_at = state.clocks.suspended_at.unwrap_or(now);
    let extend = |d: Option<Deadline>| d.map(|d| d.extended(ctx.calendar, suspended_at, now));
    Ok(EventKind::Resubmitted(Resubmitted {
        data: checked.data,
        derived: checked.derived,
        documents_received: documents_received.clone(),
        step: step.clone(),
        step_deadline: extend(state.clocks.step),
        service_deadline: extend(state.clocks.service),
    }))
}
