#include "hub/setup_mode.h"

#include "sync/accounts.h"

namespace simpul::hub {

bool InSetupMode(HubStore& store) { return !sync::HasOperators(store.db()); }

Status CheckWebAppAllowed(HubStore& store) {
  if (sync::HasAdministrator(store.db())) return Status::Ok();
  return Status::FailedPrecondition("the web application is not served until an administrator account exists")
      .WithMsg(MsgId::kSetupModeWebRefused);
}

std::string SetupModeWarning(Lang lang) { return Msg(lang, MsgId::kSetupModeWarning); }

}  // namespace simpul::hub
