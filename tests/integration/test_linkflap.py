#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A network port's link goes away and comes back: the static sessions on
it are torn down and set up again through the call-management core.

A (memif server) and B (memif client) each have an access port on a
veth pair (net_af_packet; the test holds the other end) and a network
port on net_memif, with static neighbours, and one pseudowire between
untagged circuits (IPv4, L2TP over IP). Sequence:
1. both sessions up; frames cross A -> B;
2. B is killed (SIGKILL: a crash, nothing said to A). A's memif link goes
   down; the static MCM dispatches an incoming close with the link-down
   status; the cross-connect closes the call; the VC is deactivated and
   deleted. A's session reads "waiting" with one down and last status
   DEST_OUT_OF_ORDER, its circuit is free, the core holds no call and no
   VC. A frame A's circuit sends now finds no VC and is counted
   (drops.unknown_ac), not forwarded;
3. B is started again (a new process, the same configuration). A's link
   comes up; the MCM offers the session again; it is up a second time
   and frames cross both ways, byte for byte;
4. both stop cleanly with every mbuf back.

Then the event path: an access port on net_tap, whose PMD raises
link-state events (RTE_ETH_EVENT_INTR_LSC; memif and af_packet are
polled). The operator sets the tap interface down: the session on it
goes down (last status DEST_OUT_OF_ORDER); set up again, it comes back.
"""

import os
import subprocess

import vcstest as vt

N = 16


def side(ctx, name, role, socket, mac, v4, peer4, peer_mac, sid, peer_sid):
    vs = ctx.vcswitch(name)
    ac = vs.access_veth("ac0", name)
    # the peer transmits on two queues (its worker's and its control
    # thread's): as many RX queues here
    vs.port({"name": "wan0", "role": "network", "rx_queues": 2, "mac": mac,
             "ipv4": v4 + "/24", "neighbors": [{"ip": peer4, "mac": peer_mac}],
             "devargs": "net_memif0,role=%s,socket=%s,socket-abstract=yes,id=0"
                        % (role, socket)}, rx_queues=2)
    vs.add({"name": "pw", "ac": {"port": "ac0"}, "encap": "ip", "local": v4, "remote": peer4,
            "local_session_id": sid, "remote_session_id": peer_sid})
    return vs, ac


def frames(label, n=N):
    return [vt.inner_frame("%s-%d" % (label, i), 60 + 29 * i) for i in range(n)]


def session(vs):
    (s,) = vs.cmd("/vcswitch/sessions").values()
    return s


def wait_session(vs, state, ups, downs, what):
    def done(_):
        s = session(vs)
        return s["state"] == state and s["ups"] == ups and s["downs"] == downs
    vs.wait_until(done, 10, what, show=lambda _: session(vs))


def memif_peer_restart(ctx):
    chk = ctx.check
    socket = "vcstest-%d" % os.getpid()
    mac_a, mac_b = "02:00:5e:70:00:0a", "02:00:5e:70:00:0b"

    def make_b(name):
        return side(ctx, name, "client", socket, mac_b, "192.0.2.2", "192.0.2.1", mac_a,
                    2001, 1001)

    A, a_ac = side(ctx, "A", "server", socket, mac_a, "192.0.2.1", "192.0.2.2", mac_b, 1001,
                   2001)
    B, b_ac = make_b("B")
    A.start()
    B.start()
    wait_session(A, "up", 1, 0, "A's session up")
    wait_session(B, "up", 1, 0, "B's session up")

    # 1. traffic across
    first = frames("before")
    a_ac.send(first)
    chk.frames(b_ac.recv(N), first, "B's circuit output before the flap")

    # 2. the peer crashes
    B.kill()
    wait_session(A, "waiting", 1, 1, "A's session down after B died")
    s = session(A)
    chk.eq(s["last"], "DEST_OUT_OF_ORDER", "A's session: last status (link down)")
    (circ,) = A.cmd("/vcswitch/circuits").values()
    chk.eq(circ["state"], "free", "A's circuit after the link went down")
    calls = A.cmd("/vcswitch/calls")
    chk.eq((calls["connected"], calls["vcs"], calls["set_up"], calls["closed"]), (0, 0, 1, 1),
           "A's calls (connected, VCs, set up, closed) while the link is down")
    chk.eq(A.cmd("/vcswitch/vcs")["count"], 0, "A's VCs while the link is down")
    (port,) = [p for p in A.cmd("/vcswitch/ports").values() if p["name"] == "wan0"]
    chk.eq(port["link_up"], 0, "A's wan0 link")
    before = A.stats()
    a_ac.send(frames("during", 3))
    st = A.wait_until(lambda s: s["drops"].get("unknown_ac", 0)
                      >= before["drops"].get("unknown_ac", 0) + 3, 10,
                      "A drops what its circuit sends while the session is down")
    chk.eq(st["encap"], before["encap"], "A encapsulates nothing while the session is down")

    # 3. the peer comes back
    B2, b2_ac = make_b("B2")
    B2.start()
    wait_session(A, "up", 2, 1, "A's session up again")
    wait_session(B2, "up", 1, 0, "B2's session up")
    again, back = frames("after"), frames("back")
    a_ac.send(again)
    b2_ac.send(back)
    chk.frames(b2_ac.recv(N), again, "B2's circuit output after the flap")
    chk.frames(a_ac.recv(N), back, "A's circuit output after the flap")
    calls = A.cmd("/vcswitch/calls")
    chk.eq((calls["connected"], calls["vcs"], calls["set_up"], calls["closed"]), (1, 1, 2, 1),
           "A's calls (connected, VCs, set up, closed) after the flap")
    (circ,) = A.cmd("/vcswitch/circuits").values()
    chk.eq((circ["state"], circ["calls"]), ("connected", 2), "A's circuit after the flap")

    chk.eq(b2_ac.recv(1, 0.2) + a_ac.recv(1, 0.2), [], "frames beyond those sent")
    B2.stop()
    A.stop()


def set_link(ifname, state):
    subprocess.run(["ip", "link", "set", ifname, state], check=True)


def tap_events(ctx):
    chk = ctx.check
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        raise vt.Skip("net_tap needs root and /dev/net/tun")
    ifname = "vt%05dtap" % (os.getpid() % 100000)
    pw = vt.Pw("pw", ac="ac0", family=4, encap="ip", local_sid=11, remote_sid=12,
               remote="192.0.2.2", peer_mac="02:00:5e:80:00:02")
    vs = ctx.vcswitch("T")
    vs.port({"name": "ac0", "role": "access", "devargs": "net_tap0,iface=" + ifname})
    vs.network_pcap("wan0", neighbors=[pw.neighbor()])
    vs.add(pw)
    vs.start()
    (ac,) = [p for p in vs.cmd("/vcswitch/ports").values() if p["name"] == "ac0"]
    chk.eq(ac["link_events"], 1, "net_tap port: link-state events in use")
    wait_session(vs, "up", 1, 0, "session on the tap up")
    set_link(ifname, "down")
    wait_session(vs, "waiting", 1, 1, "session down with the tap's link")
    chk.eq(session(vs)["last"], "DEST_OUT_OF_ORDER", "session on the tap: last status")
    set_link(ifname, "up")
    wait_session(vs, "up", 2, 1, "session up again with the tap's link")
    vs.stop()


def test(ctx):
    memif_peer_restart(ctx)
    tap_events(ctx)


if __name__ == "__main__":
    vt.run_test(test, __doc__)
