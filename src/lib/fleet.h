#ifndef CVT_FLEET_H
#define CVT_FLEET_H

#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "report.h"
#include "strbuf.h"
#include "triage.h"

/*
 * Many images at once. A fleet is either a folder of reports (one per image,
 * "<image>.json", canonical or any scanner output cvetrail reads) or a
 * `trivy k8s` cluster report (one image per workload container). Images are
 * read one at a time (the reports of a folder two at a time, on two
 * threads), so memory is bounded by the two largest reports plus the
 * aggregate, never by the sum.
 */

/* Reads the images of a fleet one by one. */
struct cvt_fleet_reader;

/* Opens a folder or a trivy k8s cluster report. */
int cvt_fleet_open(struct cvt_fleet_reader **rd, const char *path, struct cvt_error *err);
/*
 * The image name of a report read from a folder: the file name without
 * .json, except that a file named by cvt_image_file_name after the report's
 * artifact name (as 'normalize -o DIR' of a cluster report writes it) stands
 * for that artifact name, so a folder reads back with the names of the
 * cluster report it came from.
 */
void cvt_fleet_image_name(const char *path, const struct cvt_report *r, struct strbuf *out);
/*
 * Loads the next image into `r` (initialized by the caller, released and
 * re-initialized here) and sets *image to its name (valid until the next
 * call): the image reference in a cluster report, cvt_fleet_image_name in a
 * folder. Returns 1 for an image, 0 at the end, a negative CVT_E* on error
 * (naming the file, and for JSON the byte offset).
 */
int cvt_fleet_next(struct cvt_fleet_reader *rd, struct cvt_report *r, const char **image,
		   struct cvt_error *err);
void cvt_fleet_close(struct cvt_fleet_reader *rd);
/* Starts again from the first image (a cluster report is not read again). */
void cvt_fleet_rewind(struct cvt_fleet_reader *rd);
/* How many images the fleet holds (files of a folder, distinct images of a cluster report). */
size_t cvt_fleet_size(const struct cvt_fleet_reader *rd);
/* True when `path` is a folder or a trivy k8s cluster report (so commands speak for a fleet). */
int cvt_fleet_is_fleet(const char *path);

/*
 * Appends to `out` a file name for an image reference that is safe on every
 * file system and unique per reference: no "/", no "..", no leading "." or
 * "-", no control or shell-special characters, bounded length; characters
 * outside [A-Za-z0-9._-] are replaced and, when anything was replaced or
 * shortened, a short hash of the whole reference is appended so two
 * references never collide. Without ".json".
 */
void cvt_image_file_name(const char *image_ref, struct strbuf *out);

/* The aggregate over a fleet. */
struct cvt_fleet_cve {
	const char *id;
	enum cvt_severity severity;  /* highest over images */
	size_t images;               /* images it is found in */
	size_t untriaged_images;     /* images where no decision covers it */
};

struct cvt_fleet_image {
	const char *image;
	size_t findings;
	size_t open[CVT_SEV_COUNT];      /* findings by severity */
	size_t untriaged[CVT_SEV_COUNT]; /* of those, covered by no decision */
	size_t expired;                  /* findings whose decision expired */
	size_t risen;                    /* findings above their decision's severity */
};

struct cvt_fleet {
	struct arena arena;
	const struct cvt_ledger *ledger;
	const char *today;
	struct cvt_fleet_image *images;  /* in reading order */
	size_t n_images;
	struct cvt_fleet_cve *cves;      /* after finish: most images first, then severity, then id */
	size_t n_cves;
	size_t *decision_images;         /* per ledger decision: images where it covers a finding */
	size_t findings;                 /* total over images */
	void *index;                     /* private: id -> cve */
};

void cvt_fleet_init(struct cvt_fleet *f, const struct cvt_ledger *ledger, const char *today);
/* Counts one image's report into the aggregate (copies what it keeps). */
void cvt_fleet_add(struct cvt_fleet *f, const char *image, const struct cvt_report *r);
/* Sorts the CVE list. */
void cvt_fleet_finish(struct cvt_fleet *f);
void cvt_fleet_release(struct cvt_fleet *f);
/* The aggregate of one CVE id, or NULL (after finish, or before it: O(1) either way). */
const struct cvt_fleet_cve *cvt_fleet_find_cve(const struct cvt_fleet *f, const char *id);

#endif
