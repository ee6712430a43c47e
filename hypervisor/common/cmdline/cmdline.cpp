// Hypervisor command line parser; the syntax and its sources are described
// in cmdline.hpp. Runs once on the boot CPU before SMP, so it takes no locks.
#include "common/cmdline/cmdline.hpp"

#include <limits>

#include "common/console/printk.hpp"
#include "lib/base/assert.hpp"
#include "lib/base/string.hpp"

namespace cxen {

namespace {

constexpr uint64_t u64_max = std::numeric_limits<uint64_t>::max();

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Option names compare with '-' and '_' equal (see cmdline.hpp).
char fold_name_char(char c) { return c == '-' ? '_' : c; }

bool name_matches(const char* param_name, const char* key) {
    for (;; ++param_name, ++key) {
        if (fold_name_char(*param_name) != fold_name_char(*key)) return false;
        if (*param_name == '\0') return true;
    }
}

unsigned digit_value(char c) {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'z') return static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'Z') return static_cast<unsigned>(c - 'A' + 10);
    return ~0u;
}

// An unsigned number at `s` with the base taken from its prefix, as C's
// strtoull(s, &end, 0): 0x/0X hex, leading 0 octal, else decimal. Advances
// `s` past the digits; the caller decides what may follow them.
Result<uint64_t> parse_unsigned(const char*& s) {
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (digit_value(s[2]) >= 16) return Err(Errno::XEN_EINVAL); // "0x" alone
        base = 16;
        s += 2;
    } else if (s[0] == '0') {
        base = 8;
    }
    uint64_t v = 0;
    const char* digits = s;
    for (unsigned d; (d = digit_value(*s)) < base; ++s) {
        if (v > (u64_max - d) / base) return Err(Errno::XEN_EOVERFLOW);
        v = v * base + d;
    }
    if (s == digits) return Err(Errno::XEN_EINVAL);
    return v;
}

// Store `value` (nullptr for a bare name) into `p`; `negate` is the "no-"
// prefix. Returns false, with the variable untouched, if malformed.
bool apply_param(const Param& p, const char* value, bool negate) {
    switch (p.type) {
    case ParamType::boolean: {
        ASSERT(p.var);
        bool v = !negate;
        if (value) {
            if (negate) return false;
            Result<bool> r = parse_bool(value);
            if (!r) return false;
            v = *r;
        }
        *static_cast<bool*>(p.var) = v;
        return true;
    }
    case ParamType::integer:
    case ParamType::size: {
        ASSERT(p.var);
        if (negate || !value) return false;
        Result<uint64_t> r =
            p.type == ParamType::integer ? parse_integer(value) : parse_size_and_unit(value);
        if (!r) return false;
        *static_cast<uint64_t*>(p.var) = *r;
        return true;
    }
    case ParamType::string: {
        ASSERT(p.var && p.var_len > 0);
        if (negate) return false;
        const char* v = value ? value : "";
        size_t n = strlen(v);
        if (n >= p.var_len) return false;
        memcpy(p.var, v, n + 1);
        return true;
    }
    case ParamType::custom:
        ASSERT(p.custom);
        if (negate) return !value && p.custom("no");
        return p.custom(value ? value : "");
    }
    return false;
}

enum class Outcome { unknown, applied, malformed };

// Apply every row named `key`; the option is malformed if any row rejects it.
Outcome apply_rows(const char* key, const char* value, bool negate, const Param* params,
                   size_t nr_params) {
    Outcome out = Outcome::unknown;
    for (size_t i = 0; i < nr_params; ++i) {
        ASSERT(params[i].name);
        if (!name_matches(params[i].name, key)) continue;
        if (!apply_param(params[i], value, negate))
            out = Outcome::malformed;
        else if (out == Outcome::unknown)
            out = Outcome::applied;
    }
    return out;
}

// One option, quotes already removed. Returns false if unknown or malformed.
bool apply_option(char* opt, const Param* params, size_t nr_params) {
    const char* value = nullptr;
    for (char* c = opt; *c; ++c) {
        if (*c == '=') {
            *c = '\0';
            value = c + 1;
            break;
        }
    }
    // An exact name wins over reading a leading "no-" as negation, so that a
    // table may hold a name that itself starts with "no-" (Xen always strips
    // the prefix first; its tables have no such names).
    Outcome out = apply_rows(opt, value, false, params, nr_params);
    if (out == Outcome::unknown && strncmp(opt, "no-", 3) == 0)
        out = apply_rows(opt + 3, value, true, params, nr_params);

    switch (out) {
    case Outcome::applied:
        return true;
    case Outcome::unknown:
        log(LogLevel::warning, "Unknown command line option '%s'\n", opt);
        return false;
    case Outcome::malformed:
        if (value)
            log(LogLevel::warning, "Invalid value '%s' for command line option '%s'\n", value,
                opt);
        else
            log(LogLevel::warning, "Command line option '%s' needs a valid value\n", opt);
        return false;
    }
    return false;
}

} // namespace

int parse_cmdline(const char* cmdline, const Param* params, size_t nr_params) {
    if (!cmdline) return 0;
    int bad = 0;
    char opt[cmdline_max_option_len + 1];
    const char* p = cmdline;
    for (;;) {
        while (is_space(*p)) ++p;
        if (*p == '\0') break;

        // Gather one token into opt[], dropping quotes; a quoted space does
        // not end the token.
        const char* start = p;
        size_t len = 0;
        bool quoted = false, too_long = false;
        for (; *p && (quoted || !is_space(*p)); ++p) {
            if (*p == '"')
                quoted = !quoted;
            else if (len < cmdline_max_option_len)
                opt[len++] = *p;
            else
                too_long = true;
        }
        opt[len] = '\0';

        if (p - start == 2 && start[0] == '-' && start[1] == '-') break; // dom0's from here
        if (too_long) {
            log(LogLevel::warning, "Command line option too long (over %zu characters): '%.*s...'\n",
                cmdline_max_option_len, 40, start);
            ++bad;
        } else if (quoted) {
            log(LogLevel::warning, "Unterminated quote in command line option '%s'\n", opt);
            ++bad;
        } else if (!apply_option(opt, params, nr_params)) {
            ++bad;
        }
    }
    return bad;
}

Result<bool> parse_bool(const char* s) {
    static constexpr struct {
        const char* word;
        bool value;
    } words[] = {
        {"1", true},      {"on", true},     {"yes", true},    {"true", true},  {"enable", true},
        {"0", false},     {"no", false},    {"off", false},   {"false", false}, {"disable", false},
    };
    for (const auto& w : words)
        if (strcmp(s, w.word) == 0) return w.value;
    return Err(Errno::XEN_EINVAL);
}

Result<uint64_t> parse_integer(const char* s) {
    const bool negative = *s == '-';
    if (negative) ++s;
    uint64_t v = TRY(parse_unsigned(s));
    if (*s != '\0') return Err(Errno::XEN_EINVAL);
    if (!negative) return v;
    if (v > uint64_t{1} << 63) return Err(Errno::XEN_EOVERFLOW); // below INT64_MIN
    return uint64_t{0} - v;
}

Result<uint64_t> parse_size_and_unit(const char* s) {
    uint64_t v = TRY(parse_unsigned(s));
    unsigned shift;
    switch (*s) {
    case 'T': case 't': shift = 40; break;
    case 'G': case 'g': shift = 30; break;
    case 'M': case 'm': shift = 20; break;
    case 'K': case 'k': shift = 10; break;
    case 'B': case 'b': shift = 0; break;
    case '\0': shift = 10; break; // Xen's default unit: KiB
    default: return Err(Errno::XEN_EINVAL);
    }
    if (*s != '\0') ++s;
    if (*s != '\0') return Err(Errno::XEN_EINVAL);
    if (v > (u64_max >> shift)) return Err(Errno::XEN_EOVERFLOW);
    return v << shift;
}

} // namespace cxen
