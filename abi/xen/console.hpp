// The PV console ring (Xen public/io/console.h): `struct xencons_interface`,
// the page at HVM_PARAM_CONSOLE_PFN shared by a domain and its console
// backend (xenconsoled; in cxen, until a control domain exists, the
// hypervisor itself: common/console/pv_console.cpp).
#pragma once

#include <cstddef>

#include "abi/xen/xen.hpp"
#include <xen/io/console.h>

namespace cxen::xen_abi {
static_assert(offsetof(xencons_interface, in) == 0);        // char in[1024]
static_assert(offsetof(xencons_interface, out) == 1024);    // char out[2048]
static_assert(offsetof(xencons_interface, in_cons) == 3072);
static_assert(offsetof(xencons_interface, in_prod) == 3076);
static_assert(offsetof(xencons_interface, out_cons) == 3080);
static_assert(offsetof(xencons_interface, out_prod) == 3084);
static_assert(sizeof(XENCONS_RING_IDX) == 4);
} // namespace cxen::xen_abi
