//! What an actor can do now: the actions a generic client shows, and the inbox test.

use serde::Serialize;
use simpul_definitions::model::{Action, ChecklistItem, Fact, Step, Target};

use crate::authority;
use crate::command::Actor;
use crate::decide::{Context, Movement};
use crate::refusal::Refusal;
use crate::state::{Application, Stage};

/// What kind of thing the actor can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum), graphql(name = "ActionKind"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AvailableKind {
    /// An action of the current step.
    Step,
    /// Bring what the applicant was missing.
    Resubmit,
    /// Withdraw on the applicant's behalf.
    Withdraw,
}

/// A checklist item as an action asks it: required only where the definition says so and the action moves
/// the application forward (a rejection need not confirm what it rejects).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Question<'a> {
    /// The item.
    pub item: &'a ChecklistItem,
    /// Whether it must be confirmed for this action.
    pub required: bool,
}

/// One thing the actor can do now, with what it takes, so that a client can render it without knowing the
/// service. It is also what [`decide`](crate::decide) checks a step action's input against: an input it does not
/// list is refused, not ignored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Available<'a> {
    /// Which command it is.
    pub kind: AvailableKind,
    /// The action code (for `Step`), or `resubmit` / `withdraw`.
    pub code: &'a str,
    /// Label of the button.
    pub label: &'a str,
    /// Whether it moves forward, back, returns to the applicant or ends the application.
    pub movement: Movement,
    /// Where exactly: the next step, the applicant, or an outcome (`dibatalkan` for a withdrawal).
    pub leads_to: Target,
    /// Whether a note is needed.
    pub note_required: bool,
    /// Checklist items to answer.
    pub checklist: Vec<Question<'a>>,
    /// Registry facts to record.
    pub facts: &'a [Fact],
    /// The rules it checks.
    pub rules: &'a [String],
    /// For a disposisi: the roles the officer named must hold one of.
    pub assign_to: &'a [String],
    /// Whether the list of missing requirements is needed (a return to the applicant).
    pub needs_missing_list: bool,
    /// For a paraf: the role the actor initials as.
    pub paraf_role: Option<String>,
}

/// An action of `step` as `actor` may take it now, or why they may not.
pub(crate) fn offer<'a>(
    ctx: &Context<'_>,
    state: &Application,
    step: &'a Step,
    action: &'a Action,
    actor: &Actor,
) -> Result<Available<'a>, Refusal> {
    let movement = ctx.movement(&step.code, action);
    let paraf_role = authority::may_take(ctx, state, step, actor, movement)?;
    let forward = movement == Movement::Forward;
    Ok(Available {
        kind: AvailableKind::Step,
        code: &action.code,
        label: &action.label,
        movement,
        leads_to: action.to.clone(),
        note_required: action.note_required,
        checklist: step.checklist.iter().map(|item| Question { item, required: item.required && forward }).collect(),
        facts: &action.facts,
        rules: &action.rules,
        assign_to: &action.assign_to,
        needs_missing_list: movement == Movement::Return,
        paraf_role,
    })
}

/// Everything `actor` can do on `state` now; empty when nothing.
pub fn available<'a>(ctx: &'a Context<'a>, state: &Application, actor: &Actor) -> Vec<Available<'a>> {
    let service = ctx.service;
    let mut out = Vec::new();
    let withdraw = Available {
        kind: AvailableKind::Withdraw,
        code: "withdraw",
        label: "Batalkan permohonan (atas permintaan pemohon)",
        movement: Movement::End,
        leads_to: Target::Outcome(crate::state::WITHDRAWN.to_string()),
        note_required: true,
        checklist: Vec::new(),
        facts: &[],
        rules: &[],
        assign_to: &[],
        needs_missing_list: false,
        paraf_role: None,
    };
    match &state.stage {
        Stage::Ended { .. } => return out,
        Stage::Returned { step } => {
            if authority::may_supply(ctx, state, actor).is_ok() {
                out.push(Available {
                    kind: AvailableKind::Resubmit,
                    code: "resubmit",
                    label: "Ajukan kembali (persyaratan sudah dilengkapi)",
                    movement: Movement::Forward,
                    leads_to: Target::Step(step.clone()),
                    note_required: false,
                    ..withdraw.clone()
                });
            }
        }
        Stage::AtStep { step } => {
            if let Some(step) = service.step(step) {
                out.extend(step.actions.iter().filter_map(|action| offer(ctx, state, step, action, actor).ok()));
            }
        }
    }
    if authority::may_submit(ctx, actor).is_ok() {
        out.push(withdraw);
    }
    out
}

/// Whether the application belongs in the actor's inbox: a step action is theirs to take now, or it came back
/// from the applicant's side for them to resubmit (withdrawing alone does not put it there).
pub fn in_inbox(ctx: &Context<'_>, state: &Application, actor: &Actor) -> bool {
    available(ctx, state, actor).iter().any(|a| a.kind != AvailableKind::Withdraw)
}

/// Who finds the application in their inbox, as keys a store can filter lists by without running the engine on
/// every row: `role:<code>` for each role of the office whose holder may act on it now ([`in_inbox`]), or only
/// `user:<id>` when its step is for the officer a disposisi named. An actor's own keys ([`inbox_keys`]) meet
/// these exactly when [`in_inbox`] holds for them, but for a paraf the actor initialled already (on a paraf step
/// without a backward action) — which the store checks with [`in_inbox`] on what it lists.
pub fn inbox_tokens(ctx: &Context<'_>, state: &Application) -> Vec<String> {
    let assigned = match &state.stage {
        Stage::AtStep { step } => {
            ctx.service.step(step).is_some_and(|s| s.assigned).then_some(state.assignee.as_deref()).flatten()
        }
        _ => None,
    };
    let user_id = assigned.unwrap_or_default().to_string();
    let mut roles: Vec<&str> = ctx.roles.iter().map(|r| r.code.as_str()).collect();
    roles.sort_unstable();
    roles.dedup();
    let acting: Vec<String> = roles
        .into_iter()
        .filter(|role| {
            let actor = Actor { user_id: user_id.clone(), roles: [role.to_string()].into_iter().collect() };
            in_inbox(ctx, state, &actor)
        })
        .map(|role| format!("role:{role}"))
        .collect();
    match assigned {
        Some(user) if !acting.is_empty() => vec![format!("user:{user}")],
        _ => acting,
    }
}

/// The keys of `actor` that [`inbox_tokens`] are matched against: their roles and their user id.
pub fn inbox_keys(actor: &Actor) -> Vec<String> {
    actor.roles.iter().map(|r| format!("role:{r}")).chain([format!("user:{}", actor.user_id)]).collect()
}
