#include "hub/sequences.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "hub/epoch.h"

namespace simpul::hub {

using schema::Stmt;

namespace {

constexpr const char* kHeader = "simpul-sequences 1";

Status FsyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::IoError("cannot fsync " + path);
}

// Active nodes that have not caught up with the current epoch.
Result<std::string> NodesBehind(HubStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(auto lineage, LoadLineage(store));
  SIMPUL_ASSIGN_OR_RETURN(Stmt * q, store.db().Cached(
      "SELECT group_concat(village || ' (' || node_id || ')', ', ') FROM nodes"
      " WHERE status='active' AND epoch IS NOT ?"));
  q->Bind(1, lineage.back().epoch);
  SIMPUL_ASSIGN_OR_RETURN(bool row, q->Step());
  std::string behind = row && !q->IsNullAt(0) ? q->Text(0) : "";
  q->Reset();
  return behind;
}

}  // namespace

std::string SequencesPath(const std::string& dir) { return dir + "/sequences"; }

Result<SequenceFile> ReadSequences(const std::string& path) {
  SequenceFile out;
  std::ifstream in(path);
  if (!in) {
    if (::access(path.c_str(), F_OK) != 0) return out;
    return Status::IoError("cannot read " + path);
  }
  std::string line;
  if (!std::getline(in, line) || line != kHeader) return Status::Corruption(path + " is not a sequences file");
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream ls(line);
    std::string unit;
    int year = 0;
    int64_t last = 0;
    if (!(ls >> unit >> year >> last) || last < 0) return Status::Corruption("damaged line in " + path + ": " + line);
    auto& v = out[{unit, year}];
    v = std::max(v, last);
  }
  return out;
}

Status WriteSequences(const std::string& path, const SequenceFile& seqs) {
  std::string text = std::string(kHeader) + "\n";
  for (const auto& [k, last] : seqs) text += k.first + " " + std::to_string(k.second) + " " + std::to_string(last) + "\n";
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::IoError("cannot write " + path);
  }
  std::string dir = path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
  return FsyncPath(dir.empty() ? "." : dir, O_RDONLY | O_DIRECTORY);
}

void MergeSequences(SequenceFile* a, const SequenceFile& b) {
  for (const auto& [k, v] : b) (*a)[k] = std::max((*a)[k], v);
}

Status EnsureSequencesFile(HubStore& store) {
  const std::string path = SequencesPath(store.dir());
  if (::access(path.c_str(), F_OK) == 0) return Status::Ok();
  SequenceFile seqs;
  SIMPUL_ASSIGN_OR_RETURN(auto q, store.db().Prepare("SELECT unit,year,last FROM letter_counters"));
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    seqs[{q.Text(0), static_cast<int>(q.Int(1))}] = q.Int(2);
  }
  return WriteSequences(path, seqs);
}

Result<int64_t> ReserveNumber(HubStore& store, const std::string& unit, int year, int64_t learned) {
  if (!store.Meta("numbers_unproven").empty()) {
    SIMPUL_ASSIGN_OR_RETURN(std::string behind, NodesBehind(store));
    if (!behind.empty())
      return Status::FailedPrecondition(
          "the hub was restored without its sequences file, so numbers issued after the backup are not known "
          "until every village has synced since the restore; still waiting for: " + behind +
          " (or revoke a node that will not come back)");
    SIMPUL_RETURN_IF_ERROR(store.SetMeta("numbers_unproven", ""));
  }
  SIMPUL_ASSIGN_OR_RETURN(Stmt * q, store.db().Cached("SELECT last FROM letter_counters WHERE unit=? AND year=?"));
  q->Bind(1, unit).Bind(2, year);
  SIMPUL_ASSIGN_OR_RETURN(bool row, q->Step());
  int64_t in_db = row ? q->Int(0) : 0;
  q->Reset();
  const std::string path = SequencesPath(store.dir());
  SIMPUL_ASSIGN_OR_RETURN(SequenceFile file, ReadSequences(path));
  int64_t next = std::max<int64_t>({in_db, file[{unit, year}], learned}) + 1;
  // Durable before it is used: a number the file has seen is never issued
  // again, whatever happens to hub.db.
  file[{unit, year}] = next;
  SIMPUL_RETURN_IF_ERROR(WriteSequences(path, file));
  SIMPUL_ASSIGN_OR_RETURN(Stmt * up, store.db().Cached(
      "INSERT INTO letter_counters(unit,year,last) VALUES(?,?,?)"
      " ON CONFLICT(unit,year) DO UPDATE SET last=excluded.last"));
  up->Bind(1, unit).Bind(2, year).Bind(3, next);
  SIMPUL_RETURN_IF_ERROR(up->Run());
  return next;
}

int64_t NumberFromText(const std::string& tmpl, const std::string& text, int year) {
  // Split the template at {seq}; the parts around it must match literally
  // (with {year} replaced), the middle must be digits.
  std::string t = tmpl;
  for (size_t p; (p = t.find("{year}")) != std::string::npos;) t.replace(p, 6, std::to_string(year));
  size_t s = t.find("{seq}");
  if (s == std::string::npos) return 0;
  // What follows the number may go on ("... [operator]" in an event's reason).
  std::string before = t.substr(0, s), after = t.substr(s + 5);
  if (text.compare(0, before.size(), before) != 0) return 0;
  size_t end = text.find_first_not_of("0123456789", before.size());
  if (end == std::string::npos) end = text.size();
  std::string digits = text.substr(before.size(), end - before.size());
  if (digits.empty() || digits.size() > 15 || text.compare(end, after.size(), after) != 0) return 0;
  return std::stoll(digits);
}

}  // namespace simpul::hub
