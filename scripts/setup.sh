#!/usr/bin/env bash
# Install what the project needs on a machine with only Node.js (>= 20.19) and npm: pnpm, then the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=10.34.9
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION" >&2
  if ! npm install --global "pnpm@$PNPM_VERSION" >/dev/null 2>&1; then
    # No permission for a global install: put pnpm in a project-local prefix instead.
    npm install --prefix .tools "pnpm@$PNPM_VERSION" >/dev/null
    export PATH="$PWD/.tools/node_modules/.bin:$PATH"
  fi
fi
pnpm install --frozen-lockfile --reporter=append-only >&2
