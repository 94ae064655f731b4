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
	 "(recorded) and the decision. With a folder, finding entries also hold \"image\"."},
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
		"one at a time; each line starts with the image (the file name without .json) and a "
		"decision is stale only when no image has a finding it covers.\n"
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

struct results {
	struct arena arena;
	struct item_list sections[SECTIONS];
	int folder; /* items carry an image */
};

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

/* Sorts one report's findings into the sections; marks the decisions it uses. */
static void check_report(struct results *res, const struct cvt_report *r, const char *image,
			 const struct cvt_ledger *l, const char *today, unsigned char *used)
{
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct cvt_finding *f = &r->findings[i];
		cvt_ledger_mark_matches(l, f, used);
		const struct cvt_decision *d = cvt_ledger_match(l, f);
		unsigned attention = cvt_policy_attention(f, d, today);
		if (attention & CVT_ATTENTION_UNTRIAGED) {
			struct item *it = add_finding(res, UNTRIAGED, image, f, NULL);
			it->title = f->title ? arena_strdup(&res->arena, f->title) : NULL;
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

static void write_text(const struct results *res, struct strbuf *out)
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
		sb_addf(out, "%s (%zu)%s\n", headings[s][0], list->n, headings[s][1]);
		for (size_t i = 0; i < list->n; i++)
			text_item(out, (enum section)s, &list->items[i]);
	}
	size_t expired = res->sections[EXPIRED].n, risen = res->sections[RISEN].n;
	if (expired || risen)
		sb_addf(out, "\nReview needed: %zu expired, %zu severity risen.\n", expired, risen);
	else
		sb_addstr(out, "\nNothing needs review.\n");
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

static void write_json(const struct results *res, struct strbuf *out)
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
		for (size_t i = 0; i < list->n; i++)
			json_item(&w, (enum section)s, &list->items[i]);
		json_end_array(&w);
	}
	json_key(&w, "review");
	json_bool(&w, res->sections[EXPIRED].n || res->sections[RISEN].n);
	json_end_object(&w);
	json_writer_finish(&w);
}

/* "reports/web.json" -> "web" */
static const char *image_name(struct arena *a, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return arena_strndup(a, base, strlen(base) - strlen(".json"));
}

static int check_path(struct results *res, const char *path, const char *image,
		      const struct cvt_ledger *l, const char *today, unsigned char *used,
		      struct cvt_error *err)
{
	struct cvt_report report;
	cvt_report_init(&report);
	int rc = cvt_load_report(&report, path, err);
	if (rc == 0)
		check_report(res, &report, image, l, today, used);
	cvt_report_release(&report);
	return rc;
}

/* Loads one report at a time, so memory stays that of the largest report plus the results. */
static int check_all(struct results *res, const char *path, const struct cvt_ledger *l,
		     const char *today, struct cvt_error *err)
{
	struct stat st;
	unsigned char *used = cvt_calloc(l->n_decisions ? l->n_decisions : 1, 1);
	int rc = 0;
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		char **paths = NULL;
		size_t n = 0;
		res->folder = 1;
		rc = cvt_list_reports(path, &paths, &n, err);
		if (rc == 0 && n == 0) {
			cvt_error_set_file(err, path);
			rc = cvt_error_set(err, CVT_EINVAL, "no *.json report in this folder");
		}
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = check_path(res, paths[i], image_name(&res->arena, paths[i]), l, today,
					used, err);
		cvt_free_paths(paths, n);
	} else {
		rc = check_path(res, path, NULL, l, today, used, err);
	}
	if (rc == 0)
		add_stale(res, l, used);
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
	cvt_ledger_init(&ledger);
	if (cvt_today(&today, &err) < 0 || cvt_ledger_load(&ledger, ledger_path, &err) < 0 ||
	    check_all(&res, report_path, &ledger, today.text, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	if (as_json)
		write_json(&res, &out);
	else
		write_text(&res, &out);
	if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		cmd_die("cannot write to standard output");
		goto out;
	}
	status = res.sections[EXPIRED].n || res.sections[RISEN].n ? EXIT_REVIEW : EXIT_OK;
out:
	for (int s = 0; s < SECTIONS; s++)
		free(res.sections[s].items);
	arena_release(&res.arena);
	sb_release(&out);
	cvt_ledger_release(&ledger);
	cvt_error_release(&err);
	return status;
}
