#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fileio.h"

#define LABEL_MAX_CHARS 50 /* GitHub's limit on a label name */

void cvt_config_init(struct cvt_config *c)
{
	memset(c, 0, sizeof *c);
	arena_init(&c->arena);
	cvt_policy_init(&c->policy);
	c->summary_max_rows = CVT_CONFIG_MAX_ROWS_DEFAULT;
}

void cvt_config_release(struct cvt_config *c)
{
	arena_release(&c->arena);
	memset(c, 0, sizeof *c);
}

int cvt_severity_parse_strict(const char *s, enum cvt_severity *out)
{
	for (int i = 0; i < CVT_SEV_COUNT; i++) {
		if (!strcasecmp(s, cvt_severity_name((enum cvt_severity)i))) {
			*out = (enum cvt_severity)i;
			return 0;
		}
	}
	return -1;
}

int cvt_label_validate(const char *label, struct cvt_error *err)
{
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)label; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return cvt_error_set(
				err, CVT_EINVAL,
				"a label must not contain control characters or newlines");
		if (*p == ',')
			return cvt_error_set(err, CVT_EINVAL,
					     "a label must not contain ',' (CI outputs join labels "
					     "with commas)");
		if ((*p & 0xC0) != 0x80)
			chars++;
	}
	if (chars == 0)
		return cvt_error_set(err, CVT_EINVAL, "a label must not be empty");
	if (label[0] == ' ' || label[strlen(label) - 1] == ' ')
		return cvt_error_set(err, CVT_EINVAL, "a label must not start or end with a space");
	if (chars > LABEL_MAX_CHARS)
		return cvt_error_set(err, CVT_EINVAL, "a label must be at most %d characters",
				     LABEL_MAX_CHARS);
	return 0;
}

static int parse_bool(const char *s, unsigned *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int parse_count(const char *s, long max, long *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "label.new" -> CVT_REVIEW_NEW given section "label" and name "new"; -1 when unknown. */
static int reason_of(const char *name)
{
	for (int r = 0; r < CVT_REVIEW_COUNT; r++)
		if (!strcasecmp(name, cvt_review_reason_name((enum cvt_review_reason)r)))
			return r;
	return -1;
}

static const char known_keys[] =
	"label.new, label.severity, label.expired, label.incomplete, review.min-severity, "
	"review.new, review.severity, review.expired, review.incomplete, review.expiring-days, "
	"summary.max-rows";

int cvt_config_set(struct cvt_config *c, const char *key, const char *value, struct cvt_error *err)
{
	const char *dot = strchr(key, '.');
	size_t section_len = dot ? (size_t)(dot - key) : 0;
	const char *name = dot ? dot + 1 : "";
	int reason = reason_of(name);
	if (section_len == 5 && !strncasecmp(key, "label", 5) && reason >= 0) {
		struct cvt_error why = CVT_ERROR_INIT;
		if (cvt_label_validate(value, &why) < 0) {
			cvt_error_set(err, CVT_EINVAL, "%s: %s", key, why.message.buf);
			cvt_error_release(&why);
			return CVT_EINVAL;
		}
		c->policy.labels[reason] = arena_strdup(&c->arena, value);
		return 0;
	}
	if (section_len == 6 && !strncasecmp(key, "review", 6)) {
		if (reason >= 0) {
			unsigned on;
			if (parse_bool(value, &on) < 0)
				return cvt_error_set(err, CVT_EINVAL,
						     "%s: expected true or false, got '%s'", key,
						     value);
			if (on)
				c->policy.enabled |= CVT_REVIEW_BIT(reason);
			else
				c->policy.enabled &= ~CVT_REVIEW_BIT(reason);
			return 0;
		}
		if (!strcasecmp(name, "min-severity")) {
			if (cvt_severity_parse_strict(value, &c->policy.min_severity) < 0)
				return cvt_error_set(
					err, CVT_EINVAL,
					"%s: expected CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN, "
					"got '%s'",
					key, value);
			return 0;
		}
		if (!strcasecmp(name, "expiring-days")) {
			long days;
			if (parse_count(value, 3650, &days) < 0)
				return cvt_error_set(
					err, CVT_EINVAL,
					"%s: expected a number of days from 0 to 3650, got '%s'",
					key, value);
			c->policy.expiring_days = (int)days;
			return 0;
		}
	}
	if (section_len == 7 && !strncasecmp(key, "summary", 7) && !strcasecmp(name, "max-rows")) {
		long rows;
		if (parse_count(value, 10000, &rows) < 0 || rows < 1)
			return cvt_error_set(
				err, CVT_EINVAL,
				"%s: expected a number of rows from 1 to 10000, got '%s'", key,
				value);
		c->summary_max_rows = (size_t)rows;
		return 0;
	}
	return cvt_error_set(err, CVT_EINVAL, "unknown key '%s' (known: %s)", key, known_keys);
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

static int is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_';
}

/* Reads the value starting at text[*pos] up to `end` (the end of the line) into `out`. */
static int read_value(const char *text, size_t pos, size_t end, struct strbuf *out, size_t *bad)
{
	while (pos < end && is_space(text[pos]))
		pos++;
	if (pos < end && text[pos] == '"') {
		pos++;
		for (; pos < end && text[pos] != '"'; pos++) {
			if (text[pos] == '\\') {
				if (pos + 1 >= end ||
				    (text[pos + 1] != '"' && text[pos + 1] != '\\')) {
					*bad = pos;
					return -1;
				}
				pos++;
			}
			sb_addch(out, text[pos]);
		}
		if (pos >= end) {
			*bad = pos;
			return -1;
		}
		pos++;
		while (pos < end && is_space(text[pos]))
			pos++;
		if (pos < end && text[pos] != '#' && text[pos] != ';') {
			*bad = pos;
			return -1;
		}
		return 0;
	}
	size_t stop = pos;
	for (size_t i = pos; i < end; i++) {
		if ((text[i] == '#' || text[i] == ';') && (i == pos || is_space(text[i - 1])))
			break;
		stop = i + 1;
	}
	while (stop > pos && is_space(text[stop - 1]))
		stop--;
	sb_add(out, text + pos, stop - pos);
	return 0;
}

int cvt_config_parse(struct cvt_config *c, const char *text, size_t len, struct cvt_error *err)
{
	struct strbuf section = STRBUF_INIT, key = STRBUF_INIT, value = STRBUF_INIT;
	int rc = 0;
	size_t line_start = 0;
	while (line_start < len && rc == 0) {
		const char *nl = memchr(text + line_start, '\n', len - line_start);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t next = nl ? end + 1 : len;
		if (end > line_start && text[end - 1] == '\r')
			end--;
		size_t p = line_start;
		while (p < end && is_space(text[p]))
			p++;
		if (p == end || text[p] == '#' || text[p] == ';') {
			line_start = next;
			continue;
		}
		if (text[p] == '[') {
			size_t q = p + 1;
			sb_reset(&section);
			while (q < end && is_name_char(text[q]))
				sb_addch(&section, text[q++]);
			if (q >= end || text[q] != ']' || !section.len) {
				rc = cvt_error_set_at(err, CVT_EINVAL, text, q,
						      "expected a section name and ']'");
				break;
			}
			q++;
			while (q < end && is_space(text[q]))
				q++;
			if (q < end && text[q] != '#' && text[q] != ';') {
				rc = cvt_error_set_at(err, CVT_EINVAL, text, q,
						      "unexpected text after the section header");
				break;
			}
			line_start = next;
			continue;
		}
		size_t name_start = p;
		while (p < end && (is_name_char(text[p]) || text[p] == '.'))
			p++;
		if (p == name_start) {
			rc = cvt_error_set_at(err, CVT_EINVAL, text, p,
					      "expected a key, '[section]' or a comment");
			break;
		}
		/* A dotted key names its section itself, whatever header came before. */
		sb_reset(&key);
		if (section.len && !memchr(text + name_start, '.', p - name_start)) {
			sb_add(&key, section.buf, section.len);
			sb_addch(&key, '.');
		}
		sb_add(&key, text + name_start, p - name_start);
		while (p < end && is_space(text[p]))
			p++;
		if (p >= end || text[p] != '=') {
			rc = cvt_error_set_at(err, CVT_EINVAL, text, p,
					      "expected '=' after the key");
			break;
		}
		size_t bad = 0;
		sb_reset(&value);
		if (read_value(text, p + 1, end, &value, &bad) < 0) {
			rc = cvt_error_set_at(
				err, CVT_EINVAL, text, bad,
				"bad quoted value (only \\\" and \\\\ escapes, closing "
				"quote required)");
			break;
		}
		if (memchr(value.buf, '\0', value.len)) {
			rc = cvt_error_set_at(err, CVT_EINVAL, text, p + 1, "NUL byte in a value");
			break;
		}
		if (cvt_config_set(c, key.buf, value.buf, err) < 0) {
			struct strbuf msg = STRBUF_INIT;
			sb_add(&msg, err->message.buf, err->message.len);
			rc = cvt_error_set_at(err, CVT_EINVAL, text, name_start, "%s", msg.buf);
			sb_release(&msg);
			break;
		}
		line_start = next;
	}
	sb_release(&section);
	sb_release(&key);
	sb_release(&value);
	return rc;
}

int cvt_config_load(struct cvt_config *c, const char *path, int required, struct cvt_error *err)
{
	char *text = NULL;
	size_t len = 0;
	if (!required && !cvt_file_exists(path))
		return 0;
	int rc = cvt_read_file(path, &text, &len, err);
	if (rc < 0)
		return rc;
	rc = cvt_config_parse(c, text, len, err);
	free(text);
	if (rc == 0)
		cvt_error_clear(err); /* reading named the file: a later error is about another */
	return rc;
}
