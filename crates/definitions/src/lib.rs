//! Service definitions of Simpul.
//!
//! Each office's published standard (Standar Pelayanan, PermenPAN-RB 15/2014) is a YAML file; this crate holds
//! its typed model ([`model`]), loads a definitions folder ([`load`]), checks it the way a compiler checks a
//! program ([`validate`], [`diagnostics`]), exports a JSON Schema for editors ([`schema`]) and carries an office's
//! definitions between installations as signed bundles ([`bundle`]).

pub mod bundle;
pub mod diagnostics;
pub mod diff;
pub mod expr;
pub mod load;
pub mod message;
pub mod model;
pub mod schema;
pub mod source;
pub mod summary;
pub mod validate;

pub use diagnostics::{Diagnostic, Level};
pub use load::{Catalog, LoadReport, Loaded, TenantBundle, load_dir};

/// Loads `dir` and runs every check: what the `simpul validate` command does.
pub fn load_and_validate(dir: &std::path::Path) -> Result<LoadReport, load::LoadError> {
    let mut report = load_dir(dir)?;
    validate::report(&mut report);
    Ok(report)
}
