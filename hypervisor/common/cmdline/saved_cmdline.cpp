#include "common/cmdline/saved_cmdline.hpp"

#include "lib/base/string.hpp"

namespace cxen {

namespace {
char saved[saved_cmdline_size];
} // namespace

void save_cmdline(const char* cmdline) {
    memset(saved, 0, sizeof(saved));
    if (cmdline) strlcpy(saved, cmdline, sizeof(saved));
}

const char* saved_cmdline() {
    return saved;
}

} // namespace cxen
