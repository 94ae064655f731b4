#ifndef CVT_DATE_H
#define CVT_DATE_H

#include <time.h>

#include "error.h"

/* Calendar dates as "YYYY-MM-DD" strings (they sort as text). */
struct cvt_date {
	char text[11];
};

/*
 * Today's date (UTC): from SOURCE_DATE_EPOCH when set (the reproducible-builds
 * convention), else from the clock. An unparsable SOURCE_DATE_EPOCH is an error.
 */
int cvt_today(struct cvt_date *out, struct cvt_error *err);
/* The date of a Unix time, UTC. */
void cvt_date_from_time(struct cvt_date *out, time_t t);
/* 0 when `s` is a valid YYYY-MM-DD calendar date (month and day checked). */
int cvt_date_parse(const char *s, struct cvt_date *out);
/* Days from a to b (b - a); both valid dates. */
long cvt_date_days_between(const char *a, const char *b);

#endif
