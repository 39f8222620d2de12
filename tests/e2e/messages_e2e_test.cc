// Messages to residents with the real binaries: Dinsos returns two
// applications; at the village each return becomes a plain-Bahasa text for
// the resident's phone, with a click-to-chat link, only when a phone and
// consent are on record; the operator records one as sent (never twice);
// the hub's gateway sends the other once consent arrives, after a failed
// attempt, and the village learns it was sent.
#include "tests/support/cluster.h"

#include <sys/stat.h>

namespace simpul::testing {
namespace {

constexpr int kBadInput = 2;

std::string Script(TempDir& dir, const std::string& name, const std::string& body) {
  std::string path = dir.File(name);
  WriteFile(path, "#!/bin/sh\n" + body + "\n");
  chmod(path.c_str(), 0700);
  return path;
}

const Json* MessageOf(const Json& list, const std::string& name) {
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i]["name"].str() == name) return &list[i];
  return nullptr;
}

TEST_CASE("messages: returns become texts for residents; click-to-chat at the village, the hub's gateway, never twice") {
  TempDir files;
  Hub hub;
  hub.Start();
  Node sarongan(kSarongan);
  sarongan.Enrol(hub, hub.url());
  Applicant siti = sarongan.SubmittedApplicant(1, "Siti Aminah");
  Applicant wati = sarongan.SubmittedApplicant(2, "Wati");
  sarongan.Do({"person", "edit", siti.person, "--phone", "0812-3456-7890", "--phone-consent", "ya"});
  sarongan.Do({"person", "edit", wati.person, "--phone", "081298765432"});
  CHECK(sarongan.Ok({"sync"})["verified"].truthy());
  hub.Do({"application", "return", siti.application, "--reason", "Lampirkan KK terbaru"});
  hub.Do({"application", "return", wati.application, "--reason", "Foto rumah kurang jelas"});
  CHECK(sarongan.Ok({"sync"})["verified"].truthy());

  // Only Siti's is waiting: Wati has not agreed to be messaged.
  Json waiting = sarongan.Ok({"messages"});
  REQUIRE(waiting.size() == 1);
  CHECK(waiting[0]["name"].str() == "Siti Aminah");
  CHECK(waiting[0]["state"].str() == "pending");
  LH_CHECK_HAS(waiting[0]["text"].str(), "dikembalikan oleh Dinas Sosial untuk dilengkapi: Lampirkan KK terbaru");
  LH_CHECK_HAS(waiting[0]["text"].str(), "kantor desa Sarongan");
  CHECK(waiting[0]["link"].str().rfind("https://wa.me/6281234567890?text=Yth.%20Bapak%2FIbu%20Siti%20Aminah", 0) == 0);
  Json all = sarongan.Ok({"messages", "--all"});
  const Json* wati_message = MessageOf(all, "Wati");
  REQUIRE(wati_message);
  CHECK((*wati_message)["state"].str() == "no_consent");
  const std::string siti_event = waiting[0]["event_id"].str(), wati_event = (*wati_message)["event_id"].str();

  ProcessResult refused = sarongan.Cli({"message", "sent", wati_event});
  CHECK(refused.exit_code == kBadInput);
  LH_CHECK_HAS(refused.err, "has not agreed to be contacted");
  CHECK(sarongan.Ok({"message", "sent", siti_event})["state"].str() == "sent");
  ProcessResult twice = sarongan.Cli({"message", "sent", siti_event});
  CHECK(twice.exit_code == kBadInput);
  LH_CHECK_HAS(twice.err, "already sent");
  CHECK(sarongan.Ok({"messages"}).size() == 0);

  // Wati agrees; the hub's gateway sends hers, not Siti's (sent at the village).
  sarongan.Do({"person", "edit", wati.person, "--phone-consent", "ya"});
  CHECK(sarongan.Ok({"sync"})["verified"].truthy());
  std::string log = files.File("gateway.log");
  Json failed = hub.Ok({"messages", "send", "--gateway", Script(files, "broken.sh", "echo kuota habis; exit 3")});
  CHECK(failed["sent"].num() == 0);
  CHECK(failed["failed"].num() == 1);
  CHECK(failed["failures"][0]["detail"].str() == "kuota habis (exit 3)");
  std::string gateway = Script(files, "gateway.sh", "printf '%s|%s\\n' \"$1\" \"$2\" >> " + log);
  Json sent = hub.Ok({"messages", "send", "--gateway", gateway});
  CHECK(sent["sent"].num() == 1);
  std::string delivered = ReadFile(log);
  LH_CHECK_HAS(delivered, "+6281298765432|Yth. Bapak/Ibu Wati, permohonan");
  LH_CHECK_HAS(delivered, "Foto rumah kurang jelas");
  CHECK(delivered.find("Siti") == std::string::npos);
  CHECK(hub.Ok({"messages", "send", "--gateway", gateway})["sent"].num() == 0);
  CHECK(hub.Count("SELECT count(*) FROM hub_audit WHERE action='message_sent'") == 1);
  ProcessResult relative = hub.Cli({"messages", "send", "--gateway", "gateway.sh"});
  CHECK(relative.exit_code == kBadInput);

  CHECK(sarongan.Ok({"sync"})["verified"].truthy());
  Json after = sarongan.Ok({"messages", "--all"});
  const Json* hers = MessageOf(after, "Wati");
  REQUIRE(hers);
  CHECK((*hers)["state"].str() == "sent");
  CHECK((*hers)["sent_channel"].str() == "gateway");
}

}  // namespace
}  // namespace simpul::testing
