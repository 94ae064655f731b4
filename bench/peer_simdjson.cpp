// A peer for `make bench`, not part of cvetrail: the fastest strict JSON
// parser Debian packages (simdjson, libsimdjson-dev), reading a Trivy report
// the only way it can read one document — whole, into memory it allocates —
// then parsing it and walking every vulnerability, as a tool built on it
// would have to before writing anything.
//
//   peer_simdjson FILE
//
// Prints "<vulnerabilities> <ms to parse again>" on standard output. The
// second figure is a second parse of the same text in the same process, on
// memory already touched: the parser's own speed, without the cost of
// reading the file or of fresh pages. bench/run.sh times the whole run (the
// end-to-end cost) and reads the second figure (the floor of parsing alone).
#include <simdjson.h>

#include <chrono>
#include <cstdio>

using namespace simdjson;

static size_t count_vulnerabilities(dom::element doc)
{
	size_t n = 0;
	dom::array results;
	if (doc["Results"].get(results))
		return 0;
	for (dom::element result : results) {
		dom::array vulns;
		if (result["Vulnerabilities"].get(vulns))
			continue;
		for (dom::element v : vulns) {
			std::string_view id;
			if (!v["VulnerabilityID"].get(id) && !id.empty())
				n++;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "usage: peer_simdjson FILE\n");
		return 2;
	}
	padded_string text;
	error_code err = padded_string::load(argv[1]).get(text);
	dom::parser parser;
	dom::element doc;
	if (!err)
		err = parser.parse(text).get(doc);
	if (err) {
		std::fprintf(stderr, "peer_simdjson: %s: %s\n", argv[1], error_message(err));
		return 2;
	}
	size_t n = count_vulnerabilities(doc);

	auto t0 = std::chrono::steady_clock::now();
	err = parser.parse(text).get(doc);
	auto t1 = std::chrono::steady_clock::now();
	if (err || count_vulnerabilities(doc) != n) {
		std::fprintf(stderr, "peer_simdjson: %s: second parse differs\n", argv[1]);
		return 2;
	}
	std::printf("%zu %.3f\n", n, std::chrono::duration<double, std::milli>(t1 - t0).count());
	return 0;
}
