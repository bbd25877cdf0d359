//! Applicants' documents: the upload of a scan (object first, then the row and the event in one transaction,
//! the object removed again when that fails) and downloads through short-lived links, each one audited.

use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use serde::Deserialize;
use simpul_definitions::model::RequirementKind;
use simpul_engine::Actor;
use simpul_files::{Accept, Download, DownloadGrant, ObjectKey};
use simpul_store::documents::{DocumentRecord, NewDocument};
use simpul_store::{Acted, TenantRuntime, TenantScope};
use tokio::io::AsyncRead;
use uuid::Uuid;

use crate::caller::sees_personal_data;
use crate::error::{ApiError, ApiResult};
use crate::{AppState, Services};

/// How long a download link lives.
pub const LINK_TTL: Duration = Duration::from_secs(5 * 60);

fn forbidden() -> ApiError {
    ApiError::Forbidden(String::from("Peran Anda tidak diizinkan mengunggah atau mengunduh dokumen pemohon"))
}

/// An upload for a requirement of an application.
pub struct Upload<'a> {
    /// The application.
    pub application: Uuid,
    /// The requirement code.
    pub requirement: &'a str,
    /// The version the caller saw.
    pub expected_version: u64,
    /// The content.
    pub body: &'a mut (dyn AsyncRead + Unpin + Send),
}

/// Stores an upload and records it. On any failure nothing is left: no object, no row, no event.
pub async fn attach(
    shared: &Services,
    scope: &TenantScope,
    actor: &Actor,
    upload: Upload<'_>,
) -> ApiResult<(Acted, DocumentRecord)> {
    let record = shared.store.application(scope, upload.application).await?;
    let (service, runtime) = shared.store.runtime_for(scope, &record).await?;
    if !sees_personal_data(&runtime, actor) {
        return Err(forbidden());
    }
    let requirement = service
        .definition()
        .persyaratan
        .iter()
        .find(|r| r.code == upload.requirement && r.kind == RequirementKind::Document)
        .ok_or_else(|| {
            ApiError::field("requirement", format!("`{}` bukan persyaratan dokumen layanan ini", upload.requirement))
        })?;
    let accept = Accept::new(&requirement.accept, requirement.max_size_kb);
    let key = ObjectKey::new(scope.tenant_id(), upload.application)?;
    let stored =
        shared.files.put_checked(key, upload.body, &accept).await.map_err(|error| match ApiError::from(error) {
            ApiError::Validation { message, mut fields } => {
                for field in &mut fields {
                    field.message = format!("{}: {}", requirement.name, field.message);
                }
                ApiError::Validation { message: format!("{}: {message}", requirement.name), fields }
            }
            other => other,
        })?;
    let new = NewDocument {
        requirement: requirement.code.clone(),
        storage_key: stored.key.to_string(),
        sha256: stored.sha256,
        size_bytes: i64::try_from(stored.size).unwrap_or(i64::MAX),
        content_type: stored.content_type,
    };
    match shared.store.attach_document(scope, actor, upload.application, upload.expected_version, new, Utc::now()).await
    {
        Ok(done) => Ok(done),
        Err(error) => {
            if let Err(cleanup) = shared.files.delete(&stored.key).await {
                tracing::warn!(key = %stored.key, error = %cleanup, "orphan left for `simpul files gc`");
            }
            Err(error.into())
        }
    }
}

/// A short-lived link to a document, written to the audit log.
pub async fn download_link(
    shared: &Services,
    scope: &TenantScope,
    actor: &Actor,
    runtime: &TenantRuntime,
    document: &DocumentRecord,
) -> ApiResult<String> {
    if !sees_personal_data(runtime, actor) {
        return Err(forbidden());
    }
    let key = ObjectKey::parse(&document.storage_key)?;
    let link = shared.files.download(&key, &document.content_type, LINK_TTL, Utc::now().timestamp()).await?;
    let detail = format!("dokumen {} ({})", document.requirement, document.id);
    shared
        .store
        .record_audit(
            scope,
            &actor.user_id,
            simpul_store::audit::action::DOWNLOAD,
            &document.application_id.to_string(),
            &detail,
        )
        .await?;
    Ok(link_url(&shared.public_url, link))
}

/// The URL of a download: the backend's presigned URL, or the server's own signed route.
pub fn link_url(public_url: &str, link: Download) -> String {
    match link {
        Download::Direct(url) => url,
        Download::Signed(grant) => format!(
            "{public_url}/files/download?key={}&type={}&expires={}&signature={}",
            grant.key, grant.content_type, grant.expires, grant.signature
        ),
    }
}

#[derive(Deserialize)]
struct LinkQuery {
    key: String,
    #[serde(rename = "type")]
    content_type: String,
    expires: i64,
    signature: String,
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/files/download", get(serve_download))
}

/// Serves an object named by a link the server signed; no session is needed, the signature is the permission.
async fn serve_download(State(state): State<AppState>, Query(link): Query<LinkQuery>) -> Response {
    let grant = DownloadGrant {
        key: link.key,
        content_type: link.content_type,
        expires: link.expires,
        signature: link.signature,
    };
    let files = &state.shared.files;
    let key = match files.verify(&grant, Utc::now().timestamp()) {
        Ok(key) => key,
        Err(error) => return (StatusCode::FORBIDDEN, error.to_string()).into_response(),
    };
    match files.get(&key).await {
        Ok(bytes) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&grant.content_type) {
                headers.insert(header::CONTENT_TYPE, value);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment"));
            response
        }
        Err(simpul_files::FilesError::NotFound) => (StatusCode::NOT_FOUND, "berkas tidak ditemukan").into_response(),
        Err(error) => {
            tracing::error!(%error, "download failed");
            (StatusCode::SERVICE_UNAVAILABLE, "penyimpanan berkas sedang tidak dapat dihubungi").into_response()
        }
    }
}
