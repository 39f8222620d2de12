// Setup mode of a hub: the state of a freshly created hub that has no
// operator account yet (sync/accounts.h). In setup mode the command line
// runs every command without a sign-in, so that the first administrator can
// be created; what it records is attributed to "NAME (no account)".
//
// That is fine for the first minutes of an installation and dangerous for
// any longer: anyone who can run simpul-hub may approve. So the hub says so
// on every command and when the server starts, and the web application
// (which is reachable by more people than the server's console) is not
// served at all until an active administrator account exists.
//
// Thread-safety: functions over one HubStore, used by one thread at a time.
#ifndef SIMPUL_HUB_SETUP_MODE_H_
#define SIMPUL_HUB_SETUP_MODE_H_

#include <string>

#include "hub/store.h"
#include "schema/messages.h"

namespace simpul::hub {

// True while the hub has no active operator account.
bool InSetupMode(HubStore& store);

// Ok when the web application may be served: an active administrator
// account exists. Otherwise FailedPrecondition carrying
// MsgId::kSetupModeWebRefused (for the operator and the log). The web layer
// calls it at start and before serving each session.
Status CheckWebAppAllowed(HubStore& store);

// The warning printed on stderr by every operator command (and logged by
// `serve`) while the hub is in setup mode.
std::string SetupModeWarning(Lang lang);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_SETUP_MODE_H_
