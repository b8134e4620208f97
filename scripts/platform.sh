#!/usr/bin/env bash
# `npm run platform` (or `bash scripts/platform.sh`): sets up and runs the whole platform on this machine.
#   up      install dependencies, start Kafka + PostgreSQL, build and start all six services, wait until
#           each is ready, print their URLs (default)
#   down    stop the services and the stack
#   status  show what runs where
# Services run in the background; logs in .stack/services/<name>.log.
source "$(dirname "$0")/lib/common.sh"

SERVICES=(his laboratory radiology-orders image-archive-gateway claims integration-gateway)
RUN_DIR="$ROOT/.stack/services"

port_of() {
  case "$1" in
    his) echo 3001 ;; laboratory) echo 3002 ;; radiology-orders) echo 3003 ;;
    image-archive-gateway) echo 3004 ;; claims) echo 3005 ;; integration-gateway) echo 3006 ;;
  esac
}

AUTH_DEV_PORT="${AUTH_DEV_PORT:-3099}"

# The development token issuer (scripts/dev-issuer.ts) when no hospital issuer is configured.
start_dev_issuer() {
  if [ -n "${AUTH_ISSUER:-}" ]; then return; fi
  if ! curl -fsS "http://127.0.0.1:$AUTH_DEV_PORT/jwks.json" >/dev/null 2>&1; then
    nohup npx tsx --tsconfig tsconfig.base.json scripts/dev-issuer.ts >"$RUN_DIR/dev-issuer.log" 2>&1 &
    echo $! >"$RUN_DIR/dev-issuer.pid"
    for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$AUTH_DEV_PORT/jwks.json" >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  export AUTH_ISSUER="http://127.0.0.1:$AUTH_DEV_PORT" AUTH_AUDIENCE="${AUTH_AUDIENCE:-hosp-platform}"
  export AUTH_JWKS_URL="$AUTH_ISSUER/jwks.json"
}

stop_services() {
  for s in "${SERVICES[@]}"; do
    pidf="$RUN_DIR/$s.pid"
    if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then
      kill -TERM "$(cat "$pidf")"
      for _ in $(seq 1 50); do kill -0 "$(cat "$pidf")" 2>/dev/null || break; sleep 0.2; done
    fi
    rm -f "$pidf"
  done
  if [ -f "$RUN_DIR/dev-issuer.pid" ]; then kill -TERM "$(cat "$RUN_DIR/dev-issuer.pid")" 2>/dev/null || true; rm -f "$RUN_DIR/dev-issuer.pid"; fi
}

up() {
  ensure_deps
  step "stack"
  npm run -s stack -- up
  eval "$(npm run -s stack -- env)"
  step "build the six services"
  npx nx run-many -t build --parallel=2 --outputStyle=static
  mkdir -p "$RUN_DIR"
  stop_services
  step "token issuer"
  start_dev_issuer
  step "start the services"
  for s in "${SERVICES[@]}"; do
    PORT="$(port_of "$s")" FACILITY_CODE="${FACILITY_CODE:-79001}" KAFKA_BROKERS="$KAFKA_BROKERS" \
      AUTH_ISSUER="$AUTH_ISSUER" AUTH_AUDIENCE="$AUTH_AUDIENCE" AUTH_JWKS_URL="${AUTH_JWKS_URL:-}" \
      DATABASE_SERVER_URL="$DATABASE_SERVER_URL" \
      nohup node "dist/services/$s/main.js" >"$RUN_DIR/$s.log" 2>&1 &
    echo $! >"$RUN_DIR/$s.pid"
  done
  for s in "${SERVICES[@]}"; do
    url="http://127.0.0.1:$(port_of "$s")"
    for _ in $(seq 1 120); do
      curl -fsS "$url/health/ready" >/dev/null 2>&1 && break
      kill -0 "$(cat "$RUN_DIR/$s.pid")" 2>/dev/null || { echo "$s exited; see $RUN_DIR/$s.log" >&2; exit 1; }
      sleep 0.5
    done
    curl -fsS "$url/health/ready" >/dev/null || { echo "$s not ready; see $RUN_DIR/$s.log" >&2; exit 1; }
  done
  status
}

status() {
  echo
  printf '%-24s %-26s %s\n' service url ready
  for s in "${SERVICES[@]}"; do
    url="http://127.0.0.1:$(port_of "$s")"
    ready=$(curl -s -o /dev/null -w '%{http_code}' "$url/health/ready" || true)
    printf '%-24s %-26s %s\n' "$s" "$url" "$ready"
  done
  echo
  echo "each service: /health/live  /health/ready  /metrics  /docs (OpenAPI); every other route needs a bearer token"
  echo "tokens (development issuer): http://127.0.0.1:$AUTH_DEV_PORT/token, accounts in .stack/dev-issuer/accounts.json"
  echo "event catalogue: docs/asyncapi.yaml   stop everything: npm run platform -- down"
  npm run -s stack -- status || true
}

down() {
  export PATH="$ROOT/node_modules/.bin:$PATH"
  stop_services
  npm run -s stack -- down
}

"${1:-up}"
