#!/usr/bin/env bash
# Installs the Debian packages ctorch needs, when missing. Usage: scripts/setup.sh [--bench] [--example]
# (--bench adds the benchmark peers: Google Benchmark, Eigen, OpenBLAS and LibTorch; --example the
# Fashion-MNIST dataset the main example trains on.)
set -euo pipefail
pkgs=(g++ cmake ninja-build libxsimd-dev doctest-dev zlib1g-dev libopenblas-dev)  # OpenBLAS: the CBLAS-route test
for arg in "$@"; do
  case "$arg" in
    --bench) pkgs+=(libbenchmark-dev libeigen3-dev libopenblas-dev libtorch-dev) ;;
    --example) pkgs+=(dataset-fashion-mnist) ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
