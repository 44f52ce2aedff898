# SPDX-License-Identifier: BSD-3-Clause
"""vcstest: what the vcswitch integration tests share (Python 3 stdlib only).

- pcap files (classic format, link type Ethernet): read_pcap, write_pcap,
  and PcapFifo, an rx_pcap fed while vcswitch runs;
- packet builders written from the RFCs with struct, independent of
  vcswitch: Ethernet and 802.1Q, IPv4, IPv6, UDP, L2TPv3 data and control
  headers over IP and UDP, ARP, ICMP echo, ICMPv6 ND and echo; and Pw, a
  pseudowire's parameters, which renders both its vcswitch configuration
  and the exact packets each end sends;
- Telemetry, a client of the DPDK telemetry socket;
- VcSwitch, which writes a configuration, runs the binary, waits on its
  telemetry and stops it, checking the exit code and that every mbuf came
  back;
- tshark helpers, and run_test(), the entry point of every test script:
  exit 0 pass, 1 fail, 77 skip.

Environment: VCS_TEST_WRAPPER (a command prefix for the binary, e.g.
"valgrind -q"), VCS_TEST_TIMEOUT_SCALE (multiplies every deadline),
VCS_TEST_KEEP=1 (keep the work directory even when the test passes).
"""

import argparse
import ipaddress
import json
import os
import shlex
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET

SCALE = float(os.environ.get("VCS_TEST_TIMEOUT_SCALE") or "1")
WRAPPER = shlex.split(os.environ.get("VCS_TEST_WRAPPER", ""))
FANOUT_CLASH = "could not set PACKET_FANOUT"
FANOUT_ATTEMPTS = 3


# The operator's telemetry client (scripts/) is the tests' too.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..",
                                "scripts"))
from vcs_telemetry import RUNTIME_DIR, Telemetry  # noqa: E402

EXIT_PASS, EXIT_FAIL, EXIT_SKIP = 0, 1, 77

# Addresses every test uses for "us" (the vcswitch network port).
OUR_MAC = "02:00:5e:10:00:01"
OUR_V4 = "192.0.2.1"
OUR_V6 = "2001:db8::1"


def scaled(seconds):
    return seconds * SCALE


# --------------------------------------------------------------------------
# Outcomes and checks
# --------------------------------------------------------------------------


class TestFailure(Exception):
    pass


class Skip(Exception):
    pass


def hexdump(data, prefix="    ", start=0, end=None):
    end = len(data) if end is None else min(end, len(data))
    lines = []
    for off in range(start - start % 16, end, 16):
        chunk = data[off:min(off + 16, end)]
        hx = " ".join("%02x" % b for b in chunk)
        asc = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append("%s%04x  %-47s  %s" % (prefix, off, hx, asc))
    return "\n".join(lines)


def frame_diff(exp, got):
    """Expected vs got, with the first difference and hex dumps."""
    n = min(len(exp), len(got))
    first = next((i for i in range(n) if exp[i] != got[i]), n)
    out = ["      expected %d bytes, got %d bytes; first difference at offset %d (0x%x)"
           % (len(exp), len(got), first, first)]
    lo = max(0, first - 32)
    out.append("      expected:")
    out.append(hexdump(exp, "        ", lo, first + 48))
    out.append("      got:")
    out.append(hexdump(got, "        ", lo, first + 48))
    return "\n".join(out)


class Checker:
    """Collects failed checks so that one run reports all of them."""

    def __init__(self):
        self.failures = []
        self.passed = 0

    def fail(self, msg):
        self.failures.append(msg)
        print("  FAIL: " + msg, flush=True)

    def true(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.fail(what)
        return bool(cond)

    def eq(self, got, exp, what):
        if got == exp:
            self.passed += 1
            return True
        self.fail("%s: expected %r, got %r" % (what, exp, got))
        return False

    def dict_eq(self, got, exp, what):
        """Every key of exp (and of got) compared; extra keys in got must be 0."""
        bad = []
        for k in sorted(set(got) | set(exp)):
            g, e = got.get(k, 0), exp.get(k, 0)
            if g != e:
                bad.append("%s: expected %r, got %r" % (k, e, g))
        if bad:
            self.fail("%s: %s" % (what, "; ".join(bad)))
            return False
        self.passed += 1
        return True

    def frames(self, got, exp, what):
        """Two lists of frames, equal byte for byte and in order."""
        ok = True
        if len(got) != len(exp):
            self.fail("%s: expected %d frames, got %d" % (what, len(exp), len(got)))
            ok = False
        for i, (g, e) in enumerate(zip(got, exp)):
            if g != e:
                self.fail("%s: frame %d differs\n%s" % (what, i, frame_diff(e, g)))
                ok = False
                break
        if ok:
            self.passed += 1
        elif len(got) != len(exp):
            for i, g in enumerate(got[len(exp):len(exp) + 3]):
                print("      extra frame %d:\n%s" % (len(exp) + i, hexdump(g, "        ")))
            for i, e in enumerate(exp[len(got):len(got) + 3]):
                print("      missing frame %d:\n%s" % (len(got) + i, hexdump(e, "        ")))
        return ok

    def frame_padded(self, got, exp, what):
        """got is exp, possibly zero-padded to the 60-byte Ethernet minimum."""
        ok = (got[:len(exp)] == exp and len(got) <= max(60, len(exp))
              and not any(got[len(exp):]))
        if ok:
            self.passed += 1
        else:
            self.fail("%s: frame differs (zero padding to 60 bytes allowed)\n%s"
                      % (what, frame_diff(exp, got)))
        return ok

    def matched(self, got, streams, what):
        """got holds the frames of several streams, each in its own order but
        interleaved in any way. streams: {name: [expected frames]}."""
        pending = {k: list(v) for k, v in streams.items()}
        ok = True
        unmatched = 0
        for i, g in enumerate(got):
            owner = next((k for k, v in pending.items() if v and v[0] == g), None)
            if owner is not None:
                pending[owner].pop(0)
                continue
            ok = False
            unmatched += 1
            if unmatched > 5:
                continue
            # the closest expectation, for the diagnostic
            best, score = None, -1
            for k, v in pending.items():
                if not v:
                    continue
                e = v[0]
                s = next((j for j in range(min(len(e), len(g))) if e[j] != g[j]),
                         min(len(e), len(g)))
                if s > score:
                    best, score = k, s
            if best is None:
                self.fail("%s: output frame %d was not expected\n%s"
                          % (what, i, hexdump(g, "        ")))
            else:
                self.fail("%s: output frame %d matches no stream; closest is the next "
                          "frame of %r\n%s" % (what, i, best, frame_diff(pending[best][0], g)))
                pending[best].pop(0)
        if unmatched > 5:
            self.fail("%s: %d output frames matched no stream in all (the first 5 shown)"
                      % (what, unmatched))
        for k, v in pending.items():
            if v:
                ok = False
                self.fail("%s: %d expected frame(s) of %r never came out; first:\n%s"
                          % (what, len(v), k, hexdump(v[0], "        ")))
        if ok:
            self.passed += 1
        return ok

    def finish(self):
        if self.failures:
            raise TestFailure("%d check(s) failed (%d passed)"
                              % (len(self.failures), self.passed))


# --------------------------------------------------------------------------
# pcap
# --------------------------------------------------------------------------

PCAP_GLOBAL = struct.Struct("<IHHiIII")
PCAP_RECORD = struct.Struct("<IIII")
LINKTYPE_ETHERNET = 1


def pcap_header(snaplen=65535):
    return PCAP_GLOBAL.pack(0xA1B2C3D4, 2, 4, 0, 0, snaplen, LINKTYPE_ETHERNET)


def pcap_record(frame, index=0):
    # one microsecond apart, so that tools show them in order
    return PCAP_RECORD.pack(1, index, len(frame), len(frame)) + frame


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(pcap_header())
        for i, fr in enumerate(frames):
            f.write(pcap_record(bytes(fr), i))


def read_pcap(path):
    """Frames of a classic pcap file (either byte order, us or ns)."""
    return [fr for _, fr in read_pcap_ts(path)]


def read_pcap_ts(path):
    """(timestamp in ns, frame) of every record of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise TestFailure("%s: not a pcap file (%d bytes)" % (path, len(data)))
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        end = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        end = ">"
    else:
        raise TestFailure("%s: bad pcap magic 0x%08x" % (path, magic))
    nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype != LINKTYPE_ETHERNET:
        raise TestFailure("%s: link type %d, not Ethernet" % (path, linktype))
    frames, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        if incl != orig:
            raise TestFailure("%s: truncated record (%d of %d bytes)" % (path, incl, orig))
        frames.append((sec * 10**9 + frac * (1 if nano else 1000), data[off:off + incl]))
        off += incl
    return frames


class PcapFifo:
    """A named pipe given to net_pcap as rx_pcap. The PMD reads it with
    blocking reads: an rx burst returns once it has `burst` frames or the
    pipe is closed. A test uses it to hand frames to the worker at a
    moment it chooses, e.g. after telemetry shows a state was reached.
    Always close() before stopping vcswitch, or its worker stays blocked."""

    def __init__(self, path):
        self.path = path
        os.mkfifo(path)
        # O_RDWR does not wait for the reader; the header is buffered.
        self.fd = os.open(path, os.O_RDWR)
        self.n = 0
        os.write(self.fd, pcap_header())

    def write(self, frames):
        data = b""
        for fr in frames:
            data += pcap_record(bytes(fr), self.n)
            self.n += 1
        while data:
            data = data[os.write(self.fd, data):]

    def write_raw(self, data):
        """Records already built with pcap_record()."""
        while data:
            data = data[os.write(self.fd, data):]

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


# --------------------------------------------------------------------------
# Packet builders
# --------------------------------------------------------------------------

ETH_IPV4, ETH_ARP, ETH_VLAN, ETH_IPV6, ETH_QINQ = 0x0800, 0x0806, 0x8100, 0x86DD, 0x88A8
PROTO_ICMP, PROTO_TCP, PROTO_UDP, PROTO_GRE = 1, 6, 17, 47
PROTO_FRAG6, PROTO_ICMP6, PROTO_L2TP = 44, 58, 115


def mac(s):
    if isinstance(s, bytes):
        return s
    b = bytes(int(x, 16) for x in s.split(":"))
    assert len(b) == 6, s
    return b


def ip(s):
    if isinstance(s, bytes):
        return s
    return ipaddress.ip_address(s).packed


def checksum(data):
    """Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def vlan_tag(vid, pcp=0, dei=0, tpid=ETH_VLAN):
    return struct.pack("!HH", tpid, (pcp << 13) | (dei << 12) | vid)


def eth(dst, src, ethertype, payload, tags=()):
    """tags: vlan_tag() values, outermost first."""
    return mac(dst) + mac(src) + b"".join(tags) + struct.pack("!H", ethertype) + payload


def ipv4(src, dst, proto, payload, *, tos=0, ident=0, df=True, mf=False, frag_off=0, ttl=64,
         options=b"", csum=None, total_length=None, ihl=None):
    """csum None: computed; an int: used as is (to corrupt it)."""
    assert len(options) % 4 == 0
    hl = 20 + len(options)
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0) | frag_off
    tl = hl + len(payload) if total_length is None else total_length
    vihl = 0x40 | ((hl // 4) if ihl is None else ihl)
    hdr = struct.pack("!BBHHHBBH4s4s", vihl, tos, tl, ident, flags, ttl, proto, 0,
                      ip(src), ip(dst)) + options
    c = checksum(hdr) if csum is None else csum
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def ipv6(src, dst, nh, payload, *, hlim=64, tc=0, flow=0, payload_length=None):
    plen = len(payload) if payload_length is None else payload_length
    return struct.pack("!IHBB16s16s", (6 << 28) | (tc << 20) | flow, plen, nh, hlim,
                       ip(src), ip(dst)) + payload


def pseudo_header(src, dst, proto, length):
    s, d = ip(src), ip(dst)
    if len(s) == 4:
        return s + d + struct.pack("!BBH", 0, proto, length)
    return s + d + struct.pack("!IxxxB", length, proto)


def udp(sport, dport, payload, *, src=None, dst=None, csum=True, length=None):
    """csum True: computed over the pseudo-header of src/dst (0 becomes
    0xffff); False: 0 (none); an int: used as is."""
    ln = 8 + len(payload) if length is None else length
    if csum is True:
        c = checksum(pseudo_header(src, dst, PROTO_UDP, 8 + len(payload))
                     + struct.pack("!HHHH", sport, dport, ln, 0) + payload) or 0xFFFF
    elif csum is False:
        c = 0
    else:
        c = csum
    return struct.pack("!HHHH", sport, dport, ln, c) + payload


def l2ss(seq=0, s=False):
    """The default L2-Specific Sublayer (RFC 3931 §4.6)."""
    return struct.pack("!I", (0x40000000 if s else 0) | (seq & 0xFFFFFF))


def l2tp_session(session_id, cookie=b"", sublayer=b""):
    """Session ID, cookie and L2SS: the data header over IP (§4.1.1.1)."""
    return struct.pack("!I", session_id) + cookie + sublayer


def l2tp_udp_data(session_id, cookie=b"", sublayer=b"", ver=3):
    """The data header over UDP (§4.1.2.1): T=0, Ver, Reserved, then as over IP."""
    return struct.pack("!HH", ver & 0xF, 0) + l2tp_session(session_id, cookie, sublayer)


def l2tp_ctrl(msg_type=1, ccid=0, ns=0, nr=0, avps=b""):
    """A control message (§3.2.1): T=1 L=1 S=1 Ver=3, Message Type AVP first."""
    body = struct.pack("!HHHH", 0x8000 | 8, 0, 0, msg_type) + avps
    return struct.pack("!HHIHH", 0xC803, 12 + len(body), ccid, ns, nr) + body


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH6s4s6s4s", 1, ETH_IPV4, 6, 4, op, mac(sha), ip(spa), mac(tha),
                       ip(tpa))


def icmp_echo(typ, ident, seq, payload):
    hdr = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + payload
    return hdr[:2] + struct.pack("!H", checksum(hdr)) + hdr[4:]


def icmp6(src, dst, typ, code, body):
    msg = struct.pack("!BBH", typ, code, 0) + body
    c = checksum(pseudo_header(src, dst, PROTO_ICMP6, len(msg)) + msg)
    return msg[:2] + struct.pack("!H", c) + msg[4:]


def icmp6_echo(src, dst, typ, ident, seq, payload):
    return icmp6(src, dst, typ, 0, struct.pack("!HH", ident, seq) + payload)


def nd_option(typ, lla):
    return struct.pack("!BB", typ, 1) + mac(lla)


def nd_ns(src, dst, target, sll=None):
    opts = nd_option(1, sll) if sll is not None else b""
    return icmp6(src, dst, 135, 0, struct.pack("!I", 0) + ip(target) + opts)


def nd_na(src, dst, target, flags, tll=None):
    """flags: a string of R, S, O."""
    f = (0x80000000 if "R" in flags else 0) | (0x40000000 if "S" in flags else 0) \
        | (0x20000000 if "O" in flags else 0)
    opts = nd_option(2, tll) if tll is not None else b""
    return icmp6(src, dst, 136, 0, struct.pack("!I", f) + ip(target) + opts)


def solicited_node(addr):
    a = ip(addr)
    return ip("ff02::1:ff00:0")[:13] + a[13:]


def multicast_mac(addr6):
    return b"\x33\x33" + ip(addr6)[12:]


def pad60(frame):
    return frame + bytes(max(0, 60 - len(frame)))


def inner_frame(tag, size, *, tags=(), dst="02:aa:00:00:00:01", src="02:bb:00:00:00:02"):
    """An Ethernet frame carrying IPv4/UDP (valid checksums), exactly size
    bytes long (without FCS), its payload made unique by tag."""
    hlen = 14 + 4 * len(tags) + 20 + 8
    assert size >= hlen + 1, size
    text = (tag.encode() + b"/")
    payload = (text * ((size - hlen) // len(text) + 1))[:size - hlen]
    u = udp(7777, 7778, payload, src="10.1.0.1", dst="10.1.0.2")
    return eth(dst, src, ETH_IPV4, ipv4("10.1.0.1", "10.1.0.2", PROTO_UDP, u, ident=0x4242),
               tags=tags)


# --------------------------------------------------------------------------
# Pseudowires
# --------------------------------------------------------------------------


class Pw:
    """One static session: how vcswitch is configured, what it must send
    (encap) and what its peer sends to it (from_peer). Cookies are bytes;
    local_* is what we receive, remote_* what we send (as in the config)."""

    def __init__(self, name, *, ac, vlan=0, inner_vlan=0, pw_type="ethernet", family=4,
                 encap="ip",
                 local_port=1701, remote_port=1701, udp_checksum=None, local_sid, remote_sid,
                 local_cookie=b"", remote_cookie=b"", l2ss=False, seq="none",
                 remote=None, peer_mac=None, local=None):
        self.name, self.ac, self.vlan, self.pw_type = name, ac, vlan, pw_type
        self.inner_vlan = inner_vlan
        self.family, self.encap = family, encap
        self.local_port, self.remote_port = local_port, remote_port
        self.udp_checksum = (family == 6) if udp_checksum is None else udp_checksum
        self.local_sid, self.remote_sid = local_sid, remote_sid
        self.local_cookie, self.remote_cookie = local_cookie, remote_cookie
        self.l2ss, self.seq = l2ss, seq
        self.local = local or (OUR_V4 if family == 4 else OUR_V6)
        self.remote = remote
        self.peer_mac = peer_mac

    # -- configuration
    def cfg(self):
        s = {"name": self.name, "ac": {"port": self.ac}, "encap": self.encap,
             "local": self.local, "remote": self.remote,
             "local_session_id": self.local_sid, "remote_session_id": self.remote_sid}
        if self.vlan:
            s["ac"]["vlan"] = self.vlan
            s["pw_type"] = self.pw_type
        if self.inner_vlan:
            s["ac"]["inner_vlan"] = self.inner_vlan
        if self.encap == "udp":
            s["udp"] = {"local_port": self.local_port, "remote_port": self.remote_port}
            if self.family == 4:
                s["udp"]["checksum"] = self.udp_checksum
        if self.local_cookie:
            s["local_cookie"] = self.local_cookie.hex()
        if self.remote_cookie:
            s["remote_cookie"] = self.remote_cookie.hex()
        if self.l2ss:
            s["l2ss"] = "default"
        if self.seq != "none":
            s["sequencing"] = self.seq
        return s

    def neighbor(self):
        return {"ip": self.remote, "mac": self.peer_mac}

    # -- the wire
    def overhead(self):
        """Bytes between the outer Ethernet header and the inner frame."""
        n = (20 if self.family == 4 else 40) + 4 + (8 + 4 if self.encap == "udp" else 0)
        return n + len(self.remote_cookie) + (4 if self.l2ss else 0)

    def max_frame(self, mtu=1500):
        return mtu - self.overhead()

    def packet(self, src, dst, src_mac, dst_mac, sid, cookie, inner, *, sport, dport,
               udp_csum, seq=None, s=None, ip_kw=None, ver=3):
        sub = l2ss(seq or 0, bool(s)) if self.l2ss else b""
        if self.encap == "udp":
            body = l2tp_udp_data(sid, cookie, sub, ver=ver) + inner
            l4 = udp(sport, dport, body, src=src, dst=dst, csum=udp_csum)
            proto = PROTO_UDP
        else:
            l4 = l2tp_session(sid, cookie, sub) + inner
            proto = PROTO_L2TP
        if self.family == 4:
            return eth(dst_mac, src_mac, ETH_IPV4, ipv4(src, dst, proto, l4, **(ip_kw or {})))
        return eth(dst_mac, src_mac, ETH_IPV6, ipv6(src, dst, proto, l4, **(ip_kw or {})))

    def encap_expect(self, inner, seq=None):
        """The exact frame vcswitch must send for AC frame `inner` (already
        without the AC tag if the PW strips it). seq: the L2SS sequence
        number when sequencing is sent (S=1), else S=0 and 0."""
        sending = self.seq in ("send", "both")
        assert sending == (seq is not None), (self.name, seq)
        return self.packet(self.local, self.remote, OUR_MAC, self.peer_mac, self.remote_sid,
                           self.remote_cookie, inner, sport=self.local_port,
                           dport=self.remote_port, udp_csum=self.udp_checksum, seq=seq,
                           s=sending)

    def from_peer(self, inner, *, seq=None, s=None, cookie=None, sid=None, src=None,
                  dst=None, src_mac=None, dst_mac=OUR_MAC, udp_csum=None, sport=None,
                  dport=None, ip_kw=None, ver=3):
        """What the peer sends us for inner frame `inner`."""
        return self.packet(src or self.remote, dst or self.local, src_mac or self.peer_mac,
                           dst_mac, self.local_sid if sid is None else sid,
                           self.local_cookie if cookie is None else cookie, inner,
                           sport=sport or self.remote_port, dport=dport or self.local_port,
                           udp_csum=(self.family == 6 or self.udp_checksum)
                           if udp_csum is None else udp_csum,
                           seq=seq, s=(seq is not None) if s is None else s, ip_kw=ip_kw,
                           ver=ver)

    def strip_tag(self, frame):
        """The AC frame as the PW carries it: pw_type ethernet removes the
        circuit's tags, ethernet-vlan all but the innermost."""
        n = (1 if self.vlan else 0) + (1 if self.inner_vlan else 0)
        if self.pw_type == "ethernet-vlan":
            n -= 1
        return frame[:12] + frame[12 + 4 * n:] if n > 0 else frame

    def tshark_opts(self):
        cs = {0: "None", 4: "4 Byte Cookie", 8: "8 Byte Cookie"}[len(self.remote_cookie)]
        o = ["-o", "l2tp.cookie_size:" + cs,
             "-o", "l2tp.l2_specific:" + ("Default L2-Specific" if self.l2ss else "None"),
             "-d", "l2tp.pw_type==0,eth"]
        if self.encap == "udp":
            for p in sorted({self.local_port, self.remote_port} - {1701}):
                o += ["-d", "udp.port==%d,l2tp" % p]
        return o


# --------------------------------------------------------------------------
# libconfig text
# --------------------------------------------------------------------------


def _lc_value(v, indent):
    pad = "\t" * indent
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v) + ("L" if not -2**31 <= v < 2**31 else "")
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, dict):
        inner = "".join("%s\t%s = %s;\n" % (pad, k, _lc_value(x, indent + 1))
                        for k, x in v.items())
        return "{\n" + inner + pad + "}"
    if isinstance(v, (list, tuple)):
        if not v:
            return "( )"
        return "(\n" + ",\n".join(pad + "\t" + _lc_value(x, indent + 1) for x in v) + "\n" \
            + pad + ")"
    raise TypeError(v)


def libconfig(settings):
    """A dict of top-level settings as libconfig text."""
    return "".join("%s = %s;\n" % (k, _lc_value(v, 0)) for k, v in settings.items())


# --------------------------------------------------------------------------
# Telemetry
# --------------------------------------------------------------------------


def drop_total(st):
    return sum(st["drops"].values()) + sum(st["encap_drops"].values()) + \
        sum(st["decap_drops"].values())


def all_accounted(st, n_rx):
    """The worker received n_rx frames and every one was encapsulated,
    decapsulated, punted or dropped."""
    return st["rx"] == n_rx and \
        st["rx"] == st["encap"] + st["decap"] + st["punted"] + drop_total(st)


def nonzero(d):
    return {k: v for k, v in d.items() if v}


# --------------------------------------------------------------------------
# Running vcswitch
# --------------------------------------------------------------------------

_instances = 0


class PcapPort:
    """A port on net_pcap: rx_pcap (file or FIFO) and one tx_pcap per TX queue."""

    def __init__(self, name, rx_path, tx_paths, fifo=None):
        self.name, self.rx_path, self.tx_paths, self.fifo = name, rx_path, tx_paths, fifo

    def out(self, queue=0):
        """Frames written on TX queue `queue` (for a network port, queue 0
        is the worker's, the last one the control thread's)."""
        return read_pcap(self.tx_paths[queue])

    def ctrl(self):
        return read_pcap(self.tx_paths[-1])

    def out_all(self):
        """Frames of every TX queue, in transmit order (pcap timestamps)."""
        sent = [(ts, q, f) for q, p in enumerate(self.tx_paths) for ts, f in read_pcap_ts(p)]
        return [f for _, _, f in sorted(sent, key=lambda x: (x[0], x[1]))]


def _ip(args, netns=None, check=True):
    cmd = (["ip", "netns", "exec", netns] if netns else []) + args
    return subprocess.run(cmd, check=check, capture_output=True)


def _quiet_link(ifname, netns=None):
    """Up, with IPv6 off: the kernel then sends nothing of its own."""
    _ip(["sysctl", "-q", "-w", "net.ipv6.conf.%s.disable_ipv6=1" % ifname], netns, check=False)
    _ip(["ip", "link", "set", ifname, "up"], netns)


class Netns:
    """A network namespace, deleted (with what is in it) at cleanup."""

    def __init__(self, ctx, tag):
        if os.geteuid() != 0:
            raise Skip("network namespaces need root")
        self.name = "vcst-%d-%s" % (os.getpid(), tag)
        try:
            _ip(["ip", "netns", "add", self.name])
        except (OSError, subprocess.CalledProcessError) as e:
            raise Skip("cannot make a network namespace: %s" % getattr(e, "stderr", e))
        ctx.cleanups.append(lambda: _ip(["ip", "netns", "del", self.name], check=False))


def veth_between(ctx, tag, ns_a, ns_b):
    """A veth pair joining two namespaces; returns the two interface names."""
    a, b = ("vt%05d%sa" % (os.getpid() % 100000, tag))[:15], \
        ("vt%05d%sb" % (os.getpid() % 100000, tag))[:15]
    try:
        _ip(["ip", "link", "add", a, "type", "veth", "peer", "name", b])
    except (OSError, subprocess.CalledProcessError) as e:
        raise Skip("cannot make a veth pair: %s" % getattr(e, "stderr", e))
    ctx.cleanups.append(lambda: _ip(["ip", "link", "del", a], check=False))
    _ip(["ip", "link", "set", a, "netns", ns_a.name])
    _ip(["ip", "link", "set", b, "netns", ns_b.name])
    _quiet_link(a, ns_a.name)
    _quiet_link(b, ns_b.name)
    return a, b


class VethPort:
    """A veth pair: one end is a vcswitch port (net_af_packet), the test
    holds the other through an AF_PACKET socket. Unlike a pcap FIFO, the
    port never blocks its worker, so frames can be sent at any time and
    workers keep reporting quiescent states while nothing arrives. IPv6 is
    off on both ends and neither has an address: the kernel sends nothing
    of its own. With netns, vcswitch's end lives in that namespace (the
    test's stays here). Needs root; raises Skip without it."""

    PACKET_OUTGOING = 4
    SOL_PACKET, PACKET_AUXDATA = 263, 8
    TP_STATUS_VLAN_VALID, TP_STATUS_VLAN_TPID_VALID = 1 << 4, 1 << 6

    def __init__(self, ctx, tag, netns=None):
        if os.geteuid() != 0:
            raise Skip("veth pairs need root")
        base = ("vt%05d%s" % (os.getpid() % 100000, tag))[:12]
        self.port_if, self.test_if = base + "p", base + "t"
        try:
            _ip(["ip", "link", "add", self.port_if, "type", "veth", "peer", "name",
                 self.test_if])
        except (OSError, subprocess.CalledProcessError) as e:
            raise Skip("cannot make a veth pair: %s" % getattr(e, "stderr", e))
        ctx.cleanups.append(self.delete)
        if netns is not None:
            _ip(["ip", "link", "set", self.port_if, "netns", netns.name])
        _quiet_link(self.port_if, netns.name if netns else None)
        _quiet_link(self.test_if)
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        # the kernel takes VLAN tags out of received frames: get them back
        self.sock.setsockopt(self.SOL_PACKET, self.PACKET_AUXDATA, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind((self.test_if, 0))

    def devargs(self, vdev):
        return "%s,iface=%s,qpairs=1" % (vdev, self.port_if)

    def send(self, frames):
        for f in frames:
            self.sock.send(f)

    def recv(self, n, timeout=10.0):
        """The next n frames the port transmits (fewer on timeout)."""
        got = []
        deadline = time.monotonic() + scaled(timeout)
        while len(got) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                break
            data, anc, _, addr = self.sock.recvmsg(65536, socket.CMSG_SPACE(20))
            if addr[2] == self.PACKET_OUTGOING:
                continue
            for level, typ, aux in anc:
                if level != self.SOL_PACKET or typ != self.PACKET_AUXDATA or len(aux) < 20:
                    continue
                status, _, _, _, _, tci, tpid = struct.unpack("=IIIHHHH", aux[:20])
                if status & self.TP_STATUS_VLAN_VALID:
                    if not status & self.TP_STATUS_VLAN_TPID_VALID:
                        tpid = ETH_VLAN
                    data = data[:12] + struct.pack("!HH", tpid, tci) + data[12:]
            got.append(data)
        return got

    def delete(self):
        self.sock.close()
        _ip(["ip", "link", "del", self.test_if], check=False)


class VcSwitch:
    """One vcswitch process. Build its ports and sessions, start(), poll
    its telemetry, stop(). The EAL settings of every test are fixed here:
    lcores "0@0,1@1" (one worker) unless told otherwise, no hugepages,
    256 MB, a unique file prefix."""

    def __init__(self, ctx, name, *, dataplane=None, workers=None, eal_args=(),
                 lcores="0@0,1@1", netns=None):
        global _instances
        _instances += 1
        self.ctx, self.name = ctx, name
        self.prefix = "vcst-%d-%d-%s" % (os.getpid(), _instances, name)
        self.dir = os.path.join(ctx.workdir, name)
        os.makedirs(self.dir)
        self.dataplane = {"mbufs": 4095, "mbuf_cache": 32, "idle_sleep_us": 100}
        self.dataplane.update(dataplane or {})
        self.ports, self.rxqs, self.sessions = [], [], []
        self.l2tp, self.circuits = None, []  # the l2tp group, the circuits list
        self.netns = netns  # a Netns to run in
        self.workers = workers
        self.lcores = lcores
        self.eal_args = list(eal_args)
        self.n_pcap = 0
        self.proc = None
        self.tel = None
        self.stdout = self.stderr = ""
        self.returncode = None
        self.cfg_path = os.path.join(self.dir, "vcswitch.cfg")

    # -- topology
    def _pcap_devargs(self, name, rx, n_tx, fifo):
        vdev = "net_pcap%d" % self.n_pcap
        self.n_pcap += 1
        rx_path = os.path.join(self.dir, name + ".in.pcap")
        if fifo:
            f = PcapFifo(rx_path)
            self.ctx.fifos.append(f)
            f.write(rx)
        else:
            f = None
            write_pcap(rx_path, rx)
        tx = [os.path.join(self.dir, "%s.out%d.pcap" % (name, q)) for q in range(n_tx)]
        devargs = "%s,rx_pcap=%s,%s" % (vdev, rx_path, ",".join("tx_pcap=" + t for t in tx))
        return devargs, PcapPort(name, rx_path, tx, f)

    def access_pcap(self, name, rx=(), fifo=False, n_tx=1, **extra):
        """n_tx: one TX queue per worker."""
        devargs, port = self._pcap_devargs(name, rx, n_tx, fifo)
        self.ports.append(dict({"name": name, "devargs": devargs, "role": "access"}, **extra))
        self.rxqs.append({"port": name})
        return port

    def access_veth(self, name, tag):
        """An access port on a veth pair (net_af_packet): a VethPort."""
        veth = VethPort(self.ctx, tag, self.netns)
        vdev = "net_af_packet%d" % len([p for p in self.ports
                                        if p["devargs"].startswith("net_af_packet")])
        self.ports.append({"name": name, "devargs": veth.devargs(vdev), "role": "access"})
        self.rxqs.append({"port": name})
        return veth

    def network_pcap(self, name, rx=(), *, mac=OUR_MAC, ipv4=OUR_V4 + "/24",
                     ipv6=OUR_V6 + "/64", neighbors=(), fifo=False, **extra):
        devargs, port = self._pcap_devargs(name, rx, 2, fifo)  # worker + control
        p = {"name": name, "devargs": devargs, "role": "network", "mac": mac}
        if ipv4:
            p["ipv4"] = ipv4
        if ipv6:
            p["ipv6"] = ipv6
        if neighbors:
            p["neighbors"] = list(neighbors)
        p.update(extra)
        self.ports.append(p)
        self.rxqs.append({"port": name})
        return port

    def port(self, cfg, rx_queues=1):
        """Any other port (e.g. net_memif): its config group, polled whole."""
        self.ports.append(cfg)
        for q in range(rx_queues):
            self.rxqs.append({"port": cfg["name"], "queue": q} if rx_queues > 1
                             else {"port": cfg["name"]})

    def add(self, *pws):
        for pw in pws:
            self.sessions.append(pw.cfg() if isinstance(pw, Pw) else pw)

    def config(self):
        c = {"eal": {"lcores": self.lcores, "hugepages": False, "memory_mb": 256,
                     "file_prefix": self.prefix},
             "dataplane": self.dataplane,
             "ports": self.ports,
             "workers": self.workers or [{"lcore": 1, "rx": self.rxqs}]}
        if self.eal_args:
            c["eal"]["args"] = self.eal_args
        if self.sessions:
            c["sessions"] = self.sessions
        if self.l2tp is not None:
            c["l2tp"] = self.l2tp
        if self.circuits:
            c["circuits"] = self.circuits
        return libconfig(c)

    # -- life cycle
    def start(self, timeout=15.0):
        with open(self.cfg_path, "w") as f:
            f.write(self.config())
        self.out_path = os.path.join(self.dir, "stdout.txt")
        self.err_path = os.path.join(self.dir, "stderr.txt")
        cmd = WRAPPER + [self.ctx.binary, "-c", self.cfg_path, "--file-prefix", self.prefix]
        if self.netns is not None:
            cmd = ["ip", "netns", "exec", self.netns.name] + cmd
        print("[%s] starting: %s" % (self.name, " ".join(shlex.quote(c) for c in cmd)),
              flush=True)
        for attempt in range(FANOUT_ATTEMPTS):
            if self._spawn(cmd, timeout):
                return self
            if attempt + 1 == FANOUT_ATTEMPTS or FANOUT_CLASH not in self.stderr:
                raise TestFailure("[%s] exited with %d during start-up\n%s"
                                  % (self.name, self.returncode, self.output_tail()))
            # DPDK 22.11's net_af_packet names its fanout group
            # (pid ^ ifindex) & 0xffff, and groups are per network
            # namespace: another process's group can hold the same number
            # for another interface, and the kernel refuses the join. A new
            # process has a new pid, hence another group.
            print("[%s] af_packet fanout group clash (DPDK 22.11 derives it from the pid); "
                  "starting again" % self.name, flush=True)

    def _spawn(self, cmd, timeout):
        """Start the process and wait for its telemetry; False if it
        exited during start-up."""
        self.ctx.running.append(self)
        self.proc = subprocess.Popen(cmd, stdout=open(self.out_path, "w"),
                                     stderr=open(self.err_path, "w"), stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + scaled(timeout)
        last = None
        while True:
            if self.proc.poll() is not None:
                self._collect()
                return False
            try:
                self.tel = Telemetry(self.prefix, timeout=scaled(5))
                if isinstance(self.tel.query("/vcswitch/stats"), dict):
                    break
                last = "/vcswitch/stats answered null"
            except (OSError, ValueError) as e:
                last = repr(e)
            if self.tel is not None:
                self.tel.close()
                self.tel = None
            if time.monotonic() > deadline:
                self.kill()
                raise TestFailure("[%s] telemetry did not answer within %.1f s (%s)\n%s"
                                  % (self.name, scaled(timeout), last, self.output_tail()))
            time.sleep(0.02)
        return True

    def cmd(self, cmd, params=None):
        try:
            return self.tel.query(cmd, params)
        except (OSError, ValueError) as e:
            alive = self.proc.poll() is None
            raise TestFailure("[%s] telemetry %s failed: %r (process %s)\n%s"
                              % (self.name, cmd, e, "alive" if alive else
                                 "exited with %s" % self.proc.returncode,
                                 "" if alive else self.output_tail()))

    def stats(self):
        return self.cmd("/vcswitch/stats")

    def vc(self, name):
        return self.cmd("/vcswitch/vc", name)

    def wait_until(self, pred, timeout=10.0, what="condition", show=None, soft=False):
        """Poll pred(stats) until it returns true; returns the stats then.
        On timeout raise TestFailure, or with soft=True record the failure
        and return the last stats."""
        deadline = time.monotonic() + scaled(timeout)
        while True:
            st = self.stats()
            if pred(st):
                return st
            if self.proc.poll() is not None:
                raise TestFailure("[%s] exited while waiting for %s" % (self.name, what))
            if time.monotonic() > deadline:
                shown = _stats_brief(st) if show is None else show(st)
                msg = "[%s] timed out after %.1f s waiting for %s; stats now: %s" % (
                    self.name, scaled(timeout), what, json.dumps(shown, sort_keys=True))
                if not soft:
                    raise TestFailure(msg)
                self.ctx.check.fail(msg)
                return st
            time.sleep(0.01)

    def wait_processed(self, n_rx, timeout=10.0, **host):
        """All n_rx input frames accounted for, and host counters reached."""
        def done(st):
            return all_accounted(st, n_rx) and all(st[k] >= v for k, v in host.items())
        return self.wait_until(done, timeout, "%d frames processed%s" % (
            n_rx, "".join(", %s=%d" % kv for kv in host.items())), show=_stats_brief)

    def _collect(self):
        self.returncode = self.proc.returncode
        with open(self.out_path) as f:
            self.stdout = f.read()
        with open(self.err_path) as f:
            self.stderr = f.read()
        if self in self.ctx.running:
            self.ctx.running.remove(self)
        shutil.rmtree(os.path.join(RUNTIME_DIR, self.prefix), ignore_errors=True)

    def output_tail(self, n=30):
        try:
            with open(self.out_path) as f:
                out = f.read()
            with open(self.err_path) as f:
                err = f.read()
        except OSError:
            return ""
        return "--- stdout (last lines):\n%s\n--- stderr (last lines):\n%s" % (
            "\n".join(out.splitlines()[-n:]), "\n".join(err.splitlines()[-n:]))

    def stop(self, sig=signal.SIGTERM, timeout=20.0, check=True):
        """Signal, wait, collect output; with check, require exit 0 and every
        mbuf back in the pool."""
        if self.tel is not None:
            self.tel.close()
            self.tel = None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(scaled(timeout))
            except subprocess.TimeoutExpired:
                self.kill()
                raise TestFailure("[%s] did not exit within %.1f s of %s\n%s" % (
                    self.name, scaled(timeout), signal.Signals(sig).name, self.output_tail()))
        self._collect()
        if check:
            if self.returncode != 0:
                raise TestFailure("[%s] exit code %d after %s, expected 0\n%s" % (
                    self.name, self.returncode, signal.Signals(sig).name, self.output_tail()))
            if "mbufs: all back in the pool" not in self.stdout:
                raise TestFailure("[%s] stdout lacks \"mbufs: all back in the pool\"\n%s"
                                  % (self.name, self.output_tail()))
        return self.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc is not None:
            self._collect()


def _stats_brief(st):
    brief = {k: v for k, v in st.items() if not isinstance(v, dict) and v
             and k not in ("polls", "idle_sleeps")}
    for k in ("drops", "encap_drops", "decap_drops"):
        if nonzero(st.get(k, {})):
            brief[k] = nonzero(st[k])
    return brief


# --------------------------------------------------------------------------
# tshark
# --------------------------------------------------------------------------

EXPERT_ERROR = 0x00800000
EXPERT_WARN = 0x00600000


def have_tshark():
    return shutil.which("tshark") is not None


def tshark(args, timeout=60):
    r = subprocess.run(["tshark"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=scaled(timeout))
    if r.returncode != 0:
        raise TestFailure("tshark %s failed (%d): %s" % (" ".join(args), r.returncode,
                                                          r.stderr.decode(errors="replace")))
    return r.stdout.decode(errors="replace")


def tshark_fields(pcap, fields, opts=()):
    """One dict per packet: field -> list of values (every occurrence)."""
    args = ["-r", pcap, "-n"] + list(opts) + ["-T", "fields", "-E", "separator=\t",
                                             "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        args += ["-e", f]
    rows = []
    for line in tshark(args).splitlines():
        cols = line.split("\t")
        cols += [""] * (len(fields) - len(cols))
        rows.append({f: (c.split(",") if c else []) for f, c in zip(fields, cols)})
    return rows


def tshark_pdml(pcap, opts=()):
    return ET.fromstring(tshark(["-r", pcap, "-n"] + list(opts) + ["-T", "pdml"]))


# --------------------------------------------------------------------------
# Test entry point
# --------------------------------------------------------------------------


class Context:
    def __init__(self, binary):
        self.binary = os.path.abspath(binary)
        self.workdir = tempfile.mkdtemp(prefix="vcst-%s-" % os.path.basename(
            sys.argv[0]).replace(".py", ""))
        self.running = []
        self.fifos = []
        self.cleanups = []
        self.check = Checker()

    def vcswitch(self, name, **kw):
        return VcSwitch(self, name, **kw)

    def cleanup(self):
        for f in self.fifos:
            f.close()
        for v in list(self.running):
            try:
                v.kill()
            except Exception:  # noqa: BLE001 - best effort
                pass
        for fn in reversed(self.cleanups):
            fn()


def repo_root():
    return os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def run_test(fn, doc=None, tools=()):
    """Parse --vcswitch (and --TOOL for every other binary the test runs,
    found as ctx.tools[TOOL]), run fn(ctx), exit 0 / 1 / 77."""
    ap = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0] if doc else "")
    ap.add_argument("--vcswitch", required=True, help="the vcswitch binary")
    for t in tools:
        ap.add_argument("--" + t, required=True, help="the %s binary" % t)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    binaries = {t: getattr(args, t.replace("-", "_")) for t in tools}
    for path in [args.vcswitch] + list(binaries.values()):
        if not os.access(path, os.X_OK):
            print("FAIL: %s is not an executable" % path)
            sys.exit(EXIT_FAIL)
    ctx = Context(args.vcswitch)
    ctx.tools = binaries
    print("work directory: %s" % ctx.workdir, flush=True)
    t0 = time.monotonic()
    code = EXIT_FAIL
    try:
        fn(ctx)
        ctx.check.finish()
        code = EXIT_PASS
        print("PASS (%d checks, %.1f s)" % (ctx.check.passed, time.monotonic() - t0))
    except Skip as e:
        code = EXIT_SKIP
        print("SKIP: %s" % e)
    except TestFailure as e:
        print("FAIL: %s" % e)
    except Exception:  # noqa: BLE001 - report anything as a failure
        traceback.print_exc()
        print("FAIL: exception (%d earlier check failures)" % len(ctx.check.failures))
    finally:
        ctx.cleanup()
    if code != EXIT_FAIL and not args.keep and not os.environ.get("VCS_TEST_KEEP"):
        shutil.rmtree(ctx.workdir, ignore_errors=True)
    else:
        print("work directory kept: %s" % ctx.workdir)
    sys.stdout.flush()
    sys.exit(code)
