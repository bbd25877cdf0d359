//! Every letter of the twelve services: one A4 page with the name, number and date in its text; hostile values
//! printed literally; drafts marked and unnumbered; one PNG per office.

use pretty_assertions::assert_eq;
use simpul_definitions::model::{ProductKind, ServiceDefinition, Tenant};
use simpul_letters::verify::{LetterClaims, generate_key, sign};
use simpul_letters::{DRAFT_NUMBER, LetterContext, Rendered};
use uuid::Uuid;

use super::support::{catalog, form, issued, renderer, text_of};

const A4: (f64, f64) = (595.28, 841.89);

fn signed_context(
    tenant: &Tenant,
    service: &ServiceDefinition,
    product: &str,
    name: &str,
    number: &str,
) -> LetterContext {
    let (secret, _) = generate_key();
    let claims = LetterClaims {
        tenant: tenant.code.clone(),
        letter_id: Uuid::now_v7(),
        number: number.into(),
        issued_on: issued(),
    };
    let code = sign(1, &secret, &claims);
    let mut context = LetterContext::new(tenant, service, product, tenant.signatories.first(), issued()).signed(
        number,
        "https://simpul.example.go.id",
        &code,
    );
    context.data = form(service, name);
    context.letter.tracking_code = String::from("ABCDE-FGH23");
    context
}

fn render(tenant: &Tenant, template: &str, context: &LetterContext) -> Rendered {
    renderer().render(&tenant.code, template, context, "test", issued()).unwrap_or_else(|e| panic!("{template}: {e}"))
}

fn assert_a4_single_page(rendered: &Rendered, what: &str) {
    let pages = rendered.page_sizes();
    assert_eq!(pages.len(), 1, "{what}: one page");
    let (w, h) = pages[0];
    assert!((w - A4.0).abs() < 0.5 && (h - A4.1).abs() < 0.5, "{what}: A4, got {w}×{h}");
}

#[test]
fn every_letter_product_renders_with_name_number_and_date_on_one_a4_page() {
    let mut count = 0;
    for bundle in &catalog().tenants {
        let tenant = &bundle.tenant.value;
        for service in bundle.services.iter().map(|s| &s.value) {
            for product in service.produk.iter().filter(|p| p.kind == ProductKind::Letter) {
                let what = format!("{}/{}/{}", tenant.code, service.code, product.code);
                let number = format!("400.9/{}/Dinsos/XI/2026", 17 + count);
                let context = signed_context(tenant, service, &product.code, "Siti Aminah", &number);
                let rendered = render(tenant, &product.template, &context);
                assert_a4_single_page(&rendered, &what);
                let text = text_of(&rendered.pdf);
                for expected in ["Siti Aminah", number.as_str(), "23 November 2026", &tenant.kop_surat.lines[0]] {
                    assert!(text.contains(expected), "{what}: `{expected}` missing from: {text}");
                }
                assert!(text.contains("simpul.example.go.id/v"), "{what}: verification address printed");
                let short = &context.qr.as_ref().expect("signed").short_code;
                assert!(short.len() <= 16 && text.contains(short.as_str()), "{what}: the short code {short} printed");
                count += 1;
            }
        }
    }
    assert_eq!(count, 9, "letter products of the twelve services");
}

#[test]
fn bulukumba_sktm_recommendation_has_what_the_standard_asks_for() {
    let bundle = catalog().tenant("bulukumba").expect("bulukumba");
    let service = &bundle.services[0].value;
    let product = &service.produk[0];
    let context = signed_context(&bundle.tenant.value, service, &product.code, "Siti Aminah", "400.9/5/Dinsos/XI/2026");
    let text = text_of(&render(&bundle.tenant.value, &product.template, &context).pdf);
    // Name, address, place and date of birth, NIK, purpose, date of issue, signatory.
    for expected in [
        "Siti Aminah",
        "Alamat",
        "1985",
        "Juli",
        "7302014507850001",
        "guna Maksud dan tujuan penerbitan SKTM contoh",
        "Bulukumba, 23 November 2026",
        "Kepala Dinas Sosial Kabupaten Bulukumba",
        "PEMERINTAH KABUPATEN BULUKUMBA",
    ] {
        assert!(text.contains(expected), "`{expected}` missing from: {text}");
    }
}

#[test]
fn hostile_values_come_out_as_literal_text() {
    let bundle = catalog().tenant("bulukumba").expect("bulukumba");
    let service = &bundle.services[0].value;
    let product = &service.produk[0];
    let hostile = [
        "#set page(fill: red)",
        "Andi ] #text(size: 40pt)[X",
        "Back\\slash \\u{41}",
        "$x^2$ dan @ref <label>",
        "#panic(\"boom\")",
        "#read(\"/etc/passwd\")",
        "// bukan komentar",
        "= Bukan judul",
        "*tebal* _miring_ `kode`",
    ];
    for value in hostile {
        let mut context = signed_context(&bundle.tenant.value, service, &product.code, value, "400.9/1/Dinsos/XI/2026");
        context.data.insert(String::from("alamat"), serde_json::json!(value));
        // Names from the definitions pass through the same escaping (the product name is the PDF's title).
        context.letter.product = format!("Surat A/B - C. \"{value}\"");
        context.tenant.kop_surat.lines[1] = format!("DINAS {value}");
        let rendered = render(&bundle.tenant.value, &product.template, &context);
        assert_a4_single_page(&rendered, value);
        let text = text_of(&rendered.pdf);
        let literal = value.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(&literal), "`{literal}` not printed literally in: {text}");
    }
}

#[test]
fn a_draft_is_marked_and_has_no_number_or_qr() {
    let bundle = catalog().tenant("bulukumba").expect("bulukumba");
    let service = &bundle.services[0].value;
    let product = &service.produk[0];
    let mut context = LetterContext::new(
        &bundle.tenant.value,
        service,
        &product.code,
        bundle.tenant.value.signatories.first(),
        issued(),
    );
    context.data = form(service, "Siti Aminah");
    let rendered = render(&bundle.tenant.value, &product.template, &context);
    let text = text_of(&rendered.pdf);
    assert!(text.contains(DRAFT_NUMBER), "{text}");
    assert!(text.contains("DRAFT — belum ditandatangani"), "{text}");
    assert!(!text.contains("/v/"), "no verification link on a draft: {text}");
}

#[test]
fn the_same_letter_renders_to_the_same_bytes() {
    let bundle = catalog().tenant("oku-selatan").expect("oku");
    let service = bundle.services.iter().map(|s| &s.value).find(|s| s.code == "sktm").expect("sktm");
    let context = signed_context(&bundle.tenant.value, service, "sktm", "Dewi", "470/3/SKTM/XI/2026");
    let first = render(&bundle.tenant.value, "sktm.hbs", &context).pdf;
    let again = render(&bundle.tenant.value, "sktm.hbs", &context).pdf;
    assert!(first == again, "a reprint must not differ");
}

/// Writes `target/letters-preview/<tenant>.png`: the first letter of each office, for a person to look at.
#[test]
fn a_png_of_one_letter_per_office_is_written_for_people_to_look_at() {
    let out = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/letters-preview");
    std::fs::create_dir_all(&out).expect("folder");
    for bundle in &catalog().tenants {
        let tenant = &bundle.tenant.value;
        let Some((service, product)) = bundle
            .services
            .iter()
            .flat_map(|s| s.value.produk.iter().map(move |p| (&s.value, p)))
            .find(|(_, p)| p.kind == ProductKind::Letter)
        else {
            continue;
        };
        let context = signed_context(tenant, service, &product.code, "Siti Aminah", "400.9/12/Dinsos/XI/2026");
        let rendered = render(tenant, &product.template, &context);
        let png = rendered.png(2.0).expect("png");
        let path = out.join(format!("{}.png", tenant.code));
        std::fs::write(&path, &png).expect("write png");
        assert!(png.len() > 20_000, "{}: a real picture", path.display());
    }
}

#[test]
fn the_sample_check_passes_on_the_shipped_templates_and_names_a_broken_one() {
    use simpul_letters::sample::check_all;
    assert_eq!(check_all(renderer(), catalog()), vec![], "every shipped template renders");
    let broken = simpul_letters::Renderer::load_dir(&super::support::definitions_dir()).expect("templates");
    broken.add_template("bangka", "rekomendasi-sktm.hbs", "{{> kop_surat}}\n#tidak_ada()\n").expect("parses");
    let problems = check_all(&broken, catalog());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].template, "bangka/templates/rekomendasi-sktm.hbs");
    assert!(problems[0].message.contains("tidak_ada"), "{}", problems[0].message);
}

/// The signature block: Tebing Tinggi's Kepala Dinas by name, pangkat and NIP, as the standard names him;
/// Bulukumba's Sekretaris "a.n." the Kepala Dinas with their own title beneath; an acting official as "Plt.".
#[test]
fn the_signature_block_names_the_official_and_says_for_whom_and_in_what_capacity() {
    let tebing = catalog().tenant("tebing-tinggi").expect("tebing tinggi");
    let tenant = &tebing.tenant.value;
    let service = &tebing.services.iter().find(|s| s.value.code == "rekomendasi-bpjs-kesehatan").expect("bpjs").value;
    let product = service.produk.iter().find(|p| p.kind == ProductKind::Letter).expect("letter");
    let context = signed_context(tenant, service, &product.code, "Siti Aminah", "400.9/7/Dinsos/XI/2026");
    let text = text_of(&render(tenant, &product.template, &context).pdf);
    for expected in ["Drs. KHAIRIL ANWAR, M.Si", "Pembina Utama Muda", "NIP. 19650523 199303 1 006"] {
        assert!(text.contains(expected), "`{expected}` missing from: {text}");
    }
    // What the standard says, and the applicant's own purpose; no kind of membership it does not name.
    assert!(text.contains("guna Keperluan rekomendasi contoh"), "the stated purpose is printed: {text}");
    assert!(!text.contains("dibayar oleh pemerintah"), "{text}");

    let bulukumba = catalog().tenant("bulukumba").expect("bulukumba");
    let tenant = &bulukumba.tenant.value;
    let service = &bulukumba.services[0].value;
    let product = &service.produk[0];
    let sekretaris = tenant.signatories.iter().find(|s| s.role == "sekretaris").expect("the Sekretaris signs too");
    let mut context = signed_context(tenant, service, &product.code, "Siti Aminah", "400.9/8/Dinsos/XI/2026");
    context.signatory = Some(simpul_letters::SignatoryInfo::of(tenant, sekretaris));
    let text = text_of(&render(tenant, &product.template, &context).pdf);
    let delegated = "a.n. Kepala Dinas Sosial Kabupaten Bulukumba Sekretaris Dinas Sosial Kabupaten Bulukumba,";
    // Lines of the block follow each other (the PDF's text runs them together without a space).
    let squeezed = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert!(squeezed(&text).contains(&squeezed(delegated)), "`{delegated}` missing from: {text}");
    assert!(text.contains("[NAMA SEKRETARIS DINAS SOSIAL]"), "the marked placeholder is printed: {text}");

    let mut acting = tenant.clone();
    acting.signatories[0].acting = Some(simpul_definitions::model::Acting::Plt);
    let mut context = signed_context(&acting, service, &product.code, "Siti Aminah", "400.9/9/Dinsos/XI/2026");
    context.signatory = Some(simpul_letters::SignatoryInfo::of(&acting, &acting.signatories[0]));
    let text = text_of(&render(&acting, &product.template, &context).pdf);
    assert!(text.contains("Plt. Kepala Dinas Sosial Kabupaten Bulukumba,"), "{text}");
}

/// What the officers recorded reaches a template: checklist answers by step and item, facts, choice labels.
#[test]
fn checklist_answers_facts_and_choice_labels_reach_templates() {
    let bundle = catalog().tenant("bulukumba").expect("bulukumba");
    let tenant = &bundle.tenant.value;
    let service = &bundle.services[0].value;
    let renderer = simpul_letters::Renderer::load_dir(&super::support::definitions_dir()).expect("templates");
    let source = "{{> kop_surat}}\n{{#if centang.verifikasi.cek_siks_ng}}SIKS-NG diperiksa{{/if}}; \
                  {{#unless centang.verifikasi.cek_e_dabu}}E-Dabu belum{{/unless}}; DTKS {{fakta.dtks_terdaftar}}\n";
    renderer.add_template("bulukumba", "uji.hbs", source).expect("parses");
    let mut context = signed_context(tenant, service, "rekomendasi_sktm", "Siti Aminah", "400.9/1/Dinsos/XI/2026");
    let answers: std::collections::BTreeMap<String, bool> =
        [("verifikasi.cek_siks_ng".to_string(), true), ("verifikasi.cek_e_dabu".to_string(), false)].into();
    context.centang = simpul_letters::checklist_by_step(&answers);
    context.fakta.insert(String::from("dtks_terdaftar"), serde_json::json!(true));
    let rendered = renderer.render("bulukumba", "uji.hbs", &context, "uji", issued()).expect("renders");
    let text = text_of(&rendered.pdf);
    assert!(text.contains("SIKS-NG diperiksa; E-Dabu belum; DTKS true"), "{text}");
}

/// Every office's receipt (tanda terima): A4, its kop, the tracking code, the applicant, what was received, the due
/// time, and a QR (an image beside the text) with the tracking page's address printed; a PNG of each under
/// `target/letters-preview/` for people to look at.
#[test]
fn every_office_gives_a_receipt_with_the_code_and_a_qr_to_the_tracking_page() {
    for bundle in &catalog().tenants {
        let tenant = &bundle.tenant.value;
        let service = &bundle.services[0].value;
        let mut context = LetterContext::new(tenant, service, "", None, issued());
        context.draft = false;
        context.letter.product = String::from("Tanda Terima Permohonan");
        context.letter.tracking_code = String::from("ABCDE-FGH23");
        context.receipt = Some(simpul_letters::ReceiptInfo {
            service: service.name.clone(),
            applicant: String::from("Siti Aminah"),
            received: String::from("23 November 2026 09.00 WITA"),
            documents: vec![String::from("Fotokopi KTP dan KK")],
            due: Some(String::from("23 November 2026 09.30 WITA")),
            track_url: String::from("https://simpul.example.go.id/lacak?kode=ABCDE-FGH23"),
            track_site: String::from("https://simpul.example.go.id/lacak"),
        });
        let rendered = renderer()
            .render_shared(simpul_letters::RECEIPT_TEMPLATE, &tenant.code, &context, "tanda-terima", issued())
            .expect("renders");
        assert_a4_single_page(&rendered, &tenant.code);
        let text = text_of(&rendered.pdf);
        for expected in [
            "TANDA TERIMA PERMOHONAN",
            "ABCDE-FGH23",
            "Siti Aminah",
            "Fotokopi KTP dan KK",
            "23 November 2026 09.30 WITA",
            "simpul.example.go.id/lacak",
            tenant.kop_surat.lines[0].as_str(),
        ] {
            assert!(text.contains(expected), "{}: `{expected}` missing: {text}", tenant.code);
        }
        let mut boxes = Vec::new();
        super::kop::images(&rendered.document.pages()[0].frame, typst::layout::Point::zero(), &mut boxes);
        assert_eq!(boxes.len(), 1, "{}: the QR", tenant.code);
        let out = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/letters-preview");
        std::fs::create_dir_all(&out).expect("folder");
        let png = rendered.png(1.5).expect("a preview");
        std::fs::write(out.join(format!("tanda-terima-{}.png", tenant.code)), png).expect("preview written");
    }
}
