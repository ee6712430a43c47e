// cxen-kernel-loader: turn a kernel image (ELF or bzImage) into the ELF a
// PVH domain boots, or describe it (--info). The hypervisor unpacks bzImage
// modules itself with the same code (lib/loader/bzimage.cpp over
// lib/decompress/); this tool is for inspecting images.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "lib/loader/kernel_image.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Unpack a Linux bzImage (gzip, bzip2, lzma, xz, lzo, lz4 or zstd payload) into the ELF a PVH domain boots"};
    std::string input, output;
    bool info = false;
    app.add_option("input", input, "kernel image: ELF or bzImage")->required();
    app.add_option("-o,--output", output, "where to write the ELF");
    app.add_flag("--info", info, "describe the image instead of writing it");
    CLI11_PARSE(app, argc, argv);
    if (output.empty() && !info) {
        std::fprintf(stderr, "cxen-kernel-loader: say where the ELF goes with -o, or use --info\n");
        return 2;
    }
    std::ifstream in(input, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "cxen-kernel-loader: %s: cannot open\n", input.c_str());
        return 1;
    }
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string why;
    auto k = cxen::tools::load_kernel(data.data(), data.size(), why);
    if (!k) {
        std::fprintf(stderr, "cxen-kernel-loader: %s: %s\n", input.c_str(), why.c_str());
        return 1;
    }
    if (k->was_bzimage)
        std::printf("%s: bzImage, boot protocol %u.%02u, %s payload of %zu bytes -> ELF of %zu bytes\n",
                    input.c_str(), k->boot_protocol >> 8, k->boot_protocol & 0xff,
                    cxen::tools::compression_name(k->compression), k->payload_bytes, k->elf.size());
    else
        std::printf("%s: ELF of %zu bytes\n", input.c_str(), k->elf.size());
    if (info) return 0;
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(k->elf.data()), static_cast<std::streamsize>(k->elf.size()));
    if (!out) {
        std::fprintf(stderr, "cxen-kernel-loader: %s: cannot write\n", output.c_str());
        return 1;
    }
    return 0;
}
