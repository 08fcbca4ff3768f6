#!/bin/sh
# Install the Debian packages ecsdeploy needs to build, test and demo, when any is missing.
# Quick no-op when all are present; `apt-get update` only when something must be installed.
set -eu
PKGS="build-essential pkg-config libcurl4-openssl-dev libssl-dev libcjson-dev libxml2-dev
libyaml-dev check python3 python3-botocore python3-websockets python3-cryptography awscli clang curl"

missing=""
for p in $PKGS; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "deps: missing packages:$missing; run as root or install sudo" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
