#!/usr/bin/env bash
# Prints the Debian mirror this host's apt uses (the first non-security "deb" source), so that
# nothing in the repository names a mirror. Reads /etc/apt/sources.list and sources.list.d.
set -euo pipefail
shopt -s nullglob

pick() {
  # $1 = URI, $2 = suites; skip security and third-party sources.
  case "$1 $2" in *security*) return 1 ;; esac
  case "$1" in */debian | */debian/) echo "${1%/}"; return 0 ;; esac
  return 1
}

for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -r "$f" ] || continue
  while read -r type rest; do
    [ "$type" = deb ] || continue
    # Drop an optional [options] block.
    rest="$(sed -E 's/^\[[^]]*\][[:space:]]*//' <<<"$rest")"
    read -r uri suite _ <<<"$rest"
    pick "$uri" "$suite" && exit 0
  done <"$f"
done

for f in /etc/apt/sources.list.d/*.sources; do
  # deb822: stanzas separated by blank lines.
  awk 'BEGIN { RS = ""; FS = "\n" }
    {
      types = ""; uris = ""; suites = "";
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^Types:/) types = substr($i, 7);
        else if ($i ~ /^URIs:/) uris = substr($i, 6);
        else if ($i ~ /^Suites:/) suites = substr($i, 8);
      }
      if (types ~ /(^| )deb( |$)/) {
        n = split(uris, u, " ");
        for (j = 1; j <= n; j++) print u[j] "\t" suites;
      }
    }' "$f" | while IFS=$'\t' read -r uri suites; do
    pick "$uri" "$suites" && exit 3
  done || { [ $? = 3 ] && exit 0; }
done

echo "mirror.sh: no Debian mirror found in the apt sources" >&2
exit 1
