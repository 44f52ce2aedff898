/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

int
addr_parse(const char *s, struct vcs_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

int
addr_prefix_parse(const char *s, struct vcs_prefix *p)
{
	char buf[ADDR_STR_MAX];
	const char *slash = strchr(s, '/');
	char *end;
	long len;
	size_t n;

	if (slash == NULL)
		return -1;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (addr_parse(buf, &p->addr) < 0)
		return -1;
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	len = strtol(slash + 1, &end, 10);
	if (*end != '\0' || len < 0 || len > (p->addr.family == AF_INET ? 32 : 128))
		return -1;
	p->len = (uint8_t)len;
	return 0;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
addr_mac_parse(const char *s, uint8_t mac[6])
{
	int i, hi, lo;

	if (strlen(s) != 17)
		return -1;
	for (i = 0; i < 6; i++, s += 3) {
		hi = hex_digit(s[0]);
		lo = hex_digit(s[1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[2] != ':'))
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

const char *
addr_format(const struct vcs_addr *a, char *buf, size_t len)
{
	if (a->family == 0 || inet_ntop(a->family, &a->v4, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "-");
	return buf;
}

bool
addr_equal(const struct vcs_addr *a, const struct vcs_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4 == b->v4;
	return memcmp(a->v6, b->v6, 16) == 0;
}

bool
addr_in_prefix(const struct vcs_addr *a, const struct vcs_prefix *p)
{
	const uint8_t *x, *y;
	unsigned int full, rest;

	if (a->family != p->addr.family)
		return false;
	x = a->family == AF_INET ? (const uint8_t *)&a->v4 : a->v6;
	y = a->family == AF_INET ? (const uint8_t *)&p->addr.v4 : p->addr.v6;
	full = p->len / 8;
	rest = p->len % 8;
	if (memcmp(x, y, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((x[full] ^ y[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}
