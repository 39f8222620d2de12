// simpul-hub index check | index rebuild: the application index
// (hub/app_index.h) compared with what the histories derive (exit 0 only
// when equal), and rebuilt from them (a repair; the store's first open after
// the upgrade builds it without being asked).
#include <iostream>

#include "hub/app_index.h"
#include "hub/cli/internal.h"

namespace simpul::hub::cli {

Status CmdIndexCheck(Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(auto problems, CheckAppIndex(*store));
  if (a.json) {
    schema::JsonWriter j;
    j.BeginObject().Field("equal", problems.empty()).Key("differences").BeginArray();
    for (const auto& p : problems) j.String(p);
    std::cout << j.EndArray().EndObject().str() << "\n";
  } else {
    for (const auto& p : problems) std::cout << p << "\n";
    if (problems.empty()) std::cout << a.T("Application index: equal to what the histories derive.") << "\n";
  }
  if (!problems.empty())
    return Status::Corruption(std::to_string(problems.size()) +
                              " application(s) differ from their histories; repair with: simpul-hub index rebuild");
  return Status::Ok();
}

Status CmdIndexRebuild(Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_RETURN_IF_ERROR(RebuildAppIndex(*store));
  return CmdIndexCheck(a);
}

}  // namespace simpul::hub::cli
