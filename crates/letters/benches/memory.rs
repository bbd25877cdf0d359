//! Memory of a long-running renderer: `cargo bench -p simpul-letters --bench memory` renders 10,000 letters
//! (`LETTERS=n` for another count) — every letter product of every shipped office in turn, each for another
//! applicant and number — on four threads, as the server's blocking pool does, and prints the process's resident
//! memory after the first 100 and every 1,000 after. What must hold: RSS stays within 50 MB of its value after
//! the first 100 letters (Typst's caches bounded, the allocator returning what they free).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use serde_json::json;
use simpul_definitions::model::ProductKind;
use simpul_letters::sample::sample_form;
use simpul_letters::verify::{LetterClaims, generate_key, sign};
use simpul_letters::{LetterContext, Renderer};
use uuid::Uuid;

/// Resident memory of this process in MB, from /proc (Linux).
fn rss_mb() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0.0);
    pages * 4096.0 / 1_048_576.0
}

fn main() {
    let total: usize = std::env::var("LETTERS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../service-definitions");
    let catalog = simpul_definitions::load_dir(&dir).expect("definitions").catalog;
    let renderer = Arc::new(Renderer::load_dir(&dir).expect("templates"));
    let date = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let mut jobs = Vec::new();
    for bundle in &catalog.tenants {
        for service in &bundle.services {
            for product in service.value.produk.iter().filter(|p| p.kind == ProductKind::Letter) {
                jobs.push((
                    bundle.tenant.value.clone(),
                    service.value.clone(),
                    product.code.clone(),
                    product.template.clone(),
                ));
            }
        }
    }
    let jobs = Arc::new(jobs);
    let (secret, _) = generate_key();
    let secret = Arc::new(secret);
    let next = Arc::new(AtomicUsize::new(0));
    let started = std::time::Instant::now();
    println!("letters rendered | RSS (MB) | change since 100 (MB)");
    let mut baseline = None;
    let mut checkpoint = 100;
    while checkpoint <= total {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (renderer, jobs, secret, next) = (renderer.clone(), jobs.clone(), secret.clone(), next.clone());
                std::thread::spawn(move || {
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= checkpoint {
                            break;
                        }
                        let (tenant, service, product, template) = &jobs[n % jobs.len()];
                        let number = format!("400.9/{n}/Dinsos/XI/2026");
                        let claims = LetterClaims {
                            tenant: tenant.code.clone(),
                            letter_id: Uuid::now_v7(),
                            number: number.clone(),
                            issued_on: date,
                        };
                        let code = sign(1, &secret, &claims);
                        let mut context =
                            LetterContext::new(tenant, service, product, tenant.signatories.first(), date).signed(
                                &number,
                                "https://simpul.example.go.id",
                                &code,
                            );
                        context.data = sample_form(service, &format!("Pemohon Nomor {n}"));
                        context.data.insert(String::from("alamat"), json!(format!("Jl. Melati No. {n}")));
                        let rendered =
                            renderer.render(&tenant.code, template, &context, &number, date).expect("render");
                        std::hint::black_box(rendered.pdf.len());
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("renderer thread");
        }
        next.store(checkpoint, Ordering::Relaxed);
        let rss = rss_mb();
        let base = *baseline.get_or_insert(rss);
        println!("{checkpoint:>16} | {rss:>8.1} | {:>+8.1}", rss - base);
        checkpoint = if checkpoint == 100 { 1_000 } else { checkpoint + 1_000 };
    }
    println!("{total} letters in {:.1} s", started.elapsed().as_secs_f64());
}
