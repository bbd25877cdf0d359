//! The office's letter templates and images as the server uses and changes them: the renderer is handed the
//! office's files in force before each letter ([`renderer_for`]), and an admin's new file is checked the way a
//! letter would fail at signing — it parses, and every product of the office's services that names it renders
//! with sample data ([`check`]) — before it is saved ([`save`]) and, through the shared state, in force on every
//! instance.

use std::sync::Arc;

use chrono::Utc;
use simpul_definitions::Diagnostic;
use simpul_definitions::diagnostics::{Level, Reporter};
use simpul_definitions::model::TemplateFileKind;
use simpul_definitions::source::SourceFile;
use simpul_letters::{Draft, LetterContext, Renderer};
use simpul_store::TenantScope;

use crate::Services;
use crate::error::{ApiError, ApiResult};

/// The renderer with the office's files in force: read again only when they changed (their fingerprint).
pub async fn renderer_for(shared: &Services, scope: &TenantScope) -> ApiResult<Arc<Renderer>> {
    let files = shared.store.template_files(scope).await?;
    shared
        .letters
        .use_files(scope.tenant_id(), &files.fingerprint, &files.files)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(shared.letters.clone())
}

/// Where a file's diagnostics point: `<office>/templates/<name>`, as the shipped folder has it.
fn source_of(scope: &TenantScope, name: &str, content: &[u8]) -> SourceFile {
    let text = String::from_utf8_lossy(content).into_owned();
    SourceFile::new(format!("{}/templates/{name}", scope.tenant_id()), text)
}

/// A product of the office's services in force, with the template it prints with.
pub struct Use {
    /// The service.
    pub service: Arc<simpul_engine::Service>,
    /// The product's code.
    pub product: String,
    /// The product's name.
    pub product_name: String,
    /// Its template.
    pub template: String,
    letter: bool,
}

/// Which products of the office's services in force print with which file: those that name a template, and every
/// letter for the office's emblem (the kop shows it).
pub struct Uses {
    emblem: Option<String>,
    products: Vec<Use>,
}

impl Uses {
    /// The office's products and emblem, read once for any number of files.
    pub async fn of_office(shared: &Services, scope: &TenantScope) -> ApiResult<Self> {
        let runtime = shared.store.tenant_runtime(shared.store.connection(), scope).await?;
        let mut products = Vec::new();
        for (_, service) in shared.store.published_services(scope).await? {
            for p in &service.definition().produk {
                products.push(Use {
                    service: service.clone(),
                    product: p.code.clone(),
                    product_name: p.name.clone(),
                    template: p.template.clone(),
                    letter: p.kind == simpul_definitions::model::ProductKind::Letter,
                });
            }
        }
        Ok(Uses { emblem: runtime.tenant.kop_surat.emblem.clone(), products })
    }

    /// Whether `name` is the office's emblem.
    pub fn is_emblem(&self, name: &str) -> bool {
        self.emblem.as_deref() == Some(name)
    }

    /// The products that print with the file `name`.
    pub fn of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Use> + 'a {
        let emblem = self.is_emblem(name);
        self.products.iter().filter(move |u| u.template == name || (emblem && u.letter))
    }
}

/// The validator's diagnostics for `content` as the office's file `name`, without saving it: the name, size and
/// kind (the store's rules), a template's syntax at its line, and a sample letter of every product that shows
/// the file — the first failure of each, as the admin would meet it at signing.
pub async fn check(shared: &Services, scope: &TenantScope, name: &str, content: &[u8]) -> ApiResult<Vec<Diagnostic>> {
    let source = source_of(scope, name, content);
    let mut out = Vec::new();
    let mut report = Reporter::new(&source, &mut out);
    let kind = match simpul_store::definitions::checked_kind(name, content) {
        Ok(kind) => kind,
        Err(refused) => {
            report.at(Level::Error, "template-file", 1, 1, "", refused.to_string(), String::new());
            return Ok(out);
        }
    };
    if kind == TemplateFileKind::Template
        && let Err(fault) = Renderer::parse_template(&source.text)
    {
        let (check, message, hint) = match fault.line {
            Some(_) => (
                "template-syntax",
                format!("templat tidak dapat dibaca: {}", fault.reason),
                "periksa pasangan {{#if}}…{{/if}}, {{#each}}…{{/each}} dan kurung kurawal",
            ),
            // Not a syntax error: a construct a letter may not use (see the letters crate's guard).
            None => (
                "template-forbidden",
                fault.reason,
                "tulis surat dengan teks, tabel, dan nilai {{…}}; perulangan dan fungsi sendiri tidak diperlukan",
            ),
        };
        let (line, column) = (fault.line.unwrap_or(1), fault.column.unwrap_or(1));
        report.at(Level::Error, check, line, column, "", message, hint.to_string());
        return Ok(out);
    }
    let runtime = shared.store.tenant_runtime(shared.store.connection(), scope).await?;
    let office = Uses::of_office(shared, scope).await?;
    // The emblem is the same in every letter: one sample shows whether it prints.
    let shown = if office.is_emblem(name) { 1 } else { usize::MAX };
    let uses: Vec<(Arc<simpul_engine::Service>, String, String)> =
        office.of(name).take(shown).map(|u| (u.service.clone(), u.product.clone(), u.template.clone())).collect();
    if uses.is_empty() {
        let message = format!("berkas `{name}` belum dipakai produk layanan mana pun");
        let hint = "sebutkan di `produk[].template` sebuah layanan, atau di `kop_surat.emblem` berkas dinas";
        report.at(Level::Warning, "template-unused", 1, 1, "", message, hint.to_string());
        return Ok(out);
    }
    let renderer = renderer_for(shared, scope).await?;
    let date = runtime.calendar.local_date(Utc::now());
    let (secret, _) = simpul_letters::verify::generate_key();
    let draft_name = name.to_string();
    let draft_content = content.to_vec();
    let failures = tokio::task::spawn_blocking(move || {
        let tenant = &runtime.tenant;
        uses.iter()
            .filter_map(|(service, product, template)| {
                let definition = service.definition();
                let context: LetterContext =
                    simpul_letters::sample::sample_context(tenant, definition, product, date, &secret);
                let draft = Draft { name: &draft_name, content: &draft_content };
                renderer
                    .render_draft(&tenant.code, template, draft, &context, "periksa", date)
                    .err()
                    .map(|e| (definition.name.clone(), product.clone(), in_words(&e)))
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    for (service, product, error) in failures {
        let message = format!("surat contoh produk `{product}` layanan {service} gagal dicetak: {error}");
        let hint = "lihat pratinjau surat contoh; bagian yang salah dikutip di pesan ini";
        report.at(Level::Error, "template-render", 1, 1, "", message, hint.to_string());
    }
    Ok(out)
}

/// Why a sample letter failed, for the admin: what failed in Indonesian, the quoted part as the template engine
/// or the layout (Typst's compiler, whose messages are its own) gives it.
pub(crate) fn in_words(error: &simpul_letters::LettersError) -> String {
    use simpul_letters::LettersError as E;
    match error {
        E::Template { message, .. } => format!("templat tidak dapat diisi ({message})"),
        E::Typst(message) => format!("tata letak surat ditolak Typst: {message}"),
        E::UnknownTemplate(name) => format!("berkas `{name}` tidak ada"),
        other => other.to_string(),
    }
}

/// Checks `content` and, without errors, makes it the office's file `name` in force on every instance (a new
/// version, audited); the version, or none and the diagnostics.
pub async fn save(
    shared: &Services,
    scope: &TenantScope,
    name: &str,
    content: &[u8],
    actor: &str,
) -> ApiResult<(Option<i32>, Vec<Diagnostic>)> {
    let diagnostics = check(shared, scope, name, content).await?;
    if simpul_definitions::diagnostics::has_errors(&diagnostics) {
        return Ok((None, diagnostics));
    }
    let version = shared.store.save_template_file(scope, name, content, actor).await?;
    // Every instance forgets the office's files, so that the next letter everywhere prints with this one.
    shared.state.definitions_changed().await;
    Ok((Some(version), diagnostics))
}
