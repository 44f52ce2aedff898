/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Static sessions: the pseudowires the configuration file sets up with
 * no control protocol (what Linux calls unmanaged sessions), offered by
 * a miniport call manager (MCM). Once the client's SAP for a session's
 * circuit is registered, the MCM creates a VC, activates it, offers the
 * call and, when it is accepted, connects it at once: there is no remote
 * handshake. When a port the session uses loses its link, the MCM closes
 * the call (status link down) and offers it again when the link returns.
 */
#ifndef VCS_SS_H
#define VCS_SS_H

#include <stdbool.h>

struct cfg;
struct core;
struct dp;
struct ss;

struct ss *ss_create(struct core *core, struct dp *dp, const struct cfg *c);

/* Offers and deletions per ss_service() call, at most. */
#define SS_SERVICE_SLICE 4096

/* Offer what is due, a slice at a time; call from the control loop.
 * True while a sweep is under way: call again without sleeping. */
bool ss_service(struct ss *ss);
/* A sweep is under way: ss_service() has more to do at once. */
bool ss_sweeping(const struct ss *ss);

/* Sessions whose activation or offer failed (the ones whose links are
 * down are waiting, not failed). */
unsigned int ss_failed(const struct ss *ss);

/* Begin closing everything: the client is told to close the AF. */
void ss_stop(struct ss *ss);
/* True once nothing of the MCM's is left in the core. */
bool ss_idle(const struct ss *ss);
void ss_destroy(struct ss *ss);

#endif
