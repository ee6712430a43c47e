// Host fake of arch/host_cpu.hpp: a host the test describes by hand.
#pragma once

#include <cstdint>

namespace cxen::arch {

struct HostCpu {
    uint32_t apic_id;
    uint32_t acpi_id;
    uint32_t core;
    uint32_t socket;
    bool online;
};

/// The fake host: fake_host_cpus[0 .. fake_nr_host_cpus-1]; by default two
/// threads of one core (APIC IDs 0 and 1), one socket.
inline unsigned fake_nr_host_cpus = 2;
inline HostCpu fake_host_cpus[8] = {{0, 0, 0, 0, true}, {1, 1, 0, 0, true}};
inline uint32_t fake_host_features[8] = {0x178bfbff, 0x80002001, 0x2fd3fbff, 0x1f3,
                                         0,          0x9,        0,          0x100};

inline unsigned host_cpus_present() {
    return fake_nr_host_cpus;
}
inline HostCpu host_cpu(unsigned cpu) {
    return fake_host_cpus[cpu];
}
inline void host_cpu_feature_words(uint32_t (&words)[8]) {
    for (unsigned i = 0; i < 8; ++i)
        words[i] = fake_host_features[i];
}

} // namespace cxen::arch
