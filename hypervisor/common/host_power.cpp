#include "common/host_power.hpp"

#include <atomic>

namespace cxen {

namespace {
std::atomic<HostPowerOffHandler> handler{nullptr};
} // namespace

void set_host_power_off_handler(HostPowerOffHandler h) {
    handler.store(h);
}
HostPowerOffHandler host_power_off_handler() {
    return handler.load();
}

} // namespace cxen
