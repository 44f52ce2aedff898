# SPDX-License-Identifier: BSD-3-Clause
"""A client for DPDK's telemetry socket, as vcswitch exposes it.

Each vcswitch process (EAL file prefix P) answers on
RUNTIME_DIR/P/dpdk_telemetry.v2: send "/command,params", read one JSON
object back. Used by scripts/vcswitch-top and by the integration tests.
"""
import json
import os
import socket


def _runtime_dir():
    """Where EAL makes <file-prefix>/ (eal_create_runtime_dir())."""
    if os.getuid() == 0:
        return '/var/run/dpdk'
    return os.path.join(os.environ.get('XDG_RUNTIME_DIR') or '/tmp', 'dpdk')


RUNTIME_DIR = _runtime_dir()
MAX_REPLY = 16384  # the library's limit per reply


def socket_path(prefix):
    return os.path.join(RUNTIME_DIR, prefix, 'dpdk_telemetry.v2')


class Telemetry:
    """One connection to one process; use as a context manager."""

    def __init__(self, prefix, timeout=2.0):
        self.prefix = prefix
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(socket_path(prefix))
            self.greeting = json.loads(self.sock.recv(MAX_REPLY).decode())
        except BaseException:
            self.sock.close()
            raise

    def query(self, cmd, params=None):
        """The reply's value for cmd; None when the command failed."""
        text = cmd if params is None else '%s,%s' % (cmd, params)
        self.sock.send(text.encode())
        reply = self.sock.recv(2 * MAX_REPLY)
        if not reply:
            raise ConnectionError('telemetry closed the connection')
        return json.loads(reply.decode()).get(cmd)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def vc_names(tel):
    """Every VC name, page by page (a reply holds at most 256)."""
    names = []
    while True:
        page = tel.query('/vcswitch/vcs', str(len(names)))
        if not page or not page['names']:
            return names
        names += page['names']
        if len(names) >= page['count']:
            return names
