//! The suite on disk: cases and what each expects.

use serde_json::{Map, Value};
use std::fs;
use std::path::{Path, PathBuf};

pub struct Case {
    /// `folder/name`, with `/` whatever the platform.
    pub name: String,
    pub folder: String,
    pub sse: PathBuf,
    pub json: PathBuf,
}

/// Every `NAME.json` with a `NAME.sse` beside it, under `root`, sorted by name.
/// Hidden folders and `tools/` are skipped.
pub fn discover(root: &Path) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
                .path();
            let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !file_name.starts_with('.') && file_name != "tools" {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|ext| ext == "json") {
                let sse = path.with_extension("sse");
                if sse.is_file() {
                    cases.push(case_at(root, path, sse));
                }
            }
        }
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(cases)
}

pub fn case_at(root: &Path, json: PathBuf, sse: PathBuf) -> Case {
    let relative = json.strip_prefix(root).unwrap_or(&json).with_extension("");
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let folder = if parts.len() > 1 {
        parts[0].clone()
    } else {
        ".".to_string()
    };
    Case {
        name: parts.join("/"),
        folder,
        sse,
        json,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub event_type: String,
    pub data: String,
    pub id: String,
}

/// What a `NAME.json` says the stream means.
pub struct Expected {
    pub events: Vec<Event>,
    pub retries: Vec<u64>,
    pub last_event_id: String,
    pub end: String,
    pub comments: Option<Vec<String>>,
}

pub fn load_expected(path: &Path) -> Result<Expected, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let object = value.as_object().ok_or("not a JSON object")?;
    let events = array(object, "events")?
        .iter()
        .map(|item| {
            item.as_object()
                .ok_or("an event is not an object".to_string())
                .and_then(event_from)
        })
        .collect::<Result<_, _>>()?;
    let retries = array(object, "retries")?
        .iter()
        .map(|item| item.as_u64().ok_or(format!("retry {item} is not a u64")))
        .collect::<Result<_, _>>()?;
    let comments = match object.get("comments") {
        None => None,
        Some(_) => Some(
            array(object, "comments")?
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_owned)
                        .ok_or(format!("comment {item} is not a string"))
                })
                .collect::<Result<_, _>>()?,
        ),
    };
    Ok(Expected {
        events,
        retries,
        last_event_id: string(object, "last_event_id")?,
        end: string(object, "end")?,
        comments,
    })
}

pub fn array<'a>(object: &'a Map<String, Value>, key: &str) -> Result<&'a Vec<Value>, String> {
    object
        .get(key)
        .and_then(Value::as_array)
        .ok_or(format!("\"{key}\" is missing or not an array"))
}

pub fn string(object: &Map<String, Value>, key: &str) -> Result<String, String> {
    object
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or(format!("\"{key}\" is missing or not a string"))
}

pub fn event_from(object: &Map<String, Value>) -> Result<Event, String> {
    Ok(Event {
        event_type: string(object, "type")?,
        data: string(object, "data")?,
        id: string(object, "id")?,
    })
}
