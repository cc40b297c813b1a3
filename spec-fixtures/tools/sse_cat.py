#!/usr/bin/env python3
"""Print what an event stream means, one JSON object per line (the spec-fixtures protocol).

    python3 sse_cat.py [--comments] [--break MODE] [FILE]

Reads FILE (or standard input when FILE is absent or `-`), parses it with the reference
model in model.py and prints, in stream order:

    {"type": "...", "data": "...", "id": "..."}     one per dispatched event
    {"retry": N}                                    one per accepted retry value
    {"comment": "..."}                              one per comment, only with --comments
    {"end": "clean"|"incomplete", "last_event_id": "..."}   last line, always

This is the example of how to plug an implementation into the conformance runner
(`ssewire conform`): any program that reads the stream on stdin and prints these
lines can be checked. This one reads the whole input first; a real parser would print
as it goes.

--break MODE injects a classic parser bug, to show the runner catching it:
    strip-all-spaces  remove every leading space from values, not just one
    lf-only           only LF ends a line (CR is kept as text)
    lenient-retry     accept anything Python's int() accepts (+5, " 5", 1_000)
    no-bom-strip      keep a leading BOM
    flush-at-eof      dispatch the pending event at end of stream
"""

import json
import os
import re
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the suite
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model  # noqa: E402


def lf_only_split(text):
    lines = text.split("\n")
    tail = lines.pop()
    return [re.sub(r"\r$", "", line) for line in lines], (tail if tail else None)


def lenient_retry(value):
    try:
        return int(value)
    except ValueError:
        return None


BREAKS = {
    "strip-all-spaces": ("strip_one_space", lambda value: value.lstrip(" ")),
    "lf-only": ("split_lines", lf_only_split),
    "lenient-retry": ("parse_retry", lenient_retry),
    "no-bom-strip": ("decode", lambda raw: raw.decode("utf-8", "replace")),
    "flush-at-eof": None,  # handled below
}


def flush_at_eof(parse):
    """Wrap model.parse so a pending event is dispatched at end of stream."""
    def broken(raw):
        return parse(raw + (b"\n" if raw.endswith(b"\n") else b"\n\n"))
    return broken


def json_line(obj):
    # ensure_ascii keeps the output plain ASCII; any JSON reader accepts it.
    return json.dumps(obj, ensure_ascii=True)


def main(argv):
    comments = False
    path = "-"
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--comments":
            comments = True
        elif arg == "--break":
            if not args or args[0] not in BREAKS:
                sys.exit("--break needs one of: " + ", ".join(BREAKS))
            mode = args.pop(0)
            if mode == "flush-at-eof":
                model.parse = flush_at_eof(model.parse)
            else:
                name, replacement = BREAKS[mode]
                setattr(model, name, replacement)
        elif arg in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            path = arg

    if path == "-":
        raw = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as f:
            raw = f.read()

    result = model.parse(raw)
    out = sys.stdout
    for kind, item in result["log"]:
        if kind == "event":
            out.write(json_line(item) + "\n")
        elif kind == "retry":
            out.write(json_line({"retry": item}) + "\n")
        elif kind == "comment" and comments:
            out.write(json_line({"comment": item}) + "\n")
    out.write(json_line({"end": result["end"], "last_event_id": result["last_event_id"]}) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
