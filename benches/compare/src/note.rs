//! The verification note: what each run checked, kept between runs.
//!
//! A tab-separated file beside criterion's results (`verification.tsv`), read by the
//! report. Two kinds of line:
//!
//! ```text
//! group    <corpus>/<chunking>  <input bytes>  <expected events>
//! verdict  <corpus>/<chunking>  <runner>  <status>  <detail>
//! ```
//!
//! A run that verifies a group replaces that group's lines and keeps the others, so a
//! filtered run does not forget what an earlier full run found.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupInfo {
    pub bytes: u64,
    pub events: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub status: String,
    pub detail: String,
}

#[derive(Debug, Default)]
pub struct Note {
    pub groups: BTreeMap<String, GroupInfo>,
    /// Keyed by (group, runner).
    pub verdicts: BTreeMap<(String, String), Entry>,
}

impl Note {
    /// Reads the note; a missing or unreadable file gives an empty note.
    pub fn load(path: &Path) -> Note {
        let mut note = Note::default();
        let Ok(text) = fs::read_to_string(path) else {
            return note;
        };
        for line in text.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["group", group, bytes, events] => {
                    if let (Ok(bytes), Ok(events)) = (bytes.parse(), events.parse()) {
                        note.groups
                            .insert(group.to_string(), GroupInfo { bytes, events });
                    }
                }
                ["verdict", group, runner, status, detail] => {
                    let entry = Entry {
                        status: status.to_string(),
                        detail: detail.to_string(),
                    };
                    note.verdicts
                        .insert((group.to_string(), runner.to_string()), entry);
                }
                _ => {}
            }
        }
        note
    }

    /// Forgets a group's verdicts before it is verified again.
    pub fn start_group(&mut self, group: &str, info: GroupInfo) {
        self.groups.insert(group.to_string(), info);
        self.verdicts.retain(|(g, _), _| g != group);
    }

    pub fn record(&mut self, group: &str, runner: &str, status: &str, detail: &str) {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        let entry = Entry {
            status: clean(status),
            detail: clean(detail),
        };
        self.verdicts
            .insert((group.to_string(), runner.to_string()), entry);
    }

    pub fn save(&self, path: &Path) -> io::Result<()> {
        let mut text = String::new();
        for (group, info) in &self.groups {
            text += &format!("group\t{group}\t{}\t{}\n", info.bytes, info.events);
        }
        for ((group, runner), entry) in &self.verdicts {
            text += &format!(
                "verdict\t{group}\t{runner}\t{}\t{}\n",
                entry.status, entry.detail
            );
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(path, text)
    }
}
