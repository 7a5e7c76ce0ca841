#!/usr/bin/env bash
# The README's first command: set up, build the main example and train LeNet-5 on Fashion-MNIST
# (arguments go to the example: --mlp, --epochs N, --threads T, ...; see examples/fashion_mnist).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --example
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCTORCH_BUILD_TESTS=OFF -DCTORCH_CUDA=OFF >/dev/null
cmake --build build/release --target fashion_mnist
build/release/examples/fashion_mnist "$@"
