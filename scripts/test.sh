#!/usr/bin/env bash
# `npm test`: everything CI checks, on a fresh machine or a developer's.
#   static checks: Prettier, ESLint (Nx module boundaries, no topic literals), typecheck, import cycles,
#                  buf lint + buf breaking + generated contracts up to date
#   unit tests:    every project's src/**/*.spec.ts (Jest, through Nx)
#   integration:   every test/integration/**/*.int-spec.ts against the real stack (Kafka 4.x + PostgreSQL),
#                  which this script starts if it is not running and stops again afterwards.
# Set SKIP_STATIC=1 or SKIP_INTEGRATION=1 to run part of it.
source "$(dirname "$0")/lib/common.sh"
ensure_deps

if [ "${SKIP_STATIC:-0}" != 1 ]; then
  step "format (prettier --check)"
  npm run -s format:check
  step "lint (eslint + Nx module boundaries)"
  npm run -s lint -- --outputStyle=static
  step "typecheck (tsc, whole workspace)"
  npm run -s typecheck
  step "import cycles (dpdm)"
  npm run -s circular
  step "contracts (buf lint, buf breaking, generated code up to date)"
  npm run -s contracts:check
fi

ensure_test_peers
step "unit tests"
npm run -s test:unit -- --outputStyle=static

if [ "${SKIP_INTEGRATION:-0}" != 1 ]; then
  started_stack=0
  if ! npm run -s stack -- status >/dev/null 2>&1; then
    step "starting the stack (Kafka + PostgreSQL)"
    npm run -s stack -- up
    started_stack=1
  fi
  cleanup() { if [ "$started_stack" = 1 ]; then npm run -s stack -- down || true; fi; }
  trap cleanup EXIT
  step "integration tests (real Kafka and PostgreSQL)"
  results="$ROOT/.stack/integration-results.json"
  npm run -s test:integration -- --ci --json --outputFile="$results"
  node -e 'const r = require(process.argv[1]); console.log(`integration: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$results"
fi
echo
echo "all checks passed"
