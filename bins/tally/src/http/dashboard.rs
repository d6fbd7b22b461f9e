//! The dashboard page: an HTML shell at `/` and `/users/{user_id}`, and its stylesheet,
//! scripts and icon under `/assets/`, all compiled into the binary.
//!
//! The shell holds no data and needs no token: its script reads the token from the URL
//! fragment or the session, then asks the API for the figures and charts. Every answer
//! carries a strict Content-Security-Policy (only this origin, no inline scripts or styles),
//! so the page loads nothing from anywhere else and works on a machine without internet.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use super::ApiError;
use super::analytics::user_id;

/// The policy every page and asset is served with: this origin only, nothing inline, no
/// framing, and forms and `<base>` kept to this origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// How long a browser may reuse the shell and the assets before asking again; they change
/// only with the binary, and each answer carries an `ETag` so asking again is cheap.
const CACHE_CONTROL: &str = "public, max-age=300, must-revalidate";

/// A file compiled into the binary.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

/// The HTML shell, served for every page path.
const SHELL: Asset = Asset {
    name: "index.html",
    content_type: "text/html; charset=utf-8",
    body: include_str!("../../assets/index.html"),
};

/// The files under `/assets/`.
const ASSETS: &[Asset] = &[
    Asset {
        name: "dashboard.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../assets/dashboard.css"),
    },
    Asset {
        name: "dashboard.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/dashboard.js"),
    },
    Asset {
        name: "api.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/api.js"),
    },
    Asset {
        name: "controls.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/controls.js"),
    },
    Asset {
        name: "render.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/render.js"),
    },
    Asset {
        name: "format.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/format.js"),
    },
    Asset {
        name: "icon.svg",
        content_type: "image/svg+xml",
        body: include_str!("../../assets/icon.svg"),
    },
];

/// `GET /`: the dashboard shell; which user it shows comes from the token.
pub async fn get_home(request: HttpRequest) -> HttpResponse {
    serve(&request, &SHELL)
}

/// `GET /users/{user_id}`: the dashboard shell for one user (the user an admin token shows).
pub async fn get_user_page(
    path: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    user_id(&path)?;
    Ok(serve(&request, &SHELL))
}

/// `GET /assets/{name}`: a stylesheet, script or image of the dashboard; 404 for any other
/// name.
pub async fn get_asset(
    path: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    let asset = ASSETS
        .iter()
        .find(|asset| asset.name == name)
        .ok_or_else(|| {
            ApiError::not_found(format!("no asset named '{}'", tally_domain::excerpt(&name)))
        })?;
    Ok(serve(&request, asset))
}

/// Answers with `asset`, or 304 when the request already holds this version.
fn serve(request: &HttpRequest, asset: &Asset) -> HttpResponse {
    let etag = entity_tag(asset);
    let fresh = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });

    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"));
    if fresh {
        return response.finish();
    }
    response.content_type(asset.content_type).body(asset.body)
}

/// A strong entity tag of the asset's content: the binary's version and a hash of the bytes,
/// so a rebuilt binary with changed assets never matches an old tag.
fn entity_tag(asset: &Asset) -> String {
    // FNV-1a: stable across builds and platforms, unlike the standard library's hasher.
    let hash = asset
        .body
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("\"{}-{hash:016x}\"", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_the_shell_names_is_served() {
        for asset in ASSETS {
            if asset.name.ends_with(".css") || asset.name == "dashboard.js" {
                let reference = format!("/assets/{}", asset.name);
                assert!(SHELL.body.contains(&reference), "{reference}");
            }
        }
    }

    #[test]
    fn entity_tags_differ_between_assets() {
        let tags: std::collections::BTreeSet<String> = ASSETS.iter().map(entity_tag).collect();
        assert_eq!(tags.len(), ASSETS.len());
    }
}
