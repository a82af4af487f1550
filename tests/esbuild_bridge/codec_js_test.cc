// The C++ codec agrees byte for byte with esbuild's own JS encoder and decoder (lib/main.js,
// run with node at test time), in both directions.
#include "tests/hr_catch.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "esbuild_bridge/codec.h"

using namespace hr::esbuild;

namespace {

std::string run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  REQUIRE(pclose(p) == 0);
  return out;
}

std::string js(const std::string& mode, const std::string& input_file = "") {
  std::string cmd = std::string("node ") + HR_JS_CODEC + " " + HR_NPM_DIR + " " + mode;
  if (!input_file.empty()) cmd += " < " + input_file;
  return run(cmd);
}

std::string to_hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// The vectors of js_codec.js, built independently here.
std::map<std::string, Packet> cpp_vectors() {
  return {
      {"ping", {0, true, Map{{"command", "ping"}}}},
      {"empty_response", {7, false, Map{}}},
      {"null_value", {3, true, Value()}},
      {"scalars",
       {12345, false,
        Map{{"errors", Array{}},
            {"warnings", Array{}},
            {"yes", true},
            {"no", false},
            {"minus", int32_t{-1}},
            {"max", int32_t{2147483647}}}}},
      {"build_request",
       {2, true,
        Map{{"command", "build"},
            {"key", 1},
            {"entries", Array{Array{"", "a.js"}}},
            {"flags", Array{"--bundle", "--format=esm"}},
            {"write", false},
            {"stdinContents", Bytes{std::string("\0\1\2\xff", 4)}},
            {"stdinResolveDir", nullptr},
            {"absWorkingDir", "/tmp"},
            {"nodePaths", Array{}},
            {"context", true}}}},
      {"unicode", {9, true, Map{{"text", "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80"}}}},
      {"nested", {1, false, Array{Array{Array{}}, Array{1, Array{2, Array{3}}}}}},
      {"empty_bytes", {4, false, Map{{"contents", Bytes{}}}}},
      {"large_id", {0x3fffffff, false, Value("x")}},
  };
}

}  // namespace

TEST_CASE("C++ encodes every vector exactly as esbuild's JS encoder does") {
  std::istringstream lines(js("vectors"));
  const auto ours = cpp_vectors();
  std::string name, hex;
  size_t compared = 0;
  while (lines >> name >> hex) {
    INFO("vector " << name);
    REQUIRE(ours.count(name));
    CHECK(to_hex(encode_packet(ours.at(name))) == hex);
    ++compared;
  }
  CHECK(compared == ours.size());
}

TEST_CASE("esbuild's JS decoder reads what C++ encodes, and C++ decodes what JS encodes") {
  const std::string file = "/tmp/hr-codec-vectors-" + std::to_string(getpid());
  std::vector<std::string> encoded;
  {
    std::ofstream out(file);
    for (const auto& [name, packet] : cpp_vectors()) {
      encoded.push_back(encode_packet(packet));
      out << to_hex(encoded.back()) << "\n";
    }
  }
  std::istringstream lines(js("roundtrip", file));
  std::remove(file.c_str());
  std::string hex;
  size_t i = 0;
  for (; std::getline(lines, hex); ++i) {
    REQUIRE(i < encoded.size());
    INFO("packet " << i << ": " << hex);
    CHECK(hex.rfind("ERR", 0) != 0);
    CHECK(hex == to_hex(encoded[i]));  // JS decoded it to the same value and re-encoded it
  }
  CHECK(i == encoded.size());
  // And the JS-encoded vectors decode in C++ to the values we expect.
  std::istringstream js_lines(js("vectors"));
  const auto ours = cpp_vectors();
  std::string name;
  while (js_lines >> name >> hex) {
    std::string bytes;
    for (size_t k = 0; k + 1 < hex.size(); k += 2)
      bytes += char(std::stoi(hex.substr(k, 2), nullptr, 16));
    auto decoded = decode_packet(std::string_view(bytes).substr(4));
    INFO("vector " << name);
    REQUIRE(decoded);
    CHECK(decoded->id == ours.at(name).id);
    CHECK(decoded->is_request == ours.at(name).is_request);
    CHECK(decoded->value == ours.at(name).value);
  }
}
