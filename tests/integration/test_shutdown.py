#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Shutdown: SIGINT and SIGTERM stop vcswitch cleanly.

For each signal, vcswitch is stopped
- idle, right after start-up;
- right after traffic: encapsulation, decapsulation and an ARP reply
  (the final counters printed must match what telemetry showed);
- with frames still waiting for an unresolved next hop, and a neighbour
  solicitation outstanding;
and every time it must exit 0 within 5 s (times VCS_TEST_TIMEOUT_SCALE)
and print "=== final counters" and "mbufs: all back in the pool".
"""

import re
import signal

import vcstest as vt
from vcstest import OUR_V4

PEER, PEER_MAC = "192.0.2.2", "02:00:5e:80:00:02"


def pw(static=True):
    return vt.Pw("s", ac="ac0", family=4, encap="udp", udp_checksum=True, local_sid=7,
                 remote_sid=8, remote=PEER if static else "192.0.2.3", peer_mac=PEER_MAC)


def final_counters(out):
    m = re.search(r"=== final counters\nrx (\d+)  encap (\d+)  decap (\d+)  punted (\d+)\n", out)
    return tuple(int(x) for x in m.groups()) if m else None


def check_stopped(ctx, vs, what):
    chk = ctx.check
    chk.true("=== final counters" in vs.stdout, "%s: \"=== final counters\" printed" % what)
    chk.true("mbufs: all back in the pool" in vs.stdout, "%s: all mbufs back" % what)


def test(ctx):
    chk = ctx.check
    for sig in (signal.SIGINT, signal.SIGTERM):
        name = signal.Signals(sig).name

        vs = ctx.vcswitch("idle-" + name)
        vs.access_pcap("ac0")
        vs.network_pcap("wan0", neighbors=[pw().neighbor()])
        vs.add(pw())
        vs.start()
        vs.stop(sig, timeout=5)
        check_stopped(ctx, vs, "idle, " + name)
        chk.eq(final_counters(vs.stdout), (0, 0, 0, 0), "idle, %s: final counters" % name)

        p = pw()
        ac_in = [vt.inner_frame("sd-%d" % i, 64 + 50 * i) for i in range(20)]
        net_in = [p.from_peer(vt.inner_frame("sd-rx-%d" % i, 70 + 30 * i)) for i in range(20)]
        net_in.append(vt.pad60(vt.eth("ff:ff:ff:ff:ff:ff", PEER_MAC, vt.ETH_ARP, vt.arp(
            1, PEER_MAC, PEER, "00:00:00:00:00:00", OUR_V4))))
        vs = ctx.vcswitch("traffic-" + name)
        ac = vs.access_pcap("ac0", ac_in)
        net = vs.network_pcap("wan0", net_in, neighbors=[p.neighbor()])
        vs.add(p)
        vs.start()
        st = vs.wait_processed(len(ac_in) + len(net_in), arp_replies=1)
        vs.stop(sig, timeout=5)
        check_stopped(ctx, vs, "after traffic, " + name)
        chk.eq(final_counters(vs.stdout), (st["rx"], st["encap"], st["decap"], st["punted"]),
               "after traffic, %s: final counters vs telemetry" % name)
        chk.eq((len(net.out()), len(ac.out()), len(net.ctrl())), (20, 20, 1),
               "after traffic, %s: frames out (network, access, control)" % name)

        # a next hop that never answers: frames held, solicitations pending
        p = pw(static=False)
        vs = ctx.vcswitch("held-" + name, dataplane={"neigh_pending_max": 16})
        vs.access_pcap("ac0", ac_in[:10])
        vs.network_pcap("wan0")
        vs.add(p)
        vs.start()
        vs.wait_until(lambda s: s["neigh_held"] == 10 and s["rx"] == 10, 10,
                      "frames held for the next hop")
        vs.stop(sig, timeout=5)
        check_stopped(ctx, vs, "with held frames, " + name)


if __name__ == "__main__":
    vt.run_test(test, __doc__)
