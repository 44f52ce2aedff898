#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Independent L2TPv3 control-message vectors for tests/unit/test_l2tp_msg.c.

Every message is laid out here from RFC 3931 itself (§3.2.1 header, §5.1
AVP header, §5.4 values) with struct.pack, and every key, digest and
hidden value is computed with Python's hmac and hashlib, not with
vcswitch's code. Run it and paste its output into test_l2tp_msg.c:

    python3 tests/vectors/l2tp_msg_vectors.py

Constructions, as the RFC states them:
- keys (§5.4.1, §5.3): HMAC-MD5 keyed with the shared secret over one
  octet holding 2 (digest) or 1 (hiding);
- digest (§5.4.1): HMAC_Hash(key, local_nonce + remote_nonce + message)
  with every Message Digest value zero, no nonces for an SCCRQ;
- hiding (§5.3): b_1 = MD5(type + key + RV), b_i = MD5(key + c_{i-1}),
  c_i = p_i xor b_i over (2-octet length, value, random padding to 16).

With --corpus DIR it writes the seeds of tests/fuzz/fuzz_l2tp_msg.c
instead: every message type with every AVP §6 allows in it, clear and
hidden (signed as the fuzz target verifies: secret "fuzz", nonces
10..1f then 20..2f), the vectors below, and malformed or foreign ones.

"Random" octets come from a counter (0x00, 0x01, ... across calls), as
the test's deterministic rand function gives them: the Random Vector
first, then each hidden AVP's padding in attribute-type order.
"""

import hashlib
import hmac
import os
import struct
import sys

M, H = 0x8000, 0x4000


class Counter:
    def __init__(self):
        self.n = 0

    def take(self, k):
        out = bytes((self.n + i) & 0xFF for i in range(k))
        self.n += k
        return out


def avp(typ, value, m=True, hidden=False):
    return struct.pack("!HHH", (M if m else 0) | (H if hidden else 0) | (6 + len(value)), 0,
                       typ) + value


def message(ccid, ns, nr, avps):
    body = b"".join(avps)
    return struct.pack("!HHIHH", 0xC803, 12 + len(body), ccid, ns, nr) + body


def keys(secret):
    return (hmac.new(secret, b"\x02", hashlib.md5).digest(),
            hmac.new(secret, b"\x01", hashlib.md5).digest())


def hide(hide_key, typ, rv, value, rnd):
    sub = struct.pack("!H", len(value)) + value
    sub += rnd.take(-len(sub) % 16)
    out, prev = b"", None
    for i in range(0, len(sub), 16):
        b = hashlib.md5((struct.pack("!H", typ) + hide_key + rv) if prev is None
                        else hide_key + prev).digest()
        c = bytes(x ^ y for x, y in zip(sub[i:i + 16], b))
        out += c
        prev = c
    return out


def sign(msg, offsets, dlen, algos, digest_keys, nonces=b""):
    """offsets: of each digest value; all zero while each is computed."""
    z = bytearray(msg)
    for off in offsets:
        z[off:off + dlen] = bytes(dlen)
    out = bytearray(z)
    for off, algo, key in zip(offsets, algos, digest_keys):
        out[off:off + dlen] = hmac.new(key, nonces + bytes(z), algo).digest()
    return bytes(out)


def digest_avp(dtype):
    return avp(59, bytes([dtype]) + bytes(16 if dtype == 0 else 20))


def c_array(name, data, comment):
    lines = ["/* %s */" % comment, "static const uint8_t %s[] = {" % name]
    for i in range(0, len(data), 12):
        lines.append("\t" + ", ".join("0x%02x" % b for b in data[i:i + 12]) + ",")
    lines.append("};")
    return "\n".join(lines)


NONCE_A = bytes(range(0x10, 0x20))
NONCE_B = bytes(range(0x20, 0x30))
TIE = bytes.fromhex("0102030405060708")


def vectors(out):
    """The vectors by name; their C text (and the keys') appended to out."""
    vecs = {}
    secret = b"s3cret"
    dk, hk = keys(secret)
    out.append(c_array("key_digest", dk, 'HMAC_MD5("s3cret", 0x02)'))
    out.append(c_array("key_hide", hk, 'HMAC_MD5("s3cret", 0x01)'))
    edk, ehk = keys(b"")
    out.append(c_array("key_digest_empty", edk, 'HMAC_MD5("", 0x02)'))
    out.append(c_array("key_hide_empty", ehk, 'HMAC_MD5("", 0x01)'))

    # 1. SCCRQ from A, HMAC-MD5, no nonces in the digest (§5.4.1)
    msg = message(0, 0, 0, [
        avp(0, struct.pack("!H", 1)),
        digest_avp(0),
        avp(5, TIE),
        avp(7, b"lcce-a.example"),
        avp(8, b"vcswitch", m=False),
        avp(10, struct.pack("!H", 8)),
        avp(60, struct.pack("!I", 0xC0000201)),
        avp(61, struct.pack("!I", 0x11223344)),
        avp(62, struct.pack("!HH", 5, 4)),
        avp(73, NONCE_A),
    ])
    off = 12 + 8 + 6 + 1
    vecs["sccrq"] = sign(msg, [off], 16, [hashlib.md5], [dk])
    out.append(c_array("vec_sccrq", vecs["sccrq"], "SCCRQ, HMAC-MD5 with \"s3cret\", no nonces"))

    # 2. SCCRP from B, HMAC-SHA-1, B's nonce then A's
    msg = message(0x11223344, 0, 1, [
        avp(0, struct.pack("!H", 2)),
        digest_avp(1),
        avp(7, b"lcce-b"),
        avp(10, struct.pack("!H", 16)),
        avp(60, struct.pack("!I", 0xC0000202)),
        avp(61, struct.pack("!I", 0x55667788)),
        avp(62, struct.pack("!H", 5)),
        avp(72, b"en", m=False),
        avp(73, NONCE_B),
    ])
    vecs["sccrp"] = sign(msg, [off], 20, [hashlib.sha1], [dk], NONCE_B + NONCE_A)
    out.append(c_array("vec_sccrp", vecs["sccrp"],
                       "SCCRP, HMAC-SHA-1 with \"s3cret\", nonces B + A"))

    # 3. HELLO from A during a rollover: two HMAC-MD5 digests, the first
    # with "old-secret", the second with "new-secret", both computed
    # with both values zero
    old, new = keys(b"old-secret")[0], keys(b"new-secret")[0]
    msg = message(0x55667788, 5, 3, [avp(0, struct.pack("!H", 6)), digest_avp(0),
                                      digest_avp(0)])
    vecs["hello-rollover"] = sign(msg, [off, off + 23], 16, [hashlib.md5] * 2, [old, new],
                                  NONCE_A + NONCE_B)
    out.append(c_array("vec_hello_rollover", vecs["hello-rollover"],
                       "HELLO, two HMAC-MD5 digests (old-secret, new-secret), nonces A + B"))

    # 4. ICRQ from A with hidden AVPs and an HMAC-MD5 digest: hide
    # {5, 15, 63, 64, 65, 66}; 5 may not be hidden (§5.4.4), so stays clear
    rnd = Counter()
    rv = rnd.take(16)
    end_id = b"pw-circuit-0001-long"  # 20 octets: two MD5 blocks
    cookie = bytes.fromhex("deadbeefcafebabe")
    avps = [avp(0, struct.pack("!H", 10)), digest_avp(0), avp(36, rv), avp(5, TIE)]
    for typ, value, m in ((15, struct.pack("!I", 42), False),
                          (63, struct.pack("!I", 0x0A0B0C0D), True),
                          (64, struct.pack("!I", 0), True),
                          (65, cookie, True),
                          (66, end_id, True)):
        avps.append(avp(typ, hide(hk, typ, rv, value, rnd), m=m, hidden=True))
    avps += [avp(68, struct.pack("!H", 5)), avp(71, struct.pack("!H", 3))]
    msg = message(0x55667788, 1, 1, avps)
    vecs["icrq-hidden"] = sign(msg, [off], 16, [hashlib.md5], [dk], NONCE_A + NONCE_B)
    out.append(c_array("vec_icrq_hidden", vecs["icrq-hidden"],
                       "ICRQ, AVPs 15, 63, 64, 65, 66 hidden with \"s3cret\", HMAC-MD5, "
                       "nonces A + B"))

    # 5. §5.3's chain alone, for l2tp_hide(): Vendor Name (8) "vcswitch
    # control plane" (22 octets), RV 0xa0..0xaf, padding 0xb0.., plus
    # 5 octets of padding asked for: 2 + 22 + 5 = 29 -> 32
    rv2 = bytes(range(0xA0, 0xB0))
    pad = Counter()
    pad.n = 0xB0
    hv = hide(hk, 8, rv2, b"vcswitch control plane", pad)
    out.append(c_array("vec_hidden_vendor", hv,
                       "Vendor Name \"vcswitch control plane\" hidden with \"s3cret\", "
                       "RV a0..af, padding b0.."))
    return vecs


# --- fuzz seeds ---

# What §6 allows in each message besides 0, 36 and 59 (l2tpv3.md §1.6).
ALLOWED = {
    1: [5, 7, 8, 10, 60, 61, 62, 72, 73], 2: [7, 8, 10, 60, 61, 62, 72, 73], 3: [], 4: [1, 61],
    6: [], 7: [5, 15, 63, 64, 65, 66, 68, 69, 70, 71, 74, 75],
    8: [25, 63, 64, 65, 69, 70, 71, 74, 75], 9: [63, 64, 69, 70, 71, 74, 75],
    10: [5, 15, 25, 63, 64, 65, 66, 68, 69, 70, 71, 74, 75],
    11: [25, 63, 64, 65, 69, 70, 71, 74, 75], 12: [63, 64, 69, 70, 71, 74, 75], 14: [1, 63, 64],
    15: [34, 63, 64], 16: [63, 64, 71], 20: [],
}
NAMES = {1: "sccrq", 2: "sccrp", 3: "scccn", 4: "stopccn", 6: "hello", 7: "ocrq", 8: "ocrp",
         9: "occn", 10: "icrq", 11: "icrp", 12: "iccn", 14: "cdn", 15: "wen", 16: "sli",
         20: "ack"}
M0 = {8, 15, 25, 34, 72, 74, 75}  # M=0 in l2tpv3.md §1.5; the rest M=1
HIDEABLE = {8, 15, 25, 34, 61, 62, 63, 64, 65, 66, 68, 69, 70, 71, 72, 74, 75}


def value(typ, msg_type):
    return {
        1: struct.pack("!HH", 2, 8) + b"unknown mandatory AVP 99",
        5: TIE, 7: b"lcce-a.example", 8: b"vcswitch", 10: struct.pack("!H", 8),
        15: struct.pack("!I", 42), 25: struct.pack("!I", 7),
        34: struct.pack("!HIIII", 0, 1, 2, 3, 4), 60: struct.pack("!I", 0xC0000201),
        61: struct.pack("!I", 0x11223344), 62: struct.pack("!HH", 5, 4),
        63: struct.pack("!I", 0x0A0B0C0D),
        64: struct.pack("!I", 0 if msg_type in (7, 10) else 0x01020304),
        65: bytes.fromhex("deadbeefcafebabe"), 66: b"pw-circuit-0001",
        68: struct.pack("!H", 5), 69: struct.pack("!H", 1), 70: struct.pack("!H", 2),
        71: struct.pack("!H", 3), 72: b"en", 73: NONCE_A,
        74: struct.pack("!Q", 10**9), 75: struct.pack("!Q", 10**8),
    }[typ]


def seed_message(msg_type, hidden):
    dk, hk = keys(b"fuzz")
    rnd = Counter()
    avps = [avp(0, struct.pack("!H", msg_type))]
    if hidden:
        avps.append(digest_avp(0))
        rv = rnd.take(16)
        avps.append(avp(36, rv))
    for typ in ALLOWED[msg_type]:
        v = value(typ, msg_type)
        if hidden and typ in HIDEABLE:
            avps.append(avp(typ, hide(hk, typ, rv, v, rnd), m=typ not in M0, hidden=True))
        else:
            avps.append(avp(typ, v, m=typ not in M0))
    msg = message(0x11223344, 1, 2, avps)
    if hidden:
        msg = sign(msg, [27], 16, [hashlib.md5], [dk], NONCE_A + NONCE_B)
    return msg


def raw_avp(flags, vendor, typ, value):
    return struct.pack("!HHH", flags | (6 + len(value)), vendor, typ) + value


def seeds():
    out = {}
    for t, name in NAMES.items():
        out[name + "-clear"] = seed_message(t, False)
        out[name + "-hidden-md5"] = seed_message(t, True)
    out["zlb"] = message(0x11223344, 3, 4, [])
    out["unknown-type-m0"] = message(1, 0, 0, [avp(0, struct.pack("!H", 99), m=False),
                                               avp(99, b"x")])
    out["unknown-type-m1"] = message(1, 0, 0, [avp(0, struct.pack("!H", 99))])
    out["vendor-type"] = message(1, 0, 0, [raw_avp(0, 9, 0, struct.pack("!H", 1))])
    # a HELLO padded with vendor AVPs, as the Mist capture's is
    out["hello-vendor-avps"] = message(2, 2, 4, [
        avp(0, struct.pack("!H", 6)), digest_avp(1), raw_avp(0, 52845, 7, b"mist"),
        raw_avp(0, 52845, 6, b"padding payload for PMTU probing")])
    out["ext-vendor-m1"] = message(1, 0, 0, [
        avp(0, struct.pack("!H", 6)), avp(58, struct.pack("!IH", 52845, 7) + b"host")])
    out["iccn-v2-avps"] = message(1, 3, 2, [
        avp(0, struct.pack("!H", 12)), avp(63, struct.pack("!I", 1)),
        avp(64, struct.pack("!I", 2)), avp(19, struct.pack("!I", 1), m=False),
        avp(24, struct.pack("!I", 10**6), m=False)])
    out["bad-avp-length"] = message(1, 0, 0, [
        avp(0, struct.pack("!H", 1)), struct.pack("!HHH", 0x8000 | 40, 0, 7) + b"short"])
    out["hidden-without-rv"] = message(1, 0, 0, [
        avp(0, struct.pack("!H", 12)), avp(63, bytes(16), hidden=True)])
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--corpus":
        files = seeds()
        for name, data in vectors([]).items():
            files["vec-" + name] = data
        os.makedirs(sys.argv[2], exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(sys.argv[2], name), "wb") as f:
                f.write(data)
        return
    out = []
    vectors(out)
    print("\n\n".join(out))


if __name__ == "__main__":
    main()
