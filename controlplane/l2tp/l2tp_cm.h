/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The L2TPv3 control protocol (RFC 3931) as a stand-alone call manager on
 * the call-management core: control connections to the configured peers
 * (SCCRQ/SCCRP/SCCCN, HELLO, StopCCN, authentication), and sessions as
 * calls: a peer's ICRQ or OCRQ is an incoming call to the client whose SAP
 * names its Remote End ID, a client's make call becomes our ICRQ or OCRQ,
 * CDN and lost connections are incoming closes.
 *
 * It owns no socket and no clock: control messages come in through
 * l2tp_cm_input() and go out through the transport it is given, and time
 * is passed in, so that tests drive it on a virtual clock with a fake
 * transport. controlplane/main.c binds it to the data plane.
 */
#ifndef VCS_L2TP_CM_H
#define VCS_L2TP_CM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "l2tp.h"

struct cfg;
struct core;
struct l2tp_cm;

/* Where a control message travels: our end first. */
struct l2tp_wire {
	enum l2tp_encap encap;
	struct vcs_addr local, remote;
	uint16_t local_port, remote_port; /* UDP only */
};

struct l2tp_xport_ops {
	void *arg;
	/* Send one message (from its first header octet). 0 when sent or
	 * queued by the transport; any failure is as good as a loss. */
	int (*send)(void *arg, const struct l2tp_wire *w, const uint8_t *msg, size_t len);
	/* Receive L2TP over UDP on this local port (ref) or no longer (unref). */
	void (*udp_port)(void *arg, uint16_t port, bool ref);
	/* Strong random octets: ids, nonces, tie breakers, cookies. */
	void (*random)(void *buf, size_t len);
	/* Whether an access port has its link: our circuits' status. */
	bool (*link_up)(void *arg, uint16_t port);
};

/* Registers the call manager and its address family with the core. The
 * configuration must outlive the call manager. NULL on failure (logged). */
struct l2tp_cm *l2tp_cm_create(struct core *core, const struct cfg *c,
			       const struct l2tp_xport_ops *x, uint64_t now_ms);

/* A control message arrived (w as seen from our end). */
void l2tp_cm_input(struct l2tp_cm *cm, const struct l2tp_wire *w, const uint8_t *msg, size_t len,
		   uint64_t now_ms);

/* Timers: retransmissions, HELLOs, connection attempts, releases.
 * Returns the milliseconds until it next has work (at most 1000). */
int l2tp_cm_service(struct l2tp_cm *cm, uint64_t now_ms);

/* Shut down: close every call, send StopCCN on every connection (result
 * 6, shutting down) and withdraw the address family. Returns the
 * milliseconds after which every connection has gone, acknowledged or
 * not (the longest hold of a StopCCN, §7.5). */
uint64_t l2tp_cm_stop(struct l2tp_cm *cm, uint64_t now_ms);
/* Nothing of it is left in the core and nothing waits to be sent. */
bool l2tp_cm_idle(const struct l2tp_cm *cm);
void l2tp_cm_destroy(struct l2tp_cm *cm);

/* /vcswitch/l2tp/... telemetry for this call manager (NULL detaches). */
void l2tp_cm_telemetry_register(struct l2tp_cm *cm);

/* Counters, for tests and telemetry. */
struct l2tp_cm_stats {
	uint64_t rx, tx; /* control messages, acknowledgements included */
	uint64_t rx_by_type[21], tx_by_type[21];
	uint64_t rx_bad_header;	   /* discarded silently (§7.1) */
	uint64_t rx_bad_digest;	   /* dropped before use (§4.3) */
	uint64_t rx_no_connection; /* addressed to no connection of ours */
	uint64_t rx_unknown_peer;  /* an SCCRQ from no configured peer */
	uint64_t rx_dropped_test;  /* drop_percent, receiving */
	uint64_t tx_dropped_test;  /* drop_percent, sending */
	uint64_t tx_failed;	   /* the transport refused */
	uint64_t connections_up, connections_failed, connections_closed;
	uint64_t sessions_up, sessions_failed, sessions_closed;
	uint64_t tie_breaks;		    /* connection and session ties resolved */
	unsigned int connections, sessions; /* now */
};
void l2tp_cm_get_stats(const struct l2tp_cm *cm, struct l2tp_cm_stats *st);

#endif
