#!/bin/sh
# Build the libtiff reference benchmark into bench/build/ (gitignored). Needs cc and libtiff-dev.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../build"
mkdir -p "$out"
if [ ! -x "$out/t4bench" ] || [ "$here/t4bench.c" -nt "$out/t4bench" ]; then
	cflags=$(pkg-config --cflags libtiff-4 2>/dev/null || true)
	libs=$(pkg-config --libs libtiff-4 2>/dev/null || echo -ltiff)
	cc -O2 -o "$out/t4bench" "$here/t4bench.c" $cflags $libs
fi
echo "$out/t4bench"
