#ifndef CVT_VEX_H
#define CVT_VEX_H

#include <stddef.h>
#include <time.h>

#include "error.h"
#include "report.h"
#include "strbuf.h"
#include "triage.h"

/*
 * Exports of the triage ledger in the formats other tools read: OpenVEX
 * 0.2.0, CycloneDX 1.6 VEX, Trivy's .trivyignore and .trivyignore.yaml.
 *
 * The reports (zero, one, or one per image of a fleet) only add context:
 * the product a statement is about (the image, as pkg:oci/NAME?repository_url=...
 * when the report is of a container_image whose name is an image reference;
 * else the artifact name), the packages an id-wide decision covers (the
 * findings cvt_ledger_match gives it), the aliases of a vulnerability.
 * Without a report the package of a decision is itself the product, and an
 * id-wide decision names no product (a warning says so) unless options give one.
 *
 * Output is deterministic: the same ledger, reports and options give the same
 * bytes. Document ids are derived from a SHA-256 of the content.
 */

enum cvt_vex_format {
	CVT_VEX_OPENVEX,
	CVT_VEX_CYCLONEDX,
	CVT_VEX_TRIVYIGNORE,
	CVT_VEX_TRIVYIGNORE_YAML,
};

struct cvt_vex_options {
	const char *author; /* document author; NULL: "cvetrail" */
	const char
		*timestamp; /* document time, "YYYY-MM-DDTHH:MM:SSZ"; NULL: the latest decision date
				* at 00:00:00Z (so the same ledger gives the same bytes) */
	const char
		*today; /* YYYY-MM-DD. OpenVEX and CycloneDX leave out decisions expired before it
				* (they cannot say "until"); the Trivy formats keep them with their date.
				* NULL: nothing is expired. */
	const char
		*product; /* product identifier (purl or IRI) naming the product when there is one
				* report or none; NULL: derived from the report's artifact */
	const char *const *images; /* per report, the image name decisions scoped to an image are
				    * matched against (a folder's file stems); NULL: each report's
				    * artifact name */
};

/* "openvex", "cyclonedx", "trivyignore", "trivyignore-yaml" (also "trivyignore.yaml"). */
int cvt_vex_format_parse(const char *name, enum cvt_vex_format *out);
const char *cvt_vex_format_name(enum cvt_vex_format format);

/*
 * Appends the export of `l` to `out`. `reports` may be NULL when n_reports
 * is 0. When `warnings` is not NULL, one line per decision that could not be
 * exported faithfully is appended to it (e.g. a package-scoped decision that
 * a plain .trivyignore cannot express, which the file also notes in a
 * comment). An OpenVEX export of no decision has an empty statements list,
 * which its schema does not allow but Trivy, Grype and vexctl read; a
 * warning says so.
 *
 * Vocabulary and shape:
 *  - OpenVEX: one statement per decision; @id "urn:cvetrail:triage:ID[:PURL]";
 *    not_affected: justification + impact_statement = reason; affected:
 *    action_statement = reason; fixed, under_investigation: status_notes = reason.
 *    An expiry is written as status_notes "expires YYYY-MM-DD" (or appended to
 *    the reason as " (expires YYYY-MM-DD)" where status_notes holds it).
 *  - CycloneDX: see cvt_vex_cdx_state / cvt_vex_cdx_justification; detail =
 *    reason; properties cvetrail:author, cvetrail:expires, cvetrail:justification,
 *    cvetrail:severity keep what CycloneDX has no field for.
 *  - .trivyignore / .trivyignore.yaml: only decisions that suppress
 *    (not_affected, fixed), each with a comment / statement
 *    "STATUS[ (JUSTIFICATION)]: REASON (AUTHOR, DATE)". A finding's other id
 *    (a GHSA found under a decision on its CVE) gets its own entry. A plain
 *    line hides an id in every package, so it is written only when no
 *    affected / under_investigation decision and no open finding of the
 *    reports shares the id, and package-only decisions need the report to
 *    show that. The YAML form names packages (purls) and narrows an id-wide
 *    decision to the packages it covers when another decision on the id keeps
 *    a package visible.
 */
void cvt_vex_write(enum cvt_vex_format format, const struct cvt_ledger *l,
		   const struct cvt_report *const *reports, size_t n_reports,
		   const struct cvt_vex_options *o, struct strbuf *out, struct strbuf *warnings);

/*
 * The versionless OCI purl of a container image reference, as Trivy and
 * OpenVEX's discovery build it: "alpine:3.19" ->
 * "pkg:oci/alpine?repository_url=index.docker.io%2Flibrary%2Falpine",
 * "ghcr.io/org/app@sha256:..." -> "pkg:oci/app?repository_url=ghcr.io%2Forg%2Fapp".
 * No version (digest) and no tag, so it names the image across rebuilds.
 * Returns -1 (appending nothing) when `ref` is not an image reference
 * (a path, an archive, upper-case repository, ...).
 */
int cvt_oci_purl(const char *ref, struct strbuf *out);

/*
 * Splits a container image reference into its registry ("index.docker.io"
 * for Docker Hub, "docker.io" included) and repository ("library/alpine"
 * for "alpine:3.19"), dropping tag and digest, with the grammar of the
 * distribution spec. Returns -1 (appending nothing) when `ref` is not one.
 */
int cvt_image_repository(const char *ref, struct strbuf *registry, struct strbuf *repository);

/*
 * One line describing a decision, "STATUS[ (JUSTIFICATION)]: REASON (AUTHOR, DATE)",
 * with control characters and line breaks turned into spaces. Written as the
 * comment or statement of Trivy ignore entries and as SARIF suppression
 * justifications; vex_import.c reads it back.
 */
void cvt_vex_describe_decision(struct strbuf *out, const struct cvt_decision *d);

/*
 * Vocabulary maps between OpenVEX (the ledger's words) and CycloneDX's
 * analysis. Each returns NULL for a word it does not know.
 *
 *   OpenVEX status        CycloneDX state      (back: resolved_with_pedigree -> fixed,
 *   not_affected          not_affected                false_positive -> not_affected)
 *   affected              exploitable
 *   fixed                 resolved
 *   under_investigation   in_triage
 *
 *   OpenVEX justification                       CycloneDX justification
 *   component_not_present                       code_not_present
 *   vulnerable_code_not_present                 code_not_present
 *   vulnerable_code_not_in_execute_path         code_not_reachable
 *   vulnerable_code_cannot_be_controlled_by_adversary  requires_environment
 *   inline_mitigations_already_exist            protected_by_mitigating_control
 *
 *   back: code_not_present -> vulnerable_code_not_present; code_not_reachable ->
 *   vulnerable_code_not_in_execute_path; requires_configuration, requires_dependency,
 *   requires_environment -> vulnerable_code_cannot_be_controlled_by_adversary;
 *   protected_by_compiler, protected_at_runtime, protected_at_perimeter,
 *   protected_by_mitigating_control -> inline_mitigations_already_exist.
 */
const char *cvt_vex_cdx_state(const char *status);
const char *cvt_vex_status_from_cdx(const char *state);
const char *cvt_vex_cdx_justification(const char *justification);
const char *cvt_vex_justification_from_cdx(const char *justification);

/* True for the statuses a scanner may hide: not_affected and fixed. */
int cvt_vex_status_suppresses(const char *status);

/*
 * The document time from SOURCE_DATE_EPOCH as "YYYY-MM-DDTHH:MM:SSZ" (UTC).
 * Returns 1 when the variable is set (out filled), 0 when it is not (the
 * caller then passes timestamp NULL), CVT_EINVAL when it is not a number.
 */
int cvt_vex_source_date(char out[21], struct cvt_error *err);
void cvt_vex_timestamp_from_time(char out[21], time_t t);

#endif
