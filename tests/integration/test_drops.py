#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Drops: every reason dataplane/dp.h names for network input, exactly.

Bad packets, each with one fault, mixed with valid ones, go into the
network and access ports of one vcswitch. The reasons are those pkt.h
documents:
- drops.malformed: runt frames (network and AC), an 802.1Q tag cut
  short on the AC, an IPv4 total length beyond the frame, an IHL below 5,
  L2TP over IP with fewer than 4 bytes after the IP header, a UDP
  datagram too short for the L2TP data header or the session ID, a UDP
  length beyond the IP packet, a UDP data message with session ID 0;
- decap_drops.truncated: a known session whose cookie, L2SS or inner
  Ethernet header is cut short;
- decap_drops.bad_cookie, decap_drops.wrong_peer (wrong source address,
  L2TP over IP for a UDP session, the session's ID on another L2TP UDP
  port, from another UDP port of the peer), drops.unknown_session (over IP
  and UDP);
- drops.ip_checksum (IPv4 header), drops.udp_checksum (wrong over IPv4,
  wrong over IPv6, zero over IPv6), drops.ip_fragment (MF set, offset
  set, IPv6 fragment header);
- drops.unsupported_protocol: UDP to a port no session uses, TCP and GRE
  to us, an unknown EtherType; drops.not_for_us: another unicast MAC,
  another IPv4 or IPv6 address; drops.l2tp_version: a version 2 data
  header over UDP;
- encap_drops.mtu_exceeded: an AC frame one byte longer than the
  network MTU allows after encapsulation (the largest one passes).
Each counter equals the number injected, per VC where the reason is
charged to one; no other counter moves; none of these frames reaches any
output, and the valid packets among them are forwarded intact.
"""

import vcstest as vt
from vcstest import OUR_MAC, OUR_V4, OUR_V6

PEER4, PEER4_MAC = "192.0.2.2", "02:00:5e:40:00:02"
PEER4B, PEER4B_MAC = "192.0.2.3", "02:00:5e:40:00:03"
PEER6, PEER6_MAC = "2001:db8::2", "02:00:5e:40:00:06"


def sessions():
    dip = vt.Pw("dip", ac="ac0", family=4, encap="ip", local_sid=10, remote_sid=110,
                local_cookie=bytes.fromhex("a1a2a3a4a5a6a7a8"),
                remote_cookie=bytes.fromhex("b1b2b3b4b5b6b7b8"), l2ss=True,
                remote=PEER4, peer_mac=PEER4_MAC)
    dudp = vt.Pw("dudp", ac="ac1", family=4, encap="udp", udp_checksum=True,
                 local_sid=11, remote_sid=111, local_cookie=bytes.fromhex("c1c2c3c4"),
                 remote_cookie=bytes.fromhex("d1d2d3d4"), remote=PEER4B, peer_mac=PEER4B_MAC)
    dudp6 = vt.Pw("dudp6", ac="ac2", family=6, encap="udp", local_sid=12, remote_sid=112,
                  remote=PEER6, peer_mac=PEER6_MAC)
    dudp2 = vt.Pw("dudp2", ac="ac3", family=4, encap="udp", local_port=2000, remote_port=2000,
                  local_sid=13, remote_sid=113, remote=PEER4, peer_mac=PEER4_MAC)
    dmtu = vt.Pw("dmtu", ac="ac4", family=4, encap="ip", local_sid=14, remote_sid=114,
                 remote=PEER4, peer_mac=PEER4_MAC)
    return dip, dudp, dudp6, dudp2, dmtu


def test(ctx):
    chk = ctx.check
    dip, dudp, dudp6, dudp2, dmtu = sessions()
    pws = [dip, dudp, dudp6, dudp2, dmtu]
    f = vt.inner_frame
    net_in = []
    ac_expect = {pw.ac: [] for pw in pws}
    drops, dec_drops, enc_drops = {}, {}, {}

    def good(pw, inner, **kw):
        net_in.append(pw.from_peer(inner, **kw))
        ac_expect[pw.ac].append(inner)

    def bad(counter, key, frame, vc=None):
        net_in.append(frame)
        counter[key] = counter.get(key, 0) + 1
        if vc is not None:
            vc_drops.setdefault(vc.name, {})
            vc_drops[vc.name][key] = vc_drops[vc.name].get(key, 0) + 1

    vc_drops = {}
    def eth4(payload, proto, dst_mac=OUR_MAC, src_mac=PEER4_MAC, **ip_kw):
        return vt.eth(dst_mac, src_mac, vt.ETH_IPV4,
                      vt.ipv4(ip_kw.pop("src", PEER4), ip_kw.pop("dst", OUR_V4), proto, payload,
                              **ip_kw))

    def udp4(dport, payload, sport=1701, csum=True, src=PEER4, **kw):
        return eth4(vt.udp(sport, dport, payload, csum=csum, src=src, dst=OUR_V4, **kw),
                    vt.PROTO_UDP, src=src)

    inner = f("valid", 100)
    good(dip, f("dip-0", 64), seq=0)

    # ---- malformed
    bad(drops, "malformed", b"\x02")
    bad(drops, "malformed", bytes.fromhex("02005e100001020000000000"))  # 12 bytes
    bad(drops, "malformed", eth4(b"x" * 30, vt.PROTO_L2TP, total_length=200))
    bad(drops, "malformed", eth4(vt.l2tp_session(10) + inner, vt.PROTO_L2TP, ihl=4))
    bad(drops, "malformed", eth4(b"\x00\x00\x0a", vt.PROTO_L2TP))        # 3 bytes of session ID
    bad(drops, "malformed", udp4(1701, b"\x00\x03\x00"))                  # 3 bytes of L2TP
    bad(drops, "malformed", udp4(1701, b"\x00\x03\x00\x00\x00\x00"))      # 2 bytes of session
    bad(drops, "malformed", udp4(1701, vt.l2tp_udp_data(11) + inner, length=400))
    bad(drops, "malformed", udp4(1701, vt.l2tp_udp_data(0) + inner))      # session ID 0, T=0
    good(dudp, f("dudp-0", 80))

    # ---- truncated: the session is known, what follows its ID is cut short
    bad(dec_drops, "truncated", eth4(vt.l2tp_session(10, dip.local_cookie[:5]),
                                     vt.PROTO_L2TP), dip)
    bad(dec_drops, "truncated", eth4(vt.l2tp_session(10, dip.local_cookie, b"\x40\x00"),
                                     vt.PROTO_L2TP), dip)
    bad(dec_drops, "truncated", eth4(vt.l2tp_session(10, dip.local_cookie, vt.l2ss(1, True))
                                     + inner[:13], vt.PROTO_L2TP), dip)
    bad(dec_drops, "truncated", udp4(1701, vt.l2tp_udp_data(11, dudp.local_cookie[:2]),
                                     src=PEER4B), dudp)

    # ---- cookie, session, peer
    bad(dec_drops, "bad_cookie", dip.from_peer(inner, cookie=bytes.fromhex("a1a2a3a4a5a6a7a9"),
                                              seq=1), dip)
    bad(dec_drops, "bad_cookie", dudp.from_peer(inner, cookie=bytes.fromhex("00c2c3c4")), dudp)
    bad(drops, "unknown_session", dip.from_peer(inner, sid=999, seq=1))
    bad(drops, "unknown_session", dudp.from_peer(inner, sid=998))
    bad(dec_drops, "wrong_peer", dip.from_peer(inner, src="192.0.2.99", seq=1), dip)
    bad(dec_drops, "wrong_peer", dudp6.from_peer(inner, src="2001:db8::99"), dudp6)
    # dudp's session ID over IP (the session is over UDP)
    bad(dec_drops, "wrong_peer", eth4(vt.l2tp_session(11, dudp.local_cookie) + inner,
                                      vt.PROTO_L2TP, src=PEER4B), dudp)
    # dudp's session ID to UDP port 2000, which carries L2TP for dudp2
    bad(dec_drops, "wrong_peer", dudp.from_peer(inner, dport=2000), dudp)
    # from another UDP port of the peer (RFC 3931 §4.1.2.2: one port pair)
    bad(dec_drops, "wrong_peer", dudp.from_peer(inner, sport=dudp.remote_port + 1), dudp)
    good(dudp6, f("dudp6-0", 90))
    good(dudp2, f("dudp2-0", 90))

    # ---- checksums and fragments
    ok_ip = dip.from_peer(inner, seq=2)
    bad(drops, "ip_checksum", dip.from_peer(inner, seq=2, ip_kw={"csum": 0x1234}))
    assert vt.checksum(ok_ip[14:34]) == 0
    bad(drops, "udp_checksum", dudp.from_peer(inner, udp_csum=0x1234))
    bad(drops, "udp_checksum", dudp6.from_peer(inner, udp_csum=0))
    c = vt.udp(1701, 1701, vt.l2tp_udp_data(12) + inner, src=PEER6, dst=OUR_V6)
    bad(drops, "udp_checksum", dudp6.from_peer(inner, udp_csum=int.from_bytes(c[6:8], "big") ^ 1))
    bad(drops, "ip_fragment", dip.from_peer(inner, seq=3, ip_kw={"df": False, "mf": True}))
    bad(drops, "ip_fragment", dip.from_peer(inner, seq=3, ip_kw={"df": False, "frag_off": 185}))
    frag_hdr = vt.struct.pack("!BBHI", vt.PROTO_L2TP, 0, 1, 0x1234)  # offset 0, M=1
    bad(drops, "ip_fragment", vt.eth(OUR_MAC, PEER6_MAC, vt.ETH_IPV6, vt.ipv6(
        PEER6, OUR_V6, vt.PROTO_FRAG6, frag_hdr + vt.l2tp_session(12) + inner)))

    # ---- not for us, not ours to carry, not our version
    bad(drops, "unsupported_protocol", udp4(53, b"\x12\x34" + bytes(30), sport=40000))
    bad(drops, "unsupported_protocol", udp4(1702, vt.l2tp_udp_data(11) + inner))
    bad(drops, "unsupported_protocol", eth4(bytes(40), vt.PROTO_TCP))
    bad(drops, "unsupported_protocol", eth4(bytes(40), vt.PROTO_GRE))
    bad(drops, "unsupported_protocol", vt.eth(OUR_MAC, PEER4_MAC, 0x88CC, bytes(46)))
    bad(drops, "not_for_us", dip.from_peer(inner, seq=4, dst_mac="02:00:5e:10:00:99"))
    bad(drops, "not_for_us", dip.from_peer(inner, seq=4, dst="192.0.2.254"))
    bad(drops, "not_for_us", dip.from_peer(inner, seq=4, dst="192.0.2.254",
                                          dst_mac="ff:ff:ff:ff:ff:ff"))
    bad(drops, "not_for_us", dudp6.from_peer(inner, dst="2001:db8::77"))
    bad(drops, "l2tp_version", dudp.from_peer(inner, ver=2))
    good(dip, f("dip-1", 1000), seq=9)
    good(dudp, f("dudp-1", 61))
    good(dudp6, f("dudp6-1", 200))

    # ---- AC side
    ac_in = {pw.ac: [] for pw in pws}
    net_expect = []
    ac_in["ac4"].append(f("mtu-ok", dmtu.max_frame()))
    net_expect.append(dmtu.encap_expect(ac_in["ac4"][-1]))
    ac_in["ac4"].append(f("mtu-over", dmtu.max_frame() + 1))
    enc_drops["mtu_exceeded"] = 1
    vc_drops["dmtu"] = {"mtu_exceeded": 1}
    ac_in["ac4"].append(b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00")     # 10 bytes
    ac_in["ac4"].append(bytes(12) + b"\x81\x00\x00")                     # 15 bytes, tag cut
    drops["malformed"] += 2
    ac_in["ac4"].append(f("after", 200))
    net_expect.append(dmtu.encap_expect(ac_in["ac4"][-1]))

    vs = ctx.vcswitch("drops")
    ac = {pw.ac: vs.access_pcap(pw.ac, ac_in[pw.ac]) for pw in pws}
    net = vs.network_pcap("wan0", net_in, neighbors=[dip.neighbor(), dudp.neighbor(),
                                                      dudp6.neighbor()])
    vs.add(*pws)
    n_in = len(net_in) + sum(len(v) for v in ac_in.values())
    vs.start()
    st = vs.wait_processed(n_in)
    vcs = {pw.name: vs.vc(pw.name) for pw in pws}
    vs.stop()

    chk.dict_eq(st["drops"], drops, "stats drops")
    chk.dict_eq(st["decap_drops"], dec_drops, "stats decap_drops")
    chk.dict_eq(st["encap_drops"], enc_drops, "stats encap_drops")
    n_good = sum(len(v) for v in ac_expect.values())
    chk.eq((st["rx"], st["decap"], st["encap"], st["punted"]),
           (n_in, n_good, len(net_expect), 0), "stats rx, decap, encap, punted")
    for pw in pws:
        v = vcs[pw.name]
        want = vc_drops.get(pw.name, {})
        chk.dict_eq(v["decap_drops"], {k: n for k, n in want.items() if k in v["decap_drops"]},
                    "vc %s decap_drops" % pw.name)
        chk.dict_eq(v["encap_drops"], {k: n for k, n in want.items() if k in v["encap_drops"]},
                    "vc %s encap_drops" % pw.name)
        chk.eq(v["decap_pkts"], len(ac_expect[pw.ac]), "vc %s decap_pkts" % pw.name)
    for pw in pws:
        chk.frames(ac[pw.ac].out(), ac_expect[pw.ac], "access port %s output" % pw.ac)
    chk.frames(net.out(), net_expect, "network port output")
    chk.eq(len(net.ctrl()), 0, "frames on the network port's control queue")


if __name__ == "__main__":
    vt.run_test(test, __doc__)
