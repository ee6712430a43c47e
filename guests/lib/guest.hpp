// Everything a guest test kernel needs: include this, then write TEST_CASEs.
// The framework supplies the entry point, guest_main(); a kernel is only its
// test cases. See docs/guests.md.
#pragma once

#include "boot.hpp"
#include "cmdline.hpp"
#include "console.hpp"
#include "hypercall.hpp"
#include "string.hpp"
#include "test.hpp"
#include "trap.hpp"
#include "x86.hpp"
#include "xen.hpp"

#include "lib/base/format.hpp" // cxen::snprintf
