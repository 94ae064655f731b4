#ifndef CVT_PURL_H
#define CVT_PURL_H

#include <stddef.h>

#include "strbuf.h"

/*
 * Package URLs (github.com/package-url/purl-spec), reduced to what a finding
 * key needs: the versionless form "pkg:TYPE/NAMESPACE/NAME" with the
 * per-type canonicalization of the spec, so that a purl given by a scanner
 * and one built from a package name agree.
 */

struct cvt_purl {
	struct strbuf type;      /* lower-case */
	struct strbuf namespace; /* decoded; segments separated by '/'; may be empty */
	struct strbuf name;      /* decoded */
	struct strbuf version;   /* decoded; may be empty */
};

void cvt_purl_init(struct cvt_purl *p);
void cvt_purl_release(struct cvt_purl *p);

/* Parses a purl; returns 0, or -1 when `s` is not a purl. Applies the
 * per-type canonicalization (case, pypi '_' -> '-', ...). */
int cvt_purl_parse(struct cvt_purl *p, const char *s);

/* Appends "pkg:type/namespace/name" with components percent-encoded per spec. */
void cvt_purl_format_versionless(const struct cvt_purl *p, struct strbuf *out);

/* Appends the versionless canonical form of the purl string `s`;
 * returns -1 (appending nothing) when `s` is not a valid purl. */
int cvt_purl_versionless(const char *s, struct strbuf *out);

/*
 * Builds the versionless purl of a package from a Trivy result type (or OS
 * family) and the scanner's package name, e.g. ("debian", "curl") ->
 * "pkg:deb/debian/curl", ("jar", "org.slf4j:slf4j-api") ->
 * "pkg:maven/org.slf4j/slf4j-api", ("npm", "@babel/core") ->
 * "pkg:npm/%40babel/core", ("pip", "Flask_Login") -> "pkg:pypi/flask-login".
 * Returns -1 (appending nothing) for an unknown type.
 */
int cvt_purl_from_package(const char *result_type, const char *name, struct strbuf *out);

/* Appends `s` percent-encoded as a purl segment (keep_slash: as several). */
void cvt_purl_encode(struct strbuf *out, const char *s, int keep_slash);

/* Appends "pkg:generic/NAME": the key's last resort for a package of no known type. */
void cvt_purl_generic(const char *name, struct strbuf *out);

/* OS family of a Trivy target such as "img:tag (debian 9.9)" -> "debian",
 * release "9.9". Returns 0 when found. */
int cvt_target_os(const char *target, struct strbuf *family, struct strbuf *release);

#endif
