// simpul-hub backup / restore (hub/backup.h): the commands' own code, kept
// out of hub/cli/cli.cc, which only wires them into its command table.
#ifndef SIMPUL_HUB_CLI_BACKUP_H_
#define SIMPUL_HUB_CLI_BACKUP_H_

#include <string>
#include <vector>

#include "hub/store.h"
#include "schema/messages.h"

namespace simpul::hub {

struct BackupCommand {
  std::string data;                // the hub data directory
  std::vector<std::string> words;  // DIR
  bool verify = false, json = false;
  Lang lang = Lang::kEn;
  HubStore* store = nullptr;       // `backup`: the store the operator signed in to (audited)
};

// `backup DIR` (encrypted, while the hub serves) or `backup --verify DIR`.
// The passphrase comes from SIMPUL_BACKUP_PASSPHRASE, else standard input.
Status RunBackupCommand(const BackupCommand& cmd);
// `restore DIR --data HUBDIR`: refused while a server runs on HUBDIR.
Status RunRestoreCommand(const BackupCommand& cmd);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_CLI_BACKUP_H_
