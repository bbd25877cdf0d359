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
            format!("kode dinas `{}` berbeda dengan nama foldernya `{folder}`", tenant.code),
            format!("ganti nama folder menjadi `{}` atau ubah kodenya", tenant.code),
        );
    }
    if !is_kebab(&tenant.code) {
        r.error(
            "code-format",
            "code",
            format!("kode dinas `{}` harus huruf kecil dengan tanda hubung", tenant.code),
            "misalnya `luwu-timur`",
        );
    }
    check_region(tenant, r);
    check_time_zone(&tenant.time_zone, r);
    check_office_hours(tenant, r);
    if !(1..=99).contains(&tenant.nearing_percent) {
        r.error(
            "nearing-percent",
            "nearing_percent",
            format!("{} % bukan bagian dari tenggat", tenant.nearing_percent),
            "tulis persentase antara 1 dan 99, misalnya 80",
        );
    }
    if catalog.calendar(&tenant.calendar).is_none() {
        let known: Vec<&str> = catalog.calendars.iter().map(|c| c.value.code.as_str()).collect();
        r.error(
            "unknown-reference",
            "calendar",
            format!("kalender `{}` tidak ada", tenant.calendar),
            format!(
                "tambahkan service-definitions/calendars/{}.yaml atau pakai salah satu: {}",
                tenant.calendar,
                known.join(", ")
            ),
        );
    }
    let mut seen = HashMap::new();
    if let Some(calendar) = catalog.calendar(&tenant.calendar) {
        for day in &calendar.days_off {
            seen.insert(day.date, String::from("kalender bersama"));
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
    check_list(r, "roles", "peran", tenant.roles.iter().map(|x| x.code.as_str()));
    check_list(r, "numbering", "seri penomoran", tenant.numbering.iter().map(|x| x.code.as_str()));
    for (i, series) in tenant.numbering.iter().enumerate() {
        check_number_pattern(&series.pattern, &format!("numbering[{i}].pattern"), r);
    }
    for (i, signatory) in tenant.signatories.iter().enumerate() {
        if !tenant.roles.iter().any(|role| role.code == signatory.role) {
            r.error(
                "unknown-reference",
                &format!("signatories[{i}].role"),
                format!("peran `{}` bukan peran di dinas ini", signatory.role),
                "tambahkan di bawah `roles` atau pakai kode peran yang ada",
            );
        }
        if let Some(nip) = &signatory.nip {
            check_nip(nip, &format!("signatories[{i}].nip"), r);
        }
        check_signatory(tenant, catalog, i, signatory, r);
    }
    if tenant.kop_surat.lines.is_empty() {
        r.error(
            "empty",
            "kop_surat.lines",
            "kop surat tidak berisi baris",
            "tulis nama pemerintah daerah dan nama dinas",
        );
    }
    if let Some(emblem) = &tenant.kop_surat.emblem
        && crate::model::ImageKind::of_file(emblem).is_none()
    {
        r.error(
            "format",
            "kop_surat.emblem",
            format!("berkas lambang `{emblem}` bukan gambar SVG, PNG, atau JPEG"),
            "pakai berkas .svg, .png, atau .jpg",
        );
    } else if let Some(emblem) = &tenant.kop_surat.emblem
        && !templates.contains(emblem)
    {
        r.error(
            "unknown-reference",
            "kop_surat.emblem",
            format!("berkas lambang `{emblem}` tidak ada di folder templat dinas"),
            "letakkan gambar di templates/ atau hapus kunci ini",
        );
    }
    if tenant.pengaduan.is_empty() {
        r.warning(
            "empty",
            "pengaduan",
            "dinas tidak mencantumkan saluran pengaduan",
            "tambahkan paling sedikit satu saluran",
        );
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
                "penanda tangan untuk peran `{}` masih isian sementara (`{}`): surat mencetaknya sebagai nama",
                signatory.role, signatory.name
            ),
            "tulis nama, pangkat, dan NIP pejabat, lalu hapus `placeholder`",
        );
    } else if signatory.name.trim().is_empty() {
        r.error("empty", &format!("{path}.name"), "penanda tangan belum bernama", "tulis nama lengkap pejabat");
    }
    if let Some(principal) = &signatory.on_behalf_of {
        if principal == &signatory.role {
            r.error(
                "signatory",
                &format!("{path}.on_behalf_of"),
                "pejabat tidak dapat menandatangani atas nama perannya sendiri",
                "sebutkan peran pejabat yang diwakili (a.n.), misalnya `kepala_dinas`",
            );
        } else if !tenant.signatories.iter().any(|s| &s.role == principal && s.on_behalf_of.is_none()) {
            r.error(
                "unknown-reference",
                &format!("{path}.on_behalf_of"),
                format!("tidak ada penanda tangan berperan `{principal}` yang menandatangani atas namanya sendiri, sehingga \"a.n.\" tidak punya jabatan"),
                "tambahkan penanda tangan peran itu; jabatannya ditulis sesudah \"a.n.\"",
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
                format!("`{letter}` bukan produk surat dari layanan dinas ini"),
                format!("pakai salah satu: {}", super::service::codes(products.iter().copied())),
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
            format!("kode provinsi `{province}` bukan dua angka"),
            "pakai kode Kemendagri, misalnya `73` untuk Sulawesi Selatan",
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
            format!("kode wilayah `{code}` tidak berbentuk PP.KK"),
            "tulis kode kabupaten/kota sebagai dua angka, titik, dan dua angka, misalnya `73.02` (Kepmendagri 300.2.2-2138/2025)",
        );
    } else if !code.starts_with(province.as_str()) {
        r.error(
            "region-code",
            "region_code",
            format!("kode wilayah `{code}` tidak berada di provinsi `{province}`"),
            format!("kode kabupaten/kota di provinsi {province} diawali `{province}.`"),
        );
    }
}

fn check_time_zone(zone: &str, r: &mut Reporter<'_>) {
    if zone.parse::<chrono_tz::Tz>().is_err() {
        r.error(
            "time-zone",
            "time_zone",
            format!("`{zone}` bukan nama zona waktu"),
            "pakai Asia/Jakarta (WIB), Asia/Makassar (WITA), atau Asia/Jayapura (WIT)",
        );
    } else if !INDONESIAN_TIME_ZONES.contains(&zone) {
        r.error(
            "time-zone",
            "time_zone",
            format!("`{zone}` bukan zona waktu Indonesia"),
            "pakai Asia/Jakarta (WIB), Asia/Makassar (WITA), atau Asia/Jayapura (WIT)",
        );
    }
}

fn check_office_hours(tenant: &Tenant, r: &mut Reporter<'_>) {
    if tenant.office_hours.is_empty() {
        r.error(
            "office-hours",
            "office_hours",
            "dinas belum mencantumkan jam layanan",
            "tambahkan hari dan jam pelayanan",
        );
    }
    let mut days = HashMap::new();
    for (i, hours) in tenant.office_hours.iter().enumerate() {
        if hours.close <= hours.open {
            r.error(
                "office-hours",
                &format!("office_hours[{i}].close"),
                format!(
                    "jam tutup {} tidak sesudah jam buka {}",
                    hours.close.format("%H:%M"),
                    hours.open.format("%H:%M")
                ),
                "kantor harus tutup sesudah buka pada hari yang sama",
            );
        }
        for (j, day) in hours.days.iter().enumerate() {
            if let Some(first) = days.insert(*day, i) {
                r.error(
                    "office-hours",
                    &format!("office_hours[{i}].days[{j}]"),
                    format!(
                        "hari {} sudah punya jam layanan di office_hours[{first}]",
                        format!("{day:?}").to_lowercase()
                    ),
                    "tulis setiap hari sekali saja",
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
                format!("{} tertulis dua kali (juga di {first})", day.date),
                "tulis setiap hari libur sekali saja",
            );
        }
    }
}

fn check_number_pattern(pattern: &str, path: &str, r: &mut Reporter<'_>) {
    let mut rest = pattern;
    let mut has_seq = false;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            r.error("numbering-pattern", path, format!("`{{` tanpa `}}` di `{pattern}`"), "tutup setiap penanda isian");
            return;
        };
        let name = &rest[open + 1..open + close];
        if name == "seq" {
            has_seq = true;
        } else if !NUMBER_PLACEHOLDERS.contains(&name) {
            r.error(
                "numbering-pattern",
                path,
                format!("penanda isian `{{{name}}}` tidak dikenal di `{pattern}`"),
                format!(
                    "pakai {}",
                    NUMBER_PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        rest = &rest[open + close + 1..];
    }
    if rest.contains('}') {
        r.error("numbering-pattern", path, format!("`}}` tanpa `{{` di `{pattern}`"), "buka setiap penanda isian");
    }
    if !has_seq {
        r.error(
            "numbering-pattern",
            path,
            format!("pola `{pattern}` tidak memuat `{{seq}}`"),
            "nomor urut membuat setiap nomor surat unik; tambahkan `{seq}`",
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
            format!("`{nip}` bukan NIP yang sah"),
            "NIP terdiri atas 18 angka: tanggal lahir YYYYMMDD, TMT pengangkatan YYYYMM, jenis kelamin 1 atau 2, nomor urut; misalnya 19650523 199303 1 006",
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
