//! Signing in and out. In demo mode the login page lists the demo users by office and position, each a button
//! that signs in as them; otherwise it lists no account.

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use serde_json::{Value, json};
use simpul_api::AppState;
use simpul_api::caller::Caller;

use crate::client::{Api, Code};
use crate::fields::Fields;
use crate::operations;
use crate::render::{self, Section};
use crate::session::{self, Officer, SESSION_COOKIE};

/// What the login page's address may carry.
#[derive(Deserialize, Default)]
pub struct LoginQuery {
    /// The page to return to.
    kembali: Option<String>,
    /// Why the officer is here: `berakhir` (the session ended) or `keluar` (signed out).
    alasan: Option<String>,
}

#[derive(Deserialize)]
struct Offices {
    tenants: Vec<Office>,
}

#[derive(Deserialize)]
struct Office {
    code: String,
    name: String,
    roles: Vec<RoleName>,
}

/// A position of an office, as operations that name roles read it.
#[derive(Deserialize)]
pub(crate) struct RoleName {
    pub code: String,
    pub name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginAnswer {
    login: Token,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Token {
    token: String,
    expires_at: chrono::DateTime<chrono::Utc>,
}

/// The demo users grouped by office, each with their position's name, in the offices' order.
async fn demo_offices(state: &AppState, api: &Api<'_>) -> Vec<Value> {
    if state.shared.demo_users.is_empty() {
        return Vec::new();
    }
    let Ok(offices) = api.run::<Offices>(operations::OFFICES, json!({})).await else { return Vec::new() };
    offices
        .tenants
        .iter()
        .filter_map(|office| {
            let users: Vec<Value> = office
                .roles
                .iter()
                .map(|role| (format!("{}@{}", role.code, office.code), &role.name))
                .filter(|(username, _)| state.shared.demo_users.contains(username))
                .map(|(username, role)| json!({ "username": username, "role": role }))
                .collect();
            (!users.is_empty()).then(|| json!({ "name": office.name, "users": users }))
        })
        .collect()
}

/// The login page, with `problem` above the form when the last attempt failed.
async fn login_page(
    state: &AppState,
    jar: CookieJar,
    api: &Api<'_>,
    back: &str,
    notice: Option<&str>,
    problem: Option<&str>,
    username: &str,
) -> Response {
    // The login form's CSRF token is bound to a random cookie of this browser.
    let (jar, csrf) = session::public_csrf(state, jar);
    let data = json!({
        "csrf": csrf,
        "back": back,
        "notice": notice,
        "problem": problem,
        "username": username,
        "demo": demo_offices(state, api).await,
    });
    let status = if problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    (jar, render::page(status, "Masuk", Section::None, None, "login", &data)).into_response()
}

/// `GET /masuk`.
pub async fn show(State(state): State<AppState>, jar: CookieJar, Query(query): Query<LoginQuery>) -> Response {
    let notice = match query.alasan.as_deref() {
        Some("berakhir") => Some("Sesi Anda telah berakhir. Silakan masuk lagi; Anda akan kembali ke halaman tadi."),
        Some("keluar") => Some("Anda telah keluar."),
        _ => None,
    };
    let back = session::safe_return(query.kembali.as_deref());
    let api = Api::new(&state, Caller::Anonymous, simpul_api::caller::ClientAddress(None));
    login_page(&state, jar, &api, &back, notice, None, "").await
}

/// `POST /masuk`: signs in through the API's `login`, keeps its token in the session cookie, and goes back to
/// where the officer was.
pub async fn submit(State(state): State<AppState>, parts: Parts, jar: CookieJar, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let back = session::safe_return(fields.get("kembali"));
    let address = session::client_address(&state, &parts);
    let api = Api::new(&state, Caller::Anonymous, address);
    let username = fields.get("username").unwrap_or_default().to_string();
    if !session::public_csrf_ok(&state, &jar, fields.get("csrf").unwrap_or_default()) {
        let problem = "Formulir sudah kedaluwarsa. Silakan masuk lagi.";
        return login_page(&state, jar, &api, &back, None, Some(problem), &username).await;
    }
    let password = fields.get("password").unwrap_or_default();
    if username.is_empty() || password.is_empty() {
        let problem = "Isi nama pengguna dan kata sandi.";
        return login_page(&state, jar, &api, &back, None, Some(problem), &username).await;
    }
    let variables = json!({ "username": username, "password": password });
    match api.run::<LoginAnswer>(operations::LOGIN, variables).await {
        Ok(answer) => {
            let seconds = (answer.login.expires_at - chrono::Utc::now()).num_seconds().max(0);
            let jar = jar.add(session::cookie(&state, SESSION_COOKIE, answer.login.token, Some(seconds)));
            (jar, Redirect::to(&back)).into_response()
        }
        Err(failure) => {
            let problem = match failure.code {
                Code::Unauthenticated => String::from("Nama pengguna atau kata sandi salah."),
                Code::RateLimited | Code::Validation => failure.message,
                Code::Unavailable => String::from("Layanan sedang terganggu; coba beberapa saat lagi."),
                _ => String::from("Tidak dapat masuk saat ini; coba lagi."),
            };
            login_page(&state, jar, &api, &back, None, Some(&problem), &username).await
        }
    }
}

/// `POST /keluar`: forgets the session, and goes to the login page.
pub async fn logout(State(state): State<AppState>, mut parts: Parts, jar: CookieJar, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    // Signing out of an ended session is done already; a forged request (no valid token) changes nothing.
    if let Ok(officer) = Officer::from_request_parts(&mut parts, &state).await
        && !officer.csrf_ok(fields.get("csrf").unwrap_or_default())
    {
        return render::message(StatusCode::FORBIDDEN, "Formulir tidak sah", "Muat ulang halaman, lalu coba lagi.");
    }
    let jar = jar.remove(session::removal(SESSION_COOKIE));
    (jar, Redirect::to("/masuk?alasan=keluar")).into_response()
}
