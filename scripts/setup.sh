#!/usr/bin/env bash
# Installs everything Heirloom's build and tests need on a fresh Debian machine:
# Debian's Chromium (e2e tests), Debian's PyTorch stack (training + parity tests),
# then the npm dependencies exactly as locked.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c 'import torch, torchvision, onnx, skimage' 2>/dev/null ||
  need+=(python3-torch python3-torchvision python3-onnx python3-skimage)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

if [ "${1:-}" = "--install" ]; then npm install; else npm ci; fi
