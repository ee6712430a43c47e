/* Constants shared by the assembly boot code (and mirrored in C++ headers). */
#pragma once

#define KERNEL_VMA 0xffffffff80000000

#define MB1_HEADER_MAGIC 0x1BADB002
/* page-align modules | want memory info | a.out kludge (load addresses) */
#define MB1_HEADER_FLAGS 0x00010003
#define MB2_HEADER_MAGIC 0xE85250D6

#define BOOT_CS64 0x08
#define BOOT_DS 0x10

#define PTE_P 0x001
#define PTE_RW 0x002
#define PTE_PSE 0x080

#define CR0_PE 0x00000001
#define CR0_WP 0x00010000
#define CR0_PG 0x80000000
#define CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100
#define EFER_NXE 0x00000800

#define BOOT_STACK_SIZE (8 * 4096)

/* The AP trampoline is copied here (below 1 MiB; SIPI vector 0x08). */
#define TRAMPOLINE_PHYS 0x8000
