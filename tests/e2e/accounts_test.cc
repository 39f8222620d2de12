// Operator accounts and roles, through the real binaries: each role's
// allowed and forbidden commands on the hub and on a node; refusals are
// audited where they reached the system.
#include <doctest/doctest.h>

#include <map>

#include "tests/support/check_text.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace simpul {
namespace {

using testing::BinPath;
using testing::ProcessResult;
using testing::Run;

constexpr int kNotAuthorized = 7;

struct Tool {
  std::string bin, data;
  ProcessResult As(const std::string& user, const std::string& password, std::vector<std::string> args,
                   std::vector<std::string> env = {}) const {
    std::vector<std::string> argv = {bin, "--data", data};
    argv.insert(argv.end(), args.begin(), args.end());
    env.push_back("LANG=C");
    if (!user.empty()) env.push_back("SIMPUL_USER=" + user);
    env.push_back("SIMPUL_PASSWORD=" + password);
    return Run(argv, env, 60);
  }
};

TEST_CASE("accounts: hub roles allow their own actions and refuse others") {
  testing::TempDir dir;
  Tool hub{BinPath("simpul-hub"), dir.File("hub")};
  REQUIRE(hub.As("", "", {"init"}).exit_code == 0);
  // Setup mode: the first account must be an administrator.
  CHECK(hub.As("", "", {"user", "add", "vera", "--role", "hub_verifier"}, {"SIMPUL_NEW_PASSWORD=passw0rd-vera"}).exit_code == 2);
  REQUIRE(hub.As("", "", {"user", "add", "root", "--role", "administrator"}, {"SIMPUL_NEW_PASSWORD=passw0rd-root"}).exit_code == 0);
  std::map<std::string, std::string> pw = {{"root", "passw0rd-root"}};
  for (const auto& [name, role] : std::vector<std::pair<std::string, std::string>>{
           {"vera", "hub_verifier"}, {"ofi", "approving_official"}, {"kec", "kecamatan_verifier"}, {"aud", "auditor"}}) {
    pw[name] = "passw0rd-" + name;
    ProcessResult r = hub.As("root", pw["root"], {"user", "add", name, "--role", role}, {"SIMPUL_NEW_PASSWORD=" + pw[name]});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  struct Case {
    std::string user;
    std::vector<std::string> args;
    bool allowed;
  };
  const std::vector<Case> cases = {
      {"root", {"node", "enrol", "--village", "35.10.01.2001"}, true},
      {"vera", {"node", "enrol", "--village", "35.10.01.2001"}, false},
      {"aud", {"node", "enrol", "--village", "35.10.01.2001"}, false},
      {"vera", {"application", "list"}, true},
      {"aud", {"application", "list"}, true},
      {"kec", {"application", "list"}, true},
      {"aud", {"audit"}, true},
      {"vera", {"audit"}, false},
      {"ofi", {"audit"}, false},
      {"vera", {"conflicts"}, true},
      {"aud", {"user", "list"}, false},
      {"root", {"user", "list"}, true},
      // Decisions: refused by role before the (unknown) application is looked up.
      {"vera", {"application", "approve", "no-such-app"}, false},
      {"kec", {"application", "return", "no-such-app", "--reason", "x"}, false},
      {"aud", {"application", "visit", "no-such-app", "--reason", "x"}, false},
      {"ofi", {"node", "revoke", "no-such-node", "--reason", "x"}, false},
      // Data protection: purges and key rotation are the administrator's.
      {"vera", {"purge", "person", "no-such-person", "--reason", "x"}, false},
      {"ofi", {"purge", "expired", "--older-than-days", "3650", "--dry-run"}, false},
      {"aud", {"key", "list"}, false},
      {"vera", {"key", "rotate"}, false},
      {"root", {"key", "list"}, true},
      {"root", {"purge", "expired", "--older-than-days", "3650", "--dry-run"}, true},
  };
  for (const auto& c : cases) {
    ProcessResult r = hub.As(c.user, pw[c.user], c.args);
    std::string cmd;
    for (const auto& a : c.args) cmd += a + " ";
    INFO(c.user << ": " << cmd << " -> exit " << r.exit_code << " " << r.err);
    if (c.allowed) CHECK(r.exit_code == 0);
    else CHECK(r.exit_code == kNotAuthorized);
  }
  // A typo in a number is refused, named, before anything is purged: atoi
  // read "36S0" as 36 days.
  {
    ProcessResult typo = hub.As("root", pw["root"], {"purge", "expired", "--older-than-days", "36S0"});
    INFO(typo.err);
    CHECK(typo.exit_code == 2);
    CHECK_HAS(typo.err, "--older-than-days");
    CHECK_HAS(typo.err, "36S0");
  }
  // Allowed by role, then refused for what it is (an unknown application): exit 2, not 7.
  CHECK(hub.As("ofi", pw["ofi"], {"application", "approve", "no-such-app"}).exit_code == 2);
  // No account, a wrong password, a disabled account: refused.
  CHECK(hub.As("", "", {"application", "list"}).exit_code == kNotAuthorized);
  CHECK(hub.As("vera", "wrong-password", {"application", "list"}).exit_code == kNotAuthorized);
  REQUIRE(hub.As("root", pw["root"], {"user", "disable", "vera"}).exit_code == 0);
  CHECK(hub.As("vera", pw["vera"], {"application", "list"}).exit_code == kNotAuthorized);
  // Every refusal reached the audit log, which still verifies.
  ProcessResult audit = hub.As("aud", pw["aud"], {"--json", "audit", "--action", "refused", "--limit", "1000"});
  REQUIRE(audit.exit_code == 0);
  size_t refusals = 0;
  for (size_t at = 0; (at = audit.out.find("\"action\":\"refused\"", at)) != std::string::npos; ++at) ++refusals;
  CHECK(refusals >= 11);
  CHECK(audit.out.find("sign-in failed") != std::string::npos);
  CHECK(hub.As("aud", pw["aud"], {"audit", "--verify"}).exit_code == 0);
}

TEST_CASE("accounts: node roles, sign-in, and refusals audited") {
  testing::TempDir dir;
  Tool node{BinPath("simpul-node"), dir.File("node")};
  REQUIRE(node.As("", "", {"init", "--village", "35.10.01.2001"}).exit_code == 0);
  REQUIRE(node.As("", "", {"user", "add", "admin", "--role", "administrator"}, {"SIMPUL_NEW_PASSWORD=passw0rd-admin"}).exit_code == 0);
  REQUIRE(node.As("admin", "passw0rd-admin", {"user", "add", "ops", "--role", "village_operator"},
                  {"SIMPUL_NEW_PASSWORD=passw0rd-ops1"}).exit_code == 0);
  REQUIRE(node.As("admin", "passw0rd-admin", {"user", "add", "aud", "--role", "auditor"},
                  {"SIMPUL_NEW_PASSWORD=passw0rd-aud1"}).exit_code == 0);
  CHECK(node.As("", "", {"household", "add", "--address", "X"}).exit_code == kNotAuthorized);
  CHECK(node.As("ops", "wrong-one", {"household", "add", "--address", "X"}).exit_code == kNotAuthorized);
  CHECK(node.As("ops", "passw0rd-ops1", {"household", "add", "--address", "X"}).exit_code == 0);
  CHECK(node.As("aud", "passw0rd-aud1", {"household", "add", "--address", "X"}).exit_code == kNotAuthorized);
  CHECK(node.As("aud", "passw0rd-aud1", {"household", "list"}).exit_code == 0);
  CHECK(node.As("ops", "passw0rd-ops1", {"user", "list"}).exit_code == kNotAuthorized);
  CHECK(node.As("ops", "passw0rd-ops1", {"enrol", "--hub", "http://127.0.0.1:1", "--code", "x"}).exit_code ==
        kNotAuthorized);
  // Changing the office passphrase is the administrator's; the store must
  // be unlocked first (the passphrase) and then the account decides.
  CHECK(node.As("ops", "passw0rd-ops1", {"passphrase", "change"}, {"SIMPUL_NEW_PASSPHRASE=another passphrase"})
            .exit_code == kNotAuthorized);
  CHECK(node.As("admin", "passw0rd-admin", {"household", "list"}, {"SIMPUL_PASSPHRASE=not the passphrase"})
            .exit_code == kNotAuthorized);
  // The refusals are in the node's audit chain, which replicates to the hub.
  ProcessResult ob = node.As("aud", "passw0rd-aud1", {"--json", "outbox"});
  REQUIRE(ob.exit_code == 0);
  CHECK(ob.out.find("sign-in failed") != std::string::npos);
  CHECK(ob.out.find("may not run enrol") != std::string::npos);
  CHECK(ob.out.find("\"value\":\"ops\"") != std::string::npos);  // the refused operator is named
}

}  // namespace
}  // namespace simpul
