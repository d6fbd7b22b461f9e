//! `POST /import/{user_id}` (an export file as the request body) and
//! `GET /export/{user_id}/{kind}` (tally CSV).

use std::io::Write;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use futures_util::StreamExt;
use tally_importers::{CsvKind, Format};
use tally_store::{PostQuery, StoreError};

use super::analytics::path_name;
use super::auth::Caller;
use super::load::{blocking, require_user};
use super::openapi::{
    AnalyticsErrors, AnalyticsQuery, ExportFile, ImportErrors, ImportMethodNotAllowed, ImportQuery,
    MethodNotAllowed, ServerErrors, UserPath,
};
use super::params::AnalyticsParams;
use super::{ApiError, AppState};
use crate::import::{ExportFailure, ImportFailure, ImportReport, export_csv, import_file};

/// The longest upload name kept, in characters.
const MAX_FILENAME_CHARS: usize = 200;

/// The largest upload accepted when the server is not told otherwise: 1 GiB.
pub const DEFAULT_UPLOAD_LIMIT_BYTES: u64 = 1 << 30;

struct ImportParams {
    format: Option<Format>,
    filename: String,
}

fn import_params(query: &str) -> Result<ImportParams, ApiError> {
    let mut params = ImportParams {
        format: None,
        filename: "upload".to_owned(),
    };
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "format" => {
                params.format = Some(value.parse().map_err(
                    |error: tally_domain::ParseNameError| {
                        ApiError::bad_request("invalid_parameter", format!("format: {error}"))
                    },
                )?);
            }
            "filename" => {
                // Only the last path segment, and only to name the input in messages and
                // help tell its format: uploads are never written under this name.
                let name = value.rsplit(['/', '\\']).next().unwrap_or_default().trim();
                if !name.is_empty() {
                    // Keep the end, where the extension that tells the format is.
                    let chars: Vec<char> = name.chars().collect();
                    let keep = chars.len().saturating_sub(MAX_FILENAME_CHARS);
                    params.filename = chars[keep..].iter().collect();
                }
            }
            other => {
                return Err(ApiError::bad_request(
                    "unknown_parameter",
                    format!(
                        "unknown query parameter '{}'; valid parameters: format, filename",
                        tally_domain::excerpt(other)
                    ),
                ));
            }
        }
    }
    Ok(params)
}

/// A new temporary file in the upload folder, which is created owner-only when missing.
/// Its name is random: nothing of the request's `filename` reaches the file system.
fn upload_file(folder: &std::path::Path) -> std::io::Result<tempfile::NamedTempFile> {
    if !folder.is_dir() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(folder)?;
    }
    tempfile::Builder::new()
        .prefix("import-")
        .suffix(".upload")
        .tempfile_in(folder)
}

fn too_large(limit: u64) -> ApiError {
    ApiError::payload_too_large(format!(
        "the upload is larger than the limit of {limit} bytes"
    ))
}

/// `POST /import/{user_id}?format=...&filename=...`: imports the request body, an export
/// file, for the user. All or nothing: a malformed or truncated file stores nothing and
/// gets a 400 that says where it is wrong.
#[utoipa::path(
    post,
    path = "/api/v1/analytics/import/{user_id}",
    tag = "transfer",
    params(UserPath, ImportQuery),
    request_body(
        description = "The export file as downloaded from its platform, or a tally CSV file, \
            as the raw body (up to 1 GiB). Archives (`.zip`, `.tar.gz`) are read whole.",
        content = inline(ExportFile),
        content_type = "application/octet-stream",
    ),
    responses(
        (
            status = 200,
            description = "The file was imported, all of it, in one transaction: what was read \
                and what storing it changed. Importing the same file again duplicates no post.",
            body = ImportReport
        ),
        ImportErrors,
        ServerErrors,
        ImportMethodNotAllowed,
    )
)]
pub async fn post_import(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
    request: HttpRequest,
    mut body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let user = caller.user(&path)?;
    let params = import_params(request.query_string())?;
    state.rate_limit.check(&caller)?;
    let limit = state.upload_limit_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large(limit));
    }
    blocking(&state, move |accounts, _| {
        require_user(accounts, user).map(drop)
    })
    .await?;

    // The body goes to a temporary file, since archives need random access; it is removed
    // when `upload` is dropped, whatever happens.
    let mut upload = upload_file(&state.upload_dir).map_err(|error| ApiError::internal(&error))?;
    let mut received = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk =
            chunk.map_err(|error| ApiError::bad_request("invalid_body", error.to_string()))?;
        received += chunk.len() as u64;
        if received > limit {
            return Err(too_large(limit));
        }
        upload
            .write_all(&chunk)
            .map_err(|error| ApiError::internal(&error))?;
    }
    if received == 0 {
        return Err(ApiError::bad_request(
            "invalid_body",
            "the request body is empty; send the export file as the body",
        ));
    }
    upload.flush().map_err(|error| ApiError::internal(&error))?;

    let store = state.imports.clone();
    let report = web::block(move || {
        let result = import_file(
            &*store,
            user,
            upload.path(),
            &params.filename,
            params.format,
            &|_| {},
        );
        drop(upload);
        result
    })
    .await?;
    match report {
        Ok(report) => Ok(HttpResponse::Ok().json(report)),
        Err(ImportFailure::File(error)) => {
            Err(ApiError::bad_request("invalid_file", error.to_string()))
        }
        // Values the file holds that cannot be stored are the file's fault, not tally's.
        Err(ImportFailure::Store(
            error @ (StoreError::OutOfRange(_)
            | StoreError::UnknownPost { .. }
            | StoreError::UnknownAccount(_)),
        )) => Err(ApiError::bad_request("invalid_file", error.to_string())),
        Err(ImportFailure::Store(error)) => Err(error.into()),
    }
}

/// `GET /export/{user_id}/{kind}`: the user's posts (with every observation of their
/// counters), counter observations, or daily account figures, as tally CSV; the common
/// period and platform parameters select what is exported.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/export/{user_id}/{kind}",
    tag = "transfer",
    params(
        UserPath,
        ("kind" = CsvKind, Path, description = "The rows to export; case-insensitive."),
        AnalyticsQuery,
    ),
    responses(
        (
            status = 200,
            description = "The rows as tally CSV, which `POST /import/{user_id}` reads back.",
            body = String,
            content_type = "text/csv",
            headers((
                "Content-Disposition" = String,
                description = "`attachment`, with a file name such as \
                    `tally-user-1-posts.csv`."
            ))
        ),
        AnalyticsErrors,
        MethodNotAllowed,
    )
)]
pub async fn get_export(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let user = caller.user(&path.0)?;
    let kind: CsvKind = path_name(&path.1)?;
    let params = AnalyticsParams::parse(request.query_string(), Utc::now())?;
    let body = blocking(&state, move |accounts, analytics| {
        require_user(accounts, user)?;
        let window = params.period.utc_window();
        let query = PostQuery {
            user,
            from: window.from,
            until: window.until,
            platforms: params.platforms.clone(),
        };
        export_csv(
            accounts,
            analytics,
            &query,
            kind,
            params.period.range,
            Vec::new(),
        )
        .map_err(|error| match error {
            ExportFailure::Store(error) => ApiError::from(error),
            ExportFailure::Write(error) => ApiError::internal(&error),
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"tally-user-{user}-{kind}.csv\""),
        ))
        .body(body))
}
