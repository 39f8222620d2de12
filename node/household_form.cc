#include "node/household_form.h"

#include "node/ui_texts.h"
#include "schema/messages.h"
#include "sync/record_input.h"

namespace simpul::node {

Result<RegisteredHousehold> RegisterHouseholdForm(NodeStore& store, const HouseholdForm& form, Lang lang,
                                                  int* failed_member) {
  *failed_member = -1;
  Options household = form.household;
  household.erase("head");  // set below from the member who is the head
  if (!household.count("address"))
    return Status::InvalidArgument("address is required").WithField("address")
        .WithMsg(MsgId::kFieldRequired, {Tr(lang, "Address")});
  if (form.members.empty()) {
    *failed_member = 0;
    return Status::InvalidArgument("a household needs its members").WithField("name")
        .WithMsg(MsgId::kFieldRequired, {Tr(lang, "Name")});
  }
  // One transaction: the household and every member land together, or
  // nothing does (each CreateRecord below is a savepoint of it).
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_ASSIGN_OR_RETURN(Written hh, CreateRecord(store, Entity::kHousehold, household));
  RegisteredHousehold out;
  out.id = hh.id;
  out.warnings = std::move(hh.warnings);
  for (size_t i = 0; i < form.members.size(); ++i) {
    Options opts = form.members[i];
    opts["household"] = out.id;
    *failed_member = static_cast<int>(i);
    if (!opts.count("name"))
      return Status::InvalidArgument("name is required").WithField("name")
          .WithMsg(MsgId::kFieldRequired, {Tr(lang, "Name")});
    SIMPUL_ASSIGN_OR_RETURN(Written person, CreateRecord(store, Entity::kPerson, opts));
    for (auto w : person.warnings) {
      w.args.insert(w.args.begin(), std::to_string(i + 1));
      out.member_warnings.push_back(std::move(w));
    }
    if (out.head.empty() && opts.count("relation") && sync::IsHeadRelation(opts["relation"])) out.head = person.id;
    out.members.push_back(person.id);
  }
  *failed_member = -1;
  if (!out.head.empty()) SIMPUL_RETURN_IF_ERROR(EditRecord(store, Entity::kHousehold, out.id, {{"head", out.head}}).status());
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return out;
}

}  // namespace simpul::node
