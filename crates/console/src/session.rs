//! Who is signed in to the console, and the forms' protection against cross-site requests.
//!
//! The session is the API's own bearer token from `login`, kept in an HttpOnly, SameSite=Lax cookie (Secure when
//! the server is reached over TLS), so a session ends exactly when the API stops accepting the token (its expiry,
//! a disabled account, a changed password). Every form carries a CSRF token: an HMAC of the session's token (or,
//! before signing in, of a random cookie) under the deployment's form key — OWASP's "signed double-submit
//! cookie" — checked before anything is done; SameSite=Lax is the second line.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hmac::{Hmac, Mac};
use simpul_api::AppState;
use simpul_api::caller::{Caller, ClientAddress};

use crate::client::Api;

/// The cookie that holds the session's token.
pub const SESSION_COOKIE: &str = "simpul_sesi";
/// The cookie that seeds the login form's CSRF token before there is a session.
pub const LOGIN_COOKIE: &str = "simpul_masuk";
/// The cookie that carries a one-time message to the next page ("Tindakan tercatat").
pub const FLASH_COOKIE: &str = "simpul_pesan";

/// The CSRF token of forms shown to the holder of `seed` (a session token or the login cookie).
pub fn csrf_token(state: &AppState, seed: &str) -> String {
    let mut mac =
        <Hmac<sha2::Sha256> as Mac>::new_from_slice(&state.shared.form_key).expect("HMAC takes a key of any length");
    mac.update(seed.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// Whether `given` is the CSRF token of `seed`, compared in constant time.
pub fn csrf_ok(state: &AppState, seed: &str, given: &str) -> bool {
    let mut mac =
        <Hmac<sha2::Sha256> as Mac>::new_from_slice(&state.shared.form_key).expect("HMAC takes a key of any length");
    mac.update(seed.as_bytes());
    let Ok(given) = hex::decode(given) else { return false };
    given.len() == 16 && mac.verify_truncated_left(&given).is_ok()
}

/// The CSRF token of a public form (login, tracking) for this browser, bound to a random cookie it is given on
/// its first visit: the jar to answer with and the token.
pub fn public_csrf(state: &AppState, jar: CookieJar) -> (CookieJar, String) {
    match jar.get(LOGIN_COOKIE).map(|c| c.value().to_string()) {
        Some(seed) => {
            let token = csrf_token(state, &seed);
            (jar, token)
        }
        None => {
            let seed = hex::encode(rand::random::<[u8; 16]>());
            let token = csrf_token(state, &seed);
            (jar.add(cookie(state, LOGIN_COOKIE, seed, None)), token)
        }
    }
}

/// Whether `given` is the CSRF token of a public form shown to this browser.
pub fn public_csrf_ok(state: &AppState, jar: &CookieJar, given: &str) -> bool {
    jar.get(LOGIN_COOKIE).is_some_and(|seed| !seed.value().is_empty() && csrf_ok(state, seed.value(), given))
}

/// Where the request came from, for the API's limits per client (login attempts).
pub fn client_address(state: &AppState, parts: &Parts) -> ClientAddress {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    ClientAddress::from_request(peer, &parts.headers, state.shared.forwarded_hops)
}

/// A cookie of the console: HttpOnly, SameSite=Lax, for the whole site, Secure behind TLS.
pub fn cookie(state: &AppState, name: &'static str, value: String, max_age_seconds: Option<i64>) -> Cookie<'static> {
    let mut cookie = Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(state.shared.public_url.starts_with("https://"))
        .build();
    if let Some(seconds) = max_age_seconds {
        cookie.set_max_age(cookie::time::Duration::seconds(seconds));
    }
    cookie
}

/// A cookie that tells the browser to forget `name`.
pub fn removal(name: &'static str) -> Cookie<'static> {
    let mut cookie = Cookie::build((name, "")).path("/").build();
    cookie.make_removal();
    cookie
}

/// A signed-in officer of an office: the extractor of every console page but the login.
pub struct Officer {
    /// The API's caller.
    pub caller: Caller,
    /// The office the console works in (the officer's first membership); empty for a provincial admin.
    pub tenant: String,
    /// The province a provincial admin without an office role looks at (its dashboard); `None` for officers.
    pub province: Option<String>,
    /// The officer's name.
    pub name: String,
    /// The CSRF token of this session's forms.
    pub csrf: String,
    /// Where the request came from.
    pub address: ClientAddress,
    /// A message left by the previous page, shown once.
    pub flash: Option<String>,
}

impl Officer {
    /// The API as this officer.
    pub fn api<'a>(&self, state: &'a AppState) -> Api<'a> {
        Api::new(state, self.caller.clone(), self.address)
    }

    /// Whether the officer is their office's admin (`admin_dinas`), who manages its registry uploads.
    pub fn is_office_admin(&self) -> bool {
        matches!(&self.caller, Caller::User(p) if p.membership(&self.tenant).is_some_and(|m| m.roles.contains("admin_dinas")))
    }

    /// Today in the office's time zone (a provincial admin's: the province's first office's), the date a period
    /// ends on by default. The API reads periods as office dates, and UTC's date is a day behind in Indonesia from
    /// 17.00 WIB (16.00 WITA) to midnight, which would leave the day's own records out of a default period.
    async fn today(&self, state: &AppState) -> chrono::NaiveDate {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Office {
            code: String,
            time_zone: String,
            province: Province,
        }
        #[derive(serde::Deserialize)]
        struct Province {
            code: String,
        }
        #[derive(serde::Deserialize)]
        struct Offices {
            tenants: Vec<Office>,
        }
        let offices = self.api(state).run::<Offices>(crate::operations::OFFICE_ZONES, serde_json::json!({})).await;
        let zone = offices.ok().and_then(|o| {
            o.tenants.into_iter().find(|t| match &self.province {
                Some(province) => &t.province.code == province,
                None => t.code == self.tenant,
            })
        });
        let zone = crate::words::zone(zone.as_ref().map_or("", |o| o.time_zone.as_str()));
        chrono::Utc::now().with_timezone(&zone).date_naive()
    }

    /// A period from a form's dates: `from` missing starts at `start(today)`, `to` missing ends today (the
    /// office's, looked up only when a date is missing).
    pub async fn period(
        &self,
        state: &AppState,
        from: Option<chrono::NaiveDate>,
        to: Option<chrono::NaiveDate>,
        start: impl FnOnce(chrono::NaiveDate) -> chrono::NaiveDate,
    ) -> (chrono::NaiveDate, chrono::NaiveDate) {
        match (from, to) {
            (Some(from), Some(to)) => (from, to),
            (from, to) => {
                let today = self.today(state).await;
                (from.unwrap_or_else(|| start(today)), to.unwrap_or(today))
            }
        }
    }

    /// Whether `given` is this session's CSRF token.
    pub fn csrf_ok(&self, given: &str) -> bool {
        // The token is derived from the session; comparing against the one rendered is enough and constant time.
        given.len() == self.csrf.len() && given.bytes().zip(self.csrf.bytes()).fold(0, |d, (a, b)| d | (a ^ b)) == 0
    }
}

/// Why a page needs the officer to sign in (again), and where to come back to.
pub struct SignIn {
    /// The page to return to after signing in.
    back: String,
    /// Whether a session was there and ended (expired, or the account was disabled).
    ended: bool,
}

impl IntoResponse for SignIn {
    fn into_response(self) -> Response {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("kembali", &self.back);
        if self.ended {
            query.append_pair("alasan", "berakhir");
        }
        let mut response = Redirect::to(&format!("/masuk?{}", query.finish())).into_response();
        if self.ended {
            let removal = removal(SESSION_COOKIE);
            if let Ok(value) = HeaderValue::from_str(&removal.to_string()) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }
}

/// The page a request belongs to, to return to after signing in: the page itself for a GET, the page whose form
/// it posted otherwise (each form posts to its page's address plus one segment).
fn page_of(parts: &Parts) -> String {
    let path = parts.uri.path();
    if parts.method == Method::GET {
        return parts.uri.path_and_query().map_or_else(|| path.to_string(), |p| p.as_str().to_string());
    }
    path.rsplit_once('/').map(|(page, _)| page).filter(|p| !p.is_empty()).unwrap_or("/").to_string()
}

/// A path to return to after signing in: only a path of this site (never `//host` or a URL), else the inbox.
pub fn safe_return(back: Option<&str>) -> String {
    match back {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path.to_string(),
        _ => String::from("/kotak-masuk"),
    }
}

impl FromRequestParts<AppState> for Officer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
            return Err(SignIn { back: page_of(parts), ended: false }.into_response());
        };
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&format!("Bearer {token}")) {
            headers.insert(header::AUTHORIZATION, value);
        }
        let caller = match Caller::authenticate(&state.shared, &headers).await {
            Ok(caller) => caller,
            Err(_) => return Err(crate::render::unavailable()),
        };
        let Caller::User(principal) = &caller else {
            return Err(SignIn { back: page_of(parts), ended: true }.into_response());
        };
        let (tenant, province) = match (principal.memberships.first(), principal.provinces.first()) {
            (Some(membership), _) => (membership.scope.tenant_id().to_string(), None),
            // A provincial admin sees the province's dashboard (its other pages come with the admin console).
            (None, Some(province)) => (String::new(), Some(province.clone())),
            (None, None) => {
                return Err(crate::render::message(
                    axum::http::StatusCode::FORBIDDEN,
                    "Bukan petugas dinas",
                    "Konsol ini untuk petugas Dinas Sosial. Akun Anda tidak memegang jabatan di dinas mana pun.",
                ));
            }
        };
        Ok(Officer {
            tenant,
            province,
            name: principal.display_name.clone(),
            csrf: csrf_token(state, &token),
            address: client_address(state, parts),
            flash: jar.get(FLASH_COOKIE).and_then(|c| crate::pages::flash_text(c.value())),
            caller,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_of_this_site_is_returned_to() {
        assert_eq!(safe_return(Some("/permohonan/abc?x=1")), "/permohonan/abc?x=1");
        for outside in ["//evil.example/", "https://evil.example/", "/\\evil.example", "kotak-masuk"] {
            assert_eq!(safe_return(Some(outside)), "/kotak-masuk", "{outside}");
        }
        assert_eq!(safe_return(None), "/kotak-masuk");
    }
}
