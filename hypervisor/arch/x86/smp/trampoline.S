/*
 * AP start-up trampoline. The BSP copies [trampoline_start, trampoline_end)
 * to TRAMPOLINE_PHYS and sends INIT-SIPI-SIPI with vector TRAMPOLINE_PHYS>>12;
 * the AP starts here in real mode with CS = vector<<8, IP = 0, goes through
 * 32-bit protected mode to long mode on the boot page tables (which map this
 * page 1:1) and jumps to ap_entry64 in the image.
 */
#include "../boot/boot_defs.h"

#define PHYS(x) ((x) - KERNEL_VMA)
#define TRAMP(x) (TRAMPOLINE_PHYS + ((x) - trampoline_start))

    .section .rodata
    .code16
    .globl trampoline_start, trampoline_end
trampoline_start:
    cli
    cld
    movw    %cs, %ax
    movw    %ax, %ds
    lgdtl   (tramp_gdt_ptr - trampoline_start)
    movl    %cr0, %eax
    orl     $CR0_PE, %eax
    movl    %eax, %cr0
    ljmpl   $0x08, $TRAMP(tramp32)

    .code32
tramp32:
    movl    $0x10, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    movl    %cr4, %eax
    orl     $CR4_PAE, %eax
    movl    %eax, %cr4
    movl    $PHYS(boot_pml4), %eax
    movl    %eax, %cr3
    movl    $MSR_EFER, %ecx
    rdmsr
    orl     $EFER_LME, %eax
    orl     TRAMP(tramp_efer_extra), %eax
    wrmsr
    movl    %cr0, %eax
    orl     $(CR0_PG | CR0_WP | CR0_PE), %eax
    movl    %eax, %cr0
    ljmpl   $0x18, $TRAMP(tramp64)

    .code64
tramp64:
    movabs  $ap_entry64, %rax
    jmp     *%rax

    .align 8
tramp_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff            /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff            /* 0x10: data */
    .quad 0x00af9a000000ffff            /* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdt_ptr:
    .short tramp_gdt_end - tramp_gdt - 1
    .long TRAMP(tramp_gdt)
    .align 4
    .globl tramp_efer_extra
tramp_efer_extra:                       /* EFER.NXE if the BSP uses NX */
    .long 0
trampoline_end:
