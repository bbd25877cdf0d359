//! *Templat surat*: the office's letter templates and images (the emblem of its kop). Each template in the
//! editor with line numbers and the validator's diagnostics, a sample letter of each product that prints with it
//! before saving, saved into force at once, its versions compared and restored; images uploaded and restored.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use simpul_api::AppState;

use super::studio::{
    Check, Compared, Named, Office, allowed, check_as_json, diff_lines, editor_view, not_allowed, posted, posted_yaml,
    saved_by,
};
use crate::client::{Code, Failure};
use crate::operations;
use crate::render::{self, Section};
use crate::session::Officer;
use crate::words;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    tenant: Office,
    letter_templates: Vec<Template>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Template {
    name: String,
    kind: Kind,
    emblem: bool,
    current: Version,
    used_by: Vec<Use>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Kind {
    Template,
    Image,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Template => "Templat",
            Kind::Image => "Gambar",
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Version {
    version: i64,
    #[serde(default)]
    current: bool,
    size_bytes: i64,
    created_at: DateTime<Utc>,
    created_by: String,
    author: Option<Named>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Use {
    service: String,
    service_name: String,
    product: String,
    product_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Shown {
    tenant: Office,
    letter_template: Detail,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Detail {
    kind: Kind,
    source: Option<String>,
    versions: Vec<Version>,
    used_by: Vec<Use>,
}

fn index_path(tenant: &str) -> String {
    format!("/dinas/{tenant}/surat")
}

fn file_path(tenant: &str, name: &str) -> String {
    format!("/dinas/{tenant}/surat/{name}")
}

fn uses_view(uses: &[Use]) -> Vec<Value> {
    uses.iter()
        .map(|u| {
            json!({
                "service": u.service, "serviceName": u.service_name,
                "product": u.product, "productName": u.product_name,
            })
        })
        .collect()
}

/// `GET /dinas/{tenant}/surat`.
pub async fn index(State(state): State<AppState>, officer: Officer, Path(tenant): Path<String>) -> Response {
    if !allowed(&officer) {
        return not_allowed();
    }
    index_page(&state, &officer, &tenant, StatusCode::OK, None).await
}

async fn index_page(
    state: &AppState,
    officer: &Officer,
    tenant: &str,
    status: StatusCode,
    problem: Option<String>,
) -> Response {
    let variables = json!({ "tenant": tenant });
    let answer: Listed = match officer.api(state).run(operations::LETTER_TEMPLATES, variables).await {
        Ok(answer) => answer,
        Err(failure) => return render::failure(&failure, "Dinas tidak ditemukan"),
    };
    let tz = words::zone(&answer.tenant.time_zone);
    let data = json!({
        "csrf": officer.csrf,
        "office": answer.tenant.name,
        "tenant": tenant,
        "action": index_path(tenant),
        "problem": problem,
        "files": answer.letter_templates.iter().map(|t| json!({
            "name": t.name,
            "href": file_path(tenant, &t.name),
            "kind": t.kind.label(),
            "emblem": t.emblem,
            "version": t.current.version,
            "size": words::size(u64::try_from(t.current.size_bytes).unwrap_or_default()),
            "author": saved_by(t.current.author.as_ref(), &t.current.created_by),
            "at": words::time(t.current.created_at, tz),
            "uses": uses_view(&t.used_by),
        })).collect::<Vec<_>>(),
    });
    render::page(status, "Templat surat", Section::Studio, Some(officer), "letter_templates", &data)
}

/// The name a *Templat baru* form asks for.
#[derive(Deserialize)]
pub struct NewName {
    nama: String,
}

/// `GET /dinas/{tenant}/surat/baru?nama=…`: the editor of a template not saved yet (a name a file may have:
/// lower-case letters, digits, `-`, `_`; `.hbs` is added).
pub async fn new(
    State(state): State<AppState>,
    officer: Officer,
    Path(tenant): Path<String>,
    Query(asked): Query<NewName>,
) -> Response {
    let name = asked.nama.trim().to_lowercase();
    let name = if name.ends_with(".hbs") { name } else { format!("{name}.hbs") };
    let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.');
    if !name.chars().all(plain) || name.len() > 80 || name == ".hbs" {
        let problem =
            Some(format!("Nama \"{}\" tidak dapat dipakai: gunakan huruf kecil, angka, - atau _", asked.nama.trim()));
        return index_page(&state, &officer, &tenant, StatusCode::UNPROCESSABLE_ENTITY, problem).await;
    }
    Redirect::to(&file_path(&tenant, &name)).into_response()
}

/// What a new template starts as: the office's kop and signature block around a body to write.
const STARTER: &str = "{{> kop_surat}}\n\n#align(center)[*{{upper letter.product}}* \\\nNomor: {{letter.number}}]\n\n\
Isi surat.\n\n{{> tanda_tangan}}\n";

/// `GET /dinas/{tenant}/surat/{name}`.
pub async fn show(
    State(state): State<AppState>,
    officer: Officer,
    Path((tenant, name)): Path<(String, String)>,
) -> Response {
    if !allowed(&officer) {
        return not_allowed();
    }
    file_page(&state, &officer, &tenant, &name, StatusCode::OK, None, None, None).await
}

#[allow(clippy::too_many_arguments)]
async fn file_page(
    state: &AppState,
    officer: &Officer,
    tenant: &str,
    name: &str,
    status: StatusCode,
    text: Option<String>,
    check: Option<Check>,
    problem: Option<String>,
) -> Response {
    let api = officer.api(state);
    let variables = json!({ "tenant": tenant, "name": name });
    let (office, detail) = match api.run::<Shown>(operations::LETTER_TEMPLATE, variables).await {
        Ok(answer) => (answer.tenant, Some(answer.letter_template)),
        Err(failure) if failure.code == Code::NotFound && name.ends_with(".hbs") => {
            // A template not saved yet: the office's name from the list.
            match api.run::<Listed>(operations::LETTER_TEMPLATES, json!({ "tenant": tenant })).await {
                Ok(listed) => (listed.tenant, None),
                Err(failure) => return render::failure(&failure, "Dinas tidak ditemukan"),
            }
        }
        Err(failure) => return render::failure(&failure, "Berkas templat tidak ditemukan"),
    };
    let tz = words::zone(&office.time_zone);
    let kind = detail.as_ref().map_or(Kind::Template, |d| d.kind);
    let own = format!("/templates/{name}");
    let text = text.or_else(|| detail.as_ref().and_then(|d| d.source.clone())).unwrap_or_else(|| STARTER.to_string());
    let versions = detail.as_ref().map(|d| d.versions.as_slice()).unwrap_or_default();
    let data = json!({
        "csrf": officer.csrf,
        "office": office.name,
        "name": name,
        "back": index_path(tenant),
        "action": file_path(tenant, name),
        "problem": problem,
        "isTemplate": kind == Kind::Template,
        "isNew": detail.is_none(),
        "editor": (kind == Kind::Template).then(|| editor_view(&text, check.as_ref(), &own, "Teks templat")),
        "uses": detail.as_ref().map(|d| uses_view(&d.used_by)).unwrap_or_default(),
        "versions": versions.iter().map(|v| json!({
            "version": v.version,
            "author": saved_by(v.author.as_ref(), &v.created_by),
            "at": words::time(v.created_at, tz),
            "size": words::size(u64::try_from(v.size_bytes).unwrap_or_default()),
            "previous": (kind == Kind::Template && v.version > 1).then(|| v.version - 1),
            "restore": !v.current,
        })).collect::<Vec<_>>(),
    });
    let title = format!("Templat {name}");
    render::page(status, &title, Section::Studio, Some(officer), "letter_template", &data)
}

/// `POST /dinas/{tenant}/surat/{name}` (`form`: periksa, simpan, pulihkan).
pub async fn change(
    State(state): State<AppState>,
    officer: Officer,
    Path((tenant, name)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let fields = match posted(&officer, &body) {
        Ok(fields) => fields,
        Err(page) => return page,
    };
    let source = posted_yaml(&fields);
    let api = officer.api(&state);
    let (answer, field) = match (fields.get("form"), fields.get("versi").and_then(|v| v.parse::<i64>().ok())) {
        (Some("periksa"), _) => {
            let variables = json!({ "tenant": tenant, "name": name, "yaml": source });
            (api.run::<Value>(operations::CHECK_LETTER_TEMPLATE, variables).await, "checkLetterTemplate")
        }
        (Some("simpan"), _) => {
            let variables = json!({ "tenant": tenant, "name": name, "yaml": source });
            (api.run::<Value>(operations::SAVE_LETTER_TEMPLATE, variables).await, "saveLetterTemplate")
        }
        (Some("pulihkan"), Some(version)) => {
            let variables = json!({ "tenant": tenant, "name": name, "version": version });
            (api.run::<Value>(operations::RESTORE_LETTER_TEMPLATE, variables).await, "restoreLetterTemplate")
        }
        _ => return super::studio::bad_form(),
    };
    let restored = fields.get("versi").filter(|_| fields.get("form") == Some("pulihkan")).map(str::to_string);
    match answer {
        Ok(answer) => {
            let result = &answer[field];
            if let Some(version) = result["version"].as_i64() {
                let flash = match restored {
                    Some(from) => format!("{name} versi {from} dipulihkan dan berlaku sebagai versi {version}."),
                    None => format!("{name} versi {version} tersimpan dan berlaku untuk surat berikutnya."),
                };
                return crate::pages::with_flash(
                    &state,
                    Redirect::to(&file_path(&tenant, &name)).into_response(),
                    &flash,
                );
            }
            let diagnostics: Vec<super::studio::Diagnostic> =
                serde_json::from_value(result["diagnostics"].clone()).unwrap_or_default();
            let usable = result["usable"].as_bool().unwrap_or(false);
            let status = if usable { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let text = restored.is_none().then_some(source);
            let check = Some(Check { usable, diagnostics });
            file_page(&state, &officer, &tenant, &name, status, text, check, None).await
        }
        Err(failure) if matches!(failure.code, Code::Validation | Code::Refused) => {
            let problem = Some(failure.first_message());
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            file_page(&state, &officer, &tenant, &name, status, Some(source), None, problem).await
        }
        Err(failure) => render::failure(&failure, "Berkas templat tidak ditemukan"),
    }
}

/// `POST /dinas/{tenant}/surat/{name}/periksa`: the editor script's check, JSON.
pub async fn check(
    State(state): State<AppState>,
    officer: Officer,
    Path((tenant, name)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let own = format!("/templates/{name}");
    let variables = |source: String| json!({ "tenant": tenant, "name": name, "yaml": source });
    check_as_json(&state, &officer, &body, operations::CHECK_LETTER_TEMPLATE, "checkLetterTemplate", variables, &own)
        .await
}

/// Which product a preview prints.
#[derive(Deserialize)]
pub struct Printed {
    layanan: String,
    produk: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Preview {
    preview_letter_template: crate::pages::letters::FileOutput,
}

/// `POST /dinas/{tenant}/surat/{name}/pratinjau?layanan=…&produk=…`: the product printed with sample data and the
/// text in the editor, as an image (the editor's *Pratinjau* buttons post the text here).
pub async fn preview(
    State(state): State<AppState>,
    officer: Officer,
    Path((tenant, name)): Path<(String, String)>,
    Query(printed): Query<Printed>,
    body: Bytes,
) -> Response {
    let fields = match posted(&officer, &body) {
        Ok(fields) => fields,
        Err(page) => return page,
    };
    let variables = json!({
        "tenant": tenant, "name": name, "yaml": posted_yaml(&fields),
        "service": printed.layanan, "product": printed.produk,
    });
    match officer.api(&state).run::<Preview>(operations::PREVIEW_LETTER_TEMPLATE, variables).await {
        Ok(answer) => crate::pages::letters::file_response(&answer.preview_letter_template, true),
        Err(failure) if !matches!(failure.code, Code::Validation | Code::Refused) => {
            render::failure(&failure, "Produk tidak ditemukan")
        }
        Err(failure) => render::message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Pratinjau tidak dapat dibuat",
            &format!("{} Tekan Periksa untuk melihat letak kesalahannya.", failure.first_message()),
        ),
    }
}

/// `GET /dinas/{tenant}/surat/{name}/beda?dari=1&ke=2`: two versions of a template, line by line.
pub async fn diff(
    State(state): State<AppState>,
    officer: Officer,
    Path((tenant, name)): Path<(String, String)>,
    Query(compared): Query<Compared>,
) -> Response {
    if !allowed(&officer) {
        return not_allowed();
    }
    let variables = json!({ "tenant": tenant, "name": name, "from": compared.dari, "to": compared.ke });
    let answer: Value = match officer.api(&state).run(operations::LETTER_TEMPLATE_DIFF, variables).await {
        Ok(answer) => answer,
        Err(failure) => return render::failure(&failure, "Versi tidak ditemukan"),
    };
    let data = json!({
        "service": name,
        "back": file_path(&tenant, &name),
        "from": compared.dari,
        "to": compared.ke,
        "textOnly": true,
        "lines": diff_lines(answer["letterTemplateDiff"]["text"].as_str().unwrap_or_default()),
    });
    let title = format!("{name}: versi {} ke {}", compared.dari, compared.ke);
    render::page(StatusCode::OK, &title, Section::Studio, Some(&officer), "studio_diff", &data)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Uploaded {
    upload_letter_image: Value,
}

/// `POST /dinas/{tenant}/surat/gambar`: an image uploaded (multipart: `nama`, `file.gambar`), checked with a
/// sample letter and saved; back to the list with what happened.
pub async fn upload(
    State(state): State<AppState>,
    officer: Officer,
    Path(tenant): Path<String>,
    multipart: Multipart,
) -> Response {
    let (fields, mut files) = match super::studio::posted_multipart(&officer, multipart).await {
        Ok(read) => read,
        Err(page) => return page,
    };
    let name = fields.get("nama").unwrap_or_default().trim().to_lowercase();
    let Some(file) = files.pop() else {
        let problem = Some(String::from("Pilih berkas gambar (SVG, PNG, atau JPEG) yang akan diunggah"));
        return index_page(&state, &officer, &tenant, StatusCode::UNPROCESSABLE_ENTITY, problem).await;
    };
    let variables = json!({ "tenant": tenant, "name": name, "file": null });
    let answer = officer
        .api(&state)
        .run_upload::<Uploaded>(operations::UPLOAD_LETTER_IMAGE, variables, "file", file.upload)
        .await;
    let failure = match answer {
        Ok(done) => {
            let result = done.upload_letter_image;
            if let Some(version) = result["version"].as_i64() {
                let flash = format!("Gambar {name} versi {version} tersimpan dan berlaku untuk surat berikutnya.");
                return crate::pages::with_flash(&state, Redirect::to(&index_path(&tenant)).into_response(), &flash);
            }
            let first = result["diagnostics"]
                .as_array()
                .and_then(|d| d.iter().find(|d| d["level"] == "ERROR"))
                .and_then(|d| d["message"].as_str())
                .unwrap_or("Gambar tidak dapat dipakai");
            Failure { code: Code::Validation, message: first.to_string(), fields: Vec::new() }
        }
        Err(failure) if matches!(failure.code, Code::Validation | Code::Refused) => failure,
        Err(failure) => return render::failure(&failure, "Dinas tidak ditemukan"),
    };
    index_page(&state, &officer, &tenant, StatusCode::UNPROCESSABLE_ENTITY, Some(failure.first_message())).await
}
