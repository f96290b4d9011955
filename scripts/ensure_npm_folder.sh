#!/usr/bin/env bash
# Installs the npm packages pinned in scripts/<folder>/package.json, for a browser test that needs them.
# Usage: ensure_npm_folder.sh <folder> <file that proves the install> <« what », for the warnings>
# Never fails: without npm or the registry, the test that needs the folder is skipped with a message.
set -u
folder="$1"; marker="$2"; what="$3"
cd "$(dirname "$0")/$folder" || exit 1
if [ -f "$marker" ]; then exit 0; fi
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installation de npm (apt-get install -y npm)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
fi
if command -v npm >/dev/null 2>&1; then
  npm install --no-audit --no-fund --silent && exit 0
  echo "ATTENTION : l'installation de $what a échoué ; le test qui en dépend sera ignoré (skip)." >&2
  exit 0
fi
echo "ATTENTION : npm est absent ; le test qui dépend de $what sera ignoré (skip)." >&2
exit 0
