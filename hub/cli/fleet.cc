// simpul-hub commands on the fleet of village laptops and residents' data:
// enrolment codes, revocation, the hub key, purges (UU PDP).
#include "hub/cli/internal.h"
#include "schema/command_line.h"

#include "hub/stages.h"
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <algorithm>
#include "hub/audit_log.h"
#include "hub/backup.h"
#include "hub/cli/backup.h"
#include "hub/enrolment.h"
#include "hub/moves.h"
#include "hub/operations.h"
#include "hub/serve.h"
#include "hub/setup_mode.h"
#include "hub/sync_service.h"
#include "schema/exit_codes.h"
#include "schema/json_writer.h"
#include "sync/purge.h"
#include "schema/messages.h"
#include "schema/store_files.h"
#include "schema/validate.h"
#include "schema/workflow.h"
#include "sync/accounts.h"
#include "sync/audit.h"

namespace simpul::hub::cli {

Status CmdEnrol(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 0, {"village"}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  // Read whole here; IssueEnrolment says the range (1..90) when it is outside.
  SIMPUL_ASSIGN_OR_RETURN(int64_t days, schema::IntOption(a.opts, "days", 7, -1'000'000, 1'000'000));
  SIMPUL_ASSIGN_OR_RETURN(EnrolmentSlip slip, IssueEnrolment(*store, a.opts["village"], static_cast<int>(days)));
  if (a.json) {
    std::cout << schema::JsonWriter().BeginObject().Field("code", slip.code).Field("village", slip.village)
                     .Field("hub_key", slip.hub_key).Field("expires_ms", slip.expires_ms).EndObject().str() << "\n";
  } else {
    std::cout << a.T("One-time enrolment code for village ") << slip.village << ":\n\n    " << slip.code << "\n\n"
              << a.T("On the village laptop: ") << NodeEnrolCommand(a.T("http://HUB-ADDRESS:8470"), slip.code) << "\n"
              << a.T("Hub key fingerprint: ") << slip.hub_key << "\n";
  }
  return Status::Ok();
}

Status CmdRevoke(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {"reason"}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_RETURN_IF_ERROR(RevokeNode(*store, a.words[0], a.opts["reason"]));
  std::cout << a.T("Node revoked; refused at its next contact: ")
            << a.words[0] << "\n";
  return Status::Ok();
}

// key rotate: a new hub key, vouched for by the old one. Nodes learn it at
// their next sync (or bundle) and need no re-enrolment; the old key stays
// in retired-keys/ to answer nodes that have not synced since.
Status CmdKeyRotate(Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  std::string old_fp = sync::crypto::Fingerprint(store->identity().sign_pk);
  SIMPUL_ASSIGN_OR_RETURN(auto fresh, store->RotateKey());
  if (a.json) {
    std::cout << schema::JsonWriter().BeginObject().Field("old_key", old_fp)
                     .Field("hub_key", sync::crypto::Fingerprint(fresh)).EndObject().str() << "\n";
    return Status::Ok();
  }
  std::cout << a.T("Hub key rotated: ") << old_fp << " -> " << sync::crypto::Fingerprint(fresh) << "\n"
            << a.T("Villages learn the new key at their next sync; no re-enrolment. Back up hub.key and retired-keys/ offline.")
            << "\n";
  return Status::Ok();
}

// key list: the current key, the retired ones, and how many nodes still
// seal to each (a retired key no node uses any more could be archived).
Status CmdKeyList(Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  std::vector<std::pair<std::string, const sync::crypto::Identity*>> keys = {{"current", &store->identity()}};
  for (const auto& id : store->retired_identities()) keys.push_back({"retired", &id});
  SIMPUL_ASSIGN_OR_RETURN(auto st, store->db().Prepare(
      "SELECT count(*) FROM nodes WHERE status='active' AND (hub_pk=? OR (hub_pk IS NULL AND ?))"));
  schema::JsonWriter j;
  j.BeginArray();
  for (const auto& [state, id] : keys) {
    st.Bind(1, sync::crypto::ToHex(id->sign_pk)).Bind(2, static_cast<int64_t>(state == "current"));
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    int64_t nodes = row ? st.Int(0) : 0;
    st.Reset();
    std::string fp = sync::crypto::Fingerprint(id->sign_pk);
    if (a.json) j.BeginObject().Field("key", fp).Field("state", state).Field("nodes", nodes).EndObject();
    else std::cout << fp << "  " << state << "  " << nodes << a.T(" node(s) sealing to it") << "\n";
  }
  if (a.json) std::cout << j.EndArray().str() << "\n";
  return Status::Ok();
}

// purge person|household ID --reason TEXT: on the resident's request.
// purge expired --older-than-days N [--dry-run]: the retention rule.
namespace {

Status CmdPurge(Args& a, const std::string& kind) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {"reason"}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(int rows, PurgeSubject(*store, kind, a.words[0], a.opts["reason"], a.user));
  if (a.json) {
    std::cout << schema::JsonWriter().BeginObject().Field("purged", a.words[0]).Field("rows", static_cast<int64_t>(rows))
                     .EndObject().str() << "\n";
    return Status::Ok();
  }
  std::cout << a.T("Purged; the villages' laptops erase it at their next sync: ") << a.words[0] << " ("
            << rows << a.T(" rows") << ")\n";
  return Status::Ok();
}

}  // namespace
Status CmdPurgePerson(Args& a) { return CmdPurge(a, sync::kPurgePerson); }
Status CmdPurgeHousehold(Args& a) { return CmdPurge(a, sync::kPurgeHousehold); }

Status CmdPurgeExpired(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 0, {"older-than-days"}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  // Read whole: atoi read "36S0" (a typo of 3650) as 36 days, and purged.
  SIMPUL_ASSIGN_OR_RETURN(int64_t days, schema::IntOption(a.opts, "older-than-days", 0, 1, 100 * 366));
  SIMPUL_ASSIGN_OR_RETURN(auto expired, FindExpired(*store, static_cast<int>(days)));
  bool dry = a.opts.count("dry-run") > 0;
  schema::JsonWriter j;
  j.BeginArray();
  for (const auto& e : expired) {
    if (!dry) {
      auto r = PurgeSubject(*store, sync::kPurgePerson, e.id,
                            "retention: no activity for " + a.opts["older-than-days"] + " days", a.user);
      if (!r.ok() && r.status().code() != Code::kAlreadyExists) return r.status();
    }
    if (a.json) j.BeginObject().Field("person", e.id).Field("village", e.village)
                    .Field("last_activity_ms", static_cast<int64_t>(e.last_activity_ms)).EndObject();
    else std::cout << e.id << "  " << e.village << "\n";
  }
  if (a.json) std::cout << j.EndArray().str() << "\n";
  else std::cout << expired.size() << (dry ? a.T(" person(s) would be purged (dry run)") : a.T(" person(s) purged")) << "\n";
  return Status::Ok();
}

}  // namespace simpul::hub::cli
