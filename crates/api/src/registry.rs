//! Where registry facts come from: a [`RegistryAdapter`] per registry. The office's uploads of its exports
//! ([`SnapshotRegistry`]) are the first; should an office get API access to SIKS-NG, DTSEN or a BPJS service, an
//! online adapter answers the same questions and the rest of Simpul does not change.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use simpul_definitions::model::{Fact, RegistrySource};
use simpul_engine::registry::{Findings, SubjectKeys};
use simpul_store::registry::PbiSegment;
use simpul_store::{Store, TenantScope};

/// A member of the applicant's household as a registry lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// NIK.
    pub nik: String,
    /// Name, when the registry gives it.
    pub nama: Option<String>,
    /// What the registry says of them, in words ("desil 2", "PBI APBD, aktif").
    pub status: String,
}

/// What one registry says about an applicant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The facts it gives.
    pub findings: Findings,
    /// The applicant's household as it lists them.
    pub household: Vec<Member>,
}

/// Why a registry could not be asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LookupError(pub String);

/// A source of one registry's facts.
#[async_trait]
pub trait RegistryAdapter: Send + Sync {
    /// The registry it answers for.
    fn source(&self) -> RegistrySource;

    /// Looks the applicant up for `actor` of `scope` (`subject`: the application, for the audit log). `None` when
    /// the source has no data for the office (no upload yet).
    async fn look_up(
        &self,
        scope: &TenantScope,
        actor: &str,
        subject: &str,
        keys: &SubjectKeys,
    ) -> Result<Option<Answer>, LookupError>;
}

/// The office's latest upload of a registry's export.
pub struct SnapshotRegistry {
    store: Store,
    source: RegistrySource,
}

impl SnapshotRegistry {
    /// The uploads of `source` in `store`.
    pub fn new(store: Store, source: RegistrySource) -> Self {
        SnapshotRegistry { store, source }
    }
}

#[async_trait]
impl RegistryAdapter for SnapshotRegistry {
    fn source(&self) -> RegistrySource {
        self.source
    }

    async fn look_up(
        &self,
        scope: &TenantScope,
        actor: &str,
        subject: &str,
        keys: &SubjectKeys,
    ) -> Result<Option<Answer>, LookupError> {
        let found = self
            .store
            .registry_lookup(scope, actor, subject, self.source, (keys.nik.as_deref(), keys.no_kk.as_deref()))
            .await
            .map_err(|e| LookupError(e.to_string()))?;
        Ok(found.map(|m| Answer {
            findings: m.findings(),
            household: m
                .household
                .iter()
                .map(|p| Member {
                    nik: p.nik.clone(),
                    nama: p.nama.clone(),
                    status: match (p.desil, p.segmen, p.active) {
                        (Some(desil), _, _) => format!("desil {desil}"),
                        (None, Some(PbiSegment::Apbn), true) => String::from("PBI APBN, aktif"),
                        (None, Some(PbiSegment::Apbd), true) => String::from("PBI APBD, aktif"),
                        (None, Some(_), false) => String::from("tidak aktif"),
                        (None, Some(PbiSegment::BukanPbi), true) => String::from("bukan PBI"),
                        (None, None, _) => String::from("terdaftar"),
                    },
                })
                .collect(),
        }))
    }
}

/// Every registry's adapter, one per registry.
#[derive(Clone)]
pub struct Registries {
    adapters: BTreeMap<RegistrySource, Arc<dyn RegistryAdapter>>,
}

/// What the registries said, by registry: the answer, none (no data), or why it could not be asked.
pub type Answers = Vec<(RegistrySource, Result<Option<Answer>, LookupError>)>;

impl Registries {
    /// The office's uploads, for every registry.
    pub fn snapshots(store: &Store) -> Self {
        Registries::default_with(store, [])
    }

    /// The office's uploads, except for the registries `online` answers.
    pub fn default_with(store: &Store, online: impl IntoIterator<Item = Arc<dyn RegistryAdapter>>) -> Self {
        let mut adapters: BTreeMap<RegistrySource, Arc<dyn RegistryAdapter>> = RegistrySource::ALL
            .into_iter()
            .map(|s| (s, Arc::new(SnapshotRegistry::new(store.clone(), s)) as Arc<dyn RegistryAdapter>))
            .collect();
        for adapter in online {
            adapters.insert(adapter.source(), adapter);
        }
        Registries { adapters }
    }

    /// Asks the registries that answer `facts` about the applicant, each once.
    pub async fn ask(
        &self,
        scope: &TenantScope,
        actor: &str,
        subject: &str,
        keys: &SubjectKeys,
        facts: &[Fact],
    ) -> Answers {
        let mut sources: Vec<RegistrySource> = facts.iter().map(|f| f.source()).collect();
        sources.sort();
        sources.dedup();
        let mut answers = Vec::new();
        for source in sources {
            let Some(adapter) = self.adapters.get(&source) else { continue };
            answers.push((source, adapter.look_up(scope, actor, subject, keys).await));
        }
        answers
    }

    /// The findings for `facts`: what the answering registries said. A registry that could not be asked gives
    /// none (the officer enters the value, as before there were uploads), with a warning in the log.
    pub async fn findings(
        &self,
        scope: &TenantScope,
        actor: &str,
        subject: &str,
        keys: &SubjectKeys,
        facts: &[Fact],
    ) -> Findings {
        if facts.is_empty() {
            return Findings::new();
        }
        let mut found = Findings::new();
        for (source, answer) in self.ask(scope, actor, subject, keys, facts).await {
            match answer {
                Ok(Some(answer)) => {
                    found.extend(answer.findings.into_iter().filter(|(fact, _)| facts.contains(fact)));
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, source = source.code(), "registry lookup failed"),
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    //! A second adapter, standing for an online source, proves the interface: its answers reach the engine's
    //! provenance as the uploads' do, and one that fails leaves the officer to enter the value.

    use std::collections::BTreeMap;

    use chrono::NaiveDate;
    use simpul_engine::FactValue;
    use simpul_engine::registry::{Basis, FactSource, Finding, MatchKey, attribute};

    use super::*;

    /// An "online" E-Dabu: answers for one NIK, fails for another.
    struct OnlineEdabu;

    #[async_trait]
    impl RegistryAdapter for OnlineEdabu {
        fn source(&self) -> RegistrySource {
            RegistrySource::Edabu
        }

        async fn look_up(
            &self,
            _: &TenantScope,
            _: &str,
            _: &str,
            keys: &SubjectKeys,
        ) -> Result<Option<Answer>, LookupError> {
            match keys.nik.as_deref() {
                Some("7302015506850001") => {
                    let basis = Basis {
                        source: RegistrySource::Edabu,
                        as_of: NaiveDate::from_ymd_opt(2026, 12, 4).expect("date"),
                        reference: String::from("edabu-online:req-42"),
                        matched: Some(MatchKey::Nik),
                    };
                    let finding = |value| Finding { value: FactValue::Bool(value), basis: basis.clone() };
                    Ok(Some(Answer {
                        findings: [(Fact::PbiApbn, finding(false)), (Fact::PbiApbd, finding(true))].into(),
                        household: Vec::new(),
                    }))
                }
                _ => Err(LookupError(String::from("E-Dabu tidak dapat dihubungi"))),
            }
        }
    }

    fn keys(nik: &str) -> SubjectKeys {
        SubjectKeys { nik: Some(nik.into()), no_kk: None }
    }

    #[tokio::test]
    async fn an_online_source_answers_through_the_same_interface() {
        let folder = tempfile::tempdir().expect("folder");
        let url = format!("sqlite://{}?mode=rwc", folder.path().join("simpul.db").display());
        let definitions = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../service-definitions");
        let store = Store::open(&url, &definitions).await.expect("store");
        let registries = Registries::default_with(&store, [Arc::new(OnlineEdabu) as Arc<dyn RegistryAdapter>]);
        let scope = store.system_scope("bulukumba").await.expect("scope");
        let wanted = [Fact::PbiApbn, Fact::PbiApbd];
        let found = registries.findings(&scope, "u1", "app-1", &keys("7302015506850001"), &wanted).await;
        assert_eq!(found.len(), 2);
        assert_eq!(found[&Fact::PbiApbd].words(Fact::PbiApbd), "E-Dabu BPJS Kesehatan per 4 Desember 2026: ya");
        // The officer confirms one value and overrides the other: the engine records each one's source.
        let given = [(Fact::PbiApbn, FactValue::Bool(false)), (Fact::PbiApbd, FactValue::Bool(false))].into();
        let notes = BTreeMap::from([(Fact::PbiApbd, String::from("Kartu PBID sudah dinonaktifkan bulan lalu"))]);
        let sources = attribute(&found, &given, &notes).expect("attributed");
        assert!(
            matches!(&sources[&Fact::PbiApbn], FactSource::Registry { basis } if basis.reference == "edabu-online:req-42")
        );
        assert!(matches!(&sources[&Fact::PbiApbd], FactSource::Officer { overrode: Some(_), .. }));
        // Unreachable: no findings, the officer's value stands alone.
        let none = registries.findings(&scope, "u1", "app-1", &keys("7302015506850002"), &wanted).await;
        assert!(none.is_empty());
        // DTSEN is still answered by the uploads: none yet, so no findings either.
        let dtsen = registries.findings(&scope, "u1", "app-1", &keys("7302015506850001"), &[Fact::DtsenDesil]).await;
        assert!(dtsen.is_empty());
    }
}
