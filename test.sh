#!/usr/bin/env bash
# Runs every test: unit tests, then functional tests that start the real server on 127.0.0.1
# with real scripts and real clients (git, hg). Installs what those need when it can (root + apt).
set -euo pipefail
cd "$(dirname "$0")"

need=()
for tool in perl:perl git:git hg:mercurial pypy3:pypy3 cgi-fcgi:libfcgi-bin; do
  command -v "${tool%%:*}" >/dev/null || need+=("${tool#*:}")
done
[ -e /usr/lib/cgi-bin/gitweb.cgi ] || need+=(gitweb)
[ -x /usr/lib/cgit/cgit.cgi ] || need+=(cgit)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing ${need[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "test.sh: missing ${need[*]} (apt-get install them); the tests that need them will fail" >&2
  fi
fi
# Python 2.7 for the legacy-script tests of warm mode (Debian 12 has none; this is Debian 11's).
if [ ! -x /opt/python2.7/bin/python2.7 ] && [ -x ../shared/python2/install-python2.7.sh ] && [ "$(id -u)" = 0 ]; then
  ../shared/python2/install-python2.7.sh /opt/python2.7 >/dev/null
fi

log=$(mktemp); trap 'rm -f "$log"' EXIT
set +e
dotnet test WarmCgi.slnx -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over all test assemblies: "N passed, N failed, N skipped".
awk -F'[:,]' '/(Passed|Failed)! +- +Failed:/ { f += $2; p += $4; s += $6 }
  END { if (p + f > 0) printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
