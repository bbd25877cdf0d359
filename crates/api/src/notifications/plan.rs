//! Who is told of an event: the moment it is in the application's life, the channels the office enables, the
//! applicant's contacts from the form when they agreed to be messaged, and the contact of the village operator
//! who submitted online.

use simpul_definitions::model::{Channel, FieldType, Moment, NotifyChannel};
use simpul_engine::event::{Effect, EventKind};
use simpul_engine::{Event, Service};
use simpul_store::notifications::{Contact, NewNotification, RecipientKind};
use simpul_store::outbox::OutboxMessage;
use simpul_store::{ApplicationRecord, StoreError, StoreResult};

use crate::Services;

/// The moment an outbox message tells of, if it is one applicants hear about.
pub fn moment_of(message: &OutboxMessage) -> Option<Moment> {
    let event: Event = serde_json::from_str(&message.payload).ok()?;
    match event.kind {
        EventKind::Submitted(_) => Some(Moment::Received),
        EventKind::ActionTaken(action) => match action.effect {
            Effect::Returned => Some(Moment::Returned),
            Effect::Ended { .. } => Some(Moment::Ended),
            Effect::MovedTo { .. } | Effect::Initialled { .. } => None,
        },
        EventKind::Withdrawn { .. } => Some(Moment::Withdrawn),
        EventKind::Resubmitted(_) | EventKind::DocumentAttached { .. } | EventKind::Migrated(_) => None,
    }
}

/// The messages to queue for `messages`: one per channel the office uses and recipient it has for the moment.
/// An application that is gone is skipped; a database error fails the round, which hands nothing over and is
/// tried again.
pub async fn plan(shared: &Services, messages: &[OutboxMessage]) -> StoreResult<Vec<NewNotification>> {
    let system = shared.store.system_access();
    let mut out = Vec::new();
    // A round's messages come from few offices: each office's scope is looked up once.
    let mut scopes: std::collections::HashMap<String, simpul_store::TenantScope> = std::collections::HashMap::new();
    for message in messages {
        let Some(moment) = moment_of(message) else { continue };
        let scope = match scopes.get(&message.tenant_id) {
            Some(scope) => scope.clone(),
            None => match shared.store.system_scope(&message.tenant_id).await {
                Ok(scope) => {
                    scopes.insert(message.tenant_id.clone(), scope.clone());
                    scope
                }
                Err(StoreError::NotFound { .. }) => continue,
                Err(error) => return Err(error),
            },
        };
        let record = match shared.store.application(&scope, message.application_id).await {
            Ok(record) => record,
            Err(StoreError::NotFound { .. }) => continue,
            Err(error) => return Err(error),
        };
        let (service, runtime) = shared.store.runtime_for(&scope, &record).await?;
        let Some(settings) = &runtime.tenant.notifications else { continue };
        if settings.message(moment).is_none() {
            continue;
        }
        let operator = if record.state.channel == Channel::Daring {
            shared.store.contact_of(&system, &record.submitted_by).await?
        } else {
            None
        };
        for (channel, recipient, kind) in recipients(&service, &record, &settings.consent_field, operator.as_ref()) {
            if !settings.uses(channel) {
                continue;
            }
            out.push(NewNotification {
                tenant_id: message.tenant_id.clone(),
                application_id: message.application_id,
                event_id: message.id,
                event_seq: message.event_seq,
                moment: moment.code().to_string(),
                channel: channel.code().to_string(),
                recipient,
                recipient_kind: kind,
            });
        }
    }
    Ok(out)
}

/// Every (channel, address, who) an application's messages could go to, each once: the applicant's phone and
/// e-mail fields when the consent field says yes, then the operator's account contact.
pub fn recipients(
    service: &Service,
    record: &ApplicationRecord,
    consent_field: &str,
    operator: Option<&Contact>,
) -> Vec<(NotifyChannel, String, RecipientKind)> {
    let data = &record.state.data;
    let consented = data.get(consent_field).and_then(serde_json::Value::as_bool) == Some(true);
    let mut phones = Vec::new();
    let mut emails = Vec::new();
    if consented {
        for field in &service.definition().fields {
            let Some(value) = data.get(&field.code).and_then(serde_json::Value::as_str) else { continue };
            match field.field_type {
                FieldType::Phone => phones.push((value.to_string(), RecipientKind::Applicant)),
                FieldType::Email => emails.push((value.to_string(), RecipientKind::Applicant)),
                _ => {}
            }
        }
    }
    if let Some(contact) = operator {
        phones.extend(contact.phone.clone().map(|p| (p, RecipientKind::Operator)));
        emails.extend(contact.email.clone().map(|e| (e, RecipientKind::Operator)));
    }
    let mut out: Vec<(NotifyChannel, String, RecipientKind)> = Vec::new();
    let mut add = |channel, (address, kind): (String, RecipientKind)| {
        if !out.iter().any(|(c, a, _)| *c == channel && *a == address) {
            out.push((channel, address, kind));
        }
    };
    for phone in phones {
        add(NotifyChannel::Whatsapp, phone.clone());
        add(NotifyChannel::Sms, phone);
    }
    for email in emails {
        add(NotifyChannel::Email, email);
    }
    out
}
