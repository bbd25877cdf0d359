//! The officers' web console: server-rendered pages in Bahasa Indonesia that do the offices' daily work through
//! the API's own GraphQL operations, run in-process as the signed-in officer ([`client`]). Pages work without
//! JavaScript; `assets/konsol.js` only enhances them (live form conditions, upload checks and progress,
//! confirmations, the inbox refreshing). Nothing is loaded from another host.

// A page's error is the page that says so (`Result<_, Response>`), built at most once per request: boxing it
// would only add an allocation to the path that already answers.
#![allow(clippy::result_large_err)]

pub mod charts;
pub mod client;
pub mod fields;
pub mod operations;
pub mod pages;
pub mod render;
pub mod session;
pub mod words;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use simpul_api::AppState;

/// Largest submission form: its fields and a handful of scans, each within the API's own upload limit (which,
/// with each requirement's far smaller limit, the API checks while storing the file).
const FORM_LIMIT: usize = 4 * simpul_api::UPLOAD_LIMIT;

/// The form fields beside a registry export (its CSRF token, registry and date).
const FORM_FIELDS_LIMIT: usize = 64 * 1024;

/// The console's routes, to be served beside the API's.
pub fn routes() -> Router<AppState> {
    let uploads = Router::new()
        .route("/permohonan/baru/{service}", get(pages::submit::form).post(pages::submit::submit))
        .route("/permohonan/{id}/dokumen", post(pages::detail::upload))
        .layer(DefaultBodyLimit::max(FORM_LIMIT));
    let image_uploads = Router::new()
        .route("/dinas/{tenant}/surat/gambar", post(pages::letter_templates::upload))
        .layer(DefaultBodyLimit::max(simpul_api::IMAGE_UPLOAD_LIMIT + FORM_FIELDS_LIMIT));
    // A checked bundle goes back in the confirm form as base64 (a third larger than the file).
    let bundle_uploads = Router::new()
        .route("/dinas/{tenant}/bundel/periksa", post(pages::bundles::check))
        .route("/dinas/{tenant}/bundel/impor", post(pages::bundles::import))
        .layer(DefaultBodyLimit::max(simpul_api::BUNDLE_UPLOAD_LIMIT / 3 * 4 + 4 + FORM_FIELDS_LIMIT));
    let registry_uploads = Router::new()
        .route("/data-registri", get(pages::registry::show).post(pages::registry::upload))
        .layer(DefaultBodyLimit::max(simpul_api::REGISTRY_UPLOAD_LIMIT + FORM_FIELDS_LIMIT));
    Router::new()
        .route("/", get(pages::inbox::home))
        .route("/masuk", get(pages::login::show).post(pages::login::submit))
        .route("/keluar", post(pages::login::logout))
        .route("/kotak-masuk", get(pages::inbox::show))
        .route("/kotak-masuk/peristiwa", get(pages::inbox::events))
        .route("/permohonan/baru", get(pages::submit::services))
        .route("/permohonan/baru/{service}/keadaan", post(pages::submit::live_state))
        .route("/permohonan/{id}", get(pages::detail::show))
        .route("/permohonan/{id}/tindakan", post(pages::detail::act))
        .route("/permohonan/{id}/pemberitahuan/{message}", post(pages::detail::resend))
        .route("/permohonan/{id}/tanda-terima", get(pages::submit::receipt))
        .route("/permohonan/{id}/tanda-terima/pdf", get(pages::letters::receipt_pdf))
        .route("/permohonan/{id}/pratinjau/{product}", get(pages::letters::preview))
        .route("/surat", get(pages::letters::exports))
        .route("/cari", get(pages::search::show))
        .route("/pengguna", get(pages::accounts::show).post(pages::accounts::change))
        .route("/dasbor", get(pages::dashboard::show))
        .route("/standar", get(pages::studio::index).post(pages::studio::set_rule))
        .route("/standar/{tenant}/{service}", get(pages::studio::show).post(pages::studio::change))
        .route("/standar/{tenant}/{service}/periksa", post(pages::studio::check))
        .route("/standar/{tenant}/{service}/beda", get(pages::studio::diff))
        .route("/standar/{tenant}/{service}/pratinjau/{product}", post(pages::studio::preview))
        .route("/standar/{tenant}/{service}/pratinjau-formulir", post(pages::studio::preview_form))
        .route("/dinas/{tenant}/berkas", get(pages::office_file::show).post(pages::office_file::change))
        .route("/dinas/{tenant}/berkas/periksa", post(pages::office_file::check))
        .route("/dinas/{tenant}/berkas/beda", get(pages::office_file::diff))
        .route("/dinas/{tenant}/bundel", get(pages::bundles::show))
        .route("/dinas/{tenant}/bundel.zip", get(pages::bundles::download))
        .route("/dinas/{tenant}/surat", get(pages::letter_templates::index))
        .route("/dinas/{tenant}/surat/baru", get(pages::letter_templates::new))
        .route("/dinas/{tenant}/surat/{name}", get(pages::letter_templates::show).post(pages::letter_templates::change))
        .route("/dinas/{tenant}/surat/{name}/periksa", post(pages::letter_templates::check))
        .route("/dinas/{tenant}/surat/{name}/pratinjau", post(pages::letter_templates::preview))
        .route("/dinas/{tenant}/surat/{name}/beda", get(pages::letter_templates::diff))
        .route("/lacak", get(pages::track::show).post(pages::track::lookup))
        .route("/pengaduan", get(pages::complaints::public_form).post(pages::complaints::public_submit))
        .route("/pengaduan-masuk", get(pages::complaints::list).post(pages::complaints::record))
        .route("/pengaduan-masuk/{id}", get(pages::complaints::show).post(pages::complaints::act))
        .route("/lacak/survei", get(pages::track::survey_form).post(pages::track::survey))
        .route("/aset/konsol.css", get(|| asset("text/css; charset=utf-8", include_str!("../assets/konsol.css"))))
        .route("/aset/konsol.js", get(|| asset("text/javascript; charset=utf-8", include_str!("../assets/konsol.js"))))
        .merge(uploads)
        .merge(image_uploads)
        .merge(bundle_uploads)
        .merge(registry_uploads)
}

/// A file of the console itself: cached for an hour (a new release is picked up within one).
async fn asset(content_type: &'static str, text: &'static str) -> axum::response::Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], text).into_response()
}
