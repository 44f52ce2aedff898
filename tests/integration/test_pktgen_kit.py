#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The pktgen kit's traffic files match the configuration they are made for.

bench/pktgen/vcs-pcap writes one pcap per port for a vcswitch
configuration: the session matrix of pwmatrix.py (IPv4 and IPv6, L2TPv3
over IP and UDP with standard and other ports, cookies of every length,
with and without the L2SS, VLAN, QinQ and whole-port circuits, pw_type
ethernet and ethernet-vlan) and one dynamic circuit (VLAN 500 on ac1,
no session: its peer never calls). Those files are replayed into the
very configuration through net_pcap, once with 64-byte frames and once
with IMIX.

Proves:
- every static session carries exactly one frame each way: per-VC
  encap_pkts and decap_pkts are 1, so each L2TPv3 packet names its
  session with the right addresses, ports, session ID, cookie and
  sublayer, and each access frame its circuit's tags;
- nothing else is dropped than the circuit's frame, which finds no VC
  (drops.unknown_ac 1): the circuit's frame is in ac1's file with its tag;
- frame sizes count the FCS: at 64 bytes every access frame is 60 bytes
  in the file; with IMIX the access frames are 60, 590 and 1514 bytes;
- tshark decodes every packet of the network file as L2TPv3 with the
  session IDs of the configuration, without a malformed packet;
- a configuration that vcswitch would refuse is refused, and a network
  port without a MAC needs --dut-mac.
"""

import os
import shutil
import subprocess

import vcstest as vt
from pwmatrix import ACCESS_PORTS, matrix, network_neighbors

CIRCUIT_VLAN = 500


def setup(ctx, name):
    pws = list(matrix())
    vs = ctx.vcswitch(name)
    ac = {p: vs.access_pcap(p) for p in ACCESS_PORTS}
    # IMIX's 1518-byte frames need room for the outer headers
    net = vs.network_pcap("wan0", neighbors=network_neighbors(pws), mtu=9000)
    vs.add(*pws)
    vs.l2tp = {"router_id": "192.0.2.1",
               "peers": [{"name": "pe", "address": "192.0.2.250"}]}
    vs.circuits = [{"name": "c500", "ac": {"port": "ac1", "vlan": CIRCUIT_VLAN},
                    "peer": "pe"}]
    return vs, pws, dict(ac, wan0=net)


def vcs_pcap(ctx, cfg, out, *args):
    return subprocess.run([ctx.tools["vcs-pcap"], "-c", cfg, "-o", out] + list(args),
                          capture_output=True, text=True, timeout=vt.scaled(30))


def vlan_ids(frame):
    """The VIDs of the tags at the front of an Ethernet frame."""
    vids, off = [], 12
    while frame[off:off + 2] in (b"\x81\x00", b"\x88\xa8", b"\x91\x00"):
        vids.append(int.from_bytes(frame[off + 2:off + 4], "big") & 0xfff)
        off += 4
    return vids


def replay(ctx, name, size_args, sizes, tshark=False):
    chk = ctx.check
    vs, pws, ports = setup(ctx, name)
    with open(vs.cfg_path, "w") as f:
        f.write(vs.config())
    out = os.path.join(vs.dir, "kit")
    r = vcs_pcap(ctx, vs.cfg_path, out, *size_args)
    print(r.stdout, end="", flush=True)
    if r.returncode != 0:
        raise vt.TestFailure("vcs-pcap exited %d: %s" % (r.returncode, r.stderr))
    n_in = 0
    for pname, port in ports.items():
        frames = vt.read_pcap(os.path.join(out, pname + ".pcap"))
        n_in += len(frames)
        if pname in ACCESS_PORTS:
            chk.true(all(len(f) in sizes for f in frames),
                     "%s: frame sizes %s within %s" % (
                         pname, sorted({len(f) for f in frames}), sizes))
        shutil.copyfile(os.path.join(out, pname + ".pcap"), port.rx_path)
    ac1 = vt.read_pcap(os.path.join(out, "ac1.pcap"))
    chk.eq(sum(1 for f in ac1 if vlan_ids(f) == [CIRCUIT_VLAN]), 1,
           "the circuit's frame in ac1's file, with its tag")
    chk.eq(n_in, 2 * len(pws) + 1, "frames written: one per session each way, one per circuit")

    vs.start()
    st = vs.wait_processed(n_in)
    vcs = {pw.name: vs.vc(pw.name) for pw in pws}
    vs.stop()
    chk.eq((st["rx"], st["encap"], st["decap"]), (n_in, len(pws), len(pws)),
           "stats rx, encap, decap")
    chk.dict_eq(st["drops"], {"unknown_ac": 1}, "stats drops")
    chk.dict_eq(st["encap_drops"], {}, "stats encap_drops")
    chk.dict_eq(st["decap_drops"], {}, "stats decap_drops")
    for pw in pws:
        v = vcs[pw.name]
        chk.eq((v["encap_pkts"], v["decap_pkts"]), (1, 1),
               "vc %s encap_pkts, decap_pkts" % pw.name)

    if tshark:
        decode(ctx, os.path.join(out, "wan0.pcap"), pws)


def decode(ctx, wan, pws):
    """tshark takes the cookie and sublayer as preferences: one pass per
    session, picking its packet by session ID."""
    chk = ctx.check
    if not vt.have_tshark():
        print("tshark not found: the network file is not decoded", flush=True)
        return
    for pw in pws:
        rows = vt.tshark_fields(wan, ["l2tp.sid", "eth.type", "vlan.etype", "_ws.malformed"],
                                pw.tshark_opts() + ["-Y", "l2tp.sid == %d" % pw.local_sid])
        chk.eq(len(rows), 1, "tshark: one packet of session %s in wan0.pcap" % pw.name)
        for row in rows:
            chk.eq(row["_ws.malformed"], [], "tshark: session %s's packet well formed" % pw.name)
            chk.true("0x88b5" in row["eth.type"] + row["vlan.etype"],
                     "tshark: session %s carries the stamped frame (%s)" % (pw.name, row))


def refusals(ctx):
    chk = ctx.check
    vs, _, _ = setup(ctx, "kit-bad")
    good = vs.config()
    bad = os.path.join(vs.dir, "bad.cfg")
    with open(bad, "w") as f:
        f.write(good.replace('"192.0.2.250"', '"192.0.2.999"'))
    r = vcs_pcap(ctx, bad, os.path.join(vs.dir, "bad"))
    chk.eq(r.returncode, 2, "a bad configuration: exit 2")
    chk.true(r.stderr.startswith(bad + ":"), "the error names the file and line: %r" % r.stderr)
    nomac = os.path.join(vs.dir, "nomac.cfg")
    with open(nomac, "w") as f:
        f.write(good.replace('mac = "%s";' % vt.OUR_MAC, ""))
    chk.true('mac = "%s";' % vt.OUR_MAC in good, "the network port has a MAC to take away")
    r = vcs_pcap(ctx, nomac, os.path.join(vs.dir, "nomac"))
    chk.true(r.returncode == 1 and "--dut-mac" in r.stderr,
             "no MAC for the network port: refused, naming --dut-mac (%r)" % r.stderr)
    r = vcs_pcap(ctx, nomac, os.path.join(vs.dir, "nomac"), "--dut-mac", vt.OUR_MAC)
    chk.eq(r.returncode, 0, "with --dut-mac: written (%s)" % r.stderr)


def test(ctx):
    replay(ctx, "kit64", [], {60}, tshark=True)
    replay(ctx, "kitimix", ["--size", "imix"], {60, 590, 1514})
    refusals(ctx)


if __name__ == "__main__":
    vt.run_test(test, __doc__, tools=("vcs-pcap",))
