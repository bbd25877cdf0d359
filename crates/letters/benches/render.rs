//! Rendering one SKTM letter (Bulukumba's recommendation) from template to PDF bytes, with fonts and templates
//! loaded once: `cargo bench -p simpul-letters --bench render`. Target: at least 80 letters per second per core.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use simpul_letters::verify::{LetterClaims, generate_key, sign};
use simpul_letters::{LetterContext, Renderer};
use uuid::Uuid;

fn bench(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../service-definitions");
    let catalog = simpul_definitions::load_dir(&dir).expect("definitions").catalog;
    let bundle = catalog.tenant("bulukumba").expect("bulukumba");
    let tenant = &bundle.tenant.value;
    let service = &bundle.services[0].value;
    let renderer = Renderer::load_dir(&dir).expect("templates");
    let date = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let (secret, _) = generate_key();
    let mut seq = 0u64;
    c.bench_function("render one SKTM letter to PDF", |b| {
        b.iter(|| {
            // A different applicant and number each time, as in production: nothing is served from a cache of
            // the same letter.
            seq += 1;
            let number = format!("400.9/{seq}/Dinsos/XI/2026");
            let claims = LetterClaims {
                tenant: tenant.code.clone(),
                letter_id: Uuid::now_v7(),
                number: number.clone(),
                issued_on: date,
            };
            let code = sign(1, &secret, &claims);
            let mut context = LetterContext::new(tenant, service, "rekomendasi_sktm", tenant.signatories.first(), date)
                .signed(&number, "https://simpul.bulukumbakab.go.id", &code);
            context.data = BTreeMap::from([
                (String::from("nama"), json!(format!("Pemohon Nomor {seq}"))),
                (String::from("nik"), json!("7302014507850001")),
                (String::from("tempat_lahir"), json!("Bulukumba")),
                (String::from("tanggal_lahir"), json!("1985-07-05")),
                (String::from("alamat"), json!(format!("Jl. Melati No. {seq}, Ujung Bulu"))),
                (String::from("tujuan"), json!("keringanan biaya rumah sakit")),
            ]);
            let rendered =
                renderer.render(&tenant.code, "rekomendasi-sktm.hbs", &context, &number, date).expect("render");
            std::hint::black_box(rendered.pdf.len())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
