//! Where [`Parser::feed_all`](crate::Parser::feed_all) sends what it parsed.

use crate::{Error, Event};

/// Receives what [`Parser::feed_all`](crate::Parser::feed_all) parsed, in
/// stream order (the vte `Perform` pattern). Events borrow the parser or the
/// input: copy out what you keep.
///
/// `event` and `error` must be written; `retry` and `comment` do nothing by
/// default, and `pause` never pauses. Errors never end the stream by
/// themselves: what follows one is the [`OnLimit`](crate::OnLimit) policy.
///
/// ```
/// use ssewire::{Error, Event, Handler, Parser};
///
/// /// Takes one event at a time.
/// #[derive(Default)]
/// struct First(Option<String>);
///
/// impl Handler for First {
///     fn event(&mut self, event: Event<'_>) {
///         self.0 = Some(event.data_lossy().into_owned());
///     }
///     fn error(&mut self, error: Error) {
///         panic!("{error}");
///     }
///     fn pause(&self) -> bool {
///         self.0.is_some()
///     }
/// }
///
/// let mut parser = Parser::new(Vec::new());
/// let mut input: &[u8] = b"data: a\n\ndata: b\n\n";
/// let mut seen = Vec::new();
/// while !input.is_empty() {
///     let mut first = First::default();
///     let used = parser.feed_all(input, &mut first);
///     input = &input[used..];
///     seen.extend(first.0);
/// }
/// assert_eq!(seen, ["a", "b"]);
/// ```
pub trait Handler {
    /// An event was dispatched.
    fn event(&mut self, event: Event<'_>);

    /// A `retry` field set the reconnection time to `ms` milliseconds
    /// (also readable as [`Parser::reconnection_time`](crate::Parser::reconnection_time)).
    fn retry(&mut self, ms: u64) {
        let _ = ms;
    }

    /// A comment line (only with [`Config::comments`](crate::Config::comments)):
    /// see [`Step::Comment`](crate::Step::Comment).
    fn comment(&mut self, text: &[u8], truncated: bool) {
        let _ = (text, truncated);
    }

    /// An event was refused (a limit, strict UTF-8). Reported once per
    /// refused event; what follows is the [`OnLimit`](crate::OnLimit) policy.
    fn error(&mut self, error: Error);

    /// Asked after each item: `true` makes
    /// [`feed_all`](crate::Parser::feed_all) return at once, with the bytes
    /// it consumed (feed it the rest later). For callers that take one item
    /// at a time (vte's `Perform::terminated`). Default: never.
    fn pause(&self) -> bool {
        false
    }
}

impl<H: Handler + ?Sized> Handler for &mut H {
    fn event(&mut self, event: Event<'_>) {
        (**self).event(event);
    }

    fn retry(&mut self, ms: u64) {
        (**self).retry(ms);
    }

    fn comment(&mut self, text: &[u8], truncated: bool) {
        (**self).comment(text, truncated);
    }

    fn error(&mut self, error: Error) {
        (**self).error(error);
    }

    fn pause(&self) -> bool {
        (**self).pause()
    }
}
