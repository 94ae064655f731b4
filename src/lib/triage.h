#ifndef CVT_TRIAGE_H
#define CVT_TRIAGE_H

#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "report.h"
#include "strbuf.h"

/*
 * The triage ledger (.cvetrail/triage.json): human decisions about
 * findings, matched by key so they survive base-image updates. A decision
 * with a package matches that key; one without a package matches the
 * vulnerability id (and its aliases) in every package.
 *
 * File format (stable, sorted by id, package then image, one decision per object):
 *   {
 *     "schema": "cvetrail/triage/1",
 *     "decisions": [
 *       {
 *         "id": "CVE-2023-38545",
 *         "package": "pkg:deb/debian/curl",        (absent: every package)
 *         "image": "registry.example/web",          (absent: every image of a fleet)
 *         "status": "not_affected",
 *         "justification": "vulnerable_code_not_in_execute_path",  (absent unless given)
 *         "reason": "we never call curl with SOCKS5",
 *         "author": "Jane Doe",
 *         "date": "2026-11-29",
 *         "expires": "2027-02-28",                  (absent: never)
 *         "severity": "HIGH"                        (absent: unknown when decided)
 *       }
 *     ]
 *   }
 */

struct cvt_decision {
	const char *id;
	const char *package;       /* versionless purl, NULL = every package */
	const char *image;         /* image scope, NULL = every image (fleet-wide) */
	const char *status;        /* not_affected | affected | fixed | under_investigation */
	const char *justification; /* OpenVEX justification, required for not_affected */
	const char *reason;
	const char *author;
	const char *date;          /* YYYY-MM-DD */
	const char *expires;       /* YYYY-MM-DD or NULL */
	const char *severity;      /* severity when decided ("HIGH"...) or NULL */
};

struct cvt_ledger {
	struct arena arena;
	struct cvt_decision *decisions; /* sorted by (id, package, image; NULL first) */
	size_t n_decisions;
	size_t decisions_alloc;
	void *input; /* owned text strings may point into */
};

/* OpenVEX vocabularies, NULL-terminated. */
extern const char *const cvt_vex_statuses[];
extern const char *const cvt_vex_justifications[];

void cvt_ledger_init(struct cvt_ledger *l);
void cvt_ledger_release(struct cvt_ledger *l);

/*
 * Loads a ledger. A missing file gives an empty ledger (rc 0); an invalid
 * one is an error naming the file, position or entry, and what was expected.
 * Every entry is validated as cvt_decision_validate does.
 */
int cvt_ledger_load(struct cvt_ledger *l, const char *path, struct cvt_error *err);
/*
 * The same for a ledger already in memory (a git blob): `len` bytes of `data` are copied.
 * `name` is what errors call the text, e.g. "<commit>:<path>". An empty text is an error.
 */
int cvt_ledger_load_buffer(struct cvt_ledger *l, const char *data, size_t len, const char *name,
			   struct cvt_error *err);
/* The ledger file's text (sorted, stable formatting, trailing newline). */
void cvt_ledger_write(const struct cvt_ledger *l, struct strbuf *out);
/* Writes atomically (creating the directory). */
int cvt_ledger_save(const struct cvt_ledger *l, const char *path, struct cvt_error *err);

/* Checks vocabulary, the justification rule and date formats; the message lists allowed values. */
int cvt_decision_validate(const struct cvt_decision *d, struct cvt_error *err);
/* Adds a copy of `d` (strings copied into the ledger's arena), replacing a decision with the
 * same id, package and image. Keeps the ledger sorted. */
void cvt_ledger_put(struct cvt_ledger *l, const struct cvt_decision *d);
/* Removes the unscoped decision with this id and package (NULL = the every-package one);
 * returns 1 if one was removed, 0 if none matched. */
int cvt_ledger_remove(struct cvt_ledger *l, const char *id, const char *package);

/*
 * The decision that covers a finding: the one for its exact key first, then
 * one for its id without a package, then the same for each alias of the
 * finding (so a decision on a CVE covers a GHSA-keyed finding that lists
 * the CVE, and the other way round). NULL when none does.
 */
const struct cvt_decision *cvt_ledger_match(const struct cvt_ledger *l, const struct cvt_finding *f);

/*
 * Image scope. A decision with an image covers a finding only in an image
 * whose name equals the scope, with or without its tag and digest ("web"
 * or "web:1.2" cover "web:1.2@sha256:..."); one without covers it in every
 * image. The image of a finding is the report's file stem in a folder, the
 * image reference in a k8s cluster report, the artifact name of a single
 * report; NULL (unknown) is covered by unscoped decisions only.
 */
int cvt_image_in_scope(const char *image, const char *scope);
/* Non-empty, no control characters; `where` prefixes the message ("decisions[3]."). */
int cvt_image_scope_validate(const char *image, const char *where, struct cvt_error *err);
/* cvt_ledger_match for a finding of `image`: a decision scoped to it takes precedence over an
 * unscoped one for the same id and package. */
const struct cvt_decision *cvt_ledger_match_in(const struct cvt_ledger *l,
					       const struct cvt_finding *f, const char *image);
void cvt_ledger_mark_matches_in(const struct cvt_ledger *l, const struct cvt_finding *f,
				const char *image, unsigned char *used);
int cvt_decision_matches_in(const struct cvt_decision *d, const struct cvt_finding *f,
			    const char *image);
size_t cvt_ledger_find_in(const struct cvt_ledger *l, const char *id, const char *package,
			  const char *image);
int cvt_ledger_remove_in(struct cvt_ledger *l, const char *id, const char *package,
			 const char *image);

/* True when the decision has an expiry date strictly before `today`. */
int cvt_decision_expired(const struct cvt_decision *d, const char *today);

/* Index of the decision with exactly this id and package (NULL = the every-package one), or
 * (size_t)-1. Binary search: O(log n). */
size_t cvt_ledger_find(const struct cvt_ledger *l, const char *id, const char *package);

/*
 * Sets used[i] = 1 for every decision i that would cover `f` on its own, i.e. ignoring that a
 * more specific decision takes precedence in cvt_ledger_match. A decision never marked over a
 * whole report covers nothing in it (its finding is gone). `used` holds n_decisions flags.
 */
void cvt_ledger_mark_matches(const struct cvt_ledger *l, const struct cvt_finding *f,
			     unsigned char *used);

/* True when `d` on its own covers `f` (same rules as cvt_ledger_match). */
int cvt_decision_matches(const struct cvt_decision *d, const struct cvt_finding *f);

struct json_writer;
/* Writes the decision as one JSON object, fields in the ledger's order, absent ones omitted. */
void cvt_decision_write(struct json_writer *w, const struct cvt_decision *d);

/* Severity words a decision may record, highest first, NULL-terminated. */
extern const char *const cvt_decision_severities[];

/*
 * Checks a vulnerability id as typed by a user or found in the ledger: non-empty, no
 * whitespace or control characters. Fills err ("id: ...") and returns CVT_EINVAL otherwise.
 */
int cvt_vuln_id_validate(const char *id, struct cvt_error *err);

/*
 * Appends the package a decision stores for a purl typed by a user: the versionless canonical
 * form ("pkg:deb/debian/curl@7.88?arch=amd64" -> "pkg:deb/debian/curl"). CVT_EINVAL with a
 * message naming `what` (e.g. "--package") when `typed` is not a purl.
 */
int cvt_decision_package(const char *typed, const char *what, struct strbuf *out,
			 struct cvt_error *err);

#endif
