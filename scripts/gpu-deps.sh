#!/usr/bin/env bash
# Packs the Debian libraries tunelab builds against, all but LibTorch, into
# .gpudeps/ (about 20 MB of .deb files), for a GPU machine that has PyTorch
# (and so a CUDA LibTorch) but no package archive. There:
#
#   source .gpudeps/unpack.sh     # unpacks into /opt/gpudeps, sets the paths
#   bench/gpu-check.sh            # builds against PyTorch's LibTorch, tests, benchmarks
#
# Extra packages: name them as arguments.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  libyaml-cpp-dev libyaml-cpp0.7 libfmt-dev libfmt9
  libboost-program-options-dev libboost-program-options1.74-dev
  libboost-program-options1.74.0 libboost1.74-dev
  libsqlite3-dev libsqlite3-0 libsqlitecpp-dev
  doctest-dev nlohmann-json3-dev libeigen3-dev
  libnlopt-cxx-dev libnlopt-cxx0 libnlopt-dev libnlopt0
  libcsv-dev libcsv3
  # libpq, and what it needs that a newer distribution names differently
  libpq-dev libpq5 libldap-2.5-0 libsasl2-2
  # OpenBLAS (the hand-written CPU step calls cblas), the pthread build: it
  # needs no OpenMP runtime besides the one PyTorch brings
  libopenblas0-pthread libopenblas-pthread-dev libgfortran5 libquadmath0
  "$@"
)

mkdir -p .gpudeps
grep -qx '/.gpudeps/' .git/info/exclude 2>/dev/null || echo '/.gpudeps/' >> .git/info/exclude
rm -f .gpudeps/*.deb
[ -n "$(ls /var/lib/apt/lists/*Packages* 2>/dev/null | head -1)" ] || apt-get update -q
(cd .gpudeps && apt-get download "${packages[@]}" 2>&1 | grep -v "^W: Download is performed unsandboxed" || true)
missing=()
for p in "${packages[@]}"; do ls .gpudeps/"${p}"_*.deb >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "gpu-deps: not downloaded: ${missing[*]}" >&2
  exit 1
fi

cat > .gpudeps/unpack.sh <<'EOS'
# Source me on the GPU machine, from the project root.
GPUDEPS_PREFIX=/opt/gpudeps/usr
mkdir -p /opt/gpudeps
for f in "$(dirname "${BASH_SOURCE[0]}")"/*.deb; do
  if command -v dpkg-deb >/dev/null; then
    dpkg-deb -x "$f" /opt/gpudeps
  else  # a .deb is an ar archive holding data.tar.*
    ar p "$f" "$(ar t "$f" | grep '^data\.tar')" | tar -x -a -f - -C /opt/gpudeps 2>/dev/null ||
      ar p "$f" "$(ar t "$f" | grep '^data\.tar')" | tar -x -J -f - -C /opt/gpudeps
  fi
done
gpudeps_lib=$GPUDEPS_PREFIX/lib/x86_64-linux-gnu
# Debian points libblas.so at OpenBLAS through update-alternatives, which
# unpacking does not run.
ln -sf openblas-pthread/libblas.so.3 "$gpudeps_lib/libblas.so.3"
ln -sf libblas.so.3 "$gpudeps_lib/libblas.so"
export GPUDEPS_PREFIX
export LD_LIBRARY_PATH="$gpudeps_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CPATH="$GPUDEPS_PREFIX/include:$GPUDEPS_PREFIX/include/x86_64-linux-gnu/openblas-pthread${CPATH:+:$CPATH}"
EOS
du -sh .gpudeps
