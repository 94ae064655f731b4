/* The audit trail: the report's and the ledger's first-parent history read
 * from git with libgit2, replayed oldest first into per-finding events. */
#include <git2.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "history.h"
#include "ingest.h"
#include "json.h"
#include "reportdir.h"
#include "triage.h"
#include "gitcalls.h"

#define DEFAULT_LEDGER ".cvetrail/triage.json"

/* One finding (of one image) across the whole history; `f` is what is reported. */
struct hist_entry {
	struct cvt_hist_finding f;
	const char *parsed_title; /* of the last version parsed: versions mostly repeat it */
	size_t reopened_alloc, changes_alloc, fixes_alloc;
	unsigned long stamp; /* the last snapshot application that listed it */
	int seen, present, in_window;
	struct hist_entry *next_all;
};

/* What history keeps of one finding of one report version. */
struct snap_item {
	struct hist_entry *e;
	const char *title;
	const char **aliases;
	uint32_t n_aliases;
	uint8_t severity;
};

/* One distinct report blob, parsed once. */
struct snapshot {
	struct snap_item *items;
	size_t n;
};

/* A blob id (and the image it is a report of: the same text in two images
 * holds different findings) to a parsed snapshot or ledger. */
struct map_key {
	git_oid oid;
	const char *image;
};

struct oid_map {
	struct map_key *keys;
	void **values;
	size_t cap, n;
};

/* Strings kept once in the history's arena, however many versions repeat them. */
struct intern_set {
	const char **slots;
	size_t cap, n;
};

struct entry_table {
	struct hist_entry **slots;
	size_t cap, n;
};

struct image_state {
	const char *name; /* NULL for a single report */
	git_oid blob;
	int has_blob;
	unsigned long seen_in; /* the walk step that last saw its file */
	const struct snapshot *cur;
};

/* A decision added, changed or removed in one ledger commit. */
struct ledger_event {
	struct cvt_decision d;     /* id and package, for matching */
	struct cvt_hist_triage t;
	int recorded;              /* added or changed (not removed): counts for its author */
};

struct walk {
	struct cvt_history *h;
	const char *since;
	git_repository *repo;
	struct arena scratch; /* snapshots and ledgers: gone when the walk ends */
	struct intern_set strings;
	struct entry_table entries;
	struct hist_entry *all;
	struct oid_map snapshots, ledgers;

	const char *report_path; /* relative to the work tree; "" is the work tree itself */
	const char *ledger_path;
	int folder;
	int report_found;

	struct image_state *images;
	size_t n_images, images_alloc;
	git_oid folder_tree;
	int has_folder_tree;

	git_oid ledger_blob;
	int has_ledger;
	const struct cvt_ledger *ledger_cur;
	struct ledger_event *events;
	size_t n_events, events_alloc;

	size_t counts[CVT_SEV_COUNT];
	size_t open_alloc;
	unsigned long apply_stamp;
	int crossed;

	/* The commit being read. */
	git_commit *commit;
	char commit_hex[GIT_OID_HEXSZ + 1];
	struct cvt_date date;
	const char *commit_kept, *date_kept; /* copies in the history's arena, made on first use */
	size_t order;
	unsigned long step;
	int in_window;
	struct strbuf name;
};

static uint64_t hash_key(const struct map_key *k)
{
	uint64_t h;
	memcpy(&h, k->oid.id, sizeof h);
	return h ^ (uint64_t)(uintptr_t)k->image;
}

static int same_key(const struct map_key *a, const struct map_key *b)
{
	return a->image == b->image && git_oid_equal(&a->oid, &b->oid);
}

static const char *intern(struct cvt_history *h, struct intern_set *t, const char *s)
{
	if (!s)
		return NULL;
	if (2 * (t->n + 1) > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;
		const char **slots = cvt_calloc(cap, sizeof *slots);
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->slots[i])
				continue;
			size_t j = cvt_text_hash(t->slots[i]) & (cap - 1);
			while (slots[j])
				j = (j + 1) & (cap - 1);
			slots[j] = t->slots[i];
		}
		free(t->slots);
		t->slots = slots;
		t->cap = cap;
	}
	size_t j = cvt_text_hash(s) & (t->cap - 1);
	while (t->slots[j]) {
		if (!strcmp(t->slots[j], s))
			return t->slots[j];
		j = (j + 1) & (t->cap - 1);
	}
	t->slots[j] = arena_strdup(&h->arena, s);
	t->n++;
	return t->slots[j];
}

static uint64_t hash_entry(const char *image, const char *key)
{
	return cvt_text_hash(key) ^ (image ? cvt_text_hash(image) * 31 : 0);
}

static int same_text(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* The entry of (image, key), created from `f` the first time. `image` is interned. */
static struct hist_entry *entry_get(struct walk *w, const char *image, const struct cvt_finding *f)
{
	struct entry_table *t = &w->entries;
	if (2 * (t->n + 1) > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;
		struct hist_entry **slots = cvt_calloc(cap, sizeof *slots);
		for (size_t i = 0; i < t->cap; i++) {
			struct hist_entry *e = t->slots[i];
			if (!e)
				continue;
			size_t j = hash_entry(e->f.image, e->f.key) & (cap - 1);
			while (slots[j])
				j = (j + 1) & (cap - 1);
			slots[j] = e;
		}
		free(t->slots);
		t->slots = slots;
		t->cap = cap;
	}
	size_t j = hash_entry(image, f->key) & (t->cap - 1);
	while (t->slots[j]) {
		struct hist_entry *e = t->slots[j];
		if (e->f.image == image && !strcmp(e->f.key, f->key))
			return e;
		j = (j + 1) & (t->cap - 1);
	}
	struct cvt_history *h = w->h;
	struct hist_entry *e = arena_alloc(&h->arena, sizeof *e);
	memset(e, 0, sizeof *e);
	e->f.image = image;
	e->f.key = arena_strdup(&h->arena, f->key);
	e->f.id = intern(h, &w->strings, f->id);
	e->f.purl = intern(h, &w->strings, f->purl);
	e->next_all = w->all;
	w->all = e;
	t->slots[j] = e;
	t->n++;
	return e;
}

static void *oid_map_get(const struct oid_map *m, const struct map_key *key)
{
	if (!m->cap)
		return NULL;
	size_t j = hash_key(key) & (m->cap - 1);
	while (m->values[j]) {
		if (same_key(&m->keys[j], key))
			return m->values[j];
		j = (j + 1) & (m->cap - 1);
	}
	return NULL;
}

static void oid_map_put(struct oid_map *m, const struct map_key *key, void *value)
{
	if (2 * (m->n + 1) > m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		struct map_key *keys = cvt_calloc(cap, sizeof *keys);
		void **values = cvt_calloc(cap, sizeof *values);
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->values[i])
				continue;
			size_t j = hash_key(&m->keys[i]) & (cap - 1);
			while (values[j])
				j = (j + 1) & (cap - 1);
			keys[j] = m->keys[i];
			values[j] = m->values[i];
		}
		free(m->keys);
		free(m->values);
		m->keys = keys;
		m->values = values;
		m->cap = cap;
	}
	size_t j = hash_key(key) & (m->cap - 1);
	while (m->values[j])
		j = (j + 1) & (m->cap - 1);
	m->keys[j] = *key;
	m->values[j] = value;
	m->n++;
}

static void oid_map_release(struct oid_map *m)
{
	free(m->keys);
	free(m->values);
	memset(m, 0, sizeof *m);
}

/* Room for one more of `size`-byte elements in an arena array (events are few: copying is fine). */
static void *arena_grow(struct arena *a, void *items, size_t n, size_t *alloc, size_t size)
{
	if (n < *alloc)
		return items;
	size_t grown = *alloc ? 2 * *alloc : 4;
	void *p = arena_alloc_array(a, grown, size);
	if (n)
		memcpy(p, items, n * size);
	*alloc = grown;
	return p;
}

static int git_failure(struct cvt_error *err, const char *what)
{
	const git_error *e = git_error_last();
	return cvt_error_set(err, CVT_EIO, "%s: %s", what, e && e->message ? e->message : "failed");
}

/* The commit and date of the commit being read, kept in the history's arena. */
static struct cvt_hist_point current_point(struct walk *w)
{
	if (!w->commit_kept) {
		w->commit_kept = arena_strdup(&w->h->arena, w->commit_hex);
		w->date_kept = arena_strdup(&w->h->arena, w->date.text);
	}
	return (struct cvt_hist_point){w->commit_kept, w->date_kept, w->order};
}

/* "<commit>:<path>", what errors about a blob call it. */
static const char *blob_name(struct walk *w, const char *path)
{
	sb_reset(&w->name);
	sb_addf(&w->name, "%s:%s", w->commit_hex, path);
	return w->name.buf;
}

static int read_blob(struct walk *w, const git_oid *oid, const char *path, git_blob **blob,
		     struct cvt_error *err)
{
	if (git_blob_lookup(blob, w->repo, oid) < 0) {
		cvt_error_set_file(err, blob_name(w, path));
		return git_failure(err, "cannot read the blob");
	}
	return 0;
}

/* The finding's aliases in the history's arena; `latest`, the list kept last, when equal. */
static const char **keep_aliases(struct walk *w, const struct cvt_finding *f, const char **latest,
				 size_t n_latest)
{
	if (!f->n_aliases)
		return NULL;
	if (latest && n_latest == f->n_aliases) {
		size_t i = 0;
		while (i < n_latest && !strcmp(latest[i], f->aliases[i]))
			i++;
		if (i == n_latest)
			return latest;
	}
	const char **aliases = arena_alloc_array(&w->h->arena, f->n_aliases, sizeof *aliases);
	for (size_t i = 0; i < f->n_aliases; i++)
		aliases[i] = intern(w->h, &w->strings, f->aliases[i]);
	return aliases;
}

/* The snapshot of a report blob, parsed the first time this blob is met. */
static int load_snapshot(struct walk *w, const git_oid *oid, const char *image, const char *path,
			 const struct snapshot **out, struct cvt_error *err)
{
	struct map_key key = {*oid, image};
	struct snapshot *s = oid_map_get(&w->snapshots, &key);
	if (s) {
		*out = s;
		return 0;
	}
	git_blob *blob;
	int rc = read_blob(w, oid, path, &blob, err);
	if (rc < 0)
		return rc;
	struct cvt_report r;
	cvt_report_init(&r);
	rc = cvt_load_report_buffer(&r, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
				    blob_name(w, path), err);
	git_blob_free(blob);
	if (rc < 0) {
		cvt_report_release(&r);
		return rc;
	}
	s = arena_alloc(&w->scratch, sizeof *s);
	s->n = r.n_findings;
	s->items = arena_alloc_array(&w->scratch, r.n_findings ? r.n_findings : 1, sizeof *s->items);
	for (size_t i = 0; i < r.n_findings; i++) {
		const struct cvt_finding *f = &r.findings[i];
		struct snap_item *it = &s->items[i];
		it->e = entry_get(w, image, f);
		if (same_text(f->title, it->e->parsed_title))
			it->title = it->e->parsed_title;
		else
			it->title = it->e->parsed_title = intern(w->h, &w->strings, f->title);
		/* Versions mostly repeat a finding's aliases: share the last list built. */
		it->aliases = keep_aliases(w, f, it->e->f.aliases, it->e->f.n_aliases);
		it->n_aliases = (uint32_t)f->n_aliases;
		it->e->f.aliases = it->aliases;
		it->e->f.n_aliases = f->n_aliases;
		it->severity = (uint8_t)f->severity;
	}
	cvt_report_release(&r);
	oid_map_put(&w->snapshots, &key, s);
	*out = s;
	return 0;
}

static void add_reopened(struct walk *w, struct hist_entry *e, struct cvt_hist_point p)
{
	e->f.reopened = arena_grow(&w->h->arena, e->f.reopened, e->f.n_reopened, &e->reopened_alloc,
				   sizeof *e->f.reopened);
	e->f.reopened[e->f.n_reopened++] = p;
}

static void add_severity_change(struct walk *w, struct hist_entry *e, enum cvt_severity to)
{
	struct cvt_hist_point p = current_point(w);
	e->f.severity_changes = arena_grow(&w->h->arena, e->f.severity_changes,
					   e->f.n_severity_changes, &e->changes_alloc,
					   sizeof *e->f.severity_changes);
	e->f.severity_changes[e->f.n_severity_changes++] =
		(struct cvt_hist_severity_change){p.commit, p.date, e->f.severity, to, p.order};
}

/* Replays one image's report going from `old` to `new` (either may be NULL: no report). */
static void apply_snapshot(struct walk *w, const struct snapshot *old, const struct snapshot *new)
{
	unsigned long stamp = ++w->apply_stamp;
	for (size_t i = 0; new && i < new->n; i++) {
		const struct snap_item *it = &new->items[i];
		struct hist_entry *e = it->e;
		enum cvt_severity sev = (enum cvt_severity)it->severity;
		e->stamp = stamp;
		e->f.title = it->title;
		e->f.aliases = it->aliases;
		e->f.n_aliases = it->n_aliases;
		if (!e->present) {
			if (!e->seen) {
				e->f.first_seen = current_point(w);
				e->seen = 1;
			} else {
				if (w->in_window)
					add_reopened(w, e, current_point(w));
				e->f.fixed = (struct cvt_hist_point){NULL, NULL, 0};
			}
			e->present = 1;
			e->in_window |= w->in_window;
			e->f.severity = sev;
			w->counts[sev]++;
		} else if (e->f.severity != sev) {
			if (w->in_window)
				add_severity_change(w, e, sev);
			w->counts[e->f.severity]--;
			w->counts[sev]++;
			e->f.severity = sev;
		}
	}
	for (size_t i = 0; old && i < old->n; i++) {
		struct hist_entry *e = old->items[i].e;
		if (e->stamp == stamp || !e->present)
			continue;
		e->present = 0;
		e->f.fixed = current_point(w);
		if (w->in_window) {
			e->f.fixes = arena_grow(&w->h->arena, e->f.fixes, e->f.n_fixes,
						&e->fixes_alloc, sizeof *e->f.fixes);
			e->f.fixes[e->f.n_fixes++] = e->f.fixed;
		}
		w->counts[e->f.severity]--;
	}
}

static struct image_state *image_get(struct walk *w, const char *name)
{
	for (size_t i = 0; i < w->n_images; i++)
		if (same_text(w->images[i].name, name))
			return &w->images[i];
	w->images = arena_grow(&w->scratch, w->images, w->n_images, &w->images_alloc,
			       sizeof *w->images);
	struct image_state *im = &w->images[w->n_images++];
	memset(im, 0, sizeof *im);
	im->name = intern(w->h, &w->strings, name);
	return im;
}

/* The image's report is now the blob `oid` (NULL: gone). Returns 1 when it changed. */
static int update_image(struct walk *w, struct image_state *im, const git_oid *oid,
			const char *path, struct cvt_error *err)
{
	const struct snapshot *next = NULL;
	if (oid && im->has_blob && git_oid_equal(oid, &im->blob))
		return 0;
	if (!oid && !im->has_blob)
		return 0;
	if (oid) {
		int rc = load_snapshot(w, oid, im->name, path, &next, err);
		if (rc < 0)
			return rc;
		im->blob = *oid;
	}
	im->has_blob = oid != NULL;
	apply_snapshot(w, im->cur, next);
	im->cur = next;
	return 1;
}

/* The entry at `path` in `tree` when it is there with type `type`; else NULL. Free it. */
static git_tree_entry *entry_at(git_tree *tree, const char *path, git_object_t type)
{
	git_tree_entry *entry = NULL;
	if (git_tree_entry_bypath(&entry, tree, path) < 0)
		return NULL;
	if (git_tree_entry_type(entry) != type) {
		git_tree_entry_free(entry);
		return NULL;
	}
	return entry;
}

static int read_single_report(struct walk *w, git_tree *tree, struct cvt_error *err)
{
	git_tree_entry *entry = entry_at(tree, w->report_path, GIT_OBJECT_BLOB);
	if (entry)
		w->report_found = 1;
	int rc = update_image(w, image_get(w, NULL), entry ? git_tree_entry_id(entry) : NULL,
			      w->report_path, err);
	git_tree_entry_free(entry);
	return rc;
}

static int is_report_name(const char *name)
{
	size_t len = strlen(name);
	return name[0] != '.' && len > 5 && !strcmp(name + len - 5, ".json");
}

static int read_folder_reports(struct walk *w, git_tree *tree, struct cvt_error *err)
{
	git_tree_entry *entry = NULL;
	git_tree *folder = NULL;
	int rc = 0, changed = 0;
	const git_oid *folder_id = NULL;
	if (*w->report_path) {
		entry = entry_at(tree, w->report_path, GIT_OBJECT_TREE);
		folder_id = entry ? git_tree_entry_id(entry) : NULL;
	} else {
		folder_id = git_tree_id(tree);
	}
	if (folder_id && w->has_folder_tree && git_oid_equal(folder_id, &w->folder_tree))
		goto out;
	if (!folder_id && !w->has_folder_tree)
		goto out;
	w->has_folder_tree = folder_id != NULL;
	if (folder_id) {
		w->folder_tree = *folder_id;
		if (git_tree_lookup(&folder, w->repo, folder_id) < 0) {
			rc = git_failure(err, blob_name(w, w->report_path));
			goto out;
		}
		size_t n = git_tree_entrycount(folder);
		for (size_t i = 0; i < n; i++) {
			const git_tree_entry *e = git_tree_entry_byindex(folder, i);
			const char *name = git_tree_entry_name(e);
			if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || !is_report_name(name))
				continue;
			w->report_found = 1;
			struct strbuf image = STRBUF_INIT, path = STRBUF_INIT;
			sb_add(&image, name, strlen(name) - 5);
			if (*w->report_path)
				sb_addf(&path, "%s/", w->report_path);
			sb_addstr(&path, name);
			struct image_state *im = image_get(w, image.buf);
			im->seen_in = w->step;
			rc = update_image(w, im, git_tree_entry_id(e), path.buf, err);
			sb_release(&image);
			sb_release(&path);
			if (rc < 0)
				goto out;
			changed |= rc;
		}
	}
	/* A report file that left the folder: its image's findings are gone. */
	for (size_t i = 0; i < w->n_images; i++) {
		struct image_state *im = &w->images[i];
		if (im->seen_in != w->step && im->has_blob)
			changed |= update_image(w, im, NULL, NULL, err);
	}
	rc = changed;
out:
	git_tree_free(folder);
	git_tree_entry_free(entry);
	return rc;
}

static void add_open_point(struct walk *w)
{
	struct cvt_history *h = w->h;
	struct cvt_hist_point p = current_point(w);
	h->open_over_time = arena_grow(&h->arena, h->open_over_time, h->n_open_over_time,
				       &w->open_alloc, sizeof *h->open_over_time);
	struct cvt_hist_open *o = &h->open_over_time[h->n_open_over_time++];
	o->commit = p.commit;
	o->date = p.date;
	memcpy(o->count, w->counts, sizeof o->count);
}

static int compare_decision_key(const struct cvt_decision *a, const struct cvt_decision *b)
{
	int c = strcmp(a->id, b->id);
	if (c)
		return c;
	if (!a->package || !b->package)
		return (a->package != NULL) - (b->package != NULL);
	return strcmp(a->package, b->package);
}

static int same_decision(const struct cvt_decision *a, const struct cvt_decision *b)
{
	return same_text(a->status, b->status) && same_text(a->justification, b->justification) &&
	       same_text(a->reason, b->reason) && same_text(a->author, b->author) &&
	       same_text(a->date, b->date) && same_text(a->expires, b->expires) &&
	       same_text(a->severity, b->severity);
}

static const char *keep(struct walk *w, const char *s)
{
	return intern(w->h, &w->strings, s);
}

/* A triage event for `d` (added or changed; removed when `removed`). */
static void add_event(struct walk *w, const struct cvt_decision *d, int removed)
{
	const git_signature *who = git_commit_author(w->commit);
	const char *commit_author = who && who->name ? who->name : NULL;
	struct cvt_hist_point p = current_point(w);
	w->events = arena_grow(&w->scratch, w->events, w->n_events, &w->events_alloc,
			       sizeof *w->events);
	struct ledger_event *ev = &w->events[w->n_events++];
	memset(ev, 0, sizeof *ev);
	ev->d.id = keep(w, d->id);
	ev->d.package = keep(w, d->package);
	ev->t.commit = p.commit;
	ev->t.date = p.date;
	ev->t.order = p.order;
	ev->t.id = ev->d.id;
	ev->t.package = ev->d.package;
	if (removed) {
		ev->t.author = keep(w, commit_author);
		ev->t.status = "removed";
		return;
	}
	ev->recorded = 1;
	ev->t.author = keep(w, d->author ? d->author : commit_author);
	ev->t.status = keep(w, d->status);
	ev->t.justification = keep(w, d->justification);
	ev->t.reason = keep(w, d->reason);
	ev->t.expires = keep(w, d->expires);
}

static void diff_ledgers(struct walk *w, const struct cvt_ledger *old, const struct cvt_ledger *new)
{
	size_t i = 0, j = 0, n_old = old ? old->n_decisions : 0, n_new = new ? new->n_decisions : 0;
	while (i < n_old || j < n_new) {
		int c = i == n_old   ? 1
			: j == n_new ? -1
				     : compare_decision_key(&old->decisions[i], &new->decisions[j]);
		if (c < 0) {
			add_event(w, &old->decisions[i++], 1);
		} else if (c > 0) {
			add_event(w, &new->decisions[j++], 0);
		} else {
			if (!same_decision(&old->decisions[i], &new->decisions[j]))
				add_event(w, &new->decisions[j], 0);
			i++;
			j++;
		}
	}
}

static int read_ledger_change(struct walk *w, git_tree *tree, struct cvt_error *err)
{
	git_tree_entry *entry = entry_at(tree, w->ledger_path, GIT_OBJECT_BLOB);
	const git_oid *oid = entry ? git_tree_entry_id(entry) : NULL;
	const struct cvt_ledger *next = NULL;
	struct map_key key = {{{0}}, NULL};
	int rc = 0;
	if ((oid && w->has_ledger && git_oid_equal(oid, &w->ledger_blob)) || (!oid && !w->has_ledger))
		goto out;
	if (oid)
		key.oid = *oid;
	if (oid && !(next = oid_map_get(&w->ledgers, &key))) {
		git_blob *blob;
		if ((rc = read_blob(w, oid, w->ledger_path, &blob, err)) < 0)
			goto out;
		struct cvt_ledger *l = arena_alloc(&w->scratch, sizeof *l);
		cvt_ledger_init(l);
		rc = cvt_ledger_load_buffer(l, git_blob_rawcontent(blob),
					    (size_t)git_blob_rawsize(blob),
					    blob_name(w, w->ledger_path), err);
		git_blob_free(blob);
		/* Kept even when invalid, so that every ledger read is released in one place. */
		oid_map_put(&w->ledgers, &key, l);
		if (rc < 0)
			goto out;
		next = l;
	}
	if (w->in_window)
		diff_ledgers(w, w->ledger_cur, next);
	w->ledger_cur = next;
	w->has_ledger = oid != NULL;
	if (oid)
		w->ledger_blob = *oid;
	rc = 1;
out:
	git_tree_entry_free(entry);
	return rc;
}

/* Entering the window: what is open now was open at the --since date. */
static void cross_into_window(struct walk *w)
{
	w->crossed = 1;
	for (struct hist_entry *e = w->all; e; e = e->next_all)
		if (e->present)
			e->in_window = 1;
}

static int read_commit(struct walk *w, git_commit *commit, struct cvt_error *err)
{
	git_tree *tree = NULL;
	int rc;
	w->commit = commit;
	git_oid_tostr(w->commit_hex, sizeof w->commit_hex, git_commit_id(commit));
	cvt_date_from_time(&w->date, (time_t)git_commit_time(commit));
	w->commit_kept = w->date_kept = NULL;
	w->in_window = !w->since || strcmp(w->date.text, w->since) >= 0;
	if (w->in_window && !w->crossed)
		cross_into_window(w);
	if (git_commit_tree(&tree, commit) < 0)
		return git_failure(err, w->commit_hex);
	int report_changed = w->folder ? read_folder_reports(w, tree, err)
				       : read_single_report(w, tree, err);
	if (report_changed < 0) {
		rc = report_changed;
		goto out;
	}
	if (report_changed && w->in_window)
		add_open_point(w);
	int ledger_changed = read_ledger_change(w, tree, err);
	if (ledger_changed < 0) {
		rc = ledger_changed;
		goto out;
	}
	if (report_changed || ledger_changed)
		w->h->commits++;
	rc = 0;
out:
	git_tree_free(tree);
	return rc;
}

static int walk_history(struct walk *w, struct cvt_error *err)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	int rc, next;
	if (git_revwalk_new(&walk, w->repo) < 0)
		return git_failure(err, "cannot walk the history");
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if (git_revwalk_push_head(walk) < 0) {
		git_revwalk_free(walk);
		return 0; /* no commit yet: the report was never committed */
	}
	git_revwalk_simplify_first_parent(walk);
	rc = 0;
	while (rc == 0 && (next = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *commit;
		if (git_commit_lookup(&commit, w->repo, &oid) < 0) {
			rc = git_failure(err, "cannot read a commit");
			break;
		}
		w->step++;
		rc = read_commit(w, commit, err);
		git_commit_free(commit);
		w->order++;
	}
	if (rc == 0 && next != GIT_ITEROVER)
		rc = git_failure(err, "cannot walk the history");
	git_revwalk_free(walk);
	return rc;
}

/* `path` made absolute (from the current folder) with "." and ".." resolved as text. */
static void absolute_path(const char *path, struct strbuf *out)
{
	struct strbuf raw = STRBUF_INIT;
	if (path[0] != '/') {
		char *cwd = getcwd(NULL, 0);
		sb_addstr(&raw, cwd ? cwd : ".");
		sb_addch(&raw, '/');
		free(cwd);
	}
	sb_addstr(&raw, path);
	sb_reset(out);
	const char *p = raw.buf;
	while (*p) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		if (len == 0 || (len == 1 && p[0] == '.')) {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(out->buf, '/');
			sb_setlen(out, slash ? (size_t)(slash - out->buf) : 0);
		} else {
			sb_addch(out, '/');
			sb_add(out, p, len);
		}
		p = end;
	}
	if (!out->len)
		sb_addch(out, '/');
	sb_release(&raw);
}

/*
 * `abs` with its deepest existing folder resolved through symbolic links (the
 * rest, which does not exist on disk, kept as text); `existing` is that folder.
 */
static void resolve_path(const char *abs, struct strbuf *out, struct strbuf *existing)
{
	struct strbuf head = STRBUF_INIT;
	char *real;
	sb_addstr(&head, abs);
	while (!(real = realpath(head.buf, NULL)) && head.len > 1) {
		char *slash = strrchr(head.buf, '/');
		sb_setlen(&head, slash > head.buf ? (size_t)(slash - head.buf) : 1);
	}
	sb_reset(out);
	sb_reset(existing);
	sb_addstr(existing, real ? real : "/");
	if (!real || head.len == 1) {
		sb_addstr(out, abs); /* only the root exists: nothing to resolve */
	} else {
		sb_addstr(out, real);
		sb_addstr(out, abs + head.len);
	}
	free(real);
	sb_release(&head);
}

/* `path` (as given) relative to the work tree `workdir` (resolved, no trailing slash). */
static int work_tree_path(const char *path, const char *workdir, struct arena *a, const char **out,
			  struct cvt_error *err)
{
	struct strbuf abs = STRBUF_INIT, resolved = STRBUF_INIT, existing = STRBUF_INIT;
	absolute_path(path, &abs);
	resolve_path(abs.buf, &resolved, &existing);
	size_t n = strlen(workdir);
	int rc = 0;
	if (!strcmp(resolved.buf, workdir))
		*out = "";
	else if (!strncmp(resolved.buf, workdir, n) && (resolved.buf[n] == '/' || n == 1))
		*out = arena_strdup(a, resolved.buf + (n == 1 ? 1 : n + 1));
	else
		rc = cvt_error_set(err, CVT_EINVAL, "%s: outside the git work tree %s", path, workdir);
	sb_release(&abs);
	sb_release(&resolved);
	sb_release(&existing);
	return rc;
}

static int open_repository(struct walk *w, const struct cvt_history_options *o,
			   struct cvt_error *err)
{
	struct strbuf abs = STRBUF_INIT, resolved = STRBUF_INIT, existing = STRBUF_INIT;
	int rc = 0;
	char *workdir = NULL;
	absolute_path(o->report, &abs);
	resolve_path(abs.buf, &resolved, &existing);
	if (git_repository_open_ext(&w->repo, existing.buf, 0, NULL) < 0) {
		rc = cvt_error_set(err, CVT_ENOTFOUND,
				   "%s: not in a git repository (history is read from git)",
				   o->report);
		goto out;
	}
	const char *dir = git_repository_workdir(w->repo);
	if (!dir || !(workdir = realpath(dir, NULL))) {
		rc = cvt_error_set(err, CVT_EINVAL, "%s: the git repository has no work tree",
				   o->report);
		goto out;
	}
	if ((rc = work_tree_path(o->report, workdir, &w->scratch, &w->report_path, err)) < 0 ||
	    (rc = work_tree_path(o->ledger ? o->ledger : DEFAULT_LEDGER, workdir, &w->scratch,
				 &w->ledger_path, err)) < 0)
		goto out;
out:
	free(workdir);
	sb_release(&abs);
	sb_release(&resolved);
	sb_release(&existing);
	return rc;
}

/* A folder of reports when it is one on disk, or in the newest commit. */
static int is_report_folder(struct walk *w, const char *given)
{
	if (!*w->report_path || cvt_is_dir(given))
		return 1;
	git_object *head = NULL;
	git_tree_entry *entry = NULL;
	git_tree *tree = NULL;
	int folder = 0;
	if (git_revparse_single(&head, w->repo, "HEAD^{tree}") == 0) {
		tree = (git_tree *)head;
		entry = entry_at(tree, w->report_path, GIT_OBJECT_TREE);
		folder = entry != NULL;
	}
	git_tree_entry_free(entry);
	git_object_free(head);
	return folder;
}

double cvt_history_quantile(const double *sorted, size_t n, double p)
{
	double rank = p * (double)(n - 1);
	size_t below = (size_t)rank;
	if (below + 1 >= n)
		return sorted[n - 1];
	return sorted[below] + (rank - (double)below) * (sorted[below + 1] - sorted[below]);
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int compare_findings(const void *a, const void *b)
{
	const struct cvt_hist_finding *x = a, *y = b;
	if (x->image != y->image) {
		if (!x->image || !y->image)
			return (x->image != NULL) - (y->image != NULL);
		int c = strcmp(x->image, y->image);
		if (c)
			return c;
	}
	return strcmp(x->key, y->key);
}

static int compare_authors(const void *a, const void *b)
{
	const struct cvt_hist_author *x = a, *y = b;
	if (x->decisions != y->decisions)
		return x->decisions < y->decisions ? 1 : -1;
	return strcmp(x->author, y->author);
}

static void attach_triage(struct walk *w, struct cvt_hist_finding *f)
{
	struct cvt_finding probe;
	memset(&probe, 0, sizeof probe);
	probe.key = f->key;
	probe.id = f->id;
	probe.purl = f->purl;
	probe.aliases = f->aliases;
	probe.n_aliases = f->n_aliases;
	size_t n = 0;
	for (size_t i = 0; i < w->n_events; i++)
		n += (size_t)cvt_decision_matches(&w->events[i].d, &probe);
	if (!n)
		return;
	f->triage = arena_alloc_array(&w->h->arena, n, sizeof *f->triage);
	for (size_t i = 0; i < w->n_events; i++)
		if (cvt_decision_matches(&w->events[i].d, &probe))
			f->triage[f->n_triage++] = w->events[i].t;
}

static void collect_findings(struct walk *w)
{
	struct cvt_history *h = w->h;
	size_t n = 0;
	for (struct hist_entry *e = w->all; e; e = e->next_all)
		n += (size_t)e->in_window;
	h->findings = arena_alloc_array(&h->arena, n ? n : 1, sizeof *h->findings);
	for (struct hist_entry *e = w->all; e; e = e->next_all) {
		if (!e->in_window)
			continue;
		struct cvt_hist_finding *f = &h->findings[h->n_findings++];
		*f = e->f;
		attach_triage(w, f);
	}
	qsort(h->findings, h->n_findings, sizeof *h->findings, compare_findings);
}

static void compute_time_to_fix(struct cvt_history *h)
{
	double *days = cvt_malloc((h->n_findings ? h->n_findings : 1) * sizeof *days);
	for (int s = 0; s < CVT_SEV_COUNT; s++) {
		size_t n = 0;
		for (size_t i = 0; i < h->n_findings; i++) {
			const struct cvt_hist_finding *f = &h->findings[i];
			if (f->fixed.commit && (int)f->severity == s)
				days[n++] = (double)cvt_date_days_between(f->first_seen.date,
									   f->fixed.date);
		}
		struct cvt_hist_time_to_fix *t = &h->time_to_fix[s];
		t->fixed = n;
		if (!n)
			continue;
		qsort(days, n, sizeof *days, compare_double);
		t->median_days = cvt_history_quantile(days, n, 0.5);
		t->p90_days = cvt_history_quantile(days, n, 0.9);
	}
	free(days);
}

static void count_authors(struct walk *w)
{
	struct cvt_history *h = w->h;
	size_t alloc = 0;
	for (size_t i = 0; i < w->n_events; i++) {
		const struct ledger_event *ev = &w->events[i];
		if (!ev->recorded || !ev->t.author)
			continue;
		size_t a = 0;
		while (a < h->n_authors && h->authors[a].author != ev->t.author)
			a++; /* authors are interned: one pointer per name */
		if (a == h->n_authors) {
			h->authors = arena_grow(&h->arena, h->authors, h->n_authors, &alloc,
						sizeof *h->authors);
			h->authors[h->n_authors++] = (struct cvt_hist_author){ev->t.author, 0};
		}
		h->authors[a].decisions++;
	}
	if (h->n_authors)
		qsort(h->authors, h->n_authors, sizeof *h->authors, compare_authors);
}

void cvt_history_init(struct cvt_history *h)
{
	memset(h, 0, sizeof *h);
	arena_init(&h->arena);
}

void cvt_history_release(struct cvt_history *h)
{
	arena_release(&h->arena);
	memset(h, 0, sizeof *h);
}

static void release_walk(struct walk *w)
{
	for (size_t i = 0; i < w->ledgers.cap; i++)
		if (w->ledgers.values[i])
			cvt_ledger_release(w->ledgers.values[i]);
	oid_map_release(&w->ledgers);
	oid_map_release(&w->snapshots);
	free(w->strings.slots);
	free(w->entries.slots);
	arena_release(&w->scratch);
	sb_release(&w->name);
	git_repository_free(w->repo);
}

int cvt_history_compute(struct cvt_history *h, const struct cvt_history_options *o,
			struct cvt_error *err)
{
	struct walk w;
	int rc;
	if (!cvt_git_load(err))
		return CVT_EIO;
	memset(&w, 0, sizeof w);
	w.h = h;
	w.since = o->since;
	arena_init(&w.scratch);
	sb_init(&w.name, 0);
	if (git_libgit2_init() < 0)
		return git_failure(err, "libgit2");
	if ((rc = open_repository(&w, o, err)) < 0)
		goto out;
	w.folder = is_report_folder(&w, o->report);
	if ((rc = walk_history(&w, err)) < 0)
		goto out;
	if (!w.report_found) {
		rc = cvt_error_set(err, CVT_ENOTFOUND,
				   "%s: never committed (history reads commits, not the work tree)",
				   o->report);
		goto out;
	}
	if (!w.crossed)
		cross_into_window(&w);
	collect_findings(&w);
	/* The aggregates are over the whole report; the filter only picks the findings listed. */
	compute_time_to_fix(h);
	count_authors(&w);
	if (o->filter) {
		size_t kept = 0;
		for (size_t i = 0; i < h->n_findings; i++) {
			const struct cvt_hist_finding *f = &h->findings[i];
			int match = !strcmp(f->key, o->filter) || !strcmp(f->id, o->filter);
			for (size_t a = 0; !match && a < f->n_aliases; a++)
				match = !strcmp(f->aliases[a], o->filter);
			if (match)
				h->findings[kept++] = *f;
		}
		h->n_findings = kept;
	}
	rc = 0;
out:
	release_walk(&w);
	git_libgit2_shutdown();
	return rc;
}

static void write_point(struct json_writer *jw, const struct cvt_hist_point *p)
{
	if (!p->commit) {
		json_null(jw);
		return;
	}
	json_begin_object(jw);
	json_key(jw, "commit");
	json_string(jw, p->commit);
	json_key(jw, "date");
	json_string(jw, p->date);
	json_end_object(jw);
}

static void write_days(struct json_writer *jw, size_t n, double days)
{
	char text[32];
	if (!n) {
		json_null(jw);
		return;
	}
	int len = snprintf(text, sizeof text, "%.10g", days);
	json_number_raw(jw, text, (size_t)len);
}

static void write_finding(struct json_writer *jw, const struct cvt_hist_finding *f)
{
	json_begin_object(jw);
	if (f->image) {
		json_key(jw, "image");
		json_string(jw, f->image);
	}
	json_key(jw, "key");
	json_string(jw, f->key);
	json_key(jw, "id");
	json_string(jw, f->id);
	json_key(jw, "package");
	json_string(jw, f->purl);
	json_key(jw, "aliases");
	json_begin_array(jw);
	for (size_t i = 0; i < f->n_aliases; i++)
		json_string(jw, f->aliases[i]);
	json_end_array(jw);
	json_key(jw, "title");
	json_string(jw, f->title);
	json_key(jw, "severity");
	json_string(jw, cvt_severity_name(f->severity));
	json_key(jw, "first_seen");
	write_point(jw, &f->first_seen);
	json_key(jw, "fixed");
	write_point(jw, &f->fixed);
	json_key(jw, "reopened");
	json_begin_array(jw);
	for (size_t i = 0; i < f->n_reopened; i++)
		write_point(jw, &f->reopened[i]);
	json_end_array(jw);
	json_key(jw, "fixes");
	json_begin_array(jw);
	for (size_t i = 0; i < f->n_fixes; i++)
		write_point(jw, &f->fixes[i]);
	json_end_array(jw);
	json_key(jw, "severity_changes");
	json_begin_array(jw);
	for (size_t i = 0; i < f->n_severity_changes; i++) {
		const struct cvt_hist_severity_change *c = &f->severity_changes[i];
		json_begin_object(jw);
		json_key(jw, "commit");
		json_string(jw, c->commit);
		json_key(jw, "date");
		json_string(jw, c->date);
		json_key(jw, "from");
		json_string(jw, cvt_severity_name(c->from));
		json_key(jw, "to");
		json_string(jw, cvt_severity_name(c->to));
		json_end_object(jw);
	}
	json_end_array(jw);
	json_key(jw, "triage");
	json_begin_array(jw);
	for (size_t i = 0; i < f->n_triage; i++) {
		const struct cvt_hist_triage *t = &f->triage[i];
		json_begin_object(jw);
		json_key(jw, "commit");
		json_string(jw, t->commit);
		json_key(jw, "date");
		json_string(jw, t->date);
		json_key(jw, "author");
		json_string(jw, t->author);
		json_key(jw, "status");
		json_string(jw, t->status);
		json_key(jw, "justification");
		json_string(jw, t->justification);
		json_key(jw, "reason");
		json_string(jw, t->reason);
		json_key(jw, "expires");
		json_string(jw, t->expires);
		json_key(jw, "decision_id");
		json_string(jw, t->id);
		json_key(jw, "decision_package");
		json_string(jw, t->package);
		json_end_object(jw);
	}
	json_end_array(jw);
	json_end_object(jw);
}

void cvt_history_write_json(const struct cvt_history *h, struct strbuf *out)
{
	static const enum cvt_severity order[CVT_SEV_COUNT] = {
		CVT_SEV_CRITICAL, CVT_SEV_HIGH, CVT_SEV_MEDIUM, CVT_SEV_LOW, CVT_SEV_UNKNOWN};
	struct json_writer jw;
	json_writer_init(&jw, out, 2);
	json_begin_object(&jw);
	json_key(&jw, "findings");
	json_begin_array(&jw);
	for (size_t i = 0; i < h->n_findings; i++)
		write_finding(&jw, &h->findings[i]);
	json_end_array(&jw);
	json_key(&jw, "open_over_time");
	json_begin_array(&jw);
	for (size_t i = 0; i < h->n_open_over_time; i++) {
		const struct cvt_hist_open *p = &h->open_over_time[i];
		json_begin_object(&jw);
		json_key(&jw, "commit");
		json_string(&jw, p->commit);
		json_key(&jw, "date");
		json_string(&jw, p->date);
		for (int s = 0; s < CVT_SEV_COUNT; s++) {
			json_key(&jw, cvt_severity_name(order[s]));
			json_int(&jw, (long long)p->count[order[s]]);
		}
		json_end_object(&jw);
	}
	json_end_array(&jw);
	json_key(&jw, "time_to_fix");
	json_begin_object(&jw);
	for (int s = 0; s < CVT_SEV_COUNT; s++) {
		const struct cvt_hist_time_to_fix *t = &h->time_to_fix[order[s]];
		json_key(&jw, cvt_severity_name(order[s]));
		json_begin_object(&jw);
		json_key(&jw, "fixed");
		json_int(&jw, (long long)t->fixed);
		json_key(&jw, "median_days");
		write_days(&jw, t->fixed, t->median_days);
		json_key(&jw, "p90_days");
		write_days(&jw, t->fixed, t->p90_days);
		json_end_object(&jw);
	}
	json_end_object(&jw);
	json_key(&jw, "authors");
	json_begin_array(&jw);
	for (size_t i = 0; i < h->n_authors; i++) {
		json_begin_object(&jw);
		json_key(&jw, "author");
		json_string(&jw, h->authors[i].author);
		json_key(&jw, "decisions");
		json_int(&jw, (long long)h->authors[i].decisions);
		json_end_object(&jw);
	}
	json_end_array(&jw);
	json_key(&jw, "commits");
	json_int(&jw, (long long)h->commits);
	json_end_object(&jw);
	json_writer_finish(&jw);
}
