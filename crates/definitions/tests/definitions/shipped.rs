//! Facts from the five offices' source documents (shared/seeds), asserted against the shipped definitions.

use std::path::PathBuf;

use pretty_assertions::assert_eq;
use simpul_definitions::model::{
    Channel, ClockStart, ComplaintChannelKind, DayOffKind, Duration, DurationUnit, Fact, ProductKind, RequirementKind,
    ServiceDefinition, Severity, Step, StepKind, Target, Tenant,
};
use simpul_definitions::{Catalog, Level, load_and_validate};

fn shipped() -> (Catalog, Vec<simpul_definitions::Diagnostic>) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../service-definitions");
    let report = load_and_validate(&dir).expect("service-definitions readable");
    (report.catalog, report.diagnostics)
}

fn service(code: (&str, &str)) -> ServiceDefinition {
    let (catalog, _) = shipped();
    let tenant = catalog.tenant(code.0).unwrap_or_else(|| panic!("tenant {}", code.0));
    tenant
        .services
        .iter()
        .find(|s| s.value.code == code.1)
        .unwrap_or_else(|| panic!("service {}/{}", code.0, code.1))
        .value
        .clone()
}

fn tenant(code: &str) -> Tenant {
    shipped().0.tenant(code).expect("tenant").tenant.value.clone()
}

fn step<'a>(s: &'a ServiceDefinition, code: &str) -> &'a Step {
    s.prosedur.iter().find(|x| x.code == code).unwrap_or_else(|| panic!("step {code}"))
}

fn minutes(value: u32) -> Option<Duration> {
    Some(Duration { value, unit: DurationUnit::Menit })
}

fn working_days(value: u32) -> Option<Duration> {
    Some(Duration { value, unit: DurationUnit::HariKerja })
}

#[test]
fn the_shipped_definitions_have_no_errors_and_only_warnings_about_gaps_in_the_sources() {
    let (_, diagnostics) = shipped();
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.level == Level::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    for warning in &diagnostics {
        assert!(
            ["component-missing", "no-time-limit", "placeholder"].contains(&warning.check),
            "unexpected warning {warning:#?}"
        );
    }
}

#[test]
fn five_offices_publish_twelve_services() {
    let (catalog, _) = shipped();
    let listing: Vec<(String, Vec<String>)> = catalog
        .tenants
        .iter()
        .map(|t| (t.tenant.value.code.clone(), t.services.iter().map(|s| s.value.code.clone()).collect()))
        .collect();
    let expected = vec![
        ("bangka", vec!["rekomendasi-sktm"]),
        ("bulukumba", vec!["rekomendasi-sktm"]),
        ("luwu-timur", vec!["surat-keterangan-dtks"]),
        (
            "oku-selatan",
            vec![
                "bantuan-disabilitas",
                "bantuan-stimulan",
                "penanggulangan-bencana",
                "pendaftaran-dtks",
                "penonaktifan-kis-pbid",
                "rekomendasi-pembebasan-biaya-kesehatan",
                "sktm",
            ],
        ),
        ("tebing-tinggi", vec!["rekomendasi-bpjs-kesehatan", "surat-keterangan-dtks"]),
    ];
    let expected: Vec<(String, Vec<String>)> =
        expected.into_iter().map(|(t, s)| (t.to_string(), s.into_iter().map(String::from).collect())).collect();
    assert_eq!(listing, expected);
}

#[test]
fn every_service_is_free_and_states_every_component_key() {
    let (catalog, _) = shipped();
    for bundle in &catalog.tenants {
        for s in &bundle.services {
            assert_eq!(s.value.biaya.amount, 0, "{}", s.value.code);
            // Every component is a key in the file, even where the source leaves it empty.
            for key in [
                "persyaratan:",
                "prosedur:",
                "jangka_waktu:",
                "biaya:",
                "produk:",
                "pengaduan:",
                "dasar_hukum:",
                "sarana_prasarana:",
                "kompetensi_pelaksana:",
                "pengawasan_internal:",
                "jumlah_pelaksana:",
                "jaminan_pelayanan:",
                "jaminan_keamanan:",
                "evaluasi_kinerja:",
            ] {
                assert!(s.source.text.lines().any(|l| l.starts_with(key)), "{} lacks {key}", s.value.code);
            }
        }
    }
}

#[test]
fn the_2026_calendar_has_17_holidays_and_8_days_of_cuti_bersama() {
    let (catalog, _) = shipped();
    let calendar = catalog.calendar("nasional").expect("national calendar");
    let in_2026 =
        |kind| calendar.days_off.iter().filter(|d| d.kind == kind && d.date.to_string().starts_with("2026")).count();
    assert_eq!(in_2026(DayOffKind::LiburNasional), 17);
    assert_eq!(in_2026(DayOffKind::CutiBersama), 8);
    let march: Vec<(String, DayOffKind)> = calendar
        .days_off
        .iter()
        .filter(|d| d.date.to_string().starts_with("2026-03"))
        .map(|d| (d.date.to_string(), d.kind))
        .collect();
    let mut march = march;
    march.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        march,
        vec![
            ("2026-03-18".into(), DayOffKind::CutiBersama),
            ("2026-03-19".into(), DayOffKind::LiburNasional), // Nyepi
            ("2026-03-20".into(), DayOffKind::CutiBersama),
            ("2026-03-21".into(), DayOffKind::LiburNasional),
            ("2026-03-22".into(), DayOffKind::LiburNasional),
            ("2026-03-23".into(), DayOffKind::CutiBersama),
            ("2026-03-24".into(), DayOffKind::CutiBersama),
        ]
    );
}

#[test]
fn region_codes_and_time_zones_follow_kemendagri_and_the_map() {
    let facts = [
        ("bulukumba", "73.02", "Asia/Makassar"),
        ("luwu-timur", "73.24", "Asia/Makassar"),
        ("bangka", "19.01", "Asia/Jakarta"),
        ("oku-selatan", "16.09", "Asia/Jakarta"),
        ("tebing-tinggi", "12.76", "Asia/Jakarta"),
    ];
    for (code, region, zone) in facts {
        let t = tenant(code);
        assert_eq!((t.region_code.as_str(), t.time_zone.as_str()), (region, zone), "{code}");
    }
}

#[test]
fn bulukumba_sktm_has_nine_timed_steps_summing_to_its_thirty_minutes() {
    let s = service(("bulukumba", "rekomendasi-sktm"));
    let durations: Vec<u32> = s.prosedur.iter().map(|st| st.duration.expect("every step is timed").value).collect();
    assert_eq!(durations, vec![3, 2, 5, 5, 3, 5, 5, 1, 1]);
    assert!(s.prosedur.iter().all(|st| st.duration.map(|d| d.unit) == Some(DurationUnit::Menit)));
    assert_eq!(durations.iter().sum::<u32>(), 30);
    assert_eq!(s.jangka_waktu.limit, minutes(30));
    assert_eq!(s.persyaratan.len(), 4);
    assert_eq!(s.persyaratan.iter().filter(|r| r.kind == RequirementKind::Document).count(), 3);
    assert!(s.persyaratan.iter().any(|r| r.name.contains("SPTJM") && r.name.contains("10.000")));
}

#[test]
fn bulukumba_checks_dtks_and_pbi_then_paraf_hierarki_then_the_kepala_dinas_signs() {
    let s = service(("bulukumba", "rekomendasi-sktm"));
    let verification = step(&s, "verifikasi");
    let forward = &verification.actions[0];
    assert_eq!(forward.rules, vec!["terdaftar_dtks", "bukan_pbi"]);
    assert_eq!(forward.facts, vec![Fact::DtksTerdaftar, Fact::PbiApbn, Fact::PbiApbd]);
    assert!(s.rules.iter().all(|r| r.severity == Severity::Block));
    let paraf = step(&s, "paraf_hierarki");
    assert_eq!(paraf.kind, StepKind::Paraf);
    assert_eq!(paraf.roles, vec!["penyuluh_sosial", "kabid", "sekretaris"]);
    let sign = step(&s, "penandatanganan");
    assert_eq!((sign.kind, sign.roles[0].as_str()), (StepKind::Sign, "kepala_dinas"));
    assert_eq!(s.produk[0].distribution.len(), 2, "one original to the applicant, one archived");
    let kinds: Vec<StepKind> = s.prosedur.iter().map(|st| st.kind).collect();
    assert_eq!(kinds.last(), Some(&StepKind::Archive));
    assert_eq!(kinds[kinds.len() - 2], StepKind::Handover);
}

#[test]
fn bulukumba_lists_its_nine_complaint_channels() {
    let s = service(("bulukumba", "rekomendasi-sktm"));
    let kinds: Vec<ComplaintChannelKind> = s.pengaduan.channels.iter().map(|c| c.kind).collect();
    assert_eq!(kinds.len(), 9);
    for kind in [
        ComplaintChannelKind::KotakSaran,
        ComplaintChannelKind::Slrt,
        ComplaintChannelKind::Sp4nLapor,
        ComplaintChannelKind::Email,
    ] {
        assert!(kinds.contains(&kind), "{kind:?}");
    }
    assert!(s.pengaduan.channels.iter().any(|c| c.contact.as_deref() == Some("085299603035")));
}

#[test]
fn luwu_timur_village_operators_submit_online_and_letters_go_out_by_whatsapp() {
    let s = service(("luwu-timur", "surat-keterangan-dtks"));
    assert!(s.submission.roles.contains(&"operator_desa".to_string()));
    assert!(s.submission.channels.contains(&Channel::Daring) && s.submission.channels.contains(&Channel::Langsung));
    assert_eq!(s.submission.rules, vec!["terdaftar_dtks"], "the village gives a cover letter only to people in DTKS");
    let ktp = s.persyaratan.iter().find(|r| r.code == "fotokopi_ktp").expect("KTP");
    assert_eq!(ktp.when.as_ref().map(|w| w.as_str()), Some("usia >= 17"));
    let handover = step(&s, "penyerahan");
    assert!(handover.actions.iter().any(|a| a.code == "dikirim_whatsapp" && a.to == Target::Outcome("selesai".into())));
    let wa = s.fields.iter().find(|f| f.code == "nomor_whatsapp").expect("WhatsApp number");
    assert_eq!(wa.when.as_ref().map(|w| w.as_str()), Some("pengiriman == \"whatsapp\""));
    assert_eq!((s.jangka_waktu.lower, s.jangka_waktu.limit), (minutes(10), minutes(15)));
    let staff: Vec<u32> = s.jumlah_pelaksana.iter().map(|x| x.count).collect();
    assert_eq!(staff, vec![4, 128]);
    assert_eq!(step(&s, "penandatanganan").roles, vec!["kepala_dinas"]);
}

#[test]
fn bangka_targets_dtsen_desil_one_to_five_or_a_field_verification() {
    let s = service(("bangka", "rekomendasi-sktm"));
    let rule = s.rules.iter().find(|r| r.code == "desil_1_5").expect("desil rule");
    assert_eq!(rule.check.as_str(), "dtsen_terdaftar == true && dtsen_desil >= 1 && dtsen_desil <= 5");
    assert_eq!(rule.severity, Severity::Block);
    let verification = step(&s, "verifikasi_dtsen");
    let unregistered = verification.actions.iter().find(|a| a.code == "belum_terdata").expect("unregistered path");
    assert_eq!(unregistered.to, Target::Step("verifikasi_lapangan".into()));
    assert_eq!(step(&s, "verifikasi_lapangan").kind, StepKind::FieldSurvey);
    let purposes: Vec<&str> = s
        .fields
        .iter()
        .find(|f| f.code == "keperluan")
        .expect("purpose")
        .choices
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(purposes, vec!["kesehatan", "pendidikan", "bantuan_sosial", "santunan_kematian", "subsidi", "lainnya"]);
    assert!(s.persyaratan.iter().filter(|r| r.kind == RequirementKind::Document).all(|r| r.copies == 3));
    assert_eq!(s.jangka_waktu.limit, None, "the guideline states no time limit");
    assert!(s.pengawasan_internal[0].contains("tingkat pemanfaatan DTSEN"));
}

#[test]
fn oku_selatan_counts_working_days_once_the_requirements_are_complete() {
    let (catalog, _) = shipped();
    let oku = catalog.tenant("oku-selatan").expect("OKU Selatan");
    for s in &oku.services {
        let expected = if s.value.code == "bantuan-stimulan" { working_days(5) } else { working_days(2) };
        assert_eq!(s.value.jangka_waktu.limit, expected, "{}", s.value.code);
        assert_eq!(s.value.jangka_waktu.clock_starts, ClockStart::OnRequirementsComplete, "{}", s.value.code);
        assert_eq!(s.value.prosedur[0].kind, StepKind::CompletenessCheck, "{}", s.value.code);
        assert_eq!(s.value.prosedur[0].roles, vec!["front_office"], "{}", s.value.code);
    }
}

#[test]
fn oku_selatan_stimulant_aid_needs_dtks_and_an_age_of_at_most_sixty() {
    let s = service(("oku-selatan", "bantuan-stimulan"));
    let age = s.rules.iter().find(|r| r.code == "usia_maksimal_60").expect("age rule");
    assert_eq!((age.check.as_str(), age.severity), ("usia <= 60", Severity::Block));
    let check = step(&s, "pemeriksaan_persyaratan");
    assert_eq!(check.actions[0].rules, vec!["terdaftar_dtks", "usia_maksimal_60"]);
    let kinds: Vec<&str> = s.fields[0].choices.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(kinds, vec!["kube", "rutilahu", "sarling", "uep"]);
    assert_eq!(s.produk[0].name, "Daftar Kelompok atau Perorangan Penerima Bantuan");
    assert_eq!(s.produk[0].kind, ProductKind::List);
    assert!(step(&s, "survei").assigned, "the survey is done by the officer designated");
}

#[test]
fn oku_selatan_health_waiver_issues_a_different_letter_when_the_survey_says_tidak_layak() {
    let s = service(("oku-selatan", "rekomendasi-pembebasan-biaya-kesehatan"));
    let survey = step(&s, "survei_lokasi");
    assert_eq!(survey.roles, vec!["tksk"]);
    let targets: Vec<&Target> = survey.actions.iter().map(|a| &a.to).collect();
    assert_eq!(
        targets,
        vec![&Target::Step("penerbitan_rekomendasi".into()), &Target::Step("penerbitan_surat_mandiri".into())]
    );
    assert_eq!(step(&s, "penerbitan_rekomendasi").issues.as_deref(), Some("rekomendasi_pembebasan_biaya"));
    assert_eq!(step(&s, "penerbitan_surat_mandiri").issues.as_deref(), Some("rekomendasi_kepesertaan_mandiri"));
    let waiver = s.produk.iter().find(|p| p.code == "rekomendasi_pembebasan_biaya").expect("waiver");
    assert_eq!(waiver.outcomes, vec!["layak"]);
    assert!(waiver.recipient.as_deref().unwrap_or_default().contains("Dinas Kesehatan"));
}

#[test]
fn oku_selatan_products_are_the_named_lists_and_letters() {
    let products = [
        ("sktm", "SKTM", ProductKind::Letter),
        ("penanggulangan-bencana", "Daftar Usulan Bencana Sosial", ProductKind::List),
        ("bantuan-disabilitas", "Daftar Usulan Penerima Bantuan", ProductKind::List),
        ("pendaftaran-dtks", "Daftar Usulan Peserta DTKS", ProductKind::List),
        ("penonaktifan-kis-pbid", "Surat Rekomendasi penonaktifan KIS PBID", ProductKind::Letter),
    ];
    for (code, name, kind) in products {
        let s = service(("oku-selatan", code));
        assert_eq!((s.produk[0].name.as_str(), s.produk[0].kind), (name, kind), "{code}");
    }
    let disaster = service(("oku-selatan", "penanggulangan-bencana"));
    assert_eq!(step(&disaster, "survei_lokasi").roles, vec!["tagana"]);
    let kis = service(("oku-selatan", "penonaktifan-kis-pbid"));
    assert!(kis.persyaratan.iter().any(|r| r.code == "kartu_kis_pbid_asli" && r.original));
}

#[test]
fn tebing_tinggi_passes_each_application_down_a_disposisi_chain() {
    let dtks = service(("tebing-tinggi", "surat-keterangan-dtks"));
    let chain = |s: &ServiceDefinition| -> Vec<(String, Vec<String>)> {
        s.prosedur
            .iter()
            .filter(|st| st.kind == StepKind::Disposisi)
            .map(|st| (st.roles.join("/"), st.actions[0].assign_to.clone()))
            .collect()
    };
    assert_eq!(
        chain(&dtks),
        vec![
            ("kepala_dinas".to_string(), vec!["kasubbag".to_string(), "kasi".to_string()]),
            ("kasubbag/kasi".to_string(), vec!["pegawai".to_string()]),
        ]
    );
    let bpjs = service(("tebing-tinggi", "rekomendasi-bpjs-kesehatan"));
    assert_eq!(
        chain(&bpjs),
        vec![
            ("kepala_dinas".to_string(), vec!["kepala_bidang".to_string()]),
            ("kepala_bidang".to_string(), vec!["pegawai".to_string()]),
        ]
    );
    for s in [&dtks, &bpjs] {
        assert_eq!(s.jangka_waktu.limit, minutes(15));
        assert!(step(s, "penerimaan").checklist.iter().any(|c| c.code == "buku_tamu"), "guest book");
        assert_eq!(step(s, "penerbitan").roles, vec!["kepala_dinas"]);
        assert_eq!(s.dasar_hukum.len(), if s.code == "surat-keterangan-dtks" { 5 } else { 3 });
    }
    let recap = bpjs.produk.iter().find(|p| p.kind == ProductKind::Recap).expect("monthly recap");
    assert_eq!(recap.recipient.as_deref(), Some("Dinas Kesehatan Kota Tebing Tinggi"));
    let kepala = &tenant("tebing-tinggi").signatories[0];
    assert_eq!(kepala.nip.as_deref(), Some("19650523 199303 1 006"));
}

/// Each shipped definition names its source: the standard's title (the validator requires it) and, in its header,
/// the seed file under `shared/seeds/` it was read from — which exists, where the seeds are at hand.
#[test]
fn every_shipped_definition_names_the_source_it_was_read_from() {
    let (catalog, _) = shipped();
    let seeds = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    for bundle in &catalog.tenants {
        for service in &bundle.services {
            let header: String =
                service.source.text.lines().take_while(|l| l.starts_with('#')).collect::<Vec<_>>().join("\n");
            let seed = header
                .split("shared/seeds/")
                .nth(1)
                .and_then(|rest| rest.split(|c: char| c == ')' || c.is_whitespace()).next())
                .unwrap_or_else(|| panic!("{}: no `shared/seeds/…` in the header", service.value.code));
            let digits = seed.get(..3).unwrap_or_default();
            assert!(digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()), "{}: {seed}", service.value.code);
            assert!(!service.value.source.document.trim().is_empty(), "{}", service.value.code);
            if seeds.is_dir() {
                let prefix = &seed[..4];
                let found = std::fs::read_dir(&seeds)
                    .expect("seeds")
                    .filter_map(Result::ok)
                    .any(|e| e.file_name().to_string_lossy().starts_with(prefix));
                assert!(found, "{}: no seed {seed} in {}", service.value.code, seeds.display());
            }
        }
    }
}
