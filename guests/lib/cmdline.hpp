// The guest kernel's command line (hvm_start_info.cmdline_paddr): options
// `key=value` or bare `key` (value ""), separated by spaces; no quoting.
//
// Framework options (docs/guests.md): tests=, hypercall=, console=,
// require_xen, on_fail=. Keys containing a '.' are arguments for test cases
// (`event.peer=3`), read with option(); any other key is reported as a FAIL,
// so that a misspelt option cannot silently change a run.
#pragma once

#include <cstddef>

namespace cxen::guest {

class Cmdline {
  public:
    static constexpr size_t max_len = 1024;
    static constexpr size_t max_options = 32;

    /// Split `text` (a copy is kept). Returns false if it was longer than
    /// max_len or had more than max_options options; what fit is kept.
    bool parse(const char* text);

    size_t size() const { return n_; }
    const char* key(size_t i) const { return keys_[i]; }
    const char* value(size_t i) const { return values_[i]; }
    /// Value of the last `key` option, "" for a bare key, nullptr if absent.
    const char* get(const char* key) const;

  private:
    char buf_[max_len + 1]{};
    const char* keys_[max_options]{};
    const char* values_[max_options]{};
    size_t n_ = 0;
};

/// Does `name` match `pattern` (the first `len` bytes of it)? A pattern
/// ending in '*' matches every name with that prefix; else names must be equal.
bool pattern_matches(const char* name, const char* pattern, size_t len);
/// Does `name` match any pattern of the comma-separated list?
bool name_matches(const char* name, const char* patterns);

/// The boot command line (empty before guest_main parses it).
const Cmdline& cmdline();
Cmdline& boot_cmdline(); ///< for guest_main only

/// cmdline().get(key).
const char* option(const char* key);
/// True if `key` is present and its value is not 0, no, false or off.
bool option_enabled(const char* key);

} // namespace cxen::guest
