#!/usr/bin/env bash
# The event contract: proto/ -> libs/contracts/src/gen (protobuf-es), docs/asyncapi.yaml and
# deploy/kafka/topics.yaml (both from the topic catalogue).
#   generate  regenerate everything
#   check     buf lint, buf breaking against the base, and fail if anything generated is stale
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

generate() {
  rm -rf libs/contracts/src/gen
  (cd proto && buf generate)
  # protoc-gen-es marks files "@generated"; say it in words too, for readers who don't know the convention.
  find libs/contracts/src/gen -name '*.ts' -exec sed -i '1i // DO NOT EDIT: generated from proto/ by `npm run contracts:generate`.' {} +
  tsx --tsconfig tsconfig.base.json scripts/generate-asyncapi.ts
  prettier --log-level warn --write docs/asyncapi.yaml deploy/kafka/topics.yaml
}

breaking_base() {
  # On a branch: against main. On main itself (CI clones main): against the previous commit, so every
  # change that lands is checked against what was there before it.
  if [ "$(git rev-parse --abbrev-ref HEAD 2>/dev/null)" != "main" ] && git rev-parse -q --verify main >/dev/null; then
    echo main
  elif git rev-parse -q --verify HEAD~1 >/dev/null; then
    echo HEAD~1
  fi
}

check() {
  (cd proto && buf lint)
  base=$(breaking_base)
  if [ -n "$base" ] && git cat-file -e "$base:proto/buf.yaml" 2>/dev/null; then
    echo "buf breaking against $base"
    buf breaking proto --against ".git#ref=$base,subdir=proto"
  else
    echo "buf breaking: no earlier proto/ to compare with"
  fi
  generate
  if ! git diff --quiet -- libs/contracts/src/gen docs/asyncapi.yaml deploy/kafka/topics.yaml \
    || [ -n "$(git ls-files --others --exclude-standard libs/contracts/src/gen docs/asyncapi.yaml deploy/kafka/topics.yaml)" ]; then
    git status --short -- libs/contracts/src/gen docs/asyncapi.yaml deploy/kafka/topics.yaml
    echo "generated contracts are stale: run 'npm run contracts:generate' and commit" >&2
    exit 1
  fi
  echo "contracts up to date"
}

"${1:-check}"
