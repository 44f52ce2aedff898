/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "cfg.h"
#include "clock.h"
#include "dp.h"
#include "l2tp_auth.h"
#include "l2tp_cm.h"
#include "l2tp_dp.h"
#include "log.h"
#include "pcap.h"

struct l2tp_dp {
	struct dp *dp;
	struct l2tp_cm *cm;
	FILE *trace;
};

/* ---- the trace ---- */

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len != 0)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* One control message as a frame: made-up MACs, real addresses, ports
 * and checksums, so that tshark decodes it as it was on the wire. */
static size_t
trace_frame(const struct dp_ctrl_msg *m, uint8_t *f, size_t cap)
{
	bool v6 = m->src.family == AF_INET6, udp = m->encap == L2TP_ENCAP_UDP;
	size_t l3 = v6 ? 40 : 20, l4 = udp ? 8 : 4, off = 14 + l3, len = l4 + m->len;
	uint32_t sum;

	if (14 + l3 + len > cap)
		return 0;
	memset(f, 0, 14 + l3 + l4);
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	put16(f + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		f[14] = 0x60;
		put16(f + 18, (uint16_t)len);
		f[20] = udp ? 17 : L2TP_IPPROTO;
		f[21] = 64;
		memcpy(f + 22, m->src.v6, 16);
		memcpy(f + 38, m->dst.v6, 16);
	} else {
		f[14] = 0x45;
		put16(f + 16, (uint16_t)(20 + len));
		f[20] = 0x40; /* DF */
		f[22] = 64;
		f[23] = udp ? 17 : L2TP_IPPROTO;
		memcpy(f + 26, &m->src.v4, 4);
		memcpy(f + 30, &m->dst.v4, 4);
		put16(f + 24, csum_fold(csum_add(0, f + 14, 20)));
	}
	memcpy(f + off + l4, m->data, m->len);
	if (udp) {
		put16(f + off, m->src_port);
		put16(f + off + 2, m->dst_port);
		put16(f + off + 4, (uint16_t)len);
		/* pseudo-header: addresses, protocol, length */
		sum = csum_add(0, v6 ? f + 22 : f + 26, v6 ? 32 : 8);
		sum += 17 + (uint32_t)len;
		sum = csum_add(sum, f + off, len);
		put16(f + off + 6, csum_fold(sum) == 0 ? 0xffff : csum_fold(sum));
	}
	return 14 + l3 + len;
}

static void
trace(struct l2tp_dp *l, const struct dp_ctrl_msg *m)
{
	uint8_t frame[14 + 40 + 8 + L2TP_CTRL_MAX_LEN];
	struct timeval tv;
	size_t len;

	if (l->trace == NULL)
		return;
	len = trace_frame(m, frame, sizeof(frame));
	if (len == 0)
		return;
	gettimeofday(&tv, NULL);
	if (pcap_file_write(l->trace, frame, (uint32_t)len, &tv) < 0 || fflush(l->trace) != 0) {
		CP_LOG(ERR, "l2tp: trace: %s: stopped", strerror(errno));
		fclose(l->trace);
		l->trace = NULL;
	}
}

static FILE *
trace_open(const char *path)
{
	FILE *f = pcap_file_create(path);

	if (f == NULL)
		CP_LOG(ERR, "l2tp: trace %s: %s", path, strerror(errno));
	return f;
}

/* ---- transport ---- */

static int
l2dp_send(void *arg, const struct l2tp_wire *w, const uint8_t *msg, size_t len)
{
	struct l2tp_dp *l = arg;
	struct dp_ctrl_msg m = {
		.encap = w->encap,
		.src = w->local,
		.dst = w->remote,
		.src_port = w->local_port,
		.dst_port = w->remote_port,
		.data = msg,
		.len = (uint32_t)len,
	};

	trace(l, &m);
	return dp_ctrl_send(l->dp, &m);
}

static void
l2dp_udp_port(void *arg, uint16_t port, bool ref)
{
	struct l2tp_dp *l = arg;

	if (ref)
		dp_udp_port_ref(l->dp, port);
	else
		dp_udp_port_unref(l->dp, port);
}

static bool
l2dp_link_up(void *arg, uint16_t port)
{
	return dp_port_link_up(((struct l2tp_dp *)arg)->dp, port);
}

/* What the peer sent, as seen from our end. */
static void
l2dp_input(void *arg, const struct dp_ctrl_msg *m)
{
	struct l2tp_dp *l = arg;
	struct l2tp_wire w = {
		.encap = m->encap,
		.local = m->dst,
		.remote = m->src,
		.local_port = m->dst_port,
		.remote_port = m->src_port,
	};

	trace(l, m);
	l2tp_cm_input(l->cm, &w, m->data, m->len, clock_ms());
}

struct l2tp_dp *
l2tp_dp_start(struct core *core, struct dp *dp, const struct cfg *c)
{
	struct l2tp_dp *l = calloc(1, sizeof(*l));
	struct l2tp_xport_ops x = {
		.arg = l,
		.send = l2dp_send,
		.udp_port = l2dp_udp_port,
		.random = l2tp_random,
		.link_up = l2dp_link_up,
	};

	if (l == NULL)
		return NULL;
	l->dp = dp;
	if (c->l2tp.trace[0] != '\0')
		l->trace = trace_open(c->l2tp.trace);
	l->cm = l2tp_cm_create(core, c, &x, clock_ms());
	if (l->cm == NULL) {
		CP_LOG(ERR, "l2tp: cannot start the call manager");
		l2tp_dp_stop(l);
		return NULL;
	}
	dp_set_ctrl_rx(dp, l2dp_input, l);
	l2tp_cm_telemetry_register(l->cm);
	return l;
}

struct l2tp_cm *
l2tp_dp_cm(const struct l2tp_dp *l)
{
	return l != NULL ? l->cm : NULL;
}

int
l2tp_dp_service(void *arg)
{
	return l2tp_cm_service(((struct l2tp_dp *)arg)->cm, clock_ms());
}

void
l2tp_dp_stop(struct l2tp_dp *l)
{
	if (l == NULL)
		return;
	if (l->cm != NULL) {
		dp_set_ctrl_rx(l->dp, NULL, NULL);
		l2tp_cm_telemetry_register(NULL);
		l2tp_cm_destroy(l->cm);
	}
	if (l->trace != NULL)
		fclose(l->trace);
	free(l);
}
