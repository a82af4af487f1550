// Splitting manifest text into parsed pieces, for manifest.cc (internal to graph/).
//
// A 10,000-module manifest is a few megabytes of which a recompile usually changes one module's
// object. The scanner walks the top-level object itself and hands each value to Boost.JSON
// separately, so it knows where every element of `modules` starts and ends. Elements with the
// bytes the previous manifest had at the expected position are not parsed at all: a whole chunk
// of them (module_table.h) is recognised by one hash, a single module by its own.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "graph/manifest.h"

namespace hr::graph {

// One element of `modules`, or a whole chunk of them, and where its bytes are in the text.
struct ModuleSlot {
  enum class From : uint8_t { previous_chunk, previous_module, parsed };
  From from = From::parsed;
  uint32_t index = 0;  // chunk or module number in the previous manifest, or value in `parsed`
  size_t offset = 0;
  TextBytes bytes;
};

// Parsed values use the scan's storage throughout: Boost.JSON copies a value moved into another.
struct ScannedManifest {
  explicit ScannedManifest(boost::json::storage_ptr sp) : top(sp), parsed(std::move(sp)) {}
  bool is_object = false;   // false: the text holds some other JSON value
  boost::json::object top;  // every top-level field but an array-valued `modules`
  bool modules_scanned = false;
  std::vector<ModuleSlot> modules;
  boost::json::array parsed;  // the modules that were not taken over
  const boost::json::value& value_of(const ModuleSlot& slot) const { return parsed[slot.index]; }
};

// Scans `text`; parsed values live in `sp`. A syntax error is one message with line and column.
Result<ScannedManifest> scan_manifest(std::string_view text, boost::json::storage_ptr sp,
                                      const Manifest* previous);

}  // namespace hr::graph
