#!/usr/bin/env python3
"""Generate the spec-fixtures conformance suite.

    python3 spec-fixtures/tools/generate.py          # (re)write every case
    python3 spec-fixtures/tools/generate.py --check  # exit 1 if a file on disk differs

Each case below is (folder, name, raw stream bytes, one-line description). The
expected result (NAME.json) is computed by the reference model in model.py. About a
fifth of the cases also carry an expected result written by hand (`expect=`); the
generator stops if the model disagrees with one of them, so neither the model nor the
hand-written answers are trusted alone.

Output is deterministic: same script, same bytes. Files in the case folders that no
longer correspond to a case are deleted. The case-count table in ../README.md (between
the `counts:begin` / `counts:end` markers) is rewritten too.

Standard library only.
"""

import json
import os
import re
import sys
import unicodedata

sys.dont_write_bytecode = True  # keep __pycache__ out of the suite
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDERS = [
    "bom", "line-ends", "fields", "data", "event-type", "id", "retry",
    "comments", "dispatch", "end-of-stream", "utf-8", "real-world",
]
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

BOM = b"\xef\xbb\xbf"
U64_MAX = 2**64 - 1


def u(text):
    """UTF-8 bytes of a Python string (for cases with non-ASCII text)."""
    return text.encode("utf-8")


def ev(data, type_="message", id_=""):
    return (type_, data, id_)


def hand(events=(), retries=(), last_id="", end="clean", comments=None):
    """An expected result written by hand; events are (type, data, id) tuples."""
    result = {
        "events": [{"type": t, "data": d, "id": i} for (t, d, i) in events],
        "retries": list(retries),
        "last_event_id": last_id,
        "end": end,
    }
    if comments is not None:
        result["comments"] = list(comments)
    return result


CASES = []


def case(folder, name, raw, description, expect=None):
    assert folder in FOLDERS, folder
    assert NAME_RE.match(name), name
    assert isinstance(raw, bytes), name
    assert "\n" not in description, name
    CASES.append((folder, name, raw, description, expect))


# ---------------------------------------------------------------------------------
# bom/ : one leading byte-order mark is dropped by UTF-8 decode, and only one.
# ---------------------------------------------------------------------------------
F = "bom"
case(F, "bom-stripped-before-data", BOM + b"data: a\n\n",
     "One leading BOM (EF BB BF) is dropped by UTF-8 decode, so the first line is a data field (WPT format-bom).",
     hand([ev("a")]))
case(F, "no-bom", b"data: a\n\n",
     "Baseline for the bom cases: the same stream without a BOM.",
     hand([ev("a")]))
case(F, "bom-twice", BOM + BOM + b"data:1\n\ndata:2\n\ndata:3",
     "Only ONE BOM is stripped: the second is U+FEFF at the start of the first field name, which then matches nothing (WPT format-bom-2).",
     hand([ev("2")], end="incomplete"))
case(F, "bom-three-times", BOM * 3 + b"data: a\n\ndata: b\n\n",
     "Three BOMs: one is stripped, the other two form the start of an unknown field name; only the second event fires.",
     hand([ev("b")]))
case(F, "bom-only", BOM,
     "A stream of only a BOM decodes to nothing: no events, clean end.",
     hand())
case(F, "bom-then-blank-line", BOM + b"\n",
     "BOM followed by one blank line: dispatch with an empty data buffer fires nothing.")
case(F, "bom-mid-stream", b"data: a\n\n" + BOM + b"data: b\n\n",
     "A BOM after the start of the stream is content: it becomes part of the field name, so the second event is not a data field (bug class: BOM stripped wherever it appears).",
     hand([ev("a")]))
case(F, "bom-after-blank-line", b"\n" + BOM + b"data: a\n\n",
     "A BOM after a leading blank line is no longer at the start of the stream and is not stripped.")
case(F, "second-bom-alone-is-not-a-blank-line", BOM + BOM + b"\ndata: a\n\n",
     "A line holding only U+FEFF is not empty: it is an unknown field, not a dispatch; the following data line joins the same event.")
case(F, "bom-inside-data-value", b"data: " + BOM + b"x\n\n",
     "A BOM inside a field value is kept as U+FEFF in the data.")
case(F, "bom-as-whole-data-value", BOM + b"data:" + BOM + b"\n\n",
     "Leading BOM stripped, a second BOM right after the colon is the whole data value.")
case(F, "bom-before-comment", BOM + b": hi\ndata: a\n\n",
     "BOM then a comment line: the BOM is stripped, the line is recognised as a comment.")
case(F, "bom-before-crlf", BOM + b"\r\ndata: a\r\n\r\n",
     "BOM immediately followed by CRLF: the first line is blank (dispatch of nothing), then a normal event.")
case(F, "bom-before-cr", BOM + b"\rdata: a\r\r",
     "BOM immediately followed by a lone CR: blank first line, CR-only line ends after.")
case(F, "bom-before-event-field", BOM + b"event: e\ndata: a\n\n",
     "BOM stripped before an event field; the event type is set.")
case(F, "bom-before-id-field", BOM + b"id: 1\n\n",
     "BOM stripped before an id field followed by a blank line: the last event ID becomes 1 without any event.",
     hand(last_id="1"))
case(F, "bom-before-retry-field", BOM + b"retry: 10\n",
     "BOM stripped before a retry field; the retry is accepted and the stream ends clean.")
case(F, "bom-in-event-type", b"event: " + BOM + b"ping\ndata: a\n\n",
     "A BOM inside the event field value is part of the event type.")
case(F, "bom-in-id-value", b"id: " + BOM + b"\ndata: a\n\n",
     "A BOM as the id value is a valid id (it is not NUL).")
case(F, "truncated-bom-ef-bb", b"\xef\xbbdata: a\n\n",
     "A truncated BOM (EF BB) is not a BOM: it decodes to one U+FFFD that starts the field name, so no event fires.")
case(F, "truncated-bom-ef", b"\xefdata: a\n\n",
     "A lone EF byte at the start decodes to U+FFFD and spoils the first field name.")
case(F, "utf16-bom-not-stripped", b"\xff\xfedata: a\n\n",
     "A UTF-16 LE BOM (FF FE) is not a UTF-8 BOM: two U+FFFD start the field name.")
case(F, "bom-then-unterminated-line", BOM + b"data: a",
     "BOM then an unterminated data line: nothing dispatched, end incomplete.")

# ---------------------------------------------------------------------------------
# line-ends/ : CRLF, lone LF and lone CR each end a line; nothing else does.
# ---------------------------------------------------------------------------------
F = "line-ends"
case(F, "lf-only", b"data: a\ndata: b\n\n",
     "Lines ended by LF.",
     hand([ev("a\nb")]))
case(F, "crlf-only", b"data: a\r\ndata: b\r\n\r\n",
     "Lines ended by CRLF: a CRLF is ONE line end.",
     hand([ev("a\nb")]))
case(F, "cr-only", b"data: a\rdata: b\r\r",
     "Lines ended by a lone CR (bug class: CR-only line ends not supported).",
     hand([ev("a\nb")]))
case(F, "mixed-terminators", b"data: a\rdata: b\ndata: c\r\n\r\n",
     "CR, LF and CRLF mixed in one event.")
case(F, "wpt-newline-fest", b"data:test\r\ndata\ndata:test\r\n\r",
     "Mixed line ends with a colonless data line, ending with a lone CR as the last byte (WPT format-newlines).",
     hand([ev("test\n\ntest")]))
case(F, "cr-storm", b"data: a\r\r\r\r\r",
     "Each CR in a CR storm is one line end: one dispatch with data, then empty dispatches that fire nothing (bug class: spurious events from empty blocks).",
     hand([ev("a")]))
case(F, "lf-storm", b"data: a\n\n\n\n\n",
     "Many LFs: one event, the extra blank lines fire nothing.")
case(F, "crlf-storm", b"data: a\r\n\r\n\r\n\r\n",
     "Many CRLFs: one event, the extra blank lines fire nothing.")
case(F, "lf-then-cr", b"data: a\n\rdata: b\n\r",
     "LF followed by CR is two line ends (LFCR is not a pair): each CR here is a blank line.",
     hand([ev("a"), ev("b")]))
case(F, "cr-then-crlf", b"data: a\r\r\n",
     "CR ends the data line, then CRLF is one blank line: one event.")
case(F, "crlf-then-cr", b"data: a\r\n\r",
     "CRLF ends the data line, a final lone CR is the blank line.")
case(F, "lf-then-crlf", b"data: a\n\r\n",
     "LF ends the data line, then CRLF is one blank line.")
case(F, "crlf-then-lf", b"data: a\r\n\n",
     "CRLF ends the data line, then LF is the blank line.")
case(F, "cr-cr-lf-lf", b"data: a\r\r\n\n",
     "CR, CRLF, LF: three line ends, two blank lines, one event.")
case(F, "cr-as-last-byte-dispatches", b"data: a\n\r",
     "A CR as the very last byte of the stream ends a (blank) line: the event fires and the end is clean.",
     hand([ev("a")]))
case(F, "cr-as-last-byte-ends-data-line", b"data: a\r",
     "A final CR terminates the data line, but no blank line follows: nothing fires, end incomplete.",
     hand(end="incomplete"))
case(F, "cr-inside-value-splits-line", b"data: a\rb\n\n",
     "A CR inside what looks like one value splits it into two lines; `b` is an unknown field.",
     hand([ev("a")]))
case(F, "cr-splits-field-name", b"da\rta: x\n\n",
     "A CR inside a field name splits it: `da` and `ta` are both unknown fields, no event.")
case(F, "blank-crlf-between-events", b"data: 1\r\n\r\ndata: 2\r\n\r\n",
     "Two CRLF events back to back.")
case(F, "only-cr", b"\r",
     "A stream of one CR is one blank line: nothing, clean.")
case(F, "only-lf", b"\n",
     "A stream of one LF is one blank line: nothing, clean.")
case(F, "only-crlf", b"\r\n",
     "A stream of one CRLF is one blank line, not two.")
case(F, "only-mixed-blank-lines", b"\r\n\n\r\r\n\n",
     "Only blank lines with mixed line ends: nothing fires, clean.")
case(F, "cr-storm-between-events", b"\r\r\rdata: a\r\r\r\rdata: b\r\r",
     "Leading CRs, CR storms between events: exactly two events.")
case(F, "vt-and-ff-are-not-line-ends", b"data: a\x0bb\x0cc\n\n",
     "Vertical tab (0B) and form feed (0C) are not line ends; they stay in the data.")
case(F, "nel-byte-is-not-a-line-end", b"data: a\x85b\n\n",
     "A raw 0x85 byte is invalid UTF-8 (U+FFFD), never a line end (bug class: Latin-1 NEL treated as a newline).")
case(F, "u0085-is-not-a-line-end", u("data: a\u0085b\n\n"),
     "U+0085 NEXT LINE (C2 85) inside data is not a line end (bug class: splitting with a Unicode-aware splitlines).")
case(F, "u2028-is-not-a-line-end", u("data: a\u2028b\n\n"),
     "U+2028 LINE SEPARATOR inside data is not a line end.")
case(F, "u2029-is-not-a-line-end", u("data: a\u2029b\n\n"),
     "U+2029 PARAGRAPH SEPARATOR inside data is not a line end.")
case(F, "crlf-every-field-kind", b"event: e\r\nid: 1\r\nretry: 5\r\ndata: d\r\n\r\n",
     "Every field kind ended by CRLF; no value keeps a trailing CR.")
case(F, "cr-every-field-kind", b"event: e\rid: 1\rretry: 5\rdata: d\r\r",
     "Every field kind ended by a lone CR.")

# ---------------------------------------------------------------------------------
# fields/ : name before the first colon, one leading space removed from the value.
# ---------------------------------------------------------------------------------
F = "fields"
case(F, "first-colon-splits", b"data:a:b:c\n\n",
     "Only the first colon separates name and value; later colons are in the value.",
     hand([ev("a:b:c")]))
case(F, "no-space-after-colon", b"data:a\n\n",
     "No space after the colon: the value is everything after it.")
case(F, "one-space-removed", b"data: a\n\n",
     "One space after the colon is removed.")
case(F, "only-one-space-removed", b"data:  a\n\n",
     "Only ONE leading space is removed, the second stays (bug class: stripping all leading whitespace).",
     hand([ev(" a")]))
case(F, "three-spaces", b"data:   a\n\n",
     "Three spaces after the colon: two stay.")
case(F, "tab-not-stripped", b"data:\ta\n\n",
     "A tab after the colon is not a space and is kept.",
     hand([ev("\ta")]))
case(F, "tab-then-space", b"data:\t a\n\n",
     "Tab then space: nothing is removed.")
case(F, "space-then-tab", b"data: \ta\n\n",
     "Space then tab: only the space is removed.")
case(F, "trailing-spaces-kept", b"data: a  \n\n",
     "Trailing spaces are part of the value (bug class: values trimmed at both ends).")
case(F, "nbsp-not-stripped", u("data:\u00a0a\n\n"),
     "A NO-BREAK SPACE (U+00A0) after the colon is not U+0020 and is kept.")
case(F, "value-is-one-space", b"data: \n\n",
     "A value of one space is empty after removal; the data buffer still gets an LF, so an event with empty data fires.",
     hand([ev("")]))
case(F, "name-case-sensitive", b"Data: a\nDATA: b\ndata: c\n\n",
     "Field names are case-sensitive: `Data` and `DATA` are unknown fields.",
     hand([ev("c")]))
case(F, "leading-space-in-name", b" data: a\n\n",
     "A leading space makes the name ` data`, an unknown field: no event.",
     hand())
case(F, "trailing-space-in-name", b"data : a\n\n",
     "A space before the colon makes the name `data `, an unknown field.")
case(F, "colonless-data", b"data\n\n",
     "A line with no colon is all name with an empty value: `data` appends an empty line and an event with empty data fires.",
     hand([ev("")]))
case(F, "colonless-event", b"event\ndata: a\n\n",
     "A colonless `event` line sets an empty event type, so the type is `message`.")
case(F, "colonless-id", b"id: 1\ndata: a\n\nid\ndata: b\n\n",
     "A colonless `id` line sets the last event ID buffer to empty.",
     hand([ev("a", id_="1"), ev("b")]))
case(F, "colonless-retry", b"retry\n",
     "A colonless `retry` line has an empty value, which is ignored.")
case(F, "colonless-unknown", b"foo\ndata: a\n\n",
     "A colonless unknown name is ignored.")
case(F, "unknown-field-ignored", b"foo: bar\ndata: a\n\n",
     "Unknown fields are ignored (WPT format-field-unknown).")
case(F, "wpt-unknown-fields-medley", b"data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n",
     "Leading-space name, colonless data, unknown fields, bare text and a comment in one event (WPT format-field-unknown, blank line added).",
     hand([ev("test\n\ntest")], comments=["thisisacommentyay"]))
case(F, "unknown-field-colons-in-value", b"foo: a:b:c\ndata: x\n\n",
     "An unknown field whose value holds colons is ignored whole.")
case(F, "unknown-field-only-block", b"foo: bar\n\n",
     "A block of only an unknown field fires nothing.")
case(F, "name-prefix-of-data", b"dat: a\n\n",
     "`dat` is not `data`.")
case(F, "name-extends-data", b"dataa: a\ndata2: b\n\n",
     "`dataa` and `data2` are not `data` (bug class: matching names by prefix).",
     hand())
case(F, "name-with-nul", b"data\x00:2\ndata: a\n\n",
     "A NUL in a field name makes it unknown.")
case(F, "name-with-punctuation", b"da-ta: 1\ndata_5\ndata: a\n\n",
     "`da-ta` and `data_5` are unknown fields.")
case(F, "wpt-field-parsing", b"data:\x00\ndata:  2\rData:1\ndata\x00:2\ndata:1\r\x00data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n",
     "Field parsing medley with NUL, case, punctuation and a leading space in the name; adapted from WPT format-field-parsing (blank line added).",
     hand([ev("\x00\n 2\n1\n3\n\n4")]))
case(F, "very-long-field-name", b"a" * 10000 + b": x\ndata: a\n\n",
     "A 10000-byte unknown field name is ignored (bug class: name buffers that overflow or must be stored whole).")
case(F, "long-name-starting-with-data", b"data" + b"x" * 10000 + b": y\ndata: a\n\n",
     "A long name that starts with `data` is still unknown.")
case(F, "non-ascii-field-name", u("dätä: x\ndata: a\n\n"),
     "A non-ASCII field name is unknown.")
case(F, "line-of-spaces", b"   \ndata: a\n\n",
     "A line of spaces is not blank: it is an unknown field named with spaces, and does not dispatch.")
case(F, "line-of-tab-then-blank", b"\t\n\n",
     "A line holding a tab is an unknown field, not a blank line; nothing fires.")
case(F, "space-name-before-colon", b" :x\ndata: a\n\n",
     "A line starting with a space then a colon is a field named ` `, not a comment.")

# ---------------------------------------------------------------------------------
# data/ : data appends value + LF; dispatch removes one trailing LF.
# ---------------------------------------------------------------------------------
F = "data"
case(F, "single-line", b"data: hello\n\n",
     "One data line.",
     hand([ev("hello")]))
case(F, "multi-line", b"data: a\ndata: b\ndata: c\n\n",
     "Data lines are joined with LF.",
     hand([ev("a\nb\nc")]))
case(F, "empty-value", b"data:\n\n",
     "An empty data value still appends LF; after the trailing LF is removed the event has empty data.",
     hand([ev("")]))
case(F, "two-empty-lines", b"data\ndata\n\n",
     "Two empty data lines give one LF of data (only ONE trailing LF is removed).",
     hand([ev("\n")]))
case(F, "three-empty-lines", b"data:\ndata:\ndata:\n\n",
     "Three empty data lines give two LFs.")
case(F, "trailing-empty-line", b"data: a\ndata:\n\n",
     "A trailing empty data line leaves a trailing LF in the data.",
     hand([ev("a\n")]))
case(F, "leading-empty-line", b"data:\ndata: a\n\n",
     "A leading empty data line gives a leading LF.")
case(F, "nul-only", b"data: \x00\n\n",
     "NUL in data is kept (WPT format-null-character; bug class: NUL dropped or treated as a terminator).",
     hand([ev("\x00")]))
case(F, "nul-in-middle", b"data: a\x00b\x00\n\n",
     "NULs in the middle and at the end of data are kept.")
case(F, "separated-by-comment", b"data: a\n: c\ndata: b\n\n",
     "A comment between data lines does not split the event.")
case(F, "separated-by-unknown-field", b"data: a\nfoo: c\ndata: b\n\n",
     "An unknown field between data lines does not split the event.")
case(F, "separated-by-event-and-id", b"data: a\nevent: t\nid: 7\ndata: b\n\n",
     "Event and id lines between data lines do not split the event.")
case(F, "buffer-reset-between-events", b"data: a\ndata: b\n\ndata: c\n\n",
     "The data buffer is emptied after each dispatch.",
     hand([ev("a\nb"), ev("c")]))
case(F, "whitespace-only", b"data:    \n\n",
     "Spaces-only value: one space removed, three kept.")
case(F, "spaces-inside", b"data: a b  c\n\n",
     "Inner spaces are kept as they are.")
case(F, "json", b'data: {"a":1,"b":[true,null],"c":"x: y"}\n\n',
     "A JSON object as data, with a colon and space inside a string.")
case(F, "html-multi-line", b'data: <ul>\ndata:   <li class="a">one</li>\ndata: </ul>\n\n',
     "HTML split over data lines; indentation after the one removed space is kept.")
case(F, "value-looks-like-field", b"data: data: x\n\n",
     "A value that looks like a field line is just text.")
case(F, "value-starts-with-colon", b"data: : x\n\n",
     "A value starting with a colon is just text.")
case(F, "control-characters", b"data: " + bytes(c for c in range(1, 32) if c not in (10, 13)) + b"\x7f\n\n",
     "Every C0 control except CR and LF, plus DEL, is kept in data.")
case(F, "literal-backslash-escapes", b"data: \\n\\r\\t\\u0000\n\n",
     "Backslash sequences are literal text, never unescaped.")
case(F, "many-lines", b"".join(b"data: line %d\n" % i for i in range(200)) + b"\n",
     "200 data lines in one event, joined with LF.")
case(F, "line-of-4097-bytes", b"data: " + b"0123456789abcdef" * 256 + b"!\n\n",
     "A 4097-byte data line, one past a common 4 KiB buffer size (bug class: fixed-size line buffers).")
case(F, "line-of-8193-bytes", b"data: " + b"fedcba9876543210" * 512 + b"!\n\n",
     "An 8193-byte data line, one past a common 8 KiB buffer size.")
case(F, "before-final-empty-line", b"retry:1000\ndata:test1\n\nid:test\ndata:test2",
     "The last event has no blank line after it and is discarded; the id before it is not in force (WPT format-data-before-final-empty-line).",
     hand([ev("test1")], retries=[1000], end="incomplete"))

# ---------------------------------------------------------------------------------
# event-type/ : the event field sets the event type buffer; reset at every dispatch.
# ---------------------------------------------------------------------------------
F = "event-type"
case(F, "named-event", b"event: add\ndata: 1\n\n",
     "The event field sets the type (WPT format-field-event).",
     hand([ev("1", "add")]))
case(F, "type-reset-after-dispatch", b"event: add\ndata: 1\n\ndata: 2\n\n",
     "The event type buffer is reset after dispatch; the next event is `message`.",
     hand([ev("1", "add"), ev("2")]))
case(F, "event-without-data-not-dispatched", b"event: add\n\n",
     "An event field without data fires nothing (bug class: dispatching event-only blocks).",
     hand())
case(F, "event-without-data-resets-type", b"event: add\n\ndata: 2\n\n",
     "The type buffer is reset even when no event fires, so the next event is `message` (bug class: stale type carried over).",
     hand([ev("2")]))
case(F, "event-only-blocks", b"event: a\n\nevent: b\n\nevent: c\n\n",
     "A stream of event-only blocks fires nothing.")
case(F, "empty-value", b"event:\ndata: a\n\n",
     "An empty event value gives type `message`.")
case(F, "single-space-value", b"event: \ndata:data\n\n",
     "`event: ` is an empty type after the space is removed, so `message` (WPT format-field-event-empty).",
     hand([ev("data")]))
case(F, "two-spaces-value", b"event:  \ndata: a\n\n",
     "`event:  ` leaves one space: the type is a single space, not `message`.")
case(F, "last-event-field-wins", b"event: a\nevent: b\ndata: x\n\n",
     "The last event field in a block wins.")
case(F, "event-after-data", b"data: x\nevent: a\n\n",
     "The event field may come after data in the block.")
case(F, "empty-event-overrides", b"event: a\nevent:\ndata: x\n\n",
     "A later empty event field clears the type back to `message`.")
case(F, "case-sensitive", b"Event: a\nEVENT: b\ndata: x\n\n",
     "`Event` and `EVENT` are unknown fields.")
case(F, "spaces-in-type", b"event: my event \ndata: x\n\n",
     "Inner and trailing spaces are part of the type.")
case(F, "explicit-message", b"event: message\ndata: x\n\n",
     "An explicit `message` type.")
case(F, "nul-in-type", b"event: a\x00b\ndata: x\n\n",
     "NUL in the event type is kept (only id ignores NUL).",
     hand([ev("x", "a\x00b")]))
case(F, "colon-in-type", b"event: a:b\ndata: x\n\n",
     "Colons after the first are part of the type.")
case(F, "unicode-type", u("event: ünï\U0001F600\ndata: x\n\n"),
     "Non-ASCII event type.")
case(F, "long-type", b"event: " + b"t" * 4096 + b"\ndata: x\n\n",
     "A 4096-byte event type.")
case(F, "error-and-open-names", b"event: error\ndata: x\n\nevent: open\ndata: y\n\n",
     "Types that clash with EventSource's own `error` and `open` are ordinary types to the parser.")
case(F, "event-with-empty-data-line", b"event: a\ndata\n\n",
     "An empty data line makes the data buffer non-empty (one LF), so the typed event fires with empty data.",
     hand([ev("", "a")]))
case(F, "event-then-id-only-block", b"event: a\nid: 1\n\ndata: x\n\n",
     "A block with event and id but no data: no event, type reset, id kept for the next event.")
case(F, "tab-prefix", b"event:\tping\ndata: x\n\n",
     "A tab after the colon stays in the type.")
case(F, "dotted-name", b"event: response.output_text.delta\ndata: {}\n\n",
     "Dots in a type name are ordinary characters.")

# ---------------------------------------------------------------------------------
# id/ : the last event ID buffer; NUL ignored; persists; copied at every dispatch.
# ---------------------------------------------------------------------------------
F = "id"
case(F, "basic", b"id: 1\ndata: a\n\n",
     "The id field sets the event's id and the stream's last event ID (WPT format-field-id).",
     hand([ev("a", id_="1")], last_id="1"))
case(F, "persists-across-events", b"id: 1\ndata: a\n\ndata: b\n\n",
     "The last event ID buffer is not reset by dispatch: later events carry the same id (bug class: id reset after each event).",
     hand([ev("a", id_="1"), ev("b", id_="1")], last_id="1"))
case(F, "changes", b"id: 1\ndata: a\n\nid: 2\ndata: b\n\n",
     "A new id field replaces the id.")
case(F, "empty-value-resets", b"id: 1\ndata: a\n\nid:\ndata: b\n\n",
     "An empty id value sets the last event ID to empty.",
     hand([ev("a", id_="1"), ev("b")], last_id=""))
case(F, "single-space-value-resets", b"id: 1\ndata: a\n\nid: \ndata: b\n\n",
     "`id: ` is empty after the space is removed and resets the id.")
case(F, "colonless-resets-then-blank", b"id: 1\n\nid\n\n",
     "A colonless id line resets the id; the blank line after it makes the stream's last event ID empty.")
case(F, "nul-ignored", b"id: 1\ndata: a\n\nid: 2\x00\ndata: b\n\n",
     "An id value containing NUL is ignored whole; the old id stays in force (bug class: NUL ids accepted or clearing the id).",
     hand([ev("a", id_="1"), ev("b", id_="1")], last_id="1"))
case(F, "nul-at-start", b"id: 1\ndata: a\n\nid: \x00x\ndata: b\n\n",
     "NUL as the first character of the id: ignored.")
case(F, "nul-at-end", b"id: 1\ndata: a\n\nid: x\x00\ndata: b\n\n",
     "NUL as the last character of the id: ignored.")
case(F, "nul-in-middle", b"id: 1\ndata: a\n\nid: x\x00x\ndata: b\n\n",
     "NUL in the middle of the id: ignored (WPT format-field-id-null).")
case(F, "only-nul", b"id: 1\ndata: a\n\nid: \x00\ndata: b\n\n",
     "An id of only NUL is ignored, it does not reset the id to empty.")
case(F, "nul-before-any-id", b"id: a\x00\ndata: x\n\n",
     "A NUL id before any valid id: the id stays empty (WPT format-field-id-null).")
case(F, "nul-in-same-block-does-not-clear", b"id: 1\nid: \x00\ndata: x\n\n",
     "A NUL id after a valid id in the same block leaves the valid id.",
     hand([ev("x", id_="1")], last_id="1"))
case(F, "id-then-blank-updates-last-event-id", b"id: 5\n\n",
     "An id line then a blank line sets the stream's last event ID without any event (dispatch step 1 runs before the empty-data check).",
     hand(last_id="5"))
case(F, "id-after-last-blank-not-reflected", b"id: 1\ndata: a\n\nid: 2\n",
     "An id after the last blank line never reaches a dispatch step, so the last event ID stays 1 and the end is incomplete.",
     hand([ev("a", id_="1")], last_id="1", end="incomplete"))
case(F, "unterminated-id-not-reflected", b"id: 1\n\nid: 2",
     "An unterminated id line at end of stream is not interpreted.")
case(F, "spaces-in-id", b"id: a b \ndata: x\n\n",
     "Inner and trailing spaces are part of the id.")
case(F, "two-spaces-value", b"id:  x\ndata: a\n\n",
     "Only one leading space is removed from the id.")
case(F, "colons-in-id", b"id: urn:uuid:0b9f6a1e-3c52-4a0c-9d8e-2f1b7c4d5e6f\ndata: a\n\n",
     "Colons after the first are part of the id.")
case(F, "unicode-id", u("id: \u2026\ndata: hello\n\ndata: \u2026\n\n"),
     "A non-ASCII id persists across events (WPT format-field-id-2).")
case(F, "invalid-utf8-id", b"id: \xff\ndata: a\n\n",
     "An invalid byte in the id becomes U+FFFD; it is not NUL so the id is accepted.")
case(F, "leading-zeros-kept", b"id: 007\ndata: a\n\n",
     "An id is a string, never a number: leading zeros stay.")
case(F, "case-sensitive", b"ID: 1\nId: 2\ndata: a\n\n",
     "`ID` and `Id` are unknown fields.")
case(F, "last-id-wins-in-block", b"id: 1\nid: 2\ndata: a\n\n",
     "The last id line in a block wins.")
case(F, "id-after-data-in-block", b"data: a\nid: 9\n\n",
     "An id after the data in the same block applies to that event.")
case(F, "long-id", b"id: " + b"i" * 4096 + b"\ndata: a\n\n",
     "A 4096-byte id.")
case(F, "id-in-empty-block-then-event", b"id: 5\n\ndata: x\n\n",
     "An id set in a block without data applies to the next event.")
case(F, "reset-then-blank", b"id: 1\n\nid:\n\n",
     "Reset to empty then a blank line: the stream's last event ID ends empty.")
case(F, "nul-id-then-blank", b"id: 1\n\nid: \x00\n\n",
     "A NUL id then a blank line: ignored, the last event ID stays 1.")
case(F, "cr-splits-id", b"id: 1\r2\n\n",
     "A CR inside the id ends the line: the id is 1 and `2` is an unknown field.")
case(F, "tab-prefix", b"id:\t1\ndata: a\n\n",
     "A tab after the colon stays in the id.")

# ---------------------------------------------------------------------------------
# retry/ : ASCII digits only, non-empty; above u64::MAX ignored (project decision).
# ---------------------------------------------------------------------------------
F = "retry"
case(F, "basic", b"retry: 1000\n",
     "A retry field of digits sets the reconnection time.",
     hand(retries=[1000]))
case(F, "no-space", b"retry:1000\n",
     "No space after the colon.")
case(F, "wpt-leading-zero", b"retry:03000\ndata:x\n\n",
     "Base ten with a leading zero, never octal (WPT format-field-retry).",
     hand([ev("x")], retries=[3000]))
case(F, "leading-zeros", b"retry: 007\n",
     "Leading zeros are fine: 007 is 7.",
     hand(retries=[7]))
case(F, "zero", b"retry: 0\n",
     "Zero is a valid reconnection time.")
case(F, "all-zeros", b"retry: 0000\n",
     "All zeros is 0.")
case(F, "plus-sign", b"retry: +5\n",
     "A plus sign is not a digit: ignored (bug class: integer parsers that accept a sign).",
     hand())
case(F, "minus-sign", b"retry: -5\n",
     "A minus sign is not a digit: ignored (bug class: negative delays).")
case(F, "decimal", b"retry: 5.0\n",
     "A decimal point is not a digit: ignored.")
case(F, "two-spaces", b"retry:  5\n",
     "After the one space is removed the value is ` 5`, which is not all digits: ignored.",
     hand())
case(F, "trailing-space", b"retry: 5 \n",
     "A trailing space makes the value not all digits: ignored.")
case(F, "tab-prefix", b"retry:\t5\n",
     "A tab is not removed and is not a digit: ignored.")
case(F, "empty-value", b"retry:\ndata: test\n\n",
     "An empty retry value is ignored; the event still fires.",
     hand([ev("test")]))
case(F, "single-space-value", b"retry: \n",
     "`retry: ` is empty after the space is removed: ignored.")
case(F, "wpt-colonless", b"retry\ndata:test\n\n",
     "A colonless retry line has an empty value and is ignored (WPT format-field-retry-empty).")
case(F, "wpt-bogus-suffix", b"retry:3000\nretry:1000x\ndata:x\n\n",
     "A value with a trailing letter is ignored and the earlier value stays (WPT format-field-retry-bogus).",
     hand([ev("x")], retries=[3000]))
case(F, "hex", b"retry: 0x10\n",
     "Hexadecimal is not accepted.")
case(F, "exponent", b"retry: 1e3\n",
     "Exponent notation is not accepted.")
case(F, "underscore", b"retry: 1_000\n",
     "Digit separators are not accepted (bug class: language literals parsers that allow `_`).")
case(F, "comma", b"retry: 1,000\n",
     "Thousands separators are not accepted.")
case(F, "fullwidth-digits", u("retry: \uff11\uff12\n"),
     "Fullwidth digits are not ASCII digits: ignored (bug class: Unicode-aware digit tests).")
case(F, "arabic-indic-digit", u("retry: \u0663\n"),
     "An Arabic-Indic digit is not an ASCII digit: ignored.")
case(F, "superscript-digit", u("retry: \u00b2\n"),
     "A superscript two is not an ASCII digit: ignored.")
case(F, "u32-max", b"retry: 4294967295\n",
     "u32::MAX is accepted.")
case(F, "above-u32", b"retry: 4294967296\n",
     "2^32 is accepted: values must not be limited to 32 bits.",
     hand(retries=[4294967296]))
case(F, "above-2-pow-53", b"retry: 9007199254740993\n",
     "2^53 + 1 is accepted exactly (a loader that reads JSON numbers as doubles must take care).")
case(F, "u64-max", b"retry: 18446744073709551615\n",
     "u64::MAX is accepted.",
     hand(retries=[U64_MAX]))
case(F, "u64-max-plus-one", b"retry: 18446744073709551616\n",
     "u64::MAX + 1 is ignored, not saturated (project decision, a documented deviation: the spec has no upper bound).",
     hand())
case(F, "u64-max-with-leading-zeros", b"retry: 00018446744073709551615\n",
     "Leading zeros do not count towards overflow: u64::MAX with three leading zeros is accepted.")
case(F, "twenty-nines", b"retry: 99999999999999999999\n",
     "A 20-digit value above u64::MAX is ignored.")
case(F, "thousand-digits", b"retry: 1" + b"0" * 999 + b"\ndata: a\n\n",
     "A 1000-digit value is ignored without harm (bug class: crashes or big-integer conversions on long digit strings).",
     hand([ev("a")]))
case(F, "thousand-leading-zeros", b"retry: " + b"0" * 1000 + b"5\n",
     "1000 leading zeros then 5 is 5.")
case(F, "many-in-order", b"retry: 1\nretry: 2\ndata: a\n\nretry: 3\n",
     "Every accepted retry is reported in stream order.",
     hand([ev("a")], retries=[1, 2, 3]))
case(F, "valid-invalid-valid", b"retry: 10\nretry: x\nretry: 20\n",
     "Ignored values between accepted ones are simply absent.")
case(F, "nul-in-value", b"retry: 1\x00\n",
     "NUL after the digits: ignored.")
case(F, "case-sensitive", b"Retry: 5\nRETRY: 6\n",
     "`Retry` and `RETRY` are unknown fields.")
case(F, "does-not-make-an-event", b"retry: 5\n\n",
     "A retry then a blank line fires no event.")
case(F, "unterminated-at-eof", b"retry: 5",
     "An unterminated retry line at end of stream is never interpreted, so it is not accepted (the end is incomplete).",
     hand(end="incomplete"))
case(F, "inside-event-block", b"data: a\nretry: 10\ndata: b\n\n",
     "A retry line inside an event does not split it.")
case(F, "cr-terminated", b"retry: 5\r",
     "A final lone CR terminates the retry line, so it is accepted and the end is clean.")

# ---------------------------------------------------------------------------------
# comments/ : lines starting with a colon; reported text = after the colon, one space removed.
# ---------------------------------------------------------------------------------
F = "comments"
case(F, "colon-only", b":\n",
     "A line of only a colon is an empty comment.",
     hand(comments=[""]))
case(F, "no-space", b":hi\n",
     "Comment without a space after the colon.")
case(F, "one-space", b": hi\n",
     "One leading space is removed from the reported comment text.",
     hand(comments=["hi"]))
case(F, "two-spaces", b":  hi\n",
     "Only one leading space is removed.")
case(F, "tab", b":\thi\n",
     "A tab after the colon is kept.")
case(F, "trailing-space", b": hi \n",
     "Trailing spaces are kept.")
case(F, "colons-inside", b": a: b:c\n",
     "Colons inside a comment are text.")
case(F, "looks-like-field", b":data: x\n\n",
     "A line starting with a colon is a comment even if the rest looks like a field; no event.",
     hand(comments=["data: x"]))
case(F, "between-data-lines", b"data: a\n: c\ndata: b\n\n",
     "A comment inside an event does not split it.",
     hand([ev("a\nb")], comments=["c"]))
case(F, "does-not-dispatch", b": a\n: b\n",
     "Comment lines never dispatch; the stream ends clean.")
case(F, "then-blank-line", b": a\n\n",
     "A comment then a blank line: the dispatch fires nothing.")
case(F, "keep-alive-stream", b": ping\n\n" * 5 + b"data: a\n\n",
     "Keep-alive comment blocks followed by an event.")
case(F, "nul", b":\x00\n",
     "A NUL in a comment is kept in its text.")
case(F, "invalid-utf8", b": \xff\xfe ok\n",
     "Invalid bytes in a comment become U+FFFD.")
case(F, "long", b":" + b"x" * 4096 + b"\n",
     "A 4096-byte comment.")
case(F, "unterminated-at-eof", b": x",
     "An unterminated comment at end of stream is never interpreted: not reported, end incomplete.",
     hand(end="incomplete", comments=[]))
case(F, "leading-space-is-not-a-comment", b" : x\n\n",
     "A space before the colon makes it a field named ` `, not a comment.",
     hand(comments=[]))
case(F, "crlf", b": a\r\n: b\r\n",
     "Comments ended by CRLF carry no CR.")
case(F, "cr", b": a\r: b\r",
     "Comments ended by lone CRs.")
case(F, "wpt-comment-fest", b"data:1\r:\x00\n:\r\ndata:2\n:" + b"x" * 2048 + b"\rdata:3\n:data:fail\r:" + b"x" * 2048 + b"\ndata:4\n\n",
     "Comments of every shape between data lines, with mixed line ends (WPT format-comments, blank line added).",
     hand([ev("1\n2\n3\n4")], comments=["\x00", "", "x" * 2048, "data:fail", "x" * 2048]))
case(F, "unicode", u(": \u2713 ok\n"),
     "Non-ASCII comment text.")
case(F, "only-comments-stream", b": one\n: two\n: three\n",
     "A stream of only comment lines ends clean.")
case(F, "inside-pending-event", b"data: a\n: c\n",
     "A comment after a pending data line is reported, but the event never fires and the end is incomplete.")
case(F, "padding-comment", b":" + b" " * 2048 + b"\n\ndata: a\n\n",
     "A 2 KiB comment of spaces, as some servers send to push proxies to flush; one space removed from its text.")

# ---------------------------------------------------------------------------------
# dispatch/ : the blank line.
# ---------------------------------------------------------------------------------
F = "dispatch"
case(F, "blank-line-dispatches", b"data: a\n\n",
     "A blank line dispatches the pending event.",
     hand([ev("a")]))
case(F, "two-events", b"data: a\n\ndata: b\n\n",
     "Two events, two blank lines.")
case(F, "blank-lines-in-a-row", b"data: a\n\n\n\n",
     "Extra blank lines fire nothing.",
     hand([ev("a")]))
case(F, "only-blank-lines", b"\n\n\n\n",
     "A stream of only blank lines fires nothing and ends clean.",
     hand())
case(F, "leading-blank-lines", b"\n\n\ndata: a\n\n",
     "Blank lines before the first event fire nothing.")
case(F, "no-blank-no-dispatch", b"data: a\ndata: b\n",
     "Without a blank line nothing is dispatched.",
     hand(end="incomplete"))
case(F, "fields-without-data", b"event: a\nid: 1\nretry: 5\n\n",
     "A block with every field but data fires no event; id and retry still take effect.",
     hand(retries=[5], last_id="1"))
case(F, "two-empty-data-events", b"data:\n\n\ndata:\n\n",
     "Two events with empty data, separated by an extra blank line.")
case(F, "only-unknown-fields", b"foo: 1\nbar\n\n",
     "A block of unknown fields fires nothing.")
case(F, "only-comments", b": a\n: b\n\n",
     "A block of comments fires nothing.")
case(F, "only-retry", b"retry: 1\n\n",
     "A block of only retry fires nothing.")
case(F, "many-tiny-events", b"".join(b"data: %d\n\n" % i for i in range(100)),
     "100 small events in one stream (bug class: per-event cost growing with the whole input).")
case(F, "mixed-types-and-ids", b"event: a\nid: 1\ndata: x\n\ndata: y\n\nevent: b\ndata: z\n\nid: 2\nevent: c\ndata: w\n\n",
     "Types reset at every dispatch while the id persists until changed.",
     hand([ev("x", "a", "1"), ev("y", "message", "1"), ev("z", "b", "1"), ev("w", "c", "2")], last_id="2"))
case(F, "reset-type-even-without-data", b"event: a\nid: 1\n\nevent: b\n\ndata: x\n\n",
     "Two data-less blocks reset the type each time; the event is `message` with id 1.")
case(F, "field-order-does-not-matter", b"data: x\nevent: t\nid: 3\n\nid: 4\nevent: u\ndata: y\n\n",
     "Fields in any order within a block give the same event.")
case(F, "interleaved-blanks-and-comments", b": c\n\ndata: a\n: c\n\n: c\n\n\ndata: b\n\n",
     "Comments and blank lines between events.")
case(F, "empty-blocks-between-events", b"data: a\n\n\n\n\n\ndata: b\n\n",
     "Runs of blank lines between events.")
case(F, "data-lf-only-in-buffer", b"data\n\ndata\ndata\n\n",
     "Data buffer of a single LF dispatches empty data; two LFs dispatch one LF.")
case(F, "trailing-lf-removed-once", b"data: a\ndata\ndata\n\n",
     "Only one trailing LF is removed: `a` then two empty lines gives `a` + LF + LF minus one LF.",
     hand([ev("a\n\n")]))

# ---------------------------------------------------------------------------------
# end-of-stream/ : pending event discarded; the "end" verdict.
# ---------------------------------------------------------------------------------
F = "end-of-stream"
case(F, "empty-stream", b"",
     "An empty stream: nothing, clean.",
     hand())
case(F, "clean-after-blank", b"data: a\n\n",
     "A stream whose last line is blank ends clean.",
     hand([ev("a")]))
case(F, "unterminated-data-line", b"data: a",
     "An unterminated data line is never dispatched (bug class: flushing the last event at end of stream).",
     hand(end="incomplete"))
case(F, "terminated-data-no-blank", b"data: a\n",
     "A terminated data line without a blank line is discarded at end of stream.",
     hand(end="incomplete"))
case(F, "pending-event-field", b"event: a\n",
     "A pending event field makes the end incomplete.")
case(F, "pending-id-field", b"id: 1\n",
     "A pending id is never copied to the last event ID: it stays empty, end incomplete.",
     hand(end="incomplete"))
case(F, "pending-id-with-nul", b"id: \x00\n",
     "An id line with NUL is ignored but still counts as a pending field: end incomplete.")
case(F, "pending-colonless-data", b"data\n",
     "A colonless data line is a data field: end incomplete.")
case(F, "pending-retry-is-clean", b"retry: 5\n",
     "A terminated retry line takes effect and does not make the end incomplete.",
     hand(retries=[5]))
case(F, "pending-invalid-retry-is-clean", b"retry: x\n",
     "An ignored retry line does not make the end incomplete either.")
case(F, "pending-unknown-field-is-clean", b"foo: bar\n",
     "An unknown field line does not make the end incomplete.")
case(F, "pending-comment-is-clean", b": x\n",
     "A terminated comment does not make the end incomplete.")
case(F, "partial-comment-is-incomplete", b"data: a\n\n: x",
     "An unterminated final line of any kind, even a comment, makes the end incomplete.")
case(F, "partial-retry-is-incomplete", b"data: a\n\nretry: 5",
     "An unterminated retry line is incomplete and not accepted.")
case(F, "partial-unknown-field-is-incomplete", b"foo",
     "An unterminated unknown field line makes the end incomplete.")
case(F, "final-lone-cr-dispatches", b"data: a\n\r",
     "A lone CR as the last byte terminates the final blank line: the event fires, end clean.",
     hand([ev("a")]))
case(F, "final-cr-after-data-line", b"data: a\r",
     "A lone CR as the last byte terminates the data line; no blank line follows, end incomplete.")
case(F, "stream-is-one-cr", b"\r",
     "A stream of one CR: one blank line, clean.")
case(F, "event-then-unterminated", b"data: a\n\ndata: b",
     "The first event fires, the unterminated second is discarded.",
     hand([ev("a")], end="incomplete"))
case(F, "event-then-pending-with-comment", b"data: a\n\n: c\ndata: b\n",
     "A pending data line after a comment: end incomplete.")
case(F, "pending-data-then-comment", b"data: a\n: bye\n",
     "A comment after a pending data line does not make the end clean.")
case(F, "pending-event-discarded-retry-kept", b"data: a\nretry: 7\n",
     "A retry inside a discarded event still counts; the data does not.",
     hand(retries=[7], end="incomplete"))
case(F, "pending-after-many-events", b"".join(b"data: %d\n\n" % i for i in range(10)) + b"data: x",
     "Ten events then an unterminated one.")
case(F, "clean-after-retry-and-unknown", b"data: a\n\nretry: 1\nfoo\n",
     "Only retry and unknown lines after the last blank line: clean.")
case(F, "invalid-utf8-at-eof", b"data: a\n\n\xe2\x82",
     "A truncated UTF-8 sequence as the unterminated final line: end incomplete.")
case(F, "pending-id-after-events", b"id: 1\ndata: a\n\nid: 2\ndata: b\n",
     "A pending event with a new id: the last event ID stays at the last dispatch's value.",
     hand([ev("a", id_="1")], last_id="1", end="incomplete"))

# ---------------------------------------------------------------------------------
# utf-8/ : decode the whole stream; invalid sequences become U+FFFD (maximal subparts).
# ---------------------------------------------------------------------------------
F = "utf-8"
case(F, "two-byte", u("data: caf\u00e9\n\n"),
     "Two-byte UTF-8 sequences decode as text (WPT format-utf-8).")
case(F, "three-byte", u("data: \u20ac \u4f60\u597d\n\n"),
     "Three-byte sequences.")
case(F, "four-byte", u("data: \U0001F600\n\n"),
     "A four-byte sequence (an emoji outside the BMP).",
     hand([ev("\U0001F600")]))
case(F, "mixed-scripts", u("data: \u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 \u4f60\u597d \u0645\u0631\u062d\u0628\u0627\n\n"),
     "Greek, Chinese and Arabic text in one line.")
case(F, "combining-and-zwj", u("data: e\u0301 \U0001F468\u200d\U0001F469\u200d\U0001F467\n\n"),
     "Combining marks and ZWJ sequences pass through unchanged.")
case(F, "noncharacter-uffff", b"data: \xef\xbf\xbf\n\n",
     "U+FFFF is a noncharacter but valid UTF-8: kept.")
case(F, "max-code-point", b"data: \xf4\x8f\xbf\xbf\n\n",
     "U+10FFFF, the largest code point, is valid.")
case(F, "literal-replacement-char", b"data: \xef\xbf\xbd\n\n",
     "An encoded U+FFFD is just U+FFFD.")
case(F, "lone-continuation", b"data: a\x80b\n\n",
     "A lone continuation byte is one U+FFFD (bug class: crashes on invalid UTF-8).",
     hand([ev("a\ufffdb")]))
case(F, "many-continuations", b"data: \x80\x80\x80\n\n",
     "Each stray continuation byte is its own U+FFFD.")
case(F, "overlong-nul", b"data: \xc0\x80\n\n",
     "Overlong NUL (C0 80) is invalid: two U+FFFD, never a NUL.",
     hand([ev("\ufffd\ufffd")]))
case(F, "overlong-slash", b"data: \xc0\xaf\n\n",
     "Overlong `/` (C0 AF): two U+FFFD.")
case(F, "overlong-three-byte", b"data: \xe0\x80\x80\n\n",
     "Overlong three-byte form: three U+FFFD.")
case(F, "overlong-four-byte", b"data: \xf0\x80\x80\x80\n\n",
     "Overlong four-byte form: four U+FFFD.")
case(F, "surrogate-high", b"data: \xed\xa0\x80\n\n",
     "An encoded surrogate (ED A0 80, U+D800) is invalid: three U+FFFD.",
     hand([ev("\ufffd\ufffd\ufffd")]))
case(F, "surrogate-low", b"data: \xed\xbf\xbf\n\n",
     "An encoded low surrogate (U+DFFF): three U+FFFD.")
case(F, "cesu8-pair", b"data: \xed\xa0\xbd\xed\xb8\x80\n\n",
     "An emoji encoded as a CESU-8 surrogate pair: six U+FFFD.")
case(F, "above-max-code-point", b"data: \xf4\x90\x80\x80\n\n",
     "F4 90 80 80 would be above U+10FFFF: four U+FFFD.",
     hand([ev("\ufffd" * 4)]))
case(F, "bytes-f5-to-ff", b"data: \xf5\xf8\xfc\xfe\xff\n\n",
     "Bytes that never occur in UTF-8: one U+FFFD each.")
case(F, "truncated-before-lf", b"data: \xe2\x82\n\n",
     "A sequence cut by a line end is one U+FFFD; the LF still ends the line.",
     hand([ev("\ufffd")]))
case(F, "truncated-four-byte-before-lf", b"data: \xf0\x9f\x98\n\n",
     "A four-byte sequence missing its last byte before LF: one U+FFFD.")
case(F, "truncated-before-cr", b"data: \xe2\x82\r\r",
     "A sequence cut by a CR: one U+FFFD; the CR ends the line.")
case(F, "char-split-across-lines", b"data: \xe2\x82\ndata: \xac\n\n",
     "The bytes of one character split by a line end are two errors, never joined across the line end.",
     hand([ev("\ufffd\n\ufffd")]))
case(F, "truncated-then-valid", b"data: \xe2\x82\xe2\x82\xac\n\n",
     "A truncated sequence followed by a complete one: U+FFFD then the euro sign.")
case(F, "latin1-text", b"data: caf\xe9\n\n",
     "Latin-1 text is not UTF-8: the byte E9 becomes U+FFFD.")
case(F, "invalid-in-event-type", b"event: a\xffb\ndata: x\n\n",
     "Invalid bytes in an event type become U+FFFD.")
case(F, "invalid-in-field-name", b"d\xc3ta: x\n\n",
     "An invalid byte in a field name makes it unknown (decoding happens before field names are compared).")
case(F, "unicode-line-separators-in-data", u("data: a\u2028b\u2029c\u0085d\n\n"),
     "U+2028, U+2029 and U+0085 inside data are text, not line ends (bug class: Unicode-aware line splitting).",
     hand([ev("a\u2028b\u2029c\u0085d")]))
case(F, "c1-controls", b"data: \xc2\x80\xc2\x9f\n\n",
     "C1 controls encoded in UTF-8 (U+0080, U+009F) are kept.")
case(F, "nul-and-invalid-mix", b"data: \x00\xff\x00\n\n",
     "NUL next to invalid bytes: NUL kept, invalid bytes replaced.")
case(F, "unterminated-four-byte-at-eof", b"data: \xf0\x9f\x98\x80",
     "A valid emoji in an unterminated final line: nothing fires, end incomplete.")

# ---------------------------------------------------------------------------------
# real-world/ : shapes seen in production streams (content made up, shapes real).
# ---------------------------------------------------------------------------------
F = "real-world"


def j(obj):
    """Compact JSON, as most servers emit it."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def data_events(payloads, eol="\n"):
    return "".join("data: %s%s%s" % (p, eol, eol) for p in payloads)


def chat_chunk(delta, finish=None, idx=0):
    return j({"id": "chatcmpl-9x2", "object": "chat.completion.chunk", "created": 1700000000,
              "model": "gpt-4o-mini", "choices": [{"index": idx, "delta": delta, "finish_reason": finish}]})


chat = [chat_chunk({"role": "assistant", "content": ""})]
chat += [chat_chunk({"content": t}) for t in ["Hello", "!", " How", " can", " I", " help", "?"]]
chat += [chat_chunk({}, "stop"), "[DONE]"]
case(F, "openai-chat-completions", u(data_events(chat)),
     "Chat-completion chunk stream: one JSON object per event, ending with `data: [DONE]`.")

tool = [chat_chunk({"role": "assistant", "content": None, "tool_calls": [
    {"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]})]
tool += [chat_chunk({"tool_calls": [{"index": 0, "function": {"arguments": a}}]})
         for a in ['{"', 'city', '":"', 'Par', 'is"}']]
tool += [chat_chunk({}, "tool_calls"), "[DONE]"]
case(F, "openai-chat-tool-calls", u(data_events(tool)),
     "Chat-completion stream with tool-call argument fragments full of escaped quotes.")

uni = [chat_chunk({"content": t}) for t in ["Caf\u00e9", " \u2615", " \U0001F600", "\n\n", "\u2028ok"]]
uni += [j({"id": "chatcmpl-9x2", "object": "chat.completion.chunk", "choices": [],
           "usage": {"prompt_tokens": 9, "completion_tokens": 5, "total_tokens": 14}}), "[DONE]"]
case(F, "openai-chat-unicode-and-usage", u(data_events(uni)),
     "Chat chunks with multi-byte tokens, a raw U+2028 inside JSON and a final usage chunk.")

case(F, "openai-chat-dropped-connection", u(data_events(chat[:4]) + "data: " + chat[4][:40]),
     "A chunk stream cut mid-line by a dropped connection: the partial chunk is never delivered, end incomplete.",
     hand([ev(c) for c in chat[:4]], end="incomplete"))


def resp(kind, seq, **rest):
    obj = {"type": kind, "sequence_number": seq}
    obj.update(rest)
    return "event: %s\ndata: %s\n\n" % (kind, j(obj))


r = resp("response.created", 0, response={"id": "resp_1", "object": "response", "status": "in_progress"})
r += resp("response.in_progress", 1, response={"id": "resp_1", "object": "response", "status": "in_progress"})
r += resp("response.output_item.added", 2, output_index=0,
          item={"id": "msg_1", "type": "message", "status": "in_progress", "role": "assistant", "content": []})
r += resp("response.content_part.added", 3, item_id="msg_1", output_index=0, content_index=0,
          part={"type": "output_text", "text": ""})
seq = 4
for t in ["Hi", " there", ",", " friend", "."]:
    r += resp("response.output_text.delta", seq, item_id="msg_1", output_index=0, content_index=0, delta=t)
    seq += 1
r += resp("response.output_text.done", seq, item_id="msg_1", output_index=0, content_index=0, text="Hi there, friend.")
r += resp("response.completed", seq + 1, response={"id": "resp_1", "object": "response", "status": "completed"})
case(F, "openai-responses-api", u(r),
     "Responses-API style stream: every event named by `event:` (response.output_text.delta and friends) with a JSON data line.")


def anth(kind, obj):
    return "event: %s\ndata: %s\n\n" % (kind, j(obj))


a = anth("message_start", {"type": "message_start", "message": {
    "id": "msg_01", "type": "message", "role": "assistant", "content": [], "model": "claude-model",
    "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 12, "output_tokens": 1}}})
a += anth("content_block_start", {"type": "content_block_start", "index": 0,
                                  "content_block": {"type": "text", "text": ""}})
a += "event: ping\ndata: {\"type\": \"ping\"}\n\n"
for t in ["Hello", ", world", "!\n\nBye"]:
    a += anth("content_block_delta", {"type": "content_block_delta", "index": 0,
                                      "delta": {"type": "text_delta", "text": t}})
a += anth("content_block_stop", {"type": "content_block_stop", "index": 0})
a += anth("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                            "usage": {"output_tokens": 15}})
a += anth("message_stop", {"type": "message_stop"})
case(F, "anthropic-messages", u(a),
     "Anthropic-messages style stream: message_start, content_block_delta events, a ping, message_stop.")

at = anth("message_start", {"type": "message_start", "message": {"id": "msg_02", "type": "message",
                                                                  "role": "assistant", "content": []}})
at += anth("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {
    "type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {}}})
for p in ['{"ci', 'ty": "Par', 'is"}']:
    at += anth("content_block_delta", {"type": "content_block_delta", "index": 0,
                                       "delta": {"type": "input_json_delta", "partial_json": p}})
at += anth("content_block_stop", {"type": "content_block_stop", "index": 0})
at += anth("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
case(F, "anthropic-tool-use-then-error", u(at),
     "Anthropic-style tool-use deltas with partial JSON, then a named `error` event mid-stream.")

ds = "event: datastar-patch-elements\n"
ds += "data: selector #feed\n"
ds += "data: mode append\n"
ds += "data: elements <div id=\"item-1\" class=\"card\">\n"
ds += "data: elements   <h2>Title: first</h2>\n"
ds += "data: elements   <p data-on:click=\"@get('/more')\">Body</p>\n"
ds += "data: elements </div>\n\n"
ds += "event: datastar-patch-signals\ndata: signals {\"count\":1,\"busy\":false}\n\n"
case(F, "datastar-patch-elements", u(ds),
     "Datastar-style events: many `data: elements <...>` lines plus selector and mode lines, then patch-signals.",
     hand([ev('selector #feed\nmode append\nelements <div id="item-1" class="card">\n'
              'elements   <h2>Title: first</h2>\n'
              'elements   <p data-on:click="@get(\'/more\')">Body</p>\nelements </div>', "datastar-patch-elements"),
           ev('signals {"count":1,"busy":false}', "datastar-patch-signals")]))

dsm = "event: datastar-patch-elements\n"
dsm += "".join("data: elements <li id=\"row-%d\">Row %d</li>\n" % (i, i) for i in range(50))
dsm += "data: selector #rows\ndata: mode inner\n\n"
dsm += "event: datastar-patch-elements\nid: 42\nretry: 1000\ndata: mode remove\ndata: selector #spinner\n\n"
case(F, "datastar-many-element-lines", u(dsm),
     "Datastar-style event with 50 element lines in one event, then a removal event carrying id and retry.")

hx = "event: notify\ndata: <div class=\"toast\">Saved</div>\n\n"
hx += "event: chat\ndata: <p><b>ann</b>: hi</p>\n\n"
hx += "event: chat\ndata: <p><b>bob</b>: hello</p>\n\n"
hx += "event: close\ndata: bye\n\n"
case(F, "htmx-named-events", u(hx),
     "htmx SSE-extension style: HTML fragments under named events the page swaps in.",
     hand([ev('<div class="toast">Saved</div>', "notify"), ev("<p><b>ann</b>: hi</p>", "chat"),
           ev("<p><b>bob</b>: hello</p>", "chat"), ev("bye", "close")]))

ka = ": ping\n\n" + "data: {\"n\":1}\n\n" + ": ping\n\n: ping\n\n" + "data: {\"n\":2}\n\n" + ": ping\n\n"
case(F, "keep-alive-comments", u(ka),
     "Keep-alive comment blocks (`: ping`) between events; none of them dispatch.",
     hand([ev('{"n":1}'), ev('{"n":2}')], comments=["ping"] * 4))
case(F, "keep-alive-only", b":\n\n" * 3 + b": keep-alive\n\n" * 3,
     "A quiet stream of keep-alive comments only: no events, clean.")

gm = [j({"candidates": [{"content": {"parts": [{"text": t}], "role": "model"}, "index": 0}]})
      for t in ["The", " sky", " is blue."]]
case(F, "crlf-server-gemini-style", u(data_events(gm, "\r\n")),
     "A server that ends every line with CRLF, one JSON object per event.")

aspnet = "retry: 5000\r\n\r\n"
aspnet += "id: 1\r\nevent: status\r\ndata: {\"state\":\"queued\"}\r\n\r\n"
aspnet += "id: 2\r\nevent: status\r\ndata: {\"state\":\"running\"}\r\n\r\n"
case(F, "crlf-server-named-events", u(aspnet),
     "A CRLF server with retry, ids and named events.")

# The 1 MiB event: base64-alphabet characters from a small LCG, so the content is
# deterministic, not periodic, and free of CR, LF and leading spaces.
B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def lcg_bytes(n, seed=2024):
    out = bytearray(n)
    x = seed
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out[i] = B64[(x >> 16) & 63]
    return bytes(out)


case(F, "one-mib-event", b"data: " + lcg_bytes(1 << 20) + b"\n\n",
     "One event whose single data line carries exactly 1 MiB (1048576 bytes) of base64-alphabet content (bug class: too-small fixed caps).")

rc = "retry: 3000\n\n"
rc += "id: 100\nevent: tick\ndata: {\"t\":100}\n\n"
rc += ": heartbeat\n\n"
rc += "id: 101\nevent: tick\ndata: {\"t\":101}\n\n"
rc += "retry: 10000\n"
rc += "id: 102\nevent: tick\ndata: {\"t\":102}\n\n"
rc += "id: 103\n\n"
case(F, "id-and-retry-reconnect", u(rc),
     "Server using id for resumption and retry for reconnection delay; a final id-only block moves the last event ID on.",
     hand([ev('{"t":100}', "tick", "100"), ev('{"t":101}', "tick", "101"), ev('{"t":102}', "tick", "102")],
          retries=[3000, 10000], last_id="103", comments=["heartbeat"]))

mer = "id: urn:uuid:5e94c686-2c0b-4f9b-958c-92ccc3bbb4eb\n"
mer += "event: Book\n"
mer += "data: {\n"
mer += "data:   \"@id\": \"https://example.com/books/1\",\n"
mer += "data:   \"status\": \"out-of-stock\"\n"
mer += "data: }\n\n"
mer += ":\n\n"
mer += "id: urn:uuid:1e0cba4c-4bcd-44f0-8c6e-e8f1f3c0b1b0\n"
mer += "data: {\"@id\":\"https://example.com/books/2\"}\n\n"
case(F, "mercure-style-updates", u(mer),
     "Mercure-hub style: URN ids with colons, a JSON document over several data lines, an empty heartbeat comment.")

wm = ":ok\n\n"
for off in (5001, 5002):
    wm += "event: message\nid: %s\ndata: %s\n\n" % (
        j([{"topic": "eqiad.mediawiki.recentchange", "partition": 0, "offset": off}]),
        j({"$schema": "/mediawiki/recentchange/1.0.0", "type": "edit", "title": "Page %d" % off,
           "comment": "fix: typo", "bot": False}))
case(F, "wikimedia-eventstreams-style", u(wm),
     "Wikimedia EventStreams style: JSON-array ids full of colons and quotes, an explicit `event: message`.")

ms = ":)\n"
ms += "event: update\ndata: " + j({"id": "1", "content": "<p>Hi @ann</p>", "visibility": "public"}) + "\n\n"
ms += ":thump\n"
ms += "event: delete\ndata: 1\n\n"
ms += ":thump\n"
case(F, "mastodon-style-streaming", u(ms),
     "Mastodon-streaming style: `event: update`/`delete` with `:thump` heartbeat comments not followed by blank lines.")

sp = "id:1\nevent:periodic-event\ndata:SSE - 10:15:00\n\n"
sp += "id:2\nevent:periodic-event\ndata:SSE - 10:15:01\n\n"
case(F, "no-space-after-colon-server", u(sp),
     "A framework that writes `name:value` with no space (Spring-style); colons inside the value stay.")

ai = [j({"type": "start", "messageId": "m1"}), j({"type": "text-start", "id": "0"})]
ai += [j({"type": "text-delta", "id": "0", "delta": d}) for d in ["Hel", "lo"]]
ai += [j({"type": "text-end", "id": "0"}), j({"type": "finish"}), "[DONE]"]
case(F, "ai-sdk-ui-message-stream", u(data_events(ai)),
     "Vercel-AI-SDK-like UI message stream: typed JSON parts in unnamed events, `[DONE]` at the end.")

gh = ": connected\n\n"
gh += "event: job.started\nid: 1\ndata: {\"job\":\"build\",\"ts\":\"2024-05-01T10:00:00Z\"}\n\n"
gh += "event: log\nid: 2\ndata: Step 1/3 : FROM rust:1.81\ndata:  ---> 4a1b2c3d\n\n"
gh += "event: job.finished\nid: 3\ndata: {\"job\":\"build\",\"conclusion\":\"success\"}\n\n"
case(F, "ci-log-stream", u(gh),
     "CI/job log streaming shape: dotted event names, ids, multi-line data whose second line keeps a leading space.")

# ---------------------------------------------------------------------------------


def model_result(raw, folder):
    res = model.parse(raw)
    out = {
        "events": res["events"],
        "retries": res["retries"],
        "last_event_id": res["last_event_id"],
        "end": res["end"],
    }
    if folder == "comments" or res["comments"]:
        out["comments"] = res["comments"]
    return out


def check_hand(folder, name, computed, expected):
    for key, value in expected.items():
        if computed.get(key) != value:
            sys.exit("hand-written expectation and model disagree in %s/%s on %r:\n  hand:  %r\n  model: %r"
                     % (folder, name, key, value, computed.get(key)))


def needs_escape(ch):
    """Characters written as \\uXXXX in NAME.json although JSON allows them raw:
    invisible or confusable ones, so a reader of the file sees what is there."""
    if ch in "\ufffd\u00a0":
        return True
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")


def js(value):
    """A JSON string: UTF-8 text, with control and invisible characters escaped."""
    text = json.dumps(value, ensure_ascii=False)
    out = []
    for ch in text:
        if needs_escape(ch) and ch not in "\n\t":
            code = ord(ch)
            if code > 0xFFFF:
                code -= 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)))
            else:
                out.append("\\u%04x" % code)
        else:
            out.append(ch)
    return "".join(out)


def render(description, result):
    lines = ["{", '  "description": %s,' % js(description)]
    if result["events"]:
        lines.append('  "events": [')
        rows = ['    {"type": %s, "data": %s, "id": %s}' % (js(e["type"]), js(e["data"]), js(e["id"]))
                for e in result["events"]]
        lines.append(",\n".join(rows))
        lines.append("  ],")
    else:
        lines.append('  "events": [],')
    lines.append('  "retries": [%s],' % ", ".join(str(r) for r in result["retries"]))
    lines.append('  "last_event_id": %s,' % js(result["last_event_id"]))
    if "comments" in result:
        lines.append('  "end": %s,' % js(result["end"]))
        if result["comments"]:
            lines.append('  "comments": [')
            lines.append(",\n".join("    %s" % js(c) for c in result["comments"]))
            lines.append("  ]")
        else:
            lines.append('  "comments": []')
    else:
        lines.append('  "end": %s' % js(result["end"]))
    lines.append("}")
    text = "\n".join(lines) + "\n"
    # The file must read back as exactly what the model computed.
    back = json.loads(text)
    assert back == dict(description=description, **result), description
    assert list(back) == ["description"] + list(result), description
    return text.encode("utf-8")


def build():
    """Return {relative path: bytes} for every fixture file."""
    files = {}
    seen = set()
    for folder, name, raw, description, expect in CASES:
        key = (folder, name)
        if key in seen:
            sys.exit("duplicate case %s/%s" % key)
        seen.add(key)
        result = model_result(raw, folder)
        if expect is not None:
            check_hand(folder, name, result, expect)
        files[os.path.join(folder, name + ".sse")] = raw
        files[os.path.join(folder, name + ".json")] = render(description, result)
    return files


def counts_table():
    per = {f: 0 for f in FOLDERS}
    handmade = {f: 0 for f in FOLDERS}
    for folder, _, _, _, expect in CASES:
        per[folder] += 1
        handmade[folder] += expect is not None
    rows = ["| folder | cases | also checked by hand |", "| --- | ---: | ---: |"]
    rows += ["| %s | %d | %d |" % (f, per[f], handmade[f]) for f in FOLDERS]
    rows.append("| **total** | **%d** | **%d** |" % (sum(per.values()), sum(handmade.values())))
    return "\n".join(rows)


def readme_with_counts(readme):
    begin, end = "<!-- counts:begin -->", "<!-- counts:end -->"
    start, stop = readme.find(begin), readme.find(end)
    if start < 0 or stop < start:
        return readme
    return readme[:start + len(begin)] + "\n" + counts_table() + "\n" + readme[stop:]


def main():
    check = "--check" in sys.argv[1:]
    files = build()
    readme_path = os.path.join(ROOT, "README.md")
    if os.path.exists(readme_path):
        with open(readme_path, encoding="utf-8") as f:
            readme = f.read()
        files["README.md"] = readme_with_counts(readme).encode("utf-8")

    stale, differ = [], []
    for folder in FOLDERS:
        directory = os.path.join(ROOT, folder)
        if os.path.isdir(directory):
            for entry in sorted(os.listdir(directory)):
                rel = os.path.join(folder, entry)
                if rel not in files:
                    stale.append(rel)
    for rel, content in sorted(files.items()):
        path = os.path.join(ROOT, rel)
        try:
            with open(path, "rb") as f:
                if f.read() == content:
                    continue
        except FileNotFoundError:
            pass
        differ.append(rel)

    if check:
        for rel in stale:
            print("stale file:", rel)
        for rel in differ:
            print("out of date:", rel)
        if stale or differ:
            sys.exit("spec-fixtures are out of date: run python3 spec-fixtures/tools/generate.py")
        print("spec-fixtures up to date: %d cases" % len(CASES))
        return

    for rel in stale:
        os.remove(os.path.join(ROOT, rel))
    for rel in differ:
        path = os.path.join(ROOT, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(files[rel])
    print("%d cases (%d checked by hand); %d files written, %d removed"
          % (len(CASES), sum(1 for c in CASES if c[4] is not None), len(differ), len(stale)))


if __name__ == "__main__":
    main()
