#ifndef CVT_POLICY_H
#define CVT_POLICY_H

#include <stddef.h>

#include "diff.h"
#include "report.h"
#include "triage.h"

/*
 * What needs a human (DESIGN "What needs a human"): applied to a diff, the
 * triage ledger and today's date, it says which review labels the change
 * carries. Everything else (fixed findings, new details, lower severity, a
 * new installed version) merges without review.
 */

/* Why a human must look; also the order labels are listed in. */
enum cvt_review_reason {
	CVT_REVIEW_NEW = 0,    /* an added finding no decision covers */
	CVT_REVIEW_SEVERITY,   /* severity rose (for a triaged finding: above the decided one) */
	CVT_REVIEW_EXPIRED,    /* a decision expired while a finding it covers is present */
	CVT_REVIEW_INCOMPLETE, /* the new scan saw less than the old one */
};
#define CVT_REVIEW_COUNT       4
#define CVT_REVIEW_BIT(reason) (1u << (reason))

struct cvt_policy {
	/* Label text per reason. Defaults: "new CVE", "severity changed", "triage expired",
	 * "scan incomplete". Non-empty, no control characters, no commas. */
	const char *labels[CVT_REVIEW_COUNT];
	/* CVT_REVIEW_BIT()s of the reasons that need review (default: all). */
	unsigned enabled;
	/* Added or risen findings below this severity need no review (default UNKNOWN: all do;
	 * the order is CRITICAL > HIGH > MEDIUM > LOW > UNKNOWN). */
	enum cvt_severity min_severity;
	/* Decisions expiring within this many days are listed as expiring soon (default 14). */
	int expiring_days;
};

/* The default policy, exactly as DESIGN states it. */
void cvt_policy_init(struct cvt_policy *p);

/* Config name of a reason: "new", "severity", "expired", "incomplete". */
const char *cvt_review_reason_name(enum cvt_review_reason reason);

enum cvt_incomplete {
	CVT_INCOMPLETE_NONE = 0,
	CVT_INCOMPLETE_NO_OS,      /* the old report names an OS, the new one none */
	CVT_INCOMPLETE_NO_RESULTS, /* the new scan returned no result while the old had findings */
};

/* A decision, with a finding of the new report it covers, that expired or expires soon. */
struct cvt_expiry {
	const struct cvt_finding *finding;
	const struct cvt_decision *decision;
	long days_left; /* days from today to the expiry date: negative once expired */
};

struct cvt_expiry_list {
	struct cvt_expiry *items;
	size_t n;
	size_t alloc;
};

struct cvt_review {
	unsigned
		reasons; /* CVT_REVIEW_BIT()s that apply and are enabled: review needed when != 0 */
	enum cvt_incomplete incomplete;
	size_t n_new;     /* added findings without a covering decision that need review */
	size_t n_risen;   /* findings whose severity rise needs review */
	size_t n_triaged; /* added findings covered by a decision */
	struct cvt_expiry_list expired;  /* finding order */
	struct cvt_expiry_list expiring; /* not expired, expiring within expiring_days */
	/* The labels of `reasons`, in reason order, duplicates (same text) removed. */
	const char *labels[CVT_REVIEW_COUNT];
	size_t n_labels;
};

void cvt_review_init(struct cvt_review *rv);
void cvt_review_release(struct cvt_review *rv);

/*
 * Applies the policy: sets decision and review on the items of `d`, and fills `rv`
 * (initialized, empty). `ledger` may be NULL (no decisions); `today` is "YYYY-MM-DD".
 * Linear in the findings of the new report, times a binary search in the ledger.
 *
 * An added finding covered by a decision needs no review unless the decision recorded a
 * severity and the finding is above it. A changed finding whose severity rose needs review
 * when it is untriaged, when its decision recorded no severity, or when it rose above the
 * recorded one.
 */
void cvt_policy_apply(struct cvt_review *rv, struct cvt_diff *d, const struct cvt_ledger *ledger,
		      const struct cvt_policy *p, const char *today);

/* True when `d` recorded a severity and `f` is now above it. */
int cvt_policy_above_decided(const struct cvt_finding *f, const struct cvt_decision *d);

/* Why a finding of the current report needs a human (status, dashboard). */
enum cvt_attention {
	CVT_ATTENTION_UNTRIAGED = 1u << 0, /* no decision covers it */
	CVT_ATTENTION_EXPIRED = 1u << 1,   /* its decision's expiry date is before today */
	CVT_ATTENTION_RISEN = 1u << 2,     /* above the severity its decision recorded */
};

/*
 * The CVT_ATTENTION_* bits of finding `f` covered by decision `d` (NULL: none, as
 * cvt_ledger_match gives it); 0 when nothing needs a human. `today` is "YYYY-MM-DD".
 */
unsigned cvt_policy_attention(const struct cvt_finding *f, const struct cvt_decision *d,
			      const char *today);

#endif
