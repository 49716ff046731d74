#!/usr/bin/env bash
# Installs what wgsl-tensor needs on a fresh Debian 12 machine with Node 20:
# Chromium (SwiftShader WebGPU for the browser tests, and its Vulkan ICD for
# Node), the Vulkan loader, Mesa lavapipe (Node's faster CPU adapter), and the
# npm packages. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -e /usr/lib/x86_64-linux-gnu/libvulkan.so.1 ] || ldconfig -p 2>/dev/null | grep -q libvulkan.so.1 || need_apt+=(libvulkan1)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "ci: installing ${need_apt[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Mesa lavapipe, Node's fast CPU adapter (4-10x SwiftShader). Debian 12's own
# Mesa 22.3 is rejected by Dawn; bookworm-backports has Mesa 25. Optional: if
# it cannot be installed, the Node tests run on SwiftShader instead.
if [ ! -e /usr/share/vulkan/icd.d/lvp_icd.json ] && grep -q bookworm /etc/os-release 2>/dev/null; then
  echo "ci: installing Mesa lavapipe from bookworm-backports"
  if [ ! -e /etc/apt/sources.list.d/wgsl-tensor-backports.sources ] && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
    # The backports suite comes from the same Debian mirror the machine already
    # uses: the first URI of its deb822 Debian source, else of a one-line `deb` entry.
    mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    if [ -z "$mirror" ]; then
      mirror=$(awk '$1 == "deb" && $0 ~ /bookworm/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; exit } }' \
        /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1 || true)
    fi
    if [ -n "$mirror" ]; then
      printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" \
        | $SUDO tee /etc/apt/sources.list.d/wgsl-tensor-backports.sources >/dev/null
    else
      echo "ci: no Debian source configured in apt; cannot add bookworm-backports"
    fi
  fi
  ( $SUDO apt-get update -qq && $SUDO apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null ) \
    || echo "ci: lavapipe not installed; Node tests will use SwiftShader"
fi

export PUPPETEER_SKIP_DOWNLOAD=1
npm ci --no-audit --no-fund

