#!/usr/bin/env bash
# The README's second command: set up, build the tests and run them, first optimised, then under
# AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCTORCH_BUILD_TESTS=ON >/dev/null
cmake --build build/release -j "$jobs"
ctest --test-dir build/release --output-on-failure -j "$jobs"

# The sanitizer run covers the unit tests (the compile-fail and install tests do not execute ctorch code).
# -O0: the sanitizers find the same faults without optimisation, and the build takes a third of -O1's time
# (the optimised code paths themselves are what the release run above tests). -g1: line tables are all
# the sanitizers' reports use, and they cost 7% less build time than full debug info.
cmake -S . -B build/sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" \
  -DCTORCH_BUILD_TESTS=ON -DCTORCH_BUILD_EXAMPLES=OFF -DCTORCH_CUDA=OFF -DCTORCH_SANITIZE=address,undefined >/dev/null
cmake --build build/sanitize -j "$jobs" --target ctorch_tests ctorch_create_graph_tests
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build/sanitize --output-on-failure \
  -R '^(unit|create_graph)$'
