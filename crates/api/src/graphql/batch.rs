//! Batched reads for lists. The applications of one page share a [`Batch`]: the first of them asked for its
//! history, letters or documents reads those of the whole page in one query, the others wait for that read, and
//! the page's unmasked personal data is written to the audit log by one insert — so an inbox page of 50 costs
//! the same statements as a page of 1, deterministically (a timed batching window, like DataLoader's, splits a
//! page whenever the server is slow).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use simpul_store::accounts::{ActorInfo, UserInfo};
use simpul_store::applications::StoredEvent;
use simpul_store::documents::DocumentRecord;
use simpul_store::letters::LetterRecord;
use simpul_store::{Store, TenantScope};
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::error::ApiResult;

/// One application of a batch, with the names of its personal-data fields (audited when shown unmasked).
pub struct Member {
    /// The application.
    pub id: Uuid,
    /// Its NIK and No. KK fields, comma-separated (names, never values).
    pub personal_fields: String,
}

/// The applications of one page (or a single one), whose related rows are read together on first need.
pub struct Batch {
    scope: TenantScope,
    members: Vec<Member>,
    history: OnceCell<HashMap<Uuid, Vec<StoredEvent>>>,
    letters: OnceCell<HashMap<Uuid, Vec<LetterRecord>>>,
    documents: OnceCell<HashMap<Uuid, Vec<DocumentRecord>>>,
    actors: OnceCell<BTreeMap<String, ActorInfo>>,
    officers: OnceCell<Vec<UserInfo>>,
    audited: OnceCell<()>,
}

impl Batch {
    /// A batch of applications of one tenant.
    pub fn new(scope: TenantScope, members: Vec<Member>) -> Self {
        Batch {
            scope,
            members,
            history: OnceCell::new(),
            letters: OnceCell::new(),
            documents: OnceCell::new(),
            actors: OnceCell::new(),
            officers: OnceCell::new(),
            audited: OnceCell::new(),
        }
    }

    fn ids(&self) -> Vec<Uuid> {
        self.members.iter().map(|m| m.id).collect()
    }

    /// The history of `id`, oldest first.
    pub async fn history(&self, store: &Store, id: Uuid) -> ApiResult<&[StoredEvent]> {
        let all =
            self.history.get_or_try_init(|| async { store.events_of_applications(&self.scope, &self.ids()).await });
        Ok(all.await?.get(&id).map_or(&[], Vec::as_slice))
    }

    /// The letters of `id`, oldest first.
    pub async fn letters(&self, store: &Store, id: Uuid) -> ApiResult<&[LetterRecord]> {
        let all = self.letters.get_or_try_init(|| async {
            let letters = store.letters_of_applications(&self.scope, &self.ids()).await?;
            Ok::<_, simpul_store::StoreError>(group(letters, |l| l.application_id))
        });
        Ok(all.await?.get(&id).map_or(&[], Vec::as_slice))
    }

    /// The documents of `id`, oldest first.
    pub async fn documents(&self, store: &Store, id: Uuid) -> ApiResult<&[DocumentRecord]> {
        let all = self.documents.get_or_try_init(|| async {
            let documents = store.documents_of_applications(&self.scope, &self.ids()).await?;
            Ok::<_, simpul_store::StoreError>(group(documents, |d| d.application_id))
        });
        Ok(all.await?.get(&id).map_or(&[], Vec::as_slice))
    }

    /// Who `id` (an actor of the page's histories) is: the officers and keys of every history on the page are
    /// looked up together, once.
    pub async fn actor(&self, store: &Store, id: &str) -> ApiResult<Option<&ActorInfo>> {
        let all = self
            .actors
            .get_or_try_init(|| async {
                let mut ids = BTreeSet::new();
                for member in &self.members {
                    ids.extend(self.history(store, member.id).await?.iter().map(|e| e.event.actor.clone()));
                }
                Ok::<_, crate::error::ApiError>(store.actors(&self.scope, &ids).await?)
            })
            .await?;
        Ok(all.get(id))
    }

    /// The office's officers, read once for the page (whom a disposisi may name).
    pub async fn officers(&self, store: &Store) -> ApiResult<&[UserInfo]> {
        Ok(self.officers.get_or_try_init(|| store.users(&self.scope)).await?)
    }

    /// Records that `actor` is shown the personal data of the batch's applications, once, before any of it is
    /// answered: an unmasked value is never shown unaudited. (All entries of a list share one selection, so when
    /// one shows its data, all do.)
    pub async fn audit_personal_data(&self, store: &Store, actor: &str) -> ApiResult<()> {
        self.audited
            .get_or_try_init(|| async {
                let entries: Vec<(String, String)> =
                    self.members.iter().map(|m| (m.id.to_string(), m.personal_fields.clone())).collect();
                store.record_audits(&self.scope, actor, simpul_store::audit::action::READ, &entries).await
            })
            .await?;
        Ok(())
    }
}

/// Rows by application, in their order.
fn group<T>(rows: Vec<T>, key: impl Fn(&T) -> Uuid) -> HashMap<Uuid, Vec<T>> {
    let mut out: HashMap<Uuid, Vec<T>> = HashMap::new();
    for row in rows {
        out.entry(key(&row)).or_default().push(row);
    }
    out
}
