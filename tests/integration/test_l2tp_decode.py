#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The control-message codec against tshark on a real control plane (v3-13).

The capture is Juniper's Mist AP and Mist Edge (../shared/captures
README.md): SCCRQ (twice), SCCRP, SCCCN, ICRQ, ICRP, ICCN, HELLOs and
explicit ACKs over UDP, every one with an HMAC-SHA-1 Message Digest,
with Mist's vendor AVPs (vendor 52845) and L2TPv2 AVPs in the ICCN.
Without ../shared/captures the test is skipped (exit 77), and without
tshark too, since tshark is the reference.

tests/tools/l2tp_decode prints every control message as the codec
(l2tp_msg_decode) sees it; tshark -T pdml dissects the same file. For
EVERY control message, both must agree on:
- which frames hold control messages (18, the README says);
- the header: flags, Length, Control Connection ID, Ns, Nr;
- every AVP, in order: Attribute Type, Vendor ID, M, H, Length, where it
  is in the frame and its value octets;
- the typed value of every AVP the codec knows: the message type, host
  name, vendor name, router ID, assigned CCID, PW capabilities, nonce,
  tie breaker, receive window, session IDs, serial number, PW type,
  remote end ID, circuit status (A and N bits), L2SS, digest type and
  value (tshark: its first octet and the rest), and result code, cookie,
  data sequencing, connect speeds, physical channel, preferred language
  and random vector when a capture has them. A known AVP with no
  comparison here fails the test rather than pass unchecked, and so does
  a typed value the tool printed that no AVP accounted for.
The codec must also accept every message (decode OK) and find none
lacking an AVP §6 requires.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import traceback

import vcstest as vt

CAPTURE = "v3-13.pcap"
N_CONTROL = 18  # captures/README.md: "18 control messages and 117 data packets"


def find(elem, name):
    for f in elem.iter("field"):
        if f.get("name") == name:
            return f
    return None


def show(grp, name):
    f = find(grp, name)
    if f is None:
        raise vt.TestFailure("tshark: no %s in the AVP at %s" % (name, grp.get("pos")))
    return f.get("show")


def value(grp, name):
    f = find(grp, name)
    if f is None:
        raise vt.TestFailure("tshark: no %s in the AVP at %s" % (name, grp.get("pos")))
    return f.get("value").lower()


def tshark_messages(path, ports):
    """frame number -> (header fields, [AVP field groups]) for each
    control message tshark dissects."""
    opts = ["-Y", "l2tp.type == 1"]
    for p in sorted(ports - {1701}):
        opts += ["-d", "udp.port==%d,l2tp" % p]
    out = {}
    for pkt in vt.tshark_pdml(path, opts).iter("packet"):
        num = int(find(pkt, "frame.number").get("show"))
        l2tp = next(p for p in pkt if p.tag == "proto" and p.get("name") == "l2tp")
        hdr = {
            "flags": int(find(l2tp, "l2tp.flags").get("value"), 16),
            "length": int(show(l2tp, "l2tp.length")),
            "ccid": int(show(l2tp, "l2tp.ccid"), 16),
            "ns": int(show(l2tp, "l2tp.Ns")),
            "nr": int(show(l2tp, "l2tp.Nr")),
        }
        avps = [g for g in l2tp if g.tag == "field" and
                any(c.get("name") == "l2tp.avp.type" for c in g)]
        out[num] = (hdr, avps)
    return out


def pairs_for(t, grp, v, k, raw):
    """(what, tshark's, the tool's) for the k-th AVP of type t; v is the
    tool's typed values, raw its AVP value in hex. None: no comparison."""
    def num(name):
        return int(show(grp, name))

    def text(s):
        return s.encode("latin-1").hex()

    if t == 1:
        rc = v["result_code"]
        p = [("result code", num("l2tp.result_code"), rc["result"])]
        if "error" in rc:
            p.append(("error code", num("l2tp.avp.error_code"), rc["error"]))
        if "message" in rc:
            p.append(("error message", value(grp, "l2tp.avp.error_message"),
                      text(rc["message"])))
        return p
    if t == 59:
        d = value(grp, "l2tp.avp.message_digest")
        return [("digest type", int(d[:2], 16), v["digests"][k]["type"]),
                ("digest", d[2:], v["digests"][k]["value"])]
    if t == 62:
        return [("PW capabilities", [int(f.get("show")) for f in grp.iter("field")
                                     if f.get("name") == "l2tp.avp.pw_type"], v["pw_caps"])]
    if t == 71:
        cs = v["circuit_status"]
        return [("circuit status A", num("l2tp.avp.circuit_status"), cs & 1),
                ("circuit status N", num("l2tp.avp.circuit_type"), cs >> 1 & 1)]
    simple = {
        5: ("tie breaker", lambda: value(grp, "l2tp.tie_breaker"), "tie_breaker"),
        7: ("host name", lambda: value(grp, "l2tp.avp.host_name"), ("host_name", text)),
        8: ("vendor name", lambda: value(grp, "l2tp.avp.vendor_name"), ("vendor_name", text)),
        10: ("receive window", lambda: num("l2tp.avp.receive_window_size"), "recv_window"),
        15: ("serial number", lambda: num("l2tp.avp.call_serial_number"), "serial"),
        25: ("physical channel", lambda: num("l2tp.avp.physical_channel"), "phys_channel"),
        60: ("router ID", lambda: num("l2tp.avp.router_id"), "router_id"),
        61: ("assigned CCID", lambda: num("l2tp.avp.assigned_control_conn_id"),
             "assigned_ccid"),
        63: ("local session ID", lambda: num("l2tp.avp.local_session_id"), "local_sid"),
        64: ("remote session ID", lambda: num("l2tp.avp.remote_session_id"), "remote_sid"),
        65: ("cookie", lambda: value(grp, "l2tp.avp.assigned_cookie"), "cookie"),
        66: ("remote end ID", lambda: value(grp, "l2tp.avp.remote_end_id"), "remote_end_id"),
        68: ("PW type", lambda: num("l2tp.avp.pseudowire_type"), "pw_type"),
        69: ("L2SS", lambda: num("l2tp.avp.layer2_specific_sublayer"), "l2ss"),
        70: ("data sequencing", lambda: num("l2tp.avp.data_sequencing"), "data_seq"),
        72: ("preferred language", lambda: value(grp, "l2tp.avp.preferred_language"),
             ("pref_lang", text)),
        73: ("nonce", lambda: value(grp, "l2tp.avp.nonce"), "nonce"),
        74: ("Tx connect speed", lambda: num("l2tp.avp.tx_connect_speed_v3"), "tx_speed"),
        75: ("Rx connect speed", lambda: num("l2tp.avp.rx_connect_speed_v3"), "rx_speed"),
    }
    if t in simple:
        what, theirs, key = simple[t]
        key, conv = key if isinstance(key, tuple) else (key, lambda x: x)
        return [(what, theirs(), conv(v[key]))]
    if t == 36:  # the codec keeps no Random Vector: the tool's raw value
        return [("random vector", value(grp, "l2tp.avp.random_vector"), raw)]
    return None


# which of the tool's typed values each AVP type accounts for
VALUE_OF = {1: "result_code", 5: "tie_breaker", 7: "host_name", 8: "vendor_name",
            10: "recv_window", 15: "serial", 25: "phys_channel", 59: "digests",
            60: "router_id", 61: "assigned_ccid", 62: "pw_caps", 63: "local_sid",
            64: "remote_sid", 65: "cookie", 66: "remote_end_id", 68: "pw_type", 69: "l2ss",
            70: "data_seq", 71: "circuit_status", 72: "pref_lang", 73: "nonce",
            74: "tx_speed", 75: "rx_speed"}


def compare(chk, ours, theirs):
    hdr, groups = theirs
    f = "frame %d" % ours["frame"]
    chk.eq(ours["decode"], "OK", f + ": the codec's decoding")
    for k in ("flags", "length", "ccid", "ns", "nr"):
        chk.eq(ours.get(k), hdr[k], "%s: header %s" % (f, k))
    avps = ours.get("avps", [])
    if not chk.eq(len(avps), len(groups), f + ": number of AVPs"):
        return
    chk.eq(ours.get("missing"), -1, f + ": an AVP §6 requires is missing")
    values = ours.get("values", {})
    seen, counted = {}, set()
    for i, (a, g) in enumerate(zip(avps, groups)):
        w = "%s AVP %d (type %d, vendor %d)" % (f, i, a["type"], a["vendor"])
        chk.eq((a["type"], a["vendor"], a["m"], a["h"], a["length"]),
               (int(show(g, "l2tp.avp.type")), int(show(g, "l2tp.avp.vendor_id")),
                int(show(g, "l2tp.avp.mandatory")), int(show(g, "l2tp.avp.hidden")),
                int(show(g, "l2tp.avp.length"))),
               w + ": (type, vendor, M, H, length)")
        chk.eq(ours["offset"] + a["offset"], int(g.get("pos")), w + ": offset in the frame")
        chk.eq(a["value"], g.get("value").lower()[12:], w + ": value octets")
        if a["vendor"] != 0 or a["name"].startswith("AVP "):
            continue  # the codec does not know it: raw comparison only
        if a["type"] == 0:
            chk.eq(int(show(g, "l2tp.avp.message_type")), ours["type"], w + ": message type")
            continue
        k = seen.get(a["type"], 0)
        seen[a["type"]] = k + 1
        try:
            pairs = pairs_for(a["type"], g, values, k, a["value"])
        except (KeyError, IndexError) as e:
            chk.fail("%s: %s: the codec gave no typed value %s" % (w, a["name"], e))
            continue
        if pairs is None:
            chk.fail("%s: %s: no comparison with tshark written for it" % (w, a["name"]))
            continue
        for what, t, o in pairs:
            chk.eq(o, t, "%s: %s" % (w, what))
        if a["type"] in VALUE_OF:
            counted.add(VALUE_OF[a["type"]])
    chk.eq(sorted(set(values) - counted), [], f + ": typed values no AVP accounted for")


def test(decoder, chk):
    cap_dir = os.path.normpath(os.path.join(vt.repo_root(), "..", "shared", "captures"))
    if not os.path.isdir(cap_dir):
        raise vt.Skip("no capture directory %s (a clone without the shared captures)" % cap_dir)
    if not vt.have_tshark():
        raise vt.Skip("tshark not found: it is the reference decoder")
    path = os.path.join(cap_dir, CAPTURE)
    if not os.path.exists(path):
        raise vt.TestFailure("%s missing from %s" % (CAPTURE, cap_dir))
    r = subprocess.run([decoder, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=vt.scaled(60))
    if r.returncode != 0:
        raise vt.TestFailure("%s exited %d: %s" % (decoder, r.returncode,
                                                   r.stderr.decode(errors="replace")))
    ours = [json.loads(line) for line in r.stdout.decode().splitlines()]
    ports = {o[k] for o in ours for k in ("sport", "dport") if k in o
             and 1701 not in (o["sport"], o["dport"])}
    theirs = tshark_messages(path, ports)
    chk.eq([o["frame"] for o in ours], sorted(theirs), "frames holding control messages")
    chk.eq(len(ours), N_CONTROL, "number of control messages")
    for o in ours:
        if o["frame"] in theirs:
            compare(chk, o, theirs[o["frame"]])
    types = sorted({o.get("type_name") for o in ours})
    print("  %d control messages compared (%s)" % (len(ours), ", ".join(types)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--decoder", required=True, help="tests/tools/l2tp_decode")
    args = ap.parse_args()
    chk = vt.Checker()
    t0 = time.monotonic()
    code = vt.EXIT_FAIL
    try:
        test(args.decoder, chk)
        chk.finish()
        code = vt.EXIT_PASS
        print("PASS (%d checks, %.1f s)" % (chk.passed, time.monotonic() - t0))
    except vt.Skip as e:
        code = vt.EXIT_SKIP
        print("SKIP: %s" % e)
    except vt.TestFailure as e:
        print("FAIL: %s" % e)
    except Exception:  # noqa: BLE001 - report anything as a failure
        traceback.print_exc()
        print("FAIL: exception (%d earlier check failures)" % len(chk.failures))
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()
