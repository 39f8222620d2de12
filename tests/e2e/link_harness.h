// Moved to tests/support/cluster.h (the one cluster helper).
#include "tests/support/cluster.h"
