// XEN_DOMCTL_createdomain (see domctl_create.hpp).
//
// Locking: the rover is read and written under the domctl lock (the
// caller's), as Xen's static rover is.
#include "arch/time.hpp"
#include "common/domain_create_config.hpp"
#include "common/hypercall/domctl_create.hpp"
#include "common/hypercall/hypercall.hpp"

namespace cxen {

namespace {
Domid rover = 0;

/// Xen's is_free_domid(): not reserved and not listed (a dead domain that
/// another domain still maps is listed: its ID is not free).
bool is_free_domid(Domid dom) {
    if (dom >= domid_first_reserved) return false;
    DomainRef d;
    return !domain_ref_by_id(dom, d);
}

/// Xen's choice: a given ID as it is, else the first free one after the
/// rover, wrapping from DOMID_FIRST_RESERVED to 1.
Result<Domid> choose_domid(Domid requested) {
    if (requested > 0 && requested < domid_first_reserved) {
        if (!is_free_domid(requested)) return Err(Errno::XEN_EEXIST);
        return requested;
    }
    Domid dom = rover;
    for (unsigned tries = 0; tries < domid_first_reserved - 1; ++tries) {
        dom = static_cast<Domid>(dom + 1);
        if (dom >= domid_first_reserved) dom = 1;
        if (is_free_domid(dom)) {
            rover = dom;
            return dom;
        }
    }
    return Err(Errno::XEN_ENOMEM); // Xen: the search came back to the rover
}
} // namespace

void createdomain_set_rover(Domid r) {
    rover = r;
}

long createdomain(xen_domctl& op) {
    xen_domctl_createdomain& c = op.u.createdomain;
    // The ID before the config, as Xen (a refused config still moves the rover).
    const auto chosen = choose_domid(op.domain);
    if (!chosen) return err(chosen.error());
    const Domid dom = chosen.value();
    const auto checked = check_domain_config(c);
    if (!checked) return err(checked.error());
    const DomainCreateConfig& cfg = checked.value();
    // ssidref is the XSM label; the dummy policy ignores it, as Xen's.
    DomainCreateOptions opts;
    opts.options = cfg.options;
    opts.max_grant_version = cfg.max_grant_version;
    opts.controller_paused = true;
    opts.handle = c.handle;
    auto created = domain_create(dom, "", cfg.max_vcpus, cfg.max_evtchn_port, cfg.max_grant_frames,
                                 cfg.max_maptrack_frames, opts);
    if (!created) {
        // A full domain table is cxen's limit, where Xen would run out of memory.
        return err(created.error() == Errno::XEN_ENOSPC ? Errno::XEN_ENOMEM : created.error());
    }
    Domain& d = *created.value();
    // arch_domain_create()'s tsc_set_info(d, TSC_MODE_DEFAULT, 0, 0, 0).
    d.tsc.mode = 0;
    d.tsc.khz = static_cast<uint32_t>(arch::tsc_khz());
    d.tsc.incarnation = 1;
    d.tsc.vtsc = false;
    d.tsc.vtsc_offset_ns = arch::now_ns();
    op.domain = dom;
    return 0;
}

} // namespace cxen
