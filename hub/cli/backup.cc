#include "hub/cli/backup.h"

#include <cstdlib>
#include <iostream>

#include "hub/backup.h"
#include "hub/ui_texts.h"
#include "schema/json_writer.h"

namespace simpul::hub {
namespace {

std::string Passphrase() {
  if (const char* p = std::getenv("SIMPUL_BACKUP_PASSPHRASE"); p && *p) return p;
  std::string line;
  std::getline(std::cin, line);
  return line;
}

}  // namespace

Status RunBackupCommand(const BackupCommand& cmd) {
  const Lang lang = cmd.lang;
  if (cmd.words.size() != 1) return Status::InvalidArgument("give the backup directory: simpul-hub backup DIR");
  const std::string& dir = cmd.words[0];
  std::string pass = Passphrase();
  BackupReport r;
  if (cmd.verify) {
    SIMPUL_ASSIGN_OR_RETURN(r, VerifyBackup(dir, pass));
  } else {
    SIMPUL_ASSIGN_OR_RETURN(r, WriteBackup(cmd.data, dir, pass, sync::SystemClock::Default()));
    if (cmd.store) {
      SIMPUL_ASSIGN_OR_RETURN(auto txn, cmd.store->BeginWrite());
      SIMPUL_RETURN_IF_ERROR(cmd.store->Audit("backup", "", dir, std::to_string(r.files) + " files"));
      SIMPUL_RETURN_IF_ERROR(txn.Commit());
    }
  }
  if (cmd.json) {
    schema::JsonWriter j;
    j.BeginObject().Field("dir", dir).Field("verified", cmd.verify).Field("files", static_cast<int64_t>(r.files))
        .Field("bytes", static_cast<int64_t>(r.bytes)).Field("hub_id", r.hub_id)
        .Field("created_ms", static_cast<int64_t>(r.created_ms)).Field("epoch_lineage", r.epoch_lineage);
    std::cout << j.EndObject().str() << "\n";
    return Status::Ok();
  }
  std::cout << (cmd.verify ? Tr(lang, "Backup verified: ") : Tr(lang, "Backup written: ")) << dir << "\n  "
            << r.files << Tr(lang, " files, ") << r.bytes << Tr(lang, " bytes, encrypted") << "\n";
  if (!cmd.verify)
    std::cout << Tr(lang, "Keep the passphrase apart from the backup; check it with: simpul-hub backup --verify ")
              << dir << "\n";
  return Status::Ok();
}

Status RunRestoreCommand(const BackupCommand& cmd) {
  const Lang lang = cmd.lang;
  if (cmd.words.size() != 1)
    return Status::InvalidArgument("give the backup directory: simpul-hub restore DIR --data HUBDIR");
  std::string pass = Passphrase();
  SIMPUL_ASSIGN_OR_RETURN(RestoreReport r, RestoreBackup(cmd.words[0], cmd.data, pass, sync::SystemClock::Default()));
  if (cmd.json) {
    schema::JsonWriter j;
    j.BeginObject().Field("epoch", r.epoch).Field("moved_aside", r.moved_aside)
        .Field("numbers_proven", r.numbers_proven).Field("kept_current_key", r.kept_current_key)
        .Field("files", static_cast<int64_t>(r.files));
    std::cout << j.EndObject().str() << "\n";
    return Status::Ok();
  }
  std::cout << Tr(lang, "Hub restored; new epoch ") << r.epoch << "\n";
  if (!r.moved_aside.empty()) std::cout << Tr(lang, "  the replaced hub.db is kept in ") << r.moved_aside << "\n";
  if (r.kept_current_key) std::cout << Tr(lang, "  the current hub key (newer than the backup) was kept") << "\n";
  std::cout << Tr(lang, "  villages give back what the hub lost at their next sync") << "\n";
  if (!r.numbers_proven)
    std::cout << Tr(lang, "  letter numbers wait until every village has synced (no number is issued twice)") << "\n";
  return Status::Ok();
}

}  // namespace simpul::hub
