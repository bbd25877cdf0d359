//! The shipped definitions, one renderer, and forms filled the way an officer would.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde_json::{Value, json};
use simpul_definitions::model::{FieldType, ServiceDefinition};
use simpul_definitions::{Catalog, load_dir};
use simpul_letters::Renderer;

pub fn definitions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../service-definitions")
}

pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| load_dir(&definitions_dir()).expect("definitions").catalog)
}

pub fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(|| Renderer::load_dir(&definitions_dir()).expect("templates"))
}

pub fn issued() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

/// A filled form for a service: every field with a plausible value of its type; the name is `name`.
pub fn form(service: &ServiceDefinition, name: &str) -> BTreeMap<String, Value> {
    service
        .fields
        .iter()
        .map(|f| {
            let value = match f.field_type {
                _ if f.code.starts_with("nama") => json!(name),
                FieldType::Nik => json!("7302014507850001"),
                FieldType::NoKk => json!("7302010101150003"),
                FieldType::Date => json!("1985-07-05"),
                FieldType::Number => json!(4),
                FieldType::YesNo => json!(true),
                FieldType::Phone => json!("081234567890"),
                FieldType::Choice => json!(f.choices.first().map(|c| c.value.clone()).unwrap_or_default()),
                _ => json!(format!("{} contoh", f.label)),
            };
            (f.code.clone(), value)
        })
        .collect()
}

/// The text of a PDF, with whitespace collapsed (line breaks fall where the layout puts them).
pub fn text_of(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).expect("PDF text");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
