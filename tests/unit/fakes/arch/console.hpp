// Host fake of arch::console_write: collects output in a string that unit
// tests read back (and clear) through fake_console().
#pragma once

#include <cstddef>
#include <string>

namespace cxen::arch {
void console_write(const char* s, size_t len);
std::string& fake_console();
} // namespace cxen::arch
