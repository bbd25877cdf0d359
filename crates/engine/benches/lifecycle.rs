//! Speed of the engine: a whole Bulukumba SKTM lifecycle (decide + fold over all nine steps, three paraf) and
//! deadline arithmetic. Run with `cargo bench -p simpul-engine --bench lifecycle`.

use std::hint::black_box;
use std::path::PathBuf;

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use simpul_definitions::model::{Channel, DurationUnit, Fact};
use simpul_engine::{ActionInput, Actor, Application, Command, Context, FactValue, Service, WorkCalendar, decide};

struct Fixture {
    service: Service,
    calendar: WorkCalendar,
    region: String,
    steps: Vec<(Actor, Command)>,
}

fn fixture() -> Fixture {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../service-definitions");
    let catalog = simpul_definitions::load_dir(&dir).expect("definitions").catalog;
    let bundle = catalog.tenant("bulukumba").expect("Bulukumba");
    let tenant = &bundle.tenant.value;
    let calendar = WorkCalendar::for_tenant(tenant, catalog.calendar(&tenant.calendar)).expect("calendar");
    let definition = bundle.services.iter().find(|s| s.value.code == "rekomendasi-sktm").expect("SKTM").value.clone();
    let service = Service::new(definition, 1).expect("compiles");
    let data = serde_json::from_value(serde_json::json!({
        "nama": "Siti Aminah", "nik": "7302014507850001", "no_kk": "7302010101150003",
        "tempat_lahir": "Bulukumba", "tanggal_lahir": "1985-07-05", "alamat": "Jl. Melati No. 2",
        "tujuan": "keringanan biaya rumah sakit"
    }))
    .expect("form");
    let docs = ["ktp_kk", "sktm_desa", "sptjm"].map(String::from).into_iter().collect();
    let mut steps = vec![(
        Actor::new("fo", ["petugas_layanan"]),
        Command::Submit {
            data,
            channel: Channel::Langsung,
            facts: Default::default(),
            fact_notes: Default::default(),
            documents_received: docs,
        },
    )];
    let act = |version: u64, role: &str, action: &str, input: ActionInput| {
        (Actor::new(role, [role]), Command::Act { expected_version: version, action: action.into(), input })
    };
    let check = |items: &[&str]| ActionInput {
        checklist: items.iter().map(|i| (i.to_string(), true)).collect(),
        ..Default::default()
    };
    let facts = ActionInput {
        checklist: [("cek_siks_ng".to_string(), true), ("cek_e_dabu".to_string(), true)].into_iter().collect(),
        facts: [
            (Fact::DtksTerdaftar, FactValue::Bool(true)),
            (Fact::PbiApbn, FactValue::Bool(false)),
            (Fact::PbiApbd, FactValue::Bool(false)),
        ]
        .into_iter()
        .collect(),
        ..Default::default()
    };
    steps.push(act(1, "petugas_layanan", "terima", ActionInput::default()));
    steps.push(act(2, "petugas_layanan", "lengkap", check(&["ktp_kk", "sktm_desa", "sptjm"])));
    steps.push(act(3, "verifikator", "memenuhi", facts));
    steps.push(act(4, "verifikator", "selesai_disusun", ActionInput::default()));
    steps.push(act(5, "verifikator", "sesuai", check(&["data_sesuai", "tujuan_sesuai"])));
    steps.push(act(6, "penyuluh_sosial", "paraf", ActionInput::default()));
    steps.push(act(7, "kabid", "paraf", ActionInput::default()));
    steps.push(act(8, "sekretaris", "paraf", ActionInput::default()));
    steps.push(act(9, "kepala_dinas", "tandatangani", ActionInput::default()));
    steps.push(act(10, "petugas_layanan", "diserahkan", ActionInput::default()));
    steps.push(act(11, "petugas_layanan", "diarsipkan", ActionInput::default()));
    Fixture { service, calendar, region: tenant.region_code.clone(), steps }
}

/// One whole application: every command decided and its events folded into the state.
fn lifecycle(f: &Fixture) -> Application {
    let ctx = Context {
        service: &f.service,
        calendar: &f.calendar,
        region_code: Some(&f.region),
        roles: &[],
        findings: &simpul_engine::registry::NO_FINDINGS,
    };
    let mut now = Utc.with_ymd_and_hms(2026, 4, 22, 1, 0, 0).single().expect("instant");
    let mut state: Option<Application> = None;
    for (actor, command) in &f.steps {
        let events = decide(&ctx, state.as_ref(), actor, command, now).expect("accepted");
        for event in &events {
            match &mut state {
                None => state = Application::submitted(event),
                Some(s) => s.apply(event).expect("applies"),
            }
        }
        now += Duration::minutes(3);
    }
    let state = state.expect("state");
    assert!(state.is_ended());
    state
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    c.bench_function("bulukumba_sktm_lifecycle", |b| b.iter(|| black_box(lifecycle(&f))));
    let start = Utc.with_ymd_and_hms(2026, 3, 17, 3, 0, 0).single().expect("instant");
    c.bench_function("deadline_2_working_days", |b| {
        b.iter(|| black_box(f.calendar.due(black_box(start), 2, DurationUnit::HariKerja)))
    });
    c.bench_function("deadline_30_office_minutes", |b| {
        b.iter(|| black_box(f.calendar.due(black_box(start + Duration::hours(8)), 30, DurationUnit::Menit)))
    });
    let state = lifecycle(&f);
    c.bench_function("deadline_status", |b| b.iter(|| black_box(state.deadlines(&f.calendar, black_box(start)))));
}

criterion_group!(engine, benches);
criterion_main!(engine);
