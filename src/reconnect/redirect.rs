//! Following a redirect the HTTP client handed on (hyper and other clients
//! that follow none): where its `Location` leads, resolved against the URL
//! the response came from.

use alloc::format;
use alloc::string::String;

use super::Head;
use crate::adapters::trim_ows;

/// At most this many redirects in a row between two openings, as Fetch
/// (and Chromium) allow.
pub(super) const MAX_REDIRECTS: u32 = 20;

/// The target of a redirect response (301, 302, 303, 307, 308 with a
/// `Location`), resolved against `base`; `None` for any other response, or
/// when a relative `Location` has no base to resolve against.
pub(super) fn target(head: &Head, base: Option<&str>) -> Option<String> {
    if !matches!(head.status(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = core::str::from_utf8(trim_ows(head.header("location")?)).ok()?;
    // The fragment is the page's, not the request's.
    let location = location.split('#').next().unwrap_or_default();
    resolve(base, location)
}

/// How the redirects followed so far change the request's method, as Fetch's
/// HTTP-redirect fetch does (step 12): after a 301 or 302 a `POST` goes on
/// as a `GET`, after a 303 any method but `GET` and `HEAD` does, each
/// without its body. A request once turned into a `GET` stays one, so the
/// changes of a chain of redirects combine by taking the stronger.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum MethodChange {
    /// The caller's method (no redirect, or only 307 and 308).
    #[default]
    Kept,
    /// A 301 or 302 was followed: a `POST` is now a `GET`.
    PostToGet,
    /// A 303 was followed: everything but a `HEAD` is now a `GET`.
    ToGet,
}

impl MethodChange {
    /// The change after also following a redirect with this status.
    pub(super) fn then(self, status: u16) -> Self {
        let this = match status {
            301 | 302 => Self::PostToGet,
            303 => Self::ToGet,
            _ => Self::Kept,
        };
        self.max(this)
    }

    /// The method to send for a request made with `requested`.
    pub(super) fn method(self, requested: &str) -> &str {
        let to_get = match self {
            Self::Kept => false,
            Self::PostToGet => requested.eq_ignore_ascii_case("POST"),
            Self::ToGet => {
                !requested.eq_ignore_ascii_case("GET") && !requested.eq_ignore_ascii_case("HEAD")
            }
        };
        if to_get {
            "GET"
        } else {
            requested
        }
    }
}

/// RFC 3986 reference resolution for the forms servers send: an absolute
/// URL, `//authority/path`, `/path`, `?query` and a relative path (dot
/// segments are left to the server).
fn resolve(base: Option<&str>, location: &str) -> Option<String> {
    if location.is_empty() {
        return None;
    }
    if has_scheme(location) {
        return Some(location.into());
    }
    let base = base?;
    let scheme_end = base.find("://")?;
    let scheme = base.get(..scheme_end)?;
    let after_scheme = base.get(scheme_end.checked_add(3)?..)?;
    let authority_len = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let origin = base.get(..scheme_end.checked_add(3)?.checked_add(authority_len)?)?;
    let base = base.split('#').next().unwrap_or_default();
    Some(if location.starts_with("//") {
        format!("{scheme}:{location}")
    } else if location.starts_with('/') {
        format!("{origin}{location}")
    } else if location.starts_with('?') {
        let path = base.split('?').next().unwrap_or_default();
        format!("{path}{location}")
    } else {
        let path = base.split('?').next().unwrap_or_default();
        let directory = match path.get(origin.len()..).and_then(|p| p.rfind('/')) {
            Some(at) => path.get(..origin.len().checked_add(at)?.checked_add(1)?)?,
            None => return Some(format!("{origin}/{location}")),
        };
        format!("{directory}{location}")
    })
}

/// `scheme:` at the start (RFC 3986: a letter, then letters, digits, `+`,
/// `-`, `.`).
fn has_scheme(reference: &str) -> bool {
    let Some(colon) = reference.find(':') else {
        return false;
    };
    let scheme = reference.get(..colon).unwrap_or_default();
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::{resolve, target, Head, MethodChange};

    #[test]
    fn redirects_change_the_method_as_fetch_does() {
        let after = |statuses: &[u16], method: &'static str| -> &'static str {
            let change = statuses
                .iter()
                .fold(MethodChange::Kept, |change, &status| change.then(status));
            change.method(method)
        };
        for method in ["GET", "POST", "PUT", "HEAD"] {
            assert_eq!(after(&[], method), method);
            assert_eq!(after(&[307, 308], method), method);
        }
        assert_eq!(after(&[301], "POST"), "GET");
        assert_eq!(after(&[302], "post"), "GET");
        assert_eq!(after(&[301], "PUT"), "PUT");
        assert_eq!(after(&[303], "PUT"), "GET");
        assert_eq!(after(&[303], "DELETE"), "GET");
        assert_eq!(after(&[303], "HEAD"), "HEAD");
        assert_eq!(after(&[303], "GET"), "GET");
        // A chain: a GET stays a GET, whatever follows.
        assert_eq!(after(&[302, 307], "POST"), "GET");
        assert_eq!(after(&[301, 303], "PUT"), "GET");
        assert_eq!(after(&[303, 301], "PUT"), "GET");
        assert_eq!(after(&[308, 301], "PUT"), "PUT");
    }

    #[test]
    fn references_resolve_against_the_base() {
        let base = Some("http://127.0.0.1:8080/a/b/events?x=1");
        for (location, resolved) in [
            ("https://example.com/s", "https://example.com/s"),
            ("//other:1/s", "http://other:1/s"),
            ("/moved", "http://127.0.0.1:8080/moved"),
            ("?y=2", "http://127.0.0.1:8080/a/b/events?y=2"),
            ("next", "http://127.0.0.1:8080/a/b/next"),
        ] {
            assert_eq!(
                resolve(base, location).as_deref(),
                Some(resolved),
                "{location}"
            );
        }
        assert_eq!(
            resolve(Some("http://h"), "x").as_deref(),
            Some("http://h/x")
        );
        assert_eq!(resolve(None, "/moved"), None);
        assert_eq!(resolve(None, "http://h/s").as_deref(), Some("http://h/s"));
        assert_eq!(resolve(base, ""), None);
    }

    #[test]
    fn only_redirect_statuses_with_a_location_lead_anywhere() {
        let moved = |status| Head::new(status).with_header("Location", " /moved#top ");
        let base = Some("http://h/events");
        for status in [301, 302, 303, 307, 308] {
            assert_eq!(
                target(&moved(status), base).as_deref(),
                Some("http://h/moved")
            );
        }
        for status in [200, 300, 304, 305, 404] {
            assert_eq!(target(&moved(status), base), None);
        }
        assert_eq!(target(&Head::new(307), base), None);
    }
}
