// The village operator's record operations over a NodeStore: households,
// persons, applications, complaints, attachments and the workflow events an
// operator may record.
//
// Every operation validates all of its input first, then writes in one
// transaction through the store's ChangeWriter, so it lands whole with its
// change records or not at all.
#ifndef SIMPUL_NODE_RECORDS_H_
#define SIMPUL_NODE_RECORDS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "node/store.h"
#include "schema/indicators.h"
#include "schema/service_rules.h"
#include "schema/validate.h"
#include "schema/workflow.h"
#include "sync/record_input.h"

namespace simpul::node {

// The record kinds and the options that make them: sync/record_input.h,
// shared with the hub's register import.
using sync::Entity;
using sync::EntityOptions;
using sync::EntityTable;
using sync::OptionSpec;
using sync::Options;

const char* EntityNoun(Entity e, Lang lang);

struct Written {
  std::string id;
  std::vector<schema::Warning> warnings;
  int fields_changed = 0;
};

// Creates a record from `opts` (validated, required options checked).
Result<Written> CreateRecord(NodeStore& store, Entity e, const Options& opts);
// Changes the fields named in `opts`. Applications may be edited only while
// draft or returned.
Result<Written> EditRecord(NodeStore& store, Entity e, const std::string& id, const Options& opts);

// A row as column -> value, or NotFound.
using Row = std::vector<std::pair<std::string, schema::Value>>;
Result<Row> ReadRecord(NodeStore& store, Entity e, const std::string& id);

struct ListFilter {
  std::string status, type, household, category;
  int limit = 1000;
};
Result<std::vector<Row>> ListRecords(NodeStore& store, Entity e, const ListFilter& filter);

// Workflow. ReadEvents gives a subject's events in fold order
// (schema::CausalOrder).
Result<std::vector<schema::WorkflowEvent>> ReadEvents(NodeStore& store, const std::string& subject);
Result<schema::WorkflowState> ApplicationState(NodeStore& store, const std::string& app_id);
// What an application of `type` needs before it can be submitted: the
// rule SubmissionProblems checks and the village app's form shows.
struct TypeNeeds {
  bool applicant_nik = false;        // the applicant's NIK
  bool household_kk = false;         // the household's No. KK
  bool applicant_disability = false; // the applicant's disability, in words
  bool purpose = false, service = false, device = false;
  bool indicators = false;           // the poverty indicators answered (a score band)
};
// `rule`, when one governs the application, says whether indicators are
// asked (its indicator set); the rest follows from the type.
TypeNeeds NeedsOf(const std::string& type, const schema::ServiceRule* rule);

// Appends a workflow event by this village (in the caller's transaction):
// `after` is the fold's head, `stage` the rule's stage of a stage_done.
Status AppendApplicationEvent(NodeStore& store, const std::string& app_id, const std::string& kind,
                              const std::string& reason, const std::string& stage = "");
// Completeness check of an application for submission: the list of missing
// or wrong things in the operator's language (empty = complete).
Result<std::vector<std::string>> SubmissionProblems(NodeStore& store, const std::string& app_id,
                                                    Lang lang);
Status Submit(NodeStore& store, const std::string& app_id, Lang lang);
Status Withdraw(NodeStore& store, const std::string& app_id, const std::string& reason);

// Poverty indicators.
Result<schema::IndicatorSet> LoadIndicatorSet(NodeStore& store, const std::string& set_id,
                                              int version = 0);  // 0 = newest
Result<std::vector<schema::IndicatorSet>> ListIndicatorSets(NodeStore& store);
Status AddIndicatorSet(NodeStore& store, const std::string& text);
// Merges `answers` into the application's answers (set chosen at first
// answer, default from the store), recomputes and stores the score.
Result<schema::ScoreResult> AnswerIndicators(NodeStore& store, const std::string& app_id,
                                             const std::string& set_id,
                                             const schema::Answers& answers);

// Documents (attach, replace, list, read): node/documents.h.

}  // namespace simpul::node

#endif  // SIMPUL_NODE_RECORDS_H_
