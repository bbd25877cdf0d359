//! The shipped definitions made runnable, and a small driver that carries one application through its steps
//! the way officers would.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde_json::json;
use simpul_definitions::model::{Fact, Tenant};
use simpul_engine::{
    ActionInput, Actor, Application, Assignee, Command, Context, Event, FactValue, Facts, FormData, Refusal, Service,
    WorkCalendar, available,
};

/// One office of the shipped definitions, ready to run.
pub struct Office {
    pub tenant: Tenant,
    pub calendar: WorkCalendar,
    pub services: HashMap<String, Service>,
}

static OFFICES: OnceLock<HashMap<String, Office>> = OnceLock::new();

/// The office with this code.
pub fn office(code: &str) -> &'static Office {
    let offices = OFFICES.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../service-definitions");
        let report = simpul_definitions::load_and_validate(&dir).expect("definitions load");
        assert!(!simpul_definitions::diagnostics::has_errors(&report.diagnostics));
        let catalog = report.catalog;
        catalog
            .tenants
            .iter()
            .map(|bundle| {
                let tenant = bundle.tenant.value.clone();
                let calendar = WorkCalendar::for_tenant(&tenant, catalog.calendar(&tenant.calendar)).expect("calendar");
                let services = bundle
                    .services
                    .iter()
                    .map(|s| (s.value.code.clone(), Service::new(s.value.clone(), 1).expect("compiles")))
                    .collect();
                (tenant.code.clone(), Office { tenant, calendar, services })
            })
            .collect()
    });
    offices.get(code).unwrap_or_else(|| panic!("office {code}"))
}

/// An instant given in WIB (UTC+7).
pub fn wib(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().expect("valid") - Duration::hours(7)
}

/// An instant given in WITA (UTC+8).
pub fn wita(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().expect("valid") - Duration::hours(8)
}

/// A date.
pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// A user holding one role, named `<role>@<tenant>` as the demo users are.
pub fn user(role: &str) -> Actor {
    Actor::new(format!("{role}@test"), [role])
}

/// The codes of what a refusal names.
pub fn codes(items: &[simpul_engine::refusal::Named]) -> Vec<&str> {
    items.iter().map(|n| n.code.as_str()).collect()
}

/// Form data from JSON.
pub fn data(value: serde_json::Value) -> FormData {
    serde_json::from_value(value).expect("form data")
}

/// One application being carried through its steps.
pub struct Run {
    pub office: &'static Office,
    pub service: &'static Service,
    pub events: Vec<Event>,
    pub state: Option<Application>,
    pub now: DateTime<Utc>,
    /// Facts the officers look up, by name, used when an action asks for them.
    pub facts: Facts,
}

impl Run {
    /// A run of `service` of `office`, starting at `now`.
    pub fn new(office_code: &str, service: &str, now: DateTime<Utc>) -> Run {
        let office = office(office_code);
        let service = office.services.get(service).unwrap_or_else(|| panic!("service {service}"));
        Run { office, service, events: Vec::new(), state: None, now, facts: Facts::new() }
    }

    pub fn ctx(&self) -> Context<'static> {
        Context {
            service: self.service,
            calendar: &self.office.calendar,
            region_code: Some(&self.office.tenant.region_code),
            roles: &self.office.tenant.roles,
            findings: &simpul_engine::registry::NO_FINDINGS,
        }
    }

    /// The state; the application must have been submitted.
    pub fn state(&self) -> &Application {
        self.state.as_ref().expect("submitted")
    }

    /// Moves the clock.
    pub fn wait(&mut self, minutes: i64) {
        self.now += Duration::minutes(minutes);
    }

    /// Runs a command as `actor`; on success the events are appended and folded.
    pub fn run(&mut self, actor: &Actor, command: Command) -> Result<Vec<Event>, Refusal> {
        let ctx = self.ctx();
        let events = simpul_engine::decide(&ctx, self.state.as_ref(), actor, &command, self.now)?;
        for event in &events {
            match &mut self.state {
                None => self.state = Application::submitted(event),
                Some(state) => state.apply(event).expect("event applies"),
            }
        }
        self.events.extend(events.clone());
        Ok(events)
    }

    /// Submits `form` as the first submission role, with every paper copy the form asks for received.
    pub fn submit(&mut self, form: serde_json::Value) -> Result<Vec<Event>, Refusal> {
        let role = self.service.definition().submission.roles[0].clone();
        let channel = self.service.definition().submission.channels[0];
        let facts: Facts = self
            .service
            .definition()
            .submission
            .facts
            .iter()
            .filter_map(|f| self.facts.get(f).map(|v| (*f, *v)))
            .collect();
        self.run(
            &user(&role),
            Command::Submit {
                data: data(form),
                channel,
                facts,
                fact_notes: Default::default(),
                documents_received: Default::default(),
            },
        )
    }

    /// The input an officer who does things right gives for `action` of the current step: every checklist item
    /// confirmed, the facts looked up, the documents needed here received, a note, and for a disposisi the
    /// officer `<role>@test`.
    pub fn good_input(&self, action: &str) -> ActionInput {
        let state = self.state();
        let step = self.service.step(state.step().expect("open")).expect("step");
        let action = step
            .actions
            .iter()
            .find(|a| a.code == action)
            .unwrap_or_else(|| panic!("action {action} in {}", step.code));
        ActionInput {
            note: Some(String::from("catatan petugas")),
            checklist: step.checklist.iter().map(|c| (c.code.clone(), true)).collect(),
            facts: action
                .facts
                .iter()
                .map(|f| (*f, *self.facts.get(f).unwrap_or_else(|| panic!("fact {f:?} not set"))))
                .collect(),
            fact_notes: Default::default(),
            documents_received: self
                .service
                .definition()
                .persyaratan
                .iter()
                .filter(|r| {
                    r.needed_at.as_deref() == Some(step.code.as_str())
                        && r.kind == simpul_definitions::model::RequirementKind::Document
                })
                .map(|r| r.code.clone())
                .collect(),
            missing: if action.to == simpul_definitions::model::Target::Applicant {
                vec![self.service.definition().persyaratan[0].code.clone()]
            } else {
                Vec::new()
            },
            assignee: action
                .assign_to
                .first()
                .map(|role| Assignee { user_id: format!("{role}@test"), roles: [role.clone()].into_iter().collect() }),
        }
    }

    /// Takes `action` of the current step as whoever may: the next paraf role, the assigned officer, or the
    /// first role of the step.
    pub fn act(&mut self, action: &str) -> Result<Vec<Event>, Refusal> {
        let actor = self.actor_for(action);
        let input = self.good_input(action);
        let expected_version = self.state().version;
        self.run(&actor, Command::Act { expected_version, action: action.to_string(), input })
    }

    /// The officer who would take `action` now.
    pub fn actor_for(&self, action: &str) -> Actor {
        let state = self.state();
        let step = self.service.step(state.step().expect("open")).expect("step");
        if let Some(assignee) = state.assignee.as_ref().filter(|_| step.assigned) {
            let role = assignee.trim_end_matches("@test");
            return Actor::new(assignee.clone(), [role]);
        }
        let candidates: Vec<Actor> = step.roles.iter().map(|r| user(r)).collect();
        let ctx = self.ctx();
        candidates
            .into_iter()
            .find(|a| available(&ctx, state, a).iter().any(|x| x.code == action))
            .unwrap_or_else(|| user(&step.roles[0]))
    }

    /// Takes each action in turn, failing the test on any refusal.
    pub fn walk(&mut self, actions: &[&str]) {
        for action in actions {
            let step = self.state().step().unwrap_or("(ended)").to_string();
            if let Err(refusal) = self.act(action) {
                panic!("`{action}` in step `{step}` refused: {refusal}");
            }
        }
    }

    /// The steps visited so far, in order.
    pub fn steps_visited(&self) -> Vec<String> {
        let mut steps = Vec::new();
        for event in &self.events {
            match &event.kind {
                simpul_engine::EventKind::Submitted(s) => steps.push(s.step.clone()),
                simpul_engine::EventKind::ActionTaken(a) => {
                    if let simpul_engine::Effect::MovedTo { step, .. } = &a.effect {
                        steps.push(step.clone());
                    }
                }
                _ => {}
            }
        }
        steps
    }

    /// The outcome and products, once ended.
    pub fn outcome(&self) -> Option<(String, Vec<String>)> {
        match &self.state().stage {
            simpul_engine::Stage::Ended { outcome, products, .. } => Some((outcome.clone(), products.clone())),
            _ => None,
        }
    }

    /// Folding all events gives the state.
    pub fn assert_fold(&self) {
        assert_eq!(Application::fold(&self.events).as_ref(), Ok(self.state()));
    }
}

/// Facts of someone in DTKS/DTSEN desil 3 and not PBI.
pub fn poor_and_registered() -> BTreeMap<Fact, FactValue> {
    [
        (Fact::DtksTerdaftar, FactValue::Bool(true)),
        (Fact::DtsenTerdaftar, FactValue::Bool(true)),
        (Fact::DtsenDesil, FactValue::Int(3)),
        (Fact::PbiApbn, FactValue::Bool(false)),
        (Fact::PbiApbd, FactValue::Bool(false)),
        (Fact::KisPbidAktif, FactValue::Bool(true)),
    ]
    .into_iter()
    .collect()
}

/// A valid form for each shipped service.
pub fn form(service: &str) -> serde_json::Value {
    match service {
        "bulukumba/rekomendasi-sktm" => json!({
            "nama": "Siti Aminah", "nik": "7302014507850001", "no_kk": "7302010101150003",
            "tempat_lahir": "Bulukumba", "tanggal_lahir": "1985-07-05", "alamat": "Jl. Melati No. 2, Ujung Bulu",
            "tujuan": "keringanan biaya rumah sakit"
        }),
        "luwu-timur/surat-keterangan-dtks" => json!({
            "nama": "Andi Rahman", "nik": "7324011203800002", "no_kk": "7324010101150003",
            "alamat": "Dusun I", "desa_kelurahan": "73.24.04.1003", "pengiriman": "whatsapp", "nomor_whatsapp": "0812-3456-7890",
            "setuju_dihubungi": true
        }),
        "bangka/rekomendasi-sktm" => json!({
            "nama": "Rudi", "nik": "1901012003800001", "no_kk": "1901010101150003", "tempat_lahir": "Sungailiat",
            "tanggal_lahir": "1980-03-20", "alamat": "Jl. Pantai", "keperluan": "pendidikan"
        }),
        "oku-selatan/sktm" => json!({
            "nama_kepala_keluarga": "Sahrul", "nik_kepala_keluarga": "1609012003700001", "no_kk": "1609011505100001",
            "nama": "Dewi", "nik": "1609016001100002", "tempat_lahir": "Muaradua", "tanggal_lahir": "2010-01-20",
            "alamat": "Desa Pelangki", "keperluan": "beasiswa sekolah"
        }),
        "oku-selatan/rekomendasi-pembebasan-biaya-kesehatan" => json!({
            "nama": "Sahrul", "nik": "1609012003700001", "no_kk": "1609011505100001", "alamat": "Desa Pelangki",
            "jenis_perawatan": "perawatan_umum", "fasilitas_kesehatan": "RSUD Muaradua"
        }),
        "oku-selatan/penanggulangan-bencana" => json!({
            "nama": "Sahrul", "nik": "1609012003700001", "no_kk": "1609011505100001", "alamat": "Desa Pelangki",
            "jenis_bencana": "kebakaran rumah", "tanggal_kejadian": "2026-03-10", "jumlah_jiwa": 4
        }),
        "oku-selatan/bantuan-disabilitas" => json!({
            "nama": "Sahrul", "nik": "1609012003700001", "no_kk": "1609011505100001", "alamat": "Desa Pelangki",
            "ragam_disabilitas": "fisik", "kebutuhan_bantuan": "kursi roda"
        }),
        "oku-selatan/bantuan-stimulan" => json!({
            "jenis_bantuan": "kube", "jenis_pemohon": "kelompok", "nama_kelompok": "KUBE Maju", "jumlah_anggota": 10,
            "nama": "Sahrul", "nik": "1609012003700001", "no_kk": "1609011505100001", "alamat": "Desa Pelangki"
        }),
        "oku-selatan/pendaftaran-dtks" => json!({
            "nama": "Sahrul", "nik": "1609012003700001", "no_kk": "1609011505100001", "alamat": "Desa Pelangki",
            "jumlah_anggota_keluarga": 5
        }),
        "oku-selatan/penonaktifan-kis-pbid" => json!({
            "nama": "Sahrul", "nik": "1609012003700001", "no_kk": "1609011505100001", "nomor_kartu_kis": "0001234567890",
            "alamat": "Desa Pelangki", "jenis_permohonan": "penonaktifan", "alasan": "sudah menjadi peserta mandiri"
        }),
        "tebing-tinggi/surat-keterangan-dtks" => json!({
            "nama": "Butet", "nik": "1276015506900001", "no_kk": "1276010101150003", "alamat": "Jl. Sudirman",
            "keperluan": "pendaftaran sekolah"
        }),
        "tebing-tinggi/rekomendasi-bpjs-kesehatan" => json!({
            "nama": "Butet", "nik": "1276015506900001", "no_kk": "1276010101150003", "alamat": "Jl. Sudirman",
            "kelurahan": "12.76.05.1004"
        }),
        other => panic!("no form for {other}"),
    }
}
