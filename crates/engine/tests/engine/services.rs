//! Every service of every office walked through its happy path and its alternatives, with the facts of the
//! source documents.

use pretty_assertions::assert_eq;
use simpul_definitions::model::Fact;
use simpul_engine::{
    ActionInput, Command, DeadlineState, EndStatus, FactValue, Refusal, RuleOutcome, Stage, available, in_inbox,
};

use super::support::{Run, codes, form, poor_and_registered, user, wib, wita};

fn run(office: &str, service: &str) -> Run {
    let now =
        if ["bulukumba", "luwu-timur"].contains(&office) { wita(2026, 4, 22, 9, 0) } else { wib(2026, 4, 22, 9, 0) };
    let mut run = Run::new(office, service, now);
    run.facts = poor_and_registered();
    run.submit(form(&format!("{office}/{service}"))).unwrap_or_else(|r| panic!("submission refused: {r}"));
    run
}

fn ended(run: &Run) -> (String, Vec<String>) {
    run.assert_fold();
    run.outcome().expect("ended")
}

#[test]
fn bulukumba_sktm_goes_through_its_nine_steps_in_thirty_minutes() {
    let mut run = run("bulukumba", "rekomendasi-sktm");
    let minutes = [3, 2, 5, 5, 3, 5, 5, 1, 1];
    let steps = [
        "terima",
        "lengkap",
        "memenuhi",
        "selesai_disusun",
        "sesuai",
        "paraf",
        "tandatangani",
        "diserahkan",
        "diarsipkan",
    ];
    for (action, spent) in steps.iter().zip(minutes) {
        run.wait(spent);
        if *action == "paraf" {
            run.walk(&["paraf", "paraf", "paraf"]);
        } else {
            run.walk(&[action]);
        }
    }
    assert_eq!(
        run.steps_visited(),
        vec![
            "penerimaan_berkas",
            "pemeriksaan_kelengkapan",
            "verifikasi",
            "penyusunan_rekomendasi",
            "pengecekan_cetakan",
            "paraf_hierarki",
            "penandatanganan",
            "penyerahan",
            "pengarsipan"
        ]
    );
    assert_eq!(ended(&run), ("selesai".into(), vec!["rekomendasi_sktm".into()]));
    let state = run.state();
    assert_eq!(state.signed, vec!["rekomendasi_sktm"]);
    let initials: Vec<&str> = run
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            simpul_engine::EventKind::ActionTaken(a) if a.action == "paraf" => Some(e.actor.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(initials, vec!["penyuluh_sosial@test", "kabid@test", "sekretaris@test"]);
    assert_eq!(state.rule_results["terdaftar_dtks"].outcome, RuleOutcome::Pass);
    assert_eq!(state.rule_results["bukan_pbi"].outcome, RuleOutcome::Pass);
    let service = state.deadlines(&run.office.calendar, run.now).service.expect("service clock");
    assert_eq!((service.used_minutes, service.state), (30, DeadlineState::Nearing), "done exactly on time");
}

#[test]
fn bulukumba_refuses_a_recommendation_for_someone_already_pbi() {
    let mut r = run("bulukumba", "rekomendasi-sktm");
    r.facts.insert(Fact::PbiApbd, FactValue::Bool(true));
    r.walk(&["terima", "lengkap"]);
    let refusal = r.act("memenuhi").expect_err("already PBI APBD");
    assert_eq!(
        refusal,
        Refusal::RuleFailed {
            rule: "bukan_pbi".into(),
            message: "Pemohon sudah terdaftar sebagai peserta PBI BPJS (APBN atau APBD) menurut E-Dabu.".into()
        }
    );
    r.walk(&["tidak_memenuhi"]);
    assert_eq!(ended(&r), ("tidak_memenuhi_syarat".into(), vec![]));
    assert_eq!(r.state().facts[&Fact::PbiApbd], FactValue::Bool(true), "the lookup is recorded");
}

#[test]
fn bulukumba_incomplete_files_go_back_and_come_back() {
    let mut r = run("bulukumba", "rekomendasi-sktm");
    r.walk(&["terima", "belum_lengkap"]);
    assert_eq!(r.state().stage, Stage::Returned { step: "pemeriksaan_kelengkapan".into() });
    let front = user("petugas_layanan");
    let version = r.state().version;
    r.run(
        &front,
        Command::Resubmit {
            expected_version: version,
            data: Default::default(),
            documents_received: Default::default(),
        },
    )
    .expect("resubmitted");
    r.walk(&[
        "lengkap",
        "memenuhi",
        "selesai_disusun",
        "sesuai",
        "paraf",
        "paraf",
        "paraf",
        "tandatangani",
        "diserahkan",
        "diarsipkan",
    ]);
    assert_eq!(ended(&r).0, "selesai");
}

#[test]
fn bulukumba_paraf_can_send_the_draft_back_and_the_chain_starts_again() {
    let mut r = run("bulukumba", "rekomendasi-sktm");
    r.walk(&["terima", "lengkap", "memenuhi", "selesai_disusun", "sesuai", "paraf", "paraf"]);
    assert_eq!(r.state().paraf.len(), 2);
    r.walk(&["kembalikan"]);
    assert_eq!(r.state().step(), Some("penyusunan_rekomendasi"));
    r.walk(&["selesai_disusun", "sesuai"]);
    assert!(r.state().paraf.is_empty());
    r.walk(&["paraf", "paraf", "paraf", "tandatangani", "diserahkan", "diarsipkan"]);
    assert_eq!(ended(&r).0, "selesai");
}

#[test]
fn bulukumba_rejection_needs_a_reason() {
    let mut r = run("bulukumba", "rekomendasi-sktm");
    r.walk(&["terima"]);
    let version = r.state().version;
    let mut input = r.good_input("tolak");
    input.note = None;
    let refused =
        r.run(&user("petugas_layanan"), Command::Act { expected_version: version, action: "tolak".into(), input });
    assert_eq!(refused, Err(Refusal::NoteRequired));
    r.walk(&["tolak"]);
    assert_eq!(ended(&r).0, "ditolak");
    assert!(matches!(r.state().stage, Stage::Ended { status: EndStatus::Rejected, .. }));
}

#[test]
fn luwu_timur_village_operator_submits_online_and_the_letter_goes_by_whatsapp() {
    let mut r = Run::new("luwu-timur", "surat-keterangan-dtks", wita(2026, 4, 22, 9, 0));
    let operator = user("operator_desa");
    let submit = |registered: bool| Command::Submit {
        data: super::support::data(form("luwu-timur/surat-keterangan-dtks")),
        channel: simpul_definitions::model::Channel::Daring,
        facts: [(Fact::DtksTerdaftar, FactValue::Bool(registered))].into_iter().collect(),
        fact_notes: Default::default(),
        documents_received: Default::default(),
    };
    let refused = r.run(&operator, submit(false)).expect_err("not in DTKS");
    assert!(matches!(refused, Refusal::RuleFailed { ref rule, .. } if rule == "terdaftar_dtks"), "{refused}");
    r.run(&operator, submit(true)).expect("submitted online by the village operator");
    assert_eq!(r.state().channel, simpul_definitions::model::Channel::Daring);
    assert_eq!(r.state().data["nomor_whatsapp"], "081234567890", "normalised");
    r.walk(&["lengkap", "ajukan", "tandatangani", "dikirim_whatsapp"]);
    assert_eq!(ended(&r), ("selesai".into(), vec!["surat_keterangan_dtks".into()]));
    let deadline = r.state().clocks.service.expect("15 minutes");
    assert_eq!(deadline.due_at, wita(2026, 4, 22, 9, 15));
}

#[test]
fn luwu_timur_asks_a_ktp_only_from_applicants_of_17_and_over() {
    let with_documents = |nik: &str, received: &[&str]| {
        let mut r = Run::new("luwu-timur", "surat-keterangan-dtks", wita(2026, 4, 22, 9, 0));
        r.facts = poor_and_registered();
        let mut f = form("luwu-timur/surat-keterangan-dtks");
        f["nik"] = serde_json::Value::String(nik.into());
        r.submit(f).expect("submitted");
        let mut input = r.good_input("lengkap");
        input.documents_received = received.iter().map(|s| s.to_string()).collect();
        let version = r.state().version;
        r.run(&user("petugas_linjamsos"), Command::Act { expected_version: version, action: "lengkap".into(), input })
    };
    // A 15-year-old (born 15 June 2010) has no KTP.
    assert!(with_documents("7324015506100001", &["surat_pengantar_desa", "fotokopi_kk"]).is_ok());
    // An adult without the KTP copy is refused, naming it.
    let refused = with_documents("7324011203800002", &["surat_pengantar_desa", "fotokopi_kk"]);
    assert!(
        matches!(&refused, Err(Refusal::MissingDocuments { missing }) if codes(missing) == ["fotokopi_ktp"]),
        "{refused:?}"
    );
}

#[test]
fn bangka_issues_to_dtsen_desil_one_to_five() {
    let mut r = run("bangka", "rekomendasi-sktm");
    r.walk(&["lengkap", "terdaftar_desil_1_5", "tandatangani", "diserahkan"]);
    assert_eq!(ended(&r), ("terbit".into(), vec!["rekomendasi_sktm".into()]));
    assert_eq!(r.state().clocks.service, None, "Bangka's guideline states no time limit");
}

#[test]
fn bangka_refuses_desil_six_and_up_but_sends_the_unregistered_to_a_field_verification() {
    let mut r = run("bangka", "rekomendasi-sktm");
    r.facts.insert(Fact::DtsenDesil, FactValue::Int(7));
    r.walk(&["lengkap"]);
    assert!(matches!(r.act("terdaftar_desil_1_5"), Err(Refusal::RuleFailed { rule, .. }) if rule == "desil_1_5"));
    assert!(matches!(r.act("belum_terdata"), Err(Refusal::RuleFailed { rule, .. }) if rule == "belum_terdata_dtsen"));
    r.walk(&["tidak_memenuhi"]);
    assert_eq!(ended(&r).0, "tidak_layak");

    let mut r = run("bangka", "rekomendasi-sktm");
    r.facts.insert(Fact::DtsenTerdaftar, FactValue::Bool(false));
    r.walk(&["lengkap", "belum_terdata", "layak", "tandatangani", "diserahkan"]);
    assert_eq!(r.steps_visited()[2], "verifikasi_lapangan");
    assert_eq!(r.state().survey_result, Some(simpul_definitions::model::SurveyResult::Layak));
    assert_eq!(ended(&r).0, "terbit");

    let mut r = run("bangka", "rekomendasi-sktm");
    r.facts.insert(Fact::DtsenTerdaftar, FactValue::Bool(false));
    r.walk(&["lengkap", "belum_terdata", "tidak_layak"]);
    assert_eq!(ended(&r).0, "tidak_layak");
}

#[test]
fn oku_selatan_sktm_is_issued_only_after_a_layak_tksk_survey() {
    let mut r = run("oku-selatan", "sktm");
    r.walk(&["lengkap", "layak", "tandatangani", "diserahkan"]);
    assert_eq!(ended(&r), ("terbit".into(), vec!["sktm".into()]));
    assert_eq!(r.steps_visited(), vec!["pemeriksaan_persyaratan", "survei_lokasi", "penerbitan", "penyerahan"]);
    let mut r = run("oku-selatan", "sktm");
    r.walk(&["lengkap", "tidak_layak"]);
    assert_eq!(ended(&r), ("tidak_layak".into(), vec![]));
    let mut r = run("oku-selatan", "sktm");
    r.walk(&["belum_lengkap"]);
    assert_eq!(r.state().clocks.service, None, "returned before the requirements were complete: no clock yet");
}

#[test]
fn oku_selatan_health_waiver_issues_a_recommendation_or_directs_to_self_paid_membership() {
    let mut r = run("oku-selatan", "rekomendasi-pembebasan-biaya-kesehatan");
    r.walk(&["lengkap", "layak", "tandatangani", "diteruskan"]);
    assert_eq!(ended(&r), ("layak".into(), vec!["rekomendasi_pembebasan_biaya".into()]));
    assert_eq!(r.state().signed, vec!["rekomendasi_pembebasan_biaya"]);

    let mut r = run("oku-selatan", "rekomendasi-pembebasan-biaya-kesehatan");
    r.walk(&["lengkap", "tidak_layak", "tandatangani", "diserahkan"]);
    assert_eq!(ended(&r), ("tidak_layak".into(), vec!["rekomendasi_kepesertaan_mandiri".into()]));
    assert_eq!(r.state().signed, vec!["rekomendasi_kepesertaan_mandiri"]);
    assert!(matches!(r.state().stage, Stage::Ended { status: EndStatus::NotEligible, .. }));
}

#[test]
fn oku_selatan_disaster_and_disability_applications_end_on_their_lists() {
    for (service, surveyor, list) in [
        ("penanggulangan-bencana", "tagana", "daftar_usulan_bencana_sosial"),
        ("bantuan-disabilitas", "tksk", "daftar_usulan_penerima_bantuan"),
    ] {
        let mut r = run("oku-selatan", service);
        r.walk(&["lengkap"]);
        assert_eq!(r.actor_for("layak").roles.iter().next().map(String::as_str), Some(surveyor));
        // The survey report (provided by the office) must be there.
        let mut input = r.good_input("layak");
        input.documents_received.clear();
        let version = r.state().version;
        let refused = r.run(&user(surveyor), Command::Act { expected_version: version, action: "layak".into(), input });
        assert!(
            matches!(&refused, Err(Refusal::MissingDocuments { missing }) if codes(missing) == ["hasil_survei_lokasi"]),
            "{service}: {refused:?}"
        );
        r.walk(&["layak"]);
        assert_eq!(ended(&r), ("diusulkan".into(), vec![list.to_string()]), "{service}");
    }
}

#[test]
fn oku_selatan_stimulant_aid_takes_five_working_days_and_refuses_applicants_over_sixty() {
    let mut r = run("oku-selatan", "bantuan-stimulan");
    r.walk(&["lengkap"]);
    assert_eq!(
        r.state().clocks.service.map(|d| d.due_at),
        Some(wib(2026, 4, 29, 16, 0)),
        "Wed 22 April + 5 working days"
    );
    r.walk(&["tunjuk", "layak"]);
    assert_eq!(ended(&r), ("diberikan".into(), vec!["daftar_penerima_bantuan".into()]));

    let mut old = Run::new("oku-selatan", "bantuan-stimulan", wib(2026, 4, 22, 9, 0));
    old.facts = poor_and_registered();
    let mut f = form("oku-selatan/bantuan-stimulan");
    f["nik"] = serde_json::Value::String("1609010101600001".into()); // born 1 January 1960: 66
    old.submit(f).expect("submitted");
    assert_eq!(old.state().derived.usia, Some(66));
    let refused = old.act("lengkap").expect_err("over 60");
    assert!(matches!(refused, Refusal::RuleFailed { ref rule, .. } if rule == "usia_maksimal_60"), "{refused}");
    old.walk(&["tidak_memenuhi"]);
    assert_eq!(ended(&old).0, "tidak_memenuhi_syarat");
}

#[test]
fn oku_selatan_stimulant_aid_needs_a_group_name_for_a_group() {
    let mut r = Run::new("oku-selatan", "bantuan-stimulan", wib(2026, 4, 22, 9, 0));
    let mut f = form("oku-selatan/bantuan-stimulan");
    f.as_object_mut().expect("object").remove("nama_kelompok");
    let refused = r.submit(f).expect_err("group without a name");
    let Refusal::InvalidData { problems } = refused else { panic!("{refused}") };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "nama_kelompok");
}

#[test]
fn oku_selatan_dtks_registration_and_kis_pbid_deactivation() {
    let mut r = run("oku-selatan", "pendaftaran-dtks");
    r.walk(&["lengkap", "tunjuk", "layak"]);
    assert_eq!(ended(&r), ("diusulkan".into(), vec!["daftar_usulan_peserta_dtks".into()]));

    let mut r = run("oku-selatan", "penonaktifan-kis-pbid");
    r.walk(&["layak"]);
    assert!(r.state().clocks.service.is_some(), "the front office verification confirms the requirements");
    r.walk(&["tandatangani", "diserahkan"]);
    assert_eq!(ended(&r), ("dinonaktifkan".into(), vec!["rekomendasi_penonaktifan".into()]));
    let mut r = run("oku-selatan", "penonaktifan-kis-pbid");
    r.walk(&["tidak_layak"]);
    assert_eq!(ended(&r).0, "tidak_layak");
}

#[test]
fn tebing_tinggi_passes_the_application_down_the_disposisi_chain() {
    let mut r = run("tebing-tinggi", "surat-keterangan-dtks");
    r.walk(&["teruskan", "disposisi"]);
    assert_eq!(r.state().assignee.as_deref(), Some("kasubbag@test"));
    // Only the Kasubbag named may assign the officer; a Kasi is not.
    let ctx = r.ctx();
    assert!(!in_inbox(&ctx, r.state(), &user("kasi")));
    assert!(in_inbox(&ctx, r.state(), &user("kasubbag")));
    r.walk(&["tugaskan"]);
    assert_eq!(r.state().assignee.as_deref(), Some("pegawai@test"));
    let other = simpul_engine::Actor::new("pegawai-lain@test", ["pegawai"]);
    let ctx = r.ctx();
    assert!(!in_inbox(&ctx, r.state(), &other));
    assert!(available(&ctx, r.state(), &other).is_empty());
    let version = r.state().version;
    let refused =
        r.run(&other, Command::Act { expected_version: version, action: "layak".into(), input: r.good_input("layak") });
    assert_eq!(refused, Err(Refusal::NotAssignee));
    r.walk(&["layak", "ajukan", "tandatangani", "disampaikan"]);
    assert_eq!(ended(&r), ("terbit".into(), vec!["surat_keterangan_dtks".into()]));
    assert_eq!(r.state().facts[&Fact::DtksTerdaftar], FactValue::Bool(true));
}

#[test]
fn tebing_tinggi_bpjs_recommendation_goes_through_the_kepala_bidang_and_onto_the_monthly_recap() {
    let mut r = run("tebing-tinggi", "rekomendasi-bpjs-kesehatan");
    r.walk(&["teruskan", "disposisi"]);
    assert_eq!(r.state().assignee.as_deref(), Some("kepala_bidang@test"));
    r.walk(&["tugaskan", "layak", "ajukan", "tandatangani", "disampaikan"]);
    assert_eq!(ended(&r), ("terbit".into(), vec!["rekomendasi_bpjs".into(), "rekapitulasi_usul_bpjs".into()]));
    let mut r = run("tebing-tinggi", "rekomendasi-bpjs-kesehatan");
    r.walk(&["teruskan", "disposisi", "tugaskan", "tidak_layak"]);
    assert_eq!(ended(&r).0, "tidak_layak");
}

#[test]
fn a_disposisi_must_name_an_officer_with_the_required_role() {
    let mut r = run("tebing-tinggi", "rekomendasi-bpjs-kesehatan");
    r.walk(&["teruskan"]);
    let version = r.state().version;
    let mut input = r.good_input("disposisi");
    input.assignee = Some(simpul_engine::Assignee {
        user_id: "x@test".into(),
        roles: ["pegawai".to_string()].into_iter().collect(),
    });
    let refused =
        r.run(&user("kepala_dinas"), Command::Act { expected_version: version, action: "disposisi".into(), input });
    assert!(matches!(refused, Err(Refusal::InvalidAssignee { .. })), "{refused:?}");
    let refused = r.run(
        &user("kepala_dinas"),
        Command::Act { expected_version: version, action: "disposisi".into(), input: ActionInput::default() },
    );
    assert!(matches!(refused, Err(Refusal::InvalidAssignee { .. })), "{refused:?}");
}

#[test]
fn the_applicant_can_withdraw_at_any_step_before_the_end() {
    let mut r = run("oku-selatan", "sktm");
    r.walk(&["lengkap"]);
    let version = r.state().version;
    r.run(
        &user("front_office"),
        Command::Withdraw { expected_version: version, reason: "sudah tidak diperlukan".into() },
    )
    .expect("withdrawn");
    assert_eq!(ended(&r).0, simpul_engine::state::WITHDRAWN);
    assert!(matches!(r.state().stage, Stage::Ended { status: EndStatus::Withdrawn, .. }));
}

#[test]
fn form_values_read_as_words_in_lists_and_exports() {
    use serde_json::json;
    let service = super::support::office("oku-selatan").services.get("bantuan-stimulan").expect("service");
    let field = |code: &str| service.definition().fields.iter().find(|f| f.code == code).expect("field").clone();
    let words = |code: &str, value: serde_json::Value| simpul_engine::form::in_words(&field(code), &value);
    assert_eq!(words("jenis_bantuan", json!("kube")), "Kelompok Usaha Bersama (KUBE)");
    assert_eq!(words("nama", json!("Sahrul")), "Sahrul");
    assert_eq!(words("jumlah_anggota", json!(10)), "10");
    let luwu = super::support::office("luwu-timur").services.get("surat-keterangan-dtks").expect("service");
    let desa = luwu.definition().fields.iter().find(|f| f.code == "desa_kelurahan").expect("desa");
    assert_eq!(simpul_engine::form::in_words(desa, &json!("73.24.04.1003")), "Kelurahan Malili, Kecamatan Malili");
}
