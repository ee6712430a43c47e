// xl.cfg files, generic layer: text in, a list of `key = value` settings out,
// in fixed storage (no allocation). The typed domain description built from
// the settings is DomainConfig (domain_config.hpp).
//
// Source: Xen 4.17 docs/man/xl.cfg.5.pod.in ("SYNTAX"), and the grammar in
// tools/libs/util/libxlu_cfg_l.l (lexer), libxlu_cfg_y.y (parser) and
// libxlu_cfg.c (dequoting, `+=`, xlu_cfg_get_long()). docs/xl-cfg.md has the
// user-facing summary.
//
// Syntax (Xen's; cxen differences marked):
// - A file is statements separated by a newline or ';'. A statement is empty
//   or `KEY = VALUE` or `KEY += VALUE`. Spaces and tabs separate tokens.
//   (cxen: '\r' is a space too, so CRLF files parse; Xen rejects them.)
// - `#` starts a comment that runs to the end of the line. (cxen: also at
//   the very end of a file without a final newline; Xen's lexer requires it.)
// - KEY is `[a-z][._0-9a-z]*`: lowercase only, and '.' is allowed, exactly as
//   Xen's lexer. `Memory = 1` is an error in xl and here.
// - VALUE is a quoted string, a number or a list:
//   - Strings are in '...' or "...", on one line. Escapes: \' \" \\ \a \b
//     \f \n \r \t \v, \xHH (exactly two hex digits) and \o, \oo, \ooo (octal,
//     at most 0377). Any other escape is an error. A NUL byte, raw or escaped,
//     is an error (values are C strings). (xl's \x and octal escapes are
//     broken: \x always fails and octal ones drop their character; cxen does
//     what xl.cfg's "C-like escapes" intend.)
//   - A number is the unquoted token `[0-9][0-9a-fx]*`, kept as text, as in
//     Xen: it is only checked as an integer when a key wants an integer (see
//     cfg_parse_integer()), and a key that wants a string takes it as text.
//     There is no unquoted sign: `-1` must be written "-1".
//   - A list is `[ VALUE, VALUE, ... ]`: items may be lists themselves
//     (nesting up to max_list_depth), a trailing comma is allowed, and a
//     newline or comment may follow '[', any item and any ','.
// - A key may be set more than once; the last setting wins (xl's find()
//   returns the newest). `KEY += VALUE` appends to the previous value of KEY:
//   string to string (concatenation) or list to list; mixing the two is an
//   error, and with no previous value it is a plain assignment. An integer
//   lookup of a `+=` setting fails, as in xl.
//
// Errors are reported as "FILE:LINE: what", e.g.
// `web.cfg:3: unterminated string`; the first error stops the parse.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/base/result.hpp"

namespace cxen {

/// Why a parse or a lookup failed, for the user: `message` is one line,
/// "FILE:LINE: what" ("FILE: what" when no line applies), NUL-terminated and
/// truncated to fit. `line` is 1-based, 0 when no line applies.
struct CfgError {
    static constexpr size_t message_size = 256;
    uint32_t line = 0;
    char message[message_size] = {};
};

/// One value: an atom (a quoted string, or an unquoted number kept as text)
/// or a list of values. Points into the CfgFile that holds it.
struct CfgValue {
    enum class Kind : uint8_t {
        string, ///< was quoted; `text` is the dequoted string
        number, ///< was an unquoted `[0-9][0-9a-fx]*` token; `text` is it, unchecked
        list,   ///< `items[0..nr_items)`
    };
    Kind kind = Kind::string;
    uint32_t line = 0;               ///< where the value starts (1-based)
    const char* text = nullptr;      ///< atoms: NUL-terminated, contains no NUL
    size_t len = 0;                  ///< atoms: strlen(text)
    const CfgValue* items = nullptr; ///< lists: nullptr when empty
    size_t nr_items = 0;             ///< lists

    bool is_list() const { return kind == Kind::list; }
};

/// One `key = value` (or `key += value`) statement.
struct CfgSetting {
    const char* key = nullptr;  ///< `[a-z][._0-9a-z]*`
    const char* file = nullptr; ///< the file name given to CfgFile::parse()
    uint32_t line = 0;          ///< of the key, 1-based
    bool appended = false;      ///< written with `+=` (so never an integer, as in xl)
    CfgValue value;             ///< for `+=`, already joined with the earlier value
};

/// A parsed xl.cfg file (or several, parsed one after another, as xl does
/// with `xl create FILE KEY=VALUE...`). Big (about 44 KiB): callers keep it in
/// static storage; it is constant-initialized, so `static CfgFile f;` costs
/// nothing at boot. Not copyable: values point into it.
class CfgFile {
  public:
    static constexpr size_t max_settings = 128;
    /// List items of all lists together (nested ones and `+=` copies count).
    static constexpr size_t max_list_items = 512;
    /// Bytes of keys, strings, numbers and file names, each with its NUL.
    static constexpr size_t arena_size = 16384;
    /// `[[[...]]]` deeper than this is an error (xl has no limit).
    static constexpr size_t max_list_depth = 8;

    constexpr CfgFile() = default;
    CfgFile(const CfgFile&) = delete;
    CfgFile& operator=(const CfgFile&) = delete;

    /// Parse `text[0..len)` (need not be NUL-terminated; may contain any
    /// bytes) and append its settings to this file's. `file_name` (nullptr
    /// gives "<config>") is copied and only used in messages.
    /// On failure nothing is appended, and `err` says what and where.
    /// Errors: -EINVAL syntax error; -ENOSPC more than max_settings settings,
    /// max_list_items list items or arena_size bytes of text in total.
    [[nodiscard]] Status parse(const char* file_name, const char* text, size_t len, CfgError& err);

    /// Forget every setting (the storage is reused).
    void clear();

    /// The setting that counts for `key`: the last one (nullptr if none).
    const CfgSetting* find(const char* key) const;

    /// True if a later setting has the same key (so `s` does not count).
    bool is_superseded(const CfgSetting& s) const;

    /// Every setting in file order, repeats included.
    const CfgSetting* begin() const { return settings_; }
    const CfgSetting* end() const { return settings_ + nr_settings_; }
    size_t size() const { return nr_settings_; }

    /// The file name of the most recent successful parse ("<config>" if
    /// none), for messages about keys that are missing.
    const char* file_name() const { return file_name_ ? file_name_ : "<config>"; }

  private:
    class Parser;

    CfgSetting settings_[max_settings] = {};
    size_t nr_settings_ = 0;
    // List items. Finished lists' items grow up from index 0; while a list
    // is being parsed its items so far sit on a stack growing down from the
    // end, and move down when the list closes, so each list is contiguous.
    CfgValue items_[max_list_items] = {};
    size_t nr_items_ = 0;
    char arena_[arena_size] = {};
    size_t arena_used_ = 0;
    const char* file_name_ = nullptr;
};

/// Parse `text` as an integer the way xl does (C's strtol(text, &end, 0) and
/// no trailing characters): optional leading white space, optional sign,
/// then 0x/0X hex, 0-prefixed octal, or decimal.
/// Errors: -EINVAL not an integer; -ERANGE outside int64_t.
[[nodiscard]] Result<int64_t> cfg_parse_integer(const char* text);

/// The value of `s` as an integer in [min, max] (see cfg_parse_integer()).
/// Quoted and unquoted atoms both count, as in xl (`memory = "512"`).
/// Errors: -EINVAL with `err` set, e.g.
/// `web.cfg:7: memory: expected an integer, got "1G0"`,
/// `web.cfg:4: vcpus: must be between 1 and 128, got 0`, or for a list or a
/// `+=` setting.
[[nodiscard]] Result<int64_t> cfg_integer(const CfgSetting& s, int64_t min, int64_t max,
                                          CfgError& err);

/// The value of `s` as a string: a quoted string or an unquoted number's
/// text (xl takes `name = 123` as "123"). Errors: -EINVAL (with `err` set)
/// for a list: `web.cfg:2: kernel: expected a string, got a list`.
[[nodiscard]] Result<const char*> cfg_string(const CfgSetting& s, CfgError& err);

/// The value of `s` as a list. Errors: -EINVAL (with `err` set) for an atom:
/// `web.cfg:9: disk: expected a list, got "xvda"`.
[[nodiscard]] Result<const CfgValue*> cfg_list(const CfgSetting& s, CfgError& err);

/// Fill `err` with "FILE:LINE: " (or "FILE: " when `line` is 0; nullptr
/// `file` gives "<config>") followed by the printf-formatted text, and return
/// -EINVAL as an Err, so that any Status or Result<T> function can write
/// `return cfg_error(err, ...)`.
[[nodiscard]] Err cfg_error(CfgError& err, const char* file, uint32_t line, const char* fmt, ...)
    __attribute__((format(printf, 4, 5)));

/// cfg_error() at `s`, with its key: "FILE:LINE: KEY: text".
[[nodiscard]] Err cfg_setting_error(CfgError& err, const CfgSetting& s, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

/// Copy a value's text into `buf` (size >= 8) for a message: quoted if
/// `v.kind` is string, bare if number, "a list" for lists; bytes outside
/// printable ASCII become '?', and long text is cut with "...". Returns buf.
const char* cfg_describe_value(const CfgValue& v, char* buf, size_t size);

} // namespace cxen
