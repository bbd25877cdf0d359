//! Properties over random sequences of actions, for every service: no sequence reaches a state the definition
//! does not allow, a terminal application accepts nothing, the service deadline never moves backwards except by
//! a recorded suspension, the fold of the events is the state, and in every state reached an action is offered
//! to exactly the actors the engine accepts it from.

use proptest::prelude::*;
use simpul_definitions::model::Fact;
use simpul_engine::{
    ActionInput, Actor, Assignee, AvailableKind, Command, EventKind, FactValue, Facts, Refusal, Stage, available,
};

use super::support::{Run, form, office, user, wib};

const SERVICES: &[(&str, &str)] = &[
    ("bulukumba", "rekomendasi-sktm"),
    ("luwu-timur", "surat-keterangan-dtks"),
    ("bangka", "rekomendasi-sktm"),
    ("oku-selatan", "sktm"),
    ("oku-selatan", "rekomendasi-pembebasan-biaya-kesehatan"),
    ("oku-selatan", "penanggulangan-bencana"),
    ("oku-selatan", "bantuan-disabilitas"),
    ("oku-selatan", "bantuan-stimulan"),
    ("oku-selatan", "pendaftaran-dtks"),
    ("oku-selatan", "penonaktifan-kis-pbid"),
    ("tebing-tinggi", "surat-keterangan-dtks"),
    ("tebing-tinggi", "rekomendasi-bpjs-kesehatan"),
];

/// Registry facts that vary with `seed`, so that rules sometimes pass and sometimes fail.
fn facts(seed: u8) -> Facts {
    [
        (Fact::DtksTerdaftar, FactValue::Bool(!seed.is_multiple_of(5))),
        (Fact::DtsenTerdaftar, FactValue::Bool(!seed.is_multiple_of(4))),
        (Fact::DtsenDesil, FactValue::Int(i64::from(seed % 10) + 1)),
        (Fact::PbiApbn, FactValue::Bool(seed.is_multiple_of(7))),
        (Fact::PbiApbd, FactValue::Bool(seed.is_multiple_of(11))),
        (Fact::KisPbidAktif, FactValue::Bool(true)),
    ]
    .into_iter()
    .collect()
}

/// Every command some officer could send now: the available ones, with inputs that vary with `seed`, and a few
/// that are wrong on purpose.
fn candidates(run: &Run, seed: u8) -> Vec<(Actor, Command, bool)> {
    let state = run.state();
    let ctx = run.ctx();
    let mut actors: Vec<Actor> = run.office.tenant.roles.iter().map(|r| user(&r.code)).collect();
    if let Some(assignee) = &state.assignee {
        actors.push(Actor::new(assignee.clone(), [assignee.trim_end_matches("@test")]));
    }
    // The inbox tokens a store lists by meet an actor's keys exactly when the application is in their inbox
    // (but for a paraf they gave already, where the tokens may list more; the store checks those rows).
    let tokens = simpul_engine::inbox_tokens(&ctx, state);
    for actor in &actors {
        let listed = simpul_engine::inbox_keys(actor).iter().any(|k| tokens.contains(k));
        let inbox = simpul_engine::in_inbox(&ctx, state, actor);
        if state.paraf.iter().any(|i| i.user_id == actor.user_id) {
            assert!(listed || !inbox, "{} is missing from the inbox tokens {tokens:?}", actor.user_id);
        } else {
            assert_eq!(listed, inbox, "{} and the inbox tokens {tokens:?} in {:?}", actor.user_id, state.stage);
        }
    }
    let mut out = Vec::new();
    for actor in &actors {
        for a in available(&ctx, state, actor) {
            let command = match a.kind {
                AvailableKind::Withdraw => {
                    Command::Withdraw { expected_version: state.version, reason: "dibatalkan".into() }
                }
                AvailableKind::Resubmit => Command::Resubmit {
                    expected_version: state.version,
                    data: Default::default(),
                    documents_received: run
                        .service
                        .definition()
                        .persyaratan
                        .iter()
                        .map(|r| r.code.clone())
                        .filter(|_| seed.is_multiple_of(2))
                        .collect(),
                },
                AvailableKind::Step => {
                    let mut input: ActionInput = run.good_input(a.code);
                    input.facts = a.facts.iter().map(|f| (*f, facts(seed)[f])).collect();
                    if seed.is_multiple_of(13) {
                        input.documents_received.clear();
                    }
                    if seed.is_multiple_of(17) {
                        input.checklist.clear();
                    }
                    if let Some(role) = a.assign_to.first() {
                        input.assignee = Some(Assignee {
                            user_id: format!("{role}@test"),
                            roles: [role.clone()].into_iter().collect(),
                        });
                    }
                    Command::Act { expected_version: state.version, action: a.code.to_string(), input }
                }
            };
            out.push((actor.clone(), command, a.movement == simpul_engine::Movement::Forward));
        }
    }
    // Wrong on purpose: an unknown action, a stale version, a stranger.
    let version = state.version;
    let unknown = Command::Act { expected_version: version, action: "tidak_ada".into(), input: Default::default() };
    out.push((user("front_office"), unknown, false));
    out.push((user("front_office"), Command::Withdraw { expected_version: version + 1, reason: "x".into() }, false));
    out.push((
        Actor::new("tamu", ["tamu"]),
        Command::Withdraw { expected_version: version, reason: "x".into() },
        false,
    ));
    out
}

/// Whether a refusal is about who the actor is (rather than what they sent).
fn about_the_actor(refusal: &Refusal) -> bool {
    matches!(
        refusal,
        Refusal::RoleNotAllowed { .. }
            | Refusal::NotAssignee
            | Refusal::ParafOutOfOrder { .. }
            | Refusal::AlreadyInitialled
            | Refusal::InitialledCannotSign
    )
}

/// The one rule for who may act, seen from both sides: every action `available` offers an actor is accepted from
/// that actor, given the inputs it asks for (an eligibility rule may still fail on the facts); every action it
/// does not offer is refused — for who they are, or because the application is not at that stage.
fn offered_exactly_to_those_allowed(run: &Run) -> Result<(), TestCaseError> {
    let state = run.state();
    let ctx = run.ctx();
    let roles: Vec<String> = run.office.tenant.roles.iter().map(|r| r.code.clone()).collect();
    let mut actors: Vec<Actor> = roles.iter().map(|r| user(r)).collect();
    // Someone holding every role meets the paraf chain's order and its one-initial-per-person rule.
    actors.push(Actor::new("serba@test", roles.clone()));
    actors.push(Actor::new("tamu@test", ["tamu"]));
    if let Some(assignee) = &state.assignee {
        actors.push(Actor::new(assignee.clone(), [assignee.trim_end_matches("@test")]));
    }
    // The inbox tokens a store lists by meet an actor's keys exactly when the application is in their inbox
    // (but for a paraf they gave already, where the tokens may list more; the store checks those rows).
    let tokens = simpul_engine::inbox_tokens(&ctx, state);
    for actor in &actors {
        let listed = simpul_engine::inbox_keys(actor).iter().any(|k| tokens.contains(k));
        let inbox = simpul_engine::in_inbox(&ctx, state, actor);
        if state.paraf.iter().any(|i| i.user_id == actor.user_id) {
            assert!(listed || !inbox, "{} is missing from the inbox tokens {tokens:?}", actor.user_id);
        } else {
            assert_eq!(listed, inbox, "{} and the inbox tokens {tokens:?} in {:?}", actor.user_id, state.stage);
        }
    }
    let step_actions: Vec<String> = state
        .step()
        .and_then(|s| run.service.step(s))
        .map(|s| s.actions.iter().map(|a| a.code.clone()).collect())
        .unwrap_or_default();
    let every_document: std::collections::BTreeSet<String> = run
        .service
        .definition()
        .persyaratan
        .iter()
        .filter(|r| r.kind == simpul_definitions::model::RequirementKind::Document)
        .map(|r| r.code.clone())
        .collect();
    for actor in &actors {
        let offered = available(&ctx, state, actor);
        let mut commands: Vec<(String, Command)> = step_actions
            .iter()
            .map(|code| {
                let input = run.good_input(code);
                (code.clone(), Command::Act { expected_version: state.version, action: code.clone(), input })
            })
            .collect();
        commands.push((
            "resubmit".into(),
            Command::Resubmit {
                expected_version: state.version,
                data: Default::default(),
                documents_received: every_document.clone(),
            },
        ));
        commands
            .push(("withdraw".into(), Command::Withdraw { expected_version: state.version, reason: "pindah".into() }));
        for (code, command) in commands {
            let decided = simpul_engine::decide(&ctx, Some(state), actor, &command, run.now);
            if offered.iter().any(|a| a.code == code) {
                prop_assert!(
                    matches!(decided, Ok(_) | Err(Refusal::RuleFailed { .. })),
                    "`{code}` offered to {actor:?} at {:?} but refused: {decided:?}",
                    state.stage
                );
            } else {
                prop_assert!(
                    matches!(&decided, Err(r) if about_the_actor(r)
                        || matches!(r, Refusal::WrongStage { .. } | Refusal::Ended { .. })),
                    "`{code}` not offered to {actor:?} at {:?} but decided {decided:?}",
                    state.stage
                );
            }
        }
    }
    Ok(())
}

fn check_sequence(index: usize, choices: &[(u8, u8)]) -> Result<(), TestCaseError> {
    let (office_code, service) = SERVICES[index];
    let mut run = Run::new(office_code, service, wib(2026, 3, 16, 8, 0));
    run.facts = facts(3);
    run.submit(form(&format!("{office_code}/{service}"))).map_err(|r| TestCaseError::fail(r.to_string()))?;
    let def = run.service.definition();
    let mut last_service_due = run.state().clocks.service.map(|d| d.due_at);
    for (choice, seed) in choices {
        run.wait(i64::from(*seed) * 7);
        // Seven times in eight an officer moves the application forward, so that sequences reach the later
        // steps (paraf, signing, handover); otherwise anything, wrong commands included.
        let all = candidates(&run, *seed);
        let forward: Vec<_> = all.iter().filter(|c| c.2).cloned().collect();
        let options = if choice % 8 != 0 && !forward.is_empty() { forward } else { all };
        let (actor, command, _) = options[usize::from(*choice / 8) % options.len()].clone();
        let was_ended = run.state().is_ended();
        let stale = matches!(&command, Command::Withdraw { expected_version, .. } | Command::Act { expected_version, .. }
            if *expected_version != run.state().version);
        match run.run(&actor, command) {
            Ok(events) => {
                prop_assert!(!was_ended, "an ended application accepted a command");
                let resubmitted = events.iter().any(|e| matches!(e.kind, EventKind::Resubmitted(_)));
                let due = run.state().clocks.service.map(|d| d.due_at);
                if let (Some(before), Some(after)) = (last_service_due, due) {
                    prop_assert!(
                        after >= before || resubmitted,
                        "service deadline moved back from {before} to {after}"
                    );
                }
                last_service_due = due;
            }
            Err(refusal) => {
                if was_ended {
                    // A command for another version is told so first (the caller's view is stale), ended or not.
                    prop_assert!(
                        if stale {
                            matches!(refusal, Refusal::StaleVersion { .. })
                        } else {
                            matches!(refusal, Refusal::Ended { .. })
                        },
                        "ended application refused with {refusal:?}"
                    );
                }
            }
        }
        match &run.state().stage {
            Stage::AtStep { step } | Stage::Returned { step } => {
                prop_assert!(def.prosedur.iter().any(|s| &s.code == step), "unknown step {step}");
            }
            Stage::Ended { outcome, .. } => {
                prop_assert!(
                    outcome == simpul_engine::state::WITHDRAWN || def.outcomes.iter().any(|o| &o.code == outcome),
                    "unknown outcome {outcome}"
                );
            }
        }
        if let Some(assignee) = &run.state().assignee {
            prop_assert!(assignee.ends_with("@test"));
        }
        let folded = simpul_engine::Application::fold(&run.events);
        prop_assert_eq!(folded.as_ref(), Ok(run.state()));
        offered_exactly_to_those_allowed(&run)?;
    }
    // An ended application accepts none of the commands anyone could think of.
    if run.state().is_ended() {
        for (actor, command, _) in candidates(&run, 0) {
            prop_assert!(run.run(&actor, command).is_err());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_action_sequences_keep_every_invariant(
        index in 0..SERVICES.len(),
        choices in proptest::collection::vec((any::<u8>(), any::<u8>()), 0..40),
    ) {
        check_sequence(index, &choices)?;
    }
}

#[test]
fn the_offices_used_by_the_properties_exist() {
    for (office_code, service) in SERVICES {
        assert!(office(office_code).services.contains_key(*service));
    }
}
