# SPDX-License-Identifier: BSD-3-Clause
# Shared by scripts/setup, scripts/demo and scripts/test: install what is
# missing (Debian 12), reserve hugepages, build. Source it; don't run it.

VCS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Build and test dependencies, all from Debian 12.
VCS_PACKAGES="gcc clang libclang-rt-14-dev meson ninja-build pkg-config python3
	libdpdk-dev dpdk dpdk-dev libconfig-dev libcunit1-dev libpcap-dev libssl-dev
	tshark iproute2 iputils-ping"

vcs_log() { printf '\033[1m==> %s\033[0m\n' "$*"; }
vcs_warn() { printf '\033[1;33mWARNING: %s\033[0m\n' "$*" >&2; }
vcs_die() { printf '\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

vcs_need_root() {
	[ "$(id -u)" -eq 0 ] || vcs_die "run this as root (DPDK, hugepages, namespaces)"
}

# apt-get only what dpkg does not already have.
vcs_install() {
	local missing=() p
	for p in $VCS_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		vcs_log "dependencies: all installed"
		return
	fi
	vcs_log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
		vcs_die "apt-get install failed"
}

# 1 GiB of 2 MiB hugepages through DPDK's own tool; VCS_HUGE=1 when
# they are there, else VCS_HUGE=0 and callers run with --no-huge.
vcs_hugepages() {
	local free
	mkdir -p /dev/hugepages
	if ! dpdk-hugepages.py -p 2M --setup 1G >/dev/null 2>&1; then
		# --setup also mounts; reserving alone may still have worked
		dpdk-hugepages.py -p 2M --reserve 1G >/dev/null 2>&1 || true
	fi
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
	if [ "${free:-0}" -ge 256 ]; then
		VCS_HUGE=1
		vcs_log "hugepages: ${free} free 2 MiB pages"
	else
		VCS_HUGE=0
		vcs_warn "no hugepages could be reserved (${free:-0} free): running with --no-huge;" \
			"fine for the demo and the tests, slower for benchmarks"
	fi
}

# vcs_build DIR [meson options...]
vcs_build() {
	local dir=$1
	shift
	if [ ! -f "$VCS_ROOT/$dir/build.ninja" ]; then
		meson setup "$VCS_ROOT/$dir" "$VCS_ROOT" "$@" >/dev/null ||
			vcs_die "meson setup $dir failed"
	fi
	vcs_log "building $dir"
	ninja -C "$VCS_ROOT/$dir" >/dev/null || { ninja -C "$VCS_ROOT/$dir"; vcs_die "build failed"; }
}
