#!/usr/bin/env bash
# axe-core (npm, version pinned in scripts/axe/package.json) for the accessibility browser test.
exec "$(dirname "$0")/ensure_npm_folder.sh" axe node_modules/axe-core/axe.min.js "axe-core (test d'accessibilité)"
