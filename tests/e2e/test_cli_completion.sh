#!/bin/sh
# `ecsdeploy completion bash|zsh|fish`: bash loads the script and completes commands,
# flags, flag values and the stack file's service names (COMP_WORDS simulated); zsh and
# fish accept theirs (checked when those shells are installed).
. tests/e2e/lib.sh

bin=$(mktemp -d)
ln -s "$(cd "$(dirname "$ECSDEPLOY")" && pwd)/$(basename "$ECSDEPLOY")" "$bin/ecsdeploy"
export PATH="$bin:$PATH"

expect_exit 0 -- bash -c 'source <(ecsdeploy completion bash) && complete -p ecsdeploy'
expect_in "$out" "complete -F _ecsdeploy ecsdeploy" "bash registers the completion"

# complete WORDS...: what bash offers for the last word
complete_words() {
    bash -c 'source <(ecsdeploy completion bash)
             COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ecsdeploy; echo "${COMPREPLY[*]}"' _ "$@"
}
[ "$(complete_words ecsdeploy dep)" = "deploy" ] && pass || fail "dep -> $(complete_words ecsdeploy dep)"
[ "$(complete_words ecsdeploy st)" = "status" ] && pass || fail "st -> $(complete_words ecsdeploy st)"
expect_in "$(complete_words ecsdeploy deploy --st)" "--strategy" "a command's flag"
expect_in "$(complete_words ecsdeploy deploy --st)" "--step-percent" "a command's flags"
expect_in "$(complete_words ecsdeploy status --out)" "--output" "a global flag after the command"
[ "$(complete_words ecsdeploy deploy --strategy b)" = "blue-green" ] && pass \
    || fail "--strategy b -> $(complete_words ecsdeploy deploy --strategy b)"
[ "$(complete_words ecsdeploy --output j)" = "json" ] && pass || fail "--output j"
[ "$(complete_words ecsdeploy help dep)" = "deploy" ] && pass || fail "help dep"
[ "$(complete_words ecsdeploy completion z)" = "zsh" ] && pass || fail "completion z"
[ "$(complete_words ecsdeploy -f examples/canardstack.yml status "")" = "app catalog" ] && pass \
    || fail "services of -f FILE: $(complete_words ecsdeploy -f examples/canardstack.yml status "")"
[ "$(complete_words ecsdeploy logs c --file=examples/canardstack.yml)" = "" ] && pass || fail "a flag value is not a service"
[ "$(complete_words ecsdeploy --file=examples/canardstack.yml logs c)" = "catalog" ] && pass \
    || fail "--file=FILE logs c -> $(complete_words ecsdeploy --file=examples/canardstack.yml logs c)"
[ "$(complete_words ecsdeploy exec app -- c)" = "" ] && pass || fail "after -- nothing is offered"
# no stack file: no names, and nothing printed into the command line
[ "$(cd /tmp && complete_words ecsdeploy status "")" = "" ] && pass || fail "names without a stack file"

expect_exit 0 -- ecsdeploy -f examples/canardstack.yml completion --list services
[ "$out" = "$(printf 'app\ncatalog')" ] && pass || fail "--list services: $out"
expect_exit 2 -- ecsdeploy completion tcsh
expect_in "$err" "bash, zsh and fish" "an unknown shell"

if command -v zsh >/dev/null 2>&1; then
    ecsdeploy completion zsh >"$bin/_ecsdeploy"
    expect_exit 0 -- zsh -n "$bin/_ecsdeploy"
    expect_in "$(head -1 "$bin/_ecsdeploy")" "#compdef ecsdeploy" "zsh script header"
fi
if command -v fish >/dev/null 2>&1; then
    ecsdeploy completion fish >"$bin/ecsdeploy.fish"
    expect_exit 0 -- fish -n "$bin/ecsdeploy.fish"
    expect_exit 0 -- fish -c "source $bin/ecsdeploy.fish; complete -C'ecsdeploy dep'"
    expect_in "$out" "deploy" "fish completes a command"
    expect_exit 0 -- fish -c "source $bin/ecsdeploy.fish; complete -C'ecsdeploy -f examples/canardstack.yml logs '"
    expect_in "$out" "catalog" "fish completes service names"
fi
rm -rf "$bin"
finish
