# The two commands of the README, and the checks CI runs. Everything builds out of tree under build*/.
JOBS ?= $(shell nproc)
BUILD ?= build
CMAKE_FLAGS ?=

.PHONY: demo test build test-sanitize test-tsan fuzz-smoke format format-check bench ci clean

# Set up, build, and run the main job on the bundled demo data.
demo: build
	@scripts/demo $(BUILD)/src/cli/ticketwise

# Set up, build, and run every test.
test:
	@scripts/bootstrap test
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@ninja -C $(BUILD) -j $(JOBS)
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

build:
	@scripts/bootstrap
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@ninja -C $(BUILD) -j $(JOBS) ticketwise

# The test suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize:
	@scripts/bootstrap test
	@cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTW_SANITIZE=ON >/dev/null
	@ninja -C build-asan -j $(JOBS)
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

# The concurrent parts (store, engine, server, and the service end to end) under ThreadSanitizer.
test-tsan:
	@scripts/bootstrap test
	@cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTW_TSAN=ON >/dev/null
	@ninja -C build-tsan -j $(JOBS) ticketwise store_test server_test engine_test serve_test serve_api_test
	@cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  ctest --output-on-failure -j $(JOBS) -R "Store|Sqlite|RateLimiter|Config|ApiJson|Engine|Serve"

# Every libFuzzer target, briefly (FUZZ_SECONDS each), starting from the checked-in seed corpus.
FUZZ_SECONDS ?= 30
fuzz-smoke:
	@scripts/bootstrap test
	@CC=clang-16 CXX=clang++-16 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTW_FUZZ=ON \
	  -DTW_BUILD_BENCH=OFF >/dev/null
	@ninja -C build-fuzz -j $(JOBS) fuzzers
	@scripts/fuzz-smoke build-fuzz/tests/fuzz $(FUZZ_SECONDS)

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check:
	@scripts/bootstrap test
	@git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

# The comparison against fastText and scikit-learn on ../shared/data (see README, "Benchmarks").
bench:
	@bench/classify_vs_baselines

ci: test test-sanitize fuzz-smoke format-check

clean:
	rm -rf build build-asan build-fuzz
