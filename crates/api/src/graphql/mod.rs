//! The GraphQL API: one schema, with limits on depth and complexity, errors with stable codes.

mod accounts;
mod admin;
pub(crate) mod application;
mod batch;
pub mod budget;
mod bundles;
mod complaints;
pub(crate) mod dashboard;
pub mod guard;
mod kinds;
mod letter_templates;
mod letters;
mod moves;
mod mutation;
pub mod notifications;
mod office_file;
mod query;
mod registry;
mod service;
mod studio;
pub mod subscription;
mod survey;
mod tenant;
mod webhooks;

use async_graphql::{Context, MergedObject, Schema};
use simpul_store::{ApplicationRecord, TenantScope};

use crate::Shared;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult};

pub use application::ApplicationView;
pub use kinds::EventKind;
pub use letters::{LetterStatus, LetterVerification};
pub use mutation::Mutation;
pub use query::Query;

/// Every query.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    Query,
    admin::AdminQuery,
    accounts::AccountsQuery,
    letters::LetterQuery,
    complaints::ComplaintQuery,
    dashboard::DashboardQuery,
    registry::RegistryQuery,
    studio::StudioQuery,
    office_file::OfficeFileQuery,
    letter_templates::LetterTemplateQuery,
    bundles::BundleQuery,
    survey::SurveyQuery,
    webhooks::WebhookQuery,
);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    Mutation,
    admin::AdminMutation,
    accounts::AccountsMutation,
    letters::LetterMutation,
    complaints::ComplaintMutation,
    notifications::NotificationMutation,
    registry::RegistryMutation,
    moves::MoveMutation,
    office_file::OfficeFileMutation,
    letter_templates::LetterTemplateMutation,
    bundles::BundleMutation,
    survey::SurveyMutation,
    webhooks::WebhookMutation,
);

/// The schema type.
pub type ApiSchema = Schema<QueryRoot, MutationRoot, subscription::SubscriptionRoot>;

/// Builds the schema with the shared services. Every request is measured against its caller's [`budget::Budget`]
/// before async-graphql parses it ([`guard`]); async-graphql's own limits stay as a second line: depth 16 (the budget allows 12, and
/// 16 to introspection, whose `ofType` chain is deep), complexity 5,000 and 50 directives.
pub fn schema(shared: Shared) -> ApiSchema {
    Schema::build(QueryRoot::default(), MutationRoot::default(), subscription::SubscriptionRoot)
        .data(shared)
        .limit_depth(budget::Budget::INTROSPECTION.depth as usize)
        .limit_complexity(5_000)
        .limit_directives(budget::Budget::SIGNED_IN.directives as usize)
        .extension(guard::Guard)
        .finish()
}

/// The schema in GraphQL SDL: the contract committed as `crates/api/schema.graphql` (written by
/// `simpul schema graphql`), so that a change of the wire format shows in review and a stale copy fails a test.
pub fn sdl() -> String {
    Schema::build(QueryRoot::default(), MutationRoot::default(), subscription::SubscriptionRoot).finish().sdl()
}

/// The value of a field a caller may be refused, or null with the refusal beside it in `errors`.
///
/// async-graphql 7.2 leaves a field whose resolver fails out of `data` altogether, which breaks GraphQL's null
/// propagation and typed clients, which cannot parse an object without a key its type declares. So a field some
/// callers are refused is nullable and reports its refusal itself, at its path.
fn refusable<T>(ctx: &Context<'_>, result: ApiResult<T>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            let error: async_graphql::Error = error.into();
            ctx.add_error(ctx.set_error_path(error.into_server_error(ctx.item.pos)));
            None
        }
    }
}

/// An actor of a log as people read it: name and roles in the office.
#[derive(async_graphql::SimpleObject, Clone)]
pub struct ActorView {
    /// The officer's or key's name.
    pub name: String,
    /// Their roles in the office, as it names them.
    pub roles: Vec<simpul_definitions::model::Role>,
}

impl ActorView {
    /// An actor as the office names their roles.
    pub fn new(runtime: &simpul_store::TenantRuntime, actor: &simpul_store::accounts::ActorInfo) -> Self {
        ActorView { name: actor.name.clone(), roles: accounts::role_views(runtime, &actor.roles) }
    }
}

/// `actors` (user ids, `apikey:<id>`) as people read them, in one lookup for a whole list.
async fn actor_views<'a>(
    ctx: &Context<'_>,
    scope: &TenantScope,
    actors: impl IntoIterator<Item = &'a String>,
) -> ApiResult<std::collections::BTreeMap<String, ActorView>> {
    let ids = actors.into_iter().cloned().collect();
    let store = &shared(ctx)?.store;
    let found = store.actors(scope, &ids).await?;
    let runtime = store.tenant_runtime(store.connection(), scope).await?;
    Ok(found.into_iter().map(|(id, actor)| (id, ActorView::new(&runtime, &actor))).collect())
}

fn shared<'a>(ctx: &Context<'a>) -> ApiResult<&'a Shared> {
    ctx.data::<Shared>().map_err(|e| ApiError::Internal(e.message))
}

fn caller<'a>(ctx: &Context<'a>) -> ApiResult<&'a Caller> {
    ctx.data::<Caller>().map_err(|e| ApiError::Internal(e.message))
}

async fn view(ctx: &Context<'_>, scope: &TenantScope, record: ApplicationRecord) -> ApiResult<ApplicationView> {
    views(ctx, scope, vec![record]).await?.pop().ok_or_else(|| ApiError::Internal(String::from("no view")))
}

/// The views of one page's applications, sharing one [`Batch`](batch::Batch) of reads.
async fn views(
    ctx: &Context<'_>,
    scope: &TenantScope,
    records: Vec<ApplicationRecord>,
) -> ApiResult<Vec<ApplicationView>> {
    let shared = shared(ctx)?;
    let actor = caller(ctx)?.actor(scope);
    let mut parts = Vec::with_capacity(records.len());
    for record in records {
        let (service, runtime) = shared.store.runtime_for(scope, &record).await?;
        parts.push((record, service, runtime));
    }
    let members = parts
        .iter()
        .map(|(record, service, _)| batch::Member {
            id: record.id,
            personal_fields: application::personal_fields(service.definition()).join(", "),
        })
        .collect();
    let batch = std::sync::Arc::new(batch::Batch::new(scope.clone(), members));
    Ok(parts
        .into_iter()
        .map(|(record, service, runtime)| ApplicationView {
            record,
            service,
            runtime,
            scope: scope.clone(),
            actor: actor.clone(),
            batch: batch.clone(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_committed_sdl_is_the_generated_one() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == super::sdl(),
            "{path} is stale: the wire format changed. Run `cargo run -- schema graphql --out crates/api`, review the \
             difference as a change of the API contract, and commit it"
        );
    }
}
