/*
 * Trivy JSON → findings. Shapes accepted: SchemaVersion 2 objects; the
 * legacy top-level array of results (Trivy until 2021), whose results may
 * lack Type (the OS family then comes from the Target's "(debian 9.9)"
 * suffix); the literal null legacy Trivy printed for an empty scan.
 * Misconfiguration, secret and license results carry no vulnerabilities and
 * are passed over. Volatile fields (Layer, LastModifiedDate, Fingerprint,
 * CreatedAt, ReportID) are never read.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest.h"
#include "purl.h"
#include "shape.h"

struct trivy_ctx {
	struct cvt_report *r;
	struct cvt_error *err;
	struct json_stream *stream;
	struct shape_strings strings;
	struct strbuf scratch;
	struct strbuf family;
	struct strbuf release;
	/* Trivy lists a package's vulnerabilities together: its purl is parsed once. */
	struct strbuf last_given;
	const char *last_purl;
};

/* Lock files of legacy results that carry no Type, by base name. */
static const struct {
	const char *file;
	const char *type;
} lockfile_types[] = {
	{"package-lock.json", "npm"},   {"yarn.lock", "yarn"},       {"pnpm-lock.yaml", "pnpm"},
	{"Pipfile.lock", "pipenv"},     {"poetry.lock", "poetry"},   {"requirements.txt", "pip"},
	{"Gemfile.lock", "bundler"},    {"Cargo.lock", "cargo"},     {"composer.lock", "composer"},
	{"go.sum", "gomod"},            {"go.mod", "gomod"},         {"packages.lock.json", "nuget"},
	{"pom.xml", "pom"},             {"gradle.lockfile", "gradle"}, {"pubspec.lock", "pub"},
	{"Podfile.lock", "cocoapods"},  {"Package.resolved", "swift"}, {"conan.lock", "conan"},
	{"mix.lock", "hex"},            {"bun.lock", "bun"},
};

static const char *type_from_target_file(const char *target)
{
	const char *base = strrchr(target, '/');
	base = base ? base + 1 : target;
	for (size_t i = 0; i < sizeof lockfile_types / sizeof lockfile_types[0]; i++)
		if (!strcmp(base, lockfile_types[i].file))
			return lockfile_types[i].type;
	return NULL;
}

static const char *intern(struct trivy_ctx *c, const struct strbuf *sb)
{
	return shape_keep_len(&c->strings, sb->buf, sb->len);
}

/* Trivy's statuses, lower-cased: most findings share one of these. */
static const char *const known_statuses[] = {
	"fixed",       "affected",     "will_not_fix",        "fix_deferred",
	"end_of_life", "not_affected", "under_investigation", "unknown",
};

/* Highest CVSS v3 base score over all sources, as written. */
static const struct json_value *highest_cvss(const struct json_value *cvss)
{
	const struct json_value *best = NULL;
	double best_score = -1;
	if (!json_is(cvss, JSON_OBJECT))
		return NULL;
	for (uint32_t i = 0; i < cvss->len; i++) {
		const struct json_value *score = json_get(&cvss->u.members[i].value, "V3Score");
		if (!json_is(score, JSON_NUMBER))
			continue;
		double v = json_number(score);
		if (v > best_score) {
			best_score = v;
			best = score;
		}
	}
	return best;
}

static const char *number_text(struct trivy_ctx *c, const struct json_value *v)
{
	if (!v)
		return NULL;
	return arena_strndup(&c->r->arena, v->u.str, v->len);
}

/* The versionless purl of a finding: the one Trivy gives, else one made
 * from the result's package type, else a generic one. */
static const char *finding_purl(struct trivy_ctx *c, const char *purl_given,
				const char *result_type, const char *name)
{
	if (purl_given && c->last_purl && !strcmp(purl_given, c->last_given.buf))
		return c->last_purl;
	sb_reset(&c->scratch);
	if (!(purl_given && cvt_purl_versionless(purl_given, &c->scratch) == 0) &&
	    !(result_type && cvt_purl_from_package(result_type, name, &c->scratch) == 0)) {
		/* No type we know: a generic purl still gives a stable key. */
		cvt_purl_generic(name, &c->scratch);
	}
	const char *purl = intern(c, &c->scratch);
	c->last_purl = NULL;
	if (purl_given) {
		sb_reset(&c->last_given);
		sb_addstr(&c->last_given, purl_given);
		c->last_purl = purl;
	}
	return purl;
}

static const char *finding_status(struct shape_strings *strings, struct strbuf *scratch,
				  const char *status, const char *fixed)
{
	/* Trivy before Status existed: only the fix version tells. */
	if (!status)
		return fixed ? "fixed" : "affected";
	/* strcasecmp folds A-Z only (the tool keeps the C locale), as below. */
	for (size_t i = 0; i < sizeof known_statuses / sizeof known_statuses[0]; i++)
		if (!strcasecmp(status, known_statuses[i]))
			return known_statuses[i];
	sb_reset(scratch);
	for (const char *p = status; *p; p++)
		sb_addch(scratch, (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p);
	return shape_keep_len(strings, scratch->buf, scratch->len);
}

/* `target` is already in the report's arena; every other string kept is
 * copied there, since a streamed element lives only until the next one. */
static int add_vulnerability(struct trivy_ctx *c, const struct json_value *v, const char *target,
			     const char *result_type, const struct shape_path *path)
{
	struct cvt_report *r = c->r;
	struct cvt_error *err = c->err;
	const char *id, *name, *purl_given = NULL, *status, *severity, *fixed, *installed, *pkg_path;
	const struct json_value *ident;
	int rc;

	if (!json_is(v, JSON_OBJECT))
		return shape_error(err, path, "a vulnerability object", v);
	if ((rc = shape_opt_string(v, "VulnerabilityID", path, &id, err)) < 0)
		return rc;
	/* Some real legacy reports hold entries with a package and no vulnerability. */
	if (!id)
		return 0;
	if ((rc = shape_req_string(v, "PkgName", path, &name, err)) < 0 ||
	    (rc = shape_opt_object(v, "PkgIdentifier", path, &ident, err)) < 0 ||
	    (rc = shape_opt_string(v, "Status", path, &status, err)) < 0 ||
	    (rc = shape_opt_string(v, "Severity", path, &severity, err)) < 0 ||
	    (rc = shape_opt_string(v, "FixedVersion", path, &fixed, err)) < 0 ||
	    (rc = shape_opt_string(v, "InstalledVersion", path, &installed, err)) < 0 ||
	    (rc = shape_opt_string(v, "PkgPath", path, &pkg_path, err)) < 0)
		return rc;
	if (ident) {
		struct shape_path ipath = {path, "PkgIdentifier", 0};
		if ((rc = shape_opt_string(ident, "PURL", &ipath, &purl_given, err)) < 0)
			return rc;
	}

	struct cvt_finding *f = cvt_report_add(r);
	f->id = shape_keep(&c->strings, id);
	f->pkg_name = shape_keep(&c->strings, name);
	f->purl = finding_purl(c, purl_given, result_type, name);
	shape_make_key(&c->strings, f);
	f->severity = cvt_severity_parse(severity);
	f->fixed_version = shape_keep(&c->strings, fixed);
	f->installed_version = shape_keep(&c->strings, installed);
	f->status = finding_status(&c->strings, &c->scratch, status, fixed);

	const char *title, *url, *published;
	if ((rc = shape_opt_string(v, "Title", path, &title, err)) < 0 ||
	    (rc = shape_opt_string(v, "PrimaryURL", path, &url, err)) < 0 ||
	    (rc = shape_opt_string(v, "PublishedDate", path, &published, err)) < 0)
		return rc;
	f->title = shape_keep(&c->strings, title);
	f->url = shape_keep(&c->strings, url);
	f->published = shape_date_prefix(&r->arena, published);
	f->cvss = number_text(c, highest_cvss(json_get(v, "CVSS")));

	const struct json_value *vendor_ids;
	if ((rc = shape_opt_array(v, "VendorIDs", path, &vendor_ids, err)) < 0)
		return rc;
	for (uint32_t i = 0; vendor_ids && i < vendor_ids->len; i++) {
		const char *alias = shape_str(&vendor_ids->u.items[i]);
		if (!alias) {
			struct shape_path vp = {path, "VendorIDs", 0}, ip = {&vp, NULL, i};
			return shape_error(err, &ip, "a string", &vendor_ids->u.items[i]);
		}
		if (*alias && strcmp(alias, f->id) != 0)
			cvt_finding_add_alias(r, f, shape_keep(&c->strings, alias));
	}
	cvt_finding_add_location(r, f, target ? target : "", shape_keep(&c->strings, pkg_path),
				 f->installed_version);
	return 0;
}

/*
 * Vulnerabilities taken during the scan of a stream (shape.h). A taken one
 * went through the checks of add_vulnerability and is already a finding of
 * the stream's report, with all it kept; its result's target (location)
 * and package type (purl and key, when Trivy gave no purl) are added once
 * the skeleton is read. Findings whose element the skeleton never reaches
 * (a vulnerability list outside a package result) are dropped before the
 * report is finished: they have no location.
 */
enum taken_state {
	TAKEN_NOT,      /* not taken: read it again (an error to report, or not seen) */
	TAKEN_FINDING,  /* r->findings[finding] lacks its location (and its purl and key
			 * when Trivy gave no purl) */
	TAKEN_NOTHING,  /* no VulnerabilityID: not a finding */
};

struct trivy_taken {
	size_t finding; /* in the stream's report */
	const char *purl_given;
	const char *pkg_path;
	enum taken_state state;
};

static struct trivy_taken *taken_slot(struct shape_trivy_stream *t, size_t index)
{
	if (index >= t->taken_alloc) {
		size_t alloc = t->taken_alloc ? t->taken_alloc : 1024;
		while (alloc <= index)
			alloc *= 2;
		t->taken = cvt_realloc_large(t->taken, t->n_taken * sizeof *t->taken, alloc,
					     sizeof *t->taken);
		t->taken_alloc = alloc;
	}
	/* Elements of other arrays have indexes too: they are not taken. */
	while (t->n_taken < index)
		t->taken[t->n_taken++].state = TAKEN_NOT;
	if (t->n_taken == index)
		t->n_taken++;
	return &t->taken[index];
}

/* The members take_vulnerability reads. */
enum taken_member {
	M_ID, M_NAME, M_IDENT, M_STATUS, M_SEVERITY, M_FIXED, M_INSTALLED, M_PATH,
	M_TITLE, M_URL, M_PUBLISHED, M_VENDOR_IDS, M_CVSS, M_COUNT
};

static const struct {
	const char *key;
	uint32_t len;
} taken_keys[M_COUNT] = {
	[M_ID] = {"VulnerabilityID", 15},  [M_NAME] = {"PkgName", 7},
	[M_IDENT] = {"PkgIdentifier", 13}, [M_STATUS] = {"Status", 6},
	[M_SEVERITY] = {"Severity", 8},    [M_FIXED] = {"FixedVersion", 12},
	[M_INSTALLED] = {"InstalledVersion", 16}, [M_PATH] = {"PkgPath", 7},
	[M_TITLE] = {"Title", 5},          [M_URL] = {"PrimaryURL", 10},
	[M_PUBLISHED] = {"PublishedDate", 13}, [M_VENDOR_IDS] = {"VendorIDs", 9},
	[M_CVSS] = {"CVSS", 4},
};

/* Which of taken_keys `m` is, or M_COUNT: a vulnerability has twice as many
 * members as are read, so the length picks the (at most two) candidates. */
static enum taken_member taken_member_of(const struct json_member *m)
{
	enum { MAX_LEN = 16 };
	static const unsigned char by_length[MAX_LEN + 1][2] = {
		[4] = {M_CVSS, M_COUNT},          [5] = {M_TITLE, M_COUNT},
		[6] = {M_STATUS, M_COUNT},        [7] = {M_NAME, M_PATH},
		[8] = {M_SEVERITY, M_COUNT},      [9] = {M_VENDOR_IDS, M_COUNT},
		[10] = {M_URL, M_COUNT},          [12] = {M_FIXED, M_COUNT},
		[13] = {M_IDENT, M_PUBLISHED},    [15] = {M_ID, M_COUNT},
		[16] = {M_INSTALLED, M_COUNT},
	};
	if (m->key_len > MAX_LEN)
		return M_COUNT;
	for (int i = 0; i < 2; i++) {
		unsigned which = by_length[m->key_len][i];
		/* Unlisted lengths hold {0, 0}: M_ID's length never matches them. */
		if (which != M_COUNT && taken_keys[which].len == m->key_len &&
		    memcmp(m->key, taken_keys[which].key, m->key_len) == 0)
			return (enum taken_member)which;
	}
	return M_COUNT;
}

/* shape_opt_string on a member's value: 0 and `*out` (NULL for absent, null
 * or ""), or -1 where shape_opt_string reports an error. */
static int opt_string(const struct json_value *v, const char **out)
{
	*out = NULL;
	if (!v || v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_STRING || memchr(v->u.str, '\0', v->len))
		return -1;
	if (v->len)
		*out = v->u.str;
	return 0;
}

/* What was kept for a vulnerability id lately (shape_trivy_stream.recent). */
struct trivy_recent_cve {
	struct shape_kept id, title, url, alias, cvss;
	const char *published;
};
enum { RECENT_CVES = 4096 };

/* The text of the string value `v` kept, or the one `prev` holds when it
 * is the same (`prev` then holds the new one). NULL for no value. */
static const char *keep_like(struct shape_strings *ss, const struct json_value *v,
			     struct shape_kept *prev)
{
	if (!v || v->type != JSON_STRING || !v->len)
		return NULL;
	return shape_keep_like(ss, prev, v->u.str, v->len);
}

static struct trivy_recent_cve *recent_for(struct shape_trivy_stream *t, const struct json_value *id)
{
	if (!t->recent)
		t->recent = cvt_calloc(RECENT_CVES, sizeof *t->recent);
	return &t->recent[cvt_text_hash(id->u.str) & (RECENT_CVES - 1)];
}

/* The checks and copies of add_vulnerability, before the finding has a
 * place; anything it would report as an error is left to it. Members are
 * looked up in one pass (the last of duplicate keys wins, as in json_get). */
static int take_vulnerability(void *ctx, size_t index, const struct json_value *v,
			      struct cvt_error *unused)
{
	struct shape_trivy_stream *t = ctx;
	struct trivy_taken *tk = taken_slot(t, index);
	const struct json_value *m[M_COUNT] = {0};
	const char *id, *name, *purl_given = NULL, *status, *severity, *fixed, *installed, *pkg_path;
	const char *title, *url, *published;
	const struct json_value *vendor_ids = NULL;
	(void)unused;

	tk->state = TAKEN_NOT;
	if (!json_is(v, JSON_OBJECT))
		return 0;
	for (uint32_t i = 0; i < v->len; i++) {
		enum taken_member which = taken_member_of(&v->u.members[i]);
		if (which != M_COUNT)
			m[which] = &v->u.members[i].value;
	}
	if (opt_string(m[M_ID], &id) < 0)
		return 0;
	if (!id) {
		tk->state = TAKEN_NOTHING;
		return 0;
	}
	const struct json_value *ident = m[M_IDENT];
	if (ident && ident->type == JSON_NULL)
		ident = NULL;
	const struct json_value *purl_value = ident ? json_get(ident, "PURL") : NULL;
	if (opt_string(m[M_NAME], &name) < 0 || !name ||
	    (ident && ident->type != JSON_OBJECT) || opt_string(m[M_STATUS], &status) < 0 ||
	    opt_string(m[M_SEVERITY], &severity) < 0 || opt_string(m[M_FIXED], &fixed) < 0 ||
	    opt_string(m[M_INSTALLED], &installed) < 0 || opt_string(m[M_PATH], &pkg_path) < 0 ||
	    (ident && opt_string(purl_value, &purl_given) < 0) ||
	    opt_string(m[M_TITLE], &title) < 0 || opt_string(m[M_URL], &url) < 0 ||
	    opt_string(m[M_PUBLISHED], &published) < 0)
		return 0;
	if (m[M_VENDOR_IDS] && m[M_VENDOR_IDS]->type != JSON_NULL) {
		vendor_ids = m[M_VENDOR_IDS];
		if (vendor_ids->type != JSON_ARRAY)
			return 0;
	}
	for (uint32_t i = 0; vendor_ids && i < vendor_ids->len; i++)
		if (!shape_str(&vendor_ids->u.items[i]))
			return 0;

	struct cvt_report *r = t->r;
	struct cvt_finding *f = cvt_report_add(r);
	struct shape_strings *ss = &t->strings;
	tk->finding = r->n_findings - 1;
	f->pkg_name = keep_like(ss, m[M_NAME], &t->last_name);
	f->severity = cvt_severity_parse(severity);
	f->fixed_version = keep_like(ss, m[M_FIXED], &t->last_fixed);
	f->installed_version = keep_like(ss, m[M_INSTALLED], &t->last_installed);
	f->status = finding_status(ss, &t->scratch, status, fixed);
	struct trivy_recent_cve *seen = recent_for(t, m[M_ID]);
	struct shape_kept seen_id = seen->id;
	f->id = keep_like(ss, m[M_ID], &seen_id);
	if (f->id != seen->id.s)
		*seen = (struct trivy_recent_cve){.id = seen_id};
	f->title = keep_like(ss, m[M_TITLE], &seen->title);
	f->url = keep_like(ss, m[M_URL], &seen->url);
	if (published && seen->published && !strncmp(published, seen->published, 10))
		f->published = seen->published;
	else if ((f->published = shape_date_prefix(&r->arena, published)))
		seen->published = f->published;
	const struct json_value *cvss = highest_cvss(m[M_CVSS]);
	f->cvss = cvss ? shape_keep_like(ss, &seen->cvss, cvss->u.str, cvss->len) : NULL;
	for (uint32_t i = 0; vendor_ids && i < vendor_ids->len; i++) {
		const struct json_value *alias = &vendor_ids->u.items[i];
		if (alias->len && strcmp(alias->u.str, f->id) != 0)
			cvt_finding_add_alias(r, f, keep_like(ss, alias, &seen->alias));
	}
	const char *prev_given = t->last_purl_given.s;
	tk->purl_given = keep_like(ss, purl_value, &t->last_purl_given);
	/* The purl Trivy gives needs no result type: the key is made here, on
	 * whichever thread, rather than in the one-thread walk of the results. */
	if (tk->purl_given) {
		if (tk->purl_given != prev_given || !t->last_purl) {
			sb_reset(&t->scratch);
			t->last_purl = cvt_purl_versionless(tk->purl_given, &t->scratch) == 0
					       ? shape_keep_len(ss, t->scratch.buf, t->scratch.len)
					       : NULL;
		}
		if ((f->purl = t->last_purl))
			shape_make_key(ss, f);
	}
	tk->pkg_path = keep_like(ss, m[M_PATH], &t->last_path);
	tk->state = TAKEN_FINDING;
	return 0;
}

/* The worker thread's context (json_stream_consumer.fork): a stream of its
 * own, whose strings live in an arena of its own until the join. */
struct trivy_worker {
	struct shape_trivy_stream t; /* first: the context handed around */
	struct cvt_report own;
};

static void *trivy_fork(void *ctx)
{
	(void)ctx;
	struct trivy_worker *w = cvt_calloc(1, sizeof *w);
	cvt_report_init(&w->own);
	shape_trivy_stream_init(&w->t, &w->own);
	return &w->t;
}

static void trivy_adopt(void *ctx, void *worker_ctx, size_t from, size_t to)
{
	struct shape_trivy_stream *t = ctx;
	const struct shape_trivy_stream *w = worker_ctx;
	struct trivy_taken *tk = taken_slot(t, to);
	tk->state = TAKEN_NOT;
	if (from >= w->n_taken)
		return;
	*tk = w->taken[from];
	if (tk->state == TAKEN_FINDING) {
		struct cvt_finding *f = cvt_report_add(t->r);
		*f = w->r->findings[tk->finding];
		tk->finding = t->r->n_findings - 1;
	}
}

static void trivy_join(void *ctx, void *worker_ctx)
{
	struct shape_trivy_stream *t = ctx;
	struct trivy_worker *w = worker_ctx;
	arena_adopt(&t->r->arena, &w->own.arena);
	shape_trivy_stream_release(&w->t);
	cvt_report_release(&w->own);
	free(w);
}

void shape_trivy_stream_init(struct shape_trivy_stream *t, struct cvt_report *r)
{
	memset(t, 0, sizeof *t);
	t->r = r;
	shape_strings_init(&t->strings, &r->arena);
	sb_init(&t->scratch, 0);
	t->consumer.array_key = "Vulnerabilities";
	t->consumer.element = take_vulnerability;
	t->consumer.ctx = t;
	t->consumer.fork = trivy_fork;
	t->consumer.adopt = trivy_adopt;
	t->consumer.join = trivy_join;
	t->consumer.first_key = "VulnerabilityID"; /* Trivy writes it first */
	t->consumer.parallel_min = SHAPE_TRIVY_PARALLEL_MIN;
}

void shape_trivy_stream_release(struct shape_trivy_stream *t)
{
	sb_release(&t->scratch);
	cvt_free_large(t->taken);
	free(t->recent);
	memset(t, 0, sizeof *t);
}

/* What the scan of `c->stream` took of the element `item` stands for, or NULL. */
static const struct trivy_taken *taken_for(const struct trivy_ctx *c, const struct json_value *item)
{
	if (!c->stream || !c->stream->consumer || c->stream->consumer->element != take_vulnerability)
		return NULL;
	const struct shape_trivy_stream *t = c->stream->consumer->ctx;
	long long index = json_stream_element_index(c->stream, item);
	if (index < 0 || (size_t)index >= t->n_taken || t->taken[index].state == TAKEN_NOT)
		return NULL;
	return &t->taken[index];
}

static void add_taken(struct trivy_ctx *c, const struct trivy_taken *tk, const char *target,
		      const char *result_type)
{
	if (tk->state != TAKEN_FINDING)
		return;
	struct cvt_finding *f = &c->r->findings[tk->finding];
	if (!f->purl) {
		f->purl = finding_purl(c, tk->purl_given, result_type, f->pkg_name);
		shape_make_key(&c->strings, f);
	}
	cvt_finding_add_location(c->r, f, target ? target : "", tk->pkg_path, f->installed_version);
}

/* "img:tag (amazon 2 (Karoo))" -> "img:tag": the Target without its trailing OS group. */
static const char *target_without_os(struct trivy_ctx *c, const char *target)
{
	size_t len = strlen(target);
	if (!len || target[len - 1] != ')')
		return NULL;
	int depth = 0;
	for (size_t i = len; i-- > 0;) {
		if (target[i] == ')')
			depth++;
		else if (target[i] == '(' && --depth == 0)
			return i > 1 && target[i - 1] == ' ' ? arena_strndup(&c->r->arena, target, i - 1) : NULL;
	}
	return NULL;
}

/* Result classes that list packages; config/secret/license results do not count as coverage. */
static int is_package_result(const char *cls)
{
	return !cls || !strcmp(cls, "os-pkgs") || !strcmp(cls, "lang-pkgs") || !strcmp(cls, "custom");
}

/* `label`, when given, names the workload of a cluster report: locations read "label: Target". */
static int add_result(struct trivy_ctx *c, const struct json_value *res,
		      const struct shape_path *path, int legacy, const char *label)
{
	const char *target, *type, *cls;
	const struct json_value *vulns;
	int rc;
	if (!json_is(res, JSON_OBJECT))
		return shape_error(c->err, path, "a result object", res);
	if ((rc = shape_opt_string(res, "Target", path, &target, c->err)) < 0 ||
	    (rc = shape_opt_string(res, "Type", path, &type, c->err)) < 0 ||
	    (rc = shape_opt_string(res, "Class", path, &cls, c->err)) < 0 ||
	    (rc = shape_opt_array(res, "Vulnerabilities", path, &vulns, c->err)) < 0)
		return rc;
	if (!is_package_result(cls))
		return 0;
	c->r->results++;

	const char *purl_type = type;
	int has_os = target && cvt_target_os(target, &c->family, &c->release) == 0;
	if (!purl_type && has_os)
		purl_type = intern(c, &c->family);
	if (!purl_type && target)
		purl_type = type_from_target_file(target);
	if (legacy && has_os && !c->r->artifact_name)
		c->r->artifact_name = target_without_os(c, target);
	if (has_os && !c->r->os && (legacy || (cls && !strcmp(cls, "os-pkgs")) || !type)) {
		sb_reset(&c->scratch);
		sb_addf(&c->scratch, "%s %s", c->family.buf, c->release.buf);
		c->r->os = intern(c, &c->scratch);
	}
	/* Locations share the result's Target; one copy serves them all. */
	const char *kept_target = NULL;
	if (vulns && vulns->len) {
		if (label) {
			sb_reset(&c->scratch);
			sb_addf(&c->scratch, "%s: %s", label, target ? target : "");
			kept_target = intern(c, &c->scratch);
		} else {
			kept_target = shape_keep(&c->strings, target);
		}
	}
	for (uint32_t i = 0; vulns && i < vulns->len; i++) {
		struct shape_path vp = {path, "Vulnerabilities", 0}, ip = {&vp, NULL, i};
		const struct json_value *v;
		const struct trivy_taken *tk = taken_for(c, &vulns->u.items[i]);
		if (tk) {
			add_taken(c, tk, kept_target, purl_type);
			continue;
		}
		if ((rc = shape_element(c->stream, &vulns->u.items[i], &v, c->err)) < 0 ||
		    (rc = add_vulnerability(c, v, kept_target, purl_type, &ip)) < 0)
			return rc;
	}
	return 0;
}

static int add_results(struct trivy_ctx *c, const struct json_value *results, int legacy)
{
	for (uint32_t i = 0; i < results->len; i++) {
		struct shape_path rp = {NULL, legacy ? NULL : "Results", 0}, ip = {legacy ? NULL : &rp, NULL, i};
		int rc = add_result(c, &results->u.items[i], &ip, legacy, NULL);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int read_metadata(struct trivy_ctx *c, const struct json_value *root)
{
	const struct json_value *meta, *os;
	const char *family = NULL, *name = NULL;
	int rc;
	struct shape_path mp = {NULL, "Metadata", 0}, op = {&mp, "OS", 0};
	if ((rc = shape_opt_string(root, "ArtifactName", NULL, &c->r->artifact_name, c->err)) < 0 ||
	    (rc = shape_opt_string(root, "ArtifactType", NULL, &c->r->artifact_type, c->err)) < 0 ||
	    (rc = shape_opt_object(root, "Metadata", NULL, &meta, c->err)) < 0)
		return rc;
	c->r->artifact_name = shape_keep(&c->strings, c->r->artifact_name);
	c->r->artifact_type = shape_keep(&c->strings, c->r->artifact_type);
	if (!meta)
		return 0;
	if ((rc = shape_opt_object(meta, "OS", &mp, &os, c->err)) < 0)
		return rc;
	if (!os)
		return 0;
	if ((rc = shape_opt_string(os, "Family", &op, &family, c->err)) < 0 ||
	    (rc = shape_opt_string(os, "Name", &op, &name, c->err)) < 0)
		return rc;
	/* Family "none": Trivy found no OS it knows, i.e. it saw less of the image. */
	if (family && strcmp(family, "none") != 0)
		c->r->os = name ? arena_sprintf(&c->r->arena, "%s %s", family, name)
				: shape_keep(&c->strings, family);
	return 0;
}

/* Drops the findings taken during the scan that no package result claimed
 * (they have no location: every finding a result claims has one). */
static void drop_unclaimed(struct cvt_report *r)
{
	size_t out = 0;
	for (size_t i = 0; i < r->n_findings; i++)
		if (r->findings[i].n_locations)
			r->findings[out++] = r->findings[i];
	r->n_findings = out;
}

int cvt_ingest_trivy(struct cvt_report *r, const struct json_value *root, struct cvt_error *err)
{
	return shape_ingest_trivy(r, root, NULL, err);
}

int shape_ingest_trivy(struct cvt_report *r, const struct json_value *root,
		       struct json_stream *stream, struct cvt_error *err)
{
	struct trivy_ctx c = {r,           err,         stream,      {NULL, NULL, 0}, STRBUF_INIT,
			      STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, NULL};
	shape_strings_init(&c.strings, &r->arena);
	int rc = 0;
	r->scanner_name = "trivy";
	if (json_is(root, JSON_NULL)) {
		r->artifact_type = NULL;
		goto out;
	}
	if (json_is(root, JSON_ARRAY)) {
		rc = add_results(&c, root, 1);
		goto out;
	}
	if (!json_is(root, JSON_OBJECT)) {
		rc = shape_error(err, NULL, "a Trivy report (an object, an array of results or null)", root);
		goto out;
	}
	if (json_get(root, "ClusterName") || json_get(root, "Resources")) {
		sb_release(&c.scratch);
		drop_unclaimed(r);
		return cvt_ingest_trivy_k8s(r, root, err);
	}
	const struct json_value *schema = json_get(root, "SchemaVersion");
	if (!json_is(schema, JSON_NUMBER)) {
		rc = shape_error(err, &(struct shape_path){NULL, "SchemaVersion", 0}, "the number 2", schema);
		goto out;
	}
	if (schema->len != 1 || schema->u.str[0] != '2') {
		rc = cvt_error_set(err, CVT_EINVAL, "unsupported Trivy SchemaVersion %.*s (expected 2)",
				   (int)schema->len, schema->u.str);
		goto out;
	}
	if ((rc = read_metadata(&c, root)) < 0)
		goto out;
	const struct json_value *results;
	if ((rc = shape_opt_array(root, "Results", NULL, &results, err)) < 0)
		goto out;
	if (results) {
		const char *saved_os = r->os;
		int metadata_says_none = 0;
		const struct json_value *meta = json_get(root, "Metadata");
		const struct json_value *os = json_get(meta, "OS");
		const char *fam = json_get_str(os, "Family");
		metadata_says_none = fam && !strcmp(fam, "none");
		rc = add_results(&c, results, 0);
		if (metadata_says_none)
			r->os = NULL;
		else if (saved_os)
			r->os = saved_os;
	}
out:
	sb_release(&c.scratch);
	sb_release(&c.last_given);
	sb_release(&c.family);
	sb_release(&c.release);
	if (rc == 0) {
		drop_unclaimed(r);
		cvt_report_finish(r);
	}
	return rc;
}

int shape_ingest_trivy_parts(struct cvt_report *r, const struct shape_trivy_part *parts, size_t n,
			     struct cvt_error *err)
{
	struct trivy_ctx c = {r,           err,         NULL,        {NULL, NULL, 0}, STRBUF_INIT,
			      STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, NULL};
	shape_strings_init(&c.strings, &r->arena);
	int rc = 0;
	r->scanner_name = "trivy";
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct shape_path lp = {NULL, parts[i].list_key, 0};
		struct shape_path ep = {&lp, NULL, parts[i].resource};
		struct shape_path rp = {&ep, "Results", 0};
		struct shape_path ip = {&rp, NULL, parts[i].result};
		rc = add_result(&c, parts[i].result_value, &ip, 0, parts[i].label);
	}
	sb_release(&c.scratch);
	sb_release(&c.last_given);
	sb_release(&c.family);
	sb_release(&c.release);
	if (rc == 0)
		cvt_report_finish(r);
	return rc;
}
