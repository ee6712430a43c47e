// Built-in self-tests, chosen with `selftest=<name>[,<name>...]` or
// `selftest=all` (every test except the deliberately fatal `pagefault`).
// Each prints "selftest <name>: PASS|FAIL ..." lines that system tests read.
#pragma once

namespace cxen::arch {
/// Run the tests named in `list`; true if all passed (or none ran).
/// Unknown names count as failures. `pagefault` never returns.
bool run_selftests(const char* list);
} // namespace cxen::arch
