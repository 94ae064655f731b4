#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "reportdir.h"
#include "date.h"
#include "fleet.h"
#include "ingest.h"
#include "json.h"
#include "policy.h"
#include "report.h"
#include "triage.h"

#define DEFAULT_REPORT "cvetrail-report.json"
#define DEFAULT_LEDGER ".cvetrail/triage.json"
#define EXPIRING_DAYS  14

static const struct cvt_option_doc status_options[] = {
	{"--triage FILE",
	 "The ledger. Default: .cvetrail/triage.json (a missing ledger is empty)."},
	{"--json",
	 "Print one JSON object instead of text: {\"expired\": [...], \"severity_risen\": [...], "
	 "\"expiring_soon\": [...], \"untriaged\": [...], \"stale\": [...], \"review\": true|false}. "
	 "Finding entries hold key, id, package, severity (now) and, when triaged, the decision "
	 "as it is in the ledger; severity_risen entries add decided_severity, expiring_soon "
	 "entries days_left, untriaged entries title; stale entries hold id, package, severity "
	 "(recorded) and the decision (with its \"image\" when scoped). With a fleet, finding "
	 "entries also hold \"image\", and a \"fleet\" object "
	 "follows: {\"images\": N, \"findings\": N, \"cves\": [{\"id\", \"severity\" (highest), "
	 "\"images\", \"untriaged_images\"}] (the 20 found in most images), "
	 "\"images_by_untriaged_critical\": [{\"image\", \"untriaged_critical\", "
	 "\"untriaged_high\", \"findings\"}] (the 20 images with most, none without), "
	 "\"shared_decisions\": [{\"id\", \"package\", \"image\" (when scoped), \"images\"}] "
	 "(decisions covering findings in two images or more)}."},
	{NULL, NULL},
};

const struct cvt_command_doc cmd_status_doc = {
	.name = "status",
	.synopsis = "cvetrail status [--triage FILE] [--json] [REPORT|DIR]",
	.summary = "check the report against the triage ledger",
	.description =
		"Compares the report REPORT (default cvetrail-report.json; canonical or any scanner "
		"output cvetrail reads) with the triage ledger and lists, by section with counts:\n"
		"\n"
		"expired: decisions whose expiry date has passed (a decision expiring today is still "
		"valid) while their finding is present;\n"
		"\n"
		"severity risen: findings now more severe than the severity recorded in their "
		"decision (CRITICAL > HIGH > MEDIUM > LOW > UNKNOWN; a decision recorded without a "
		"severity never counts as risen);\n"
		"\n"
		"expiring soon: decisions of present findings that expire within 14 days;\n"
		"\n"
		"untriaged: findings no decision covers (informational: the merge that brought them "
		"accepted them);\n"
		"\n"
		"stale: decisions that cover no finding of the report any more (cleanup candidates "
		"for 'cvetrail unack').\n"
		"\n"
		"Today is taken from SOURCE_DATE_EPOCH when set. Text from reports and the ledger "
		"(titles, reasons) is printed with control characters replaced.\n"
		"\n"
		"Given a folder DIR, every *.json report in it (one per image) is read in name order, "
		"two at a time on two threads; each line starts with the image (the file name without .json, or the "
		"report's artifact name when 'normalize -o DIR' named the file after it) and a "
		"decision is stale only when no image has a finding it covers. A trivy k8s cluster "
		"report is read the same way, one image per distinct image reference (sorted). For "
		"such a fleet a summary follows the sections: the vulnerabilities found in most images "
		"(highest severity, images, images where it is untriaged; top 20), the images with "
		"most untriaged CRITICAL findings (top 20) and the decisions that cover findings in "
		"several images. Memory stays that of the two largest reports plus the summary: untriaged "
		"lines are kept in a temporary file until printed.\n"
		"\n"
		"A decision scoped to an image (ack --image) covers findings only in that image: the "
		"file stem in a folder, the image reference in a cluster report, the artifact name of "
		"a single report, with or without tag and digest.\n"
		"\n"
		"Examples:\n"
		"\n"
		"cvetrail status\n"
		"\n"
		"cvetrail status --json reports/ | jq '.expired[].key'",
	.options = status_options,
	.exit_status =
		"0: nothing needs a human: no expired decision and no severity risen above a "
		"decision's.\n"
		"1: some decision expired while its finding is present, or some severity rose "
		"above the one decided.\n"
		"2: bad usage, or an unreadable or invalid report or ledger.",
};

enum section { EXPIRED, RISEN, EXPIRING, UNTRIAGED, STALE, SECTIONS };

/* One line of output; strings live in the results arena or the ledger. */
struct item {
	const char *image; /* NULL for a single report */
	const char *key;
	const char *id;
	const char *package;
	const char *severity; /* the finding's severity now (stale: the one recorded) */
	const char *title;
	const struct cvt_decision *decision;
	long days_left;
};

struct item_list {
	struct item *items;
	size_t n, alloc;
};

/*
 * The untriaged section can list every finding of a fleet: its lines are
 * formatted as they are found and spilled to a temporary file a megabyte at
 * a time, so memory stays that of the reports being read plus the aggregate.
 */
struct spill {
	FILE *file; /* NULL until the first megabyte */
	struct strbuf buf;
	struct json_writer w; /* positioned inside the "untriaged" array */
	int as_json;
	size_t n;
};

struct results {
	struct arena arena;
	struct item_list sections[SECTIONS];
	struct spill untriaged;
	int folder; /* items carry an image */
	struct cvt_fleet fleet; /* when reading a fleet */
	int is_fleet;
};

#define SPILL_CHUNK (1u << 20)

static void spill_init(struct spill *sp, int as_json)
{
	memset(sp, 0, sizeof *sp);
	sb_init(&sp->buf, 0);
	sp->as_json = as_json;
	if (as_json) {
		/* Bring the writer to where the items go, then drop what it wrote. */
		json_writer_init(&sp->w, &sp->buf, 2);
		json_begin_object(&sp->w);
		json_key(&sp->w, "untriaged");
		json_begin_array(&sp->w);
		sb_reset(&sp->buf);
	}
}

static int spill_flush(struct spill *sp)
{
	if (!sp->buf.len)
		return 0;
	if (!sp->file && !(sp->file = tmpfile()))
		return -1;
	if (fwrite(sp->buf.buf, 1, sp->buf.len, sp->file) != sp->buf.len)
		return -1;
	sb_reset(&sp->buf);
	return 0;
}

static void spill_release(struct spill *sp)
{
	if (sp->file)
		fclose(sp->file);
	sb_release(&sp->buf);
}

static struct item *add_item(struct item_list *list)
{
	if (list->n == list->alloc) {
		list->alloc = list->alloc ? list->alloc * 2 : 16;
		list->items = cvt_realloc_array(list->items, list->alloc, sizeof *list->items);
	}
	struct item *it = &list->items[list->n++];
	memset(it, 0, sizeof *it);
	return it;
}

static struct item *add_finding(struct results *res, enum section s, const char *image,
				const struct cvt_finding *f, const struct cvt_decision *d)
{
	struct item *it = add_item(&res->sections[s]);
	it->image = image;
	it->key = arena_strdup(&res->arena, f->key);
	it->id = arena_strdup(&res->arena, f->id);
	it->package = f->purl ? arena_strdup(&res->arena, f->purl) : NULL;
	it->severity = cvt_severity_name(f->severity);
	it->decision = d;
	return it;
}

static void text_item(struct strbuf *out, enum section s, const struct item *it);
static void json_item(struct json_writer *w, enum section s, const struct item *it);

static int add_untriaged(struct spill *sp, const char *image, const struct cvt_finding *f)
{
	struct item it = {.image = image,
			  .key = f->key,
			  .id = f->id,
			  .package = f->purl,
			  .severity = cvt_severity_name(f->severity),
			  .title = f->title};
	if (sp->as_json)
		json_item(&sp->w, UNTRIAGED, &it);
	else
		text_item(&sp->buf, UNTRIAGED, &it);
	sp->n++;
	return sp->buf.len >= SPILL_CHUNK ? spill_flush(sp) : 0;
}

/*
 * Sorts one report's findings into the sections; marks the decisions it uses. `image` is
 * printed on each line (NULL for a single report); `scope` is the name decisions scoped to
 * an image are matched against.
 */
static int check_report(struct results *res, const struct cvt_report *r, const char *image,
			const char *scope, const struct cvt_ledger *l, const char *today,
			unsigned char *used)
{
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct cvt_finding *f = &r->findings[i];
		cvt_ledger_mark_matches_in(l, f, scope, used);
		const struct cvt_decision *d = cvt_ledger_match_in(l, f, scope);
		unsigned attention = cvt_policy_attention(f, d, today);
		if (attention & CVT_ATTENTION_UNTRIAGED) {
			if (add_untriaged(&res->untriaged, image, f) < 0)
				return -1;
			continue;
		}
		if (attention & CVT_ATTENTION_EXPIRED) {
			add_finding(res, EXPIRED, image, f, d);
		} else if (d->expires) {
			long days = cvt_date_days_between(today, d->expires);
			if (days <= EXPIRING_DAYS)
				add_finding(res, EXPIRING, image, f, d)->days_left = days;
		}
		if (attention & CVT_ATTENTION_RISEN)
			add_finding(res, RISEN, image, f, d);
	}
	return 0;
}

static void add_stale(struct results *res, const struct cvt_ledger *l, const unsigned char *used)
{
	for (size_t i = 0; i < l->n_decisions; i++) {
		if (used[i])
			continue;
		const struct cvt_decision *d = &l->decisions[i];
		struct item *it = add_item(&res->sections[STALE]);
		it->id = d->id;
		it->package = d->package;
		it->severity = d->severity;
		it->decision = d;
	}
}

static void text_decision(struct strbuf *out, const struct cvt_decision *d)
{
	term_add_safe(out, d->status);
	sb_addstr(out, ", ");
	term_add_safe(out, d->author);
	sb_addstr(out, ", ");
	term_add_safe(out, d->date);
	sb_addstr(out, ": ");
	term_add_safe(out, d->reason);
}

static void text_item(struct strbuf *out, enum section s, const struct item *it)
{
	sb_addstr(out, "  ");
	if (it->image) {
		term_add_safe(out, it->image);
		sb_addstr(out, ": ");
	}
	if (s == STALE) {
		term_add_safe(out, it->id);
		sb_addch(out, ' ');
		term_add_safe(out, it->package ? it->package : "(every package)");
		if (it->decision->image) {
			sb_addstr(out, " in image ");
			term_add_safe(out, it->decision->image);
		}
		sb_addstr(out, "  ");
		text_decision(out, it->decision);
		sb_addch(out, '\n');
		return;
	}
	term_add_safe(out, it->key);
	sb_addstr(out, "  ");
	switch (s) {
	case EXPIRED:
		sb_addf(out, "%s  expired ", it->severity);
		term_add_safe(out, it->decision->expires);
		break;
	case RISEN:
		term_add_safe(out, it->decision->severity);
		sb_addf(out, " -> %s", it->severity);
		break;
	case EXPIRING:
		sb_addf(out, "%s  expires ", it->severity);
		term_add_safe(out, it->decision->expires);
		if (it->days_left == 0)
			sb_addstr(out, " (today)");
		else
			sb_addf(out, " (in %ld day%s)", it->days_left,
				it->days_left == 1 ? "" : "s");
		break;
	default:
		sb_addstr(out, it->severity);
		break;
	}
	if (it->decision) {
		sb_addstr(out, "  ");
		text_decision(out, it->decision);
	} else if (it->title) {
		sb_addstr(out, "  ");
		term_add_safe(out, it->title);
	}
	sb_addch(out, '\n');
}

#define FLEET_TOP 20

/* Writes `out` to standard output and empties it. */
static int emit(struct strbuf *out)
{
	if (fwrite(out->buf, 1, out->len, stdout) != out->len)
		return -1;
	sb_reset(out);
	return 0;
}

/* Writes what is in `out`, then the spilled untriaged lines. */
static int emit_untriaged(struct strbuf *out, struct spill *sp)
{
	if (emit(out) < 0)
		return -1;
	if (sp->file) {
		char chunk[1 << 16];
		size_t n;
		if (fflush(sp->file) != 0 || fseek(sp->file, 0, SEEK_SET) != 0)
			return -1;
		while ((n = fread(chunk, 1, sizeof chunk, sp->file)) > 0)
			if (fwrite(chunk, 1, n, stdout) != n)
				return -1;
		if (ferror(sp->file))
			return -1;
	}
	return emit(&sp->buf);
}

/* Images by untriaged critical findings, then untriaged high, then name; only those with some. */
static int compare_images(const void *a, const void *b)
{
	const struct cvt_fleet_image *x = *(const struct cvt_fleet_image *const *)a;
	const struct cvt_fleet_image *y = *(const struct cvt_fleet_image *const *)b;
	for (int s = CVT_SEV_CRITICAL; s >= CVT_SEV_HIGH; s--)
		if (x->untriaged[s] != y->untriaged[s])
			return x->untriaged[s] > y->untriaged[s] ? -1 : 1;
	return strcmp(x->image, y->image);
}

static size_t images_by_critical(const struct cvt_fleet *f, const struct cvt_fleet_image ***out)
{
	const struct cvt_fleet_image **list = cvt_calloc(f->n_images ? f->n_images : 1, sizeof *list);
	size_t n = 0;
	for (size_t i = 0; i < f->n_images; i++)
		if (f->images[i].untriaged[CVT_SEV_CRITICAL])
			list[n++] = &f->images[i];
	qsort(list, n, sizeof *list, compare_images);
	*out = list;
	return n < FLEET_TOP ? n : FLEET_TOP;
}

/* Decisions covering findings in two images or more, most images first (ledger order next). */
static size_t shared_decisions(const struct cvt_fleet *f, size_t **out)
{
	size_t n_decisions = f->ledger ? f->ledger->n_decisions : 0;
	size_t *list = cvt_calloc(n_decisions ? n_decisions : 1, sizeof *list);
	size_t n = 0;
	for (size_t i = 0; i < n_decisions; i++)
		if (f->decision_images[i] >= 2)
			list[n++] = i;
	/* Insertion sort is stable and a ledger has few shared decisions. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && f->decision_images[list[j]] > f->decision_images[list[j - 1]];
		     j--) {
			size_t t = list[j];
			list[j] = list[j - 1];
			list[j - 1] = t;
		}
	*out = list;
	return n;
}

static void text_fleet(const struct cvt_fleet *f, struct strbuf *out)
{
	size_t n_cves = f->n_cves < FLEET_TOP ? f->n_cves : FLEET_TOP;
	sb_addf(out, "Fleet: %zu image%s, %zu finding%s, %zu vulnerabilit%s\n", f->n_images,
		f->n_images == 1 ? "" : "s", f->findings, f->findings == 1 ? "" : "s", f->n_cves,
		f->n_cves == 1 ? "y" : "ies");
	sb_addf(out, "Most widespread vulnerabilities (%zu)\n", n_cves);
	for (size_t i = 0; i < n_cves; i++) {
		const struct cvt_fleet_cve *c = &f->cves[i];
		sb_addstr(out, "  ");
		term_add_safe(out, c->id);
		sb_addf(out, "  %s  in %zu image%s, untriaged in %zu\n", cvt_severity_name(c->severity),
			c->images, c->images == 1 ? "" : "s", c->untriaged_images);
	}
	const struct cvt_fleet_image **images;
	size_t n_images = images_by_critical(f, &images);
	sb_addf(out, "Images by untriaged CRITICAL findings (%zu)\n", n_images);
	for (size_t i = 0; i < n_images; i++) {
		sb_addstr(out, "  ");
		term_add_safe(out, images[i]->image);
		sb_addf(out, "  %zu CRITICAL, %zu HIGH untriaged of %zu findings\n",
			images[i]->untriaged[CVT_SEV_CRITICAL], images[i]->untriaged[CVT_SEV_HIGH],
			images[i]->findings);
	}
	free(images);
	size_t *shared;
	size_t n_shared = shared_decisions(f, &shared);
	sb_addf(out, "Decisions shared by several images (%zu)\n", n_shared);
	for (size_t i = 0; i < n_shared; i++) {
		const struct cvt_decision *d = &f->ledger->decisions[shared[i]];
		sb_addstr(out, "  ");
		term_add_safe(out, d->id);
		sb_addch(out, ' ');
		term_add_safe(out, d->package ? d->package : "(every package)");
		sb_addf(out, "  in %zu images\n", f->decision_images[shared[i]]);
	}
	free(shared);
}

static int write_text(struct results *res, struct strbuf *out)
{
	static const char *const headings[SECTIONS][2] = {
		{"Expired", ": decisions past their expiry date, finding still present"},
		{"Severity risen", ": findings now more severe than when decided"},
		{"Expiring within 14 days", ""},
		{"Untriaged", ": findings without a decision (informational)"},
		{"Stale",
		 ": decisions that cover no finding any more (remove with cvetrail unack)"},
	};
	for (int s = 0; s < SECTIONS; s++) {
		const struct item_list *list = &res->sections[s];
		size_t n = s == UNTRIAGED ? res->untriaged.n : list->n;
		sb_addf(out, "%s (%zu)%s\n", headings[s][0], n, headings[s][1]);
		if (s == UNTRIAGED && emit_untriaged(out, &res->untriaged) < 0)
			return -1;
		for (size_t i = 0; i < list->n; i++)
			text_item(out, (enum section)s, &list->items[i]);
	}
	if (res->is_fleet)
		text_fleet(&res->fleet, out);
	size_t expired = res->sections[EXPIRED].n, risen = res->sections[RISEN].n;
	if (expired || risen)
		sb_addf(out, "\nReview needed: %zu expired, %zu severity risen.\n", expired, risen);
	else
		sb_addstr(out, "\nNothing needs review.\n");
	return emit(out);
}

static void json_item(struct json_writer *w, enum section s, const struct item *it)
{
	json_begin_object(w);
	if (it->image) {
		json_key(w, "image");
		json_string(w, it->image);
	}
	if (s != STALE) {
		json_key(w, "key");
		json_string(w, it->key);
	}
	json_key(w, "id");
	json_string(w, it->id);
	json_key(w, "package");
	json_string(w, it->package);
	json_key(w, "severity");
	json_string(w, it->severity);
	if (s == RISEN) {
		json_key(w, "decided_severity");
		json_string(w, it->decision->severity);
	} else if (s == EXPIRING) {
		json_key(w, "days_left");
		json_int(w, it->days_left);
	} else if (s == UNTRIAGED) {
		json_key(w, "title");
		json_string(w, it->title);
	}
	if (it->decision) {
		json_key(w, "decision");
		cvt_decision_write(w, it->decision);
	}
	json_end_object(w);
}

static void json_fleet(struct json_writer *w, const struct cvt_fleet *f)
{
	json_begin_object(w);
	json_key(w, "images");
	json_int(w, (long long)f->n_images);
	json_key(w, "findings");
	json_int(w, (long long)f->findings);
	json_key(w, "cves");
	json_begin_array(w);
	for (size_t i = 0; i < f->n_cves && i < FLEET_TOP; i++) {
		const struct cvt_fleet_cve *c = &f->cves[i];
		json_begin_object(w);
		json_key(w, "id");
		json_string(w, c->id);
		json_key(w, "severity");
		json_string(w, cvt_severity_name(c->severity));
		json_key(w, "images");
		json_int(w, (long long)c->images);
		json_key(w, "untriaged_images");
		json_int(w, (long long)c->untriaged_images);
		json_end_object(w);
	}
	json_end_array(w);
	const struct cvt_fleet_image **images;
	size_t n_images = images_by_critical(f, &images);
	json_key(w, "images_by_untriaged_critical");
	json_begin_array(w);
	for (size_t i = 0; i < n_images; i++) {
		json_begin_object(w);
		json_key(w, "image");
		json_string(w, images[i]->image);
		json_key(w, "untriaged_critical");
		json_int(w, (long long)images[i]->untriaged[CVT_SEV_CRITICAL]);
		json_key(w, "untriaged_high");
		json_int(w, (long long)images[i]->untriaged[CVT_SEV_HIGH]);
		json_key(w, "findings");
		json_int(w, (long long)images[i]->findings);
		json_end_object(w);
	}
	json_end_array(w);
	free(images);
	size_t *shared;
	size_t n_shared = shared_decisions(f, &shared);
	json_key(w, "shared_decisions");
	json_begin_array(w);
	for (size_t i = 0; i < n_shared; i++) {
		const struct cvt_decision *d = &f->ledger->decisions[shared[i]];
		json_begin_object(w);
		json_key(w, "id");
		json_string(w, d->id);
		json_key(w, "package");
		json_string(w, d->package);
		if (d->image) {
			json_key(w, "image");
			json_string(w, d->image);
		}
		json_key(w, "images");
		json_int(w, (long long)f->decision_images[shared[i]]);
		json_end_object(w);
	}
	json_end_array(w);
	free(shared);
	json_end_object(w);
}

static int write_json(struct results *res, struct strbuf *out)
{
	static const char *const names[SECTIONS] = {"expired", "severity_risen", "expiring_soon",
						    "untriaged", "stale"};
	struct json_writer w;
	json_writer_init(&w, out, 2);
	json_begin_object(&w);
	for (int s = 0; s < SECTIONS; s++) {
		const struct item_list *list = &res->sections[s];
		json_key(&w, names[s]);
		json_begin_array(&w);
		if (s == UNTRIAGED) {
			if (emit_untriaged(out, &res->untriaged) < 0)
				return -1;
			/* The spilled items were written by a writer in this very place. */
			w.need_comma = res->untriaged.n > 0;
			w.empty_container = res->untriaged.n == 0;
		}
		for (size_t i = 0; i < list->n; i++)
			json_item(&w, (enum section)s, &list->items[i]);
		json_end_array(&w);
	}
	json_key(&w, "review");
	json_bool(&w, res->sections[EXPIRED].n || res->sections[RISEN].n);
	if (res->is_fleet) {
		json_key(&w, "fleet");
		json_fleet(&w, &res->fleet);
	}
	json_end_object(&w);
	json_writer_finish(&w);
	return emit(out);
}

static int check_path(struct results *res, const char *path, const struct cvt_ledger *l,
		      const char *today, unsigned char *used, struct cvt_error *err)
{
	struct cvt_report report;
	cvt_report_init(&report);
	int rc = cvt_load_report(&report, path, err);
	if (rc == 0 && check_report(res, &report, NULL, report.artifact_name, l, today, used) < 0)
		rc = cvt_error_set(err, CVT_EIO, "cannot write a temporary file");
	cvt_report_release(&report);
	return rc;
}

/* Loads the images in turn (a folder's two at a time), so memory stays that of
 * the reports being read plus the results. */
static int check_fleet(struct results *res, const char *path, const struct cvt_ledger *l,
		       const char *today, unsigned char *used, struct cvt_error *err)
{
	struct cvt_fleet_reader *rd;
	struct cvt_report report;
	const char *image;
	int rc = cvt_fleet_open(&rd, path, err);
	if (rc < 0)
		return rc;
	res->folder = 1;
	res->is_fleet = 1;
	cvt_report_init(&report);
	while ((rc = cvt_fleet_next(rd, &report, &image, err)) > 0) {
		const char *kept = arena_strdup(&res->arena, image);
		if (check_report(res, &report, kept, kept, l, today, used) < 0) {
			rc = cvt_error_set(err, CVT_EIO, "cannot write a temporary file");
			break;
		}
		cvt_fleet_add(&res->fleet, kept, &report);
	}
	cvt_report_release(&report);
	cvt_fleet_close(rd);
	cvt_fleet_finish(&res->fleet);
	return rc < 0 ? rc : 0;
}

static int check_all(struct results *res, const char *path, const struct cvt_ledger *l,
		     const char *today, struct cvt_error *err)
{
	unsigned char *used = cvt_calloc(l->n_decisions ? l->n_decisions : 1, 1);
	int rc;
	if (cvt_fleet_is_fleet(path))
		rc = check_fleet(res, path, l, today, used, err);
	else
		rc = check_path(res, path, l, today, used, err);
	if (rc == 0)
		add_stale(res, l, used);
	if (rc == 0 && spill_flush(&res->untriaged) < 0)
		rc = cvt_error_set(err, CVT_EIO, "cannot write a temporary file");
	free(used);
	return rc;
}

int cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"triage", required_argument, NULL, 't'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *ledger_path = DEFAULT_LEDGER, *report_path = DEFAULT_REPORT;
	int opt, as_json = 0, n_args = 0;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "-:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 1:
			if (n_args++ == 0)
				report_path = optarg;
			break;
		case 't':
			ledger_path = optarg;
			break;
		case 'j':
			as_json = 1;
			break;
		case 'h':
			cmd_print_help(&cmd_status_doc);
			return EXIT_OK;
		case ':':
			return cmd_usage_error("status", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("status", "unknown option '%s'", argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++) /* after "--" */
		if (n_args++ == 0)
			report_path = argv[optind];
	if (n_args > 1)
		return cmd_usage_error("status", "expected at most one REPORT, got %d", n_args);

	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_ledger ledger;
	struct cvt_date today;
	struct results res;
	struct strbuf out = STRBUF_INIT;
	int status = EXIT_ERROR;
	memset(&res, 0, sizeof res);
	arena_init(&res.arena);
	spill_init(&res.untriaged, as_json);
	cvt_ledger_init(&ledger);
	if (cvt_today(&today, &err) < 0 || cvt_ledger_load(&ledger, ledger_path, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	cvt_fleet_init(&res.fleet, &ledger, today.text);
	if (check_all(&res, report_path, &ledger, today.text, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	if ((as_json ? write_json(&res, &out) : write_text(&res, &out)) < 0 || fflush(stdout) != 0) {
		cmd_die("cannot write to standard output");
		goto out;
	}
	status = res.sections[EXPIRED].n || res.sections[RISEN].n ? EXIT_REVIEW : EXIT_OK;
out:
	for (int s = 0; s < SECTIONS; s++)
		free(res.sections[s].items);
	arena_release(&res.arena);
	spill_release(&res.untriaged);
	cvt_fleet_release(&res.fleet);
	sb_release(&out);
	cvt_ledger_release(&ledger);
	cvt_error_release(&err);
	return status;
}
