//! Satisfaction survey responses: recorded once per ended application, read per service and period for the
//! office's index (the computation is `simpul_engine::ikm`).

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::Store;
use crate::entities::survey_response;
use crate::error::{StoreError, StoreResult};
use crate::scope::TenantScope;

/// One response: the nine answers (1–4, U1 first) and the suggestion, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyResponse {
    pub answers: [u8; 9],
    pub suggestion: Option<String>,
    pub submitted_at: DateTime<Utc>,
}

fn encode(answers: &[u8; 9]) -> String {
    answers.iter().map(|a| char::from(b'0' + a)).collect()
}

fn decode(text: &str) -> StoreResult<[u8; 9]> {
    let digits: Vec<u8> = text.bytes().map(|b| b.wrapping_sub(b'0')).collect();
    digits.try_into().map_err(|_| StoreError::Corrupt(format!("survey answers `{text}`")))
}

impl Store {
    /// Whether the application's survey was answered.
    pub async fn survey_answered(&self, scope: &TenantScope, application: Uuid) -> StoreResult<bool> {
        let found = survey_response::Entity::find()
            .filter(survey_response::Column::TenantId.eq(scope.tenant_id()))
            .filter(survey_response::Column::ApplicationId.eq(application))
            .one(&self.db)
            .await?;
        Ok(found.is_some())
    }

    /// Records the survey of an application; a second response for the same application is refused (the
    /// database's unique index decides, so two at once cannot both count).
    pub async fn record_survey(
        &self,
        scope: &TenantScope,
        application: Uuid,
        service: &str,
        answers: &[u8; 9],
        suggestion: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        if self.survey_answered(scope, application).await? {
            return Err(StoreError::SurveyAnswered);
        }
        let row = survey_response::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(scope.tenant_id().to_string()),
            application_id: Set(application),
            service_code: Set(service.to_string()),
            answers: Set(encode(answers)),
            suggestion: Set(suggestion.map(str::to_string)),
            submitted_at: Set(at),
        };
        match row.insert(&self.db).await {
            Ok(_) => Ok(()),
            Err(_) if self.survey_answered(scope, application).await? => Err(StoreError::SurveyAnswered),
            Err(error) => Err(error.into()),
        }
    }

    /// The responses to a service's survey given in `[from, to)`.
    pub async fn survey_responses(
        &self,
        scope: &TenantScope,
        service: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<SurveyResponse>> {
        let rows = survey_response::Entity::find()
            .filter(survey_response::Column::TenantId.eq(scope.tenant_id()))
            .filter(survey_response::Column::ServiceCode.eq(service))
            .filter(survey_response::Column::SubmittedAt.gte(from))
            .filter(survey_response::Column::SubmittedAt.lt(to))
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(SurveyResponse {
                    answers: decode(&r.answers)?,
                    suggestion: r.suggestion,
                    submitted_at: r.submitted_at,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn answers_are_kept_as_nine_digits_and_read_back() {
        let answers = [4, 3, 2, 1, 4, 3, 2, 1, 4];
        assert_eq!(super::encode(&answers), "432143214");
        assert_eq!(super::decode("432143214").expect("nine"), answers);
        assert!(super::decode("4321").is_err());
    }
}
