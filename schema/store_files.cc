#include "schema/store_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace simpul::schema {

std::string ReadMeta(Db& db, const std::string& key) {
  auto st = db.Cached("SELECT value FROM meta WHERE key=?");
  if (!st.ok()) return {};
  (*st)->Bind(1, key);
  auto row = (*st)->Step();
  std::string v = row.ok() && *row ? (*st)->Text(0) : std::string();
  (*st)->Reset();
  return v;
}

Status WriteMeta(Db& db, const std::string& key, const std::string& value) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, db.Cached("INSERT INTO meta(key,value) VALUES(?,?)"
                                               " ON CONFLICT(key) DO UPDATE SET value=excluded.value"));
  st->Bind(1, key).Bind(2, value);
  return st->Run();
}

Status WriteFileAtomically(const std::string& path, const std::string& bytes, unsigned mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::IoError("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::IoError("cannot write " + path);
  }
  return Status::Ok();
}

}  // namespace simpul::schema
