/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reliable delivery of control messages (RFC 3931 §4.2, Appendix A).
 *
 * Sending side. One queue holds, oldest first:
 *
 *   [una, next_tx_ns)      transmitted in this round, unacknowledged: in flight
 *   [next_tx_ns, next_ns)  transmitted before a timeout, to be sent again
 *   then                   never transmitted, no Ns yet: waiting
 *
 * next_tx points at the first message after those in flight. Only the
 * in-flight ones count against the window; a timeout moves every
 * unacknowledged message back behind next_tx. The window is cwnd alone:
 * it never exceeds the peer's Receive Window Size (Appendix A).
 *
 * Receiving side. next_nr is the Ns expected next; early[] keeps messages
 * that arrived ahead of it, the slot of offset d from next_nr being
 * (early_head + d) % our_window.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "l2tp_rel.h"

#define HDR_LEN	     12 /* the control message header (§3.2.1) */
#define DUP_ACKS     3	/* acknowledgements without progress that mean a loss */
#define SSTHRESH_MIN 4
#define LENGTH_OFF   2
#define NS_OFF	     8
#define NR_OFF	     10

/* A sequence number is "less than or equal" to another when it lies in
 * the 32768 values ending with it (§4.2); what lies further ahead by
 * less than this is "greater". */
#define SEQ_HALF 0x8000u

struct rel_msg {
	STAILQ_ENTRY(rel_msg) link;
	size_t len;
	uint8_t data[];
};

STAILQ_HEAD(rel_msg_list, rel_msg);

struct l2tp_rel {
	struct l2tp_rel_cfg cfg; /* windows clamped as the header says */
	struct l2tp_rel_ops ops;

	struct rel_msg_list queue;
	struct rel_msg *next_tx;
	uint16_t una, next_tx_ns, next_ns;
	uint32_t waiting;
	uint32_t cwnd, ssthresh;
	uint32_t cwnd_acks; /* acknowledged in congestion avoidance since cwnd last grew */
	uint32_t rto_ms, retries;
	uint64_t deadline;     /* UINT64_MAX while nothing is unacknowledged */
	uint32_t dup_acks;     /* acknowledgements since una last moved */
	uint32_t dup_acks_due; /* the count at which the oldest goes again */
	bool recovering;       /* since a fast retransmission, until recover_ns is acknowledged */
	uint16_t recover_ns;
	bool ack_due; /* Nr advanced since it was last transmitted */
	bool dup_due; /* a duplicate arrived since the last explicit ACK */

	uint16_t next_nr;
	uint32_t early_head;
	struct rel_msg **early;
	struct rel_msg *popped; /* what l2tp_rel_pop() last returned */

	struct l2tp_rel_stats st; /* counters only; the gauges are computed */
};

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
window_of(uint16_t advertised)
{
	if (advertised == 0)
		return L2TP_REL_DEFAULT_WINDOW;
	return advertised > L2TP_REL_MAX_WINDOW ? L2TP_REL_MAX_WINDOW : advertised;
}

static uint32_t
unacked(const struct l2tp_rel *r)
{
	return (uint16_t)(r->next_ns - r->una);
}

static uint32_t
in_flight(const struct l2tp_rel *r)
{
	return (uint16_t)(r->next_tx_ns - r->una);
}

static uint32_t
backed_off(const struct l2tp_rel *r, uint32_t rto_ms)
{
	uint64_t doubled = (uint64_t)rto_ms * 2;

	return doubled > r->cfg.rto_max_ms ? r->cfg.rto_max_ms : (uint32_t)doubled;
}

/* Appendix A saves half of cwnd in ssthresh on a retransmission. Not
 * below SSTHRESH_MIN, as TCP keeps it at two segments (RFC 5681 §3.1):
 * with one message in flight a loss can only be told by the timeout, and
 * on a lossy path every loss would then cost one. */
static uint32_t
halved(const struct l2tp_rel *r)
{
	uint32_t h = r->cwnd / 2 > SSTHRESH_MIN ? r->cwnd / 2 : SSTHRESH_MIN;

	return h < r->cfg.peer_window ? h : r->cfg.peer_window;
}

/* What may be in flight: cwnd, plus one new message for each of the first
 * two acknowledgements that report a loss, so that enough of them come to
 * tell it (limited transmit, RFC 3042); never beyond the peer's window. */
static uint32_t
window(const struct l2tp_rel *r)
{
	uint32_t w = r->cwnd + (r->dup_acks < 2 ? r->dup_acks : 2);

	return w < r->cfg.peer_window ? w : r->cfg.peer_window;
}

/* A new message cannot go out at once: others are ahead of it, or the
 * window is full. */
static bool
must_wait(const struct l2tp_rel *r)
{
	return r->next_tx != NULL || in_flight(r) >= window(r);
}

/* The oldest unacknowledged message starts its retransmission schedule
 * afresh: it is either new or the next one after an acknowledgement. */
static void
timer_restart(struct l2tp_rel *r, uint64_t now)
{
	r->retries = 0;
	r->rto_ms = r->cfg.rto_initial_ms;
	r->deadline = now + r->rto_ms;
}

static void
transmit(struct l2tp_rel *r, struct rel_msg *m)
{
	/* §4.2: every transmission, retransmissions included, carries the
	 * current Nr, which acknowledges what we received. */
	wr16(m->data + NR_OFF, r->next_nr);
	r->ack_due = false;
	r->ops.xmit(r->ops.arg, m->data, m->len);
}

/* Send what the window allows: first the messages a timeout took back
 * (same Ns), then new ones, which get their Ns now. */
static void
push(struct l2tp_rel *r, uint64_t now)
{
	while (r->next_tx != NULL && in_flight(r) < window(r)) {
		struct rel_msg *m = r->next_tx;

		if (unacked(r) == 0)
			timer_restart(r, now);
		if (r->next_tx_ns == r->next_ns) {
			wr16(m->data + NS_OFF, r->next_ns);
			r->next_ns++;
			r->waiting--;
			r->st.sent++;
		} else {
			r->st.retransmits++;
		}
		r->next_tx_ns++;
		r->next_tx = STAILQ_NEXT(m, link);
		transmit(r, m);
	}
}

/* Appendix A: one more per acknowledged message below ssthresh (slow
 * start), one more per cwnd acknowledged messages above it (congestion
 * avoidance), never beyond the peer's window. */
static void
cwnd_grow(struct l2tp_rel *r)
{
	if (r->cwnd >= r->cfg.peer_window)
		return;
	if (r->cwnd < r->ssthresh) {
		r->cwnd++;
		return;
	}
	if (++r->cwnd_acks >= r->cwnd) {
		r->cwnd++;
		r->cwnd_acks = 0;
	}
}

/* §4.2: an Nr greater than the last Ns sent plus one makes the message
 * invalid. "Greater" is within the half of the sequence space ahead;
 * an Nr behind what is already acknowledged is merely stale. */
static bool
nr_beyond_sent(const struct l2tp_rel *r, uint16_t nr)
{
	uint16_t ahead = (uint16_t)(nr - r->next_ns);

	return ahead != 0 && ahead < SEQ_HALF;
}

/*
 * The peer keeps acknowledging up to a message of ours while what we sent
 * after it reaches it (it acknowledges every early arrival): that message
 * is lost. RFC 3931 specifies only the timeout, and leaves the rest to
 * the implementation; resending now, as TCP does (RFC 5681 §3.2), saves
 * a timeout per loss, which with many sessions being set up is the
 * difference between seconds and minutes. Congestion is answered as
 * Appendix A says, by halving ssthresh; cwnd stays, since messages
 * still flow and the one resent is already counted in flight.
 */
static void
fast_retransmit(struct l2tp_rel *r)
{
	struct rel_msg *m = STAILQ_FIRST(&r->queue);

	if (m == NULL || m == r->next_tx)
		return; /* a timeout already took it back */
	if (!r->recovering) {
		r->ssthresh = halved(r);
		r->recovering = true;
		r->recover_ns = r->next_tx_ns;
	}
	/* What is in flight now reaches the peer before this copy does,
	 * and each may be reported alone: only once that many more reports
	 * came is the copy lost too (a timeout still covers fewer). */
	r->dup_acks_due = r->dup_acks + in_flight(r) + DUP_ACKS;
	r->st.fast_retransmits++;
	transmit(r, m);
}

static void
take_ack(struct l2tp_rel *r, uint16_t nr, bool is_ack, uint64_t now)
{
	uint16_t acked = (uint16_t)(nr - r->una);
	bool partial;

	if (acked == 0) {
		/* Only an acknowledgement alone reports a loss, as in TCP
		 * (RFC 5681 §2): a message of the peer's may have left before
		 * ours arrived. A fast retransmission may be lost too, and a
		 * timeout costs far more: reports beyond those it explains
		 * resend it again. */
		if (is_ack && unacked(r) > 0 && ++r->dup_acks == r->dup_acks_due)
			fast_retransmit(r);
		return;
	}
	if (acked > unacked(r))
		return;
	r->dup_acks = 0;
	r->dup_acks_due = DUP_ACKS;
	/* An acknowledgement that stops short of what was in flight at the
	 * fast retransmission shows the next loss (NewReno, RFC 6582) */
	partial = r->recovering && nr != r->recover_ns && (uint16_t)(r->recover_ns - nr) < SEQ_HALF;
	r->recovering = partial;
	while (acked-- > 0) {
		struct rel_msg *m = STAILQ_FIRST(&r->queue);

		/* The peer may acknowledge a message a timeout took back
		 * before it went out again: it needs no retransmission. */
		if (m == r->next_tx) {
			r->next_tx = STAILQ_NEXT(m, link);
			r->next_tx_ns++;
		}
		STAILQ_REMOVE_HEAD(&r->queue, link);
		free(m);
		r->una++;
		cwnd_grow(r);
	}
	if (unacked(r) > 0)
		timer_restart(r, now);
	else
		r->deadline = UINT64_MAX;
	if (partial)
		fast_retransmit(r); /* at once, rather than when reported again */
}

static struct rel_msg *
msg_copy(const uint8_t *data, size_t len)
{
	struct rel_msg *m = malloc(sizeof(*m) + len);

	if (m == NULL)
		return NULL;
	m->len = len;
	memcpy(m->data, data, len);
	return m;
}

static uint32_t
early_slot(const struct l2tp_rel *r, uint16_t offset)
{
	return (r->early_head + offset) % r->cfg.our_window;
}

/* The next expected message has been taken: Nr moves on. */
static void
advance_nr(struct l2tp_rel *r)
{
	r->next_nr++;
	r->early_head = early_slot(r, 1);
	r->ack_due = true;
	r->st.received++;
}

static enum l2tp_rel_rx
accept_ns(struct l2tp_rel *r, const uint8_t *msg, size_t len)
{
	uint16_t offset = (uint16_t)(rd16(msg + NS_OFF) - r->next_nr);
	uint32_t slot;

	/* §4.2: the 32768 values before next_nr were received already;
	 * they MUST be acknowledged all the same, since the peer repeats a
	 * message when our acknowledgement was lost. */
	if (offset >= SEQ_HALF)
		goto duplicate;
	/* The peer may have at most our_window unacknowledged messages, so
	 * anything further ahead does not belong to this connection's
	 * present. */
	if (offset >= r->cfg.our_window) {
		r->st.dropped++;
		return L2TP_RX_DROPPED;
	}
	slot = early_slot(r, offset);
	if (r->early[slot] != NULL)
		goto duplicate;
	if (offset == 0) {
		advance_nr(r);
		return L2TP_RX_DELIVER;
	}
	/* §4.2 lets early messages be queued or discarded; keeping them
	 * saves the peer a retransmission per message after the gap. Each
	 * gets an explicit acknowledgement (with the Nr of the gap), even if
	 * a message of ours would carry it: that tells the peer which
	 * message is missing (fast_retransmit). */
	r->early[slot] = msg_copy(msg, len);
	if (r->early[slot] == NULL) {
		r->st.dropped++;
		return L2TP_RX_DROPPED;
	}
	r->st.early++;
	r->dup_due = true;
	return L2TP_RX_QUEUED;

duplicate:
	r->dup_due = true;
	r->st.duplicates++;
	return L2TP_RX_DUPLICATE;
}

struct l2tp_rel *
l2tp_rel_create(const struct l2tp_rel_cfg *cfg, const struct l2tp_rel_ops *ops)
{
	struct l2tp_rel *r;

	if (cfg->rto_initial_ms == 0 || cfg->rto_max_ms < cfg->rto_initial_ms ||
	    cfg->our_window == 0 || cfg->our_window > L2TP_REL_MAX_WINDOW || ops->xmit == NULL ||
	    ops->send_ack == NULL) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->early = calloc(cfg->our_window, sizeof(*r->early));
	if (r->early == NULL) {
		free(r);
		return NULL;
	}
	r->cfg = *cfg;
	r->cfg.peer_window = window_of(cfg->peer_window);
	r->ops = *ops;
	STAILQ_INIT(&r->queue);
	/* Appendix A: one message at first, slow start up to the peer's
	 * window. */
	r->cwnd = 1;
	r->ssthresh = r->cfg.peer_window;
	r->dup_acks_due = DUP_ACKS;
	r->rto_ms = cfg->rto_initial_ms;
	r->deadline = UINT64_MAX;
	return r;
}

void
l2tp_rel_destroy(struct l2tp_rel *r)
{
	struct rel_msg *m;
	uint32_t i;

	if (r == NULL)
		return;
	while ((m = STAILQ_FIRST(&r->queue)) != NULL) {
		STAILQ_REMOVE_HEAD(&r->queue, link);
		free(m);
	}
	for (i = 0; i < r->cfg.our_window; i++)
		free(r->early[i]);
	free(r->early);
	free(r->popped);
	free(r);
}

void
l2tp_rel_set_peer_window(struct l2tp_rel *r, uint16_t window)
{
	/* cwnd never exceeds the old window, so a larger one sends nothing
	 * more at once; a smaller one holds back what is not yet sent. */
	r->cfg.peer_window = window_of(window);
	r->ssthresh = r->cfg.peer_window;
	if (r->cwnd > r->cfg.peer_window)
		r->cwnd = r->cfg.peer_window;
}

uint32_t
l2tp_rel_queued(const struct l2tp_rel *r)
{
	return r->waiting;
}

bool
l2tp_rel_can_send(const struct l2tp_rel *r)
{
	return !must_wait(r) || r->waiting < r->cfg.max_queue;
}

int
l2tp_rel_send(struct l2tp_rel *r, const uint8_t *msg, size_t len, uint64_t now)
{
	struct rel_msg *m;

	/* The peer reads Length, so a message whose Length is not what
	 * goes on the wire would be lost however often it is sent. */
	if (len < HDR_LEN || rd16(msg + LENGTH_OFF) != len)
		return -EINVAL;
	if (!l2tp_rel_can_send(r))
		return -ENOBUFS;
	m = msg_copy(msg, len);
	if (m == NULL)
		return -ENOMEM;
	STAILQ_INSERT_TAIL(&r->queue, m, link);
	r->waiting++;
	if (r->next_tx == NULL)
		r->next_tx = m;
	push(r, now);
	return 0;
}

enum l2tp_rel_rx
l2tp_rel_recv(struct l2tp_rel *r, const uint8_t *msg, size_t len, bool is_ack, uint64_t now)
{
	enum l2tp_rel_rx rx;
	uint16_t nr;

	if (len < HDR_LEN) {
		r->st.dropped++;
		return L2TP_RX_DROPPED;
	}
	nr = rd16(msg + NR_OFF);
	if (nr_beyond_sent(r, nr)) {
		r->st.bad_nr++;
		return L2TP_RX_BAD_NR;
	}
	take_ack(r, nr, is_ack, now);
	/* §4.2: the Ns of an ACK does not move our Nr. */
	rx = is_ack ? L2TP_RX_ACK_ONLY : accept_ns(r, msg, len);
	/* After accept_ns(), so that what goes out carries the new Nr. */
	push(r, now);
	return rx;
}

const uint8_t *
l2tp_rel_pop(struct l2tp_rel *r, size_t *len)
{
	struct rel_msg *m;

	free(r->popped);
	r->popped = NULL;
	m = r->early[r->early_head];
	if (m == NULL)
		return NULL;
	r->early[r->early_head] = NULL;
	advance_nr(r);
	r->popped = m;
	*len = m->len;
	return m->data;
}

void
l2tp_rel_flush(struct l2tp_rel *r, uint64_t now)
{
	/* An acknowledgement is never retransmitted, so no timer to arm. */
	(void)now;
	/* A duplicate gets an explicit ACK even if a message went out
	 * since: that message may be a retransmission the peer already
	 * holds, whose Nr a peer ignoring duplicates never reads (§4.2
	 * "ignored from processing"; Appendix B.2 answers with an ACK). */
	if (!r->ack_due && !r->dup_due)
		return;
	r->ack_due = false;
	r->dup_due = false;
	r->st.acks_sent++;
	/* §4.2: an ACK takes no Ns; it carries the one the next message
	 * will take. */
	r->ops.send_ack(r->ops.arg, r->next_ns, r->next_nr);
}

int
l2tp_rel_timer(struct l2tp_rel *r, uint64_t now)
{
	if (unacked(r) == 0 || now < r->deadline)
		return 0;
	/* §4.2: the connection MUST be cleared after the maximum number
	 * of retransmissions. */
	if (r->retries >= r->cfg.max_retries)
		return -ETIMEDOUT;
	/* §4.2: exponential back-off, capped. */
	r->retries++;
	r->rto_ms = backed_off(r, r->rto_ms);
	r->deadline = now + r->rto_ms;
	/* Appendix A: a retransmission means congestion. */
	r->ssthresh = halved(r);
	r->cwnd = 1;
	r->cwnd_acks = 0;
	/* The duplicates counted so far and the recovery were about the
	 * round the timeout ends (RFC 6582 §3.2 step 1 ends recovery too). */
	r->dup_acks = 0;
	r->dup_acks_due = DUP_ACKS;
	r->recovering = false;
	/* With cwnd at 1 only the oldest goes out again now; the others
	 * follow, in order, as acknowledgements open the window, unless
	 * an acknowledgement shows the peer has them (go-back-N, as TCP
	 * after a timeout). */
	r->next_tx = STAILQ_FIRST(&r->queue);
	r->next_tx_ns = r->una;
	push(r, now);
	return 0;
}

uint64_t
l2tp_rel_deadline(const struct l2tp_rel *r)
{
	return r->deadline;
}

bool
l2tp_rel_idle(const struct l2tp_rel *r)
{
	return r->waiting == 0 && unacked(r) == 0;
}

uint64_t
l2tp_rel_cycle_ms(const struct l2tp_rel *r)
{
	uint64_t total = 0;
	uint32_t rto = r->cfg.rto_initial_ms, sends;

	/* The first transmission and every retransmission each wait one
	 * timeout; once at the cap, the rest is a product, so that a huge
	 * max_retries costs no loop. */
	for (sends = 0; sends <= r->cfg.max_retries; sends++) {
		if (rto == r->cfg.rto_max_ms)
			return total + (uint64_t)rto * (r->cfg.max_retries + 1ull - sends);
		total += rto;
		rto = backed_off(r, rto);
	}
	return total;
}

void
l2tp_rel_get_stats(const struct l2tp_rel *r, struct l2tp_rel_stats *st)
{
	*st = r->st;
	st->cwnd = r->cwnd;
	st->ssthresh = r->ssthresh;
	st->window = window(r);
	st->in_flight = in_flight(r);
	st->unacked = unacked(r);
	st->queued = r->waiting;
	st->next_ns = r->next_ns;
	st->next_nr = r->next_nr;
}
