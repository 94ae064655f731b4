#include "sarif.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "json.h"
#include "markdown.h"
#include "purl.h"
#include "sha256.h"
#include "vex.h"

struct sarif_rule {
	const char *id;
	enum cvt_severity severity; /* the highest of its findings */
	const char *title;
	const char *url;
};

static const char *level_of(enum cvt_severity s)
{
	switch (s) {
	case CVT_SEV_CRITICAL:
	case CVT_SEV_HIGH:
		return "error";
	case CVT_SEV_MEDIUM:
		return "warning";
	case CVT_SEV_LOW:
	case CVT_SEV_UNKNOWN:
		break;
	}
	return "note";
}

/* GitHub rates security-severity >= 9.0 critical, >= 7.0 high, >= 4.0 medium, > 0 low. */
static const char *security_severity_of(enum cvt_severity s)
{
	switch (s) {
	case CVT_SEV_CRITICAL:
		return "9.5";
	case CVT_SEV_HIGH:
		return "8.0";
	case CVT_SEV_MEDIUM:
		return "5.5";
	case CVT_SEV_LOW:
		return "2.0";
	case CVT_SEV_UNKNOWN:
		break;
	}
	return NULL;
}

struct finding_ref {
	const char *id;
	size_t index;
};

static int cmp_finding_ref(const void *a, const void *b)
{
	const struct finding_ref *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Rules sorted by id, unique; title and URL from the first finding (in key order) that has
 * them, severity the highest. */
/* A rule links only to what a SARIF viewer can safely open: an advisory URL
 * passes the Markdown summary's test for links (http or https, no control
 * characters); a "javascript:" or "file:" URL from a scanner report does not. */
static int linkable(const char *url)
{
	struct strbuf scratch = STRBUF_INIT;
	int ok = url && cvt_md_link_destination(&scratch, url) == 0;
	sb_release(&scratch);
	return ok;
}

static struct sarif_rule *collect_rules(const struct cvt_report *r, size_t *n_out)
{
	size_t n = r->n_findings;
	struct finding_ref *refs = cvt_realloc_array(NULL, n ? n : 1, sizeof *refs);
	struct sarif_rule *rules = cvt_realloc_array(NULL, n ? n : 1, sizeof *rules);
	for (size_t i = 0; i < n; i++) {
		refs[i].id = r->findings[i].id;
		refs[i].index = i;
	}
	if (n)
		qsort(refs, n, sizeof *refs, cmp_finding_ref);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		const struct cvt_finding *f = &r->findings[refs[i].index];
		if (!kept || strcmp(rules[kept - 1].id, f->id)) {
			struct sarif_rule rule = {f->id, f->severity, f->title,
						  linkable(f->url) ? f->url : NULL};
			rules[kept++] = rule;
			continue;
		}
		struct sarif_rule *rule = &rules[kept - 1];
		if (!rule->title)
			rule->title = f->title;
		if (!rule->url && linkable(f->url))
			rule->url = f->url;
		if (f->severity > rule->severity)
			rule->severity = f->severity;
	}
	free(refs);
	*n_out = kept;
	return rules;
}

static size_t rule_index(const struct sarif_rule *rules, size_t n, const char *id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rules[mid].id, id);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* A relative URI reference: unreserved characters kept, '/' between non-empty segments other
 * than "." and "..", everything else percent-encoded (':' too, so no segment reads as a scheme). */
static void relative_uri(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start_len = out->len;
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && s[j] != '/' && s[j] != '\\')
			j++;
		size_t seg = j - i;
		if (seg && !(seg == 1 && s[i] == '.') &&
		    !(seg == 2 && s[i] == '.' && s[i + 1] == '.')) {
			if (out->len > start_len)
				sb_addch(out, '/');
			for (size_t k = i; k < j; k++) {
				unsigned char c = (unsigned char)s[k];
				if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
				    c == '~') {
					sb_addch(out, (char)c);
				} else {
					sb_addch(out, '%');
					sb_addch(out, hex[c >> 4]);
					sb_addch(out, hex[c & 15]);
				}
			}
		}
		i = j + 1;
	}
}

/*
 * Where a location is, as a stable relative URI: the package's path when the scanner gave one;
 * for an OS package (target "IMAGE (debian 12.4)") the image repository without tag, which
 * survives base-image updates; else the target itself.
 */
static void location_uri(struct strbuf *out, const struct cvt_location *loc, const char *artifact)
{
	size_t before = out->len;
	if (loc && loc->path && *loc->path) {
		relative_uri(out, loc->path, strlen(loc->path));
	} else {
		const char *target = loc && loc->target ? loc->target : artifact;
		if (target) {
			size_t len = strlen(target);
			struct strbuf family = STRBUF_INIT, release = STRBUF_INIT;
			if (cvt_target_os(target, &family, &release) == 0) {
				const char *paren = strstr(target, " (");
				const char *last = paren;
				while (paren) {
					last = paren;
					paren = strstr(paren + 1, " (");
				}
				if (last)
					len = (size_t)(last - target);
			}
			sb_release(&family);
			sb_release(&release);
			char *image = cvt_malloc(len + 1);
			memcpy(image, target, len);
			image[len] = '\0';
			struct strbuf registry = STRBUF_INIT, repository = STRBUF_INIT;
			if (cvt_image_repository(image, &registry, &repository) == 0 &&
			    len < strlen(target))
				relative_uri(out, repository.buf, repository.len);
			else
				relative_uri(out, image, len);
			sb_release(&registry);
			sb_release(&repository);
			free(image);
		}
	}
	if (out->len == before)
		sb_addstr(out, "image");
}

/* What to call the package of a finding in messages. */
static const char *package_label(const struct cvt_finding *f)
{
	return f->pkg_name ? f->pkg_name : f->purl ? f->purl : f->key;
}

static void write_message(struct json_writer *w, const char *text)
{
	json_key(w, "message");
	json_begin_object(w);
	json_key(w, "text");
	json_string(w, text);
	json_end_object(w);
}

static void write_rule(struct json_writer *w, const struct sarif_rule *rule)
{
	struct strbuf sb = STRBUF_INIT;
	json_begin_object(w);
	json_key(w, "id");
	json_string(w, rule->id);
	json_key(w, "shortDescription");
	json_begin_object(w);
	json_key(w, "text");
	json_string(w, rule->title && *rule->title ? rule->title : rule->id);
	json_end_object(w);
	struct strbuf uri = STRBUF_INIT;
	if (rule->url && cvt_md_link_destination(&uri, rule->url) == 0) {
		json_key(w, "helpUri");
		json_string(w, uri.buf);
	}
	json_key(w, "help");
	json_begin_object(w);
	sb_addf(&sb, "Vulnerability %s\nSeverity: %s", rule->id, cvt_severity_name(rule->severity));
	if (rule->title && *rule->title)
		sb_addf(&sb, "\n%s", rule->title);
	if (uri.len)
		sb_addf(&sb, "\n%s", uri.buf);
	sb_release(&uri);
	json_key(w, "text");
	json_string(w, sb.buf);
	json_end_object(w);
	json_key(w, "defaultConfiguration");
	json_begin_object(w);
	json_key(w, "level");
	json_string(w, level_of(rule->severity));
	json_end_object(w);
	json_key(w, "properties");
	json_begin_object(w);
	const char *score = security_severity_of(rule->severity);
	if (score) {
		json_key(w, "security-severity");
		json_string(w, score);
	}
	json_key(w, "tags");
	json_begin_array(w);
	json_string(w, "vulnerability");
	json_string(w, "security");
	json_string(w, cvt_severity_name(rule->severity));
	json_end_array(w);
	json_end_object(w);
	json_end_object(w);
	sb_release(&sb);
}

/*
 * The distinct location URIs of a finding, in the order of its locations
 * (sorted), each with the first location that has it. A finding of many
 * locations (one library in every layer of a large image) must not cost a
 * comparison of each URI with every other, so URIs are found by hash. One
 * is used for every result of a run, its memory kept from one to the next.
 */
struct distinct_locations {
	struct strbuf uris;  /* each URI followed by a NUL */
	size_t *start;       /* of each distinct URI in `uris` */
	size_t *location;    /* the first location with it (SIZE_MAX: none, the artifact) */
	size_t n, alloc;
	size_t *slots;       /* open addressing: index + 1 in `start`, 0 empty */
	size_t n_slots, slots_alloc;
};

static void distinct_locations(struct distinct_locations *d, const struct cvt_report *r,
			       const struct cvt_finding *f)
{
	size_t n = f->n_locations ? f->n_locations : 1;
	struct strbuf uri = STRBUF_INIT;
	if (n > d->alloc) {
		d->start = cvt_realloc_array(d->start, n, sizeof *d->start);
		d->location = cvt_realloc_array(d->location, n, sizeof *d->location);
		d->alloc = n;
	}
	for (d->n_slots = 16; d->n_slots < 2 * n;)
		d->n_slots *= 2;
	if (d->n_slots > d->slots_alloc) {
		free(d->slots);
		d->slots = cvt_calloc(d->n_slots, sizeof *d->slots);
		d->slots_alloc = d->n_slots;
	} else {
		memset(d->slots, 0, d->n_slots * sizeof *d->slots);
	}
	sb_reset(&d->uris);
	d->n = 0;
	for (size_t i = 0; i < n; i++) {
		const struct cvt_location *loc = f->n_locations ? &f->locations[i] : NULL;
		sb_reset(&uri);
		location_uri(&uri, loc, r->artifact_name);
		size_t slot = (size_t)cvt_text_hash(uri.buf) & (d->n_slots - 1);
		while (d->slots[slot] && strcmp(d->uris.buf + d->start[d->slots[slot] - 1], uri.buf))
			slot = (slot + 1) & (d->n_slots - 1);
		if (d->slots[slot])
			continue;
		d->start[d->n] = d->uris.len;
		d->location[d->n] = loc ? i : SIZE_MAX;
		sb_add(&d->uris, uri.buf, uri.len + 1);
		d->slots[slot] = ++d->n;
	}
	sb_release(&uri);
}

static void distinct_locations_release(struct distinct_locations *d)
{
	sb_release(&d->uris);
	free(d->start);
	free(d->location);
	free(d->slots);
}

static void write_locations(struct json_writer *w, const struct cvt_report *r,
			    const struct cvt_finding *f, const struct distinct_locations *d)
{
	struct strbuf text = STRBUF_INIT;
	json_key(w, "locations");
	json_begin_array(w);
	size_t n = d->n < CVT_SARIF_MAX_LOCATIONS ? d->n : CVT_SARIF_MAX_LOCATIONS;
	for (size_t i = 0; i < n; i++) {
		const struct cvt_location *loc =
			d->location[i] == SIZE_MAX ? NULL : &f->locations[d->location[i]];
		json_begin_object(w);
		json_key(w, "physicalLocation");
		json_begin_object(w);
		json_key(w, "artifactLocation");
		json_begin_object(w);
		json_key(w, "uri");
		json_string(w, d->uris.buf + d->start[i]);
		json_end_object(w);
		json_key(w, "region");
		json_begin_object(w);
		json_key(w, "startLine");
		json_int(w, 1);
		json_end_object(w);
		json_end_object(w);
		sb_reset(&text);
		const char *where = loc && loc->target ? loc->target : r->artifact_name;
		if (where)
			sb_addstr(&text, where);
		if (loc && loc->path)
			sb_addf(&text, "%s%s", text.len ? ": " : "", loc->path);
		const char *version = loc && loc->version ? loc->version : f->installed_version;
		sb_addf(&text, "%s%s", text.len ? ": " : "", package_label(f));
		if (version)
			sb_addf(&text, " %s", version);
		write_message(w, text.buf);
		json_end_object(w);
	}
	json_end_array(w);
	sb_release(&text);
}

static void write_triage(struct json_writer *w, const struct cvt_decision *d, int expired)
{
	json_key(w, "triage");
	json_begin_object(w);
	json_key(w, "id");
	json_string(w, d->id);
	if (d->package) {
		json_key(w, "package");
		json_string(w, d->package);
	}
	json_key(w, "status");
	json_string(w, d->status);
	if (d->justification) {
		json_key(w, "justification");
		json_string(w, d->justification);
	}
	json_key(w, "reason");
	json_string(w, d->reason ? d->reason : "");
	if (d->author) {
		json_key(w, "author");
		json_string(w, d->author);
	}
	if (d->date) {
		json_key(w, "date");
		json_string(w, d->date);
	}
	if (d->expires) {
		json_key(w, "expires");
		json_string(w, d->expires);
	}
	json_key(w, "expired");
	json_bool(w, expired);
	json_end_object(w);
}

static void write_result(struct json_writer *w, const struct cvt_report *r,
			 const struct cvt_finding *f, const struct sarif_rule *rules,
			 size_t n_rules, const struct cvt_ledger *l, const char *today,
			 struct distinct_locations *places)
{
	struct strbuf sb = STRBUF_INIT;
	json_begin_object(w);
	json_key(w, "ruleId");
	json_string(w, f->id);
	json_key(w, "ruleIndex");
	json_int(w, (long long)rule_index(rules, n_rules, f->id));
	json_key(w, "level");
	json_string(w, level_of(f->severity));

	sb_addstr(&sb, package_label(f));
	if (f->installed_version)
		sb_addf(&sb, " %s", f->installed_version);
	sb_addf(&sb, " has %s (%s); ", f->id, cvt_severity_name(f->severity));
	if (f->fixed_version)
		sb_addf(&sb, "fixed in %s.", f->fixed_version);
	else
		sb_addstr(&sb, "no fixed version yet.");
	distinct_locations(places, r, f);
	if (places->n > CVT_SARIF_MAX_LOCATIONS)
		sb_addf(&sb, " Found in %zu places; the first %d are listed (code scanning takes no "
			     "more), the canonical report has them all.",
			places->n, CVT_SARIF_MAX_LOCATIONS);
	write_message(w, sb.buf);

	write_locations(w, r, f, places);

	char hex[CVT_SHA256_HEX_LEN + 1];
	cvt_sha256_hex(f->key, strlen(f->key), hex);
	json_key(w, "partialFingerprints");
	json_begin_object(w);
	json_key(w, "cvetrailFindingKey/v1");
	json_string(w, hex);
	json_end_object(w);

	const struct cvt_decision *d = l ? cvt_ledger_match_in(l, f, r->artifact_name) : NULL;
	int expired = d && today && cvt_decision_expired(d, today);
	const char *status = NULL;
	if (d && !expired) {
		if (cvt_vex_status_suppresses(d->status))
			status = "accepted";
		else if (!strcmp(d->status, "under_investigation"))
			status = "underReview";
	}
	if (status) {
		sb_reset(&sb);
		cvt_vex_describe_decision(&sb, d);
		json_key(w, "suppressions");
		json_begin_array(w);
		json_begin_object(w);
		json_key(w, "kind");
		json_string(w, "external");
		json_key(w, "status");
		json_string(w, status);
		json_key(w, "justification");
		json_string(w, sb.buf);
		json_end_object(w);
		json_end_array(w);
	}

	json_key(w, "properties");
	json_begin_object(w);
	json_key(w, "key");
	json_string(w, f->key);
	json_key(w, "purl");
	json_string(w, f->purl);
	json_key(w, "severity");
	json_string(w, cvt_severity_name(f->severity));
	if (f->installed_version) {
		json_key(w, "installedVersion");
		json_string(w, f->installed_version);
	}
	if (f->fixed_version) {
		json_key(w, "fixedVersion");
		json_string(w, f->fixed_version);
	}
	if (d)
		write_triage(w, d, expired);
	json_end_object(w);
	json_end_object(w);
	sb_release(&sb);
}

void cvt_sarif_write(const struct cvt_report *r, const struct cvt_ledger *l, const char *today,
		     struct strbuf *out)
{
	size_t n_rules = 0;
	struct sarif_rule *rules = collect_rules(r, &n_rules);
	struct json_writer w;
	json_writer_init(&w, out, 2);
	json_begin_object(&w);
	json_key(&w, "$schema");
	json_string(&w, "https://json.schemastore.org/sarif-2.1.0.json");
	json_key(&w, "version");
	json_string(&w, "2.1.0");
	json_key(&w, "runs");
	json_begin_array(&w);
	json_begin_object(&w);

	json_key(&w, "tool");
	json_begin_object(&w);
	json_key(&w, "driver");
	json_begin_object(&w);
	json_key(&w, "name");
	json_string(&w, "cvetrail");
	json_key(&w, "rules");
	json_begin_array(&w);
	for (size_t i = 0; i < n_rules; i++)
		write_rule(&w, &rules[i]);
	json_end_array(&w);
	json_end_object(&w);
	json_end_object(&w);

	/* One category per image, so code scanning keeps the alerts of each image apart. */
	if (r->artifact_name) {
		struct strbuf id = STRBUF_INIT, registry = STRBUF_INIT, repository = STRBUF_INIT;
		sb_addstr(&id, "cvetrail/");
		if (cvt_image_repository(r->artifact_name, &registry, &repository) == 0) {
			sb_addch(&registry, '/');
			sb_add(&registry, repository.buf, repository.len);
			relative_uri(&id, registry.buf, registry.len);
		} else {
			relative_uri(&id, r->artifact_name, strlen(r->artifact_name));
		}
		sb_addch(&id, '/');
		json_key(&w, "automationDetails");
		json_begin_object(&w);
		json_key(&w, "id");
		json_string(&w, id.buf);
		json_end_object(&w);
		sb_release(&id);
		sb_release(&registry);
		sb_release(&repository);
	}

	json_key(&w, "results");
	json_begin_array(&w);
	struct distinct_locations places = {.uris = STRBUF_INIT};
	for (size_t i = 0; i < r->n_findings; i++)
		write_result(&w, r, &r->findings[i], rules, n_rules, l, today, &places);
	distinct_locations_release(&places);
	json_end_array(&w);

	json_end_object(&w);
	json_end_array(&w);
	json_end_object(&w);
	json_writer_finish(&w);
	free(rules);
}
