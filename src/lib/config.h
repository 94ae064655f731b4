#ifndef CVT_CONFIG_H
#define CVT_CONFIG_H

#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "policy.h"

/*
 * The repository's settings, .cvetrail/config: the review policy and its
 * label texts. A small git-config-like text file:
 *
 *   # comments start with '#' or ';'
 *   [label]
 *   new = new CVE                  # same as the line "label.new = new CVE"
 *   severity = severity changed
 *   expired = triage expired
 *   incomplete = scan incomplete
 *   [review]
 *   min-severity = LOW             # added/risen findings below LOW need no review
 *   new = true                     # false: added findings never need review
 *   severity = true
 *   expired = true
 *   incomplete = true
 *   expiring-days = 14             # "expiring soon" window in the summary
 *   [summary]
 *   max-rows = 50                  # rows per table in the Markdown summary
 *
 * A line is "[section]", "key = value" (a dotted key "section.name" anywhere, or "name"
 * under a section header), blank, or a comment. Names are case-insensitive. A value may be
 * double-quoted (then '\"' and '\\' are its only escapes, and '#' is literal); unquoted, it
 * ends at " #" or " ;" and is trimmed. Labels must be 1 to 50 characters without control
 * characters or commas (CI outputs join them with commas, one per line). Unknown keys are
 * errors, so a typo cannot silently disable a rule.
 */

struct cvt_config {
	struct arena arena; /* holds the label texts */
	struct cvt_policy policy;
	size_t summary_max_rows; /* default 50 */
};

#define CVT_CONFIG_DEFAULT_PATH     ".cvetrail/config"
#define CVT_CONFIG_MAX_ROWS_DEFAULT 50

/* Defaults: DESIGN's policy and labels. */
void cvt_config_init(struct cvt_config *c);
void cvt_config_release(struct cvt_config *c);

/*
 * Reads a config file over the current settings. A missing file is an error only when
 * `required` (the user named it); otherwise it leaves the defaults. Errors name the file,
 * the line and what was expected; on error the settings are unspecified.
 */
int cvt_config_load(struct cvt_config *c, const char *path, int required, struct cvt_error *err);
/* Parses config text (`len` bytes, need not be NUL-terminated). */
int cvt_config_parse(struct cvt_config *c, const char *text, size_t len, struct cvt_error *err);
/* Sets one key ("label.new", "review.min-severity", ...) from its text value. */
int cvt_config_set(struct cvt_config *c, const char *key, const char *value, struct cvt_error *err);

/* Checks a label text: 1 to 50 characters, no control characters, no commas. */
int cvt_label_validate(const char *label, struct cvt_error *err);

/* Parses a severity word exactly (case-insensitive): CRITICAL HIGH MEDIUM LOW UNKNOWN.
 * Returns 0, or -1 for anything else. */
int cvt_severity_parse_strict(const char *s, enum cvt_severity *out);

#endif
