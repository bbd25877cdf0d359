//! *Pengguna & kunci API*: the office admin's accounts page — the office's officers (add with roles and an area,
//! change roles, disable or enable, reset a password) and its integrators' API keys (create with roles, write
//! permission and an area, list with last use, revoke). A password or key secret is shown once, on the page that
//! answers the form that made it.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use simpul_api::AppState;

use crate::client::{Code, Failure};
use crate::fields::Fields;
use crate::operations;
use crate::pages::login::RoleName;
use crate::render::{self, Section};
use crate::session::Officer;
use crate::words;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Accounts {
    tenant: Office,
    users: Vec<User>,
    api_keys: Vec<Key>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Office {
    time_zone: String,
    roles: Vec<RoleName>,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct Role {
    code: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    id: String,
    username: String,
    display_name: String,
    roles: Vec<Role>,
    area: Option<Named>,
    disabled: bool,
    shared_with_other_offices: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Key {
    id: String,
    name: String,
    prefix: String,
    scopes: Vec<String>,
    roles: Vec<Named>,
    area: Option<Named>,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    expires_on: Option<chrono::NaiveDate>,
}

/// What the page shows once: a temporary password or a key's secret.
struct Once {
    title: String,
    secret: String,
    hint: &'static str,
}

/// `GET /pengguna`.
pub async fn show(State(state): State<AppState>, officer: Officer) -> Response {
    page(&state, &officer, StatusCode::OK, None, None).await
}

async fn page(
    state: &AppState,
    officer: &Officer,
    status: StatusCode,
    posted: Option<(&Fields, &Failure)>,
    once: Option<Once>,
) -> Response {
    let answer: Accounts = match officer.api(state).run(operations::ACCOUNTS, json!({ "tenant": officer.tenant })).await
    {
        Ok(answer) => answer,
        Err(failure) => return render::failure(&failure, "Pengguna tidak ditemukan"),
    };
    let tz = words::zone(&answer.tenant.time_zone);
    let fields = posted.map(|(f, _)| f);
    let failure = posted.map(|(_, f)| f);
    let form = fields.and_then(|f| f.get("form"));
    let problem =
        |name: &str, path: &str| failure.filter(|_| form == Some(name)).and_then(|f| f.field(path)).map(str::to_string);
    let chosen =
        |name: &str, role: &str| form == Some(name) && fields.is_some_and(|f| f.all("roles").any(|r| r == role));
    let office_roles = |form_name: &str| {
        answer
            .tenant
            .roles
            .iter()
            .map(|r| json!({ "code": r.code, "name": r.name, "checked": chosen(form_name, &r.code) }))
            .collect::<Vec<_>>()
    };
    let users: Vec<Value> = answer
        .users
        .iter()
        .map(|u| {
            json!({
                "id": u.id, "username": u.username, "name": u.display_name,
                "roles": u.roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", "),
                "roleChoices": answer.tenant.roles.iter().map(|r| json!({
                    "code": r.code, "name": r.name, "checked": u.roles.iter().any(|held| held.code == r.code),
                })).collect::<Vec<_>>(),
                "area": u.area.as_ref().map(|a| &a.name),
                "disabled": u.disabled,
                "shared": u.shared_with_other_offices,
            })
        })
        .collect();
    let keys: Vec<Value> = answer
        .api_keys
        .iter()
        .map(|k| {
            json!({
                "id": k.id, "name": k.name, "prefix": k.prefix,
                "write": k.scopes.iter().any(|s| s == "WRITE"),
                "roles": k.roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", "),
                "area": k.area.as_ref().map(|a| &a.name),
                "created": words::date(k.created_at, tz),
                "lastUsed": k.last_used_at.map(|at| words::time(at, tz)),
                "revoked": k.revoked_at.map(|at| words::date(at, tz)),
                "expires": k.expires_on.map(simpul_letters::helpers::tanggal),
                "expired": k.expires_on.is_some_and(|last| last < chrono::Utc::now().with_timezone(&tz).date_naive()),
            })
        })
        .collect();
    let value = |name: &str, field: &str| fields.filter(|_| form == Some(name)).and_then(|f| f.get(field));
    let data = json!({
        "csrf": officer.csrf,
        "users": users,
        "keys": keys,
        "once": once.map(|o| json!({ "title": o.title, "secret": o.secret, "hint": o.hint })),
        "problem": failure.filter(|f| f.fields.is_empty()).map(|f| f.message.clone()),
        "newUser": {
            "username": value("pengguna", "username"), "name": value("pengguna", "displayName"),
            "area": value("pengguna", "area"), "roles": office_roles("pengguna"),
            "usernameProblem": problem("pengguna", "username"), "passwordProblem": problem("pengguna", "password"),
            "rolesProblem": problem("pengguna", "roles"), "areaProblem": problem("pengguna", "area"),
            "nameProblem": problem("pengguna", "displayName"),
        },
        "newKey": {
            "name": value("kunci", "name"), "area": value("kunci", "area"), "roles": office_roles("kunci"),
            "expiresOn": value("kunci", "expiresOn"), "expiresProblem": problem("kunci", "expiresOn"),
            "write": value("kunci", "write").is_some(),
            "nameProblem": problem("kunci", "name"), "rolesProblem": problem("kunci", "roles"),
            "areaProblem": problem("kunci", "area"),
        },
    });
    render::page(status, "Pengguna & kunci API", Section::Accounts, Some(officer), "accounts", &data)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reset {
    reset_password: ResetAnswer,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResetAnswer {
    user: ResetUser,
    temporary_password: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResetUser {
    display_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewKey {
    create_api_key: NewKeyAnswer,
}

#[derive(Deserialize)]
struct NewKeyAnswer {
    key: Named,
    secret: String,
}

/// `POST /pengguna`: one form of the page (`form`: pengguna, peran, nonaktif, aktif, sandi, kunci, cabut).
pub async fn change(State(state): State<AppState>, officer: Officer, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    if !officer.csrf_ok(fields.get("csrf").unwrap_or_default()) {
        return render::message(StatusCode::FORBIDDEN, "Formulir tidak sah", "Muat ulang halaman, lalu coba lagi.");
    }
    let api = officer.api(&state);
    let tenant = officer.tenant.as_str();
    let id = fields.get("id").unwrap_or_default();
    let blank = |name: &str| fields.get(name).map(str::trim).filter(|v| !v.is_empty());
    let roles: Vec<&str> = fields.all("roles").collect();
    let done: Result<(String, Option<Once>), Failure> = match fields.get("form").unwrap_or_default() {
        "pengguna" => {
            let input = json!({
                "username": fields.get("username").unwrap_or_default(), "displayName": fields.get("displayName").unwrap_or_default(),
                "password": fields.get("password").unwrap_or_default(), "roles": roles, "area": blank("area"),
            });
            api.run::<Value>(operations::CREATE_USER, json!({ "tenant": tenant, "input": input })).await.map(|a| {
                (format!("Pengguna {} ditambahkan.", a["createUser"]["displayName"].as_str().unwrap_or_default()), None)
            })
        }
        "peran" => api
            .run::<Value>(operations::SET_USER_ROLES, json!({ "tenant": tenant, "id": id, "roles": roles }))
            .await
            .map(|a| {
                (format!("Peran {} diubah.", a["setUserRoles"]["displayName"].as_str().unwrap_or_default()), None)
            }),
        "nonaktif" => {
            api.run::<Value>(operations::DISABLE_USER, json!({ "tenant": tenant, "id": id })).await.map(|a| {
                (format!("Akun {} dinonaktifkan.", a["disableUser"]["displayName"].as_str().unwrap_or_default()), None)
            })
        }
        "aktif" => api.run::<Value>(operations::ENABLE_USER, json!({ "tenant": tenant, "id": id })).await.map(|a| {
            (format!("Akun {} diaktifkan kembali.", a["enableUser"]["displayName"].as_str().unwrap_or_default()), None)
        }),
        "sandi" => api.run::<Reset>(operations::RESET_PASSWORD, json!({ "tenant": tenant, "id": id })).await.map(|a| {
            let once = Once {
                title: format!("Kata sandi sementara {}", a.reset_password.user.display_name),
                secret: a.reset_password.temporary_password,
                hint: "Serahkan kepada petugas itu sendiri; kata sandi ini tidak ditampilkan lagi.",
            };
            (String::from("Kata sandi diatur ulang; sesi lama petugas itu berakhir."), Some(once))
        }),
        "kunci" => {
            let scopes: Vec<&str> = if fields.get("write").is_some() { vec!["READ", "WRITE"] } else { vec!["READ"] };
            let input = json!({
                "name": fields.get("name").unwrap_or_default(), "scopes": scopes, "roles": roles, "area": blank("area"),
                "expiresOn": blank("expiresOn"),
            });
            api.run::<NewKey>(operations::CREATE_API_KEY, json!({ "tenant": tenant, "input": input })).await.map(|a| {
                let once = Once {
                    title: format!("Kunci API {}", a.create_api_key.key.name),
                    secret: a.create_api_key.secret,
                    hint: "Salin ke sistem yang memakainya (Authorization: Bearer …); kunci ini tidak ditampilkan lagi.",
                };
                (String::from("Kunci API dibuat."), Some(once))
            })
        }
        "cabut" => api
            .run::<Value>(operations::REVOKE_API_KEY, json!({ "tenant": tenant, "id": id }))
            .await
            .map(|a| (format!("Kunci {} dicabut.", a["revokeApiKey"]["name"].as_str().unwrap_or_default()), None)),
        _ => {
            return render::message(
                StatusCode::BAD_REQUEST,
                "Formulir tidak dikenal",
                "Muat ulang halaman, lalu coba lagi.",
            );
        }
    };
    match done {
        // A secret is shown on this answer alone, never carried in a cookie or a redirect.
        Ok((flash, Some(once))) => {
            let mut shown = officer;
            shown.flash = Some(flash);
            page(&state, &shown, StatusCode::OK, None, Some(once)).await
        }
        Ok((flash, None)) => crate::pages::with_flash(&state, Redirect::to("/pengguna").into_response(), &flash),
        Err(failure) if matches!(failure.code, Code::Validation | Code::Refused | Code::Forbidden | Code::NotFound) => {
            page(&state, &officer, StatusCode::UNPROCESSABLE_ENTITY, Some((&fields, &failure)), None).await
        }
        Err(failure) => render::failure(&failure, "Pengguna tidak ditemukan"),
    }
}
