//! Who may do what on an application: the one rule that [`decide`](crate::decide) enforces and
//! [`available`](crate::available) offers, so that a client is never shown an action the engine then refuses,
//! nor refused one it was shown (a property test holds them to it).

use simpul_definitions::model::{Step, StepKind};

use crate::command::Actor;
use crate::decide::{Context, Movement};
use crate::refusal::Refusal;
use crate::state::Application;

/// Whether `actor` may take an action of `step` that moves the application by `movement`. For a forward paraf
/// the answer is the role the actor initials as: the next of the chain, by someone who has not initialled yet.
/// A letter is not signed forward by someone who initialled its draft, unless the service switches that off.
pub(crate) fn may_take(
    ctx: &Context<'_>,
    state: &Application,
    step: &Step,
    actor: &Actor,
    movement: Movement,
) -> Result<Option<String>, Refusal> {
    if step.assigned
        && let Some(assignee) = &state.assignee
        && assignee != &actor.user_id
    {
        return Err(Refusal::NotAssignee);
    }
    if step.kind == StepKind::Paraf && movement == Movement::Forward {
        let Some(expected) = step.roles.get(state.paraf.len()) else {
            return Err(Refusal::RoleNotAllowed { allowed: ctx.roles_named(&step.roles) });
        };
        if state.paraf.iter().any(|i| i.user_id == actor.user_id) {
            return Err(Refusal::AlreadyInitialled);
        }
        if !actor.roles.contains(expected) {
            return Err(if actor.holds_any(&step.roles) {
                Refusal::ParafOutOfOrder { expected_role: ctx.role(expected) }
            } else {
                Refusal::RoleNotAllowed { allowed: ctx.roles_named(&step.roles) }
            });
        }
        return Ok(Some(expected.clone()));
    }
    if !actor.holds_any(&step.roles) {
        return Err(Refusal::RoleNotAllowed { allowed: ctx.roles_named(&step.roles) });
    }
    if step.kind == StepKind::Sign
        && movement == Movement::Forward
        && ctx.service.definition().paraf_cannot_sign
        && state.initialled_by.contains(&actor.user_id)
    {
        return Err(Refusal::InitialledCannotSign);
    }
    Ok(None)
}

/// Whether `actor` may submit for the service, and so withdraw on the applicant's behalf.
pub(crate) fn may_submit(ctx: &Context<'_>, actor: &Actor) -> Result<(), Refusal> {
    let roles = &ctx.service.definition().submission.roles;
    if actor.holds_any(roles) { Ok(()) } else { Err(Refusal::RoleNotAllowed { allowed: ctx.roles_named(roles) }) }
}

/// Whether `actor` may bring what the application needs — resubmit it after a return, attach a document: the
/// submitter's roles, or the roles of the step it is at (or was returned from).
pub(crate) fn may_supply(ctx: &Context<'_>, state: &Application, actor: &Actor) -> Result<(), Refusal> {
    let service = ctx.service;
    let submission = &service.definition().submission.roles;
    let step_roles = state.step().and_then(|s| service.step(s)).map(|s| &s.roles[..]).unwrap_or_default();
    if actor.holds_any(submission) || actor.holds_any(step_roles) {
        return Ok(());
    }
    Err(Refusal::RoleNotAllowed { allowed: ctx.roles_named(submission.iter().chain(step_roles)) })
}
