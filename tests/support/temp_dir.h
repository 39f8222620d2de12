// A temporary directory removed (recursively) when the fixture dies.
#ifndef SIMPUL_TESTS_SUPPORT_TEMP_DIR_H_
#define SIMPUL_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

namespace simpul::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The office passphrase of every node store the tests make: the binaries a
// test starts get it as SIMPUL_PASSPHRASE (ChildEnvironment,
// tests/support/process.h), whatever the shell running the tests holds.
inline constexpr const char* kTestPassphrase = "test-office-passphrase";

// Reads a whole file ("" if missing).
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

}  // namespace simpul::testing

#endif  // SIMPUL_TESTS_SUPPORT_TEMP_DIR_H_
