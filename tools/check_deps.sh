#!/usr/bin/env bash
# Include-direction lint: the dependency arrow is schema <- sync <- {node, hub}.
# node and hub never include each other; schema includes no Boost, cereal or
# libsodium; nothing but tools and tests includes tools/ or tests/.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
check() {  # dir, forbidden-regex, why
  local hits
  hits=$(grep -rnE "$2" "$1" --include='*.h' --include='*.cc' || true)
  if [ -n "$hits" ]; then echo "check_deps: $3"; echo "$hits"; fail=1; fi
}
check schema '#include "(sync|node|hub|tools|tests)/' "schema/ must not include sync, node, hub, tools or tests"
check schema '#include <(boost|cereal|sodium)' "schema/ must not use Boost, cereal or libsodium"
check sync '#include "(node|hub|tools|tests)/' "sync/ must not include node, hub, tools or tests"
check node '#include "(hub|tools|tests)/' "node/ must not include hub, tools or tests"
check hub '#include "(node|tools|tests)/' "hub/ must not include node, tools or tests"
[ $fail -eq 0 ] && echo "check_deps: dependency arrow respected"
exit $fail
