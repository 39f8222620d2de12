#include "schema/duplicates.h"

#include <map>

namespace simpul::schema {

Result<std::vector<PersonRef>> PersonsWithNik(Db& db, std::string_view nik, std::string_view except_id) {
  std::vector<PersonRef> out;
  if (nik.empty()) return out;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * q, db.Cached(
      "SELECT id,village,household_id,name FROM persons WHERE nik=? AND id!=? AND deleted=0 ORDER BY village,id"));
  q->Bind(1, nik).Bind(2, except_id);
  for (;;) {
    auto row = q->Step();
    if (!row.ok()) {
      q->Reset();
      return row.status();
    }
    if (!*row) break;
    out.push_back({q->Text(0), q->Text(1), q->Text(2), q->Text(3)});
  }
  q->Reset();
  return out;
}

Result<std::vector<DuplicateNik>> ListDuplicateNiks(Db& db, std::string_view village) {
  // persons_nik (schema 2) makes the grouping an index walk.
  SIMPUL_ASSIGN_OR_RETURN(Stmt q, db.Prepare(
      "SELECT p.nik,p.id,p.village,p.household_id,p.name FROM persons p"
      " JOIN (SELECT nik FROM persons WHERE deleted=0 AND nik IS NOT NULL AND nik!=''"
      "       GROUP BY nik HAVING count(*)>1) d ON d.nik=p.nik"
      " WHERE p.deleted=0 ORDER BY p.nik,p.village,p.id"));
  std::vector<DuplicateNik> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    std::string nik = q.Text(0);
    if (out.empty() || out.back().nik != nik) out.push_back({nik, {}});
    out.back().persons.push_back({q.Text(1), q.Text(2), q.Text(3), q.Text(4)});
  }
  if (!village.empty())
    std::erase_if(out, [&](const DuplicateNik& d) {
      for (const auto& p : d.persons)
        if (p.village == village) return false;
      return true;
    });
  return out;
}

std::string DescribeDuplicate(Lang lang, std::string_view nik, const PersonRef& other) {
  return Msg(lang, MsgId::kDuplicateNik,
             {std::string(nik), other.id, other.name, other.village, other.household_id.empty() ? "-" : other.household_id});
}

}  // namespace simpul::schema
