//! Checks of `tenant.yaml`.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::codes::{check_list, is_kebab};
use crate::diagnostics::Reporter;
use crate::load::Catalog;
use crate::message::{MessageValues, render};
use crate::model::{
    DayOff, NUMBER_PLACEHOLDERS, Notifications, NotifyChannel, ProductKind, Registry, Signatory, Tenant, header_key,
};

/// The time zones of Indonesia: WIB, WITA, WIT.
pub const INDONESIAN_TIME_ZONES: &[&str] = &["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"];

/// Checks one tenant file.
pub fn check(tenant: &Tenant, folder: &str, catalog: &Catalog, templates: &BTreeSet<String>, r: &mut Reporter<'_>) {
    if tenant.code != folder {
        r.error(
            "file-name",
            "code",
            format!("tenant code `{}` differs from its folder name `{folder}`", tenant.code),
            format!("rename the folder to `{}` or change the code", tenant.code),
        );
    }
    if !is_kebab(&tenant.code) {
        r.error(
            "code-format",
            "code",
            format!("tenant code `{}` is not lower kebab case", tenant.code),
            "e.g. `luwu-timur`",
        );
    }
    check_region(tenant, r);
    check_time_zone(&tenant.time_zone, r);
    check_office_hours(tenant, r);
    if !(1..=99).contains(&tenant.nearing_percent) {
        r.error(
            "nearing-percent",
            "nearing_percent",
            format!("{} % is not a share of a deadline", tenant.nearing_percent),
            "write a percentage between 1 and 99, e.g. 80",
        );
    }
    if catalog.calendar(&tenant.calendar).is_none() {
        let known: Vec<&str> = catalog.calendars.iter().map(|c| c.value.code.as_str()).collect();
        r.error(
            "unknown-reference",
            "calendar",
            format!("calendar `{}` does not exist", tenant.calendar),
            format!("add service-definitions/calendars/{}.yaml or use one of: {}", tenant.calendar, known.join(", ")),
        );
    }
    let mut seen = HashMap::new();
    if let Some(calendar) = catalog.calendar(&tenant.calendar) {
        for day in &calendar.days_off {
            seen.insert(day.date, String::from("the shared calendar"));
        }
    }
    check_days_off(&tenant.days_off, "days_off", r, &mut seen);

    let d = tenant.complaint_deadlines;
    if d.assign_days == 0 || d.assign_days > d.respond_days || d.respond_days > d.close_days {
        r.error(
            "complaint-deadlines",
            "complaint_deadlines",
            "tenggat pengaduan harus berurutan dan lebih dari nol: penugasan ≤ tanggapan ≤ penyelesaian",
            "misalnya { assign_days: 1, respond_days: 5, close_days: 14 }",
        );
    }
    if let Some(notifications) = &tenant.notifications {
        check_notifications(notifications, r);
    }
    check_registry(&tenant.registry, r);
    check_list(r, "roles", "role", tenant.roles.iter().map(|x| x.code.as_str()));
    check_list(r, "numbering", "numbering series", tenant.numbering.iter().map(|x| x.code.as_str()));
    for (i, series) in tenant.numbering.iter().enumerate() {
        check_number_pattern(&series.pattern, &format!("numbering[{i}].pattern"), r);
    }
    for (i, signatory) in tenant.signatories.iter().enumerate() {
        if !tenant.roles.iter().any(|role| role.code == signatory.role) {
            r.error(
                "unknown-reference",
                &format!("signatories[{i}].role"),
                format!("role `{}` is not one of the office's roles", signatory.role),
                "add it under `roles` or use an existing role code",
            );
        }
        if let Some(nip) = &signatory.nip {
            check_nip(nip, &format!("signatories[{i}].nip"), r);
        }
        check_signatory(tenant, catalog, i, signatory, r);
    }
    if tenant.kop_surat.lines.is_empty() {
        r.error("empty", "kop_surat.lines", "the letterhead has no lines", "add the government and office names");
    }
    if let Some(emblem) = &tenant.kop_surat.emblem
        && crate::model::ImageKind::of_file(emblem).is_none()
    {
        r.error(
            "format",
            "kop_surat.emblem",
            format!("emblem file `{emblem}` is not an SVG, PNG or JPEG image"),
            "use a .svg, .png or .jpg file",
        );
    } else if let Some(emblem) = &tenant.kop_surat.emblem
        && !templates.contains(emblem)
    {
        r.error(
            "unknown-reference",
            "kop_surat.emblem",
            format!("emblem file `{emblem}` is not in the tenant's templates folder"),
            "put the image under templates/ or remove the key",
        );
    }
    if tenant.pengaduan.is_empty() {
        r.warning("empty", "pengaduan", "the office lists no complaint channel", "add at least one channel");
    }
}

/// A signatory's placeholder, delegation ("a.n.") and letters.
fn check_signatory(tenant: &Tenant, catalog: &Catalog, i: usize, signatory: &Signatory, r: &mut Reporter<'_>) {
    let path = format!("signatories[{i}]");
    if signatory.placeholder {
        r.warning(
            "placeholder",
            &format!("{path}.name"),
            format!(
                "the signatory for role `{}` is a placeholder (`{}`): letters print it in place of a name",
                signatory.role, signatory.name
            ),
            "write the official's name, pangkat and NIP and remove `placeholder`",
        );
    } else if signatory.name.trim().is_empty() {
        r.error("empty", &format!("{path}.name"), "the signatory has no name", "write the official's full name");
    }
    if let Some(principal) = &signatory.on_behalf_of {
        if principal == &signatory.role {
            r.error(
                "signatory",
                &format!("{path}.on_behalf_of"),
                "an official cannot sign on behalf of their own role",
                "name the role of the official signed for (a.n.), e.g. `kepala_dinas`",
            );
        } else if !tenant.signatories.iter().any(|s| &s.role == principal && s.on_behalf_of.is_none()) {
            r.error(
                "unknown-reference",
                &format!("{path}.on_behalf_of"),
                format!("no signatory of role `{principal}` signs in their own name, so \"a.n.\" has no title"),
                "add that role's signatory, whose title follows \"a.n.\"",
            );
        }
    }
    let products: BTreeSet<&str> = catalog
        .tenants
        .iter()
        .filter(|b| b.tenant.value.code == tenant.code)
        .flat_map(|b| &b.services)
        .flat_map(|s| &s.value.produk)
        .filter(|p| p.kind == ProductKind::Letter)
        .map(|p| p.code.as_str())
        .collect();
    for (j, letter) in signatory.letters.iter().enumerate() {
        if !products.contains(letter.as_str()) {
            r.error(
                "unknown-reference",
                &format!("{path}.letters[{j}]"),
                format!("`{letter}` is not a letter product of the office's services"),
                format!("use one of: {}", super::service::codes(products.iter().copied())),
            );
        }
    }
}

fn check_region(tenant: &Tenant, r: &mut Reporter<'_>) {
    let province = &tenant.province.code;
    if province.len() != 2 || !province.bytes().all(|b| b.is_ascii_digit()) {
        r.error(
            "region-code",
            "province.code",
            format!("province code `{province}` is not two digits"),
            "use the Kemendagri code, e.g. `73` for Sulawesi Selatan",
        );
    }
    let code = &tenant.region_code;
    let well_formed = code.len() == 5
        && code.as_bytes()[2] == b'.'
        && code.bytes().enumerate().all(|(i, b)| i == 2 || b.is_ascii_digit());
    if !well_formed {
        r.error(
            "region-code",
            "region_code",
            format!("region code `{code}` is not of the form PP.KK"),
            "write the kabupaten/kota code as two digits, a dot and two digits, e.g. `73.02` (Kepmendagri 300.2.2-2138/2025)",
        );
    } else if !code.starts_with(province.as_str()) {
        r.error(
            "region-code",
            "region_code",
            format!("region code `{code}` is not in province `{province}`"),
            format!("a kabupaten/kota of province {province} has a code starting with `{province}.`"),
        );
    }
}

fn check_time_zone(zone: &str, r: &mut Reporter<'_>) {
    if zone.parse::<chrono_tz::Tz>().is_err() {
        r.error(
            "time-zone",
            "time_zone",
            format!("`{zone}` is not a time zone name"),
            "use Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)",
        );
    } else if !INDONESIAN_TIME_ZONES.contains(&zone) {
        r.error(
            "time-zone",
            "time_zone",
            format!("`{zone}` is not an Indonesian time zone"),
            "use Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)",
        );
    }
}

fn check_office_hours(tenant: &Tenant, r: &mut Reporter<'_>) {
    if tenant.office_hours.is_empty() {
        r.error("office-hours", "office_hours", "the office has no opening hours", "add the days and hours it serves");
    }
    let mut days = HashMap::new();
    for (i, hours) in tenant.office_hours.iter().enumerate() {
        if hours.close <= hours.open {
            r.error(
                "office-hours",
                &format!("office_hours[{i}].close"),
                format!(
                    "closing time {} is not after opening time {}",
                    hours.close.format("%H:%M"),
                    hours.open.format("%H:%M")
                ),
                "the office must close after it opens on the same day",
            );
        }
        for (j, day) in hours.days.iter().enumerate() {
            if let Some(first) = days.insert(*day, i) {
                r.error(
                    "office-hours",
                    &format!("office_hours[{i}].days[{j}]"),
                    format!("{day:?} already has opening hours at office_hours[{first}]").to_lowercase(),
                    "list each day once",
                );
            }
        }
    }
}

/// Reports dates listed twice, in this list or among those `seen` already (date → where).
pub fn check_days_off(days: &[DayOff], list: &str, r: &mut Reporter<'_>, seen: &mut HashMap<NaiveDate, String>) {
    for (i, day) in days.iter().enumerate() {
        let path = format!("{list}[{i}].date");
        if let Some(first) = seen.insert(day.date, path.clone()) {
            r.error(
                "duplicate-date",
                &path,
                format!("{} is listed twice (also in {first})", day.date),
                "list each day off once",
            );
        }
    }
}

fn check_number_pattern(pattern: &str, path: &str, r: &mut Reporter<'_>) {
    let mut rest = pattern;
    let mut has_seq = false;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            r.error("numbering-pattern", path, format!("`{{` without `}}` in `{pattern}`"), "close every placeholder");
            return;
        };
        let name = &rest[open + 1..open + close];
        if name == "seq" {
            has_seq = true;
        } else if !NUMBER_PLACEHOLDERS.contains(&name) {
            r.error(
                "numbering-pattern",
                path,
                format!("unknown placeholder `{{{name}}}` in `{pattern}`"),
                format!(
                    "use {}",
                    NUMBER_PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        rest = &rest[open + close + 1..];
    }
    if rest.contains('}') {
        r.error("numbering-pattern", path, format!("`}}` without `{{` in `{pattern}`"), "open every placeholder");
    }
    if !has_seq {
        r.error(
            "numbering-pattern",
            path,
            format!("pattern `{pattern}` has no `{{seq}}`"),
            "the sequence number makes every letter number unique; add `{seq}`",
        );
    }
}

/// A NIP is 18 digits: birth date (YYYYMMDD), appointment (YYYYMM), sex (1 or 2), serial (3 digits).
fn check_nip(nip: &str, path: &str, r: &mut Reporter<'_>) {
    let digits: String = nip.chars().filter(|c| !c.is_whitespace()).collect();
    let valid = digits.len() == 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && NaiveDate::parse_from_str(&digits[..8], "%Y%m%d").is_ok()
        && matches!(&digits[14..15], "1" | "2");
    if !valid {
        r.error(
            "nip",
            path,
            format!("`{nip}` is not a valid NIP"),
            "a NIP has 18 digits: birth date YYYYMMDD, appointment YYYYMM, sex 1 or 2, serial; e.g. 19650523 199303 1 006",
        );
    }
}

/// The office's registry settings: a retention period an office can answer for, and header names that a
/// registry's export carries, each naming one column.
fn check_registry(registry: &Registry, r: &mut Reporter<'_>) {
    // A day at least, so that an upload replaced by mistake can still be looked at; ten years at most, the
    // longest an archive keeps a case file (a longer one is a typo).
    if !(1..=3650).contains(&registry.retention_days) {
        r.error(
            "registry",
            "registry.retention_days",
            format!("masa simpan {} hari tidak dapat dipakai", registry.retention_days),
            "tulis jumlah hari antara 1 dan 3650, misalnya 30",
        );
    }
    for (source, columns) in &registry.columns {
        let mut headers = BTreeSet::new();
        for (column, header) in columns {
            let path = format!("registry.columns.{}.{}", source.code(), column.code());
            if !source.columns().iter().any(|(c, _)| c == column) {
                let known: Vec<&str> = source.columns().iter().map(|(c, _)| c.label()).collect();
                r.error(
                    "registry",
                    &path,
                    format!("ekspor {} tidak memuat kolom {}", source.label(), column.label()),
                    format!("kolom yang dibaca: {}", known.join(", ")),
                );
            }
            if header_key(header).is_empty() {
                r.error("registry", &path, "nama kolom kosong", "tulis judul kolom seperti pada berkas ekspor");
            } else if !headers.insert(header_key(header)) {
                r.error(
                    "registry",
                    &path,
                    format!("judul kolom `{header}` dipakai untuk dua kolom"),
                    "setiap kolom berkas hanya dapat dibaca sebagai satu data",
                );
            }
        }
    }
}

/// The office's messages: channels named once, one message per moment, every template rendering with sample
/// values, a subject when e-mail is used.
fn check_notifications(notifications: &Notifications, r: &mut Reporter<'_>) {
    if notifications.channels.is_empty() {
        r.error(
            "notifications",
            "notifications.channels",
            "tidak ada saluran pemberitahuan",
            "tulis saluran yang dipakai kantor: email, whatsapp, sms; atau hapus bagian `notifications`",
        );
    }
    let mut channels = BTreeSet::new();
    for (i, channel) in notifications.channels.iter().enumerate() {
        if !channels.insert(*channel) {
            r.error(
                "notifications",
                &format!("notifications.channels[{i}]"),
                format!("saluran `{}` ditulis dua kali", channel.code()),
                "tulis setiap saluran sekali",
            );
        }
    }
    let mut moments = BTreeSet::new();
    let sample = MessageValues::sample();
    for (i, message) in notifications.messages.iter().enumerate() {
        let path = format!("notifications.messages[{i}]");
        if !moments.insert(message.moment) {
            r.error(
                "notifications",
                &format!("{path}.moment"),
                format!("pesan untuk saat `{}` ditulis dua kali", message.moment.code()),
                "tulis satu pesan untuk setiap saat",
            );
        }
        if message.text.trim().is_empty() {
            r.error("notifications", &format!("{path}.text"), "isi pesan kosong", "tulis isi pesan");
        }
        if notifications.uses(NotifyChannel::Email) && message.subject.trim().is_empty() {
            r.error(
                "notifications",
                &format!("{path}.subject"),
                "subjek e-mail kosong",
                "tulis subjek singkat, misalnya \"Permohonan Anda diterima\"",
            );
        }
        for (part, template) in [("subject", &message.subject), ("text", &message.text)] {
            if let Err(error) = render(template, &sample) {
                r.error(
                    "notifications",
                    &format!("{path}.{part}"),
                    format!("templat pesan `{}`: {error}", message.moment.code()),
                    "perbaiki nama nilai atau tanda {{ }} pada templat",
                );
            }
        }
    }
}
