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
                context.letter.number = String::from("400.9/3/Daftar/Dinsos/XI/2026");
                context.letter.subject = format!("{} periode 1 November 2026 – 30 November 2026", product.name);
                context.entries = ["Ahmad Yani", "Budi Santoso", "Citra Lestari"]
                    .iter()
                    .enumerate()
                    .map(|(i, name)| Entry {
                        fakta: Default::default(),
                        centang: Default::default(),
                        data: form(service, name),
                        letter: Some(EntryLetter { number: format!("400.9/{}/Dinsos/XI/2026", i + 1) }),
                        tracking_code: format!("ABCDE-FGH2{i}"),
                    })
                    .collect();
                let rendered = renderer()
                    .render(&tenant.code, &product.template, &context, "list", issued())
                    .unwrap_or_else(|e| panic!("{}/{}: {e}", tenant.code, product.code));
                let text = text_of(&rendered.pdf);
                let subject = format!("Perihal: {}", context.letter.subject);
                for expected in
                    ["Ahmad Yani", "Budi Santoso", "Citra Lestari", "Jumlah: 3", "Nomor: 400.9/3/Daftar", &subject]
                {
                    assert!(text.contains(expected), "{}/{}: `{expected}` missing: {text}", tenant.code, product.code);
                }
                // Every choice the template prints shows the label of each row's value (OKU Selatan's Jenis
                // Bantuan), not an empty cell.
                let source = std::fs::read_to_string(
                    super::support::definitions_dir().join(&tenant.code).join("templates").join(&product.template),
                )
                .expect("template");
                for field in service.fields.iter().filter(|f| source.contains(&format!("pilihan \"{}\"", f.code))) {
                    let chosen = context.entries[0].data[&field.code].as_str().unwrap_or_default();
                    let label = &field.choices.iter().find(|c| c.value == chosen).expect("a choice").label;
                    assert!(text.contains(label.as_str()), "{}: `{label}` missing: {text}", product.code);
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

#[test]
fn csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised() {
    let hostile = ["=HYPERLINK(\"http://x\")", "+62 811", "-1+1", "@SUM(A1)", "\tTAB", "\rCR"];
    let table = Table {
        title: String::from("Daftar"),
        headers: vec!["Nama".into(), "=Header".into()],
        rows: hostile.iter().map(|h| vec![h.to_string(), "Siti - Aminah".into()]).collect(),
    };
    let csv = String::from_utf8(table.to_csv().expect("csv")).expect("utf-8");
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let cells: Vec<Vec<String>> =
        reader.records().map(|r| r.expect("record").iter().map(String::from).collect()).collect();
    assert_eq!(cells[0], vec!["Nama", "'=Header"]);
    for (row, value) in cells[1..].iter().zip(hostile) {
        assert_eq!(row[0], format!("'{value}"), "{value:?} starts with an apostrophe");
        assert_eq!(row[1], "Siti - Aminah", "a dash inside a value is left alone");
    }

    // XLSX cells are text cells (shared strings), never formulas, and keep the value as it is.
    let xlsx = table.to_xlsx().expect("xlsx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("zip");
    let mut read = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(name).expect(name), &mut text).expect("read");
        text
    };
    let sheet = read("xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("<f>") && !sheet.contains("<f "), "no formula cells: {sheet}");
    assert!(sheet.contains("t=\"s\""), "text cells: {sheet}");
    let strings = read("xl/sharedStrings.xml");
    assert!(
        strings.contains("=HYPERLINK(&quot;http://x&quot;)") || strings.contains("=HYPERLINK(\"http://x\")"),
        "{strings}"
    );
}
