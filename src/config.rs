//! Settings for a [`Parser`](crate::Parser).

/// What to do when an event goes over the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OnLimit {
    /// Report the error, then refuse all input (returning the same error,
    /// consuming nothing) until [`reset`](crate::Parser::reset). The default:
    /// a stream that sends oversized events is usually one to drop.
    #[default]
    Stop,
    /// Report the error, drop the event, and skip its remaining lines up to and
    /// including the next blank line; later events are parsed as usual. The
    /// dropped event's `id` and `retry` lines have no effect.
    SkipEvent,
}

/// What [`finish`](crate::Parser::finish) does with an event that has no blank
/// line after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AtEof {
    /// Discard it, as the spec says (and browsers do). The default.
    #[default]
    Discard,
    /// End the partial line and dispatch the event as if a blank line had
    /// followed: for servers that never send the final blank line.
    Dispatch,
}

/// Parser settings. Build with [`Config::new`] and the `const` setters.
///
/// ```
/// use ssewire::{Config, OnLimit};
/// const CONFIG: Config = Config::new()
///     .max_event_bytes(1 << 20)
///     .on_limit(OnLimit::SkipEvent)
///     .comments(true);
/// assert_eq!(CONFIG.get_max_event_bytes(), 1 << 20);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub(crate) max_event_bytes: usize,
    pub(crate) on_limit: OnLimit,
    pub(crate) comments: bool,
    pub(crate) max_comment_bytes: usize,
    pub(crate) strict_utf8: bool,
    pub(crate) at_eof: AtEof,
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

impl Config {
    /// The default limit on bytes retained for one event: 16 MiB.
    pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 << 20;
    /// The default limit on bytes of one comment handed out: 4 KiB.
    pub const DEFAULT_MAX_COMMENT_BYTES: usize = 4 << 10;

    /// The defaults: 16 MiB per event, [`OnLimit::Stop`], no comments, bytes
    /// not checked for UTF-8, [`AtEof::Discard`].
    pub const fn new() -> Self {
        Self {
            max_event_bytes: Self::DEFAULT_MAX_EVENT_BYTES,
            on_limit: OnLimit::Stop,
            comments: false,
            max_comment_bytes: Self::DEFAULT_MAX_COMMENT_BYTES,
            strict_utf8: false,
            at_eof: AtEof::Discard,
        }
    }

    /// Limit on the bytes retained for the event in progress: data (with its
    /// LF separators), event type, last event ID buffer and the committed last
    /// event ID, and a value cut by a chunk boundary. A `data` line delivered
    /// without copying counts too, so the limit does not depend on chunking.
    /// Lent storage also limits it to its own size. `usize::MAX`: no limit.
    pub const fn max_event_bytes(mut self, bytes: usize) -> Self {
        self.max_event_bytes = bytes;
        self
    }

    /// What to do when an event goes over the limit. See [`OnLimit`].
    pub const fn on_limit(mut self, policy: OnLimit) -> Self {
        self.on_limit = policy;
        self
    }

    /// Hand out comment lines as [`Step::Comment`](crate::Step::Comment).
    pub const fn comments(mut self, yes: bool) -> Self {
        self.comments = yes;
        self
    }

    /// Comments longer than this are cut to this many bytes (comments are not
    /// events: they are never an error). Default 4 KiB.
    pub const fn max_comment_bytes(mut self, bytes: usize) -> Self {
        self.max_comment_bytes = bytes;
        self
    }

    /// Check that each event's type, data and ID are UTF-8; an event that is
    /// not becomes [`Error::InvalidUtf8`](crate::Error::InvalidUtf8) and
    /// parsing goes on. Off by default: events are bytes, with lossy and
    /// checked text accessors.
    pub const fn strict_utf8(mut self, yes: bool) -> Self {
        self.strict_utf8 = yes;
        self
    }

    /// What [`finish`](crate::Parser::finish) does with an incomplete last
    /// event. See [`AtEof`].
    pub const fn at_eof(mut self, policy: AtEof) -> Self {
        self.at_eof = policy;
        self
    }

    /// The event limit set.
    pub const fn get_max_event_bytes(&self) -> usize {
        self.max_event_bytes
    }
}
