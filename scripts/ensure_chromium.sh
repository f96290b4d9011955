#!/usr/bin/env bash
# Chromium is needed by kaleido (PNG export) and by the Playwright tests.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installation de Chromium (apt-get install -y chromium)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    && exit 0
  echo "ERREUR : l'installation de Chromium a échoué." >&2
  exit 1
fi
echo "ATTENTION : Chromium est absent (/usr/bin/chromium) et ce compte n'est pas administrateur." >&2
echo "  Demandez : sudo apt-get install -y chromium" >&2
echo "  Sans lui, les exports PNG et les tests navigateur sont ignorés (skip)." >&2
exit 0
