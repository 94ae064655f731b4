/*
 * Writes a synthetic fleet for bench/fleet.sh: IMAGES canonical reports
 * (schema cvetrail/report/1) of FINDINGS findings each, DIR/img-NNNN.json.
 *
 *   gen_fleet [-i IMAGES] [-n FINDINGS] DIR
 *
 * The output is a function of its arguments only. Findings are drawn from 600
 * packages of 40 vulnerabilities each, so one vulnerability id turns up in
 * many images, as a base image shared by a fleet makes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PACKAGES 600
#define PER_PACKAGE 40

struct finding {
	char key[96];
	unsigned pkg, cve;
};

static unsigned mix(unsigned a, unsigned b)
{
	unsigned h = a * 2654435761u ^ (b + 0x9e3779b9u + (a << 6) + (a >> 2));
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h;
}

static int compare_keys(const void *a, const void *b)
{
	return strcmp(((const struct finding *)a)->key, ((const struct finding *)b)->key);
}

static const char *const severities[] = {"LOW", "MEDIUM", "MEDIUM", "HIGH", "HIGH", "CRITICAL"};

int main(int argc, char **argv)
{
	unsigned images = 1000, per_image = 1000;
	int opt;
	while ((opt = getopt(argc, argv, "i:n:")) != -1) {
		if (opt == 'i')
			images = (unsigned)strtoul(optarg, NULL, 10);
		else if (opt == 'n')
			per_image = (unsigned)strtoul(optarg, NULL, 10);
		else
			return 2;
	}
	if (optind != argc - 1 || per_image > PACKAGES * 2) {
		fprintf(stderr, "usage: gen_fleet [-i IMAGES] [-n FINDINGS (<= %d)] DIR\n", PACKAGES * 2);
		return 2;
	}
	const char *dir = argv[optind];
	struct finding *f = calloc(per_image, sizeof *f);
	char path[4096];
	for (unsigned i = 0; i < images; i++) {
		/* A package appears at most twice per image, with two different vulnerabilities. */
		for (unsigned j = 0; j < per_image; j++) {
			unsigned pkg = (j + i * 13) % PACKAGES;
			unsigned k = (j / PACKAGES + mix(pkg, i / 50) % (PER_PACKAGE - 1)) % PER_PACKAGE;
			f[j].pkg = pkg;
			f[j].cve = pkg * PER_PACKAGE + k;
			snprintf(f[j].key, sizeof f[j].key, "CVE-2024-%u pkg:deb/debian/lib%04u",
				 100000 + f[j].cve, pkg);
		}
		qsort(f, per_image, sizeof *f, compare_keys);
		snprintf(path, sizeof path, "%s/img-%04u.json", dir, i);
		FILE *out = fopen(path, "w");
		if (!out) {
			perror(path);
			return 1;
		}
		fprintf(out,
			"{\n  \"schema\": \"cvetrail/report/1\",\n  \"artifact\": {\n    \"name\": "
			"\"registry.example/team/img-%04u:1.%u\",\n    \"type\": \"container_image\",\n"
			"    \"os\": \"debian 12\"\n  },\n  \"scanner\": {\n    \"name\": \"trivy\",\n"
			"    \"results\": 1\n  },\n  \"findings\": [",
			i, i % 7);
		for (unsigned j = 0; j < per_image; j++) {
			const char *sev = severities[mix(f[j].cve, 7) % 6];
			fprintf(out,
				"%s\n    {\n      \"key\": \"%s\",\n      \"id\": \"CVE-2024-%u\",\n"
				"      \"aliases\": [],\n      \"package\": {\n        \"name\": \"lib%04u\",\n"
				"        \"purl\": \"pkg:deb/debian/lib%04u\"\n      },\n"
				"      \"severity\": \"%s\",\n      \"status\": \"fixed\",\n"
				"      \"installed_version\": \"1.%u.0-1\",\n      \"fixed_version\": \"1.%u.1-1\",\n"
				"      \"cvss\": 7.5,\n      \"published\": \"2024-03-%02u\",\n"
				"      \"title\": \"lib%04u: a buffer overflow in the parser allows a remote attacker "
				"to crash the service\",\n"
				"      \"url\": \"https://avd.aquasec.com/nvd/cve-2024-%u\",\n"
				"      \"locations\": [\n        {\n          \"target\": "
				"\"registry.example/team/img-%04u:1.%u (debian 12)\",\n          \"path\": null,\n"
				"          \"version\": \"1.%u.0-1\"\n        }\n      ]\n    }",
				j ? "," : "", f[j].key, 100000 + f[j].cve, f[j].pkg, f[j].pkg, sev,
				f[j].pkg % 9, f[j].pkg % 9, 1 + f[j].cve % 28, f[j].pkg, 100000 + f[j].cve,
				i, i % 7, f[j].pkg % 9);
		}
		fprintf(out, "\n  ]\n}\n");
		if (fclose(out) != 0) {
			perror(path);
			return 1;
		}
	}
	free(f);
	return 0;
}
