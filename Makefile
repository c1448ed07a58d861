# Levelfield: the commands in README.md. Each one installs what it needs first.
.PHONY: run test setup check-content measure fmt lint demo

# Run the app on SQLite with the shipped content at http://127.0.0.1:3000.
run: setup
	cargo leptos serve

# Every test: Rust unit and integration tests, then Playwright in headless Chromium.
# cargo-leptos builds the dev server with `--cfg erase_components`; the tests use the same flags
# so that both share one build of every dependency instead of compiling it twice.
RUST_TEST_FLAGS := --cfg erase_components

test:
	scripts/setup.sh --test
	RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo test --features ssr
	rm -rf target/e2e && mkdir -p target/e2e
	LEVELFIELD_WATCH_CONTENT=0 DATABASE_URL=sqlite://target/e2e/levelfield.db cargo leptos end-to-end

# The app with a demo organisation (people, teams, evidence); prints logins first.
demo: setup
	RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo run --quiet --features ssr -- demo
	cargo leptos serve

setup:

	scripts/setup.sh

# Check the content tree like code: every problem as path:line:col.
check-content:
	RUSTFLAGS="$(RUST_TEST_FLAGS)" cargo run --quiet --features ssr -- content check content

# Release build, then the bytes of wasm and JS a module page loads (raw and gzip).
measure: setup
	scripts/measure-bundle.sh

fmt:
	cargo fmt --all

lint:
	cargo fmt --all -- --check
	cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --features hydrate --lib --target wasm32-unknown-unknown -- -D warnings
