// What the hub sends a node whose store schema is older than its own.
//
// A hub serves nodes from kMinNodeSchemaVersion up to its own schema
// (docs/PROTOCOL.md §9). A table or field added in a later schema
// (schema/tables.h `since`: audit.seq and audit_heads in 9, letters in 10,
// events.after in 11, events.stage in 12, case_events in 13, dtks in 14, receipts in 15,
// message_sends in 16, service_rules, indicator_releases and
// applications.rules_version in 17) is unknown to an older node: its merge would refuse
// the whole change. The hub therefore leaves such tables and fields
// out of every change it sends that node, and out of the digest it gives it
// (sync::ScopeDigest with the node's schema), so the node applies the rest
// and can still prove it agrees with the hub.
//
// Thread-safety: pure functions.
#ifndef SIMPUL_HUB_SCHEMA_COMPAT_H_
#define SIMPUL_HUB_SCHEMA_COMPAT_H_

#include <vector>

#include "sync/wire/messages.h"

namespace simpul::hub {

// Removes from `changes` the tables and fields a node of `schema_version`
// does not know; a change left with no field (and not a scope_out) is
// dropped.
void KeepFieldsKnownAt(int schema_version, std::vector<sync::wire::Change>* changes);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_SCHEMA_COMPAT_H_
