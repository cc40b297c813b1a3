"""Lines of a client program as the peers' comparison counts them: after
rustfmt, without blank lines, comments, the scripted server's lines (from a
comment saying "(not part of the client)" to the next blank line, and the
`use ssewire_client_tests` import) and the checks at the end (from "checks,
not part of the client" to `Ok(())`).

    python3 client-tests/tools/count_lines.py client-tests/examples/*.rs
"""
import sys, re, subprocess
def lines(path):
    src = open(path).read()
    out = subprocess.run(["rustfmt", "--edition", "2021", "--emit", "stdout", "--quiet"], input=src, capture_output=True, text=True).stdout or src
    return out.splitlines()
def count(path, skip_server=True):
    ls = lines(path); n = 0; skipping = None
    for l in ls:
        t = l.strip()
        if skipping == 'server':
            if t == '': skipping = None
            continue
        if skipping == 'checks':
            if t.startswith('Ok(())'): skipping = None; n += 1
            continue
        if '(not part of the client)' in t or "The server's script" in t or 'The server (not part' in t:
            skipping = 'server'; continue
        if 'checks, not part of the client' in t:
            skipping = 'checks'; continue
        if t == '' or t.startswith('//'): continue
        if t.startswith('use ssewire_client_tests'):  # the test server
            # a multi-line use
            continue
        n += 1
    return n
for p in sys.argv[1:]:
    print(p, count(p))
