// Setup mode of the hub (hub/setup_mode.h): the check the web layer calls
// before serving, and when the hub leaves setup mode.
#include "hub/setup_mode.h"

#include <doctest/doctest.h>

#include "hub/store.h"
#include "sync/accounts.h"
#include "tests/support/temp_dir.h"

namespace simpul::hub {
namespace {

TEST_CASE("setup mode: the web application is refused until an active administrator exists") {
  testing::TempDir tmp;
  auto store = HubStore::Init(tmp.File("hub"), "Dinsos Uji", sync::SystemClock::Default());
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  HubStore& hub = **store;

  // A fresh hub: setup mode, and no web application.
  CHECK(InSetupMode(hub));
  Status refused = CheckWebAppAllowed(hub);
  CHECK(refused.code() == Code::kFailedPrecondition);
  REQUIRE(refused.msg_id().has_value());
  CHECK(*refused.msg_id() == MsgId::kSetupModeWebRefused);
  CHECK(Describe(Lang::kEn, refused).find("administrator") != std::string::npos);
  CHECK(Describe(Lang::kId, refused).find("administrator") != std::string::npos);
  CHECK(SetupModeWarning(Lang::kEn).find("setup mode") != std::string::npos);
  CHECK(SetupModeWarning(Lang::kId).find("mode persiapan") != std::string::npos);

  // The first account (always an administrator) ends setup mode.
  REQUIRE(sync::AddOperator(hub.db(), "admin", "administrator", "passw0rd-admin").ok());
  CHECK_FALSE(InSetupMode(hub));
  CHECK(CheckWebAppAllowed(hub).ok());

  // Accounts remain but no active administrator: still no web application
  // (nobody could manage its accounts), though the console needs sign-in.
  REQUIRE(sync::AddOperator(hub.db(), "verif", "hub_verifier", "passw0rd-verif").ok());
  REQUIRE(sync::DisableOperator(hub.db(), "admin").ok());
  CHECK_FALSE(InSetupMode(hub));
  CHECK(CheckWebAppAllowed(hub).code() == Code::kFailedPrecondition);

  // Every account disabled: setup mode again, said as loudly.
  REQUIRE(sync::DisableOperator(hub.db(), "verif").ok());
  CHECK(InSetupMode(hub));
  CHECK(CheckWebAppAllowed(hub).code() == Code::kFailedPrecondition);
}

}  // namespace
}  // namespace simpul::hub
