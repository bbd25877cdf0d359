//! Checks of one service file: codes, references and components.

use super::TenantContext;
use super::codes::{check_list, is_kebab};
use super::{expressions, flow};
use crate::diagnostics::Reporter;
use crate::model::{FieldType, OutcomeStatus, ProductKind, RequirementKind, ServiceDefinition, StepKind, Target};

/// Runs every check of a service.
pub fn check(service: &ServiceDefinition, context: &TenantContext<'_>, r: &mut Reporter<'_>) {
    check_identity(service, r);
    check_codes(service, r);
    check_fields(service, r);
    check_requirements(service, r);
    check_roles(service, context, r);
    check_steps(service, r);
    check_products(service, context, r);
    check_consent(service, context, r);
    check_components(service, r);
    expressions::check(service, r);
    flow::check(service, super::minutes_per_working_day(context.tenant), r);
}

fn check_identity(service: &ServiceDefinition, r: &mut Reporter<'_>) {
    if !is_kebab(&service.code) {
        r.error(
            "code-format",
            "code",
            format!("kode layanan `{}` harus huruf kecil dengan tanda hubung", service.code),
            "pakai huruf kecil, angka, dan `-`, misalnya `rekomendasi-sktm`",
        );
    }
    // A definition is a reading of an office's standard: without its source nobody can check it against it.
    if service.source.document.trim().is_empty() {
        r.error(
            "source",
            "source.document",
            "definisi tidak menyebut standar pelayanan yang menjadi sumbernya",
            "tulis judul Standar Pelayanan dinas (dan SK-nya di bawah `reference`)",
        );
    }
    let stem = r.file().path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if service.code != stem {
        r.error(
            "file-name",
            "code",
            format!("kode layanan `{}` berbeda dengan nama berkasnya `{stem}`", service.code),
            format!("ganti nama berkas menjadi `{}.yaml` atau ubah kodenya", service.code),
        );
    }
}

fn check_codes(service: &ServiceDefinition, r: &mut Reporter<'_>) {
    check_list(r, "fields", "isian", service.fields.iter().map(|x| x.code.as_str()));
    check_list(r, "persyaratan", "persyaratan", service.persyaratan.iter().map(|x| x.code.as_str()));
    check_list(r, "rules", "aturan", service.rules.iter().map(|x| x.code.as_str()));
    check_list(r, "prosedur", "langkah", service.prosedur.iter().map(|x| x.code.as_str()));
    check_list(r, "outcomes", "hasil", service.outcomes.iter().map(|x| x.code.as_str()));
    check_list(r, "produk", "produk", service.produk.iter().map(|x| x.code.as_str()));
    for (i, step) in service.prosedur.iter().enumerate() {
        check_list(r, &format!("prosedur[{i}].actions"), "tindakan", step.actions.iter().map(|x| x.code.as_str()));
        check_list(
            r,
            &format!("prosedur[{i}].checklist"),
            "butir daftar periksa",
            step.checklist.iter().map(|x| x.code.as_str()),
        );
    }
}

fn check_fields(service: &ServiceDefinition, r: &mut Reporter<'_>) {
    if service.fields.is_empty() {
        r.error(
            "empty",
            "fields",
            "layanan tidak punya isian formulir",
            "tambahkan paling sedikit nama dan NIK pemohon",
        );
    }
    let mut subjects = Vec::new();
    for (i, field) in service.fields.iter().enumerate() {
        let path = format!("fields[{i}]");
        if expressions::reserved(&field.code) {
            r.error(
                "reserved-name",
                &format!("{path}.code"),
                format!("kode isian `{}` sama dengan nama fakta registri atau nilai turunan", field.code),
                "pilih kode lain; ekspresi tidak akan tahu mana yang dimaksud",
            );
        }
        match (field.field_type == FieldType::Choice, field.choices.is_empty()) {
            (true, true) => r.error(
                "choices",
                &format!("{path}.choices"),
                format!("isian pilihan `{}` tidak punya pilihan", field.code),
                "tulis nilai yang boleh dipilih di bawah `choices`",
            ),
            (false, false) => r.error(
                "choices",
                &format!("{path}.choices"),
                format!("isian `{}` punya pilihan tetapi jenisnya bukan `choice`", field.code),
                "tulis `type: choice` atau hapus `choices`",
            ),
            _ => {}
        }
        check_list(r, &format!("{path}.choices"), "pilihan", field.choices.iter().map(|c| c.value.as_str()));
        if field.subject {
            let sex_choices = {
                let mut values: Vec<&str> = field.choices.iter().map(|c| c.value.as_str()).collect();
                values.sort_unstable();
                values == ["laki_laki", "perempuan"]
            };
            match field.field_type {
                FieldType::Nik | FieldType::Date => subjects.push((i, field.field_type)),
                FieldType::Choice if sex_choices => subjects.push((i, field.field_type)),
                FieldType::Choice => r.error(
                    "subject",
                    &format!("{path}.subject"),
                    format!(
                        "isian pilihan `{}` ditandai `subject` tetapi nilainya bukan laki_laki dan perempuan",
                        field.code
                    ),
                    "isian pilihan `subject` adalah jenis kelamin orang yang dilayani: beri tepat nilai laki_laki dan perempuan",
                ),
                _ => r.error(
                    "subject",
                    &format!("{path}.subject"),
                    format!("isian `{}` ditandai `subject` tetapi bukan NIK, tanggal, atau jenis kelamin", field.code),
                    "tandai isian NIK, tanggal lahir, atau jenis kelamin orang yang dilayani",
                ),
            }
        }
    }
    for kind in [FieldType::Nik, FieldType::Date, FieldType::Choice] {
        let marked: Vec<usize> = subjects.iter().filter(|(_, t)| *t == kind).map(|(i, _)| *i).collect();
        if let [_, second, ..] = marked.as_slice() {
            r.error(
                "subject",
                &format!("fields[{second}].subject"),
                "lebih dari satu isian berjenis ini ditandai `subject`",
                "hanya orang yang dilayani yang menjadi `subject`; hapus tanda pada isian lain",
            );
        }
    }
}

fn check_requirements(service: &ServiceDefinition, r: &mut Reporter<'_>) {
    for (i, req) in service.persyaratan.iter().enumerate() {
        let path = format!("persyaratan[{i}]");
        if req.copies == 0 {
            r.error(
                "copies",
                &format!("{path}.copies"),
                "jumlah rangkap paling sedikit 1",
                "tulis berapa rangkap yang diserahkan",
            );
        }
        if let Some(step) = &req.needed_at
            && !service.prosedur.iter().any(|s| &s.code == step)
        {
            r.error(
                "unknown-reference",
                &format!("{path}.needed_at"),
                format!("langkah `{step}` tidak ada"),
                format!("pakai salah satu: {}", codes(service.prosedur.iter().map(|s| s.code.as_str()))),
            );
        }
        match req.kind {
            RequirementKind::Document => {
                if req.accept.is_empty() {
                    r.error(
                        "file-types",
                        &format!("{path}.accept"),
                        format!("dokumen `{}` tidak menerima jenis berkas apa pun", req.code),
                        "tambahkan misalnya `accept: [pdf, jpg, png]`",
                    );
                }
                if req.max_size_kb.is_none_or(|kb| kb == 0) {
                    r.error(
                        "file-types",
                        &format!("{path}.max_size_kb"),
                        format!("dokumen `{}` tidak punya batas ukuran berkas", req.code),
                        "tambahkan misalnya `max_size_kb: 2048`",
                    );
                }
                if req.rule.is_some() {
                    r.error(
                        "requirement-kind",
                        &format!("{path}.rule"),
                        "dokumen tidak diperiksa dengan aturan",
                        "tulis `kind: condition` atau hapus `rule`",
                    );
                }
            }
            RequirementKind::Condition => match &req.rule {
                None => r.error(
                    "requirement-kind",
                    &path,
                    format!("syarat `{}` tidak menyebut aturan yang memeriksanya", req.code),
                    "tambahkan `rule: <kode aturan>`",
                ),
                Some(rule) if !service.rules.iter().any(|x| &x.code == rule) => r.error(
                    "unknown-reference",
                    &format!("{path}.rule"),
                    format!("aturan `{rule}` tidak ada"),
                    format!("pakai salah satu: {}", codes(service.rules.iter().map(|x| x.code.as_str()))),
                ),
                Some(_) => {}
            },
        }
    }
}

fn check_roles(service: &ServiceDefinition, context: &TenantContext<'_>, r: &mut Reporter<'_>) {
    let roles = &context.tenant.roles;
    let known = || codes(roles.iter().map(|x| x.code.as_str()));
    let check = |r: &mut Reporter<'_>, path: String, role: &str| {
        if !roles.iter().any(|x| x.code == role) {
            r.error(
                "unknown-reference",
                &path,
                format!("peran `{role}` bukan peran di {}", context.tenant.name),
                format!("pakai salah satu: {}", known()),
            );
        }
    };
    if service.submission.roles.is_empty() {
        r.error(
            "empty",
            "submission.roles",
            "tidak ada yang boleh mengajukan",
            "sebutkan peran yang mengajukan permohonan",
        );
    }
    for (i, role) in service.submission.roles.iter().enumerate() {
        check(r, format!("submission.roles[{i}]"), role);
    }
    for (i, step) in service.prosedur.iter().enumerate() {
        if step.roles.is_empty() {
            r.error(
                "empty",
                &format!("prosedur[{i}].roles"),
                format!("tidak ada yang boleh bertindak di langkah `{}`", step.code),
                "sebutkan peran yang bertindak",
            );
        }
        for (j, role) in step.roles.iter().enumerate() {
            check(r, format!("prosedur[{i}].roles[{j}]"), role);
            // Whoever of these roles signs, the letter needs their name, pangkat and NIP from the office file.
            if let Some(product) = &step.issues
                && roles.iter().any(|x| &x.code == role)
                && !context.tenant.signatories.iter().any(|s| &s.role == role && s.signs(product))
            {
                r.error(
                    "signatory",
                    &format!("prosedur[{i}].roles[{j}]"),
                    format!(
                        "peran `{role}` menandatangani surat `{product}` di langkah `{}`, tetapi {} tidak punya penanda tangan untuknya",
                        step.code, context.tenant.name
                    ),
                    format!("tambahkan penanda tangan dengan `role: {role}` di tenant.yaml, atau hapus peran itu dari langkah"),
                );
            }
        }
        for (j, action) in step.actions.iter().enumerate() {
            for (k, role) in action.assign_to.iter().enumerate() {
                check(r, format!("prosedur[{i}].actions[{j}].assign_to[{k}]"), role);
            }
        }
    }
}

fn check_steps(service: &ServiceDefinition, r: &mut Reporter<'_>) {
    if service.prosedur.is_empty() {
        r.error(
            "empty",
            "prosedur",
            "prosedur tidak punya langkah",
            "tulis langkah-langkahnya, mulai dari yang pertama",
        );
    }
    let assigns = service.prosedur.iter().flat_map(|s| &s.actions).any(|a| !a.assign_to.is_empty());
    for (i, step) in service.prosedur.iter().enumerate() {
        let path = format!("prosedur[{i}]");
        if step.duration.is_some_and(|d| d.value == 0) {
            r.error(
                "duration",
                &format!("{path}.duration.value"),
                "lama waktu nol",
                "tulis berapa lama langkah ini boleh berlangsung",
            );
        }
        if step.kind == StepKind::Disposisi && !step.actions.iter().any(|a| !a.assign_to.is_empty()) {
            r.error(
                "disposisi",
                &format!("{path}.actions"),
                format!("langkah disposisi `{}` tidak menugaskan siapa pun", step.code),
                "beri tindakan lanjutnya `assign_to: [<peran petugas yang ditugaskan>]`",
            );
        }
        if step.assigned && !assigns {
            r.error(
                "disposisi",
                &format!("{path}.assigned"),
                format!(
                    "langkah `{}` untuk petugas yang ditugaskan, tetapi tidak ada tindakan yang menugaskan",
                    step.code
                ),
                "tambahkan langkah disposisi sebelumnya, atau hapus `assigned`",
            );
        }
        if step.kind == StepKind::Paraf && step.roles.len() < 2 {
            r.warning(
                "paraf",
                &format!("{path}.roles"),
                "rantai paraf hanya satu peran",
                "tulis peran yang memaraf konsep, berurutan",
            );
        }
        match (step.kind == StepKind::Sign, &step.issues) {
            (true, None) => r.error(
                "sign",
                &path,
                format!("langkah tanda tangan `{}` tidak menyebut surat yang diterbitkannya", step.code),
                "tambahkan `issues: <kode produk surat>`",
            ),
            (false, Some(_)) => r.error(
                "sign",
                &format!("{path}.issues"),
                "hanya langkah tanda tangan yang menerbitkan surat",
                "tulis `kind: sign` atau hapus `issues`",
            ),
            (true, Some(product)) => match service.produk.iter().find(|p| &p.code == product) {
                None => r.error(
                    "unknown-reference",
                    &format!("{path}.issues"),
                    format!("produk `{product}` tidak ada"),
                    format!("pakai salah satu: {}", codes(service.produk.iter().map(|p| p.code.as_str()))),
                ),
                Some(p) if p.kind != ProductKind::Letter => r.error(
                    "sign",
                    &format!("{path}.issues"),
                    format!("produk `{product}` berupa {}, bukan surat", p.kind.noun()),
                    "langkah tanda tangan menerbitkan produk surat",
                ),
                Some(_) => {}
            },
            (false, None) => {}
        }
        if step.kind == StepKind::FieldSurvey {
            for (j, action) in step.actions.iter().enumerate() {
                if action.result.is_none() && action.to != Target::Applicant {
                    r.error(
                        "survey-result",
                        &format!("{path}.actions[{j}]"),
                        format!("tindakan `{}` pada survei lapangan `{}` tidak mencatat hasil", action.code, step.code),
                        "beri `result: layak` atau `result: tidak_layak`; hasil itu menentukan cabang dan produknya",
                    );
                }
            }
        }
        for (j, action) in step.actions.iter().enumerate() {
            let apath = format!("{path}.actions[{j}]");
            if !action.assign_to.is_empty() && step.kind != StepKind::Disposisi {
                r.error(
                    "disposisi",
                    &format!("{apath}.assign_to"),
                    "hanya langkah disposisi yang menugaskan petugas",
                    "tulis `kind: disposisi` pada langkahnya atau hapus `assign_to`",
                );
            }
            for (k, rule) in action.rules.iter().enumerate() {
                if !service.rules.iter().any(|x| &x.code == rule) {
                    r.error(
                        "unknown-reference",
                        &format!("{apath}.rules[{k}]"),
                        format!("aturan `{rule}` tidak ada"),
                        format!("pakai salah satu: {}", codes(service.rules.iter().map(|x| x.code.as_str()))),
                    );
                }
            }
            match &action.to {
                Target::Step(target) if !service.prosedur.iter().any(|s| &s.code == target) => r.error(
                    "unknown-reference",
                    &format!("{apath}.to.step"),
                    format!("langkah `{target}` tidak ada"),
                    format!("pakai salah satu: {}", codes(service.prosedur.iter().map(|s| s.code.as_str()))),
                ),
                Target::Outcome(outcome) => match service.outcomes.iter().find(|o| &o.code == outcome) {
                    None => r.error(
                        "unknown-reference",
                        &format!("{apath}.to.outcome"),
                        format!("hasil `{outcome}` tidak ada"),
                        format!("pakai salah satu: {}", codes(service.outcomes.iter().map(|o| o.code.as_str()))),
                    ),
                    Some(o) if o.status == OutcomeStatus::Rejected && !action.note_required => r.warning(
                        "note",
                        &apath,
                        format!("tindakan `{}` menolak permohonan tanpa meminta alasan", action.code),
                        "tambahkan `note_required: true` agar pemohon tahu alasannya",
                    ),
                    Some(_) => {}
                },
                Target::Applicant if !action.note_required => r.warning(
                    "note",
                    &apath,
                    format!("tindakan `{}` mengembalikan permohonan tanpa menanyakan apa yang kurang", action.code),
                    "tambahkan `note_required: true`",
                ),
                _ => {}
            }
        }
    }
    for (i, rule) in service.submission.rules.iter().enumerate() {
        if !service.rules.iter().any(|x| &x.code == rule) {
            r.error(
                "unknown-reference",
                &format!("submission.rules[{i}]"),
                format!("aturan `{rule}` tidak ada"),
                format!("pakai salah satu: {}", codes(service.rules.iter().map(|x| x.code.as_str()))),
            );
        }
    }
}

fn check_products(service: &ServiceDefinition, context: &TenantContext<'_>, r: &mut Reporter<'_>) {
    if service.produk.is_empty() {
        r.error("empty", "produk", "layanan tidak punya produk", "sebutkan apa yang diterima pemohon");
    }
    for (i, product) in service.produk.iter().enumerate() {
        let path = format!("produk[{i}]");
        if !context.templates.contains(&product.template) {
            r.error(
                "unknown-reference",
                &format!("{path}.template"),
                format!("templat `{}` tidak ada di folder templat {}", product.template, context.tenant.code),
                format!("buat service-definitions/{}/templates/{}", context.tenant.code, product.template),
            );
        }
        for (j, outcome) in product.outcomes.iter().enumerate() {
            if !service.outcomes.iter().any(|o| &o.code == outcome) {
                r.error(
                    "unknown-reference",
                    &format!("{path}.outcomes[{j}]"),
                    format!("hasil `{outcome}` tidak ada"),
                    format!("pakai salah satu: {}", codes(service.outcomes.iter().map(|o| o.code.as_str()))),
                );
            }
        }
        // Letters, lists and recaps each carry a number of the office's own (tata naskah dinas numbers every
        // document the office sends out).
        match &product.series {
            None => r.error(
                "numbering",
                &path,
                format!("{} `{}` tidak punya seri penomoran", product.kind.noun(), product.code),
                format!(
                    "tambahkan `series:` dengan salah satu: {}",
                    codes(context.tenant.numbering.iter().map(|s| s.code.as_str()))
                ),
            ),
            Some(series) if !context.tenant.numbering.iter().any(|s| &s.code == series) => r.error(
                "unknown-reference",
                &format!("{path}.series"),
                format!("seri penomoran `{series}` tidak ada di tenant.yaml"),
                format!("pakai salah satu: {}", codes(context.tenant.numbering.iter().map(|s| s.code.as_str()))),
            ),
            Some(_) => {}
        }
        if product.kind == ProductKind::Letter
            && !service.prosedur.iter().any(|s| s.issues.as_deref() == Some(product.code.as_str()))
        {
            r.error(
                "letter-not-signed",
                &path,
                format!("tidak ada langkah yang menandatangani surat `{}`", product.code),
                "tambahkan `issues: <produk ini>` pada langkah tanda tangan yang menandatanganinya",
            );
        }
        if product.kind == ProductKind::Recap && product.period.is_none() {
            r.error(
                "period",
                &path,
                format!("rekap `{}` tidak punya periode", product.code),
                "tambahkan misalnya `period: monthly`",
            );
        }
    }
}

fn check_components(service: &ServiceDefinition, r: &mut Reporter<'_>) {
    let lists: [(&str, usize); 7] = [
        ("dasar_hukum", service.dasar_hukum.len()),
        ("sarana_prasarana", service.sarana_prasarana.len()),
        ("kompetensi_pelaksana", service.kompetensi_pelaksana.len()),
        ("pengawasan_internal", service.pengawasan_internal.len()),
        ("jaminan_pelayanan", service.jaminan_pelayanan.len()),
        ("jaminan_keamanan", service.jaminan_keamanan.len()),
        ("evaluasi_kinerja", service.evaluasi_kinerja.len()),
    ];
    let missing: Vec<&str> = lists
        .into_iter()
        .chain([("jumlah_pelaksana", service.jumlah_pelaksana.len())])
        .filter(|(_, len)| *len == 0)
        .map(|(name, _)| name)
        .collect();
    if let Some(first) = missing.first() {
        r.warning(
            "component-missing",
            first,
            format!("komponen belum dicantumkan: {}", missing.join(", ")),
            "PermenPAN-RB 15/2014 meminta setiap standar mencantumkan 14 komponen; isi setelah dinas menetapkannya",
        );
    }
    if service.pengaduan.text.is_none() && service.pengaduan.channels.is_empty() {
        r.error(
            "empty",
            "pengaduan",
            "tidak ada cara menyampaikan pengaduan",
            "tulis salurannya atau jelaskan pengaturannya",
        );
    }
    if service.persyaratan.is_empty() {
        r.warning("empty", "persyaratan", "layanan tidak punya persyaratan", "tulis apa yang dibawa pemohon");
    }
}

/// A comma-separated list of codes for hints.
pub fn codes<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<&str> = items.collect();
    if list.is_empty() { String::from("(belum ada)") } else { list.join(", ") }
}

/// A service whose form asks for a phone number or an e-mail address, of an office that sends messages, needs the
/// office's consent field as a yes/no question: without it nobody's consent is recorded and nothing is sent.
fn check_consent(service: &ServiceDefinition, context: &TenantContext<'_>, r: &mut Reporter<'_>) {
    let Some(notifications) = &context.tenant.notifications else { return };
    let code = notifications.consent_field.as_str();
    match service.fields.iter().position(|f| f.code == code) {
        Some(i) if service.fields[i].field_type != FieldType::YesNo => r.error(
            "notifications",
            &format!("fields[{i}].type"),
            format!("kolom persetujuan `{code}` harus berjenis yes_no"),
            "pemohon menjawab ya atau tidak untuk menerima pemberitahuan",
        ),
        Some(_) => {}
        None if service.fields.iter().any(|f| matches!(f.field_type, FieldType::Phone | FieldType::Email)) => r.warning(
            "notifications",
            "fields",
            format!("formulir meminta nomor telepon atau e-mail tetapi tidak punya kolom persetujuan `{code}`"),
            format!(
                "tambahkan `{{ code: {code}, type: yes_no, required: false }}`; tanpa persetujuan pemohon tidak diberi kabar"
            ),
        ),
        None => {}
    }
}
