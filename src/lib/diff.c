#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "policy.h"
#include "triage.h"

void cvt_diff_init(struct cvt_diff *d)
{
	memset(d, 0, sizeof *d);
}

void cvt_diff_release(struct cvt_diff *d)
{
	free(d->added.items);
	free(d->removed.items);
	free(d->changed.items);
	memset(d, 0, sizeof *d);
}

static struct cvt_diff_item *add_item(struct cvt_diff_list *list, const struct cvt_finding *before,
				      const struct cvt_finding *after)
{
	if (list->n == list->alloc) {
		size_t alloc = list->alloc ? list->alloc * 2 : 16;
		list->items = cvt_realloc_array(list->items, alloc, sizeof *list->items);
		list->alloc = alloc;
	}
	struct cvt_diff_item *it = &list->items[list->n++];
	memset(it, 0, sizeof *it);
	it->before = before;
	it->after = after;
	return it;
}

static int same_text(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* CVSS scores are number text as the scanner wrote it: "7.5" and "7.50" are the same score. */
static int same_score(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0 || strtod(a, NULL) == strtod(b, NULL);
}

static int same_aliases(const struct cvt_finding *a, const struct cvt_finding *b)
{
	if (a->n_aliases != b->n_aliases)
		return 0;
	for (size_t i = 0; i < a->n_aliases; i++)
		if (strcmp(a->aliases[i], b->aliases[i]) != 0)
			return 0;
	return 1;
}

unsigned cvt_diff_fields(const struct cvt_finding *before, const struct cvt_finding *after)
{
	unsigned fields = 0;
	if (before->severity != after->severity)
		fields |= CVT_FIELD_SEVERITY;
	if (!same_text(before->fixed_version, after->fixed_version))
		fields |= CVT_FIELD_FIXED_VERSION;
	if (!same_text(before->status, after->status))
		fields |= CVT_FIELD_STATUS;
	if (!same_text(before->installed_version, after->installed_version))
		fields |= CVT_FIELD_INSTALLED_VERSION;
	if (!same_text(before->title, after->title))
		fields |= CVT_FIELD_TITLE;
	if (!same_text(before->url, after->url))
		fields |= CVT_FIELD_URL;
	if (!same_score(before->cvss, after->cvss))
		fields |= CVT_FIELD_CVSS;
	if (!same_aliases(before, after))
		fields |= CVT_FIELD_ALIASES;
	return fields;
}

static const char *const field_names[CVT_FIELD_COUNT] = {
	"severity", "fixed_version", "status", "installed_version",
	"title",    "url",           "cvss",   "aliases",
};

const char *cvt_diff_field_name(unsigned field)
{
	for (int i = 0; i < CVT_FIELD_COUNT; i++)
		if (field == 1u << i)
			return field_names[i];
	return NULL;
}

static void count_severities(size_t counts[CVT_SEV_COUNT], const struct cvt_report *r)
{
	for (size_t i = 0; i < r->n_findings; i++) {
		unsigned s = (unsigned)r->findings[i].severity;
		counts[s < CVT_SEV_COUNT ? s : CVT_SEV_UNKNOWN]++;
	}
}

void cvt_diff_compute(struct cvt_diff *d, const struct cvt_report *before,
		      const struct cvt_report *after)
{
	d->before = before;
	d->after = after;
	count_severities(d->counts_before, before);
	count_severities(d->counts_after, after);
	size_t i = 0, j = 0;
	while (i < before->n_findings || j < after->n_findings) {
		const struct cvt_finding *b = i < before->n_findings ? &before->findings[i] : NULL;
		const struct cvt_finding *a = j < after->n_findings ? &after->findings[j] : NULL;
		int c = !b ? 1 : !a ? -1 : strcmp(b->key, a->key);
		if (c < 0) {
			add_item(&d->removed, b, NULL);
			i++;
		} else if (c > 0) {
			add_item(&d->added, NULL, a);
			j++;
		} else {
			unsigned fields = cvt_diff_fields(b, a);
			if (fields)
				add_item(&d->changed, b, a)->fields = fields;
			i++;
			j++;
		}
	}
}

static void write_severity_counts(struct json_writer *w, const size_t counts[CVT_SEV_COUNT])
{
	json_begin_object(w);
	for (int s = CVT_SEV_COUNT - 1; s >= 0; s--) {
		json_key(w, cvt_severity_name((enum cvt_severity)s));
		json_int(w, (long long)counts[s]);
	}
	json_end_object(w);
}

static void write_identity(struct json_writer *w, const struct cvt_finding *f)
{
	json_key(w, "key");
	json_string(w, f->key);
	json_key(w, "id");
	json_string(w, f->id);
	json_key(w, "package");
	json_string(w, f->purl);
	json_key(w, "severity");
	json_string(w, cvt_severity_name(f->severity));
}

static void write_triage(struct json_writer *w, const struct cvt_decision *decision)
{
	json_key(w, "triage");
	if (decision)
		cvt_decision_write(w, decision);
	else
		json_null(w);
}

static void write_aliases(struct json_writer *w, const struct cvt_finding *f)
{
	json_begin_array(w);
	for (size_t i = 0; i < f->n_aliases; i++)
		json_string(w, f->aliases[i]);
	json_end_array(w);
}

static void write_cvss(struct json_writer *w, const char *cvss)
{
	if (cvss)
		json_number_raw(w, cvss, strlen(cvss));
	else
		json_null(w);
}

/* One changed field as {"from": old, "to": new}. */
static void write_field_change(struct json_writer *w, unsigned field, const struct cvt_finding *b,
			       const struct cvt_finding *a)
{
	json_key(w, cvt_diff_field_name(field));
	json_begin_object(w);
	for (int side = 0; side < 2; side++) {
		const struct cvt_finding *f = side ? a : b;
		json_key(w, side ? "to" : "from");
		switch (field) {
		case CVT_FIELD_SEVERITY:
			json_string(w, cvt_severity_name(f->severity));
			break;
		case CVT_FIELD_FIXED_VERSION:
			json_string(w, f->fixed_version);
			break;
		case CVT_FIELD_STATUS:
			json_string(w, f->status);
			break;
		case CVT_FIELD_INSTALLED_VERSION:
			json_string(w, f->installed_version);
			break;
		case CVT_FIELD_TITLE:
			json_string(w, f->title);
			break;
		case CVT_FIELD_URL:
			json_string(w, f->url);
			break;
		case CVT_FIELD_CVSS:
			write_cvss(w, f->cvss);
			break;
		default:
			write_aliases(w, f);
			break;
		}
	}
	json_end_object(w);
}

static void write_added(struct json_writer *w, const struct cvt_diff_item *it)
{
	const struct cvt_finding *f = it->after;
	json_begin_object(w);
	write_identity(w, f);
	write_triage(w, it->decision);
	json_key(w, "package_name");
	json_string(w, f->pkg_name);
	json_key(w, "installed_version");
	json_string(w, f->installed_version);
	json_key(w, "fixed_version");
	json_string(w, f->fixed_version);
	json_key(w, "title");
	json_string(w, f->title);
	json_key(w, "url");
	json_string(w, f->url);
	json_key(w, "review");
	json_bool(w, it->review != 0);
	json_end_object(w);
}

static void write_removed(struct json_writer *w, const struct cvt_diff_item *it)
{
	const struct cvt_finding *f = it->before;
	json_begin_object(w);
	write_identity(w, f);
	json_key(w, "package_name");
	json_string(w, f->pkg_name);
	json_key(w, "installed_version");
	json_string(w, f->installed_version);
	json_key(w, "title");
	json_string(w, f->title);
	json_end_object(w);
}

static void write_changed(struct json_writer *w, const struct cvt_diff_item *it)
{
	const struct cvt_finding *a = it->after;
	json_begin_object(w);
	json_key(w, "key");
	json_string(w, a->key);
	json_key(w, "id");
	json_string(w, a->id);
	json_key(w, "package");
	json_string(w, a->purl);
	json_key(w, "fields");
	json_begin_array(w);
	for (int i = 0; i < CVT_FIELD_COUNT; i++)
		if (it->fields & (1u << i))
			json_string(w, field_names[i]);
	json_end_array(w);
	for (int i = 0; i < CVT_FIELD_COUNT; i++)
		if (it->fields & (1u << i))
			write_field_change(w, 1u << i, it->before, a);
	write_triage(w, it->decision);
	json_key(w, "review");
	json_bool(w, it->review != 0);
	json_end_object(w);
}

static const char *incomplete_name(enum cvt_incomplete inc)
{
	switch (inc) {
	case CVT_INCOMPLETE_NO_OS:
		return "no_os";
	case CVT_INCOMPLETE_NO_RESULTS:
		return "no_results";
	case CVT_INCOMPLETE_NONE:
		break;
	}
	return NULL;
}

void cvt_diff_write_json(const struct cvt_diff *d, const struct cvt_review *rv, struct strbuf *out)
{
	struct json_writer w;
	json_writer_init(&w, out, 2);
	json_begin_object(&w);
	json_key(&w, "added");
	json_begin_array(&w);
	for (size_t i = 0; i < d->added.n; i++)
		write_added(&w, &d->added.items[i]);
	json_end_array(&w);
	json_key(&w, "removed");
	json_begin_array(&w);
	for (size_t i = 0; i < d->removed.n; i++)
		write_removed(&w, &d->removed.items[i]);
	json_end_array(&w);
	json_key(&w, "changed");
	json_begin_array(&w);
	for (size_t i = 0; i < d->changed.n; i++)
		write_changed(&w, &d->changed.items[i]);
	json_end_array(&w);
	json_key(&w, "review");
	json_bool(&w, rv->reasons != 0);
	json_key(&w, "labels");
	json_begin_array(&w);
	for (size_t i = 0; i < rv->n_labels; i++)
		json_string(&w, rv->labels[i]);
	json_end_array(&w);
	json_key(&w, "expired");
	json_begin_array(&w);
	for (size_t i = 0; i < rv->expired.n; i++) {
		json_begin_object(&w);
		write_identity(&w, rv->expired.items[i].finding);
		write_triage(&w, rv->expired.items[i].decision);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_key(&w, "incomplete");
	json_string(&w, incomplete_name(rv->incomplete));
	json_key(&w, "summary");
	json_begin_object(&w);
	json_key(&w, "added");
	json_int(&w, (long long)d->added.n);
	json_key(&w, "removed");
	json_int(&w, (long long)d->removed.n);
	json_key(&w, "changed");
	json_int(&w, (long long)d->changed.n);
	json_key(&w, "before");
	write_severity_counts(&w, d->counts_before);
	json_key(&w, "after");
	write_severity_counts(&w, d->counts_after);
	json_end_object(&w);
	json_end_object(&w);
	json_writer_finish(&w);
}
