#!/usr/bin/env bash
# install-alertmanager.sh installs Debian's prometheus-alertmanager package, which
# the incident package's Alertmanager test starts with a config and storage of its own. Idempotent:
# does nothing when the binary is installed. The package's own service is not started.
set -euo pipefail

if [ -x /usr/bin/prometheus-alertmanager ]; then
  echo "alertmanager: already installed ($(/usr/bin/prometheus-alertmanager --version 2>&1 | head -n 1))"
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
$sudo apt-get install -y -qq --no-install-recommends prometheus-alertmanager
/usr/bin/prometheus-alertmanager --version 2>&1 | head -n 1
