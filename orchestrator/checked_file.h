// A small state file the server writes whole and reads back whole (the import scans, the URL
// tokens): a first line naming its format and checksumming the rest, then the body. Written to a
// temporary file and renamed, so a reader sees the old file or the new; one that is torn, corrupt
// or of another format is refused with the reason, for a warning.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"

namespace hr::orch {

// `format` is one word and a version, e.g. "hr-scans 1": bump it when the body's meaning changes.
Result<void> write_checked_file(const std::filesystem::path& file, std::string_view format,
                                std::string_view body);

// The body of `text` (a checked file's bytes) when its first line is `format`'s and it checksums.
Result<std::string_view> checked_body(std::string_view text, std::string_view format);

}  // namespace hr::orch
