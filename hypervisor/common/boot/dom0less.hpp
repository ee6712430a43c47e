// The boot-time builder's policy for the domains it builds from boot
// modules (dom0less mode: nothing else owns them): a domain that shuts
// down, whatever the reason, is destroyed (as if xl.cfg's on_poweroff,
// on_reboot and on_crash all said "destroy"). The core only shuts a domain
// down and leaves it so; this is what reaps it.
#pragma once

#include "common/domain.hpp"

namespace cxen {

/// Domain::on_shutdown for a boot-built domain: start domain_kill() at
/// once (the domain is paused, dying, its vCPUs off the run queues), then
/// finish it from a timer on pCPU 0, again every millisecond while it says
/// -ERESTART (a vCPU still on a pCPU, or other work waiting). Without
/// memory for the timer the domain stays shut down and dying: its memory
/// is lost, nothing else.
void dom0less_reap_on_shutdown(Domain& d);

} // namespace cxen
