/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include "pcap.h"

#define PCAP_MAGIC    0xa1b2c3d4u /* microsecond stamps, in the writer's byte order */
#define PCAP_VERSION  (2 | 4u << 16)
#define PCAP_SNAPLEN  65535
#define PCAP_ETHERNET 1

FILE *
pcap_file_create(const char *path)
{
	const uint32_t hdr[6] = {PCAP_MAGIC, PCAP_VERSION, 0, 0, PCAP_SNAPLEN, PCAP_ETHERNET};
	FILE *f = fopen(path, "wb");
	int err;

	if (f == NULL)
		return NULL;
	if (fwrite(hdr, sizeof(hdr), 1, f) != 1) {
		err = errno;
		fclose(f);
		errno = err;
		return NULL;
	}
	return f;
}

int
pcap_file_write(FILE *f, const void *frame, uint32_t len, const struct timeval *tv)
{
	const uint32_t rec[4] = {(uint32_t)tv->tv_sec, (uint32_t)tv->tv_usec, len, len};

	if (len > PCAP_SNAPLEN) {
		errno = EMSGSIZE;
		return -1;
	}
	if (fwrite(rec, sizeof(rec), 1, f) != 1 || fwrite(frame, len, 1, f) != 1)
		return -1;
	return 0;
}
