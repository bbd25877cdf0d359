//! `/lacak`: the applicant's tracking page, public. The tracking code with the applicant's NIK or date of birth
//! shows the service, where the application is, its history in words, the deadline and the letters'
//! verification links — through the API's `trackApplication` (rate-limited there), so this page knows no more
//! than any integrator would. The form posts (a NIK in an address would stay in logs and histories) and carries
//! a CSRF token bound to the browser.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use simpul_api::AppState;
use simpul_api::caller::Caller;

use crate::client::{Api, Code};
use crate::fields::Fields;
use crate::operations;
use crate::render::{self, Section};
use crate::session;
use crate::words::{self, Deadline, Status};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    track_application: Tracked,
    survey_questions: Vec<Question>,
}

#[derive(Deserialize, serde::Serialize)]
struct Question {
    code: String,
    label: String,
    question: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Tracked {
    office: String,
    time_zone: String,
    service_name: String,
    masked_name: String,
    submitted_at: DateTime<Utc>,
    status: Status,
    step_name: Option<String>,
    outcome_label: Option<String>,
    service_deadline: Option<Deadline>,
    history: Vec<Line>,
    letters: Vec<Letter>,
    survey_token: Option<String>,
}

#[derive(Deserialize)]
struct Line {
    at: DateTime<Utc>,
    text: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Letter {
    name: String,
    number: String,
    verification_url: Option<String>,
    revoked: bool,
}

/// What the form held, to show again beside its problem.
struct Typed<'a> {
    code: &'a str,
    nik: &'a str,
    birth_date: &'a str,
}

fn page(
    state: &AppState,
    jar: CookieJar,
    status: StatusCode,
    typed: &Typed<'_>,
    problem: Option<&str>,
    found: Value,
) -> Response {
    let (jar, csrf) = session::public_csrf(state, jar);
    let data = json!({
        "csrf": csrf,
        "code": typed.code,
        "nik": typed.nik,
        "birthDate": typed.birth_date,
        "problem": problem,
        "found": found,
    });
    (jar, render::page(status, "Lacak permohonan", Section::None, None, "track", &data)).into_response()
}

/// What the tracking page's address may carry: the code, as the receipt's QR fills it in.
#[derive(Deserialize, Default)]
pub struct TrackQuery {
    kode: Option<String>,
}

/// `GET /lacak` (`?kode=…` from a receipt's QR): the form, with the code filled in when given.
pub async fn show(State(state): State<AppState>, jar: CookieJar, Query(query): Query<TrackQuery>) -> Response {
    // A tracking code is 11 characters; the field keeps no more than a code could be.
    let code: String = query.kode.unwrap_or_default().trim().chars().take(32).collect();
    page(&state, jar, StatusCode::OK, &Typed { code: &code, nik: "", birth_date: "" }, None, Value::Null)
}

/// `POST /lacak`: the application the code and NIK (or date of birth) name, or why there is none.
pub async fn lookup(State(state): State<AppState>, parts: Parts, jar: CookieJar, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let typed = Typed {
        code: fields.get("kode").unwrap_or_default().trim(),
        nik: fields.get("nik").unwrap_or_default().trim(),
        birth_date: fields.get("tanggal_lahir").unwrap_or_default().trim(),
    };
    let refuse = |jar, status, problem: &str| page(&state, jar, status, &typed, Some(problem), Value::Null);
    if !session::public_csrf_ok(&state, &jar, fields.get("csrf").unwrap_or_default()) {
        return refuse(jar, StatusCode::FORBIDDEN, "Formulir sudah kedaluwarsa. Silakan isi lagi.");
    }
    if typed.code.is_empty() {
        return refuse(jar, StatusCode::UNPROCESSABLE_ENTITY, "Isi kode pelacakan yang tercetak pada tanda terima.");
    }
    let birth_date = match typed.birth_date {
        "" => None,
        text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => return refuse(jar, StatusCode::UNPROCESSABLE_ENTITY, "Tanggal lahir tidak terbaca."),
        },
    };
    let nik = (!typed.nik.is_empty()).then_some(typed.nik);
    if nik.is_some() == birth_date.is_some() {
        let problem = "Isi NIK pemohon atau tanggal lahirnya — salah satu saja.";
        return refuse(jar, StatusCode::UNPROCESSABLE_ENTITY, problem);
    }
    let api = Api::new(&state, Caller::Anonymous, session::client_address(&state, &parts));
    let variables = json!({ "code": typed.code, "nik": nik, "birthDate": birth_date });
    match api.run::<Answer>(operations::TRACK, variables).await {
        Ok(answer) => {
            let mut found = view(&answer.track_application);
            if let Some(token) = &answer.track_application.survey_token {
                found["survey"] = survey_view(token, &answer.survey_questions, &[], "");
            }
            page(&state, jar, StatusCode::OK, &Typed { code: typed.code, nik: "", birth_date: "" }, None, found)
        }
        Err(failure) => {
            let status = match failure.code {
                Code::NotFound => StatusCode::NOT_FOUND,
                Code::RateLimited => StatusCode::TOO_MANY_REQUESTS,
                Code::Unavailable => return render::unavailable(),
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            refuse(jar, status, &failure.message)
        }
    }
}

/// The answers a question may get, as the regulation's scale words them.
const SCALE: [(u8, &str); 4] = [(1, "Tidak baik"), (2, "Kurang baik"), (3, "Baik"), (4, "Sangat baik")];

/// The questionnaire for the template: each question with its four answers, the chosen ones kept.
fn survey_view(token: &str, questions: &[Question], chosen: &[Option<u8>], suggestion: &str) -> Value {
    let questions: Vec<Value> = questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let picked = chosen.get(i).copied().flatten();
            let options: Vec<Value> = SCALE
                .iter()
                .map(|(value, words)| json!({ "value": value, "words": words, "checked": picked == Some(*value) }))
                .collect();
            json!({ "field": format!("u{}", i + 1), "code": q.code, "label": q.label, "question": q.question, "options": options })
        })
        .collect();
    json!({ "token": token, "questions": questions, "suggestion": suggestion })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Questions {
    survey_questions: Vec<Question>,
}

/// What a message's survey link carries.
#[derive(Deserialize)]
pub struct SurveyQuery {
    token: Option<String>,
}

/// `GET /lacak/survei?token=…`: the questionnaire, from the link in the message an applicant received when the
/// application ended; the token is checked when the answers are sent.
pub async fn survey_form(
    State(state): State<AppState>,
    parts: Parts,
    jar: CookieJar,
    Query(query): Query<SurveyQuery>,
) -> Response {
    let none = Typed { code: "", nik: "", birth_date: "" };
    // A survey token is a few hundred characters; anything far longer is not one.
    let token: String = query.token.unwrap_or_default().trim().chars().take(2048).collect();
    if token.is_empty() {
        let problem = "Tautan survei tidak lengkap. Lacak permohonan Anda untuk mengisi survei.";
        return page(&state, jar, StatusCode::UNPROCESSABLE_ENTITY, &none, Some(problem), Value::Null);
    }
    let api = Api::new(&state, Caller::Anonymous, session::client_address(&state, &parts));
    match api.run::<Questions>(operations::TRACK_QUESTIONS, json!({})).await {
        Ok(q) => {
            let found = json!({ "survey": survey_view(&token, &q.survey_questions, &[], "") });
            page(&state, jar, StatusCode::OK, &none, None, found)
        }
        Err(failure) if failure.code == Code::Unavailable => render::unavailable(),
        Err(failure) => page(&state, jar, StatusCode::UNPROCESSABLE_ENTITY, &none, Some(&failure.message), Value::Null),
    }
}

/// `POST /lacak/survei`: the applicant's answers, through the API's `submitSurvey`; thanks, or the
/// questionnaire again with what was chosen and what is missing.
pub async fn survey(State(state): State<AppState>, parts: Parts, jar: CookieJar, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let none = Typed { code: "", nik: "", birth_date: "" };
    if !session::public_csrf_ok(&state, &jar, fields.get("csrf").unwrap_or_default()) {
        let problem = "Formulir sudah kedaluwarsa. Silakan lacak permohonan Anda lagi.";
        return page(&state, jar, StatusCode::FORBIDDEN, &none, Some(problem), Value::Null);
    }
    let token = fields.get("token").unwrap_or_default();
    let chosen: Vec<Option<u8>> = (1..=9).map(|i| fields.get(&format!("u{i}")).and_then(|v| v.parse().ok())).collect();
    let suggestion = fields.get("saran").unwrap_or_default().trim();
    let api = Api::new(&state, Caller::Anonymous, session::client_address(&state, &parts));
    let answers: Vec<u8> = chosen.iter().map(|c| c.unwrap_or(0)).collect();
    let variables =
        json!({ "token": token, "answers": answers, "suggestion": (!suggestion.is_empty()).then_some(suggestion) });
    match api.run::<Value>(operations::SUBMIT_SURVEY, variables).await {
        Ok(_) => {
            let thanks = json!({ "thanks": true });
            page(&state, jar, StatusCode::OK, &none, None, thanks)
        }
        Err(failure) => {
            let questions = api
                .run::<Questions>(operations::TRACK_QUESTIONS, json!({}))
                .await
                .map(|q| q.survey_questions)
                .unwrap_or_default();
            let again = json!({ "survey": survey_view(token, &questions, &chosen, suggestion) });
            page(&state, jar, StatusCode::UNPROCESSABLE_ENTITY, &none, Some(&failure.message), again)
        }
    }
}

/// The application for the template, times in the office's zone.
fn view(t: &Tracked) -> Value {
    let tz = words::zone(&t.time_zone);
    json!({
        "office": t.office,
        "service": t.service_name,
        "name": t.masked_name,
        "submitted": words::time(t.submitted_at, tz),
        "status": t.status.words(),
        "step": t.step_name,
        "outcome": t.outcome_label,
        "deadline": t.service_deadline.as_ref().map(|d| d.view(tz)),
        "history": t.history.iter().map(|l| json!({ "at": words::time(l.at, tz), "text": l.text })).collect::<Vec<_>>(),
        "letters": t.letters.iter().map(|l| json!({
            "name": l.name, "number": l.number, "url": l.verification_url, "revoked": l.revoked,
        })).collect::<Vec<_>>(),
    })
}
