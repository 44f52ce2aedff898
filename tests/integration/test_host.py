#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The host side of a network port: ARP, ICMP, ND, L2TP control, next hops.

Run 1, answers (everything on the control thread's TX queue, in order):
- an ARP request for our IPv4 address gets the exact ARP reply; one for
  another address gets none (host_ignored);
- ICMP echo requests to us get exact echo replies (TTL 64, our source,
  checksum recomputed, the request's link padding not echoed); another
  ICMP type is ignored;
- an IPv6 neighbour solicitation for our address (to its solicited-node
  group, hop limit 255, source link-layer address option) gets a
  neighbour advertisement (S and O set, target link-layer address
  option); so does a unicast one without option; a duplicate address
  detection probe (source ::) gets an advertisement to all nodes, S
  clear (RFC 4861 7.2.4); an ICMPv6 echo request gets its reply;
- L2TP control messages (over IP: session ID 0; over UDP: T=1 to port
  1701, which a UDP session uses) are counted as l2tp_ctrl_rx and
  l2tp_ctrl_unhandled and produce nothing; a control message to a UDP
  port no session uses is drops.unsupported_protocol;
- tshark decodes the answers with good checksums, no expert errors.

Run 2, dynamic next hops (sessions without a static neighbour, over IPv4
and IPv6): the ARP request and the neighbour solicitation for the next
hops are sent on the control queue at start; the AC frames that arrive
meanwhile are held (neigh_held) up to dataplane.neigh_pending_max per
next hop and the excess dropped as encap_drops.no_route; once the ARP
reply and the neighbour advertisement arrive, the held frames go back to
the worker and out on its queue, addressed to the learnt MACs, ahead of
the frames that arrive later; only solicitations use the control queue. The access port's
rx_pcap is a FIFO: the first burst (dataplane.burst = the number of early
frames) is there at start, the later frames are written only once
telemetry shows the held frames were released.

Run 3, a stream through a next hop being resolved: 9600 frames of a
session with sequencing "send" arrive (through a FIFO, burst by burst)
while its next hop is unknown; the ARP reply comes while they flow. Every frame must leave exactly
once, and in the order of its sequence numbers on the wire (both TX
queues of the network port, merged by the pcap PMD's transmit
timestamps): otherwise a peer with sequencing "recv" (RFC 3931 Appendix
C) drops each overtaken packet as old.
"""

import os
import time

import vcstest as vt
from vcstest import OUR_MAC, OUR_V4, OUR_V6

P1_MAC, P1_V4 = "02:00:5e:50:00:01", "192.0.2.50"
P2_MAC, P2_V6 = "02:00:5e:50:00:02", "2001:db8::50"
BCAST = "ff:ff:ff:ff:ff:ff"


def run_answers(ctx):
    chk = ctx.check
    u1 = vt.Pw("u1", ac="ac0", family=4, encap="udp", local_sid=20, remote_sid=120,
               remote="192.0.2.2", peer_mac="02:00:5e:50:00:99")
    net_in, ctrl_expect = [], []

    # ARP
    net_in.append(vt.pad60(vt.eth(BCAST, P1_MAC, vt.ETH_ARP,
                                  vt.arp(1, P1_MAC, P1_V4, "00:00:00:00:00:00", OUR_V4))))
    ctrl_expect.append(vt.eth(P1_MAC, OUR_MAC, vt.ETH_ARP,
                              vt.arp(2, OUR_MAC, OUR_V4, P1_MAC, P1_V4)))
    net_in.append(vt.pad60(vt.eth(BCAST, P1_MAC, vt.ETH_ARP,
                                  vt.arp(1, P1_MAC, P1_V4, "00:00:00:00:00:00", "192.0.2.77"))))
    # ICMP echo: 32 bytes of data; 4 bytes, padded to 60 on the wire
    for ident, seq, data in ((0x1234, 1, bytes(range(32))), (0x1234, 2, b"ping")):
        req = vt.ipv4(P1_V4, OUR_V4, vt.PROTO_ICMP, vt.icmp_echo(8, ident, seq, data),
                      ident=0x5555, df=False, ttl=63)
        net_in.append(vt.pad60(vt.eth(OUR_MAC, P1_MAC, vt.ETH_IPV4, req)))
        rep = vt.ipv4(OUR_V4, P1_V4, vt.PROTO_ICMP, vt.icmp_echo(0, ident, seq, data),
                      ident=0x5555, df=False, ttl=64)
        ctrl_expect.append(vt.eth(P1_MAC, OUR_MAC, vt.ETH_IPV4, rep))
    # ICMP timestamp request: not answered
    ts = vt.struct.pack("!BBHHHIII", 13, 0, 0, 1, 1, 0, 0, 0)
    ts = ts[:2] + vt.struct.pack("!H", vt.checksum(ts)) + ts[4:]
    net_in.append(vt.pad60(vt.eth(OUR_MAC, P1_MAC, vt.ETH_IPV4,
                                  vt.ipv4(P1_V4, OUR_V4, vt.PROTO_ICMP, ts))))
    # IPv6 neighbour solicitation, to the solicited-node group of our address
    sn = vt.solicited_node(OUR_V6)
    ns = vt.nd_ns(P2_V6, sn, OUR_V6, sll=P2_MAC)
    net_in.append(vt.eth(vt.multicast_mac(sn), P2_MAC, vt.ETH_IPV6,
                         vt.ipv6(P2_V6, sn, vt.PROTO_ICMP6, ns, hlim=255)))
    na = vt.nd_na(OUR_V6, P2_V6, OUR_V6, "SO", tll=OUR_MAC)
    ctrl_expect.append(vt.eth(P2_MAC, OUR_MAC, vt.ETH_IPV6,
                              vt.ipv6(OUR_V6, P2_V6, vt.PROTO_ICMP6, na, hlim=255)))
    # a unicast solicitation without source link-layer address option (a
    # reachability probe): the advertisement is longer than the request
    ns = vt.nd_ns(P2_V6, OUR_V6, OUR_V6)
    net_in.append(vt.eth(OUR_MAC, P2_MAC, vt.ETH_IPV6,
                         vt.ipv6(P2_V6, OUR_V6, vt.PROTO_ICMP6, ns, hlim=255)))
    ctrl_expect.append(vt.eth(P2_MAC, OUR_MAC, vt.ETH_IPV6,
                              vt.ipv6(OUR_V6, P2_V6, vt.PROTO_ICMP6, na, hlim=255)))
    # duplicate address detection for our address (source ::): we defend it
    # with an advertisement to all nodes, S clear (RFC 4861 7.2.4)
    ns = vt.nd_ns("::", sn, OUR_V6)
    net_in.append(vt.eth(vt.multicast_mac(sn), P2_MAC, vt.ETH_IPV6,
                         vt.ipv6("::", sn, vt.PROTO_ICMP6, ns, hlim=255)))
    dad_na = vt.nd_na(OUR_V6, "ff02::1", OUR_V6, "O", tll=OUR_MAC)
    ctrl_expect.append(vt.eth("33:33:00:00:00:01", OUR_MAC, vt.ETH_IPV6,
                              vt.ipv6(OUR_V6, "ff02::1", vt.PROTO_ICMP6, dad_na, hlim=255)))
    # ICMPv6 echo
    data = b"echo6" * 10
    net_in.append(vt.eth(OUR_MAC, P2_MAC, vt.ETH_IPV6, vt.ipv6(
        P2_V6, OUR_V6, vt.PROTO_ICMP6, vt.icmp6_echo(P2_V6, OUR_V6, 128, 0x77, 3, data),
        hlim=50)))
    ctrl_expect.append(vt.eth(P2_MAC, OUR_MAC, vt.ETH_IPV6, vt.ipv6(
        OUR_V6, P2_V6, vt.PROTO_ICMP6, vt.icmp6_echo(OUR_V6, P2_V6, 129, 0x77, 3, data))))
    # L2TP control: over IP (session ID 0), over UDP to 1701, over UDP to 1702
    sccrq = vt.l2tp_ctrl(1, avps=vt.struct.pack("!HHH", 0x8000 | 8, 0, 2) + b"\x00\x03")
    net_in.append(vt.eth(OUR_MAC, P1_MAC, vt.ETH_IPV4, vt.ipv4(
        P1_V4, OUR_V4, vt.PROTO_L2TP, b"\0\0\0\0" + sccrq)))
    for port in (1701, 1702):
        net_in.append(vt.eth(OUR_MAC, P1_MAC, vt.ETH_IPV4, vt.ipv4(
            P1_V4, OUR_V4, vt.PROTO_UDP, vt.udp(40001, port, sccrq, src=P1_V4, dst=OUR_V4))))

    vs = ctx.vcswitch("answers")
    ac = vs.access_pcap("ac0")
    net = vs.network_pcap("wan0", net_in, neighbors=[u1.neighbor()])
    vs.add(u1)
    vs.start()
    st = vs.wait_processed(len(net_in), arp_replies=1, icmp_echo_replies=3, nd_adverts=3,
                           l2tp_ctrl_unhandled=2, host_ignored=2)
    vs.stop()

    want = {"rx": len(net_in), "punted": len(net_in) - 1, "encap": 0, "decap": 0,
            "arp_replies": 1, "icmp_echo_replies": 3, "nd_adverts": 3, "l2tp_ctrl_rx": 2,
            "l2tp_ctrl_unhandled": 2, "host_ignored": 2, "host_bad": 0, "ctrl_tx_full": 0}
    chk.eq({k: st[k] for k in want}, want, "host counters")
    chk.dict_eq(st["drops"], {"unsupported_protocol": 1}, "stats drops")
    ctrl = net.ctrl()
    chk.eq(len(ctrl), len(ctrl_expect), "frames on the control queue")
    names = ["ARP reply", "ICMP echo reply 1", "ICMP echo reply 2 (request was padded)",
             "neighbour advertisement", "advertisement for a solicitation without option",
             "advertisement defending our address (DAD)", "ICMPv6 echo reply"]
    for name, g, e in zip(names, ctrl, ctrl_expect):
        chk.frame_padded(g, e, name)
    chk.eq(len(net.out()), 0, "frames on the worker's queue of the network port")
    chk.eq(len(ac.out()), 0, "frames on the access port")

    if not vt.have_tshark():
        print("NOTE: tshark not found; the tshark cross-checks are skipped")
        return
    path = os.path.join(ctx.workdir, "answers-ctrl.pcap")
    vt.write_pcap(path, ctrl)
    rows = vt.tshark_fields(path, [
        "frame.protocols", "ip.checksum.status", "icmp.checksum.status",
        "icmpv6.checksum.status", "icmpv6.nd.na.flag.r", "icmpv6.nd.na.flag.s",
        "icmpv6.nd.na.flag.o", "icmpv6.opt.linkaddr", "icmpv6.nd.na.target_address",
        "arp.opcode", "_ws.expert.severity", "_ws.expert.message", "_ws.malformed"],
        ["-o", "ip.check_checksum:TRUE"])
    for name, r in zip(names, rows):
        bad = [(s, m) for s, m in zip(r["_ws.expert.severity"], r["_ws.expert.message"])
               if int(s) >= vt.EXPERT_WARN]
        chk.eq(bad, [], name + ": tshark expert warnings/errors")
        chk.eq(r["_ws.malformed"], [], name + ": tshark malformed")
    if len(rows) == len(names):
        chk.eq(rows[0]["arp.opcode"], ["2"], "ARP reply opcode (tshark)")
        for i in (1, 2):
            chk.eq((rows[i]["ip.checksum.status"], rows[i]["icmp.checksum.status"]),
                   (["1"], ["1"]), "%s: IP and ICMP checksums good (tshark)" % names[i])
        for i, s_flag in ((3, "1"), (4, "1"), (5, "0")):
            r = rows[i]
            chk.eq((r["icmpv6.checksum.status"], r["icmpv6.nd.na.flag.r"],
                    r["icmpv6.nd.na.flag.s"], r["icmpv6.nd.na.flag.o"],
                    r["icmpv6.opt.linkaddr"], r["icmpv6.nd.na.target_address"]),
                   (["1"], ["0"], [s_flag], ["1"], [OUR_MAC], [OUR_V6]),
                   "%s: checksum, R/S/O flags, target LLA, target (tshark)" % names[i])
        chk.eq(rows[6]["icmpv6.checksum.status"], ["1"], "ICMPv6 echo reply checksum (tshark)")


def run_dynamic(ctx):
    chk = ctx.check
    pending_max, excess, later = 4, 2, 3
    nh4, nh4_mac = "192.0.2.2", "02:00:5e:60:00:04"
    nh6, nh6_mac = "2001:db8::2", "02:00:5e:60:00:06"
    d4 = vt.Pw("dyn4", ac="ac0", vlan=4, family=4, encap="ip", local_sid=40, remote_sid=140,
               remote=nh4, peer_mac=nh4_mac)
    d6 = vt.Pw("dyn6", ac="ac0", vlan=6, family=6, encap="udp", local_sid=60, remote_sid=160,
               local_cookie=b"\x66\x66\x66\x66", remote_cookie=b"\x06\x06\x06\x06",
               remote=nh6, peer_mac=nh6_mac)
    tag = vt.vlan_tag
    early = {"dyn4": [], "dyn6": []}
    ac_early = []
    for i in range(pending_max + excess):
        for pw, vid in ((d4, 4), (d6, 6)):
            fr = vt.inner_frame("%s-early-%d" % (pw.name, i), 80 + i, tags=[tag(vid)])
            early[pw.name].append(fr)
            ac_early.append(fr)
    late = {"dyn4": [], "dyn6": []}
    ac_late = []
    for i in range(later):
        for pw, vid in ((d4, 4), (d6, 6)):
            fr = vt.inner_frame("%s-late-%d" % (pw.name, i), 100 + i, tags=[tag(vid)])
            late[pw.name].append(fr)
            ac_late.append(fr)
    # the next hops answer
    net_in = [vt.pad60(vt.eth(OUR_MAC, nh4_mac, vt.ETH_ARP,
                              vt.arp(2, nh4_mac, nh4, OUR_MAC, OUR_V4))),
              vt.eth(OUR_MAC, nh6_mac, vt.ETH_IPV6, vt.ipv6(
                  nh6, OUR_V6, vt.PROTO_ICMP6, vt.nd_na(nh6, OUR_V6, nh6, "SO", tll=nh6_mac),
                  hlim=255))]

    vs = ctx.vcswitch("dynamic", dataplane={"burst": len(ac_early),
                                            "neigh_pending_max": pending_max})
    ac = vs.access_pcap("ac0", ac_early, fifo=True)   # polled first
    net = vs.network_pcap("wan0", net_in)             # no static neighbours
    vs.add(d4, d6)
    vs.start()
    st = vs.wait_until(lambda s: s["neigh_released"] == 2 * pending_max
                       and s["encap_drops"]["no_route"] == 2 * excess,
                       what="held frames released and the excess dropped")
    ac.fifo.write(ac_late)
    ac.fifo.close()
    n_rx = len(ac_early) + len(net_in) + len(ac_late)
    st2 = vs.wait_until(lambda s: s["rx"] == n_rx and s["encap"] == 2 * (pending_max + later),
                        what="later frames encapsulated")
    v4, v6 = vs.vc("dyn4"), vs.vc("dyn6")
    vs.stop()

    chk.eq((st["neigh_held"], st["neigh_released"], st["neigh_no_route"], st["neigh_resolved"]),
           (2 * pending_max, 2 * pending_max, 2 * excess, 2),
           "neigh_held, neigh_released, neigh_no_route, neigh_resolved")
    chk.true(st["neigh_requests"] >= 2, "neigh_requests >= 2 (got %d)" % st["neigh_requests"])
    # held frames count once: as encap or as a drop, not also as punted
    chk.eq((st2["punted"], st2["encap"], st2["rx"]),
           (len(net_in), 2 * (pending_max + later), n_rx),
           "punted (the answers), encap, rx")
    chk.dict_eq(st2["encap_drops"], {"no_route": 2 * excess}, "stats encap_drops")
    chk.dict_eq(st2["drops"], {}, "stats drops")
    for v, name in ((v4, "dyn4"), (v6, "dyn6")):
        chk.eq(v["encap_pkts"], pending_max + later, "vc %s encap_pkts" % name)
        chk.dict_eq(v["encap_drops"], {"no_route": excess}, "vc %s encap_drops" % name)

    arp_req = vt.eth(BCAST, OUR_MAC, vt.ETH_ARP,
                     vt.arp(1, OUR_MAC, OUR_V4, "00:00:00:00:00:00", nh4))
    sn = vt.solicited_node(nh6)
    ns = vt.eth(vt.multicast_mac(sn), OUR_MAC, vt.ETH_IPV6, vt.ipv6(
        OUR_V6, sn, vt.PROTO_ICMP6, vt.nd_ns(OUR_V6, sn, nh6, sll=OUR_MAC), hlim=255))
    ctrl = net.ctrl()
    sol = [f for f in ctrl if f[12:14] == b"\x08\x06" or
           (f[12:14] == b"\x86\xdd" and f[14 + 6] == vt.PROTO_ICMP6)]
    rest = [f for f in ctrl if f not in sol]
    chk.true(any(f[12:14] == b"\x08\x06" for f in sol), "an ARP request for %s was sent" % nh4)
    chk.true(any(f[12:14] == b"\x86\xdd" for f in sol), "a neighbour solicitation for %s "
             "was sent" % nh6)
    for i, f in enumerate(sol):
        chk.frame_padded(f, arp_req if f[12:14] == b"\x08\x06" else ns,
                         "solicitation %d on the control queue" % i)
    released = {pw.name: [pw.encap_expect(pw.strip_tag(fr)) for fr in early[pw.name][:pending_max]]
                for pw in (d4, d6)}
    chk.eq(rest, [], "nothing but solicitations on the control queue")
    # Released frames go back to the worker and leave from its queue,
    # ahead of the later frames of their VC.
    worker = {pw.name: released[pw.name] + [pw.encap_expect(pw.strip_tag(fr))
                                            for fr in late[pw.name]]
              for pw in (d4, d6)}
    chk.matched(net.out(), worker, "held, then later frames, in order on the worker's queue")
    chk.eq(len(ac.out()), 0, "frames on the access port")


def seq_accepts(expected, seq):
    """RFC 3931 Appendix C with the default window (2^23): new or old."""
    return ((seq - expected) & 0xFFFFFF) < 0x800000


def run_dynamic_stream(ctx):
    chk = ctx.check
    chunk, n_chunks, junk = 32, 300, 3200
    n = chunk * n_chunks
    nh, nh_mac = "192.0.2.2", "02:00:5e:60:00:44"
    d = vt.Pw("stream", ac="ac0", family=4, encap="ip", local_sid=44, remote_sid=144,
              l2ss=True, seq="send", remote=nh, peer_mac=nh_mac)
    ac_in = [vt.inner_frame("stream-%d" % i, 64 + i % 64) for i in range(n)]
    # the worker reads a burst of each port in turn: frames for another MAC
    # first, so that the ARP reply comes while the AC stream is well under way
    other = vt.eth("02:00:5e:60:00:99", nh_mac, vt.ETH_IPV4, vt.ipv4(nh, OUR_V4, 200, bytes(26)))
    net_in = [other] * junk + [vt.pad60(vt.eth(OUR_MAC, nh_mac, vt.ETH_ARP,
                                               vt.arp(2, nh_mac, nh, OUR_MAC, OUR_V4)))]
    # room for every frame in the punt ring and the pool however late the
    # control thread gets to the ARP reply (it holds only what the worker
    # punted before that reply: 100 bursts)
    vs = ctx.vcswitch("stream", dataplane={"neigh_pending_max": 4096, "punt_ring_size": 16384,
                                           "mbufs": 16383})
    ac = vs.access_pcap("ac0", [], fifo=True)
    net = vs.network_pcap("wan0", net_in)
    vs.add(d)
    vs.start()
    # Frames keep coming while the control thread handles the ARP reply and
    # releases the 100 bursts it holds: written burst by burst from the
    # worker's CPU (1), pausing between bursts once the ARP reply is due, so
    # that the stream lasts and the control thread (CPU 0) is free.
    records = [b"".join(vt.pcap_record(f, 0) for f in ac_in[i * chunk:(i + 1) * chunk])
               for i in range(n_chunks)]
    affinity = os.sched_getaffinity(0)
    try:
        if 1 in affinity:
            os.sched_setaffinity(0, {1})
        for i, r in enumerate(records):
            ac.fifo.write_raw(r)
            if i >= junk // chunk:
                time.sleep(0.0001)
    finally:
        os.sched_setaffinity(0, affinity)
    ac.fifo.close()
    st = vs.wait_until(lambda s: s["rx"] == n + len(net_in) and s["encap"] == n, 20,
                       "every frame encapsulated")
    vs.stop()
    chk.dict_eq(st["encap_drops"], {}, "stream: encap_drops")
    chk.dict_eq(st["drops"], {"not_for_us": junk}, "stream: drops")
    # the wire order of the session's packets: both TX queues, by transmit time
    sent = [(ts, 0, f) for ts, f in vt.read_pcap_ts(net.tx_paths[0])] + \
           [(ts, 1, f) for ts, f in vt.read_pcap_ts(net.tx_paths[1]) if f[12:14] != b"\x08\x06"]
    sent.sort(key=lambda x: (x[0], x[1]))
    expect = {d.name: [d.encap_expect(fr, i) for i, fr in enumerate(ac_in)]}
    chk.matched([f for _, _, f in sorted(sent, key=lambda x: vt.struct.unpack(
        "!I", x[2][38:42])[0])], expect, "stream: every frame sent once, exactly")
    # a peer with sequencing "recv" would accept every packet in that order
    expected, dropped, first = 0, 0, None
    for ts, q, f in sent:
        seq = vt.struct.unpack("!I", f[38:42])[0] & 0xFFFFFF
        if seq_accepts(expected, seq):
            expected = (seq + 1) & 0xFFFFFF
        else:
            dropped += 1
            if first is None:
                first = "seq %d (%s queue) sent after seq %d" % (
                    seq, "control" if q else "worker", (expected - 1) & 0xFFFFFF)
    n_ctrl = sum(1 for x in sent if x[1])
    print("stream: %d packets left on the control queue, %d on the worker's"
          % (n_ctrl, len(sent) - n_ctrl))
    chk.eq(dropped, 0, "stream: packets a sequencing peer drops as old because a later "
           "packet of the session overtook them on the wire (first: %s)" % first)


def test(ctx):
    run_answers(ctx)
    run_dynamic(ctx)
    run_dynamic_stream(ctx)


if __name__ == "__main__":
    vt.run_test(test, __doc__)
