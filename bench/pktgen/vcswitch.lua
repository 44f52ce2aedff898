-- SPDX-License-Identifier: BSD-3-Clause
--
-- Replays the traffic files vcs-pcap wrote (loaded with pktgen -s P:FILE)
-- through vcswitch and reports, per port and in total, the packets and
-- bits per second sent and received over the measured seconds, and the
-- loss once what was in flight has arrived. See bench/pktgen/README.md.
--
-- Settings, from the environment:
--   VCS_PORTS    pktgen's port list               (default "all")
--   VCS_RATE     percent of the line rate to send  (default 100)
--   VCS_WARMUP   seconds sent before measuring     (default 2)
--   VCS_SECONDS  seconds measured                  (default 10)
--   VCS_QUIT     "1": leave pktgen when done       (default: stay)

package.path = package.path .. ";?.lua;test/?.lua;app/?.lua;"
require "Pktgen"

local ports = os.getenv("VCS_PORTS") or "all"
local rate = tonumber(os.getenv("VCS_RATE") or "100")
local warmup = tonumber(os.getenv("VCS_WARMUP") or "2")
local seconds = tonumber(os.getenv("VCS_SECONDS") or "10")
local DRAIN_MS = 1000 -- what is still in vcswitch's rings when sending stops

local function snapshot()
	return pktgen.portStats(ports, "port")
end

-- pktgen numbers ports from 0 and says how many it listed in .n
local function each_port(stats, fn)
	for pid, st in pairs(stats) do
		if type(pid) == "number" then
			fn(pid, st)
		end
	end
end

pktgen.screen("off")
pktgen.stop(ports)
pktgen.pcap(ports, "on")
pktgen.set(ports, "count", 0) -- until stopped
pktgen.set(ports, "rate", rate)
pktgen.clr()

pktgen.start(ports)
pktgen.delay(warmup * 1000)
local t0 = snapshot()
pktgen.delay(seconds * 1000)
local t1 = snapshot()
pktgen.stop(ports)
pktgen.delay(DRAIN_MS)
local total = snapshot()

printf("\nvcswitch through pktgen: %d s measured after %d s, at %d %% of line rate\n",
	seconds, warmup, rate)
printf("%-5s %12s %12s %10s %10s %12s\n", "port", "tx Mpps", "rx Mpps", "tx Gbps", "rx Gbps",
	"rx missed")
local sum = {tx = 0, rx = 0, txb = 0, rxb = 0}
each_port(t1, function(pid, st)
	local a = t0[pid]
	local tx = (st.opackets - a.opackets) / seconds
	local rx = (st.ipackets - a.ipackets) / seconds
	-- on the wire: 20 bytes of preamble and gap, 4 of FCS per packet
	local txb = ((st.obytes - a.obytes) + 24 * (st.opackets - a.opackets)) * 8 / seconds
	local rxb = ((st.ibytes - a.ibytes) + 24 * (st.ipackets - a.ipackets)) * 8 / seconds
	sum.tx, sum.rx, sum.txb, sum.rxb = sum.tx + tx, sum.rx + rx, sum.txb + txb, sum.rxb + rxb
	printf("%-5d %12.3f %12.3f %10.3f %10.3f %12d\n", pid, tx / 1e6, rx / 1e6, txb / 1e9,
		rxb / 1e9, st.imissed - a.imissed)
end)
printf("%-5s %12.3f %12.3f %10.3f %10.3f\n", "all", sum.tx / 1e6, sum.rx / 1e6, sum.txb / 1e9,
	sum.rxb / 1e9)

-- every packet sent comes back on some port (vcswitch forwards each
-- access frame to the network and each L2TPv3 packet to an access port)
local sent, received = 0, 0
each_port(total, function(_, st)
	sent = sent + st.opackets
	received = received + st.ipackets
end)
printf("whole run: sent %d, received %d, loss %.3g\n", sent, received,
	sent > 0 and (sent - received) / sent or 0)

if os.getenv("VCS_QUIT") == "1" then
	pktgen.quit()
end
