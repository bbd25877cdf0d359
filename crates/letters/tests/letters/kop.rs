//! The kop surat of every shipped office, read back from the PDF by a PDF reader (poppler's word boxes): every
//! line of the letterhead centred on the page, on one line, unstretched (no gap between words wider than a
//! normal word space), nothing outside the margins; with an emblem, the emblem at the left of the names. PNG previews with
//! and without an emblem go to `target/letters-preview/` for people to look at.

use simpul_definitions::model::{ProductKind, Tenant};
use simpul_letters::{LetterContext, Renderer};
use typst::layout::{Frame, FrameItem, Point};

use super::support::{catalog, definitions_dir, form, issued};

const PAGE_WIDTH: f64 = 595.28;
const MARGIN: f64 = 2.5 / 2.54 * 72.0;

/// A word as a PDF reader finds it (poppler's `pdftotext -bbox`): its box in points from the page's top left.
#[derive(Debug, Clone)]
struct Word {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
    text: String,
}

/// The words of the first page of `pdf`, as poppler reads them; `None` (with a message) where poppler-utils is
/// not installed and the run does not require it (CI does).
fn words(pdf: &[u8]) -> Option<Vec<Word>> {
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("surat.pdf");
    std::fs::write(&path, pdf).expect("PDF written");
    let run =
        std::process::Command::new("pdftotext").args(["-bbox", "-f", "1", "-l", "1"]).arg(&path).arg("-").output();
    let Ok(run) = run else {
        assert!(std::env::var_os("SIMPUL_CI").is_none(), "SIMPUL_CI is set but pdftotext is missing (poppler-utils)");
        eprintln!("SKIPPED: the kop's text positions are read with pdftotext (apt-get install poppler-utils)");
        return None;
    };
    assert!(run.status.success(), "pdftotext: {}", String::from_utf8_lossy(&run.stderr));
    let html = String::from_utf8(run.stdout).expect("UTF-8");
    let attribute = |tag: &str, name: &str| -> f64 {
        let from = tag.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        tag[from..].split('"').next().and_then(|v| v.parse().ok()).expect("a number")
    };
    let words = html
        .split("<word ")
        .skip(1)
        .map(|part| {
            let (tag, rest) = part.split_once('>').expect("a tag");
            let text = rest.split("</word>").next().unwrap_or_default().replace("&amp;", "&");
            Word {
                left: attribute(tag, "xMin"),
                top: attribute(tag, "yMin"),
                right: attribute(tag, "xMax"),
                bottom: attribute(tag, "yMax"),
                text,
            }
        })
        .collect();
    Some(words)
}

/// The words of the line whose text (spaces ignored) is `wanted`, when one line holds it all.
fn line<'a>(words: &'a [Word], wanted: &str) -> Option<Vec<&'a Word>> {
    let wanted: String = wanted.chars().filter(|c| !c.is_whitespace()).collect();
    words.iter().find_map(|first| {
        let mut on: Vec<&Word> = words.iter().filter(|w| (w.bottom - first.bottom).abs() < 0.5).collect();
        on.sort_by(|a, b| a.left.total_cmp(&b.left));
        let text: String = on.iter().flat_map(|w| w.text.chars()).filter(|c| !c.is_whitespace()).collect();
        (text == wanted).then_some(on)
    })
}

/// An image's box on the page: left, top, right, bottom, in points from the top left.
pub(super) type ImageBox = (f64, f64, f64, f64);

/// Where the images of a laid-out page are.
pub(super) fn images(frame: &Frame, at: Point, out: &mut Vec<ImageBox>) {
    for (position, item) in frame.items() {
        let here = at + *position;
        match item {
            FrameItem::Group(group) => {
                images(&group.frame, here + Point::new(group.transform.tx, group.transform.ty), out)
            }
            FrameItem::Image(_, size, _) => {
                out.push((here.x.to_pt(), here.y.to_pt(), (here.x + size.x).to_pt(), (here.y + size.y).to_pt()))
            }
            _ => {}
        }
    }
}

/// A regional emblem for the test: a shield in the colours an emblem has.
const EMBLEM: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 120" width="100" height="120">
<path d="M50 2 L96 18 L90 80 Q50 118 50 118 Q10 80 10 80 L4 18 Z" fill="#1b5e20" stroke="#f9a825" stroke-width="5"/>
<circle cx="50" cy="52" r="22" fill="#f9a825"/></svg>"##;

/// Renders the first letter of `tenant`; returns the PDF and the laid-out document's image boxes.
fn first_letter(renderer: &Renderer, tenant: &Tenant) -> (Vec<u8>, Vec<ImageBox>, Vec<u8>) {
    let bundle = catalog().tenant(&tenant.code).expect("tenant");
    let (service, product) = bundle
        .services
        .iter()
        .flat_map(|s| s.value.produk.iter().map(move |p| (&s.value, p)))
        .find(|(_, p)| p.kind == ProductKind::Letter)
        .expect("a letter");
    let mut context = LetterContext::new(tenant, service, &product.code, tenant.signatories.first(), issued()).signed(
        "400.9/12/Dinsos/XI/2026",
        "https://simpul.example.go.id",
        "kode-uji",
    );
    context.data = form(service, "Siti Aminah");
    let rendered =
        renderer.render(&tenant.code, &product.template, &context, "kop", issued()).expect("the letter renders");
    let mut boxes = Vec::new();
    images(&rendered.document.pages()[0].frame, Point::zero(), &mut boxes);
    let png = rendered.png(1.5).expect("a preview");
    (rendered.pdf, boxes, png)
}

/// Checks the kop of `tenant` in `pdf`; returns where its last line ends (points from the top), or `None` when
/// there is no PDF reader to check with.
fn check_kop(tenant: &Tenant, pdf: &[u8], what: &str) -> Option<f64> {
    let words = words(pdf)?;
    // Typst hangs a line's final comma or full stop a little into the margin (optical alignment): up to 3 pt.
    for w in &words {
        assert!(
            w.left >= MARGIN - 3.0 && w.right <= PAGE_WIDTH - MARGIN + 3.0,
            "{what}: `{}` at x {:.1}–{:.1} is outside the margins",
            w.text,
            w.left,
            w.right
        );
    }
    let mut lowest: f64 = 0.0;
    for wanted in tenant.kop_surat.lines.iter().chain([&tenant.kop_surat.address_line]) {
        let on = line(&words, wanted).unwrap_or_else(|| panic!("{what}: `{wanted}` is not on one line: {words:?}"));
        let centre = (on[0].left + on[on.len() - 1].right) / 2.0;
        assert!((centre - PAGE_WIDTH / 2.0).abs() < 2.0, "{what}: `{wanted}` is centred at {centre:.1}");
        let height = on[0].bottom - on[0].top;
        for pair in on.windows(2) {
            let gap = pair[1].left - pair[0].right;
            // A word space is about a quarter of the type's size (a fifth of the line's box); justification
            // stretches it well beyond.
            assert!(
                gap < 0.4 * height,
                "{what}: `{wanted}` is stretched: {gap:.1} pt between `{}` and `{}` (line {height:.1} pt high)",
                pair[0].text,
                pair[1].text
            );
        }
        assert!(height >= 9.0, "{what}: `{wanted}` is legible ({height:.1} pt)");
        lowest = lowest.max(on[0].bottom);
    }
    Some(lowest)
}

#[test]
fn every_office_kop_is_centred_unstretched_and_inside_the_margins_with_and_without_an_emblem() {
    let out = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/letters-preview");
    std::fs::create_dir_all(&out).expect("folder");
    let with_emblem = Renderer::load_dir(&definitions_dir()).expect("templates");
    for bundle in &catalog().tenants {
        let tenant = &bundle.tenant.value;
        let (pdf, _, _) = first_letter(super::support::renderer(), tenant);
        check_kop(tenant, &pdf, &tenant.code);

        with_emblem.add_image(&tenant.code, "lambang-uji.svg", EMBLEM.as_bytes().to_vec());
        let mut emblemed = tenant.clone();
        emblemed.kop_surat.emblem = Some(String::from("lambang-uji.svg"));
        let what = format!("{} with an emblem", tenant.code);
        let (pdf, boxes, png) = first_letter(&with_emblem, &emblemed);
        std::fs::write(out.join(format!("{}-lambang.png", tenant.code)), png).expect("preview written");
        let kop_bottom = check_kop(&emblemed, &pdf, &what);
        let &(left, top, right, bottom) =
            boxes.iter().find(|b| b.1 < 150.0).unwrap_or_else(|| panic!("{what}: no emblem drawn"));
        assert!(
            left > MARGIN - 0.5 && left < MARGIN + 8.0 && right < 140.0,
            "{what}: the emblem is at the left: {left:.1}–{right:.1}"
        );
        if let Some(kop_bottom) = kop_bottom {
            assert!(
                top < 60.0 && bottom > kop_bottom - 30.0,
                "{what}: the emblem stands beside the names, {top:.1}–{bottom:.1} (kop to {kop_bottom:.1})"
            );
        }
    }
}
