//! Checking form data against a service's fields.

use chrono::NaiveDate;
use serde_json::Value;
use simpul_definitions::model::{Field, FieldType};

use crate::identity::{Sex, age, check_no_kk, parse_nik};
use crate::refusal::FieldProblem;
use crate::regions;
use crate::service::{Bindings, Service};
use crate::values::{Derived, Facts, FormData};

/// Longest free text accepted in one field.
const MAX_TEXT: usize = 1000;

/// Form data that passed, normalised, with what was derived from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The values, normalised (digits only for NIK, No. KK and phone numbers; trimmed text).
    pub data: FormData,
    /// Age and sex of the subject.
    pub derived: Derived,
    /// Things to tell the officer that do not stop the application.
    pub warnings: Vec<String>,
}

fn problem(field: &Field, text: impl Into<String>) -> FieldProblem {
    FieldProblem { field: field.code.clone(), problem: text.into() }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Normalises one value of `field`, or says what is wrong with it.
fn normalise(field: &Field, value: &Value, today: NaiveDate) -> Result<Value, String> {
    let text = || value.as_str().map(str::trim).ok_or_else(|| String::from("harus berupa teks"));
    match field.field_type {
        FieldType::Text | FieldType::Address => {
            let t = text()?;
            if t.chars().count() > MAX_TEXT {
                return Err(format!("terlalu panjang (paling banyak {MAX_TEXT} karakter)"));
            }
            Ok(Value::String(t.to_string()))
        }
        FieldType::Nik => {
            let nik = compact(text()?);
            parse_nik(&nik, today).map_err(|e| format!("NIK tidak valid: {e}"))?;
            Ok(Value::String(nik))
        }
        FieldType::NoKk => {
            let kk = compact(text()?);
            check_no_kk(&kk, today).map_err(|e| format!("Nomor KK tidak valid: {e}"))?;
            Ok(Value::String(kk))
        }
        FieldType::Date => {
            let date = NaiveDate::parse_from_str(text()?, "%Y-%m-%d")
                .map_err(|_| String::from("harus tanggal dengan format TTTT-BB-HH, misalnya 2026-03-17"))?;
            if date > today {
                return Err(String::from("tidak boleh tanggal yang akan datang"));
            }
            Ok(Value::String(date.format("%Y-%m-%d").to_string()))
        }
        FieldType::Choice => {
            let t = text()?;
            if field.choices.iter().any(|c| c.value == t) {
                Ok(Value::String(t.to_string()))
            } else {
                let allowed: Vec<&str> = field.choices.iter().map(|c| c.value.as_str()).collect();
                Err(format!("pilihan `{t}` tidak dikenal; pilih salah satu: {}", allowed.join(", ")))
            }
        }
        FieldType::Phone => local_phone(text()?)
            .map(Value::String)
            .ok_or_else(|| String::from("nomor telepon tidak valid; tulis misalnya 081234567890")),
        FieldType::Email => email_address(text()?)
            .map(Value::String)
            .ok_or_else(|| String::from("alamat e-mail tidak valid; tulis misalnya nama@contoh.id")),
        FieldType::Number => {
            let n = match value {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            };
            match n {
                Some(n) if n >= 0 => Ok(Value::from(n)),
                _ => Err(String::from("harus bilangan bulat 0 atau lebih")),
            }
        }
        FieldType::Desa => {
            let code = text()?;
            if regions::level(code) == Some(regions::Level::Village) {
                Ok(Value::String(code.to_string()))
            } else {
                Err(String::from("harus kode desa/kelurahan Kemendagri, misalnya 73.24.04.1003"))
            }
        }
        FieldType::YesNo => match value {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            _ => Err(String::from("harus ya (true) atau tidak (false)")),
        },
    }
}

/// A number as typed, without the spaces, dashes and dots people group its digits with.
fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '.').collect()
}

/// An Indonesian telephone number as stored: national form with its leading 0 (`+62 812-3456-7890` becomes
/// `081234567890`); `None` for anything that is not one.
pub fn local_phone(raw: &str) -> Option<String> {
    let raw = compact(raw);
    let local = raw
        .strip_prefix("+62")
        .or_else(|| raw.strip_prefix("62"))
        .map_or_else(|| raw.clone(), |rest| format!("0{rest}"));
    let ok = local.starts_with('0') && (9..=14).contains(&local.len()) && local.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(local)
}

/// An e-mail address as stored (trimmed, lower case); `None` for anything a mail server would refuse.
pub fn email_address(raw: &str) -> Option<String> {
    let address = raw.trim().to_lowercase();
    is_email_address(&address).then_some(address)
}

/// Whether `address` is an e-mail address a mail server accepts: one `@`, a local part, a domain with a dot and
/// no empty label, no spaces, at most 254 characters (RFC 5321's limit on a path).
fn is_email_address(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else { return false };
    let labels_ok = domain.split('.').count() >= 2
        && domain.split('.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    address.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && labels_ok
        && local.bytes().all(|b| {
            b.is_ascii_graphic()
                && !matches!(b, b'@' | b'"' | b'(' | b')' | b',' | b':' | b';' | b'<' | b'>' | b'[' | b'\\' | b']')
        })
}

/// A form value as people read it in a list or an export: a choice by its label, a desa/kelurahan by name, yes
/// or no in words; anything else as given.
pub fn in_words(field: &Field, value: &Value) -> String {
    match (field.field_type, value) {
        (_, Value::Null) => String::new(),
        (FieldType::Choice, Value::String(code)) => {
            field.choices.iter().find(|c| &c.value == code).map_or_else(|| code.clone(), |c| c.label.clone())
        }
        (FieldType::Desa, Value::String(code)) => regions::in_words(code),
        (FieldType::YesNo, Value::Bool(yes)) => String::from(if *yes { "Ya" } else { "Tidak" }),
        (_, Value::String(text)) => text.clone(),
        (_, other) => other.to_string(),
    }
}

/// The area an application lies in: the desa/kelurahan code of the first desa field of the form, if given.
pub fn area(definition: &simpul_definitions::model::ServiceDefinition, data: &FormData) -> Option<String> {
    let field = definition.fields.iter().find(|f| f.field_type == FieldType::Desa)?;
    data.get(&field.code).and_then(Value::as_str).map(str::to_string)
}

/// The applicant's name as the form gives it: the field `nama`, which every service's form has (the person the
/// application is for, or who applies for a group), as lists, letters and verification pages name them.
pub fn applicant_name(data: &FormData) -> Option<&str> {
    data.get("nama").and_then(Value::as_str)
}

/// The age and sex of the subject: from a subject NIK, else a subject birth date.
pub fn derive(service: &Service, data: &FormData, today: NaiveDate) -> Derived {
    let mut derived = Derived::default();
    for field in service.definition().fields.iter().filter(|f| f.subject) {
        let Some(text) = data.get(&field.code).and_then(Value::as_str) else { continue };
        match field.field_type {
            FieldType::Nik => {
                if let Ok(nik) = parse_nik(text, today) {
                    derived.usia = Some(age(nik.birth_date, today));
                    derived.jenis_kelamin = Some(nik.sex.code().to_string());
                }
            }
            FieldType::Date if derived.usia.is_none() => {
                if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                    derived.usia = Some(age(date, today));
                }
            }
            FieldType::Choice if derived.jenis_kelamin.is_none() => {
                derived.jenis_kelamin = Sex::from_choice(text).map(|s| s.code().to_string());
            }
            _ => {}
        }
    }
    derived
}

/// The subject's birth date and sex as the form states them, checked against what the subject's NIK encodes.
///
/// A mismatch is refused, not merely flagged: the letter prints the form's date while age comes from the NIK, and
/// Dukcapil identifies a person by the NIK, so one of the two is a typing error that would otherwise be signed
/// into the letter. (Where a KTP truly carries a date other than its NIK's, Dukcapil corrects the record first.)
fn identity_mismatches(fields: &[Field], data: &FormData, today: NaiveDate) -> Vec<FieldProblem> {
    let subject = |kind: FieldType| fields.iter().find(|f| f.subject && f.field_type == kind);
    let value = |field: &Field| data.get(&field.code).and_then(Value::as_str).map(str::to_string);
    let Some(nik) = subject(FieldType::Nik).and_then(value).and_then(|n| parse_nik(&n, today).ok()) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    if let Some(field) = subject(FieldType::Date)
        && let Some(date) = value(field)
        && date != nik.birth_date.format("%Y-%m-%d").to_string()
    {
        problems.push(problem(
            field,
            format!(
                "tidak sesuai dengan tanggal lahir dalam NIK ({}); periksa kembali KTP",
                nik.birth_date.format("%d-%m-%Y")
            ),
        ));
    }
    if let Some(field) = subject(FieldType::Choice)
        && let Some(sex) = value(field).and_then(|v| Sex::from_choice(&v))
        && sex != nik.sex
    {
        let words = nik.sex.words();
        problems.push(problem(
            field,
            format!("tidak sesuai dengan jenis kelamin dalam NIK ({words}); periksa kembali KTP"),
        ));
    }
    problems
}

/// A field of a form being filled in, as the form shows it now: whether it applies (its condition, evaluated on
/// the server so that no client evaluates CEL), whether it must be filled, and what is wrong with its value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct FieldState {
    /// The field code.
    pub field: String,
    /// Whether the field applies to this application (its `when` holds).
    pub visible: bool,
    /// Whether it must be filled before submission.
    pub required: bool,
    /// What is wrong with the value given, if anything (a missing value is not a problem of a draft).
    pub problem: Option<String>,
}

/// What the form says of `data`: normalised values, derived values, problems of the values given, and each
/// field's state. `check` and `state` both read it, so a form and the submission agree.
struct Assessment {
    normalised: FormData,
    derived: Derived,
    problems: Vec<FieldProblem>,
    states: Vec<FieldState>,
}

fn assess(service: &Service, data: &FormData, today: NaiveDate, tenant_region: Option<&str>) -> Assessment {
    let fields = &service.definition().fields;
    let mut problems = Vec::new();
    for key in data.keys() {
        if !fields.iter().any(|f| &f.code == key) {
            problems.push(FieldProblem {
                field: key.clone(),
                problem: String::from("tidak dikenal pada formulir layanan ini"),
            });
        }
    }
    let mut normalised = FormData::new();
    for field in fields {
        if let Some(value) = data.get(&field.code).filter(|v| !is_empty(v)) {
            match normalise(field, value, today) {
                Ok(v) => {
                    normalised.insert(field.code.clone(), v);
                }
                Err(text) => problems.push(problem(field, text)),
            }
        }
    }
    let derived = derive(service, &normalised, today);
    let no_facts = Facts::new();
    let bindings = Bindings { data: &normalised, derived: &derived, facts: &no_facts };
    let mut states = Vec::with_capacity(fields.len());
    for field in fields {
        let applies = service.field_applies(field, &bindings);
        if !applies && normalised.contains_key(&field.code) {
            problems.push(problem(field, "tidak berlaku untuk permohonan ini; kosongkan"));
        }
        states.push(FieldState {
            field: field.code.clone(),
            visible: applies,
            required: applies && field.required,
            problem: None,
        });
    }
    problems.extend(identity_mismatches(fields, &normalised, today));
    if let Some(region) = tenant_region {
        for field in fields.iter().filter(|f| f.field_type == FieldType::Desa) {
            if let Some(code) = normalised.get(&field.code).and_then(Value::as_str)
                && !regions::within(code, region)
            {
                let office = regions::name(region).unwrap_or(region);
                problems.push(problem(field, format!("{} tidak berada di {office}", regions::in_words(code))));
            }
        }
    }
    for state in &mut states {
        state.problem = problems.iter().find(|p| p.field == state.field).map(|p| p.problem.clone());
    }
    Assessment { normalised, derived, problems, states }
}

/// Every field's state for a draft of the form: what a form shows and hides, asks for and flags as the officer
/// types.
pub fn state(service: &Service, data: &FormData, today: NaiveDate, tenant_region: Option<&str>) -> Vec<FieldState> {
    assess(service, data, today, tenant_region).states
}

/// Checks `data` against the service's fields: every problem at once, in the form's order, or the normalised
/// data.
pub fn check(
    service: &Service,
    data: &FormData,
    today: NaiveDate,
    tenant_region: Option<&str>,
) -> Result<Checked, Vec<FieldProblem>> {
    let fields = &service.definition().fields;
    let Assessment { normalised, derived, mut problems, states } = assess(service, data, today, tenant_region);
    for (field, state) in fields.iter().zip(&states) {
        if state.required && !normalised.contains_key(&field.code) && state.problem.is_none() {
            problems.push(problem(field, format!("{} wajib diisi", field.label)));
        }
    }
    // Unknown keys first, then in the order of the form.
    problems.sort_by_key(|p| fields.iter().position(|f| f.code == p.field).map_or(0, |i| i + 1));
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut warnings = Vec::new();
    if let Some(region) = tenant_region {
        for field in fields.iter().filter(|f| f.field_type == FieldType::Nik) {
            if let Some(nik) =
                normalised.get(&field.code).and_then(Value::as_str).and_then(|n| parse_nik(n, today).ok())
                && nik.region_code() != region
            {
                warnings.push(format!(
                    "{}: NIK terdaftar di {}, di luar wilayah layanan ({}); periksa domisili pemohon",
                    field.label,
                    regions::described(&nik.region_code()),
                    regions::name(region).unwrap_or(region),
                ));
            }
        }
    }
    Ok(Checked { data: normalised, derived, warnings })
}

#[cfg(test)]
mod tests {
    use super::is_email_address;

    #[test]
    fn e_mail_addresses_a_mail_server_accepts_pass_and_others_do_not() {
        for ok in ["siti@contoh.id", "operator.desa+sktm@bulukumba.go.id", "a@b-c.co.id"] {
            assert!(is_email_address(ok), "{ok}");
        }
        for bad in ["", "siti", "siti@", "@contoh.id", "siti@contoh", "siti@contoh..id", "si ti@contoh.id", "a@b@c.id"]
        {
            assert!(!is_email_address(bad), "{bad}");
        }
    }
}
