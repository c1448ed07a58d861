# Levelfield: the commands in README.md and CONTRIBUTING.md. Each one installs what it needs first.
.PHONY: content-ci run-exercises curriculum-summary run test test-rust test-sqlite e2e e2e-run check setup check-content measure fmt lint demo

# Run the app on SQLite with the shipped content at http://127.0.0.1:3000.
run: setup
	cargo leptos serve

# cargo-leptos builds the dev server with `--cfg erase_components`; the tests, checks and lints
# use the same flags so that all of them share one build of every dependency instead of
# compiling it twice.
RUST_TEST_FLAGS := --cfg erase_components

# Every test: Rust unit and integration tests (SQLite and PostgreSQL), the shipped content
# checked with warnings denied and its runnable exercises run, then Playwright in headless
# Chromium. The set-up starts PostgreSQL and makes the exercises' Python environment.
test:
	scripts/setup.sh --test
	RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo test --features ssr
	$(MAKE) --no-print-directory content-ci
	$(MAKE) --no-print-directory e2e-run

# The shipped content as CI checks it (the binary is the one `cargo test` built).
content-ci:
	RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo run --quiet --features ssr -- content check --deny-warnings content
	RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo run --quiet --features ssr -- content run content

# Every Rust test, on SQLite and PostgreSQL (which must be running: `scripts/setup.sh --test`).
test-rust:
	RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo test --features ssr

# The quick run: Rust tests on SQLite only; the PostgreSQL halves are skipped, and say so.
test-sqlite:
	LEVELFIELD_TEST_POSTGRES=0 RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo test --features ssr

# Playwright, each spec with and without JavaScript, against a fresh SQLite database.
e2e:
	scripts/setup.sh --test
	$(MAKE) --no-print-directory e2e-run

e2e-run:
	rm -rf target/e2e && mkdir -p target/e2e
	LEVELFIELD_WATCH_CONTENT=0 DATABASE_URL=sqlite://target/e2e/levelfield.db cargo leptos end-to-end

# Type-check the server (with tests, examples) and the wasm bundle: the fastest signal.
check:
	scripts/setup.sh --toolchain
	RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo check --features ssr --all-targets
	cargo check --features hydrate --lib --target wasm32-unknown-unknown

# The app with a demo organisation (people, teams, evidence); prints logins first.
demo: setup
	RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo run --quiet --features ssr -- demo
	cargo leptos serve

setup:
	scripts/setup.sh

# Check the content tree like code: every problem as path:line:col, quiz cues included.
check-content:
	RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo run --quiet --features ssr -- content check --deny-warnings content

# Run every runnable exercise and compare its output with the module's quoted output.
run-exercises:
	scripts/setup.sh --content
	RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo run --quiet --features ssr -- content run content

# Rewrite the README's curriculum summary from `levelfield content stats`.
curriculum-summary:
	RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo run --quiet --features ssr -- content stats content --readme README.md

# Release build, then the bytes of wasm and JS a module page loads (raw and gzip).
measure: setup
	scripts/measure-bundle.sh

fmt:
	cargo fmt --all

# Formatting, then clippy with warnings denied, for the server (all targets) and the wasm bundle,
# then the dependencies' licences, bans and sources (deny.toml; offline, so no advisories:
# `cargo deny check advisories` where the network allows, see docs/security-notes/sec-b.md).
lint:
	scripts/setup.sh --lint
	cargo fmt --all -- --check
	cargo deny --log-level error check licenses bans sources
	RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --features hydrate --lib --target wasm32-unknown-unknown -- -D warnings
