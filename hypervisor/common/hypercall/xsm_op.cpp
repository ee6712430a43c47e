// xsm_op (hypercall 27, Xen's do_xsm_op): the FLASK policy interface.
// Under Xen's dummy XSM policy, which cxen implements (common/xsm), it is
// -ENOSYS for every caller and command, before anything is read; libxl's
// libxl_flask_sid_to_context (`xl list`) takes that as "no labels".
#include "common/hypercall/hypercall.hpp"

namespace cxen {

long do_xsm_op(Vcpu&, const HypercallArgs&) {
    return err(Errno::XEN_ENOSYS);
}

} // namespace cxen
