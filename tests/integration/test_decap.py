#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Decapsulation: L2TPv3 packets -> AC frames, byte for byte.

The session matrix of pwmatrix.py plus two sessions with sequencing
"recv" / "both". Packets a peer would send, built in Python, go into the
network port; every access port must emit exactly the inner frames, in
order:
- whole-port AC: untagged and tagged inner frames unchanged;
- VLAN AC, pw_type ethernet: the AC's tag (PCP 0) pushed back;
- VLAN AC, pw_type ethernet-vlan: the inner tag's VID rewritten to the
  AC's, PCP and DEI kept;
- QinQ AC: S-tag (802.1ad) and C-tag pushed (ethernet), or the S-tag
  pushed in front of the carried tag, its VID rewritten (ethernet-vlan);
- the link padding of a short outer frame (IPv4 packet shorter than the
  60-byte Ethernet minimum), bytes after the IP packet, and bytes after
  the UDP datagram inside the IP packet are not part of the inner frame;
- an outer IPv4 header with options is accepted;
- UDP over IPv4 with checksum 0 (none) and with a correct checksum, and
  UDP over IPv6 (checksum mandatory) are accepted;
- a session that only sends sequence numbers ignores received ones;
- sequencing recv (RFC 3931 §4.6, Appendix C): in-order and jumps ahead
  (up to 2^23-1 past the expected number) are accepted, duplicates and
  older numbers are dropped as decap_drops.sequence, S=0 packets are
  accepted and leave the expected number alone, the 24-bit space wraps.
Counters: rx, decap, per-VC decap_pkts/decap_bytes, decap_drops.sequence
exactly; nothing else dropped; nothing sent on the network port.
"""

import vcstest as vt
from pwmatrix import ACCESS_PORTS, matrix, network_neighbors

SEQ_PORTS = ["ac10", "ac11"]


def seq_sessions():
    rx = vt.Pw("seqrx", ac="ac10", family=4, encap="udp", udp_checksum=True,
               local_sid=500, remote_sid=5000, local_cookie=bytes.fromhex("5e0c0c1e"),
               remote_cookie=bytes.fromhex("0badf00d"), l2ss=True, seq="recv",
               remote="192.0.2.60", peer_mac="02:00:5e:30:00:01")
    both = vt.Pw("seqwrap", ac="ac11", family=6, encap="ip",
                 local_sid=501, remote_sid=5001,
                 local_cookie=bytes.fromhex("0123456789abcdef"),
                 remote_cookie=bytes.fromhex("fedcba9876543210"), l2ss=True, seq="both",
                 remote="2001:db8::60", peer_mac="02:00:5e:30:00:02")
    return rx, both


def build(pws):
    by = {pw.name: pw for pw in pws}
    net_in = []
    ac_out = {p: [] for p in ACCESS_PORTS + SEQ_PORTS}
    n_dec = {pw.name: 0 for pw in pws}
    n_seq_drop = {pw.name: 0 for pw in pws}

    def rx(name, inner, out, **kw):
        """The peer sends `inner`; `out` is what the AC must emit (None: dropped)."""
        pw = by[name]
        if pw.l2ss and "seq" not in kw:
            kw["seq"], kw["s"] = 0x123456, True  # ignored unless sequencing recv
        pkt = kw.pop("frame", None) or pw.from_peer(inner, **kw)
        net_in.append(pkt)
        if out is None:
            n_seq_drop[name] += 1
        else:
            ac_out[pw.ac].append(out)
            n_dec[name] += 1

    tag = vt.vlan_tag
    f = vt.inner_frame

    # whole port
    w0 = by["w0"]
    a = f("w0-a", 60)
    rx("w0", a, a)
    a = f("w0-vid300", 120, tags=[tag(300, pcp=2)])
    rx("w0", a, a)
    # a tiny inner frame: the outer frame is 58 bytes, padded to 60
    tiny = vt.eth("02:aa:00:00:00:01", "02:bb:00:00:00:02", 0x88B5, b"tiny!!")
    rx("w0", tiny, tiny, frame=vt.pad60(w0.from_peer(tiny)))
    # four bytes after the IP packet (e.g. an FCS the capture kept)
    a = f("w0-trailer", 100)
    rx("w0", a, a, frame=w0.from_peer(a) + b"\xde\xad\xbe\xef")
    # an IPv4 header with options (NOP NOP NOP EOL)
    a = f("w0-ipopt", 90)
    rx("w0", a, a, ip_kw={"options": b"\x01\x01\x01\x00"})
    a = f("w0-big", 1400)
    rx("w0", a, a)

    # VLAN 100, pw_type ethernet: the AC tag is pushed back
    def pushed(frame, vid):
        return frame[:12] + tag(vid) + frame[12:]
    for label, size in (("v100-a", 60), ("v100-b", 700)):
        a = f(label, size)
        rx("v100", a, pushed(a, 100))
    # VLAN 200, pw_type ethernet-vlan: VID rewritten, PCP/DEI kept
    a = f("v200-a", 80, tags=[tag(999, pcp=5, dei=1)])
    rx("v200", a, a[:12] + tag(200, pcp=5, dei=1) + a[16:])
    a = f("v200-b", 80, tags=[tag(200, pcp=1)])
    rx("v200", a, a)
    # VLAN 10 on ac1
    a = f("v10-a", 66)
    rx("v10", a, pushed(a, 10))
    # QinQ on ac1: pw_type ethernet pushes S-tag (802.1ad) and C-tag;
    # ethernet-vlan pushes the S-tag in front of the carried C-tag, whose
    # VID is rewritten
    a = f("q400-a", 70)
    rx("q400", a, a[:12] + tag(400, tpid=0x88a8) + tag(7) + a[12:])
    a = f("q401-a", 80, tags=[tag(999, pcp=5, dei=1)])
    rx("q401", a, a[:12] + tag(401, tpid=0x88a8) + tag(8, pcp=5, dei=1) + a[16:])
    a = f("q401-b", 80)
    rx("q401", a, a[:12] + tag(401, tpid=0x88a8) + tag(8) + a[12:])

    # every other session: three sizes; received sequence numbers are
    # ignored without sequencing recv
    for pw in pws:
        if pw.ac in ("ac0", "ac1") or pw.ac in SEQ_PORTS:
            continue
        for i, size in enumerate((60, 333, 1400)):
            a = f("%s-%d" % (pw.name, i), size)
            kw = {"seq": (7, 7, 3)[i], "s": True} if pw.l2ss else {}
            rx(pw.name, a, a, **kw)

    # UDP over IPv4 with a correct (non-zero) checksum on a session that sends none
    udp4 = by["udp4"]
    a = f("udp4-csum", 128)
    rx("udp4", a, a, udp_csum=True)
    # three bytes after the UDP datagram, inside the IP packet
    a = f("udp4-tail", 100)
    body = vt.l2tp_udp_data(udp4.local_sid, udp4.local_cookie) + a
    u = vt.udp(udp4.remote_port, udp4.local_port, body, csum=False) + b"\x00\x11\x22"
    rx("udp4", a, a, frame=vt.eth(vt.OUR_MAC, udp4.peer_mac, vt.ETH_IPV4,
                                  vt.ipv4(udp4.remote, udp4.local, vt.PROTO_UDP, u)))

    # sequencing recv
    seq_rx = [(0, True, True), (1, True, True), (1, True, False), (0, True, False),
              (5, True, True), (6, True, True), (3, True, False),
              (2, False, True),            # S=0: accepted, expected stays 7
              (7, True, True),
              (7 + 2**23 - 1, True, True),  # the far end of the window
              (7, True, False),            # now 2^23 behind: old
              (7 + 2**23, True, True)]
    for i, (seq, s, ok) in enumerate(seq_rx):
        a = f("seqrx-%d" % i, 70 + i)
        rx("seqrx", a, a if ok else None, seq=seq, s=s)
    seq_wrap = [(0, True), (0x7FFFFF, True), (0xFFFFFF, True), (0, True), (0xFFFFFF, False),
                (1, True)]
    for i, (seq, ok) in enumerate(seq_wrap):
        a = f("seqwrap-%d" % i, 90 + i)
        rx("seqwrap", a, a if ok else None, seq=seq, s=True)
    return net_in, ac_out, n_dec, n_seq_drop


def test(ctx):
    chk = ctx.check
    pws = list(matrix()) + list(seq_sessions())
    net_in, ac_out, n_dec, n_seq_drop = build(pws)
    vs = ctx.vcswitch("decap")
    ac = {p: vs.access_pcap(p) for p in ACCESS_PORTS + SEQ_PORTS}
    net = vs.network_pcap("wan0", net_in, neighbors=network_neighbors(pws))
    vs.add(*pws)
    vs.start()
    st = vs.wait_processed(len(net_in))
    vcs = {pw.name: vs.vc(pw.name) for pw in pws}
    vs.stop()

    total_dec = sum(n_dec.values())
    chk.eq((st["rx"], st["decap"], st["encap"], st["punted"]),
           (len(net_in), total_dec, 0, 0), "stats rx, decap, encap, punted")
    chk.dict_eq(st["drops"], {}, "stats drops")
    chk.dict_eq(st["encap_drops"], {}, "stats encap_drops")
    chk.dict_eq(st["decap_drops"], {"sequence": sum(n_seq_drop.values())},
                "stats decap_drops")
    out_bytes = {}
    for pw in pws:
        v = vcs[pw.name]
        chk.eq((v["decap_pkts"], v["encap_pkts"]), (n_dec[pw.name], 0),
               "vc %s decap_pkts, encap_pkts" % pw.name)
        chk.dict_eq(v["decap_drops"], {"sequence": n_seq_drop[pw.name]},
                    "vc %s decap_drops" % pw.name)
        out_bytes.setdefault(pw.ac, 0)
        out_bytes[pw.ac] += v["decap_bytes"]
    for p in ACCESS_PORTS + SEQ_PORTS:
        got = ac[p].out()
        chk.frames(got, ac_out[p], "access port %s output" % p)
        chk.eq(out_bytes.get(p, 0), sum(len(x) for x in ac_out[p]),
               "decap_bytes of the sessions on %s" % p)
    chk.eq(len(net.out()), 0, "frames sent on the network port (worker queue)")
    chk.eq(len(net.ctrl()), 0, "frames sent on the network port (control queue)")


if __name__ == "__main__":
    vt.run_test(test, __doc__)
