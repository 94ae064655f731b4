/*
 * libFuzzer target for package URLs (purl.h): every function that takes text
 * from a scanner report. The input, up to a NUL, is used whole as a purl, a
 * package name and a Trivy target; split at its first newline it is a
 * (result type, package name) pair. The properties checked are what finding
 * keys rely on:
 *  - cvt_purl_versionless accepts exactly what cvt_purl_parse accepts, and
 *    gives what cvt_purl_format_versionless makes of the parse;
 *  - a canonical form is a fixed point: canonicalizing it again gives it
 *    back, whatever built it (a parse, cvt_purl_from_package,
 *    cvt_purl_generic);
 *  - a canonical form has a type and a name, and no version, qualifier or
 *    subpath left: no '@', '?' or '#';
 *  - cvt_purl_generic keeps the name exactly (it decodes back to it);
 *  - cvt_purl_encode writes only the kept characters, '%XX' and, when asked
 *    to keep them, '/'.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "purl.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static _Noreturn void fail(const char *what, const char *input, const char *got)
{
	fprintf(stderr, "fuzz_purl: %s\n  input: \"%s\"\n  got:   \"%s\"\n", what, input,
		got ? got : "");
	abort();
}

/* A canonical versionless purl: "pkg:" then a type, a '/', a non-empty last
 * segment, nothing a version, qualifiers or a subpath would start with; and
 * canonicalizing it again changes nothing. */
static void check_canonical(const char *what, const char *input, const char *purl)
{
	struct strbuf again = STRBUF_INIT;
	struct cvt_purl p;

	if (strncmp(purl, "pkg:", 4) != 0 || strpbrk(purl, "@?#"))
		fail(what, input, purl);
	cvt_purl_init(&p);
	if (cvt_purl_parse(&p, purl) < 0 || !p.type.len || !p.name.len || p.version.len)
		fail(what, input, purl);
	cvt_purl_format_versionless(&p, &again);
	if (strcmp(again.buf, purl) != 0)
		fail(what, purl, again.buf);
	cvt_purl_release(&p);
	sb_release(&again);
}

static int is_kept(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_' || c == '~' || c == ':';
}

static int is_upper_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

static void check_encoding(const char *s, int keep_slash)
{
	struct strbuf out = STRBUF_INIT;
	cvt_purl_encode(&out, s, keep_slash);
	for (size_t i = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.buf[i];
		if (c == '%') {
			if (i + 2 >= out.len || !is_upper_hex(out.buf[i + 1]) ||
			    !is_upper_hex(out.buf[i + 2]))
				fail("cvt_purl_encode wrote a bad escape", s, out.buf);
			i += 2;
		} else if (!is_kept(c) && !(keep_slash && c == '/')) {
			fail("cvt_purl_encode left a character unencoded", s, out.buf);
		}
	}
	sb_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct strbuf formatted = STRBUF_INIT, versionless = STRBUF_INIT, built = STRBUF_INIT;
	struct strbuf family = STRBUF_INIT, release = STRBUF_INIT;
	struct cvt_purl p;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;

	cvt_purl_init(&p);
	int parsed = cvt_purl_parse(&p, s);
	int reduced = cvt_purl_versionless(s, &versionless);
	if ((parsed < 0) != (reduced < 0))
		fail(parsed < 0 ? "versionless accepts what parse refuses"
				: "versionless refuses what parse accepts",
		     s, versionless.buf);
	if (reduced < 0 && versionless.len)
		fail("versionless appended text for a string it refused", s, versionless.buf);
	if (parsed == 0) {
		cvt_purl_format_versionless(&p, &formatted);
		if (strcmp(formatted.buf, versionless.buf) != 0)
			fail("versionless differs from the formatted parse", s, versionless.buf);
		check_canonical("the canonical form of a parsed purl is not canonical", s,
				formatted.buf);
	}

	char *newline = strchr(s, '\n');
	if (newline) {
		*newline = 0;
		if (cvt_purl_from_package(s, newline + 1, &built) == 0)
			check_canonical("cvt_purl_from_package built a purl that is not canonical",
					newline + 1, built.buf);
		else if (built.len)
			fail("cvt_purl_from_package appended text for a type it refused", s,
			     built.buf);
		*newline = '\n';
	}

	if (*s) {
		struct cvt_purl generic;
		sb_reset(&built);
		cvt_purl_generic(s, &built);
		check_canonical("cvt_purl_generic built a purl that is not canonical", s, built.buf);
		cvt_purl_init(&generic);
		if (cvt_purl_parse(&generic, built.buf) < 0 || strcmp(generic.name.buf, s) != 0 ||
		    generic.namespace.len)
			fail("cvt_purl_generic does not keep the name", s, built.buf);
		cvt_purl_release(&generic);
	}
	check_encoding(s, 0);
	check_encoding(s, 1);

	if (cvt_target_os(s, &family, &release) == 0 && !family.len)
		fail("cvt_target_os found an empty family", s, NULL);

	cvt_purl_release(&p);
	sb_release(&formatted);
	sb_release(&versionless);
	sb_release(&built);
	sb_release(&family);
	sb_release(&release);
	free(s);
	return 0;
}
