// simpul-hub commands on applications: the queue, decisions, stages,
// letters and hub-side edits.
#include "hub/cli/internal.h"

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

Status CmdAppList(Args& a) {
  if (a.opts.count("status"))  // a typo must not read as an empty queue
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("--status", a.opts["status"], schema::KnownStatuses(),
                                             schema::IsKnownStatus(a.opts["status"])));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(auto rows, ListApplications(*store, Opt(a, "village"), Opt(a, "status")));
  PrintRows(a, rows);
  return Status::Ok();
}

namespace {

Status Decide(Args& a, const std::string& kind, const std::string& role) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_RETURN_IF_ERROR(
      RecordDecision(*store, a.words[0], kind, Opt(a, "reason"), role, OperatorOf(*store), nullptr, Opt(a, "override-reason")));
  std::cout << kind << ": " << a.words[0] << a.T(" (goes to the village at its next sync)\n");
  return Status::Ok();
}

}  // namespace
Status CmdReturn(Args& a) { return Decide(a, "returned", "hub"); }
Status CmdApprove(Args& a) { return Decide(a, "approved", "hub"); }
Status CmdReject(Args& a) { return Decide(a, "rejected", "hub"); }
// The field visit: the rule's field_check stage when its rule has one (by
// the role the rule names, in its order: hub/stages.h), else the older
// field_visited decision of a verifier.
Status CmdVisit(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  {
    SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
    SIMPUL_ASSIGN_OR_RETURN(Row app, ReadRow(*store, "applications", a.words[0]));
    SIMPUL_ASSIGN_OR_RETURN(bool staged, RuleHasStage(*store, app, "field_check"));
    if (staged) {
      if (Opt(a, "reason").empty())
        return Status::InvalidArgument("--reason is required").WithField("reason")
            .WithMsg(MsgId::kReasonRequired, {"--reason"});
      SIMPUL_RETURN_IF_ERROR(RecordStage(*store, a.words[0], "field_check", Opt(a, "reason"), OperatorOf(*store)));
      std::cout << a.T("Stage recorded: ") << "field_check" << a.T(" (goes to the village at its next sync)\n");
      return Status::Ok();
    }
  }
  return Decide(a, "field_visited", "verifier");
}
Status CmdRecommend(Args& a) { return Decide(a, "recommended", "verifier"); }

Status CmdStage(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 2, {}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_RETURN_IF_ERROR(RecordStage(*store, a.words[0], a.words[1], Opt(a, "note"), OperatorOf(*store)));
  if (a.json)
    std::cout << schema::JsonWriter().BeginObject().Field("id", a.words[0]).Field("stage", a.words[1]).EndObject().str()
              << "\n";
  else
    std::cout << a.T("Stage recorded: ") << a.words[1] << a.T(" (goes to the village at its next sync)\n");
  return Status::Ok();
}

Status CmdLetter(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(std::string number, IssueLetter(*store, a.words[0], OperatorOf(*store)));
  if (a.json)
    std::cout << schema::JsonWriter().BeginObject().Field("id", a.words[0]).Field("letter_number", number)
                     .Field("status", "letter_issued").EndObject().str() << "\n";
  else
    std::cout << a.T("Letter issued, number ") << number << "\n";
  return Status::Ok();
}

Status CmdAppEdit(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  std::map<std::string, std::string> f;
  if (a.opts.count("notes")) f["notes"] = a.opts["notes"];
  if (a.opts.count("dtks-status")) f["dtks_status"] = a.opts["dtks-status"];
  if (a.opts.count("desil")) f["dtks_desil"] = a.opts["desil"];
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_RETURN_IF_ERROR(EditApplication(*store, a.words[0], f));
  std::cout << a.T("Application changed: ") << a.words[0] << "\n";
  return Status::Ok();
}

}  // namespace simpul::hub::cli
