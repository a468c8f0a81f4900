#!/usr/bin/env bash
# install-pgvector.sh builds the pgvector extension for the local PostgreSQL from Debian's own
# source package (pgvector is not packaged for bookworm). Idempotent: does nothing when the
# extension is already installed for the server's version.
set -euo pipefail

pgver=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)
pgver=${pgver:-15}
sharedir="/usr/share/postgresql/${pgver}/extension"
if [ -f "${sharedir}/vector.control" ]; then
  echo "pgvector: already installed for PostgreSQL ${pgver}"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# A deb-src entry for trixie with the same URIs as the system's Debian entry.
src=/etc/apt/sources.list.d/nextportal-trixie-src.sources
if [ ! -f "$src" ]; then
  uris=$(awk '/^URIs:/ && /debian\/?$/ && !/security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  uris=${uris:-http://deb.debian.org/debian}
  $sudo tee "$src" >/dev/null <<SRC
Types: deb-src
URIs: ${uris}
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-server-dev-${pgver}" build-essential dpkg-dev >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get source --download-only pgvector >/dev/null
tar xf pgvector_*.orig.tar.*
cd pgvector-*/
make -s OPTFLAGS="" PG_CONFIG="/usr/lib/postgresql/${pgver}/bin/pg_config" >/dev/null
$sudo make -s install PG_CONFIG="/usr/lib/postgresql/${pgver}/bin/pg_config" >/dev/null
echo "pgvector: installed for PostgreSQL ${pgver}"
