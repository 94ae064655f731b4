#include "fleet.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "ingest.h"
#include "json.h"
#include "policy.h"
#include "reportdir.h"
#include "sha256.h"
#include "strbuf.h"

/* ---- reading ---- */

/*
 * The report of a folder read on a second thread while the caller's thread
 * reads the one before it: images are handed out in pairs, the second of
 * each pair read at the same time as the first.
 */
struct fleet_ahead {
	int pending; /* `report` is image `index`, being read (waited for on taking) */
	size_t index;
	struct cvt_report report;
	struct cvt_report_loading loading;
};

struct cvt_fleet_reader {
	struct strbuf path;
	struct strbuf image;
	/* a folder */
	char **paths;
	size_t n_paths;
	struct fleet_ahead ahead;
	/* a cluster report, read once */
	int is_cluster;
	char *text;
	struct json_doc doc;
	struct cvt_k8s_cluster cluster;
	size_t next;
};

/*
 * Whether a file is a cluster report, from its first top-level keys: trivy
 * writes ClusterName first. Only the head is read, so asking about a large
 * single report costs nothing.
 */
static int file_is_cluster(const char *path)
{
	static const size_t head_size = 1 << 16;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char *head = cvt_malloc(head_size);
	ssize_t n = read(fd, head, head_size);
	close(fd);
	int depth = 0, answer = 0;
	for (ssize_t i = 0; i < n && !answer; i++) {
		char c = head[i];
		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
		} else if (c == '"') {
			ssize_t start = ++i;
			while (i < n && head[i] != '"')
				i += head[i] == '\\' ? 2 : 1;
			if (i >= n || depth != 1)
				continue;
			size_t len = (size_t)(i - start);
			ssize_t j = i + 1;
			while (j < n && (head[j] == ' ' || head[j] == '\n' || head[j] == '\t' ||
					 head[j] == '\r'))
				j++;
			if (j >= n || head[j] != ':')
				continue;
			if ((len == 11 && !memcmp(head + start, "ClusterName", 11)) ||
			    (len == 9 && !memcmp(head + start, "Resources", 9)))
				answer = 1;
			else if ((len == 13 && !memcmp(head + start, "SchemaVersion", 13)) ||
				 (len == 6 && !memcmp(head + start, "schema", 6)) ||
				 (len == 7 && !memcmp(head + start, "matches", 7)) ||
				 (len == 7 && !memcmp(head + start, "Results", 7)))
				answer = -1;
		}
	}
	free(head);
	return answer > 0;
}

int cvt_fleet_is_fleet(const char *path)
{
	if (!strcmp(path, "-"))
		return 0;
	return cvt_is_dir(path) || file_is_cluster(path);
}

static int open_cluster(struct cvt_fleet_reader *rd, const char *path, struct cvt_error *err)
{
	size_t len = 0;
	int rc = cvt_read_file(path, &rd->text, &len, err);
	if (rc < 0)
		return rc;
	if (len == 0)
		return cvt_error_set(err, CVT_EINVAL, "empty file, expected a trivy k8s cluster report");
	if ((rc = json_parse(&rd->doc, rd->text, len, err)) < 0)
		return rc;
	rd->is_cluster = 1;
	if (cvt_detect_format(rd->doc.root) != CVT_FORMAT_TRIVY_K8S)
		return cvt_error_set(err, CVT_EINVAL,
				     "not a fleet: expected a folder of reports or a trivy k8s "
				     "cluster report (ClusterName, Resources)");
	return cvt_k8s_cluster_read(&rd->cluster, rd->doc.root, err);
}

int cvt_fleet_open(struct cvt_fleet_reader **out, const char *path, struct cvt_error *err)
{
	struct cvt_fleet_reader *rd = cvt_calloc(1, sizeof *rd);
	int rc;
	sb_init(&rd->path, 0);
	sb_init(&rd->image, 0);
	sb_addstr(&rd->path, path);
	if (cvt_is_dir(path)) {
		rc = cvt_list_reports(path, &rd->paths, &rd->n_paths, err);
		if (rc == 0 && rd->n_paths == 0)
			rc = cvt_error_set(err, CVT_EINVAL, "no *.json report in this folder");
	} else {
		rc = open_cluster(rd, path, err);
	}
	if (rc < 0) {
		cvt_error_set_file(err, path);
		cvt_fleet_close(rd);
		*out = NULL;
		return rc;
	}
	*out = rd;
	return 0;
}

void cvt_fleet_image_name(const char *path, const struct cvt_report *r, struct strbuf *out)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strlen(base);
	if (len > 5 && !strcmp(base + len - 5, ".json"))
		len -= 5;
	sb_reset(out);
	if (r->artifact_name) {
		cvt_image_file_name(r->artifact_name, out);
		if (out->len == len && !memcmp(out->buf, base, len)) {
			sb_reset(out);
			sb_addstr(out, r->artifact_name);
			return;
		}
		sb_reset(out);
	}
	sb_add(out, base, len);
}

/* Starts reading image `index` of the folder on a second thread. */
static void ahead_start(struct cvt_fleet_reader *rd, size_t index)
{
	struct fleet_ahead *a = &rd->ahead;
	a->index = index;
	a->pending = 1;
	cvt_report_init(&a->report);
	cvt_load_report_start(&a->loading, &a->report, rd->paths[index]);
}

/* Waits for the report read ahead and drops it. */
static void ahead_drop(struct cvt_fleet_reader *rd)
{
	struct fleet_ahead *a = &rd->ahead;
	if (!a->pending)
		return;
	cvt_load_report_wait(&a->loading, NULL);
	a->pending = 0;
	cvt_report_release(&a->report);
}

/* Image `index` of the folder into `r` (empty) and `err`: the one read
 * ahead, or read now while the next one is read ahead. */
static int folder_read(struct cvt_fleet_reader *rd, size_t index, struct cvt_report *r,
		       struct cvt_error *err)
{
	struct fleet_ahead *a = &rd->ahead;
	if (a->pending && a->index == index) {
		int rc = cvt_load_report_wait(&a->loading, err);
		a->pending = 0;
		*r = a->report;
		return rc;
	}
	ahead_drop(rd);
	if (index + 1 < rd->n_paths)
		ahead_start(rd, index + 1);
	return cvt_load_report(r, rd->paths[index], err);
}

int cvt_fleet_next(struct cvt_fleet_reader *rd, struct cvt_report *r, const char **image,
		   struct cvt_error *err)
{
	cvt_report_release(r);
	cvt_report_init(r);
	cvt_error_clear(err);
	*image = NULL;
	int rc;
	if (rd->is_cluster) {
		if (rd->next >= rd->cluster.n_images)
			return 0;
		size_t i = rd->next++;
		if ((rc = cvt_k8s_cluster_image(&rd->cluster, i, r, err)) < 0) {
			cvt_error_set_file(err, rd->path.buf);
			return rc;
		}
		sb_reset(&rd->image);
		sb_addstr(&rd->image, rd->cluster.images[i]);
	} else {
		if (rd->next >= rd->n_paths)
			return 0;
		size_t index = rd->next++;
		const char *path = rd->paths[index];
		if ((rc = folder_read(rd, index, r, err)) < 0) {
			cvt_error_set_file(err, path);
			return rc;
		}
		cvt_fleet_image_name(path, r, &rd->image);
	}
	*image = rd->image.buf;
	return 1;
}

void cvt_fleet_close(struct cvt_fleet_reader *rd)
{
	if (!rd)
		return;
	ahead_drop(rd);
	cvt_free_paths(rd->paths, rd->n_paths);
	if (rd->is_cluster) {
		cvt_k8s_cluster_release(&rd->cluster);
		json_doc_release(&rd->doc);
	}
	free(rd->text);
	sb_release(&rd->path);
	sb_release(&rd->image);
	free(rd);
}

void cvt_fleet_rewind(struct cvt_fleet_reader *rd)
{
	ahead_drop(rd);
	rd->next = 0;
}

size_t cvt_fleet_size(const struct cvt_fleet_reader *rd)
{
	return rd->is_cluster ? rd->cluster.n_images : rd->n_paths;
}

/* ---- file names ---- */

#define NAME_MAX_BASE 134 /* + "-" + 16 hex digits: at most 151 characters */
#define NAME_HASH_HEX 16

static int is_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

static int is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* "...-0123456789abcdef": what a hashed name ends with, so an unchanged name must not. */
static int ends_like_hash(const char *s, size_t len)
{
	if (len < NAME_HASH_HEX + 1 || s[len - NAME_HASH_HEX - 1] != '-')
		return 0;
	for (size_t i = len - NAME_HASH_HEX; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Names Windows reserves whatever the extension. */
static int is_reserved_device(const char *s, size_t len)
{
	static const char *const devices[] = {"con", "prn", "aux", "nul", NULL};
	size_t stem = 0;
	while (stem < len && s[stem] != '.')
		stem++;
	char lower[5] = {0};
	if (stem < 3 || stem > 4)
		return 0;
	for (size_t i = 0; i < stem; i++)
		lower[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	for (size_t i = 0; devices[i]; i++)
		if (!strcmp(lower, devices[i]))
			return 1;
	return stem == 4 && (!strncmp(lower, "com", 3) || !strncmp(lower, "lpt", 3)) &&
	       lower[3] >= '0' && lower[3] <= '9';
}

void cvt_image_file_name(const char *image_ref, struct strbuf *out)
{
	size_t len = strlen(image_ref), start = out->len;
	/* Upper case is kept but hashed: "App" and "app" are one file on some file systems. */
	int changed = 0;
	if (len == 0 || !is_alnum((unsigned char)image_ref[0])) {
		sb_addch(out, 'x');
		changed = 1;
	}
	size_t i = 0;
	for (; i < len && out->len - start < NAME_MAX_BASE; i++) {
		unsigned char c = (unsigned char)image_ref[i];
		if (!is_name_char(c) || (c == '.' && out->buf[out->len - 1] == '.')) {
			c = '_';
			changed = 1;
		} else if (c >= 'A' && c <= 'Z') {
			changed = 1;
		}
		sb_addch(out, (char)c);
	}
	if (i < len)
		changed = 1; /* shortened */
	const char *name = out->buf + start;
	size_t name_len = out->len - start;
	if (name[name_len - 1] == '.' || ends_like_hash(name, name_len) ||
	    is_reserved_device(name, name_len))
		changed = 1;
	if (!changed)
		return;
	char hex[CVT_SHA256_HEX_LEN + 1];
	cvt_sha256_hex(image_ref, len, hex);
	sb_addch(out, '-');
	sb_add(out, hex, NAME_HASH_HEX);
}

/* ---- the aggregate ---- */

struct cve_slot {
	const char *id; /* NULL: empty */
	size_t cve;     /* index in f->cves */
};

struct fleet_index {
	struct cve_slot *slots;
	size_t n_slots; /* a power of two */
	size_t *last_image;           /* per CVE: 1 + the last image counted in `images` */
	size_t *last_untriaged_image; /* per CVE: 1 + the last image counted untriaged */
	size_t cves_alloc, images_alloc;
	unsigned char *used; /* per decision, for the image being added */
};

void cvt_fleet_init(struct cvt_fleet *f, const struct cvt_ledger *ledger, const char *today)
{
	memset(f, 0, sizeof *f);
	arena_init(&f->arena);
	f->ledger = ledger;
	f->today = today;
	struct fleet_index *ix = cvt_calloc(1, sizeof *ix);
	ix->n_slots = 1024;
	ix->slots = arena_alloc_array(&f->arena, ix->n_slots, sizeof *ix->slots);
	memset(ix->slots, 0, ix->n_slots * sizeof *ix->slots);
	size_t n_decisions = ledger ? ledger->n_decisions : 0;
	ix->used = cvt_calloc(n_decisions ? n_decisions : 1, 1);
	f->decision_images = cvt_calloc(n_decisions ? n_decisions : 1, sizeof *f->decision_images);
	f->index = ix;
}

static void grow_slots(struct cvt_fleet *f, struct fleet_index *ix)
{
	size_t n = ix->n_slots * 2;
	struct cve_slot *slots = arena_alloc_array(&f->arena, n, sizeof *slots);
	memset(slots, 0, n * sizeof *slots);
	for (size_t i = 0; i < ix->n_slots; i++) {
		if (!ix->slots[i].id)
			continue;
		size_t j = cvt_text_hash(ix->slots[i].id) & (n - 1);
		while (slots[j].id)
			j = (j + 1) & (n - 1);
		slots[j] = ix->slots[i];
	}
	ix->slots = slots;
	ix->n_slots = n;
}

static size_t cve_index(struct cvt_fleet *f, struct fleet_index *ix, const char *id)
{
	size_t j = cvt_text_hash(id) & (ix->n_slots - 1);
	while (ix->slots[j].id) {
		if (!strcmp(ix->slots[j].id, id))
			return ix->slots[j].cve;
		j = (j + 1) & (ix->n_slots - 1);
	}
	if (f->n_cves == ix->cves_alloc) {
		ix->cves_alloc = ix->cves_alloc ? ix->cves_alloc * 2 : 256;
		f->cves = cvt_realloc_array(f->cves, ix->cves_alloc, sizeof *f->cves);
		ix->last_image = cvt_realloc_array(ix->last_image, ix->cves_alloc, sizeof(size_t));
		ix->last_untriaged_image =
			cvt_realloc_array(ix->last_untriaged_image, ix->cves_alloc, sizeof(size_t));
	}
	size_t k = f->n_cves++;
	f->cves[k] = (struct cvt_fleet_cve){arena_strdup(&f->arena, id), CVT_SEV_UNKNOWN, 0, 0};
	ix->last_image[k] = ix->last_untriaged_image[k] = 0;
	ix->slots[j] = (struct cve_slot){f->cves[k].id, k};
	if (f->n_cves * 2 > ix->n_slots) /* load at most one half: probes stay short */
		grow_slots(f, ix);
	return k;
}

void cvt_fleet_add(struct cvt_fleet *f, const char *image, const struct cvt_report *r)
{
	struct fleet_index *ix = f->index;
	if (f->n_images == ix->images_alloc) {
		ix->images_alloc = ix->images_alloc ? ix->images_alloc * 2 : 64;
		f->images = cvt_realloc_array(f->images, ix->images_alloc, sizeof *f->images);
	}
	size_t stamp = f->n_images + 1;
	struct cvt_fleet_image *im = &f->images[f->n_images++];
	memset(im, 0, sizeof *im);
	im->image = arena_strdup(&f->arena, image);
	const struct cvt_ledger *l = f->ledger;
	int has_ledger = l && l->n_decisions;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct cvt_finding *fd = &r->findings[i];
		const struct cvt_decision *d = has_ledger ? cvt_ledger_match_in(l, fd, image) : NULL;
		im->open[fd->severity]++;
		if (!d)
			im->untriaged[fd->severity]++;
		else if (f->today && cvt_decision_expired(d, f->today))
			im->expired++;
		if (d && cvt_policy_above_decided(fd, d))
			im->risen++;
		if (has_ledger)
			cvt_ledger_mark_matches_in(l, fd, image, ix->used);
		if (!fd->id)
			continue;
		size_t k = cve_index(f, ix, fd->id);
		struct cvt_fleet_cve *c = &f->cves[k];
		if (fd->severity > c->severity)
			c->severity = fd->severity;
		if (ix->last_image[k] != stamp) {
			ix->last_image[k] = stamp;
			c->images++;
		}
		if (!d && ix->last_untriaged_image[k] != stamp) {
			ix->last_untriaged_image[k] = stamp;
			c->untriaged_images++;
		}
	}
	im->findings = r->n_findings;
	f->findings += r->n_findings;
	for (size_t i = 0; has_ledger && i < l->n_decisions; i++) {
		f->decision_images[i] += ix->used[i];
		ix->used[i] = 0;
	}
}

static int compare_cves(const void *a, const void *b)
{
	const struct cvt_fleet_cve *x = a, *y = b;
	if (x->images != y->images)
		return x->images > y->images ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	return strcmp(x->id, y->id);
}

void cvt_fleet_finish(struct cvt_fleet *f)
{
	struct fleet_index *ix = f->index;
	if (f->n_cves > 1)
		qsort(f->cves, f->n_cves, sizeof *f->cves, compare_cves);
	/* The id index points at positions the sort moved. */
	memset(ix->slots, 0, ix->n_slots * sizeof *ix->slots);
	for (size_t k = 0; k < f->n_cves; k++) {
		size_t j = cvt_text_hash(f->cves[k].id) & (ix->n_slots - 1);
		while (ix->slots[j].id)
			j = (j + 1) & (ix->n_slots - 1);
		ix->slots[j] = (struct cve_slot){f->cves[k].id, k};
	}
}

const struct cvt_fleet_cve *cvt_fleet_find_cve(const struct cvt_fleet *f, const char *id)
{
	const struct fleet_index *ix = f->index;
	size_t j = cvt_text_hash(id) & (ix->n_slots - 1);
	while (ix->slots[j].id) {
		if (!strcmp(ix->slots[j].id, id))
			return &f->cves[ix->slots[j].cve];
		j = (j + 1) & (ix->n_slots - 1);
	}
	return NULL;
}

void cvt_fleet_release(struct cvt_fleet *f)
{
	struct fleet_index *ix = f->index;
	if (ix) {
		free(ix->last_image);
		free(ix->last_untriaged_image);
		free(ix->used);
		free(ix);
	}
	free(f->images);
	free(f->cves);
	free(f->decision_images);
	arena_release(&f->arena);
	memset(f, 0, sizeof *f);
}
