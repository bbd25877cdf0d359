//! The shipped definitions, one renderer, and forms filled the way an officer would.

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;
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

pub use simpul_letters::sample::sample_form as form;

/// The text of a PDF, with whitespace collapsed (line breaks fall where the layout puts them).
pub fn text_of(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).expect("PDF text");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
