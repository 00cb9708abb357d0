#!/usr/bin/env bash
# The GPU check, in one call on a GPU machine that has PyTorch (a CUDA
# LibTorch, CMake, ninja) but no package archive: builds tunelab against
# that LibTorch, runs the training tests there (the CUDA-graph step among
# them), then the GPU step benchmark (bench/steps.py --device cuda) and a
# whole study on the GPU with one and with four workers sharing it.
#
#   scripts/gpu-deps.sh            # on a machine with Debian's archive: packs .gpudeps/
#   bench/gpu-check.sh             # there, with .gpudeps/ beside the sources
#
# Logs go to $OUT (or /tmp/gpu-check): gpu-check.log holds the summary.
# Each stage has a time limit, and they come in order of importance: a
# check cut short still leaves the build, tests and benchmark in its logs.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/gpu-check}
mkdir -p "$out"
exec > >(tee "$out/gpu-check.log") 2>&1
export PYTHONUNBUFFERED=1
stage() { echo; echo "== $* ($(date +%T))"; }

stage machine
# PyTorch's CMake package looks for the CUDA toolkit (nvcc) too.
command -v nvcc >/dev/null || PATH=$PATH:/usr/local/cuda/bin
nvidia-smi -L
python3 -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda,
                                torch.cuda.get_device_name(0))'
cmake --version | head -1
g++ --version | head -1
command -v nvcc && nvcc --version | tail -1
grep PRETTY_NAME /etc/os-release
echo "cores: $(nproc)"

stage dependencies
# shellcheck source=/dev/null
source .gpudeps/unpack.sh || exit 1

stage configure
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
cuda_args=()
command -v nvcc >/dev/null && cuda_args+=("-DCMAKE_CUDA_COMPILER=$(command -v nvcc)")
# CMAKE_POLICY_VERSION_MINIMUM: a CMake 4 accepts the package configs of
# Debian's CMake 3 era. FMT_HEADER_ONLY: PyTorch's include folder carries
# its own, newer fmt headers, which come before Debian's on the include
# path; header-only, fmt needs no library of the same version to link.
if ! timeout 180 cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$GPUDEPS_PREFIX" -DCMAKE_POLICY_VERSION_MINIMUM=3.5 \
    -DCMAKE_CUDA_ARCHITECTURES=native "${cuda_args[@]}" -DCMAKE_CXX_FLAGS=-DFMT_HEADER_ONLY=1 >"$out/configure.log" 2>&1; then
  tail -60 "$out/configure.log"
  exit 1
fi
grep -E "tunelab:|CUDA|cuDNN" "$out/configure.log" | head -20

stage build
# -k 0: on a failure, every other file is still compiled, so that one check
# reports all the errors there are.
if ! timeout 300 cmake --build build-gpu -j "$(nproc)" -- -k 0 >"$out/build.log" 2>&1; then
  echo "failed: $(grep -c '^FAILED' "$out/build.log") targets; the distinct errors:"
  grep -E "error:" "$out/build.log" | sort | uniq -c | sort -rn | head -60
  grep -E -B2 -A12 "error:" "$out/build.log" | head -150
  exit 1
fi
grep -c "warning:" "$out/build.log" | sed 's/^/compiler warnings: /'
ldd build-gpu/tunelab | grep "not found"

stage training tests
# The training suite: on this machine `device: auto` is the GPU, so whole
# trainings run there, and the CUDA-graph tests record and replay.
timeout 150 build-gpu/tests/tunelab_tests -ts=training >"$out/tests.log" 2>&1
echo "exit status $?"
grep -E -A14 "ERROR|FATAL|WARNING:" "$out/tests.log" | head -120
tail -4 "$out/tests.log"

stage GPU steps benchmark
timeout 120 python3 bench/steps.py --tunelab build-gpu/tunelab --device cuda --repeats 3 \
  | tee "$out/steps-gpu.md"

stage study on the GPU
for workers in 1 4; do
  db=/tmp/gpu-study-$workers.db
  rm -f "$db"
  started=$(date +%s.%N)
  timeout 60 build-gpu/tunelab run experiments/diabetes_resnet.yaml --storage "sqlite:///$db" \
    --quiet --keep-weights none --set device=cuda --workers "$workers" >/dev/null
  status=$?
  echo "diabetes_resnet, 50 trials, GPU, --workers $workers: exit $status," \
    "$(python3 -c "import time; print(round(time.time() - $started, 1))") s"
done

stage "the whole suite, for the record (some tests want Debian's python3 references)"
timeout 100 ctest --test-dir build-gpu -j "$(nproc)" --timeout 100 >"$out/ctest.log" 2>&1
echo "passed: $(grep -cE 'Test +#[0-9]+: .* Passed' "$out/ctest.log")"
grep -E "tests passed|\*\*\*Failed|\*\*\*Timeout|Not Run|Exception" "$out/ctest.log" | head -40
# A test that crashed: its output and, where gdb is, the stack of the crash.
crashed=$(grep -m1 -oE 'Test +#[0-9]+: .* \.\.\.+\*\*\*Exception' "$out/ctest.log" |
  sed -E 's/Test +#[0-9]+: (.*) \.\.\.+.*/\1/')
if [ -n "$crashed" ]; then
  stage "the first crash again: $crashed"
  timeout 60 ctest --test-dir build-gpu -R "$(printf '%s' "$crashed" | head -c 40 | sed 's/[][().*+?^$|\\/]/./g')" \
    --output-on-failure 2>&1 | tail -40
  command -v gdb >/dev/null && timeout 90 gdb -q -batch -ex run -ex bt \
    --args build-gpu/tests/tunelab_tests "-tc=$crashed" 2>&1 | grep -A30 "SIGSEGV" | head -40
fi
stage done
