/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <sanitizer/asan_interface.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "ac_tbl.h"
#include "dp_priv.h"
#include "log.h"
#include "neigh.h"
#include "vc.h"
#include "worker.h"

enum vc_state {
	VC_FREE,
	VC_INACTIVE,
	VC_ACTIVE,
	VC_DEACTIVATING,
};

struct dp_vc {
	struct dp *dp;
	uint32_t index;
	uint8_t state;
	uint8_t net_port;
	char name[DP_NAME_MAX];
	struct dp_vc_params p;
	struct vc_fp *fp; /* published while active */
	dp_vc_done_fn done;
	void *done_arg;
	/* held packets the control thread sent or dropped */
	uint64_t ctrl_no_route, ctrl_tx_full;
};

/* One unlinking waiting for its grace period: a record to free, session
 * table key slots to release and, for a deactivation, a VC to complete.
 * (Circuit table slots are plain pointers, cleared at once.) */
struct vc_retire {
	TAILQ_ENTRY(vc_retire) link;
	uint64_t token;
	struct vc_fp *fp;
	struct dp_vc *vc;
	unsigned int n_pos;
	struct {
		struct rte_hash *h;
		int32_t pos;
	} pos[];
};

TAILQ_HEAD(vc_retire_list, vc_retire);

struct vc_store {
	unsigned int max_vcs;
	unsigned int n_vcs;
	struct dp_vc *slots;
	uint32_t *free_slots;
	unsigned int n_free_slots;
	struct vc_fp *fps; /* record pool, in DPDK memory */
	uint32_t *free_fps;
	unsigned int n_fps, n_free_fps;
	struct rte_hash *sid_map; /* local session ID -> dp_vc, uniqueness only */
	struct rte_hash *ac_map;  /* (port, VLAN, inner VLAN) -> dp_vc */
	struct vc_retire_list retiring, ready;
	unsigned int n_retiring;
	struct dp_vc_stats retired; /* VCs since deleted or reused */
};

const char *const dp_drop_names[DP_DROP_MAX] = {
#define X(n, s) s,
	DP_GLOBAL_DROPS(X)
#undef X
};
const char *const dp_enc_drop_names[DP_ENC_DROP_MAX] = {
#define X(n, s) s,
	DP_ENCAP_DROPS(X)
#undef X
};
const char *const dp_dec_drop_names[DP_DEC_DROP_MAX] = {
#define X(n, s) s,
	DP_DECAP_DROPS(X)
#undef X
};

static struct rte_hash *
vc_map_create(const char *name, unsigned int entries)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = entries,
		.key_len = sizeof(uint32_t),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	return rte_hash_create(&hp);
}

struct vc_store *
vc_store_create(unsigned int max_vcs)
{
	struct vc_store *s = calloc(1, sizeof(*s));
	unsigned int i;

	if (s == NULL)
		return NULL;
	s->max_vcs = max_vcs;
	s->n_fps = vc_table_size(max_vcs);
	s->slots = calloc(max_vcs, sizeof(*s->slots));
	s->free_slots = malloc(max_vcs * sizeof(*s->free_slots));
	s->fps = rte_zmalloc("vc_fp", (size_t)s->n_fps * sizeof(*s->fps), RTE_CACHE_LINE_SIZE);
	s->free_fps = malloc(s->n_fps * sizeof(*s->free_fps));
	s->sid_map = vc_map_create("vc_sid_map", vc_table_size(max_vcs));
	s->ac_map = vc_map_create("vc_ac_map", vc_table_size(max_vcs));
	if (s->slots == NULL || s->free_slots == NULL || s->fps == NULL || s->free_fps == NULL ||
	    s->sid_map == NULL || s->ac_map == NULL) {
		DP_LOG(ERR, "VC store for %u VCs: out of memory", max_vcs);
		vc_store_destroy(s);
		return NULL;
	}
	/* Stacks, so that slot 0 and record 0 are handed out first. */
	for (i = 0; i < max_vcs; i++)
		s->free_slots[i] = max_vcs - 1 - i;
	s->n_free_slots = max_vcs;
	for (i = 0; i < s->n_fps; i++)
		s->free_fps[i] = s->n_fps - 1 - i;
	s->n_free_fps = s->n_fps;
	/* Under ASan, a worker touching a record it should no longer see
	 * is reported at once. */
	ASAN_POISON_MEMORY_REGION(s->fps, (size_t)s->n_fps * sizeof(*s->fps));
	TAILQ_INIT(&s->retiring);
	TAILQ_INIT(&s->ready);
	return s;
}

void
vc_store_destroy(struct vc_store *s)
{
	struct vc_retire *r;

	if (s == NULL)
		return;
	while ((r = TAILQ_FIRST(&s->retiring)) != NULL) {
		TAILQ_REMOVE(&s->retiring, r, link);
		free(r);
	}
	while ((r = TAILQ_FIRST(&s->ready)) != NULL) {
		TAILQ_REMOVE(&s->ready, r, link);
		free(r);
	}
	if (s->fps != NULL)
		ASAN_UNPOISON_MEMORY_REGION(s->fps, (size_t)s->n_fps * sizeof(*s->fps));
	rte_hash_free(s->sid_map);
	rte_hash_free(s->ac_map);
	rte_free(s->fps);
	free(s->free_fps);
	free(s->free_slots);
	free(s->slots);
	free(s);
}

static struct vc_fp *
fp_alloc(struct vc_store *s)
{
	struct vc_fp *fp;

	if (s->n_free_fps == 0)
		return NULL;
	fp = &s->fps[s->free_fps[--s->n_free_fps]];
	ASAN_UNPOISON_MEMORY_REGION(fp, sizeof(*fp));
	return fp;
}

static void
fp_free(struct vc_store *s, struct vc_fp *fp)
{
	memset(fp, 0x5a, sizeof(*fp));
	ASAN_POISON_MEMORY_REGION(fp, sizeof(*fp));
	s->free_fps[s->n_free_fps++] = (uint32_t)(fp - s->fps);
}

static void
wstate_poison(struct dp *dp, uint32_t index, bool poison)
{
	unsigned int w;

	for (w = 0; w < dp->n_workers; w++) {
		struct vc_wstate *ws = &dp->workers[w]->vcs[index];

		if (poison)
			ASAN_POISON_MEMORY_REGION(ws, sizeof(*ws));
		else
			ASAN_UNPOISON_MEMORY_REGION(ws, sizeof(*ws));
	}
}

/* A new contract generation, never 0 (0 means no contract). */
static uint32_t
vc_meter_gen(void)
{
	static uint32_t gen;

	if (++gen == 0)
		gen = 1;
	return gen;
}

static int
vc_meter_build(struct rte_meter_trtcm_profile *prof, uint32_t *gen, const struct dp_meter *m)
{
	struct rte_meter_trtcm_params tp = {
		.cir = m->rate,
		.pir = m->peak != 0 ? m->peak : m->rate,
		.cbs = m->bucket,
		.pbs = m->peak_bucket != 0 ? m->peak_bucket : m->bucket,
	};

	if (m->rate == 0)
		return 0;
	if (rte_meter_trtcm_profile_config(prof, &tp) != 0)
		return -EINVAL;
	*gen = vc_meter_gen();
	return 0;
}

size_t
vc_hdr_build(struct vc_fp *fp, const struct dp_port *net, enum l2tp_encap encap,
	     const struct vcs_addr *local, const struct vcs_addr *remote, uint16_t udp_local_port,
	     uint16_t udp_remote_port, bool udp_csum)
{
	uint8_t *h = fp->hdr;
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)h;
	uint8_t *l3 = h + RTE_ETHER_HDR_LEN;
	uint8_t proto = encap == L2TP_ENCAP_UDP ? IPPROTO_UDP : L2TP_IPPROTO;
	struct rte_udp_hdr *udp;

	memset(fp, 0, sizeof(*fp));
	rte_ether_addr_copy(&net->mac, &eth->src_addr);
	if (local->family == AF_INET6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)l3;

		fp->flags |= VC_F_IPV6;
		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
		ip6->vtc_flow = RTE_BE32(6u << 28);
		ip6->proto = proto;
		ip6->hop_limits = 64;
		memcpy(ip6->src_addr, local->v6, 16);
		memcpy(ip6->dst_addr, remote->v6, 16);
		fp->l4_off = sizeof(*ip6);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;

		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		/* Atomic datagrams (DF set) may carry any ID (RFC 6864). */
		ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = proto;
		ip->src_addr = local->v4;
		ip->dst_addr = remote->v4;
		fp->ip_sum = rte_raw_cksum(ip, sizeof(*ip));
		fp->l4_off = sizeof(*ip);
	}
	if (net->csum_offload)
		fp->flags |= VC_F_CSUM_OFFLOAD;
	if (encap != L2TP_ENCAP_UDP)
		return RTE_ETHER_HDR_LEN + fp->l4_off;
	udp = (struct rte_udp_hdr *)(l3 + fp->l4_off);
	fp->flags |= VC_F_UDP;
	/* IPv6 has no "no checksum" (RFC 8200 §8.1) */
	if (udp_csum || local->family == AF_INET6)
		fp->flags |= VC_F_UDP_CSUM;
	udp->src_port = rte_cpu_to_be_16(udp_local_port);
	udp->dst_port = rte_cpu_to_be_16(udp_remote_port);
	return RTE_ETHER_HDR_LEN + fp->l4_off + sizeof(*udp);
}

int
vc_hdr_set_len(struct vc_fp *fp, const struct dp_port *net, size_t len)
{
	fp->hdr_len = (uint8_t)len;
	if (net->mtu < len)
		return -EINVAL;
	fp->max_frame = (uint16_t)(net->mtu - (len - RTE_ETHER_HDR_LEN));
	return 0;
}

/* Appends one tag (TPID, VID) to what decap inserts. */
static void
vc_fp_push_tag(struct vc_fp *fp, rte_be16_t tpid, uint16_t vid)
{
	rte_be16_t tci = rte_cpu_to_be_16(vid);

	memcpy(fp->ac_tags + fp->ac_push, &tpid, 2);
	memcpy(fp->ac_tags + fp->ac_push + 2, &tci, 2);
	fp->ac_push += 4;
}

/*
 * What happens to the circuit's tags. PW type Ethernet: every tag of
 * the circuit's key is removed on encap and put back on decap. Ethernet
 * VLAN: the innermost one is carried, its VID set to the circuit's on
 * decap (RFC 4448 §4.4.1); an S-tag in front of it is removed and put
 * back.
 */
static void
vc_fp_tags(struct vc_fp *fp, const struct dp_vc_params *p, const struct dp_port *ac)
{
	bool carry = p->pw_type == L2TP_PW_ETH_VLAN;

	if (p->ac_vlan == 0)
		return;
	if (p->ac_inner_vlan == 0) {
		if (carry) {
			fp->flags |= VC_F_VLAN_REWRITE;
			fp->ac_vlan_tci = rte_cpu_to_be_16(p->ac_vlan);
			return;
		}
		vc_fp_push_tag(fp, RTE_BE16(RTE_ETHER_TYPE_VLAN), p->ac_vlan);
	} else {
		vc_fp_push_tag(fp, ac->qinq_tpid, p->ac_vlan);
		if (carry) {
			fp->flags |= VC_F_VLAN_REWRITE;
			fp->ac_vlan_tci = rte_cpu_to_be_16(p->ac_inner_vlan);
		} else {
			vc_fp_push_tag(fp, RTE_BE16(RTE_ETHER_TYPE_VLAN), p->ac_inner_vlan);
		}
	}
	fp->ac_strip = fp->ac_push;
}

int
vc_fp_build(struct vc_fp *fp, uint32_t index, const struct dp_vc_params *p,
	    const struct dp_port *ac, const struct dp_port *net, struct neigh *nh)
{
	uint8_t *h = fp->hdr;
	size_t off;
	rte_be32_t sid;

	off = vc_hdr_build(fp, net, p->encap, &p->local, &p->remote, p->udp_local_port,
			   p->udp_remote_port, p->udp_checksum);
	fp->index = index;
	fp->ac_port_id = ac->id;
	fp->net_port_id = net->id;
	fp->ac_port = ac->index;
	fp->net_port = net->index;
	fp->nh = nh;
	if (p->remote.family == AF_INET6)
		memcpy(fp->remote_v6, p->remote.v6, 16);
	else
		fp->remote_v4 = p->remote.v4;
	if (p->encap == L2TP_ENCAP_UDP) {
		static const uint8_t data_hdr[L2TP_UDP_DATA_HDR] = {0x00, L2TP_VERSION, 0, 0};

		fp->udp_local_port = rte_cpu_to_be_16(p->udp_local_port);
		fp->udp_remote_port = rte_cpu_to_be_16(p->udp_remote_port);
		memcpy(h + off, data_hdr, sizeof(data_hdr));
		off += sizeof(data_hdr);
	}
	sid = rte_cpu_to_be_32(p->remote_session_id);
	memcpy(h + off, &sid, sizeof(sid));
	off += sizeof(sid);
	memcpy(h + off, p->remote_cookie, p->remote_cookie_len);
	off += p->remote_cookie_len;
	if (p->l2ss_send == L2TP_L2SS_DEFAULT) {
		fp->flags |= VC_F_L2SS;
		fp->l2ss_off = (uint8_t)off;
		off += L2TP_L2SS_LEN; /* S=0, sequence 0 unless sequencing */
		if (p->seq_send)
			fp->flags |= VC_F_SEQ_SEND;
	}
	if (p->l2ss_recv == L2TP_L2SS_DEFAULT) {
		fp->rx_l2ss_len = L2TP_L2SS_LEN;
		if (p->seq_recv)
			fp->flags |= VC_F_SEQ_RECV;
	}
	/* the header (less its Ethernet part) and an inner Ethernet header */
	if (vc_hdr_set_len(fp, net, off) < 0)
		return -EINVAL;

	fp->rx_cookie_len = p->local_cookie_len;
	memcpy(fp->rx_cookie, p->local_cookie, p->local_cookie_len);
	fp->seq_window = VC_SEQ_WINDOW;
	fp->seq_resync = VC_SEQ_RESYNC;
	vc_fp_tags(fp, p, ac);
	if (p->remote_down)
		fp->flags |= VC_F_REMOTE_DOWN;
	if (vc_meter_build(&fp->enc_meter, &fp->enc_meter_gen, &p->enc_meter) < 0 ||
	    vc_meter_build(&fp->dec_meter, &fp->dec_meter_gen, &p->dec_meter) < 0)
		return -EINVAL;
	return 0;
}

static bool
vc_params_valid(const struct dp *dp, const struct dp_vc_params *p)
{
	if (p->ac_port >= dp->n_ports || dp->ports[p->ac_port].network || p->ac_vlan > 4094 ||
	    p->ac_inner_vlan > 4094 || (p->ac_inner_vlan != 0 && p->ac_vlan == 0))
		return false;
	if (p->pw_type != L2TP_PW_ETH && p->pw_type != L2TP_PW_ETH_VLAN)
		return false;
	if (p->encap == L2TP_ENCAP_UDP) {
		if (p->udp_local_port == 0 || p->udp_remote_port == 0)
			return false;
	} else if (p->encap != L2TP_ENCAP_IP) {
		return false;
	}
	if (!addr_is_set(&p->local) || p->local.family != p->remote.family ||
	    addr_equal(&p->local, &p->remote))
		return false;
	if (p->local_session_id == 0 || p->remote_session_id == 0)
		return false;
	if ((p->local_cookie_len != 0 && p->local_cookie_len != 4 && p->local_cookie_len != 8) ||
	    (p->remote_cookie_len != 0 && p->remote_cookie_len != 4 && p->remote_cookie_len != 8))
		return false;
	if ((p->l2ss_send != L2TP_L2SS_NONE && p->l2ss_send != L2TP_L2SS_DEFAULT) ||
	    (p->l2ss_recv != L2TP_L2SS_NONE && p->l2ss_recv != L2TP_L2SS_DEFAULT))
		return false;
	/* sequence numbers travel in the sublayer */
	if ((p->seq_send && p->l2ss_send != L2TP_L2SS_DEFAULT) ||
	    (p->seq_recv && p->l2ss_recv != L2TP_L2SS_DEFAULT))
		return false;
	/* sequence numbers need one writer: one worker receives the AC */
	return !p->seq_send || __builtin_popcountll(dp->port_workers[p->ac_port]) <= 1;
}

/* Publish fp under the VC's keys in every worker that can receive it.
 * On an active VC the keys exist and only their data changes. */
static int
vc_publish(struct dp *dp, struct dp_vc *vc, struct vc_fp *fp)
{
	uint32_t sid = vc->p.local_session_id;
	unsigned int w;
	int rc;

	for (w = 0; w < dp->n_workers; w++) {
		struct worker *wk = dp->workers[w];

		if (dp->port_workers[vc->p.ac_port] & UINT64_C(1) << w) {
			rc = ac_tbl_set(wk->ac_tbl, (uint8_t)vc->p.ac_port, vc->p.ac_vlan,
					vc->p.ac_inner_vlan, fp);
			if (rc < 0)
				return rc;
		}
		if (dp->port_workers[vc->net_port] & UINT64_C(1) << w) {
			rc = rte_hash_add_key_data(wk->net_tbl, &sid, fp);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Unlink the VC's keys from every worker table and queue fp for freeing
 * after a grace period; vc (may be NULL) completes then. */
static int
vc_unpublish(struct dp *dp, struct dp_vc *vc, struct vc_fp *fp, struct dp_vc *done_vc)
{
	struct vc_store *s = dp->vcs;
	uint32_t sid = vc->p.local_session_id;
	uint64_t mask = dp->port_workers[vc->net_port];
	struct vc_retire *r;
	unsigned int w;
	int32_t pos;

	r = malloc(sizeof(*r) + (size_t)__builtin_popcountll(mask) * sizeof(r->pos[0]));
	if (r == NULL)
		return -ENOMEM;
	r->n_pos = 0;
	for (w = 0; w < dp->n_workers; w++) {
		struct worker *wk = dp->workers[w];

		if (dp->port_workers[vc->p.ac_port] & UINT64_C(1) << w)
			ac_tbl_clear(wk->ac_tbl, (uint8_t)vc->p.ac_port, vc->p.ac_vlan,
				     vc->p.ac_inner_vlan);
		if (dp->port_workers[vc->net_port] & UINT64_C(1) << w) {
			pos = rte_hash_del_key(wk->net_tbl, &sid);
			if (pos >= 0) {
				r->pos[r->n_pos].h = wk->net_tbl;
				r->pos[r->n_pos++].pos = pos;
			}
		}
	}
	r->fp = fp;
	r->vc = done_vc;
	r->token = rte_rcu_qsbr_start(dp->qsv);
	TAILQ_INSERT_TAIL(&s->retiring, r, link);
	s->n_retiring++;
	return 0;
}

/* A record replaced by a newer one: keys stay, only fp goes. */
static int
vc_retire_fp(struct dp *dp, struct vc_fp *fp)
{
	struct vc_store *s = dp->vcs;
	struct vc_retire *r = malloc(sizeof(*r));

	if (r == NULL)
		return -ENOMEM;
	r->n_pos = 0;
	r->fp = fp;
	r->vc = NULL;
	r->token = rte_rcu_qsbr_start(dp->qsv);
	TAILQ_INSERT_TAIL(&s->retiring, r, link);
	s->n_retiring++;
	return 0;
}

static void
vc_stats_add(struct dp_vc_stats *to, const struct dp_vc_stats *from)
{
	unsigned int i;

	to->enc_pkts += from->enc_pkts;
	to->enc_bytes += from->enc_bytes;
	to->dec_pkts += from->dec_pkts;
	to->dec_bytes += from->dec_bytes;
	for (i = 0; i < DP_ENC_DROP_MAX; i++)
		to->enc_drops[i] += from->enc_drops[i];
	for (i = 0; i < DP_DEC_DROP_MAX; i++)
		to->dec_drops[i] += from->dec_drops[i];
}

/* Fold the finished call's counters into the totals, then start the
 * per-worker state afresh. Only for a VC no worker can reach. */
static void
vc_state_reset(struct dp *dp, struct dp_vc *vc)
{
	struct dp_vc_stats st;
	unsigned int w;

	dp_vc_get_stats(vc, &st);
	vc_stats_add(&dp->vcs->retired, &st);
	for (w = 0; w < dp->n_workers; w++) {
		memset(&dp->workers[w]->vcs[vc->index], 0, sizeof(struct vc_wstate));
		dp->workers[w]->ctrl_dropped[vc->index] = 0;
	}
	vc->ctrl_no_route = vc->ctrl_tx_full = 0;
}

/* Install a VC that no table holds yet. Returns -EEXIST with fp still
 * the caller's, or 0 / -ENOSPC with fp taken over: a failed publication
 * is unlinked through a grace period, since readers may have seen part
 * of it, and fp is freed then. */
static int
vc_activate_fresh(struct dp *dp, struct dp_vc *vc, const struct dp_vc_params *p, uint8_t net_port,
		  struct vc_fp *fp)
{
	struct vc_store *s = dp->vcs;
	uint32_t ac_key = vc_ac_key(p->ac_port, p->ac_vlan, p->ac_inner_vlan);
	uint32_t sid = p->local_session_id;

	if (rte_hash_lookup(s->sid_map, &sid) >= 0 || rte_hash_lookup(s->ac_map, &ac_key) >= 0)
		return -EEXIST;
	vc_state_reset(dp, vc);
	vc->p = *p;
	vc->net_port = net_port;
	if (vc_publish(dp, vc, fp) < 0) {
		if (vc_unpublish(dp, vc, fp, NULL) < 0)
			DP_LOG(CRIT, "VC %s: cannot roll back a failed activation", vc->name);
		return -ENOSPC;
	}
	rte_hash_add_key_data(s->sid_map, &sid, vc);
	rte_hash_add_key_data(s->ac_map, &ac_key, vc);
	if (p->encap == L2TP_ENCAP_UDP)
		dp_udp_port_ref(dp, p->udp_local_port);
	vc->fp = fp;
	vc->state = VC_ACTIVE;
	return 0;
}

/* Same keys, new record: each add replaces the data with one atomic
 * store and cannot fail; the old record goes after a grace period. */
static void
vc_reactivate(struct dp *dp, struct dp_vc *vc, const struct dp_vc_params *p, struct vc_fp *fp)
{
	struct vc_fp *old = vc->fp;

	/* An unchanged contract keeps its generation: the workers' meters
	 * carry on instead of starting with full buckets. */
	if (memcmp(&p->enc_meter, &vc->p.enc_meter, sizeof(p->enc_meter)) == 0)
		fp->enc_meter_gen = old->enc_meter_gen;
	if (memcmp(&p->dec_meter, &vc->p.dec_meter, sizeof(p->dec_meter)) == 0)
		fp->dec_meter_gen = old->dec_meter_gen;
	/* Packets held for a next hop the VC no longer uses go no further. */
	if (fp->nh != old->nh)
		neigh_purge_vc(dp->ports[vc->net_port].neigh, (struct neigh *)old->nh, vc->index);
	if (p->encap == L2TP_ENCAP_UDP)
		dp_udp_port_ref(dp, p->udp_local_port);
	if (vc->p.encap == L2TP_ENCAP_UDP)
		dp_udp_port_unref(dp, vc->p.udp_local_port);
	vc->p = *p;
	if (vc_publish(dp, vc, fp) != 0)
		DP_LOG(CRIT, "VC %s: replacing existing keys failed", vc->name);
	vc->fp = fp;
	if (vc_retire_fp(dp, old) < 0)
		DP_LOG(CRIT, "VC %s: old record leaked", vc->name);
}

/*
 * Each worker meters what it receives of a direction on its own, so a
 * contract is split evenly between the workers that poll the direction's
 * ingress port (RSS spreads flows over them).
 */
static void
vc_meters_per_worker(const struct dp *dp, const struct dp_vc_params *p, uint8_t net_port,
		     struct dp_vc_params *out)
{
	unsigned int enc = __builtin_popcountll(dp->port_workers[p->ac_port]);
	unsigned int dec = __builtin_popcountll(dp->port_workers[net_port]);

	*out = *p;
	if (enc > 1) {
		out->enc_meter.rate /= enc;
		out->enc_meter.peak /= enc;
	}
	if (dec > 1) {
		out->dec_meter.rate /= dec;
		out->dec_meter.peak /= dec;
	}
}

int
dp_vc_activate(struct dp_vc *vc, const struct dp_vc_params *p)
{
	struct dp *dp = vc->dp;
	struct vc_store *s = dp->vcs;
	struct dp_vc_params per_worker;
	struct vcs_addr nh_addr;
	struct vc_fp *fp;
	struct neigh *nh;
	uint8_t net_port;
	int rc;

	if (vc->state == VC_DEACTIVATING)
		return -EBUSY;
	if (vc->state == VC_FREE || !vc_params_valid(dp, p))
		return -EINVAL;
	/* dp.h promises -ENETUNREACH whichever way the route fails */
	if (dp_route(dp, &p->local, &p->remote, &net_port, &nh_addr) < 0)
		return -ENETUNREACH;
	if (vc->state == VC_ACTIVE &&
	    (p->ac_port != vc->p.ac_port || p->ac_vlan != vc->p.ac_vlan ||
	     p->ac_inner_vlan != vc->p.ac_inner_vlan ||
	     p->local_session_id != vc->p.local_session_id || net_port != vc->net_port))
		return -EINVAL;
	nh = neigh_get(dp->ports[net_port].neigh, &nh_addr);
	if (nh == NULL)
		return -ENOMEM;
	fp = fp_alloc(s);
	if (fp == NULL) {
		neigh_put(dp->ports[net_port].neigh, nh);
		return -ENOSPC;
	}
	vc_meters_per_worker(dp, p, net_port, &per_worker);
	rc = vc_fp_build(fp, vc->index, &per_worker, &dp->ports[p->ac_port], &dp->ports[net_port],
			 nh);
	if (rc == 0) {
		fp->seq_window = dp->seq_window;
		fp->seq_resync = dp->seq_resync;
		if (vc->state == VC_ACTIVE) {
			vc_reactivate(dp, vc, p, fp);
			return 0;
		}
		rc = vc_activate_fresh(dp, vc, p, net_port, fp);
		if (rc != -EEXIST)
			return rc;
	}
	neigh_put(dp->ports[net_port].neigh, nh);
	fp_free(s, fp);
	return rc;
}

int
dp_vc_deactivate(struct dp_vc *vc, dp_vc_done_fn done, void *arg)
{
	struct dp *dp = vc->dp;
	struct vc_store *s = dp->vcs;
	uint32_t ac_key = vc_ac_key(vc->p.ac_port, vc->p.ac_vlan, vc->p.ac_inner_vlan);
	uint32_t sid = vc->p.local_session_id;
	int rc;

	if (vc->state == VC_DEACTIVATING)
		return -EBUSY;
	if (vc->state != VC_ACTIVE)
		return -EALREADY;
	rc = vc_unpublish(dp, vc, vc->fp, vc);
	if (rc < 0)
		return rc;
	rte_hash_del_key(s->sid_map, &sid);
	rte_hash_del_key(s->ac_map, &ac_key);
	if (vc->p.encap == L2TP_ENCAP_UDP)
		dp_udp_port_unref(dp, vc->p.udp_local_port);
	neigh_purge_vc(dp->ports[vc->net_port].neigh, (struct neigh *)vc->fp->nh, vc->index);
	vc->fp = NULL;
	vc->state = VC_DEACTIVATING;
	vc->done = done;
	vc->done_arg = arg;
	return 1;
}

void
vc_reclaim_collect(struct dp *dp)
{
	struct vc_store *s = dp->vcs;
	struct vc_retire *r;

	while ((r = TAILQ_FIRST(&s->retiring)) != NULL &&
	       rte_rcu_qsbr_check(dp->qsv, r->token, false) == 1) {
		TAILQ_REMOVE(&s->retiring, r, link);
		TAILQ_INSERT_TAIL(&s->ready, r, link);
	}
}

void
vc_reclaim_finish(struct dp *dp)
{
	struct vc_store *s = dp->vcs;
	struct vc_retire *r;
	struct dp_vc *vc;
	unsigned int i;

	while ((r = TAILQ_FIRST(&s->ready)) != NULL) {
		TAILQ_REMOVE(&s->ready, r, link);
		s->n_retiring--;
		for (i = 0; i < r->n_pos; i++)
			rte_hash_free_key_with_position(r->pos[i].h, r->pos[i].pos);
		neigh_put(dp->ports[r->fp->net_port].neigh, (struct neigh *)r->fp->nh);
		fp_free(s, r->fp);
		vc = r->vc;
		free(r);
		/* vc is NULL for a replaced record or a failed activation */
		if (vc != NULL) {
			vc->state = VC_INACTIVE;
			if (vc->done != NULL)
				vc->done(vc, vc->done_arg);
		}
	}
}

struct dp_vc *
dp_vc_create(struct dp *dp, const char *name)
{
	struct vc_store *s = dp->vcs;
	struct dp_vc *vc;
	uint32_t index;

	if (s->n_free_slots == 0) {
		rte_errno = ENOSPC;
		return NULL;
	}
	index = s->free_slots[--s->n_free_slots];
	vc = &s->slots[index];
	memset(vc, 0, sizeof(*vc));
	vc->dp = dp;
	vc->index = index;
	vc->state = VC_INACTIVE;
	snprintf(vc->name, sizeof(vc->name), "%s", name);
	wstate_poison(dp, index, false);
	s->n_vcs++;
	return vc;
}

int
dp_vc_delete(struct dp_vc *vc)
{
	struct dp *dp = vc->dp;
	struct vc_store *s = dp->vcs;

	if (vc->state != VC_INACTIVE)
		return -EBUSY;
	vc_state_reset(dp, vc);
	wstate_poison(dp, vc->index, true);
	vc->state = VC_FREE;
	s->free_slots[s->n_free_slots++] = vc->index;
	s->n_vcs--;
	return 0;
}

bool
dp_vc_is_active(const struct dp_vc *vc)
{
	return vc->state == VC_ACTIVE;
}

const char *
dp_vc_name(const struct dp_vc *vc)
{
	return vc->name;
}

void
dp_vc_set_name(struct dp_vc *vc, const char *name)
{
	snprintf(vc->name, sizeof(vc->name), "%s", name);
}

const struct dp_vc_params *
dp_vc_get_params(const struct dp_vc *vc)
{
	return &vc->p;
}

void
dp_vc_get_stats(const struct dp_vc *vc, struct dp_vc_stats *st)
{
	const struct dp *dp = vc->dp;
	unsigned int w, i;

	memset(st, 0, sizeof(*st));
	for (w = 0; w < dp->n_workers; w++) {
		const struct vc_wstate *ws = &dp->workers[w]->vcs[vc->index];

		st->enc_pkts += vc_ctr_read(&ws->enc.pkts);
		st->enc_bytes += vc_ctr_read(&ws->enc.bytes);
		st->dec_pkts += vc_ctr_read(&ws->dec.pkts);
		st->dec_bytes += vc_ctr_read(&ws->dec.bytes);
		for (i = 0; i < DP_ENC_DROP_MAX; i++)
			st->enc_drops[i] += vc_ctr_read(&ws->enc_drops[i]);
		for (i = 0; i < DP_DEC_DROP_MAX; i++)
			st->dec_drops[i] += vc_ctr_read(&ws->dec_drops[i]);
	}
	st->enc_drops[DP_ENC_DROP_NO_ROUTE] += vc->ctrl_no_route;
	st->enc_drops[DP_ENC_DROP_TX_FULL] += vc->ctrl_tx_full;
}

struct dp_vc *
dp_vc_next(struct dp *dp, struct dp_vc *prev)
{
	struct vc_store *s = dp->vcs;
	uint32_t i = prev == NULL ? 0 : prev->index + 1;

	for (; i < s->max_vcs; i++)
		if (s->slots[i].state != VC_FREE)
			return &s->slots[i];
	return NULL;
}

unsigned int
dp_vc_count(const struct dp *dp)
{
	return dp->vcs->n_vcs;
}

unsigned int
dp_vc_retiring(const struct dp *dp)
{
	return dp->vcs->n_retiring;
}

struct dp_vc *
vc_active_by_index(struct dp *dp, uint32_t index)
{
	struct vc_store *s = dp->vcs;

	if (index >= s->max_vcs || s->slots[index].state != VC_ACTIVE)
		return NULL;
	return &s->slots[index];
}

struct neigh *
vc_next_hop(const struct dp_vc *vc)
{
	return vc->fp == NULL ? NULL : (struct neigh *)vc->fp->nh;
}

void
vc_held_dropped(struct dp *dp, uint8_t worker, uint32_t index, enum vc_held_drop why)
{
	struct vc_store *s = dp->vcs;
	struct worker *w;
	struct dp_vc *vc;

	if (index >= s->max_vcs || worker >= dp->n_workers)
		return;
	vc = &s->slots[index];
	if (vc->state != VC_FREE) {
		if (why == VC_HELD_TX_FULL)
			vc->ctrl_tx_full++;
		else
			vc->ctrl_no_route++;
	}
	w = dp->workers[worker];
	__atomic_store_n(&w->ctrl_dropped[index], w->ctrl_dropped[index] + 1, __ATOMIC_RELEASE);
}

void
dp_get_stats(const struct dp *dp, struct dp_stats *st)
{
	struct dp_vc_stats sum = dp->vcs->retired, one;
	const struct dp_vc *vc;
	unsigned int w, i;

	memset(st, 0, sizeof(*st));
	for (w = 0; w < dp->n_workers; w++) {
		const struct worker_stats *ws = &dp->workers[w]->st;

		st->rx_pkts += vc_ctr_read(&ws->rx_pkts);
		st->punted += vc_ctr_read(&ws->punted);
		st->polls += vc_ctr_read(&ws->polls);
		st->idle_sleeps += vc_ctr_read(&ws->idle_sleeps);
		for (i = 0; i < DP_DROP_MAX; i++)
			st->drops[i] += vc_ctr_read(&ws->drops[i]);
	}
	for (vc = dp_vc_next((struct dp *)dp, NULL); vc != NULL;
	     vc = dp_vc_next((struct dp *)dp, (struct dp_vc *)vc)) {
		dp_vc_get_stats(vc, &one);
		vc_stats_add(&sum, &one);
	}
	st->enc_pkts = sum.enc_pkts;
	st->dec_pkts = sum.dec_pkts;
	memcpy(st->enc_drops, sum.enc_drops, sizeof(st->enc_drops));
	memcpy(st->dec_drops, sum.dec_drops, sizeof(st->dec_drops));
}
