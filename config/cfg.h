/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration file (libconfig syntax) turned into plain, validated
 * structs. Nothing outside config/ sees libconfig; nothing here sees DPDK.
 * A file either loads completely and consistently or not at all: the
 * first problem found is reported as "FILE:LINE: what is wrong".
 * The settings themselves are documented in config/vcswitch.cfg.
 */
#ifndef VCS_CFG_H
#define VCS_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "l2tp.h"

#define CFG_NAME_MAX	32
#define CFG_DEVARGS_MAX 512
#define CFG_LCORES_MAX	256
#define CFG_PREFIX_MAX	64
#define CFG_ERR_MAX	512
#define CFG_MAX_LCORE	128 /* lcore ids accepted in the file: 0..CFG_MAX_LCORE-1 */

/* Upper bounds of the file's lists, for arrays sized by them. */
#define CFG_MAX_PORTS	  32   /* entries in the ports list */
#define CFG_MAX_RX_QUEUES 64   /* ports.rx_queues */
#define CFG_MAX_WORKERS	  64   /* entries in the workers list */
#define CFG_MAX_WORKER_RX 64   /* queues one worker polls */
#define CFG_MAX_PEERS	  1024 /* entries in l2tp.peers */

enum cfg_port_role {
	CFG_PORT_ACCESS,
	CFG_PORT_NETWORK,
};

enum cfg_seq {
	CFG_SEQ_NONE = 0,
	CFG_SEQ_SEND = 1,
	CFG_SEQ_RECV = 2,
	CFG_SEQ_BOTH = CFG_SEQ_SEND | CFG_SEQ_RECV,
};

struct cfg_eal {
	char lcores[CFG_LCORES_MAX];	  /* EAL --lcores argument, verbatim */
	uint8_t lcore_set[CFG_MAX_LCORE]; /* 1 for every lcore id that `lcores` names */
	unsigned int main_lcore;
	unsigned int memory_mb;
	bool hugepages;
	bool in_memory;
	char file_prefix[CFG_PREFIX_MAX];
	char **args; /* extra EAL arguments, verbatim */
	unsigned int n_args;
};

struct cfg_dataplane {
	unsigned int mbufs;
	unsigned int mbuf_cache;
	unsigned int max_vcs;
	unsigned int burst;
	unsigned int idle_polls;
	unsigned int idle_sleep_us;
	unsigned int punt_ring_size;
	unsigned int neigh_pending_max;
	unsigned int seq_window;
	unsigned int seq_resync;
};

struct cfg_neigh {
	struct vcs_addr ip;
	uint8_t mac[6];
};

struct cfg_port {
	char name[CFG_NAME_MAX];
	char devargs[CFG_DEVARGS_MAX];
	enum cfg_port_role role;
	uint16_t rx_queues;
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint16_t mtu;
	bool has_mac;
	uint8_t mac[6];
	uint16_t qinq_tpid; /* access ports: the TPID of the S-tags we put on */
	/* network ports only; family 0 when absent */
	struct vcs_prefix ipv4;
	struct vcs_addr ipv4_gateway;
	struct vcs_prefix ipv6;
	struct vcs_addr ipv6_gateway;
	struct cfg_neigh *neighbors;
	unsigned int n_neighbors;
	int line;
};

struct cfg_rxq {
	unsigned int port; /* index into cfg.ports */
	uint16_t queue;
};

struct cfg_worker {
	unsigned int lcore;
	struct cfg_rxq *rx;
	unsigned int n_rx;
	int line;
};

/* A session's traffic contract in one direction (a FLOWSPEC): rates in
 * bytes/s, sizes in bytes. token_rate 0: no contract. */
struct cfg_flowspec {
	uint64_t token_rate;
	uint64_t token_bucket_size; /* 0: 10 ms of the rate, at least one frame */
	uint64_t peak_bandwidth;    /* 0: the token rate */
	uint64_t max_sdu_size;	    /* 0: not given */
};

struct cfg_session {
	char name[CFG_NAME_MAX];
	unsigned int count;	/* of the range this one comes from (config/README.md) */
	unsigned int ac_port;	/* index into cfg.ports (an access port) */
	uint16_t ac_vlan;	/* 0: the whole port */
	uint16_t ac_inner_vlan; /* 0: none; else QinQ with ac_vlan the S-tag */
	enum l2tp_pw_type pw_type;
	enum l2tp_encap encap;
	uint16_t udp_local_port;
	uint16_t udp_remote_port;
	bool udp_checksum;
	struct vcs_addr local;
	struct vcs_addr remote;
	unsigned int net_port; /* derived: the network port that owns `local` */
	uint32_t local_session_id;
	uint32_t remote_session_id;
	uint8_t local_cookie_len; /* 0, 4 or 8; the cookie we expect to receive */
	uint8_t local_cookie[L2TP_COOKIE_MAX];
	uint8_t remote_cookie_len; /* 0, 4 or 8; the cookie we send */
	uint8_t remote_cookie[L2TP_COOKIE_MAX];
	enum l2tp_l2ss l2ss;
	enum cfg_seq seq;
	struct cfg_flowspec qos_tx; /* AC to pseudowire */
	struct cfg_flowspec qos_rx; /* pseudowire to AC */
	int line;
};

/* Timers and limits of a control connection (RFC 3931 §4.2, §4.4). */
struct cfg_l2tp_timers {
	unsigned int hello_interval_s; /* 0: no HELLO; at most 3600 */
	unsigned int rto_initial_ms;   /* first retransmission timeout, 100..60000 */
	unsigned int rto_max_ms;       /* back-off cap, 8000..600000, >= rto_initial_ms */
	unsigned int retries;	     /* retransmissions before the connection is cleared, 1..100 */
	unsigned int receive_window; /* our Receive Window Size, 1..1024 */
};

enum cfg_digest {
	CFG_DIGEST_MD5 = 0, /* the values of RFC 3931's Digest Type */
	CFG_DIGEST_SHA1 = 1,
};

#define CFG_SECRET_MAX	  256
#define CFG_PATH_MAX	  256
#define CFG_HOST_NAME_MAX 64
#define CFG_END_ID_MAX	  64

/* An L2TPv3 peer (l2tp.peers). */
struct cfg_l2tp_peer {
	char name[CFG_NAME_MAX];
	struct vcs_addr address; /* the peer's: unicast, unique, on-link or behind a gateway */
	struct vcs_addr local;	 /* ours; default: the first network port address of the family */
	unsigned int net_port;	 /* derived: the network port that owns `local` */
	enum l2tp_encap transport;
	uint16_t udp_local_port; /* transport "udp": default 1701 */
	uint16_t udp_remote_port;
	bool initiate; /* we open the control connection, and reopen it when it fails */
	/* Control Message Authentication (§4.3): on with a secret */
	unsigned int n_secrets;		 /* 0, 1, or 2 during a rollover (secret, next_secret) */
	char secrets[2][CFG_SECRET_MAX]; /* 1..255 octets, any but NUL; "" beyond n_secrets */
	enum cfg_digest digest;
	bool hide_avps;		  /* hide the session AVPs §5.3 allows (needs a secret) */
	struct cfg_l2tp_timers t; /* the l2tp group's, unless overridden */
	int line;
};

/* The l2tp group. Absent: enabled is false and everything else zero. */
struct cfg_l2tp {
	bool enabled;			   /* the l2tp group is present */
	uint32_t router_id;		   /* host byte order, never 0: 192.0.2.1 is 0xc0000201 */
	char host_name[CFG_HOST_NAME_MAX]; /* "": the system's host name */
	struct cfg_l2tp_timers t;
	unsigned int drop_percent; /* testing only: control messages dropped at random */
	char trace[CFG_PATH_MAX];  /* "": none; else a pcap file of every control message */
	struct cfg_l2tp_peer *peers;
	unsigned int n_peers;
};

/*
 * An attachment circuit offered to L2TPv3 peers (circuits). Its AC is
 * used by no other circuit nor static session; (remote_end_id, pw_type)
 * is unique among circuits.
 */
struct cfg_circuit {
	char name[CFG_NAME_MAX]; /* not a static session's circuit name either */
	unsigned int count;	 /* of the range this one comes from */
	/* what a peer's ICRQ or OCRQ names; default: name. 1..63 octets, any but NUL */
	char remote_end_id[CFG_END_ID_MAX];
	unsigned int ac_port;	/* index into cfg.ports (an access port) */
	uint16_t ac_vlan;	/* 0: the whole port */
	uint16_t ac_inner_vlan; /* 0: none; else QinQ with ac_vlan the S-tag */
	enum l2tp_pw_type pw_type;
	int peer;	     /* index into l2tp.peers; -1: any peer may call */
	bool call;	     /* we place the call (needs peer) */
	bool outgoing;	     /* placed as OCRQ instead of ICRQ */
	uint8_t cookie_len;  /* the cookie the peer must send us: 0, 4 or 8 */
	enum l2tp_l2ss l2ss; /* the sublayer we want to receive */
	bool sequencing;     /* we ask the peer to sequence what it sends (needs l2ss) */
	/* derived: every rx queue of the AC's port is polled by one worker, so
	 * we can send sequence numbers if the peer asks for them */
	bool send_seq_ok;
	struct cfg_flowspec qos_tx, qos_rx; /* as a session's */
	int line;
};

struct cfg {
	char source[256]; /* file name used in messages */
	struct cfg_eal eal;
	struct cfg_dataplane dp;
	struct cfg_port *ports;
	unsigned int n_ports;
	struct cfg_worker *workers;
	unsigned int n_workers;
	struct cfg_session *sessions;
	unsigned int n_sessions;
	struct cfg_l2tp l2tp;
	struct cfg_circuit *circuits;
	unsigned int n_circuits;
};

/*
 * Load and validate. On failure return -1, leave *c empty and write
 * "SOURCE:LINE: message" into err (SOURCE alone when no line applies).
 */
int cfg_load_file(const char *path, struct cfg *c, char *err, size_t errlen);
int cfg_load_string(const char *text, const char *source, struct cfg *c, char *err, size_t errlen);
void cfg_free(struct cfg *c);

/* Index of the port called name, or -1. */
int cfg_port_find(const struct cfg *c, const char *name);

/* The name of an attachment circuit: "PORT", "PORT.VLAN" or
 * "PORT.VLAN.INNER" (also what a peer's Remote End ID says for a static
 * session's circuit). */
#define CFG_AC_NAME_MAX (CFG_NAME_MAX + 10)
void cfg_ac_name(const struct cfg *c, unsigned int port, uint16_t vlan, uint16_t inner, char *buf,
		 size_t len);

#endif
