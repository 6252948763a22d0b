#!/usr/bin/env bash
# Build the SpanDSP interop peer (hw-mocks/spandsp/src/*.c -> hw-mocks/spandsp/build/spandsp-peer) and the
# HDLC oracle (tools/hdlc_oracle.c -> build/hdlc-oracle) against Debian's libspandsp-dev 0.0.6
# (pkg-config spandsp) and libtiff. Idempotent: a binary is rebuilt only when a source is newer.
# Prints the peer binary's path on stdout (last line).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/build"
mkdir -p "$out"
if ! pkg-config --exists spandsp; then
	echo "build.sh: libspandsp-dev not found (pkg-config spandsp); install it (scripts/apt-packages.txt)" >&2
	exit 1
fi
# build_one BIN SOURCE... (headers in src/ and this script count as sources for staleness)
build_one() {
	local bin="$1"
	shift
	if [ -x "$bin" ]; then
		local stale=0
		for f in "$@" "$here"/src/*.h "$here/build.sh"; do
			if [ "$f" -nt "$bin" ]; then stale=1; break; fi
		done
		if [ "$stale" = 0 ]; then return 0; fi
	fi
	local tmp="$bin.tmp.$$"
	# shellcheck disable=SC2046
	cc -std=gnu11 -O2 -Wall -Wextra -Wno-unused-parameter -Wno-deprecated-declarations \
		$(pkg-config --cflags spandsp) -o "$tmp" "$@" $(pkg-config --libs spandsp) -ltiff -lm
	mv -f "$tmp" "$bin"
}
build_one "$out/hdlc-oracle" "$here"/tools/*.c
build_one "$out/spandsp-peer" "$here"/src/*.c
echo "$out/spandsp-peer"
