#include "purl.h"

#include <string.h>

/*
 * Package URLs, after github.com/package-url/purl-spec (PURL-SPECIFICATION,
 * PURL-TYPES and the ECMA-427 text in docs/), reduced to the versionless
 * identity "pkg:type/namespace/name" that a finding key is made of.
 *
 * Where the spec leaves room, the choices made here:
 *
 * - Parsing is lenient where no ambiguity arises: "pkg:" in any case, any
 *   number of slashes after it ("pkg://"), raw characters that should have
 *   been encoded, an unencoded npm scope ("pkg:npm/@babel/core").  It is
 *   strict where a wrong guess would change identity: a bad percent escape,
 *   %00, a namespace segment that decodes to a '/', a malformed type or
 *   qualifier key, a missing type or name all make the string "not a purl".
 * - Encoding keeps A-Z a-z 0-9 . - _ ~ and ':' (which the spec says never to
 *   encode) and percent-encodes every other byte with upper-case hex, so
 *   "@babel" is "%40babel", "+" is "%2B" (as packageurl-go, Trivy's library,
 *   writes it) and a '/' inside a name (Trivy's "k8s.io/kubelet") is "%2F".
 * - pypi names follow the current type definition (PEP 503): lower-case and
 *   every run of '-', '_' and '.' becomes one '-'.  Trivy only replaces '_',
 *   so its purl "pkg:pypi/zope.interface" and the name "zope.interface"
 *   both give the key "pkg:pypi/zope-interface"; the key then differs in
 *   text from the purl Trivy printed, never between scans.
 * - rpm namespaces that name the same vendor under Trivy's older and newer
 *   family names are folded together (sles and slem -> suse,
 *   opensuse-leap and opensuse-tumbleweed -> opensuse), so that a scanner
 *   upgrade that renamed the namespace changes no key.  "dart", the purl type
 *   some Trivy releases wrote for pub packages, is read as "pub".
 * - Case: lower-cased where the type definition says the component is case
 *   insensitive (see type_rules); kept where it is case sensitive or silent
 *   (maven, gem, cargo, nuget, swift, cocoapods, conan, conda, julia, ...).
 *   nuget names are case-insensitive on nuget.org, but the spec does not say
 *   to fold them and Trivy keeps "Newtonsoft.Json", so they are kept.
 */

void cvt_purl_init(struct cvt_purl *p)
{
	sb_init(&p->type, 0);
	sb_init(&p->namespace, 0);
	sb_init(&p->name, 0);
	sb_init(&p->version, 0);
}

void cvt_purl_release(struct cvt_purl *p)
{
	sb_release(&p->type);
	sb_release(&p->namespace);
	sb_release(&p->name);
	sb_release(&p->version);
}

static void purl_reset(struct cvt_purl *p)
{
	sb_reset(&p->type);
	sb_reset(&p->namespace);
	sb_reset(&p->name);
	sb_reset(&p->version);
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* ASCII only: the spec's case folding is ASCII, and the C locale is not ours to rely on. */
static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static char ascii_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static int ascii_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (ascii_lower(*a) != ascii_lower(*b))
			return 0;
	return *a == *b;
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Characters a component never needs encoded (the spec's alphanumerics,
 * punctuation ".-_~" and the colon). */
static int is_kept(unsigned char c)
{
	return is_alpha((char)c) || is_digit((char)c) || c == '.' || c == '-' || c == '_' ||
	       c == '~' || c == ':';
}

/* Appends the percent-decoding of s[0..len); -1 on a malformed escape or on
 * %00, which no C string can carry. */
static int percent_decode(struct strbuf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '%') {
			sb_addch(out, s[i]);
			continue;
		}
		if (len - i < 3)
			return -1;
		int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			return -1;
		sb_addch(out, (char)(hi * 16 + lo));
		i += 2;
	}
	return 0;
}

static int escapes_valid(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '%')
			continue;
		if (len - i < 3 || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0 ||
		    (s[i + 1] == '0' && s[i + 2] == '0'))
			return 0;
		i += 2;
	}
	return 1;
}

static void percent_encode(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_kept(c)) {
			sb_addch(out, (char)c);
		} else {
			char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
			sb_add(out, esc, sizeof esc);
		}
	}
}

void cvt_purl_encode(struct strbuf *out, const char *s, int keep_slash)
{
	while (*s) {
		size_t run = keep_slash ? strcspn(s, "/") : strlen(s);
		percent_encode(out, s, run);
		s += run;
		if (*s == '/') {
			sb_addch(out, '/');
			s++;
		}
	}
}

void cvt_purl_generic(const char *name, struct strbuf *out)
{
	sb_addstr(out, "pkg:generic/");
	cvt_purl_encode(out, name, 0);
}

/* Type: an ASCII letter, then letters, digits, '.', '-' (and '+', which the
 * first edition of the spec allowed). */
static int type_valid(const char *s, size_t len)
{
	if (!len || !is_alpha(s[0]))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '+')
			return 0;
	return 1;
}

/* Qualifiers are dropped from the identity but still checked: "key=value"
 * pairs joined by '&', the key a letter then letters, digits, '.', '-', '_'. */
static int qualifiers_valid(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - s) : len;
		if (end > i) {
			const char *eq = memchr(s + i, '=', end - i);
			if (!eq)
				return 0;
			size_t key_end = (size_t)(eq - s);
			if (key_end == i || !is_alpha(s[i]))
				return 0;
			for (size_t k = i + 1; k < key_end; k++)
				if (!is_alpha(s[k]) && !is_digit(s[k]) && s[k] != '.' && s[k] != '-' &&
				    s[k] != '_')
					return 0;
			if (!escapes_valid(eq + 1, end - key_end - 1))
				return 0;
		}
		i = end + 1;
	}
	return 1;
}

/*
 * Appends the non-empty '/'-separated segments of s[0..len) to ns, joined by
 * '/', each percent-decoded when `decode` is set.  -1 on a bad escape or a
 * segment that decodes to something holding a '/'.
 */
static int add_segments(struct strbuf *ns, const char *s, size_t len, int decode)
{
	size_t i = 0;
	while (i < len) {
		const char *slash = memchr(s + i, '/', len - i);
		size_t end = slash ? (size_t)(slash - s) : len;
		if (end > i) {
			if (ns->len)
				sb_addch(ns, '/');
			size_t start = ns->len;
			if (!decode) {
				sb_add(ns, s + i, end - i);
			} else {
				if (percent_decode(ns, s + i, end - i) < 0)
					return -1;
				if (memchr(ns->buf + start, '/', ns->len - start))
					return -1;
			}
		}
		i = end + 1;
	}
	return 0;
}

enum case_rule { CASE_KEEP, CASE_LOWER, CASE_UPPER, CASE_PYPI };

/* Per-type folding of namespace and name, from PURL-TYPES and the type
 * definitions in the spec repository; types not listed keep both as given. */
struct type_rule {
	const char *type;
	unsigned char namespace_case;
	unsigned char name_case;
};

static const struct type_rule type_rules[] = {
	{"alpm", CASE_LOWER, CASE_LOWER},
	{"apk", CASE_LOWER, CASE_LOWER},
	{"bitbucket", CASE_LOWER, CASE_LOWER},
	{"bitnami", CASE_KEEP, CASE_LOWER},
	{"composer", CASE_LOWER, CASE_LOWER},
	{"cpan", CASE_UPPER, CASE_KEEP}, /* the author id "MUST be written uppercase" */
	{"deb", CASE_LOWER, CASE_LOWER},
	{"github", CASE_LOWER, CASE_LOWER},
	{"golang", CASE_LOWER, CASE_LOWER},
	{"hex", CASE_LOWER, CASE_LOWER},
	{"k8s", CASE_LOWER, CASE_KEEP}, /* Trivy's own type: provider lower, component as is */
	{"luarocks", CASE_LOWER, CASE_LOWER},
	{"npm", CASE_LOWER, CASE_LOWER},
	{"oci", CASE_KEEP, CASE_LOWER},
	{"pub", CASE_KEEP, CASE_LOWER},
	{"pypi", CASE_KEEP, CASE_PYPI},
	{"qpkg", CASE_LOWER, CASE_KEEP},
	{"rpm", CASE_LOWER, CASE_KEEP},
};

static void fold_case(struct strbuf *sb, unsigned char rule)
{
	for (size_t i = 0; i < sb->len; i++) {
		if (rule == CASE_LOWER || rule == CASE_PYPI)
			sb->buf[i] = ascii_lower(sb->buf[i]);
		else if (rule == CASE_UPPER)
			sb->buf[i] = ascii_upper(sb->buf[i]);
	}
}

/* PEP 503: lower-case, each run of '-', '_' and '.' becomes a single '-'. */
static void pypi_normalize(struct strbuf *name)
{
	size_t out = 0;
	for (size_t i = 0; i < name->len; i++) {
		char c = name->buf[i];
		if (c == '-' || c == '_' || c == '.') {
			if (out == 0 || name->buf[out - 1] != '-')
				name->buf[out++] = '-';
		} else {
			name->buf[out++] = ascii_lower(c);
		}
	}
	sb_setlen(name, out);
}

/*
 * Operating systems as Trivy names them (result Type, OS family, and the
 * older spellings kept in its OSTypeAliases) and the purl type and namespace
 * Trivy writes for their packages (pkg/purl/purl.go, OSType.PurlNamespace).
 * wolfi, chainguard and minimos are apk distributions; echo is Debian-based.
 * "suse" is the first word of the old family "suse linux enterprise server"
 * that cvt_target_os reads out of such a Target.
 */
struct os_family {
	const char *family;
	const char *type;
	const char *namespace; /* NULL: the type has no namespace */
};

static const struct os_family os_families[] = {
	{"alpine", "apk", "alpine"},
	{"chainguard", "apk", "chainguard"},
	{"minimos", "apk", "minimos"},
	{"wolfi", "apk", "wolfi"},
	{"debian", "deb", "debian"},
	{"debian gnu/linux", "deb", "debian"},
	{"echo", "deb", "echo"},
	{"ubuntu", "deb", "ubuntu"},
	{"alma", "rpm", "alma"},
	{"amazon", "rpm", "amazon"},
	{"amazon linux", "rpm", "amazon"},
	{"azurelinux", "rpm", "azurelinux"},
	{"cbl-mariner", "rpm", "cbl-mariner"},
	{"centos", "rpm", "centos"},
	{"centos-stream", "rpm", "centos-stream"},
	{"coreos", "rpm", "coreos"},
	{"fedora", "rpm", "fedora"},
	{"opensuse", "rpm", "opensuse"},
	{"opensuse-leap", "rpm", "opensuse"},
	{"opensuse-tumbleweed", "rpm", "opensuse"},
	{"opensuse.leap", "rpm", "opensuse"},
	{"opensuse.tumbleweed", "rpm", "opensuse"},
	{"oracle", "rpm", "oracle"},
	{"photon", "rpm", "photon"},
	{"redhat", "rpm", "redhat"},
	{"rocky", "rpm", "rocky"},
	{"slem", "rpm", "suse"},
	{"sles", "rpm", "suse"},
	{"suse", "rpm", "suse"},
	{"suse linux enterprise micro", "rpm", "suse"},
	{"suse linux enterprise server", "rpm", "suse"},
	{"bottlerocket", "bottlerocket", NULL},
};

static const struct os_family *find_os_family(const char *family)
{
	for (size_t i = 0; i < sizeof os_families / sizeof os_families[0]; i++)
		if (ascii_ieq(family, os_families[i].family))
			return &os_families[i];
	return NULL;
}

/* Applies the type-specific normalization to decoded components. */
static void canonicalize(struct cvt_purl *p)
{
	fold_case(&p->type, CASE_LOWER);
	if (!strcmp(p->type.buf, "dart")) {
		sb_reset(&p->type);
		sb_addstr(&p->type, "pub");
	}
	for (size_t i = 0; i < sizeof type_rules / sizeof type_rules[0]; i++) {
		if (strcmp(p->type.buf, type_rules[i].type))
			continue;
		fold_case(&p->namespace, type_rules[i].namespace_case);
		if (type_rules[i].name_case == CASE_PYPI)
			pypi_normalize(&p->name);
		else
			fold_case(&p->name, type_rules[i].name_case);
		break;
	}
	/* Fold a vendor's older namespace into the one Trivy writes today. */
	if (!strcmp(p->type.buf, "rpm") && p->namespace.len) {
		const struct os_family *os = find_os_family(p->namespace.buf);
		if (os && os->namespace && !strcmp(os->type, "rpm") &&
		    strcmp(os->namespace, p->namespace.buf)) {
			sb_reset(&p->namespace);
			sb_addstr(&p->namespace, os->namespace);
		}
	}
}

/* Index of the '@' that starts the version in rem[0..len), or len when there
 * is none.  An '@' opening a path segment with a '/' after it is an unencoded
 * npm scope ("@babel/core"), not a version separator. */
static size_t version_at(const char *rem, size_t len)
{
	size_t at = len;
	for (size_t i = len; i-- > 0;) {
		if (rem[i] == '@') {
			at = i;
			break;
		}
	}
	if (at == len)
		return len;
	if ((at == 0 || rem[at - 1] == '/') && memchr(rem + at, '/', len - at))
		return len;
	return at;
}

static int parse_into(struct cvt_purl *p, const char *s)
{
	size_t len = strlen(s);

	/* Subpath and qualifiers: checked, then dropped. */
	const char *hash = memrchr(s, '#', len);
	if (hash) {
		if (!escapes_valid(hash + 1, len - (size_t)(hash - s) - 1))
			return -1;
		len = (size_t)(hash - s);
	}
	const char *question = memrchr(s, '?', len);
	if (question) {
		if (!qualifiers_valid(question + 1, len - (size_t)(question - s) - 1))
			return -1;
		len = (size_t)(question - s);
	}

	const char *colon = memchr(s, ':', len);
	if (!colon || colon - s != 3 || ascii_lower(s[0]) != 'p' || ascii_lower(s[1]) != 'k' ||
	    ascii_lower(s[2]) != 'g')
		return -1;
	const char *rem = colon + 1, *end = s + len;
	while (rem < end && *rem == '/')
		rem++;
	while (end > rem && end[-1] == '/')
		end--;

	const char *slash = memchr(rem, '/', (size_t)(end - rem));
	if (!slash || !type_valid(rem, (size_t)(slash - rem)))
		return -1;
	sb_add(&p->type, rem, (size_t)(slash - rem));
	rem = slash + 1;

	size_t at = version_at(rem, (size_t)(end - rem));
	if (rem + at < end) {
		if (percent_decode(&p->version, rem + at + 1, (size_t)(end - rem) - at - 1) < 0)
			return -1;
		end = rem + at;
	}

	const char *name = end;
	while (name > rem && name[-1] != '/')
		name--;
	if (name == end || percent_decode(&p->name, name, (size_t)(end - name)) < 0)
		return -1;
	if (add_segments(&p->namespace, rem, (size_t)(name - rem), 1) < 0)
		return -1;

	canonicalize(p);
	return p->name.len ? 0 : -1;
}

int cvt_purl_parse(struct cvt_purl *p, const char *s)
{
	purl_reset(p);
	if (parse_into(p, s) < 0) {
		purl_reset(p);
		return -1;
	}
	return 0;
}

void cvt_purl_format_versionless(const struct cvt_purl *p, struct strbuf *out)
{
	sb_addstr(out, "pkg:");
	sb_add(out, p->type.buf, p->type.len);
	sb_addch(out, '/');
	const char *ns = p->namespace.buf, *ns_end = ns + p->namespace.len;
	while (ns < ns_end) {
		const char *slash = memchr(ns, '/', (size_t)(ns_end - ns));
		const char *seg_end = slash ? slash : ns_end;
		if (seg_end > ns) {
			percent_encode(out, ns, (size_t)(seg_end - ns));
			sb_addch(out, '/');
		}
		ns = seg_end + 1;
	}
	percent_encode(out, p->name.buf, p->name.len);
}

int cvt_purl_versionless(const char *s, struct strbuf *out)
{
	struct cvt_purl p;
	cvt_purl_init(&p);
	int rc = cvt_purl_parse(&p, s);
	if (rc == 0)
		cvt_purl_format_versionless(&p, out);
	cvt_purl_release(&p);
	return rc;
}

/* How a scanner's package name splits into purl namespace and name. */
enum name_split {
	SPLIT_NONE,       /* all of it is the name */
	SPLIT_LAST_SLASH, /* "@scope/pkg", "vendor/pkg", "github.com/a/b" */
	SPLIT_GOLANG,     /* as LAST_SLASH; a local path ("./x") has no purl */
	SPLIT_MAVEN,      /* "group:artifact" */
	SPLIT_COCOAPODS,  /* "Pod/Subspec": the subspec is a subpath, dropped */
};

/*
 * Trivy's language result types and the purl type its purlType() gives them
 * (pkg/fanal/types/const.go, pkg/purl/purl.go), plus the older spellings seen
 * in real reports ("rubygems").  The Kubernetes types write Trivy's own "k8s"
 * purls, the provider as namespace and upstream with none.
 */
struct lang_type {
	const char *result_type;
	const char *purl_type;
	const char *namespace;
	enum name_split split;
};

static const struct lang_type lang_types[] = {
	{"pip", "pypi", NULL, SPLIT_NONE},
	{"pipenv", "pypi", NULL, SPLIT_NONE},
	{"poetry", "pypi", NULL, SPLIT_NONE},
	{"pylock", "pypi", NULL, SPLIT_NONE},
	{"python-pkg", "pypi", NULL, SPLIT_NONE},
	{"uv", "pypi", NULL, SPLIT_NONE},
	{"conda-environment", "conda", NULL, SPLIT_NONE},
	{"conda-pkg", "conda", NULL, SPLIT_NONE},
	{"bun", "npm", NULL, SPLIT_LAST_SLASH},
	{"node-pkg", "npm", NULL, SPLIT_LAST_SLASH},
	{"npm", "npm", NULL, SPLIT_LAST_SLASH},
	{"pnpm", "npm", NULL, SPLIT_LAST_SLASH},
	{"yarn", "npm", NULL, SPLIT_LAST_SLASH},
	{"gobinary", "golang", NULL, SPLIT_GOLANG},
	{"gomod", "golang", NULL, SPLIT_GOLANG},
	{"gradle", "maven", NULL, SPLIT_MAVEN},
	{"jar", "maven", NULL, SPLIT_MAVEN},
	{"pom", "maven", NULL, SPLIT_MAVEN},
	{"sbt", "maven", NULL, SPLIT_MAVEN},
	{"bundler", "gem", NULL, SPLIT_NONE},
	{"gemspec", "gem", NULL, SPLIT_NONE},
	{"rubygems", "gem", NULL, SPLIT_NONE},
	{"cargo", "cargo", NULL, SPLIT_NONE},
	{"rustbinary", "cargo", NULL, SPLIT_NONE},
	{"dotnet-core", "nuget", NULL, SPLIT_NONE},
	{"nuget", "nuget", NULL, SPLIT_NONE},
	{"packages-props", "nuget", NULL, SPLIT_NONE},
	{"composer", "composer", NULL, SPLIT_LAST_SLASH},
	{"composer-vendor", "composer", NULL, SPLIT_LAST_SLASH},
	{"pub", "pub", NULL, SPLIT_NONE},
	{"swift", "swift", NULL, SPLIT_LAST_SLASH},
	{"cocoapods", "cocoapods", NULL, SPLIT_COCOAPODS},
	{"conan", "conan", NULL, SPLIT_NONE},
	{"hex", "hex", NULL, SPLIT_NONE},
	{"mix", "hex", NULL, SPLIT_NONE},
	{"julia", "julia", NULL, SPLIT_NONE},
	{"bitnami", "bitnami", NULL, SPLIT_NONE},
	{"k8s", "k8s", NULL, SPLIT_NONE},
	{"kubernetes", "k8s", NULL, SPLIT_NONE},
	{"aks", "k8s", "aks", SPLIT_NONE},
	{"eks", "k8s", "eks", SPLIT_NONE},
	{"gke", "k8s", "gke", SPLIT_NONE},
	{"ocp", "k8s", "ocp", SPLIT_NONE},
	{"rke", "k8s", "rke", SPLIT_NONE},
};

static int build_from_package(struct cvt_purl *p, const char *result_type, const char *name)
{
	const char *type = NULL, *namespace = NULL;
	enum name_split split = SPLIT_NONE;
	if (!result_type || !name)
		return -1;
	const struct os_family *os = find_os_family(result_type);
	if (os) {
		type = os->type;
		namespace = os->namespace;
	} else {
		for (size_t i = 0; i < sizeof lang_types / sizeof lang_types[0]; i++) {
			if (ascii_ieq(result_type, lang_types[i].result_type)) {
				type = lang_types[i].purl_type;
				namespace = lang_types[i].namespace;
				split = lang_types[i].split;
				break;
			}
		}
	}
	if (!type || !*name)
		return -1;
	sb_addstr(&p->type, type);
	if (namespace)
		sb_addstr(&p->namespace, namespace);

	size_t len = strlen(name);
	const char *cut;
	switch (split) {
	case SPLIT_NONE:
		sb_add(&p->name, name, len);
		break;
	case SPLIT_GOLANG:
		/* Trivy writes no purl for a replace directive's local path. */
		if (!strncmp(name, "./", 2) || !strncmp(name, "../", 3))
			return -1;
		/* fall through */
	case SPLIT_LAST_SLASH:
	case SPLIT_MAVEN:
		while (len && name[len - 1] == '/')
			len--;
		cut = len ? memrchr(name, '/', len) : NULL;
		if (split == SPLIT_MAVEN) {
			const char *colon = len ? memrchr(name, ':', len) : NULL;
			if (colon && (!cut || colon > cut))
				cut = colon;
		}
		if (cut) {
			/* Trivy turns every ':' of a maven name into '/': "g:a:c" is g/a, c. */
			size_t ns_len = (size_t)(cut - name), start = p->namespace.len;
			add_segments(&p->namespace, name, ns_len, 0);
			if (split == SPLIT_MAVEN)
				for (size_t i = start; i < p->namespace.len; i++)
					if (p->namespace.buf[i] == ':')
						p->namespace.buf[i] = '/';
			sb_add(&p->name, cut + 1, len - ns_len - 1);
		} else {
			sb_add(&p->name, name, len);
		}
		break;
	case SPLIT_COCOAPODS:
		cut = strchr(name, '/');
		sb_add(&p->name, name, cut ? (size_t)(cut - name) : len);
		break;
	}
	canonicalize(p);
	return p->name.len ? 0 : -1;
}

int cvt_purl_from_package(const char *result_type, const char *name, struct strbuf *out)
{
	struct cvt_purl p;
	cvt_purl_init(&p);
	int rc = build_from_package(&p, result_type, name);
	if (rc == 0)
		cvt_purl_format_versionless(&p, out);
	cvt_purl_release(&p);
	return rc;
}

/*
 * Trivy writes an OS target as "<image or file> (<family> <release>)", and
 * the release may itself hold parentheses ("amazon 2 (Karoo)").  The family
 * is the first word of the last top-level parenthesised group ending the
 * target; the rest of the group is the release.  Both buffers are reset
 * first, so the same pair can be reused target after target.
 */
int cvt_target_os(const char *target, struct strbuf *family, struct strbuf *release)
{
	sb_reset(family);
	sb_reset(release);

	size_t end = strlen(target);
	while (end && is_space(target[end - 1]))
		end--;
	if (!end || target[end - 1] != ')')
		return -1;

	size_t depth = 0, open = end;
	for (size_t i = end; i-- > 0;) {
		if (target[i] == ')') {
			depth++;
		} else if (target[i] == '(' && --depth == 0) {
			open = i;
			break;
		}
	}
	/* The group must stand apart: "x (debian 9)", not "f(x)". */
	if (open == end || (open > 0 && !is_space(target[open - 1])))
		return -1;

	const char *in = target + open + 1, *in_end = target + end - 1;
	while (in < in_end && is_space(*in))
		in++;
	while (in_end > in && is_space(in_end[-1]))
		in_end--;
	if (in == in_end || !(is_alpha(*in) || is_digit(*in)))
		return -1;

	const char *word_end = in;
	while (word_end < in_end && !is_space(*word_end))
		word_end++;
	const char *rest = word_end;
	while (rest < in_end && is_space(*rest))
		rest++;
	sb_add(family, in, (size_t)(word_end - in));
	sb_add(release, rest, (size_t)(in_end - rest));
	return 0;
}
