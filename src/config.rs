//! Settings for a [`Parser`](crate::Parser).

/// What to do when an event goes over a limit
/// ([`Config::max_event_bytes`], [`Config::max_id_bytes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OnLimit {
    /// Report the error once, then drop the rest of the stream: each later
    /// call consumes its whole input and hands out nothing
    /// ([`Parser::is_stopped`](crate::Parser::is_stopped) says so), until
    /// [`reset`](crate::Parser::reset) starts a new stream or
    /// [`resume`](crate::Parser::resume) picks this one up again at the next
    /// blank line. For a caller that would rather drop a stream that sends
    /// oversized events.
    Stop,
    /// Report the error, drop the event, and skip its remaining lines up to and
    /// including the next blank line; later events are parsed as usual. The
    /// dropped event's `id` lines have no effect (the last event ID stays that
    /// of the last event received); `retry` lines and comments, which belong
    /// to no event, are handed out as usual. The default, for the parser,
    /// every adapter and the reconnecting client alike: the limit's
    /// error is reported once (in the manner of tokio-util's
    /// `LinesCodec`), and nothing valid after it is lost.
    #[default]
    SkipEvent,
}

/// Parser settings. Build with [`Config::new`] and the `const` setters.
///
/// ```
/// use ssewire::{Config, OnLimit};
/// const CONFIG: Config = Config::new()
///     .max_event_bytes(1 << 20)
///     .on_limit(OnLimit::SkipEvent)
///     .comments(true);
/// # let _ = CONFIG;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub(crate) max_event_bytes: usize,
    pub(crate) max_id_bytes: usize,
    pub(crate) on_limit: OnLimit,
    pub(crate) comments: bool,
    pub(crate) max_comment_bytes: usize,
    pub(crate) strict_utf8: bool,
    pub(crate) fast_paths: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

impl Config {
    /// The default limit on bytes retained for one event: 16 MiB.
    pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 << 20;
    /// The default limit on an `id` value: none of its own, so the event
    /// limit bounds it (an ID is part of its event, and browsers take any
    /// length the spec does).
    pub const DEFAULT_MAX_ID_BYTES: usize = usize::MAX;
    /// The default limit on bytes of one comment handed out: 4 KiB.
    pub const DEFAULT_MAX_COMMENT_BYTES: usize = 4 << 10;

    /// The defaults: 16 MiB per event (the ID included, with no bound of its
    /// own), [`OnLimit::SkipEvent`], no comments, bytes not checked for
    /// UTF-8.
    pub const fn new() -> Self {
        Self {
            max_event_bytes: Self::DEFAULT_MAX_EVENT_BYTES,
            max_id_bytes: Self::DEFAULT_MAX_ID_BYTES,
            on_limit: OnLimit::SkipEvent,
            comments: false,
            max_comment_bytes: Self::DEFAULT_MAX_COMMENT_BYTES,
            strict_utf8: false,
            fast_paths: cfg!(not(ssewire_slow)),
        }
    }

    /// Limit on the bytes retained for the event in progress: data (with its
    /// LF separators), event type, last event ID buffer and the committed last
    /// event ID, and a value cut by a chunk boundary. A `data` line delivered
    /// without copying counts too, so the limit does not depend on chunking.
    /// Fixed storage also limits it to its own size. `usize::MAX`: no limit.
    pub const fn max_event_bytes(mut self, bytes: usize) -> Self {
        self.max_event_bytes = bytes;
        self
    }

    /// Limit on an `id` value: a longer one is an
    /// [`Error::IdTooLong`](crate::Error::IdTooLong) for its event, under the
    /// [`OnLimit`] policy, and the last event ID keeps its value. The last
    /// event ID stays in storage from event to event, so it counts against
    /// every event's [`max_event_bytes`](Self::max_event_bytes); a bound here
    /// keeps one long ID from starving later events. Default: none of its
    /// own ([`DEFAULT_MAX_ID_BYTES`](Self::DEFAULT_MAX_ID_BYTES)), so the
    /// event limit is the ID's too.
    ///
    /// The bytes past the limit are not stored; the error comes at the end
    /// of the `id` line, and not at all when a NUL comes first (the spec then
    /// ignores the field and the event stays), so the outcome is the same
    /// wherever the input was cut.
    pub const fn max_id_bytes(mut self, bytes: usize) -> Self {
        self.max_id_bytes = bytes;
        self
    }

    /// What to do when an event goes over a limit. See [`OnLimit`].
    pub const fn on_limit(mut self, policy: OnLimit) -> Self {
        self.on_limit = policy;
        self
    }

    /// Hand out comment lines as [`Step::Comment`](crate::Step::Comment).
    pub const fn comments(mut self, yes: bool) -> Self {
        self.comments = yes;
        self
    }

    /// Comments longer than this are cut to this many bytes, and say so
    /// (comments are not events: they are never an error). Default 4 KiB.
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

    /// Turns the fast paths off (or on again), to check them against the
    /// slow path. Not for production use: the results are the same, slower.
    /// (The `ssewire_slow` cfg turns them off by default.)
    #[doc(hidden)]
    pub const fn fast_paths(mut self, yes: bool) -> Self {
        self.fast_paths = yes;
        self
    }
}
