//! *Surat*: the draft of a letter previewed inline before signing, and the lists and recaps (Daftar Usulan …,
//! Rekapitulasi …) of a period — on screen, or as the API's PDF, CSV and XLSX. Signed letters are downloaded
//! through the API's own links, shown on the application's page.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chrono::Datelike;
use serde::Deserialize;
use serde_json::{Value, json};
use simpul_api::AppState;

use crate::operations;
use crate::render::{self, Section};
use crate::session::Officer;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PreviewAnswer {
    letter_preview: FileOutput,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FileOutput {
    filename: String,
    content_type: String,
    base64: String,
}

/// A file the API produced, to the browser: `inline` to show in the page's frame, else as a download.
pub(crate) fn file_response(file: &FileOutput, inline: bool) -> Response {
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&file.base64) else {
        return render::message(StatusCode::INTERNAL_SERVER_ERROR, "Terjadi kesalahan", "Berkas tidak terbaca.");
    };
    let disposition = format!(
        "{}; filename=\"{}\"",
        if inline { "inline" } else { "attachment" },
        file.filename.replace(['"', '\\', '\r', '\n'], "_")
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&file.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if inline {
        // Shown by the console's own pages, and framed by no other.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'self'"),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    }
    response
}

/// The preview's address: `?bentuk=gambar` for the image shown in the page, else the PDF.
#[derive(Deserialize, Default)]
pub struct PreviewQuery {
    bentuk: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReceiptAnswer {
    application_receipt: FileOutput,
}

/// `GET /permohonan/{id}/tanda-terima/pdf`: the receipt to print or hand over, with a QR to the tracking page.
pub async fn receipt_pdf(State(state): State<AppState>, officer: Officer, Path(id): Path<String>) -> Response {
    let variables = json!({ "tenant": officer.tenant, "id": id });
    match officer.api(&state).run::<ReceiptAnswer>(operations::RECEIPT_PDF, variables).await {
        Ok(answer) => file_response(&answer.application_receipt, true),
        Err(failure) => render::failure(&failure, "Permohonan tidak ditemukan"),
    }
}

/// `GET /permohonan/{id}/pratinjau/{product}`: the draft letter (marked DRAFT, without number or QR) as the
/// API's `letterPreview` renders it: the image shown on the signing page (`?bentuk=gambar`), or the PDF to open
/// or print.
pub async fn preview(
    State(state): State<AppState>,
    officer: Officer,
    Path((id, product)): Path<(String, String)>,
    Query(query): Query<PreviewQuery>,
) -> Response {
    let format = if query.bentuk.as_deref() == Some("gambar") { "PNG" } else { "PDF" };
    let variables = json!({ "tenant": officer.tenant, "id": id, "product": product, "format": format });
    match officer.api(&state).run::<PreviewAnswer>(operations::LETTER_PREVIEW, variables).await {
        Ok(answer) => file_response(&answer.letter_preview, true),
        Err(failure) => render::failure(&failure, "Surat tidak ditemukan"),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExportsAnswer {
    tenant: crate::pages::inbox::Tenant,
    services: Vec<ExportService>,
}

#[derive(Deserialize)]
struct ExportService {
    code: String,
    name: String,
    products: Vec<ExportProduct>,
}

#[derive(Deserialize)]
struct ExportProduct {
    code: String,
    name: String,
    kind: ProductKind,
}

/// What a product is (the API's `ProductKind`): letters are signed one by one, lists and recaps exported here.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum ProductKind {
    Letter,
    List,
    Recap,
}

/// The exports page's address: `?produk=<service>/<product>&dari=2026-11-01&sampai=2026-11-30&bentuk=layar`.
#[derive(Deserialize, Default)]
pub struct ExportQuery {
    produk: Option<String>,
    dari: Option<String>,
    sampai: Option<String>,
    bentuk: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExportAnswer {
    product_export: FileOutput,
}

/// `GET /surat`: choose a list or recap and a period; shown on screen, or downloaded as PDF, CSV or XLSX.
pub async fn exports(State(state): State<AppState>, officer: Officer, Query(query): Query<ExportQuery>) -> Response {
    let api = officer.api(&state);
    let answer: ExportsAnswer = match api.run(operations::EXPORTS, json!({ "tenant": officer.tenant })).await {
        Ok(answer) => answer,
        Err(failure) => return render::failure(&failure, "Daftar tidak ditemukan"),
    };
    let chosen = query.produk.as_deref().unwrap_or_default();
    let products: Vec<Value> = answer
        .services
        .iter()
        .flat_map(|s| s.products.iter().filter(|p| p.kind != ProductKind::Letter).map(move |p| (s, p)))
        .map(|(s, p)| {
            let value = format!("{}/{}", s.code, p.code);
            json!({ "value": value, "name": p.name, "service": s.name, "chosen": value == chosen })
        })
        .collect();
    // The office's today: a period is in the office's local dates, as the API reads it.
    let today = chrono::Utc::now().with_timezone(&crate::words::zone(&answer.tenant.time_zone)).date_naive();
    let from = query.dari.clone().unwrap_or_else(|| today.with_day0(0).unwrap_or(today).to_string());
    let to = query.sampai.clone().unwrap_or_else(|| today.to_string());
    let mut data = json!({ "products": products, "from": from, "to": to });
    if let Some((service, product)) = chosen.split_once('/') {
        let format = match query.bentuk.as_deref() {
            Some("pdf") => "PDF",
            Some("xlsx") => "XLSX",
            _ => "CSV",
        };
        let variables = json!({ "tenant": officer.tenant, "service": service, "product": product, "from": from, "to": to, "format": format });
        match api.run::<ExportAnswer>(operations::EXPORT, variables).await {
            Ok(answer) if query.bentuk.as_deref().is_some_and(|b| b != "layar") => {
                return file_response(&answer.product_export, false);
            }
            Ok(answer) => data["table"] = table(&answer.product_export),
            Err(failure) => {
                // The message, and what it says of each field when that is more than the message itself.
                let mut problem = failure.message.clone();
                for (_, message) in &failure.fields {
                    if !problem.contains(message.as_str()) {
                        problem = format!("{problem} {message}");
                    }
                }
                data["problem"] = json!(problem);
            }
        }
        data["query"] = json!(
            form_urlencoded::Serializer::new(String::new())
                .append_pair("produk", chosen)
                .append_pair("dari", &from)
                .append_pair("sampai", &to)
                .finish()
        );
    }
    render::page(StatusCode::OK, "Daftar & rekap", Section::Letters, Some(&officer), "exports", &data)
}

/// A CSV export as a table on screen: its header and rows.
fn table(file: &FileOutput) -> Value {
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&file.base64) else { return Value::Null };
    // The API's CSV starts with a byte-order mark, for spreadsheet programs.
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text);
    let header: Vec<String> = reader.headers().map(|h| h.iter().map(str::to_string).collect()).unwrap_or_default();
    let rows: Vec<Vec<String>> =
        reader.records().filter_map(Result::ok).map(|r| r.iter().map(str::to_string).collect()).collect();
    json!({ "header": header, "rows": rows, "count": rows.len() })
}
