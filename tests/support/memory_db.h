// A new in-memory database with every migration applied: the schema a
// store has, without a store around it; queries for one value or one
// column; the hex SHA-256 that names documents. Header-only (doctest
// assertions).
#ifndef SIMPUL_TESTS_SUPPORT_MEMORY_DB_H_
#define SIMPUL_TESTS_SUPPORT_MEMORY_DB_H_

#include <doctest/doctest.h>
#include <sodium.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "schema/db.h"
#include "schema/migrations.h"

namespace simpul::testing {

inline schema::Db MigratedMemoryDb() {
  auto r = schema::Db::Open(":memory:", schema::Db::Mode::kCreate);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  schema::Db db = std::move(r).value();
  Status st = schema::Migrate(db);
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  return db;
}

// The first column of `sql`'s first row; fails the test when there is none.
inline int64_t QueryInt(schema::Db& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  REQUIRE_MESSAGE(st.ok(), (st.status().ToString() + " in: " + sql));
  auto row = st->Step();
  REQUIRE_MESSAGE(row.ok(), row.status().ToString());
  REQUIRE_MESSAGE(*row, ("no row for: " + sql));
  return st->Int(0);
}

inline std::string QueryText(schema::Db& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  REQUIRE_MESSAGE(st.ok(), (st.status().ToString() + " in: " + sql));
  auto row = st->Step();
  REQUIRE_MESSAGE(row.ok(), row.status().ToString());
  REQUIRE_MESSAGE(*row, ("no row for: " + sql));
  return st->Text(0);
}

// The first column of every row of `sql`, as text, in order.
inline std::vector<std::string> QueryColumn(schema::Db& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  REQUIRE_MESSAGE(st.ok(), (st.status().ToString() + " in: " + sql));
  std::vector<std::string> out;
  for (;;) {
    auto row = st->Step();
    REQUIRE_MESSAGE(row.ok(), row.status().ToString());
    if (!*row) break;
    out.push_back(st->Text(0));
  }
  return out;
}

// The SHA-256 of `data` in hex, as documents are named.
inline std::string Sha256Hex(const std::string& data) {
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  std::string hex(2 * sizeof d + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), d, sizeof d);
  hex.pop_back();
  return hex;
}

}  // namespace simpul::testing

#endif  // SIMPUL_TESTS_SUPPORT_MEMORY_DB_H_
