//! The browser libraries the htmx and Datastar examples serve, from the npm
//! packages pinned in `web/package.json` (installed by `npm ci` in `web/`;
//! `.ci/run` does it). Served from disk, so the pages work offline.

use std::path::PathBuf;

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// The files served under `/js/`: name, path inside `web/node_modules/`.
pub const FILES: [(&str, &str); 3] = [
    ("htmx.min.js", "htmx.org/dist/htmx.min.js"),
    ("sse.js", "htmx-ext-sse/dist/sse.js"),
    ("datastar.js", "@starfederation/datastar/dist/datastar.js"),
];

/// `web/node_modules/`.
pub fn node_modules() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web/node_modules")
}

/// Whether every file of [`FILES`] is installed.
pub fn installed() -> bool {
    FILES
        .iter()
        .all(|(_, path)| node_modules().join(path).is_file())
}

/// The axum handler of `/js/{file}`.
pub async fn js(Path(file): Path<String>) -> Response {
    let Some((_, path)) = FILES.iter().find(|(name, _)| *name == file) else {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    };
    match tokio::fs::read(node_modules().join(path)).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, "text/javascript")], bytes).into_response(),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{path}: {error} (run `npm ci` in http-tests/web)"),
        )
            .into_response(),
    }
}
