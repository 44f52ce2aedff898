/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the classifier of network-port frames and the AC
 * VLAN lookup: any bytes as a received frame. No EAL is needed, both are
 * pure functions over a buffer. Besides crashes and undefined behaviour,
 * it catches a classification that pkt_decap() could not trust: a data
 * packet whose session ID is not where it says, or an end beyond the
 * frame.
 *
 * Seeds (corpus/pkt): vec-* are the hand-checked vectors of
 * tests/vectors/pkt_vectors.h as B receives them; the rest are crafted.
 * Third-party captures stay out of the repository.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

/* How far into the frame a first segment is cut short: past every byte
 * the classifier reads, at most 90 (IPv4 with 40 bytes of options, UDP,
 * L2TP data header, session ID). */
#define CUT_MAX 96

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t l2tp_ports[8192];
static const struct pkt_host host = {
	.mac = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}},
	.has_v4 = true,
	.has_v6 = true,
	.v4 = RTE_BE32(0xc0000202), /* 192.0.2.2 */
	.v6 = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x02},
	.udp_ports = l2tp_ports,
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	l2tp_ports[L2TP_UDP_PORT >> 3] |= 1u << (L2TP_UDP_PORT & 7);
	return 0;
}

/* The tags of an AC frame: the VIDs are 12-bit when it parses. */
static void
ac_tags(const uint8_t *p, uint32_t len)
{
	uint16_t vlan, inner;

	if (pkt_ac_tags(p, len, &vlan, &inner) == 0 && (vlan > 4095 || inner > 4095))
		abort();
}

static void
classify(const uint8_t *p, uint32_t avail, uint32_t len, bool verify_csum)
{
	enum dp_drop why = DP_DROP_MAX;
	struct pkt_net np;

	switch (pkt_classify_net(p, avail, len, verify_csum, &host, &np, &why)) {
	case PKT_DATA:
		/* pkt_decap() reads from sid_off on and trims to end */
		if (np.session_id == 0 || np.sid_off + 4u > avail || np.sid_off + 4u > np.end ||
		    np.end > len || pkt_load_be32(p + np.sid_off) != np.session_id)
			abort();
		break;
	case PKT_CTRL:
		/* the control thread reads from ctrl_off to end */
		if (np.ctrl_off > np.end || np.end > len)
			abort();
		break;
	case PKT_DROP:
		if (why >= DP_DROP_MAX)
			abort();
		return;
	case PKT_ARP:
	case PKT_ICMP:
	case PKT_ICMP6:
		break;
	default:
		abort();
	}
	/* a reason is given with a drop only */
	if (why != DP_DROP_MAX)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t avail, len = (uint32_t)size;
	uint8_t *seg;

	classify(data, len, len, true);
	classify(data, len, len, false);
	ac_tags(data, len);

	/*
	 * The same frame with its first segment cut short: only avail bytes
	 * are copied, into a buffer of that size, so that the sanitizer
	 * catches a read of a header beyond the first segment.
	 */
	for (avail = 1; avail < len && avail <= CUT_MAX; avail++) {
		seg = malloc(avail);
		if (seg == NULL)
			return 0;
		memcpy(seg, data, avail);
		classify(seg, avail, len, true);
		ac_tags(seg, avail);
		free(seg);
	}
	return 0;
}
