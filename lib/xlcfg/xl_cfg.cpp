// xl.cfg parser, generic layer; the syntax and its sources are described in
// xl_cfg.hpp. A hand-written recursive-descent parser over (pointer, length):
// it never reads past `len`, never relies on a NUL, and stores everything in
// the CfgFile's fixed arrays. Pure data: no locks, no console.
#include "lib/xlcfg/xl_cfg.hpp"

#include <cstdarg>

#include "lib/base/assert.hpp"
#include "lib/base/format.hpp"
#include "lib/base/string.hpp"

namespace cxen {

namespace {

constexpr const char* default_file_name = "<config>";
// Longest piece of the input quoted back in a message.
constexpr size_t max_excerpt = 40;

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}
bool is_lower(char c) {
    return c >= 'a' && c <= 'z';
}
bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_printable(char c) {
    return c >= 0x20 && c < 0x7f;
}
// Xen's lexer: IDENT is [a-z][._0-9a-z]*, NUMBER is [0-9][0-9a-fx]*.
bool is_key_char(char c) {
    return is_lower(c) || is_digit(c) || c == '_' || c == '.';
}
bool is_number_char(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || c == 'x';
}
// What a user would see as one word, quoted whole in messages about bad keys
// and numbers (`Memory`, `on-crash`, `512M`, `1.5`).
bool is_word_char(char c) {
    return is_key_char(c) || is_upper(c) || c == '-';
}

int digit_value(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return -1;
}

// "FILE:LINE: [KEY: ]" then the formatted text, truncated to fit.
void format_error(CfgError& err, const char* file, uint32_t line, const char* key, const char* fmt,
                  va_list ap) {
    constexpr size_t size = CfgError::message_size;
    char* msg = err.message;
    err.line = line;
    int n = line ? snprintf(msg, size, "%s:%u: ", file, line) : snprintf(msg, size, "%s: ", file);
    size_t off = n < 0 ? 0 : static_cast<size_t>(n);
    if (key && off < size) {
        n = snprintf(msg + off, size - off, "%s: ", key);
        off += n < 0 ? 0 : static_cast<size_t>(n);
    }
    if (off < size) vsnprintf(msg + off, size - off, fmt, ap);
}

} // namespace

// --- the parser ----------------------------------------------------------------

class CfgFile::Parser {
  public:
    Parser(CfgFile& f, const char* file, const char* text, size_t len, CfgError& err)
        : f_(f), file_(file), p_(text), end_(text + len), err_(err) {}

    Status run();

  private:
    Status statement();
    Status value(size_t depth, bool in_list, CfgValue& out);
    Status quoted_string(CfgValue& out);
    Status escape(char& out);
    Status number(CfgValue& out);
    Status list(size_t depth, CfgValue& out);
    Status store(const char* key, uint32_t line, bool plus_equals, CfgValue& v);
    Status join(const CfgValue& prev, uint32_t line, CfgValue& v);

    bool at_end() const { return p_ == end_; }
    bool at(char c) const { return p_ != end_ && *p_ == c; }
    void skip_blanks() {
        while (p_ != end_ && is_blank(*p_))
            ++p_;
    }
    void skip_comment() {
        while (p_ != end_ && *p_ != '\n')
            ++p_;
    }
    void newline() {
        ++p_;
        if (line_ != UINT32_MAX) ++line_;
    }
    // Blanks, newlines and comments: what may sit between list tokens.
    void skip_space_and_lines() {
        for (;;) {
            skip_blanks();
            if (at('#')) skip_comment();
            if (!at('\n')) return;
            newline();
        }
    }
    const char* skip_word() {
        while (p_ != end_ && is_word_char(*p_))
            ++p_;
        return p_;
    }

    // [start, p_) as a C string for a message, cut to max_excerpt bytes. The
    // input has no NUL after it, so it is never passed to "%.*s" directly.
    const char* excerpt(const char* start) {
        size_t n = static_cast<size_t>(p_ - start);
        if (n > max_excerpt) n = max_excerpt;
        memcpy(excerpt_, start, n);
        excerpt_[n] = '\0';
        return excerpt_;
    }

    // The token at `p_`, for "got ..." in messages.
    const char* describe() {
        if (at_end()) return "end of file";
        char c = *p_;
        if (c == '\n') return "end of line";
        if (is_printable(c))
            snprintf(what_, sizeof(what_), "'%c'", c);
        else
            snprintf(what_, sizeof(what_), "byte 0x%02x", static_cast<unsigned char>(c));
        return what_;
    }

    Status put(char c) {
        if (f_.arena_used_ == arena_size) return too_much_text();
        f_.arena_[f_.arena_used_++] = c;
        return ok_status();
    }
    Result<const char*> copy(const char* s, size_t n) {
        if (arena_size - f_.arena_used_ < n + 1) return Err(too_much_text().error());
        char* dst = &f_.arena_[f_.arena_used_];
        memcpy(dst, s, n);
        dst[n] = '\0';
        f_.arena_used_ += n + 1;
        return static_cast<const char*>(dst);
    }
    Status push(const CfgValue& v) {
        if (stack_top_ == f_.nr_items_) return too_many_items();
        f_.items_[--stack_top_] = v;
        return ok_status();
    }

    [[gnu::format(printf, 3, 4)]] Status fail(uint32_t line, const char* fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        format_error(err_, file_, line, nullptr, fmt, ap);
        va_end(ap);
        return Err(Errno::XEN_EINVAL);
    }
    [[gnu::format(printf, 2, 3)]] Status no_space(const char* fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        format_error(err_, file_, line_, nullptr, fmt, ap);
        va_end(ap);
        return Err(Errno::XEN_ENOSPC);
    }
    Status too_much_text() {
        return no_space("too much text (at most %zu bytes of keys and values in all)", arena_size);
    }
    Status too_many_items() {
        return no_space("too many list items (at most %zu in all)", max_list_items);
    }

    CfgFile& f_;
    const char* file_;
    const char* p_;
    const char* end_;
    CfgError& err_;
    uint32_t line_ = 1;
    // Items of the lists still open sit in f_.items_[stack_top_..max).
    size_t stack_top_ = max_list_items;
    const char* key_ = ""; // of the statement being parsed
    char what_[16] = {};
    char excerpt_[max_excerpt + 1] = {};
};

Status CfgFile::Parser::run() {
    for (;;) {
        skip_blanks();
        if (at_end()) return ok_status();
        if (at('\n')) {
            newline();
            continue;
        }
        if (at('#')) {
            skip_comment();
            continue;
        }
        if (at(';')) {
            ++p_;
            continue;
        }
        TRY(statement());
        skip_blanks();
        if (at('#')) skip_comment();
        if (at_end() || at('\n') || at(';')) continue;
        return fail(line_, "expected ';' or end of line after the value of \"%s\", got %s", key_,
                    describe());
    }
}

Status CfgFile::Parser::statement() {
    const uint32_t line = line_;
    const char* start = p_;
    if (!is_word_char(*p_)) return fail(line, "expected a key, got %s", describe());
    skip_word(); // the whole word, so that a bad key is quoted whole
    bool valid = is_lower(*start);
    for (const char* c = start; valid && c != p_; ++c)
        valid = is_key_char(*c);
    if (!valid)
        return fail(line,
                    "invalid key \"%s\": keys are lowercase letters, digits, '_' and '.', "
                    "starting with a letter",
                    excerpt(start));
    const size_t key_len = static_cast<size_t>(p_ - start);
    const char* key = TRY(copy(start, key_len));
    key_ = key;

    skip_blanks();
    bool plus_equals = false;
    if (at('+') && end_ - p_ >= 2 && p_[1] == '=') {
        plus_equals = true;
        p_ += 2;
    } else if (at('=')) {
        ++p_;
    } else {
        return fail(line, "expected '=' after \"%s\", got %s", key, describe());
    }
    skip_blanks();
    CfgValue v;
    TRY(value(0, false, v));
    return store(key, line, plus_equals, v);
}

Status CfgFile::Parser::value(size_t depth, bool in_list, CfgValue& out) {
    out = CfgValue{};
    out.line = line_;
    const char* where = in_list ? "in the list for" : "for";
    if (!at_end()) {
        const char c = *p_;
        if (c == '"' || c == '\'') return quoted_string(out);
        if (is_digit(c)) return number(out);
        if (c == '[') return list(depth + 1, out);
        if (is_word_char(c) && c != '-') {
            const char* start = p_;
            skip_word();
            return fail(line_, "expected a value %s \"%s\", got %s (strings must be quoted)", where,
                        key_, excerpt(start));
        }
        if (c == '-')
            return fail(line_,
                        "expected a value %s \"%s\", got '-' (negative numbers must be quoted)",
                        where, key_);
    }
    return fail(line_, "expected a value %s \"%s\", got %s", where, key_, describe());
}

Status CfgFile::Parser::quoted_string(CfgValue& out) {
    const char quote = *p_++;
    const size_t start = f_.arena_used_;
    for (;;) {
        // Xen's STRING token cannot hold a raw newline.
        if (at_end() || at('\n')) return fail(line_, "unterminated string");
        char c = *p_++;
        if (c == quote) break;
        if (c == '\\') TRY(escape(c));
        if (c == '\0') return fail(line_, "NUL character in string");
        TRY(put(c));
    }
    TRY(put('\0'));
    out.kind = CfgValue::Kind::string;
    out.text = &f_.arena_[start];
    out.len = f_.arena_used_ - start - 1;
    return ok_status();
}

// After a backslash: the escape at p_, as libxlu_cfg.c's dequote intends.
Status CfgFile::Parser::escape(char& out) {
    if (at_end() || at('\n')) return fail(line_, "unterminated string");
    const char e = *p_++;
    switch (e) {
    case '"':
    case '\'':
    case '\\':
        out = e;
        return ok_status();
    case 'a':
        out = '\a';
        return ok_status();
    case 'b':
        out = '\b';
        return ok_status();
    case 'f':
        out = '\f';
        return ok_status();
    case 'n':
        out = '\n';
        return ok_status();
    case 'r':
        out = '\r';
        return ok_status();
    case 't':
        out = '\t';
        return ok_status();
    case 'v':
        out = '\v';
        return ok_status();
    case 'x': {
        const int hi = end_ - p_ >= 1 ? digit_value(p_[0]) : -1;
        const int lo = end_ - p_ >= 2 ? digit_value(p_[1]) : -1;
        if (hi < 0 || hi > 15 || lo < 0 || lo > 15)
            return fail(line_, "invalid escape in string: \\x needs two hex digits");
        p_ += 2;
        out = static_cast<char>(hi * 16 + lo);
        return ok_status();
    }
    default:
        break;
    }
    if (e >= '0' && e <= '7') {
        unsigned v = static_cast<unsigned>(e - '0');
        for (int i = 0; i < 2 && p_ != end_ && *p_ >= '0' && *p_ <= '7'; ++i)
            v = v * 8 + static_cast<unsigned>(*p_++ - '0');
        if (v > 0xff) return fail(line_, "invalid escape in string: octal \\%o is above \\377", v);
        out = static_cast<char>(v);
        return ok_status();
    }
    if (is_printable(e)) return fail(line_, "invalid escape \"\\%c\" in string", e);
    return fail(line_, "invalid escape in string: backslash before byte 0x%02x",
                static_cast<unsigned char>(e));
}

Status CfgFile::Parser::number(CfgValue& out) {
    const char* start = p_;
    while (p_ != end_ && is_number_char(*p_))
        ++p_;
    if (p_ != end_ && is_word_char(*p_)) {
        skip_word();
        return fail(line_, "invalid number \"%s\"", excerpt(start));
    }
    const size_t n = static_cast<size_t>(p_ - start);
    out.kind = CfgValue::Kind::number;
    out.text = TRY(copy(start, n));
    out.len = n;
    return ok_status();
}

// '[' nlok valuelist ']' of libxlu_cfg_y.y; `depth` counts this list.
Status CfgFile::Parser::list(size_t depth, CfgValue& out) {
    const uint32_t open_line = line_;
    ++p_;
    if (depth > max_list_depth)
        return fail(open_line, "lists nested deeper than %zu", max_list_depth);
    size_t n = 0;
    bool closed = false;
    skip_space_and_lines();
    while (!closed && !at_end()) {
        if (at(']')) { // empty list, or after a trailing ','
            ++p_;
            closed = true;
            break;
        }
        CfgValue item;
        TRY(value(depth, true, item));
        TRY(push(item));
        ++n;
        skip_space_and_lines();
        if (at(',')) {
            ++p_;
            skip_space_and_lines();
        } else if (at(']')) {
            ++p_;
            closed = true;
        } else if (!at_end()) {
            return fail(line_, "expected ',' or ']' in the list for \"%s\", got %s", key_,
                        describe());
        }
    }
    if (!closed) return fail(open_line, "unterminated list: '[' has no matching ']'");

    // The items sit on the stack newest first: reverse them in place, then
    // move them down to the finished area (which may overlap: dst <= src,
    // so copying forwards is safe).
    CfgValue* src = &f_.items_[stack_top_];
    for (size_t i = 0; i < n / 2; ++i) {
        CfgValue t = src[i];
        src[i] = src[n - 1 - i];
        src[n - 1 - i] = t;
    }
    CfgValue* dst = &f_.items_[f_.nr_items_];
    for (size_t i = 0; i < n; ++i)
        dst[i] = src[i];
    stack_top_ += n;
    f_.nr_items_ += n;
    out.kind = CfgValue::Kind::list;
    out.items = n ? dst : nullptr;
    out.nr_items = n;
    return ok_status();
}

// `v` was parsed last, so its text ends the arena and its items end the
// finished items: `+=` grows it in place to hold prev's part first
// (xlu__cfg_concat_vals()).
Status CfgFile::Parser::join(const CfgValue& prev, uint32_t line, CfgValue& v) {
    if (prev.is_list() != v.is_list())
        return fail(line, "%s: += cannot join a list and a string", key_);
    if (v.is_list()) {
        const size_t p = prev.nr_items;
        if (stack_top_ - f_.nr_items_ < p) return too_many_items();
        const size_t start = f_.nr_items_ - v.nr_items;
        for (size_t i = v.nr_items; i-- > 0;)
            f_.items_[start + p + i] = f_.items_[start + i];
        for (size_t i = 0; i < p; ++i)
            f_.items_[start + i] = prev.items[i];
        f_.nr_items_ += p;
        v.nr_items += p;
        v.items = v.nr_items ? &f_.items_[start] : nullptr;
        return ok_status();
    }
    const size_t p = prev.len;
    if (arena_size - f_.arena_used_ < p) return too_much_text();
    char* text = &f_.arena_[f_.arena_used_ - v.len - 1];
    memmove(text + p, text, v.len + 1);
    memcpy(text, prev.text, p);
    f_.arena_used_ += p;
    v.text = text;
    v.len += p;
    if (prev.kind == CfgValue::Kind::string) v.kind = CfgValue::Kind::string;
    return ok_status();
}

Status CfgFile::Parser::store(const char* key, uint32_t line, bool plus_equals, CfgValue& v) {
    if (f_.nr_settings_ == max_settings)
        return no_space("too many settings (at most %zu)", max_settings);
    if (plus_equals) {
        if (const CfgSetting* prev = f_.find(key)) TRY(join(prev->value, line, v));
    }
    CfgSetting& s = f_.settings_[f_.nr_settings_++];
    s.key = key;
    s.file = file_;
    s.line = line;
    s.appended = plus_equals;
    s.value = v;
    return ok_status();
}

// --- CfgFile ---------------------------------------------------------------------

Status CfgFile::parse(const char* file_name, const char* text, size_t len, CfgError& err) {
    ASSERT(text || len == 0);
    err.line = 0;
    err.message[0] = '\0';
    const size_t saved_settings = nr_settings_, saved_items = nr_items_, saved_arena = arena_used_;

    // The file name goes into the arena too, so that settings can point at it.
    const char* name = file_name ? file_name : default_file_name;
    const size_t name_len = strlen(name);
    if (arena_size - arena_used_ < name_len + 1) {
        (void)cfg_error(err, name, 0, "too much text (at most %zu bytes of keys and values in all)",
                        arena_size);
        return Err(Errno::XEN_ENOSPC);
    }
    char* name_copy = &arena_[arena_used_];
    memcpy(name_copy, name, name_len + 1);
    arena_used_ += name_len + 1;

    Parser parser(*this, name_copy, text ? text : "", len, err);
    Status st = parser.run();
    if (!st) {
        nr_settings_ = saved_settings;
        nr_items_ = saved_items;
        arena_used_ = saved_arena;
        return st;
    }
    file_name_ = name_copy;
    return ok_status();
}

void CfgFile::clear() {
    nr_settings_ = 0;
    nr_items_ = 0;
    arena_used_ = 0;
    file_name_ = nullptr;
}

const CfgSetting* CfgFile::find(const char* key) const {
    for (size_t i = nr_settings_; i-- > 0;)
        if (strcmp(settings_[i].key, key) == 0) return &settings_[i];
    return nullptr;
}

bool CfgFile::is_superseded(const CfgSetting& s) const {
    ASSERT(&s >= begin() && &s < end());
    for (const CfgSetting* t = &s + 1; t != end(); ++t)
        if (strcmp(t->key, s.key) == 0) return true;
    return false;
}

// --- typed lookups -----------------------------------------------------------------

Result<int64_t> cfg_parse_integer(const char* s) {
    ASSERT(s);
    while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        ++s; // C's isspace()
    bool negative = false;
    if (*s == '+' || *s == '-') negative = *s++ == '-';
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) >= 0 &&
        digit_value(s[2]) < 16) {
        base = 16;
        s += 2;
    } else if (s[0] == '0') {
        base = 8; // strtol() reads "0x" without a hex digit as 0 followed by "x"
    }
    const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
    const char* digits = s;
    uint64_t v = 0;
    bool overflow = false;
    for (int d; (d = digit_value(*s)) >= 0 && d < base; ++s) {
        const auto ud = static_cast<uint64_t>(d);
        if (v > (limit - ud) / static_cast<uint64_t>(base))
            overflow = true;
        else
            v = v * static_cast<uint64_t>(base) + ud;
    }
    if (s == digits || *s != '\0') return Err(Errno::XEN_EINVAL);
    if (overflow) return Err(Errno::XEN_ERANGE);
    return negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

Result<int64_t> cfg_integer(const CfgSetting& s, int64_t min, int64_t max, CfgError& err) {
    char got[64];
    if (s.value.is_list()) return cfg_setting_error(err, s, "expected an integer, got a list");
    if (s.appended) return cfg_setting_error(err, s, "+= cannot be used for an integer");
    Result<int64_t> r = cfg_parse_integer(s.value.text);
    if (!r && r.error() == Errno::XEN_EINVAL)
        return cfg_setting_error(err, s, "expected an integer, got %s",
                                 cfg_describe_value(s.value, got, sizeof(got)));
    if (!r || *r < min || *r > max)
        return cfg_setting_error(err, s, "must be between %lld and %lld, got %s",
                                 static_cast<long long>(min), static_cast<long long>(max),
                                 cfg_describe_value(s.value, got, sizeof(got)));
    return *r;
}

Result<const char*> cfg_string(const CfgSetting& s, CfgError& err) {
    if (s.value.is_list()) return cfg_setting_error(err, s, "expected a string, got a list");
    return s.value.text;
}

Result<const CfgValue*> cfg_list(const CfgSetting& s, CfgError& err) {
    char got[64];
    if (!s.value.is_list())
        return cfg_setting_error(err, s, "expected a list, got %s",
                                 cfg_describe_value(s.value, got, sizeof(got)));
    return &s.value;
}

Err cfg_error(CfgError& err, const char* file, uint32_t line, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    format_error(err, file ? file : default_file_name, line, nullptr, fmt, ap);
    va_end(ap);
    return Err(Errno::XEN_EINVAL);
}

Err cfg_setting_error(CfgError& err, const CfgSetting& s, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    format_error(err, s.file ? s.file : default_file_name, s.line, s.key, fmt, ap);
    va_end(ap);
    return Err(Errno::XEN_EINVAL);
}

const char* cfg_describe_value(const CfgValue& v, char* buf, size_t size) {
    ASSERT(buf && size >= 8);
    if (v.is_list()) {
        strlcpy(buf, "a list", size);
        return buf;
    }
    const bool quoted = v.kind == CfgValue::Kind::string;
    // Room for the quotes, "..." and the NUL.
    const size_t room = size - 1 - (quoted ? 2 : 0);
    const bool cut = v.len > room;
    const size_t n = cut ? room - 3 : v.len;
    size_t o = 0;
    if (quoted) buf[o++] = '"';
    for (size_t i = 0; i < n; ++i)
        buf[o++] = is_printable(v.text[i]) ? v.text[i] : '?';
    if (cut)
        for (int i = 0; i < 3; ++i)
            buf[o++] = '.';
    if (quoted) buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

} // namespace cxen
