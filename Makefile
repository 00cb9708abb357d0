# Thin wrapper over scripts/ and CMake. `make demo` and `make test` install
# what is missing (Debian packages), build, and run.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: demo test build setup bench clean

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
