// `application stage ID STAGE [--note TEXT]`: a verification stage the
// village records (node/stages.h).
#include <ostream>

#include "node/cli/internal.h"
#include "node/stages.h"
#include "schema/json_writer.h"

namespace simpul::node {
namespace {

Status CmdAppStage(Invocation& inv) {
  if (inv.words.size() < 2)
    return Status::InvalidArgument("application stage needs the application id and the stage")
        .WithMsg(MsgId::kMissingArgument, {"ID STAGE"});
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  auto note = inv.opts.find("note");
  SIMPUL_RETURN_IF_ERROR(
      RecordVillageStage(*store, inv.words[0], inv.words[1], note == inv.opts.end() ? "" : note->second));
  SIMPUL_ASSIGN_OR_RETURN(auto next, NextStageOf(*store, inv.words[0]));
  if (inv.json) {
    *inv.out << schema::JsonWriter().BeginObject().Field("id", inv.words[0]).Field("stage", inv.words[1])
                    .Field("next_stage", next ? next->code : "").EndObject().str() << "\n";
    return Status::Ok();
  }
  *inv.out << inv.T("Stage recorded: ") << inv.words[1] << inv.T(" (goes to Dinsos at the next sync)") << "\n";
  if (next)
    *inv.out << inv.T("Next stage: ") << next->code << " ("
             << (inv.lang == Lang::kId ? next->title_id : next->title_en) << ", " << next->role << ")\n";
  return Status::Ok();
}

}  // namespace

Handler AppStageHandler() { return CmdAppStage; }

}  // namespace simpul::node
