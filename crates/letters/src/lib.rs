//! Letters of Simpul: each office's Handlebars templates produce Typst markup, compiled to PDF in-process.
//!
//! - [`Renderer`]: the templates of every tenant with the shared partials (`kop_surat`, `tanda_tangan`,
//!   `qr_verifikasi`) and helpers ([`helpers`]); every value is escaped for Typst ([`typst_escape`]) so that no
//!   name or address can change a letter's markup.
//! - [`LetterContext`]: what templates see, built from the definitions.
//! - [`verify`]: Ed25519-signed verification codes for the QR on every signed letter, and the adapter point for
//!   a certified electronic signature.
//! - [`Table`]: lists and recaps as CSV and XLSX.
//!
//! Numbers are taken by the store when the signing step completes; this crate only prints them.

pub mod context;
mod error;
mod escape;
mod export;
mod guard;
pub mod helpers;
mod qr;
mod render;
pub mod sample;
pub mod verify;
mod world;

pub use context::{
    Checklist, DRAFT_NUMBER, Entry, EntryLetter, LetterContext, PeriodInfo, ReceiptInfo, SignatoryInfo,
    checklist_by_step,
};
pub use error::{LettersError, LettersResult};
pub use escape::typst_escape;
pub use export::Table;
pub use render::{Draft, RECEIPT_TEMPLATE, REPORT_TEMPLATE, Rendered, Renderer, TemplateFault};
