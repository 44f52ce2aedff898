#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""QoS: a session's traffic contract (qos.tx, qos.rx) is enforced per VC
and direction; frames over it are dropped and counted as meter.

Rates are 10 bytes/s, so that no bucket refills by a frame while the test
runs (a 100-byte frame takes 10 s to earn): which frames pass is then
exact. Sessions, each on its own access port:
- cir: token bucket 1000 bytes out, 500 bytes in. 30 frames of 100 bytes
  each way: the first 10 go out and the first 5 come in; the rest are
  encap_drops.meter and decap_drops.meter;
- peak: token bucket 10000 bytes, peak rate 10 bytes/s with a largest
  frame (max_sdu_size) of 300: a 400-byte frame is over the contract,
  then three 100-byte frames fill the peak bucket and the other 27 are
  dropped;
- tagged: VLAN 10 with pw_type ethernet (the tag is stripped on the
  wire), bucket 1000: the meter counts the frame as the circuit sees it,
  tag included, so 9 frames of 104 bytes pass, not 10;
- free: no contract, all 30 pass.
Proves the exact frames on the wire (the first ones of each stream, in
order), the global and per-VC counters, and that nothing else drops.
"""

import vcstest as vt

PEER, PEER_MAC = "192.0.2.2", "02:00:5e:90:00:02"
N = 30


def pw(name, ac, sid, **kw):
    return vt.Pw(name, ac=ac, family=4, encap="ip", local_sid=sid, remote_sid=sid + 100,
                 remote=PEER, peer_mac=PEER_MAC, **kw)


def test(ctx):
    chk = ctx.check
    cir, peak = pw("cir", "ac0", 1), pw("peak", "ac1", 2)
    tagged, free = pw("tagged", "ac2", 3, vlan=10), pw("free", "ac3", 4)
    qos = {
        "cir": {"tx": {"token_rate": 10, "token_bucket_size": 1000},
                "rx": {"token_rate": 10, "token_bucket_size": 500}},
        "peak": {"tx": {"token_rate": 10, "token_bucket_size": 10000, "peak_bandwidth": 10,
                        "max_sdu_size": 300}},
        "tagged": {"tx": {"token_rate": 10, "token_bucket_size": 1000}},
    }

    def frames(label, n=N, size=100, **kw):
        return [vt.inner_frame("%s-%d" % (label, i), size, **kw) for i in range(n)]

    ac_in = {"ac0": frames("cir"),
             "ac1": [vt.inner_frame("peak-big", 400)] + frames("peak"),
             "ac2": frames("tagged", size=104, tags=[vt.vlan_tag(10)]),
             "ac3": frames("free")}
    rx_cir, rx_free = frames("cir-rx"), frames("free-rx")
    net_in = [x for pair in zip([cir.from_peer(f) for f in rx_cir],
                                [free.from_peer(f) for f in rx_free]) for x in pair]
    passing = {"cir": ac_in["ac0"][:10], "peak": ac_in["ac1"][1:4],
               "tagged": [tagged.strip_tag(f) for f in ac_in["ac2"][:9]],
               "free": ac_in["ac3"]}
    enc_meter = {"cir": 20, "peak": 28, "tagged": 21, "free": 0}

    vs = ctx.vcswitch("qos")
    acs = {name: vs.access_pcap(name, ac_in[name]) for name in ("ac0", "ac1", "ac2", "ac3")}
    net = vs.network_pcap("wan0", net_in, neighbors=[cir.neighbor()])
    for p in (cir, peak, tagged, free):
        c = p.cfg()
        if p.name in qos:
            c["qos"] = qos[p.name]
        vs.add(c)
    vs.start()
    n_rx = sum(len(v) for v in ac_in.values()) + len(net_in)
    st = vs.wait_processed(n_rx)
    vcs = {p.name: vs.vc(p.name) for p in (cir, peak, tagged, free)}
    vs.stop()

    n_enc = sum(len(v) for v in passing.values())
    chk.eq((st["encap"], st["decap"]), (n_enc, 5 + N), "encap, decap")
    chk.dict_eq(st["encap_drops"], {"meter": sum(enc_meter.values())}, "encap_drops")
    chk.dict_eq(st["decap_drops"], {"meter": N - 5}, "decap_drops")
    chk.dict_eq(st["drops"], {}, "drops")
    for name, v in vcs.items():
        chk.eq(v["encap_pkts"], len(passing[name]), name + ": encap_pkts")
        chk.dict_eq(v["encap_drops"], {"meter": enc_meter[name]}, name + ": encap_drops")
    chk.eq(vcs["cir"]["decap_pkts"], 5, "cir: decap_pkts")
    chk.dict_eq(vcs["cir"]["decap_drops"], {"meter": N - 5}, "cir: decap_drops")
    chk.eq(vcs["free"]["decap_pkts"], N, "free: decap_pkts")

    by = {"cir": cir, "peak": peak, "tagged": tagged, "free": free}
    chk.matched(net.out(), {n: [by[n].encap_expect(f) for f in fs] for n, fs in passing.items()},
                "network output")
    chk.frames(acs["ac0"].out(), rx_cir[:5], "cir: circuit output")
    chk.frames(acs["ac3"].out(), rx_free, "free: circuit output")


if __name__ == "__main__":
    vt.run_test(test, __doc__)
