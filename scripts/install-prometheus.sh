#!/usr/bin/env bash
# install-prometheus.sh installs Debian's prometheus package (the server and promtool), which
# the anomaly package's Prometheus test starts with a data directory of its own. Idempotent:
# does nothing when both binaries are on PATH. The package's own service is not started.
set -euo pipefail

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  echo "prometheus: already installed ($(prometheus --version 2>&1 | head -n 1))"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101 keeps the package's service from starting during the install.
$sudo apt-get update -qq
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get install -y -qq --no-install-recommends prometheus
prometheus --version 2>&1 | head -n 1
