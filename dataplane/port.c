/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "cfg.h"
#include "log.h"
#include "port.h"

/* The device name EAL gave the port: the devargs up to the first comma. */
static void
devargs_name(const char *devargs, char *name, size_t len)
{
	size_t n = strcspn(devargs, ",");

	if (n >= len)
		n = len - 1;
	memcpy(name, devargs, n);
	name[n] = '\0';
}

static void
port_addrs_from_cfg(struct dp_port *p, const struct cfg_port *cp)
{
	p->has_v4 = cp->ipv4.addr.family == AF_INET;
	if (p->has_v4) {
		p->v4 = cp->ipv4.addr.v4;
		p->v4_len = cp->ipv4.len;
		if (cp->ipv4_gateway.family == AF_INET)
			p->v4_gw = cp->ipv4_gateway.v4;
	}
	p->has_v6 = cp->ipv6.addr.family == AF_INET6;
	if (p->has_v6) {
		memcpy(p->v6, cp->ipv6.addr.v6, 16);
		p->v6_len = cp->ipv6.len;
		p->has_v6_gw = cp->ipv6_gateway.family == AF_INET6;
		if (p->has_v6_gw)
			memcpy(p->v6_gw, cp->ipv6_gateway.v6, 16);
	}
}

static int
port_configure(struct dp_port *p, const struct cfg_port *cp, const struct rte_eth_dev_info *info)
{
	struct rte_eth_conf conf;
	uint64_t want;
	int rc;

	memset(&conf, 0, sizeof(conf));
	if (p->n_rxq > 1) {
		conf.rx_adv_conf.rss_conf.rss_hf =
			info->flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP);
		if (conf.rx_adv_conf.rss_conf.rss_hf != 0)
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		else
			/* memif and the like: the peer picks the queue */
			DP_LOG(NOTICE,
			       "port %s: no RSS; each of its %u RX queues gets what the "
			       "peer sends to it",
			       p->name, p->n_rxq);
	}
	if (p->network) {
		want = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
		if ((info->tx_offload_capa & want) == want) {
			conf.txmode.offloads |= want;
			p->csum_offload = true;
		}
		/* what the NIC checks the worker need not sum in software */
		conf.rxmode.offloads |= info->rx_offload_capa & (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
								 RTE_ETH_RX_OFFLOAD_UDP_CKSUM);
	}
	if (info->tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	/* Link changes as events where the PMD raises them; dp polls the
	 * others. */
	p->lsc = info->dev_flags != NULL && (*info->dev_flags & RTE_ETH_DEV_INTR_LSC) != 0;
	conf.intr_conf.lsc = p->lsc;

	rc = rte_eth_dev_configure(p->id, p->n_rxq, p->n_txq, &conf);
	if (rc < 0) {
		DP_LOG(ERR, "port %s: configure %u RX / %u TX queues: %s", p->name, p->n_rxq,
		       p->n_txq, rte_strerror(-rc));
		return -1;
	}
	rc = rte_eth_dev_set_mtu(p->id, cp->mtu);
	if (rc == -ENOTSUP) {
		uint16_t cur = 0;

		rte_eth_dev_get_mtu(p->id, &cur);
		DP_LOG(NOTICE, "port %s: device cannot set MTU (%u); vcswitch enforces %u itself",
		       p->name, cur, cp->mtu);
	} else if (rc < 0) {
		DP_LOG(ERR, "port %s: set MTU %u: %s", p->name, cp->mtu, rte_strerror(-rc));
		return -1;
	}
	return 0;
}

static int
port_setup_queues(struct dp_port *p, const struct cfg_port *cp, const struct rte_eth_dev_info *info,
		  struct rte_mempool *mp)
{
	uint16_t nb_rxd = cp->rx_desc, nb_txd = cp->tx_desc;
	int socket = rte_eth_dev_socket_id(p->id);
	struct rte_eth_txconf txconf = info->default_txconf;
	uint16_t q;
	int rc;

	if (socket < 0)
		socket = SOCKET_ID_ANY;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->id, &nb_rxd, &nb_txd);
	if (rc < 0) {
		DP_LOG(ERR, "port %s: descriptors: %s", p->name, rte_strerror(-rc));
		return -1;
	}
	for (q = 0; q < p->n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(p->id, q, nb_rxd, socket, NULL, mp);
		if (rc < 0) {
			DP_LOG(ERR, "port %s: RX queue %u: %s", p->name, q, rte_strerror(-rc));
			return -1;
		}
	}
	txconf.offloads = 0;
	for (q = 0; q < p->n_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->id, q, nb_txd, socket, &txconf);
		if (rc < 0) {
			DP_LOG(ERR, "port %s: TX queue %u: %s", p->name, q, rte_strerror(-rc));
			return -1;
		}
	}
	return 0;
}

static int
port_set_mac(struct dp_port *p, const struct cfg_port *cp)
{
	int rc;

	if (cp->has_mac) {
		memcpy(p->mac.addr_bytes, cp->mac, RTE_ETHER_ADDR_LEN);
		rc = rte_eth_dev_default_mac_addr_set(p->id, &p->mac);
		if (rc == 0)
			return 0;
		if (rc != -ENOTSUP) {
			DP_LOG(ERR, "port %s: set MAC: %s", p->name, rte_strerror(-rc));
			return -1;
		}
		/* The device keeps its own address: hear everything and
		 * answer to the configured one in software. */
		rc = rte_eth_promiscuous_enable(p->id);
		if (rc < 0 && rc != -ENOTSUP) {
			DP_LOG(ERR, "port %s: cannot set the MAC nor go promiscuous: %s", p->name,
			       rte_strerror(-rc));
			return -1;
		}
		DP_LOG(NOTICE, "port %s: device cannot set its MAC; using it in software", p->name);
		return 0;
	}
	rc = rte_eth_macaddr_get(p->id, &p->mac);
	if (rc < 0) {
		DP_LOG(ERR, "port %s: read MAC: %s", p->name, rte_strerror(-rc));
		return -1;
	}
	return 0;
}

int
port_init(struct dp_port *p, uint8_t index, const struct cfg_port *cp, unsigned int n_workers,
	  struct rte_mempool *mp)
{
	struct rte_eth_dev_info info;
	char devname[RTE_DEV_NAME_MAX_LEN];
	int rc;

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", cp->name);
	p->index = index;
	p->network = cp->role == CFG_PORT_NETWORK;
	p->mtu = cp->mtu;
	p->qinq_tpid = rte_cpu_to_be_16(cp->qinq_tpid);
	p->n_rxq = cp->rx_queues;
	p->n_txq = (uint16_t)(n_workers + (p->network ? 1 : 0));
	p->ctrl_txq = (uint16_t)n_workers;
	port_addrs_from_cfg(p, cp);

	devargs_name(cp->devargs, devname, sizeof(devname));
	if (rte_eth_dev_get_port_by_name(devname, &p->id) != 0) {
		DP_LOG(ERR, "port %s: no device \"%s\" (for a PCI NIC: is it bound to vfio-pci?)",
		       p->name, devname);
		return -1;
	}
	rc = rte_eth_dev_info_get(p->id, &info);
	if (rc < 0) {
		DP_LOG(ERR, "port %s: device info: %s", p->name, rte_strerror(-rc));
		return -1;
	}
	if (p->n_rxq > info.max_rx_queues || p->n_txq > info.max_tx_queues) {
		DP_LOG(ERR,
		       "port %s: needs %u RX and %u TX queues (one TX queue per worker%s), "
		       "device \"%s\" offers %u and %u",
		       p->name, p->n_rxq, p->n_txq,
		       p->network ? " plus one for the control thread" : "", devname,
		       info.max_rx_queues, info.max_tx_queues);
		return -1;
	}
	if (port_configure(p, cp, &info) < 0 || port_setup_queues(p, cp, &info, mp) < 0 ||
	    port_set_mac(p, cp) < 0)
		return -1;

	/* An access port carries every frame of its circuits, whatever the
	 * destination; a network port must hear IPv6 multicast for ND. */
	if (!p->network) {
		rc = rte_eth_promiscuous_enable(p->id);
		if (rc < 0 && rc != -ENOTSUP)
			DP_LOG(WARNING, "port %s: promiscuous mode: %s", p->name,
			       rte_strerror(-rc));
	} else if (p->has_v6) {
		rc = rte_eth_allmulticast_enable(p->id);
		if (rc < 0 && rc != -ENOTSUP)
			DP_LOG(WARNING, "port %s: all-multicast: %s", p->name, rte_strerror(-rc));
	}
	rc = rte_eth_dev_start(p->id);
	if (rc < 0) {
		DP_LOG(ERR, "port %s: start: %s", p->name, rte_strerror(-rc));
		return -1;
	}
	DP_LOG(INFO, "port %s: %s, ethdev %u, " RTE_ETHER_ADDR_PRT_FMT ", %u RX / %u TX queues%s%s",
	       p->name, p->network ? "network" : "access", p->id, RTE_ETHER_ADDR_BYTES(&p->mac),
	       p->n_rxq, p->n_txq, p->csum_offload ? ", checksum offload" : "",
	       p->lsc ? ", link-state events" : "");
	return 0;
}

void
port_close(struct dp_port *p)
{
	rte_eth_dev_stop(p->id);
	rte_eth_dev_close(p->id);
}

bool
port_owns_v4(const struct dp_port *p, rte_be32_t addr)
{
	return p->has_v4 && p->v4 == addr;
}

bool
port_owns_v6(const struct dp_port *p, const uint8_t addr[16])
{
	return p->has_v6 && memcmp(p->v6, addr, 16) == 0;
}
