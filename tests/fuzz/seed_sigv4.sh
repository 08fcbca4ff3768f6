#!/bin/sh
# Seeds for fuzz_sigv4: the request lines of AWS's SigV4 suites, when ../shared is there.
suites=../shared/testdata/sigv4
[ -d "$suites" ] || exit 0
n=0
for f in $(find "$suites" -name '*.req' -o -name 'request.txt' | sort); do
    n=$((n + 1))
    line=$(head -n 1 "$f")
    target=${line#* }; target=${target% *}
    path=${target%%\?*}; query=${target#"$path"}; query=${query#\?}
    printf '\145\000GET\000%s\000%s\000My-Header1\000value1\n  value2' "$path" "$query" >"$1/suite-$n"
done
