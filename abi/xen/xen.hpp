// Xen's public hypercall ABI, from the installed headers (Debian libxen-dev,
// Xen 4.17): hypercall numbers, sub-op numbers and argument structures,
// with static_asserts on the layouts the hypervisor copies to and from
// guests. The headers are included as the hypervisor sees them (__XEN__ is
// not defined: they describe the guest-visible ABI).
#pragma once

#include <cstddef>
#include <cstdint>

#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#endif
#include <xen/xen-compat.h>
#include <xen/xen.h>
#include <xen/arch-x86/cpuid.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/ioreq.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/physdev.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

namespace cxen::xen_abi {
// Layouts copied across the guest boundary (x86-64 ABI).
static_assert(sizeof(sched_shutdown) == 4);
static_assert(sizeof(xen_extraversion_t) == 16);
static_assert(sizeof(xen_capabilities_info_t) == 1024);
static_assert(sizeof(vcpu_time_info) == 32);
static_assert(sizeof(vcpu_info) == 64);
static_assert(offsetof(shared_info, evtchn_pending) == 0x800);
static_assert(offsetof(shared_info, wc_version) == 0xc00);
static_assert(sizeof(evtchn_alloc_unbound) == 8);
static_assert(sizeof(xen_hvm_param) == 16);
static_assert(sizeof(xen_add_to_physmap_batch) == 32);
static_assert(offsetof(xen_add_to_physmap_batch, idxs) == 8);
static_assert(offsetof(xen_add_to_physmap_batch, errs) == 24);
static_assert(sizeof(xen_remove_from_physmap) == 16);
static_assert(sizeof(xen_mem_acquire_resource) == 32);
static_assert(offsetof(xen_mem_acquire_resource, nr_frames) == 8);
static_assert(offsetof(xen_mem_acquire_resource, frame) == 16);
static_assert(offsetof(xen_mem_acquire_resource, frame_list) == 24);
static_assert(sizeof(ioreq_t) == 32); // ioreq_server_max_frames(): pages of ioreq_t per vCPU
} // namespace cxen::xen_abi
