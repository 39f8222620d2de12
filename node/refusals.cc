#include "node/refusals.h"
#include "node/ui_texts.h"

#include <cstring>

namespace simpul::node {
namespace {

constexpr const char* kMovedPrefix = "moved to village ";
constexpr const char* kMovedElsewhere = "moved to another village";

std::string MovedKey(const std::string& table, const std::string& row_id) {
  return "moved:" + table + ":" + row_id;
}

Result<int> Settle(NodeStore& store, const std::string& where, const std::vector<std::string>& binds,
                   const std::string& reason) {
  SIMPUL_ASSIGN_OR_RETURN(auto up, store.db().Prepare(
      std::string("UPDATE outbox SET state='") + kSettledState + "', refusal=? WHERE " + where));
  up.Bind(1, reason);
  for (size_t i = 0; i < binds.size(); ++i) up.Bind(static_cast<int>(i) + 2, binds[i]);
  SIMPUL_RETURN_IF_ERROR(up.Run());
  return static_cast<int>(store.db().Changes());
}

std::string Reason(const std::string& to) { return to.empty() ? kMovedElsewhere : kMovedPrefix + to; }

}  // namespace

Result<int> SettleMovedRow(NodeStore& store, const sync::wire::Change& c) {
  std::string to;
  for (const auto& f : c.fields)
    if (f.field == sync::wire::kMovedToField && std::holds_alternative<std::string>(f.value))
      to = std::get<std::string>(f.value);
  if (to == store.village()) to.clear();  // nonsense; say nothing wrong
  SIMPUL_RETURN_IF_ERROR(store.SetMeta(MovedKey(c.table, c.row_id), to.empty() ? "?" : to));
  return Settle(store, "tbl=? AND row_id=? AND state IN ('pending','refused')", {c.table, c.row_id}, Reason(to));
}

Status SettleIfMoved(NodeStore& store, int64_t seq, const std::string& table, const std::string& row_id) {
  std::string to = store.Meta(MovedKey(table, row_id));
  if (to.empty()) return Status::Ok();
  SIMPUL_ASSIGN_OR_RETURN(int n, Settle(store, "seq=?", {std::to_string(seq)}, Reason(to == "?" ? "" : to)));
  (void)n;
  return Status::Ok();
}

std::string RefusalText(Lang lang, const std::string& stored) {
  if (stored.rfind(kMovedPrefix, 0) == 0) return Msg(lang, MsgId::kRowMovedTo, {stored.substr(std::strlen(kMovedPrefix))});
  if (stored == kMovedElsewhere) return Msg(lang, MsgId::kRowMovedElsewhere);
  // "Code: the hub's reason". The hub's reason is English by protocol
  // (PROTOCOL §5, ItemResult.message); what it means for the operator is
  // said in their language, the hub's words kept beside it.
  auto colon = stored.find(": ");
  std::string code = colon == std::string::npos ? "" : stored.substr(0, colon);
  const char* meaning = code == "PermissionDenied"     ? Tr(lang, "outside this village's records or rights")
                        : code == "InvalidArgument"    ? Tr(lang, "the change is not valid")
                        : code == "FailedPrecondition" ? Tr(lang, "not allowed in the record's current state")
                        : code == "AlreadyExists"      ? Tr(lang, "already recorded")
                                                       : nullptr;
  if (!meaning) return stored;
  return std::string(meaning) + " (" + Tr(lang, "hub: ") + stored.substr(colon + 2) + ")";
}

}  // namespace simpul::node
