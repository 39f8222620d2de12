// The simpul-node commands on applications (show, list, answer, attach,
// submit, withdraw) and the poverty-indicator sets: each opens the store,
// calls node/records.h and prints for a person (default) or a script (--json).
#include <climits>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <fcntl.h>
#include <unistd.h>
#include <cctype>
#include <cerrno>
#include <cstring>
#include "node/cli/internal.h"
#include "schema/command_line.h"
#include "node/documents.h"
#include "node/stages.h"
#include "sync/crypto/envelope.h"
#include "schema/json_writer.h"
#include "schema/model.h"
#include "schema/regions.h"
#include "schema/tables.h"
#include "schema/validate.h"
#include "schema/workflow.h"

namespace simpul::node {

using namespace cli_util;
using schema::JsonWriter;
using schema::Value;

// --- applications ------------------------------------------------------------


Status AppShow(Invocation& inv) {
  SIMPUL_RETURN_IF_ERROR(NeedWords(inv, 1, "ID"));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  const std::string& id = inv.words[0];
  SIMPUL_ASSIGN_OR_RETURN(Row row, ReadRecord(*store, Entity::kApplication, id));
  SIMPUL_ASSIGN_OR_RETURN(auto events, ReadEvents(*store, id));
  auto state = schema::FoldWorkflow(events);
  SIMPUL_ASSIGN_OR_RETURN(auto atts, DocumentsOf(*store, id));
  SIMPUL_ASSIGN_OR_RETURN(auto next_stage, NextStageOf(*store, id));  // the service rule (node/stages.h)
  SIMPUL_ASSIGN_OR_RETURN(std::vector<std::string> missing_docs, MissingDocumentsOf(*store, id));
  std::string applicant_name;
  if (auto p = ReadRecord(*store, Entity::kPerson, GetS(row, "applicant_id")); p.ok())
    applicant_name = GetS(*p, "name");
  if (inv.json) {
    JsonWriter j;
    j.BeginObject();
    RowJson(j, row);
    j.Field("status", state.status).Field("status_reason", state.last_reason)
        .Field("contested", state.contested).Field("applicant_name", applicant_name);
    j.Key("anomalies").BeginArray();
    for (const auto& a : state.anomalies) j.String(a);
    j.EndArray().Key("events").BeginArray();
    for (const auto& e : events) {
      j.BeginObject().Field("kind", e.kind).Field("actor_role", e.actor_role).Field("reason", e.reason)
          .Field("at", e.at).Field("id", e.id).Field("stage", e.stage);
      SIMPUL_RETURN_IF_ERROR(EventJson(j, *store, e));
      j.EndObject();
    }
    j.EndArray().Field("next_stage", next_stage ? next_stage->code : "")
        .Field("next_stage_role", next_stage ? next_stage->role : "").Key("missing_documents").BeginArray();
    for (const auto& k : missing_docs) j.String(k);
    j.EndArray().Key("attachments").BeginArray();
    for (const auto& a : atts)
      j.BeginObject().Field("id", a.id).Field("kind", a.kind).Field("sha256", a.sha256)
          .Field("size", a.size).Field("filename", a.filename)
          .Field("state", a.present ? "present" : "pending").EndObject();
    j.EndArray();
    SIMPUL_RETURN_IF_ERROR(PrintBeneficiaryChecks(inv, *store, GetS(row, "applicant_id"), &j));
    *inv.out << j.EndObject().str() << "\n";
    return Status::Ok();
  }
  auto& o = *inv.out;
  o << inv.T("Application ") << id << "\n"
    << "  " << std::left << std::setw(18) << inv.T("status") << StatusLabel(inv, state.status);
  if (!state.last_reason.empty()) o << " (" << state.last_reason << ")";
  o << "\n";
  if (state.contested)
    o << inv.T("  ATTENTION: both a withdrawal and an approval are recorded; a person must decide.\n");
  if (!applicant_name.empty()) o << "  " << std::left << std::setw(18) << inv.T("applicant") << applicant_name << "\n";
  SIMPUL_RETURN_IF_ERROR(PrintBeneficiaryChecks(inv, *store, GetS(row, "applicant_id"), nullptr));
  PrintRow(inv, row);
  if (!events.empty()) {
    o << inv.T("  History:\n");
    for (const auto& e : events) SIMPUL_RETURN_IF_ERROR(EventLine(inv, *store, e));
  }
  if (!atts.empty()) {
    o << inv.T("  Documents:\n");
    for (const auto& a : atts)
      o << "    " << a.kind << "  " << a.filename << "  " << a.size << " B  sha256 "
        << a.sha256.substr(0, 12) << "…  "
        << (a.present ? inv.T("present") : inv.T("pending (not received yet)"))
        << "\n";
  }
  if (next_stage)
    o << "  " << inv.T("Next stage: ") << next_stage->code << " ("
      << (inv.lang == Lang::kId ? next_stage->title_id : next_stage->title_en) << ", " << next_stage->role << ")\n";
  if (!missing_docs.empty() && schema::VillageMayEdit(state.status)) {
    std::string kinds;
    for (const auto& k : missing_docs) kinds += (kinds.empty() ? "" : ", ") + k;
    o << "  " << Msg(inv.lang, MsgId::kSubmitMissingDocuments, {kinds}) << "\n";
  }
  return Status::Ok();
}

Status AppList(Invocation& inv) {
  if (inv.opts.count("status"))  // a typo must not read as "no applications"
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("--status", inv.opts["status"], schema::KnownStatuses(),
                                             schema::IsKnownStatus(inv.opts["status"])));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  ListFilter f;
  SIMPUL_ASSIGN_OR_RETURN(int64_t limit, schema::IntOption(inv.opts, "limit", INT32_MAX, 1, INT32_MAX));
  f.limit = static_cast<int>(limit);
  if (inv.opts.count("status")) f.status = inv.opts["status"];
  if (inv.opts.count("type")) f.type = inv.opts["type"];
  if (inv.opts.count("household")) f.household = inv.opts["household"];
  SIMPUL_ASSIGN_OR_RETURN(auto rows, ListRecords(*store, Entity::kApplication, f));
  JsonWriter j;
  j.BeginArray();
  for (const auto& r : rows) {
    std::string id = GetS(r, "id");
    SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(*store, id));
    std::string name;
    if (auto p = ReadRecord(*store, Entity::kPerson, GetS(r, "applicant_id")); p.ok()) name = GetS(*p, "name");
    if (inv.json) {
      j.BeginObject().Field("id", id).Field("type", GetS(r, "type")).Field("status", state.status)
          .Field("applicant_name", name).Field("score_band", GetS(r, "score_band")).EndObject();
    } else {
      *inv.out << id << "  " << std::left << std::setw(24) << GetS(r, "type") << std::setw(14)
               << state.status << name << "\n";
    }
  }
  if (inv.json) *inv.out << j.EndArray().str() << "\n";
  else if (rows.empty()) *inv.out << inv.T("(none)\n");
  return Status::Ok();
}

Status AppSubmit(Invocation& inv) {
  SIMPUL_RETURN_IF_ERROR(NeedWords(inv, 1, "ID"));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_RETURN_IF_ERROR(Submit(*store, inv.words[0], inv.lang));
  if (inv.json) *inv.out << JsonWriter().BeginObject().Field("id", inv.words[0]).Field("status", "submitted").EndObject().str() << "\n";
  else *inv.out << inv.T("Application submitted; it goes to Dinsos at the next sync: ")
                << inv.words[0] << "\n";
  return Status::Ok();
}

Status AppWithdraw(Invocation& inv) {
  SIMPUL_RETURN_IF_ERROR(NeedWords(inv, 1, "ID"));
  if (!inv.opts.count("reason"))
    return Status::InvalidArgument("--reason is required").WithMsg(MsgId::kMissingOption, {"--reason"});
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_RETURN_IF_ERROR(Withdraw(*store, inv.words[0], inv.opts["reason"]));
  if (inv.json) *inv.out << JsonWriter().BeginObject().Field("id", inv.words[0]).Field("status", "withdrawn").EndObject().str() << "\n";
  else *inv.out << inv.T("Application withdrawn: ") << inv.words[0] << "\n";
  return Status::Ok();
}

Status AppAnswer(Invocation& inv) {
  SIMPUL_RETURN_IF_ERROR(NeedWords(inv, 2, "ID ITEM=ANSWER"));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  schema::Answers answers;
  for (size_t i = 1; i < inv.words.size(); ++i) {
    SIMPUL_ASSIGN_OR_RETURN(auto one, schema::DecodeAnswers(inv.words[i]));
    for (auto& [k, v] : one) answers[k] = v;
  }
  std::string set_id = inv.opts.count("set") ? inv.opts["set"] : "";
  SIMPUL_ASSIGN_OR_RETURN(auto score, AnswerIndicators(*store, inv.words[0], set_id, answers));
  SIMPUL_ASSIGN_OR_RETURN(Row row, ReadRecord(*store, Entity::kApplication, inv.words[0]));
  SIMPUL_ASSIGN_OR_RETURN(auto set, LoadIndicatorSet(*store, GetS(row, "indicator_set"),
                                                     std::stoi(GetS(row, "indicator_version"))));
  // The threshold of the service's rule, so the operator knows before
  // submitting that Dinsos will ask why (hub/score_check.h).
  SIMPUL_ASSIGN_OR_RETURN(std::optional<schema::ServiceRule> rule, ServiceRuleOf(*store, inv.words[0]));
  schema::ScoreStanding standing;
  if (rule) standing = schema::StandingOf(*rule, set.id, score.score, score.auto_qualified);
  std::string band_label = score.band;
  for (const auto& b : set.bands)
    if (b.code == score.band) band_label = inv.lang == Lang::kId ? b.label_id : b.label_en;
  if (inv.json) {
    JsonWriter j;
    j.BeginObject().Field("id", inv.words[0]).Field("set", set.id).Field("version", set.version)
        .Key("score").Number(score.score).Field("band", score.band).Field("answered", score.answered)
        .Field("items", static_cast<int>(set.items.size())).Field("auto_qualified", score.auto_qualified);
    if (standing.applies)
      j.Key("threshold").BeginObject().Field("text", standing.threshold).Field("scored", standing.answered)
          .Field("met", standing.meets).EndObject();
    *inv.out << j.EndObject().str() << "\n";
  } else {
    std::ostringstream sc;
    sc << score.score;
    *inv.out << inv.T("Poverty score: ") << sc.str() << "  (" << band_label << ")\n  "
             << set.title << " v" << set.version << ", " << score.answered << "/" << set.items.size()
             << inv.T(" indicators answered") << "\n"
             << inv.T("  The score is advisory; a person decides.\n");
    if (standing.applies)
      *inv.out << "  " << schema::DescribeStanding(inv.lang, standing, score.score) << "\n";
  }
  return Status::Ok();
}

Status AppAttach(Invocation& inv) {
  SIMPUL_RETURN_IF_ERROR(NeedWords(inv, 1, "ID"));
  for (const char* o : {"kind", "file"})
    if (!inv.opts.count(o))
      return Status::InvalidArgument(std::string("--") + o + " is required")
          .WithMsg(MsgId::kMissingOption, {std::string("--") + o});
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto w, AttachDocument(*store, inv.words[0], inv.opts["kind"], inv.opts["file"]));
  SIMPUL_ASSIGN_OR_RETURN(Row att, ([&]() -> Result<Row> {
    SIMPUL_ASSIGN_OR_RETURN(auto st, store->db().Prepare("SELECT sha256,size FROM attachments WHERE id=?"));
    st.Bind(1, w.id);
    SIMPUL_ASSIGN_OR_RETURN(bool r, st.Step());
    if (!r) return Status::Internal("attachment vanished");
    return Row{{"sha256", st.Column(0)}, {"size", st.Column(1)}};
  }()));
  if (inv.json)
    *inv.out << JsonWriter().BeginObject().Field("id", w.id).Field("sha256", GetS(att, "sha256"))
                    .Field("size", *Get(att, "size")).EndObject().str() << "\n";
  else
    *inv.out << inv.T("Document attached: ") << w.id << " (sha256 "
             << GetS(att, "sha256").substr(0, 12) << "…, " << GetS(att, "size") << " B)\n";
  return Status::Ok();
}

// --- indicators -----------------------------------------------------------------

Status IndicatorsList(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto sets, ListIndicatorSets(*store));
  std::string def = store->Meta("indicator_set_default");
  JsonWriter j;
  j.BeginArray();
  for (const auto& s : sets) {
    if (inv.json) {
      j.BeginObject().Field("set", s.id).Field("version", s.version).Field("title", s.title)
          .Field("items", static_cast<int>(s.items.size())).Field("default", s.id == def).EndObject();
    } else {
      *inv.out << s.id << " v" << s.version << (s.id == def ? inv.T(" (default)") : "")
               << "  " << s.title << ", " << s.items.size() << inv.T(" indicators\n");
    }
  }
  if (inv.json) *inv.out << j.EndArray().str() << "\n";
  return Status::Ok();
}

Status IndicatorsShow(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  std::string id = inv.words.empty() ? store->Meta("indicator_set_default") : inv.words[0];
  SIMPUL_ASSIGN_OR_RETURN(auto set, LoadIndicatorSet(*store, id, 0));
  if (inv.json) {
    JsonWriter j;
    j.BeginObject().Field("set", set.id).Field("version", set.version).Field("title", set.title)
        .Field("source", set.source).Key("items").BeginArray();
    for (const auto& item : set.items) {
      j.BeginObject().Field("code", item.code).Field("text_id", item.text_id).Field("text_en", item.text_en)
          .Key("weight").Number(item.weight).Key("options").BeginArray();
      for (const auto& op : item.options)
        j.BeginObject().Field("code", op.code).Key("score").Number(op.score).Field("label_id", op.label_id)
            .Field("label_en", op.label_en).EndObject();
      j.EndArray().EndObject();
    }
    j.EndArray().Key("bands").BeginArray();
    for (const auto& b : set.bands)
      j.BeginObject().Field("code", b.code).Key("min").Number(b.min).Key("max").Number(b.max)
          .Field("label_id", b.label_id).Field("label_en", b.label_en).EndObject();
    *inv.out << j.EndArray().EndObject().str() << "\n";
    return Status::Ok();
  }
  auto& o = *inv.out;
  o << set.title << " (" << set.id << " v" << set.version << ")\n";
  if (!set.source.empty()) o << "  " << set.source << "\n";
  for (const auto& item : set.items) {
    o << "\n  " << item.code << ": " << (inv.lang == Lang::kId ? item.text_id : item.text_en) << "\n    ";
    for (const auto& op : item.options)
      o << op.code << " = " << (inv.lang == Lang::kId ? op.label_id : op.label_en) << "   ";
    o << "\n";
  }
  o << inv.T("\nExample: simpul-node application answer ID ")
    << set.items[0].code << "=" << set.items[0].options.back().code << "\n";
  return Status::Ok();
}

Status IndicatorsAdd(Invocation& inv) {
  SIMPUL_RETURN_IF_ERROR(NeedWords(inv, 1, "FILE"));
  std::ifstream in(inv.words[0], std::ios::binary);
  if (!in)
    return Status::IoError("cannot read").WithMsg(MsgId::kFileUnreadable, {inv.words[0], "open failed"});
  std::stringstream ss;
  ss << in.rdbuf();
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_RETURN_IF_ERROR(AddIndicatorSet(*store, ss.str()));
  *inv.out << inv.T("Indicator set loaded.\n");
  return Status::Ok();
}

}  // namespace simpul::node
