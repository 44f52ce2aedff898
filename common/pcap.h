/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classic pcap files with the Ethernet link type, as tshark, net_pcap and
 * pktgen read them: the L2TPv3 control trace and the pktgen kit's
 * traffic files write them.
 */
#ifndef VCS_PCAP_H
#define VCS_PCAP_H

#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

/* Creates (truncates) path and writes the file header. NULL with errno
 * on failure. */
FILE *pcap_file_create(const char *path);

/* Appends one frame of len bytes, stamped tv. 0, or -1 with errno. */
int pcap_file_write(FILE *f, const void *frame, uint32_t len, const struct timeval *tv);

#endif
