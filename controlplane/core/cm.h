/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The call-management core: what NDIS is to CoNDIS, for the control
 * thread. It registers clients, stand-alone call managers (CMs) and
 * miniport call managers (MCMs), owns address families, SAPs, VCs and
 * parties, dispatches requests to the right handlers, enforces who may
 * call what in which state, and drives the data plane (the miniport)
 * for VC activation. See docs/ARCHITECTURE.md and
 * ../shared/spec/condis-call-model.md (the model; its section numbers
 * are cited here as "model §N").
 *
 * Naming: NdisClX -> cl_x (clients), NdisCmX -> cm_x (stand-alone CMs
 * only), NdisMCmX -> mcm_x (MCMs only), NdisCoX -> co_x (shared).
 * Everything runs on the control thread; calls nest inside handlers
 * (model §8) and every handle is re-checked after a handler returns.
 *
 * Handles are opaque values with a kind and a generation: a stale or
 * foreign handle is refused with CM_FAILURE, never dereferenced.
 */
#ifndef VCS_CM_H
#define VCS_CM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "l2tp.h"

/* NDIS_STATUS values (model §7). */
enum cm_status {
	CM_SUCCESS = 0x00000000,
	CM_PENDING = 0x00000103,
	CM_NOT_ACCEPTED = 0x00010003,
	CM_CALL_ACTIVE = 0x00010007,
	CM_CLOSING = (int)0xC0010002,
	CM_FAILURE = (int)0xC0000001,
	CM_RESOURCES = (int)0xC000009A,
	CM_NOT_SUPPORTED = (int)0xC00000BB,
	CM_INVALID_DATA = (int)0xC0010015,
	CM_INVALID_SAP = (int)0xC0010020,
	CM_SAP_IN_USE = (int)0xC0010021,
	CM_INVALID_ADDRESS = (int)0xC0010022,
	CM_VC_NOT_ACTIVATED = (int)0xC0010023,
	CM_DEST_OUT_OF_ORDER = (int)0xC0010024,
	CM_VC_NOT_AVAILABLE = (int)0xC0010025,
	CM_CELLRATE_NOT_AVAILABLE = (int)0xC0010026,
	CM_INCOMPATIBLE_QOS = (int)0xC0010027,
	CM_AAL_PARAMS_UNSUPPORTED = (int)0xC0010028,
	CM_NO_ROUTE_TO_DESTINATION = (int)0xC0010029,
};

/* The close status of calls whose port lost its link (model §4.5: a
 * failure status of the CM's choosing; Q.2931 cause 27). */
#define CM_STATUS_LINK_DOWN CM_DEST_OUT_OF_ORDER

const char *cm_status_name(enum cm_status s);

/* Address families (model §6); the static MCM's is private. */
#define CM_AF_L2TP	  3
#define CM_AF_L2TP_STATIC 0x8003

struct cm_af {
	uint16_t family;
	uint8_t major, minor;
};

struct cm_bind_h {
	uint64_t v; /* a registered client, CM or MCM */
};
struct cm_af_h {
	uint64_t v; /* an address family a client opened */
};
struct cm_sap_h {
	uint64_t v;
};
struct cm_vc_h {
	uint64_t v;
};
struct cm_party_h {
	uint64_t v;
};

static inline bool
cm_handle_is_null(uint64_t v)
{
	return v == 0;
}

/* An attachment circuit: a whole access port (vlan 0) or one VLAN. */
struct cm_circuit {
	uint16_t port;	     /* data-plane port index */
	uint16_t vlan;	     /* 0: the whole port */
	uint16_t inner_vlan; /* with vlan: QinQ, vlan the S-tag */
};

#define CM_REMOTE_END_ID_MAX 64
#define CM_PEER_MAX	     32

/*
 * A SAP: the incoming calls a client wants (model §1). For L2TPv3, the
 * local end of a pseudowire: the Remote End ID and PW type a peer asks
 * for, the peer allowed to ask ("" for any), and what the call manager
 * needs before the client sees the call, since it activates the VC first
 * (model §5.4): the circuit, and how the circuit wants to receive (cookie
 * length, sublayer, sequencing).
 */
struct cm_sap {
	uint16_t pw_type;
	char remote_end_id[CM_REMOTE_END_ID_MAX];
	char peer[CM_PEER_MAX];
	struct cm_circuit circuit;
	uint8_t cookie_len;
	enum l2tp_l2ss l2ss;
	bool seq_recv;
};

/* FLOWSPEC (model §6). Rates in bytes/s, sizes in bytes, times in µs;
 * any field may be CM_QOS_NOT_SPECIFIED. Rates are 64-bit here: a
 * 32-bit bytes/s field tops out near 34 Gb/s. */
#define CM_QOS_NOT_SPECIFIED	  UINT64_MAX
#define CM_POSITIVE_INFINITY_RATE (UINT64_MAX - 1)

enum cm_service_type {
	CM_SERVICETYPE_NOTRAFFIC = 0,
	CM_SERVICETYPE_BESTEFFORT = 1,
	CM_SERVICETYPE_CONTROLLEDLOAD = 2,
	CM_SERVICETYPE_GUARANTEED = 3,
};

struct cm_flowspec {
	uint64_t token_rate;
	uint64_t token_bucket_size;
	uint64_t peak_bandwidth;
	uint64_t latency;
	uint64_t delay_variation;
	uint64_t max_sdu_size;
	uint64_t minimum_policed_size;
	uint32_t service_type;
};

/* Media parameters of an L2TPv3 Ethernet pseudowire. A client making a
 * call gives the peer, PW type, Remote End ID, circuit and how it wants
 * to receive (local cookie length, l2ss, seq_recv); the call manager
 * fills in the rest as the peers agree on it. */
struct cm_l2tp_media {
	uint16_t pw_type;
	char remote_end_id[CM_REMOTE_END_ID_MAX];
	char peer[CM_PEER_MAX]; /* a configured peer's name; "" for static sessions */
	struct cm_circuit circuit;
	enum l2tp_encap encap;
	struct vcs_addr local, remote;
	uint16_t udp_local_port, udp_remote_port;
	bool udp_checksum;
	uint32_t local_session_id, remote_session_id;
	uint8_t local_cookie_len, remote_cookie_len;
	uint8_t local_cookie[L2TP_COOKIE_MAX], remote_cookie[L2TP_COOKIE_MAX];
	/* each end says how it wants to receive (RFC 3931 §5.4.4) */
	enum l2tp_l2ss l2ss_send, l2ss_recv;
	bool seq_send, seq_recv;
	bool remote_circuit_down;		     /* the peer's Circuit Status says not active */
	uint64_t tx_connect_speed, rx_connect_speed; /* bits/s, 0 = not given */
};

#define CM_CALL_PERMANENT_VC	   0x01
#define CM_CALL_PARAMETERS_CHANGED 0x02 /* the client changed what it was offered */
#define CM_CALL_MULTIPOINT_VC	   0x10
#define CM_CALL_OUTGOING	   0x100 /* L2TPv3: place it with OCRQ, not ICRQ */

/*
 * CO_CALL_PARAMETERS: call-manager parameters (the two FLOWSPECs, in the
 * pseudowire's transmit = AC-to-network and receive directions) and
 * media parameters, by value.
 */
struct cm_call_params {
	uint32_t flags;
	struct cm_flowspec transmit, receive;
	struct cm_l2tp_media media;
};

/* A flowspec that asks for nothing: best effort, everything unspecified. */
void cm_flowspec_none(struct cm_flowspec *f);
/* Whether f is enforceable: rates > 0, peak >= rate, sizes consistent. */
bool cm_flowspec_valid(const struct cm_flowspec *f);

/* The miniport: how the core drives the data plane. */
struct cm_miniport {
	void *ctx;
	/* 0, or -errno */
	int (*create_vc)(void *ctx, const char *name, void **mp_vc);
	int (*delete_vc)(void *ctx, void *mp_vc);
	int (*activate_vc)(void *ctx, void *mp_vc, const struct cm_call_params *p);
	/* 1: pending, cm_mp_deactivate_vc_complete(token) follows; 0: done;
	 * -errno */
	int (*deactivate_vc)(void *ctx, void *mp_vc, void *token);
};

/* The miniport finished a deactivation it pended
 * (NdisMCoDeactivateVcComplete): no packet of the VC is in flight. */
void cm_mp_deactivate_vc_complete(void *token);

/* Client handlers (model §3.4). Every one must be set. */
struct cl_handlers {
	void (*af_register_notify)(void *bind_ctx, const struct cm_af *af);
	void (*open_af_complete)(void *af_ctx, struct cm_af_h af, enum cm_status status);
	void (*close_af_complete)(enum cm_status status, void *af_ctx);
	void (*register_sap_complete)(enum cm_status status, void *sap_ctx,
				      const struct cm_sap *sap, struct cm_sap_h sap_h);
	void (*deregister_sap_complete)(enum cm_status status, void *sap_ctx);
	void (*make_call_complete)(enum cm_status status, void *vc_ctx, struct cm_party_h party,
				   struct cm_call_params *p);
	void (*close_call_complete)(enum cm_status status, void *vc_ctx, void *party_ctx);
	void (*add_party_complete)(enum cm_status status, void *party_ctx, struct cm_party_h party,
				   struct cm_call_params *p);
	void (*drop_party_complete)(enum cm_status status, void *party_ctx);
	void (*modify_call_qos_complete)(enum cm_status status, void *vc_ctx,
					 struct cm_call_params *p);
	enum cm_status (*incoming_call)(void *sap_ctx, void *vc_ctx, struct cm_call_params *p);
	void (*call_connected)(void *vc_ctx);
	void (*incoming_close_call)(enum cm_status status, void *vc_ctx, const void *data,
				    size_t size);
	void (*incoming_drop_party)(enum cm_status status, void *party_ctx, const void *data,
				    size_t size);
	void (*incoming_call_qos_change)(void *vc_ctx, struct cm_call_params *p);
	enum cm_status (*notify_close_af)(void *af_ctx);
	enum cm_status (*create_vc)(void *af_ctx, struct cm_vc_h vc, void **vc_ctx);
	enum cm_status (*delete_vc)(void *vc_ctx);
};

/* CM handlers (model §3.5), for stand-alone CMs and MCMs alike. Every one
 * must be set. */
struct cm_handlers {
	enum cm_status (*open_af)(void *bind_ctx, const struct cm_af *af, struct cm_af_h af_h,
				  void **cm_af_ctx);
	enum cm_status (*close_af)(void *cm_af_ctx);
	enum cm_status (*register_sap)(void *cm_af_ctx, const struct cm_sap *sap,
				       struct cm_sap_h sap_h, void **cm_sap_ctx);
	enum cm_status (*deregister_sap)(void *cm_sap_ctx);
	enum cm_status (*make_call)(void *cm_vc_ctx, struct cm_call_params *p,
				    struct cm_party_h party, void **cm_party_ctx);
	enum cm_status (*close_call)(void *cm_vc_ctx, void *cm_party_ctx, const void *data,
				     size_t size);
	void (*incoming_call_complete)(enum cm_status status, void *cm_vc_ctx,
				       struct cm_call_params *p);
	enum cm_status (*add_party)(void *cm_vc_ctx, struct cm_call_params *p,
				    struct cm_party_h party, void **cm_party_ctx);
	enum cm_status (*drop_party)(void *cm_party_ctx, const void *data, size_t size);
	enum cm_status (*modify_call_qos)(void *cm_vc_ctx, struct cm_call_params *p);
	void (*activate_vc_complete)(enum cm_status status, void *cm_vc_ctx,
				     struct cm_call_params *p);
	void (*deactivate_vc_complete)(enum cm_status status, void *cm_vc_ctx);
	void (*notify_close_af_complete)(void *cm_af_ctx, enum cm_status status);
	enum cm_status (*create_vc)(void *cm_af_ctx, struct cm_vc_h vc, void **cm_vc_ctx);
	enum cm_status (*delete_vc)(void *cm_vc_ctx);
	/* a data-plane port's link went up or down (ProtocolCoStatusEx) */
	void (*link_status)(void *bind_ctx, uint16_t port, bool up);
};

struct core;

struct core *core_create(const struct cm_miniport *mp);
/* Frees what is left; returns how many objects were still alive. */
unsigned int core_destroy(struct core *c);
/* A port's link changed: every CM and MCM hears it. */
void core_link_status(struct core *c, uint16_t port, bool up);

struct core_counts {
	unsigned int bindings, afs, saps, vcs, parties;
	unsigned int calls_offered, calls_connected, calls_closing;
	uint64_t calls_setup, calls_closed; /* since start */
};
void core_get_counts(const struct core *c, struct core_counts *n);
/* /vcswitch/calls shows c's counts; NULL detaches it. */
void core_telemetry_register(struct core *c);

/* Registration (binding). */
enum cm_status cl_register(struct core *c, const struct cl_handlers *h, void *bind_ctx,
			   struct cm_bind_h *out);
enum cm_status cm_register(struct core *c, const struct cm_handlers *h, void *bind_ctx,
			   struct cm_bind_h *out);
enum cm_status mcm_register(struct core *c, const struct cm_handlers *h, void *bind_ctx,
			    struct cm_bind_h *out);
/* Only once nothing it owns remains. */
enum cm_status core_deregister(struct core *c, struct cm_bind_h b);

/* Address families (model §3.1, §3.3, §4.0, §4.8). */
enum cm_status cm_register_af(struct core *c, struct cm_bind_h b, const struct cm_af *af);
enum cm_status mcm_register_af(struct core *c, struct cm_bind_h b, const struct cm_af *af);
enum cm_status cl_open_af(struct core *c, struct cm_bind_h b, const struct cm_af *af, void *af_ctx,
			  struct cm_af_h *out);
enum cm_status cm_open_af_complete(struct core *c, enum cm_status status, struct cm_af_h af,
				   void *cm_af_ctx);
enum cm_status mcm_open_af_complete(struct core *c, enum cm_status status, struct cm_af_h af,
				    void *cm_af_ctx);
enum cm_status cl_close_af(struct core *c, struct cm_af_h af);
enum cm_status cm_close_af_complete(struct core *c, enum cm_status status, struct cm_af_h af);
enum cm_status mcm_close_af_complete(struct core *c, enum cm_status status, struct cm_af_h af);
enum cm_status cm_notify_close_af(struct core *c, struct cm_af_h af);
enum cm_status mcm_notify_close_af(struct core *c, struct cm_af_h af);
enum cm_status cl_notify_close_af_complete(struct core *c, struct cm_af_h af,
					   enum cm_status status);

/* SAPs. */
enum cm_status cl_register_sap(struct core *c, struct cm_af_h af, void *sap_ctx,
			       const struct cm_sap *sap, struct cm_sap_h *out);
enum cm_status cm_register_sap_complete(struct core *c, enum cm_status status, struct cm_sap_h sap,
					void *cm_sap_ctx);
enum cm_status mcm_register_sap_complete(struct core *c, enum cm_status status, struct cm_sap_h sap,
					 void *cm_sap_ctx);
enum cm_status cl_deregister_sap(struct core *c, struct cm_sap_h sap);
enum cm_status cm_deregister_sap_complete(struct core *c, enum cm_status status,
					  struct cm_sap_h sap);
enum cm_status mcm_deregister_sap_complete(struct core *c, enum cm_status status,
					   struct cm_sap_h sap);

/* VCs (model §3.2, §5.3, §5.4). */
enum cm_status co_create_vc(struct core *c, struct cm_bind_h b, struct cm_af_h af, void *vc_ctx,
			    struct cm_vc_h *out);
enum cm_status co_delete_vc(struct core *c, struct cm_bind_h b, struct cm_vc_h vc);
enum cm_status mcm_create_vc(struct core *c, struct cm_bind_h b, struct cm_af_h af, void *vc_ctx,
			     struct cm_vc_h *out);
enum cm_status mcm_delete_vc(struct core *c, struct cm_vc_h vc);
/* Activation is synchronous (the data plane never pends it); on an
 * active VC it re-activates with p, keeping the old parameters if the
 * data plane refuses. Deactivation makes the VC unreachable at once and
 * returns CM_PENDING: deactivate_vc_complete follows after an RCU grace
 * period, for CMs and MCMs alike (a design choice: see ARCHITECTURE.md). */
enum cm_status cm_activate_vc(struct core *c, struct cm_vc_h vc, struct cm_call_params *p);
enum cm_status mcm_activate_vc(struct core *c, struct cm_vc_h vc, struct cm_call_params *p);
enum cm_status cm_deactivate_vc(struct core *c, struct cm_vc_h vc);
enum cm_status mcm_deactivate_vc(struct core *c, struct cm_vc_h vc);

/* Outgoing calls (model §4.2). */
enum cm_status cl_make_call(struct core *c, struct cm_vc_h vc, struct cm_call_params *p,
			    void *party_ctx, struct cm_party_h *party);
enum cm_status cm_make_call_complete(struct core *c, enum cm_status status, struct cm_vc_h vc,
				     struct cm_party_h party, void *cm_party_ctx,
				     struct cm_call_params *p);
enum cm_status mcm_make_call_complete(struct core *c, enum cm_status status, struct cm_vc_h vc,
				      struct cm_party_h party, void *cm_party_ctx,
				      struct cm_call_params *p);

/* Incoming calls (model §4.1). */
enum cm_status cm_dispatch_incoming_call(struct core *c, struct cm_sap_h sap, struct cm_vc_h vc,
					 struct cm_call_params *p);
enum cm_status mcm_dispatch_incoming_call(struct core *c, struct cm_sap_h sap, struct cm_vc_h vc,
					  struct cm_call_params *p);
enum cm_status cl_incoming_call_complete(struct core *c, enum cm_status status, struct cm_vc_h vc,
					 struct cm_call_params *p);
enum cm_status cm_dispatch_call_connected(struct core *c, struct cm_vc_h vc);
enum cm_status mcm_dispatch_call_connected(struct core *c, struct cm_vc_h vc);

/* Closing (model §4.3, §4.4). */
enum cm_status cl_close_call(struct core *c, struct cm_vc_h vc, struct cm_party_h party,
			     const void *data, size_t size);
enum cm_status cm_close_call_complete(struct core *c, enum cm_status status, struct cm_vc_h vc,
				      struct cm_party_h party);
enum cm_status mcm_close_call_complete(struct core *c, enum cm_status status, struct cm_vc_h vc,
				       struct cm_party_h party);
enum cm_status cm_dispatch_incoming_close_call(struct core *c, enum cm_status close_status,
					       struct cm_vc_h vc, const void *data, size_t size);
enum cm_status mcm_dispatch_incoming_close_call(struct core *c, enum cm_status close_status,
						struct cm_vc_h vc, const void *data, size_t size);

/* QoS (model §4.7). */
enum cm_status cl_modify_call_qos(struct core *c, struct cm_vc_h vc, struct cm_call_params *p);
enum cm_status cm_modify_call_qos_complete(struct core *c, enum cm_status status, struct cm_vc_h vc,
					   struct cm_call_params *p);
enum cm_status mcm_modify_call_qos_complete(struct core *c, enum cm_status status,
					    struct cm_vc_h vc, struct cm_call_params *p);
enum cm_status cm_dispatch_incoming_call_qos_change(struct core *c, struct cm_vc_h vc,
						    struct cm_call_params *p);
enum cm_status mcm_dispatch_incoming_call_qos_change(struct core *c, struct cm_vc_h vc,
						     struct cm_call_params *p);

/* Point-to-multipoint (model §4.6). */
enum cm_status cl_add_party(struct core *c, struct cm_vc_h vc, void *party_ctx,
			    struct cm_call_params *p, struct cm_party_h *out);
enum cm_status cm_add_party_complete(struct core *c, enum cm_status status, struct cm_party_h party,
				     void *cm_party_ctx, struct cm_call_params *p);
enum cm_status mcm_add_party_complete(struct core *c, enum cm_status status,
				      struct cm_party_h party, void *cm_party_ctx,
				      struct cm_call_params *p);
enum cm_status cl_drop_party(struct core *c, struct cm_party_h party, const void *data,
			     size_t size);
enum cm_status cm_drop_party_complete(struct core *c, enum cm_status status,
				      struct cm_party_h party);
enum cm_status mcm_drop_party_complete(struct core *c, enum cm_status status,
				       struct cm_party_h party);
enum cm_status cm_dispatch_incoming_drop_party(struct core *c, enum cm_status drop_status,
					       struct cm_party_h party, const void *data,
					       size_t size);
enum cm_status mcm_dispatch_incoming_drop_party(struct core *c, enum cm_status drop_status,
						struct cm_party_h party, const void *data,
						size_t size);

/* Read-only views for operators and tests. */
enum cm_vc_call_state {
	CM_CALL_IDLE,
	CM_CALL_MAKECALL_PENDING,
	CM_CALL_OFFERED,
	CM_CALL_ACCEPTED,
	CM_CALL_CONNECTED,
	CM_CALL_INCOMING_CLOSE,
	CM_CALL_CLOSING,
};
enum cm_vc_act_state {
	CM_VC_INACTIVE,
	CM_VC_ACTIVE,
	CM_VC_DEACTIVATING,
};
struct cm_vc_info {
	enum cm_vc_call_state call;
	enum cm_vc_act_state act;
	bool qos_pending;
	unsigned int parties;
	void *mp_vc;
	const struct cm_call_params *params; /* the active parameters, while active */
};
enum cm_status cm_vc_info(const struct core *c, struct cm_vc_h vc, struct cm_vc_info *info);
const char *cm_call_state_name(enum cm_vc_call_state s);

#endif
