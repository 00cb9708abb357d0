#!/usr/bin/env bash
# Installs the Debian packages tunelab builds, tests and benchmarks against.
# Idempotent: packages already present are left alone, and the package index
# is refreshed at most once (only when something is missing).
set -euo pipefail

build_packages=(
  cmake ninja-build ccache g++ make pkg-config
  libtorch-dev libopenblas0-openmp libopenblas-dev
  libyaml-cpp-dev libfmt-dev libspdlog-dev
  libsqlite3-dev libsqlitecpp-dev sqlite3
  # PostgreSQL stores: libpq to build, the server for the tests' throwaway
  # clusters
  libpq-dev postgresql
  libboost-program-options-dev doctest-dev nlohmann-json3-dev
  libeigen3-dev libnlopt-cxx-dev libcsv-dev
  clang-14 libclang-rt-14-dev
  # tunelab report draws with gnuplot, tunelab model --graph with Graphviz
  gnuplot-nox graphviz fonts-dejavu-core
  # the tests render the report in Chromium and read exports back with Optuna
  chromium python3-optuna
  # tunelab serve: the HTTP server
  libcpp-httplib-dev
  # tunelab submit --slurm: the tests' throwaway Slurm cluster
  # (tests/slurm_cluster.sh: slurmctld, slurmd, munge and the client commands)
  slurm-wlm munge
)
# References for tests and benchmarks (the fixtures they generate are committed,
# and the tests that read exports with pandas skip where it is missing,
# so the test suite itself does not need them).
reference_packages=(python3-torch python3-sklearn python3-numpy python3-pandas)

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"

wanted=("${build_packages[@]}")
# The dashboard's chart library and the browser tests' driver come from npm
# (framework/serve/web/package.json); Debian's nodejs and npm unless a Node.js
# with npm is installed already.
command -v npm > /dev/null || wanted+=(nodejs npm)
[ "${TUNELAB_WITH_REFERENCES:-0}" = 1 ] && wanted+=("${reference_packages[@]}")

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#wanted[@]} packages present"
else
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# LibTorch must use OpenBLAS, not the reference BLAS (about 4x slower here),
# and the OpenMP build of it, so that BLAS and LibTorch share one thread pool.
for lib in libblas.so.3 liblapack.so.3; do
  name="$lib-x86_64-linux-gnu"
  want=$(update-alternatives --list "$name" 2>/dev/null | grep openblas-openmp | head -1 || true)
  have=$(update-alternatives --query "$name" 2>/dev/null | awk '/^Value:/{print $2}')
  if [ -n "$want" ] && [ "$have" != "$want" ]; then
    $sudo update-alternatives --set "$name" "$want"
  fi
done

# The npm packages, as package-lock.json pins them: the chart library that
# the build embeds in tunelab serve, and puppeteer-core, with which the tests
# drive Chromium.
web=$(dirname "$0")/../framework/serve/web
if ! cmp -s "$web/package-lock.json" "$web/node_modules/.installed-lock.json"; then
  echo "setup: installing the dashboard's npm packages"
  npm ci --prefix "$web" --no-audit --no-fund --loglevel=error
  cp "$web/package-lock.json" "$web/node_modules/.installed-lock.json"
fi
