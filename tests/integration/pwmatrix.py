# SPDX-License-Identifier: BSD-3-Clause
"""The option matrix test_encap and test_decap share: one static session
per combination worth covering, each on its own access port except the
VLAN sessions, which share ac0 with a whole-port session, and ac1, which
has only a VLAN session (so that other VLANs there have no circuit).

Every session has its own remote address and next-hop MAC (a static
neighbour), its own session IDs and cookies, so that a frame sent to the
wrong peer or with the wrong header cannot match an expectation."""

from vcstest import Pw

ACCESS_PORTS = ["ac%d" % i for i in range(10)]


def _v4(i):
    return "192.0.2.%d" % (10 + i)


def _v6(i):
    return "2001:db8::%x" % (0x10 + i)


def _mac(i):
    return "02:00:5e:20:00:%02x" % i


def _cookie(i, n):
    return bytes((0xc0 + i, 0x0c, 0x1e, n, 0xa0 + i, 0x5a, 0x11, 0x77)[:n])


def _rcookie(i, n):
    return bytes((0xd0 + i, 0xe1, 0x7a, n, 0xb0 + i, 0x3c, 0x99, 0x01)[:n])


# name, ac, vlan, pw_type, family, encap, ports (local, remote), udp checksum (v4),
# cookie length, l2ss, sequencing
_SPECS = [
    ("w0", "ac0", 0, "ethernet", 4, "ip", None, None, 0, False, "none"),
    ("v100", "ac0", 100, "ethernet", 4, "udp", (1701, 1701), True, 8, True, "send"),
    ("v200", "ac0", 200, "ethernet-vlan", 6, "ip", None, None, 4, False, "none"),
    ("v10", "ac1", 10, "ethernet", 4, "ip", None, None, 4, False, "none"),
    ("ip4c4l2", "ac2", 0, "ethernet", 4, "ip", None, None, 4, True, "none"),
    ("ip4c8seq", "ac3", 0, "ethernet", 4, "ip", None, None, 8, True, "send"),
    ("udp4", "ac4", 0, "ethernet", 4, "udp", (1701, 1701), False, 0, False, "none"),
    ("udp4np", "ac5", 0, "ethernet", 4, "udp", (5000, 6000), True, 4, True, "send"),
    ("udp4np0", "ac6", 0, "ethernet", 4, "udp", (1234, 1234), False, 8, False, "none"),
    ("ip6seq", "ac7", 0, "ethernet", 6, "ip", None, None, 8, True, "send"),
    ("udp6", "ac8", 0, "ethernet", 6, "udp", (1701, 1701), None, 4, False, "none"),
    ("udp6np", "ac9", 0, "ethernet", 6, "udp", (40000, 1234), None, 0, True, "none"),
    ("q400", "ac1", 400, "ethernet", 4, "ip", None, None, 0, False, "none"),
    ("q401", "ac1", 401, "ethernet-vlan", 6, "udp", (1701, 1701), None, 4, False, "none"),
]
# QinQ sessions: their inner VLAN (ac1's S-tags are 802.1ad, the default)
_INNER_VLAN = {"q400": 7, "q401": 8}


def matrix(seq_override=None):
    """The sessions; seq_override maps a name to another sequencing mode."""
    pws = []
    for i, (name, ac, vlan, pw_type, fam, encap, ports, csum, clen, l2, seq) in \
            enumerate(_SPECS):
        lp, rp = ports or (1701, 1701)
        pws.append(Pw(name, ac=ac, vlan=vlan, inner_vlan=_INNER_VLAN.get(name, 0),
                      pw_type=pw_type, family=fam, encap=encap,
                      local_port=lp, remote_port=rp, udp_checksum=csum,
                      local_sid=100 + i, remote_sid=0x10000 + 1000 + i,
                      local_cookie=_cookie(i, clen), remote_cookie=_rcookie(i, clen),
                      l2ss=l2, seq=(seq_override or {}).get(name, seq),
                      remote=_v4(i) if fam == 4 else _v6(i), peer_mac=_mac(i)))
    return pws


def network_neighbors(pws):
    return [pw.neighbor() for pw in pws]
