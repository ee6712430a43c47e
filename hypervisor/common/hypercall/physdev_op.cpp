// physdev_op (public/physdev.h) for PVH domains, as Xen's hvm_physdev_op()
// (xen/arch/x86/hvm/hypercall.c) answers them.
//
// Xen passes an HVM/PVH guest's physdev_op on only when
//   - PHYSDEVOP_eoi, _irq_status_query, _get_free_pirq: the domain has
//     emulated PIRQs (XENFEAT_hvm_pirqs; never for PVH: has_pirq() is false),
//   - PHYSDEVOP_map_pirq, _unmap_pirq: as above, or it is the hardware domain,
//   - PHYSDEVOP_pci_mmcfg_reserved, _pci_device_add/_remove/_reset,
//     _dbgp_op: it is the hardware domain;
// and returns -ENOSYS for every other command, before reading the argument.
// cxen domains are PVH without PIRQs and there is no hardware domain (the
// control domain is kept away from devices, docs/pvh-guest-abi.md §18), so
// every command of every domain is -ENOSYS, whatever the argument pointer:
// exactly what Xen returns to a PVH domU (Linux 6.1's PVH domU makes no
// physdev_op during boot; PHYSDEVOP_pirq_eoi_gmfn_v2 and friends are PV or
// hvm_pirqs paths). TODO(#18): the hardware-domain rows if one ever exists.
#include "abi/xen/xen.hpp"
#include "common/hypercall/hypercall.hpp"

namespace cxen {

long do_physdev_op(Vcpu&, const HypercallArgs&) { return -static_cast<long>(Errno::XEN_ENOSYS); }

} // namespace cxen
