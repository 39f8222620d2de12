// Decisions and letters: POST /api/v1/applications/{id}/actions/{action}.
//
// The page sends the head event of the state it showed (expected_head); a
// decision on a state that changed since (another verifier just decided) is
// refused by RecordDecision / IssueLetter inside their transaction, and the
// reply says what happened meanwhile.
#include "hub/api/api_call.h"
#include "hub/decision_rules.h"
#include "hub/history.h"
#include "hub/operations.h"
#include "hub/stages.h"
#include "hub/ui_texts.h"
#include "hub/web/page_strings.h"
#include "schema/local_time.h"
#include "schema/validate.h"

namespace simpul::hub::api {
namespace {

// The 409 reply to a stale decision: the error, and the events recorded
// after the state the operator saw.
web::HttpResponse StaleReply(ApiCall& call, const Status& status, const std::string& app_id,
                             const std::string& expected_head) {
  Lang lang = call.lang;
  web::JsonWriter j;
  auto history = ReadHistory(call.store, app_id);
  // The status as the page names it, not its code.
  std::string message = history.ok() ? Msg(lang, MsgId::kDecisionStale, {StatusLabel(lang, history->state.status)})
                                     : Describe(lang, status);
  j.BeginObject().Key("error").BeginObject().Field("code", ApiCodeName(status.code())).Field("message", message)
      .EndObject();
  if (history.ok()) {
    auto app = ReadRow(call.store, "applications", app_id);
    std::string village = app.ok() ? RowText(*app, "village") : std::string();
    j.Key("current").BeginObject().Field("status", history->state.status)
        .Field("status_label", StatusLabel(lang, history->state.status)).Key("happened").BeginArray();
    bool after = expected_head.empty();
    for (const auto& e : history->entries) {
      if (after) {
        std::string who = e.by_hub ? (e.person.empty() ? Tr(lang, "Dinsos") : e.person) : Tr(lang, "village office");
        j.BeginObject().Field("label", EventLabel(lang, e.event.kind)).Field("who", who).Field("reason", e.reason)
            .Field("at_text", e.at_ms > 0 ? schema::FormatShortDateTime(e.at_ms, schema::ZoneOfRegion(village),
                                                                         LangCode(lang))
                                          : std::string())
            .EndObject();
      }
      if (e.event.id == expected_head) after = true;
    }
    j.EndArray().EndObject();
  }
  return JsonReply(409, j.EndObject().str());
}

}  // namespace

// "stage": records the next stage of the application's rule (or `stage` of
// the body) with the reason as its note, by the signed-in role, on the
// state the page showed.
static web::HttpResponse TakeStage(ApiCall& call, const std::string& id) {
  auto body = JsonBody(call);
  if (!body.ok()) return StatusReply(call, body.status());
  const std::string expected = body->String("expected_head"), note = body->String("reason");
  if (Status st = schema::CheckLength("reason", note, 1000); !st.ok()) return StatusReply(call, st);
  auto app = ReadRow(call.store, "applications", id);
  if (!app.ok()) return StatusReply(call, app.status());
  auto history = ReadHistory(call.store, id);
  if (!history.ok()) return StatusReply(call, history.status());
  if (history->state.head != expected)
    return StaleReply(call, Status::Aborted("the application changed meanwhile"), id, expected);
  std::string stage = body->String("stage");
  if (stage.empty()) {
    auto next = NextStageOf(call.store, *app, history->state);
    if (!next.ok()) return StatusReply(call, next.status());
    if (*next) stage = (*next)->code;
  }
  const std::string role = call.role();
  if (Status st = RecordStage(call.store, id, stage, note, call.user(), &role); !st.ok()) return StatusReply(call, st);
  auto after = ReadHistory(call.store, id);
  if (!after.ok()) return StatusReply(call, after.status());
  return JsonReply(200, web::JsonWriter().BeginObject().Field("status", after->state.status)
                            .Field("status_label", StatusLabel(call.lang, after->state.status))
                            .Field("head", after->state.head).Field("stage", stage).EndObject().str());
}

web::HttpResponse TakeAction(ApiCall& call) {
  const std::string id = call.Param("id"), action = call.Param("action");
  const Lang lang = call.lang;
  if (action == "stage") return TakeStage(call, id);
  const DecisionRule* rule = FindDecisionRule(action);
  if (!rule)
    return StatusReply(call, Status::NotFound("unknown action " + action).WithMsg(MsgId::kWebActionUnknown, {action}));
  if (!sync::RoleAllows(call.role(), rule->permission)) {
    (void)AuditNow(call.store, "refused", "", call.user(),
                   "role " + call.role() + " may not " + action + " application " + id + " (web)");
    return ErrorReply(403, "permission_denied", Msg(call.lang, MsgId::kWebRoleForbids, {call.role()}));
  }
  auto body = JsonBody(call);
  if (!body.ok()) return StatusReply(call, body.status());
  if (!body->IsString("expected_head"))
    return StatusReply(call, Status::InvalidArgument("expected_head is required")
                                 .WithField("expected_head")
                                 .WithMsg(MsgId::kFieldRequired, {"expected_head"}));
  const std::string expected = body->String("expected_head"), reason = body->String("reason");
  if (Status st = schema::CheckLength("reason", reason, 1000); !st.ok()) return StatusReply(call, st);
  // A benefit the NIK already holds (hub/duplicates.h): approved only with
  // this, audited, as `--override-reason` on the command line.
  const std::string override_reason = body->String("override_reason");
  if (Status st = schema::CheckLength("override_reason", override_reason, 1000); !st.ok())
    return StatusReply(call, st);
  std::string number;
  Status done;
  if (std::string_view(rule->kind) == "letter_issued") {
    auto issued = IssueLetter(call.store, id, call.user(), &expected);
    done = issued.status();
    if (issued.ok()) number = *issued;
  } else {
    done = RecordDecision(call.store, id, rule->kind, reason, rule->actor_role, call.user(), &expected,
                          override_reason);
  }
  if (done.code() == Code::kAborted) return StaleReply(call, done, id, expected);
  if (!done.ok()) {
    if (done.msg_id() == MsgId::kReasonRequired)  // the page's field, not the CLI's option
      done = Status::InvalidArgument("reason is required").WithField("reason").WithMsg(MsgId::kReasonRequired,
                                                                                         {Tr(lang, "Reason")});
    // The page's override field, not the CLI's option; the same refusal.
    if (done.msg_id() == MsgId::kBenefitHeld || done.msg_id() == MsgId::kBenefitDtksPbiActive)
      done = Status::FailedPrecondition(done.message()).WithField("override_reason")
                 .WithMsg(done.msg_id() == MsgId::kBenefitHeld ? MsgId::kWebBenefitHeld : MsgId::kWebBenefitDtksPbiActive,
                          done.args());
    if (done.msg_id() == MsgId::kScoreBelowThreshold || done.msg_id() == MsgId::kScoreNotRecorded) {
      std::vector<std::string> args = done.args();
      args.back() = Tr(lang, "an override reason");
      done = Status::FailedPrecondition(done.message()).WithField("override_reason").WithMsg(*done.msg_id(), args);
    }
    return StatusReply(call, done);
  }
  auto history = ReadHistory(call.store, id);
  if (!history.ok()) return StatusReply(call, history.status());
  web::JsonWriter j;
  j.BeginObject().Field("status", history->state.status).Field("status_label", StatusLabel(call.lang, history->state.status))
      .Field("head", history->state.head);
  if (!number.empty()) j.Field("letter_number", number);
  return JsonReply(200, j.EndObject().str());
}

}  // namespace simpul::hub::api
