//! Checks of the URL options, so a bad one is a usage error before any
//! connection (the client that uses them comes with the reconnection issue).

/// `-H 'Name: value'`: a token, a colon, a value without CR or LF.
pub fn header(text: &str) -> Result<String, String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("{text:?} is not `Name: value`"))?;
    if !is_token(name) {
        return Err(format!("{name:?} is not a header name"));
    }
    if value.contains(['\r', '\n', '\0']) {
        return Err(format!("the value of {name} holds a line break or NUL"));
    }
    Ok(text.to_string())
}

/// `-X METHOD`: a token (GET, POST, ...).
pub fn method(text: &str) -> Result<String, String> {
    if is_token(text) {
        Ok(text.to_string())
    } else {
        Err(format!("{text:?} is not an HTTP method"))
    }
}

/// RFC 9110 `token`.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    #[test]
    fn headers_and_methods() {
        assert!(super::header("Authorization: Bearer x").is_ok());
        assert!(super::header("Accept:text/event-stream").is_ok());
        assert!(super::header("no colon").is_err());
        assert!(super::header("Bad Name: x").is_err());
        assert!(super::header("X: a\r\nY: b").is_err());
        assert!(super::method("POST").is_ok());
        assert!(super::method("GE T").is_err());
    }
}
