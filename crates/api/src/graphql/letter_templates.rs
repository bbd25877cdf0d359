//! The office's letter templates and images (the emblem) through the API, for the office's admin or the
//! province's: listed with the products that use them, read at any version, compared, checked and previewed with
//! sample data before saving, saved (a new version, audited, in force on every instance) and restored.

use async_graphql::{Context, Enum, Object, SimpleObject, Upload};
use chrono::{DateTime, Utc};
use simpul_definitions::model::TemplateFileKind;
use simpul_store::TenantScope;
use simpul_store::definitions::TemplateVersion;

use super::admin::{DiagnosticView, admin_scope};
use super::letters::{FileOutput, PreviewFormat};
use super::{caller, shared};
use crate::error::{ApiError, ApiResult};
use crate::letters::DraftFile;
use crate::templates::Uses;

/// What an office's file is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum TemplateFileType {
    /// A letter, list or recap template (Handlebars producing Typst).
    Template,
    /// An image a template shows (the emblem in the kop).
    Image,
}

impl From<TemplateFileKind> for TemplateFileType {
    fn from(kind: TemplateFileKind) -> Self {
        match kind {
            TemplateFileKind::Template => TemplateFileType::Template,
            TemplateFileKind::Image(_) => TemplateFileType::Image,
        }
    }
}

/// One saved version of a file.
#[derive(SimpleObject)]
pub struct TemplateVersionView {
    pub version: i32,
    /// Whether it is the version in force.
    pub current: bool,
    pub sha256: String,
    pub size_bytes: i32,
    /// Who saved it (user id; `system` for the shipped file).
    pub created_by: String,
    /// The author's name and roles in the office (none for a provincial admin or the system).
    pub author: Option<super::ActorView>,
    pub created_at: DateTime<Utc>,
}

/// A product of a service in force that prints with a file.
#[derive(SimpleObject)]
pub struct TemplateUseView {
    pub service: String,
    pub service_name: String,
    pub product: String,
    pub product_name: String,
}

/// A file of the office in force, with what uses it.
#[derive(SimpleObject)]
pub struct LetterTemplateView {
    pub name: String,
    pub kind: TemplateFileType,
    /// The version in force.
    pub current: TemplateVersionView,
    /// The products that print with it (for the emblem, named in `kop_surat.emblem`: every letter).
    pub used_by: Vec<TemplateUseView>,
    /// Whether the office file names it as the emblem of its kop.
    pub emblem: bool,
}

/// One file with one version's text and every version.
#[derive(SimpleObject)]
pub struct LetterTemplateDetailView {
    pub name: String,
    pub kind: TemplateFileType,
    /// The version shown.
    pub version: i32,
    /// A template's text (none for an image).
    pub source: Option<String>,
    /// Every version, newest first.
    pub versions: Vec<TemplateVersionView>,
    pub used_by: Vec<TemplateUseView>,
}

/// The validator's verdict on a file that was not saved.
#[derive(SimpleObject)]
pub struct TemplateCheckView {
    /// Whether it could be saved (warnings allowed).
    pub usable: bool,
    pub diagnostics: Vec<DiagnosticView>,
}

/// What saving gave.
#[derive(SimpleObject)]
pub struct TemplateSaveView {
    /// The version now in force; absent when there were errors.
    pub version: Option<i32>,
    pub diagnostics: Vec<DiagnosticView>,
}

/// What changed between two versions of a template.
#[derive(SimpleObject)]
pub struct TemplateDiffView {
    pub from: i32,
    pub to: i32,
    /// The text, as a unified diff.
    pub text: String,
}

fn kind_of(name: &str) -> ApiResult<TemplateFileKind> {
    TemplateFileKind::of_name(name).ok_or_else(|| {
        ApiError::field("name", simpul_store::StoreError::TemplateName { name: name.to_string() }.to_string())
    })
}

async fn version_views(
    ctx: &Context<'_>,
    scope: &TenantScope,
    versions: Vec<TemplateVersion>,
) -> ApiResult<Vec<TemplateVersionView>> {
    let names = super::actor_views(ctx, scope, versions.iter().map(|v| &v.created_by)).await?;
    Ok(versions
        .into_iter()
        .map(|v| TemplateVersionView {
            author: names.get(&v.created_by).cloned(),
            version: v.version,
            current: v.current,
            sha256: v.content_hash,
            size_bytes: i32::try_from(v.size).unwrap_or(i32::MAX),
            created_by: v.created_by,
            created_at: v.created_at,
        })
        .collect())
}

/// The products of the office's services in force that print with `name` (every letter for the emblem).
fn uses_view(uses: &Uses, name: &str) -> Vec<TemplateUseView> {
    uses.of(name)
        .map(|u| {
            let definition = u.service.definition();
            TemplateUseView {
                service: definition.code.clone(),
                service_name: definition.name.clone(),
                product: u.product.clone(),
                product_name: u.product_name.clone(),
            }
        })
        .collect()
}

fn text_of(name: &str, content: Vec<u8>) -> ApiResult<String> {
    String::from_utf8(content).map_err(|_| ApiError::Internal(format!("stored template {name} is not UTF-8")))
}

/// Letter template queries.
#[derive(Default)]
pub struct LetterTemplateQuery;

#[Object]
impl LetterTemplateQuery {
    /// The office's templates and images in force, by name, with the products that print with each.
    async fn letter_templates(&self, ctx: &Context<'_>, tenant: Option<String>) -> ApiResult<Vec<LetterTemplateView>> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let shared = shared(ctx)?;
        let uses = Uses::of_office(shared, &scope).await?;
        let current: Vec<TemplateVersion> = shared.store.current_template_versions(&scope).await?;
        let views = version_views(ctx, &scope, current.clone()).await?;
        let mut out = Vec::new();
        for (file, view) in current.iter().zip(views) {
            out.push(LetterTemplateView {
                kind: kind_of(&file.name)?.into(),
                used_by: uses_view(&uses, &file.name),
                emblem: uses.is_emblem(&file.name),
                name: file.name.clone(),
                current: view,
            });
        }
        Ok(out)
    }

    /// One file of the office: a version's text (the one in force without `version`) and every version.
    async fn letter_template(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        name: String,
        version: Option<i32>,
    ) -> ApiResult<LetterTemplateDetailView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let kind = kind_of(&name)?;
        let shared = shared(ctx)?;
        let store = &shared.store;
        let (shown, content) = store.template_file(&scope, &name, version).await?;
        let source = match kind {
            TemplateFileKind::Template => Some(text_of(&name, content)?),
            TemplateFileKind::Image(_) => None,
        };
        let versions = store.template_versions(&scope, &name).await?;
        Ok(LetterTemplateDetailView {
            kind: kind.into(),
            version: shown.version,
            source,
            versions: version_views(ctx, &scope, versions).await?,
            used_by: uses_view(&Uses::of_office(shared, &scope).await?, &name),
            name,
        })
    }

    /// What changed in a template from version `from` to version `to`, line by line.
    async fn letter_template_diff(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        name: String,
        from: i32,
        to: i32,
    ) -> ApiResult<TemplateDiffView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        if kind_of(&name)? != TemplateFileKind::Template {
            return Err(ApiError::field("name", "Hanya templat (teks) yang dapat dibandingkan baris demi baris"));
        }
        let store = &shared(ctx)?.store;
        let (_, before) = store.template_file(&scope, &name, Some(from)).await?;
        let (_, after) = store.template_file(&scope, &name, Some(to)).await?;
        let text = simpul_definitions::diff::text_diff(
            &text_of(&name, before)?,
            &text_of(&name, after)?,
            &format!("versi {from}"),
            &format!("versi {to}"),
        );
        Ok(TemplateDiffView { from, to, text })
    }

    /// The validator's diagnostics for a template's text, without saving it: its syntax at its line, and a
    /// sample letter of every product that prints with it.
    async fn check_letter_template(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        name: String,
        source: String,
    ) -> ApiResult<TemplateCheckView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let diagnostics = crate::templates::check(shared(ctx)?, &scope, &name, source.as_bytes()).await?;
        Ok(TemplateCheckView {
            usable: !simpul_definitions::diagnostics::has_errors(&diagnostics),
            diagnostics: diagnostics.into_iter().map(DiagnosticView::from).collect(),
        })
    }

    /// A product of a service in force rendered with sample data and the template's text (not saved) in place
    /// of the saved one: the admin sees the letter before saving (PDF, or one PNG image of its pages).
    #[allow(clippy::too_many_arguments)]
    async fn preview_letter_template(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        name: String,
        source: String,
        service: String,
        product: String,
        #[graphql(default_with = "PreviewFormat::Pdf")] format: PreviewFormat,
    ) -> ApiResult<FileOutput> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        kind_of(&name)?;
        let shared = shared(ctx)?;
        let (_, compiled) = shared.store.published_service(&scope, &service).await?;
        let draft = DraftFile { name, content: source.into_bytes() };
        let bytes =
            crate::letters::sample(shared, &scope, compiled.definition(), &product, format.into(), Some(draft)).await?;
        Ok(match format {
            PreviewFormat::Pdf => FileOutput::new(format!("contoh-{product}.pdf"), "application/pdf", &bytes),
            PreviewFormat::Png => FileOutput::new(format!("contoh-{product}.png"), "image/png", &bytes),
        })
    }
}

/// Letter template mutations.
#[derive(Default)]
pub struct LetterTemplateMutation;

async fn saved(ctx: &Context<'_>, tenant: Option<String>, name: &str, content: &[u8]) -> ApiResult<TemplateSaveView> {
    let scope = admin_scope(ctx, tenant.as_deref()).await?;
    let actor = caller(ctx)?.actor(&scope).user_id;
    let (version, diagnostics) = crate::templates::save(shared(ctx)?, &scope, name, content, &actor).await?;
    Ok(TemplateSaveView { version, diagnostics: diagnostics.into_iter().map(DiagnosticView::from).collect() })
}

#[Object]
impl LetterTemplateMutation {
    /// Checks a template's text and, without errors, makes it the office's template `name` in force on every
    /// instance (a new version, audited). A new name adds a template, for a service to name.
    async fn save_letter_template(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        name: String,
        source: String,
    ) -> ApiResult<TemplateSaveView> {
        if kind_of(&name)? != TemplateFileKind::Template {
            return Err(ApiError::field(
                "name",
                "Nama templat diakhiri .hbs; gambar diunggah dengan uploadLetterImage",
            ));
        }
        saved(ctx, tenant, &name, source.as_bytes()).await
    }

    /// An image of the office (the emblem of its kop: name it in the office file's `kop_surat.emblem`) uploaded
    /// as a GraphQL multipart request: checked (its kind, its size, a sample letter with it) and saved as a new
    /// version in force on every instance.
    async fn upload_letter_image(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        name: String,
        file: Upload,
    ) -> ApiResult<TemplateSaveView> {
        use std::io::Read;
        if !matches!(kind_of(&name)?, TemplateFileKind::Image(_)) {
            return Err(ApiError::field("name", "Nama gambar diakhiri .svg, .png, atau .jpg"));
        }
        let value = file.value(ctx).map_err(|_| ApiError::field("file", "Berkas tidak terbaca"))?;
        let mut content = Vec::new();
        // One byte over the limit is enough to know the file is too large; the rest is never read.
        let limit = simpul_store::definitions::IMAGE_LIMIT as u64 + 1;
        value
            .content
            .take(limit)
            .read_to_end(&mut content)
            .map_err(|_| ApiError::field("file", "Berkas tidak terbaca"))?;
        saved(ctx, tenant, &name, &content).await
    }

    /// Makes an earlier version of a file the one in force again (a new version with its content, checked as
    /// any change is).
    async fn restore_letter_template(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        name: String,
        version: i32,
    ) -> ApiResult<TemplateSaveView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let (_, content) = shared(ctx)?.store.template_file(&scope, &name, Some(version)).await?;
        saved(ctx, tenant, &name, &content).await
    }
}
