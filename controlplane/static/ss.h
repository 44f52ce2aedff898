/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Static sessions: the pseudowires the configuration file sets up with
 * no control protocol (what Linux calls unmanaged sessions). Each one is
 * a VC activated at start; dp_destroy() reclaims them at shutdown.
 */
#ifndef VCS_SS_H
#define VCS_SS_H

struct cfg;
struct cfg_session;
struct dp;
struct dp_vc_params;

/* The VC parameters a configured session stands for. */
void ss_params(const struct cfg_session *s, struct dp_vc_params *p);

/* Create and activate every configured session. -1 (logged) if any
 * fails; dp_destroy() takes down the ones already up. */
int ss_start(struct dp *dp, const struct cfg *c);

#endif
