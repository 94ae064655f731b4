#ifndef CVT_VEX_IMPORT_H
#define CVT_VEX_IMPORT_H

#include <stddef.h>

#include "error.h"
#include "triage.h"

/*
 * Triage decisions read from the formats other tools write, into the ledger
 * (the reverse of vex.h). The format is detected from the content:
 *
 *  - OpenVEX (0.2.0, and the 0.0.x shape with string products and
 *    vulnerabilities): one decision per statement and package. Subcomponents
 *    name the packages; a product that is itself a package purl (not
 *    pkg:oci) is one; a statement about an image or with no product is a
 *    decision for every package. Reason: impact_statement (not_affected),
 *    action_statement (affected) or status_notes. Date: the statement's
 *    timestamp (else the document's) in UTC; author: the document's. A later
 *    statement replaces an earlier one on the same id and package.
 *  - CycloneDX VEX (a BOM whose vulnerabilities have an analysis): state and
 *    justification mapped back (see vex.h), detail as reason, affects refs
 *    resolved to purls through the BOM's components (BOM-Links by their
 *    fragment); a ref to the BOM's own product, to a container or to no
 *    package is a decision for every package. Entries without analysis (scan
 *    results) are skipped. cvetrail's properties (author, expires,
 *    justification, severity) are read back.
 *  - .trivyignore: "ID [exp:YYYY-MM-DD]" lines; the comment lines right above
 *    an ID give the reason. .trivyignore.yaml: the vulnerabilities list
 *    (id, purls, paths, statement, expired_at); the other lists are ignored.
 *    An entry scoped only by paths is refused (decisions are per package).
 *    A comment or statement written by cvetrail ("[PURL: ]STATUS[ (JUSTIFICATION)]:
 *    REASON (AUTHOR, DATE)") gives back its decision; any other entry is a
 *    risk acceptance: status affected, reason the comment or statement.
 *
 * The line formats must be UTF-8 without NUL bytes (the ledger is JSON).
 *
 * Where the format says nothing, author is `author`, date is `today`
 * (YYYY-MM-DD) and reason "imported from PATH". A not_affected statement
 * without a justification is refused (the ledger requires one), as is any
 * entry cvt_decision_validate rejects; the message names the entry (JSON
 * path, or line for the Trivy formats).
 *
 * All or nothing: returns the number of decisions read (>= 0) after putting
 * them in `l`, or a negative error with `l` unchanged.
 */
int cvt_vex_import(struct cvt_ledger *l, const char *path, const char *author, const char *today,
		   struct cvt_error *err);

/* The same on text in memory; `name` stands for the file in messages and reasons. */
int cvt_vex_import_buffer(struct cvt_ledger *l, const char *name, const char *text, size_t len,
			  const char *author, const char *today, struct cvt_error *err);

enum cvt_vex_input_format {
	CVT_VEX_INPUT_UNKNOWN,
	CVT_VEX_INPUT_OPENVEX,
	CVT_VEX_INPUT_CYCLONEDX,
	CVT_VEX_INPUT_TRIVYIGNORE,
	CVT_VEX_INPUT_TRIVYIGNORE_YAML,
};

/* What cvt_vex_import_buffer would read `text` as (JSON documents by a cheap look at their keys). */
enum cvt_vex_input_format cvt_vex_detect(const char *text, size_t len);

#endif
