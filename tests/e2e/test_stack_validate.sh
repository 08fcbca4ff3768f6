#!/bin/sh
# `ecsdeploy validate` and `ecsdeploy init` through the binary: the five examples, the
# DESIGN.md sketch, JSON output without secret values, --set/--set-file, exit codes.
. tests/e2e/lib.sh
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PY=/usr/bin/python3

for ex in canardstack dbward dekart news-api fdk; do
    expect_exit 0 -- "$ECSDEPLOY" validate -f "examples/$ex.yml"
    expect_in "$out" "examples/$ex.yml: stack $ex is valid" "$ex validates"
    expect_exit 0 -- "$ECSDEPLOY" validate -f "examples/$ex.yml" --output json
    printf '%s' "$out" | $PY -c 'import json,sys; d=json.load(sys.stdin); assert d["stack"]==sys.argv[1], d["stack"]' "$ex" \
        && pass || fail "$ex: --output json is not the model as JSON"
done
expect_exit 0 -- "$ECSDEPLOY" validate -f examples/news-api.yml
expect_in "$out" "databases       db (existing news-api-db)" "news-api names its existing database"
expect_in "$out" "caches          cache (existing news-api-cache)" "news-api names its existing cache"
expect_exit 0 -- "$ECSDEPLOY" validate -f examples/dbward.yml --set alb=true
expect_in "$out" "load balancers  web: internet-facing HTTP:80" "dbward with --set alb=true has its ALB"
expect_exit 0 -- "$ECSDEPLOY" validate -f examples/fdk.yml --set monitoring=true
expect_in "$out" "2 more containers" "fdk with the monitoring sidecar"

# The summary of canardstack, line by line.
expect_exit 0 -- "$ECSDEPLOY" validate -f examples/canardstack.yml
want='examples/canardstack.yml: stack canardstack is valid
  network         new VPC 10.78.0.0/16, 2 zones, public subnets (/20), NAT none
  services        app: 512 cpu, 1024 MiB, ARM64, 1 task, port 4318, public subnets, behind public, exec
                  catalog: 256 cpu, 1024 MiB, ARM64, 1 task, port 9494, public subnets, discovery catalog, exec
  load balancers  public: internet-facing HTTP:80
  secrets         api-key (from_env, else generate), admin-api-key (from_env, else generate), quack-token (from_env, else generate)
  buckets         data (canardstack-data-<hash of account and region>, kept)
  discovery       canardstack.local
  outputs         url, ducklake_attach_uri, ducklake_data_path, api_key, admin_api_key, quack_token'
[ "$out" = "$want" ] && pass || fail "canardstack summary: $out"

# The sketch in DESIGN.md is a valid stack file.
if [ -f ../shared/DESIGN.md ]; then
    sed -n '/^## The stack file/,/^## /p' ../shared/DESIGN.md | sed -n '/^```yaml$/,/^```$/p' | sed '1d;$d' > "$TMP/sketch.yml"
    expect_exit 0 -- "$ECSDEPLOY" validate -f "$TMP/sketch.yml"
    expect_in "$out" "stack canardstack is valid" "the DESIGN.md sketch validates"
else
    echo "note: ../shared/DESIGN.md absent; sketch check skipped"
fi

# The examples in the README and in ecsdeploy-stack(5) are valid.
sed -n '/^## Stack file/,/^## /p' README.md | sed -n '/^```yaml$/,/^```$/p' | sed '1d;$d' > "$TMP/readme.yml"
expect_exit 0 -- "$ECSDEPLOY" validate -f "$TMP/readme.yml"
expect_in "$out" "stack shop is valid" "the README example validates"
awk '/^\.SH EXAMPLES/ {on=1} on && /^\.fi/ {n++; inb=0} on && inb {print > (dir "/man" (n+0) ".yml")} on && /^\.nf/ {inb=1}' \
    dir="$TMP" man/ecsdeploy-stack.5
for i in 0 1; do
    expect_exit 0 -- "$ECSDEPLOY" validate -f "$TMP/man$i.yml"
    expect_in "$out" "is valid" "ecsdeploy-stack(5) example $i validates"
done

# JSON stack files are YAML.
printf '{"stack": "js", "services": {"web": {"image": "nginx", "port": 80}}}\n' > "$TMP/s.json"
expect_exit 0 -- "$ECSDEPLOY" validate -f "$TMP/s.json" --output json
printf '%s' "$out" | $PY -c 'import json,sys; d=json.load(sys.stdin); c=d["services"]["web"]["containers"][0]; assert c["ports"][0]["port"]==80' \
    && pass || fail "JSON stack file"

# No secret value reaches the output: from_env is read only at creation.
cat > "$TMP/sec.yml" <<'YML'
stack: sec
secrets:
  pw: { from_env: E2E_SECRET_PW }
  gen: { generate: { length: 30 } }
  file: { from_file: ./pw.txt }
services:
  web: { image: nginx, secrets: { PW: pw, GEN: gen, F: file } }
YML
echo "file-secret-value-xyz" > "$TMP/pw.txt"
E2E_SECRET_PW=env-secret-value-xyz expect_exit 0 -- "$ECSDEPLOY" validate -f "$TMP/sec.yml" --output json
case "$out" in *secret-value-xyz*) fail "a secret value is in validate --output json" ;; *) pass ;; esac

# --set and --set-file through the command line.
printf 'stack: p\nparameters:\n  image: { default: nginx }\n  motd: { default: hi }\nservices:\n  web: { image: "${image}", environment: { MOTD: "${motd}" } }\n' > "$TMP/p.yml"
printf 'hello from a file\n' > "$TMP/motd.txt"
expect_exit 0 -- "$ECSDEPLOY" validate -f "$TMP/p.yml" --set image=httpd:2.4 --set-file "motd=$TMP/motd.txt" --output json
printf '%s' "$out" | $PY -c 'import json,sys; c=json.load(sys.stdin)["services"]["web"]["containers"][0]; assert c["image"]=="httpd:2.4" and c["environment"]["MOTD"]=="hello from a file", c' \
    && pass || fail "--set / --set-file"
expect_exit 2 -- "$ECSDEPLOY" validate -f "$TMP/p.yml" --set imgae=x
expect_in "$err" "$TMP/p.yml: --set imgae=x: unknown parameter 'imgae' (did you mean 'image'?)" "--set unknown"
expect_exit 2 -- "$ECSDEPLOY" --set-file "motd=$TMP/nope" validate -f "$TMP/p.yml"
expect_in "$err" "--set-file motd=$TMP/nope: cannot read $TMP/nope: No such file or directory" "--set-file unreadable"

# With --output json, problems are a JSON document on stdout too (and text on stderr).
expect_exit 2 -- "$ECSDEPLOY" validate -f tests/stack/fargate-cpu.yml --output json
printf '%s' "$out" | $PY -c 'import json,sys; d=json.load(sys.stdin); p=d["problems"][0]; assert d["valid"] is False and (p["line"],p["column"])==(3,29) and p["message"].startswith("services.web.cpu: 300 is not"), d' \
    && pass || fail "validate --output json on a bad file: $out"
expect_in "$err" "tests/stack/fargate-cpu.yml:3:29: services.web.cpu: 300 is not a Fargate cpu size" "text problems on stderr too"

# -f - reads standard input.
out=$("$ECSDEPLOY" validate -f - < examples/news-api.yml 2>&1); rc=$?
[ "$rc" -eq 0 ] && pass || fail "validate -f - exited $rc: $out"
expect_in "$out" "<stdin>: stack news-api is valid" "validate -f -"
out=$(printf 'stack: x\nservices: {}\n' | "$ECSDEPLOY" validate -f - 2>&1); rc=$?
[ "$rc" -eq 2 ] && pass || fail "bad stdin exited $rc"
expect_in "$out" "<stdin>:2:11: services: declare at least one service" "problems in stdin are placed"

# Missing file, stray argument.
expect_exit 2 -- "$ECSDEPLOY" validate -f "$TMP/none.yml"
expect_in "$err" "$TMP/none.yml: cannot open the stack file: No such file or directory (create one with 'ecsdeploy init', or name one with -f FILE)" "missing file"
expect_in "$err" "ecsdeploy: $TMP/none.yml: 1 problem; nothing was sent to AWS" "closing line"
expect_exit 2 -- "$ECSDEPLOY" validate -f "$TMP"
expect_in "$err" "$TMP: cannot read the stack file: Is a directory" "a directory"
head -c 1100000 /dev/zero | tr '\0' '#' > "$TMP/big.yml"
expect_exit 2 -- "$ECSDEPLOY" validate -f "$TMP/big.yml"
expect_in "$err" "$TMP/big.yml: the file is larger than 1024 KiB; a stack file is far smaller" "size cap"
expect_exit 2 -- "$ECSDEPLOY" validate -f "$TMP/p.yml" --set-file "motd=$TMP/big.yml"
expect_in "$err" "$TMP/p.yml: --set-file motd=$TMP/big.yml: the file is larger than 1 MiB" "--set-file size cap"
printf 'a\0b' > "$TMP/nul.txt"
expect_exit 2 -- "$ECSDEPLOY" validate -f "$TMP/p.yml" --set-file "motd=$TMP/nul.txt"
expect_in "$err" "$TMP/p.yml: --set-file motd=$TMP/nul.txt: the file contains a NUL byte" "--set-file NUL"
expect_exit 2 -- "$ECSDEPLOY" validate extra
expect_in "$err" "validate takes no arguments" "stray argument"

# init: a commented starter that validates; never overwrites.
mkdir -p "$TMP/My Shop"
( cd "$TMP/My Shop" && "$ECSDEPLOY" init >/dev/null 2>&1 ); rc=$?
[ "$rc" -eq 0 ] && pass || fail "init exited $rc"
grep -q '^stack: my-shop$' "$TMP/My Shop/ecsdeploy.yml" && pass || fail "init did not name the stack after the directory"
grep -q '^# ' "$TMP/My Shop/ecsdeploy.yml" && pass || fail "init wrote no comments"
( cd "$TMP/My Shop" && "$ECSDEPLOY" validate >/dev/null 2>&1 ) && pass || fail "the starter file does not validate"
( cd "$TMP/My Shop" && "$ECSDEPLOY" init >/dev/null 2>"$TMP/err" ); rc=$?
[ "$rc" -eq 2 ] && pass || fail "second init exited $rc, wanted 2"
expect_in "$(cat "$TMP/err")" "ecsdeploy.yml already exists; not overwriting it" "init refuses to overwrite"
grep -q '^stack: my-shop$' "$TMP/My Shop/ecsdeploy.yml" && pass || fail "init overwrote the file"

expect_exit 0 -- "$ECSDEPLOY" init -f "$TMP/shop.yml" --name shop --image ghcr.io/acme/shop:1.2 --port 8080
expect_in "$out" "wrote $TMP/shop.yml for stack shop" "init message"
expect_exit 0 -- "$ECSDEPLOY" validate -f "$TMP/shop.yml" --output json
printf '%s' "$out" | $PY -c 'import json,sys; d=json.load(sys.stdin); c=d["services"]["shop"]["containers"][0]; assert d["stack"]=="shop" and c["image"]=="ghcr.io/acme/shop:1.2" and c["ports"][0]["port"]==8080, c' \
    && pass || fail "init --name/--image/--port"
expect_exit 2 -- "$ECSDEPLOY" init -f "$TMP/x.yml" --name Bad_Name
expect_in "$err" "--name 'Bad_Name' must start with a lowercase letter" "init bad name"
expect_exit 2 -- "$ECSDEPLOY" init -f "$TMP/x.yml" --port 70000
expect_in "$err" "--port must be a number from 1 to 65535, not '70000'" "init bad port"
expect_exit 2 -- "$ECSDEPLOY" init -f "$TMP/x.yml" --image "Not An Image"
expect_in "$err" "--image 'Not An Image' is not an image reference" "init bad image"
[ ! -e "$TMP/x.yml" ] && pass || fail "init wrote a file despite bad options"

finish
