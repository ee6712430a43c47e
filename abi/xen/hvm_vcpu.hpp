// VCPUOP_initialise's argument for HVM/PVH vCPUs: struct vcpu_hvm_context.
// Source: Xen public/hvm/hvm_vcpu.h (installed by Debian's libxen-dev). The
// segment `_ar` fields use the VMCB attribute layout (type, S, DPL, P, AVL,
// L, D/B, G in bits 0-11).
#pragma once

#include <cstddef>
#include <cstdint>

#include "abi/xen/xen.hpp"

#include <xen/hvm/hvm_vcpu.h>

namespace cxen::xen_abi {
static_assert(sizeof(vcpu_hvm_x86_32) == 120);
static_assert(offsetof(vcpu_hvm_x86_32, efer) == 56);
static_assert(offsetof(vcpu_hvm_x86_32, cs_base) == 64);
static_assert(offsetof(vcpu_hvm_x86_32, cs_limit) == 84);
static_assert(offsetof(vcpu_hvm_x86_32, cs_ar) == 104);
static_assert(sizeof(vcpu_hvm_x86_64) == 112);
static_assert(offsetof(vcpu_hvm_x86_64, rip) == 64);
static_assert(offsetof(vcpu_hvm_x86_64, efer) == 104);
static_assert(sizeof(vcpu_hvm_context) == 128);
static_assert(offsetof(vcpu_hvm_context, cpu_regs) == 8);
} // namespace cxen::xen_abi
