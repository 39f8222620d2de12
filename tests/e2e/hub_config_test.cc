// `simpul-hub serve --config hub.conf` through the real binary: the
// config's data directory and address are used when the command line gives
// none (the systemd unit runs exactly that), even with $SIMPUL_HUB_DATA set
// to another directory; --data on the command line wins over the config.
#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

TEST_CASE("serve --config: hub.conf's data is used without --data, over $SIMPUL_HUB_DATA; --data wins") {
  Hub hub({"SIMPUL_HUB_DATA=/nonexistent/simpul-hub"});
  const std::string conf = hub.File("hub.conf");
  WriteFile(conf, "# as tools/hub.conf.example\ndata = " + hub.dir() + "\nlisten = 127.0.0.1:0\n");
  hub.StartWith({"serve", "--config", conf});
  LH_CHECK_HAS(hub.log(), "serving " + hub.dir() + " on 127.0.0.1:");
  // It serves that store: a village enrols and syncs with it.
  Node village(kSarongan);
  village.Enrol(hub, hub.url());
  CHECK(village.Sync()["verified"].truthy());
  const int port = hub.port();
  CHECK(hub.Stop() == 0);
  const size_t first_run = hub.log().size();

  // The config names a directory that holds no hub; --data the real one.
  WriteFile(conf, "data = " + hub.File("not-a-hub") + "\nlisten = 127.0.0.1:" + std::to_string(port) + "\n");
  hub.StartWith({"--data", hub.dir(), "serve", "--config", conf}, port);
  LH_CHECK_HAS(hub.log().substr(first_run), "serving " + hub.dir() + " on 127.0.0.1:");
  CHECK(village.Sync()["verified"].truthy());
  CHECK(hub.Stop() == 0);
}

}  // namespace
}  // namespace simpul::testing
