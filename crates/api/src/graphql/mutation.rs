//! Mutations: login, submission, and one `act` for every step of every service.

use std::collections::{BTreeMap, BTreeSet};

use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject, Upload};
use chrono::{DateTime, Utc};
use simpul_definitions::model::{Channel, Fact};
use simpul_engine::{ActionInput, Assignee, Command, FactValue, Facts, FormData, InputField, Refusal};
use simpul_store::SubmitRequest;
use uuid::Uuid;

use super::application::ApplicationView;
use super::{caller, shared, view};
use crate::caller::ClientAddress;
use crate::error::{ApiError, ApiResult};

/// A checklist answer.
#[derive(InputObject)]
pub struct ChecklistAnswer {
    pub item: String,
    pub confirmed: bool,
}

/// A registry fact the officer looked up.
#[derive(InputObject)]
pub struct FactInput {
    /// e.g. `dtks_terdaftar`, `dtsen_desil`.
    pub fact: String,
    /// `true`/`false`, or a number for `dtsen_desil`.
    pub value: Json<serde_json::Value>,
    /// Why the value differs from the registry's (`Application.registryChecks`); required then, ignored never.
    pub note: Option<String>,
}

/// A submission.
#[derive(InputObject)]
pub struct SubmitApplicationInput {
    /// The tenant, for users of several tenants (as on every mutation).
    pub tenant: Option<String>,
    pub service: String,
    /// The form, by field code.
    pub data: Json<serde_json::Value>,
    /// A key of the client's choosing; the same key again returns the first application.
    pub idempotency_key: Option<String>,
    /// The service's first channel when absent.
    pub channel: Option<Channel>,
    #[graphql(default)]
    pub facts: Vec<FactInput>,
    #[graphql(default)]
    pub documents_received: Vec<String>,
}

/// An action on an application.
#[derive(InputObject)]
pub struct ActInput {
    pub application_id: ID,
    /// An action code from `availableActions` (`resubmit` and `withdraw` included).
    pub action: String,
    /// The `version` the caller saw.
    pub expected_version: i64,
    pub note: Option<String>,
    /// Corrected form values, for `resubmit`.
    pub data: Option<Json<serde_json::Value>>,
    #[graphql(default)]
    pub checklist: Vec<ChecklistAnswer>,
    #[graphql(default)]
    pub facts: Vec<FactInput>,
    #[graphql(default)]
    pub documents_received: Vec<String>,
    /// Requirement codes, when returning to the applicant.
    #[graphql(default)]
    pub missing: Vec<String>,
    /// The officer named by a disposisi (user id).
    pub assignee: Option<ID>,
    /// The tenant, for users of several tenants.
    pub tenant: Option<String>,
}

/// A login.
#[derive(SimpleObject)]
pub struct LoginResult {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user_id: String,
}

/// Form data from a JSON input at `path`.
pub(super) fn form(value: &Json<serde_json::Value>, path: &str) -> ApiResult<FormData> {
    serde_json::from_value::<FormData>(value.0.clone())
        .map_err(|_| ApiError::field(path, "Data formulir harus berupa objek dengan kode isian sebagai kunci"))
}

/// The facts given and the officer's notes on them.
fn facts(inputs: &[FactInput]) -> ApiResult<(Facts, BTreeMap<Fact, String>)> {
    let mut out = BTreeMap::new();
    let mut notes = BTreeMap::new();
    for input in inputs {
        let fact: Fact = serde_json::from_value(serde_json::Value::String(input.fact.clone())).map_err(|_| {
            ApiError::field(&format!("facts.{}", input.fact), format!("Data registri `{}` tidak dikenal", input.fact))
        })?;
        let value = match &input.value.0 {
            serde_json::Value::Bool(b) => FactValue::Bool(*b),
            serde_json::Value::Number(n) if n.is_i64() => FactValue::Int(n.as_i64().unwrap_or_default()),
            _ => return Err(ApiError::field(&format!("facts.{}", input.fact), "Nilai harus ya/tidak atau angka")),
        };
        out.insert(fact, value);
        if let Some(note) = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            notes.insert(fact, note.to_string());
        }
    }
    Ok((out, notes))
}

/// Counts a submission or action in the metrics by its outcome.
fn count<T>(
    shared: &crate::Shared,
    scope: &simpul_store::TenantScope,
    result: simpul_store::StoreResult<T>,
) -> ApiResult<T> {
    let result = result.map_err(ApiError::from);
    let outcome = match &result {
        Ok(_) => String::from("ok"),
        Err(error) => error.code().to_lowercase(),
    };
    shared.metrics.action(scope.tenant_id(), &outcome);
    result
}

/// Claims an idempotency key, waiting up to 10 s for another request holding it; returns whether it was claimed.
async fn wait_for_claim(shared: &crate::Shared, tenant: &str, key: &str) -> bool {
    for _ in 0..50 {
        if shared.state.claim(tenant, key).await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    false
}

/// The root of mutations.
#[derive(Default)]
pub struct Mutation;

#[Object]
impl Mutation {
    /// Signs in. Attempts are counted before the password is checked — per username (a success resets it) and per
    /// client address (successes are not counted) — so that no burst of concurrent logins gets more checks than
    /// the limits allow (`RATE_LIMITED`).
    async fn login(&self, ctx: &Context<'_>, username: String, password: String) -> ApiResult<LoginResult> {
        use crate::limits::{Forgive, LOGIN_PER_ADDRESS, LOGIN_PER_USER};
        let shared = shared(ctx)?;
        // Usernames are short; a longer one is not an account, and would only make long counter keys.
        if username.chars().count() > 200 {
            return Err(ApiError::field("username", "Nama pengguna terlalu panjang"));
        }
        let address = ctx.data_opt::<ClientAddress>().copied().unwrap_or(ClientAddress(None)).key();
        let user = username.trim().to_lowercase();
        shared.state.attempt(&LOGIN_PER_ADDRESS, &address).await?;
        if let Err(refused) = shared.state.attempt(&LOGIN_PER_USER, &user).await {
            // Not checked, so not a failure from this address.
            shared.state.forgive(&LOGIN_PER_ADDRESS, &address, Forgive::One).await;
            return Err(refused);
        }
        match shared.store.login(&username, &password).await {
            Ok(principal) => {
                shared.state.forgive(&LOGIN_PER_USER, &user, Forgive::Reset).await;
                shared.state.forgive(&LOGIN_PER_ADDRESS, &address, Forgive::One).await;
                let (token, expires_at) =
                    shared.tokens.issue(principal.user_id).map_err(|e| ApiError::Internal(e.to_string()))?;
                Ok(LoginResult { token, expires_at, user_id: principal.user_id.to_string() })
            }
            // Counted already.
            Err(wrong @ simpul_store::StoreError::BadCredentials) => Err(wrong.into()),
            Err(other) => {
                // The password was never checked (the database is down): not a guess.
                shared.state.forgive(&LOGIN_PER_USER, &user, Forgive::One).await;
                shared.state.forgive(&LOGIN_PER_ADDRESS, &address, Forgive::One).await;
                Err(other.into())
            }
        }
    }

    /// Submits an application on the applicant's behalf.
    async fn submit_application(&self, ctx: &Context<'_>, input: SubmitApplicationInput) -> ApiResult<ApplicationView> {
        let shared = shared(ctx)?;
        let caller = caller(ctx)?;
        caller.require_write()?;
        let scope = caller.scope(input.tenant.as_deref())?;
        let actor = caller.actor(&scope);
        let (_, service) = shared.store.published_service(&scope, &input.service).await?;
        let channel = input
            .channel
            .or_else(|| service.definition().submission.channels.first().copied())
            .unwrap_or(Channel::Langsung);
        let data = form(&input.data, "data")?;
        let (facts, fact_notes) = facts(&input.facts)?;
        let runtime = shared.store.tenant_runtime(shared.store.connection(), &scope).await?;
        // Only roles with personal-data rights look anyone up (UU 27/2022); others' values are their own.
        let wanted: Vec<Fact> = if crate::caller::sees_personal_data(&runtime, &actor) {
            facts.keys().copied().collect()
        } else {
            Vec::new()
        };
        let keys = simpul_engine::registry::subject_keys(&service, &data);
        let subject = format!("pengajuan {}", input.service);
        let findings = shared.registries.findings(&scope, &actor.user_id, &subject, &keys, &wanted).await;
        let request = SubmitRequest {
            service: input.service.clone(),
            data,
            channel,
            facts,
            fact_notes,
            findings,
            documents_received: input.documents_received.into_iter().collect(),
            idempotency_key: input.idempotency_key.filter(|k| !k.trim().is_empty()),
        };
        let span = tracing::info_span!("submit", tenant = scope.tenant_id(), service = %request.service);
        // The same key sent twice at once (a double tap, a retrying integrator) is worked on by one request; the
        // other waits for it and returns its application. The database's unique key decides in any case.
        let claimed = match &request.idempotency_key {
            Some(key) => Some((key.clone(), wait_for_claim(shared, scope.tenant_id(), key).await)),
            None => None,
        };
        let submitted =
            tracing::Instrument::instrument(shared.store.submit(&scope, &actor, &request, Utc::now()), span).await;
        if let Some((key, true)) = &claimed {
            shared.state.release(scope.tenant_id(), key).await;
        }
        let submitted = count(shared, &scope, submitted)?;
        if submitted.created {
            // Subscribers and webhooks hear of it from the outbox row committed with it.
            shared.outbox_nudge.notify_one();
        }
        view(ctx, &scope, submitted.record).await
    }

    /// Takes an action on an application: any step action, `resubmit` or `withdraw`.
    async fn act(&self, ctx: &Context<'_>, input: ActInput) -> ApiResult<ApplicationView> {
        let shared = shared(ctx)?;
        let caller = caller(ctx)?;
        caller.require_write()?;
        let scope = caller.scope(input.tenant.as_deref())?;
        let actor = caller.actor(&scope);
        let id = Uuid::parse_str(&input.application_id)
            .map_err(|_| ApiError::field("applicationId", "ID permohonan tidak valid"))?;
        let expected_version = u64::try_from(input.expected_version)
            .map_err(|_| ApiError::field("expectedVersion", "Versi tidak valid"))?;
        let command_takes = |field: InputField| match (input.action.as_str(), field) {
            ("resubmit", InputField::Data | InputField::DocumentsReceived) => true,
            ("resubmit", _) => false,
            ("withdraw", field) => field == InputField::Note,
            (_, field) => field != InputField::Data,
        };
        let given = [
            (InputField::Note, input.note.is_some()),
            (InputField::Data, input.data.is_some()),
            (InputField::Checklist, !input.checklist.is_empty()),
            (InputField::Facts, !input.facts.is_empty()),
            (InputField::DocumentsReceived, !input.documents_received.is_empty()),
            (InputField::Missing, !input.missing.is_empty()),
            (InputField::Assignee, input.assignee.is_some()),
        ];
        // An input the command does not take is refused, not ignored: the caller meant something by it. The step
        // actions' own inputs are checked by the engine against what the action takes.
        if let Some((field, _)) = given.iter().find(|(field, given)| *given && !command_takes(*field)) {
            return Err(Refusal::InputNotTaken { input: *field }.into());
        }
        let documents_received: BTreeSet<String> = input.documents_received.into_iter().collect();
        let input_action = input.action.clone();
        let (facts, fact_notes) = facts(&input.facts)?;
        // The registries are asked about the applicant for the facts recorded, so that each value's provenance
        // (confirmed from a registry, or entered by the officer) is decided by the engine, not claimed.
        let findings = if facts.is_empty() {
            simpul_engine::registry::Findings::new()
        } else {
            let record = shared.store.application(&scope, id).await?;
            let (service, runtime) = shared.store.runtime_for(&scope, &record).await?;
            // Only roles with personal-data rights look anyone up (UU 27/2022); others' values are their own.
            let wanted: Vec<Fact> = if crate::caller::sees_personal_data(&runtime, &actor) {
                facts.keys().copied().collect()
            } else {
                Vec::new()
            };
            let keys = simpul_engine::registry::subject_keys(&service, &record.state.data);
            shared.registries.findings(&scope, &actor.user_id, &id.to_string(), &keys, &wanted).await
        };
        let command = match input.action.as_str() {
            "resubmit" => Command::Resubmit {
                expected_version,
                data: input.data.as_ref().map(|d| form(d, "data")).transpose()?.unwrap_or_default(),
                documents_received,
            },
            "withdraw" => Command::Withdraw { expected_version, reason: input.note.unwrap_or_default() },
            action => Command::Act {
                expected_version,
                action: action.to_string(),
                input: ActionInput {
                    note: input.note,
                    checklist: input.checklist.into_iter().map(|c| (c.item, c.confirmed)).collect(),
                    facts,
                    fact_notes,
                    documents_received,
                    missing: input.missing,
                    assignee: input.assignee.map(|a| Assignee { user_id: a.0, roles: BTreeSet::new() }),
                },
            },
        };
        // Spans carry tenant and application ids, never personal data.
        let span = tracing::info_span!("act", tenant = scope.tenant_id(), application = %id, action = %input_action);
        let acted = tracing::Instrument::instrument(
            shared.store.act_looked_up(&scope, &actor, id, command, &findings, Utc::now()),
            span,
        )
        .await;
        let acted = count(shared, &scope, acted)?;
        shared.outbox_nudge.notify_one();
        // The letters numbered by this signing are committed; the letter archiver renders and stores them now,
        // apart from this request, whose answer depends on neither (and retries them while the store is down).
        if !acted.letters.is_empty() {
            shared.archive_nudge.notify_one();
        }
        view(ctx, &scope, acted.record).await
    }

    /// Attaches a scan for a document requirement (GraphQL multipart request). The file's real type and size are
    /// checked against the requirement; the file is stored, then recorded with its SHA-256 — or neither.
    async fn attach_document(
        &self,
        ctx: &Context<'_>,
        application_id: ID,
        requirement: String,
        file: Upload,
        #[graphql(desc = "The `version` the caller saw, as for `act`.")] expected_version: i64,
        tenant: Option<String>,
    ) -> ApiResult<ApplicationView> {
        let shared = shared(ctx)?;
        let caller = caller(ctx)?;
        caller.require_write()?;
        let scope = caller.scope(tenant.as_deref())?;
        let actor = caller.actor(&scope);
        let application = Uuid::parse_str(&application_id)
            .map_err(|_| ApiError::field("applicationId", "ID permohonan tidak valid"))?;
        let expected_version =
            u64::try_from(expected_version).map_err(|_| ApiError::field("expectedVersion", "Versi tidak valid"))?;
        let value = file.value(ctx).map_err(|_| ApiError::field("file", "Berkas tidak terbaca"))?;
        let mut body = tokio::fs::File::from_std(value.content);
        let upload =
            crate::documents::Upload { application, requirement: &requirement, expected_version, body: &mut body };
        let span = tracing::info_span!("attach", tenant = scope.tenant_id(), application = %application);
        let attached =
            tracing::Instrument::instrument(crate::documents::attach(shared, &scope, &actor, upload), span).await;
        let (acted, _) = attached?;
        shared.outbox_nudge.notify_one();
        view(ctx, &scope, acted.record).await
    }
}
