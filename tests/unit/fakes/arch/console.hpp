// Host fake of arch::console_write: collects output in a string that unit
// tests read back (and clear) through fake_console(); console_getc() takes
// bytes a test queued in fake_console_input().
#pragma once

#include <cstddef>
#include <string>

namespace cxen::arch {
void console_write(const char* s, size_t len);
std::string& fake_console();
[[nodiscard]] bool console_getc(char& c);
std::string& fake_console_input();
} // namespace cxen::arch
