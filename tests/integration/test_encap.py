#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Encapsulation: AC frames -> L2TPv3 packets, byte for byte.

One vcswitch with ten pcap access ports and one pcap network port carries
the session matrix of pwmatrix.py: outer IPv4 and IPv6; L2TP over IP and
over UDP (port 1701 and non-standard ports, UDP checksum on and off over
IPv4, always computed over IPv6); no, 4- and 8-byte cookies (the remote
cookie is what goes on the wire); no L2SS and the default L2SS, with
sequencing "send" (S=1, 0, 1, 2, ... per session); a VLAN AC with
pw_type ethernet (tag stripped) and ethernet-vlan (tag kept); QinQ ACs
(S-tag 0x88a8, 0x9100 or 0x8100 over a C-tag) with ethernet (both tags
stripped) and ethernet-vlan (C-tag kept, S-tag stripped); a
whole-port AC carrying untagged, tagged, priority-tagged and
double-tagged frames; the largest frame the network MTU (1500) allows.

Proves:
- each output frame equals what an independent builder predicts: outer
  Ethernet to the session's static next hop from our MAC; IPv4 version 4,
  IHL 5, TOS 0, ID 0, DF, TTL 64, correct header checksum; IPv6 hop limit
  64, traffic class and flow label 0; UDP ports and checksum; session ID,
  cookie, L2SS; the inner frame;
- frames of a VLAN (or S-VLAN and C-VLAN) no session claims on a port
  without a whole-port session are counted as drops.unknown_ac and go
  nowhere;
- the counters: rx, encap, per-VC encap_pkts/encap_bytes, no drops else;
- tshark decodes every output without malformed packets or expert
  errors, with good IP (and UDP, when set) checksums, the expected
  l2tp.sid, l2tp.cookie, l2tp.l2_spec_s/l2_spec_sequence, and the inner
  frame down to its UDP payload.
"""

import os

import vcstest as vt
from pwmatrix import ACCESS_PORTS, matrix, network_neighbors


def build_inputs(pws):
    """{port: [AC frames]} and {session: [expected network frames]}."""
    by = {pw.name: pw for pw in pws}
    ac_in = {p: [] for p in ACCESS_PORTS}
    expect = {pw.name: [] for pw in pws}
    seqs = {pw.name: 0 for pw in pws}

    def send(name, frame):
        pw = by[name]
        ac_in[pw.ac].append(frame)
        seq = None
        if pw.seq in ("send", "both"):
            seq = seqs[name]
            seqs[name] += 1
        expect[name].append(pw.encap_expect(pw.strip_tag(frame), seq))

    tag = vt.vlan_tag
    w0, v100, v200 = by["w0"], by["v100"], by["v200"]
    # ac0: whole port + VLAN 100 (ethernet: stripped) + VLAN 200 (ethernet-vlan: kept)
    send("w0", vt.inner_frame("w0-untagged-min", 60))
    send("v100", vt.inner_frame("v100-a", 64, tags=[tag(100, pcp=5)]))
    send("w0", vt.inner_frame("w0-vid300", 200, tags=[tag(300, pcp=1)]))
    send("v200", vt.inner_frame("v200-a", 64, tags=[tag(200, pcp=3)]))
    send("w0", vt.inner_frame("w0-prio", 100, tags=[tag(0, pcp=6)]))
    send("v100", vt.inner_frame("v100-b", 300, tags=[tag(100)]))
    send("w0", vt.inner_frame("w0-double", 150, tags=[tag(4000), tag(7)]))
    send("v200", vt.inner_frame("v200-max", v200.max_frame(), tags=[tag(200)]))
    # with the tag stripped the frame is exactly the largest that fits
    send("v100", vt.inner_frame("v100-max", v100.max_frame() + 4, tags=[tag(100, pcp=7)]))
    send("w0", vt.inner_frame("w0-max", w0.max_frame()))
    send("w0", vt.inner_frame("w0-mid", 500))
    # ac1: VLAN 10 only
    send("v10", vt.inner_frame("v10-a", 80, tags=[tag(10)]))
    # ac1: QinQ S-VLAN 400 C-VLAN 7 (ethernet: both tags stripped) and
    # S-VLAN 401 C-VLAN 8 (ethernet-vlan: the C-tag kept); any of the
    # three S-tag TPIDs is taken
    send("q400", vt.inner_frame("q400-a", 80, tags=[tag(400, tpid=0x88a8), tag(7, pcp=3)]))
    send("q400", vt.inner_frame("q400-b", 80, tags=[tag(400, tpid=0x9100), tag(7)]))
    send("q401", vt.inner_frame("q401-a", 90, tags=[tag(401, tpid=0x88a8), tag(8, pcp=2)]))
    send("q401", vt.inner_frame("q401-b", 90, tags=[tag(401), tag(8, pcp=1)]))
    unknown = [vt.inner_frame("ac1-vid11", 90, tags=[tag(11)]),
               vt.inner_frame("ac1-s400-c9", 90, tags=[tag(400, tpid=0x88a8), tag(9)]),
               vt.inner_frame("ac1-untagged", 90),
               vt.inner_frame("ac1-prio", 90, tags=[tag(0, pcp=2)])]
    ac_in["ac1"] += unknown
    send("v10", vt.inner_frame("v10-max", by["v10"].max_frame() + 4, tags=[tag(10)]))
    # the others: whole-port sessions, three sizes each
    for pw in pws:
        if pw.ac in ("ac0", "ac1"):
            continue
        for label, size in (("min", 60), ("mid", 333), ("max", pw.max_frame())):
            send(pw.name, vt.inner_frame("%s-%s" % (pw.name, label), size))
    return ac_in, expect, len(unknown)


def protocols_expected(pw, inner):
    outer = "eth:ethertype:" + ("ip" if pw.family == 4 else "ipv6") + \
        (":udp" if pw.encap == "udp" else "") + ":l2tp"
    n_tags = 0
    off = 12
    while inner[off:off + 2] in (b"\x81\x00", b"\x88\xa8"):
        n_tags += 1
        off += 4
    return outer + ":ethertype" + ":vlan:ethertype" * n_tags + ":ip:udp:data"


def tshark_checks(ctx, pws, got_by_session):
    chk = ctx.check
    fields = ["frame.protocols", "l2tp.sid", "l2tp.cookie", "l2tp.l2_spec_s",
              "l2tp.l2_spec_sequence", "ip.checksum.status", "udp.checksum.status",
              "_ws.expert.severity", "_ws.expert.message", "_ws.malformed",
              "ip.flags.df", "ip.ttl", "ip.id", "ipv6.hlim"]
    for pw in pws:
        frames, inners = got_by_session[pw.name]
        if not frames:
            continue
        path = os.path.join(ctx.workdir, "tshark-%s.pcap" % pw.name)
        vt.write_pcap(path, frames)
        rows = vt.tshark_fields(path, fields, pw.tshark_opts() + [
            "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"])
        chk.eq(len(rows), len(frames), "%s: tshark packet count" % pw.name)
        seq = 0
        for i, (r, inner) in enumerate(zip(rows, inners)):
            w = "%s packet %d (tshark)" % (pw.name, i)
            chk.eq(r["frame.protocols"], [protocols_expected(pw, inner)], w + " protocols")
            chk.eq([int(x, 0) for x in r["l2tp.sid"]], [pw.remote_sid], w + " l2tp.sid")
            chk.eq(r["l2tp.cookie"], [pw.remote_cookie.hex()] if pw.remote_cookie else [],
                   w + " l2tp.cookie")
            if pw.l2ss:
                sending = pw.seq in ("send", "both")
                chk.eq(r["l2tp.l2_spec_s"], ["1" if sending else "0"], w + " l2tp.l2_spec_s")
                chk.eq(r["l2tp.l2_spec_sequence"], [str(seq if sending else 0)],
                       w + " l2tp.l2_spec_sequence")
                seq += 1
            else:
                chk.eq(r["l2tp.l2_spec_sequence"], [], w + " no L2SS")
            # outer and inner IPv4 header checksums: 1 = good
            n_ip4 = (1 if pw.family == 4 else 0) + 1
            chk.eq(r["ip.checksum.status"], ["1"] * n_ip4, w + " ip.checksum.status")
            # outer UDP: good when set, 3 = not present when off; inner UDP: good
            udp = (["1" if pw.udp_checksum else "3"] if pw.encap == "udp" else []) + ["1"]
            chk.eq(r["udp.checksum.status"], udp, w + " udp.checksum.status")
            bad = [(s, m) for s, m in zip(r["_ws.expert.severity"], r["_ws.expert.message"])
                   if int(s) >= vt.EXPERT_WARN]
            chk.eq(bad, [], w + " expert warnings/errors")
            chk.eq(r["_ws.malformed"], [], w + " malformed")
            if pw.family == 4:
                chk.eq((r["ip.flags.df"][0], r["ip.ttl"][0], r["ip.id"][0]), ("1", "64", "0x0000"),
                       w + " outer DF, TTL, ID")
            else:
                chk.eq(r["ipv6.hlim"], ["64"], w + " outer hop limit")


def test(ctx):
    chk = ctx.check
    pws = matrix()
    ac_in, expect, n_unknown = build_inputs(pws)
    vs = ctx.vcswitch("encap")
    ac = {p: vs.access_pcap(p, ac_in[p]) for p in ACCESS_PORTS}
    net = vs.network_pcap("wan0", [], neighbors=network_neighbors(pws))
    vs.add(*pws)
    n_in = sum(len(v) for v in ac_in.values())
    n_out = sum(len(v) for v in expect.values())
    vs.start()
    st = vs.wait_processed(n_in)
    vcs = {pw.name: vs.vc(pw.name) for pw in pws}
    chk.eq(vs.cmd("/vcswitch/vcs")["count"], len(pws), "/vcswitch/vcs count")
    vs.stop()

    chk.eq((st["rx"], st["encap"], st["decap"], st["punted"]), (n_in, n_out, 0, 0),
           "stats rx, encap, decap, punted")
    chk.dict_eq(st["drops"], {"unknown_ac": n_unknown}, "stats drops")
    chk.dict_eq(st["encap_drops"], {}, "stats encap_drops")
    chk.dict_eq(st["decap_drops"], {}, "stats decap_drops")
    for pw in pws:
        v = vcs[pw.name]
        chk.eq((v["state"], v["encap_pkts"], v["encap_bytes"], v["decap_pkts"]),
               ("active", len(expect[pw.name]), sum(len(f) for f in expect[pw.name]), 0),
               "vc %s state, encap_pkts, encap_bytes, decap_pkts" % pw.name)
        chk.dict_eq(v["encap_drops"], {}, "vc %s encap_drops" % pw.name)

    got = net.out()
    chk.matched(got, expect, "network port output")
    chk.eq(len(net.ctrl()), 0, "frames on the network port's control TX queue")
    for p in ACCESS_PORTS:
        chk.eq(len(ac[p].out()), 0, "frames sent to access port %s" % p)

    if not vt.have_tshark():
        print("NOTE: tshark not found; the tshark cross-checks are skipped")
        return
    # group the output per session (in output order) for tshark
    pending = {k: list(v) for k, v in expect.items()}
    inners = {pw.name: [] for pw in pws}
    for pw in pws:
        for fr in expect[pw.name]:
            inners[pw.name].append(fr[14 + pw.overhead():])
    by_session = {pw.name: ([], []) for pw in pws}
    for g in got:
        for name, v in pending.items():
            if v and v[0] == g:
                by_session[name][0].append(g)
                by_session[name][1].append(inners[name][len(by_session[name][0]) - 1])
                v.pop(0)
                break
    tshark_checks(ctx, pws, by_session)


if __name__ == "__main__":
    vt.run_test(test, __doc__)
