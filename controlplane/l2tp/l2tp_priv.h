/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The L2TPv3 call manager's objects, shared by its modules: l2tp_cm.c
 * (the core's handlers, peers, input dispatch, timers), l2tp_ccn.c
 * (control connections, §7.2) and l2tp_sess.c (sessions, §7.3, §7.4).
 * Nothing outside l2tp/ sees them.
 */
#ifndef VCS_L2TP_PRIV_H
#define VCS_L2TP_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "cfg.h"
#include "cm.h"
#include "hmap.h"
#include "l2tp_auth.h"
#include "l2tp_cm.h"
#include "l2tp_msg.h"
#include "l2tp_rel.h"

#define L2TP_NONCE_LEN	    16	  /* what we send */
#define L2TP_RECONNECT_MIN  1000  /* ms: first retry of a failed connection */
#define L2TP_RECONNECT_MAX  60000 /* ms: back-off cap */
#define L2TP_SERVICE_MAX_MS 1000  /* l2tp_cm_service() is called at least this often */
#define L2TP_MAX_QUEUE	    65536 /* messages waiting for a window, beyond 2 per VC */
/* Our requests (ICRQ, OCRQ) go onto a connection only while fewer than
 * this wait for its window; the other calls wait in their peer's list,
 * in order, so that a burst of calls does not queue every other message
 * of the connection behind thousands of requests. */
#define L2TP_PLACE_AHEAD 256

struct l2tp_ccn;
struct l2tp_sess;

/* A SAP the client registered: circuits peers may call by Remote End ID. */
struct l2tp_sap {
	TAILQ_ENTRY(l2tp_sap) link;
	struct hmap_node by_end_id; /* in cm->saps_by_end_id */
	struct l2tp_cm *cm;
	struct cm_sap sap;
	struct cm_sap_h h;
};

/* A configured peer. */
struct l2tp_peer {
	struct l2tp_cm *cm;
	const struct cfg_l2tp_peer *cfg;
	struct l2tp_wire wire;		 /* the configured ends; the peer's UDP port may differ */
	struct l2tp_secret secrets[2];	 /* cfg->n_secrets of them */
	struct l2tp_ccn *ccn;		 /* the connection new calls use, or NULL */
	uint64_t reconnect_at;		 /* initiate: next attempt; 0: none due */
	bool restarting;		 /* after an even tie: waiting calls wait on */
	uint32_t reconnect_ms;		 /* back-off */
	TAILQ_HEAD(, l2tp_sess) waiting; /* calls waiting for a connection, or room on it */
	uint64_t connections, failures;
};

enum l2tp_ccn_state {
	CCN_WAIT_CTL_REPLY, /* we sent SCCRQ */
	CCN_WAIT_CTL_CONN,  /* we sent SCCRP */
	CCN_ESTABLISHED,
	CCN_CLOSING, /* StopCCN sent or received: held for a cycle (§7.5) */
};

/* A control connection. */
struct l2tp_ccn {
	TAILQ_ENTRY(l2tp_ccn) link;
	struct l2tp_cm *cm;
	struct l2tp_peer *peer;
	enum l2tp_ccn_state st;
	bool initiator;
	bool was_established;
	bool stop_sent; /* our StopCCN: held until acknowledged */
	uint32_t local_ccid, remote_ccid;
	struct l2tp_wire wire;
	struct l2tp_rel *rel;
	uint8_t tie[8]; /* our tie breaker (SCCRQ) */
	/* authentication: on when the SCCRQ or SCCRP carries a nonce */
	bool auth;
	bool nonce_sent; /* in our SCCRQ or SCCRP: digests may cover it */
	uint8_t nonce[L2TP_NONCE_LEN];
	uint16_t peer_nonce_len;
	uint8_t peer_nonce[L2TP_NONCE_MAX];
	int peer_secret; /* the secret the peer's last message verified with */
	/* what the peer told us */
	uint32_t peer_router_id;
	char peer_host[L2TP_NAME_MAX + 1];
	uint16_t peer_window;
	unsigned int n_pw_caps;
	uint16_t pw_caps[L2TP_PW_CAPS_MAX];
	/* timers (ms) */
	uint64_t last_rx;     /* anything from the peer */
	uint64_t hello_at;    /* send HELLO then, unless something arrives */
	uint64_t release_at;  /* CLOSING: free then */
	uint16_t stop_result; /* why it is closing, for the log and the calls */
	enum cm_status close_status;
	TAILQ_HEAD(, l2tp_sess) sessions;
	unsigned int n_sessions;
};

enum l2tp_sess_role {
	SR_ICRQ_SENDER,	   /* our client's make call, placed as ICRQ */
	SR_ICRQ_RECIPIENT, /* the peer's ICRQ, an incoming call */
	SR_OCRQ_SENDER,	   /* our client's make call, placed as OCRQ */
	SR_OCRQ_RECIPIENT, /* the peer's OCRQ, an incoming call */
};

enum l2tp_sess_state {
	SS_IDLE,	  /* a client's VC, no call yet */
	SS_WAIT_CTL_CONN, /* senders: for the control connection, or room on it */
	SS_WAIT_REPLY,	  /* senders: ICRQ/OCRQ sent */
	SS_OFFERED,	  /* recipients: the client has not answered */
	SS_WAIT_CONNECT,  /* ICRQ recipient: ICRP sent; OCRQ sender: OCRP received */
	SS_ESTABLISHED,
	SS_CLOSING, /* the call is being closed in the core */
};

/* What follows when a session's VC is drained. */
enum l2tp_sess_after {
	AFTER_CLOSE,	      /* the client closed the call: complete the close */
	AFTER_DELETE,	      /* an offer refused: delete our VC */
	AFTER_MAKE_CALL_FAIL, /* a make call that failed after activation */
};

/* A session, and the call it carries. */
struct l2tp_sess {
	TAILQ_ENTRY(l2tp_sess) link; /* in its connection, or its peer's waiting list */
	struct l2tp_cm *cm;
	struct l2tp_peer *peer;
	struct l2tp_ccn *ccn; /* NULL while waiting for a connection */
	/* attached to ccn: in cm->sess_by_peer_sid once remote_sid is
	 * known; a sender in cm->requests_by_end_id (ties, §5.4.4) */
	struct hmap_node by_peer_sid, by_end_id;
	bool in_by_peer_sid, in_by_end_id;
	enum l2tp_sess_role role;
	enum l2tp_sess_state st;
	uint32_t local_sid, remote_sid;
	uint8_t tie[8]; /* ours (ICRQ, OCRQ) */
	uint32_t serial;
	struct cm_vc_h vc;		/* the call's VC */
	bool cm_created;		/* we made the VC (incoming calls): we delete it */
	bool active;			/* activated in the core */
	bool sent_cdn;			/* nothing more to say to the peer */
	bool close_indicated;		/* an incoming close was dispatched */
	enum l2tp_sess_after after;	/* once deactivated */
	enum cm_status fail_status;	/* AFTER_MAKE_CALL_FAIL */
	struct cm_call_params params;	/* what the VC carries (or will) */
	uint16_t our_cs, peer_cs;	/* circuit status, ours and the peer's */
	uint16_t cdn_result, cdn_error; /* why it ended (log, telemetry) */
};

struct l2tp_cm {
	struct core *core;
	const struct cfg *cfg;
	struct l2tp_xport_ops x;
	struct cm_bind_h bind;
	struct cm_af_h af; /* the client's open of our AF */
	bool af_open;
	bool stopping;
	uint64_t now;
	char host_name[CFG_HOST_NAME_MAX];
	struct l2tp_peer *peers;
	unsigned int n_peers;
	TAILQ_HEAD(, l2tp_sap) saps;
	TAILQ_HEAD(, l2tp_ccn) ccns;
	void *ccn_by_id;  /* tsearch: local CCID -> connection */
	void *sess_by_id; /* tsearch: local session ID -> session */
	/* what arriving messages name, at a cost that does not grow with
	 * the sessions: (PW type, Remote End ID) -> SAPs; (connection,
	 * the peer's session ID) -> sessions; (connection, Remote End ID)
	 * -> our requests */
	struct hmap saps_by_end_id;
	struct hmap sess_by_peer_sid;
	struct hmap requests_by_end_id;
	uint32_t next_serial;
	struct l2tp_cm_stats st;
};

/* ---- l2tp_cm.c ---- */
uint32_t l2tp_cm_random32(struct l2tp_cm *cm);
int l2tp_cm_ccn_index(struct l2tp_cm *cm, struct l2tp_ccn *c);
void l2tp_cm_ccn_unindex(struct l2tp_cm *cm, struct l2tp_ccn *c);
struct l2tp_ccn *l2tp_ccn_find(struct l2tp_cm *cm, uint32_t local_ccid);
/* Give s a fresh local session ID (random, non-zero, used by no session
 * and no static session) and index it. */
int l2tp_sess_index(struct l2tp_cm *cm, struct l2tp_sess *s);
void l2tp_sess_unindex(struct l2tp_cm *cm, struct l2tp_sess *s);
struct l2tp_sess *l2tp_sess_find(struct l2tp_cm *cm, uint32_t local_sid);
const struct l2tp_sap *l2tp_sap_match(struct l2tp_cm *cm, const struct l2tp_peer *peer,
				      const struct l2tp_msg *m);
/* The hash of a Remote End ID in an index; basis tells the indexes apart. */
uint32_t l2tp_end_id_hash(const char *id, size_t len, uint32_t basis);
/* A message left (or failed to): counted; drop_percent applies. */
void l2tp_cm_xmit(struct l2tp_cm *cm, const struct l2tp_wire *w, const uint8_t *msg, size_t len);

/* ---- l2tp_ccn.c ---- */
/* Open a connection to peer (we send SCCRQ). */
struct l2tp_ccn *l2tp_ccn_open(struct l2tp_peer *peer);
/* The peer's SCCRQ, new (the header's CCID is 0). */
void l2tp_ccn_accept(struct l2tp_cm *cm, struct l2tp_peer *peer, const struct l2tp_wire *w,
		     const uint8_t *msg, size_t len);
/* A message for an existing connection, arrived over w. */
void l2tp_ccn_input(struct l2tp_ccn *c, const struct l2tp_wire *w, const uint8_t *msg, size_t len);
/* A message for a connection we do not have (the header's CCID is not
 * 0): an SCCRP or SCCCN gets a StopCCN (§7.2, idle), the rest nothing. */
void l2tp_ccn_orphan(struct l2tp_cm *cm, struct l2tp_peer *peer, const struct l2tp_wire *w,
		     const uint8_t *msg, size_t len);
/* Send a message on c (Ns assigned by reliable delivery). */
int l2tp_ccn_send(struct l2tp_ccn *c, struct l2tp_msg *m);
/* StopCCN and clear every call on it; result/error per §5.4.2. */
void l2tp_ccn_stop(struct l2tp_ccn *c, uint16_t result, uint16_t error, const char *msg,
		   enum cm_status why);
/* Timers; returns the next deadline (ms). May free c. */
uint64_t l2tp_ccn_timer(struct l2tp_ccn *c);
void l2tp_ccn_free(struct l2tp_ccn *c);
const char *l2tp_ccn_state_name(enum l2tp_ccn_state s);

/* ---- l2tp_sess.c ---- */
/* A session message (ICRQ ... SLI) that arrived on c, decoded. */
void l2tp_sess_input(struct l2tp_ccn *c, const struct l2tp_msg *m);
/* c is established, or its window moved: send the ICRQ/OCRQ of the
 * calls waiting for it, as many as it has room for (L2TP_PLACE_AHEAD). */
void l2tp_sess_place_waiting(struct l2tp_ccn *c);
/* c went away: every session on it ends with status why. */
void l2tp_sess_conn_down(struct l2tp_ccn *c, enum cm_status why);
/* No connection to the peer is coming: its waiting calls fail. */
void l2tp_sess_fail_waiting(struct l2tp_peer *peer, enum cm_status why);
/* A session message had an unknown mandatory AVP, or lacked one. */
void l2tp_sess_reject(struct l2tp_ccn *c, const struct l2tp_msg *m, uint16_t error,
		      const char *why);
/* An access port's link changed: circuit status to the peers (SLI). */
void l2tp_sess_link(struct l2tp_cm *cm, uint16_t port, bool up);
const char *l2tp_sess_state_name(enum l2tp_sess_state s);

/* The core's handlers for sessions (l2tp_cm.c wires them in). */
enum cm_status l2tp_sess_make_call(void *cm_vc_ctx, struct cm_call_params *p,
				   struct cm_party_h party, void **cm_party_ctx);
enum cm_status l2tp_sess_close_call(void *cm_vc_ctx, void *cm_party_ctx, const void *data,
				    size_t size);
void l2tp_sess_incoming_call_complete(enum cm_status status, void *cm_vc_ctx,
				      struct cm_call_params *p);
enum cm_status l2tp_sess_modify_call_qos(void *cm_vc_ctx, struct cm_call_params *p);
void l2tp_sess_deactivate_vc_complete(enum cm_status status, void *cm_vc_ctx);
enum cm_status l2tp_sess_create_vc(void *cm_af_ctx, struct cm_vc_h vc, void **cm_vc_ctx);
enum cm_status l2tp_sess_delete_vc(void *cm_vc_ctx);

#endif
