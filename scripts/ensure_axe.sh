#!/usr/bin/env bash
# axe-core (npm, version pinned in scripts/axe/package.json) for the accessibility browser test.
set -u
cd "$(dirname "$0")/axe" || exit 1
if [ -f node_modules/axe-core/axe.min.js ]; then exit 0; fi
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installation de npm (apt-get install -y npm)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
fi
if command -v npm >/dev/null 2>&1; then
  npm install --no-audit --no-fund --silent && exit 0
  echo "ATTENTION : l'installation d'axe-core a échoué ; le test d'accessibilité sera ignoré (skip)." >&2
  exit 0
fi
echo "ATTENTION : npm est absent ; le test d'accessibilité (axe-core) sera ignoré (skip)." >&2
exit 0
