#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The command line: exit codes and what is printed.

Proves:
- `--check FILE` accepts every config/*.cfg of the repository (exit 0,
  "FILE: OK: ..." on stdout);
- a file with an error (out-of-range value, unknown port, duplicate
  session ID, syntax error) is refused with exit 2 and "FILE:LINE: ..."
  on stderr, naming the line of the error, by `--check` and by `-c`; `-c`
  starts nothing: no EAL output, no /var/run/dpdk/<file_prefix>;
- a missing file, an unknown option, both or neither of -c/-e, a bad
  --stats value, an unknown built-in name: exit 2;
- `--version` prints "vcswitch X.Y.Z", `--help` the usage, exit 0;
- `--list-embedded` lists demo-a and demo-b; `--print-embedded demo-a`
  prints config/demo-a.cfg, which `--check` accepts.
"""

import glob
import os
import re
import subprocess

import vcstest as vt

BASE = """eal = {{ lcores = "0@0,1@1"; hugepages = false; file_prefix = "{prefix}"; }};
ports = (
	{{ name = "ac0"; devargs = "net_null0"; role = "access"; }},
	{{ name = "wan0"; devargs = "net_null1"; role = "network"; mtu = {mtu};
	   ipv4 = "192.0.2.1/24"; }}
);
workers = ( {{ lcore = 1; rx = ( {{ port = "ac0"; }}, {{ port = "wan0"; }} ); }} );
sessions = (
	{{ name = "s1"; ac = {{ port = "ac0"; }}; encap = "ip"; local = "192.0.2.1";
	   remote = "192.0.2.2"; local_session_id = 1; remote_session_id = 2; }},
	{{ name = "s2"; ac = {{ port = "{s2_port}"; vlan = 5; }}; encap = "ip"; local = "192.0.2.1";
	   remote = "192.0.2.3"; local_session_id = {s2_id}; remote_session_id = 3; }}
);
"""
# (what, substitutions, line of the error)
BAD = [
    ("mtu out of range", {"mtu": 99999}, 4),
    ("unknown port", {"s2_port": "nope"}, 11),
    ("duplicate session ID", {"s2_id": 1}, 12),
]


def run(ctx, *args, timeout=30):
    cmd = vt.WRAPPER + [ctx.binary] + list(args)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=vt.scaled(timeout))
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def test(ctx):
    chk = ctx.check
    root = vt.repo_root()
    cfgs = sorted(glob.glob(os.path.join(root, "config", "*.cfg")))
    chk.true(cfgs, "config/*.cfg exist")
    for path in cfgs:
        rc, out, err = run(ctx, "--check", path)
        chk.eq(rc, 0, "--check %s: exit code (stderr: %s)" % (path, err.strip()))
        chk.true(out.startswith(path + ": OK"), "--check %s: stdout %r" % (path, out))

    good = BASE.format(prefix="vcst-cli-good-%d" % os.getpid(), mtu=1500, s2_port="ac0",
                       s2_id=4)
    p = os.path.join(ctx.workdir, "good.cfg")
    with open(p, "w") as f:
        f.write(good)
    rc, out, err = run(ctx, "--check", p)
    chk.eq(rc, 0, "--check of the base file (stderr: %s)" % err.strip())

    for i, (what, subst, line) in enumerate(BAD):
        prefix = "vcst-cli-bad-%d-%d" % (os.getpid(), i)
        kw = {"prefix": prefix, "mtu": 1500, "s2_port": "ac0", "s2_id": 4}
        kw.update(subst)
        p = os.path.join(ctx.workdir, "bad%d.cfg" % i)
        with open(p, "w") as f:
            f.write(BASE.format(**kw))
        for args in (["--check", p], ["-c", p]):
            rc, out, err = run(ctx, *args)
            w = "%s (%s)" % (" ".join(args[:1]), what)
            chk.eq(rc, 2, w + ": exit code")
            chk.true(re.match(r"^%s:%d: \S.*" % (re.escape(p), line), err),
                     w + ": stderr should start with %s:%d: , got %r" % (p, line, err))
            chk.true("EAL" not in err and "running" not in out,
                     w + ": nothing started (stdout %r)" % out)
            chk.true(not os.path.exists(os.path.join(vt.RUNTIME_DIR, prefix)),
                     w + ": %s/%s must not exist" % (vt.RUNTIME_DIR, prefix))

    prefix = "vcst-cli-syntax-%d" % os.getpid()
    p = os.path.join(ctx.workdir, "syntax.cfg")
    with open(p, "w") as f:
        f.write('eal = { file_prefix = "%s"; };\nports = ( { name = "a" \n' % prefix)
    for args in (["--check", p], ["-c", p]):
        rc, out, err = run(ctx, *args)
        chk.eq(rc, 2, "%s (syntax error): exit code" % args[0])
        chk.true(re.match(r"^%s:\d+: \S.*" % re.escape(p), err),
                 "%s (syntax error): stderr should be FILE:LINE: ..., got %r" % (args[0], err))
        chk.true(not os.path.exists(os.path.join(vt.RUNTIME_DIR, prefix)),
                 "%s (syntax error): nothing started" % args[0])

    missing = os.path.join(ctx.workdir, "missing.cfg")
    for args, what in ((["--check", missing], "missing file"),
                       (["-c", missing], "-c missing file"),
                       (["--no-such-option"], "unknown option"),
                       (["-c", p, "-e", "demo-a"], "both -c and -e"),
                       ([], "neither -c nor -e"),
                       (["-c", p, "--stats", "0"], "--stats 0"),
                       (["--print-embedded", "no-such"], "--print-embedded no-such"),
                       (["-e", "no-such"], "-e no-such")):
        rc, out, err = run(ctx, *args)
        chk.eq(rc, 2, "%s: exit code" % what)
        chk.true(err.strip() != "", "%s: says why on stderr" % what)

    rc, out, err = run(ctx, "--version")
    chk.eq(rc, 0, "--version: exit code")
    chk.true(re.match(r"^vcswitch \d+\.\d+\.\d+\S*\n$", out), "--version: stdout %r" % out)
    rc, out, err = run(ctx, "-V")
    chk.eq(rc, 0, "-V: exit code")
    rc, out, err = run(ctx, "--help")
    chk.eq(rc, 0, "--help: exit code")
    chk.true("Usage:" in out and "--check" in out, "--help: usage on stdout")

    rc, out, err = run(ctx, "--list-embedded")
    chk.eq(rc, 0, "--list-embedded: exit code")
    names = out.split()
    chk.true("demo-a" in names and "demo-b" in names, "--list-embedded lists demo-a and "
             "demo-b: %r" % out)
    for name in ("demo-a", "demo-b"):
        rc, out, err = run(ctx, "--print-embedded", name)
        chk.eq(rc, 0, "--print-embedded %s: exit code" % name)
        src = os.path.join(root, "config", name + ".cfg")
        if os.path.exists(src):
            with open(src) as f:
                chk.true(out == f.read(), "--print-embedded %s prints config/%s.cfg"
                         % (name, name))
        p = os.path.join(ctx.workdir, name + ".cfg")
        with open(p, "w") as f:
            f.write(out)
        rc, out, err = run(ctx, "--check", p)
        chk.eq(rc, 0, "--check of --print-embedded %s (stderr: %s)" % (name, err.strip()))


if __name__ == "__main__":
    vt.run_test(test, __doc__)
