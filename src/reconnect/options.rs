//! What a [`EventSourceState`](super::EventSourceState) is allowed to do: delays, limits, which
//! responses are retried.

use core::time::Duration;

/// The reconnection rules a [`EventSourceState`](super::EventSourceState) applies, built from
/// [`Options::new`] (the defaults) with the setters below.
///
/// ```
/// use core::time::Duration;
/// use ssewire::reconnect::Options;
///
/// let options = Options::new()
///     .max_retries(Some(5))
///     .idle_timeout(Some(Duration::from_secs(45)))
///     .retry_gateway_errors();
/// assert!(options.retries_status(503));
/// assert!(!options.retries_status(500));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub(super) reconnection_time: Duration,
    pub(super) min_delay: Duration,
    pub(super) max_delay: Duration,
    pub(super) max_retries: Option<u32>,
    pub(super) idle_timeout: Option<Duration>,
    pub(super) check_content_type: bool,
    pub(super) retry_statuses: StatusSet,
    pub(super) accept: &'static str,
    pub(super) resend_before_open: bool,
}

/// The `Accept` value `EventSource` sends.
pub(super) const ACCEPT: &str = "text/event-stream";

impl Default for Options {
    fn default() -> Self {
        Self::new()
    }
}

impl Options {
    /// The defaults: reconnection time 3 s until the stream sets one
    /// (Chromium's), delays between 100 ms and 60 s, retries without limit,
    /// no idle timeout, the content type checked, every status other than
    /// 200 and 204 fatal (the spec's rule), `Accept: text/event-stream`, and
    /// a request that got no response not sent again before the stream has
    /// opened once ([`resend_before_open`](Self::resend_before_open)).
    pub const fn new() -> Self {
        Self {
            reconnection_time: Duration::from_millis(3000),
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(60),
            max_retries: None,
            idle_timeout: None,
            check_content_type: true,
            retry_statuses: StatusSet::EMPTY,
            accept: ACCEPT,
            resend_before_open: false,
        }
    }

    /// The `Accept` header to send instead of `text/event-stream`: an MCP
    /// client takes `application/json, text/event-stream`. It replaces the
    /// default, it is not added beside it.
    #[must_use]
    pub const fn accept(mut self, accept: &'static str) -> Self {
        self.accept = accept;
        self
    }

    /// Whether a request that got no response at all (the connection was
    /// refused, or broke before the response head) is sent again before the
    /// stream has opened once. Off by default: the server may have acted on
    /// a request whose answer never came, and sending a POST again repeats
    /// its side effect (an MCP `tools/call`, a billed LLM completion; RFC
    /// 9110 §9.2.2 asks clients not to retry non-idempotent requests
    /// automatically; LaunchDarkly's client does not retry a failed first
    /// connection by default either). The stream then stops with
    /// [`Stop::RequestFailed`](super::Stop::RequestFailed).
    ///
    /// Turn it on for a GET, as `EventSource` retries one after a network
    /// error. Once a stream has opened, the server has taken the request
    /// and what follows is resumption (with `Last-Event-ID`): failures are
    /// reconnected whatever this says.
    #[must_use]
    pub const fn resend_before_open(mut self, resend: bool) -> Self {
        self.resend_before_open = resend;
        self
    }

    /// The reconnection time until the stream sends a `retry` field.
    #[must_use]
    pub const fn reconnection_time(mut self, time: Duration) -> Self {
        self.reconnection_time = time;
        self
    }

    /// The shortest wait before reconnecting, whatever `retry` says: `retry: 0`
    /// would otherwise reconnect in a hot loop. Wins over
    /// [`max_delay`](Self::max_delay) if larger.
    #[must_use]
    pub const fn min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = delay;
        self
    }

    /// The longest wait: caps the reconnection time, the backoff and
    /// `Retry-After` (raise it to honour a longer `Retry-After`).
    #[must_use]
    pub const fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// How many reconnections in a row may fail (make no progress) before
    /// giving up; `None` (the default, as `EventSource`) never gives up.
    #[must_use]
    pub const fn max_retries(mut self, retries: Option<u32>) -> Self {
        self.max_retries = retries;
        self
    }

    /// Reconnect when an open stream has sent no bytes for this long
    /// (comments, keep-alives included). `None` by default, as the spec.
    #[must_use]
    pub const fn idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Whether a 200 response must have the `text/event-stream` content type
    /// (the spec's rule, the default). Off, any 200 opens the stream.
    #[must_use]
    pub const fn check_content_type(mut self, check: bool) -> Self {
        self.check_content_type = check;
        self
    }

    /// Reconnect (with backoff, honouring `Retry-After`) on this status
    /// instead of failing. Statuses 200 and 204 keep their meaning; other
    /// values outside 100..=999 are ignored.
    #[must_use]
    pub fn retry_status(mut self, status: u16) -> Self {
        if status != 200 && status != 204 {
            self.retry_statuses = self.retry_statuses.with(status);
        }
        self
    }

    /// Reconnect on what gateways and rate limiters answer for a passing
    /// trouble: 429, 502, 503 and 504.
    #[must_use]
    pub fn retry_gateway_errors(self) -> Self {
        self.retry_status(429)
            .retry_status(502)
            .retry_status(503)
            .retry_status(504)
    }

    /// Whether `status` is reconnected rather than fatal.
    pub fn retries_status(&self, status: u16) -> bool {
        self.retry_statuses.contains(status)
    }
}

/// A set of HTTP statuses below 1024, one bit each, so that no_std needs no
/// allocation for the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct StatusSet([u64; 16]);

impl StatusSet {
    const EMPTY: Self = Self([0; 16]);

    fn with(mut self, status: u16) -> Self {
        if status >= 100 {
            if let Some(word) = self.0.get_mut(usize::from(status / 64)) {
                *word |= 1 << (status % 64);
            }
        }
        self
    }

    fn contains(&self, status: u16) -> bool {
        self.0
            .get(usize::from(status / 64))
            .is_some_and(|word| word & (1 << (status % 64)) != 0)
    }
}
