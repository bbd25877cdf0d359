//! One test per check: a small break in the valid base fixture, and the diagnostic it must produce — its
//! check name, file, line and message.

use pretty_assertions::assert_eq;
use simpul_definitions::Level::{Error, Warning};

use super::fixture::{CALENDAR, Fixture, SERVICE, TENANT, assert_at, only};

#[test]
fn the_base_fixture_is_valid() {
    assert_eq!(Fixture::base().validate(), vec![]);
}

#[test]
fn broken_yaml_syntax_is_reported_where_it_breaks() {
    let f = Fixture::base();
    f.edit(SERVICE, "name: Layanan contoh", "name: Layanan contoh\n  bad: [unclosed");
    let d = f.validate();
    let e = only(&d, "yaml-syntax");
    assert_eq!(e.level, Error);
    assert!(e.line >= f.line_of(SERVICE, "bad: [unclosed"), "{e:#?}");
}

#[test]
fn an_unknown_key_is_named_with_the_allowed_keys() {
    let f = Fixture::base();
    f.edit(SERVICE, "  - { code: nama, label: Nama, type: text }", "  - { code: nama, label: Nama, tipe: text }");
    let d = f.validate();
    let e = only(&d, "unknown-key");
    assert_at(e, Error, SERVICE, f.line_of(SERVICE, "tipe: text"), "kunci `tipe` tidak dikenal");
    assert!(e.message.contains("`type`"), "lists the allowed keys: {}", e.message);
    assert_eq!(e.path, "fields[0].tipe");
}

#[test]
fn a_missing_component_is_a_missing_key() {
    let f = Fixture::base();
    f.edit(SERVICE, "biaya: { amount: 0, text: Gratis }\n", "");
    let d = f.validate();
    assert_at(only(&d, "missing-key"), Error, SERVICE, 2, "kunci `biaya` wajib ada");
}

#[test]
fn a_value_of_the_wrong_type_is_reported_on_its_line() {
    let f = Fixture::base();
    f.edit(SERVICE, "max_size_kb: 1024", "max_size_kb: seribu");
    let d = f.validate();
    let e = only(&d, "type");
    assert_at(e, Error, SERVICE, f.line_of(SERVICE, "seribu"), "jenis nilai salah");
    assert_eq!(e.path, "persyaratan[0].max_size_kb");
}

#[test]
fn an_unknown_enum_value_lists_the_allowed_ones() {
    let f = Fixture::base();
    f.edit(SERVICE, "kind: field_survey", "kind: survei_lapangan");
    let d = f.validate();
    let e = only(&d, "unknown-value");
    assert_at(e, Error, SERVICE, f.line_of(SERVICE, "survei_lapangan"), "nilai `survei_lapangan` tidak dikenal");
    assert!(e.message.contains("field_survey"), "{}", e.message);
}

#[test]
fn a_malformed_target_says_how_to_write_one() {
    let f = Fixture::base();
    f.edit(SERVICE, "to: { step: paraf }", "to: paraf");
    let d = f.validate();
    let e = only(&d, "yaml-syntax");
    assert_at(e, Error, SERVICE, f.line_of(SERVICE, "to: paraf"), "`paraf` bukan tujuan");
    assert!(e.message.contains("{ step: <code> }"), "{}", e.message);
}

#[test]
fn duplicate_codes_are_reported_at_the_second_one() {
    let f = Fixture::base();
    f.edit(
        SERVICE,
        "{ code: nik, label: NIK, type: nik, subject: true }",
        "{ code: nama, label: NIK, type: nik, subject: true }",
    );
    let d = f.validate();
    let e = only(&d, "duplicate-code");
    assert_at(e, Error, SERVICE, f.line_of(SERVICE, "code: nama, label: NIK"), "kode isian `nama` dipakai dua kali");
    assert_eq!(e.path, "fields[1].code");
}

#[test]
fn codes_must_be_snake_case() {
    let f = Fixture::base();
    f.edit(SERVICE, "code: keperluan_lainnya,", "code: Keperluan-Lainnya,");
    f.edit(SERVICE, "keperluan == \"lainnya\"", "keperluan == \"lainnya\" && true");
    let d = f.validate();
    assert_at(
        only(&d, "code-format"),
        Error,
        SERVICE,
        f.line_of(SERVICE, "Keperluan-Lainnya"),
        "harus huruf kecil dengan garis bawah",
    );
}

#[test]
fn an_unknown_role_is_named_with_the_known_ones() {
    let f = Fixture::base();
    f.edit(SERVICE, "roles: [kabid]", "roles: [kepala_seksi]");
    let d = f.validate();
    let e = only(&d, "unknown-reference");
    assert_at(e, Error, SERVICE, f.line_of(SERVICE, "kepala_seksi"), "peran `kepala_seksi` bukan peran di");
    assert!(e.hint.as_deref().unwrap_or_default().contains("kabid"), "{e:#?}");
}

#[test]
fn an_action_leading_to_a_missing_step_is_an_unknown_reference() {
    let f = Fixture::base();
    f.edit(SERVICE, "to: { step: tanda_tangan }", "to: { step: tandatangan }");
    let d = f.validate();
    let unknown = only(&d, "unknown-reference");
    assert_at(unknown, Error, SERVICE, f.line_of(SERVICE, "tandatangan }"), "langkah `tandatangan` tidak ada");
    assert_eq!(unknown.path, "prosedur[4].actions[0].to.step");
    // The signing step can no longer be reached either.
    assert_at(
        only(&d, "unreachable-step"),
        Error,
        SERVICE,
        f.line_of(SERVICE, "code: tanda_tangan"),
        "tidak dapat dicapai",
    );
}

#[test]
fn an_unknown_outcome_rule_template_or_series_is_reported() {
    let f = Fixture::base();
    f.edit(SERVICE, "to: { outcome: selesai }", "to: { outcome: beres }");
    f.edit(SERVICE, "rules: [terdaftar_dtks]", "rules: [terdaftar_dtsen]");
    f.edit(SERVICE, "template: surat.hbs, series: surat", "template: surat-x.hbs, series: surat_x");
    let d = f.validate();
    let messages: Vec<(usize, &str)> =
        d.iter().filter(|d| d.check == "unknown-reference").map(|d| (d.line, d.message.as_str())).collect();
    assert_eq!(
        messages,
        vec![
            (f.line_of(SERVICE, "rules: [terdaftar_dtsen]"), "aturan `terdaftar_dtsen` tidak ada"),
            (f.line_of(SERVICE, "outcome: beres"), "hasil `beres` tidak ada"),
            (f.line_of(SERVICE, "surat-x.hbs"), "templat `surat-x.hbs` tidak ada di folder templat contoh"),
            (f.line_of(SERVICE, "surat-x.hbs"), "seri penomoran `surat_x` tidak ada di tenant.yaml"),
        ]
    );
}

#[test]
fn a_step_nothing_leads_to_is_unreachable() {
    let f = Fixture::base();
    f.edit(SERVICE, "to: { step: disposisi }", "to: { step: survei }");
    let d = f.validate();
    assert_at(
        only(&d, "unreachable-step"),
        Error,
        SERVICE,
        f.line_of(SERVICE, "code: disposisi"),
        "langkah `disposisi` tidak dapat dicapai",
    );
}

#[test]
fn a_step_that_only_returns_to_the_applicant_is_a_dead_end() {
    let f = Fixture::base();
    f.edit(
        SERVICE,
        "{ code: paraf, label: Paraf, to: { step: tanda_tangan } }",
        "{ code: paraf, label: Paraf, to: applicant, note_required: true }",
    );
    let d = f.validate();
    assert_at(
        only(&d, "dead-end-step"),
        Error,
        SERVICE,
        // Reported at the step's `actions:` key, the line above its first action.
        f.line_of(SERVICE, "code: paraf, label: Paraf") - 1,
        "langkah `paraf` tidak punya jalan keluar",
    );
}

#[test]
fn steps_that_only_lead_to_each_other_never_end() {
    let f = Fixture::base();
    f.edit(
        SERVICE,
        "{ code: tandatangani, label: Tandatangani, to: { outcome: selesai } }",
        "{ code: tandatangani, label: Tandatangani, to: { step: paraf } }",
    );
    let d = f.validate();
    let no_outcome: Vec<_> = d.iter().filter(|d| d.check == "no-outcome").collect();
    assert_eq!(no_outcome.len(), 2, "{d:#?}");
    assert!(no_outcome[0].message.contains("tidak ada jalur dari langkah `paraf` yang berakhir pada suatu hasil"));
    assert_eq!(no_outcome[0].line, f.line_of(SERVICE, "{ code: paraf, label: Paraf") - 1, "the `actions:` line");
}

#[test]
fn an_expression_that_does_not_parse_is_reported() {
    let f = Fixture::base();
    f.edit(SERVICE, "check: dtks_terdaftar == true", "check: dtks_terdaftar ==");
    let d = f.validate();
    let e = only(&d, "expression");
    assert_at(e, Error, SERVICE, f.line_of(SERVICE, "check: dtks_terdaftar =="), "bukan ekspresi yang sah");
    assert_eq!(e.path, "rules[0].check");
}

#[test]
fn a_deeply_nested_expression_is_a_diagnostic_not_a_crash() {
    for depth in [10, 100, 10_000] {
        for (open, close) in [("(", ")"), ("[", "]")] {
            let f = Fixture::base();
            let deep = format!("{}dtks_terdaftar{}", open.repeat(depth), close.repeat(depth));
            f.edit(SERVICE, "check: dtks_terdaftar == true", &format!("check: \"{deep} == true\""));
            let d = f.validate();
            let e = only(&d, "expression");
            assert_eq!(e.path, "rules[0].check");
            assert_eq!(e.line, f.line_of(SERVICE, "check: \""), "{e:#?}");
            let expected = if depth == 10_000 { "terlalu panjang" } else { "bersarang terlalu dalam" };
            assert!(e.message.contains(expected), "{depth} {open}: {}", e.message);
            assert!(e.message.len() < 200, "the expression itself is not quoted back");
        }
    }
}

#[test]
fn an_expression_with_too_many_operators_or_levels_is_refused() {
    let f = Fixture::base();
    let long = vec!["1"; 40].join(" + ");
    f.edit(SERVICE, "check: dtks_terdaftar == true", &format!("check: dtks_terdaftar == ({long} > 3)"));
    assert!(only(&f.validate(), "expression").message.contains("terlalu banyak operator"));
    let f = Fixture::base();
    let deep = format!("{}dtks_terdaftar", "a.".repeat(20));
    f.edit(SERVICE, "check: dtks_terdaftar == true", &format!("check: {deep}"));
    assert!(only(&f.validate(), "expression").message.contains("terlalu bertingkat"));
}

#[test]
fn an_expression_may_name_only_known_fields_facts_and_derived_values() {
    let f = Fixture::base();
    f.edit(SERVICE, "when: usia >= 17", "when: umur >= 17");
    let d = f.validate();
    let e = only(&d, "unknown-name");
    assert_at(e, Error, SERVICE, f.line_of(SERVICE, "umur >= 17"), "`umur` dalam `umur >= 17` bukan isian");
    assert!(e.hint.as_deref().unwrap_or_default().contains("usia"), "{e:#?}");
}

#[test]
fn a_form_condition_cannot_use_a_registry_fact() {
    let f = Fixture::base();
    f.edit(SERVICE, "when: keperluan == \"lainnya\"", "when: dtks_terdaftar");
    let d = f.validate();
    let e = only(&d, "unknown-name");
    assert_at(e, Error, SERVICE, f.line_of(SERVICE, "when: dtks_terdaftar"), "`dtks_terdaftar`");
    assert!(e.hint.as_deref().unwrap_or_default().contains("fakta registri"), "{e:#?}");
}

#[test]
fn age_needs_a_subject_field() {
    let f = Fixture::base();
    f.edit(SERVICE, "type: nik, subject: true", "type: nik");
    let d = f.validate();
    assert_at(only(&d, "missing-subject"), Error, SERVICE, f.line_of(SERVICE, "when: usia >= 17"), "`usia` diturunkan");
}

#[test]
fn step_durations_longer_than_the_time_limit_are_a_warning() {
    let f = Fixture::base();
    f.edit(SERVICE, "limit: { value: 30, unit: menit }", "limit: { value: 20, unit: menit }");
    let d = f.validate();
    let w = only(&d, "durations-exceed-limit");
    assert_at(w, Warning, SERVICE, f.line_of(SERVICE, "limit: { value: 20"), "memakan 30 menit kerja");
    assert!(
        w.message.contains("pemeriksaan → verifikasi → disposisi → survei → paraf → tanda_tangan"),
        "{}",
        w.message
    );
}

#[test]
fn a_clock_that_starts_on_complete_requirements_needs_a_completeness_check() {
    let f = Fixture::base();
    f.edit(SERVICE, "kind: completeness_check", "kind: intake");
    f.edit(SERVICE, "  text: 30 menit\n", "  text: 30 menit\n  clock_starts: on_requirements_complete\n");
    let d = f.validate();
    assert_at(
        only(&d, "clock-start"),
        Error,
        SERVICE,
        f.line_of(SERVICE, "clock_starts"),
        "tidak ada langkah yang memeriksa kelengkapan",
    );
}

#[test]
fn a_sign_step_must_name_the_letter_it_issues() {
    let f = Fixture::base();
    f.edit(SERVICE, "    issues: surat\n", "");
    let d = f.validate();
    assert_at(
        only(&d, "sign"),
        Error,
        SERVICE,
        f.line_of(SERVICE, "code: tanda_tangan"),
        "tidak menyebut surat yang diterbitkannya",
    );
    assert_at(
        only(&d, "letter-not-signed"),
        Error,
        SERVICE,
        f.line_of(SERVICE, "code: surat, name: Surat"),
        "tidak ada langkah yang menandatangani surat `surat`",
    );
}

#[test]
fn a_role_that_signs_a_letter_needs_a_signatory_for_it() {
    let f = Fixture::base();
    f.edit(
        SERVICE,
        "    roles: [kepala_dinas]\n    duration: { value: 5",
        "    roles: [kepala_dinas, kabid]\n    duration: { value: 5",
    );
    let d = f.validate();
    assert_at(
        only(&d, "signatory"),
        Error,
        SERVICE,
        f.line_of(SERVICE, "roles: [kepala_dinas, kabid]"),
        "peran `kabid` menandatangani surat `surat` di langkah `tanda_tangan`, tetapi Dinas Sosial Kabupaten Contoh tidak punya penanda tangan untuknya",
    );
    // A signatory limited to other letters does not count either.
    let f = Fixture::base();
    f.edit(TENANT, "name: Contoh, nip", "letters: [daftar], name: Contoh, nip");
    let d = f.validate();
    assert!(d.iter().any(|x| x.check == "signatory" && x.message.contains("peran `kepala_dinas`")), "{d:#?}");
    assert!(d.iter().any(|x| x.check == "unknown-reference" && x.message.contains("`daftar` bukan produk surat")));
}

#[test]
fn a_placeholder_signatory_is_a_warning_and_a_delegate_needs_a_principal() {
    let f = Fixture::base();
    f.edit(TENANT, "name: Contoh,", "name: \"[NAMA KEPALA DINAS]\", placeholder: true,");
    let d = f.validate();
    assert_at(
        only(&d, "placeholder"),
        Warning,
        TENANT,
        f.line_of(TENANT, "placeholder: true"),
        "masih isian sementara",
    );
    assert!(d.iter().all(|x| x.level != Error), "{d:#?}");

    let f = Fixture::base();
    f.edit(
        TENANT,
        "roles:\n",
        "  - { role: kabid, title: Kepala Bidang, name: Budi, on_behalf_of: sekretaris }\nroles:\n",
    );
    let d = f.validate();
    assert_at(
        only(&d, "unknown-reference"),
        Error,
        TENANT,
        f.line_of(TENANT, "on_behalf_of: sekretaris"),
        "tidak ada penanda tangan berperan `sekretaris` yang menandatangani atas namanya sendiri",
    );
}

#[test]
fn a_definition_without_its_source_is_an_error() {
    let f = Fixture::base();
    f.edit(SERVICE, "source: { document: Standar contoh }", "source: { document: \"  \" }");
    let d = f.validate();
    assert_at(only(&d, "source"), Error, SERVICE, f.line_of(SERVICE, "source:"), "tidak menyebut standar pelayanan");
}

#[test]
fn a_malformed_region_code_is_reported() {
    let f = Fixture::base();
    f.edit(TENANT, "region_code: \"73.02\"", "region_code: \"7302\"");
    let d = f.validate();
    assert_at(only(&d, "region-code"), Error, TENANT, f.line_of(TENANT, "region_code"), "`7302` tidak berbentuk PP.KK");
}

#[test]
fn a_region_code_outside_the_province_is_reported() {
    let f = Fixture::base();
    f.edit(TENANT, "region_code: \"73.02\"", "region_code: \"16.09\"");
    let d = f.validate();
    assert_at(
        only(&d, "region-code"),
        Error,
        TENANT,
        f.line_of(TENANT, "region_code"),
        "`16.09` tidak berada di provinsi `73`",
    );
}

#[test]
fn a_time_zone_must_be_an_indonesian_iana_name() {
    for (zone, text) in [("WITA", "`WITA` bukan nama zona waktu"), ("Asia/Singapore", "bukan zona waktu Indonesia")] {
        let f = Fixture::base();
        f.edit(TENANT, "time_zone: Asia/Makassar", &format!("time_zone: {zone}"));
        let d = f.validate();
        assert_at(only(&d, "time-zone"), Error, TENANT, f.line_of(TENANT, "time_zone"), text);
    }
}

#[test]
fn office_hours_must_close_after_they_open() {
    let f = Fixture::base();
    f.edit(TENANT, "open: \"08:00\", close: \"16:00\"", "open: \"16:00\", close: \"08:00\"");
    let d = f.validate();
    assert_at(
        only(&d, "office-hours"),
        Error,
        TENANT,
        f.line_of(TENANT, "close: \"08:00\""),
        "jam tutup 08:00 tidak sesudah jam buka 16:00",
    );
}

#[test]
fn a_missing_calendar_is_an_unknown_reference() {
    let f = Fixture::base();
    f.edit(TENANT, "calendar: nasional", "calendar: nasional-2027");
    let d = f.validate();
    assert_at(
        only(&d, "unknown-reference"),
        Error,
        TENANT,
        f.line_of(TENANT, "calendar: nasional-2027"),
        "kalender `nasional-2027` tidak ada",
    );
}

#[test]
fn a_day_off_listed_twice_is_reported() {
    let f = Fixture::base();
    f.edit(TENANT, "date: 2026-04-20", "date: 2026-03-19");
    let d = f.validate();
    assert_at(
        only(&d, "duplicate-date"),
        Error,
        TENANT,
        f.line_of(TENANT, "2026-03-19"),
        "2026-03-19 tertulis dua kali",
    );
}

#[test]
fn a_letter_number_pattern_needs_a_sequence() {
    let f = Fixture::base();
    f.edit(
        TENANT,
        "pattern: \"400.9/{seq}/Dinsos/{bulan}/{tahun}\"",
        "pattern: \"400.9/Dinsos/{bulan}/{tahun}/{hari}\"",
    );
    let d = f.validate();
    let found: Vec<&str> = d.iter().filter(|d| d.check == "numbering-pattern").map(|d| d.message.as_str()).collect();
    assert_eq!(found.len(), 2, "{d:#?}");
    assert!(found[0].contains("penanda isian `{hari}` tidak dikenal"));
    assert!(found[1].contains("tidak memuat `{seq}`"));
    assert!(d.iter().all(|x| x.check != "numbering-pattern" || x.line == f.line_of(TENANT, "pattern:")));
}

#[test]
fn a_nip_must_have_eighteen_digits_with_a_birth_date() {
    let f = Fixture::base();
    f.edit(TENANT, "nip: 19650523 199303 1 006", "nip: 19651323 199303 1 006");
    let d = f.validate();
    assert_at(only(&d, "nip"), Error, TENANT, f.line_of(TENANT, "nip:"), "bukan NIP yang sah");
}

#[test]
fn a_service_code_must_match_its_file_name() {
    let f = Fixture::base();
    f.rename(SERVICE, "contoh/services/layanan-lain.yaml");
    let d = f.validate();
    let e = only(&d, "file-name");
    assert_at(e, Error, "contoh/services/layanan-lain.yaml", 2, "berbeda dengan nama berkasnya `layanan-lain`");
}

#[test]
fn a_file_without_a_modeline_gets_a_warning_on_line_one() {
    let f = Fixture::base();
    f.edit(CALENDAR, "# yaml-language-server: $schema=../schema/calendar.schema.json\n", "");
    let d = f.validate();
    assert_at(only(&d, "modeline"), Warning, CALENDAR, 1, "schema/calendar.schema.json");
}

#[test]
fn empty_components_are_one_warning_naming_them_all() {
    let f = Fixture::base();
    f.edit(SERVICE, "dasar_hukum: [Peraturan contoh]", "dasar_hukum: []");
    f.edit(SERVICE, "jaminan_keamanan: [Data dijaga]", "jaminan_keamanan: []");
    let d = f.validate();
    let w = only(&d, "component-missing");
    assert_at(w, Warning, SERVICE, f.line_of(SERVICE, "dasar_hukum"), "dasar_hukum, jaminan_keamanan");
}

#[test]
fn every_problem_of_every_file_is_reported_in_one_run() {
    let f = Fixture::base();
    f.edit(TENANT, "time_zone: Asia/Makassar", "time_zone: WITA");
    f.edit(SERVICE, "roles: [kabid]", "roles: [kepala_seksi]");
    f.edit(SERVICE, "when: usia >= 17", "when: umur >= 17");
    f.edit(SERVICE, "to: { step: disposisi }", "to: { step: survei }");
    f.write(
        "contoh/services/rusak.yaml",
        "# yaml-language-server: $schema=../../schema/service.schema.json\ncode: rusak\nname: 'tidak ditutup\n",
    );
    let d = f.validate();
    let checks: Vec<&str> = d.iter().filter(|d| d.level == Error).map(|d| d.check).collect();
    for expected in ["time-zone", "unknown-reference", "unknown-name", "unreachable-step", "yaml-syntax"] {
        assert!(checks.contains(&expected), "missing {expected} in {checks:?}");
    }
}

/// The remaining checks, one case each: (file, text to replace, replacement, check, level, text on the reported
/// line, words of the message).
#[test]
fn every_other_check_reports_its_line_and_message() {
    let cases: &[(&str, &str, &str, &str, simpul_definitions::Level, &str, &str)] = &[
        (
            SERVICE,
            "type: choice\n",
            "type: text\n",
            "choices",
            Error,
            "choices:",
            "punya pilihan tetapi jenisnya bukan `choice`",
        ),
        (
            SERVICE,
            "{ code: nama, label: Nama, type: text }",
            "{ code: nama, label: Nama, type: date, subject: true }\n  - { code: lahir, label: Lahir, type: date, subject: true }",
            "subject",
            Error,
            "code: lahir",
            "lebih dari satu isian",
        ),
        (
            SERVICE,
            "{ code: nama, label: Nama, type: text }",
            "{ code: nama, label: Nama, type: text, subject: true }",
            "subject",
            Error,
            "code: nama",
            "bukan NIK, tanggal, atau jenis kelamin",
        ),
        (
            SERVICE,
            "{ code: nama, label: Nama, type: text }",
            "{ code: nama, label: Nama, type: choice, subject: true, choices: [{ value: pria, label: Pria }] }",
            "subject",
            Error,
            "code: nama",
            "nilainya bukan laki_laki dan perempuan",
        ),
        (
            SERVICE,
            "{ code: nama, label: Nama, type: text }",
            "{ code: usia, label: Usia, type: number }",
            "reserved-name",
            Error,
            "code: usia",
            "sama dengan nama fakta registri atau nilai turunan",
        ),
        (
            SERVICE,
            "kind: document, when",
            "kind: document, copies: 0, when",
            "copies",
            Error,
            "copies: 0",
            "jumlah rangkap paling sedikit 1",
        ),
        (
            SERVICE,
            "accept: [pdf], max_size_kb: 1024, ",
            "",
            "file-types",
            Error,
            "code: ktp",
            "tidak menerima jenis berkas apa pun",
        ),
        (
            SERVICE,
            "kind: condition, rule: terdaftar_dtks",
            "kind: condition",
            "requirement-kind",
            Error,
            "code: terdaftar_dtks, name",
            "tidak menyebut aturan yang memeriksanya",
        ),
        (
            SERVICE,
            "needed_at: pemeriksaan",
            "needed_at: loket",
            "unknown-reference",
            Error,
            "needed_at: loket",
            "langkah `loket` tidak ada",
        ),
        (
            SERVICE,
            "{ code: tugaskan, label: Tugaskan, to: { step: survei }, assign_to: [petugas] }",
            "{ code: tugaskan, label: Tugaskan, to: { step: survei } }",
            "disposisi",
            Error,
            "actions:\n      - { code: tugaskan",
            "langkah disposisi `disposisi` tidak menugaskan siapa pun",
        ),
        (
            SERVICE,
            "roles: [petugas, kabid]",
            "roles: [kabid]",
            "paraf",
            Warning,
            "roles: [kabid]\n    duration: { value: 5, unit: menit }\n    actions:\n      - { code: paraf",
            "rantai paraf hanya satu peran",
        ),
        (
            SERVICE,
            "{ code: layak, label: Layak, result: layak,",
            "{ code: layak, label: Layak,",
            "survey-result",
            Error,
            "code: layak, label",
            "tidak mencatat hasil",
        ),
        (
            SERVICE,
            "{ code: tolak, label: Tolak, to: { outcome: ditolak }, note_required: true }",
            "{ code: tolak, label: Tolak, to: { outcome: ditolak } }",
            "note",
            Warning,
            "code: tolak",
            "tanpa meminta alasan",
        ),
        (
            SERVICE,
            "template: surat.hbs, series: surat }",
            "template: surat.hbs }",
            "numbering",
            Error,
            "code: surat, name",
            "surat `surat` tidak punya seri penomoran",
        ),
        (
            SERVICE,
            "kind: letter, outcomes: [selesai], template: surat.hbs, series: surat }",
            "kind: letter, outcomes: [selesai], template: surat.hbs, series: surat }\n  - { code: rekap, name: Rekap, kind: recap, outcomes: [selesai], template: surat.hbs, series: surat }",
            "period",
            Error,
            "code: rekap",
            "rekap `rekap` tidak punya periode",
        ),
        (
            SERVICE,
            "facts: [dtks_terdaftar], rules",
            "rules",
            "fact-not-collected",
            Warning,
            "check: dtks_terdaftar",
            "tidak ada tindakan yang mencatatnya",
        ),
        (
            SERVICE,
            ", rules: [terdaftar_dtks] }",
            " }",
            "unused-rule",
            Warning,
            "code: terdaftar_dtks\n",
            "tidak pernah diperiksa",
        ),
        (
            SERVICE,
            "  - { code: ditolak, label: Ditolak, status: rejected }",
            "  - { code: ditolak, label: Ditolak, status: rejected }\n  - { code: batal, label: Batal, status: rejected }",
            "unused-outcome",
            Warning,
            "code: batal",
            "tidak ada tindakan yang berakhir dengan hasil `batal`",
        ),
        (
            SERVICE,
            "  - { code: ditolak, label: Ditolak, status: rejected }",
            "  - { code: dibatalkan, label: Ditolak, status: rejected }",
            "reserved-outcome",
            Error,
            "code: dibatalkan",
            "hasil `dibatalkan` adalah pencabutan permohonan",
        ),
        (
            SERVICE,
            "duration: { value: 5, unit: menit }\n    actions:\n      - { code: lengkap",
            "duration: { value: 0, unit: menit }\n    actions:\n      - { code: lengkap",
            "duration",
            Error,
            "value: 0",
            "lama waktu nol",
        ),
        (
            SERVICE,
            "code: layanan-contoh",
            "code: Layanan_Contoh",
            "code-format",
            Error,
            "code: Layanan_Contoh",
            "harus huruf kecil dengan tanda hubung",
        ),
        (
            TENANT,
            "code: contoh",
            "code: contoh-lain",
            "file-name",
            Error,
            "code: contoh-lain",
            "berbeda dengan nama foldernya `contoh`",
        ),
        (
            TENANT,
            "{ role: kepala_dinas, title",
            "{ role: kadis, title",
            "unknown-reference",
            Error,
            "role: kadis",
            "peran `kadis` bukan peran di dinas ini",
        ),
        (
            TENANT,
            "{ code: kabid, name: Kepala Bidang }",
            "{ code: petugas, name: Kepala Bidang }\n  - { code: kabid, name: Kepala Bidang }",
            "duplicate-code",
            Error,
            "code: petugas, name: Kepala Bidang",
            "kode peran `petugas` dipakai dua kali",
        ),
        (
            CALENDAR,
            "code: nasional",
            "code: nasional-lama",
            "file-name",
            Error,
            "code: nasional-lama",
            "berbeda dengan nama berkasnya `nasional`",
        ),
        (
            CALENDAR,
            "date: 2026-03-20",
            "date: 2026-03-19",
            "duplicate-date",
            Error,
            "date: 2026-03-19, kind: cuti",
            "2026-03-19 tertulis dua kali",
        ),
    ];
    for (file, from, to, check, level, on_line, words) in cases {
        let f = Fixture::base();
        f.edit(file, from, to);
        let d = f.validate();
        let found: Vec<_> = d.iter().filter(|x| x.check == *check && x.message.contains(words)).collect();
        assert_eq!(found.len(), 1, "case `{check}` / `{words}`: {d:#?}");
        let expected_line = {
            let text = std::fs::read_to_string(f.path().join(file)).expect("read");
            let at = text.find(on_line).unwrap_or_else(|| panic!("`{on_line}` not in {file}"));
            text[..at].matches('\n').count() + 1
        };
        assert_at(found[0], *level, file, expected_line, words);
    }
}

#[test]
fn a_message_template_naming_a_value_that_does_not_exist_and_a_form_without_consent_are_reported() {
    let f = Fixture::base();
    f.edit(
        TENANT,
        "pengaduan:\n",
        "notifications:\n  channels: [email, sms, email]\n  consent_field: setuju\n  messages:\n    - moment: diterima\n      subject: \"\"\n      text: \"Kode {{kode_lacak}}, NIK {{nik}}\"\npengaduan:\n",
    );
    f.edit(SERVICE, "  - { code: nama, label: Nama, type: text }\n", "  - { code: nama, label: Nama, type: text }\n  - { code: hp, label: Nomor HP, type: phone, required: false }\n");
    let d = f.validate();
    let messages: Vec<&str> = d.iter().filter(|x| x.check == "notifications").map(|x| x.message.as_str()).collect();
    assert!(messages.contains(&"saluran `email` ditulis dua kali"), "{messages:#?}");
    assert!(messages.contains(&"subjek e-mail kosong"), "{messages:#?}");
    let template = d
        .iter()
        .find(|x| x.message.starts_with("templat pesan `diterima`: nilai `nik` tidak dikenal"))
        .expect("NIK refused");
    assert_eq!((template.level, template.line), (Error, f.line_of(TENANT, "NIK {{nik}}")));
    let consent =
        d.iter().find(|x| x.message.contains("tidak punya kolom persetujuan `setuju`")).expect("consent warned");
    assert_eq!(consent.level, Warning);

    // With the consent field, as a yes/no question, the service is fine; as text it is an error.
    f.edit(
        SERVICE,
        "type: phone, required: false }\n",
        "type: phone, required: false }\n  - { code: setuju, label: Setuju, type: text }\n",
    );
    let d = f.validate();
    assert!(
        d.iter().any(|x| x.level == Error && x.message == "kolom persetujuan `setuju` harus berjenis yes_no"),
        "{d:#?}"
    );
}

#[test]
fn registry_settings_name_columns_the_export_has_once_and_keep_data_a_while() {
    let f = Fixture::base();
    f.edit(
        TENANT,
        "  - { kind: langsung, label: Loket pengaduan }",
        "  - { kind: langsung, label: Loket pengaduan }\nregistry:\n  retention_days: 0\n  columns:\n    dtsen:\n      nik: \"NIK ART\"\n      no_kk: \"nik art\"\n      segmen: \"Segmen\"\n",
    );
    let d = f.validate();
    let found: Vec<(usize, &str)> =
        d.iter().filter(|d| d.check == "registry").map(|d| (d.line, d.message.as_str())).collect();
    assert_eq!(
        found,
        vec![
            (f.line_of(TENANT, "retention_days: 0"), "masa simpan 0 hari tidak dapat dipakai"),
            (f.line_of(TENANT, "no_kk: \"nik art\""), "judul kolom `nik art` dipakai untuk dua kolom"),
            (f.line_of(TENANT, "segmen: \"Segmen\""), "ekspor DTSEN (SIKS-NG) tidak memuat kolom segmen peserta"),
        ],
        "{d:#?}"
    );
}
