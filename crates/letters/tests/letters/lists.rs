//! Lists and recaps: a PDF table for a period, and the same rows as CSV and XLSX.

use simpul_definitions::model::ProductKind;
use simpul_letters::{Entry, EntryLetter, LetterContext, PeriodInfo, Table};

use super::support::{catalog, form, issued, renderer, text_of};

#[test]
fn every_list_and_recap_renders_its_entries_as_a_table() {
    let mut count = 0;
    for bundle in &catalog().tenants {
        let tenant = &bundle.tenant.value;
        for service in bundle.services.iter().map(|s| &s.value) {
            for product in service.produk.iter().filter(|p| p.kind != ProductKind::Letter) {
                let mut context =
                    LetterContext::new(tenant, service, &product.code, tenant.signatories.first(), issued());
                context.draft = false;
                context.period = Some(PeriodInfo { label: String::from("1 November 2026 – 30 November 2026") });
                context.entries = ["Ahmad Yani", "Budi Santoso", "Citra Lestari"]
                    .iter()
                    .enumerate()
                    .map(|(i, name)| Entry {
                        data: form(service, name),
                        letter: Some(EntryLetter { number: format!("400.9/{}/Dinsos/XI/2026", i + 1) }),
                        tracking_code: format!("ABCDE-FGH2{i}"),
                    })
                    .collect();
                let rendered = renderer()
                    .render(&tenant.code, &product.template, &context, "list", issued())
                    .unwrap_or_else(|e| panic!("{}/{}: {e}", tenant.code, product.code));
                let text = text_of(&rendered.pdf);
                for expected in ["Ahmad Yani", "Budi Santoso", "Citra Lestari", "1 November 2026", "Jumlah: 3"] {
                    assert!(text.contains(expected), "{}/{}: `{expected}` missing: {text}", tenant.code, product.code);
                }
                count += 1;
            }
        }
    }
    assert_eq!(count, 5, "lists and recaps of the twelve services");
}

#[test]
fn tables_export_as_csv_and_xlsx_keeping_every_digit() {
    let table = Table {
        title: String::from("Rekapitulasi Usul BPJS: November/2026"),
        headers: vec!["No".into(), "Nama".into(), "NIK".into()],
        rows: vec![
            vec!["1".into(), "Siti Aminah".into(), "7302014507850001".into()],
            vec!["2".into(), "Andi \"Ucok\", S.Pd".into(), "0302014507850001".into()],
        ],
    };
    let csv = String::from_utf8(table.to_csv().expect("csv")).expect("utf-8");
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("1,Siti Aminah,7302014507850001\n"));
    assert!(csv.contains("2,\"Andi \"\"Ucok\"\", S.Pd\",0302014507850001\n"), "{csv}");
    let xlsx = table.to_xlsx().expect("xlsx");
    assert_eq!(&xlsx[..4], b"PK\x03\x04", "an XLSX is a ZIP package");
    assert!(xlsx.len() > 3000);
}
