/*
 * Grype JSON (`grype -o json`) → findings: one finding per match, keyed by
 * the vulnerability id and the artifact's versionless purl. Shapes accepted:
 * today's schema (fix.state, cvss[], relatedVulnerabilities) and the 2020 one
 * of grype 0.7 (fixedInVersion, links, cvssV3 objects).
 *
 * Never read, on purpose: matchDetails, risk and epss (they change daily and
 * Grype sorts its matches by them, so the input order means nothing),
 * descriptor (timestamps, database), layer ids, and ignoredMatches (matches
 * hidden by Grype's own ignore rules, which include its built-in false-positive
 * rules: triage decisions live in the ledger).
 *
 * Grype has no title. The finding's title is the first sentence of the
 * description (the vulnerability's own, else that of the related record with
 * the same id, else the first related one that has one), whitespace folded and
 * cut to TITLE_MAX bytes, so that PR tables show what the vulnerability is.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "purl.h"
#include "shape.h"

#define TITLE_MAX 120

struct grype_ctx {
	struct cvt_report *r;
	struct cvt_error *err;
	const char *target; /* what was scanned, for every location; NULL when unknown */
	const char *distro; /* distro.name, or NULL */
	struct strbuf scratch;
};

/*
 * Grype artifact types (syft package types) and the Trivy result type that
 * cvt_purl_from_package knows for the same ecosystem.
 */
static const struct {
	const char *grype;
	const char *trivy;
} ecosystem_types[] = {
	{"python", "pip"},
	{"npm", "npm"},
	{"go-module", "gomod"},
	{"java-archive", "jar"},
	{"jenkins-plugin", "jar"},
	{"gem", "gemspec"},
	{"rust-crate", "cargo"},
	{"dotnet", "nuget"},
	{"php-composer", "composer"},
	{"dart-pub", "pub"},
	{"hex", "hex"},
	{"cocoapods", "cocoapods"},
	{"conan", "conan"},
	{"swift", "swift"},
	{"bitnami", "bitnami"},
	{"conda", "conda-pkg"},
};

/* Grype artifact types whose purl type cvt_purl_from_package does not know:
 * the purl is "pkg:TYPE/NAME" (a '/' in the name separates the namespace). */
static const struct {
	const char *grype;
	const char *purl;
} direct_types[] = {
	{"hackage", "hackage"},
	{"R-package", "cran"},
	{"lua-rocks", "luarocks"},
	{"nix", "nix"},
	{"opam", "opam"},
	{"swiplpack", "swiplpack"},
	{"erlang-otp", "otp"},
	{"portage", "ebuild"},
	{"github-action", "github"},
	{"github-action-workflow", "github"},
};

/*
 * Distribution names as Grype writes them (its distro types, or the
 * os-release ID in older versions) where they differ from the OS family
 * Trivy uses as purl namespace, so that both scanners give one key.
 */
static const struct {
	const char *grype;
	const char *family;
} distro_families[] = {
	{"rhel", "redhat"},         {"amzn", "amazon"},
	{"amazonlinux", "amazon"},  {"ol", "oracle"},
	{"oraclelinux", "oracle"},  {"rockylinux", "rocky"},
	{"almalinux", "alma"},      {"opensuseleap", "opensuse-leap"},
	{"mariner", "cbl-mariner"}, {"archlinux", "arch"},
};

static const char *distro_family(const char *name)
{
	for (size_t i = 0; i < sizeof distro_families / sizeof distro_families[0]; i++)
		if (!strcmp(name, distro_families[i].grype))
			return distro_families[i].family;
	return name;
}

static int is_os_package_type(const char *type)
{
	return type && (!strcmp(type, "deb") || !strcmp(type, "rpm") || !strcmp(type, "apk") ||
			!strcmp(type, "alpm"));
}

/* Canonical versionless form of "pkg:TYPE/[NAMESPACE/]NAME" built from parts. */
static int purl_from_parts(const char *type, const char *namespace, const char *name,
			   struct strbuf *out)
{
	struct strbuf raw = STRBUF_INIT;
	sb_addf(&raw, "pkg:%s/", type);
	if (namespace) {
		cvt_purl_encode(&raw, namespace, 0);
		sb_addch(&raw, '/');
	}
	cvt_purl_encode(&raw, name, namespace == NULL);
	int rc = cvt_purl_versionless(raw.buf, out);
	sb_release(&raw);
	return rc;
}

/*
 * A purl Grype wrote, versionless; an OS package's namespace spelled the way
 * Grype's distro names it ("rhel", "amzn") is folded into Trivy's family.
 */
static int purl_from_given(const char *given, struct strbuf *out)
{
	struct cvt_purl p;
	int rc;
	cvt_purl_init(&p);
	rc = cvt_purl_parse(&p, given);
	if (rc == 0) {
		const char *family = p.namespace.len ? distro_family(p.namespace.buf) : NULL;
		if (is_os_package_type(p.type.buf) && family && family != p.namespace.buf)
			rc = purl_from_parts(p.type.buf, family, p.name.buf, out);
		else
			cvt_purl_format_versionless(&p, out);
	}
	cvt_purl_release(&p);
	return rc;
}

/* The purl of an OS package without one: its type and the scan's distribution. */
static int purl_from_os_package(const char *type, const char *distro, const char *name,
				struct strbuf *out)
{
	if (!distro)
		return -1;
	const char *family = distro_family(distro);
	size_t start = out->len;
	if (cvt_purl_from_package(family, name, out) == 0) {
		/* A family cvt_purl_from_package knows, and the same package type. */
		if (!strncmp(out->buf + start + 4, type, strlen(type)) &&
		    out->buf[start + 4 + strlen(type)] == '/')
			return 0;
		sb_setlen(out, start);
	}
	return purl_from_parts(type, family, name, out);
}

/* The versionless purl of an artifact; always succeeds (pkg:generic at worst). */
static void artifact_purl(const char *given, const char *type, const char *name, const char *distro,
			  struct strbuf *out)
{
	if (given && purl_from_given(given, out) == 0)
		return;
	if (type) {
		if (is_os_package_type(type)) {
			if (purl_from_os_package(type, distro, name, out) == 0)
				return;
		}
		for (size_t i = 0; i < sizeof ecosystem_types / sizeof ecosystem_types[0]; i++)
			if (!strcmp(type, ecosystem_types[i].grype) &&
			    cvt_purl_from_package(ecosystem_types[i].trivy, name, out) == 0)
				return;
		for (size_t i = 0; i < sizeof direct_types / sizeof direct_types[0]; i++)
			if (!strcmp(type, direct_types[i].grype) &&
			    purl_from_parts(direct_types[i].purl, NULL, name, out) == 0)
				return;
	}
	/* No type we know: a generic purl still gives a stable key. */
	cvt_purl_generic(name, out);
}

/* Grype's fix state in the lower-case words of the findings model. */
static const char *fix_status(struct grype_ctx *c, const char *state, int has_fix_version)
{
	if (!state || !strcmp(state, "unknown"))
		return has_fix_version && !state ? "fixed" : "unknown";
	if (!strcmp(state, "fixed"))
		return "fixed";
	if (!strcmp(state, "not-fixed"))
		return "affected";
	if (!strcmp(state, "wont-fix"))
		return "will_not_fix";
	sb_reset(&c->scratch);
	for (const char *p = state; *p; p++) {
		char ch = *p;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		else if (ch == '-' || ch == ' ')
			ch = '_';
		sb_addch(&c->scratch, ch);
	}
	return arena_strndup(&c->r->arena, c->scratch.buf, c->scratch.len);
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* True when text[i] ('.', '!' or '?') ends a sentence: whitespace or the end
 * follows, and it does not close a one-letter abbreviation ("e.g.", "U.S."). */
static int ends_sentence(const char *text, size_t i)
{
	if (text[i + 1] && !is_space(text[i + 1]))
		return 0;
	if (text[i] != '.')
		return 1;
	if (i >= 1 && (i == 1 || text[i - 2] == '.' || is_space(text[i - 2])) &&
	    ((text[i - 1] >= 'a' && text[i - 1] <= 'z') ||
	     (text[i - 1] >= 'A' && text[i - 1] <= 'Z')))
		return 0;
	if (i >= 2 && !strncmp(text + i - 2, "vs", 2))
		return 0;
	return 1;
}

/* First sentence of `desc`, whitespace folded, at most TITLE_MAX bytes. */
static const char *make_title(struct grype_ctx *c, const char *desc)
{
	struct strbuf *t = &c->scratch;
	if (!desc)
		return NULL;
	sb_reset(t);
	for (size_t i = 0; desc[i]; i++) {
		if (is_space(desc[i])) {
			if (t->len && t->buf[t->len - 1] != ' ')
				sb_addch(t, ' ');
			continue;
		}
		sb_addch(t, desc[i]);
		if ((desc[i] == '.' || desc[i] == '!' || desc[i] == '?') && ends_sentence(desc, i))
			break;
		if (t->len > TITLE_MAX)
			break;
	}
	while (t->len && t->buf[t->len - 1] == ' ')
		sb_setlen(t, t->len - 1);
	if (t->len > TITLE_MAX) {
		/* Cut at a word if one ends in the second half, else at a UTF-8 boundary. */
		size_t cut = TITLE_MAX - 3;
		size_t space = cut;
		while (space > TITLE_MAX / 2 && t->buf[space] != ' ')
			space--;
		if (t->buf[space] == ' ')
			cut = space;
		while (cut && ((unsigned char)t->buf[cut] & 0xC0) == 0x80)
			cut--;
		while (cut && t->buf[cut - 1] == ' ')
			cut--;
		sb_setlen(t, cut);
		sb_addstr(t, "...");
	}
	if (!t->len)
		return NULL;
	return arena_strndup(&c->r->arena, t->buf, t->len);
}

/*
 * Raises *best to the highest CVSS v3.x base score of a `cvss` array (today's
 * schema) or a `cvssV3` object (grype 0.7), keeping the number as written.
 */
static int scan_cvss(struct grype_ctx *c, const struct json_value *holder,
		     const struct shape_path *path, const struct json_value **best)
{
	const struct json_value *list, *legacy;
	int rc;
	if ((rc = shape_opt_array(holder, "cvss", path, &list, c->err)) < 0 ||
	    (rc = shape_opt_object(holder, "cvssV3", path, &legacy, c->err)) < 0)
		return rc;
	struct shape_path lp = {path, "cvss", 0};
	for (uint32_t i = 0; list && i < list->len; i++) {
		const struct json_value *entry = &list->u.items[i], *metrics;
		struct shape_path ep = {&lp, NULL, i};
		const char *version, *vector;
		if (!json_is(entry, JSON_OBJECT))
			return shape_error(c->err, &ep, "a CVSS object", entry);
		if ((rc = shape_opt_string(entry, "version", &ep, &version, c->err)) < 0 ||
		    (rc = shape_opt_string(entry, "vector", &ep, &vector, c->err)) < 0 ||
		    (rc = shape_opt_object(entry, "metrics", &ep, &metrics, c->err)) < 0)
			return rc;
		int v3 = version ? version[0] == '3' : (vector && !strncmp(vector, "CVSS:3", 6));
		const struct json_value *score = json_get(metrics, "baseScore");
		if (!v3 || !score || json_is(score, JSON_NULL))
			continue;
		if (!json_is(score, JSON_NUMBER)) {
			struct shape_path mp = {&ep, "metrics", 0}, sp = {&mp, "baseScore", 0};
			return shape_error(c->err, &sp, "a number", score);
		}
		if (!*best || json_number(score) > json_number(*best))
			*best = score;
	}
	const struct json_value *score = json_get(legacy, "baseScore");
	if (json_is(score, JSON_NUMBER) && (!*best || json_number(score) > json_number(*best)))
		*best = score;
	return 0;
}

/* Reads the related records: aliases, their CVSS scores, and a description. */
static int read_related(struct grype_ctx *c, struct cvt_finding *f, const struct json_value *match,
			const struct shape_path *path, const struct json_value **best_cvss,
			const char **description)
{
	const struct json_value *related;
	const char *first_description = NULL;
	int rc;
	if ((rc = shape_opt_array(match, "relatedVulnerabilities", path, &related, c->err)) < 0)
		return rc;
	struct shape_path rp = {path, "relatedVulnerabilities", 0};
	for (uint32_t i = 0; related && i < related->len; i++) {
		const struct json_value *rel = &related->u.items[i];
		struct shape_path ip = {&rp, NULL, i};
		const char *id, *desc;
		if (!json_is(rel, JSON_OBJECT))
			return shape_error(c->err, &ip, "a vulnerability object", rel);
		if ((rc = shape_opt_string(rel, "id", &ip, &id, c->err)) < 0 ||
		    (rc = shape_opt_string(rel, "description", &ip, &desc, c->err)) < 0 ||
		    (rc = scan_cvss(c, rel, &ip, best_cvss)) < 0)
			return rc;
		cvt_finding_add_alias(c->r, f, id);
		if (desc && !*description && id && !strcmp(id, f->id))
			*description = desc;
		if (desc && !first_description)
			first_description = desc;
	}
	if (!*description)
		*description = first_description;
	return 0;
}

/* fix.state and fix.versions (today), or fixedInVersion (grype 0.7). */
static int read_fix(struct grype_ctx *c, struct cvt_finding *f, const struct json_value *vuln,
		    const struct shape_path *path)
{
	const struct json_value *fix, *versions = NULL;
	const char *state = NULL, *fixed_in;
	int rc;
	struct shape_path fp = {path, "fix", 0};
	if ((rc = shape_opt_object(vuln, "fix", path, &fix, c->err)) < 0 ||
	    (rc = shape_opt_string(vuln, "fixedInVersion", path, &fixed_in, c->err)) < 0)
		return rc;
	if (fix && ((rc = shape_opt_string(fix, "state", &fp, &state, c->err)) < 0 ||
		    (rc = shape_opt_array(fix, "versions", &fp, &versions, c->err)) < 0))
		return rc;
	struct shape_path vp = {&fp, "versions", 0};
	for (uint32_t i = 0; versions && i < versions->len; i++) {
		const char *v = shape_str(&versions->u.items[i]);
		if (!v) {
			struct shape_path ip = {&vp, NULL, i};
			return shape_error(c->err, &ip, "a string", &versions->u.items[i]);
		}
		if (!f->fixed_version && *v)
			f->fixed_version = v;
	}
	if (!f->fixed_version)
		f->fixed_version = fixed_in;
	f->status = fix_status(c, state, f->fixed_version != NULL);
	return 0;
}

/* The advisory URL: dataSource, else the first of urls (today) or links (0.7). */
static int read_url(struct grype_ctx *c, struct cvt_finding *f, const struct json_value *vuln,
		    const struct shape_path *path)
{
	static const char *const lists[] = {"urls", "links"};
	int rc;
	if ((rc = shape_opt_string(vuln, "dataSource", path, &f->url, c->err)) < 0)
		return rc;
	for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
		const struct json_value *urls;
		if ((rc = shape_opt_array(vuln, lists[k], path, &urls, c->err)) < 0)
			return rc;
		struct shape_path up = {path, lists[k], 0};
		for (uint32_t i = 0; urls && i < urls->len; i++) {
			const char *u = shape_str(&urls->u.items[i]);
			if (!u) {
				struct shape_path ip = {&up, NULL, i};
				return shape_error(c->err, &ip, "a string", &urls->u.items[i]);
			}
			if (!f->url && *u)
				f->url = u;
		}
	}
	return 0;
}

static int cmp_nullable(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (!a)
		return -1;
	if (!b)
		return 1;
	return strcmp(a, b);
}

static int cmp_location(const void *pa, const void *pb)
{
	const struct cvt_location *a = pa, *b = pb;
	int d = cmp_nullable(a->target, b->target);
	if (!d)
		d = cmp_nullable(a->path, b->path);
	if (!d)
		d = cmp_nullable(a->version, b->version);
	return d;
}

/*
 * One location per place the artifact was found. When Grype marks evidence,
 * only the primary places count (a deb package's md5sums and copyright files
 * are supporting evidence, not where it is). Without a source, the place is
 * the target, as a lock file is Trivy's.
 */
static int read_locations(struct grype_ctx *c, struct cvt_finding *f,
			  const struct json_value *artifact, const struct shape_path *path)
{
	const struct json_value *locations;
	int rc, primary_only = 0;
	if ((rc = shape_opt_array(artifact, "locations", path, &locations, c->err)) < 0)
		return rc;
	struct shape_path lp = {path, "locations", 0};
	for (uint32_t i = 0; locations && i < locations->len; i++) {
		const struct json_value *loc = &locations->u.items[i];
		if (!json_is(loc, JSON_OBJECT)) {
			struct shape_path ip = {&lp, NULL, i};
			return shape_error(c->err, &ip, "a location object", loc);
		}
		const char *evidence = json_get_str(json_get(loc, "annotations"), "evidence");
		if (evidence && !strcmp(evidence, "primary"))
			primary_only = 1;
	}
	for (uint32_t i = 0; locations && i < locations->len; i++) {
		const struct json_value *loc = &locations->u.items[i];
		struct shape_path ip = {&lp, NULL, i};
		const char *loc_path;
		if ((rc = shape_opt_string(loc, "path", &ip, &loc_path, c->err)) < 0)
			return rc;
		const char *evidence = json_get_str(json_get(loc, "annotations"), "evidence");
		if (primary_only && !(evidence && !strcmp(evidence, "primary")))
			continue;
		if (c->target)
			cvt_finding_add_location(c->r, f, c->target, loc_path,
						 f->installed_version);
		else if (loc_path)
			cvt_finding_add_location(c->r, f, loc_path, NULL, f->installed_version);
	}
	if (!f->n_locations)
		cvt_finding_add_location(c->r, f, c->target ? c->target : "", NULL,
					 f->installed_version);
	/* The first location decides which duplicate's fields win when findings
	 * merge: make it independent of the order Grype listed them in. */
	qsort(f->locations, f->n_locations, sizeof *f->locations, cmp_location);
	return 0;
}

static int add_match(struct grype_ctx *c, const struct json_value *match,
		     const struct shape_path *path)
{
	const struct json_value *vuln, *artifact, *best_cvss = NULL;
	const char *severity, *type, *purl, *description, *related_description = NULL;
	int rc;
	struct shape_path vp = {path, "vulnerability", 0}, ap = {path, "artifact", 0};

	if (!json_is(match, JSON_OBJECT))
		return shape_error(c->err, path, "a match object", match);
	if ((rc = shape_opt_object(match, "vulnerability", path, &vuln, c->err)) < 0 ||
	    (rc = shape_opt_object(match, "artifact", path, &artifact, c->err)) < 0)
		return rc;
	if (!vuln)
		return shape_error(c->err, &vp, "an object", json_get(match, "vulnerability"));
	if (!artifact)
		return shape_error(c->err, &ap, "an object", json_get(match, "artifact"));

	struct cvt_finding *f = cvt_report_add(c->r);
	if ((rc = shape_req_string(vuln, "id", &vp, &f->id, c->err)) < 0 ||
	    (rc = shape_opt_string(vuln, "severity", &vp, &severity, c->err)) < 0 ||
	    (rc = shape_opt_string(vuln, "description", &vp, &description, c->err)) < 0 ||
	    (rc = shape_req_string(artifact, "name", &ap, &f->pkg_name, c->err)) < 0 ||
	    (rc = shape_opt_string(artifact, "version", &ap, &f->installed_version, c->err)) < 0 ||
	    (rc = shape_opt_string(artifact, "type", &ap, &type, c->err)) < 0 ||
	    (rc = shape_opt_string(artifact, "purl", &ap, &purl, c->err)) < 0)
		return rc;

	sb_reset(&c->scratch);
	artifact_purl(purl, type, f->pkg_name, c->distro, &c->scratch);
	f->purl = arena_strndup(&c->r->arena, c->scratch.buf, c->scratch.len);
	shape_set_key(c->r, f);
	f->severity = cvt_severity_parse(severity);

	if ((rc = read_fix(c, f, vuln, &vp)) < 0 || (rc = read_url(c, f, vuln, &vp)) < 0 ||
	    (rc = scan_cvss(c, vuln, &vp, &best_cvss)) < 0 ||
	    (rc = read_related(c, f, match, path, &best_cvss, &related_description)) < 0 ||
	    (rc = read_locations(c, f, artifact, &ap)) < 0)
		return rc;
	f->title = make_title(c, description ? description : related_description);
	if (best_cvss)
		f->cvss = arena_strndup(&c->r->arena, best_cvss->u.str, best_cvss->len);
	return 0;
}

/* Grype's source types, in the words Trivy uses for ArtifactType where one fits. */
static const char *artifact_type(const char *source_type)
{
	if (!source_type)
		return NULL;
	if (!strcmp(source_type, "image"))
		return "container_image";
	if (!strcmp(source_type, "directory"))
		return "filesystem";
	if (!strcmp(source_type, "unknown"))
		return NULL;
	return source_type;
}

static int read_source(struct grype_ctx *c, const struct json_value *root)
{
	const struct json_value *source, *target;
	const char *type, *name = NULL;
	struct shape_path sp = {NULL, "source", 0}, tp = {&sp, "target", 0};
	int rc;
	if ((rc = shape_opt_object(root, "source", NULL, &source, c->err)) < 0)
		return rc;
	if (!source)
		return 0;
	c->r->results = 1;
	if ((rc = shape_opt_string(source, "type", &sp, &type, c->err)) < 0)
		return rc;
	target = json_get(source, "target");
	if (json_is(target, JSON_OBJECT)) {
		if ((rc = shape_opt_string(target, "userInput", &tp, &name, c->err)) < 0)
			return rc;
	} else if (json_is(target, JSON_STRING)) {
		name = target->len ? target->u.str : NULL;
	} else if (target && !json_is(target, JSON_NULL)) {
		return shape_error(c->err, &tp, "an object or a string", target);
	}
	c->r->artifact_type = artifact_type(type);
	if (type && !strcmp(type, "unknown"))
		name = NULL;
	c->r->artifact_name = name;
	c->target = name;
	return 0;
}

static int read_distro(struct grype_ctx *c, const struct json_value *root)
{
	const struct json_value *distro;
	const char *name, *version;
	struct shape_path dp = {NULL, "distro", 0};
	int rc;
	if ((rc = shape_opt_object(root, "distro", NULL, &distro, c->err)) < 0)
		return rc;
	if (!distro)
		return 0;
	if ((rc = shape_opt_string(distro, "name", &dp, &name, c->err)) < 0 ||
	    (rc = shape_opt_string(distro, "version", &dp, &version, c->err)) < 0)
		return rc;
	c->distro = name;
	if (name)
		c->r->os = version ? arena_sprintf(&c->r->arena, "%s %s", name, version) : name;
	return 0;
}

int cvt_ingest_grype(struct cvt_report *r, const struct json_value *root, struct cvt_error *err)
{
	struct grype_ctx c = {r, err, NULL, NULL, STRBUF_INIT};
	const struct json_value *matches;
	int rc;
	r->scanner_name = "grype";
	if (!json_is(root, JSON_OBJECT))
		return shape_error(err, NULL, "a Grype report (an object with matches)", root);
	matches = json_get(root, "matches");
	if (!matches || json_is(matches, JSON_NULL))
		return cvt_error_set(err, CVT_EINVAL, "not a Grype report: no matches array");
	if (!json_is(matches, JSON_ARRAY))
		return shape_error(err, &(struct shape_path){NULL, "matches", 0}, "an array",
				   matches);
	if ((rc = read_source(&c, root)) < 0 || (rc = read_distro(&c, root)) < 0)
		goto out;
	for (uint32_t i = 0; i < matches->len; i++) {
		struct shape_path mp = {NULL, "matches", 0}, ip = {&mp, NULL, i};
		if ((rc = add_match(&c, &matches->u.items[i], &ip)) < 0)
			goto out;
	}
out:
	sb_release(&c.scratch);
	if (rc == 0)
		cvt_report_finish(r);
	return rc;
}
