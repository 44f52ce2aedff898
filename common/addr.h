/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP addresses and prefixes as every layer sees them: configuration,
 * data plane and control plane share this one representation, so an
 * address parsed from the file is the address compared on the wire.
 */
#ifndef VCS_ADDR_H
#define VCS_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Big enough for a bracket-free IPv6 address plus "/128". */
#define ADDR_STR_MAX 48

struct vcs_addr {
	uint8_t family; /* AF_INET or AF_INET6; 0 when unset */
	union {
		uint32_t v4; /* network byte order */
		uint8_t v6[16];
	};
};

struct vcs_prefix {
	struct vcs_addr addr;
	uint8_t len;
};

/* Parse a dotted-quad or RFC 4291 text address. Returns 0 or -1. */
int addr_parse(const char *s, struct vcs_addr *a);

/* Parse "ADDR/LEN". Returns 0 or -1 (bad address or length). */
int addr_prefix_parse(const char *s, struct vcs_prefix *p);

/* Parse "aa:bb:cc:dd:ee:ff". Returns 0 or -1. */
int addr_mac_parse(const char *s, uint8_t mac[6]);

/* Format into buf (at least ADDR_STR_MAX bytes); returns buf. */
const char *addr_format(const struct vcs_addr *a, char *buf, size_t len);

bool addr_equal(const struct vcs_addr *a, const struct vcs_addr *b);

/* True if a lies inside prefix p (same family). */
bool addr_in_prefix(const struct vcs_addr *a, const struct vcs_prefix *p);

static inline bool
addr_is_set(const struct vcs_addr *a)
{
	return a->family != 0;
}

#endif
