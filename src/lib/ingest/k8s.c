/*
 * trivy k8s cluster reports: ClusterName and Resources[] (older versions:
 * Vulnerabilities[]) of workloads, each with Namespace, Kind, Name and the
 * Results of the images its containers run. The same image in several
 * workloads is one image of the fleet: its results are read together, their
 * locations naming the workload, so its keys are those of a direct scan.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "shape.h"

struct k8s_group {
	const char *image;
	size_t first, count; /* its parts in the sorted part list */
};

struct k8s_private {
	struct shape_trivy_part *parts;
	size_t n_parts, parts_alloc;
	struct k8s_group *groups;
};

/* "nginx:1.25 (debian 12)" -> length of "nginx:1.25"; 0 when the Target has no OS group. */
static size_t reference_length(const char *target)
{
	size_t len = strlen(target);
	if (!len || target[len - 1] != ')')
		return 0;
	int depth = 0;
	for (size_t i = len; i-- > 0;) {
		if (target[i] == ')')
			depth++;
		else if (target[i] == '(' && --depth == 0)
			return i > 1 && target[i - 1] == ' ' ? i - 1 : 0;
	}
	return 0;
}

/* The single image a resource's metadata names (RepoTags, then RepoDigests), or NULL. */
static const char *metadata_reference(const struct json_value *meta)
{
	const char *found = NULL;
	size_t n = json_is(meta, JSON_ARRAY) ? meta->len : json_is(meta, JSON_OBJECT) ? 1 : 0;
	for (size_t i = 0; i < n; i++) {
		const struct json_value *m = json_is(meta, JSON_ARRAY) ? &meta->u.items[i] : meta;
		const char *ref = NULL;
		static const char *const lists[] = {"RepoTags", "RepoDigests"};
		for (size_t k = 0; k < 2 && !ref; k++) {
			const struct json_value *list = json_get(m, lists[k]);
			if (json_is(list, JSON_ARRAY) && list->len)
				ref = shape_str(&list->u.items[0]);
			if (ref && !*ref)
				ref = NULL;
		}
		if (!ref)
			continue;
		if (found && strcmp(found, ref) != 0)
			return NULL; /* several images: the metadata cannot say which result is whose */
		found = ref;
	}
	return found;
}

static int is_package_class(const char *cls)
{
	return !cls || !strcmp(cls, "os-pkgs") || !strcmp(cls, "lang-pkgs") || !strcmp(cls, "custom");
}

struct part_order {
	const char *image;
	size_t index;
};

static int compare_order(const void *a, const void *b)
{
	const struct part_order *pa = a, *pb = b;
	int c = strcmp(pa->image, pb->image);
	if (c)
		return c;
	return pa->index < pb->index ? -1 : pa->index > pb->index;
}

static void add_part(struct k8s_private *p, const char *image, const struct shape_trivy_part *part,
		     const char ***images)
{
	if (p->n_parts == p->parts_alloc) {
		p->parts_alloc = p->parts_alloc ? p->parts_alloc * 2 : 16;
		p->parts = cvt_realloc_array(p->parts, p->parts_alloc, sizeof *p->parts);
		*images = cvt_realloc_array(*images, p->parts_alloc, sizeof **images);
	}
	(*images)[p->n_parts] = image;
	p->parts[p->n_parts++] = *part;
}

static int read_resource(struct cvt_k8s_cluster *cl, struct k8s_private *p, const char *list_key,
			 size_t index, const struct json_value *res, const char ***images,
			 struct cvt_error *err)
{
	struct shape_path lp = {NULL, list_key, 0}, rp = {&lp, NULL, index};
	const char *ns, *kind, *name;
	const struct json_value *results;
	int rc;
	if (!json_is(res, JSON_OBJECT))
		return shape_error(err, &rp, "a resource object", res);
	if ((rc = shape_opt_string(res, "Namespace", &rp, &ns, err)) < 0 ||
	    (rc = shape_opt_string(res, "Kind", &rp, &kind, err)) < 0 ||
	    (rc = shape_opt_string(res, "Name", &rp, &name, err)) < 0 ||
	    (rc = shape_opt_array(res, "Results", &rp, &results, err)) < 0)
		return rc;
	if (!results)
		return 0;
	const char *label = arena_sprintf(&cl->arena, "%s/%s/%s", ns ? ns : "", kind ? kind : "",
					  name ? name : "");
	const char *from_metadata = metadata_reference(json_get(res, "Metadata"));
	const char *current = NULL; /* lang-pkgs results follow the os-pkgs result of their image */
	for (uint32_t i = 0; i < results->len; i++) {
		const struct json_value *result = &results->u.items[i];
		struct shape_path sp = {&rp, "Results", 0}, ip = {&sp, NULL, i};
		const char *target, *cls;
		if (!json_is(result, JSON_OBJECT))
			return shape_error(err, &ip, "a result object", result);
		if ((rc = shape_opt_string(result, "Target", &ip, &target, err)) < 0 ||
		    (rc = shape_opt_string(result, "Class", &ip, &cls, err)) < 0)
			return rc;
		if (!is_package_class(cls))
			continue;
		size_t len = target ? reference_length(target) : 0;
		if (len)
			current = arena_strndup(&cl->arena, target, len);
		const char *image = current ? current : from_metadata ? from_metadata : label;
		struct shape_trivy_part part = {result, label, list_key, index, i};
		add_part(p, image, &part, images);
	}
	return 0;
}

int cvt_k8s_cluster_read(struct cvt_k8s_cluster *cl, const struct json_value *root,
			 struct cvt_error *err)
{
	struct k8s_private *p = cvt_calloc(1, sizeof *p);
	const char **images = NULL;
	int rc = 0;
	memset(cl, 0, sizeof *cl);
	arena_init(&cl->arena);
	cl->private_data = p;
	if (!json_is(root, JSON_OBJECT))
		return shape_error(err, NULL, "a trivy k8s cluster report (an object)", root);
	if ((rc = shape_opt_string(root, "ClusterName", NULL, &cl->cluster_name, err)) < 0)
		return rc;
	static const char *const lists[] = {"Resources", "Vulnerabilities"};
	for (size_t k = 0; k < 2; k++) {
		const struct json_value *list;
		if ((rc = shape_opt_array(root, lists[k], NULL, &list, err)) < 0)
			goto out;
		for (uint32_t i = 0; list && i < list->len; i++)
			if ((rc = read_resource(cl, p, lists[k], i, &list->u.items[i], &images, err)) < 0)
				goto out;
	}
	/* Sorted by image, then document order: a stable order of images and of their parts. */
	struct part_order *order = cvt_calloc(p->n_parts ? p->n_parts : 1, sizeof *order);
	for (size_t i = 0; i < p->n_parts; i++)
		order[i] = (struct part_order){images[i], i};
	qsort(order, p->n_parts, sizeof *order, compare_order);
	struct shape_trivy_part *sorted = cvt_calloc(p->n_parts ? p->n_parts : 1, sizeof *sorted);
	p->groups = cvt_calloc(p->n_parts ? p->n_parts : 1, sizeof *p->groups);
	cl->images = arena_alloc_array(&cl->arena, p->n_parts ? p->n_parts : 1, sizeof *cl->images);
	for (size_t i = 0; i < p->n_parts; i++) {
		sorted[i] = p->parts[order[i].index];
		if (!cl->n_images || strcmp(cl->images[cl->n_images - 1], order[i].image) != 0) {
			cl->images[cl->n_images] = order[i].image;
			p->groups[cl->n_images] = (struct k8s_group){order[i].image, i, 0};
			cl->n_images++;
		}
		p->groups[cl->n_images - 1].count++;
	}
	free(p->parts);
	p->parts = sorted;
	free(order);
out:
	free(images);
	return rc;
}

int cvt_k8s_cluster_image(const struct cvt_k8s_cluster *cl, size_t i, struct cvt_report *r,
			  struct cvt_error *err)
{
	const struct k8s_private *p = cl->private_data;
	const struct k8s_group *g = &p->groups[i];
	int rc = shape_ingest_trivy_parts(r, p->parts + g->first, g->count, err);
	if (rc == 0) {
		r->artifact_name = arena_strdup(&r->arena, g->image);
		r->artifact_type = "container_image";
	}
	return rc;
}

void cvt_k8s_cluster_release(struct cvt_k8s_cluster *cl)
{
	struct k8s_private *p = cl->private_data;
	if (p) {
		free(p->parts);
		free(p->groups);
		free(p);
	}
	arena_release(&cl->arena);
	memset(cl, 0, sizeof *cl);
}

int cvt_ingest_trivy_k8s(struct cvt_report *r, const struct json_value *root, struct cvt_error *err)
{
	struct cvt_k8s_cluster cl;
	int rc = cvt_k8s_cluster_read(&cl, root, err);
	if (rc == 0) {
		const struct k8s_private *p = cl.private_data;
		rc = shape_ingest_trivy_parts(r, p->parts, p->n_parts, err);
		if (rc == 0) {
			r->artifact_name = cl.cluster_name ? arena_strdup(&r->arena, cl.cluster_name) : NULL;
			r->artifact_type = "kubernetes_cluster";
		}
	}
	cvt_k8s_cluster_release(&cl);
	return rc;
}
