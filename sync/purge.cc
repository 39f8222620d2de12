#include "sync/purge.h"

#include <unistd.h>

#include <set>
#include <utility>

namespace simpul::sync {
namespace {

using schema::Db;
using schema::Stmt;

Result<bool> HasTable(Db& db, const char* name) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, db.Cached("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?"));
  st->Bind(1, name);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
  bool has = row && st->Int(0) > 0;
  st->Reset();
  return has;
}

Result<std::vector<std::string>> Ids(Db& db, const std::string& sql, const std::string& bind) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, db.Cached(sql));
  st->Bind(1, bind);
  std::vector<std::string> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(st->Text(0));
  }
  st->Reset();
  return out;
}

std::string SqlList(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "'" : ",'") + f + "'";
  return out;
}

// Empties one row's personal fields and every stored copy of them.
Status ScrubRow(Db& db, const std::string& table, const std::string& row_id, bool has_outbox, bool has_changelog) {
  std::vector<std::string> fields = PersonalFields(table);
  std::string set;
  for (const auto& f : fields) set += (set.empty() ? "" : ",") + f + "=NULL";
  if (table == "attachments") set += ",deleted=1";
  SIMPUL_ASSIGN_OR_RETURN(Stmt * up, db.Cached("UPDATE " + table + " SET " + set + " WHERE id=?"));
  up->Bind(1, row_id);
  SIMPUL_RETURN_IF_ERROR(up->Run());
  SIMPUL_ASSIGN_OR_RETURN(Stmt * mark, db.Cached("INSERT OR IGNORE INTO purged_rows(tbl,row_id) VALUES(?,?)"));
  mark->Bind(1, table).Bind(2, row_id);
  SIMPUL_RETURN_IF_ERROR(mark->Run());
  // The values conflicts recorded about this row.
  SIMPUL_ASSIGN_OR_RETURN(Stmt * conf, db.Cached(
      "UPDATE conflicts SET winner_value=NULL, loser_value=NULL WHERE tbl=? AND row_id=?"));
  conf->Bind(1, table).Bind(2, row_id);
  SIMPUL_RETURN_IF_ERROR(conf->Run());
  if (has_outbox) {
    // Unsent local edits of the row: the hub would drop them anyway.
    SIMPUL_ASSIGN_OR_RETURN(Stmt * of, db.Cached(
        "DELETE FROM outbox_fields WHERE seq IN (SELECT seq FROM outbox WHERE tbl=? AND row_id=?)"));
    of->Bind(1, table).Bind(2, row_id);
    SIMPUL_RETURN_IF_ERROR(of->Run());
    SIMPUL_ASSIGN_OR_RETURN(Stmt * ob, db.Cached("DELETE FROM outbox WHERE tbl=? AND row_id=?"));
    ob->Bind(1, table).Bind(2, row_id);
    SIMPUL_RETURN_IF_ERROR(ob->Run());
  }
  // Changes of the hub a node keeps to give back after a restore (§22).
  SIMPUL_ASSIGN_OR_RETURN(Stmt * hc, db.Cached(
      "DELETE FROM hub_changes WHERE (tbl=? AND row_id=?) OR"
      " (tbl='conflicts' AND row_id IN (SELECT id FROM conflicts WHERE tbl=? AND row_id=?))"));
  hc->Bind(1, table).Bind(2, row_id).Bind(3, table).Bind(4, row_id);
  SIMPUL_RETURN_IF_ERROR(hc->Run());
  if (has_changelog) {
    // The hub's log serves pulls and snapshots: its copies go too.
    SIMPUL_ASSIGN_OR_RETURN(Stmt * cl, db.Cached(
        "UPDATE changelog_fields SET value=NULL WHERE field IN (" + SqlList(fields) +
        ") AND seq IN (SELECT seq FROM changelog WHERE tbl='" + table + "' AND row_id=?)"));
    cl->Bind(1, row_id);
    SIMPUL_RETURN_IF_ERROR(cl->Run());
    SIMPUL_ASSIGN_OR_RETURN(Stmt * cc, db.Cached(
        "UPDATE changelog_fields SET value=NULL WHERE field IN ('winner_value','loser_value') AND seq IN"
        " (SELECT c.seq FROM changelog c JOIN conflicts k ON k.id=c.row_id"
        "  WHERE c.tbl='conflicts' AND k.tbl=? AND k.row_id=?)"));
    cc->Bind(1, table).Bind(2, row_id);
    SIMPUL_RETURN_IF_ERROR(cc->Run());
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> PersonalFields(const std::string& table) {
  if (table == "households") return {"no_kk", "address", "rt", "rw"};
  if (table == "persons") return {"nik", "name", "birth_place", "birth_date", "disability", "phone"};
  if (table == "applications") return {"purpose", "indicator_answers", "notes"};
  if (table == "complaints") return {"description", "referral"};
  if (table == "attachments") return {"filename"};
  if (table == "case_events") return {"note", "outcome", "partner_name"};
  return {};
}

Result<int> ScrubSubject(Db& db, const std::string& kind, const std::string& subject_id) {
  if (kind != kPurgePerson && kind != kPurgeHousehold) return Status::InvalidArgument("unknown purge subject kind");
  std::vector<std::pair<std::string, std::string>> rows;  // table, id
  std::vector<std::string> persons;
  if (kind == kPurgeHousehold) {
    rows.push_back({"households", subject_id});
    SIMPUL_ASSIGN_OR_RETURN(persons, Ids(db, "SELECT id FROM persons WHERE household_id=?", subject_id));
    SIMPUL_ASSIGN_OR_RETURN(auto apps, Ids(db, "SELECT id FROM applications WHERE household_id=?", subject_id));
    for (auto& a : apps) rows.push_back({"applications", a});
    SIMPUL_ASSIGN_OR_RETURN(auto cs, Ids(db, "SELECT id FROM complaints WHERE household_id=?", subject_id));
    for (auto& c : cs) rows.push_back({"complaints", c});
  } else {
    persons.push_back(subject_id);
  }
  for (const auto& p : persons) {
    rows.push_back({"persons", p});
    SIMPUL_ASSIGN_OR_RETURN(auto apps, Ids(db, "SELECT id FROM applications WHERE applicant_id=?", p));
    for (auto& a : apps) rows.push_back({"applications", a});
    SIMPUL_ASSIGN_OR_RETURN(auto cs, Ids(db, "SELECT id FROM complaints WHERE person_id=?", p));
    for (auto& c : cs) rows.push_back({"complaints", c});
  }
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<std::pair<std::string, std::string>> all;
  for (const auto& r : rows)
    if (seen.insert(r).second) all.push_back(r);
  SIMPUL_ASSIGN_OR_RETURN(bool has_case_events, HasTable(db, "case_events"));
  for (const auto& [table, id] : std::vector<std::pair<std::string, std::string>>(all)) {
    if (table == "complaints" && has_case_events) {  // a case's notes say what happened to the person
      SIMPUL_ASSIGN_OR_RETURN(auto steps, Ids(db, "SELECT id FROM case_events WHERE case_id=?", id));
      for (auto& e : steps)
        if (seen.insert({"case_events", e}).second) all.push_back({"case_events", e});
    }
    if (table != "applications") continue;
    SIMPUL_ASSIGN_OR_RETURN(auto att, Ids(db, "SELECT id FROM attachments WHERE application_id=?", id));
    for (auto& a : att)
      if (seen.insert({"attachments", a}).second) all.push_back({"attachments", a});
  }
  SIMPUL_ASSIGN_OR_RETURN(bool has_outbox, HasTable(db, "outbox"));
  SIMPUL_ASSIGN_OR_RETURN(bool has_changelog, HasTable(db, "changelog"));
  for (const auto& [table, id] : all) SIMPUL_RETURN_IF_ERROR(ScrubRow(db, table, id, has_outbox, has_changelog));
  return static_cast<int>(all.size());
}

Result<bool> IsPurged(Db& db, const std::string& table, const std::string& row_id) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, db.Cached("SELECT 1 FROM purged_rows WHERE tbl=? AND row_id=?"));
  st->Bind(1, table).Bind(2, row_id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
  st->Reset();
  return row;
}

Result<int> DeletePurgedDocuments(Db& db, const BlobDir& blobs) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, db.Cached(
      "SELECT DISTINCT a.sha256 FROM purged_rows p JOIN attachments a ON a.id=p.row_id"
      " WHERE p.tbl='attachments' AND a.sha256 IS NOT NULL AND NOT EXISTS"
      " (SELECT 1 FROM attachments b WHERE b.sha256=a.sha256 AND b.deleted=0)"));
  std::vector<std::string> shas;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    shas.push_back(st->Text(0));
  }
  st->Reset();
  int removed = 0;
  for (const auto& sha : shas) {
    if (!IsSha256Hex(sha)) continue;
    if (::unlink(blobs.PathOf(sha).c_str()) == 0) ++removed;
    (void)::unlink(blobs.PartialOf(sha).c_str());
  }
  return removed;
}

}  // namespace simpul::sync
