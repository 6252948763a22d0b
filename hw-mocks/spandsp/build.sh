#!/usr/bin/env bash
# Build the SpanDSP interop peer (hw-mocks/spandsp/src/*.c -> hw-mocks/spandsp/build/spandsp-peer)
# against Debian's libspandsp-dev 0.0.6 (pkg-config spandsp) and libtiff. Idempotent: does nothing when
# the binary is newer than every source file. Prints the binary's path on stdout.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/build"
bin="$out/spandsp-peer"
srcs=("$here"/src/*.c)
mkdir -p "$out"
if [ -x "$bin" ]; then
	stale=0
	for f in "$here"/src/*.c "$here"/src/*.h "$here/build.sh"; do
		if [ "$f" -nt "$bin" ]; then stale=1; break; fi
	done
	if [ "$stale" = 0 ]; then echo "$bin"; exit 0; fi
fi
if ! pkg-config --exists spandsp; then
	echo "build.sh: libspandsp-dev not found (pkg-config spandsp); install it (scripts/apt-packages.txt)" >&2
	exit 1
fi
tmp="$bin.tmp.$$"
# shellcheck disable=SC2046
cc -std=gnu11 -O2 -Wall -Wextra -Wno-unused-parameter -Wno-deprecated-declarations \
	$(pkg-config --cflags spandsp) -o "$tmp" "${srcs[@]}" $(pkg-config --libs spandsp) -ltiff -lm
mv -f "$tmp" "$bin"
echo "$bin"
