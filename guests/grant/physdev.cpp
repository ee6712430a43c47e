// physdev_op from a PVH domU: Xen's hvm_physdev_op() refuses every command
// with -ENOSYS (no emulated PIRQs, not the hardware domain) before it reads
// the argument, so good and bad pointers get the same answer.
#include "guest.hpp"

using namespace cxen::guest;

TEST_CASE("physdev.enosys_for_pvh_domu") {
    SKIP_UNLESS_XEN();
    physdev_eoi eoi{};
    physdev_get_free_pirq pirq{};
    pirq.type = MAP_PIRQ_TYPE_MSI;
    physdev_map_pirq map{};
    map.domid = DOMID_SELF;
    map.type = MAP_PIRQ_TYPE_GSI;
    physdev_pirq_eoi_gmfn eoi_gmfn{};
    physdev_irq_status_query isq{};
    struct {
        int cmd;
        void* arg;
    } const calls[] = {
        {PHYSDEVOP_eoi, &eoi},
        {PHYSDEVOP_irq_status_query, &isq},
        {PHYSDEVOP_get_free_pirq, &pirq},
        {PHYSDEVOP_map_pirq, &map},
        {PHYSDEVOP_unmap_pirq, &map},
        {PHYSDEVOP_pirq_eoi_gmfn_v2, &eoi_gmfn},
        {PHYSDEVOP_pirq_eoi_gmfn_v1, &eoi_gmfn},
        {PHYSDEVOP_set_iopl, &eoi},
        {PHYSDEVOP_setup_gsi, &eoi},
        {PHYSDEVOP_pci_device_add, &eoi},
        {PHYSDEVOP_pci_mmcfg_reserved, &eoi},
        {PHYSDEVOP_dbgp_op, &eoi},
    };
    for (const auto& c : calls) {
        if (!CHECK_ERRNO(HYPERVISOR_physdev_op(c.cmd, c.arg), ENOSYS)) printf("  (command %d)\n", c.cmd);
    }
}

TEST_CASE("physdev.bad_pointers_and_commands") {
    SKIP_UNLESS_XEN();
    for (int cmd : {0, PHYSDEVOP_eoi, PHYSDEVOP_map_pirq, PHYSDEVOP_get_free_pirq, 32, 1000, -1}) {
        CHECK_ERRNO(HYPERVISOR_physdev_op(cmd, unmapped_pointer()), ENOSYS);
        CHECK_ERRNO(HYPERVISOR_physdev_op(cmd, nullptr), ENOSYS);
    }
}
