#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Two vcswitch processes back to back over net_memif.

A (memif server, started first) and B (client) each have an access port
on net_pcap and a network port on net_memif (abstract socket
"vcstest-<pid>", rx_queues = 2 polled by the worker, since the peer
transmits on two queues: its worker's and its control thread's). There
are no static neighbours: each must resolve the other (ARP for IPv4, ND
for IPv6) across the memif. Two pseudowires join the access ports:
- untagged frames: IPv4, L2TP over IP, no cookie, no L2SS;
- VLAN 100 (pw_type ethernet): IPv6, L2TP over UDP 1701, 8-byte cookies
  (different in each direction), default L2SS, sequencing "both".
Each process has a worker for its access port and one for the memif.
Static sessions are offered once the memif's link is up; the test then
writes the access ports' frames (a FIFO each). Next hops may still be
resolving: frames wait in the neighbour queue (dataplane.neigh_pending_max
is large enough) and leave once the next hop answers.

Proves: every frame injected into A's access port comes out of B's, byte
for byte and in order within each pseudowire, and B's out of A's; the
decap counters match and no decapsulation is dropped (in particular no
sequence drop), no frame is lost as no_route; both processes exit 0 with
every mbuf back.

Second run, a peer that does not receive yet: B's worker is held (its
access port's rx_pcap is a FIFO it blocks on, polled before the memif
queues), so B never arms its memif receive rings, while B's control
thread still solicits A. Once A's sessions are up, A's circuit sends; A
learns B's MAC from B's request and its worker sends the held frames into
a memif that refuses them. Whatever happens to those frames must be
accounted for: A's session may count as encapsulated (encap_pkts,
"transmitted" per dp.h) only what B received, and the rest as
encap_drops (tx_full).
"""

import os

import vcstest as vt

N = 24  # frames per pseudowire and direction


def side(ctx, name, role, socket, mac, v4, v6, peer4, peer6, frames, sid_base, peer_base,
         cookie_rx, cookie_tx, fifo=False, split=False, peer_split=None):
    """split: a worker for the access port (which may block on its FIFO)
    and one for the memif, as a real deployment would have it. The memif
    receives on as many queues as the peer transmits on: one per worker
    of the peer's, plus its control thread's."""
    wan_queues = (2 if (split if peer_split is None else peer_split) else 1) + 1
    if split:
        vs = ctx.vcswitch(name, dataplane={"neigh_pending_max": 4 * N}, lcores="0@0,1@1,2@1",
                          workers=[{"lcore": 1, "rx": [{"port": "ac0"}]},
                                   {"lcore": 2, "rx": [{"port": "wan0", "queue": q}
                                                       for q in range(wan_queues)]}])
        ac = vs.access_pcap("ac0", frames, fifo=fifo, n_tx=2)
    else:
        vs = ctx.vcswitch(name, dataplane={"neigh_pending_max": 4 * N})
        ac = vs.access_pcap("ac0", frames, fifo=fifo)
    vs.port({"name": "wan0", "role": "network", "rx_queues": wan_queues, "mac": mac,
             "ipv4": v4 + "/24", "ipv6": v6 + "/64",
             "devargs": "net_memif0,role=%s,socket=%s,socket-abstract=yes,id=0"
                        % (role, socket)}, rx_queues=wan_queues)
    if split:
        vs.rxqs = []  # the workers list above polls them
    vs.add({"name": "pw-ip", "ac": {"port": "ac0"}, "encap": "ip", "local": v4,
            "remote": peer4, "local_session_id": sid_base + 1,
            "remote_session_id": peer_base + 1},
           {"name": "pw-udp6", "ac": {"port": "ac0", "vlan": 100}, "pw_type": "ethernet",
            "encap": "udp", "udp": {"local_port": 1701, "remote_port": 1701},
            "local": v6, "remote": peer6, "local_session_id": sid_base + 2,
            "remote_session_id": peer_base + 2, "local_cookie": cookie_rx.hex(),
            "remote_cookie": cookie_tx.hex(), "l2ss": "default", "sequencing": "both"})
    return vs, ac


def frames(label):
    untagged, tagged, mixed = [], [], []
    for i in range(N):
        u = vt.inner_frame("%s-ip-%d" % (label, i), 60 + 37 * i)
        t = vt.inner_frame("%s-udp6-%d" % (label, i), 64 + 41 * i, tags=[vt.vlan_tag(100)])
        untagged.append(u)
        tagged.append(t)
        mixed += [u, t]
    return untagged, tagged, mixed


def run_both_ways(ctx):
    chk = ctx.check
    socket = "vcstest-%d" % os.getpid()
    ca, cb = bytes.fromhex("a1a1a1a1a1a1a1a1"), bytes.fromhex("b2b2b2b2b2b2b2b2")
    a_ip, a_udp6, a_in = frames("A")
    b_ip, b_udp6, b_in = frames("B")
    A, a_ac = side(ctx, "A", "server", socket, "02:00:5e:70:00:0a", "192.0.2.1", "2001:db8::1",
                   "192.0.2.2", "2001:db8::2", [], 1000, 2000, ca, cb, fifo=True, split=True)
    B, b_ac = side(ctx, "B", "client", socket, "02:00:5e:70:00:0b", "192.0.2.2", "2001:db8::2",
                   "192.0.2.1", "2001:db8::1", [], 2000, 1000, cb, ca, fifo=True, split=True)
    A.start()
    B.start()
    # Static sessions are offered once their network port's link is up:
    # the memif must connect first. Only then do the circuits send.
    for vs in (A, B):
        vs.wait_until(lambda s, vs=vs: [x["state"] for x in vs.cmd("/vcswitch/sessions").values()]
                      == ["up", "up"], 10, "both sessions up")
    a_ac.fifo.write(a_in)
    b_ac.fifo.write(b_in)
    a_ac.fifo.close()
    b_ac.fifo.close()
    B.wait_until(lambda s: s["decap"] >= len(a_in), 10, "B decapsulates A's frames", soft=True)
    A.wait_until(lambda s: s["decap"] >= len(b_in), 10, "A decapsulates B's frames", soft=True)
    # Both directions done: only now are both sides' counters final (one
    # side's decap may complete while its own encap still waits on ARP).
    sta, stb = A.stats(), B.stats()
    vcs = {(n, v): s.vc(v) for n, s in (("A", A), ("B", B)) for v in ("pw-ip", "pw-udp6")}
    B.stop()
    A.stop()
    for n, st in (("A", sta), ("B", stb)):
        print("%s: decap %d, encap %d, neigh_released %d, ctrl_tx_full %d (frames the "
              "control thread could not transmit)" % (n, st["decap"], st["encap"],
                                                      st["neigh_released"], st["ctrl_tx_full"]))

    for n, st, sent in (("A", sta, b_in), ("B", stb, a_in)):
        chk.eq((st["decap"], st["encap"]), (len(sent), len(sent)), n + ": decap, encap")
        chk.dict_eq(st["decap_drops"], {}, n + ": decap_drops")
        chk.dict_eq(st["encap_drops"], {}, n + ": encap_drops")
        chk.eq(st["neigh_resolved"], 2, n + ": neigh_resolved (IPv4 and IPv6 next hop)")
    for (n, v), s in vcs.items():
        chk.eq((s["encap_pkts"], s["decap_pkts"]), (N, N), "%s %s encap_pkts, decap_pkts"
               % (n, v))
    chk.matched(b_ac.out_all(), {"pw-ip": a_ip, "pw-udp6": a_udp6}, "B's access port output")
    chk.matched(a_ac.out_all(), {"pw-ip": b_ip, "pw-udp6": b_udp6}, "A's access port output")


def run_peer_not_receiving(ctx):
    chk = ctx.check
    socket = "vcstest-%d-b" % os.getpid()
    ca, cb = bytes.fromhex("a1a1a1a1a1a1a1a1"), bytes.fromhex("b2b2b2b2b2b2b2b2")
    a_ip, a_udp6, a_in = frames("A")
    A, a_ac = side(ctx, "A2", "server", socket, "02:00:5e:70:00:0a", "192.0.2.1",
                   "2001:db8::1", "192.0.2.2", "2001:db8::2", [], 1000, 2000, ca, cb, fifo=True,
                   split=True, peer_split=False)
    B, b_ac = side(ctx, "B2", "client", socket, "02:00:5e:70:00:0b", "192.0.2.2",
                   "2001:db8::2", "192.0.2.1", "2001:db8::1", [], 2000, 1000, cb, ca, fifo=True,
                   peer_split=True)
    A.start()
    B.start()
    # A's sessions come up with the memif's link (B's control thread
    # connects it); only then does A's circuit send.
    A.wait_until(lambda s: [x["state"] for x in A.cmd("/vcswitch/sessions").values()]
                 == ["up", "up"], 10, "A's sessions up")
    a_ac.fifo.write(a_ip)
    a_ac.fifo.close()
    A.wait_until(lambda s: s["neigh_released"] + s["encap_drops"].get("tx_full", 0) >= N, 15,
                 "A releases its held frames (sent or refused by the memif)")
    b_ac.fifo.close()
    # B resolves A once an answer of A reaches it: B receives from then on
    B.wait_until(lambda s: s["neigh_resolved"] >= 1, 15, "B resolves A")
    va, vb = A.vc("pw-ip"), B.vc("pw-ip")
    B.stop()
    A.stop()
    delivered = vb["decap_pkts"]
    print("A released %d frames; B received %d of them" % (N, delivered))
    chk.eq(va["encap_pkts"], delivered,
           "A pw-ip encap_pkts (\"transmitted\") vs frames B received")
    chk.eq(sum(va["encap_drops"].values()), N - delivered,
           "A pw-ip encap_drops (all reasons) for the frames B never received")
    chk.eq(va["encap_drops"]["tx_full"], N - delivered, "A pw-ip encap_drops.tx_full")
    chk.frames(b_ac.out(), a_ip[:delivered], "B's access port output")


def test(ctx):
    run_both_ways(ctx)
    run_peer_not_receiving(ctx)


if __name__ == "__main__":
    vt.run_test(test, __doc__)
