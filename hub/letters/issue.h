// Producing a letter at the hub: the content from the application, its
// applicant and household, and the service's rule; the signed statement for
// its QR code; the PDF; the document kept in the hub's store; and the
// replicated `letters` row that brings it to the village at its next sync.
//
// Runs inside the caller's transaction (IssueLetter), so a letter number,
// its row and its letter_issued event land together or not at all. The PDF
// file is written first: a crash before the commit leaves an unreferenced
// document, never a row without its PDF.
#ifndef SIMPUL_HUB_LETTERS_ISSUE_H_
#define SIMPUL_HUB_LETTERS_ISSUE_H_

#include <string>
#include <vector>

#include "hub/operations.h"
#include "hub/store.h"
#include "schema/service_rules.h"

namespace simpul::hub {

struct LetterRecord {
  std::string id, village, application_id, service, number, statement, sha256;
  int64_t size = 0;
  int64_t issued_at_ms = 0;
};

// Renders and stores the letter numbered `number` for the approved
// application `app` under `rule` of `rules`.
Result<LetterRecord> ProduceLetter(HubStore& store, const schema::ServiceRules& rules, const schema::ServiceRule& rule,
                                   const Row& app, const std::string& number, const std::string& operator_name);

// The letters of an application, newest first.
Result<std::vector<LetterRecord>> LettersOf(HubStore& store, const std::string& app_id);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_LETTERS_ISSUE_H_
