//! Complaints (pengaduan) through GraphQL: the public submits one and tracks it by its code; officers record
//! those received at the counter, in the box, by phone, WhatsApp, e-mail, social media or SP4N-LAPOR!, assign,
//! answer and close them within the office's deadlines, forward them to SP4N-LAPOR!, and export them.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use simpul_definitions::model::ComplaintChannelKind;
use simpul_engine::complaint::{ComplaintStatus, ComplaintStep};
use simpul_store::complaints::{Complaint, Due, NewComplaint};
use simpul_store::{TenantRuntime, TenantScope};
use uuid::Uuid;

use super::letters::{ExportFormat, FileOutput};
use super::{ActorView, actor_views, caller, shared};
use crate::error::{ApiError, ApiResult};
use crate::limits::Limit;

/// Complaints sent from the public page per client address: ten in fifteen minutes is more than one person with
/// grievances writes, and keeps a script from filling an office's list.
pub const COMPLAINTS_PER_ADDRESS: Limit = Limit {
    name: "complaint-address",
    max: 10,
    window: std::time::Duration::from_secs(15 * 60),
    message: "Terlalu banyak pengaduan dari alamat ini; coba lagi 15 menit lagi",
};

/// Shortest complaint: fewer characters say nothing an officer can act on.
const MIN_TEXT: usize = 10;
/// Longest complaint: a long letter; more is not read and only fills the database.
const MAX_TEXT: usize = 4000;
/// Longest name or contact.
const MAX_SHORT: usize = 120;
/// Longest answer or closing note.
const MAX_ANSWER: usize = 4000;
/// Most complaints in one list or export.
const MAX_LIST: u64 = 500;

/// A complaint as officers see it.
#[derive(SimpleObject)]
pub struct ComplaintView {
    pub id: ID,
    /// The code the complainant tracks it with.
    pub code: String,
    pub channel: ComplaintChannelKind,
    pub channel_label: String,
    /// Who complained; masked for roles without personal-data rights.
    pub complainant_name: String,
    /// Where to answer them; masked for roles without personal-data rights.
    pub contact: Option<String>,
    pub text: String,
    /// The tracking code of the application it is about, if any.
    pub application_tracking_code: Option<String>,
    pub application_id: Option<ID>,
    pub status: ComplaintStatus,
    pub status_label: String,
    /// The officer handling it.
    pub assignee_id: Option<ID>,
    pub assignee: Option<ActorView>,
    pub received_at: DateTime<Utc>,
    pub assign_due_at: DateTime<Utc>,
    pub respond_due_at: DateTime<Utc>,
    pub close_due_at: DateTime<Utc>,
    /// The step due next is late (not assigned, answered or closed in time).
    pub overdue: bool,
    pub assigned_at: Option<DateTime<Utc>>,
    pub responded_at: Option<DateTime<Utc>>,
    pub response: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Its number in SP4N-LAPOR!, once forwarded.
    pub lapor_ref: Option<String>,
    /// Every step, first first.
    pub history: Vec<ComplaintHistoryView>,
}

/// An officer a complaint can be assigned to.
#[derive(SimpleObject)]
pub struct AssigneeView {
    pub id: ID,
    pub display_name: String,
}

/// One step of a complaint's history.
#[derive(SimpleObject)]
pub struct ComplaintHistoryView {
    /// What happened, in words.
    pub text: String,
    pub note: Option<String>,
    pub by: Option<ActorView>,
    pub at: DateTime<Utc>,
}

/// A complaint as its complainant tracks it: no officer, no personal data.
#[derive(SimpleObject)]
pub struct TrackedComplaintView {
    pub code: String,
    pub office: String,
    pub time_zone: String,
    pub status: ComplaintStatus,
    pub status_label: String,
    pub received_at: DateTime<Utc>,
    /// When the office promised an answer.
    pub respond_due_at: DateTime<Utc>,
    pub response: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A complaint from the public page.
#[derive(InputObject)]
pub struct PublicComplaintInput {
    pub tenant: String,
    /// The complainant's name; "Anonim" when left out.
    pub name: Option<String>,
    /// A telephone number or e-mail address to answer to.
    pub contact: Option<String>,
    pub text: String,
    /// The tracking code of the application it is about.
    pub tracking_code: Option<String>,
}

/// A complaint an officer records.
#[derive(InputObject)]
pub struct ComplaintInput {
    pub tenant: Option<String>,
    /// How it came.
    pub channel: ComplaintChannelKind,
    pub name: Option<String>,
    pub contact: Option<String>,
    pub text: String,
    pub tracking_code: Option<String>,
    /// When it came, if earlier than now (a letter opened today, the box emptied on Friday).
    pub received_at: Option<DateTime<Utc>>,
}

fn overdue(c: &Complaint, now: DateTime<Utc>) -> bool {
    match c.status {
        ComplaintStatus::Received => now > c.due.assign,
        ComplaintStatus::Assigned => now > c.due.respond,
        ComplaintStatus::Responded => now > c.due.close,
        ComplaintStatus::Closed => false,
    }
}

fn step_words(step: &str) -> &'static str {
    match step {
        "received" => "Pengaduan diterima",
        "assign" => "Ditugaskan kepada petugas",
        "respond" => "Dijawab",
        "close" => "Ditutup",
        "forward" => "Diteruskan ke SP4N-LAPOR!",
        _ => "Tercatat",
    }
}

/// Checks the complainant's words: the text's length, a name and a contact of sensible length, a contact that is
/// a phone number or an e-mail address. Returns (name, contact, text) as stored.
fn checked(name: Option<String>, contact: Option<String>, text: &str) -> ApiResult<(String, Option<String>, String)> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars < MIN_TEXT {
        return Err(ApiError::field("text", "Tulis pengaduan Anda, paling sedikit 10 huruf"));
    }
    if chars > MAX_TEXT {
        return Err(ApiError::field("text", "Pengaduan terlalu panjang; paling banyak 4.000 huruf"));
    }
    let name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).unwrap_or_else(|| String::from("Anonim"));
    if name.chars().count() > MAX_SHORT {
        return Err(ApiError::field("name", "Nama terlalu panjang; paling banyak 120 huruf"));
    }
    let contact = match contact.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()) {
        None => None,
        Some(raw) => Some(
            simpul_engine::form::email_address(&raw).or_else(|| simpul_engine::form::local_phone(&raw)).ok_or_else(
                || ApiError::field("contact", "Tulis nomor telepon (misalnya 081234567890) atau alamat e-mail"),
            )?,
        ),
    };
    Ok((name, contact, text.to_string()))
}

/// The deadlines of a complaint received at `at` on the office's calendar.
fn due(runtime: &TenantRuntime, at: DateTime<Utc>) -> Due {
    let d = runtime.tenant.complaint_deadlines;
    let cal = &runtime.calendar;
    Due {
        assign: cal.add_working_days(at, d.assign_days),
        respond: cal.add_working_days(at, d.respond_days),
        close: cal.add_working_days(at, d.close_days),
    }
}

/// The application a complaint names by its tracking code, or a clear error.
async fn linked(ctx: &Context<'_>, scope: &TenantScope, code: Option<String>) -> ApiResult<Option<Uuid>> {
    let Some(code) = code.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()) else { return Ok(None) };
    match shared(ctx)?.store.application_by_code(scope, &code).await? {
        Some(id) => Ok(Some(id)),
        None => Err(ApiError::field("trackingCode", "Kode lacak permohonan tidak ditemukan di dinas ini")),
    }
}

/// The office and rights of an officer's call.
async fn officer(
    ctx: &Context<'_>,
    tenant: Option<&str>,
) -> ApiResult<(TenantScope, std::sync::Arc<TenantRuntime>, simpul_engine::Actor)> {
    let caller = caller(ctx)?;
    let scope = caller.scope(tenant)?;
    let actor = caller.actor(&scope);
    let store = &shared(ctx)?.store;
    let runtime = store.tenant_runtime(store.connection(), &scope).await?;
    Ok((scope, runtime, actor))
}

/// The view of complaints for an officer, with their assignees' and history's names looked up once.
async fn views(
    ctx: &Context<'_>,
    scope: &TenantScope,
    runtime: &TenantRuntime,
    actor: &simpul_engine::Actor,
    complaints: Vec<Complaint>,
    with_history: bool,
) -> ApiResult<Vec<ComplaintView>> {
    let store = &shared(ctx)?.store;
    let personal = crate::caller::sees_personal_data(runtime, actor);
    let now = Utc::now();
    let mut out = Vec::with_capacity(complaints.len());
    let mut histories = Vec::new();
    for c in &complaints {
        histories.push(if with_history { store.complaint_history(scope, c.id).await? } else { Vec::new() });
    }
    let mut names: Vec<&String> = complaints.iter().filter_map(|c| c.assignee.as_ref()).collect();
    names.extend(histories.iter().flatten().map(|e| &e.actor));
    let actors = actor_views(ctx, scope, names).await?;
    let linked: Vec<Uuid> = complaints.iter().filter_map(|c| c.application_id).collect();
    let tracking_codes = store.tracking_codes(scope, &linked).await?;
    for (c, history) in complaints.into_iter().zip(histories) {
        let tracking = c.application_id.and_then(|id| tracking_codes.get(&id).cloned());
        let channel = ComplaintChannelKind::parse(&c.channel)
            .ok_or_else(|| ApiError::Internal(format!("complaint channel {}", c.channel)))?;
        out.push(ComplaintView {
            id: ID(c.id.to_string()),
            channel,
            channel_label: channel.label().to_string(),
            complainant_name: if personal {
                c.complainant_name.clone()
            } else {
                crate::letters::mask_name(&c.complainant_name)
            },
            contact: c
                .contact
                .as_deref()
                .map(|x| if personal { x.to_string() } else { super::notifications::mask_contact(x) }),
            text: c.body.clone(),
            application_tracking_code: tracking,
            application_id: c.application_id.map(|id| ID(id.to_string())),
            status: c.status,
            status_label: c.status.words().to_string(),
            assignee: c.assignee.as_ref().and_then(|a| actors.get(a).cloned()),
            assignee_id: c.assignee.clone().map(ID),
            received_at: c.received_at,
            assign_due_at: c.due.assign,
            respond_due_at: c.due.respond,
            close_due_at: c.due.close,
            overdue: overdue(&c, now),
            assigned_at: c.assigned_at,
            responded_at: c.responded_at,
            response: c.response.clone(),
            closed_at: c.closed_at,
            lapor_ref: c.external_ref.clone(),
            history: history
                .into_iter()
                .map(|e| ComplaintHistoryView {
                    text: step_words(&e.step).to_string(),
                    // The assignee's id is shown by name in `by`-like form, not as an id.
                    note: if e.step == "assign" {
                        actors.get(e.note.as_deref().unwrap_or_default()).map(|a| a.name.clone())
                    } else {
                        e.note
                    },
                    by: actors.get(&e.actor).cloned(),
                    at: e.at,
                })
                .collect(),
            code: c.code,
        });
    }
    Ok(out)
}

fn complaint_id(id: &ID) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| ApiError::field("id", "ID pengaduan tidak valid"))
}

/// Queries on complaints.
#[derive(Default)]
pub struct ComplaintQuery;

#[Object]
impl ComplaintQuery {
    /// The office's complaints, newest first (at most 500), optionally only those with `status`.
    async fn complaints(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        status: Option<ComplaintStatus>,
    ) -> ApiResult<Vec<ComplaintView>> {
        let (scope, runtime, actor) = officer(ctx, tenant.as_deref()).await?;
        let found = shared(ctx)?.store.complaints(&scope, status, None, MAX_LIST).await?;
        views(ctx, &scope, &runtime, &actor, found, false).await
    }

    /// One complaint of the office with its history.
    async fn complaint(&self, ctx: &Context<'_>, tenant: Option<String>, id: ID) -> ApiResult<ComplaintView> {
        let (scope, runtime, actor) = officer(ctx, tenant.as_deref()).await?;
        let found = shared(ctx)?.store.complaint(&scope, complaint_id(&id)?).await?;
        let mut out = views(ctx, &scope, &runtime, &actor, vec![found], true).await?;
        out.pop().ok_or_else(|| ApiError::Internal(String::from("no view")))
    }

    /// The office's officers a complaint can be assigned to (active accounts), by name.
    async fn complaint_assignees(&self, ctx: &Context<'_>, tenant: Option<String>) -> ApiResult<Vec<AssigneeView>> {
        let (scope, _, _) = officer(ctx, tenant.as_deref()).await?;
        let mut users = shared(ctx)?.store.users(&scope).await?;
        users.retain(|u| !u.disabled);
        users.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        Ok(users.into_iter().map(|u| AssigneeView { id: ID(u.id.to_string()), display_name: u.display_name }).collect())
    }

    /// A complaint by the code its complainant was given. Public; limited per client address.
    async fn track_complaint(&self, ctx: &Context<'_>, code: String) -> ApiResult<TrackedComplaintView> {
        let shared = shared(ctx)?;
        // A complaint code is 13 characters; anything much longer is not one.
        if code.chars().count() > 32 {
            return Err(ApiError::field("code", "Kode pengaduan tidak dikenal"));
        }
        let address = ctx.data_opt::<crate::caller::ClientAddress>().map(|a| a.key()).unwrap_or_default();
        shared.state.attempt(&crate::limits::TRACK_PER_ADDRESS, &address).await?;
        let found = shared
            .store
            .complaint_by_code(&code.trim().to_uppercase())
            .await?
            .ok_or_else(|| ApiError::NotFound(String::from("Pengaduan tidak ditemukan; periksa kodenya")))?;
        let scope = shared.store.system_scope(&found.tenant_id).await?;
        let runtime = shared.store.tenant_runtime(shared.store.connection(), &scope).await?;
        Ok(TrackedComplaintView {
            code: found.code,
            office: runtime.tenant.name.clone(),
            time_zone: runtime.tenant.time_zone.clone(),
            status: found.status,
            status_label: found.status.words().to_string(),
            received_at: found.received_at,
            respond_due_at: found.due.respond,
            response: found.response,
            responded_at: found.responded_at,
            closed_at: found.closed_at,
        })
    }

    /// The office's complaints received from `from` to `to` (inclusive, office dates) as a spreadsheet.
    async fn complaints_export(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        from: NaiveDate,
        to: NaiveDate,
        format: ExportFormat,
    ) -> ApiResult<FileOutput> {
        let (scope, runtime, actor) = officer(ctx, tenant.as_deref()).await?;
        if to < from || (to - from).num_days() > 366 {
            return Err(ApiError::field("to", "Periode harus urut dan paling lama satu tahun"));
        }
        let cal = &runtime.calendar;
        let period = (cal.start_of_day(from), cal.start_of_day(to + chrono::Duration::days(1)));
        let found = shared(ctx)?.store.complaints(&scope, None, Some(period), MAX_LIST * 20).await?;
        let found = views(ctx, &scope, &runtime, &actor, found, false).await?;
        let tz = cal.zone();
        let time = |at: DateTime<Utc>| simpul_letters::helpers::waktu(at, tz);
        let rows = found
            .iter()
            .map(|c| {
                vec![
                    c.code.clone(),
                    time(c.received_at),
                    c.channel_label.clone(),
                    c.complainant_name.clone(),
                    c.contact.clone().unwrap_or_default(),
                    c.application_tracking_code.clone().unwrap_or_default(),
                    c.text.clone(),
                    c.status_label.clone(),
                    c.assignee.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
                    time(c.respond_due_at),
                    c.responded_at.map(time).unwrap_or_default(),
                    c.response.clone().unwrap_or_default(),
                    c.closed_at.map(time).unwrap_or_default(),
                    if c.overdue { String::from("Ya") } else { String::from("Tidak") },
                    c.lapor_ref.clone().unwrap_or_default(),
                ]
            })
            .collect();
        let headers = [
            "Kode",
            "Diterima",
            "Saluran",
            "Nama",
            "Kontak",
            "Kode lacak permohonan",
            "Isi",
            "Status",
            "Petugas",
            "Batas jawaban",
            "Dijawab",
            "Jawaban",
            "Ditutup",
            "Terlambat",
            "Nomor SP4N-LAPOR",
        ];
        let table = simpul_letters::Table {
            title: String::from("Pengaduan"),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows,
        };
        let name = format!("pengaduan-{}-{from}-{to}", scope.tenant_id());
        FileOutput::spreadsheet(&name, &table, format)?
            .ok_or_else(|| ApiError::field("format", "Daftar pengaduan tersedia sebagai CSV atau XLSX"))
    }
}

/// Mutations on complaints.
#[derive(Default)]
pub struct ComplaintMutation;

#[Object]
impl ComplaintMutation {
    /// A complaint from the public page (channel: the web form). Public; limited per client address. Returns the
    /// code the complainant tracks it with.
    async fn submit_complaint(
        &self,
        ctx: &Context<'_>,
        input: PublicComplaintInput,
    ) -> ApiResult<TrackedComplaintView> {
        let shared = shared(ctx)?;
        let address = ctx.data_opt::<crate::caller::ClientAddress>().map(|a| a.key()).unwrap_or_default();
        let (name, contact, text) = checked(input.name, input.contact, &input.text)?;
        let scope = shared
            .store
            .system_scope(&input.tenant)
            .await
            .map_err(|_| ApiError::field("tenant", "Dinas tidak dikenal"))?;
        let application_id = linked(ctx, &scope, input.tracking_code).await?;
        shared.state.attempt(&COMPLAINTS_PER_ADDRESS, &address).await?;
        let runtime = shared.store.tenant_runtime(shared.store.connection(), &scope).await?;
        let now = Utc::now();
        let new = NewComplaint {
            channel: ComplaintChannelKind::Website.code().to_string(),
            complainant_name: name,
            contact,
            body: text,
            application_id,
            received_by: String::from("publik"),
            received_at: now,
            due: due(&runtime, now),
        };
        let c = shared.store.record_complaint(&scope, new).await?;
        Ok(TrackedComplaintView {
            code: c.code,
            office: runtime.tenant.name.clone(),
            time_zone: runtime.tenant.time_zone.clone(),
            status: c.status,
            status_label: c.status.words().to_string(),
            received_at: c.received_at,
            respond_due_at: c.due.respond,
            response: None,
            responded_at: None,
            closed_at: None,
        })
    }

    /// Records a complaint received another way — at the counter, in the box, by phone, WhatsApp, e-mail, social
    /// media, SP4N-LAPOR! — with its channel.
    async fn record_complaint(&self, ctx: &Context<'_>, input: ComplaintInput) -> ApiResult<ComplaintView> {
        caller(ctx)?.require_write()?;
        let (scope, runtime, actor) = officer(ctx, input.tenant.as_deref()).await?;
        let (name, contact, text) = checked(input.name, input.contact, &input.text)?;
        let application_id = linked(ctx, &scope, input.tracking_code).await?;
        let now = Utc::now();
        let at = input.received_at.unwrap_or(now);
        if at > now || now - at > chrono::Duration::days(90) {
            return Err(ApiError::field(
                "receivedAt",
                "Tanggal diterima tidak boleh di masa depan atau lebih dari 90 hari lalu",
            ));
        }
        let new = NewComplaint {
            channel: input.channel.code().to_string(),
            complainant_name: name,
            contact,
            body: text,
            application_id,
            received_by: actor.user_id.clone(),
            received_at: at,
            due: due(&runtime, at),
        };
        let c = shared(ctx)?.store.record_complaint(&scope, new).await?;
        let mut out = views(ctx, &scope, &runtime, &actor, vec![c], true).await?;
        out.pop().ok_or_else(|| ApiError::Internal(String::from("no view")))
    }

    /// Assigns (or reassigns) a complaint to an officer of the office.
    async fn assign_complaint(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        id: ID,
        assignee_id: ID,
    ) -> ApiResult<ComplaintView> {
        caller(ctx)?.require_write()?;
        let (scope, _, _) = officer(ctx, tenant.as_deref()).await?;
        let assignee =
            Uuid::parse_str(&assignee_id).map_err(|_| ApiError::field("assigneeId", "Petugas tidak dikenal"))?;
        let store = &shared(ctx)?.store;
        let user = store
            .user(&scope, assignee)
            .await
            .map_err(|_| ApiError::field("assigneeId", "Petugas tidak dikenal di dinas ini"))?;
        if user.disabled {
            return Err(ApiError::field("assigneeId", "Akun petugas itu dinonaktifkan"));
        }
        step(ctx, tenant, id, ComplaintStep::Assign, user.id.to_string()).await
    }

    /// Answers the complainant (again, if need be).
    async fn respond_complaint(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        id: ID,
        response: String,
    ) -> ApiResult<ComplaintView> {
        let response = answer(&response, "response")?;
        step(ctx, tenant, id, ComplaintStep::Respond, response).await
    }

    /// Closes an answered complaint with a note of how it was settled.
    async fn close_complaint(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        id: ID,
        note: String,
    ) -> ApiResult<ComplaintView> {
        let note = answer(&note, "note")?;
        step(ctx, tenant, id, ComplaintStep::Close, note).await
    }

    /// Forwards a complaint to SP4N-LAPOR! through the deployment's connection and keeps the number it got there.
    async fn forward_complaint(&self, ctx: &Context<'_>, tenant: Option<String>, id: ID) -> ApiResult<ComplaintView> {
        caller(ctx)?.require_write()?;
        let (scope, runtime, _) = officer(ctx, tenant.as_deref()).await?;
        let shared = shared(ctx)?;
        let forwarder = shared.lapor.clone().ok_or_else(|| {
            ApiError::refused(String::from("Penerusan ke SP4N-LAPOR! belum dipasang pada server ini"))
        })?;
        let c = shared.store.complaint(&scope, complaint_id(&id)?).await?;
        if let Some(existing) = &c.external_ref {
            return Err(ApiError::refused(format!(
                "Pengaduan ini sudah diteruskan ke SP4N-LAPOR! dengan nomor {existing}"
            )));
        }
        let channel = ComplaintChannelKind::parse(&c.channel).map_or("", |k| k.label());
        let report = crate::complaints::Report {
            kode: c.code.clone(),
            instansi: runtime.tenant.name.clone(),
            judul: format!("Pengaduan kepada {} ({channel})", runtime.tenant.name),
            isi: c.body.clone(),
            diterima: c.received_at.to_rfc3339(),
        };
        let number = forwarder.forward(&report).await.map_err(ApiError::refused)?;
        step(ctx, tenant, id, ComplaintStep::Forward, number).await
    }
}

/// An answer or note: 10 to 4,000 characters.
fn answer(text: &str, field: &str) -> ApiResult<String> {
    let text = text.trim();
    match text.chars().count() {
        n if n < MIN_TEXT => Err(ApiError::field(field, "Tulis paling sedikit 10 huruf")),
        n if n > MAX_ANSWER => Err(ApiError::field(field, "Terlalu panjang; paling banyak 4.000 huruf")),
        _ => Ok(text.to_string()),
    }
}

/// Takes a step on a complaint as the calling officer and returns it with its history.
async fn step(
    ctx: &Context<'_>,
    tenant: Option<String>,
    id: ID,
    step: ComplaintStep,
    note: String,
) -> ApiResult<ComplaintView> {
    caller(ctx)?.require_write()?;
    let (scope, runtime, actor) = officer(ctx, tenant.as_deref()).await?;
    let c =
        shared(ctx)?.store.complaint_step(&scope, complaint_id(&id)?, step, &note, &actor.user_id, Utc::now()).await?;
    let mut out = views(ctx, &scope, &runtime, &actor, vec![c], true).await?;
    out.pop().ok_or_else(|| ApiError::Internal(String::from("no view")))
}
