"""Reference model of the text/event-stream format, written as plainly as possible.

This is the WHATWG HTML "Server-sent events" section, "Parsing an event stream" and
"Interpreting an event stream", transcribed over a whole input at once, plus the
project decisions documented in spec-fixtures/README.md (retry above u64::MAX is
ignored; how "end", "last_event_id" and "comments" are defined).

It is slow and has no limits on purpose: it exists to be obviously right, and the
fixture generator computes every expected result with it. Standard library only.

Usage:
    import model
    result = model.parse(raw_bytes)
    result["events"]          # [{"type": ..., "data": ..., "id": ...}, ...]
    result["retries"]         # [int, ...]
    result["comments"]        # [str, ...]
    result["last_event_id"]   # str
    result["end"]             # "clean" or "incomplete"
    result["log"]             # everything above in stream order, as
                              # ("event", dict) / ("retry", int) / ("comment", str)
"""

import re

BOM = b"\xef\xbb\xbf"
U64_MAX = 2**64 - 1

# A line ends at CRLF, at a lone LF or at a lone CR (CRLF must be tried first).
LINE_END = re.compile(r"\r\n|\r|\n")

# The field names that make a pending event (the "end" rule in the README).
EVENT_FIELDS = ("data", "event", "id")


def decode(raw):
    """WHATWG "UTF-8 decode": drop ONE leading BOM, replace invalid sequences by U+FFFD.

    Python's "replace" error handler substitutes one U+FFFD per maximal invalid
    subpart, which is what the WHATWG Encoding standard does.
    """
    if raw.startswith(BOM):
        raw = raw[len(BOM):]
    return raw.decode("utf-8", "replace")


def split_lines(text):
    """Return (complete lines, unterminated tail or None).

    Only CR and LF are line ends; U+0085, U+2028, U+2029, VT and FF are not
    (so str.splitlines() must not be used). A CR as the last character ends a line.
    """
    lines = []
    start = 0
    for match in LINE_END.finditer(text):
        lines.append(text[start:match.start()])
        start = match.end()
    tail = text[start:] if start < len(text) else None
    return lines, tail


def strip_one_space(value):
    """Remove ONE leading U+0020 SPACE, if there is one (never more, never a tab)."""
    if value.startswith(" "):
        return value[1:]
    return value


def split_field(line):
    """Split a non-empty, non-comment line into (name, value).

    The name is everything before the first colon; the value is everything after it,
    less one leading space. A line without a colon is all name, with an empty value.
    """
    if ":" in line:
        name, value = line.split(":", 1)
        return name, strip_one_space(value)
    return line, ""


def parse_retry(value):
    """Return the reconnection time for a retry value, or None when it is ignored.

    Accepted iff the value is non-empty and made only of ASCII digits 0-9 (not
    Unicode digits: str.isdigit() would be wrong). Project decision: a value above
    u64::MAX is ignored, not saturated. Leading zeros are fine, however many.
    """
    if value == "" or any(c not in "0123456789" for c in value):
        return None
    significant = value.lstrip("0") or "0"
    if len(significant) > len(str(U64_MAX)):
        return None  # checked before int() so huge strings are never converted
    number = int(significant)
    if number > U64_MAX:
        return None
    return number


class Interpreter:
    """The buffers of "Interpreting an event stream", fed one complete line at a time."""

    def __init__(self):
        self.data = ""  # data buffer
        self.event_type = ""  # event type buffer
        self.last_event_id_buffer = ""  # last event ID buffer
        self.last_event_id = ""  # the stream's last event ID, set at each dispatch
        self.pending = False  # a data/event/id line since the last blank line
        self.log = []

    def line(self, line):
        if line == "":
            self.dispatch()
        elif line.startswith(":"):
            self.log.append(("comment", strip_one_space(line[1:])))
        else:
            name, value = split_field(line)
            self.field(name, value)

    def field(self, name, value):
        if name in EVENT_FIELDS:
            self.pending = True
        if name == "data":
            self.data += value + "\n"
        elif name == "event":
            self.event_type = value
        elif name == "id":
            if "\0" not in value:
                self.last_event_id_buffer = value
        elif name == "retry":
            number = parse_retry(value)
            if number is not None:
                self.log.append(("retry", number))
        # any other name: ignored (names are case-sensitive)

    def dispatch(self):
        self.pending = False
        # Step 1: runs on every blank line, even when no event follows.
        self.last_event_id = self.last_event_id_buffer
        # Step 2: nothing to dispatch; the event type buffer is reset all the same.
        if self.data == "":
            self.event_type = ""
            return
        # Step 3: remove ONE trailing LF.
        data = self.data[:-1] if self.data.endswith("\n") else self.data
        # Steps 4-5: the event, then reset data and type (not the id buffer).
        event = {
            "type": self.event_type or "message",
            "data": data,
            "id": self.last_event_id,
        }
        self.log.append(("event", event))
        self.data = ""
        self.event_type = ""


def parse(raw):
    """Run the whole stream `raw` (bytes) through the model; see the module docstring."""
    lines, tail = split_lines(decode(raw))
    interpreter = Interpreter()
    for line in lines:
        interpreter.line(line)
    # End of stream: an unterminated final line is never interpreted, and the pending
    # event (if any) is discarded, never dispatched.
    incomplete = tail is not None or interpreter.pending
    log = interpreter.log
    return {
        "events": [item for kind, item in log if kind == "event"],
        "retries": [item for kind, item in log if kind == "retry"],
        "comments": [item for kind, item in log if kind == "comment"],
        "last_event_id": interpreter.last_event_id,
        "end": "incomplete" if incomplete else "clean",
        "log": log,
    }
