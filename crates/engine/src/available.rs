//! What an actor can do now: the actions a generic client shows, and the inbox test.

use serde::Serialize;
use simpul_definitions::model::{ChecklistItem, Fact, StepKind};

use crate::command::Actor;
use crate::decide::{Context, Movement};
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

/// One thing the actor can do now, with what it needs, so that a client can render it without knowing the
/// service.
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
    /// Whether a note is needed.
    pub note_required: bool,
    /// Checklist items to answer (required ones must be confirmed to move forward).
    pub checklist: &'a [ChecklistItem],
    /// Registry facts to record.
    pub facts: &'a [Fact],
    /// For a disposisi: the roles the officer named must hold one of.
    pub assign_to: &'a [String],
    /// Whether the list of missing requirements is needed (a return to the applicant).
    pub needs_missing_list: bool,
    /// For a paraf: the role the actor initials as.
    pub paraf_role: Option<&'a str>,
}

/// Everything `actor` can do on `state` now; empty when nothing.
pub fn available<'a>(ctx: &'a Context<'a>, state: &Application, actor: &Actor) -> Vec<Available<'a>> {
    let def = ctx.service.definition();
    let submitter = actor.holds_any(&def.submission.roles);
    let mut out = Vec::new();
    let withdraw = Available {
        kind: AvailableKind::Withdraw,
        code: "withdraw",
        label: "Batalkan permohonan (atas permintaan pemohon)",
        movement: Movement::End,
        note_required: true,
        checklist: &[],
        facts: &[],
        assign_to: &[],
        needs_missing_list: false,
        paraf_role: None,
    };
    match &state.stage {
        Stage::Ended { .. } => {}
        Stage::Returned { step } => {
            let step_roles = ctx.service.step(step).map(|s| &s.roles[..]).unwrap_or_default();
            if submitter || actor.holds_any(step_roles) {
                out.push(Available {
                    kind: AvailableKind::Resubmit,
                    code: "resubmit",
                    label: "Ajukan kembali (persyaratan sudah dilengkapi)",
                    movement: Movement::Forward,
                    note_required: false,
                    ..withdraw.clone()
                });
            }
            if submitter {
                out.push(withdraw);
            }
        }
        Stage::AtStep { step } => {
            if let Some(step) = ctx.service.step(step) {
                let assigned_elsewhere = step.assigned && state.assignee.as_ref().is_some_and(|a| a != &actor.user_id);
                if !assigned_elsewhere {
                    for action in &step.actions {
                        let movement = ctx.movement(&step.code, action);
                        let paraf_role = if step.kind == StepKind::Paraf && movement == Movement::Forward {
                            let next = step.roles.get(state.paraf.len());
                            let done = state.paraf.iter().any(|i| i.user_id == actor.user_id);
                            match next {
                                Some(role) if actor.roles.contains(role) && !done => Some(role.as_str()),
                                _ => continue,
                            }
                        } else if actor.holds_any(&step.roles) {
                            None
                        } else {
                            continue;
                        };
                        out.push(Available {
                            kind: AvailableKind::Step,
                            code: &action.code,
                            label: &action.label,
                            movement,
                            note_required: action.note_required,
                            checklist: &step.checklist,
                            facts: &action.facts,
                            assign_to: &action.assign_to,
                            needs_missing_list: movement == Movement::Return,
                            paraf_role,
                        });
                    }
                }
            }
            if submitter {
                out.push(withdraw);
            }
        }
    }
    out
}

/// Whether the application belongs in the actor's inbox: a step action is theirs to take now.
pub fn in_inbox(ctx: &Context<'_>, state: &Application, actor: &Actor) -> bool {
    available(ctx, state, actor).iter().any(|a| a.kind == AvailableKind::Step)
}
