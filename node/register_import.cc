#include "node/register_import.h"

#include "node/records.h"
#include "schema/db.h"

namespace simpul::node {
namespace {

// The node's records, as its operator's commands write them.
class NodeRegisterTarget : public sync::RegisterTarget {
 public:
  explicit NodeRegisterTarget(NodeStore& store) : store_(store) {}
  schema::Db& db() override { return store_.db(); }
  const std::string& village() const override { return store_.village(); }
  Result<Created> Create(Entity e, const Options& opts) override {
    SIMPUL_ASSIGN_OR_RETURN(Written made, CreateRecord(store_, e, opts));
    return Created{made.id, std::move(made.warnings)};
  }
  Status SetHead(const std::string& household, const std::string& person) override {
    return EditRecord(store_, Entity::kHousehold, household, {{"head", person}}).status();
  }

 private:
  NodeStore& store_;
};

}  // namespace

Result<RegisterImport> ImportRegister(NodeStore& store, std::string bytes, const RegisterImportOptions& options,
                                      Lang lang) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  NodeRegisterTarget target(store);
  SIMPUL_ASSIGN_OR_RETURN(RegisterImport report, sync::ImportRegisterLines(target, std::move(bytes), options, lang));
  if (!sync::ShouldCommit(report, options)) return report;  // the transaction rolls back
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  report.written = true;
  return report;
}

}  // namespace simpul::node
