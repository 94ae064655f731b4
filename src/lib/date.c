#include "date.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cvt_date_from_time(struct cvt_date *out, time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	unsigned y = (unsigned)(tm.tm_year + 1900) % 10000u, m = (unsigned)(tm.tm_mon + 1) % 100u,
		 d = (unsigned)tm.tm_mday % 100u;
	snprintf(out->text, sizeof out->text, "%04u-%02u-%02u", y, m, d);
}

int cvt_today(struct cvt_date *out, struct cvt_error *err)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	if (epoch && *epoch) {
		char *end;
		errno = 0;
		long long v = strtoll(epoch, &end, 10);
		if (errno || *end || v < 0)
			return cvt_error_set(err, CVT_EINVAL,
					     "SOURCE_DATE_EPOCH must be a number of seconds since 1970, got '%s'",
					     epoch);
		cvt_date_from_time(out, (time_t)v);
		return 0;
	}
	cvt_date_from_time(out, time(NULL));
	return 0;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cvt_date_parse(const char *s, struct cvt_date *out)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return -1;
	int max = days[m - 1] + (m == 2 && is_leap(y));
	if (d > max)
		return -1;
	if (out)
		memcpy(out->text, s, 11);
	return 0;
}

/* Days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's days_from_civil. */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long cvt_date_days_between(const char *a, const char *b)
{
	return days_from_civil(atoi(b), atoi(b + 5), atoi(b + 8)) -
	       days_from_civil(atoi(a), atoi(a + 5), atoi(a + 8));
}
