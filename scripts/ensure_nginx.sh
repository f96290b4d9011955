#!/usr/bin/env bash
# nginx is needed by the deployment test (tests/test_deploy_nginx.py), which skips cleanly without it.
set -u
if [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installation de nginx (apt-get install -y nginx)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null && exit 0
  echo "ATTENTION : l'installation de nginx a échoué ; le test du déploiement sera ignoré." >&2
  exit 0
fi
echo "ATTENTION : nginx est absent et ce compte n'est pas administrateur (sudo apt-get install -y nginx)." >&2
echo "  Sans lui, le test du déploiement derrière nginx est ignoré (skip)." >&2
exit 0
