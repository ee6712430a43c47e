// The hypervisor command line: a table-driven parser with Xen's syntax.
// Source: Xen docs/misc/xen-command-line.pandoc ("Types of parameter") and
// xen/common/kernel.c parse_params(), parse_bool(); xen/lib/parse-size.c
// parse_size_and_unit(); xen/arch/x86/setup.c for the " -- " split.
//
// Syntax (Xen's, with the cxen additions marked):
// - Options are separated by spaces. (cxen: tab, CR and LF separate too.)
// - Each option is `name=value` or a bare `name`. The value is everything
//   after the first '='.
// - (cxen, as Linux does) Double quotes group: a quoted part may contain
//   spaces, and the quotes themselves are dropped, so `name="a b"` and
//   `"name=a b"` both give the value `a b`. An unterminated quote makes the
//   option malformed.
// - (cxen, as Linux's parameq() does; Xen compares names exactly) '-' and '_'
//   are the same character in option names: `sync-console` sets
//   `sync_console`. Values are never rewritten. The negating prefix is
//   exactly `no-`; an exact match of the whole name is tried first.
// - A token that is exactly `--` ends the hypervisor's options; what follows
//   belongs to dom0 and is ignored here. (Xen splits on the first " -- " in
//   the string before parsing; the effect is the same.)
// - The caller strips the boot loader's image name (Xen's cmdline_cook() does
//   this before parse_params() sees the line).
//
// Malformed options never change their variable. Each one, and each unknown
// option, is logged at warning level and counted; parsing always continues
// with the next option, as Xen does.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/base/result.hpp"

namespace cxen {

/// How an option's value is parsed and where it is stored.
enum class ParamType : uint8_t {
    /// `var` is a `bool*`. Bare `name` sets true, `no-name` sets false,
    /// `name=<v>` takes yes|on|true|enable|1 or no|off|false|disable|0
    /// (case-sensitive, as Xen's parse_bool()). Malformed: `name=` with an
    /// empty value, any other value, and `no-name=<v>` (Xen's docs call
    /// stacking `no-` with a value undefined; we reject it).
    boolean,
    /// `var` is a `uint64_t*`. `name=<v>` takes decimal, 0x/0X hex, or octal
    /// with a leading 0, optionally negated with '-' (stored two's-complement,
    /// as Xen's simple_strtoll()). Malformed: no value, trailing characters,
    /// a value that does not fit 64 bits (Xen wraps silently), `no-name`.
    integer,
    /// `var` is a `uint64_t*` receiving bytes. `name=<n>[unit]` with n as for
    /// `integer` (no sign) and one unit letter, either case: B bytes, K KiB,
    /// M MiB, G GiB, T TiB. No unit means KiB, as in Xen (`dom0_mem=1024` is
    /// 1 MiB). Since a/b/c/d/e/f are hex digits, `0x10b` is 0x10b KiB, not
    /// 0x10 bytes, exactly as in Xen. Malformed: no value, no digits, an
    /// unknown unit, trailing characters, overflow past 2^64-1, `no-name`.
    size,
    /// `var` is a `char[var_len]`, always NUL-terminated. `name=<v>` copies
    /// v; bare `name` stores "" (as Xen). Malformed: a value of var_len or
    /// more characters (Xen truncates silently), `no-name`.
    string,
    /// `custom(value)` is called and returns false for a bad value. Bare
    /// `name` passes "", `no-name` passes "no" (as Xen), `no-name=<v>` is
    /// malformed without calling it. `var` is unused.
    custom,
};

/// One row of an option table. Several rows may share a name; every row
/// that matches is applied (as in Xen), and the option counts once.
struct Param {
    const char* name; ///< e.g. "sync_console"; '-' and '_' match each other
    ParamType type;
    void* var;      ///< see ParamType; nullptr only for `custom`
    size_t var_len; ///< `string` only: buffer size in bytes, including the NUL
    /// `custom` only. `value` lives only for the call: copy what you keep.
    bool (*custom)(const char* value);
};

/// Longest option token, `name=value` after quote removal, that the parser
/// accepts; longer ones are malformed. Xen's limit (MAX_PARAM_SIZE) is 128
/// and it truncates silently instead.
constexpr size_t cmdline_max_option_len = 255;

/// Parse `cmdline` against `params[0..nr_params)`, storing each recognised
/// value into its variable. `cmdline` may be nullptr (nothing to do).
/// Returns how many options were unknown or malformed (0: all applied); each
/// is also logged at LogLevel::warning, e.g.
/// "Unknown command line option 'foo'".
int parse_cmdline(const char* cmdline, const Param* params, size_t nr_params);

/// Xen's parse_bool() on the whole string `s`: yes|on|true|enable|1 give
/// true, no|off|false|disable|0 give false. Errors: -EINVAL anything else.
/// Exposed for `custom` handlers such as `name=<bool>,opt=...` lists.
[[nodiscard]] Result<bool> parse_bool(const char* s);

/// Parse all of `s` as an `integer` option value (see ParamType::integer).
/// Errors: -EINVAL not a number or trailing characters, -EOVERFLOW does not
/// fit 64 bits (negative: below INT64_MIN).
[[nodiscard]] Result<uint64_t> parse_integer(const char* s);

/// Parse all of `s` as a `size` option value, in bytes (see ParamType::size;
/// Xen's parse_size_and_unit() with the default unit KiB).
/// Errors: -EINVAL malformed, -EOVERFLOW larger than 2^64-1 bytes.
[[nodiscard]] Result<uint64_t> parse_size_and_unit(const char* s);

} // namespace cxen
