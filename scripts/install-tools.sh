#!/usr/bin/env bash
# Installs the Debian packages the test suite drives: Chromium (headless, never a downloaded
# build), lynx and w3m for the old-browser checks, Java for the Nu HTML Checker and wrk for the
# benchmark. Idempotent: it only calls apt when something is missing.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v lynx >/dev/null 2>&1 || need+=(lynx)
command -v w3m >/dev/null 2>&1 || need+=(w3m)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
# Fonts so that screenshots show text rather than boxes.
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# And emoji, which reactions are made of.
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-tools: missing ${need[*]}; run as root or install them with apt-get" >&2
    exit 1
  fi
  echo "install-tools: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
