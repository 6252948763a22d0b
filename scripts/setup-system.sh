#!/usr/bin/env bash
# Installs the Debian packages faxline's tests and benchmarks use (oracles and peers: libtiff, ghostscript,
# SpanDSP, efax). Needs root (or sudo). The library and the demo need none of them.
set -euo pipefail
cd "$(dirname "$0")"
pkgs=$(grep -v '^#' apt-packages.txt | xargs)
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $pkgs
