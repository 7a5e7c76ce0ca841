#!/usr/bin/env bash
# The README's first command: set up, build and run the main example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCTORCH_BUILD_TESTS=OFF -DCTORCH_CUDA=OFF >/dev/null
cmake --build build/release --target tour
build/release/examples/tour "$@"
