#!/usr/bin/env bash
# Installs the Debian 12 packages Simpul needs, only those missing.
# Idempotent; needs root (or sudo) only when something must be installed.
set -euo pipefail
packages=(cmake make ninja-build g++ pkg-config ccache python3 libsqlite3-dev libssl-dev libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
          libcereal-dev libsodium-dev libzstd-dev doctest-dev
          clang libclang-rt-14-dev  # clang + libFuzzer/sanitizer runtimes, for tools/fuzz.sh
          lld  # the linker (CMakeLists.txt): faster links of the sanitized test executables
          libhpdf-dev libqrencode-dev  # letters: PDF and QR code
          libxlsxwriter-dev            # exports: XLSX (hub/xlsx.cc)
          poppler-utils zbar-tools     # tests read letters back: pdftotext, pdftoppm, zbarimg
          faketime                     # tools/clock_sweep.sh: the suite at other dates and hours
          ca-certificates              # the hub's HTTPS message webhook trusts the system's authorities
          openssl curl                 # the HTTPS test makes a certificate and checks the server with it
          chromium chromium-driver python3-selenium python3-openpyxl)  # browser tests of the web app (tests/browser)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
