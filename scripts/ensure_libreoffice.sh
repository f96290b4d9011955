#!/usr/bin/env bash
# LibreOffice (Writer, Calc) and poppler lay out the Word and Excel files for the layout tests and `make gallery`.
# Installed alone: combined with other packages in one apt-get call, it can fail on « held broken packages ».
set -u
if command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installation de LibreOffice et poppler (apt-get install --no-install-recommends)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils >/dev/null \
    && exit 0
  echo "ATTENTION : l'installation de LibreOffice a échoué ; les tests de mise en page Word et Excel seront ignorés." >&2
  exit 0
fi
echo "ATTENTION : LibreOffice (soffice) ou poppler (pdftoppm, pdfinfo) est absent et ce compte n'est pas administrateur." >&2
echo "  Demandez : sudo apt-get install -y --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils" >&2
echo "  Sans eux, les tests de mise en page des fichiers Word et « make gallery » sont ignorés." >&2
exit 0
