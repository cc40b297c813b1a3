//! Where a stream comes from: a file, stdin, or a URL (read by `url`).

use std::fs::File;
use std::io::{self, Read};

use crate::exit::{Fatal, Status};

/// A stream argument as given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(String),
    Url(String),
}

impl Source {
    /// `-` or nothing is stdin; `http://` and `https://` are URLs.
    pub fn parse(arg: Option<&str>) -> Self {
        match arg {
            None | Some("-") => Source::Stdin,
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                Source::Url(url.to_string())
            }
            Some(path) => Source::File(path.to_string()),
        }
    }

    /// The name used in messages: the path, the URL, or `<stdin>`.
    pub fn name(&self) -> &str {
        match self {
            Source::Stdin => "<stdin>",
            Source::File(path) => path,
            Source::Url(url) => url,
        }
    }

    /// Opens a file or stdin (a URL is fetched by `url::run`). A directory is refused here: on Unix `open`
    /// succeeds on one and only the first read fails.
    pub fn open(&self) -> Result<Opened, Fatal> {
        match self {
            Source::Stdin => Ok(Opened {
                reader: Box::new(io::stdin()),
                live: true,
            }),
            Source::File(path) => {
                let file = File::open(path).map_err(|e| Fatal::input(path, &e))?;
                let meta = file.metadata().map_err(|e| Fatal::input(path, &e))?;
                if meta.is_dir() {
                    return Err(Fatal::new(Status::Input, format!("{path}: is a directory")));
                }
                // A FIFO or a character device is read as it arrives.
                let live = !meta.is_file();
                Ok(Opened {
                    reader: Box::new(file),
                    live,
                })
            }
            Source::Url(url) => Err(Fatal::new(
                Status::Usage,
                format!("{url}: a URL, not a file"),
            )),
        }
    }
}

/// An open stream.
pub struct Opened {
    pub reader: Box<dyn Read>,
    /// Arrives over time (stdin, a pipe): show each event as it comes.
    pub live: bool,
}

/// Size of one read. Small enough that a live stream is parsed as it comes
/// (`read` returns what is there), large enough for files.
pub const CHUNK: usize = 16 * 1024;

/// Reads the next chunk, retrying on EINTR; `Ok(0)` is the end of the stream.
pub fn read_chunk(reader: &mut dyn Read, buf: &mut [u8], name: &str) -> Result<usize, Fatal> {
    loop {
        match reader.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Fatal::input(name, &e)),
        }
    }
}
