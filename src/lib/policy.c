#include "policy.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"

static const char *const default_labels[CVT_REVIEW_COUNT] = {
	"new CVE",
	"severity changed",
	"triage expired",
	"scan incomplete",
};

static const char *const reason_names[CVT_REVIEW_COUNT] = {"new", "severity", "expired",
							   "incomplete"};

void cvt_policy_init(struct cvt_policy *p)
{
	memset(p, 0, sizeof *p);
	for (int i = 0; i < CVT_REVIEW_COUNT; i++)
		p->labels[i] = default_labels[i];
	p->enabled = (1u << CVT_REVIEW_COUNT) - 1;
	p->min_severity = CVT_SEV_UNKNOWN;
	p->expiring_days = 14;
}

const char *cvt_review_reason_name(enum cvt_review_reason reason)
{
	return (unsigned)reason < CVT_REVIEW_COUNT ? reason_names[reason] : NULL;
}

void cvt_review_init(struct cvt_review *rv)
{
	memset(rv, 0, sizeof *rv);
}

void cvt_review_release(struct cvt_review *rv)
{
	free(rv->expired.items);
	free(rv->expiring.items);
	memset(rv, 0, sizeof *rv);
}

static void add_expiry(struct cvt_expiry_list *list, const struct cvt_finding *f,
		       const struct cvt_decision *d, long days_left)
{
	if (list->n == list->alloc) {
		size_t alloc = list->alloc ? list->alloc * 2 : 8;
		list->items = cvt_realloc_array(list->items, alloc, sizeof *list->items);
		list->alloc = alloc;
	}
	struct cvt_expiry *e = &list->items[list->n++];
	e->finding = f;
	e->decision = d;
	e->days_left = days_left;
}

int cvt_policy_above_decided(const struct cvt_finding *f, const struct cvt_decision *d)
{
	return d && d->severity && f->severity > cvt_severity_parse(d->severity);
}

unsigned cvt_policy_attention(const struct cvt_finding *f, const struct cvt_decision *d,
			      const char *today)
{
	if (!d)
		return CVT_ATTENTION_UNTRIAGED;
	unsigned attention = 0;
	if (cvt_decision_expired(d, today))
		attention |= CVT_ATTENTION_EXPIRED;
	if (cvt_policy_above_decided(f, d))
		attention |= CVT_ATTENTION_RISEN;
	return attention;
}

/* Marks `reason` on the item and the review when the policy enables it. */
static void raise_reason(struct cvt_review *rv, struct cvt_diff_item *it,
			 const struct cvt_policy *p, enum cvt_review_reason reason)
{
	if (!(p->enabled & CVT_REVIEW_BIT(reason)))
		return;
	it->review |= CVT_REVIEW_BIT(reason);
	rv->reasons |= CVT_REVIEW_BIT(reason);
}

static void review_added(struct cvt_review *rv, struct cvt_diff *d, const struct cvt_ledger *l,
			 const struct cvt_policy *p)
{
	for (size_t i = 0; i < d->added.n; i++) {
		struct cvt_diff_item *it = &d->added.items[i];
		it->decision = l ? cvt_ledger_match_in(l, it->after, d->after->artifact_name) : NULL;
		if (it->decision)
			rv->n_triaged++;
		if (it->after->severity < p->min_severity)
			continue;
		if (!it->decision)
			raise_reason(rv, it, p, CVT_REVIEW_NEW);
		else if (cvt_policy_above_decided(it->after, it->decision))
			raise_reason(rv, it, p, CVT_REVIEW_SEVERITY);
		if (it->review & CVT_REVIEW_BIT(CVT_REVIEW_NEW))
			rv->n_new++;
		if (it->review & CVT_REVIEW_BIT(CVT_REVIEW_SEVERITY))
			rv->n_risen++;
	}
}

static void review_changed(struct cvt_review *rv, struct cvt_diff *d, const struct cvt_ledger *l,
			   const struct cvt_policy *p)
{
	for (size_t i = 0; i < d->changed.n; i++) {
		struct cvt_diff_item *it = &d->changed.items[i];
		it->decision = l ? cvt_ledger_match_in(l, it->after, d->after->artifact_name) : NULL;
		if (!(it->fields & CVT_FIELD_SEVERITY) ||
		    it->after->severity <= it->before->severity)
			continue;
		if (it->after->severity < p->min_severity)
			continue;
		/* A decision that recorded a severity accepted the finding up to it. */
		if (it->decision && it->decision->severity &&
		    !cvt_policy_above_decided(it->after, it->decision))
			continue;
		raise_reason(rv, it, p, CVT_REVIEW_SEVERITY);
		if (it->review)
			rv->n_risen++;
	}
}

/* Decisions that expired, or expire soon, while a finding they cover is in the new report. */
static void review_expiry(struct cvt_review *rv, const struct cvt_diff *d,
			  const struct cvt_ledger *l, const struct cvt_policy *p, const char *today)
{
	struct cvt_date parsed;
	if (!l || !l->n_decisions || cvt_date_parse(today, &parsed) != 0)
		return;
	for (size_t i = 0; i < d->after->n_findings; i++) {
		const struct cvt_finding *f = &d->after->findings[i];
		const struct cvt_decision *dec = cvt_ledger_match_in(l, f, d->after->artifact_name);
		if (!dec || !dec->expires || cvt_date_parse(dec->expires, &parsed) != 0)
			continue;
		long days = cvt_date_days_between(today, dec->expires);
		if (cvt_decision_expired(dec, today))
			add_expiry(&rv->expired, f, dec, days);
		else if (days <= p->expiring_days)
			add_expiry(&rv->expiring, f, dec, days);
	}
	if (rv->expired.n && (p->enabled & CVT_REVIEW_BIT(CVT_REVIEW_EXPIRED)))
		rv->reasons |= CVT_REVIEW_BIT(CVT_REVIEW_EXPIRED);
}

/*
 * A blind scan (wrong image, skipped directories, an OS the scanner does not know) looks like
 * every CVE was fixed. A report with findings but no result count (hand-written) is not blind.
 */
static enum cvt_incomplete scan_incomplete(const struct cvt_report *before,
					   const struct cvt_report *after)
{
	if (before->os && !after->os)
		return CVT_INCOMPLETE_NO_OS;
	if (after->results == 0 && after->n_findings == 0 && before->n_findings > 0)
		return CVT_INCOMPLETE_NO_RESULTS;
	return CVT_INCOMPLETE_NONE;
}

static void collect_labels(struct cvt_review *rv, const struct cvt_policy *p)
{
	rv->n_labels = 0;
	for (int r = 0; r < CVT_REVIEW_COUNT; r++) {
		if (!(rv->reasons & CVT_REVIEW_BIT(r)))
			continue;
		const char *label = p->labels[r];
		int seen = 0;
		for (size_t k = 0; k < rv->n_labels; k++)
			seen |= strcmp(rv->labels[k], label) == 0;
		if (!seen)
			rv->labels[rv->n_labels++] = label;
	}
}

void cvt_policy_apply(struct cvt_review *rv, struct cvt_diff *d, const struct cvt_ledger *ledger,
		      const struct cvt_policy *p, const char *today)
{
	review_added(rv, d, ledger, p);
	review_changed(rv, d, ledger, p);
	review_expiry(rv, d, ledger, p, today);
	rv->incomplete = scan_incomplete(d->before, d->after);
	if (rv->incomplete && (p->enabled & CVT_REVIEW_BIT(CVT_REVIEW_INCOMPLETE)))
		rv->reasons |= CVT_REVIEW_BIT(CVT_REVIEW_INCOMPLETE);
	collect_labels(rv, p);
}
