//! Every kind of refusal, each leaving the application as it was.

use pretty_assertions::assert_eq;
use serde_json::json;
use simpul_definitions::model::{Channel, Fact};
use simpul_engine::refusal::Named;
use simpul_engine::{Actor, Application, Command, FactValue, Refusal, Service};

use super::support::{Run, codes, data, form, office, poor_and_registered, user, wita};

fn bulukumba() -> Run {
    let mut run = Run::new("bulukumba", "rekomendasi-sktm", wita(2026, 4, 22, 9, 0));
    run.facts = poor_and_registered();
    run.submit(form("bulukumba/rekomendasi-sktm")).expect("submitted");
    run
}

/// Runs `command` as `actor`, expects a refusal and checks nothing changed.
fn refused(run: &mut Run, actor: &Actor, command: Command) -> Refusal {
    let before: Application = run.state().clone();
    let events = run.events.len();
    let refusal = run.run(actor, command).expect_err("refused");
    assert_eq!(run.state(), &before);
    assert_eq!(run.events.len(), events);
    refusal
}

fn act(run: &Run, action: &str) -> Command {
    Command::Act { expected_version: run.state().version, action: action.into(), input: run.good_input(action) }
}

#[test]
fn a_role_that_may_not_act_is_refused() {
    let mut run = bulukumba();
    let command = act(&run, "terima");
    let refusal = refused(&mut run, &user("kepala_dinas"), command);
    let front_office = Named::new("petugas_layanan", "Petugas Layanan (front office)");
    assert_eq!(refusal, Refusal::RoleNotAllowed { allowed: vec![front_office] });
    // The officer reads the office's name of the role, not its code.
    assert_eq!(
        refusal.to_string(),
        "Peran Anda tidak berwenang untuk tindakan ini; yang berwenang: Petugas Layanan (front office)"
    );
}

#[test]
fn an_action_of_another_step_or_unknown_is_not_available() {
    let mut run = bulukumba();
    let command = Command::Act { expected_version: 1, action: "tandatangani".into(), input: Default::default() };
    let refusal = refused(&mut run, &user("petugas_layanan"), command);
    assert_eq!(
        refusal,
        Refusal::ActionNotAvailable { action: "tandatangani".into(), step: "Penerimaan berkas persyaratan".into() }
    );
}

#[test]
fn a_stale_version_is_refused() {
    let mut run = bulukumba();
    run.walk(&["terima"]);
    let command = Command::Act { expected_version: 1, action: "lengkap".into(), input: run.good_input("lengkap") };
    assert_eq!(refused(&mut run, &user("petugas_layanan"), command), Refusal::StaleVersion { expected: 1, actual: 2 });
}

#[test]
fn an_ended_application_accepts_no_action() {
    let mut run = bulukumba();
    run.walk(&["terima", "tolak"]);
    let version = run.state().version;
    for command in [
        Command::Act { expected_version: version, action: "terima".into(), input: Default::default() },
        Command::Withdraw { expected_version: version, reason: "x".into() },
        Command::Resubmit {
            expected_version: version,
            data: Default::default(),
            documents_received: Default::default(),
        },
        Command::AttachDocument { expected_version: version, requirement: "ktp_kk".into(), document: "d1".into() },
    ] {
        assert_eq!(refused(&mut run, &user("petugas_layanan"), command), Refusal::Ended { outcome: "ditolak".into() });
    }
}

#[test]
fn an_application_is_run_only_under_the_definition_version_it_started_with() {
    let run = bulukumba();
    let def = run.service.definition().clone();
    let v2 = Service::new(def, 2).expect("compiles");
    let ctx = simpul_engine::Context {
        service: &v2,
        calendar: &run.office.calendar,
        region_code: None,
        roles: &[],
        findings: &simpul_engine::registry::NO_FINDINGS,
    };
    let refusal =
        simpul_engine::decide(&ctx, run.state.as_ref(), &user("petugas_layanan"), &act(&run, "terima"), run.now);
    assert_eq!(refusal, Err(Refusal::DefinitionMismatch { pinned: 1, given: 2 }));
}

#[test]
fn the_paraf_chain_is_taken_in_order_and_nobody_initials_twice() {
    let mut run = bulukumba();
    run.walk(&["terima", "lengkap", "memenuhi", "selesai_disusun", "sesuai"]);
    let command = act(&run, "paraf");
    assert_eq!(
        refused(&mut run, &user("kabid"), command),
        Refusal::ParafOutOfOrder {
            expected_role: Named::new("penyuluh_sosial", "Penyuluh Sosial (koordinator kegiatan)")
        }
    );
    let both = Actor::new("rangkap@test", ["penyuluh_sosial", "kabid"]);
    let command = act(&run, "paraf");
    run.run(&both, command).expect("initials as penyuluh sosial");
    let command = act(&run, "paraf");
    assert_eq!(refused(&mut run, &both, command), Refusal::AlreadyInitialled);
    let command = act(&run, "paraf");
    let refusal = refused(&mut run, &user("kepala_dinas"), command);
    assert!(matches!(refusal, Refusal::RoleNotAllowed { .. }), "{refusal}");
}

/// Separation of duties: the Sekretaris who initialled Bulukumba's draft may sign for the Kepala Dinas in
/// general, but not this letter — neither offered the action nor accepted — while the Kepala Dinas may; a
/// service that switches the rule off lets them.
#[test]
fn whoever_initialled_the_draft_cannot_sign_it_unless_the_service_allows_it() {
    let mut run = bulukumba();
    run.walk(&["terima", "lengkap", "memenuhi", "selesai_disusun", "sesuai", "paraf", "paraf", "paraf"]);
    assert!(run.state().initialled_by.contains("sekretaris@test"), "{:?}", run.state().initialled_by);
    let sekretaris = user("sekretaris");
    let ctx = run.ctx();
    let offered = simpul_engine::available(&ctx, run.state(), &sekretaris);
    assert!(!offered.iter().any(|a| a.code == "tandatangani"), "not offered: {offered:?}");
    assert!(offered.iter().any(|a| a.code == "kembalikan"), "sending the draft back stays open to them");
    let command = act(&run, "tandatangani");
    assert_eq!(refused(&mut run, &sekretaris, command), Refusal::InitialledCannotSign);
    let command = act(&run, "tandatangani");
    run.run(&user("kepala_dinas"), command).expect("another official signs");

    let mut definition = run.service.definition().clone();
    definition.paraf_cannot_sign = false;
    let relaxed: &'static Service = Box::leak(Box::new(Service::new(definition, 1).expect("compiles")));
    let mut run = bulukumba();
    run.service = relaxed;
    run.walk(&["terima", "lengkap", "memenuhi", "selesai_disusun", "sesuai", "paraf", "paraf", "paraf"]);
    let command = act(&run, "tandatangani");
    run.run(&sekretaris, command).expect("the office switched the rule off for this service");
}

#[test]
fn bad_form_data_is_refused_naming_every_field() {
    let mut run = Run::new("bulukumba", "rekomendasi-sktm", wita(2026, 4, 22, 9, 0));
    let mut f = form("bulukumba/rekomendasi-sktm");
    f["nik"] = json!("7302014507850000");
    f["tanggal_lahir"] = json!("2027-01-01");
    f["tujuan"] = json!("   ");
    f["warna"] = json!("merah");
    let refusal = run.submit(f).expect_err("invalid");
    let Refusal::InvalidData { problems } = &refusal else { panic!("{refusal}") };
    let fields: Vec<(&str, &str)> = problems.iter().map(|p| (p.field.as_str(), p.problem.as_str())).collect();
    assert_eq!(
        fields,
        vec![
            ("warna", "tidak dikenal pada formulir layanan ini"),
            ("nik", "NIK tidak valid: nomor urut (4 angka terakhir) tidak boleh 0000"),
            ("tanggal_lahir", "tidak boleh tanggal yang akan datang"),
            ("tujuan", "Maksud dan tujuan penerbitan SKTM wajib diisi"),
        ]
    );
    assert!(run.state.is_none());
}

#[test]
fn a_conditional_field_is_required_only_when_it_applies() {
    let mut run = Run::new("luwu-timur", "surat-keterangan-dtks", wita(2026, 4, 22, 9, 0));
    run.facts = poor_and_registered();
    let mut f = form("luwu-timur/surat-keterangan-dtks");
    f.as_object_mut().expect("object").remove("nomor_whatsapp");
    let refusal = run.submit(f.clone()).expect_err("WhatsApp number missing");
    assert!(refusal.to_string().contains("nomor_whatsapp"), "{refusal}");
    f["pengiriman"] = json!("langsung");
    // Nor the consent to be messaged there.
    f.as_object_mut().expect("object").remove("setuju_dihubungi");
    run.submit(f.clone()).expect("collected in person: no number needed");

    let mut run = Run::new("luwu-timur", "surat-keterangan-dtks", wita(2026, 4, 22, 9, 0));
    run.facts = poor_and_registered();
    f["nomor_whatsapp"] = json!("081234567890");
    let refusal = run.submit(f).expect_err("a value for a field that does not apply");
    assert!(refusal.to_string().contains("tidak berlaku"), "{refusal}");
}

#[test]
fn a_choice_outside_the_list_is_refused() {
    let mut run = Run::new("bangka", "rekomendasi-sktm", wita(2026, 4, 22, 9, 0));
    let mut f = form("bangka/rekomendasi-sktm");
    f["keperluan"] = json!("hiburan");
    let refusal = run.submit(f).expect_err("not a choice");
    assert!(refusal.to_string().contains("pilihan `hiburan` tidak dikenal"), "{refusal}");
}

#[test]
fn a_nik_registered_elsewhere_is_a_warning_not_a_refusal() {
    let mut run = Run::new("bulukumba", "rekomendasi-sktm", wita(2026, 4, 22, 9, 0));
    let mut f = form("bulukumba/rekomendasi-sktm");
    f["nik"] = json!("1609014507850001");
    run.submit(f).expect("accepted");
    assert_eq!(run.state().warnings.len(), 1);
    assert!(run.state().warnings[0].contains("16.09"), "{:?}", run.state().warnings);
}

#[test]
fn a_channel_the_service_does_not_accept_is_refused() {
    let mut run = Run::new("bulukumba", "rekomendasi-sktm", wita(2026, 4, 22, 9, 0));
    let command = Command::Submit {
        data: data(form("bulukumba/rekomendasi-sktm")),
        channel: Channel::Daring,
        facts: Default::default(),
        fact_notes: Default::default(),
        documents_received: Default::default(),
    };
    let refusal = run.run(&user("petugas_layanan"), command).expect_err("counter only");
    assert_eq!(refusal, Refusal::ChannelNotAccepted { channel: "daring".into() });
}

#[test]
fn moving_forward_needs_the_checklist_confirmed_and_the_documents_received() {
    let mut run = bulukumba();
    run.walk(&["terima"]);
    let mut input = run.good_input("lengkap");
    input.checklist.insert("sptjm".into(), false);
    let command = Command::Act { expected_version: 2, action: "lengkap".into(), input };
    let refusal = refused(&mut run, &user("petugas_layanan"), command);
    assert!(matches!(&refusal, Refusal::ChecklistIncomplete { items } if codes(items) == ["sptjm"]), "{refusal:?}");
    // The officer reads the item's label, not its code.
    assert_eq!(
        refusal.to_string(),
        "Daftar periksa belum dipenuhi: SPTJM ditandatangani Kepala Desa/Lurah dan bermaterai 10.000"
    );
    let mut input = run.good_input("lengkap");
    input.documents_received.remove("sptjm");
    let command = Command::Act { expected_version: 2, action: "lengkap".into(), input };
    let refusal = refused(&mut run, &user("petugas_layanan"), command);
    assert!(matches!(&refusal, Refusal::MissingDocuments { missing } if codes(missing) == ["sptjm"]), "{refusal:?}");
    assert!(!refusal.to_string().contains("sptjm"), "{refusal}");
    // An attached scan counts like a paper copy.
    let attach = Command::AttachDocument { expected_version: 2, requirement: "sptjm".into(), document: "doc-1".into() };
    run.run(&user("petugas_layanan"), attach).expect("attached");
    let mut input = run.good_input("lengkap");
    input.documents_received.remove("sptjm");
    run.run(&user("petugas_layanan"), Command::Act { expected_version: 3, action: "lengkap".into(), input })
        .expect("complete");
}

#[test]
fn registry_facts_must_be_given_and_of_their_type() {
    let mut run = bulukumba();
    run.walk(&["terima", "lengkap"]);
    let version = run.state().version;
    let mut input = run.good_input("memenuhi");
    input.facts.remove(&Fact::PbiApbd);
    let command = Command::Act { expected_version: version, action: "memenuhi".into(), input };
    let refusal = refused(&mut run, &user("verifikator"), command);
    assert!(matches!(&refusal, Refusal::InvalidFact { fact, .. } if fact == "pbi_apbd"), "{refusal}");
    let mut input = run.good_input("memenuhi");
    input.facts.insert(Fact::DtsenDesil, FactValue::Int(3));
    let command = Command::Act { expected_version: version, action: "memenuhi".into(), input };
    let refusal = refused(&mut run, &user("verifikator"), command);
    assert_eq!(
        refusal,
        Refusal::InvalidFact { fact: "dtsen_desil".into(), problem: "tidak diminta pada tindakan ini".into() }
    );
    let mut input = run.good_input("memenuhi");
    input.facts.insert(Fact::PbiApbn, FactValue::Int(1));
    let command = Command::Act { expected_version: version, action: "memenuhi".into(), input };
    assert!(matches!(refused(&mut run, &user("verifikator"), command), Refusal::InvalidFact { .. }));

    let mut bangka = Run::new("bangka", "rekomendasi-sktm", wita(2026, 4, 22, 9, 0));
    bangka.facts = poor_and_registered();
    bangka.facts.insert(Fact::DtsenDesil, FactValue::Int(11));
    bangka.submit(form("bangka/rekomendasi-sktm")).expect("submitted");
    bangka.walk(&["lengkap"]);
    let refusal = bangka.act("terdaftar_desil_1_5").expect_err("desil 11");
    assert_eq!(refusal, Refusal::InvalidFact { fact: "dtsen_desil".into(), problem: "harus angka 1 sampai 10".into() });
}

#[test]
fn a_return_to_the_applicant_must_say_what_is_missing() {
    let mut run = bulukumba();
    run.walk(&["terima"]);
    let mut input = run.good_input("belum_lengkap");
    input.missing.clear();
    let command = Command::Act { expected_version: 2, action: "belum_lengkap".into(), input };
    assert!(matches!(refused(&mut run, &user("petugas_layanan"), command), Refusal::InvalidMissingList { .. }));
    let mut input = run.good_input("belum_lengkap");
    input.missing = vec!["akta_nikah".into()];
    let command = Command::Act { expected_version: 2, action: "belum_lengkap".into(), input };
    let refusal = refused(&mut run, &user("petugas_layanan"), command);
    assert_eq!(refusal.to_string(), "Sebutkan persyaratan yang kurang: `akta_nikah` bukan persyaratan layanan ini");
}

#[test]
fn while_waiting_for_the_applicant_only_resubmission_or_withdrawal_is_possible() {
    let mut run = bulukumba();
    run.walk(&["terima", "belum_lengkap"]);
    let command = act(&run, "lengkap");
    assert!(matches!(refused(&mut run, &user("petugas_layanan"), command), Refusal::WrongStage { .. }));
    let ctx = run.ctx();
    let kinds: Vec<_> =
        simpul_engine::available(&ctx, run.state(), &user("petugas_layanan")).iter().map(|a| a.code).collect();
    assert_eq!(kinds, vec!["resubmit", "withdraw"]);
    // It waits in the inbox of the role that resubmits it, and nobody else's.
    assert!(simpul_engine::in_inbox(&ctx, run.state(), &user("petugas_layanan")));
    assert!(!simpul_engine::in_inbox(&ctx, run.state(), &user("verifikator")));
}

#[test]
fn resubmission_of_an_application_that_was_not_returned_is_refused() {
    let mut run = bulukumba();
    let command =
        Command::Resubmit { expected_version: 1, data: Default::default(), documents_received: Default::default() };
    assert!(matches!(refused(&mut run, &user("petugas_layanan"), command), Refusal::WrongStage { .. }));
}

#[test]
fn submitting_twice_or_acting_before_submitting_is_refused() {
    let mut run = bulukumba();
    let again = Command::Submit {
        data: data(form("bulukumba/rekomendasi-sktm")),
        channel: Channel::Langsung,
        facts: Default::default(),
        fact_notes: Default::default(),
        documents_received: Default::default(),
    };
    assert_eq!(refused(&mut run, &user("petugas_layanan"), again), Refusal::AlreadySubmitted);
    let o = office("bulukumba");
    let service = &o.services["rekomendasi-sktm"];
    let ctx = simpul_engine::Context {
        service,
        calendar: &o.calendar,
        region_code: None,
        roles: &[],
        findings: &simpul_engine::registry::NO_FINDINGS,
    };
    let command = Command::Act { expected_version: 0, action: "terima".into(), input: Default::default() };
    assert_eq!(
        simpul_engine::decide(&ctx, None, &user("petugas_layanan"), &command, run.now),
        Err(Refusal::NotSubmitted)
    );
}

#[test]
fn an_input_the_action_does_not_take_is_refused_not_ignored() {
    let mut run = bulukumba();
    run.walk(&["terima"]);
    let officer = user("petugas_layanan");
    // A disposisi target for an action that assigns nobody.
    let mut input = run.good_input("lengkap");
    input.assignee = Some(simpul_engine::Assignee { user_id: "verifikator@test".into(), roles: Default::default() });
    let command = Command::Act { expected_version: 2, action: "lengkap".into(), input };
    let refusal = refused(&mut run, &officer, command);
    assert_eq!(refusal, Refusal::InputNotTaken { input: simpul_engine::InputField::Assignee });
    assert_eq!(refusal.to_string(), "Tindakan ini tidak memakai petugas yang ditunjuk; kosongkan isian itu");
    // A list of missing requirements for an action that does not return the application.
    let mut input = run.good_input("lengkap");
    input.missing = vec!["sptjm".into()];
    let command = Command::Act { expected_version: 2, action: "lengkap".into(), input };
    assert_eq!(
        refused(&mut run, &officer, command),
        Refusal::InputNotTaken { input: simpul_engine::InputField::Missing }
    );
    // An answer for an item the step's checklist does not have is named as such, not as unconfirmed.
    let mut input = run.good_input("lengkap");
    input.checklist.insert("tidak_ada".into(), true);
    let command = Command::Act { expected_version: 2, action: "lengkap".into(), input };
    assert_eq!(refused(&mut run, &officer, command), Refusal::UnknownChecklistItem { item: "tidak_ada".into() });
}

#[test]
fn a_checklist_item_is_offered_as_required_exactly_where_it_is_required() {
    let mut run = bulukumba();
    run.walk(&["terima"]);
    let ctx = run.ctx();
    let officer = user("petugas_layanan");
    let offered = simpul_engine::available(&ctx, run.state(), &officer);
    let required = |code: &str| -> Vec<bool> {
        offered.iter().find(|a| a.code == code).expect(code).checklist.iter().map(|q| q.required).collect()
    };
    assert_eq!(required("lengkap"), [true, true, true]);
    // Returning or rejecting need not confirm what is missing or wrong.
    assert_eq!(required("belum_lengkap"), [false, false, false]);
    assert_eq!(required("tolak"), [false, false, false]);
    let mut input = run.good_input("tolak");
    input.checklist.clear();
    let command = Command::Act { expected_version: 2, action: "tolak".into(), input };
    assert!(run.run(&officer, command).is_ok());
}

#[test]
fn the_roles_that_may_resubmit_are_named_once() {
    let mut run = bulukumba();
    run.walk(&["terima", "belum_lengkap"]);
    let command =
        Command::Resubmit { expected_version: 3, data: Default::default(), documents_received: Default::default() };
    // The submitter and the step that returned it are the same role here: named once.
    let refusal = refused(&mut run, &user("kepala_dinas"), command);
    assert_eq!(
        refusal.to_string(),
        "Peran Anda tidak berwenang untuk tindakan ini; yang berwenang: Petugas Layanan (front office)"
    );
}

#[test]
fn a_birth_date_that_differs_from_the_niks_is_refused_and_a_nik_from_elsewhere_is_flagged_by_name() {
    let mut run = Run::new("bulukumba", "rekomendasi-sktm", wita(2026, 4, 22, 9, 0));
    // The NIK encodes 5 July 1985.
    let mut form = form("bulukumba/rekomendasi-sktm");
    form["tanggal_lahir"] = json!("1990-01-01");
    let refusal = run.submit(form).expect_err("refused");
    let Refusal::InvalidData { problems } = &refusal else { panic!("{refusal:?}") };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "tanggal_lahir");
    assert_eq!(problems[0].problem, "tidak sesuai dengan tanggal lahir dalam NIK (05-07-1985); periksa kembali KTP");
    // A NIK of a province that does not exist names the province.
    let mut form = super::support::form("bulukumba/rekomendasi-sktm");
    form["nik"] = json!("9902014507850001");
    let refusal = run.submit(form).expect_err("refused");
    assert!(refusal.to_string().contains("kode provinsi 99"), "{refusal}");
    // A NIK registered in Gowa is accepted with a warning naming both regions.
    let mut form = super::support::form("bulukumba/rekomendasi-sktm");
    form["nik"] = json!("7306014507850001");
    run.submit(form).expect("accepted");
    assert_eq!(
        run.state().warnings,
        ["NIK: NIK terdaftar di Kabupaten Gowa (73.06), di luar wilayah layanan (Kabupaten Bulukumba); periksa \
           domisili pemohon"]
    );
}

#[test]
fn a_registry_value_is_confirmed_or_overridden_with_a_reason() {
    use simpul_definitions::model::RegistrySource;
    use simpul_engine::registry::{Basis, FactSource, Finding, MatchKey, attribute};
    let basis = Basis {
        source: RegistrySource::Dtsen,
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
        reference: String::from("snapshot-1"),
        matched: Some(MatchKey::Nik),
    };
    let found = [(Fact::DtsenDesil, Finding { value: FactValue::Int(2), basis: basis.clone() })].into();
    let given = |d: i64| [(Fact::DtsenDesil, FactValue::Int(d)), (Fact::DtsenTerdaftar, FactValue::Bool(true))].into();
    let none = std::collections::BTreeMap::new();
    let sources = attribute(&found, &given(2), &none).expect("confirmed");
    assert_eq!(sources[&Fact::DtsenDesil], FactSource::Registry { basis: basis.clone() });
    assert_eq!(sources[&Fact::DtsenTerdaftar], FactSource::Officer { note: None, overrode: None });
    let refused = attribute(&found, &given(4), &none).expect_err("no reason");
    assert_eq!(
        refused,
        Refusal::InvalidFact {
            fact: "dtsen_desil".into(),
            problem: "berbeda dari DTSEN (SIKS-NG) per 1 November 2026 (desil 2); tulis alasan petugas mengubahnya"
                .into()
        }
    );
    let reason = [(Fact::DtsenDesil, String::from("  Musdes Oktober  "))].into();
    let sources = attribute(&found, &given(4), &reason).expect("overridden");
    assert_eq!(
        sources[&Fact::DtsenDesil].words(Fact::DtsenDesil),
        "diisi petugas, berbeda dari DTSEN (SIKS-NG) per 1 November 2026 (desil 2): Musdes Oktober"
    );
    let stray = [(Fact::PbiApbn, String::from("catatan"))].into();
    assert!(
        matches!(attribute(&found, &given(2), &stray), Err(Refusal::InvalidFact { fact, .. }) if fact == "pbi_apbn")
    );
}
