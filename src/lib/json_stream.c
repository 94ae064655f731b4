#include "json_stream.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Big enough that a read costs little per byte, small enough to stay in
 * the cache while it is scanned. The fuzz build makes it tiny, so that
 * small inputs cross its boundaries. */
#ifndef JSON_STREAM_WINDOW
#define JSON_STREAM_WINDOW (256 * 1024)
#endif
enum { WINDOW_SIZE = JSON_STREAM_WINDOW };

/*
 * The scan follows only the containers on the way to a streamed array
 * (root object → Results → a result → Vulnerabilities is the deepest);
 * every other value, and every element, is skipped over by counting
 * brackets outside strings, without looking inside.
 */
enum frame_kind {
	FRAME_ROOT_OBJECT,
	FRAME_ROOT_ARRAY, /* legacy Trivy: an array of results */
	FRAME_RESULTS,
	FRAME_RESULT,
	FRAME_STREAMED,
};
enum { MAX_FRAMES = 4 };

enum scan_mode {
	SCAN_STRUCTURE, /* between the tokens of the containers followed */
	SCAN_KEY,       /* inside a key of an object followed */
	SCAN_VALUE,     /* inside a value skipped over: an element, or a value copied */
};

struct scan {
	struct json_stream *s;
	enum scan_mode mode;
	unsigned char frames[MAX_FRAMES];
	size_t depth;
	int root_seen;
	int want_value;   /* in an object followed, after ':' */
	size_t key_start; /* the last key's bytes in the skeleton (raw, as written) */
	size_t key_len;
	int in_string, escaped;
	int element;      /* SCAN_VALUE: cut out as an element (else copied) */
	size_t value_depth;
	int consume;      /* the streamed array open is the consumer's */
};

static inline int is_blank(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* First '"' or '\\' in [p, end), or end. */
static inline const char *find_quote_or_backslash(const char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
	while (end - p >= 32) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
		unsigned ma = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(a, quote), _mm_cmpeq_epi8(a, backslash)));
		unsigned mb = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(b, quote), _mm_cmpeq_epi8(b, backslash)));
		unsigned m = ma | mb << 16;
		if (m)
			return p + __builtin_ctz(m);
		p += 32;
	}
#endif
	while (p < end && *p != '"' && *p != '\\')
		p++;
	return p;
}

/*
 * Values are skipped 64 bytes at a time, as simdjson does: bit masks of the
 * quotes, backslashes and structural bytes (brackets and commas) of a block;
 * the escaped bytes from the backslashes; the bytes inside strings from a
 * prefix XOR of the unescaped quotes; then a look at only the structural
 * bytes outside strings.
 */
struct block_masks {
	uint64_t quote, backslash, structural;
};

#ifdef __SSE2__
static inline void classify16(const char *p, unsigned shift, struct block_masks *m)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	/* '[' ']' '{' '}' are 0x5b 0x5d 0x7b 0x7d: with bit 0x20 set, they,
	 * and only they, are 0x7b or 0x7d. */
	__m128i f = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i s = _mm_or_si128(_mm_cmpeq_epi8(f, _mm_set1_epi8(0x7b)),
				 _mm_cmpeq_epi8(f, _mm_set1_epi8(0x7d)));
	s = _mm_or_si128(s, _mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
	unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
	unsigned b = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
	m->quote |= (uint64_t)q << shift;
	m->backslash |= (uint64_t)b << shift;
	m->structural |= (uint64_t)(unsigned)_mm_movemask_epi8(s) << shift;
}
#endif

static inline void classify64(const char *p, struct block_masks *m)
{
	m->quote = m->backslash = m->structural = 0;
#ifdef __SSE2__
	for (unsigned i = 0; i < 64; i += 16)
		classify16(p + i, i, m);
#else
	for (unsigned i = 0; i < 64; i++) {
		char c = p[i];
		uint64_t bit = 1ull << i;
		if (c == '"')
			m->quote |= bit;
		else if (c == '\\')
			m->backslash |= bit;
		else if (c == ',' || (c | 0x20) == 0x7b || (c | 0x20) == 0x7d)
			m->structural |= bit;
	}
#endif
}

/* Bit i: the XOR of bits 0..i of x. */
static inline uint64_t prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

/* The bytes of a block escaped by a backslash before them; bit 0 is set when
 * `carry` says the previous block ended in an escaping backslash. A
 * backslash that is itself escaped escapes nothing. Backslashes are rare
 * enough to go one by one. */
static inline uint64_t escaped_bytes(uint64_t backslash, uint64_t carry)
{
	uint64_t escaped = carry;
	while (backslash) {
		unsigned i = (unsigned)__builtin_ctzll(backslash);
		backslash &= backslash - 1;
		if (!(escaped >> i & 1) && i < 63)
			escaped |= 1ull << (i + 1);
	}
	return escaped;
}

/*
 * Skips through a value: returns the ',' or closing bracket that ends it
 * (not consumed), or `end` when the value goes on in the next chunk.
 */
static const char *scan_value(struct scan *sc, const char *p, const char *end)
{
	uint64_t in_string = sc->in_string ? ~0ull : 0, carry = (uint64_t)sc->escaped;
	size_t depth = sc->value_depth;
	char tail[64];

	while (p < end) {
		size_t n = (size_t)(end - p);
		const char *b = p;
		struct block_masks m;
		if (n < 64) {
			memset(tail, ' ', sizeof tail);
			memcpy(tail, p, n);
			b = tail;
		} else {
			n = 64;
		}
		classify64(b, &m);
		uint64_t valid = n == 64 ? ~0ull : (1ull << n) - 1;
		uint64_t backslash = m.backslash & valid, escaped = 0, carry_out = 0;
		if (backslash | carry) {
			escaped = escaped_bytes(backslash, carry);
			if (n == 64) /* a last byte that is a backslash not escaped */
				carry_out = backslash >> 63 & ~(escaped >> 63) & 1;
			else
				carry_out = escaped >> n & 1;
		}
		uint64_t inside = prefix_xor(m.quote & valid & ~escaped) ^ in_string;
		uint64_t s = m.structural & valid & ~inside;
		while (s) {
			unsigned i = (unsigned)__builtin_ctzll(s);
			s &= s - 1;
			char c = b[i];
			if (c == '{' || c == '[') {
				depth++;
			} else if (!depth) {
				sc->in_string = sc->escaped = 0;
				sc->value_depth = 0;
				return p + i;
			} else if (c != ',') {
				depth--;
			}
		}
		in_string = (inside >> (n - 1) & 1) ? ~0ull : 0;
		carry = carry_out;
		p += n;
	}
	sc->in_string = in_string != 0;
	sc->escaped = (int)carry;
	sc->value_depth = depth;
	return end;
}

/* Skips through a key (its opening quote consumed): returns the byte after
 * the closing quote, or `end`. */
static const char *scan_key(struct scan *sc, const char *p, const char *end)
{
	while (p < end) {
		if (sc->escaped) {
			sc->escaped = 0;
			p++;
			continue;
		}
		p = find_quote_or_backslash(p, end);
		if (p == end)
			break;
		if (*p++ == '\\') {
			sc->escaped = 1;
			continue;
		}
		sc->in_string = 0;
		return p;
	}
	return end;
}

static int key_is(const struct scan *sc, const char *key)
{
	size_t len = strlen(key);
	return sc->key_len == len && memcmp(sc->s->skeleton.buf + sc->key_start, key, len) == 0;
}

static void add_index(struct strbuf *sb, size_t n)
{
	char digits[24];
	size_t i = sizeof digits;
	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	sb_add(sb, digits + i, sizeof digits - i);
}

/* Records an element starting at file offset `at` and puts its index in
 * the skeleton. */
static struct json_stream_slice *add_slice(struct json_stream *s, uint64_t at)
{
	if (s->n_slices == s->slices_alloc) {
		size_t alloc = s->slices_alloc ? s->slices_alloc * 2 : 1024;
		s->slices = cvt_realloc_large(s->slices, s->slices_alloc * sizeof *s->slices,
					      alloc, sizeof *s->slices);
		s->slices_alloc = alloc;
	}
	struct json_stream_slice *sl = &s->slices[s->n_slices];
	sl->offset = at;
	sl->length = 0;
	sl->skeleton_offset = s->skeleton.len;
	sl->parsed = 0;
	add_index(&s->skeleton, s->n_slices++);
	return sl;
}

/* Starts a value at `c` (not consumed): an element to cut out, or a value to
 * copy. */
static int start_value(struct scan *sc, char c, uint64_t at, int element)
{
	/* An empty value would end where it starts and stall the scan. */
	if (c == ',' || c == ']' || c == '}')
		return -1;
	sc->mode = SCAN_VALUE;
	sc->element = element;
	sc->value_depth = 0;
	sc->in_string = sc->escaped = 0;
	if (element)
		add_slice(sc->s, at);
	return 0;
}

static int read_at(int fd, char *buf, size_t len, uint64_t offset, size_t *got)
{
	for (;;) {
		ssize_t n = pread(fd, buf, len, (off_t)offset);
		if (n >= 0) {
			*got = (size_t)n;
			return 0;
		}
		if (errno != EINTR)
			return -1;
	}
}

/*
 * The worker (json_stream_consumer.fork): takes runs of elements from the
 * middle of the file on, each run starting at an object whose first key is
 * the consumer's `first_key`, following a '[' or a ','.
 *
 * It must never hand over what the scan would not have taken itself, so:
 * a run is only adopted where the scan meets an element of its own at the
 * run's start; within a run it does what the scan does (an element parsed
 * by the same reader, blanks, one ',', blanks, the next element); and it
 * parses only bytes read fresh from the file (parsing changes them in
 * place), so after a run the window is read again.
 *
 * The second half is cut in pieces, each read by whichever thread comes
 * to it first: the worker claims pieces in order from the middle on; the
 * scan, reaching a piece the worker has not claimed, claims it and reads
 * it itself, and reaching one the worker has, waits for the worker to be
 * past the element and adopts the run starting there. A run never goes on
 * into a piece the worker does not hold, so neither thread waits for more
 * than the rest of one piece. Everything the two threads share (pieces,
 * progress, runs, places, gaps, the consumer's contexts) is under `lock`.
 */
enum piece_owner { PIECE_FREE, PIECE_WORKER, PIECE_SCAN };
enum { WORKER_PIECES = 16 };

struct worker_place {
	uint64_t offset, length;
	size_t gap, gap_len; /* in `gaps`: the text between the previous element and this one */
};

struct worker_run {
	uint64_t start, stop; /* the first element's start; the last one's end */
	size_t first, count;  /* its elements in `places` */
};

struct stream_worker {
	pthread_t thread;
	int running; /* the thread is not joined yet */
	int cancel;  /* read and written atomically: the scan no longer needs the runs */
	int fd;
	uint64_t from, size, piece_size; /* the pieces cover [from, size) */
	const struct json_stream_consumer *consumer;
	void *ctx;
	struct json_reader reader;
	struct strbuf needle;  /* "first_key" with its quotes */
	struct strbuf pending; /* the worker's: blanks and a comma read since the last element */
	char *window;
	size_t window_alloc, window_len;
	uint64_t window_offset;
	int window_at_eof;

	pthread_mutex_t lock;
	pthread_cond_t progressed;
	unsigned char owner[WORKER_PIECES]; /* enum piece_owner */
	uint64_t progress; /* every run starting before it is complete */
	struct worker_place *places;
	size_t n_places, places_alloc;
	struct strbuf gaps; /* blanks and commas between the elements of runs, as written */
	struct worker_run *runs;
	size_t n_runs, runs_alloc;
	size_t next_run;      /* the scan's place in `runs` */
	size_t scan_piece;    /* a piece the scan holds (a cache of `owner`), or WORKER_PIECES */
	uint64_t resume_at;   /* where the scan goes on after the run it adopted */
};

/* Blanks tolerated around the tokens a run start is recognized by. */
enum { WORKER_BLANKS = 64, WORKER_BACK = 2 * WORKER_BLANKS + 4 };

static int worker_cancelled(struct stream_worker *w)
{
	return __atomic_load_n(&w->cancel, __ATOMIC_RELAXED);
}

static size_t piece_of(const struct stream_worker *w, uint64_t at)
{
	uint64_t k = (at - w->from) / w->piece_size;
	return k < WORKER_PIECES ? (size_t)k : WORKER_PIECES - 1;
}

static uint64_t piece_end(const struct stream_worker *w, size_t k)
{
	return k + 1 >= WORKER_PIECES ? w->size : w->from + (uint64_t)(k + 1) * w->piece_size;
}

/* Whether the worker holds the piece of `at` (claiming it when free). */
static int worker_holds(struct stream_worker *w, uint64_t at)
{
	size_t k = piece_of(w, at);
	pthread_mutex_lock(&w->lock);
	if (w->owner[k] == PIECE_FREE)
		w->owner[k] = PIECE_WORKER;
	int mine = w->owner[k] == PIECE_WORKER;
	pthread_mutex_unlock(&w->lock);
	return mine;
}

static void worker_progress(struct stream_worker *w, uint64_t at)
{
	pthread_mutex_lock(&w->lock);
	if (at > w->progress)
		w->progress = at;
	pthread_cond_broadcast(&w->progressed);
	pthread_mutex_unlock(&w->lock);
}

/* Reads the file from `at` into the window, at least `need` bytes unless
 * the file ends first. Returns 0, or -1 when it cannot be read. */
static int worker_load(struct stream_worker *w, uint64_t at, size_t need)
{
	size_t got;
	if (need >= SIZE_MAX / 2)
		return -1;
	if (need + 1 > w->window_alloc) {
		size_t alloc = w->window_alloc;
		while (alloc < need + 1)
			alloc = (alloc - 1) * 2 + 1;
		w->window = cvt_realloc(w->window, alloc);
		w->window_alloc = alloc;
	}
	w->window_offset = at;
	w->window_len = 0;
	w->window_at_eof = 0;
	while (w->window_len < w->window_alloc - 1) {
		if (read_at(w->fd, w->window + w->window_len, w->window_alloc - 1 - w->window_len,
			    at + w->window_len, &got) < 0)
			return -1;
		if (!got) {
			w->window_at_eof = 1;
			break;
		}
		w->window_len += got;
	}
	return 0;
}

/* The bytes [at, at + n) in the window, read when they are not there; NULL
 * when the file ends before or cannot be read. */
static char *worker_bytes(struct stream_worker *w, uint64_t at, size_t n)
{
	if (at < w->window_offset || at - w->window_offset > w->window_len ||
	    w->window_len - (at - w->window_offset) < n) {
		if (worker_load(w, at, n) < 0 || w->window_len < n)
			return NULL;
	}
	return w->window + (at - w->window_offset);
}

/* The offset of the first non-blank byte at or after `at`, or UINT64_MAX;
 * the blanks are added to `pending`. */
static uint64_t worker_skip_blanks(struct stream_worker *w, uint64_t at)
{
	for (;;) {
		const char *c = worker_bytes(w, at, 1);
		if (!c)
			return UINT64_MAX;
		if (!is_blank(*c))
			return at;
		sb_addch(&w->pending, *c);
		at++;
	}
}

/* Whether the needle found at window index `i` begins a run: '{' before it
 * and '[' or ',' before that (blanks allowed), all at or after `lower`, and
 * ':' after it. `*start` is then the offset of the '{'. */
static int worker_is_run_start(const struct stream_worker *w, size_t i, uint64_t lower,
			       uint64_t *start)
{
	const char *buf = w->window;
	size_t low = lower > w->window_offset ? (size_t)(lower - w->window_offset) : 0;
	size_t j = i, blanks = 0;
	while (j > low && is_blank(buf[j - 1]) && blanks++ < WORKER_BLANKS)
		j--;
	if (j <= low || buf[j - 1] != '{')
		return 0;
	size_t brace = --j;
	blanks = 0;
	while (j > low && is_blank(buf[j - 1]) && blanks++ < WORKER_BLANKS)
		j--;
	if (j <= low || (buf[j - 1] != '[' && buf[j - 1] != ','))
		return 0;
	size_t k = i + w->needle.len;
	blanks = 0;
	while (k < w->window_len && is_blank(buf[k]) && blanks++ < WORKER_BLANKS)
		k++;
	if (k >= w->window_len || buf[k] != ':')
		return 0;
	*start = w->window_offset + brace;
	return 1;
}

/* Finds the first run start at or after `at` and before `limit` (bytes
 * before `at` are not looked at). Returns 1 with `*start`, or 0. */
static int worker_find(struct stream_worker *w, uint64_t at, uint64_t limit, uint64_t *start)
{
	uint64_t lower = at, cur = at;
	size_t tail = w->needle.len + WORKER_BLANKS + 1;
	while (!worker_cancelled(w) && cur < limit) {
		uint64_t base = cur - lower > WORKER_BACK ? cur - WORKER_BACK : lower;
		if (worker_load(w, base, 0) < 0)
			return 0;
		size_t from = (size_t)(cur - base);
		if (w->window_len <= from)
			return 0;
		const char *hay = w->window + from;
		size_t hay_len = w->window_len - from;
		const char *hit;
		while ((hit = memmem(hay, hay_len, w->needle.buf, w->needle.len)) != NULL) {
			size_t i = (size_t)(hit - w->window);
			if (!w->window_at_eof && w->window_len - i < tail)
				break; /* read again with the needle's tail in the window */
			if (worker_is_run_start(w, i, lower, start))
				return *start < limit;
			hay = hit + 1;
			hay_len = w->window_len - (i + 1);
		}
		if (hit) {
			cur = w->window_offset + (size_t)(hit - w->window);
			continue;
		}
		if (w->window_at_eof)
			return 0;
		/* A needle cut by the window's end is found in the next one. */
		cur = w->window_offset + w->window_len - (w->needle.len - 1);
	}
	return 0;
}

/*
 * Takes the run starting at `start` (in a piece the worker holds). Returns
 * where it stops; `*next` is the start of the element after it when the run
 * stopped only because that element is in another piece, else UINT64_MAX.
 */
static uint64_t worker_take_run(struct stream_worker *w, uint64_t start, uint64_t *next)
{
	uint64_t at = start, stop = start;
	size_t piece = piece_of(w, start), first = SIZE_MAX, count = 0;
	struct cvt_error err = CVT_ERROR_INIT;

	*next = UINT64_MAX;
	sb_reset(&w->pending);
	while (!worker_cancelled(w)) {
		char *p = worker_bytes(w, at, 1);
		if (!p)
			break;
		size_t avail = w->window_len - (size_t)(at - w->window_offset);
		const struct json_value *root;
		size_t used;
		int rc = json_reader_parse_prefix(&w->reader, p, avail, &root, &used, &err);
		cvt_error_clear(&err);
		if (rc > 0) {
			/* The element may go on after the window: read it again
			 * (parsing changed the bytes), in a window twice as big. */
			if (w->window_at_eof || worker_load(w, at, avail * 2) < 0)
				break;
			continue;
		}
		if (rc < 0)
			break;
		pthread_mutex_lock(&w->lock);
		rc = w->consumer->element(w->ctx, w->n_places, root, &err);
		if (rc >= 0) {
			if (w->n_places == w->places_alloc) {
				size_t alloc = w->places_alloc ? w->places_alloc * 2 : 1024;
				w->places = cvt_realloc_array(w->places, alloc, sizeof *w->places);
				w->places_alloc = alloc;
			}
			struct worker_place *pl = &w->places[w->n_places];
			pl->offset = at;
			pl->length = used;
			pl->gap = w->gaps.len;
			pl->gap_len = w->pending.len;
			sb_add(&w->gaps, w->pending.buf, w->pending.len);
			if (first == SIZE_MAX)
				first = w->n_places;
			w->n_places++;
		}
		pthread_mutex_unlock(&w->lock);
		cvt_error_clear(&err);
		if (rc < 0)
			break;
		count++;
		at += used;
		stop = at;
		/* The scan's way from one element to the next. */
		sb_reset(&w->pending);
		uint64_t sep = worker_skip_blanks(w, at);
		const char *c = sep == UINT64_MAX ? NULL : worker_bytes(w, sep, 1);
		if (!c || *c != ',')
			break;
		sb_addch(&w->pending, ',');
		uint64_t after = worker_skip_blanks(w, sep + 1);
		c = after == UINT64_MAX ? NULL : worker_bytes(w, after, 1);
		if (!c || *c == ',' || *c == ']')
			break;
		if (piece_of(w, after) != piece) {
			*next = after;
			break;
		}
		at = after;
	}
	cvt_error_release(&err);
	pthread_mutex_lock(&w->lock);
	if (count) {
		if (w->n_runs == w->runs_alloc) {
			size_t alloc = w->runs_alloc ? w->runs_alloc * 2 : 16;
			w->runs = cvt_realloc_array(w->runs, alloc, sizeof *w->runs);
			w->runs_alloc = alloc;
		}
		w->runs[w->n_runs++] = (struct worker_run){start, stop, first, count};
	}
	pthread_mutex_unlock(&w->lock);
	/* Parsing changed bytes in the window: whatever comes next is read again. */
	w->window_len = 0;
	return stop > start ? stop : start + 1;
}

static void *worker_main(void *arg)
{
	struct stream_worker *w = arg;
	uint64_t at = w->from, next = UINT64_MAX;
	while (!worker_cancelled(w) && at < w->size) {
		size_t k = piece_of(w, at);
		uint64_t start;
		if (!worker_holds(w, at)) {
			/* The scan reads that piece. */
			at = piece_end(w, k);
			next = UINT64_MAX;
		} else if (next != UINT64_MAX) {
			/* The element after the last run: a run starts there. */
			at = worker_take_run(w, next, &next);
			if (next != UINT64_MAX)
				at = next;
		} else if (worker_find(w, at, piece_end(w, k), &start)) {
			at = worker_take_run(w, start, &next);
			if (next != UINT64_MAX)
				at = next;
		} else {
			at = piece_end(w, k);
		}
		worker_progress(w, at);
	}
	worker_progress(w, UINT64_MAX);
	return NULL;
}

/* Ends the worker's context (the consumer's join) and frees the worker,
 * whose thread is not running. */
static void worker_free(struct stream_worker *w)
{
	if (w->ctx)
		w->consumer->join(w->consumer->ctx, w->ctx);
	pthread_cond_destroy(&w->progressed);
	pthread_mutex_destroy(&w->lock);
	json_reader_release(&w->reader);
	sb_release(&w->needle);
	sb_release(&w->pending);
	sb_release(&w->gaps);
	free(w->window);
	free(w->places);
	free(w->runs);
	free(w);
}

/* Starts the worker on the second half of a file of `size` bytes, when the
 * consumer asks for one; the scan goes on alone when it cannot start. */
static void worker_start(struct json_stream *s, uint64_t size)
{
	const struct json_stream_consumer *c = s->consumer;
	if (!c || !c->fork || !c->first_key || !*c->first_key || !c->parallel_min ||
	    size < c->parallel_min || size < 2)
		return;
	struct stream_worker *w = cvt_calloc(1, sizeof *w);
	w->fd = s->fd;
	w->from = size / 3;
	w->size = size;
	w->piece_size = (size - w->from + WORKER_PIECES - 1) / WORKER_PIECES;
	w->consumer = c;
	w->scan_piece = WORKER_PIECES;
	json_reader_init(&w->reader);
	sb_init(&w->needle, 0);
	sb_init(&w->pending, 0);
	sb_init(&w->gaps, 0);
	sb_addf(&w->needle, "\"%s\"", c->first_key);
	w->window_alloc = (WINDOW_SIZE < 4096 ? 4096 : WINDOW_SIZE) + 1;
	w->window = cvt_malloc(w->window_alloc);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->progressed, NULL);
	w->ctx = c->fork(c->ctx);
	if (w->ctx && pthread_create(&w->thread, NULL, worker_main, w) == 0) {
		w->running = 1;
		s->worker = w;
		return;
	}
	worker_free(w);
}

/* Stops the worker (at once: its runs are no longer wanted) and frees it. */
static void worker_end(struct json_stream *s)
{
	struct stream_worker *w = s->worker;
	if (!w)
		return;
	__atomic_store_n(&w->cancel, 1, __ATOMIC_RELAXED);
	if (w->running)
		pthread_join(w->thread, NULL);
	worker_free(w);
	s->worker = NULL;
}

/*
 * The scan is at an element of the consumer's starting at `at`: in a piece
 * the worker holds, once the worker is past it, the run starting there (if
 * any) becomes the scan's (slices, skeleton, consumer) and `*resume` is the
 * offset after it. Returns 1 then, else 0 (the scan takes the element
 * itself; a free piece becomes the scan's).
 */
static int adopt_run(struct json_stream *s, uint64_t at, uint64_t *resume)
{
	struct stream_worker *w = s->worker;
	if (at < w->from)
		return 0;
	size_t k = piece_of(w, at);
	if (k == w->scan_piece)
		return 0;
	int adopted = 0;
	pthread_mutex_lock(&w->lock);
	if (w->owner[k] == PIECE_FREE)
		w->owner[k] = PIECE_SCAN;
	if (w->owner[k] == PIECE_SCAN) {
		w->scan_piece = k;
		goto out;
	}
	/* Caught up with the worker: the next piece is left to the scan, so
	 * that the worker goes on after it and neither waits for the other. */
	if (w->progress <= at && k + 1 < WORKER_PIECES && w->owner[k + 1] == PIECE_FREE)
		w->owner[k + 1] = PIECE_SCAN;
	while (w->progress <= at)
		pthread_cond_wait(&w->progressed, &w->lock);
	while (w->next_run < w->n_runs && w->runs[w->next_run].start < at)
		w->next_run++;
	if (w->next_run == w->n_runs || w->runs[w->next_run].start != at)
		goto out;
	const struct worker_run *run = &w->runs[w->next_run++];
	for (size_t i = 0; i < run->count; i++) {
		const struct worker_place *pl = &w->places[run->first + i];
		sb_add(&s->skeleton, w->gaps.buf + pl->gap, pl->gap_len);
		struct json_stream_slice *sl = add_slice(s, pl->offset);
		sl->length = pl->length;
		sl->parsed = 1;
		w->consumer->adopt(w->consumer->ctx, w->ctx, run->first + i, s->n_slices - 1);
	}
	s->n_adopted += run->count;
	*resume = run->stop;
	adopted = 1;
out:
	pthread_mutex_unlock(&w->lock);
	return adopted;
}

/*
 * Parses the consumer's element that starts at `p` (file offset `at`) and
 * hands it over. Returns the bytes it took, 0 when it may go on after
 * `end` (nothing recorded: the caller reads on and comes back to `p`), or
 * a negative error.
 */
static long long take_element(struct scan *sc, char *p, char *end, uint64_t at,
			      struct cvt_error *err)
{
	struct json_stream *s = sc->s;
	const struct json_value *root;
	size_t used;
	int rc = json_reader_parse_prefix(&s->reader, p, (size_t)(end - p), &root, &used, err);
	if (rc)
		return rc > 0 ? 0 : rc;
	struct json_stream_slice *sl = add_slice(s, at);
	sl->length = used;
	sl->parsed = 1;
	rc = s->consumer->element(s->consumer->ctx, s->n_slices - 1, root, err);
	return rc < 0 ? rc : (long long)used;
}

static int push(struct scan *sc, enum frame_kind kind, char c)
{
	if (sc->depth == MAX_FRAMES)
		return -1;
	sc->frames[sc->depth++] = (unsigned char)kind;
	sc->want_value = 0;
	sb_addch(&sc->s->skeleton, c);
	return 1;
}

static int pop(struct scan *sc, char c)
{
	sc->depth--;
	sc->want_value = 0;
	sb_addch(&sc->s->skeleton, c);
	return 1;
}

/* Handles the byte `c` between tokens at file offset `at`: returns 1 when
 * consumed, 0 when it starts a value (scanned next), -1 to give up. */
static int structure_byte(struct scan *sc, char c, uint64_t at)
{
	struct strbuf *sk = &sc->s->skeleton;

	if (is_blank(c) || (!sc->depth && sc->root_seen)) {
		/* After the root, anything is copied for json_parse to judge. */
		sb_addch(sk, c);
		return 1;
	}
	if (!sc->depth) {
		sc->root_seen = 1;
		if (c == '{')
			return push(sc, FRAME_ROOT_OBJECT, c);
		if (c == '[')
			return push(sc, FRAME_ROOT_ARRAY, c);
		return start_value(sc, c, at, 0);
	}
	enum frame_kind top = (enum frame_kind)sc->frames[sc->depth - 1];
	if (top == FRAME_ROOT_OBJECT || top == FRAME_RESULT) {
		if (sc->want_value) {
			sc->want_value = 0;
			if (c == '[' && top == FRAME_ROOT_OBJECT && key_is(sc, "Results"))
				return push(sc, FRAME_RESULTS, c);
			if (c == '[' && key_is(sc, top == FRAME_ROOT_OBJECT ? "findings" : "Vulnerabilities")) {
				const struct json_stream_consumer *consumer = sc->s->consumer;
				sc->consume = consumer && key_is(sc, consumer->array_key);
				return push(sc, FRAME_STREAMED, c);
			}
			/* Grype's matches are not streamed: its adapter keeps strings
			 * in the document, which must then be read whole. */
			if (top == FRAME_ROOT_OBJECT && key_is(sc, "matches"))
				return -1;
			return start_value(sc, c, at, 0);
		}
		switch (c) {
		case '"':
			sb_addch(sk, c);
			sc->mode = SCAN_KEY;
			sc->in_string = 1;
			sc->escaped = 0;
			sc->key_start = sk->len;
			return 1;
		case ':':
			sc->want_value = 1;
			sb_addch(sk, c);
			return 1;
		case ',':
			sb_addch(sk, c);
			return 1;
		case '}':
			return pop(sc, c);
		default:
			return -1;
		}
	}
	switch (c) {
	case ',':
		sb_addch(sk, c);
		return 1;
	case ']':
		return pop(sc, c);
	case '}':
		return -1;
	default:
		break;
	}
	if (top == FRAME_STREAMED)
		return start_value(sc, c, at, 1);
	if (c == '{')
		return push(sc, FRAME_RESULT, c);
	return start_value(sc, c, at, 0);
}

/* The byte `c` starts an element of the consumer's. */
static inline int starts_taken_element(const struct scan *sc, char c)
{
	return sc->consume && sc->depth && sc->frames[sc->depth - 1] == FRAME_STREAMED &&
	       !is_blank(c) && c != ',' && c != ']';
}

/*
 * Scans the chunk [p, end) found at file offset `base`. Returns 0, 1 when
 * an element to take goes on after `end` (`*stop` is where it starts, the
 * scan has stopped there), 2 when it adopted a run of the worker's (it goes
 * on at s->worker->resume_at), or a negative error.
 */
static int scan_chunk(struct scan *sc, char *p, char *end, uint64_t base, char **stop,
		      struct cvt_error *err)
{
	const char *chunk = p;
	struct json_stream *s = sc->s;

	while (p < end) {
		const char *start = p;
		switch (sc->mode) {
		case SCAN_VALUE:
			p = (char *)scan_value(sc, p, end);
			if (!sc->element)
				sb_add(&s->skeleton, start, (size_t)(p - start));
			if (p == end)
				return 0;
			if (sc->element) {
				struct json_stream_slice *sl = &s->slices[s->n_slices - 1];
				sl->length = base + (uint64_t)(p - chunk) - sl->offset;
			}
			sc->mode = SCAN_STRUCTURE;
			break;
		case SCAN_KEY:
			p = (char *)scan_key(sc, p, end);
			sb_add(&s->skeleton, start, (size_t)(p - start));
			if (!sc->in_string) {
				sc->key_len = s->skeleton.len - 1 - sc->key_start;
				sc->mode = SCAN_STRUCTURE;
			}
			break;
		case SCAN_STRUCTURE: {
			if (is_blank(*p)) {
				/* Copied as structure_byte would, a run at a time. */
				char *blank = p;
				while (p < end && is_blank(*p))
					p++;
				sb_add(&s->skeleton, blank, (size_t)(p - blank));
				break;
			}
			if (starts_taken_element(sc, *p)) {
				uint64_t at = base + (uint64_t)(p - chunk);
				if (s->worker && adopt_run(s, at, &s->worker->resume_at))
					return 2;
				long long used = take_element(sc, p, end, at, err);
				if (used < 0)
					return (int)used;
				if (!used) {
					*stop = p;
					return 1;
				}
				p += used;
				break;
			}
			int n = structure_byte(sc, *p, base + (uint64_t)(p - chunk));
			if (n < 0)
				return cvt_error_set(err, CVT_EINVAL, "cannot follow the JSON structure");
			p += n;
			break;
		}
		}
	}
	return 0;
}

int json_stream_open(struct json_stream *s, int fd, struct cvt_error *err)
{
	return json_stream_open_consuming(s, fd, NULL, err);
}

static int scan_file(struct json_stream *s, struct cvt_error *err);

int json_stream_open_consuming(struct json_stream *s, int fd,
			       const struct json_stream_consumer *consumer, struct cvt_error *err)
{
	struct stat st;

	memset(s, 0, sizeof *s);
	s->fd = fd;
	s->consumer = consumer;
	json_reader_init(&s->reader);
	sb_init(&s->skeleton, 0);
	s->window_alloc = WINDOW_SIZE + 1;
	s->window = cvt_malloc(s->window_alloc);
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		worker_start(s, (uint64_t)st.st_size);
	int rc = scan_file(s, err);
	worker_end(s);
	return rc;
}

static int scan_file(struct json_stream *s, struct cvt_error *err)
{
	struct scan sc = {.s = s};
	uint64_t offset = 0;
	size_t got;
	char *stop = NULL;
	int fd = s->fd;

	for (;;) {
		if (read_at(fd, s->window, s->window_alloc - 1, offset, &got) < 0)
			return cvt_error_set(err, CVT_EIO, "cannot read: %s", strerror(errno));
		if (!got)
			break;
		int rc = scan_chunk(&sc, s->window, s->window + got, offset, &stop, err);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			offset += got;
			continue;
		}
		if (rc == 2) {
			offset = s->worker->resume_at;
			continue;
		}
		/* An element goes on after the window: read again from its start
		 * (parsing changed the bytes), in a bigger window when it already
		 * started the window. */
		size_t keep = (size_t)(stop - s->window);
		if (!keep) {
			if (got < s->window_alloc - 1)
				return cvt_error_set(err, CVT_EINVAL, "unexpected end of input");
			if (s->window_alloc > SIZE_MAX / 2)
				cvt_oom();
			s->window_alloc = (s->window_alloc - 1) * 2 + 1;
			s->window = cvt_realloc(s->window, s->window_alloc);
		}
		offset += keep;
	}
	if (sc.mode == SCAN_KEY || (sc.mode == SCAN_VALUE && sc.element))
		return cvt_error_set(err, CVT_EINVAL, "unexpected end of input");
	/* The window's bytes are the scan's last chunk: not what it says it holds. */
	s->window_offset = 0;
	s->window_len = 0;
	if (!s->skeleton.len)
		sb_grow(&s->skeleton, 1); /* json_parse writes its sentinel at buf[len] */
	int rc = json_parse(&s->skeleton_doc, s->skeleton.buf, s->skeleton.len, err);
	if (rc < 0)
		return rc;
	s->root = s->skeleton_doc.root;
	return 0;
}

/* The index of the element whose number `item` is in the skeleton, or -1
 * for any other value (a number the text holds is never at an element's
 * place in the skeleton). */
long long json_stream_element_index(const struct json_stream *s, const struct json_value *item)
{
	if (!s || !json_is(item, JSON_NUMBER) || !s->skeleton_doc.root)
		return -1;
	const char *base = s->skeleton.buf;
	if (item->u.str < base || item->u.str >= base + s->skeleton.len || item->len > 18)
		return -1;
	unsigned long long index = 0;
	for (uint32_t i = 0; i < item->len; i++) {
		unsigned d = (unsigned)(unsigned char)item->u.str[i] - '0';
		if (d > 9)
			return -1;
		index = index * 10 + d;
	}
	if (index >= s->n_slices ||
	    s->slices[index].skeleton_offset != (size_t)(item->u.str - base))
		return -1;
	return (long long)index;
}

/* Points `*text` at the bytes of slice `sl` in the window, reading what is
 * missing; text[length] is writable. */
static int window_load(struct json_stream *s, const struct json_stream_slice *sl, char **text,
		       struct cvt_error *err)
{
	uint64_t have_end = s->window_offset + s->window_len;
	size_t got;

	if (sl->length >= SIZE_MAX - WINDOW_SIZE - 1)
		return cvt_error_set(err, CVT_EINVAL, "element too large");
	if (sl->parsed || sl->offset < s->window_offset || sl->offset > have_end) {
		/* Behind the window, or parsed before (in place, so changed). */
		s->window_offset = sl->offset;
		s->window_len = 0;
	} else if (sl->offset + sl->length <= have_end) {
		*text = s->window + (sl->offset - s->window_offset);
		return 0;
	} else {
		size_t keep = (size_t)(sl->offset - s->window_offset);
		memmove(s->window, s->window + keep, s->window_len - keep);
		s->window_len -= keep;
		s->window_offset = sl->offset;
	}
	size_t length = (size_t)sl->length;
	if (length + 1 > s->window_alloc) {
		s->window_alloc = length + 1;
		s->window = cvt_realloc(s->window, s->window_alloc);
	}
	while (s->window_len < length) {
		/* Read ahead as far as the window goes: the next elements follow. */
		if (read_at(s->fd, s->window + s->window_len, s->window_alloc - 1 - s->window_len,
			    s->window_offset + s->window_len, &got) < 0)
			return cvt_error_set(err, CVT_EIO, "cannot read: %s", strerror(errno));
		if (!got)
			return cvt_error_set(err, CVT_EINVAL, "the file changed while it was read");
		s->window_len += got;
	}
	*text = s->window;
	return 0;
}

static int parse_slice(struct json_stream *s, size_t index, struct json_doc *doc,
		       struct cvt_error *err)
{
	struct json_stream_slice *sl = &s->slices[index];
	char *text = NULL;
	int rc = window_load(s, sl, &text, err);
	if (rc < 0)
		return rc;
	rc = json_parse(doc, text, (size_t)sl->length, err);
	sl->parsed = 1;
	return rc;
}

static void drop_element(struct json_stream *s)
{
	if (s->element_live) {
		json_doc_release(&s->element);
		s->element_live = 0;
	}
}

int json_stream_expand(struct json_stream *s, const struct json_value *item,
		       const struct json_value **out, struct cvt_error *err)
{
	long long index;

	*out = item;
	if (!s || (index = json_stream_element_index(s, item)) < 0)
		return 0;
	drop_element(s);
	int rc = parse_slice(s, (size_t)index, &s->element, err);
	if (rc < 0)
		return rc;
	s->element_live = 1;
	*out = s->element.root;
	return 0;
}

int json_stream_finish(struct json_stream *s, struct cvt_error *err)
{
	drop_element(s);
	for (size_t i = 0; i < s->n_slices; i++) {
		if (s->slices[i].parsed)
			continue;
		struct json_doc doc;
		int rc = parse_slice(s, i, &doc, err);
		if (rc < 0)
			return rc;
		json_doc_release(&doc);
	}
	return 0;
}

void json_stream_release(struct json_stream *s)
{
	drop_element(s);
	if (s->skeleton_doc.root)
		json_doc_release(&s->skeleton_doc);
	sb_release(&s->skeleton);
	json_reader_release(&s->reader);
	cvt_free_large(s->slices);
	free(s->window);
	memset(s, 0, sizeof *s);
	s->fd = -1;
}
