//! The public page of a tenant (`/t/<tenant>`): its services' published standards, all 14 components, in
//! Bahasa Indonesia, rendered with Handlebars (which escapes every value for HTML).

use std::sync::OnceLock;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use handlebars::Handlebars;
use serde_json::{Value, json};
use simpul_definitions::model::{DurationUnit, ServiceDefinition};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/t/{tenant}", get(page)).layer(axum::middleware::from_fn(crate::reads::public_pages))
}

fn registry() -> &'static Handlebars<'static> {
    static REGISTRY: OnceLock<Handlebars<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(false);
        // The template is part of the binary; a broken one fails the tests, never a request.
        if let Err(error) = hb.register_template_string("page", include_str!("../templates/public_page.hbs")) {
            tracing::error!(%error, "public page template");
        }
        hb
    })
}

fn duration(value: u32, unit: DurationUnit) -> String {
    format!("{value} {}", unit.label())
}

fn service_json(version: i32, d: &ServiceDefinition) -> Value {
    let persyaratan: Vec<String> = d
        .persyaratan
        .iter()
        .map(|r| {
            let mut text = r.name.clone();
            if r.copies > 1 {
                text.push_str(&format!(" (rangkap {})", r.copies));
            }
            if !r.required {
                text.push_str(" — bila diperlukan");
            }
            if let Some(note) = &r.note {
                text.push_str(&format!(". {note}"));
            }
            text
        })
        .collect();
    let prosedur: Vec<String> = d
        .prosedur
        .iter()
        .map(|s| {
            let mut text = s.description.clone().unwrap_or_else(|| s.name.clone());
            if let Some(dur) = s.duration {
                text.push_str(&format!(" ({})", duration(dur.value, dur.unit)));
            }
            text
        })
        .collect();
    let internal = [
        (7, "Dasar Hukum", d.dasar_hukum.clone()),
        (8, "Sarana, Prasarana dan/atau Fasilitas", d.sarana_prasarana.clone()),
        (9, "Kompetensi Pelaksana", d.kompetensi_pelaksana.clone()),
        (10, "Pengawasan Internal", d.pengawasan_internal.clone()),
        (11, "Jumlah Pelaksana", d.jumlah_pelaksana.iter().map(|j| format!("{} {}", j.count, j.description)).collect()),
        (12, "Jaminan Pelayanan", d.jaminan_pelayanan.clone()),
        (13, "Jaminan Keamanan dan Keselamatan Pelayanan", d.jaminan_keamanan.clone()),
        (14, "Evaluasi Kinerja Pelaksana", d.evaluasi_kinerja.clone()),
    ];
    json!({
        "code": d.code,
        "name": d.name,
        "summary": d.summary,
        "version": version,
        "source": d.source.document,
        "persyaratan": persyaratan,
        "prosedur": prosedur,
        "jangka_waktu": d.jangka_waktu.text,
        "biaya": d.biaya.text,
        "produk": d.produk.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        "pengaduan_text": d.pengaduan.text,
        "pengaduan": d.pengaduan.channels.iter().map(|c| match &c.contact {
            Some(contact) if !c.label.contains(contact.as_str()) => format!("{}: {contact}", c.label),
            _ => c.label.clone(),
        }).collect::<Vec<_>>(),
        "internal": internal.iter().map(|(n, t, items)| json!({ "number": n, "title": t, "items": items })).collect::<Vec<_>>(),
    })
}

async fn page(State(state): State<AppState>, Path(tenant): Path<String>) -> Response {
    let work = async {
        match render(&state, &tenant).await {
            Ok(html) => crate::pages::page(StatusCode::OK, html),
            Err(error) => crate::pages::for_error(&error, "Dinas tidak ditemukan"),
        }
    };
    crate::pages::guarded(&state, work).await
}

async fn render(state: &AppState, tenant: &str) -> crate::error::ApiResult<String> {
    let store = &state.shared.store;
    let scope = store.system_scope(tenant).await?;
    let runtime = store.tenant_runtime(store.connection(), &scope).await?;
    let services = store.published_services(&scope).await?;
    let data = json!({
        "tenant": serde_json::to_value(&runtime.tenant).unwrap_or_default(),
        "services": services.iter().map(|(v, s)| service_json(v.version, s.definition())).collect::<Vec<_>>(),
    });
    registry().render("page", &data).map_err(|e| crate::error::ApiError::Internal(format!("public page: {e}")))
}
