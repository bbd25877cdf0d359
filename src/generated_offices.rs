//! Test offices at national scale: one Dinas Sosial per kabupaten/kota of the region list (514), each running
//! the twelve services of the five real offices, written as a definitions folder that `simpul definitions sync`
//! or `simpul serve` imports like any other. For load tests and benches, never for production: the offices'
//! addresses, contacts and officials are placeholders.
//!
//! The twelve services come from five offices, so they are adapted to live side by side in one office:
//! - two offices have a `rekomendasi-sktm` and two a `surat-keterangan-dtks`; the first in [`SOURCES`] keeps its
//!   code, a later one gets its source office's code appended (`rekomendasi-sktm-bangka`) and its name says whose
//!   procedure it follows; letter templates of the same name are renamed the same way;
//! - the office has every role, signatory and numbering series any of the five has (the first definition of a
//!   code wins; a role sees personal data when it does in any of them);
//! - the source office's name (`Kabupaten Bulukumba`) becomes the generated office's in every text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, bail};
use serde_yaml::{Mapping, Value};
use simpul_engine::regions::{self, Level};

/// The source offices, in the order in which their codes win. Bulukumba first: its SKTM recommendation is the
/// flow the API bench drives, under the same code in the five offices and the generated ones.
pub const SOURCES: &[&str] = &["bulukumba", "tebing-tinggi", "luwu-timur", "oku-selatan", "bangka"];

/// Stands for the office's name (`Kabupaten Bulukumba`) in the model, until each office is written.
const OFFICE: &str = "__KABUPATEN_KOTA__";

/// What was written.
#[derive(Debug)]
pub struct Generated {
    /// The offices' codes, in region-code order.
    pub offices: Vec<String>,
    /// Services per office.
    pub services: usize,
}

/// Writes `count` offices (the first `count` kabupaten/kota by region code) with the services of the five
/// offices under `sources` into the empty or new folder `out`, with the calendars of `sources`.
pub fn generate(sources: &Path, count: usize, out: &Path) -> anyhow::Result<Generated> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!("{} is not empty: the generator writes into an empty or new folder", out.display());
    }
    let regencies: Vec<(&str, &str)> =
        regions::all().filter(|(code, _)| regions::level(code) == Some(Level::Regency)).collect();
    if count > regencies.len() {
        bail!("there are {} kabupaten/kota in the region list, not {count}", regencies.len());
    }
    let model = Model::read(sources)?;
    copy_folder(&sources.join("calendars"), &out.join("calendars"))?;
    let mut offices = Vec::with_capacity(count);
    let mut codes = BTreeSet::new();
    for (region, name) in regencies.into_iter().take(count) {
        let code = office_code(name);
        if !codes.insert(code.clone()) {
            bail!("two kabupaten/kota give the office code {code}");
        }
        model.write_office(&code, region, name, &out.join(&code))?;
        offices.push(code);
    }
    Ok(Generated { offices, services: model.services.len() })
}

/// `kota-` and the city's name for a kota (`Kota Tebing Tinggi` → `kota-tebing-tinggi`), the name alone for a
/// kabupaten (`Kabupaten Aceh Selatan` → `aceh-selatan`): the region list has both `Kabupaten Bekasi` and `Kota
/// Bekasi`, so the prefix keeps them apart.
pub fn office_code(regency: &str) -> String {
    let name = regency.strip_prefix("Kabupaten ").unwrap_or(regency);
    let mut code = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.ends_with('-') && !code.is_empty() {
            code.push('-');
        }
    }
    code.trim_end_matches('-').to_string()
}

/// The time zone of a province by its code: WITA from Bali to Sulawesi and in the three eastern Kalimantan
/// provinces, WIT in Maluku and Papua, WIB elsewhere.
fn time_zone(province: &str) -> &'static str {
    match province {
        "51" | "52" | "53" | "63" | "64" | "65" | "71" | "72" | "73" | "74" | "75" | "76" => "Asia/Makassar",
        code if code.starts_with('8') || code.starts_with('9') => "Asia/Jayapura",
        _ => "Asia/Jakarta",
    }
}

/// The five offices merged: what every generated office is made of.
struct Model {
    /// Bulukumba's office file, the frame of every generated one (office hours, notifications).
    frame: Mapping,
    roles: Vec<Value>,
    signatories: Vec<Value>,
    numbering: Vec<Value>,
    /// Service files by their code in the generated office.
    services: BTreeMap<String, Value>,
    /// Template files by their name in the generated office.
    templates: BTreeMap<String, String>,
}

impl Model {
    fn read(sources: &Path) -> anyhow::Result<Model> {
        let mut model = Model {
            frame: Mapping::new(),
            roles: Vec::new(),
            signatories: Vec::new(),
            numbering: Vec::new(),
            services: BTreeMap::new(),
            templates: BTreeMap::new(),
        };
        for source in SOURCES {
            let dir = sources.join(source);
            let source_file = read(&dir.join("tenant.yaml"))?;
            let office = text(&serde_yaml::from_str(&source_file)?, "kabupaten_kota")?;
            // The source office's name, wherever it is written, becomes the generated office's.
            let read = |path: &Path| read(path).map(|text| text.replace(&office, OFFICE));
            let tenant: Mapping = serde_yaml::from_str(&source_file.replace(&office, OFFICE))?;
            if model.frame.is_empty() {
                model.frame = tenant.clone();
            }
            merge_by(&mut model.roles, list(&tenant, "roles"), "code", |kept, later| {
                if later.get("sees_personal_data") == Some(&Value::Bool(true)) {
                    kept.insert("sees_personal_data".into(), Value::Bool(true));
                }
            });
            merge_by(&mut model.signatories, list(&tenant, "signatories"), "role", |_, _| {});
            merge_by(&mut model.numbering, list(&tenant, "numbering"), "code", |_, _| {});
            let mut renamed = BTreeMap::new();
            for entry in sorted_entries(&dir.join("templates"))? {
                let file = entry.file_name().to_string_lossy().to_string();
                let mut name = file.clone();
                if model.templates.contains_key(&name) {
                    name = match file.rsplit_once('.') {
                        Some((stem, extension)) => format!("{stem}-{source}.{extension}"),
                        None => format!("{file}-{source}"),
                    };
                    renamed.insert(file, name.clone());
                }
                model.templates.insert(name, read(&entry.path())?);
            }
            for entry in sorted_entries(&dir.join("services"))? {
                let mut service: Value = serde_yaml::from_str(&read(&entry.path())?)
                    .with_context(|| format!("reading {}", entry.path().display()))?;
                let code = service.get("code").and_then(Value::as_str).context("a service without a code")?.to_string();
                let mut kept = code.clone();
                if model.services.contains_key(&code) {
                    kept = format!("{code}-{source}");
                    let name = service.get("name").and_then(Value::as_str).unwrap_or(&code).to_string();
                    service["code"] = Value::from(kept.as_str());
                    service["name"] = Value::from(format!("{name} (alur {office})"));
                }
                rename_templates(&mut service, &renamed);
                model.services.insert(kept, service);
            }
        }
        Ok(model)
    }

    fn write_office(&self, code: &str, region: &str, name: &str, dir: &Path) -> anyhow::Result<()> {
        let (province, _) = region.split_once('.').context("a regency code without a province")?;
        let province_name = regions::name(province).context("a regency without its province")?;
        let short = name.strip_prefix("Kabupaten ").unwrap_or(name);
        let address = format!(
            "street: Jl. Pemuda No. 1\ncity: {short}\npostal_code: \"10000\"\nphone: [\"0210000000\"]\nemail: [dinsos@{code}.contoh.go.id]"
        );
        let kop = format!(
            "lines: [PEMERINTAH {}, DINAS SOSIAL]\naddress_line: \"Jl. Pemuda No. 1, {short} — Telp. 0210000000\"",
            name.to_uppercase()
        );
        let pengaduan = format!(
            "- {{ kind: langsung, label: \"Layanan Pengaduan Dinas Sosial {short}\" }}\n- {{ kind: kotak_saran, label: Kotak Saran }}\n\
             - {{ kind: sp4n_lapor, label: \"SP4N LAPOR (Layanan Aspirasi dan Pengaduan Online Rakyat)\" }}"
        );
        let mut tenant = self.frame.clone();
        for (key, value) in [
            ("code", code.into()),
            ("name", format!("Dinas Sosial {name}").into()),
            ("kabupaten_kota", name.into()),
            ("province", serde_yaml::to_value(BTreeMap::from([("code", province), ("name", province_name)]))?),
            ("region_code", region.into()),
            ("time_zone", time_zone(province).into()),
            ("address", serde_yaml::from_str(&address)?),
            ("kop_surat", serde_yaml::from_str(&kop)?),
            ("roles", Value::Sequence(self.roles.clone())),
            ("signatories", Value::Sequence(self.signatories.clone())),
            ("numbering", Value::Sequence(self.numbering.clone())),
            ("pengaduan", serde_yaml::from_str(&pengaduan)?),
        ] {
            tenant.insert(key.into(), value);
        }
        let tenant = serde_yaml::to_string(&tenant)?.replace(OFFICE, name);
        std::fs::create_dir_all(dir.join("services"))?;
        std::fs::create_dir_all(dir.join("templates"))?;
        let header = "# Generated by `simpul definitions generate`: a test office, not a real one.\n";
        std::fs::write(dir.join("tenant.yaml"), format!("{header}{tenant}"))?;
        for (service_code, service) in &self.services {
            let text = serde_yaml::to_string(service)?.replace(OFFICE, name);
            std::fs::write(dir.join("services").join(format!("{service_code}.yaml")), format!("{header}{text}"))?;
        }
        for (file, body) in &self.templates {
            std::fs::write(dir.join("templates").join(file), body.replace(OFFICE, name))?;
        }
        Ok(())
    }
}

/// Appends to `kept` each item of `later` whose `key` it does not hold yet, and lets `both` see an item defined
/// twice (the first definition stays).
fn merge_by(kept: &mut Vec<Value>, later: Vec<Value>, key: &str, both: impl Fn(&mut Mapping, &Mapping)) {
    for item in later {
        let code = item.get(key).cloned();
        match kept.iter_mut().find(|k| k.get(key).cloned() == code) {
            Some(Value::Mapping(first)) => {
                if let Value::Mapping(item) = &item {
                    both(first, item);
                }
            }
            _ => kept.push(item),
        }
    }
}

/// Every `template:` value anywhere in `value` that `renamed` holds, replaced by its new name.
fn rename_templates(value: &mut Value, renamed: &BTreeMap<String, String>) {
    match value {
        Value::Mapping(map) => {
            for (key, item) in map.iter_mut() {
                if key.as_str() == Some("template")
                    && let Some(new) = item.as_str().and_then(|file| renamed.get(file))
                {
                    *item = Value::from(new.as_str());
                } else {
                    rename_templates(item, renamed);
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|item| rename_templates(item, renamed)),
        _ => {}
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn text(map: &Mapping, key: &str) -> anyhow::Result<String> {
    map.get(key).and_then(Value::as_str).map(str::to_string).with_context(|| format!("an office without `{key}`"))
}

fn list(map: &Mapping, key: &str) -> Vec<Value> {
    map.get(key).and_then(Value::as_sequence).cloned().unwrap_or_default()
}

/// The entries of a folder by name, so that the result does not depend on the file system's order.
fn sorted_entries(dir: &Path) -> anyhow::Result<Vec<std::fs::DirEntry>> {
    let mut entries =
        std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?.collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    Ok(entries)
}

fn copy_folder(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in sorted_entries(from)? {
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_codes_keep_kabupaten_and_kota_apart() {
        assert_eq!(office_code("Kabupaten Aceh Selatan"), "aceh-selatan");
        assert_eq!(office_code("Kota Tebing Tinggi"), "kota-tebing-tinggi");
        assert_eq!(office_code("Kabupaten Bekasi"), "bekasi");
        assert_eq!(office_code("Kota Bekasi"), "kota-bekasi");
        assert_eq!(office_code("Kabupaten Pangkajene dan Kepulauan"), "pangkajene-dan-kepulauan");
    }

    #[test]
    fn provinces_have_their_time_zones() {
        assert_eq!(time_zone("11"), "Asia/Jakarta");
        assert_eq!(time_zone("73"), "Asia/Makassar");
        assert_eq!(time_zone("64"), "Asia/Makassar");
        assert_eq!(time_zone("62"), "Asia/Jakarta");
        assert_eq!(time_zone("94"), "Asia/Jayapura");
        assert_eq!(time_zone("82"), "Asia/Jayapura");
    }
}
