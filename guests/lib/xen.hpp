// The Xen public headers a guest test kernel uses, in one place, with the
// layouts this framework relies on asserted. Constants and structs keep Xen's
// names (XENVER_version, struct sched_shutdown, ...); take them from here,
// never retype them.
//
// Interface version: CMake defines __XEN_INTERFACE_VERSION__ as
// __XEN_LATEST_INTERFACE_VERSION__, i.e. the newest interface the installed
// headers (libxen-dev, Xen 4.17) describe, as a current guest would.
//
// These belong in abi/xen/ (one wrapper per header) once the hypervisor side
// wraps the same headers; until then the guests keep their own here.
#pragma once

#include <cstddef>
#include <cstdint>

#include <xen/xen.h>

#include <xen/arch-x86/cpuid.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>
#include <xen/memory.h>
#include <xen/physdev.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#include "abi/xen/errno.hpp"

// hvm_start_info and friends, with their layout asserted once for the
// hypervisor and the guests alike.
#include "abi/xen/start_info.hpp"

// The console ring, public/io/console.h: in[1024], out[2048], then the indices.
static_assert(offsetof(xencons_interface, out) == 1024);
static_assert(offsetof(xencons_interface, in_cons) == 3072);
static_assert(offsetof(xencons_interface, out_prod) == 3084);

static_assert(sizeof(sched_shutdown) == 4);
static_assert(sizeof(xen_hvm_param_t) == 16);
static_assert(sizeof(xen_extraversion_t) == 16);
