#include "report.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"

void cvt_report_init(struct cvt_report *r)
{
	memset(r, 0, sizeof *r);
	arena_init(&r->arena);
}

void cvt_report_release(struct cvt_report *r)
{
	cvt_free_large(r->findings);
	free(r->input);
	arena_release(&r->arena);
	memset(r, 0, sizeof *r);
}

void cvt_report_reserve(struct cvt_report *r, size_t n)
{
	if (n <= r->findings_alloc)
		return;
	r->findings = cvt_realloc_large(r->findings, r->n_findings * sizeof *r->findings, n,
					sizeof *r->findings);
	r->findings_alloc = n;
}

struct cvt_finding *cvt_report_add(struct cvt_report *r)
{
	if (r->n_findings == r->findings_alloc)
		cvt_report_reserve(r, r->findings_alloc ? r->findings_alloc * 2 : 64);
	struct cvt_finding *f = &r->findings[r->n_findings++];
	memset(f, 0, sizeof *f);
	return f;
}

/* Arena arrays grow by doubling at powers of two, so no capacity field is needed. */
static int needs_growth(size_t n)
{
	return n == 0 || (n & (n - 1)) == 0;
}

void cvt_finding_add_location(struct cvt_report *r, struct cvt_finding *f, const char *target,
			      const char *path, const char *version)
{
	if (needs_growth(f->n_locations)) {
		size_t cap = f->n_locations ? f->n_locations * 2 : 1;
		struct cvt_location *grown = arena_alloc_array(&r->arena, cap, sizeof *grown);
		if (f->n_locations)
			memcpy(grown, f->locations, f->n_locations * sizeof *grown);
		f->locations = grown;
	}
	struct cvt_location *loc = &f->locations[f->n_locations++];
	loc->target = target;
	loc->path = path;
	loc->version = version;
}

void cvt_finding_add_alias(struct cvt_report *r, struct cvt_finding *f, const char *alias)
{
	if (!alias || !*alias || (f->id && !strcmp(alias, f->id)))
		return;
	if (needs_growth(f->n_aliases)) {
		size_t cap = f->n_aliases ? f->n_aliases * 2 : 1;
		const char **grown = arena_alloc_array(&r->arena, cap, sizeof *grown);
		if (f->n_aliases)
			memcpy(grown, f->aliases, f->n_aliases * sizeof *grown);
		f->aliases = grown;
	}
	f->aliases[f->n_aliases++] = alias;
}

static int cmp_nullable(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (!a)
		return -1;
	if (!b)
		return 1;
	return strcmp(a, b);
}

static int cmp_location(const struct cvt_location *a, const struct cvt_location *b)
{
	int c = cmp_nullable(a->target, b->target);
	if (!c)
		c = cmp_nullable(a->path, b->path);
	if (!c)
		c = cmp_nullable(a->version, b->version);
	return c;
}

static int cmp_location_qsort(const void *a, const void *b)
{
	return cmp_location(a, b);
}

static int cmp_string_qsort(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Total order on raw findings, so that merging is independent of input order. */
static int cmp_finding_qsort(const void *pa, const void *pb)
{
	const struct cvt_finding *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);
	if (c)
		return c;
	const struct cvt_location *la = a->n_locations ? &a->locations[0] : NULL;
	const struct cvt_location *lb = b->n_locations ? &b->locations[0] : NULL;
	if (la && lb && (c = cmp_location(la, lb)))
		return c;
	if (!la != !lb)
		return la ? 1 : -1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = cmp_nullable(a->fixed_version, b->fixed_version)) ||
	    (c = cmp_nullable(a->status, b->status)) ||
	    (c = cmp_nullable(a->installed_version, b->installed_version)) ||
	    (c = cmp_nullable(a->title, b->title)) || (c = cmp_nullable(a->url, b->url)) ||
	    (c = cmp_nullable(a->cvss, b->cvss)) || (c = cmp_nullable(a->pkg_name, b->pkg_name)) ||
	    (c = cmp_nullable(a->published, b->published)))
		return c;
	return 0;
}

#define TAKE_FIRST(field)                       \
	do {                                    \
		if (!into->field && from->field) \
			into->field = from->field; \
	} while (0)

static int cvss_greater(const char *a, const char *b)
{
	if (!a)
		return 0;
	if (!b)
		return 1;
	return strtod(a, NULL) > strtod(b, NULL);
}

static void merge_into(struct cvt_report *r, struct cvt_finding *into, const struct cvt_finding *from)
{
	if (from->severity > into->severity)
		into->severity = from->severity;
	TAKE_FIRST(pkg_name);
	TAKE_FIRST(status);
	TAKE_FIRST(installed_version);
	TAKE_FIRST(fixed_version);
	TAKE_FIRST(title);
	TAKE_FIRST(url);
	TAKE_FIRST(published);
	if (cvss_greater(from->cvss, into->cvss))
		into->cvss = from->cvss;
	for (size_t i = 0; i < from->n_locations; i++)
		cvt_finding_add_location(r, into, from->locations[i].target, from->locations[i].path,
					 from->locations[i].version);
	for (size_t i = 0; i < from->n_aliases; i++)
		cvt_finding_add_alias(r, into, from->aliases[i]);
}

static void tidy_finding(struct cvt_finding *f)
{
	if (f->n_locations > 1) {
		qsort(f->locations, f->n_locations, sizeof *f->locations, cmp_location_qsort);
		size_t out = 1;
		for (size_t i = 1; i < f->n_locations; i++)
			if (cmp_location(&f->locations[i], &f->locations[out - 1]))
				f->locations[out++] = f->locations[i];
		f->n_locations = out;
	}
	if (f->n_aliases > 1) {
		qsort(f->aliases, f->n_aliases, sizeof *f->aliases, cmp_string_qsort);
		size_t out = 1;
		for (size_t i = 1; i < f->n_aliases; i++)
			if (strcmp(f->aliases[i], f->aliases[out - 1]))
				f->aliases[out++] = f->aliases[i];
		f->n_aliases = out;
	}
}

/*
 * Findings are sorted through small entries that carry the first 16 bytes
 * of the key as two big-endian numbers: most comparisons end there, without
 * reaching the key's memory, and no finding moves until its place is known.
 */
struct sort_entry {
	uint64_t prefix[2];
	const struct cvt_finding *finding;
};

static void key_prefix(const char *key, uint64_t prefix[2])
{
	unsigned char bytes[16] = {0};
	for (size_t i = 0; i < sizeof bytes && key[i]; i++)
		bytes[i] = (unsigned char)key[i];
	for (int half = 0; half < 2; half++) {
		uint64_t v = 0;
		for (int i = 0; i < 8; i++)
			v = v << 8 | bytes[half * 8 + i];
		prefix[half] = v;
	}
}

static inline int entry_before(const struct sort_entry *a, const struct sort_entry *b)
{
	if (a->prefix[0] != b->prefix[0])
		return a->prefix[0] < b->prefix[0];
	if (a->prefix[1] != b->prefix[1])
		return a->prefix[1] < b->prefix[1];
	return cmp_finding_qsort(a->finding, b->finding) < 0;
}

/* Merges the sorted runs a[0, mid) and a[mid, n) into out (stable). */
static void merge_entries(const struct sort_entry *a, size_t mid, size_t n, struct sort_entry *out)
{
	size_t i = 0, j = mid, k = 0;
	while (i < mid && j < n)
		out[k++] = entry_before(&a[j], &a[i]) ? a[j++] : a[i++];
	while (i < mid)
		out[k++] = a[i++];
	while (j < n)
		out[k++] = a[j++];
}

/*
 * A stable merge sort of the sort entries, its comparison inlined (qsort's
 * call per comparison was most of the sort): runs of 16 by insertion, then
 * merges back and forth between `a` and `tmp`. The result is in `a`.
 */
static void sort_entries(struct sort_entry *a, size_t n, struct sort_entry *tmp)
{
	enum { RUN = 16 };
	for (size_t lo = 0; lo < n; lo += RUN) {
		size_t hi = lo + RUN < n ? lo + RUN : n;
		for (size_t i = lo + 1; i < hi; i++) {
			struct sort_entry e = a[i];
			size_t j = i;
			while (j > lo && entry_before(&e, &a[j - 1])) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = e;
		}
	}
	struct sort_entry *from = a, *to = tmp;
	for (size_t width = RUN; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			merge_entries(from + lo, mid - lo, hi - lo, to + lo);
		}
		struct sort_entry *swap = from;
		from = to;
		to = swap;
	}
	if (from != a)
		memcpy(a, from, n * sizeof *a);
}

/* The entries of findings [first, first + n), sorted in `a`. */
struct sort_half {
	struct sort_entry *a, *tmp;
	const struct cvt_finding *first;
	size_t n;
};

static void sort_half(const struct sort_half *h)
{
	for (size_t i = 0; i < h->n; i++) {
		key_prefix(h->first[i].key, h->a[i].prefix);
		h->a[i].finding = &h->first[i];
	}
	sort_entries(h->a, h->n, h->tmp);
}

static void *sort_half_thread(void *arg)
{
	sort_half(arg);
	return NULL;
}

/* Sorts the entries of the findings `f` into `order`; returns where the
 * sorted entries are (`order` or `tmp`). A large report is sorted in two
 * halves on two threads, each making its entries, then merged. */
static struct sort_entry *sort_findings(const struct cvt_finding *f, struct sort_entry *order,
					size_t n, struct sort_entry *tmp)
{
	size_t mid = n / 2;
	struct sort_half first = {order, tmp, f, mid}, second = {order + mid, tmp + mid, f + mid, n - mid};
	pthread_t thread;
	if (n < CVT_REPORT_PARALLEL_MIN || pthread_create(&thread, NULL, sort_half_thread, &second) != 0) {
		struct sort_half whole = {order, tmp, f, n};
		sort_half(&whole);
		return order;
	}
	sort_half(&first);
	pthread_join(thread, NULL);
	merge_entries(order, mid, n, tmp);
	return tmp;
}

void cvt_report_finish(struct cvt_report *r)
{
	size_t n = r->n_findings, out = 0;
	if (!n)
		return;
	struct cvt_finding *f = r->findings;
	struct sort_entry *order = cvt_realloc_large(NULL, 0, n, sizeof *order);
	struct sort_entry *tmp = cvt_realloc_large(NULL, 0, n, sizeof *tmp);
	struct sort_entry *sorted = sort_findings(f, order, n, tmp);
	/*
	 * The findings move into their sorted places in the array itself (a
	 * second array would be as much fresh memory again): each cycle of
	 * the permutation is followed once, `finding` cleared where done.
	 */
	for (size_t i = 0; i < n; i++) {
		if (!sorted[i].finding || sorted[i].finding == &f[i]) {
			sorted[i].finding = NULL;
			continue;
		}
		struct cvt_finding first = f[i];
		size_t at = i;
		for (;;) {
			size_t from = (size_t)(sorted[at].finding - f);
			sorted[at].finding = NULL;
			if (from == i) {
				f[at] = first;
				break;
			}
			f[at] = f[from];
			at = from;
		}
	}
	/* sorted[i] still holds the key prefix of what is now f[i]: keys that
	 * differ there differ, without reading them. */
	for (size_t i = 0, kept = 0; i < n; i++) {
		if (out && !memcmp(sorted[kept].prefix, sorted[i].prefix, sizeof sorted[i].prefix) &&
		    !strcmp(f[out - 1].key, f[i].key)) {
			merge_into(r, &f[out - 1], &f[i]);
			continue;
		}
		if (out != i)
			f[out] = f[i];
		out++;
		kept = i;
	}
	cvt_free_large(order);
	cvt_free_large(tmp);
	r->n_findings = out;
	for (size_t i = 0; i < r->n_findings; i++)
		tidy_finding(&r->findings[i]);
}

const struct cvt_finding *cvt_report_find(const struct cvt_report *r, const char *key)
{
	size_t lo = 0, hi = r->n_findings;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->findings[mid].key, key);
		if (!c)
			return &r->findings[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

enum { REPORT_WRITE_CHUNK = 1 << 20 };

static const char *const severity_names[CVT_SEV_COUNT] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH",
							    "CRITICAL"};

const char *cvt_severity_name(enum cvt_severity s)
{
	return (unsigned)s < CVT_SEV_COUNT ? severity_names[s] : "UNKNOWN";
}

enum cvt_severity cvt_severity_parse(const char *s)
{
	if (!s)
		return CVT_SEV_UNKNOWN;
	for (int i = 0; i < CVT_SEV_COUNT; i++)
		if (!strcasecmp(s, severity_names[i]))
			return (enum cvt_severity)i;
	if (!strcasecmp(s, "negligible"))
		return CVT_SEV_LOW;
	return CVT_SEV_UNKNOWN;
}

/*
 * A report is mostly findings, and the writer's generality (a call, a
 * separator and an escape per key) was most of the time spent writing one.
 * So a finding is laid out here, keys and indentation as literal text: the
 * bytes the writer would give at the depth of the findings array (with an
 * indent of 2), which test_report checks against the writer.
 */
/* Room for `n` more bytes and the NUL; returns where they go. */
static inline char *room(struct strbuf *out, size_t n)
{
	if (out->alloc - out->len <= n)
		sb_grow(out, n);
	return out->buf + out->len;
}

/* A literal's bytes, copied with its length known when compiled. */
#define PUT(out, literal)                                             \
	do {                                                          \
		memcpy(room((out), sizeof(literal)), (literal), sizeof(literal) - 1); \
		(out)->len += sizeof(literal) - 1;                    \
	} while (0)

static void put_string(struct strbuf *out, const char *s)
{
	if (!s) {
		PUT(out, "null");
		return;
	}
	*room(out, 1) = '"';
	out->len++;
	json_escape(out, s, strlen(s));
	*room(out, 1) = '"';
	out->len++;
}

static void put_finding(struct strbuf *out, const struct cvt_finding *f)
{
	PUT(out, "{\n      \"key\": ");
	put_string(out, f->key);
	PUT(out, ",\n      \"id\": ");
	put_string(out, f->id);
	PUT(out, ",\n      \"aliases\": [");
	for (size_t i = 0; i < f->n_aliases; i++) {
		if (i)
			PUT(out, ",");
		PUT(out, "\n        ");
		put_string(out, f->aliases[i]);
	}
	if (f->n_aliases)
		PUT(out, "\n      ");
	PUT(out, "],\n      \"package\": {\n        \"name\": ");
	put_string(out, f->pkg_name);
	PUT(out, ",\n        \"purl\": ");
	put_string(out, f->purl);
	PUT(out, "\n      },\n      \"severity\": ");
	put_string(out, cvt_severity_name(f->severity));
	PUT(out, ",\n      \"status\": ");
	put_string(out, f->status);
	PUT(out, ",\n      \"installed_version\": ");
	put_string(out, f->installed_version);
	PUT(out, ",\n      \"fixed_version\": ");
	put_string(out, f->fixed_version);
	PUT(out, ",\n      \"cvss\": ");
	if (f->cvss)
		sb_addstr(out, f->cvss);
	else
		PUT(out, "null");
	PUT(out, ",\n      \"published\": ");
	put_string(out, f->published);
	PUT(out, ",\n      \"title\": ");
	put_string(out, f->title);
	PUT(out, ",\n      \"url\": ");
	put_string(out, f->url);
	PUT(out, ",\n      \"locations\": [");
	for (size_t i = 0; i < f->n_locations; i++) {
		const struct cvt_location *l = &f->locations[i];
		if (i)
			PUT(out, ",");
		PUT(out, "\n        {\n          \"target\": ");
		put_string(out, l->target);
		PUT(out, ",\n          \"path\": ");
		put_string(out, l->path);
		PUT(out, ",\n          \"version\": ");
		put_string(out, l->version);
		PUT(out, "\n        }");
	}
	if (f->n_locations)
		PUT(out, "\n      ");
	PUT(out, "]\n    }");
	out->buf[out->len] = '\0';
}

void cvt_report_write(const struct cvt_report *r, struct strbuf *out)
{
	cvt_report_write_chunked(r, out, NULL, NULL);
}

/* Everything before the first finding. */
static void write_head(struct json_writer *w, const struct cvt_report *r)
{
	json_begin_object(w);
	json_key(w, "schema");
	json_string(w, "cvetrail/report/1");
	json_key(w, "artifact");
	json_begin_object(w);
	json_key(w, "name");
	json_string(w, r->artifact_name);
	json_key(w, "type");
	json_string(w, r->artifact_type);
	json_key(w, "os");
	json_string(w, r->os);
	json_end_object(w);
	json_key(w, "scanner");
	json_begin_object(w);
	json_key(w, "name");
	json_string(w, r->scanner_name);
	json_key(w, "results");
	json_int(w, (long long)r->results);
	json_end_object(w);
	json_key(w, "summary");
	size_t counts[CVT_SEV_COUNT] = {0};
	for (size_t i = 0; i < r->n_findings; i++)
		counts[r->findings[i].severity]++;
	json_begin_object(w);
	for (int s = CVT_SEV_COUNT - 1; s >= 0; s--) {
		json_key(w, severity_names[s]);
		json_int(w, (long long)counts[s]);
	}
	json_end_object(w);
	json_key(w, "findings");
	json_begin_array(w);
}

static void write_tail(struct json_writer *w)
{
	json_end_array(w);
	json_end_object(w);
	json_writer_finish(w);
}

/* Sorted, the findings' strings are read in no order the hardware could
 * guess: ask for those of a later one now. */
static inline void prefetch_finding(const struct cvt_report *r, size_t i)
{
	if (i + 4 < r->n_findings) {
		const struct cvt_finding *later = &r->findings[i + 4];
		__builtin_prefetch(later->key);
		__builtin_prefetch(later->id);
		__builtin_prefetch(later->title);
		__builtin_prefetch(later->locations);
	}
}

int cvt_report_write_chunked(const struct cvt_report *r, struct strbuf *out,
			     int (*flush)(void *ctx, const char *data, size_t len), void *ctx)
{
	struct json_writer w;
	json_writer_init(&w, out, 2);
	write_head(&w, r);
	for (size_t i = 0; i < r->n_findings; i++) {
		prefetch_finding(r, i);
		put_finding(json_raw_begin(&w), &r->findings[i]);
		json_raw_end(&w);
		/* The writer keeps no state in the buffer, so it can be emptied between findings. */
		if (flush && out->len >= REPORT_WRITE_CHUNK) {
			int rc = flush(ctx, out->buf, out->len);
			if (rc < 0)
				return rc;
			sb_reset(out);
		}
	}
	write_tail(&w);
	if (flush && out->len) {
		int rc = flush(ctx, out->buf, out->len);
		if (rc < 0)
			return rc;
		sb_reset(out);
	}
	return 0;
}

/* What json_raw_begin puts before a finding (the findings array is at depth
 * 2, indented by 2): test_report checks that the pieces give the same bytes. */
static const char first_separator[] = "\n    ", separator[] = ",\n    ";

typedef int (*write_at_fn)(void *ctx, uint64_t offset, const char *data, size_t len);
typedef int (*write_fn)(void *ctx, const char *data, size_t len);

enum { WRITE_PIECE_FINDINGS = 1024 };

/*
 * The findings written by two threads, in pieces of WRITE_PIECE_FINDINGS:
 * each thread takes the next piece, lays it out in its own buffer, waits
 * until the piece before has its place (its end offset), takes the place
 * after it, and writes there. Nothing is measured twice and nothing is
 * held but a piece per thread. An output written in order (`write`, not
 * `write_at`) gets the piece while its thread holds the turn, so pieces
 * arrive one at a time and in order, while the next is being laid out.
 */
struct write_pieces {
	const struct cvt_report *r;
	write_at_fn write_at;
	write_fn write;
	void *ctx;
	size_t n_pieces;
	size_t next_piece; /* the next piece to take */
	size_t placed;     /* pieces with a place */
	uint64_t end;      /* where the last placed piece ends */
	int rc;            /* the first error */
	pthread_mutex_t lock;
	pthread_cond_t placed_more;
};

/* Records the first error and wakes a thread waiting for its turn. */
static void write_pieces_fail(struct write_pieces *wp, int rc)
{
	pthread_mutex_lock(&wp->lock);
	if (!wp->rc)
		wp->rc = rc;
	pthread_cond_broadcast(&wp->placed_more);
	pthread_mutex_unlock(&wp->lock);
}

static void *write_pieces_thread(void *arg)
{
	struct write_pieces *wp = arg;
	const struct cvt_report *r = wp->r;
	struct strbuf out = STRBUF_INIT;
	for (;;) {
		pthread_mutex_lock(&wp->lock);
		size_t piece = wp->next_piece++;
		int stop = wp->rc != 0;
		pthread_mutex_unlock(&wp->lock);
		if (stop || piece >= wp->n_pieces)
			break;
		size_t from = piece * WRITE_PIECE_FINDINGS;
		size_t to = from + WRITE_PIECE_FINDINGS < r->n_findings ? from + WRITE_PIECE_FINDINGS
									  : r->n_findings;
		sb_reset(&out);
		for (size_t i = from; i < to; i++) {
			prefetch_finding(r, i);
			if (i)
				sb_add(&out, separator, sizeof separator - 1);
			else
				sb_add(&out, first_separator, sizeof first_separator - 1);
			put_finding(&out, &r->findings[i]);
		}
		pthread_mutex_lock(&wp->lock);
		while (wp->placed < piece && !wp->rc)
			pthread_cond_wait(&wp->placed_more, &wp->lock);
		stop = wp->rc != 0;
		uint64_t at = wp->end;
		if (!stop && !wp->write) {
			wp->end += out.len;
			wp->placed++;
			pthread_cond_broadcast(&wp->placed_more);
		}
		pthread_mutex_unlock(&wp->lock);
		if (stop)
			break;
		int rc = wp->write ? wp->write(wp->ctx, out.buf, out.len)
				   : wp->write_at(wp->ctx, at, out.buf, out.len);
		if (rc < 0) {
			write_pieces_fail(wp, rc);
			break;
		}
		if (wp->write) {
			/* Written: the turn passes to the next piece. */
			pthread_mutex_lock(&wp->lock);
			wp->end += out.len;
			wp->placed++;
			pthread_cond_broadcast(&wp->placed_more);
			pthread_mutex_unlock(&wp->lock);
		}
	}
	sb_release(&out);
	return NULL;
}

/* cvt_report_write_chunked's flush for one thread writing at offsets. */
struct in_order {
	write_at_fn write_at;
	void *ctx;
	uint64_t at;
};

static int write_in_order(void *ctx, const char *data, size_t len)
{
	struct in_order *o = ctx;
	int rc = o->write_at(o->ctx, o->at, data, len);
	o->at += len;
	return rc;
}

/* cvt_report_write_at, or with `write` the same pieces in order. */
static int write_pieces(const struct cvt_report *r, size_t parallel_min, write_at_fn write_at,
			write_fn write, void *ctx)
{
	struct strbuf out = STRBUF_INIT;
	struct json_writer w;
	int rc;

	if (r->n_findings < parallel_min || !r->n_findings) {
		struct in_order o = {write_at, ctx, 0};
		rc = write ? cvt_report_write_chunked(r, &out, write, ctx)
			   : cvt_report_write_chunked(r, &out, write_in_order, &o);
		sb_release(&out);
		return rc;
	}
	json_writer_init(&w, &out, 2);
	write_head(&w, r);
	struct write_pieces wp = {
		.r = r,
		.write_at = write_at,
		.write = write,
		.ctx = ctx,
		.n_pieces = (r->n_findings + WRITE_PIECE_FINDINGS - 1) / WRITE_PIECE_FINDINGS,
		.end = out.len,
	};
	pthread_mutex_init(&wp.lock, NULL);
	pthread_cond_init(&wp.placed_more, NULL);
	rc = write ? write(ctx, out.buf, out.len) : write_at(ctx, 0, out.buf, out.len);
	if (rc == 0) {
		pthread_t thread;
		int threaded = pthread_create(&thread, NULL, write_pieces_thread, &wp) == 0;
		write_pieces_thread(&wp);
		if (threaded)
			pthread_join(thread, NULL);
		rc = wp.rc;
	}
	if (rc == 0) {
		/* The writer's state after the findings is the same whoever wrote them. */
		json_raw_end(&w);
		sb_reset(&out);
		write_tail(&w);
		rc = write ? write(ctx, out.buf, out.len) : write_at(ctx, wp.end, out.buf, out.len);
	}
	pthread_cond_destroy(&wp.placed_more);
	pthread_mutex_destroy(&wp.lock);
	sb_release(&out);
	return rc;
}

int cvt_report_write_at(const struct cvt_report *r, size_t parallel_min, write_at_fn write_at,
			void *ctx)
{
	return write_pieces(r, parallel_min, write_at, NULL, ctx);
}

int cvt_report_write_ordered(const struct cvt_report *r, size_t parallel_min, write_fn write,
			     void *ctx)
{
	return write_pieces(r, parallel_min, NULL, write, ctx);
}
