// The operator message catalogue: every message an operator reads, in
// Bahasa Indonesia and English.
//
// The language follows Unix rules: --lang id|en wins; otherwise LC_ALL, then
// LC_MESSAGES, then LANG; a value starting with "id" (id_ID.UTF-8) selects
// Bahasa Indonesia, anything else English. Technical logs stay English.
//
// Messages take positional arguments written {0}, {1}, ...
#ifndef SIMPUL_SCHEMA_MESSAGES_H_
#define SIMPUL_SCHEMA_MESSAGES_H_

#include <string>
#include <vector>

#include "schema/status.h"

namespace simpul {

enum class Lang { kId, kEn };

enum class MsgId : uint16_t {
  // Validation.
  kFieldRequired,
  kDigitsOnly,
  kNikLength,
  kNikProvince,
  kNikDate,
  kNikSerial,
  kNikRegionWarning,
  kNikSexWarning,
  kNikBirthDateWarning,
  kKkLength,
  kKkProvince,
  kKkDate,
  kKkSerial,
  kRegionFormat,
  kRegionKabupaten,
  kRegionDesaKind,
  kRegionUnknown,
  kRegionNotVillage,
  kPhoneFormat,
  kDateFormat,
  kDateImpossible,
  kDateFuture,
  kEnumValue,
  kTextTooLong,
  kNumberRange,
  // Store and CLI.
  kStoreNotSimpul,
  kStoreMissing,
  kStoreTooNew,
  kStoreCorrupt,
  kStoreBusy,
  kStoreExists,
  kNotFoundId,
  kFileUnreadable,
  kFileTooLarge,
  kUnknownCommand,
  kUnknownOption,
  kMissingOption,
  kBadOptionValue,
  kWrongVillage,
  kNotEditable,
  kApplicationIncomplete,
  kIndicatorUnknown,
  kIndicatorAnswer,
  kAlreadySubmitted,
  kCannotWithdraw,
  kPersonNotInHousehold,
  kApplicantNeedsNik,
  kHouseholdNeedsKk,
  kOptionNeedsValue,
  kUnexpectedArgument,
  kFileWriteFailed,
  kLoginRequired,
  kLoginFailed,
  kRoleForbids,
  kStoreLocked,
  kWrongPassphrase,
  kPassphraseWeak,
  // Audit log checks ({0} writer, {1} entry id, {2} from, {3} to).
  kAuditAltered,
  kAuditUnlinked,
  kAuditSeqTwice,
  kAuditMissing,
  kAuditTruncated,
  kAuditHeadForged,
  kAuditHeadUnknownKey,
  kAuditHeadMismatch,
  kAuditLastHead,  // {0} writer, {1} seq, {2} hash, {3} signed at
  // Hub setup mode (hub/setup_mode.h).
  kSetupModeWarning,
  kSetupModeWebRefused,
  // Exports, bundles, moves, hub decisions.
  kExportFormat,
  kBundleReplyDamaged,
  kBundleReplyAlreadyImported,
  kBundleReplyNotOurs,
  kBundleReplyStale,
  kRowMovedTo,
  kRowMovedElsewhere,
  kMoveNeedsHousehold,
  kMoveHouseholdElsewhere,
  kMoveSameVillage,
  kDecisionNotAllowed,
  kLetterNeedsApproval,
  kReasonRequired,
  kMissingArgument,
  kHubUnknownCommand,
  kStoreDamaged,  // {0} data directory, {1} page number, {2} file
  // Stages and submission under the service rules (schema/stages.h).
  kStageUnknown,          // {0} service, {1} stage, {2} the service's stages
  kStageNotUnderReview,   // {0} status
  kStageOtherSide,        // {0} stage, {1} role that records it
  kStageAlreadyDone,      // {0} stage
  kStageOutOfOrder,       // {0} next stage, {1} its title, {2} stage asked for
  kDecisionSkipsStage,    // {0} stage, {1} its title, {2} application id
  kSubmitMissingDocuments,  // {0} document kinds
  // Cases (B'DESUT; schema/cases.h).
  kCaseClosed,          // {0} case, {1} step
  kCaseStepNotAllowed,  // {0} step, {1} case, {2} status, {3} steps allowed now
  // The web application (web/, hub/api/).
  kDecisionStale,        // {0} the status now
  kWebSignInRequired,
  kWebCsrfRefused,
  kWebSignInThrottled,   // {0} seconds to wait
  kWebRoleForbids,       // {0} role
  kWebNotFound,
  kWebMethodNotAllowed,
  kWebJsonRequired,
  kWebActionUnknown,     // {0} action
  kWebDocumentMissing,
  // The village web app (node/api/, node/sync_run.h).
  kSyncAlreadyRunning,
  kSyncNotEnrolled,
  kSyncHubUnreachable,   // {0} changes waiting in the outbox
  kSyncDoneSummary,      // {0} sent, {1} received, {2} refused, {3} conflicts
  kWebStoreLocked,
  kWebWrongPassphrase,
  kWebNoAccounts,
  kWebMemberError,       // {0} member number, {1} the member's error
  kWebHostRefused,       // {0} the Host header
  kWebLetterNotArrived,  // {0} letter number
  // CSV files (schema/csv.h), DTKS snapshots (schema/dtks.h), duplicate
  // beneficiaries (schema/duplicates.h, hub/duplicates.h).
  kCsvEncoding,           // {0} line, {1} byte
  kCsvUnterminatedQuote,  // {0} line
  kCsvAfterQuote,         // {0} line
  kCsvFieldTooLong,       // {0} line, {1} bytes
  kCsvTooManyFields,      // {0} line, {1} fields
  kDtksNikExcel,          // {0} what the cell holds
  kDtksDesil,             // {0} value
  kDtksPbiStatus,         // {0} value
  kDtksDateFormat,        // {0} column, {1} value
  kSheetNoHeader,
  kSheetColumnTwice,       // {0} first, {1} second
  kDtksColumnMissing,     // {0} column
  kSheetDuplicateNik,      // {0} NIK, {1} line it was first on
  kSheetLineError,         // {0} line, {1} column, {2} the problem
  kSheetFileRefused,       // {0} number of problems
  kDtksNoSnapshot,
  kDtksNotListed,         // {0} newest snapshot date
  kDtksListed,            // {0} DTKS|P3KE, {1} desil, {2} PBI status, {3} snapshot date
  kPbiActive,
  kPbiInactive,
  kPbiNotRegistered,
  kDuplicateNik,          // {0} NIK, {1} person id, {2} name, {3} village, {4} household
  kBenefitHeld,           // {0} NIK, {1} type, {2} application, {3} village, {4} status
  // The Dinsos web app's cases, exports, villages and audit pages (hub/api/).
  kCaseStale,             // {0} case, {1} status now
  kExportPurposeRequired,
  // The village web app's cases, conflicts and bundles (node/api/).
  kConflictAlreadyResolved,  // {0} how it was resolved
  kConflictChangedMeanwhile, // {0} the value now
  kWebBundleTooLarge,        // {0} MB sent, {1} MB at most
  kWebBundleRead,            // {0} acked, {1} received, {2} refused, {3} conflicts
  // Importing a village register (node/register_import.h).
  kSheetColumnMissing,       // {0} column, {1} the required columns
  kImportHouseholdDiffers,   // {0} No. KK, {1} line the household was first on
  kImportNikRegistered,      // {0} NIK, {1} name it is registered under
  kImportSecondHead,         // {0} No. KK
  kImportDone,               // {0} lines, {1} households, {2} persons, {3} applications, {4} households joined
  kImportSkipped,            // {0} lines, {1} file
  kImportUnusedColumns,      // {0} the columns
  kImportDryRun,
  // Messages to residents (schema/resident_messages.h).
  kMessageUnknown,       // {0} event id
  kMessageAlreadySent,   // {0} name
  kMessageNoPhone,       // {0} name
  kMessageNoConsent,     // {0} name
  kMessageRecorded,      // {0} name
  kMessagesGatewayRun,   // {0} sent, {1} failed, {2} waiting without phone or consent
  kMessageGatewayFailed, // {0} name, {1} what the gateway said
  kMessageGatewayNone,   // (no arguments) neither --gateway nor a gateway in hub.conf
  kMessageGatewayTwice,  // {0} config file: both a command and a URL
  // A village's register imported at the hub (hub/register_import.h).
  kImportVillageNotEnrolled,  // {0} village code
  // The dashboard, the SIPERJAKE recap and enrolment from the villages page.
  kDashboardPeriod,       // {0} most days
  kEnrolAdminOnly,        // {0} role
  // The village web app's document uploads (node/api/documents_api.cc).
  kWebUploadTooLarge,     // {0} document kind, {1} size, {2} limit
  kWebUploadNotScan,      // {0} document kind
  kWebUploadEmpty,        // {0} document kind
  kWebDocumentNotHere,
  // Resident self-registration at the office kiosk (node/kiosk_store.h, node/api/kiosk_*.cc).
  kKioskQueueFull,
  kKioskAlreadyHandled,   // {0} receipt, {1} who handled it
  kKioskClosed,
  kKioskThrottled,        // {0} seconds
  kKioskOriginRefused,
  kKioskFormTooLarge,     // {0} limit
  kKioskReceived,         // {0} receipt
  kKioskOff,
  kKioskListenRefused,    // {0} address
  kKioskNoLanAddress,
  // Duplicate PBI benefits (hub/duplicates.h): DTKS says already a participant;
  // the web app's wording of a held benefit (its override field, not the option).
  kBenefitDtksPbiActive,  // {0} NIK, {1} snapshot date, {2} desil (or "-")
  kWebBenefitHeld,        // {0} NIK, {1} type, {2} application, {3} village, {4} status
  kWebBenefitDtksPbiActive,  // {0} NIK, {1} snapshot date, {2} desil (or "-")
  kWebChangedMeanwhile,      // {0} field, {1} its value now
  kWebTooManyRequests,       // {0} seconds
  // Service rules and indicator sets owned by Dinsos (schema/rules_store.h).
  kDefinitionTooLarge,       // {0} bytes
  kRulesVersionNotHigher,    // {0} the file's version, {1} the newest known, {2} its id
  kDefinitionFileRefused,    // {0} file, {1} the parser's reason (names the line)
  kIndicatorsOwnedByHub,
  kRulesVersionMissing,      // {0} version
  // The service rule's poverty-score threshold (hub/score_check.h); {how}
  // is "--override-reason" on the command line, the page's field on the web.
  kScoreBelowThreshold,      // {0} score, {1} indicator set, {2} threshold, {3} how
  kScoreNotRecorded,         // {0} indicator set, {1} threshold, {2} how
  kIndicatorsOfSetRequired,  // {0} indicator set
  kCount_,  // keep last
};

// Picks the language from --lang (if non-empty) or the environment.
Lang DetectLang(const std::string& flag_value);

// The catalogue text for `id` in `lang`, with arguments substituted.
std::string Msg(Lang lang, MsgId id, const std::vector<std::string>& args = {});

// Arguments of the form "@table" (e.g. "@applications") are shown as the
// noun for that record kind in `lang`.

// The text an operator reads for `english`, in `lang`: the shared table's
// Bahasa Indonesia translation, or `english` itself (gettext style: the
// English text is the key). `english` must be a string literal. The apps'
// own texts are in their tables (node/ui_texts.h, hub/ui_texts.h), whose
// Tr looks there first and then here; schema/ui_texts.h says how the
// catalogue is kept.
const char* Tr(Lang lang, const char* english);

// What an operator reads for a failed Status: the catalogue text when the
// status carries a MsgId, otherwise its technical message.
std::string Describe(Lang lang, const Status& status);

}  // namespace simpul

#endif  // SIMPUL_SCHEMA_MESSAGES_H_
