/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * L2TPv3 (RFC 3931) wire facts shared by the data plane and the control
 * plane: header layouts, protocol numbers and the enumerations that
 * describe a pseudowire. No code lives here.
 */
#ifndef VCS_L2TP_H
#define VCS_L2TP_H

#include <stdint.h>

#define L2TP_IPPROTO	  115  /* L2TPv3 over IP (§4.1.1) */
#define L2TP_UDP_PORT	  1701 /* §4.1.2 */
#define L2TP_VERSION	  3
#define L2TP_COOKIE_MAX	  8
#define L2TP_L2SS_LEN	  4
#define L2TP_SEQ_MASK	  0x00ffffffu /* default L2SS sequence numbers are 24 bits (§4.6) */
#define L2TP_L2SS_S_BIT	  0x40000000u /* in the host-order 32-bit L2SS word */
#define L2TP_UDP_DATA_HDR 4	      /* T=0, Ver=3, Reserved: 0x0003 0x0000 */

/* First 16 bits of an L2TPv3-over-UDP header, host order. */
#define L2TP_HDR_T_BIT	  0x8000
#define L2TP_HDR_VER_MASK 0x000f

/* Pseudowire types (IANA; RFC 4719). */
enum l2tp_pw_type {
	L2TP_PW_ETH_VLAN = 0x0004,
	L2TP_PW_ETH = 0x0005,
};

enum l2tp_encap {
	L2TP_ENCAP_IP,
	L2TP_ENCAP_UDP,
};

enum l2tp_l2ss {
	L2TP_L2SS_NONE = 0,
	L2TP_L2SS_DEFAULT = 1,
};

#endif
