#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Real captures: Linux `ip l2tp` static sessions (captures v3-01..v3-12).

The captures live outside the repository, in <repo>/../shared/captures
(see its README.md); without them the test is skipped (exit 77), and
without tshark too, since tshark defines the expectation.

For every file and each of its two hosts (172.31.6.72, 172.31.1.211)
vcswitch runs as that host: network port MAC = the destination MAC of
the frames to that host, ipv4 = its address, one static session (session
IDs 1/1; cookie, L2SS, transport and UDP ports per the README table,
v3-06 without a cookie since none is on the wire; v3-11 1701 <-> 49159,
v3-12 1234 <-> 1234), the other host a static neighbour. The capture is
replayed into the network port. Proves:
- the access port emits, byte for byte and in order, the inner Ethernet
  frames of the packets addressed to this host, as tshark dissects them
  (from the second Ethernet header to the end of the outer IP packet);
- decap == the number of those packets, no decap drops, and the packets
  for the other host are drops.not_for_us;
- v3-10 carries UDP checksums: vcswitch verifies them. Its packets sent
  by 172.31.6.72 were captured on that host before checksum offload, so
  tshark calls their checksum bad and vcswitch must drop them
  (drops.udp_checksum). A copy with those checksums completed, as the
  NIC put them on the wire (tshark checks they are then good), must be
  accepted in full.
"""

import os
import struct

import vcstest as vt

HOSTS = ("172.31.6.72", "172.31.1.211")

# file: (cookie, l2ss, encap, {host: (local_port, remote_port)}); from the README
TABLE = {
    "v3-01": (b"", False, "udp", None),
    "v3-02": (bytes.fromhex("cafebabe"), False, "udp", None),
    "v3-03": (bytes.fromhex("deadbeefcafebabe"), False, "udp", None),
    "v3-04": (bytes.fromhex("deadbeefcafebabe"), True, "udp", None),
    "v3-05": (b"", False, "ip", None),
    "v3-06": (b"", False, "ip", None),
    "v3-07": (bytes.fromhex("deadbeefcafebabe"), False, "ip", None),
    "v3-08": (bytes.fromhex("deadbeefcafebabe"), True, "ip", None),
    "v3-10": (8, True, "udp", None),
    "v3-11": (8, True, "udp", {"172.31.1.211": (1701, 49159), "172.31.6.72": (49159, 1701)}),
    "v3-12": (8, True, "udp", {"172.31.1.211": (1234, 1234), "172.31.6.72": (1234, 1234)}),
}


def tshark_opts(name, cookie_len, l2ss):
    o = ["-o", "l2tp.cookie_size:" + {0: "None", 4: "4 Byte Cookie", 8: "8 Byte Cookie"}[
        cookie_len],
         "-o", "l2tp.l2_specific:" + ("Default L2-Specific" if l2ss else "None"),
         "-d", "l2tp.pw_type==0,eth"]
    if name == "v3-12":
        o = ["-d", "udp.port==1234,l2tp"] + o
    if name == "v3-11":
        o = ["-d", "udp.port==49159,l2tp"] + o
    return o + ["-o", "udp.check_checksum:TRUE"]


def field(proto, name):
    for f in proto.iter("field"):
        if f.get("name") == name:
            return f
    return None


def dissect(path, opts, frames):
    """Per packet, as tshark sees it: src, dst, dst MAC, src MAC, UDP
    checksum status, cookie, and the inner frame."""
    root = vt.tshark_pdml(path, opts)
    out = []
    for i, pkt in enumerate(root.iter("packet")):
        protos = [p for p in pkt if p.tag == "proto"]
        eths = [p for p in protos if p.get("name") == "eth"]
        ip = next(p for p in protos if p.get("name") == "ip")
        udp = next((p for p in protos if p.get("name") == "udp"), None)
        l2tp = next(p for p in protos if p.get("name") == "l2tp")
        if len(eths) < 2:
            raise vt.TestFailure("%s packet %d: tshark found no inner Ethernet frame" % (path, i))
        start = int(eths[1].get("pos"))
        end = int(ip.get("pos")) + int(field(ip, "ip.len").get("show"))
        ck = field(l2tp, "l2tp.cookie")
        out.append({
            "src": field(ip, "ip.src").get("show"),
            "dst": field(ip, "ip.dst").get("show"),
            "dst_mac": field(eths[0], "eth.dst").get("show"),
            "src_mac": field(eths[0], "eth.src").get("show"),
            "udp_csum": field(udp, "udp.checksum.status").get("show") if udp is not None
            else None,
            "sport": int(field(udp, "udp.srcport").get("show")) if udp is not None else None,
            "dport": int(field(udp, "udp.dstport").get("show")) if udp is not None else None,
            "cookie": bytes.fromhex(ck.get("value")) if ck is not None else b"",
            "ip_off": int(ip.get("pos")),
            "inner": frames[i][start:end],
        })
    if len(out) != len(frames):
        raise vt.TestFailure("%s: tshark shows %d packets, the file has %d"
                             % (path, len(out), len(frames)))
    return out


def fix_udp_checksums(frames, pkts):
    """Complete the UDP checksums tshark calls bad, as the sender's NIC did."""
    fixed = []
    for fr, p in zip(frames, pkts):
        if p["udp_csum"] == "0":  # bad
            o = p["ip_off"]
            ihl = (fr[o] & 0xF) * 4
            u = o + ihl
            ulen = struct.unpack("!H", fr[u + 4:u + 6])[0]
            seg = fr[u:u + 6] + b"\0\0" + fr[u + 8:u + ulen]
            c = vt.checksum(vt.pseudo_header(fr[o + 12:o + 16], fr[o + 16:o + 20],
                                             vt.PROTO_UDP, ulen) + seg) or 0xFFFF
            fr = fr[:u + 6] + struct.pack("!H", c) + fr[u + 8:]
        fixed.append(fr)
    return fixed


def run_one(ctx, label, frames, pkts, host, cookie, l2ss, encap, ports):
    chk = ctx.check
    other = HOSTS[1] if host == HOSTS[0] else HOSTS[0]
    mine = [p for p in pkts if p["dst"] == host]
    theirs = [p for p in pkts if p["dst"] != host]
    our_mac = mine[0]["dst_mac"]
    peer_mac = mine[0]["src_mac"]
    bad_csum = [p for p in mine if p["udp_csum"] == "0"]
    good = [p for p in mine if p["udp_csum"] != "0"]
    lp, rp = ports.get(host, (1701, 1701)) if ports else (1701, 1701)
    if encap == "udp" and good:
        chk.eq({(p["sport"], p["dport"]) for p in mine}, {(rp, lp)},
               "%s as %s: UDP ports on the wire vs the README" % (label, host))
    pw = {"name": "cap", "ac": {"port": "ac0"}, "encap": encap, "local": host, "remote": other,
          "local_session_id": 1, "remote_session_id": 1}
    if encap == "udp":
        pw["udp"] = {"local_port": lp, "remote_port": rp}
    if cookie:
        pw["local_cookie"] = pw["remote_cookie"] = cookie.hex()
    if l2ss:
        pw["l2ss"] = "default"
    vs = ctx.vcswitch("%s-%s" % (label, host.replace(".", "_")))
    ac = vs.access_pcap("ac0")
    vs.network_pcap("wan0", frames, mac=our_mac, ipv4=host + "/16", ipv6=None,
                    neighbors=[{"ip": other, "mac": peer_mac}])
    vs.add(pw)
    vs.start()
    st = vs.wait_processed(len(frames))
    vs.stop()
    w = "%s as %s" % (label, host)
    chk.eq((st["rx"], st["decap"], st["encap"], st["punted"]),
           (len(frames), len(good), 0, 0), w + ": rx, decap, encap, punted")
    drops = {"not_for_us": len(theirs)}
    if bad_csum:
        drops["udp_checksum"] = len(bad_csum)
    chk.dict_eq(st["drops"], drops, w + ": drops")
    chk.dict_eq(st["decap_drops"], {}, w + ": decap_drops")
    chk.frames(ac.out(), [p["inner"] for p in good], w + ": access port output")


def test(ctx):
    cap_dir = os.path.normpath(os.path.join(vt.repo_root(), "..", "shared", "captures"))
    if not os.path.isdir(cap_dir):
        raise vt.Skip("no capture directory %s (a clone without the shared captures)" % cap_dir)
    if not vt.have_tshark():
        raise vt.Skip("tshark not found: it defines the expected inner frames")
    for name, (cookie, l2ss, encap, ports) in sorted(TABLE.items()):
        path = os.path.join(cap_dir, name + ".pcap")
        if not os.path.exists(path):
            ctx.check.fail("%s missing from %s" % (name, cap_dir))
            continue
        frames = vt.read_pcap(path)
        clen = cookie if isinstance(cookie, int) else len(cookie)
        pkts = dissect(path, tshark_opts(name, clen, l2ss), frames)
        if isinstance(cookie, int):
            # the README gives only the size: the value is what is on the wire
            cookie = pkts[0]["cookie"]
        ctx.check.eq({p["cookie"] for p in pkts}, {cookie}, "%s: cookies on the wire" % name)
        ctx.check.eq({p["src"] for p in pkts} | {p["dst"] for p in pkts}, set(HOSTS),
                     "%s: the two hosts" % name)
        for host in HOSTS:
            run_one(ctx, name, frames, pkts, host, cookie, l2ss, encap, ports)
        if any(p["udp_csum"] == "0" for p in pkts):
            fixed = fix_udp_checksums(frames, pkts)
            fpath = os.path.join(ctx.workdir, name + "-csum-fixed.pcap")
            vt.write_pcap(fpath, fixed)
            fpkts = dissect(fpath, tshark_opts(name, clen, l2ss), fixed)
            ctx.check.eq([p["udp_csum"] for p in fpkts], ["1"] * len(fpkts),
                         "%s with completed checksums: tshark UDP checksum status" % name)
            for host in HOSTS:
                run_one(ctx, name + "-fixed", fixed, fpkts, host, cookie, l2ss, encap, ports)


if __name__ == "__main__":
    vt.run_test(test, __doc__)
