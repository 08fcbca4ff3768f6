#!/bin/sh
# The whole tree must also build warning-free (-Wall -Wextra -Werror) with clang.
command -v clang >/dev/null 2>&1 || { echo "skip: clang is not installed"; exit 77; }
make -s CC=clang REL=build/clang OPTFLAGS=-O1 build/clang/libecsdeploy.a build/clang/src/cli/main.o
status=$?
[ $status -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $status
