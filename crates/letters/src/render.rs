//! From template to PDF: Handlebars fills a tenant's template (values escaped for Typst), Typst lays it out in
//! the in-memory world, typst-pdf writes the PDF. Templates are parsed and fonts loaded once.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use chrono::{Datelike, NaiveDate};
use handlebars::Handlebars;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::context::LetterContext;
use crate::error::{LettersError, LettersResult};
use crate::escape::typst_escape;
use crate::qr::qr_svg;
use simpul_definitions::model::{ImageKind, TemplateFileKind};
use typst::foundations::Bytes;

use crate::world::{LetterWorld, QR_PATH, Shared, emblem_path, shared};

/// The receipt (tanda terima) every office gives at submission: one template for all, with the office's kop.
pub const RECEIPT_TEMPLATE: &str = "tanda-terima.hbs";
/// A report of the office (the satisfaction index): one template for all, its table in `context.report`.
pub const REPORT_TEMPLATE: &str = "laporan.hbs";
/// The tenant name the shared templates are registered under (no office's code has an underscore).
const SHARED: &str = "_simpul";

/// The partials every tenant's templates use.
pub(crate) const PARTIALS: [(&str, &str); 3] = [
    ("kop_surat", include_str!("partials/kop_surat.hbs")),
    ("tanda_tangan", include_str!("partials/tanda_tangan.hbs")),
    ("qr_verifikasi", include_str!("partials/qr_verifikasi.hbs")),
];

/// How many letters are rendered between two sweeps of Typst's memoization cache. Each letter's layout is its own
/// (another applicant, another number), so entries older than the last sweep only hold memory; what every letter
/// shares (fonts, the letterhead) is used again before each sweep and stays. Measured with the memory bench
/// (10,000 letters on four threads): sweeping every 32 letters keeping 4 sweeps' entries grew RSS by 64 MB over
/// the first 100 letters; every 8 keeping 1 stays within 5 MB, at the same speed.
const EVICT_EVERY: u64 = 8;
/// Sweeps an unused entry survives.
const EVICT_AGE: usize = 1;

/// A rendered letter or list.
pub struct Rendered {
    /// The PDF.
    pub pdf: Vec<u8>,
    /// The laid-out document (pages and their sizes), for checks and previews.
    pub document: PagedDocument,
}

impl Rendered {
    /// Page sizes in points (A4 is 595.28 × 841.89).
    pub fn page_sizes(&self) -> Vec<(f64, f64)> {
        self.document.pages().iter().map(|p| (p.frame.width().to_pt(), p.frame.height().to_pt())).collect()
    }

    /// The pages as one PNG image, one below the other with a grey gap, at `pixels_per_pt`: a preview any
    /// browser shows inline, where a PDF in a frame needs a viewer that phones and some office PCs lack.
    pub fn png(&self, pixels_per_pt: f32) -> LettersResult<Vec<u8>> {
        let options =
            typst_render::RenderOptions { pixel_per_pt: f64::from(pixels_per_pt).into(), render_bleed: false };
        let gap = typst::layout::Abs::pt(8.0);
        let grey = typst::visualize::Color::from_u8(0xd0, 0xd0, 0xd0, 0xff);
        let pixmap = typst_render::render_merged(&self.document, &options, gap, Some(grey));
        encode_png(pixmap.width(), pixmap.height(), pixmap.data()).map_err(|e| LettersError::Png(e.to_string()))
    }
}

/// A PNG of opaque RGBA pixels (pages are painted white first, so premultiplied equals straight), as small as it
/// can be without a loss a reader sees: a page without colour — most letters — as 16 grey levels at 4 bits a
/// pixel (a third of 8-bit grey, a sixth of typst-render's RGBA, measured on Bulukumba's letter at 1.5 px/pt:
/// 120 KB as RGBA), one with colour (an emblem) as 8-bit RGB.
fn encode_png(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let grey = rgba.chunks_exact(4).all(|p| p[0] == p[1] && p[1] == p[2]);
    let (color, depth, data) = if grey {
        // Two pixels a byte, the first in the high nibble; each row starts on a byte (PNG's packing).
        let (width, row) = (width as usize, (width as usize).div_ceil(2));
        let mut packed = vec![0u8; row * height as usize];
        for (i, pixel) in rgba.chunks_exact(4).enumerate() {
            let (y, x) = (i / width, i % width);
            let level = ((u16::from(pixel[0]) + 8) >> 4).min(15) as u8;
            packed[y * row + x / 2] |= if x % 2 == 0 { level << 4 } else { level };
        }
        (png::ColorType::Grayscale, png::BitDepth::Four, packed)
    } else {
        let rgb = rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        (png::ColorType::Rgb, png::BitDepth::Eight, rgb)
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(color);
    encoder.set_depth(depth);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(out)
}

/// Every tenant's letter templates, ready to render. The templates change while the server runs (an admin saves
/// one): the server hands each tenant's files in force to [`Self::use_files`] before it renders, and the set is
/// read again only when its fingerprint changed.
pub struct Renderer {
    registry: RwLock<Handlebars<'static>>,
    /// Images of each tenant's `templates/` folder (the emblem), by tenant and file name.
    images: RwLock<HashMap<(String, String), Bytes>>,
    /// The fingerprint of the files each tenant's templates and images were read from.
    loaded: RwLock<HashMap<String, String>>,
    shared: Arc<Shared>,
    rendered: AtomicU64,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Renderer({} templates)", read(&self.registry).get_templates().len())
    }
}

/// A template or image not saved yet, rendered in place of the tenant's file of that name (the admin's preview
/// before saving).
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a> {
    /// The file it stands for.
    pub name: &'a str,
    /// Its content.
    pub content: &'a [u8],
}

/// Where a template fails to parse: line and column (from 1, when Handlebars knows them) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFault {
    /// Line, from 1.
    pub line: Option<usize>,
    /// Column, from 1.
    pub column: Option<usize>,
    /// Why, as Handlebars says it.
    pub reason: String,
}

// A poisoned lock means a panic while a tenant's files were being replaced; the maps are still whole (every
// write is one insert or remove), so the renderer goes on with them.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Renderer {
    /// A renderer with the shared partials and helpers and no tenant templates yet.
    pub fn new() -> LettersResult<Self> {
        let mut registry = Handlebars::new();
        registry.register_escape_fn(typst_escape);
        crate::helpers::register(&mut registry);
        for (name, source) in PARTIALS {
            registry.register_partial(name, source).map_err(|e| template_error(name, &e))?;
        }
        let shared_templates = [
            (RECEIPT_TEMPLATE, include_str!("shared/tanda_terima.hbs")),
            (REPORT_TEMPLATE, include_str!("shared/laporan.hbs")),
        ];
        for (file, source) in shared_templates {
            let name = format!("{SHARED}/{file}");
            registry.register_template_string(&name, source).map_err(|e| template_error(&name, &e))?;
        }
        Ok(Renderer {
            registry: RwLock::new(registry),
            images: Default::default(),
            loaded: Default::default(),
            shared: shared(),
            rendered: AtomicU64::new(0),
        })
    }

    /// Loads every `<tenant>/templates/*` under the definitions folder: the templates and the images beside them
    /// (the command line's checks and the tests; the server takes the files from the database).
    pub fn load_dir(dir: &Path) -> LettersResult<Self> {
        let renderer = Self::new()?;
        for tenant in std::fs::read_dir(dir)? {
            let tenant = tenant?;
            let templates = tenant.path().join("templates");
            if !templates.is_dir() {
                continue;
            }
            let code = tenant.file_name().to_string_lossy().into_owned();
            let mut files = std::collections::BTreeMap::new();
            for file in std::fs::read_dir(&templates)? {
                let path = file?.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
                if TemplateFileKind::of_name(name).is_some() {
                    files.insert(name.to_string(), std::fs::read(&path)?);
                }
            }
            renderer.use_files(&code, "folder", &files)?;
        }
        Ok(renderer)
    }

    /// Makes `files` (name → content, as [`TemplateFileKind`] names them) the tenant's templates and images,
    /// unless the files of `fingerprint` are those in use already. A template that does not parse fails the whole
    /// set, which is then read again on the next call.
    pub fn use_files(
        &self,
        tenant: &str,
        fingerprint: &str,
        files: &std::collections::BTreeMap<String, Vec<u8>>,
    ) -> LettersResult<()> {
        if read(&self.loaded).get(tenant).is_some_and(|f| f == fingerprint) {
            return Ok(());
        }
        let prefix = format!("{tenant}/");
        {
            let mut registry = write(&self.registry);
            let gone: Vec<String> = registry
                .get_templates()
                .keys()
                .filter(|k| k.strip_prefix(&prefix).is_some_and(|name| !files.contains_key(name)))
                .cloned()
                .collect();
            for name in gone {
                registry.unregister_template(&name);
            }
            let mut images = write(&self.images);
            images.retain(|(t, name), _| t != tenant || files.contains_key(name));
            for (name, content) in files {
                match TemplateFileKind::of_name(name) {
                    Some(TemplateFileKind::Template) => {
                        let source = std::str::from_utf8(content).map_err(|e| template_error(name, &e))?;
                        let full = format!("{prefix}{name}");
                        registry.register_template_string(&full, source).map_err(|e| template_error(&full, &e))?;
                    }
                    Some(TemplateFileKind::Image(_)) => {
                        images.insert((tenant.to_string(), name.clone()), Bytes::new(content.clone()));
                    }
                    None => {}
                }
            }
        }
        write(&self.loaded).insert(tenant.to_string(), fingerprint.to_string());
        Ok(())
    }

    /// Adds (or replaces) a template of a tenant.
    pub fn add_template(&self, tenant: &str, file: &str, source: &str) -> LettersResult<()> {
        let name = format!("{tenant}/{file}");
        write(&self.registry).register_template_string(&name, source).map_err(|e| template_error(&name, &e))
    }

    /// Adds (or replaces) an image of a tenant (its emblem), by the file name `tenant.yaml` gives it.
    pub fn add_image(&self, tenant: &str, file: &str, bytes: Vec<u8>) {
        write(&self.images).insert((tenant.to_string(), file.to_string()), Bytes::new(bytes));
    }

    /// Whether the tenant has the template.
    pub fn has_template(&self, tenant: &str, file: &str) -> bool {
        read(&self.registry).has_template(&format!("{tenant}/{file}"))
    }

    /// Whether `source` parses as a template an admin may save, and where or why not ([`crate::guard`]).
    pub fn parse_template(source: &str) -> Result<(), TemplateFault> {
        use handlebars::TemplateErrorReason as Why;
        let template = handlebars::Template::compile(source).map_err(|e| TemplateFault {
            line: e.pos().map(|(line, _)| line),
            column: e.pos().map(|(_, column)| column),
            // In the admin's words; the parser's own list of what it expected means nothing to them.
            reason: match e.reason() {
                Why::MismatchingClosedHelper(open, close) | Why::MismatchingClosedDecorator(open, close) => {
                    format!("blok `{open}` dibuka, tetapi yang ditutup `{close}`")
                }
                Why::InvalidParam(param) => format!("parameter `{param}` tidak sah"),
                Why::NestedSubexpression => String::from("ekspresi di dalam ekspresi tidak didukung"),
                _ => String::from("susunan kurung kurawal tidak sah di sini, atau ada blok yang belum ditutup"),
            },
        })?;
        match crate::guard::refusal(&template) {
            Some(reason) => Err(TemplateFault { line: None, column: None, reason }),
            None => Ok(()),
        }
    }

    /// Renders one of the templates every office shares under `tenant`'s kop: [`RECEIPT_TEMPLATE`] (the receipt
    /// of a submission, its QR to the tracking page from `context.receipt`) or [`REPORT_TEMPLATE`] (a report's
    /// table from `context.report`).
    pub fn render_shared(
        &self,
        template: &str,
        tenant: &str,
        context: &LetterContext,
        ident: &str,
        date: NaiveDate,
    ) -> LettersResult<Rendered> {
        let markup = read(&self.registry)
            .render(&format!("{SHARED}/{template}"), context)
            .map_err(|e| template_error(template, &e))?;
        self.compile(tenant, markup, context, ident, date, None)
    }

    /// The Typst markup of a template for a context (what [`Self::render`] compiles).
    pub fn markup(&self, tenant: &str, file: &str, context: &LetterContext) -> LettersResult<String> {
        self.markup_of(tenant, file, context, None)
    }

    fn markup_of(
        &self,
        tenant: &str,
        file: &str,
        context: &LetterContext,
        draft: Option<Draft<'_>>,
    ) -> LettersResult<String> {
        let name = format!("{tenant}/{file}");
        let registry = read(&self.registry);
        if let Some(draft) = draft.filter(|d| d.name == file) {
            let source = std::str::from_utf8(draft.content).map_err(|e| template_error(&name, &e))?;
            // A draft is an admin's text: what it may not contain is refused before it runs.
            Self::parse_template(source).map_err(|fault| template_error(&name, &fault.reason))?;
            return registry.render_template(source, context).map_err(|e| template_error(&name, &e));
        }
        if !registry.has_template(&name) {
            return Err(LettersError::UnknownTemplate(name));
        }
        registry.render(&name, context).map_err(|e| template_error(&name, &e))
    }

    /// Renders a template to PDF. The PDF's date and identifier come from the context and `ident`, so the same
    /// letter renders to the same bytes.
    pub fn render(
        &self,
        tenant: &str,
        file: &str,
        context: &LetterContext,
        ident: &str,
        date: NaiveDate,
    ) -> LettersResult<Rendered> {
        let markup = self.markup(tenant, file, context)?;
        self.compile(tenant, markup, context, ident, date, None)
    }

    /// Renders `file` as [`Self::render`] does, with `draft` in place of the tenant's file of its name: the
    /// template itself, or an image it shows (a new emblem).
    pub fn render_draft(
        &self,
        tenant: &str,
        file: &str,
        draft: Draft<'_>,
        context: &LetterContext,
        ident: &str,
        date: NaiveDate,
    ) -> LettersResult<Rendered> {
        let markup = self.markup_of(tenant, file, context, Some(draft))?;
        self.compile(tenant, markup, context, ident, date, Some(draft))
    }

    /// Lays out `markup` with the context's images and writes the PDF.
    fn compile(
        &self,
        tenant: &str,
        markup: String,
        context: &LetterContext,
        ident: &str,
        date: NaiveDate,
        draft: Option<Draft<'_>>,
    ) -> LettersResult<Rendered> {
        let mut images = Vec::new();
        let qr_target = context.qr.as_ref().map(|q| &q.url).or(context.receipt.as_ref().map(|r| &r.track_url));
        if let Some(url) = qr_target {
            images.push((QR_PATH, Bytes::from_string(qr_svg(url)?)));
        }
        if let Some(file) = &context.tenant.kop_surat.emblem_file
            && let Some(kind) = ImageKind::of_file(file)
        {
            let bytes = match draft.filter(|d| d.name == file) {
                Some(draft) => Bytes::new(draft.content.to_vec()),
                None => read(&self.images)
                    .get(&(tenant.to_string(), file.clone()))
                    .cloned()
                    .ok_or_else(|| LettersError::UnknownTemplate(format!("{tenant}/{file}")))?,
            };
            images.push((emblem_path(kind), bytes));
        }
        let world = LetterWorld::new(self.shared.clone(), markup, images, date);
        let compiled = typst::compile::<PagedDocument>(&world).output;
        // Typst memoizes across compilations. Every EVICT_EVERY letters, entries unused since the last sweep are
        // dropped, so that a long-running server's memory stays flat without paying for a sweep per letter.
        if self.rendered.fetch_add(1, Ordering::Relaxed) % EVICT_EVERY == EVICT_EVERY - 1 {
            typst::comemo::evict(EVICT_AGE);
        }
        let document = compiled.map_err(|errors| {
            let text = world.source_text();
            LettersError::Typst(
                errors
                    .iter()
                    .map(|e| {
                        let at = typst::WorldExt::range(&world, e.span).and_then(|r| text.get(r)).unwrap_or_default();
                        format!("{} (at `{at}`)", e.message)
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        let timestamp = Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8).map(Timestamp::new_utc);
        let options = PdfOptions { ident: Smart::Custom(ident.to_string()), timestamp, ..PdfOptions::default() };
        let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| {
            LettersError::Pdf(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "))
        })?;
        Ok(Rendered { pdf, document })
    }
}

fn template_error(name: &str, error: &dyn std::fmt::Display) -> LettersError {
    LettersError::Template { name: name.to_string(), message: error.to_string() }
}

#[cfg(test)]
mod tests {
    use super::encode_png;

    fn decode(png: &[u8]) -> (png::ColorType, png::BitDepth, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().expect("a PNG");
        let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut pixels).expect("pixels");
        pixels.truncate(info.buffer_size());
        (info.color_type, info.bit_depth, pixels)
    }

    #[test]
    fn a_grey_page_packs_to_sixteen_levels_and_a_coloured_one_keeps_its_colour() {
        // Three pixels a row, two rows: white, black, a mid grey; then grey levels that round to their nearest.
        let grey = [255, 0, 119, 8, 247, 136].iter().flat_map(|&v| [v, v, v, 255]).collect::<Vec<u8>>();
        let (color, depth, packed) = decode(&encode_png(3, 2, &grey).expect("encoded"));
        assert_eq!((color, depth), (png::ColorType::Grayscale, png::BitDepth::Four));
        // Rows start on a byte: [white, black], [grey, pad]; [8→1, 247→15], [136→9, pad].
        assert_eq!(packed, vec![0xf0, 0x70, 0x1f, 0x90]);

        let mut coloured = grey.clone();
        coloured[4..8].copy_from_slice(&[200, 30, 30, 255]);
        let (color, depth, rgb) = decode(&encode_png(3, 2, &coloured).expect("encoded"));
        assert_eq!((color, depth), (png::ColorType::Rgb, png::BitDepth::Eight));
        assert_eq!(&rgb[..6], &[255, 255, 255, 200, 30, 30]);
    }
}
