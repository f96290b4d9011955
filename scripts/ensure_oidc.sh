#!/usr/bin/env bash
# oidc-provider (npm, version pinned in scripts/oidc/package.json) for the OpenID Connect browser test.
exec "$(dirname "$0")/ensure_npm_folder.sh" oidc node_modules/oidc-provider/package.json \
  "oidc-provider (test OpenID Connect)"
