// Web app benchmark (issue 12): a hub store holding 50,000 applications
// from 236 villages, written straight into the store (not synced: this
// measures reading), then the Dinsos web app's queue API, queue page and
// dashboard API and charts through the real WebApp handler, median of 20
// requests each. Target: under 200 ms. Figures go to docs/BENCHMARKS.md.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "hub/api/web_app.h"
#include "hub/app_index.h"
#include "hub/operations.h"
#include "hub/store.h"
#include "sync/accounts.h"
#include "sync/hlc.h"
#include "tools/bench_util.h"

using namespace simpul;

namespace {

constexpr int kApplications = 50'000;
constexpr int kVillages = 236;
constexpr int64_t kHour = 3'600'000, kDay = 24 * kHour;

#define CHECK_OK(expr)                                                          \
  do {                                                                          \
    auto _s = (expr);                                                           \
    if (!_s.ok()) {                                                             \
      std::fprintf(stderr, "%s: %s\n", #expr, _s.ToString().c_str());           \
      std::exit(1);                                                             \
    }                                                                           \
  } while (0)

std::string Stamp(int64_t ms, const char* writer) {
  return sync::Hlc::FormatVersion(sync::Stamp::Make(static_cast<uint64_t>(ms), 0), writer);
}

// 50,000 applications over the last 60 days: every one submitted and
// received (the hub logged the village's event an hour later); 40%
// approved at Dinsos a day later, half of those with their letter; 10%
// returned.
void Generate(hub::HubStore& store, int64_t now) {
  // SIPERJAKE's 236 villages: Banyuwangi has 217, so 19 of Jember's join them.
  auto villages = hub::QueryRows(store, "SELECT code FROM regions WHERE level=4 AND (code LIKE '35.10.%' OR code LIKE"
                                        " '35.09.%') ORDER BY code DESC LIMIT " + std::to_string(kVillages), {});
  CHECK_OK(villages.status());
  if (villages->size() < static_cast<size_t>(kVillages)) {
    std::fprintf(stderr, "only %zu villages in the region list\n", villages->size());
    std::exit(1);
  }
  auto txn = store.BeginWrite();
  CHECK_OK(txn.status());
  auto& db = store.db();
  auto hh = db.Prepare("INSERT INTO households(id,village,no_kk) VALUES(?,?,?)");
  auto pp = db.Prepare("INSERT INTO persons(id,village,household_id,nik,name) VALUES(?,?,?,?,?)");
  auto ap = db.Prepare("INSERT INTO applications(id,village,type,applicant_id,household_id) VALUES(?,?,?,?,?)");
  auto ev = db.Prepare("INSERT INTO events(id,village,subject_id,subject_kind,kind,actor,actor_role,at,after)"
                       " VALUES(?,?,?,'application',?,?,?,?,?)");
  auto cl = db.Prepare("INSERT INTO changelog(version,tbl,row_id,village,origin,received_at_ms) VALUES(?,'events',?,?,?,?)");
  // A village's change as sync records it: its field version and when the
  // hub applied it (hub/history.h reads the receipt time from these).
  auto fv = db.Prepare("INSERT INTO field_versions(tbl,row_id,field,version) VALUES('events',?,'kind',?)");
  auto applied = db.Prepare("INSERT INTO applied(version,node_id,code,at_ms) VALUES(?,'node-1',0,?)");
  CHECK_OK(fv.status());
  CHECK_OK(applied.status());
  CHECK_OK(hh.status());
  CHECK_OK(pp.status());
  CHECK_OK(ap.status());
  CHECK_OK(ev.status());
  CHECK_OK(cl.status());
  static const char* kTypes[] = {"pbi_jkn", "pbi_apbd", "poverty_statement", "recommendation"};
  static const char* kNames[] = {"Siti Aminah", "Budi Santoso", "Ni Luh Ayu", "Ahmad Fauzi", "Dewi Lestari"};
  const std::string hub_id = store.hub_id();
  auto event = [&](const std::string& id, const std::string& village, const std::string& app, const char* kind,
                   const char* actor, const char* role, int64_t at, const std::string& after, const std::string& origin,
                   int64_t logged) {
    ev->Bind(1, id).Bind(2, village).Bind(3, app).Bind(4, kind).Bind(5, actor).Bind(6, role)
        .Bind(7, Stamp(at, actor)).Bind(8, after);
    CHECK_OK(ev->Run());
    ev->Reset();
    cl->Bind(1, "v" + id).Bind(2, id).Bind(3, village).Bind(4, origin).Bind(5, logged);
    CHECK_OK(cl->Run());
    cl->Reset();
    if (origin == hub_id) return;
    fv->Bind(1, id).Bind(2, "v" + id);
    CHECK_OK(fv->Run());
    fv->Reset();
    applied->Bind(1, "v" + id).Bind(2, logged);
    CHECK_OK(applied->Run());
    applied->Reset();
  };
  for (int i = 0; i < kApplications; ++i) {
    const std::string village = hub::RowText((*villages)[static_cast<size_t>(i % kVillages)], "code");
    const std::string n = std::to_string(i);
    char nik[17];
    std::snprintf(nik, sizeof nik, "3510%012d", i);
    hh->Bind(1, "H" + n).Bind(2, village).Bind(3, std::string(nik));
    CHECK_OK(hh->Run());
    hh->Reset();
    pp->Bind(1, "P" + n).Bind(2, village).Bind(3, "H" + n).Bind(4, std::string(nik))
        .Bind(5, std::string(kNames[i % 5]) + " " + n);
    CHECK_OK(pp->Run());
    pp->Reset();
    ap->Bind(1, "A" + n).Bind(2, village).Bind(3, kTypes[i % 4]).Bind(4, "P" + n).Bind(5, "H" + n);
    CHECK_OK(ap->Run());
    ap->Reset();
    const int64_t submitted = now - 60 * kDay + (static_cast<int64_t>(i) * 60 * kDay) / kApplications;
    event("S" + n, village, "A" + n, "submitted", "node-1", "village", submitted, "", "node-1", submitted + kHour);
    if (i % 10 < 4) {
      event("D" + n, village, "A" + n, "approved", "hub-1", "hub", submitted + kDay, "S" + n, hub_id, submitted + kDay);
      if (i % 2 == 0)
        event("L" + n, village, "A" + n, "letter_issued", "hub-1", "hub", submitted + kDay + kHour, "D" + n, hub_id,
              submitted + kDay + kHour);
    } else if (i % 10 == 4) {
      event("R" + n, village, "A" + n, "returned", "hub-1", "hub", submitted + 2 * kHour, "S" + n, hub_id,
            submitted + 2 * kHour);
    }
  }
  CHECK_OK(txn->Commit());
}

web::HttpRequest Get(const std::string& target, const std::string& cookie) {
  web::HttpRequest r;
  r.method = "GET";
  r.target = target;
  r.peer = "127.0.0.1:1";
  r.headers.push_back({"cookie", "simpul_session=" + cookie});
  return r;
}

// The median of 20 timed requests (after one untimed warm-up), in ms.
double Median20(hub::WebApp& app, const web::HttpRequest& req, size_t* bytes) {
  auto warm = app.Handle(req);
  if (warm.status != 200) {
    std::fprintf(stderr, "%s: %d %s\n", req.target.c_str(), warm.status, warm.body.substr(0, 300).c_str());
    std::exit(1);
  }
  *bytes = warm.body.size();
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    double t = tools::NowSeconds();
    auto r = app.Handle(req);
    ms.push_back((tools::NowSeconds() - t) * 1000);
    if (r.status != 200) std::exit(1);
  }
  std::sort(ms.begin(), ms.end());
  return (ms[9] + ms[10]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  // `bench_web TEXT` runs only the requests whose description contains TEXT
  // (for profiling one of them).
  const std::string only = argc > 1 ? argv[1] : "";
  std::string dir = tools::MakeTempDir();
  auto store = hub::HubStore::Init(dir + "/hub", "Dinsos Bench", sync::SystemClock::Default());
  CHECK_OK(store.status());
  hub::HubStore& s = **store;
  const int64_t now = static_cast<int64_t>(s.NowMs());
  double t0 = tools::NowSeconds();
  Generate(s, now);
  std::printf("generated %d applications in %d villages: %.1f s\n", kApplications, kVillages, tools::NowSeconds() - t0);
  // Written straight into the store: the application index is built as at
  // the first open after its migration (hub/app_index.h).
  t0 = tools::NowSeconds();
  CHECK_OK(hub::RebuildAppIndex(s));
  std::printf("application index built: %.2f s\n", tools::NowSeconds() - t0);
  CHECK_OK(sync::AddOperator(s.db(), "admin", "administrator", "passw0rd-admin"));  // the first account
  CHECK_OK(sync::AddOperator(s.db(), "bench", "hub_verifier", "passw0rd-bench"));
  hub::WebAppOptions options;
  options.api_limit.per_address_burst = 1 << 30;  // the benchmark is one session asking fast, on purpose
  hub::WebApp app(s, options);
  web::HttpRequest sign;
  sign.method = "POST";
  sign.target = "/api/v1/session";
  sign.peer = "127.0.0.1:1";
  sign.body = R"({"name":"bench","password":"passw0rd-bench"})";
  sign.headers.push_back({"content-type", "application/json"});
  auto signed_in = app.Handle(sign);
  std::string cookie(signed_in.HeaderValue("set-cookie"));
  cookie = cookie.substr(cookie.find('=') + 1, cookie.find(';') - cookie.find('=') - 1);
  struct Case {
    const char* what;
    std::string target;
  };
  const std::vector<Case> cases = {
      {"queue page (HTML)", "/"},
      {"queue API, all statuses (first 200)", "/api/v1/applications"},
      {"queue API, tab 'submitted'", "/api/v1/applications?status=submitted"},
      {"queue API, one village", "/api/v1/applications?village=35.10.01.2001"},
      {"queue API, name search", "/api/v1/applications?q=Aminah%2012"},
      {"dashboard API (last 30 days)", "/api/v1/dashboard"},
      {"dashboard API, one kecamatan", "/api/v1/dashboard?kecamatan=35.10.01"},
      {"dashboard chart per_day.svg", "/api/v1/dashboard/chart/per_day.svg"},
      {"dashboard chart time_to_letter.svg", "/api/v1/dashboard/chart/time_to_letter.svg"},
  };
  std::printf("%s\n", tools::MachineSummary().c_str());
  std::printf("%-40s %10s %10s %8s\n", "request", "median ms", "bytes", "target");
  bool all_ok = true;
  for (const auto& c : cases) {
    if (!only.empty() && std::string(c.what).find(only) == std::string::npos) continue;
    size_t bytes = 0;
    double ms = Median20(app, Get(c.target, cookie), &bytes);
    all_ok &= ms < 200;
    std::printf("%-40s %10.1f %10zu %8s\n", c.what, ms, bytes, ms < 200 ? "ok" : "SLOW");
  }
  // The dashboard page as a browser loads it: the JSON, then its five charts
  // (six requests), after a write (the figures computed once, then kept for
  // the charts) and with nothing written since (all six kept).
  for (bool fresh : {true, false}) {
    const char* what = fresh ? "dashboard page, new data (JSON+5 SVG)" : "dashboard page, unchanged (JSON+5 SVG)";
    if (!only.empty() && std::string(what).find(only) == std::string::npos) continue;
    const std::vector<std::string> page = {"/api/v1/dashboard",
                                           "/api/v1/dashboard/chart/per_day.svg",
                                           "/api/v1/dashboard/chart/by_region.svg",
                                           "/api/v1/dashboard/chart/by_service.svg",
                                           "/api/v1/dashboard/chart/time_to_letter.svg",
                                           "/api/v1/dashboard/chart/sla.svg"};
    std::vector<double> ms;
    size_t bytes = 0;
    for (int i = 0; i < 21; ++i) {
      if (fresh) CHECK_OK(s.SetMeta("bench_tick", std::to_string(i)));  // any write
      double t = tools::NowSeconds();
      bytes = 0;
      for (const auto& target : page) {
        auto r = app.Handle(Get(target, cookie));
        if (r.status != 200) std::exit(1);
        bytes += r.body.size();
      }
      if (i > 0) ms.push_back((tools::NowSeconds() - t) * 1000);  // the first warms up
    }
    std::sort(ms.begin(), ms.end());
    const double median = (ms[9] + ms[10]) / 2;
    all_ok &= median < 200;
    std::printf("%-40s %10.1f %10zu %8s\n", what, median, bytes, median < 200 ? "ok" : "SLOW");
  }
  tools::RemoveTree(dir);
  return all_ok ? 0 : 1;
}
