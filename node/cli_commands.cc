// The simpul-node commands: each opens the store, calls node/records.h and
// prints the result for a person (default) or a script (--json).
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

#include "node/cli_internal.h"
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
namespace {

using schema::JsonWriter;
using schema::Value;


Status NeedWords(Invocation& inv, size_t n, const char* what) {
  if (inv.words.size() >= n) return Status::Ok();
  return Status::InvalidArgument(std::string(what) + " is required")
      .WithMsg(MsgId::kFieldRequired, {what});
}

std::string Str(const Value& v) { return IsNull(v) ? std::string() : schema::ValueToDisplay(v); }

void PrintWarnings(Invocation& inv, const std::vector<schema::Warning>& ws) {
  for (const auto& w : ws) *inv.err << Msg(inv.lang, w.id, w.args) << "\n";
}

void WarningsJson(JsonWriter& j, Invocation& inv, const std::vector<schema::Warning>& ws) {
  j.Key("warnings").BeginArray();
  for (const auto& w : ws) j.String(Msg(inv.lang, w.id, w.args));
  j.EndArray();
}

const Value* Get(const Row& row, const std::string& col) {
  for (const auto& [k, v] : row)
    if (k == col) return &v;
  return nullptr;
}
std::string GetS(const Row& row, const std::string& col) {
  const Value* v = Get(row, col);
  return v ? Str(*v) : std::string();
}

// Bahasa/English label of a status code.
const char* StatusLabel(Invocation& inv, const std::string& s) {
  struct L { const char *code, *en; };
  static const L kLabels[] = {
      {"draft", "draft"}, {"submitted", "submitted"},
      {"returned", "returned for completion"},
      {"in_review", "under review"}, {"approved", "approved"},
      {"rejected", "rejected"}, {"letter_issued", "letter issued"},
      {"withdrawn", "withdrawn"}};
  for (const auto& l : kLabels)
    if (s == l.code) return inv.T(l.en);
  return s.c_str();
}

void PrintRow(Invocation& inv, const Row& row) {
  for (const auto& [k, v] : row) {
    if (IsNull(v) || k == "deleted") continue;
    *inv.out << "  " << std::left << std::setw(18) << k << Str(v) << "\n";
  }
}

void RowJson(JsonWriter& j, const Row& row) {
  for (const auto& [k, v] : row) j.Field(k, v);
}

// --- init / status ---------------------------------------------------------

Status CmdInit(Invocation& inv) {
  auto it = inv.opts.find("village");
  if (it == inv.opts.end())
    return Status::InvalidArgument("--village is required").WithMsg(MsgId::kMissingOption, {"--village"});
  SIMPUL_ASSIGN_OR_RETURN(std::string passphrase, PassphraseForInit(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto store, NodeStore::Init(inv.data_dir, it->second, sync::SystemClock::Default(), passphrase));
  schema::DbRegionLookup regions(store->db());
  std::string v = store->village();
  std::string name = regions.Name(v), kec = regions.Name(v.substr(0, 8)),
              kab = regions.Name(v.substr(0, 5));
  if (inv.json) {
    JsonWriter j;
    j.BeginObject().Field("data_dir", store->dir()).Field("village", v).Field("village_name", name)
        .Field("district", kec).Field("regency", kab).Field("node_id", store->node_id()).EndObject();
    *inv.out << j.str() << "\n";
  } else {
    *inv.out << inv.T("Village store created in ") << store->dir()
             << "\n  " << inv.T("Village: ") << name << " (" << v << ")\n  "
             << inv.T("District: ") << kec << "\n  "
             << inv.T("Regency/city: ") << kab << "\n  "
             << inv.T("Node id: ") << store->node_id() << "\n";
  }
  return Status::Ok();
}

Result<int64_t> Count(NodeStore& s, const std::string& sql) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, s.db().Prepare(sql));
  SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Status CmdStatus(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  schema::DbRegionLookup regions(store->db());
  struct C { const char* key; const char* en; std::string sql; };
  std::vector<C> counts = {
      {"households", "Households", "SELECT count(*) FROM households WHERE deleted=0"},
      {"persons", "Persons", "SELECT count(*) FROM persons WHERE deleted=0"},
      {"applications", "Applications", "SELECT count(*) FROM applications WHERE deleted=0"},
      {"complaints", "Complaints", "SELECT count(*) FROM complaints WHERE deleted=0"},
      {"outbox_pending", "Waiting to sync",
       "SELECT count(*) FROM outbox WHERE state='pending'"},
      {"outbox_refused", "Refused by the hub",
       "SELECT count(*) FROM outbox WHERE state='refused'"},
      {"outbox_settled", "Refusals settled (moved away)",
       "SELECT count(*) FROM outbox WHERE state='settled'"},
  };
  JsonWriter j;
  j.BeginObject().Field("village", store->village()).Field("village_name", regions.Name(store->village()))
      .Field("node_id", store->node_id());
  // The hub key this node trusts (changes when the hub rotates its key).
  if (auto pk = sync::crypto::PublicKeyFromHex(store->Meta("hub_pk")); pk.ok())
    j.Field("hub_key", sync::crypto::Fingerprint(*pk));
  if (!inv.json)
    *inv.out << inv.T("Village ") << regions.Name(store->village()) << " ("
             << store->village() << "), node " << store->node_id() << "\n";
  for (const auto& c : counts) {
    SIMPUL_ASSIGN_OR_RETURN(int64_t n, Count(*store, c.sql));
    j.Field(c.key, n);
    if (!inv.json) *inv.out << "  " << std::left << std::setw(24) << inv.T(c.en) << n << "\n";
  }
  j.EndObject();
  if (inv.json) *inv.out << j.str() << "\n";
  return Status::Ok();
}

// --- generic record commands ----------------------------------------------

Status Create(Invocation& inv, Entity e) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto w, CreateRecord(*store, e, inv.opts));
  if (inv.json) {
    JsonWriter j;
    j.BeginObject().Field("id", w.id);
    WarningsJson(j, inv, w.warnings);
    if (e == Entity::kPerson) SIMPUL_RETURN_IF_ERROR(PrintBeneficiaryChecks(inv, *store, w.id, &j));
    *inv.out << j.EndObject().str() << "\n";
  } else {
    PrintWarnings(inv, w.warnings);
    *inv.out << EntityNoun(e, inv.lang) << inv.T(" recorded: ") << w.id << "\n";
    if (e == Entity::kPerson) SIMPUL_RETURN_IF_ERROR(PrintBeneficiaryChecks(inv, *store, w.id, nullptr));
  }
  return Status::Ok();
}

Status Edit(Invocation& inv, Entity e) {
  SIMPUL_RETURN_IF_ERROR(NeedWords(inv, 1, "ID"));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto w, EditRecord(*store, e, inv.words[0], inv.opts));
  if (inv.json) {
    JsonWriter j;
    j.BeginObject().Field("id", w.id).Field("fields_changed", w.fields_changed);
    WarningsJson(j, inv, w.warnings);
    *inv.out << j.EndObject().str() << "\n";
  } else {
    PrintWarnings(inv, w.warnings);
    *inv.out << EntityNoun(e, inv.lang) << " " << w.id << inv.T(": ") << w.fields_changed
             << inv.T(" field(s) changed\n");
  }
  return Status::Ok();
}

Status Show(Invocation& inv, Entity e) {
  SIMPUL_RETURN_IF_ERROR(NeedWords(inv, 1, "ID"));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(Row row, ReadRecord(*store, e, inv.words[0]));
  if (inv.json) {
    JsonWriter j;
    j.BeginObject();
    RowJson(j, row);
    if (e == Entity::kPerson) SIMPUL_RETURN_IF_ERROR(PrintBeneficiaryChecks(inv, *store, inv.words[0], &j));
    *inv.out << j.EndObject().str() << "\n";
  } else {
    *inv.out << EntityNoun(e, inv.lang) << " " << inv.words[0] << "\n";
    PrintRow(inv, row);
    if (e == Entity::kPerson) SIMPUL_RETURN_IF_ERROR(PrintBeneficiaryChecks(inv, *store, inv.words[0], nullptr));
  }
  return Status::Ok();
}

Status List(Invocation& inv, Entity e) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  ListFilter f;
  f.limit = inv.opts.count("limit") ? std::max(1, std::atoi(inv.opts["limit"].c_str())) : INT32_MAX;
  f.household = inv.opts.count("household") ? inv.opts["household"] : "";
  f.category = inv.opts.count("category") ? inv.opts["category"] : "";
  SIMPUL_ASSIGN_OR_RETURN(auto rows, ListRecords(*store, e, f));
  JsonWriter j;
  j.BeginArray();
  for (const auto& r : rows) {
    if (inv.json) {
      j.BeginObject();
      RowJson(j, r);
      j.EndObject();
      continue;
    }
    std::string id = GetS(r, "id");
    switch (e) {
      case Entity::kHousehold:
        *inv.out << id << "  KK " << GetS(r, "no_kk") << "  " << GetS(r, "address") << "\n";
        break;
      case Entity::kPerson:
        *inv.out << id << "  " << GetS(r, "name") << "  NIK " << GetS(r, "nik") << "\n";
        break;
      case Entity::kComplaint:
        *inv.out << id << "  [" << GetS(r, "urgency") << "] " << GetS(r, "category") << ": "
                 << GetS(r, "description").substr(0, 60) << "\n";
        break;
      default: break;
    }
  }
  if (inv.json) *inv.out << j.EndArray().str() << "\n";
  else if (rows.empty()) *inv.out << inv.T("(none)\n");
  return Status::Ok();
}

Status HouseholdAdd(Invocation& inv) { return Create(inv, Entity::kHousehold); }
Status HouseholdEdit(Invocation& inv) { return Edit(inv, Entity::kHousehold); }
Status HouseholdShow(Invocation& inv) { return Show(inv, Entity::kHousehold); }
Status HouseholdList(Invocation& inv) { return List(inv, Entity::kHousehold); }
Status PersonAdd(Invocation& inv) { return Create(inv, Entity::kPerson); }
Status PersonEdit(Invocation& inv) { return Edit(inv, Entity::kPerson); }
Status PersonShow(Invocation& inv) { return Show(inv, Entity::kPerson); }
Status PersonList(Invocation& inv) { return List(inv, Entity::kPerson); }
Status ComplaintNew(Invocation& inv) { return Create(inv, Entity::kComplaint); }
Status ComplaintEdit(Invocation& inv) { return Edit(inv, Entity::kComplaint); }
Status ComplaintShow(Invocation& inv) { return Show(inv, Entity::kComplaint); }
Status ComplaintList(Invocation& inv) { return List(inv, Entity::kComplaint); }
Status AppNew(Invocation& inv) { return Create(inv, Entity::kApplication); }
Status AppEdit(Invocation& inv) { return Edit(inv, Entity::kApplication); }

// --- applications ------------------------------------------------------------

struct AttachmentInfo {
  std::string id, kind, sha256, filename, media_type;
  int64_t size = 0;
  bool present = false;
};

Result<std::vector<AttachmentInfo>> Attachments(NodeStore& store, const std::string& app) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
      "SELECT id,kind,sha256,size,filename,media_type FROM attachments"
      " WHERE application_id=? AND deleted=0 ORDER BY id"));
  st.Bind(1, app);
  std::vector<AttachmentInfo> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AttachmentInfo a{st.Text(0), st.Text(1), st.Text(2), st.Text(4), st.Text(5), st.Int(3), false};
    a.present = store.blobs().Has(a.sha256);
    out.push_back(std::move(a));
  }
  return out;
}

Status AppShow(Invocation& inv) {
  SIMPUL_RETURN_IF_ERROR(NeedWords(inv, 1, "ID"));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  const std::string& id = inv.words[0];
  SIMPUL_ASSIGN_OR_RETURN(Row row, ReadRecord(*store, Entity::kApplication, id));
  SIMPUL_ASSIGN_OR_RETURN(auto events, ReadEvents(*store, id));
  auto state = schema::FoldWorkflow(events);
  SIMPUL_ASSIGN_OR_RETURN(auto atts, Attachments(*store, id));
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
  f.limit = inv.opts.count("limit") ? std::max(1, std::atoi(inv.opts["limit"].c_str())) : INT32_MAX;
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
      *inv.out << "  " << inv.T("Service threshold") << " " << standing.threshold << ": "
               << (!standing.answered ? inv.T("no score under the service's indicators")
                                      : standing.meets ? inv.T("met") : inv.T("not met"))
               << "\n";
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

// --- outbox and export ----------------------------------------------------------

std::string CsvField(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Status CmdExportRecap(Invocation& inv) {
  if (!inv.opts.count("out"))
    return Status::InvalidArgument("--out is required").WithMsg(MsgId::kMissingOption, {"--out"});
  {
    // The format follows the file name: CSV only for now. Any other
    // extension (x.xlsx) is refused rather than silently written as CSV.
    std::string name = inv.opts["out"];
    name = name.substr(name.find_last_of('/') == std::string::npos ? 0 : name.find_last_of('/') + 1);
    size_t dot = name.find_last_of('.');
    std::string ext = dot == std::string::npos || dot == 0 ? "" : name.substr(dot + 1);
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!ext.empty() && ext != "csv")
      return Status::InvalidArgument("only CSV for now: --out " + inv.opts["out"])
          .WithField("out")
          .WithMsg(MsgId::kExportFormat, {"--out", ext});
  }
  // Minimisation (UU 27/2022 Pasal 16): NIK and No. KK are masked unless the
  // export states a purpose that needs them; either way the export is audited.
  std::string purpose = inv.opts.count("purpose") ? inv.opts["purpose"] : "";
  if (inv.opts.count("purpose") && purpose.size() < 5)
    return Status::InvalidArgument("--purpose must say why the full numbers are needed")
        .WithMsg(MsgId::kBadOptionValue, {"--purpose", purpose});
  auto mask = [&](const std::string& v) {
    return purpose.empty() && v.size() == 16 ? v.substr(0, 4) + "xxxxxxxx" + v.substr(12) : v;
  };
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto apps, ListRecords(*store, Entity::kApplication, ListFilter{"", "", "", "", 1 << 30}));
  std::string path = inv.opts["out"], tmp = path + ".tmp";
  auto fail = [&](const char* why) {
    std::remove(tmp.c_str());  // never leave personal data in a stray file
    return Status::IoError(std::string("cannot write ") + path + ": " + why)
        .WithMsg(MsgId::kFileWriteFailed, {path, why});
  };
  {
    // Personal data: created owner-only before anything is written to it.
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail(std::strerror(errno));
    ::close(fd);
  }
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) return fail("cannot open");
  // NIK and No. KK are written as quoted text. Spreadsheets still guess
  // types on open: import the CSV with those columns set to Text.
  out << "id,type,status,applicant_name,nik,no_kk,birth_date,sex,address,rt,rw,village,"
         "service_type,purpose,indicator_set,score,score_band,dtks_status,dtks_desil,documents\r\n";
  int n = 0;
  for (const auto& a : apps) {
    std::string id = GetS(a, "id");
    SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(*store, id));
    Row person, household;
    if (auto p = ReadRecord(*store, Entity::kPerson, GetS(a, "applicant_id")); p.ok()) person = *p;
    if (auto h = ReadRecord(*store, Entity::kHousehold, GetS(a, "household_id")); h.ok()) household = *h;
    SIMPUL_ASSIGN_OR_RETURN(auto atts, Attachments(*store, id));
    std::string docs;
    for (const auto& d : atts) docs += (docs.empty() ? "" : " ") + d.kind;
    std::vector<std::string> cols = {
        id, GetS(a, "type"), state.status, GetS(person, "name"), mask(GetS(person, "nik")),
        mask(GetS(household, "no_kk")), GetS(person, "birth_date"), GetS(person, "sex"),
        GetS(household, "address"), GetS(household, "rt"), GetS(household, "rw"), store->village(),
        GetS(a, "service_type"), GetS(a, "purpose"),
        GetS(a, "indicator_set") + (GetS(a, "indicator_version").empty() ? "" : " v" + GetS(a, "indicator_version")),
        GetS(a, "score"), GetS(a, "score_band"), GetS(a, "dtks_status"), GetS(a, "dtks_desil"), docs};
    for (size_t i = 0; i < cols.size(); ++i) out << (i ? "," : "") << CsvField(cols[i]);
    out << "\r\n";
    ++n;
  }
  out.flush();
  if (!out) return fail("write failed (disk full?)");
  out.close();
  {
    SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store->db()));
    SIMPUL_RETURN_IF_ERROR(store->Audit(purpose.empty() ? "export_masked" : "export_full", "recap",
                                        std::to_string(n) + " applications" +
                                            (purpose.empty() ? std::string() : "; purpose: " + purpose)));
    if (std::rename(tmp.c_str(), path.c_str()) != 0) return fail(std::strerror(errno));
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
  }
  if (inv.json) *inv.out << JsonWriter().BeginObject().Field("file", path).Field("applications", n).EndObject().str() << "\n";
  else *inv.out << inv.T("Recap written: ") << path << " (" << n
                << inv.T(" applications)\n");
  return Status::Ok();
}

}  // namespace

const std::vector<Command>& Commands() {
  constexpr int H = static_cast<int>(Entity::kHousehold), P = static_cast<int>(Entity::kPerson),
                A = static_cast<int>(Entity::kApplication), C = static_cast<int>(Entity::kComplaint);
  static const std::vector<Command> kCommands = [] {
    std::vector<Command> cmds = {
      {"init", "--village CODE", "Create the village store (Kemendagri code, e.g. 35.10.01.2001)", CmdInit, -1, {"village"}},
      {"status", "", "Summary of the store and outbox",
       CmdStatus, -1, {}},
      {"household add", "--address ... [--kk ...]", "Register a household", HouseholdAdd, H, {}},
      {"household edit", "ID [--OPTION VALUE]...", "Change a household", HouseholdEdit, H, {}},
      {"household show", "ID", "Show a household", HouseholdShow, -1, {}},
      {"household list", "", "List households", HouseholdList, -1, {"limit"}},
      {"person add", "--household ID --name ... [--nik ...]", "Register a person", PersonAdd, P, {}},
      {"person edit", "ID [--OPTION VALUE]...", "Change a person", PersonEdit, P, {}},
      {"person show", "ID", "Show a person", PersonShow, -1, {}},
      {"person list", "[--household ID]", "List persons", PersonList, -1, {"household", "limit"}},
      {"application new", "--type T --applicant PERSON", "Open a new application (draft)", AppNew, A, {}},
      {"application edit", "ID [--OPTION VALUE]...", "Change an application (draft/returned)", AppEdit, A, {}},
      {"application show", "ID", "Show an application, its status, history and documents", AppShow, -1, {}},
      {"application list", "[--status S] [--type T]", "List applications", AppList, -1, {"status", "type", "household", "limit"}},
      {"application answer", "ID ITEM=ANSWER... [--set SET]", "Answer poverty indicators; shows the score", AppAnswer, -1, {"set"}},
      {"application attach", "ID --kind K --file PATH", "Attach a document (kk, ktp, sktm, referral, photo, other; at most 20 MiB)", AppAttach, -1, {"kind", "file"}},
      {"application submit", "ID", "Submit the application to Dinsos", AppSubmit, -1, {}},
      {"application withdraw", "ID --reason TEXT", "Withdraw the application", AppWithdraw, -1, {"reason"}},
      {"application stage", "ID STAGE [--note TEXT]", "Record a verification stage the service rule gives the village",
       AppStageHandler(), -1, {"note"}},
      {"complaint new", "--category C --description TEXT", "Record a complaint (B'DESUT)", ComplaintNew, C, {}},
      {"complaint edit", "ID [--OPTION VALUE]...", "Change a complaint", ComplaintEdit, C, {}},
      {"complaint show", "ID", "Show a complaint", ComplaintShow, -1, {}},
      {"complaint list", "[--category C]", "List complaints", ComplaintList, -1, {"category", "limit"}},
      {"indicators list", "", "List poverty-indicator sets", IndicatorsList, -1, {}},
      {"indicators show", "[SET]", "Show the indicators and their answers", IndicatorsShow, -1, {}},
      {"indicators add", "FILE", "Load a new indicator set or version", IndicatorsAdd, -1, {}},
      {"outbox", "[--all]", "Show the changes waiting to sync", CmdOutbox, -1, {"all"}},
      {"refusals", "", "Show the changes the hub refused, with the reason (settled ones too)", RefusalsHandler(), -1, {}},
      {"enrol", "--hub URL --code CODE", "Enrol this node at the Dinsos hub (one-time code from the hub operator)", EnrolHandler(), -1, {"hub", "code", "timeout"}},
      {"sync", "[--batch N] [--pull-limit N] [--timeout S]", "Sync now: send the outbox, receive decisions", SyncHandler(), -1,
       {"batch", "pull-limit", "timeout"}},
      {"daemon", "[--window 22:00-06:00] [--interval S]", "Unattended sync (nightly window, retries when the link is down)", DaemonHandler(), -1,
       {"window", "interval", "backoff-min", "backoff-max", "batch", "timeout"}},
      {"conflicts", "[--all]", "Conflicts a person must decide",
       ConflictsHandler(), -1, {"all"}},
      {"resolve", "ID --keep winner|loser | --value TEXT", "Resolve a conflict (the decision replicates)", ResolveHandler(), -1, {"keep", "value"}},
      {"bundle export", "FILE [--max-mb N]", "Write everything the hub has not received into a file (USB stick, chat)",
       BundleExportHandler(), -1, {"max-mb"}},
      {"bundle import", "FILE", "Apply the reply bundle Dinsos made from our bundle", BundleImportHandler(), -1, {}},
      {"unlock", "", "Unlock the encrypted store for this session (asks for the office passphrase)",
       UnlockHandler(), -1, {}},
      {"lock", "", "Forget this session's key: the next command asks for the passphrase", LockHandler(), -1, {}},
      {"passphrase change", "", "Change the office passphrase (new one from SIMPUL_NEW_PASSPHRASE or typed)",
       PassphraseChangeHandler(), -1, {}},
      {"user add", "NAME --role ROLE", "Add or update an operator account (password from SIMPUL_NEW_PASSWORD or typed)",
       UserAddHandler(), -1, {"role"}},
      {"user list", "", "List operator accounts", UserListHandler(), -1, {}},
      {"user disable", "NAME", "Disable an operator account", UserDisableHandler(), -1, {}},
      {"letter get", "APP_ID --out FILE.pdf", "Write the letter Dinsos issued for an application (PDF, to print)",
       LetterGetHandler(), -1, {"out"}},
      {"letter verify", "QR_TEXT", "Check a letter's QR code offline: valid, forged or revoked", LetterVerifyHandler(), -1, {}},
      {"export recap", "--out FILE.csv [--purpose TEXT]", "Export the village's application recap (CSV)", CmdExportRecap, -1, {"out", "purpose"}},
      {"ui", "[--listen 127.0.0.1:PORT] [--kiosk [--kiosk-listen ADDR:PORT]]", "Serve the village web app on this laptop (unlock and sign in in the browser)", UiHandler(), -1, {"listen", "kiosk", "kiosk-listen"}},
      {"import", "FILE.csv [--skip-bad BAD.csv] [--dry-run]",
       "Import the village register from Excel (CSV: one line per resident; columns in docs/OPERATIONS.md)",
       ImportHandler(), -1, {"skip-bad", "dry-run"}},
      {"messages", "[--all]", "Messages for residents' phones (returns, decisions, letters, case updates) with a click-to-chat link",
       MessagesHandler(), -1, {"all"}},
      {"message sent", "EVENT_ID", "Record a message to a resident as sent (after sending it by click-to-chat)",
       MessageSentHandler(), -1, {}},
      {"dtks show", "--nik NIK", "A NIK's DTKS status and desil, offline (the hub's snapshot for this village)", DtksShowHandler(), -1, {"nik"}},
    };
    cmds.insert(cmds.end(), CaseCommands().begin(), CaseCommands().end());  // cli_cases.cc
    // Positional words each command takes, read off its usage line; and the
    // permission its operator's role must have.
    for (auto& c : cmds) {
      std::string path = c.path;
      auto ends = [&](const char* w) {
        return path.size() >= std::strlen(w) && path.compare(path.size() - std::strlen(w), std::string::npos, w) == 0;
      };
      if (path == "init" || path == "unlock" || path == "lock" || path == "ui") c.permission = sync::Permission::kNone;
      else if (path == "enrol" || path.rfind("user", 0) == 0 || path == "passphrase change")
        c.permission = sync::Permission::kAdminister;
      else if (ends("list") || ends("show") || path == "status" || path == "outbox" || path == "conflicts" ||
               path == "letter verify" || path == "refusals" || path == "messages")
        c.permission = sync::Permission::kRead;
      else c.permission = sync::Permission::kRecord;
      std::string a = c.args;
      c.max_words = a.find("ITEM=") != std::string::npos ? 1000
                    : a.rfind("ID STAGE", 0) == 0                ? 2
                    : (a.rfind("ID", 0) == 0 || a.rfind("FILE", 0) == 0 || a.rfind("[SET]", 0) == 0 ||
                       a.rfind("NAME", 0) == 0 || a.rfind("APP_ID", 0) == 0 || a.rfind("EVENT_ID", 0) == 0 || a.rfind("QR_TEXT", 0) == 0) ? 1
                    : 0;
    }
    return cmds;
  }();
  return kCommands;
}

}  // namespace simpul::node
