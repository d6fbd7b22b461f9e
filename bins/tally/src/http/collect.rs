//! `POST /collect/{user_id}` and `GET /jobs/{job_id}`.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use tally_domain::{Job, JobId};

use super::auth::Caller;
use super::load::{blocking, require_user};
use super::openapi::{
    CollectErrors, CollectMethodNotAllowed, CollectQuery, MethodNotAllowed, ServerErrors, UserPath,
};
use super::{ApiError, AppState};
use crate::collect::MAX_DAYS_BACK;

/// How many days back a collection reads when the query names no `days_back`.
pub(super) const DEFAULT_DAYS_BACK: u32 = 7;

/// How long a foreground collection waits for a job that a background worker took.
const FOREGROUND_WAIT: Duration = Duration::from_secs(15 * 60);
const FOREGROUND_POLL: Duration = Duration::from_millis(200);

struct CollectParams {
    days_back: u32,
    background: bool,
}

fn collect_params(query: &str) -> Result<CollectParams, ApiError> {
    let mut params = CollectParams {
        days_back: DEFAULT_DAYS_BACK,
        background: true,
    };
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "days_back" => {
                params.days_back = match value.trim().parse::<u32>() {
                    Ok(days) if (1..=MAX_DAYS_BACK).contains(&days) => days,
                    _ => {
                        return Err(ApiError::bad_request(
                            "invalid_parameter",
                            format!(
                                "'days_back' must be a whole number from 1 to {MAX_DAYS_BACK}, not '{value}'"
                            ),
                        ));
                    }
                }
            }
            "background" => {
                params.background = match value.trim() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    other => {
                        return Err(ApiError::bad_request(
                            "invalid_parameter",
                            format!("'background' must be true or false, not '{other}'"),
                        ));
                    }
                }
            }
            other => {
                return Err(ApiError::bad_request(
                    "unknown_parameter",
                    format!(
                        "unknown query parameter '{other}'; valid parameters: days_back, background"
                    ),
                ));
            }
        }
    }
    Ok(params)
}

fn job_location(job: &Job) -> String {
    format!("/api/v1/analytics/jobs/{}", job.id)
}

fn accepted(job: &Job) -> HttpResponse {
    HttpResponse::Accepted()
        .insert_header((header::LOCATION, job_location(job)))
        .json(job)
}

/// `POST /collect/{user_id}?days_back=7&background=true`: collects every connected account
/// of the user. In the background it answers 202 at once with the job and its `Location`;
/// in the foreground it answers 200 with the finished job. While a job of the user is
/// queued or running, that job is returned (202) instead of a new one.
#[utoipa::path(
    post,
    path = "/api/v1/analytics/collect/{user_id}",
    tag = "collection",
    params(UserPath, CollectQuery),
    responses(
        (
            status = 200,
            description = "In the foreground: the finished job, with one outcome per account.",
            body = Job
        ),
        (
            status = 202,
            description = "In the background, the new job, queued; or, while a job of the user \
                is already queued or running, that job instead of a new one. Poll its \
                `Location` until its state is `succeeded`, `partial` or `failed`.",
            body = Job,
            headers(("Location" = String, description = "The job's URL."))
        ),
        CollectErrors,
        ServerErrors,
        CollectMethodNotAllowed,
    )
)]
pub async fn post_collect(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let user = caller.user(&path)?;
    let params = collect_params(request.query_string())?;
    state.rate_limit.check(&caller)?;
    let jobs = state.jobs.clone();
    let days_back = params.days_back;
    let (job, created) = blocking(&state, move |accounts, _| {
        require_user(accounts, user)?;
        Ok(jobs.enqueue_collection(user, days_back, Utc::now())?)
    })
    .await?;

    if params.background || !created {
        if let Some(workers) = &state.workers {
            workers.wake();
        }
        return Ok(accepted(&job));
    }

    let finished = match state.collector.run_job(job.id, &|_, _, _| {}).await {
        Ok(Some(finished)) => finished,
        Ok(None) => wait_for(&state, job.id).await?,
        Err(error) => return Err(ApiError::internal(&error)),
    };
    if finished.state.is_active() {
        // A worker still runs it after the wait: say where to follow it instead.
        return Ok(accepted(&finished));
    }
    Ok(HttpResponse::Ok().json(finished))
}

/// Waits for a job that a background worker is running.
async fn wait_for(state: &AppState, id: JobId) -> Result<Job, ApiError> {
    let started = std::time::Instant::now();
    loop {
        let jobs = state.jobs.clone();
        let job = web::block(move || jobs.job(id))
            .await??
            .ok_or_else(|| ApiError::not_found(format!("job {id} does not exist")))?;
        if !job.state.is_active() || started.elapsed() > FOREGROUND_WAIT {
            return Ok(job);
        }
        tokio::time::sleep(FOREGROUND_POLL).await;
    }
}

/// `GET /jobs/{job_id}`: a collection job's state, counts and per-account outcomes.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/jobs/{job_id}",
    tag = "collection",
    params(("job_id" = i64, Path, description = "tally's id of the job.", minimum = 1)),
    responses(
        (
            status = 200,
            description = "The job, with its outcomes once it has finished.",
            body = Job
        ),
        CollectErrors,
        ServerErrors,
        MethodNotAllowed,
    )
)]
pub async fn get_job(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = match path.parse::<i64>() {
        Ok(id) if id >= 1 => JobId(id),
        _ => {
            return Err(ApiError::bad_request(
                "invalid_path",
                format!("a job id is a whole number of 1 or more, not '{path}'"),
            ));
        }
    };
    let jobs = state.jobs.clone();
    let job = web::block(move || jobs.job(id))
        .await??
        .filter(|job| caller.scope.reaches(job.user_id))
        .ok_or_else(|| ApiError::not_found(format!("job {id} does not exist")))?;
    Ok(HttpResponse::Ok().json(job))
}
