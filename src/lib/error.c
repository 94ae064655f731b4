#include "error.h"

#include <stdarg.h>
#include <string.h>

void cvt_error_init(struct cvt_error *err)
{
	sb_init(&err->message, 0);
	sb_init(&err->file, 0);
	err->has_position = 0;
	err->offset = err->line = err->column = 0;
}

void cvt_error_release(struct cvt_error *err)
{
	sb_release(&err->message);
	sb_release(&err->file);
	err->has_position = 0;
}

void cvt_error_clear(struct cvt_error *err)
{
	sb_reset(&err->message);
	sb_reset(&err->file);
	err->has_position = 0;
	err->offset = err->line = err->column = 0;
}

int cvt_error_set(struct cvt_error *err, int code, const char *fmt, ...)
{
	if (!err)
		return code;
	va_list ap;
	sb_reset(&err->message);
	va_start(ap, fmt);
	sb_vaddf(&err->message, fmt, ap);
	va_end(ap);
	err->has_position = 0;
	return code;
}

int cvt_error_set_at(struct cvt_error *err, int code, const char *text, size_t offset,
		     const char *fmt, ...)
{
	if (!err)
		return code;
	va_list ap;
	sb_reset(&err->message);
	va_start(ap, fmt);
	sb_vaddf(&err->message, fmt, ap);
	va_end(ap);
	size_t line = 1, column = 1;
	for (size_t i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			line++;
			column = 1;
		} else {
			column++;
		}
	}
	err->has_position = 1;
	err->offset = offset;
	err->line = line;
	err->column = column;
	return code;
}

void cvt_error_set_file(struct cvt_error *err, const char *file)
{
	if (!err || !file || err->file.len)
		return;
	sb_addstr(&err->file, file);
}

void cvt_error_about(struct cvt_error *err, const char *file)
{
	if (!err)
		return;
	sb_reset(&err->file);
	cvt_error_set_file(err, file);
}

void cvt_error_format(const struct cvt_error *err, struct strbuf *out)
{
	if (err->file.len) {
		sb_add(out, err->file.buf, err->file.len);
		if (err->has_position)
			sb_addf(out, ":%zu:%zu", err->line, err->column);
		sb_addstr(out, ": ");
	} else if (err->has_position) {
		sb_addf(out, "<input>:%zu:%zu: ", err->line, err->column);
	}
	sb_add(out, err->message.buf, err->message.len);
	if (err->has_position)
		sb_addf(out, " (byte %zu)", err->offset);
	if (!err->message.len)
		sb_addstr(out, "unknown error");
}
