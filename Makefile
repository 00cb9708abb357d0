# Thin wrapper over scripts/ and CMake. `make demo` and `make test` install
# what is missing (Debian packages), build, and run.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: demo test build setup bench clean sanitize fuzz stress

setup:
	scripts/setup.sh

build: setup
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Each demo is a new study in results/tunelab.db, named by the time it started.
demo: build
	./$(BUILD_DIR)/tunelab run experiments/quickstart.yaml --study quickstart-$$(date +%Y%m%d-%H%M%S)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD_DIR)

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: setup
	cmake -S . -B $(BUILD_DIR)-asan -G Ninja -DTUNELAB_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR)-asan -j $(JOBS)
	# allocator_may_return_null: a model too large for memory must reach
	# tunelab as a failed allocation (as it does without ASan), not abort. The
	# browser test drives Chromium through the page: what it checks is the page's.
	# Suites left out (labels), to keep CI's time: the docs tests run the
	# documented commands, which the command-line suites run here too; the Slurm
	# runs wait on the scheduler, and the workers they start run the workers'
	# suite's paths; the several-objective studies are long, and their samplers'
	# code is run here by the constraints suite.
	ASAN_OPTIONS=allocator_may_return_null=1 ctest --test-dir $(BUILD_DIR)-asan --output-on-failure -j $(JOBS) \
	  -E 'in Chromium' -LE '^(docs|Slurm|several objectives)$$'

# libFuzzer targets (clang) for the experiment loader, --set and CSV, each
# run FUZZ_SECONDS from the seed corpus in fuzz/corpus/.
FUZZ_SECONDS ?= 20
fuzz: setup
	CXX=clang++-14 cmake -S fuzz -B $(BUILD_DIR)-fuzz -G Ninja
	cmake --build $(BUILD_DIR)-fuzz -j $(JOBS)
	scripts/fuzz.sh $(BUILD_DIR)-fuzz $(FUZZ_SECONDS)

# The long forms: many SIGKILL rounds, and minutes of fuzzing per target.
stress: build
	TUNELAB_STRESS_ROUNDS=40 ./$(BUILD_DIR)/tests/tunelab_tests -ts='crash safety'
	$(MAKE) fuzz FUZZ_SECONDS=300
