#!/usr/bin/env bash
# Include-direction lint: the dependency arrows are schema <- sync <- {node, hub}
# and schema <- web <- {node, hub} (the shared web layer). node and hub never
# include each other; schema includes no Boost, cereal or libsodium; web's
# headers include no Boost (Beast stays in web/http_server.cc and the HTTPS
# client web/https_client.cc, Boost.JSON in web/json.cc, Boost.URL in
# web/http.cc and web/https_client.cc); nothing but tools and tests
# includes tools/ or tests/.
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
check sync '#include "(node|hub|web|tools|tests)/' "sync/ must not include node, hub, web, tools or tests"
check web '#include "(sync|node|hub|tools|tests)/' "web/ may include schema/ only"
hits=$(grep -rnE '#include <boost' web --include='*.h' || true)
if [ -n "$hits" ]; then echo "check_deps: web/ headers must not include Boost"; echo "$hits"; fail=1; fi
hits=$(grep -lE '#include <boost/(beast|asio)' -r web --include='*.cc' | grep -vE '^web/(http_server|https_client).cc$' || true)
if [ -n "$hits" ]; then echo "check_deps: Beast/Asio only in web/http_server.cc and web/https_client.cc"; echo "$hits"; fail=1; fi
hits=$(grep -lE '#include <boost/json' -r web --include='*.cc' | grep -v '^web/json.cc$' || true)
if [ -n "$hits" ]; then echo "check_deps: Boost.JSON only in web/json.cc"; echo "$hits"; fail=1; fi
hits=$(grep -lE '#include <boost/url' -r web --include='*.cc' | grep -vE '^web/(http|https_client).cc$' || true)
if [ -n "$hits" ]; then echo "check_deps: Boost.URL only in web/http.cc and web/https_client.cc"; echo "$hits"; fail=1; fi
check node '#include "(hub|tools|tests)/' "node/ must not include hub, tools or tests"
check hub '#include "(node|tools|tests)/' "hub/ must not include node, tools or tests"
[ $fail -eq 0 ] && echo "check_deps: dependency arrow respected"
exit $fail
