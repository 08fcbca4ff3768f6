#!/bin/sh
# Coverage-guided fuzzing of the AWS response parsers (XML to cJSON, error bodies,
# redaction, config files) with libFuzzer (clang -fsanitize=fuzzer,address,undefined).
#   FUZZ_SECONDS=60 (default)   how long to run
# The corpus is kept in build/fuzz/corpus-aws and grows from run to run; a crash leaves
# its input in build/fuzz/ (replay: build/fuzz/fuzz_aws_xml FILE).
# A bounded random run of the same target is part of `make check` (test_aws_fuzz.c).
set -u
cd "$(dirname "$0")/../.." || exit 1
seconds=${FUZZ_SECONDS:-60}
out=build/fuzz
corpus=$out/corpus-aws
mkdir -p "$corpus"
command -v clang >/dev/null 2>&1 || { echo "run_aws.sh: clang is not installed" >&2; exit 1; }

if [ -z "$(ls -A "$corpus")" ]; then
    printf '\001<ListRolesResponse><ListRolesResult><Roles><member><RoleName>r</RoleName></member></Roles></ListRolesResult></ListRolesResponse>' >"$corpus/query"
    printf '\005<DescribeVpcsResponse><requestId>r</requestId><vpcSet><item><vpcId>v</vpcId></item></vpcSet></DescribeVpcsResponse>' >"$corpus/ec2"
    printf '\006<ListBucketResult><Contents><Key>k</Key></Contents></ListBucketResult>' >"$corpus/s3"
    printf '\000<ErrorResponse><Error><Code>Throttling</Code><Message>m</Message></Error></ErrorResponse>' >"$corpus/error"
    printf '\000{"__type":"a#B","message":"m"}' >"$corpus/json"
fi

echo "run_aws.sh: building $out/fuzz_aws_xml (clang, libFuzzer + ASan + UBSan)"
# shellcheck disable=SC2046
clang -std=c11 -D_GNU_SOURCE -DAWS_FUZZ_LIBFUZZER -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Wall -Wextra -Werror -Iinclude $(pkg-config --cflags libcjson libxml-2.0) \
    tests/fuzz/fuzz_aws_xml.c src/aws/xml.c src/aws/error.c src/aws/wirelog.c src/aws/ini.c \
    src/util/buf.c src/util/xalloc.c \
    $(pkg-config --libs libcjson libxml-2.0) -lpthread -o "$out/fuzz_aws_xml" || exit 1

"$out/fuzz_aws_xml" -max_total_time="$seconds" -max_len=8192 -artifact_prefix="$out/" \
    -print_final_stats=1 "$corpus"
status=$?
[ $status -eq 0 ] && echo "run_aws.sh: no crash, leak or sanitizer error in ${seconds}s" ||
    echo "run_aws.sh: FAILED (exit $status); the crashing input is in $out/"
exit $status
