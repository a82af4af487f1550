#include "graph/manifest_scan.h"

#include <cstring>

namespace hr::graph {

namespace {

namespace json = boost::json;

std::string position(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

class Scanner {
 public:
  Scanner(std::string_view text, json::storage_ptr sp, const Manifest* previous)
      : text_(text), sp_(std::move(sp)), parser_(sp_), prev_(previous), out_(sp_) {}

  Result<ScannedManifest> run() {
    skip_space();
    if (!at('{')) return not_an_object();
    out_.is_object = true;
    ++pos_;
    if (!members()) return std::move(error_);
    skip_space();
    if (pos_ != text_.size()) return syntax_error(pos_, "extra data after the manifest object");
    return std::move(out_);
  }

 private:
  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t'))
      ++pos_;
  }

  Error syntax_error(size_t offset, std::string_view what) {
    return fail("invalid JSON at " + position(text_, offset) + ": " + std::string(what),
                ErrorKind::unparsable);
  }

  bool expect(char c) {
    skip_space();
    if (at(c)) {
      ++pos_;
      return true;
    }
    error_ = syntax_error(
        pos_, pos_ == text_.size() ? "incomplete JSON" : std::string("expected '") + c + "'");
    return false;
  }

  // One complete JSON value at pos_, parsed by Boost.JSON (which also eats trailing whitespace).
  // `out` must use sp_: assigning a value into another storage would copy it.
  bool value(json::value& out) {
    parser_.reset(sp_);
    boost::system::error_code ec;
    const size_t n = parser_.write_some(text_.data() + pos_, text_.size() - pos_, ec);
    if (ec) {
      error_ = syntax_error(pos_ + n, ec.message());
      return false;
    }
    out = parser_.release();
    pos_ += n;
    return true;
  }

  Result<ScannedManifest> not_an_object() {
    json::value v(sp_);
    if (!value(v)) return std::move(error_);
    if (skip_space(), pos_ != text_.size()) return syntax_error(pos_, "extra data after the value");
    return std::move(out_);  // is_object stays false
  }

  bool members() {
    skip_space();
    if (at('}')) return ++pos_, true;
    for (;;) {
      skip_space();
      json::value key(sp_);
      const size_t key_at = pos_;
      if (!at('"') || !value(key)) {
        if (error_.message.empty()) error_ = syntax_error(key_at, "expected a quoted field name");
        return false;
      }
      if (!expect(':')) return false;
      skip_space();
      if (key.get_string() == "modules" && at('[')) {
        if (!modules()) return false;
      } else {
        json::value v(sp_);
        if (!value(v)) return false;
        if (key.get_string() == "modules") out_.modules_scanned = false;
        out_.top[key.get_string()] = std::move(v);
      }
      skip_space();
      if (at('}')) return ++pos_, true;
      if (!expect(',')) return false;
    }
  }

  bool modules() {
    ++pos_;  // '['
    out_.modules_scanned = true;
    out_.top.erase("modules");
    out_.modules.clear();
    out_.parsed.clear();
    next_prev_ = 0;
    count_ = 0;
    skip_space();
    if (at(']')) return ++pos_, true;
    for (;;) {
      skip_space();
      if (!element()) return false;
      skip_space();
      if (at(']')) return ++pos_, true;
      if (!expect(',')) return false;
    }
  }

  // One module, or a chunk of them: taken over when the previous manifest has the same bytes at
  // the expected position, parsed otherwise.
  bool element() {
    if (same_chunk()) return true;
    ModuleSlot slot;
    slot.offset = pos_;
    if (same_module(next_prev_, slot.bytes)) {
      slot.from = ModuleSlot::From::previous_module;
      slot.index = static_cast<uint32_t>(next_prev_++);
      pos_ += slot.bytes.length;
    } else {
      json::value& v = out_.parsed.emplace_back(nullptr);
      if (!value(v)) return false;
      resync(v);
      slot.index = static_cast<uint32_t>(out_.parsed.size() - 1);
      size_t end = pos_;
      while (end > slot.offset && std::strchr(" \n\r\t", text_[end - 1])) --end;
      slot.bytes = text_bytes(text_.data() + slot.offset, end - slot.offset);
    }
    out_.modules.push_back(slot);
    ++count_;
    return true;
  }

  // Whether `old` describes the bytes at pos_; `here` gets their length and hash.
  bool same_bytes(const TextBytes& old, TextBytes& here) const {
    if (old.length > text_.size() - pos_) return false;
    here = text_bytes(text_.data() + pos_, old.length);
    return here == old;
  }

  // Whether the previous manifest's module k is what stands at pos_.
  bool same_module(size_t k, TextBytes& here) const {
    return prev_ && k < prev_->modules.size() && same_bytes(prev_->modules.bytes_of(k), here);
  }

  // A full chunk of the previous manifest, at the same module numbers, with the same bytes.
  bool same_chunk() {
    constexpr size_t kSize = ModuleTable::kChunkSize;
    if (!prev_ || count_ != next_prev_ || count_ % kSize != 0) return false;
    const size_t c = count_ / kSize;
    const auto& chunks = prev_->modules.chunks();
    if (c >= chunks.size() || chunks[c]->specs.size() != kSize) return false;
    ModuleSlot slot{ModuleSlot::From::previous_chunk, static_cast<uint32_t>(c), pos_, {}};
    if (!same_bytes(chunks[c]->span, slot.bytes)) return false;
    out_.modules.push_back(slot);
    pos_ += slot.bytes.length;
    count_ += kSize;
    next_prev_ += kSize;
    return true;
  }

  // After a module that was not taken over, expect the one that followed it last time: this keeps
  // the two lists in step across inserted and removed modules.
  void resync(const json::value& v) {
    if (!prev_) return;
    const json::object* o = v.if_object();
    const json::value* id = o ? o->if_contains("id") : nullptr;
    if (!id || !id->is_string()) return;
    const auto& positions = prev_->index->positions;
    auto it = positions.find(std::string_view(id->get_string()));
    if (it != positions.end()) next_prev_ = it->second + 1;
  }

  std::string_view text_;
  json::storage_ptr sp_;
  json::parser parser_;
  const Manifest* prev_;
  size_t pos_ = 0;
  size_t next_prev_ = 0;  // the previous manifest's module expected next
  size_t count_ = 0;      // modules scanned so far
  ScannedManifest out_;
  Error error_;
};

}  // namespace

Result<ScannedManifest> scan_manifest(std::string_view text, json::storage_ptr sp,
                                      const Manifest* previous) {
  return Scanner(text, std::move(sp), previous).run();
}

}  // namespace hr::graph
