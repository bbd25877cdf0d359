//! Queries.

use async_graphql::{ComplexObject, Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use simpul_engine::{Actor, DeadlineState};
use simpul_store::{ApplicationFilter, Page, StageFilter, TenantScope};
use uuid::Uuid;

use super::application::{ApplicationStatus, ApplicationView, DeadlineView};
use super::service::ServiceInfo;
use super::tenant::TenantInfo;
use super::{caller, shared, view, views};
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult};

/// The caller.
#[derive(SimpleObject)]
pub struct Me {
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub memberships: Vec<MembershipView>,
    pub provinces: Vec<String>,
    /// For an API key: its name.
    pub api_key: Option<String>,
}

/// Roles in one tenant.
#[derive(SimpleObject)]
pub struct MembershipView {
    pub tenant: String,
    pub roles: Vec<String>,
}

/// The public tracking answer: no personal data beyond the applicant's masked name, no officer's name or note.
#[derive(SimpleObject)]
pub struct TrackingView {
    pub tenant: String,
    /// The office's name.
    pub office: String,
    /// The office's time zone (IANA), in which its pages write times.
    pub time_zone: String,
    pub service: String,
    /// The service's name.
    pub service_name: String,
    /// The applicant's name, masked ("S*** A*****").
    pub masked_name: String,
    pub submitted_at: DateTime<Utc>,
    pub status: ApplicationStatus,
    pub step_name: Option<String>,
    pub outcome: Option<String>,
    /// The outcome in words.
    pub outcome_label: Option<String>,
    pub service_deadline: Option<DeadlineView>,
    /// What happened, in words, oldest first.
    pub history: Vec<TrackingStepView>,
    /// The letters issued, with their verification pages.
    pub letters: Vec<TrackedLetterView>,
    /// Once the application has ended and its satisfaction survey is not answered yet: the token that lets
    /// `submitSurvey` take the answers within the hour.
    pub survey_token: Option<String>,
}

/// One line of the public history.
#[derive(SimpleObject)]
pub struct TrackingStepView {
    pub at: DateTime<Utc>,
    pub text: String,
}

/// A letter as the applicant sees it from the tracking page.
#[derive(SimpleObject)]
pub struct TrackedLetterView {
    pub name: String,
    pub number: String,
    /// The letter's verification page, once archived (moments after signing).
    pub verification_url: Option<String>,
    /// Whether the office revoked it.
    pub revoked: bool,
}

/// List filter.
#[derive(InputObject, Default)]
pub struct ApplicationFilterInput {
    pub status: Option<StageFilter>,
    pub service: Option<String>,
    pub step: Option<String>,
    /// The service deadline's state now (`ON_TIME` includes applications whose clock has not started).
    pub deadline: Option<DeadlineState>,
    /// Words of the applicant's name or the tracking code.
    pub text: Option<String>,
    /// A NIK (16 digits) in one of the form's NIK fields: for roles that may see personal data; every
    /// application found is written to its audit log.
    pub nik: Option<String>,
    /// The tenant, for users of several tenants.
    pub tenant: Option<String>,
}

/// What narrows an inbox: everything an [`ApplicationFilterInput`] can but the status (an inbox holds open
/// applications only) and the tenant (the inbox's own argument).
#[derive(InputObject, Default)]
pub struct InboxFilterInput {
    pub service: Option<String>,
    pub step: Option<String>,
    /// The service deadline's state now (`ON_TIME` includes applications whose clock has not started).
    pub deadline: Option<DeadlineState>,
    /// Words of the applicant's name or the tracking code.
    pub text: Option<String>,
}

/// How many applications of one service wait in the caller's inbox.
#[derive(SimpleObject)]
pub struct InboxCount {
    pub service: String,
    /// The service's name.
    pub service_name: String,
    pub count: u64,
}

/// An edge of a connection.
#[derive(SimpleObject)]
pub struct ApplicationEdge {
    pub cursor: String,
    pub node: ApplicationView,
}

/// Relay page info.
#[derive(SimpleObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

/// What a connection lists, to count its total when asked.
enum Listing {
    /// The tenant's applications matching a filter.
    Applications(ApplicationFilter),
    /// What an actor can act on now, narrowed by a filter.
    Inbox(Actor, ApplicationFilter),
}

/// A page of applications.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ApplicationConnection {
    pub edges: Vec<ApplicationEdge>,
    pub page_info: PageInfo,
    #[graphql(skip)]
    scope: TenantScope,
    #[graphql(skip)]
    listing: Listing,
}

#[ComplexObject]
impl ApplicationConnection {
    /// How many there are in all pages; counted only when asked.
    async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        let store = &shared(ctx)?.store;
        Ok(match &self.listing {
            Listing::Applications(filter) => store.count_applications(&self.scope, filter, Utc::now()).await?,
            Listing::Inbox(actor, filter) => store.inbox_count(&self.scope, actor, filter, Utc::now()).await?,
        })
    }
}

async fn connection(
    ctx: &Context<'_>,
    scope: &TenantScope,
    page: Page<simpul_store::ApplicationRecord>,
    listing: Listing,
) -> ApiResult<ApplicationConnection> {
    let end_cursor = page.items.last().map(|(c, _)| c.clone());
    let (cursors, records): (Vec<String>, Vec<_>) = page.items.into_iter().unzip();
    let nodes = views(ctx, scope, records).await?;
    let edges = cursors.into_iter().zip(nodes).map(|(cursor, node)| ApplicationEdge { cursor, node }).collect();
    Ok(ApplicationConnection {
        edges,
        page_info: PageInfo { has_next_page: page.has_next_page, end_cursor },
        scope: scope.clone(),
        listing,
    })
}

fn page_size(first: Option<i32>) -> ApiResult<u64> {
    match first.unwrap_or(20) {
        n @ 1..=100 => Ok(n as u64),
        _ => Err(ApiError::field("first", "Jumlah per halaman harus 1 sampai 100")),
    }
}

fn parse_id(id: &ID) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| ApiError::field("id", "ID permohonan tidak valid"))
}

/// The scope of a tenant for its public information (what its published standards say).
async fn public_scope(shared: &crate::Shared, tenant: &str) -> ApiResult<TenantScope> {
    shared.store.system_scope(tenant).await.map_err(|_| ApiError::NotFound(format!("Dinas `{tenant}` tidak dikenal")))
}

/// The root of queries.
#[derive(Default)]
pub struct Query;

#[Object]
impl Query {
    /// Every office served, with its region, hours, positions, signatories, numbering and complaint channels;
    /// with `province` (its code, `73`), the offices of that province. Public.
    async fn tenants(&self, ctx: &Context<'_>, province: Option<String>) -> ApiResult<Vec<TenantInfo>> {
        let shared = shared(ctx)?;
        let runtimes = shared.store.tenant_runtimes(province.as_deref()).await?;
        Ok(runtimes.iter().map(|runtime| TenantInfo::new(runtime)).collect())
    }

    /// The provinces that have an office served, in code order: for choosing an office by its province (a list
    /// of every kabupaten and kota is too long to choose from). Public.
    async fn provinces(&self, ctx: &Context<'_>) -> ApiResult<Vec<simpul_definitions::model::Province>> {
        let shared = shared(ctx)?;
        let codes = shared.store.provinces().await?;
        Ok(codes
            .into_iter()
            .map(|code| {
                let name = simpul_engine::regions::name(&code).unwrap_or(&code).to_string();
                simpul_definitions::model::Province { code, name }
            })
            .collect())
    }

    /// One office. Public.
    async fn tenant(&self, ctx: &Context<'_>, code: String) -> ApiResult<TenantInfo> {
        let shared = shared(ctx)?;
        let scope = public_scope(shared, &code).await?;
        Ok(TenantInfo::new(&*shared.store.tenant_runtime(shared.store.connection(), &scope).await?))
    }

    /// A published service, with everything a client needs to render its form and steps. Public.
    async fn service(&self, ctx: &Context<'_>, tenant: String, code: String) -> ApiResult<ServiceInfo> {
        let shared = shared(ctx)?;
        let scope = public_scope(shared, &tenant).await?;
        let (version, service) = shared.store.published_service(&scope, &code).await?;
        Ok(ServiceInfo::new(&tenant, version.version, &service))
    }

    /// Which fields of a service's form apply to `data` (a draft, as the officer types), which must be filled, and
    /// what is wrong with the values given — the server evaluates every condition, so no client evaluates CEL.
    /// Changes nothing. Public with `tenant`; a signed-in caller of one office may leave it out.
    async fn form_state(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        service: String,
        data: async_graphql::Json<serde_json::Value>,
    ) -> ApiResult<Vec<simpul_engine::form::FieldState>> {
        let shared = shared(ctx)?;
        let scope = match &tenant {
            Some(t) => public_scope(shared, t).await?,
            None => caller(ctx)?.scope(None)?,
        };
        let data = super::mutation::form(&data, "data")?;
        let (_, compiled) = shared.store.published_service(&scope, &service).await?;
        let runtime = shared.store.tenant_runtime(shared.store.connection(), &scope).await?;
        let today = runtime.calendar.local_date(Utc::now());
        Ok(simpul_engine::form::state(&compiled, &data, today, Some(&runtime.tenant.region_code)))
    }

    /// The published services of a tenant. Public.
    async fn services(&self, ctx: &Context<'_>, tenant: String) -> ApiResult<Vec<ServiceInfo>> {
        let shared = shared(ctx)?;
        let scope = public_scope(shared, &tenant).await?;
        Ok(shared
            .store
            .published_services(&scope)
            .await?
            .iter()
            .map(|(v, s)| ServiceInfo::new(&tenant, v.version, s))
            .collect())
    }

    /// Status of an application for the applicant: the tracking code together with the applicant's NIK or, for
    /// a form that asks for it, their date of birth. Public; no personal data in the answer beyond the masked
    /// name, no officer's name or note. Once per request; limited per client address and, for a wrong NIK or
    /// date, per tracking code (`RATE_LIMITED`).
    async fn track_application(
        &self,
        ctx: &Context<'_>,
        tracking_code: String,
        nik: Option<String>,
        birth_date: Option<NaiveDate>,
    ) -> ApiResult<TrackingView> {
        use crate::limits::{Forgive, TRACK_PER_ADDRESS, TRACK_PER_CODE};
        use simpul_store::TrackingProof;
        let shared = shared(ctx)?;
        // A tracking code is 11 characters; anything much longer is not one, and would only make long keys.
        if tracking_code.chars().count() > 32 {
            return Err(ApiError::field("trackingCode", "Kode pelacakan tidak dikenal"));
        }
        let proof = match (nik.as_deref(), birth_date) {
            (Some(nik), None) => TrackingProof::Nik(nik),
            (None, Some(date)) => TrackingProof::BirthDate(date),
            _ => {
                return Err(ApiError::field("nik", "Isi NIK pemohon atau tanggal lahirnya (salah satu saja)"));
            }
        };
        let address = ctx.data_opt::<crate::caller::ClientAddress>().map(|a| a.key()).unwrap_or_default();
        let code = tracking_code.trim().to_uppercase();
        shared.state.attempt(&TRACK_PER_ADDRESS, &address).await?;
        shared.state.attempt(&TRACK_PER_CODE, &code).await?;
        let not_found =
            || ApiError::NotFound(String::from("Permohonan tidak ditemukan; periksa kode dan NIK atau tanggal lahir"));
        let found = match shared.store.track(&code, proof).await {
            Ok(Some(found)) => found,
            // Counted against the code: a wrong NIK or date.
            Ok(None) => return Err(not_found()),
            Err(error) => {
                shared.state.forgive(&TRACK_PER_CODE, &code, Forgive::One).await;
                return Err(error.into());
            }
        };
        shared.state.forgive(&TRACK_PER_CODE, &code, Forgive::One).await;
        let scope = shared.store.system_scope(&found.tenant_id).await?;
        let (service, runtime) = shared.store.runtime_for(&scope, &found).await?;
        let state = &found.state;
        let (history, letters) = crate::tracking::public_record(shared, &scope, &runtime, &service, found.id).await?;
        let survey_open = state.is_ended() && !shared.store.survey_answered(&scope, found.id).await?;
        let survey_token = if survey_open {
            Some(
                shared
                    .tokens
                    .issue_survey(&found.tenant_id, found.id, chrono::Duration::hours(1))
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
            )
        } else {
            None
        };
        let outcome = super::application::outcome_of(&state.stage).map(String::from);
        let outcome_label = outcome
            .as_ref()
            .and_then(|code| service.definition().outcomes.iter().find(|o| &o.code == code).map(|o| o.label.clone()));
        Ok(TrackingView {
            tenant: found.tenant_id.clone(),
            office: runtime.tenant.name.clone(),
            time_zone: runtime.tenant.time_zone.clone(),
            service: found.service_code.clone(),
            service_name: service.definition().name.clone(),
            masked_name: simpul_engine::form::applicant_name(&state.data)
                .map(crate::letters::mask_name)
                .unwrap_or_default(),
            submitted_at: state.submitted_at,
            status: ApplicationStatus::of(&state.stage),
            step_name: state.step().and_then(|s| service.step(s)).map(|s| s.name.clone()),
            outcome,
            outcome_label,
            service_deadline: state.deadlines(&runtime.calendar, Utc::now()).service.map(Into::into),
            history: history.into_iter().map(|h| TrackingStepView { at: h.at, text: h.text }).collect(),
            letters: letters
                .into_iter()
                .map(|l| TrackedLetterView {
                    name: l.name,
                    number: l.number,
                    verification_url: l.verification_url,
                    revoked: l.revoked,
                })
                .collect(),
            survey_token,
        })
    }

    /// The caller: an officer with their roles per office, or an API key with its office and roles.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Me> {
        let membership = |scope: &TenantScope, roles: &std::collections::BTreeSet<String>| MembershipView {
            tenant: scope.tenant_id().to_string(),
            roles: roles.iter().cloned().collect(),
        };
        match caller(ctx)? {
            anonymous @ (Caller::Anonymous | Caller::Rejected(_)) => Err(anonymous.unauthenticated()),
            Caller::User(p) => Ok(Me {
                user_id: Some(p.user_id.to_string()),
                username: Some(p.username.clone()),
                display_name: Some(p.display_name.clone()),
                memberships: p.memberships.iter().map(|m| membership(&m.scope, &m.roles)).collect(),
                provinces: p.provinces.clone(),
                api_key: None,
            }),
            Caller::ApiKey(k) => Ok(Me {
                user_id: None,
                username: None,
                display_name: None,
                memberships: vec![membership(&k.scope, &k.roles)],
                provinces: vec![],
                api_key: Some(k.name.clone()),
            }),
        }
    }

    /// One application of the caller's tenant.
    async fn application(&self, ctx: &Context<'_>, id: ID, tenant: Option<String>) -> ApiResult<ApplicationView> {
        let shared = shared(ctx)?;
        let scope = caller(ctx)?.scope(tenant.as_deref())?;
        let record = shared.store.application(&scope, parse_id(&id)?).await?;
        view(ctx, &scope, record).await
    }

    /// The caller's tenant's applications, soonest deadline first.
    async fn applications(
        &self,
        ctx: &Context<'_>,
        filter: Option<ApplicationFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<ApplicationConnection> {
        let shared = shared(ctx)?;
        let filter = filter.unwrap_or_default();
        let caller = caller(ctx)?;
        let scope = caller.scope(filter.tenant.as_deref())?;
        let nik = filter.nik.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        if let Some(nik) = &nik {
            if nik.len() != 16 || !nik.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ApiError::field("filter.nik", "NIK terdiri atas 16 angka"));
            }
            let runtime = shared.store.tenant_runtime(shared.store.connection(), &scope).await?;
            if !crate::caller::sees_personal_data(&runtime, &caller.actor(&scope)) {
                return Err(ApiError::Forbidden(String::from(
                    "Peran Anda tidak diizinkan mencari permohonan dengan NIK",
                )));
            }
        }
        let store_filter = ApplicationFilter {
            stage: filter.status,
            service: filter.service,
            step: filter.step,
            deadline: filter.deadline,
            text: filter.text,
            assignee: None,
            nik: nik.clone(),
            inbox_keys: Vec::new(),
        };
        let now: DateTime<Utc> = Utc::now();
        let page = shared.store.applications(&scope, &store_filter, page_size(first)?, after.as_deref(), now).await?;
        if nik.is_some() {
            // Who looked for whom (UU 27/2022): each application a NIK search found, in its audit log.
            let found: Vec<(String, String)> =
                page.items.iter().map(|(_, r)| (r.id.to_string(), String::from("pencarian dengan NIK"))).collect();
            let actor = caller.actor(&scope);
            shared.store.record_audits(&scope, &actor.user_id, simpul_store::audit::action::READ, &found).await?;
        }
        connection(ctx, &scope, page, Listing::Applications(store_filter)).await
    }

    /// What the caller can act on now, soonest deadline first, optionally narrowed by `filter`.
    async fn inbox(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        tenant: Option<String>,
        filter: Option<InboxFilterInput>,
    ) -> ApiResult<ApplicationConnection> {
        let shared = shared(ctx)?;
        let caller = caller(ctx)?;
        let scope = caller.scope(tenant.as_deref())?;
        let actor = caller.actor(&scope);
        let filter = filter.unwrap_or_default();
        let filter = ApplicationFilter {
            stage: Some(StageFilter::Open),
            service: filter.service,
            step: filter.step,
            deadline: filter.deadline,
            text: filter.text,
            assignee: None,
            nik: None,
            inbox_keys: Vec::new(),
        };
        let page = shared.store.inbox(&scope, &actor, &filter, page_size(first)?, after.as_deref(), Utc::now()).await?;
        connection(ctx, &scope, page, Listing::Inbox(actor, filter)).await
    }

    /// How many applications of each service wait in the caller's inbox, services with none left out, in the
    /// order the office lists its services.
    async fn inbox_counts(&self, ctx: &Context<'_>, tenant: Option<String>) -> ApiResult<Vec<InboxCount>> {
        let shared = shared(ctx)?;
        let caller = caller(ctx)?;
        let scope = caller.scope(tenant.as_deref())?;
        let actor = caller.actor(&scope);
        let mut counts = shared.store.inbox_counts(&scope, &actor, Utc::now()).await?;
        let services = shared.store.published_services(&scope).await?;
        let mut out: Vec<InboxCount> = services
            .iter()
            .filter_map(|(_, service)| {
                let definition = service.definition();
                counts.remove(&definition.code).map(|count| InboxCount {
                    service: definition.code.clone(),
                    service_name: definition.name.clone(),
                    count,
                })
            })
            .collect();
        // Applications of a service no longer published still wait; without a published name, by its code.
        out.extend(counts.into_iter().map(|(service, count)| InboxCount {
            service_name: service.clone(),
            service,
            count,
        }));
        Ok(out)
    }
}
