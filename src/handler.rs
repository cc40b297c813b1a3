//! Where [`Parser::feed_all`](crate::Parser::feed_all) sends what it parsed.

use crate::{Error, Event};

/// Receives what [`Parser::feed_all`](crate::Parser::feed_all) parsed, in
/// stream order (the vte `Perform` pattern). Events borrow the parser or the
/// input: copy out what you keep.
///
/// `event` and `error` must be written; `retry` and `comment` do nothing by
/// default. Errors never end the stream by themselves: what follows one is
/// the [`OnLimit`](crate::OnLimit) policy.
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

    /// An event was refused (a limit, strict UTF-8), or the parser is stopped.
    fn error(&mut self, error: Error);
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
}
