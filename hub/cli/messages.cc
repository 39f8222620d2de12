// simpul-hub messages [--village CODE] [--all] and
// `messages send [--gateway PROGRAM | --config FILE] [--village CODE] [--days N]`:
// the texts for residents' phones (schema/resident_messages.h) and sending
// the waiting ones through the district's gateway (hub/resident_messages.h):
// --gateway, else the command or webhook hub.conf configures.
#include <iostream>

#include "hub/cli/internal.h"
#include "hub/resident_messages.h"
#include "hub/serve.h"
#include "schema/json_writer.h"

namespace simpul::hub::cli {
namespace {

int64_t MessageMs(const schema::ResidentMessage& m) { return m.at_ms ? m.at_ms : VersionMs(m.at); }

void MessageJson(schema::JsonWriter& j, const schema::ResidentMessage& m) {
  j.BeginObject();
  schema::WriteMessageFields(j, m);
  j.Field("time", TimeIso(MessageMs(m), m.village)).Field("sent_time", TimeIso(m.sent_at_ms, m.village)).EndObject();
}

}  // namespace

Status CmdMessages(Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  schema::MessageFilter filter;
  filter.village = Opt(a, "village");
  filter.include_settled = a.opts.count("all") > 0;
  SIMPUL_ASSIGN_OR_RETURN(auto messages, schema::ListResidentMessages(store->db(), filter));
  SIMPUL_RETURN_IF_ERROR(AuditNow(*store, "messages_list", filter.village, "", std::to_string(messages.size())));
  if (a.json) {
    schema::JsonWriter j;
    j.BeginArray();
    for (const auto& m : messages) MessageJson(j, m);
    std::cout << j.EndArray().str() << "\n";
    return Status::Ok();
  }
  if (messages.empty()) std::cout << a.T("No messages to send.") << "\n";
  for (const auto& m : messages)
    std::cout << TimeText(a, MessageMs(m), m.village) << "  " << m.village << "  " << m.person_name << "  "
              << (m.phone.empty() ? "-" : m.phone) << "  [" << schema::MessageStateCode(m.state) << "]\n  "
              << m.text << "\n";
  return Status::Ok();
}

Status CmdMessagesSend(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 0, {}));
  GatewayOptions options;
  options.program = Opt(a, "gateway");
  if (options.program.empty() && a.opts.count("config")) {
    // The same file `serve` reads: one place for the district's settings.
    ServeConfig cfg;
    SIMPUL_RETURN_IF_ERROR(ReadServeConfig(a.opts["config"], &cfg));
    options.program = cfg.message_gateway_command;
    options.url = cfg.message_gateway_url;
    options.token = cfg.message_gateway_token;
    options.ca_file = cfg.message_gateway_ca;
    if (!a.data_given && !cfg.data.empty()) a.data = cfg.data;  // as `serve --config` does
  }
  if (options.program.empty() && options.url.empty())
    return Status::FailedPrecondition("no message gateway: --gateway, or message_gateway_command or "
                                      "message_gateway_url in hub.conf (--config)")
        .WithField("message_gateway_url")
        .WithMsg(MsgId::kMessageGatewayNone);
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  options.village = Opt(a, "village");
  if (a.opts.count("days")) {
    const std::string& d = a.opts["days"];
    if (d.empty() || d.size() > 4 || d.find_first_not_of("0123456789") != std::string::npos || std::stoi(d) < 1)
      return Status::InvalidArgument("--days must be a number of days").WithField("days")
          .WithMsg(MsgId::kBadOptionValue, {"--days", d});
    options.max_age_days = std::stoi(d);
  }
  SIMPUL_ASSIGN_OR_RETURN(GatewayRun run, SendThroughGateway(*store, options));
  if (a.json) {
    schema::JsonWriter j;
    j.BeginObject().Field("sent", static_cast<int64_t>(run.sent))
        .Field("failed", static_cast<int64_t>(run.failures.size()))
        .Field("waiting", static_cast<int64_t>(run.waiting)).Key("failures").BeginArray();
    for (const auto& f : run.failures)
      j.BeginObject().Field("event_id", f.message.event_id).Field("name", f.message.person_name)
          .Field("detail", f.detail).EndObject();
    std::cout << j.EndArray().EndObject().str() << "\n";
  } else {
    for (const auto& f : run.failures)
      std::cerr << Msg(a.lang, MsgId::kMessageGatewayFailed, {f.message.person_name, f.detail}) << "\n";
    std::cout << Msg(a.lang, MsgId::kMessagesGatewayRun,
                     {std::to_string(run.sent), std::to_string(run.failures.size()), std::to_string(run.waiting)})
              << "\n";
  }
  return Status::Ok();
}

}  // namespace simpul::hub::cli
