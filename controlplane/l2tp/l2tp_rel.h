/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reliable delivery of the control messages of one control connection
 * (RFC 3931 §4.2, Appendix A): Ns/Nr, acknowledgement (piggy-backed or
 * explicit), retransmission with exponential back-off, the peer's
 * receive window with slow start and congestion avoidance, duplicates
 * acknowledged and dropped, messages that arrive early kept until the
 * gap fills. Time is passed in as milliseconds, so tests run it on a
 * virtual clock over a channel that loses, duplicates and reorders.
 *
 * Messages are encoded control messages (l2tp_msg), header first. This
 * module only reads and rewrites their header; the caller signs them
 * (l2tp_auth) in its xmit callback, since every transmission may carry
 * a new Nr.
 */
#ifndef VCS_L2TP_REL_H
#define VCS_L2TP_REL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define L2TP_REL_DEFAULT_WINDOW 4 /* the peer's, when it sent no Receive Window Size */
/* Windows are taken as at most this: beyond, "ahead" and "behind" in the
 * sequence space (§4.2) would overlap. */
#define L2TP_REL_MAX_WINDOW 32767

struct l2tp_rel_cfg {
	uint32_t rto_initial_ms; /* first retransmission timeout (1000, §4.2) */
	uint32_t rto_max_ms;	 /* back-off cap, >= 8000 */
	uint32_t max_retries;	 /* retransmissions before giving up (10) */
	uint16_t peer_window;	 /* the peer's Receive Window Size; 0: the default */
	uint16_t our_window;	 /* what we advertise, 1..L2TP_REL_MAX_WINDOW */
	uint32_t max_queue;	 /* messages waiting for the window; beyond, -ENOBUFS */
};

struct l2tp_rel_ops {
	void *arg;
	/* Put a message on the wire; its Ns and Nr are set. May modify the
	 * message (its digest); must not keep the pointer nor call into
	 * the l2tp_rel, from which it is called. */
	void (*xmit)(void *arg, uint8_t *msg, size_t len);
	/* Send an acknowledgement with these Ns and Nr: an ACK message, or
	 * a ZLB when not authenticating (§6.15). It does not consume an Ns. */
	void (*send_ack)(void *arg, uint16_t ns, uint16_t nr);
};

struct l2tp_rel;

/* NULL with errno EINVAL for rto_initial_ms 0, rto_max_ms below it, an
 * our_window out of range or a missing callback; ENOMEM. */
struct l2tp_rel *l2tp_rel_create(const struct l2tp_rel_cfg *cfg, const struct l2tp_rel_ops *ops);
void l2tp_rel_destroy(struct l2tp_rel *r);

/* The peer's Receive Window Size, once its SCCRQ or SCCRP told it (0:
 * the default). It is also the new ssthresh (Appendix A). */
void l2tp_rel_set_peer_window(struct l2tp_rel *r, uint16_t window);

/* Queue a message (copied; its Ns is assigned when first sent) and send
 * what the window allows. Returns 0; -ENOBUFS when the message cannot
 * go out at once and max_queue messages already wait; -EINVAL for a
 * message shorter than a header or whose Length is not len; -ENOMEM. */
int l2tp_rel_send(struct l2tp_rel *r, const uint8_t *msg, size_t len, uint64_t now);
/* Whether l2tp_rel_send() has room for a message now (else -ENOBUFS). */
bool l2tp_rel_can_send(const struct l2tp_rel *r);
/* Messages never transmitted yet: waiting for the window. */
uint32_t l2tp_rel_queued(const struct l2tp_rel *r);

enum l2tp_rel_rx {
	L2TP_RX_DELIVER,   /* next in sequence: process it, then l2tp_rel_pop() */
	L2TP_RX_ACK_ONLY,  /* a ZLB or ACK: its Nr was taken, nothing to process */
	L2TP_RX_DUPLICATE, /* already received or kept: dropped, an ACK is due */
	L2TP_RX_QUEUED,	   /* early: kept until the gap fills */
	L2TP_RX_DROPPED,   /* not kept: beyond our window, no memory, shorter than a header */
	L2TP_RX_BAD_NR,	   /* acknowledges what was never sent: invalid (§4.2) */
};

/* A received message whose header parsed and whose digest verified. Its
 * Nr acknowledges what we sent in any case but BAD_NR, and the messages
 * that lets into the window go out at once (through ops->xmit). is_ack:
 * a ZLB or an ACK message, which does not consume an Ns. */
enum l2tp_rel_rx l2tp_rel_recv(struct l2tp_rel *r, const uint8_t *msg, size_t len, bool is_ack,
			       uint64_t now);

/* After a DELIVER, and after each message it returns: the next kept
 * message now in sequence, or NULL. The pointer is valid until the next
 * l2tp_rel_pop() or l2tp_rel_destroy(), so replies may be sent while
 * processing it. */
const uint8_t *l2tp_rel_pop(struct l2tp_rel *r, size_t *len);

/* Once what arrived is processed: acknowledge it with an explicit ACK if
 * no message sent since carried the new Nr, and always after a
 * duplicate. The caller runs it before going back to sleep;
 * acknowledgement is never delayed further (§4.2). */
void l2tp_rel_flush(struct l2tp_rel *r, uint64_t now);

/* Retransmit what is due: the oldest unacknowledged message, with cwnd
 * back to 1; the others go again, in order, as acknowledgements open the
 * window, unless those show the peer has them. Returns 0, or -ETIMEDOUT
 * when a message went unacknowledged through max_retries
 * retransmissions: the connection must be cleared (§4.2). */
int l2tp_rel_timer(struct l2tp_rel *r, uint64_t now);

/* When l2tp_rel_timer() has work next (ms), or UINT64_MAX. */
uint64_t l2tp_rel_deadline(const struct l2tp_rel *r);

/* Nothing waits and nothing is unacknowledged. */
bool l2tp_rel_idle(const struct l2tp_rel *r);

/* One full retransmission cycle (initial timeout doubled up to the cap,
 * over every retry): how long a StopCCN's sender keeps its state (§7.5). */
uint64_t l2tp_rel_cycle_ms(const struct l2tp_rel *r);

struct l2tp_rel_stats {
	uint64_t sent; /* first transmissions */
	uint64_t retransmits;
	uint64_t fast_retransmits; /* on repeated acknowledgements, before the timeout */
	uint64_t acks_sent;	   /* explicit ACKs and ZLBs */
	uint64_t received;	   /* in sequence, delivered */
	uint64_t duplicates;
	uint64_t early;	  /* kept out of order */
	uint64_t dropped; /* beyond our window, or shorter than a header */
	uint64_t bad_nr;
	uint32_t cwnd, ssthresh;
	uint32_t window;    /* what may be in flight now: cwnd, plus limited transmit,
			     * within the peer's window */
	uint32_t in_flight; /* sent in this round and unacknowledged: against the window */
	uint32_t unacked;   /* Ns assigned and unacknowledged: in flight, or to go again */
	uint32_t queued;    /* waiting for the window, no Ns yet */
	uint16_t next_ns, next_nr;
};
void l2tp_rel_get_stats(const struct l2tp_rel *r, struct l2tp_rel_stats *st);

#endif
