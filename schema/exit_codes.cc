#include "schema/exit_codes.h"

#include "schema/messages.h"

namespace simpul {

int ExitCodeFor(const Status& st) {
  if (st.ok()) return kExitOk;
  if (auto id = st.msg_id()) {
    if (*id == MsgId::kStoreMissing || *id == MsgId::kStoreNotSimpul || *id == MsgId::kStoreCorrupt ||
        *id == MsgId::kStoreTooNew)
      return kExitStore;
    if (*id == MsgId::kStoreBusy) return kExitBusy;
    if (*id == MsgId::kLoginRequired || *id == MsgId::kLoginFailed || *id == MsgId::kRoleForbids ||
        *id == MsgId::kStoreLocked || *id == MsgId::kWrongPassphrase)
      return kExitNotAuthorized;
  }
  switch (st.code()) {
    case Code::kInvalidArgument:
    case Code::kNotFound:
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition:
    case Code::kPermissionDenied:
    case Code::kResourceExhausted:
      return kExitBadInput;
    case Code::kUnauthenticated:
    case Code::kVersionTooNew:
    case Code::kVersionTooOld:
      return kExitRefused;
    case Code::kCorruption:
      return kExitStore;
    case Code::kUnavailable:
      return kExitBusy;
    case Code::kIoError:
      return kExitIo;
    case Code::kOk:
      return kExitOk;
    case Code::kAborted:
    case Code::kInternal:
      break;
  }
  return kExitInternal;
}

}  // namespace simpul
