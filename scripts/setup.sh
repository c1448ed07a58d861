#!/usr/bin/env bash
# Installs what Levelfield needs to build, run and test, skipping whatever is already there.
#   scripts/setup.sh          toolchain for building and running
#   scripts/setup.sh --test   plus Chromium, the end-to-end test packages, the test OpenID
#                             provider, the SCIM conformance checker (target/scim-venv)
#                             and starts PostgreSQL
#   scripts/setup.sh --toolchain   only the Rust target and components `make check` and
#                                  `make lint` need (seconds; no cargo-leptos)
#   scripts/setup.sh --lint        the same, plus cargo-deny (`make lint`; minutes, once)
#   scripts/setup.sh --content     only the Python environment the content's runnable
#                                  exercises use (`levelfield content run`); --test makes it too
# Only crates.io, Debian packages and the npm registry are used: nothing downloads binaries
# from elsewhere (cargo-leptos would otherwise fetch wasm-bindgen, wasm-opt and sass).
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10   # 0.3.11 needs a newer rustc than 1.95
CARGO_DENY_VERSION=0.20.2     # licences, bans and sources of dependencies (`make lint`)
step() { printf '\n==> %s\n' "$*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# clippy and rustfmt for `make lint` (a minimal rustup profile leaves them out).
for component in clippy rustfmt; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    step "adding the $component component"
    rustup component add "$component"
  fi
done

# cargo-deny for `make lint`, from crates.io, pinned.
if [ "${1:-}" = "--lint" ] && [ "$(cargo deny --version 2>/dev/null | awk '{print $2}')" != "$CARGO_DENY_VERSION" ]; then
  step "installing cargo-deny $CARGO_DENY_VERSION (several minutes on 2 cores, once)"
  cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
fi

if [ "${1:-}" = "--toolchain" ] || [ "${1:-}" = "--lint" ]; then
  exit 0
fi

# The runnable exercises' Python: a virtual environment from PyPI with the pinned packages,
# remade whenever content/requirements.txt changes.
content_venv() {
  local venv=target/content-venv stamp
  stamp=$(sha256sum content/requirements.txt | cut -c1-16)
  if [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$stamp" ]; then
    step "making the exercises' Python environment (target/content-venv, about a minute, once)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r content/requirements.txt
    echo "$stamp" > "$venv/.stamp"
  fi
}

# The SCIM conformance checker (scim2-cli with scim2-tester) the integration tests run against
# the live server: a virtual environment from PyPI with every package pinned, remade whenever
# tests/scim/requirements.txt changes.
scim_venv() {
  local venv=target/scim-venv stamp
  stamp=$(sha256sum tests/scim/requirements.txt | cut -c1-16)
  if [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$stamp" ]; then
    step "making the SCIM conformance checker's Python environment (target/scim-venv, once)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/scim/requirements.txt
    echo "$stamp" > "$venv/.stamp"
  fi
}

if [ "${1:-}" = "--content" ]; then
  content_venv
  exit 0
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  step "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on 2 cores, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  step "installing wasm-bindgen-cli $WB_VERSION (about 4 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# wasm-opt (binaryen) for release builds, from npm: Debian's binaryen is too old and breaks hydration.
if [ ! -x node_modules/.bin/wasm-opt ]; then
  step "installing npm packages (binaryen)"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--test" ]; then
  content_venv
  scim_venv
  if ! command -v chromium >/dev/null 2>&1; then
    step "installing Chromium from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  fi
  if [ ! -d end2end/node_modules/@playwright/test ]; then
    step "installing end-to-end test packages"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
  # The OpenID provider the single sign-on tests start (npm oidc-provider, pinned by its lock).
  idp_stamp=$(sha256sum tests/oidc-provider/package-lock.json | cut -c1-16)
  if [ "$(cat tests/oidc-provider/node_modules/.stamp 2>/dev/null)" != "$idp_stamp" ]; then
    step "installing the test OpenID provider (tests/oidc-provider)"
    (cd tests/oidc-provider && npm ci --no-audit --no-fund)
    echo "$idp_stamp" > tests/oidc-provider/node_modules/.stamp
  fi
  # The Rust tests run on SQLite and on PostgreSQL (TEST_DATABASE_URL, default the local server).
  if [ -z "${TEST_DATABASE_URL:-}" ] && [ "${LEVELFIELD_TEST_POSTGRES:-1}" != "0" ]; then
    if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
      step "starting PostgreSQL"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
    if ! command -v pg_isready >/dev/null 2>&1 || ! pg_isready -q -h 127.0.0.1 -p 5432; then
      step "WARNING: no PostgreSQL at 127.0.0.1:5432"
      echo "The tests need one: install Debian's postgresql (trust authentication for local TCP)," >&2
      echo "or set TEST_DATABASE_URL; LEVELFIELD_TEST_POSTGRES=0 skips PostgreSQL (not in CI)." >&2
    fi
  fi
fi
