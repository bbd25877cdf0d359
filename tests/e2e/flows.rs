//! Every one of the twelve services, from submission to its final outcome, driven only by what the API
//! returns (`service` and `availableActions`), logging in as the demo user of each step's role; and the
//! alternative paths.

use serde_json::{Value, json};

use super::server::{APPLICATION, Server, servers};

const SUBMIT: &str = "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { FIELDS } }";
const ACT: &str = "mutation($input: ActInput!) { act(input: $input) { FIELDS } }";
const GET: &str = "query($id: ID!) { application(id: $id) { FIELDS } }";
const SERVICE: &str = "query($t: String!, $c: String!) { service(tenant: $t, code: $c) {
    submissionRoles fields { code type required } requirements { code kind neededAt }
    steps { code roles } } }";

fn q(template: &str) -> String {
    template.replace("FIELDS", APPLICATION)
}

/// Facts an officer finds for a poor, registered applicant.
fn facts_for(codes: &[Value]) -> Value {
    Value::Array(
        codes
            .iter()
            .map(|f| {
                let code = f["code"].as_str().unwrap_or_default();
                let value = match code {
                    "dtsen_desil" => json!(3),
                    "pbi_apbn" | "pbi_apbd" => json!(false),
                    _ => json!(true),
                };
                json!({ "fact": code, "value": value })
            })
            .collect(),
    )
}

/// Bulukumba's SKTM recommendation from submission to the last paraf, just before the Kepala Dinas signs.
pub const BULUKUMBA_TO_SIGNING: &[&str] =
    &["terima", "lengkap", "memenuhi", "selesai_disusun", "sesuai", "paraf", "paraf", "paraf"];

/// Bulukumba's SKTM recommendation from submission to its end: signed, handed over and archived.
pub const BULUKUMBA_TO_END: &[&str] = &[
    "terima",
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
];

/// One application carried through `path` by whoever may take each action.
pub struct Flow<'a> {
    pub server: &'a Server,
    pub tenant: String,
    pub service: Value,
    pub app: Value,
}

impl<'a> Flow<'a> {
    pub fn submit(server: &'a Server, tenant: &str, code: &str, data: Value, facts: Value) -> Flow<'a> {
        Self::submit_with(server, tenant, code, data, facts, json!({}))
    }

    /// [`Flow::submit`] with more of the submission's input (`channel`, say).
    pub fn submit_with(
        server: &'a Server,
        tenant: &str,
        code: &str,
        data: Value,
        facts: Value,
        more: Value,
    ) -> Flow<'a> {
        let service =
            server.as_user(&format!("admin_dinas@{tenant}"), SERVICE, json!({ "t": tenant, "c": code }))["service"]
                .clone();
        let role = service["submissionRoles"][0].as_str().expect("a submission role").to_string();
        let mut input = json!({ "tenant": tenant, "service": code, "data": data, "facts": facts });
        for (key, value) in more.as_object().into_iter().flatten() {
            input[key] = value.clone();
        }
        let app =
            server.as_user(&format!("{role}@{tenant}"), &q(SUBMIT), json!({ "input": input }))["submitApplication"]
                .clone();
        Flow { server, tenant: tenant.into(), service, app }
    }

    fn id(&self) -> String {
        self.app["id"].as_str().expect("id").to_string()
    }

    /// The demo users of the current step's roles, and the one the application is assigned to.
    fn candidates(&self) -> Vec<String> {
        let step = self.app["step"].as_str().unwrap_or_default();
        let steps = self.service["steps"].as_array().expect("steps");
        let roles: Vec<String> = steps
            .iter()
            .find(|s| s["code"] == step)
            .map(|s| {
                s["roles"].as_array().expect("roles").iter().filter_map(|r| r.as_str().map(String::from)).collect()
            })
            .unwrap_or_default();
        let mut users: Vec<String> = roles.iter().map(|r| format!("{r}@{}", self.tenant)).collect();
        users.extend(
            self.service["submissionRoles"]
                .as_array()
                .expect("roles")
                .iter()
                .filter_map(|r| r.as_str())
                .map(|r| format!("{r}@{}", self.tenant)),
        );
        users
    }

    /// Takes `action` as the first candidate who is offered it, filling its inputs from `availableActions`.
    pub fn take(&mut self, action: &str) {
        let step = self.app["step"].as_str().unwrap_or_default().to_string();
        for user in self.candidates() {
            let app = self.server.as_user(&user, &q(GET), json!({ "id": self.id() }))["application"].clone();
            let Some(offered) = app["availableActions"].as_array().and_then(|a| a.iter().find(|x| x["code"] == action))
            else {
                continue;
            };
            let documents: Vec<Value> = self.service["requirements"]
                .as_array()
                .expect("requirements")
                .iter()
                .filter(|r| r["kind"] == "DOCUMENT" && r["neededAt"] == step.as_str() && offered["kind"] != "WITHDRAW")
                .map(|r| r["code"].clone())
                .collect();
            let assignee = offered["assignTo"].as_array().and_then(|roles| roles.first()).map(|role| {
                let (_, id) = self.server.login(&format!("{}@{}", role.as_str().unwrap_or_default(), self.tenant));
                id
            });
            let missing = if offered["needsMissingList"] == true {
                vec![self.service["requirements"][0]["code"].clone()]
            } else {
                vec![]
            };
            let checklist: Vec<Value> = offered["checklist"]
                .as_array()
                .expect("checklist")
                .iter()
                .map(|c| json!({ "item": c["code"], "confirmed": true }))
                .collect();
            let input = json!({
                "applicationId": self.id(),
                "action": action,
                "expectedVersion": app["version"],
                // A resubmission takes no note: it is refused, not ignored.
                "note": if offered["kind"] == "RESUBMIT" { Value::Null } else { json!("catatan petugas") },
                "checklist": checklist,
                "facts": facts_for(offered["facts"].as_array().expect("facts")),
                "documentsReceived": documents,
                "missing": missing,
                "assignee": assignee,
            });
            self.app = self.server.as_user(&user, &q(ACT), json!({ "input": input }))["act"].clone();
            return;
        }
        panic!("{}: nobody is offered `{action}` in step `{step}` of {}", self.server.backend, self.tenant);
    }

    /// Reads the application again (after actions taken outside the flow), as its submitter sees it.
    pub fn refresh(&mut self) {
        let role = self.service["submissionRoles"][0].as_str().expect("a submission role").to_string();
        let user = format!("{role}@{}", self.tenant);
        self.app = self.server.as_user(&user, &q(GET), json!({ "id": self.id() }))["application"].clone();
    }

    pub fn walk(&mut self, actions: &[&str]) {
        for action in actions {
            self.take(action);
        }
    }

    pub fn outcome(&self) -> (&str, &str) {
        (self.app["status"].as_str().unwrap_or_default(), self.app["outcome"].as_str().unwrap_or_default())
    }
}

pub fn form(key: &str) -> Value {
    match key {
        "bulukumba/rekomendasi-sktm" => json!({
            "nama": "Siti Aminah", "nik": "7302014507850001", "no_kk": "7302010101150003",
            "tempat_lahir": "Bulukumba", "tanggal_lahir": "1985-07-05", "alamat": "Jl. Melati No. 2",
            "tujuan": "keringanan biaya rumah sakit" }),
        "luwu-timur/surat-keterangan-dtks" => json!({
            "nama": "Andi Rahman", "nik": "7324011203800002", "no_kk": "7324010101150003", "alamat": "Dusun I",
            "desa_kelurahan": "73.24.04.1003", "pengiriman": "whatsapp", "nomor_whatsapp": "081234567890",
            "setuju_dihubungi": true }),
        "bangka/rekomendasi-sktm" => json!({
            "nama": "Rudi", "nik": "1901012003800001", "no_kk": "1901010101150003", "tempat_lahir": "Sungailiat",
            "tanggal_lahir": "1980-03-20", "alamat": "Jl. Pantai", "keperluan": "pendidikan" }),
        "oku-selatan/sktm" => json!({
            "nama_kepala_keluarga": "Sahrul", "nik_kepala_keluarga": "1609012003700001", "no_kk": "1609011505100001",
            "nama": "Dewi", "nik": "1609016001100002", "tempat_lahir": "Muaradua", "tanggal_lahir": "2010-01-20",
            "alamat": "Desa Pelangki", "keperluan": "beasiswa" }),
        "oku-selatan/rekomendasi-pembebasan-biaya-kesehatan" => json!({
            "nama": "Sahrul", "nik": "1609012003700001", "no_kk": "1609011505100001", "alamat": "Desa Pelangki",
            "jenis_perawatan": "perawatan_umum", "fasilitas_kesehatan": "RSUD Muaradua" }),
        "oku-selatan/penanggulangan-bencana" => json!({
            "nama": "Sahrul", "nik": "1609012003700001", "no_kk": "1609011505100001", "alamat": "Desa Pelangki",
            "jenis_bencana": "kebakaran rumah", "tanggal_kejadian": "2026-03-10", "jumlah_jiwa": 4 }),
        "oku-selatan/bantuan-disabilitas" => json!({
            "nama": "Sahrul", "nik": "1609012003700001", "no_kk": "1609011505100001", "alamat": "Desa Pelangki",
            "ragam_disabilitas": "fisik", "kebutuhan_bantuan": "kursi roda" }),
        "oku-selatan/bantuan-stimulan" => json!({
            "jenis_bantuan": "kube", "jenis_pemohon": "kelompok", "nama_kelompok": "KUBE Maju", "jumlah_anggota": 10,
            "nama": "Sahrul", "nik": "1609012003700001", "no_kk": "1609011505100001", "alamat": "Desa Pelangki" }),
        "oku-selatan/pendaftaran-dtks" => json!({
            "nama": "Sahrul", "nik": "1609012003700001", "no_kk": "1609011505100001", "alamat": "Desa Pelangki",
            "jumlah_anggota_keluarga": 5 }),
        "oku-selatan/penonaktifan-kis-pbid" => json!({
            "nama": "Sahrul", "nik": "1609012003700001", "no_kk": "1609011505100001", "nomor_kartu_kis": "0001234567890",
            "alamat": "Desa Pelangki", "jenis_permohonan": "penonaktifan", "alasan": "sudah peserta mandiri" }),
        "tebing-tinggi/surat-keterangan-dtks" => json!({
            "nama": "Butet", "nik": "1276015506900001", "no_kk": "1276010101150003", "alamat": "Jl. Sudirman",
            "keperluan": "pendaftaran sekolah" }),
        "tebing-tinggi/rekomendasi-bpjs-kesehatan" => json!({
            "nama": "Butet", "nik": "1276015506900001", "no_kk": "1276010101150003", "alamat": "Jl. Sudirman",
            "kelurahan": "12.76.05.1004" }),
        other => panic!("no form for {other}"),
    }
}

#[test]
fn every_service_of_every_office_runs_from_submission_to_its_outcome_over_the_api() {
    let plans: &[(&str, &str, &[&str], &str)] = &[
        ("bulukumba", "rekomendasi-sktm", BULUKUMBA_TO_END, "selesai"),
        ("luwu-timur", "surat-keterangan-dtks", &["lengkap", "ajukan", "tandatangani", "dikirim_whatsapp"], "selesai"),
        ("bangka", "rekomendasi-sktm", &["lengkap", "terdaftar_desil_1_5", "tandatangani", "diserahkan"], "terbit"),
        ("oku-selatan", "sktm", &["lengkap", "layak", "tandatangani", "diserahkan"], "terbit"),
        (
            "oku-selatan",
            "rekomendasi-pembebasan-biaya-kesehatan",
            &["lengkap", "layak", "tandatangani", "diteruskan"],
            "layak",
        ),
        ("oku-selatan", "penanggulangan-bencana", &["lengkap", "layak"], "diusulkan"),
        ("oku-selatan", "bantuan-disabilitas", &["lengkap", "layak"], "diusulkan"),
        ("oku-selatan", "bantuan-stimulan", &["lengkap", "tunjuk", "layak"], "diberikan"),
        ("oku-selatan", "pendaftaran-dtks", &["lengkap", "tunjuk", "layak"], "diusulkan"),
        ("oku-selatan", "penonaktifan-kis-pbid", &["layak", "tandatangani", "diserahkan"], "dinonaktifkan"),
        (
            "tebing-tinggi",
            "surat-keterangan-dtks",
            &["teruskan", "disposisi", "tugaskan", "layak", "ajukan", "tandatangani", "disampaikan"],
            "terbit",
        ),
        (
            "tebing-tinggi",
            "rekomendasi-bpjs-kesehatan",
            &["teruskan", "disposisi", "tugaskan", "layak", "ajukan", "tandatangani", "disampaikan"],
            "terbit",
        ),
    ];
    for server in servers() {
        for (tenant, code, path, outcome) in plans {
            let facts =
                if *tenant == "luwu-timur" { json!([{ "fact": "dtks_terdaftar", "value": true }]) } else { json!([]) };
            let mut flow = Flow::submit(&server, tenant, code, form(&format!("{tenant}/{code}")), facts);
            flow.walk(path);
            assert_eq!(flow.outcome(), ("ENDED", *outcome), "{}: {tenant}/{code}", server.backend);
            assert!(flow.app["availableActions"].as_array().is_some_and(|a| a.is_empty()), "nothing after the end");
        }
    }
}

#[test]
fn alternative_paths_return_resubmit_not_eligible_and_reject() {
    for server in servers() {
        // Returned for a missing document, then resubmitted and completed.
        let mut flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        flow.walk(&["terima", "belum_lengkap"]);
        assert_eq!(flow.app["status"], "RETURNED");
        flow.walk(&[
            "resubmit",
            "lengkap",
            "memenuhi",
            "selesai_disusun",
            "sesuai",
            "paraf",
            "paraf",
            "paraf",
            "tandatangani",
        ]);
        let number = flow.app["letters"][0]["number"].as_str().expect("a letter number").to_string();
        assert!(number.starts_with("400.9/") && number.contains("/Dinsos/"), "{number}");
        flow.walk(&["diserahkan", "diarsipkan"]);
        assert_eq!(flow.outcome(), ("ENDED", "selesai"));
        // Tidak layak after the TKSK survey.
        let mut flow = Flow::submit(&server, "oku-selatan", "sktm", form("oku-selatan/sktm"), json!([]));
        flow.walk(&["lengkap", "tidak_layak"]);
        assert_eq!(flow.outcome(), ("ENDED", "tidak_layak"));
        // Rejected with a reason.
        let mut flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        flow.walk(&["terima", "tolak"]);
        assert_eq!(flow.outcome(), ("ENDED", "ditolak"));
    }
}
