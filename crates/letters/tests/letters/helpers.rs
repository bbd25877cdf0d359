//! The helpers: dates, numbers in words, Roman months, NIK and names, escaping.

use chrono::NaiveDate;
use pretty_assertions::assert_eq;
use simpul_letters::helpers::{bulan_romawi, nama, nik, tanggal, terbilang};
use simpul_letters::typst_escape;

#[test]
fn dates_are_written_in_indonesian() {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    assert_eq!(tanggal(date(2026, 11, 23)), "23 November 2026");
    assert_eq!(tanggal(date(2026, 3, 1)), "1 Maret 2026");
    assert_eq!(tanggal(date(2026, 8, 17)), "17 Agustus 2026");
    assert_eq!([bulan_romawi(1), bulan_romawi(9), bulan_romawi(11), bulan_romawi(13)], ["I", "IX", "XI", ""]);
}

#[test]
fn numbers_are_written_in_words() {
    for (n, words) in [
        (0, "nol"),
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (45, "empat puluh lima"),
        (100, "seratus"),
        (111, "seratus sebelas"),
        (250, "dua ratus lima puluh"),
        (1_000, "seribu"),
        (1_250, "seribu dua ratus lima puluh"),
        (2_026, "dua ribu dua puluh enam"),
        (11_000, "sebelas ribu"),
        (100_000, "seratus ribu"),
        (1_500_000, "satu juta lima ratus ribu"),
        (2_000_000_000, "dua miliar"),
    ] {
        assert_eq!(terbilang(n), words, "{n}");
    }
}

#[test]
fn nik_and_names_are_formatted() {
    assert_eq!(nik("7302 0145 0785 0001"), "7302014507850001");
    assert_eq!(nik("7302.0145.0785.0001"), "7302014507850001");
    assert_eq!(nama("  siti   aminah "), "SITI AMINAH");
}

#[test]
fn every_markup_character_is_escaped() {
    assert_eq!(typst_escape("#set text(red)"), "\\#set text(red)");
    assert_eq!(typst_escape("a]b[c"), "a\\]b\\[c");
    assert_eq!(typst_escape("\\u{41}"), "\\\\u\\{41\\}");
    assert_eq!(typst_escape("1. Jl. A\n\n= B"), "1\\. Jl\\. A  \\= B");
}

#[test]
fn templates_reach_every_helper() {
    use super::support::{catalog, issued};
    let bundle = catalog().tenant("oku-selatan").expect("oku");
    let service = bundle.services.iter().map(|s| &s.value).find(|s| s.code == "bantuan-stimulan").expect("service");
    let renderer = simpul_letters::Renderer::new().expect("renderer");
    let source = "{{tanggal data.tanggal}}|{{bulan_romawi 11}}|{{terbilang data.jumlah}}|{{nik data.nik}}|\
                  {{nama data.nama}}|{{inc 0}}|{{pilihan \"jenis_bantuan\"}}|{{data.catatan}}";
    renderer.add_template("oku-selatan", "uji.hbs", source).expect("template");
    let mut context = simpul_letters::LetterContext::new(&bundle.tenant.value, service, "x", None, issued());
    context.data = [
        ("tanggal", serde_json::json!("2026-03-17")),
        ("jumlah", serde_json::json!(1250)),
        ("nik", serde_json::json!("1609 0120 0370 0001")),
        ("nama", serde_json::json!("sahrul  bin #ali")),
        ("jenis_bantuan", serde_json::json!("kube")),
        ("catatan", serde_json::json!("[tanda] #kurung")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let out = renderer.markup("oku-selatan", "uji.hbs", &context).expect("renders");
    let label = service.fields.iter().find(|f| f.code == "jenis_bantuan").expect("field").choices[0].label.clone();
    assert_eq!(
        out,
        format!(
            "17 Maret 2026|XI|seribu dua ratus lima puluh|1609012003700001|SAHRUL BIN \\#ALI|1|{}|\\[tanda\\] \\#kurung",
            typst_escape(&label)
        )
    );
}
