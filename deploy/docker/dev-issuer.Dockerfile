# syntax=docker/dockerfile:1
# The development token issuer (scripts/dev-issuer.ts) for docker-compose.yml: evaluation only; a hospital
# uses its own OIDC issuer. Built from the repository root: docker build -f deploy/docker/dev-issuer.Dockerfile .
FROM node:24-bookworm-slim
WORKDIR /workspace
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm install --no-audit --no-fund
COPY tsconfig.base.json ./
COPY libs ./libs
COPY scripts/dev-issuer.ts ./scripts/dev-issuer.ts
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3099
CMD ["npx", "tsx", "--tsconfig", "tsconfig.base.json", "scripts/dev-issuer.ts"]
