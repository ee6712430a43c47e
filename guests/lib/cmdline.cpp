#include "cmdline.hpp"

#include "string.hpp"

namespace cxen::guest {

namespace {
constinit Cmdline boot_line{};
} // namespace

bool Cmdline::parse(const char* text) {
    n_ = 0;
    size_t len = strnlen(text, max_len + 1);
    bool ok = len <= max_len;
    if (!ok) len = max_len;
    memcpy(buf_, text, len);
    buf_[len] = '\0';
    char* p = buf_;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') *p++ = '\0';
        if (!*p) break;
        if (n_ == max_options) {
            ok = false;
            break;
        }
        keys_[n_] = p;
        values_[n_] = "";
        bool has_value = false;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            if (*p == '=' && !has_value) { // the first '=' splits; later ones belong to the value
                *p = '\0';
                values_[n_] = p + 1;
                has_value = true;
            }
            ++p;
        }
        ++n_;
    }
    return ok;
}

const char* Cmdline::get(const char* key) const {
    const char* found = nullptr;
    for (size_t i = 0; i < n_; ++i)
        if (streq(keys_[i], key)) found = values_[i];
    return found;
}

bool pattern_matches(const char* name, const char* pattern, size_t len) {
    if (len && pattern[len - 1] == '*') return strncmp(name, pattern, len - 1) == 0;
    return strnlen(name, len + 1) == len && strncmp(name, pattern, len) == 0;
}

bool name_matches(const char* name, const char* patterns) {
    const char* p = patterns;
    while (*p) {
        const char* end = p;
        while (*end && *end != ',') ++end;
        if (end > p && pattern_matches(name, p, static_cast<size_t>(end - p))) return true;
        p = *end ? end + 1 : end;
    }
    return false;
}

const Cmdline& cmdline() { return boot_line; }
Cmdline& boot_cmdline() { return boot_line; }

const char* option(const char* key) { return boot_line.get(key); }

bool option_enabled(const char* key) {
    const char* v = boot_line.get(key);
    if (!v) return false;
    return !(streq(v, "0") || streq(v, "no") || streq(v, "false") || streq(v, "off"));
}

} // namespace cxen::guest
