//! Loading the definitions folder: calendars, tenants and their services, each parsed into the typed model.
//!
//! Layout:
//! ```text
//! service-definitions/
//!   calendars/<code>.yaml          shared working calendars
//!   <tenant>/tenant.yaml           the office
//!   <tenant>/services/<code>.yaml  one file per service
//!   <tenant>/templates/*           letter templates named by products
//!   schema/                        JSON Schemas for editors (not loaded)
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Level, Reporter};
use crate::model::{Calendar, ServiceDefinition, Tenant};
use crate::source::SourceFile;

/// A parsed file together with its source, so that later checks can point into it.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The typed content.
    pub value: T,
    /// The text it came from.
    pub source: SourceFile,
}

/// One office with its services and the template files it has.
#[derive(Debug, Clone)]
pub struct TenantBundle {
    /// The folder name, which must equal the tenant code.
    pub folder: String,
    /// `tenant.yaml`.
    pub tenant: Loaded<Tenant>,
    /// File names under `templates/`.
    pub templates: BTreeSet<String>,
    /// The services that parsed, sorted by code.
    pub services: Vec<Loaded<ServiceDefinition>>,
}

/// Everything in a definitions folder that parsed.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Shared calendars, sorted by code.
    pub calendars: Vec<Loaded<Calendar>>,
    /// Tenants, sorted by folder.
    pub tenants: Vec<TenantBundle>,
}

impl Catalog {
    /// The calendar with this code.
    pub fn calendar(&self, code: &str) -> Option<&Calendar> {
        self.calendars.iter().map(|c| &c.value).find(|c| c.code == code)
    }

    /// The tenant with this code.
    pub fn tenant(&self, code: &str) -> Option<&TenantBundle> {
        self.tenants.iter().find(|t| t.tenant.value.code == code)
    }
}

/// The result of loading: what parsed, every file read (for rendering), and the problems found.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    /// What parsed.
    pub catalog: Catalog,
    /// Every file read, parsed or not.
    pub files: Vec<SourceFile>,
    /// Problems, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a definitions folder could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The folder or a file in it could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// What was being read.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}

/// Reads and parses every definition file under `dir`. Type errors are reported per file; files that parse are
/// returned in the catalog for the semantic checks of [`crate::validate`].
pub fn load_dir(dir: &Path) -> Result<LoadReport, LoadError> {
    let mut report = LoadReport::default();
    let calendars_dir = dir.join("calendars");
    if calendars_dir.is_dir() {
        for path in yaml_files(&calendars_dir)? {
            let file = read(&path)?;
            if let Some(value) = parse::<Calendar>(&file, &mut report.diagnostics) {
                report.catalog.calendars.push(Loaded { value, source: file.clone() });
            }
            report.files.push(file);
        }
    }
    for tenant_dir in sorted_entries(dir)? {
        let tenant_path = tenant_dir.join("tenant.yaml");
        if !tenant_dir.is_dir() || !tenant_path.is_file() {
            continue;
        }
        let folder = tenant_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let file = read(&tenant_path)?;
        let tenant = parse::<Tenant>(&file, &mut report.diagnostics);
        report.files.push(file.clone());
        let mut services = Vec::new();
        let services_dir = tenant_dir.join("services");
        if services_dir.is_dir() {
            for path in yaml_files(&services_dir)? {
                let file = read(&path)?;
                if let Some(value) = parse::<ServiceDefinition>(&file, &mut report.diagnostics) {
                    services.push(Loaded { value, source: file.clone() });
                }
                report.files.push(file);
            }
        }
        let templates_dir = tenant_dir.join("templates");
        let templates = if templates_dir.is_dir() {
            sorted_entries(&templates_dir)?
                .into_iter()
                .filter(|p| p.is_file())
                .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect()
        } else {
            BTreeSet::new()
        };
        if let Some(value) = tenant {
            report.catalog.tenants.push(TenantBundle {
                folder,
                tenant: Loaded { value, source: file },
                templates,
                services,
            });
        }
    }
    Ok(report)
}

/// Parses one file into `T`, reporting a syntax or type error with its line, column and document path.
///
/// serde stops at the first type error in a file, so a file reports at most one of those; every other check
/// reports all it finds.
pub fn parse<T: DeserializeOwned>(file: &SourceFile, out: &mut Vec<Diagnostic>) -> Option<T> {
    let deserializer = serde_yaml::Deserializer::from_str(&file.text);
    match serde_path_to_error::deserialize::<_, T>(deserializer) {
        Ok(value) => Some(value),
        Err(error) => {
            let path = error.path().to_string();
            let path = if path == "." { String::new() } else { path };
            let inner = error.into_inner();
            let text = inner.to_string();
            let english = strip_path_prefix(match text.find(" at line ") {
                Some(cut) => &text[..cut],
                None => &text,
            });
            let (check, hint) = classify(&english);
            let message = in_indonesian(&english);
            let (line, column) = inner.location().map_or((1, 1), |l| (l.line(), l.column()));
            Reporter::new(file, out).at(Level::Error, check, line, column, &path, message, hint.to_string());
            None
        }
    }
}

/// serde_yaml starts its messages with its own spelling of the path (`fields[4]: unknown field …`); the path
/// is reported separately, so it is cut from the message.
fn strip_path_prefix(message: &str) -> String {
    match message.split_once(": ") {
        Some((prefix, rest)) if !prefix.contains(char::is_whitespace) => rest.to_string(),
        _ => message.to_string(),
    }
}

fn classify(message: &str) -> (&'static str, &'static str) {
    if message.starts_with("unknown field") {
        ("unknown-key", "periksa ejaannya; kunci yang boleh tercantum di atas dan di service-definitions/schema/")
    } else if message.starts_with("missing field") {
        ("missing-key", "tambahkan kunci itu; setiap komponen standar harus ada")
    } else if message.starts_with("unknown variant") {
        ("unknown-value", "pakai salah satu nilai yang tercantum")
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        ("type", "tulis nilainya dalam bentuk yang diminta skema")
    } else if message.starts_with("premature end") || message.contains("EOF") {
        ("empty-file", "berkas kosong atau terpotong")
    } else {
        ("yaml-syntax", "periksa indentasi dan tanda kutip; nilai yang memuat ':' atau '#' harus diberi tanda kutip")
    }
}

/// serde's and the YAML parser's message in words an admin reads: the known forms are translated, keeping the
/// names they quote; anything else is kept after an Indonesian lead.
fn in_indonesian(message: &str) -> String {
    let expected = |rest: &str| {
        rest.strip_prefix("expected one of ")
            .or_else(|| rest.strip_prefix("expected "))
            .map(|list| list.replace(" or ", " atau "))
            .unwrap_or_else(|| rest.to_string())
    };
    let split = |rest: &'_ str| -> Option<(String, String)> {
        let (name, after) = rest.split_once(", ")?;
        Some((name.to_string(), after.to_string()))
    };
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return match split(rest) {
            Some((name, after)) if after.starts_with("there are no fields") => {
                format!("kunci {name} tidak dikenal; bagian ini tidak berisi kunci")
            }
            Some((name, after)) => format!("kunci {name} tidak dikenal; yang boleh: {}", expected(&after)),
            None => format!("kunci {rest} tidak dikenal"),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return match split(rest) {
            Some((name, after)) => format!("nilai {name} tidak dikenal; pilih salah satu: {}", expected(&after)),
            None => format!("nilai {rest} tidak dikenal"),
        };
    }
    if let Some(name) = message.strip_prefix("missing field ") {
        return format!("kunci {name} wajib ada");
    }
    if let Some(name) = message.strip_prefix("duplicate field ") {
        return format!("kunci {name} tertulis dua kali");
    }
    for (lead, words) in [("invalid type: ", "jenis nilai salah"), ("invalid value: ", "nilai salah")] {
        if let Some(rest) = message.strip_prefix(lead) {
            return match rest.rsplit_once(", expected ") {
                Some((found, wanted)) => format!("{words}: tertulis {found}, seharusnya {}", english_kind(wanted)),
                None => format!("{words}: {rest}"),
            };
        }
    }
    let known_own = ["`", "tujuan"];
    if known_own.iter().any(|lead| message.starts_with(lead)) {
        return message.to_string();
    }
    format!("YAML tidak dapat dibaca: {message}")
}

/// serde's names of the kinds of value it expected, in words.
fn english_kind(wanted: &str) -> String {
    match wanted {
        "a sequence" => String::from("daftar"),
        "a string" => String::from("teks"),
        "a boolean" => String::from("true atau false"),
        "u8" | "u16" | "u32" | "u64" | "i32" | "i64" | "usize" => String::from("bilangan bulat"),
        "a map" => String::from("pasangan kunci: nilai"),
        other if other.starts_with("struct ") => String::from("pasangan kunci: nilai"),
        other => other.replace(" or ", " atau "),
    }
}

fn read(path: &Path) -> Result<SourceFile, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
    Ok(SourceFile::new(path, text))
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|source| LoadError::Io { path: dir.to_path_buf(), source })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| LoadError::Io { path: dir.to_path_buf(), source })?;
        paths.push(entry.path());
    }
    paths.sort();
    Ok(paths)
}

fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    Ok(sorted_entries(dir)?
        .into_iter()
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect())
}
