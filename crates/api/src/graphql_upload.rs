//! Reading an upload: the GraphQL multipart request specification
//! (<https://github.com/jaydenseric/graphql-multipart-request-spec>), with limits async-graphql's own reader does
//! not keep — `operations` capped like a JSON body, `map` at [`MAP_LIMIT`], one file of at most
//! [`UPLOAD_LIMIT`], the whole body at their sum — and the file spooled to a temporary file through tokio, so that
//! writing it never blocks an async worker.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::StatusCode;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

use crate::error::ApiError;
use crate::{BODY_LIMIT, REGISTRY_UPLOAD_LIMIT, UPLOAD_LIMIT};

/// Largest `map` part: one file needs a few dozen bytes of map.
const MAP_LIMIT: u64 = 16 * 1024;

/// What an upload carried.
pub struct Upload {
    /// The `operations` part: the GraphQL request as JSON.
    pub operations: Value,
    /// The file and the variable it is bound to (`variables.file`), if there was one.
    pub file: Option<(String, async_graphql::UploadValue)>,
}

/// Why an upload was refused: the HTTP status and the error.
pub type Refused = (StatusCode, ApiError);

fn bad(message: &str) -> Refused {
    (StatusCode::BAD_REQUEST, ApiError::BadRequest(message.to_string()))
}

fn too_large(file_limit: usize) -> Refused {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        ApiError::BadRequest(format!(
            "Unggahan terlalu besar: berkas paling besar {} MB, bagian lain {} MB",
            file_limit / (1024 * 1024),
            BODY_LIMIT / (1024 * 1024)
        )),
    )
}

fn unreadable(error: &multer::Error) -> Refused {
    match error {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            too_large(REGISTRY_UPLOAD_LIMIT)
        }
        _ => bad("Unggahan multipart tidak terbaca"),
    }
}

/// The largest file `operations` may carry: a registry export for `importRegistry`, a scan otherwise. The
/// specification puts `operations` before the files, so the limit is known before a file byte is read; a
/// request that only names the mutation to get the larger limit is still refused by it, after at most that much
/// spooled to a temporary file.
fn file_limit(operations: Option<&[u8]>) -> usize {
    let names_import = |ops: &[u8]| ops.windows(b"importRegistry".len()).any(|w| w == b"importRegistry");
    if operations.is_some_and(names_import) { REGISTRY_UPLOAD_LIMIT } else { UPLOAD_LIMIT }
}

fn spool_failed(error: std::io::Error) -> Refused {
    (StatusCode::INTERNAL_SERVER_ERROR, ApiError::Internal(format!("spooling an upload: {error}")))
}

/// Reads a multipart body whose `Content-Type` is `content_type`.
pub async fn read(content_type: &str, body: Body) -> Result<Upload, Refused> {
    let boundary = multer::parse_boundary(content_type).map_err(|_| bad("Batas multipart tidak ada"))?;
    let limits = multer::SizeLimit::new()
        .whole_stream((BODY_LIMIT + REGISTRY_UPLOAD_LIMIT) as u64 + MAP_LIMIT)
        .per_field(REGISTRY_UPLOAD_LIMIT as u64)
        .for_field("operations", BODY_LIMIT as u64)
        .for_field("map", MAP_LIMIT);
    let constraints = multer::Constraints::new().size_limit(limits);
    let mut parts = multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let (mut operations, mut map, mut file) = (None, None, None);
    while let Some(mut field) = parts.next_field().await.map_err(|e| unreadable(&e))? {
        match field.name() {
            Some("operations") => operations = Some(field.bytes().await.map_err(|e| unreadable(&e))?),
            Some("map") => map = Some(field.bytes().await.map_err(|e| unreadable(&e))?),
            Some(name) => {
                if file.is_some() {
                    return Err(bad("Hanya satu berkas per permintaan"));
                }
                let name = name.to_string();
                let filename = field.file_name().unwrap_or("berkas").to_string();
                let content_type = field.content_type().map(ToString::to_string);
                let limit = file_limit(operations.as_deref());
                let mut spool = tokio::fs::File::from_std(tempfile::tempfile().map_err(spool_failed)?);
                let mut written = 0;
                while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e))? {
                    written += chunk.len();
                    if written > limit {
                        return Err(too_large(limit));
                    }
                    spool.write_all(&chunk).await.map_err(spool_failed)?;
                }
                let mut spool = spool.into_std().await;
                std::io::Seek::rewind(&mut spool).map_err(spool_failed)?;
                file = Some((name, async_graphql::UploadValue { filename, content_type, content: spool }));
            }
            None => {}
        }
    }
    let operations = operations.ok_or_else(|| bad("Bagian `operations` tidak ada"))?;
    let operations: Value =
        serde_json::from_slice(&operations).map_err(|_| bad("Bagian `operations` bukan JSON yang sah"))?;
    let map: HashMap<String, Vec<String>> = match map.map(|m| serde_json::from_slice(&m)) {
        Some(Ok(map)) => map,
        Some(Err(_)) => return Err(bad("Bagian `map` bukan JSON yang sah")),
        None => return Err(bad("Bagian `map` tidak ada")),
    };
    let file = match file {
        Some((name, upload)) => match map.get(&name).map(Vec::as_slice) {
            Some([path]) => Some((path.clone(), upload)),
            _ => return Err(bad("Berkas harus dipetakan ke tepat satu variabel")),
        },
        None => None,
    };
    Ok(Upload { operations, file })
}
