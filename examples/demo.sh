#!/bin/sh
# make demo: the newcomer's tour. It grows with every command that lands.
set -eu
cd "$(dirname "$0")/.."
echo "== ecsdeploy $(cat VERSION): what it can do so far"
bin/ecsdeploy --help
